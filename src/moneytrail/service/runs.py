"""Runs with an identity: a run id is the hash of what produced a result, and a stored run never
changes.

`run_id(kind, inputs, data_hash)` hashes the canonical JSON of the task's inputs (the plan's
content, options, seed, draws), the code version and the data package's content hash, so the
same inputs on the same code and data always give the same id, and a new data or code version
gives a new one. `RunStore` keeps runs in the ledger database (SQLite by default, PostgreSQL for
teams; table `runs`, migration 0003): queued -> running -> done | error, with progress, and the
result JSON once done. A done run is immutable: a second writer of the same id (two processes
that computed the same run at once) gets the stored run back; a different result is refused.

Whoever computes a run outside a saved plan (the CLI, the builder, the JSON API) makes it
visible to everyone: `start` and `mark_open` record its id in `open_runs` (migration 0006). A
store made with `private=True` (the web app's runs of a private saved plan, their reruns and
claim checks) records nothing there, so such a run is as visible as the plans it is then
linked to (accounts.plans.visible_runs_clause). A run derived from another (a claim checked
against a run) stores that run's id (`checked_run_id`, migration 0009). Every run derived
from another (a check, a rerun of its plan, a briefing's sensitivity run: a store made with
`derived_from(run)`) records that run and the runs it derives from (`run_origins`, migration
0011) and is, besides, no more visible than any of them.

Several processes may share one store. A queued or running run has a lease (migration 0007):
the process that queued or computes it writes its owner id (`process_owner`: host:pid:start)
and refreshes the row's `updated_at` on every progress report and at least every
HEARTBEAT_SECONDS (`Heartbeat`, `RunStore.lease`). Others count it as interrupted only when
`lease_expired`: no refresh for LEASE_SECONDS, or its owner is an earlier life of their own
host and process id (a restarted server). Until then it is being computed, by someone else.
A process takes over an open run only through `RunStore.claim` (one conditional UPDATE of
owner and `updated_at`), so of two processes that saw the same expired lease one computes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, exists, insert, select, update

from moneytrail.engine.result import code_version
from moneytrail.errors import ConflictError, MoneytrailError, NotFoundError
from moneytrail.service.result import Result

log = logging.getLogger("moneytrail.service.runs")

ID_LENGTH = 32           # hex digits: 128 bits
STATUSES = ("queued", "running", "done", "error")
OPEN_STATUSES = ("queued", "running")
HEARTBEAT_SECONDS = 10.0     # a process refreshes the lease of its open runs this often
LEASE_SECONDS = 60.0         # an open run not refreshed for longer was interrupted
INTERRUPTED = "the run was interrupted (the process computing it stopped); run it again"
_STARTED = f"{time.time():.6f}"    # when this process loaded the module: part of its owner id


def process_owner() -> str:
    """This process's owner id for run leases: host:pid:start time."""
    return f"{socket.gethostname()}:{os.getpid()}:{_STARTED}"


class RunNotFound(NotFoundError):
    """No run with this id in the store."""

    exit_code = 4
    http_status = 404


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, floats as Python writes them: one text per value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False, default=str)


def run_id(kind: str, inputs: dict, data_hash: str, code: str | None = None) -> str:
    """The id of a run: sha256 of kind, canonical inputs, code version and data hash."""
    text = canonical_json({"kind": kind, "inputs": inputs,
                           "code_version": code or code_version(), "data_hash": data_hash})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:ID_LENGTH]


def check_run_id(text: str) -> str:
    """A run id as typed by a user: 32 lowercase hex digits (a clear error otherwise, also
    for a run id that is not text)."""
    if not isinstance(text, str):
        raise MoneytrailError(f"a run id is {ID_LENGTH} hexadecimal digits (text)",
                              field="run id", value=text)
    value = text.strip().lower()
    if len(value) != ID_LENGTH or any(c not in "0123456789abcdef" for c in value):
        raise MoneytrailError(f"a run id is {ID_LENGTH} hexadecimal digits", field="run id",
                              value=text)
    return value


SHORT_ID_MIN = 8          # hex digits: the first digits of a run id, as lists and titles show it
SHORT_ID_SHOWN = 20      # runs listed for a short id that several share


def is_short_id(text: str) -> bool:
    """Whether `text` (stripped, any case) is the first 8 to 31 hex digits of a run id."""
    value = text.strip().lower() if isinstance(text, str) else ""
    return SHORT_ID_MIN <= len(value) < ID_LENGTH and \
        all(c in "0123456789abcdef" for c in value)


def several_runs(matches: list[str]) -> str:
    """The message for a short id that several runs share, in one line: how many ("more
    than 20" when one more than SHORT_ID_SHOWN was found) and the ids listed."""
    if len(matches) > SHORT_ID_SHOWN:
        return (f"more than {SHORT_ID_SHOWN} runs have an id starting with these digits, "
                f"the first {SHORT_ID_SHOWN}: {', '.join(matches[:SHORT_ID_SHOWN])}; "
                f"give more digits")
    return (f"{len(matches)} runs have an id starting with these digits: "
            f"{', '.join(matches)}; give more digits")


def resolve_run_id(store: RunStore, run: str, *,
                   visible: Callable[[Any], Any] | None = None) -> str:
    """The full id of the one stored run whose id is `run` or starts with it (8 to 31 hex
    digits, any case, as the web pages' titles and lists show a run's first 8), for the CLI
    and the web app alike. A full id is returned checked (check_run_id), not looked up. A
    prefix no run starts with is a RunNotFound; one several share a MoneytrailError listing
    them (several_runs); other text a MoneytrailError naming both forms. `visible` as for
    RunStore.ids_starting (the web app's rule of who sees which run). Errors name the field
    'run id'."""
    if not is_short_id(run):
        try:
            return check_run_id(run)
        except MoneytrailError:
            raise MoneytrailError(f"a run id is {ID_LENGTH} hexadecimal digits (0-9, a-f), "
                                  f"or its first {SHORT_ID_MIN} or more", field="run id",
                                  value=run) from None
    matches = store.ids_starting(run.strip().lower(), limit=SHORT_ID_SHOWN + 1,
                                 visible=visible)
    if not matches:
        raise RunNotFound("no stored run has an id starting with these digits",
                          field="run id", value=run)
    if len(matches) > 1:
        raise MoneytrailError(several_runs(matches), field="run id", value=run)
    return matches[0]


def checked_against(text: str, run: str) -> str:
    """The label of a claims run checked against the run `run` (`text` then the run id:
    "claim X with the plan of run <id>"), for people. Which run it checked is stored apart
    (`RunStore.start(checked_run=...)`, `runs.checked_run_id`): nothing reads it back from
    the label."""
    return f"{text} run {run}"


@dataclass(frozen=True)
class RunState:
    id: str
    kind: str
    label: str
    status: str
    done: int
    total: int
    error: str
    data_version: str
    code_version: str
    created_at: dt.datetime
    result: Result | None
    updated_at: dt.datetime | None = None
    owner: str = ""
    checked_run: str | None = None    # the run a derived run checked (runs.checked_run_id)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def lease_expired(state: RunState, at: dt.datetime | None = None,
                  owner: str | None = None) -> bool:
    """Whether a queued or running run was interrupted: its lease was not refreshed for
    LEASE_SECONDS, or its owner is an earlier life of this host and process id (`owner`,
    default `process_owner()`: the server was restarted). False for a done or failed run."""
    if state.status not in OPEN_STATUSES:
        return False
    me = owner or process_owner()
    if state.owner and state.owner != me \
            and state.owner.rsplit(":", 1)[0] == me.rsplit(":", 1)[0]:
        return True
    if state.updated_at is None:
        return True
    updated = state.updated_at
    if updated.tzinfo is None:              # SQLite keeps no time zone: stored in UTC
        updated = updated.replace(tzinfo=dt.UTC)
    return ((at or now()) - updated).total_seconds() > LEASE_SECONDS


class Heartbeat:
    """Refreshes the leases of the runs a process holds (`hold`, `release`) every `every`
    seconds on a daemon thread, until `stop`."""

    def __init__(self, store: RunStore, every: float = HEARTBEAT_SECONDS) -> None:
        self.store = store
        self.every = every
        self._runs: set[str] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def hold(self, run: str) -> None:
        """Hold `run`: its lease is refreshed now, then every `every` seconds."""
        with self._lock:
            new = run not in self._runs
            self._runs.add(run)
            if self._thread is None and not self._stopped.is_set():
                self._thread = threading.Thread(target=self._beat, daemon=True,
                                                name="moneytrail-heartbeat")
                self._thread.start()
        if new:
            self._refresh([run])

    def release(self, run: str) -> None:
        with self._lock:
            self._runs.discard(run)

    def _beat(self) -> None:
        while not self._stopped.wait(self.every):
            with self._lock:
                runs = sorted(self._runs)
            if runs:
                self._refresh(runs)

    def _refresh(self, runs: list[str]) -> None:
        try:
            self.store.beat(runs)
        except Exception:                       # the next beat tries again
            log.warning("could not refresh the lease of runs %s", runs, exc_info=True)

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join()


CONTENT_REL_TOL = 1e-9       # two computations of one run agree to this (summation order)
CONTENT_ABS_TOL = 1e-12


def same_content(a: Result, b: Result) -> bool:
    """Whether two results of one run id are the same run: equal as the JSON they are stored
    as, but for when they were computed (`provenance.created`) and numbers that differ only
    in their last digits (relative 1e-9): sums over draws computed at the same time by two
    threads may be added in another order."""
    def content(result: Result) -> dict:
        data = json.loads(result.to_json(indent=None))
        data["provenance"].pop("created", None)
        return data

    return close(content(a), content(b))


def close(a: Any, b: Any) -> bool:
    """JSON values equal, floats to CONTENT_REL_TOL (pure; booleans are not numbers)."""
    if isinstance(a, float) or isinstance(b, float):
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b))
        return numbers and math.isclose(a, b, rel_tol=CONTENT_REL_TOL,
                                        abs_tol=CONTENT_ABS_TOL)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


class RunStore:
    """Runs in the ledger database (see the module docstring). `private=True`: runs made
    through this store are not opened to everyone (runs of private saved plans)."""

    def __init__(self, engine: Engine, *, private: bool = False,
                 origin: str | None = None) -> None:
        self.engine = engine
        self.private = private
        self.origin = origin

    def as_private(self) -> RunStore:
        """The same store, making runs for a private saved plan (they are not opened)."""
        return RunStore(self.engine, private=True, origin=self.origin)

    def derived_from(self, run: str) -> RunStore:
        """The same store, making runs derived from the run `run` (a rerun of its plan, a
        briefing's runs, a claim checked against it): `start` records `run` and every run
        it derives from (`run_origins`, migration 0011), so a new run is visible only while
        they are (accounts.plans.visible_runs_clause)."""
        return RunStore(self.engine, private=self.private, origin=run)

    def mark_open(self, run: str) -> None:
        """Record that `run` was computed (or asked for) outside a saved plan, so everyone
        may see it; nothing for a private store. A store making derived runs (`derived_from`)
        opens it and leaves the runs it derives from; any other store (the CLI, the builder,
        the JSON API: whoever computes the same content on its own holds it) also forgets
        them, so the run is public as every open run is. Idempotent; one read when already
        open and derived from nothing."""
        if self.private:
            return
        from moneytrail.ledger.locking import write_transaction
        from moneytrail.ledger.models import OpenRun, RunOrigin

        def done(conn) -> bool:
            opened = conn.execute(select(OpenRun.run_id).where(OpenRun.run_id == run)).first()
            derived = self.origin is None and conn.execute(select(RunOrigin.run_id).where(
                RunOrigin.run_id == run)).first() is not None
            return opened is not None and not derived

        with self.engine.connect() as conn:
            if done(conn):
                return
        with write_transaction(self.engine) as conn:
            if done(conn):
                return
            if self.origin is None:
                conn.execute(delete(RunOrigin).where(RunOrigin.run_id == run))
            if conn.execute(select(OpenRun.run_id).where(OpenRun.run_id == run)).first() is None:
                conn.execute(insert(OpenRun).values(run_id=run, created_at=now()))

    def get(self, run: str) -> RunState | None:
        from moneytrail.ledger.models import Run

        with self.engine.connect() as conn:
            row = conn.execute(select(Run).where(Run.id == run)).mappings().first()
        if row is None:
            return None
        result = Result.from_json(row["result"]) if row["result"] else None
        return RunState(id=row["id"], kind=row["kind"], label=row["label"],
                        status=row["status"], done=row["done"], total=row["total"],
                        error=row["error"], data_version=row["data_version"],
                        code_version=row["code_version"], created_at=row["created_at"],
                        result=result, updated_at=row["updated_at"], owner=row["owner"] or "",
                        checked_run=row["checked_run_id"])

    def ids_starting(self, prefix: str, limit: int = 20,
                     visible: Callable[[Any], Any] | None = None) -> list[str]:
        """The stored run ids that start with `prefix` (hex digits, as the lists show a run's
        first 8), in order, at most `limit`. A range on the primary key (indexed on SQLite
        and PostgreSQL; ids are lowercase hex) with a LIKE on top, its wildcards escaped.
        `visible`, as for `recent`, makes a SQL condition a run must meet (applied before
        `limit`, so runs the visitor may not see take no place in it)."""
        from moneytrail.ledger.models import Run

        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = select(Run.id).where(
            Run.id >= prefix, Run.id < prefix + "g",           # 'g' follows every hex digit
            Run.id.like(pattern + "%", escape="\\"))
        if visible is not None:
            query = query.where(visible(Run.id))
        with self.engine.connect() as conn:
            found = conn.execute(query.order_by(Run.id).limit(limit))
            return [str(row[0]) for row in found]

    def described(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """What tells the runs `ids` apart in a list, by id (no result is read): kind,
        status, label, created_at, and from the inputs the plan's title (else '') and the
        draws and seed (None when the inputs have none). Ids not stored are left out."""
        from moneytrail.ledger.models import Run

        if not ids:
            return {}
        query = select(Run.id, Run.kind, Run.status, Run.label, Run.created_at,
                       Run.inputs).where(Run.id.in_(ids))
        found = {}
        with self.engine.connect() as conn:
            for rid, kind, status, label, created, text in conn.execute(query):
                try:
                    inputs = json.loads(text or "{}")
                except ValueError:
                    inputs = {}
                inputs = inputs if isinstance(inputs, dict) else {}
                found_plan = inputs.get("plan")
                plan = found_plan if isinstance(found_plan, dict) else {}
                found[rid] = {"kind": kind, "status": status, "label": label,
                              "created_at": created, "title": str(plan.get("title") or ""),
                              "draws": inputs.get("draws"), "seed": inputs.get("seed")}
        return found

    def recent(self, *, kind: str = "trace", limit: int = 20,
               visible: Callable[[Any], Any] | None = None) -> list[dict[str, Any]]:
        """The most recent done runs of `kind`, newest first, at most `limit`: id, label,
        created_at, and from the inputs the plan's title (else '') and the draws and seed
        (no result is read). `visible`, given the run id column, makes a SQL condition a run
        must meet (the web app's: runs the visitor may see)."""
        from moneytrail.ledger.models import Run

        query = select(Run.id, Run.label, Run.created_at, Run.inputs).where(
            Run.kind == kind, Run.status == "done")
        if visible is not None:
            query = query.where(visible(Run.id))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(Run.created_at.desc(), Run.id).limit(limit))
            found = []
            for rid, label, created, text in rows:
                inputs = json.loads(text or "{}")
                plan = inputs.get("plan") if isinstance(inputs.get("plan"), dict) else {}
                found.append({"run_id": rid, "label": label, "created_at": created,
                              "title": str(plan.get("title") or ""),
                              "draws": inputs.get("draws"), "seed": inputs.get("seed")})
            return found

    def open_done_runs(self, *, kind: str, label: str, data_hash: str
                       ) -> list[tuple[str, dict[str, Any], dt.datetime]]:
        """The done runs of `kind` labelled `label` on this code version and data hash that
        are open to everyone (`open_runs`, and derived from no other run: a derived run is
        only as visible as the runs it derives from, `run_origins`): (id, inputs,
        created_at), newest first. Only the inputs are read, not the results."""
        from moneytrail.ledger.models import OpenRun, Run, RunOrigin

        query = (select(Run.id, Run.inputs, Run.created_at)
                 .join(OpenRun, OpenRun.run_id == Run.id)
                 .where(Run.kind == kind, Run.label == label, Run.status == "done",
                        Run.code_version == code_version(), Run.data_hash == data_hash,
                        ~exists().where(RunOrigin.run_id == Run.id))
                 .order_by(Run.created_at.desc(), Run.id))
        found = []
        with self.engine.connect() as conn:
            for rid, text, created in conn.execute(query):
                try:
                    inputs = json.loads(text or "{}")
                except ValueError:
                    continue
                if isinstance(inputs, dict):
                    found.append((rid, inputs, created))
        return found

    def require(self, run: str) -> RunState:
        state = self.get(check_run_id(run))
        if state is None:
            raise RunNotFound("no run with this id in the store (it may have been computed "
                              "with another --db)", field="run id", value=run)
        return state

    def result(self, run: str) -> Result:
        """The stored result of a done run."""
        state = self.require(run)
        if state.result is None:
            raise MoneytrailError(f"this run is {state.status}, not done"
                                  + (f": {state.error}" if state.error else ""),
                                  field="run id", value=run)
        return state.result

    def start(self, run: str, *, kind: str, label: str, inputs: dict, data_version: str,
              data_hash: str, total: int, status: str = "running",
              checked_run: str | None = None) -> bool:
        """Record a new run (queued or running), opened to everyone unless this store is
        private; False if the id is already stored (then nothing is written). `checked_run`:
        the run a claims run checked (`runs.checked_run_id`). The run it derives from (this
        store's `derived_from`, else `checked_run`) and every run that one derives from are
        recorded in `run_origins`: the new run is then no more visible than any of them
        (accounts.plans.visible_runs_clause)."""
        from moneytrail.ledger.locking import write_transaction
        from moneytrail.ledger.models import OpenRun, Run, RunOrigin

        parent = self.origin or checked_run
        with write_transaction(self.engine) as conn:
            if conn.execute(select(Run.id).where(Run.id == run)).first() is not None:
                return False
            stamp = now()
            conn.execute(insert(Run).values(
                id=run, kind=kind, label=label, code_version=code_version(),
                data_version=data_version, data_hash=data_hash,
                inputs=canonical_json(inputs), status=status, done=0, total=total, error="",
                result=None, created_at=stamp, updated_at=stamp, owner=process_owner(),
                checked_run_id=checked_run))
            if parent is not None:
                origins = {parent, *conn.execute(select(RunOrigin.origin_id).where(
                    RunOrigin.run_id == parent)).scalars()} - {run}
                for origin in sorted(origins):
                    conn.execute(insert(RunOrigin).values(run_id=run, origin_id=origin))
            if not self.private and conn.execute(select(OpenRun.run_id).where(
                    OpenRun.run_id == run)).first() is None:   # kept when an error is forgotten
                conn.execute(insert(OpenRun).values(run_id=run, created_at=stamp))
        return True

    def progress(self, run: str, done: int, total: int) -> None:
        from moneytrail.ledger.models import Run

        with self.engine.begin() as conn:
            conn.execute(update(Run).where(Run.id == run, Run.status.in_(OPEN_STATUSES))
                         .values(status="running", done=done, total=total, updated_at=now(),
                                 owner=process_owner()))

    def beat(self, runs: list[str]) -> None:
        """Refresh the lease of this process's open `runs` (see `Heartbeat`)."""
        from moneytrail.ledger.models import Run

        with self.engine.begin() as conn:
            conn.execute(update(Run).where(Run.id.in_(runs), Run.status.in_(OPEN_STATUSES))
                         .values(updated_at=now(), owner=process_owner()))

    def claim(self, run: str, seen: RunState) -> bool:
        """Take over the open run `seen` (queued by this process, or its lease expired) to
        compute it: its owner becomes this process and its lease is refreshed, in one
        conditional UPDATE that changes the row only while it is still open with the owner
        and `updated_at` seen. True when this process now holds the run; False when another
        process claimed, refreshed, finished or dropped it first (read it again)."""
        from sqlalchemy import or_

        from moneytrail.ledger.models import Run

        owner = (Run.owner == seen.owner) if seen.owner \
            else or_(Run.owner.is_(None), Run.owner == "")
        stamp = Run.updated_at.is_(None) if seen.updated_at is None \
            else Run.updated_at == seen.updated_at
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(Run).where(Run.id == run, Run.status.in_(OPEN_STATUSES), owner, stamp)
                .values(owner=process_owner(), updated_at=now())).rowcount
        return changed == 1

    @contextmanager
    def lease(self, run: str) -> Iterator[None]:
        """Hold the lease of `run` while computing it (a heartbeat between progress reports)."""
        heartbeat = Heartbeat(self)
        heartbeat.hold(run)
        try:
            yield
        finally:
            heartbeat.stop()

    def interrupt(self, run: str, message: str = INTERRUPTED) -> bool:
        """Mark an open run whose lease expired (`lease_expired`) as failed, so it can be run
        again; False (nothing written) when it is not open or its lease is live. Read and
        written in one write transaction, the row locked on PostgreSQL."""
        from moneytrail.ledger.locking import write_transaction
        from moneytrail.ledger.models import Run

        with write_transaction(self.engine) as conn:
            row = conn.execute(select(Run.status, Run.updated_at, Run.owner)
                               .where(Run.id == run).with_for_update()).first()
            if row is None:
                return False
            seen = RunState(id=run, kind="", label="", status=row.status, done=0, total=0,
                            error="", data_version="", code_version="", created_at=now(),
                            result=None, updated_at=row.updated_at, owner=row.owner or "")
            if not lease_expired(seen):
                return False
            conn.execute(update(Run).where(Run.id == run).values(
                status="error", error=message[:2000], updated_at=now()))
        return True

    def finish(self, result: Result) -> Result:
        """Store a done result once and return the stored run: a done run never changes.

        Two writers may compute the same run id at once (two `moneytrail trace` commands, the
        CLI and the web app, two web servers on one store); whoever finishes second writes
        nothing and gets the first one's stored result, as long as the two are the same run
        (`same_content`: all but the `created` time stamp and last-digit rounding; the run id
        is a hash of the inputs, code and data, so they are). A different result for a done
        id is refused (ConflictError naming the run id: code changed without a new version).
        The check and the write happen under the store's write lock (`ledger.locking`), on
        SQLite and on PostgreSQL alike."""
        from moneytrail.ledger.locking import write_transaction
        from moneytrail.ledger.models import Run

        with write_transaction(self.engine) as conn:
            row = conn.execute(select(Run.status, Run.result)
                               .where(Run.id == result.run_id)).first()
            if row is None:
                raise RunNotFound("no run with this id to finish", field="run id",
                                  value=result.run_id)
            if row.status == "done" and row.result:
                stored = Result.from_json(row.result)
                if not same_content(stored, result):
                    raise ConflictError("a done run never changes, and this run id is stored "
                                        "with a different result (was the code changed "
                                        "without a new code version?)", field="run id",
                                        value=result.run_id)
                return stored
            conn.execute(update(Run).where(Run.id == result.run_id).values(
                status="done", result=result.to_json(indent=None), error="", done=Run.total,
                updated_at=now()))
        return result

    def fail(self, run: str, message: str) -> None:
        """Mark a run as failed; a later request for the same id may try again."""
        from moneytrail.ledger.models import Run

        with self.engine.begin() as conn:
            conn.execute(update(Run).where(Run.id == run, Run.status != "done")
                         .values(status="error", error=message[:2000], updated_at=now()))

    def forget_failed(self, run: str) -> None:
        """Drop an errored run (and the runs it was derived from: whoever computes it again
        records its own) so it can be computed again."""
        from moneytrail.ledger.models import Run, RunOrigin

        with self.engine.begin() as conn:
            if conn.execute(delete(Run).where(Run.id == run, Run.status == "error")).rowcount:
                conn.execute(delete(RunOrigin).where(RunOrigin.run_id == run))
