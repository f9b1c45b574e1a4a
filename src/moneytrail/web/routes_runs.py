"""Routes built on runs: POST/GET `/api/v1/runs`, the run page `/r/<id>`, its embeds, the plan
builder `/build`, and `/compare`. Runs are computed by the app's `RunQueue` (see `jobs.py`);
pages only read the run store.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from moneytrail.errors import ConflictError, MoneytrailError
from moneytrail.service.result import Result, csv_named_rows, csv_unit_columns
from moneytrail.service.runs import (
    OPEN_STATUSES,
    SHORT_ID_SHOWN,
    RunNotFound,
    RunState,
    check_run_id,
    is_short_id,
    resolve_run_id,
    several_runs,
)
from moneytrail.service.tasks import LEDGER, known_currencies
from moneytrail.web import builder
from moneytrail.web.how_real import run_how_real
from moneytrail.web.jobs import MAX_BODY, RateLimited, RunQueue, run_request
from moneytrail.web.query import fitting_location, read_body
from moneytrail.web.run_picker import RUN_GROUPS
from moneytrail.web.runs import (
    Names,
    compare_citation,
    compare_csv_rows,
    compare_subject,
    compare_view,
    csv_table,
    decode_draft,
    encode_draft,
    inherited_note,
    result_table_json,
    result_table_rows,
    run_view,
    tables_view,
)
from moneytrail.web.views import View

API = "/api/v1"
REFERENCE_DRAWS = 2_000      # reference plans traced at start-up (seed from the plan)
CHARTS = {"first": "Where the money goes first",
          "location": "Where it ends up: by country where value is added",
          "ownership": "Where it ends up: by country, profits counted in the owners' country"}
MAX_COMPARE = 6
Q = Annotated[str | None, Query()]


# -- shared helpers ---------------------------------------------------------------------------
def queue(request: Request) -> RunQueue:
    return request.app.state.jobs


def names(request: Request) -> Names:
    state = request.app.state
    if getattr(state, "names", None) is None:
        state.names = Names(state.workspace.valuechain)
    return state.names


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def take_token(request: Request, what: str = "runs started") -> None:
    """Take one of the client's run tokens (app.state.limiter) for costly work; RateLimited
    (429 with Retry-After, naming `what`) when none is left."""
    wait = request.app.state.limiter.take(client_of(request))
    if wait > 0:
        raise RateLimited(wait, what)


def public_origin(request: Request) -> str:
    """The site's public address, MONEYTRAIL_PUBLIC_URL (`app.public_url`); '' when unset
    (a page's citation is then a relative path). Files handed on use `handed_on_origin`,
    never ''."""
    return str(getattr(request.app.state, "public_url", "") or "")


def handed_on_origin(request: Request) -> str:
    """The address a downloaded file links to (a briefing's PDF or HTML, the run's
    workbook: read outside the site, where a relative path leads nowhere): the site's
    public address (`public_origin`) when it has one, else the address this request reached
    the server at, with the port the server listens on when the Host names none
    (`web.app.request_origin`)."""
    from moneytrail.web.app import request_origin

    return public_origin(request) or request_origin(request)


def handed_on_url(request: Request) -> str:
    """The page's address as a reader copies it (a share link, a citation): `web.app.page_url`
    (only the query parameters the route takes) under `handed_on_origin` in place of the
    request's base: `Host: localhost` on port 8876 gives `http://localhost:8876/compare?...`,
    MONEYTRAIL_PUBLIC_URL `https://mt.example.org/tool` gives
    `https://mt.example.org/tool/compare?...`."""
    from urllib.parse import urlsplit

    from moneytrail.web.app import page_url

    parts = urlsplit(page_url(request))
    root = str(request.scope.get("root_path") or "").rstrip("/")
    path = parts.path[len(root):] if root and parts.path.startswith(root + "/") else parts.path
    return handed_on_origin(request) + path + (f"?{parts.query}" if parts.query else "")


def run_state(request: Request, run: str) -> RunState:
    """The stored run (404 naming the id when there is none, or when it was started from a
    saved plan the visitor may not see: docs/security.md); a queued or running run no live
    process holds (its lease expired: the process computing it was killed or restarted) is
    marked failed so it can be run again. One another server or the CLI computes is not.
    A short id (the first 8 or more digits) is read as the one run the visitor may see
    that starts with it (`resolve_short_id`), so every `/r/<id>/...` address takes it."""
    rid = check_run_id(resolve_short_id(request, run))
    check_run_access(request, rid, run)
    cache: dict[str, RunState] = request.app.state.done_runs
    if rid in cache:                                  # a done run never changes
        return cache[rid]
    jobs = queue(request)
    state = jobs.store.get(rid)
    if state is None:
        raise RunNotFound("no run with this id on this server", field="run id", value=run)
    if state.status in ("queued", "running") and not jobs.active(rid):
        jobs.recover(rid)
        state = jobs.store.get(rid) or state
    if state.status == "done" and state.result is not None:
        keep(cache, rid, state)
    return state


def short_id_matches(request: Request, run: str) -> list[str] | None:
    """For a run's short id (8 to 31 hex digits, as the lists show its first 8: runs.
    is_short_id): the full ids of the stored runs the visitor may see that start with it
    (RunStore.ids_starting; a hidden run is left out, as it is "not found":
    docs/security.md); None for any other text (a full id or a wrong one, which run_state
    checks). At most SHORT_ID_SHOWN + 1 ids: one more than are listed tells that there are
    more."""
    if not is_short_id(run):
        return None
    return queue(request).store.ids_starting(
        run.strip().lower(), limit=SHORT_ID_SHOWN + 1, visible=visible_to(request))


def visible_to(request: Request) -> Any:
    """The SQL condition on a run id column of the runs the visitor may see
    (accounts.plans.visible_runs_clause), for RunStore.ids_starting."""
    from moneytrail.accounts.plans import visible_runs_clause
    from moneytrail.web.saved import viewer

    who = viewer(request)
    return lambda column: visible_runs_clause(column, who)


def resolve_short_id(request: Request, run: str) -> str:
    """The full id of the one run the visitor may see whose id is `run` or starts with it
    (service.runs.resolve_run_id, as `moneytrail show` reads it): a 404 when none does, a
    400 naming them when several do."""
    return resolve_run_id(queue(request).store, run, visible=visible_to(request))


def short_id_redirect(request: Request, run: str, path: str) -> Response | None:
    """A short run id in an address: a 307 to `path` with the full id when one run the
    visitor may see starts with it, a 404 when none does, a 400 naming the runs when several
    do (a page with links to each; the JSON API lists them in `detail`); None for any other
    text. The rest of the address (query) is kept."""
    matches = short_id_matches(request, run)
    if matches is None:
        return None
    if not matches:
        raise RunNotFound("no stored run has an id starting with these digits",
                          field="run id", value=run)
    if len(matches) == 1:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(path.format(run=matches[0]) + query, status_code=307)
    if request.url.path.startswith(API):
        raise MoneytrailError(several_runs(matches), field="run id", value=run)
    return page(request, "run_choose.html", status=400, prefix=run.strip().lower(),
                matches=matches[:SHORT_ID_SHOWN], more=len(matches) > SHORT_ID_SHOWN,
                about=queue(request).store.described(matches[:SHORT_ID_SHOWN]),
                meta={"title": "Several runs start with these digits"})


def check_run_access(request: Request, rid: str, run: str) -> None:
    """404, the same as an unknown id, for a run of a saved plan the visitor may not see
    (accounts.plans.visible_runs_clause); a private run's responses are not stored by shared
    caches (request.state.no_store, see web.auth)."""
    from moneytrail.accounts.plans import run_visible
    from moneytrail.web.saved import viewer

    engine = queue(request).store.engine
    if run_visible(engine, rid, None):
        return
    if not run_visible(engine, rid, viewer(request)):
        raise RunNotFound("no run with this id on this server", field="run id", value=run)
    request.state.no_store = True


CACHED = 128                 # done runs and run pages kept in memory per app


def keep(cache: dict, key: Any, value: Any) -> None:
    """Put `value` in a small cache (the oldest entry goes first). Server threads share the
    cache: another thread may evict at the same moment, which is harmless here."""
    if key not in cache and len(cache) >= CACHED:
        with contextlib.suppress(StopIteration, RuntimeError):   # emptied or changed meanwhile
            cache.pop(next(iter(cache)), None)
    cache[key] = value


def stored_plan(request: Request, rid: str) -> dict | None:
    """The plan mapping a run was started with, with the run's own draws and seed
    (web.runs.run_plan; for 'edit' links and plan.yaml)."""
    from sqlalchemy import select

    from moneytrail.ledger.models import Run
    from moneytrail.web.runs import run_plan

    with queue(request).store.engine.connect() as conn:
        text = conn.execute(select(Run.inputs).where(Run.id == rid)).scalar()
    try:
        return run_plan(json.loads(text)) if text else None
    except ValueError:
        return None


def status_body(state: RunState, with_result: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {"run_id": state.id, "kind": state.kind, "label": state.label,
                            "status": state.status, "done": state.done, "total": state.total,
                            "error": state.error or None, "url": f"/r/{state.id}",
                            "api": f"{API}/runs/{state.id}",
                            "data_version": state.data_version,
                            "code_version": state.code_version}
    if with_result and state.result is not None:
        body["result"] = state.result.to_dict()
        body["warnings"] = result_warnings(state.result)
    return body


def result_warnings(result: Result) -> list[dict[str, Any]]:
    """A run's plan warnings (service.tasks.plan_warnings, kept in its facts) as the API
    answers carry them (report.units.warning_entries): [] for none or a run without a plan."""
    from moneytrail.report.units import warning_entries
    from moneytrail.service.tasks import facts_warnings

    facts = result.facts or {}
    return warning_entries(facts_warnings(facts), str(facts.get("currency", "")))


def flat_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row with each mapping cell spread into plain named columns, `<column>_<key>`
    (a claim's `weight` {'assumption_or_weak_p50': 0.0, ...} becomes
    `weight_assumption_or_weak_p50` ...): a CSV cell holds one value, never a Python repr.
    A list of records (a claim's `cases` and `rests`, drawn as badges on the page) has no
    place in one cell: it is left out here and kept in the JSON; its text is in a plain
    column beside it (`verdict_summary`)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, Mapping):
            out.update({f"{key}_{sub}": cell for sub, cell in value.items()})
        elif isinstance(value, list | tuple) and any(isinstance(v, Mapping) for v in value):
            continue
        else:
            out[key] = value
    return out


def csv_response(rows: list[dict[str, Any]], filename: str,
                 headers: Mapping[str, str] | None = None) -> Response:
    """Rows as a CSV download (mapping cells spread into columns, `flat_row`); text cells
    made safe for spreadsheets (`csv_cell`); `headers` added to the response."""
    from moneytrail.service.result import csv_cell

    flat = [flat_row(row) for row in rows]
    out = io.StringIO()
    columns = list(dict.fromkeys(k for row in flat for k in row))
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in flat:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={**(headers or {}),
                             "Content-Disposition": f'attachment; filename="{filename}"'})


RUN_FORMATS = ("json", "csv", "parquet", "xlsx")      # GET /api/v1/runs/<id>?format=
PARQUET_MEDIA = "application/vnd.apache.parquet"


def provenance_headers(result: Result) -> dict[str, str]:
    """What a downloaded run table needs to be cited and reproduced, in response headers (a
    CSV body has no place for it; docs/results.md): the run id, kind, seed, draws, code and
    data versions and data hash, and a `Link` to the run's JSON (its whole provenance)."""
    prov = result.provenance
    values = {"Run-Id": result.run_id, "Kind": result.kind, "Seed": prov.seed,
              "Draws": prov.draws, "Code-Version": prov.code_version,
              "Data-Version": prov.data_version, "Data-Hash": prov.data_hash}
    headers = {f"X-Moneytrail-{key}": str(value) for key, value in values.items()
               if value not in (None, "")}
    headers["Link"] = (f'<{API}/runs/{result.run_id}>; rel="describedby"; '
                       'type="application/json"')
    return headers


def parquet_response(result: Result, table: str | None, names: Names) -> Response:
    """One table of a run as the Parquet file `Result.write_tables` writes (byte for byte:
    units and provenance in its schema metadata), with the provenance headers."""
    name = csv_table(result, table, names, what="A Parquet file")
    try:
        body = result.parquet_bytes(name)
    except ImportError:              # pyarrow is a dependency; a stripped install lacks it
        raise MoneytrailError("Parquet needs pyarrow, which this server's installation "
                              "lacks: use format=csv or json", field="format",
                              value="parquet") from None
    return Response(body, media_type=PARQUET_MEDIA, headers={
        **provenance_headers(result),
        "Content-Disposition": f'attachment; filename="moneytrail-{result.run_id[:8]}-'
                               f'{name}.parquet"'})


def run_csv_rows(result: Result, name: str, labels: Names) -> list[dict[str, Any]]:
    """The rows of a run table's CSV download (and of its workbook sheet): the table's rows
    (web.runs.result_table_rows), a country table's names beside its codes, its unit
    columns."""
    return csv_unit_columns(result, name, csv_named_rows(
        name, result_table_rows(result, name, labels), labels.country))


def workspace_sources(request: Request) -> dict[str, dict[str, Any]]:
    """The workspace's sources by id (value chain, analysis data and the ledger store's), for
    a workbook's About sheet to give each source's title beside its id; {} without a
    workspace, the ledger's left out when its store cannot be read."""
    from moneytrail.service.workbook import source_rows

    ws = request.app.state.workspace
    if ws is None:
        return {}
    from contextlib import suppress

    frames = [ws.valuechain.sources, ws.analysis.sources]
    with suppress(Exception):     # a workbook still downloads without the ledger's sources
        frames.append(ws.ledger().tables()["source"])
    return source_rows(frames)


def xlsx_response(request: Request, result: Result, table: str | None) -> Response:
    """A run as one Excel workbook (service.workbook): "About" with its provenance, citation,
    units and notes, then a sheet per table with the rows of its CSV download (every table
    its page links, the charts' flows too; `table`: that one only), with the provenance
    headers of a CSV download. Its run page is under the site's public address when it has
    one (`handed_on_origin`), as in the briefings."""
    from moneytrail.service.workbook import XLSX_MEDIA, result_workbook
    from moneytrail.web.runs import FLOW_TITLES, run_chart_tables

    labels = names(request)
    chosen = [table] if table is not None else \
        list(result.tables) + list(run_chart_tables(result, labels))
    tables = {name: run_csv_rows(result, name, labels) for name in chosen}
    currency = str(result.facts.get("currency") or "")
    flow_units = {"source": "text", "target": "text", "value": currency, "currency": "text"}
    body = io.BytesIO()
    result_workbook(result, body, tables=tables,
                    url=f"{handed_on_origin(request)}/r/{result.run_id}",
                    titles=FLOW_TITLES, units=dict.fromkeys(FLOW_TITLES, flow_units),
                    sources=workspace_sources(request))
    part = f"-{table}" if table is not None else ""
    return Response(body.getvalue(), media_type=XLSX_MEDIA, headers={
        **provenance_headers(result),
        "Content-Disposition": f'attachment; filename="moneytrail-{result.run_id[:8]}'
                               f'{part}.xlsx"'})


def compare_xlsx_response(request: Request, view: View, table: str | None) -> Response:
    """Runs compared (the compare page) as one Excel workbook (service.workbook): "About"
    with each run's provenance, the citation and the page's notes, then a sheet per table
    (`table`: that one only) with the rows of its CSV download. It names the compare page
    as the run's workbook names the run page (`handed_on_origin`: the site's public address
    when it has one, else the address this request reached the server at, one of the hosts
    the app allows: a file handed on has no page to resolve a relative path against), and
    its file is named by the compared plans, as its CSVs are
    (compare_subject: moneytrail-compare-<plan>-vs-<plan>[-<table>]-<date>.xlsx)."""
    from moneytrail.service.workbook import XLSX_MEDIA, comparison_workbook
    from moneytrail.web.views import choice_param, download_name

    name = choice_param("table", table, tuple(view.tables))
    tables = {t: compare_csv_rows(view, t) if t in ("headline", "scorecard") else view[t]
              for t in ([name] if name else view.tables)}
    results = [run_state(request, r["run_id"]).result for r in view["runs"]]
    notes = [*view["headline_notes"], view["budget_note"], view["scorecard_note"],
             *view["rent_left_out"]]
    done = [r for r in results if r is not None]
    url = f"{handed_on_origin(request)}/compare?runs={','.join(r.run_id for r in done)}"
    body = io.BytesIO()
    comparison_workbook(done, tables, body, title=view["meta"]["title"], url=url,
                        cite=compare_citation(done, url), notes=[n for n in notes if n])
    file = download_name(name or "", {}, subject=compare_subject(view), stamp=view["meta"])
    return Response(body.getvalue(), media_type=XLSX_MEDIA, headers={
        "Content-Disposition": f'attachment; filename="{file}.xlsx"'})


def page(request: Request, template: str, nav: str = "", status: int = 200,
         **context: Any) -> HTMLResponse:
    """`template` rendered with `context`; its `origin` (the embed code, the builder's draft
    link, a page's absolute links a reader copies) is `handed_on_origin`."""
    html = request.app.state.templates.get_template(template).render(
        request=request, nav=nav, origin=handed_on_origin(request), **context)
    return HTMLResponse(html, status_code=status)


def chart_view(request: Request, result: Result, chart: str) -> View:
    """The run view for one of its charts; NotFoundError (404) saying why when the run has
    no such chart (not a trace, or a trace made without the chart's table)."""
    from moneytrail.errors import NotFoundError
    from moneytrail.web.runs import CHART_TABLES

    if result.kind != "trace":
        raise NotFoundError(f"this run is a {result.kind} run; charts are drawn for traces "
                            "only (its page shows its tables)", field="run id",
                            value=result.run_id)
    view = done_view(request, result)
    if view["sankey"].get(chart) is None:
        raise NotFoundError(view["missing"].get(chart) or "this run has no such chart "
                            f"(it has no {CHART_TABLES.get(chart, chart)} table)",
                            field="chart", value=chart)
    return view


def done_view(request: Request, result: Result) -> View:
    """The run page's view of a done trace `result`. Its address (the share link and the
    citation) and the reproduce commands are copied out of the page: they are absolute,
    under `handed_on_origin` (the public address, else the address the request reached,
    with the server's port when the Host names none), as in the briefings."""
    ws = request.app.state.workspace
    from moneytrail.engine.result import code_version

    origin = handed_on_origin(request)
    return run_view(result, names=names(request), url=f"{origin}/r/{result.run_id}",
                    origin=origin, current_code=code_version(),
                    current_data_hash=ws.data_hash, current_data_version=ws.data_label,
                    currencies=known_currencies(ws, check=False))


# -- reference plans --------------------------------------------------------------------------
def start_reference_runs(app: FastAPI) -> None:
    """Queue the reference plans' traces at REFERENCE_DRAWS, except a plan the store already
    holds a run of with at least as many draws (`reference_run_ids`: e.g. the demo's 10,000);
    nothing is computed when the store has them."""
    from moneytrail.scenarios.reference import reference_scenarios
    from moneytrail.scenarios.schema import load_scenario

    stored = reference_run_ids(app)
    for path in reference_scenarios():
        try:
            plan = load_scenario(path)
            if path.stem in stored and stored[path.stem] != app.state.jobs.run_id(
                    plan, REFERENCE_DRAWS, plan.seed):
                app.state.jobs.store.mark_open(stored[path.stem])
                continue
            app.state.jobs.submit(plan, REFERENCE_DRAWS, plan.seed)
        except MoneytrailError:
            continue


def reference_run_ids(app: FastAPI) -> dict[str, str]:
    """Each reference plan's run id by file stem (page order), found once per app with the
    plans' titles (app.state.reference_ids, reference_titles): the store's best run of the
    plan on this code and data with at least REFERENCE_DRAWS draws (service.tasks.
    stored_trace_of: the demo's 10,000-draw run rather than a second, cheaper one), else the
    plan's run at REFERENCE_DRAWS and its own seed (start_reference_runs queues it)."""
    from moneytrail.scenarios.reference import reference_scenarios
    from moneytrail.scenarios.schema import load_scenario
    from moneytrail.service.tasks import stored_trace_of

    state_of_app = app.state
    if getattr(state_of_app, "reference_ids", None) is None:
        jobs: RunQueue = state_of_app.jobs
        ids, titles = {}, {}
        for path in reference_scenarios():
            plan = load_scenario(path)
            ids[path.stem] = stored_trace_of(jobs.ws, jobs.store, plan,
                                             min_draws=REFERENCE_DRAWS) \
                or jobs.run_id(plan, REFERENCE_DRAWS, plan.seed)
            titles[path.stem] = plan.title
        state_of_app.reference_done = {}
        state_of_app.reference_titles = titles
        state_of_app.reference_ids = ids
    return dict(state_of_app.reference_ids)


def reference_titles(request: Request) -> dict[str, str]:
    """The reference plans' titles by file stem (page order), read once per app with their
    run ids (reference_run_ids; reference_traces)."""
    reference_run_ids(request.app)
    return dict(request.app.state.reference_titles)


def reference_traces(request: Request) -> dict[str, dict[str, Any]]:
    """For each reference plan: its run id, status, title and (when done) the headline, in
    sentences (`headline`) and as numbers (`numbers`, runs.headline_numbers). The
    plans' run ids are found once per app; a done entry is kept (a done run never changes)."""
    jobs = queue(request)
    state_of_app = request.app.state
    reference_titles(request)
    done: dict[str, dict[str, Any]] = state_of_app.reference_done
    out = {}
    for stem, rid in state_of_app.reference_ids.items():
        if stem in done:
            out[stem] = done[stem]
            continue
        state = jobs.store.get(rid)
        entry: dict[str, Any] = {"run_id": rid, "status": state.status if state else "missing",
                                 "done": state.done if state else 0,
                                 "total": state.total if state else REFERENCE_DRAWS,
                                 "title": state_of_app.reference_titles.get(stem, stem),
                                 "headline": []}
        if state is not None and state.result is not None:
            from moneytrail.web.runs import headline_numbers, headline_text

            entry["headline"] = headline_text(state.result, names(request))[1:3]
            entry["numbers"] = headline_numbers(state.result, names(request))
            done[stem] = entry
        out[stem] = entry
    return out


# -- routes -----------------------------------------------------------------------------------
def add_run_routes(app: FastAPI) -> None:
    """Register the API and pages built on runs."""
    from moneytrail.data.package import cache_dir
    from moneytrail.web.charts import DiskCache

    app.state.done_runs = {}
    app.state.run_pages = {}
    app.state.briefings = DiskCache(cache_dir() / "web-briefings")   # briefing_response

    @app.post(f"{API}/runs", tags=["runs"], status_code=202,
              summary="Start a trace run of a plan (or a reference plan) in the background",
              description="The body is a plan as the scenario schema's mapping (draws and "
              "seed inside it), {\"reference\": \"<id>\", \"draws\": n, \"seed\": s}, or "
              "the document GET /api/v1/plans/<id> returns, as it is (its `scenario`; draws and "
              "seed may be added; the same run id as the reference for the same options). "
              "It is checked before any work starts (problem+json naming field and value); "
              f"the web app runs at most 20,000 draws and bodies of {MAX_BODY:,} bytes. "
              "Draws and seed: those beside `scenario` or `reference` win, else the plan's "
              "own; a reference plan by id runs at 2,000 draws (the reference runs). "
              "Answers 202 with the run id and the draws and seed it uses (200 when the run "
              "is already stored) and the plan's `warnings` (a category bought beyond its "
              "whole yearly market; docs/results.md); poll "
              "GET /api/v1/runs/<id>. Run creation is rate-limited per client (429). Open to "
              "anonymous callers; a request with a session cookie must send the session's "
              "CSRF token in X-CSRF-Token (403 without it).",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": {"type": "object"}}}}})
    async def api_create_run(request: Request) -> Response:
        from moneytrail.web import auth

        # open to anonymous callers and keys; a signed-in browser's session must send its
        # CSRF token (X-CSRF-Token), or a cross-site post would run under the session
        current = await run_in_threadpool(auth.who, request)
        if current is not None:
            await auth.check_csrf(request, current)
        raw = await read_body(request, MAX_BODY)
        body = json_body(raw)
        rid, status, draws, seed, warnings = await run_in_threadpool(create_run, request,
                                                                     body)
        content = {"run_id": rid, "status": status, "draws": draws, "seed": seed,
                   "url": f"/r/{rid}", "api": f"{API}/runs/{rid}", "warnings": warnings}
        return JSONResponse(content, status_code=200 if status == "done" else 202,
                            headers={"Location": f"{API}/runs/{rid}"})

    @app.get(f"{API}/runs/{{run}}", tags=["runs"],
             summary="A run: status (queued, running, done, error), progress, and the result "
             "JSON when done (a trace's with `how_real`: how much of its plan's money the "
             "ledger records "
             "as announced, committed and spent); ?table=<name> for one table as JSON (with its "
             "title, note, units, currency and price year), ?format=csv&table=<name> as CSV (a "
             "run of several tables without table: 400 naming them; the run id, seed, draws, "
             "code and data versions in X-Moneytrail-* headers and a Link to the run's JSON), "
             "?format=parquet&table=<name> as the Parquet file Result.write_tables writes (units"
             " and provenance in its metadata), ?format=xlsx as one Excel workbook: a sheet "
             "About (provenance, citation, units, notes) then one sheet per table with its CSV's"
             " columns and values (&table=<name>: that table only)")
    def api_run(request: Request, run: str, format: Q = None, table: Q = None) -> Response:
        from moneytrail.web.views import choice_param, text_param

        if (moved := short_id_redirect(request, run, f"{API}/runs/{{run}}")) is not None:
            return moved
        state = run_state(request, run)
        fmt = choice_param("format", format, RUN_FORMATS)
        name = text_param("table", table)
        if fmt in (None, "json") and name is None:   # JSON: the status and the whole result
            body = status_body(state)
            if state.result is not None:      # how real the plan's money is, as its page says
                body["how_real"] = run_how_real(request.app.state.web, state.result)
            return JSONResponse(body)
        if state.result is None:
            raise not_done(state, "its tables exist once it is done")
        if fmt == "parquet":
            return parquet_response(state.result, name, names(request))
        if fmt == "xlsx":
            return xlsx_response(request, state.result, name)
        if fmt == "csv":
            name = csv_table(state.result, name, names(request))
            rows = run_csv_rows(state.result, name, names(request))
            response = csv_response(rows, f"moneytrail-{state.id[:8]}-{name}.csv")
            response.headers.update(provenance_headers(state.result))
            return response
        return JSONResponse(result_table_json(state.result, name or "", names(request)))

    @app.get(f"{API}/runs/{{run}}/plan.yaml", tags=["runs"],
             summary="The plan of a run as a scenario YAML file (for `moneytrail trace`)")
    def api_run_plan(request: Request, run: str) -> Response:
        import yaml

        state = run_state(request, run)
        plan = stored_plan(request, state.id)
        if plan is None:
            raise RunNotFound("this run has no plan (it is not a trace)", field="run id",
                              value=run)
        from moneytrail.scenarios.schema import plan_file_stem

        stem = plan_file_stem(plan.get("id"))
        if stem != plan.get("id"):     # a run stored before plan ids were checked: the file's
            plan = {**plan, "id": stem}     # id must equal its (safe) name to load it again
        text = yaml.safe_dump(plan, sort_keys=False, allow_unicode=True)
        return Response(text, media_type="application/yaml; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{stem}.yaml"'})

    @app.get("/r/{run}", include_in_schema=False)
    def run_page(request: Request, run: str) -> Response:
        if (moved := short_id_redirect(request, run, "/r/{run}")) is not None:
            return moved
        state = run_state(request, run)
        if state.result is None:
            draft = stored_plan(request, state.id)
            title = str(draft.get("title") or state.label) if draft else state.label
            return page(request, "run_wait.html", state=state, title=title,
                        draft=encode_draft(draft) if draft else None,
                        meta={"title": f"Run {state.id[:8]}: {title}",
                              "data_version": state.data_version, "ledger_revision": None})
        if state.result.kind != "trace":        # analyse, compare, sensitivity, claims
            base = handed_on_origin(request)        # copied out of the page (done_view)
            view = tables_view(state.result, url=f"{base}/r/{state.id}", origin=base,
                               checked_run=state.checked_run)
            return page(request, "run_tables.html", view=view, meta=view["meta"],
                        api=f"{API}/runs/{state.id}")
        from moneytrail.web.routes_claims import ledger_revision, run_page_claims

        traced = reference_traces(request)
        who = request.app.state.templates.globals.get("current_user")
        rerun = newer_run(request, state.result)
        origin = saved_origin(request, state.id)
        # a saved plan's run names the plan as it is now: never kept for later readers
        anonymous = (who is None or who(request) is None) and rerun is None and origin is None
        key = (state.id, handed_on_origin(request),
               tuple(t["run_id"] for t in traced.values() if t["status"] == "done"),
               ledger_revision(request))          # the claims section cites the ledger
        pages: dict = request.app.state.run_pages
        if anonymous and (kept := pages.get(key)) is not None:   # the same for every reader
            return HTMLResponse(kept)
        view = done_view(request, state.result)
        claims = run_page_claims(request, state.result)
        response = page(request, "run.html", view=view, meta=view["meta"],
                        api=f"{API}/runs/{state.id}", traced=traced, rerun=rerun,
                        plan_claims=claims, saved_from=origin,
                        how_real=run_how_real(request.app.state.web, state.result))
        if anonymous and not claims.get("retry"):
            keep(pages, key, bytes(response.body))
        return response

    @app.post("/r/{run}/rerun", include_in_schema=False)
    async def rerun_page(request: Request, run: str) -> Response:
        """Run an outdated run's plan again (same draws and seed) on the current code and
        data; lands on the new run's page. Anyone who may see the run may run it again; a
        signed-in browser sends its session's CSRF token, as every other form does
        (auth.check_csrf: 403 without it). The new run derives from the old one
        (RunStore.derived_from): it is never more visible than the run it repeats, so a
        public plan's rerun is hidden again with the plan. The store's reads run in the
        thread pool, as the submit does: a slow store holds up this request only."""
        from moneytrail.web import auth

        current = await run_in_threadpool(auth.who, request)
        if current is not None:
            await auth.check_csrf(request, current)
        state = await run_in_threadpool(run_state, request, run)
        if state.result is None or state.result.kind != "trace":
            raise MoneytrailError(f"this run is {state.status}; only a finished trace can be "
                                  "run again", field="run id", value=state.id)
        plan, draws, seed = await run_in_threadpool(rerun_request, request, state.result)
        take_token(request)                  # once the plan is checked: a refusal costs none
        private = bool(getattr(request.state, "no_store", False))
        rid, _ = await run_in_threadpool(partial(queue(request).submit, plan, draws, seed,
                                                 private=private, derived_from=state.id))
        # a private plan's rerun is never opened, so it is hidden from everyone until linked
        if private:
            from moneytrail.web.saved import store, viewer

            who = await run_in_threadpool(viewer, request)
            if who is not None:
                await run_in_threadpool(store(request).add_rerun, state.id, actor=who,
                                        run_id=rid)
        return RedirectResponse(f"/r/{rid}", status_code=303)

    @app.get("/r/{run}/report.{fmt}", include_in_schema=False)
    def run_report(request: Request, run: str, fmt: str) -> Response:
        """A briefing of a done trace or compare run (a compare run's plans, as `moneytrail
        report` makes it: report.briefing.resolve_stored), behind the run's own access check
        (run_state) and kept in a private store for a private plan (briefing_response)."""
        state = run_state(request, run)
        if state.result is None:
            raise MoneytrailError(f"this run is {state.status}; its report comes once it is "
                                  "done", field="run id", value=state.id)
        if state.result.kind not in ("trace", "compare"):
            raise MoneytrailError("a report is made from trace or compare runs; this run is "
                                  f"a {state.result.kind} run", field="run id",
                                  value=state.id)
        return briefing_response(request, [state.result], fmt, report_file_name([state.result]))

    @app.get("/compare/report.{fmt}", include_in_schema=False)
    def compare_report(request: Request, fmt: str, runs: Q = None) -> Response:
        ids = [part.strip() for part in (runs or "").split(",") if part.strip()]
        comparison(request, runs)                 # the same checks as the compare page
        results = [run_state(request, rid).result for rid in ids]
        done = [r for r in results if r is not None]
        return briefing_response(request, done, fmt, report_file_name(done))

    @app.get("/embed/r/{run}/{chart}", include_in_schema=False)
    def embed_run(request: Request, run: str, chart: str) -> HTMLResponse:
        from moneytrail.web.views import choice_param

        chart = choice_param("chart", chart, tuple(CHARTS)) or "first"
        state = run_state(request, run)
        if state.result is None:
            raise MoneytrailError(f"this run is {state.status}; embed it once it is done",
                                  field="run id", value=state.id)
        view = chart_view(request, state.result, chart)
        return page(request, "embed_run.html", view=view, meta=view["meta"], chart=chart,
                    chart_title=CHARTS[chart], api=f"{API}/runs/{state.id}")

    @app.get("/build", include_in_schema=False)
    def build_page(request: Request, plan: Q = None, reference: Q = None,
                   check: Q = None, typed: Q = None, dup: Q = None,
                   rules: Q = None, shown: Q = None, held: Q = None,
                   vis: Q = None, saved: Q = None, other: Q = None) -> HTMLResponse:
        return build_form(request, plan=plan, reference=reference, check=check == "1",
                          typed=typed, dup=dup, rules=rules, shown=shown, held=held,
                          vis=vis, saved=saved, other=other)

    @app.post("/build", include_in_schema=False)
    async def build_submit(request: Request) -> Response:
        from moneytrail.web.draft_login import visibility_of

        raw = await read_body(request, MAX_BODY)
        form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        extra = {}
        if form.get("extra"):             # the form's hidden draft of fields it has no input for
            extra = decode_draft(form["extra"], "extra")      # damaged: a 400 naming it
        names = builder.target_names(request.app.state.workspace.valuechain)
        draft, typed, texts = builder.read_form(form, extra, names)
        duplicates = builder.duplicate_rows(form)
        token = encode_draft(draft) + typed_param(typed, texts) + (
            f"&dup={encode_draft({'rows': duplicates})}" if duplicates else "")
        # a saved plan opened in the builder stays linked through "Check" (issue 12)
        saved = "".join(f"&{key}={form[field]}" for key, field in
                        (("saved", "saved_id"), ("rev", "saved_revision"))
                        if form.get(field, "").isascii() and form.get(field, "").isdigit())
        saved += "&vis=public" if visibility_of(form) else ""    # the Save fieldset's choice
        action = form.get("action")
        if action == "rules" and not duplicates:
            location = await run_in_threadpool(apply_rules, request, form, draft, typed,
                                               texts)
            return RedirectResponse(fitting_location(location + saved, form),
                                    status_code=303)
        back = f"/build?plan={token}&check=1{saved}"
        held = await run_in_threadpool(held_run, request, form)
        if held:                 # Enter, or Run while the form says private: checked only
            return RedirectResponse(fitting_location(f"{back}&held={held}", form),
                                    status_code=303)
        if action not in RUN_ACTIONS or duplicates:
            return RedirectResponse(fitting_location(back, form), status_code=303)
        from moneytrail.web import auth

        # running is open to anonymous readers; a signed-in browser's run carries the
        # session's CSRF token, as every form post of a session does (403 without it)
        current = await run_in_threadpool(auth.who, request)
        if current is not None:
            auth.check_csrf_sent(current, request.headers.get(auth.CSRF_HEADER)
                                 or form.get(auth.CSRF_FIELD))
        try:                                  # create_run takes the run token
            rid, *_ = await run_in_threadpool(create_run, request, draft)
        except RateLimited:
            raise
        except MoneytrailError:               # the form shows the error next to its field
            return RedirectResponse(fitting_location(back, form), status_code=303)
        return RedirectResponse(f"/r/{rid}", status_code=303)

    @app.get(f"{API}/compare", tags=["runs"],
             summary="Done runs side by side: headline shares, scorecards and each plan's "
             "TCO (?runs=<id>,<id>[,...]); ?format=csv&table=<runs|headline|scorecard|tco>; "
             "?format=xlsx: one Excel workbook, a sheet About (each run's provenance, the "
             "citation, the notes) then one sheet per table with its CSV's columns and values")
    def api_compare(request: Request, runs: Q = None, format: Q = None,
                    table: Q = None) -> Response:
        from moneytrail.web.app import as_api

        view = comparison(request, runs)
        if format == "xlsx":
            return compare_xlsx_response(request, view, table)
        if format == "csv" and table in ("headline", "scorecard"):
            # CSV columns named after the plans (`<plan>_p50`), as a compare run's
            view = View({**view, table: compare_csv_rows(view, table)})
        return as_api(view, format, table, subject=compare_subject(view))

    @app.get("/compare", include_in_schema=False)
    def compare_page(request: Request,
                     runs: Annotated[list[str] | None, Query()] = None) -> Response:
        from moneytrail.web.app import render

        given = request.query_params.getlist("runs")
        picked = [part.strip() for value in given
                  for part in value.split(",") if part.strip()]   # the form's checkboxes
        full = [resolve_short_id(request, part) for part in picked]
        if len(given) > 1 or full != picked:
            # the picker's form sends runs=A&runs=B and a reader may type short ids: one
            # address, `?runs=A,B` with full ids, which the page's download links carry
            # (web.app.render keeps one value per parameter)
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "runs"]
            query = urlencode([("runs", ",".join(full)), *rest], safe=",")
            return RedirectResponse(fitting_location(f"/compare?{query}",
                                                     {"runs": ",".join(full)}),
                                    status_code=303)
        if len(picked) == 1:
            check_run_id(picked[0])            # "zz": the message says what a run id is
        if len(picked) < 2:
            return page(request, "compare_pick.html", status=400 if picked else 200,
                        picked=picked, runs=picker_runs(request), run_groups=RUN_GROUPS,
                        meta={"title": "Compare plans: pick two or more runs",
                              "data_version": request.app.state.web.data_version})
        view = comparison(request, ",".join(picked))
        return render(request, "compare.html", view, "", api_path=f"{API}/compare")


def json_body(raw: bytes) -> Any:
    """A request body as strict JSON (web.query.strict_json: UTF-8, standard JSON without
    NaN or Infinity, each key once); the message says what to send when it is empty."""
    from moneytrail.web.query import strict_json

    if not raw.strip():
        raise MoneytrailError("the body is empty: send a JSON object (a plan, or "
                              "{\"reference\": id})", field="body")
    return strict_json(raw)


def create_run(request: Request, body: Any) -> tuple[str, str, int, int, list[dict[str, Any]]]:
    """Check a run request and queue it (or find it stored): (run id, status, draws, seed,
    the plan's warnings as the API answers carry them, report.units.warning_entries). One
    of the client's run tokens (take_token) is taken only once the request is checked: a
    refused request (400) starts no run and costs none; RateLimited when none is left."""
    from moneytrail.report.units import warning_entries
    from moneytrail.service.tasks import plan_warnings

    jobs = queue(request)
    plan, draws, seed = run_request(jobs.ws, body)
    warnings = warning_entries(plan_warnings(jobs.ws, plan), plan.currency)
    take_token(request)
    return (*jobs.submit(plan, draws, seed), draws, seed, warnings)


def not_done(state: RunState, what: str) -> ConflictError:
    """409 for a run that has no result yet (or failed): a polling client tells "not yet"
    from a bad request; a queued or running run's answer says when to ask again
    (Retry-After, seconds)."""
    error = ConflictError(f"this run is {state.status}; {what}", field="run id",
                          value=state.id)
    if state.status in OPEN_STATUSES:
        error.retry_after = 2           # type: ignore[attr-defined]  # web.app sends it
    return error


def rerun_request(request: Request, result: Result) -> tuple[Any, int, int]:
    """The plan (checked as the API checks it), draws and seed of a run, to run it again."""
    from moneytrail.scenarios.schema import check_seed
    from moneytrail.web.jobs import plan_from_mapping, web_draws

    prov = result.provenance
    plan = plan_from_mapping(request.app.state.workspace, prov.inputs["plan"])
    return plan, web_draws(prov.draws), check_seed(prov.seed)


def saved_origin(request: Request, run_id: str) -> dict[str, Any] | None:
    """The saved plan a trace run was started from, for the run page's "Edit this plan"
    (tester h219: it opened an unlinked copy, with every default written out): None for a
    run of no saved plan the visitor may see. Else the plan (its owner's first): `link`
    opens it in the builder as the plan's own page does (saved.draft_link): for its owner,
    signed in as an editor (`own`), as an edit whose save is the plan's next revision; for
    anyone else as a copy. `run_revision`: the revision the run was made from."""
    from moneytrail.web import auth
    from moneytrail.web.saved import draft_link, store

    current = auth.who(request)
    plans = store(request).of_run(run_id, current.id if current else None)
    if not plans:
        return None
    saved = plans[0]
    own = bool(saved["is_owner"] and current is not None and current.can_edit)
    return {"id": saved["id"], "title": saved["title"], "owner": saved["owner"],
            "own": own, "revision": saved["revision"], "run_revision": saved["run_revision"],
            "link": draft_link(saved, with_revision=own)}


def newer_run(request: Request, result: Result) -> dict[str, Any] | None:
    """For a run computed with older code or data: the run id the same plan, draws and seed
    get now, and its status ("missing" when not run yet); None for a current run."""
    from moneytrail.engine.result import code_version

    ws = request.app.state.workspace
    prov = result.provenance
    if result.kind != "trace" or (prov.code_version == code_version()
                                  and prov.data_hash == ws.data_hash):
        return None
    try:
        plan, draws, seed = rerun_request(request, result)
    except (MoneytrailError, KeyError, TypeError) as exc:
        return {"run_id": None, "status": "impossible",
                "reason": getattr(exc, "detail", str(exc))}
    rid = queue(request).run_id(plan, draws, seed)
    state = queue(request).store.get(rid)
    return {"run_id": rid, "status": state.status if state else "missing", "reason": ""}


def report_file_name(results: list[Result]) -> str:
    """A briefing's download name (without extension), after its plans: each plan id as a
    safe file name (scenarios.schema.plan_file_stem) with its run's first 8 digits,
    `eu-ai-gigafactories-e3ada225`; a comparison joins them with `-vs-`. A compare run (no
    plan of its own) is named after its run id."""
    from moneytrail.scenarios.schema import plan_file_stem

    parts = []
    for result in results:
        plan = result.provenance.inputs.get("plan")
        stem = plan_file_stem(plan.get("id")) if isinstance(plan, dict) else result.kind
        parts.append(f"{stem}-{result.run_id[:8]}")
    return "-vs-".join(parts) or "moneytrail"


def briefing_response(request: Request, results: list[Result], fmt: str, name: str
                      ) -> Response:
    """A briefing (report.briefing) of done runs as a download: PDF or one HTML file. A run
    stored without analyses (`moneytrail trace`) is traced again with them, as `moneytrail
    report` does (report.briefing.resolve_stored), and the briefing names both runs.
    Rendered once (seconds of CPU) and kept on disk (`app.state.briefings`) by what it shows:
    the run ids, the code version, the data package's content hash (not its version: two
    packages of one version may differ), the ledger revision it cites and the address it
    links to; a briefing not kept yet costs one of the client's run tokens (429 with
    Retry-After when none is left, as runs and claim checks). Headers: `briefing_headers`.
    A HEAD request (web.app.HeadAsGet) for a briefing not kept yet gets the GET's headers
    without Content-Length (RFC 9110, 9.3.2 allows leaving out what only making the body
    tells): nothing is rendered and no token is taken."""
    from moneytrail.engine.result import code_version
    from moneytrail.report.briefing import render_briefing, resolve_stored
    from moneytrail.web.app import is_head
    from moneytrail.web.views import choice_param

    fmt = choice_param("format", fmt, ("pdf", "html")) or "pdf"
    ws = request.app.state.workspace
    last = request.app.state.web.ledger.history(limit=1)     # the ledger state it cites
    ledger = f"{last['revision'].iloc[0]} {last['time'].iloc[0]}" if len(last) else "0"
    key = "/".join(["briefing", ",".join(r.run_id for r in results), code_version(),
                    str(ws.data_hash), f"ledger {ledger}", handed_on_origin(request)])
    media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    headers = briefing_headers(request, f"{name}.{fmt}")
    cache = request.app.state.briefings
    body = cache.cached(key, fmt)
    if body is None and is_head(request):
        response = Response(media_type=media, headers=headers)
        del response.headers["content-length"]      # unknown until it is rendered
        return response
    if body is None:
        take_token(request)

        def render() -> bytes:
            # a private plan's runs traced here (again with analyses, or for the tornado) are
            # kept where nobody is shown them (not opened)
            private = bool(getattr(request.state, "no_store", False))
            store = queue(request).store.as_private() if private else LEDGER
            resolved, asked = resolve_stored(ws, results, store=store)
            return render_briefing(ws, resolved, fmt=fmt, asked=asked, store=store,
                                   base_url=handed_on_origin(request))

        body = cache.get(key, fmt, render)
    return Response(body, media_type=media, headers=headers)


BRIEFING_MAX_AGE = 3600      # s a cache may keep a briefing (the chart images' hour)


def briefing_headers(request: Request, file: str) -> dict[str, str]:
    """The headers of a briefing download named `file`: a cache may keep it for
    BRIEFING_MAX_AGE seconds, as a chart image (its runs never change, but it cites the
    ledger as it is now, and a public plan's runs may be hidden again); a private plan's
    briefing is `private, no-store` instead (web.auth's `private_pages`). Without a public
    address its links are written from the request's Host (`handed_on_origin`), so it
    varies by Host: a cache must not hand one Host's links to another."""
    headers = {"Content-Disposition": f'attachment; filename="{file}"',
               "Cache-Control": f"public, max-age={BRIEFING_MAX_AGE}"}
    if not public_origin(request):
        headers["Vary"] = "Host"
    return headers


def picker_runs(request: Request, limit: int = 20) -> list[dict[str, Any]]:
    """The finished traces the visitor may see, for the compare page's picker, in the groups
    of web.run_picker: the reference runs (reference_run_ids), the visitor's own, then at
    most `limit` others, newest first."""
    from moneytrail.web.run_picker import picker_runs as grouped
    from moneytrail.web.saved import viewer

    return grouped(queue(request).store.engine, viewer(request),
                   reference_run_ids(request.app), limit)


def comparison(request: Request, runs: str | None) -> View:
    """The compare view of done trace runs named in `runs` (comma-separated ids)."""
    ids = [part.strip() for part in (runs or "").split(",") if part.strip()]
    if len(ids) < 2:
        raise MoneytrailError("give two or more run ids, separated by commas",
                              field="runs", value=runs or "")
    if len(ids) > MAX_COMPARE:
        raise MoneytrailError(f"at most {MAX_COMPARE} runs side by side", field="runs",
                              value=len(ids))
    results = []
    for rid in ids:
        state = run_state(request, rid)
        if state.result is None or state.result.kind != "trace":
            raise MoneytrailError("this run is not a finished trace", field="runs",
                                  value=rid)
        results.append(state.result)
    # after each id's own checks, so a run the visitor may not see stays a 404 (security.md)
    found = [r.run_id for r in results]
    repeated = sorted({rid for rid, full in zip(ids, found, strict=True)
                       if found.count(full) > 1})
    if repeated:
        raise MoneytrailError("a run is named more than once; compare different runs",
                              field="runs", value=",".join(repeated))
    from moneytrail.service.tasks import stored_scorecards_in_common_unit

    ws = request.app.state.workspace
    common = stored_scorecards_in_common_unit(ws, results)
    return compare_view(results, names(request), handed_on_url(request), common,
                        known_currencies(ws, check=False), origin=handed_on_origin(request))


def typed_param(typed: dict[str, str], texts: dict[str, str] | None = None) -> str:
    """The `&typed=` part of a builder link: the fields typed otherwise than read
    (builder.plan_and_typed), so the checked form quotes them as typed; and `&shown=`: the
    text of each input the form would show otherwise (builder.read_form), so a form with
    errors shows what was typed; '' when none."""
    return (f"&typed={encode_draft(typed)}" if typed else "") + (
        f"&shown={encode_draft(texts)}" if texts else "")


def typed_dup(token: str | None) -> list[Any]:
    """The `dup` parameter of a builder link read back (builder.duplicate_rows); [] when
    absent or damaged."""
    if not token:
        return []
    try:
        rows = decode_draft(token).get("rows")
    except (MoneytrailError, RecursionError):
        return []
    return rows if isinstance(rows, list) else []


def typed_texts(token: str | None) -> dict[str, str]:
    """The `typed` parameter of a builder link read back (text by dotted path); {} when
    absent or not such a mapping (it only changes how an error quotes a value)."""
    if not token:
        return {}
    try:
        typed = decode_draft(token)
    except (MoneytrailError, RecursionError):
        return {}
    if not isinstance(typed, dict):
        return {}
    return {str(k): v for k, v in typed.items() if isinstance(v, str)}


def apply_rules(request: Request, form: dict[str, str], draft: dict[str, Any],
                typed: dict[str, str], texts: dict[str, str] | None = None) -> str:
    """The builder's "Apply these rules" action: the draft with its supplier rows under the
    procurement rules of the form (service.tasks.procured_shares, as `compare` applies
    them), as the address of the checked builder; the rules as typed and what they changed
    ride along in `&rules=` (`rules_state`). Wrong rules, or a plan that does not check,
    leave the draft as it was and the page says why."""
    from moneytrail.service.tasks import procured_shares
    from moneytrail.web.jobs import plan_from_mapping

    ws = request.app.state.workspace
    inputs = builder.rules_inputs(form)
    rules, errors = builder.read_rules(inputs, list(builder.section(draft, "spend", dict)))
    state: dict[str, Any] = dict(inputs)
    if not errors:
        try:
            ruled, shares = procured_shares(ws, plan_from_mapping(ws, draft), **rules)
        except MoneytrailError:             # the plan's own problems: the checked form lists
            state["blocked"] = True
        else:
            from moneytrail.scenarios.reference import reference_scenarios

            outcome = builder.rules_outcome(shares, rules["categories"])
            own = [c for c in builder.section(draft, "procurement", dict)
                   if c in outcome["changed"] + outcome["unchanged"]]
            draft = builder.ruled_draft(draft, ruled.procurement, outcome["changed"],
                                        {p.stem for p in reference_scenarios()})
            typed, texts = ({k: v for k, v in found.items() if not k.startswith("procurement.")
                             or k.split(".")[1] not in outcome["changed"]}
                            for found in (typed, texts or {}))
            state.update(outcome, own=own, applied=True)
    return (f"/build?plan={encode_draft(draft)}{typed_param(typed, texts)}&check=1"
            f"&rules={encode_draft(state)}")


def rules_state(token: str | None) -> dict[str, Any]:
    """The `rules` parameter of a builder link read back (`apply_rules`); {} when absent or
    damaged."""
    if not token:
        return {}
    try:
        state = decode_draft(token)
    except (MoneytrailError, RecursionError):
        return {}
    return state if isinstance(state, dict) else {}


def rules_view(request: Request, state: dict[str, Any], spend: list[str],
               names: builder.Names) -> dict[str, Any]:
    """The builder's procurement-rules part: its inputs (as typed, else the defaults of
    `compare`: service.tasks.default_procurement), their errors, and the sentences saying
    what the last "Apply" did (categories named only when the data know them)."""
    from moneytrail.analysis.procurement import MAX_EU_WEIGHT
    from moneytrail.service.tasks import default_procurement, procurement_rules

    ws = request.app.state.workspace
    default = default_procurement(ws)
    text = {k: str(state[k]) if isinstance(state.get(k), str) else "" for k in ("cap", "weight")}
    view: dict[str, Any] = {      # a blank input applies the default: the field shows it
        "cap": text["cap"] or f"{100 * default.cap:g} %",
        "weight": text["weight"] or f"{default.eu_weight:g}",
        "default_cap": f"{100 * default.cap:g} %", "default_weight": f"{default.eu_weight:g}",
        "max_weight": f"{MAX_EU_WEIGHT:g}",
        "categories": [c for c in state.get("categories") or [] if c in spend],
        "errors": [], "lines": [], "blocked": bool(state.get("blocked"))}
    if not state:
        return view
    rules, view["errors"] = builder.read_rules(state, spend)
    if view["errors"] or not state.get("applied"):
        return view
    known = names.get("category", {})
    outcome = {k: [c for c in state.get(k) or [] if c in known]
               for k in ("changed", "unchanged", "unmet", "own")}
    try:
        rule = procurement_rules(ws, **rules).describe()
    except MoneytrailError:
        return view
    view["lines"] = builder.rules_message(outcome, rule, names)
    return view


def settings_open(rows: dict[str, Any], errors: list[dict[str, Any]]) -> bool:
    """Whether the builder's "More settings" start open: when one of them is in error or set
    (a horizon of 5, the default a run's plan states, alone leaves them closed)."""
    anchors = {f"f-{key}" for key in builder.SETTINGS}
    if any(entry["anchor"] in anchors for entry in errors):
        return True
    return any(rows[key] not in ("", None) and not (key == "horizon_years" and rows[key] == 5)
               for key in builder.SETTINGS)


def draft_warnings(ws: Any, draft: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """A valid draft's plan warnings (service.tasks.plan_warnings) and its currency, for the
    builder to show after "Check" as the run page does; none for a draft that fails."""
    from moneytrail.service.tasks import plan_warnings
    from moneytrail.web.jobs import plan_from_mapping

    try:
        plan = plan_from_mapping(ws, draft)
    except MoneytrailError:
        return [], ""
    return plan_warnings(ws, plan), plan.currency


def newest_price_year(ws: Any) -> int | None:
    """The latest price year the data package can convert (service.tasks.newest_money_year),
    for the price year's hint; None for a package without analysis tables."""
    from moneytrail.service.tasks import newest_money_year

    if not ws.package.has("analysis-sources"):
        return None
    return newest_money_year(ws.analysis.money)


# the builder's actions that run the draft publicly: "run" (the Run button; for anonymous
# users also Enter), "run_public" (the button of the notice a held run shows: the user saw
# that the form says private and runs it publicly all the same)
RUN_ACTIONS = ("run", "run_public", "enter")
HELD = ("enter", "private", "session")   # why a run was held (`held_run`): build.html's notice


def held_run(request: Request, form: Mapping[str, str]) -> str:
    """Why the builder's post `form` must not run the draft publicly, '' when it may run.
    'session': the form is bound to a saved plan (it carries `saved_id`, as the builder
    opened from a saved plan's "Edit the plan in the builder" does) and the requester is
    not that plan's owner now: anonymous (logged out in another tab), a session that ended
    or an account disabled, another account, or no such plan. Such a form never runs
    publicly without "Run publicly anyway", and the notice says nothing of the saved plan.
    'enter': an implicit submission (Enter in a field presses the form's hidden first
    button, action "enter") from a form with the editor's save section, whose visible
    actions are Run (public) and Save (private by default): Enter never picks between them,
    it checks the plan. 'private': the Run button, or a post from a script, while the form
    says the plan is private (its visibility "private", or it is a revision of a saved plan
    that is private), so a plan marked private is never published silently; the notice
    offers "Save this plan" and "Run publicly anyway" (action "run_public"). Anonymous
    users' Enter runs, as the Run button does (their form has no visibility)."""
    action = form.get("action")
    if action not in ("run", "enter"):
        return ""
    saved_id = form.get("saved_id", "").strip()
    saved: dict[str, Any] | None = None
    if saved_id:
        from moneytrail.web import auth
        from moneytrail.web.saved import store

        current = auth.who(request)
        if current is None or not (saved_id.isascii() and saved_id.isdigit()):
            return "session"
        try:
            saved = store(request).get(int(saved_id), current.id)
        except MoneytrailError:              # not found, or another account's private plan
            return "session"
        if not saved.get("is_owner"):
            return "session"
    editor_form = "visibility" in form or bool(saved_id)
    if action == "enter" and editor_form:
        return "enter"
    if form.get("visibility", "").strip().lower() == "private":
        return "private"
    if saved is not None and saved.get("visibility") == "private":
        return "private"
    return ""


def build_form(request: Request, *, plan: str | None, reference: str | None,
               check: bool, typed: str | None = None, dup: str | None = None,
               rules: str | None = None, shown: str | None = None,
               held: str | None = None, vis: str | None = None, saved: str | None = None,
               other: str | None = None) -> HTMLResponse:
    """The builder form for a draft (link), a reference plan, or a blank plan; with `check`
    the draft is validated and every problem is shown next to its field (builder.all_errors)
    in words for people (builder.error_entry), quoting the value as typed (`typed`,
    typed_param); rows repeating a category or supplier (`dup`, builder.duplicate_rows) are
    shown again with an error. A form with errors shows each input as typed (`shown`,
    builder.as_typed); a valid one its values as read. `held` ('enter', 'private':
    `held_run`) says why a post did not run the plan. `vis` ('public'): the visibility the
    Save fieldset shows chosen (private otherwise). `saved` (an id, with `rev`): the saved
    plan the Save button makes a new revision of, for its owner only; for another editor
    (or with `other`=<id>, web.draft_login.for_account) the page says that saving makes a
    new plan of theirs. Sent with Cache-Control: no-store."""
    from moneytrail.scenarios.schema import MAX_TITLE
    from moneytrail.web.jobs import plan_from_mapping, reference_plan

    if plan:
        draft = decode_draft(plan)
    elif reference:
        reference_plan(reference)
        draft = builder.reference_mapping(reference)
    else:
        draft = builder.blank_plan()
    ws = request.app.state.workspace
    names = builder.target_names(ws.valuechain)
    rows = builder.form_rows(draft, names)
    texts = typed_texts(typed)
    for key in builder.SETTINGS:         # '150 %' shown as typed, not as the 1.5 it was read
        if key in texts:
            rows[key] = texts[key]
    errors: list[dict[str, Any]] = []
    if check:
        duplicates = builder.restore_duplicates(rows, typed_dup(dup), names)
        errors = [{"field": None, "message": message, "line": message, "value": None,
                   "anchor": anchor} for anchor, message in duplicates]
        for exc in builder.all_errors(lambda data: plan_from_mapping(ws, data), draft):
            if duplicates and exc.field in ("spend", "procurement"):
                continue                     # a sum the repeated row's removal broke
            errors.append(builder.error_entry(exc, rows, typed_texts(typed), names))
    else:
        errors = [builder.error_entry(exc, rows, {"budget.amount": str(rows["budget"])}, names)
                  for exc in
                  builder.budget_errors_on_load(lambda data: plan_from_mapping(ws, data), draft)]
    ruled = rules_view(request, rules_state(rules), [str(s["category"]) for s in rows["spend"]
                                                      if s["category"]], names)
    errors += ruled["errors"]
    # the inputs in the order of the form, one error per input (the first)
    errors.sort(key=lambda entry: builder.form_order(entry["anchor"]))
    if errors:
        builder.as_typed(rows, typed_texts(shown))
    by_anchor: dict[str, dict[str, Any]] = {}
    for entry in errors:
        by_anchor.setdefault(entry["anchor"], entry)
    token = encode_draft(draft)
    refs = reference_titles(request)
    bound, not_owner = saved_binding(request, saved, other)
    warnings, currency = draft_warnings(ws, draft) if check and not errors else ([], "")
    response = page(request, "build.html", nav="build", status=400 if errors else 200,
                warnings=warnings, warnings_currency=currency,
                rows=rows, errors=errors, by_anchor=by_anchor, draft=token,
                inherited=inherited_note(draft, currencies=known_currencies(ws, check=False),
                                         builder=True),
                first_bad=errors[0]["anchor"] if errors else "", group_names=names["group"],
                category_names=names["category"],
                open_more=bool(ruled["lines"]) or any(
                    e["anchor"].startswith(("proc-", "cond-", "f-rules", "rules-"))
                    for e in errors), rules=ruled,
                checked=check and not errors, held=held if held in HELD else "",
                open_settings=settings_open(rows, errors),
                newest_price_year=newest_price_year(ws),
                choices=builder.choices(request.app.state.workspace.valuechain),
                references=refs, extra=encode_draft(rows["extra"]) if rows["extra"] else "",
                already_saved=saved_titled(request, draft, bound), max_title=MAX_TITLE,
                saved_id=bound, not_owner=not_owner,
                visibility="public" if vis == "public" else "private",
                meta={"title": "Build a plan", "data_version":
                      request.app.state.workspace.data_version, "ledger_revision": None})
    # never kept for Back: a page of the form shows what its address's draft holds, asked
    # again, not the fields and errors of an earlier visit (a stale error under corrected
    # fields, after a save the page does not know of: `already_saved` says it)
    response.headers["Cache-Control"] = "no-store"
    return response


def saved_binding(request: Request, saved: str | None, other: str | None
                  ) -> tuple[str, dict[str, str]]:
    """(the saved plan id the builder's Save makes a new revision of, or ''; {} or
    {"id": <id>, "relation": 'other' | 'deleted'} for a saved plan the signed-in editor
    cannot revise, so that saving makes a new plan): `saved` binds the form for the plan's
    owner only; for another editor it, or `other` (the login's note:
    web.draft_login.for_account), names a plan they cannot change. Only ownership is
    asked (web.saved.relation): nothing of another owner's plan is read out."""
    from moneytrail.accounts.plans import is_number
    from moneytrail.web import auth
    from moneytrail.web.saved import relation

    current = auth.who(request)
    if current is None or not current.can_edit:
        return "", {}
    plan_id = saved if saved and is_number(saved) else other if other and is_number(
        other) else ""
    if not plan_id:
        return "", {}
    found = relation(request, plan_id, current)
    if found == "owner":
        return (plan_id, {}) if plan_id == saved else ("", {})
    return "", {"id": str(int(plan_id)), "relation": found}


def saved_titled(request: Request, draft: Mapping[str, Any],
                 revising: str = "") -> list[dict[str, Any]]:
    """The signed-in editor's own saved plans titled as the draft is (newest first; without
    the one the builder is making a revision of, `revising`: an id or ''): the builder
    names them, so a user back on the form after a save sees it is saved already. [] for
    anyone else."""
    from moneytrail.web import auth
    from moneytrail.web.saved import store

    current = auth.who(request)
    title = str(draft.get("title") or "").strip()
    if current is None or not current.can_edit or not title:
        return []
    return [{k: saved[k] for k in ("id", "title", "revision", "visibility", "updated_at")}
            for saved in store(request).owned_titled(current.id, title)
            if str(saved["id"]) != revising]
