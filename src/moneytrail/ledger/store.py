"""The ledger store: every write is validated, recorded as a revision, and atomic.

Writes take the author and a reason; edits may quote the revision they were based on, and a
stale one is refused (optimistic locking). Reads return records or, through `queries`, pandas
DataFrames.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from moneytrail.ledger import connection, dbrows, locking, validate
from moneytrail.ledger.errors import (
    AlreadyUndone,
    ConflictError,
    LaterChanges,
    LedgerError,
    NotFoundError,
)
from moneytrail.ledger.models import Meta, Revision
from moneytrail.ledger.money import Converter
from moneytrail.ledger.records import KINDS, Record
from moneytrail.text import (
    code_point,
    forbidden_character,
    length_problem,
    same_text,
    shown_text,
    text_problem,
    unix_lines,
)


def derived(kind: str) -> tuple[str, ...]:
    """Bookkeeping a record carries when read (never written by callers)."""
    return ("revision", "seq", "id") if kind == "claim" else ("revision", "seq")


Changes = dict[str, dict[str, Record | None]]      # kind -> key -> new state (None: delete)
RowHook = Callable[[int], None]


@dataclass(frozen=True)
class WriteResult:
    """What a write did: the revisions it created (empty when nothing changed)."""

    revisions: tuple[int, ...]
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: tuple[str, ...] = ()      # 'kind key' of records an import left alone


@dataclass(frozen=True)
class LedgerState:
    """What identifies the state of a ledger store: its newest revision (every change is
    one, numbered upwards) and when it was made (UTC); revision 0 and no time for an empty
    store. Two reads of the store at the same revision read the same records."""

    revision: int
    time: dt.datetime | None = None


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def require_author(author: str | None) -> str:
    """The author of a write, stripped: present, free text (`moneytrail.text`) and no longer
    than the revisions' `author` column, the same on SQLite (which would store any length)
    and PostgreSQL (which would refuse the row)."""
    if not author or not author.strip():
        raise LedgerError("writing to the ledger needs an author (--author, or set USER)",
                          field="author")
    author = author.strip()
    problem = text_problem(author) or length_problem(author, AUTHOR_LENGTH)
    if problem:
        raise LedgerError(problem, field="author", value=shown_text(author))
    return author


AUTHOR_LENGTH = int(Revision.__table__.c.author.type.length)   # type: ignore[attr-defined]


class Ledger:
    """A ledger store on SQLite or PostgreSQL. Open it with `moneytrail.ledger.open()`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- lifecycle ------------------------------------------------------------------------
    @classmethod
    def connect(cls, url: str) -> Ledger:
        from moneytrail.ledger import migrate

        engine = connection.open_engine(url)
        try:
            migrate.upgrade(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise connection.store_error(engine, exc) from None
        except LedgerError:                 # a store made by a newer moneytrail
            engine.dispose()
            raise
        return cls(engine)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_revision(self) -> str | None:
        """The store's schema revision: the migration its tables are at (`0011`), as Alembic's
        version table holds it; None when that table holds no single revision. An opened
        store is at the newest revision this code ships (`connect` migrates it, or refuses
        one a newer moneytrail wrote)."""
        from moneytrail.ledger import migrate

        return migrate.current_revision(self.engine)

    # -- meta -----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(Meta.value).where(Meta.key == key)).scalar()

    @staticmethod
    def set_meta(conn: Connection, key: str, value: str) -> None:
        if conn.execute(update(Meta).where(Meta.key == key).values(value=value)).rowcount:
            return
        conn.execute(insert(Meta).values(key=key, value=value))

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A transaction holding the store-wide write lock (see `locking`).

        A store that is read-only, stays locked past the timeout or cannot be reached raises
        `StoreUnavailable` (one line naming the store, exit code 3); nothing is written."""
        try:
            with locking.write_transaction(self.engine) as conn:
                yield conn
        except OperationalError as exc:
            raise connection.write_error(self.engine, exc) from None
        except DBAPIError as exc:      # e.g. PostgreSQL's read-only transaction (InternalError)
            problem = connection.unavailable(self.engine, exc)
            if problem is None:
                raise
            raise problem from None

    # -- reading --------------------------------------------------------------------------
    def records(self, kind: str) -> list[Record]:
        check_kind(kind)
        with self.engine.connect() as conn:
            return dbrows.read_all(conn, kind)

    def get(self, kind: str, key: str) -> Record:
        check_kind(kind)
        with self.engine.connect() as conn:
            record = dbrows.read_one(conn, kind, key)
        if record is None:
            raise NotFoundError(f"no {kind} with this key", field=KINDS[kind].key[0],
                                value=shown_text(key))
        return record

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every kind as a DataFrame of text columns, one consistent snapshot."""
        with self.engine.connect() as conn:
            return {kind: records_frame(kind, dbrows.read_all(conn, kind)) for kind in KINDS}

    def converter(self) -> Converter:
        return Converter.from_records(self.records("fx"), self.records("deflator"),
                                      sources=self.records("source"))

    def state(self) -> LedgerState:
        """The store's state now: its newest revision and that revision's time."""
        query = select(Revision.id, Revision.created_at).order_by(Revision.id.desc()).limit(1)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return LedgerState(0)
        return LedgerState(int(row.id), row.created_at)      # UTC (models.UTCDateTime)

    def latest_revision(self, kind: str | None = None, key: str | None = None) -> int:
        """The newest revision number. Without arguments, the store's: its newest change to
        any record (0 for an empty store; `state()` gives its time too). With `kind` and
        `key`, the record's: the revision of its latest change, the number `edit` and
        `delete` take as `expected_revision` (`ledger edit --revision`) and the newest row of
        `history(kind, key)`. Revision numbers count up across the whole store, so a
        record's revision is at most the store's, and lower once other records change.
        Raises NotFoundError for a record that does not exist."""
        if kind is None and key is None:
            return self.state().revision
        if kind is None or key is None:
            from moneytrail.errors import MoneytrailError

            raise MoneytrailError("give both kind and key (a record's revision) or neither "
                                  "(the store's)", field="kind" if kind is None else "key",
                                  value=kind or key)
        return int(self.get(kind, key)["revision"])

    def history(self, kind: str | None = None, key: str | None = None,
                limit: int | None = None, upto: int | None = None) -> pd.DataFrame:
        """Revisions, newest first: who changed what, when, why, and the fields changed.
        `limit`: the newest N (1 to 1,000,000,000), all when None; `upto`: only revisions
        up to that number (the history as it was then)."""
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                                  or not 1 <= limit <= 1_000_000_000):
            from moneytrail.errors import MoneytrailError

            raise MoneytrailError("limit must be a whole number from 1 to 1,000,000,000",
                                  field="limit", value=limit)
        query = select(Revision).order_by(Revision.id.desc())
        if kind:
            check_kind(kind)
            query = query.where(Revision.kind == kind)
        if key:
            query = query.where(Revision.key == key)
        if upto is not None:
            query = query.where(Revision.id <= upto)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return pd.DataFrame([{
            "revision": row["id"], "time": row["created_at"].isoformat(timespec="seconds")
            if row["created_at"] else "", "author": row["author"], "action": row["action"],
            "kind": row["kind"], "key": row["key"], "reason": row["reason"],
            "changes": describe_change(row["before"], row["after"]),
            "batch": row["batch"] or "", "before": json.dumps(row["before"]),
            "after": json.dumps(row["after"])} for row in rows],
            columns=["revision", "time", "author", "action", "kind", "key", "reason",
                     "changes", "batch", "before", "after"])

    def revision(self, number: int) -> dict:
        with self.engine.connect() as conn:
            return read_revision(conn, number)

    def at(self, number: int) -> Ledger:
        """The ledger as it was at revision `number`, read-only: the same records, tables
        and queries as then (ledger.past.LedgerAt), the amounts converted with today's
        exchange rates and price indexes (the reference data, not the claims cited; an early
        revision may predate them); NotFoundError naming `revision` for a revision the store
        does not have."""
        from moneytrail.ledger.past import ledger_at

        return ledger_at(self, number)

    # -- writing --------------------------------------------------------------------------
    def add(self, kind: str, record: Mapping[str, object], *, author: str | None,
            reason: str = "", check_only: bool = False) -> WriteResult:
        """Add a new record; it must not exist yet (use `edit` to change one).
        `check_only`: apply every rule but write nothing (a form with other errors of its
        own asks which rules the record breaks too)."""
        check_kind(kind)
        fields = line_breaks({k: "" if v is None else str(v) for k, v in record.items()
                              if k not in derived(kind)})
        check_fields(kind, fields)
        fields = validate.normalised_fields(kind, fields)
        filled = [b for b in ("low", "high") if not fields.get(b)] if kind == "claim" else []
        for bound in filled:
            fields[bound] = fields.get("central", "")
        new = dbrows.state(kind, fields)
        assert new is not None
        key = dbrows.record_key(kind, new)
        with self.writing() as conn:
            if dbrows.read_one(conn, kind, key) is not None:
                raise LedgerError(f"{kind} already exists (use edit to change it)",
                                  field=KINDS[kind].key[0], value=shown_text(key))
            try:
                return self._commit(conn, {kind: {key: new}}, action="add",
                                    author=author, reason=reason,
                                    where=f"{kind} '{shown_text(key)}'",
                                    check_only=check_only)
            except LedgerError as exc:
                raise without_echoes(exc, filled) from None

    def edit(self, kind: str, key: str, changes: Mapping[str, object], *, author: str | None,
             reason: str = "", expected_revision: int | None = None,
             check_only: bool = False) -> WriteResult:
        """Change fields of a record; refused if `expected_revision` is not its current one
        (`check_only`: every check as for a write, nothing written; see `add`).
        The key and the bookkeeping a read carries (`derived`: revision, seq, a claim's id)
        may be sent back unchanged (ignored); a changed one raises LedgerError naming it."""
        check_kind(kind)
        fields = {k: "" if v is None else str(v) for k, v in changes.items()
                  if k not in derived(kind)}
        check_fields(kind, fields)
        fields = validate.normalised_fields(kind, fields)
        # the key and the bookkeeping a read returns (a record sent back whole): accepted
        # when equal to the stored value and ignored, refused when changed
        fixed = {k: fields.pop(k) for k in KINDS[kind].key if k in fields}
        fixed.update({k: "" if v is None else str(v) for k, v in changes.items()
                      if k in derived(kind)})
        with self.writing() as conn:
            current = self._current(conn, kind, key, expected_revision)
            for column, value in fixed.items():
                if value == str(current.get(column, "")):
                    continue
                if column in KINDS[kind].key:
                    raise LedgerError("a record's key cannot be edited (add a new record and "
                                      "link it with supersedes instead)", field=column,
                                      value=value)
                raise LedgerError(f"{column} is kept by the ledger and cannot be edited "
                                  f"(send it as read, {current.get(column, '')}, or leave it "
                                  "out)", field=column, value=value)
            new = dbrows.state(kind, {**current, **line_breaks(fields, current)})
            return self._commit(conn, {kind: {key: new}}, action="edit", author=author,
                                reason=reason, where=f"{kind} '{shown_text(key)}'",
                                check_only=check_only)

    def delete(self, kind: str, key: str, *, author: str | None, reason: str = "",
               expected_revision: int | None = None) -> WriteResult:
        check_kind(kind)
        with self.writing() as conn:
            self._current(conn, kind, key, expected_revision)
            return self._commit(conn, {kind: {key: None}}, action="delete", author=author,
                                reason=reason, where=f"{kind} '{shown_text(key)}'")

    def revert(self, number: int, *, author: str | None, reason: str = "",
               force: bool = False) -> WriteResult:
        """Put the record changed by revision `number` back to its state before it.

        Refused (a conflict) if a later revision changed the record since, because reverting
        would silently undo that change too; `force=True` reverts anyway.
        """
        with self.writing() as conn:
            rev = read_revision(conn, number)
            kind, key = rev["kind"], rev["key"]
            current = dbrows.state(kind, dbrows.read_one(conn, kind, key))
            rev["before"] = with_later_columns(rev["before"], current)
            rev["after"] = with_later_columns(rev["after"], current)
            if current == rev["before"]:
                raise AlreadyUndone(f"{kind} '{key}' is already as it was before revision "
                                    f"{number} (it was reverted already, or changed back): "
                                    "there is nothing to revert", field="revision",
                                    value=number)
            if current != rev["after"] and not force:
                raise later_change_conflict(conn, rev)
            if rev["before"] is None and current is not None:
                check_not_cited(conn, kind, key, number)
            if rev["before"] is not None:
                check_stored_text(kind, rev["before"], number)
            why = f"revert of revision {number}" + (f": {reason}" if reason else "")
            return self._commit(conn, {kind: {key: rev["before"]}}, action="revert",
                                author=author, reason=why, where=f"{kind} '{shown_text(key)}'")

    def _current(self, conn: Connection, kind: str, key: str,
                 expected_revision: int | None) -> Record:
        current = dbrows.read_one(conn, kind, key)
        if current is None:
            raise NotFoundError(f"no {kind} with this key", field=KINDS[kind].key[0],
                                value=shown_text(key))
        if expected_revision is not None and int(expected_revision) > int(current["revision"]):
            raise ConflictError(f"{kind} '{key}' is at record revision {current['revision']} "
                                f"(its latest change), and revision {expected_revision} is "
                                "not one of its changes: give the record's revision (the "
                                "newest in its history), not the store's newest; reload it "
                                "and try again", field="revision", value=expected_revision)
        if expected_revision is not None and int(current["revision"]) != int(expected_revision):
            raise ConflictError(f"{kind} '{key}' was changed since revision "
                                f"{expected_revision} (now at revision {current['revision']}); "
                                "reload it and try again", field="revision",
                                value=expected_revision)
        return current

    def _commit(self, conn: Connection, changes: Changes, *, action: str, author: str | None,
                reason: str, where: str | None = None, locations: dict | None = None,
                batch: str | None = None, hook: RowHook | None = None,
                skipped: tuple[str, ...] = (), check_only: bool = False) -> WriteResult:
        """Validate the state the changes produce, then write them with one revision each
        (`check_only`: validate only, write nothing).

        Runs inside the caller's write transaction (`writing`): on any error nothing is
        written. Records are updated in place, so their keys never disappear mid-write. An
        author is checked when given, and needed only when a revision is written: a write
        that changes nothing (an import of a package the store already holds) needs none.
        """
        if author is not None and author.strip():
            author = require_author(author)
        problem = text_problem(reason, multiline=True)
        if problem:
            raise LedgerError(problem, field="reason")
        existing = {kind: {dbrows.record_key(kind, r): r for r in dbrows.read_all(conn, kind)}
                    for kind in KINDS}
        check_state(existing, changes, where=where, locations=locations or {})
        if check_only:
            return WriteResult(revisions=(), skipped=skipped, added=0, changed=0, removed=0,
                               unchanged=0)
        time = now()
        revisions: list[int] = []
        counts, done = {"added": 0, "changed": 0, "removed": 0, "unchanged": 0}, 0
        for kind, items in changes.items():
            for key, new in items.items():
                current = existing[kind].get(key)
                before = dbrows.state(kind, current)
                if before == new:
                    counts["unchanged"] += 1
                    continue
                if not revisions:               # the first change: it is recorded under a name
                    author = require_author(author)
                # parameters apart from the statement: one compiled INSERT for every row
                result = conn.execute(insert(Revision), {
                    "kind": kind, "key": key, "action": action, "author": author,
                    "reason": reason, "created_at": time, "before": before, "after": new,
                    "batch": batch})
                inserted = result.inserted_primary_key
                assert inserted is not None            # one row inserted: its key
                number = int(inserted[0])
                if new is None:
                    assert current is not None         # else before == new (unchanged)
                    dbrows.remove(conn, kind, current)
                elif current is None:
                    dbrows.write(conn, kind, new, number, number)
                else:
                    dbrows.replace(conn, kind, new, number, int(current["seq"]))
                counts["added" if current is None else "removed" if new is None
                       else "changed"] += 1
                revisions.append(number)
                done += 1
                if hook is not None:
                    hook(done)
        return WriteResult(revisions=tuple(revisions), skipped=skipped, **counts)

    # -- data packages --------------------------------------------------------------------
    def import_package(self, path: str | Path | None = None, *, author: str | None,
                       reason: str = "", overwrite: bool = False,
                       hook: RowHook | None = None) -> WriteResult:
        """See `packageio.import_package` (records edited by hand are kept by default)."""
        from moneytrail.ledger.packageio import import_package

        return import_package(self, path, author=author, reason=reason, overwrite=overwrite,
                              hook=hook)

    def export_package(self, path: str | Path) -> Path:
        from moneytrail.ledger.packageio import export_package

        return export_package(self, path)

    # -- queries (DataFrames) -------------------------------------------------------------
    def list(self, **options) -> pd.DataFrame:
        """Deals with the central amount of their latest claim at each stage, one row per
        deal keyed by `deal` (the deal id, as in `reality`, `totals_caveats` and the claims;
        the column `id` holds the same value, kept for older scripts). `options`:
        currency, price_year and the filters region, sector, purpose, year, stage
        (queries.deal_list); a bad one is a MoneytrailError naming the parameter."""
        from moneytrail.ledger import queries

        queries.check_options(queries.deal_list, options)
        return queries.deal_list(self.tables(), self.converter(), **options)

    def show(self, deal: str, **options) -> dict[str, pd.DataFrame]:
        from moneytrail.ledger import queries

        queries.check_options(queries.show, options)
        return queries.show(self.tables(), self.converter(), deal, **options)

    def claim_warnings(self, ref: str) -> tuple[str, ...]:
        """What to check about a stored claim, not refused (queries.claim_warnings): dated
        before its deal's announcement."""
        from moneytrail.ledger import queries

        return tuple(queries.claim_warnings(self.tables(), ref))

    def reality(self, **options) -> pd.DataFrame:
        """Committed/announced and disbursed/announced per deal, one row per deal keyed by
        `deal` (the deal id, as in `list`). `options` as for `list`."""
        from moneytrail.ledger import queries

        queries.check_options(queries.reality, options)
        return queries.reality(self.tables(), self.converter(), **options)

    def totals(self, **options) -> pd.DataFrame:
        """Sums of one stage grouped `by` (queries.totals), with per-capita and per-GDP
        low/central/high; errors name the parameter (`by`, `stage`, `price_year`, ...)."""
        from moneytrail.ledger import queries

        queries.check_options(queries.totals, options)
        return queries.totals(self.tables(), self.converter(), **options)

    def programme_amount(self, deal: str, stage: str, **options) -> dict:
        """A deal's amount at one stage by the ledger's rule: its own latest claim, else the
        sum of its parts' (queries.programme_amount; `refs` empty when none is recorded)."""
        from moneytrail.ledger import queries

        queries.check_options(queries.programme_amount, options)
        return queries.programme_amount(self.tables(), self.converter(), deal, stage,
                                        **options)

    def totals_caveats(self, **options) -> pd.DataFrame:
        """What `totals` with the same options leaves out (deals inside others, so the sums
        are lower bounds) or adds (estimates of need with `include_needs`), one row per deal
        (queries.totals_caveats)."""
        from moneytrail.ledger import queries

        queries.check_options(queries.totals_caveats, options)
        return queries.totals_caveats(self.tables(), self.converter(), **options)

    def amount(self, deal: str, stage: str, **options) -> dict:
        from moneytrail.ledger import queries

        queries.check_options(queries.stage_amount, options)
        return queries.stage_amount(self.tables(), self.converter(), deal, stage, **options)


MAX_REVISION = 2**31 - 1        # the revisions' integer id column


def read_revision(conn: Connection, number: int) -> dict:
    if int(number) < 1:
        raise NotFoundError("no such revision (revisions are numbered from 1)",
                            field="revision", value=number)
    if int(number) > MAX_REVISION:
        raise NotFoundError("no such revision", field="revision", value=number)
    row = conn.execute(select(Revision).where(Revision.id == int(number))).mappings().first()
    if row is None:
        raise NotFoundError("no such revision", field="revision", value=number)
    return dict(row)


def with_later_columns(recorded: Record | None, current: Record | None) -> Record | None:
    """A record as a revision stored it, with the columns added to the store after that
    revision was written (by a migration: a source's title_lang, a deal's scope, a claim's
    basis) taken from the current record: the revision neither changed them nor can say what
    they were, so comparing or reverting it leaves them as they are."""
    if recorded is None or current is None:
        return recorded
    return {**{column: value for column, value in current.items() if column not in recorded},
            **recorded}


def later_change_conflict(conn: Connection, rev: Mapping) -> LaterChanges:
    """The error for a revert that would also undo later changes of the same record (worded
    for any caller: only the command line has --force, and it says so itself)."""
    later = conn.execute(select(Revision.id, Revision.action, Revision.author).where(
        Revision.kind == rev["kind"], Revision.key == rev["key"], Revision.id > rev["id"])
        .order_by(Revision.id)).all()
    names = ", ".join(f"{n} ({action} by {who})" for n, action, who in later[:5]) + \
        (" ..." if len(later) > 5 else "")
    return LaterChanges(f"{rev['kind']} '{rev['key']}' was changed after this revision by "
                        f"revision {names}; revert the later revisions first",
                        field="revision", value=rev["id"])


# the columns of other records that name a deal or a source (a list column: ';'-separated)
CITING = {"deal": (("deal", "part_of"), ("deal", "overlaps"), ("claim", "deal")),
          "source": (("deal", "sources"), ("claim", "source"), ("fx", "source"),
                     ("deflator", "source"), ("population", "source"), ("gdp", "source"))}


def citing(conn: Connection, kind: str, key: str) -> dict[str, list[str]]:
    """The records (per kind, by key) that name the deal or source `key` (CITING)."""
    from moneytrail.data.checks import split_list

    out: dict[str, list[str]] = {}
    for other, column in CITING.get(kind, ()):
        for record in dbrows.read_all(conn, other):
            if other == kind and dbrows.record_key(other, record) == key:
                continue
            if key in split_list(str(record.get(column) or "")):
                found = out.setdefault(other, [])
                name = dbrows.record_key(other, record)
                if name not in found:
                    found.append(name)
    return out


def check_not_cited(conn: Connection, kind: str, key: str, number: int) -> None:
    """Refuse to revert the add of a deal or source that other records still name: the
    records would point at nothing (the rules' "unknown deal" said so without saying why)."""
    found = citing(conn, kind, key)
    if not found:
        return
    parts = []
    for other, keys in found.items():
        shown = ", ".join(shown_text(k) for k in keys[:5]) + (" ..." if len(keys) > 5 else "")
        parts.append(f"{len(keys)} {other}{'' if len(keys) == 1 else 's'} ({shown})")
    total = sum(len(keys) for keys in found.values())
    raise LedgerError(f"cannot undo adding {kind} '{shown_text(key)}': "
                      f"{' and '.join(parts)} still {'refers' if total == 1 else 'refer'} "
                      "to it (revert or edit them first)", field="revision", value=number)


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise LedgerError(f"unknown record kind (use {', '.join(KINDS)})", field="kind",
                          value=kind)


MULTILINE_COLUMNS = frozenset({"description", "note"})   # text that may hold line breaks


def line_breaks(fields: dict[str, str], current: Mapping[str, object] | None = None
                ) -> dict[str, str]:
    """`fields` with the line breaks of multi-line text (MULTILINE_COLUMNS) written as LF
    (text.unix_lines: a browser's textarea sends CR LF), the one place for the forms, the
    API and the command line. A value that is the `current` one but for its line breaks
    stays as stored, so saving a form with a note untouched records no change of it."""
    out = dict(fields)
    for name in MULTILINE_COLUMNS & out.keys():
        stored = current.get(name) if current is not None else None
        out[name] = str(stored) if same_text(stored, out[name]) else unix_lines(out[name])
    return out


def without_echoes(exc: LedgerError, filled: list[str]) -> LedgerError:
    """`exc` without the problems of a new claim's low and high left empty (`filled`: they
    were set to the central amount, so a bad or missing central would be reported three
    times, under fields the editor was allowed to leave empty)."""
    problems = [p for p in exc.problems if getattr(p, "field", None) not in filled]
    if not filled or not problems or len(problems) == len(exc.problems):
        return exc
    try:
        validate.raise_first(problems, hint="; the store is unchanged")
    except LedgerError as shorter:
        return shorter
    return exc


def check_known_fields(kind: str, names: Iterable[str], where: str = "") -> None:
    """Refuse the first of `names` that is no field of a `kind` record: a LedgerError naming
    it (under `where.`, when given) and listing the fields. The JSON API calls it before it
    checks the values' types, so `{"bogus": 1}` is named as unknown, not as a non-string."""
    allowed = set(KINDS[kind].columns) | ({"section"} if kind == "source" else set())
    for name in names:
        if name not in allowed:
            raise LedgerError(f"unknown field for a {kind} (fields: "
                              f"{', '.join(KINDS[kind].columns)})",
                              field=f"{where}.{name}" if where else name)


def check_fields(kind: str, fields: Mapping[str, str]) -> None:
    """Unknown fields, and text with a control or bidi formatting character (one line naming
    the field and the code point; see `moneytrail.text`), are refused before any work."""
    check_known_fields(kind, fields)
    for name, text in fields.items():
        problem = text_problem(text, multiline=name in MULTILINE_COLUMNS)
        if problem:
            raise LedgerError(problem, field=name)
    if kind == "source" and fields.get("section", "ledger") not in ("ledger", "macro"):
        raise LedgerError("section must be ledger or macro", field="section",
                          value=fields["section"])


def check_stored_text(kind: str, record: Mapping[str, object], number: int) -> None:
    """Refuse to write back stored text that breaks the free-text rule (`moneytrail.text`).

    A revision stored before that rule existed may hold a control or bidi formatting
    character; reverting to it is a write like any other, so the same check applies: one line
    naming the field and the code point, raised before anything is written."""
    for name, text in record.items():
        char = forbidden_character(text, multiline=name in MULTILINE_COLUMNS) \
            if isinstance(text, str) else None
        if char is not None:
            raise LedgerError(
                f"revision {number} holds text with the control character {code_point(char)} "
                f"(stored before such characters were refused), so it cannot be restored; "
                f"edit the {kind} instead", field=name)


def check_state(existing: dict[str, dict[str, Record]], changes: Changes, *, where: str | None,
                locations: dict) -> None:
    """Refuse the changes if the state they produce breaks any ledger rule."""
    tables: validate.Tables = {}
    incoming: set[tuple] = set()
    for kind in KINDS:
        merged = dict(existing[kind])
        for key, new in changes.get(kind, {}).items():
            if new is None:
                merged.pop(key, None)
            else:
                merged[key] = new
        rows = []
        for key, record in merged.items():
            row: dict = dict(record)
            if key in changes.get(kind, {}):
                file, line = locations.get((kind, key),
                                           (where or f"{kind} '{shown_text(key)}'", None))
                incoming.add((file, line))
            else:
                file, line = f"stored {kind} '{shown_text(key)}'", None
            row["_file"], row["_line"] = file, line
            rows.append(row)
        tables[kind] = rows
    problems = validate.table_problems(tables)
    problems.sort(key=lambda p: ((p.file, p.line) not in incoming, p.file, p.line or 0))
    validate.raise_first(problems, hint="; the store is unchanged")


def records_frame(kind: str, records: list[Record]) -> pd.DataFrame:
    columns = list(KINDS[kind].columns) + list(dbrows.STATE_EXTRAS.get(kind, ())) + \
        ["revision"]
    return pd.DataFrame([{c: r[c] for c in columns} for r in records], columns=columns,
                        dtype=object)


def describe_change(before: Mapping | None, after: Mapping | None) -> str:
    if before is None and after is None:
        return ""
    if before is None:
        return "created"
    if after is None:
        return "deleted"
    return "; ".join(f"{k}: {before.get(k, '')!r} -> {after.get(k, '')!r}"
                     for k in after if before.get(k) != after.get(k) and k != "id")
