"""Background runs of the web app: a small thread pool owned by the app, a per-client rate
limit, and the checks a plan passes before any work starts.

    jobs = RunQueue(workspace, RunStore(engine), workers=2)
    run_id, status = jobs.submit(plan, draws=2000, seed=1)   # queued at once, computed later
    jobs.shutdown()

The queue never computes anything itself: each job calls `service.tasks.trace_plan` with a
progress callback that writes to the run store, so a run computed here is the same run (same
id, same JSON) as the CLI's or the Python API's. Nothing lives in module globals; the app
creates one queue and one limiter in `create_app` and shuts the queue down when it stops.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from moneytrail.errors import LimitError, ModelError, MoneytrailError, ScenarioError
from moneytrail.scenarios.schema import (
    INTEGER_FIELDS,
    MAX_PLAN_ID,
    TEXT_LIMITS,
    Plan,
    check_plan_id,
    free_text,
    parse_scenario,
    shown_text,
    text_length_problem,
)
from moneytrail.service import tasks
from moneytrail.service.runs import OPEN_STATUSES, Heartbeat, RunState, RunStore, lease_expired
from moneytrail.service.workspace import Workspace

log = logging.getLogger("moneytrail.web.jobs")

MAX_WEB_DRAWS = 20_000       # draws one web run may ask for (the CLI allows far more)
DEFAULT_WEB_DRAWS = 2_000    # when a plan from the web does not say
MAX_BODY = 64_000            # bytes of a plan posted to the API
MAX_CATEGORIES = 40          # spending categories of a plan
MAX_SUPPLIERS = 200          # procurement rows of a plan, all categories together
MAX_CONDITIONS = 40


class RateLimited(MoneytrailError):
    """Too many runs (or other costly requests, `what`) from one address in a short time."""

    http_status = 429

    def __init__(self, wait: float, what: str = "runs started") -> None:
        self.retry_after = wait
        super().__init__(f"too many {what} from your address; try again in "
                         f"{max(1, round(wait))} s", field="client")


class TokenBucket:
    """Per-client token buckets: `capacity` runs at once, refilled at `rate` per second."""

    def __init__(self, capacity: float = 10, rate: float = 10 / 60, clients: int = 10_000,
                 clock: Any = time.monotonic) -> None:
        self.capacity = float(capacity)
        self.rate = float(rate)
        self.clients = clients
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """Take a token for `client`: 0 when allowed, else the seconds until the next one."""
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                return (1 - tokens) / self.rate if self.rate > 0 else 3600.0
            if len(self._buckets) >= self.clients and client not in self._buckets:
                self._buckets.clear()           # a flood of addresses: start over, bounded
            self._buckets[client] = (tokens - 1, now)
            return 0.0


# -- plans from the web ---------------------------------------------------------------------
def check_sizes(data: dict) -> None:
    """Refuse oversized plans before the schema or the engine see them."""
    def count(value: Any) -> int:
        return len(value) if isinstance(value, dict | list) else 0

    spend, procurement = data.get("spend"), data.get("procurement")
    if count(spend) > MAX_CATEGORIES:
        raise LimitError(f"at most {MAX_CATEGORIES} spending categories", field="spend",
                         value=count(spend))
    rows = sum(count(v) for v in procurement.values()) if isinstance(procurement, dict) else 0
    if rows > MAX_SUPPLIERS:
        raise LimitError(f"at most {MAX_SUPPLIERS} procurement rows", field="procurement",
                         value=rows)
    if count(data.get("conditions")) > MAX_CONDITIONS:
        raise LimitError(f"at most {MAX_CONDITIONS} conditions", field="conditions",
                         value=count(data.get("conditions")))
    if isinstance(data.get("id"), str) and len(data["id"]) > MAX_PLAN_ID:
        check_plan_id(data["id"])      # the one id length check: the plan id rule (64)
    for key in TEXT_LIMITS:            # the plan schema's limits, checked before parsing
        text = data.get(key)           # measured as the schema measures it: after free_text
        problem = text_length_problem(key, free_text(text)) if isinstance(text, str) else None
        if problem:
            raise LimitError(problem, field=key, value=shown_text(str(text)))


def web_draws_limit() -> int:
    """The most draws one web or API run may ask for: MAX_WEB_DRAWS, or the server's general
    limit (scenarios.schema.max_draws) when that is lower."""
    from moneytrail.scenarios.schema import max_draws

    return min(MAX_WEB_DRAWS, max_draws())


def web_limit_error(number: object, field: str = "draws") -> LimitError:
    """Too many draws for a web run, saying the limit that applies to it (never the
    server's environment variable, which a client cannot set)."""
    return LimitError(f"the web app runs at most {web_draws_limit():,} draws (use the "
                      "command line for more)", field=field, value=number)


def web_draws(value: Any, field: str = "draws", *, strict: bool = False) -> int:
    """A draw count for a web run: a whole number from 1 to web_draws_limit() (`strict`: a
    JSON integer, not text)."""
    from moneytrail.scenarios.schema import check_draws

    try:
        number = check_draws(value, field=field, strict=strict)
    except LimitError as exc:           # above the general limit: above the web one too
        raise web_limit_error(exc.value, field) from None
    if number > web_draws_limit():
        raise web_limit_error(number, field)
    return number


def plan_from_mapping(ws: Workspace, data: Any, source: str = "web", *,
                      strict: bool = False) -> Plan:
    """A plan mapping (the scenario schema) checked like the CLI checks a file, plus the
    checks against the data (categories, suppliers, year) that the engine would make later.
    `strict` (JSON bodies of the API) takes every value in its JSON type only."""
    if not isinstance(data, dict):
        raise ScenarioError("a plan must be a mapping of keys to values", field="plan")
    check_sizes(data)
    if not strict:
        check_budget_given(data)
    check_number_text(data, currency=str(data.get("currency") or ""), strict=strict)
    check_names(ws, data)
    draws = data.get("draws")
    if isinstance(draws, int) and not isinstance(draws, bool) and draws > web_draws_limit():
        raise web_limit_error(draws)       # not the schema's general limit (10,000,000)
    plan = parse_scenario(data, source=source, strict=strict,
                          categories=set(ws.valuechain.categories["id"].astype(str)))
    web_draws(plan.draws)
    check_against_data(ws, plan)
    return plan


def check_names(ws: Workspace, data: dict) -> None:
    """Spending categories (`spend`, `procurement`) and suppliers (`procurement.<category>`)
    the data package does not know, named before the schema adds up their shares: a typo
    (`unicorns`) is an unknown name, not shares adding up to 1.1. The messages are the
    engine's (engine.demand.market_rows), which checks the same names again."""
    chain = ws.valuechain
    categories = {str(c) for c in chain.categories["id"]}
    entities = {str(e) for e in chain.entities["id"]}
    spend, procurement = data.get("spend"), data.get("procurement")
    for category in spend if isinstance(spend, dict) else ():
        if category not in categories:
            raise ScenarioError(f"unknown spending category (known: "
                                f"{', '.join(sorted(categories))})", field=f"spend.{category}",
                                value=category)
    for category, shares in procurement.items() if isinstance(procurement, dict) else ():
        if category not in categories:
            raise ScenarioError("unknown spending category", field=f"procurement.{category}",
                                value=category)
        for supplier in shares if isinstance(shares, dict) else ():
            if supplier not in entities:
                raise ScenarioError("unknown entity in procurement override",
                                    field=f"procurement.{category}.{supplier}", value=supplier)


# keys of a plan mapping whose values are numbers (the builder's number fields); the
# whole-number ones (year, draws, spend_years, ...) are the schema's INTEGER_FIELDS
NUMBER_KEYS = frozenset({*INTEGER_FIELDS, "amount", "central", "low", "high", "max", "min",
                         "threshold"})


def plan_error_under(exc: MoneytrailError, where: str) -> MoneytrailError:
    """An error of plan_from_mapping on a plan sent under the key `where` of a JSON body
    (`scenario` of POST /api/v1/runs, `plan` of /api/v1/saved-plans), naming the field's full
    path in the body: `plan.title`, `scenario.spend.accelerators`; an error on the whole plan
    (field `plan`: not a mapping) names `where` itself."""
    return exc.renamed(where) if exc.field == "plan" else exc.under(where)


# what a number field expects, in words, when its text is no number at all (builder forms)
EXPECTED = {"amount": "write an amount such as 20 bn, 20,000,000,000 or 1.5 tn",
            "central": "write a share such as 0.39 or 39 %",
            "year": "write a year such as 2025", "price_year": "write a year such as 2025",
            "draws": "write a whole number of draws such as 2000",
            "seed": "write a whole number such as 1",
            "horizon_years": "write a number of years such as 10"}
EXPECTED["low"] = EXPECTED["high"] = EXPECTED["central"]
SHARE_PARTS = frozenset({"central", "low", "high"})


def check_budget_given(data: dict[str, Any]) -> None:
    """Refuse a plan whose budget amount is left empty (the builder's empty budget field):
    ScenarioError 'Enter a budget' on `budget.amount`, not the schema's number message."""
    budget = data.get("budget")
    if isinstance(budget, dict) and (budget.get("amount") is None
                                     or str(budget.get("amount")).strip() == ""):
        raise ScenarioError("Enter a budget", field="budget.amount")


def check_number_text(data: Any, path: str = "", *, currency: str = "",
                      strict: bool = False) -> None:
    """Refuse number fields given as text that cannot be read without guessing
    (web.numbers.read_number: a decimal comma such as '20,5', a budget in another currency
    than the plan's): ScenarioError naming the field's dotted path and the text as typed.
    The builder keeps such text in the draft, so the form shows this message by the field.
    Not `strict` (the builder, not JSON bodies), text that is no number at all is refused
    saying what the field expects in words (EXPECTED: 'write an amount such as 20 bn, ...');
    NaN and infinity are left to the schema's own message. A JSON number a float holds as 0
    though it is not (1e-400, query.BigNumber) is refused as numbers.TOO_SMALL, as the
    ledger's JSON API refuses it, naming the field and the number as sent."""
    from moneytrail.numbers import TOO_SMALL, read_whole
    from moneytrail.scenarios.schema import non_finite
    from moneytrail.web.numbers import NumberTextError, read_number
    from moneytrail.web.query import BigNumber

    if isinstance(data, dict):
        for key, value in data.items():
            check_number_text(value, f"{path}.{key}" if path else str(key), currency=currency,
                              strict=strict)
        return
    if isinstance(data, list):
        for i, value in enumerate(data):
            check_number_text(value, f"{path}.{i}" if path else str(i), currency=currency,
                              strict=strict)
        return
    if isinstance(data, BigNumber) and data == 0:
        raise ScenarioError(TOO_SMALL, field=path, value=data.text)
    key = path.rsplit(".", 1)[-1]
    if isinstance(data, str) and (key in NUMBER_KEYS or strict and share_path(path)):
        share = (key in SHARE_PARTS or share_path(path)) and \
            path.split(".")[0] in ("spend", "procurement")
        try:
            if path in INTEGER_FIELDS:     # '2_025': what to write is the whole number
                read_whole(data)
            number = read_number(data, sizes=path == "budget.amount",
                                 currency=currency or None, percent=share)
        except NumberTextError as exc:
            if strict:                # no number in plan files or the builder either
                raise ScenarioError(strict_refusal(path, data, exc), field=path,
                                    value=data) from None
            raise ScenarioError(str(exc), field=path, value=data) from None
        if strict and number is not None:
            raise ScenarioError(strict_number_words(path, data, number), field=path,
                                value=data)
        if number is None and not strict and data.strip() and not non_finite(data) \
                and key in EXPECTED:
            raise ScenarioError(EXPECTED[key], field=path, value=data)


def share_path(path: str) -> bool:
    """Whether `path` is a share given as a bare value: `spend.<category>` or
    `procurement.<category>.<supplier>` (not its `central`, `low`, `high`)."""
    parts = path.split(".")
    return (parts[0], len(parts)) in (("spend", 2), ("procurement", 3))


def strict_refusal(path: str, text: str, exc: Exception) -> str:
    """The message for a number field of a JSON plan body given as text that plan files and
    the builder refuse too (`exc`, read_number's words): one sentence naming the field and
    the text, with the number to write when the text without its underscores is one
    ('budget.amount must be a JSON number, not the text '20_000': write 20000 (without
    quotes or underscores)'), else with `exc` saying what is wrong with it."""
    from moneytrail.web.numbers import NumberTextError, read_number

    start = f"{path} must be a JSON number, not the text {text!r}"
    if "_" in text:
        try:
            number = read_number(text.replace("_", ""), sizes=path == "budget.amount")
        except NumberTextError:
            number = None
        if number is not None:
            shown = str(int(number) if float(number).is_integer() else number)
            return f"{start}: write {shown} (without quotes or underscores)"
    return f"{start}, which plan files and the builder refuse too: {exc}"


def strict_number_words(path: str, text: str, number: float | None = None) -> str:
    """The message for a number field of a JSON plan body (POST /api/v1/runs, the saved
    plans' POST and PATCH) given as text: JSON keeps numbers as numbers (docs/api.md), so
    '2 bn' is refused there, saying what to write ('a number in JSON, e.g. 2000000000; money
    words like '2 bn' are for plan files and the builder'). Plan files (YAML) and the web
    builder read such words."""
    shown = None if number is None else \
        str(int(number) if float(number).is_integer() else number)
    if shown is not None and text.strip() == shown:
        return f"a number in JSON: write {shown}, not the text {text!r}"
    example = "" if shown is None else f", e.g. {shown}"
    words = f"money words like {text!r} are" if path == "budget.amount" else \
        f"text like {text!r} is"
    return f"a number in JSON{example}; {words} for plan files and the builder"


def check_against_data(ws: Workspace, plan: Plan) -> None:
    """The engine's own checks of a plan against the model (unknown category, supplier or
    market, a year without cost data) and the service's (currency, FX rates, source ids, the
    site's grid and price data: web runs always compute the lifecycle), run now so the answer
    is a 4xx, not a failed run."""
    from moneytrail.service.tasks import check_plan

    try:
        # categories, suppliers and markets too (engine.demand.market_rows); web runs
        # always compute the lifecycle
        check_plan(ws, plan, site=True)
    except ModelError as exc:
        raise ScenarioError(exc.detail, field=exc.field or "year",
                            value=exc.value if exc.value is not None else plan.year) from None


def reference_plan(plan_id: Any) -> Plan:
    """A bundled reference plan by id (a 404 naming the ids there are, otherwise)."""
    from moneytrail.errors import NotFoundError
    from moneytrail.scenarios.reference import reference_scenarios
    from moneytrail.scenarios.schema import json_type, load_scenario

    paths = {p.stem: p for p in reference_scenarios()}
    if not isinstance(plan_id, str):        # a wrong type is bad input (400), not "not found"
        # an array or object is named by its JSON type, never echoed in Python's words
        # ("['x']"), as the scenario schema names them (schema._error_value)
        raise ScenarioError(f"reference must be a reference plan's id as text (use "
                            f"{', '.join(paths)}; got {json_type(plan_id)})",
                            field="reference",
                            value=None if isinstance(plan_id, dict | list) else plan_id)
    if plan_id not in paths:
        raise NotFoundError(f"no reference plan with this id (use {', '.join(paths)})",
                            field="reference", value=plan_id)
    return load_scenario(paths[plan_id])


# what GET /api/v1/plans/{id} returns besides `scenario`: descriptions of the plan, ignored
PLAN_DOCUMENT_KEYS = frozenset({"meta", "plan", "reproduce", "spend", "tables", "how_real"})


def run_request(ws: Workspace, body: Any) -> tuple[Plan, int, int]:
    """The plan, draws and seed of a POST /api/v1/runs body: a plan mapping, {"scenario":
    plan, "draws": n, "seed": s} (also the document GET /api/v1/plans/{id} returns, posted
    back as it is: its other keys only describe the plan), or {"reference": id, "draws": n,
    "seed": s}. One rule: `draws` and `seed` beside `scenario` or `reference` win; else the
    plan's own (a plan that names none: the schema's defaults, 10,000 draws and seed 1, as
    `moneytrail trace` runs it), but a reference plan by id runs at DEFAULT_WEB_DRAWS draws,
    the draws of the server's reference runs (its document's `scenario` says so too, so the
    document posted back is the same run). Strict JSON types: "seed": "1" is refused."""
    if not isinstance(body, dict):
        raise ScenarioError("the body must be a JSON object: a plan, or {\"reference\": id}",
                            field="body")
    if "reference" in body or "scenario" in body:
        key = "reference" if "reference" in body else "scenario"
        allowed = {key, "draws", "seed"} | (PLAN_DOCUMENT_KEYS if key == "scenario" else set())
        extra = sorted(set(body) - allowed)
        if extra:
            raise ScenarioError(f"unknown key next to {key} (use draws and seed)",
                                field=extra[0], value=extra[0])
        if key == "reference":
            plan = reference_plan(body["reference"])
            check_against_data(ws, plan)
            default_draws = DEFAULT_WEB_DRAWS
        else:
            try:
                plan = plan_from_mapping(ws, body["scenario"], strict=True)
            except MoneytrailError as exc:      # the field's full path in the body
                raise plan_error_under(exc, "scenario") from None
            default_draws = plan.draws
        draws = web_draws(body.get("draws", default_draws), strict=True)
        seed = body.get("seed", plan.seed)
    else:
        plan = plan_from_mapping(ws, body, strict=True)
        draws, seed = plan.draws, plan.seed
    from moneytrail.scenarios.schema import check_seed

    return plan, draws, check_seed(seed, strict=True)


RUN_OPTIONS = ("draws", "seed")


def run_options(body: Any) -> dict[str, int]:
    """The options of a run of a saved plan (POST /api/v1/saved-plans/{id}/runs): a JSON
    object of `draws` and `seed` (each optional, checked as POST /api/v1/runs checks them),
    or None (no body: the plan's own)."""
    from moneytrail.scenarios.schema import check_seed

    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ScenarioError("the body must be a JSON object such as {\"draws\": 2000, "
                            "\"seed\": 1}, or empty for the plan's own", field="body")
    extra = sorted(set(body) - set(RUN_OPTIONS))
    if extra:
        raise ScenarioError("unknown key (use draws and seed)", field=extra[0],
                            value=extra[0])
    options = {}
    if "draws" in body:
        options["draws"] = web_draws(body["draws"], strict=True)
    if "seed" in body:
        options["seed"] = check_seed(body["seed"], strict=True)
    return options


# -- the queue ------------------------------------------------------------------------------
class RunQueue:
    """Trace runs on a small thread pool; progress and results go to the run store. The
    queue holds the lease of every run it has queued or is computing (a `Heartbeat`), so
    other servers and the CLI on the same store see them as in progress (service.runs)."""

    def __init__(self, ws: Workspace, store: RunStore, workers: int = 2) -> None:
        self.ws = ws
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="moneytrail-run")
        self._active: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._model_lock = threading.Lock()
        self._closed = False
        self._heartbeat = Heartbeat(store)

    def run_id(self, plan: Plan, draws: int, seed: int) -> str:
        return tasks.trace_run_id(self.ws, plan, draws=draws, seed=seed)

    def submit(self, plan: Plan, draws: int, seed: int, *, private: bool = False,
               derived_from: str | None = None) -> tuple[str, str]:
        """Queue a trace of `plan` unless the store has it; (run id, status). A run asked for
        outside a private saved plan is opened to everyone (`RunStore.mark_open`), even when
        it was stored already; `private=True` (a private plan's run or rerun, linked to the
        plan by the caller) opens nothing. `derived_from`: the run this one repeats (a rerun
        on newer code or data): a new run is recorded as derived from it and is never more
        visible than it (RunStore.derived_from)."""
        rid = self.run_id(plan, draws, seed)
        store = self.store.as_private() if private else self.store
        if derived_from is not None:
            store = store.derived_from(derived_from)
        state = store.get(rid)
        if state is not None and state.status == "done":
            store.mark_open(rid)
            return rid, "done"
        with self._lock:
            if self._closed and rid not in self._active:
                raise MoneytrailError("the server is shutting down; try again shortly")
            if rid not in self._active:
                elsewhere = self.held_elsewhere(store, rid, plan, draws, seed, state)
                if elsewhere is not None:       # queued, computed or done by another process
                    store.mark_open(rid)
                    return rid, elsewhere.status
                state = None
                self._heartbeat.hold(rid)
                self._active[rid] = self._pool.submit(self._work, rid, plan, draws, seed,
                                                      store.as_private())
            store.mark_open(rid)        # once per request; a private store opens nothing
        return rid, "queued" if state is None else state.status

    def held_elsewhere(self, store: RunStore, rid: str, plan: Plan, draws: int, seed: int,
                       state: RunState | None) -> RunState | None:
        """The stored run when another process has it done, queued or running (a live
        lease); None after recording it queued here (a failed or interrupted run is
        forgotten first)."""
        if state is not None and state.status in OPEN_STATUSES and lease_expired(state):
            store.interrupt(rid)
            state = store.get(rid)
        if state is not None and state.status == "error":
            store.forget_failed(rid)
            state = None
        if state is not None:
            return state
        if store.start(rid, kind="trace", label=plan.id,
                       inputs=tasks.trace_inputs(     # what run_id hashes (its evidence)
                           plan, draws=draws, seed=seed,
                           evidence=tasks.evidence_default(self.ws, plan, None)),
                       data_version=self.ws.data_version, data_hash=self.ws.data_hash,
                       total=draws, status="queued"):
            return None
        return store.get(rid)       # another process recorded it just now (or None: forgotten)

    def active(self, rid: str) -> bool:
        with self._lock:
            return rid in self._active

    def _work(self, rid: str, plan: Plan, draws: int, seed: int, store: RunStore) -> None:
        """Compute a queued run into `store` (private: `submit` opened it when it should)."""
        try:
            with self._model_lock:              # build each year's model once
                self.ws.model(plan.year)

            def progress(done: int, total: int) -> None:
                store.progress(rid, done, total)

            tasks.trace_plan(self.ws, plan, draws=draws, seed=seed, analyses=True,
                             progress=progress, store=store)
        except MoneytrailError as exc:
            store.fail(rid, str(exc))
        except Exception as exc:                # logged; the run says it failed
            log.exception("run %s failed", rid)
            store.fail(rid, f"internal error ({type(exc).__name__}); it was logged")
        except BaseException:                   # SystemExit, Ctrl-C: not left open
            tasks.fail_interrupted(store, rid)
            raise
        finally:
            with self._lock:
                self._active.pop(rid, None)
                self._heartbeat.release(rid)

    def recover(self, rid: str) -> None:
        """A queued or running run no live process holds (its lease expired: the process
        computing it was killed or restarted, service.runs.lease_expired) is marked failed,
        so asking for it again starts it afresh. A run another server or the CLI is
        computing is left alone."""
        state = self.store.get(rid)
        if state is None or state.status not in OPEN_STATUSES or self.active(rid) \
                or not lease_expired(state):
            return
        self.store.interrupt(rid)

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            pending = dict(self._active)
        for future in pending.values():
            future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._heartbeat.stop()
        for rid, future in pending.items():
            if future.cancelled():
                self.store.fail(rid, "the server stopped before the run started; run it again")
