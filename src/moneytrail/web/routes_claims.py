"""Claims beside runs: `GET /api/v1/claims/<claim>/check?run=<id>` and the page
`/claims/<claim>/check?run=<id>` (a claim checked against a stored run), the claims that
concern a run's plan for the run page (`run_page_claims`, computed once per run and ledger
revision), and a reader's own figure checked against a run (`/claims/check` and
`GET /api/v1/claims/check`, web.own_claims)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from moneytrail.accounts.store import Who
from moneytrail.errors import MoneytrailError
from moneytrail.service.result import Result
from moneytrail.web import auth, claims_runs
from moneytrail.web.format import short_title

API = "/api/v1"
Q = Annotated[str | None, Query()]


class KeyLocks:
    """One lock per key, dropped when no thread holds or waits for it: threads computing the
    same key take turns, other keys run side by side."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[Any, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, key: Any, wait: bool = True) -> Iterator[bool]:
        """Hold the key's lock; yields True once held. `wait=False`: yields False at once
        when another thread holds it (nothing held then)."""
        with self._guard:
            lock, users = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, users + 1)
        try:
            if lock.acquire(blocking=wait):
                try:
                    yield True
                finally:
                    lock.release()
            else:
                yield False
        finally:
            with self._guard:
                lock, users = self._locks[key]
                if users > 1:
                    self._locks[key] = (lock, users - 1)
                else:
                    del self._locks[key]


def ledger_revision(request: Request) -> int | None:
    """The newest revision of the workspace's ledger store (None without one: the data
    package's ledger never changes)."""
    ws = request.app.state.workspace
    return ws.ledger().state().revision if ws.db is not None else None


def run_page_claims(request: Request, result: Result) -> dict[str, Any]:
    """{"claims": [...], "note": str, "draws": int, "seed": int, "error": str, "ledger": str}
    for a run page, checked against the run (claims_runs.plan_claims), and "retry": true when
    the reader should reload later (not kept). Kept per run id and ledger revision (a run
    never changes; the ledger can), and computed once: readers of the same run's first page
    wait for one computation (a per-run lock, in the request's worker thread) and take one
    token of the run rate limit (it may trace the plan again). While one request computes,
    others for the same run do not wait on a server thread: they get "retry" (a notice to
    reload), as does a passing store error (ResourceError, e.g. a locked database); neither
    is kept."""
    from moneytrail.errors import ResourceError
    from moneytrail.web.jobs import RateLimited
    from moneytrail.web.routes_runs import keep, take_token

    state = request.app.state
    cache: dict[tuple[str, int | None], dict[str, Any]] = state.run_claims
    key = (result.run_id, ledger_revision(request))
    if (kept := cache.get(key)) is not None:
        return kept
    with state.run_claims_locks.hold(result.run_id, wait=False) as held:
        if not held:                     # another request is checking them right now
            return {"claims": [], "note": "", "ledger": "", "retry": True,
                    "error": "The claims are being checked against this run right now; "
                             "reload the page in a few seconds."}
        if (kept := cache.get(key)) is not None:     # computed just before
            return kept
        try:
            take_token(request)
        except RateLimited as exc:
            return {"claims": [], "note": "", "error": exc.detail, "ledger": "",
                    "retry": True}
        ws, store = state.workspace, state.jobs.store
        try:
            found: dict[str, Any] = {**claims_runs.plan_claims(ws, result, store),
                                     "error": ""}
        except ResourceError as exc:     # passing (a locked database): not kept
            return {"claims": [], "note": "", "error": exc.detail, "ledger": "",
                    "retry": True}
        except MoneytrailError as exc:
            found = {"claims": [], "note": "", "error": exc.detail}
        try:
            found["ledger"] = claims_runs.published_ledger(ws, store) \
                if found["claims"] else ""
        except MoneytrailError:          # the run's own checks stand without it
            found["ledger"] = ""
        keep(cache, key, found)
    return found


def check_path(claim: str, run: str) -> str:
    """The address of the page of `claim` checked against `run`, from the site's root."""
    return f"/claims/{quote(claim, safe='')}/check?run={quote(run, safe='')}"


def claim_check(request: Request, claim: str, run: str | None, *, keep: bool = False
                ) -> dict[str, Any]:
    """The claim checked against the run (claims_runs.check_against_run), with `url`, the
    absolute address of its page (check_path under `handed_on_origin`: MONEYTRAIL_PUBLIC_URL
    when the site has one, else the address the request reached). `keep`: the owner's
    explicit POST keeping a private run's check with the plans it derives from
    (`private_claim_check`); a GET links nothing (docs/security.md, 3.5.3)."""
    from moneytrail.web.routes_runs import handed_on_origin

    body = checked_claim(request, claim, run, keep=keep)
    return {**body, "url": handed_on_origin(request)
            + check_path(body["claim"]["id"], body["run"]["run_id"])}


def checked_claim(request: Request, claim: str, run: str | None, *, keep: bool = False
                  ) -> dict[str, Any]:
    """claim_check's answer without its page's address."""
    from moneytrail.web.routes_runs import run_state, take_token
    from moneytrail.web.views import text_param

    claim = text_param("claim", claim) or ""
    run = text_param("run", run)
    if run is None:
        raise MoneytrailError("choose a run to check the claim against", field="run")
    state = run_state(request, run)
    if state.result is None:
        raise MoneytrailError(f"this run is {state.status}; check claims once it is done",
                              field="run", value=state.id)
    take_token(request)                  # a check may trace the plan again: rate-limited
    if not getattr(request.state, "no_store", False):
        return claims_runs.check_against_run(request.app.state.workspace, claim,
                                             state.result, request.app.state.jobs.store)
    return private_claim_check(request, claim, state.id, state.result, keep=keep)


def private_claim_check(request: Request, claim: str, source: str, result: Result, *,
                        keep: bool = False) -> dict[str, Any]:
    """A claim checked against a run only its owner sees (a private or deleted saved plan's):
    the check's run is stored without opening it, hidden from everyone
    (visible_runs_clause), until the owner keeps it (`keep`, the page's POST): then it is
    linked to the owner's plans the source run was started from
    (accounts.plans.SavedPlans.add_rerun), so its visibility follows theirs. `kept` says
    whether it is linked."""
    from moneytrail.accounts.plans import run_visible
    from moneytrail.web.saved import store, viewer

    who = viewer(request)
    if who is None:                      # no_store is only set for a signed-in owner
        raise MoneytrailError("a private run's claims are checked by its owner", field="run",
                              value=source)
    body = claims_runs.check_against_run(request.app.state.workspace, claim, result,
                                         request.app.state.jobs.store, private=True)
    if body["check_run_id"] is None:        # the claim is not about this plan: nothing to keep
        return body
    if keep:
        store(request).add_rerun(source, actor=who, run_id=body["check_run_id"])
    engine = request.app.state.web.ledger.engine
    return {**body, "kept": run_visible(engine, body["check_run_id"], who)}


def add_claim_routes(app: FastAPI) -> None:
    app.state.run_claims = {}
    app.state.run_claims_locks = KeyLocks()

    @app.get(f"{API}/claims/{{claim}}/check", tags=["claims"],
             summary="A claim checked against a stored trace run (?run=<id>): its figure, "
             "verdict and P(holds) with the run's plan, draws and seed, beside the "
             "published check, and the claim's note; a claim about another plan than the "
             "run's is not checked (`applicable` false, verdict 'not applicable', "
             "`not_about` says why); `url` is the address of the check's page")
    async def api_claim_check(request: Request, claim: str, run: Q = None) -> Response:
        body = await run_in_threadpool(claim_check, request, claim, run)
        return JSONResponse(body)

    @app.post("/claims/{claim}/check", include_in_schema=False)
    async def keep_claim_check(request: Request, claim: str,
                               who: Annotated[Who, Depends(auth.require_editor)]) -> Response:
        """The owner's "Keep this check with my plan" on a private run's claim check: links
        the check's run to the plans the run was started from (a GET never does)."""
        from moneytrail.web.saved import form_of

        form = await form_of(request)
        body = await run_in_threadpool(partial(claim_check, keep=True), request, claim,
                                       form.get("run"))
        return RedirectResponse(check_path(body["claim"]["id"], body["run"]["run_id"]),
                                status_code=303)

    @app.get("/claims/{claim}/check", include_in_schema=False)
    async def claim_check_page(request: Request, claim: str, run: Q = None) -> HTMLResponse:
        from moneytrail.web.routes_runs import page

        body = await run_in_threadpool(claim_check, request, claim, run)
        # each check its own <title>: the claim's words first, then the run (h91)
        meta = {"title": f"{short_title(body['claim']['text'])} \u00b7 checked against run "
                         f"{body['run']['run_id'][:8]}",
                "data_version": body["run"]["data_version"], "ledger_revision": None}
        return page(request, "claim_check.html", nav="claims", check=body, meta=meta,
                    api=API + check_path(body["claim"]["id"], body["run"]["run_id"]))

    @app.get(f"{API}/claims/check", tags=["claims"],
             summary="A figure of your own checked against a stored trace run: ?run=<id>"
             "&quantity=<key>&side=at_least|at_most&number=<n>[&firms=<id>&groups=<id>"
             "&countries=<code>...][&words=<text>]; quantities and their units as on the "
             "claims page's form (service.own_claims.QUANTITIES; a share's number in %). "
             "The verdict, figure, interval, P(holds) and evidence weight as a listed "
             "claim's; `typed_by_reader` is true: it is not one of the reviewed claims; "
             "`url` is the address of the check's page")
    async def api_own_check(request: Request, run: Q = None, quantity: Q = None,
                            side: Q = None, number: Q = None, words: Q = None,
                            firms: Annotated[list[str] | None, Query()] = None,
                            groups: Annotated[list[str] | None, Query()] = None,
                            countries: Annotated[list[str] | None, Query()] = None
                            ) -> Response:
        from moneytrail.web import own_claims

        body = await run_in_threadpool(own_claims.check, request,
                                       own_claims.fields_of(request))
        return JSONResponse(body)

    @app.get("/claims/check", include_in_schema=False)
    async def own_check_page(request: Request, run: Q = None, quantity: Q = None,
                             side: Q = None, number: Q = None, words: Q = None,
                             firms: Annotated[list[str] | None, Query()] = None,
                             groups: Annotated[list[str] | None, Query()] = None,
                             countries: Annotated[list[str] | None, Query()] = None
                             ) -> HTMLResponse:
        # the parameters declared as the API's are, so a field given twice is refused
        # alike (web.query.strict_query); the fields are read by own_claims.fields_of
        return await run_in_threadpool(own_check_response, request)


def own_check_response(request: Request) -> HTMLResponse:
    """The page "Check a figure of your own": the empty form, the reader's claim checked
    (200), or the form again with the one error naming the field and the value typed
    (422; nothing computed or stored). A full rate limit (429) or a store that cannot be
    reached (503) is the app's error page."""
    from moneytrail.errors import ResourceError
    from moneytrail.web import own_claims
    from moneytrail.web.jobs import RateLimited
    from moneytrail.web.routes_runs import handed_on_origin, page

    fields = own_claims.fields_of(request)
    ws = request.app.state.workspace
    meta = {"title": "Check a figure of your own", "data_version": ws.data_version,
            "ledger_revision": None}
    context: dict[str, Any] = {"errors": [], "by_anchor": {}, "first_bad": ""}
    body, status = None, 200
    if own_claims.asked(request):
        try:
            body = own_claims.check(request, fields)
        except (RateLimited, ResourceError):
            raise
        except MoneytrailError as exc:
            context, status = own_claims.error_context(exc), 422
    if body is not None:
        meta["title"] = f"{short_title(body['checked'])} \u00b7 your check"
    # the citation names the check's run page, absolute as the claim check's `url`: under
    # the site's public address when it has one (MONEYTRAIL_PUBLIC_URL), else the address
    # the request reached (handed_on_origin)
    return page(request, "claim_own.html", nav="claims", status=status, meta=meta,
                own=own_claims.form_choices(request), values=fields, check=body,
                cite_origin=handed_on_origin(request), **context)
