"""Claims beside runs: `GET /api/v1/claims/<claim>/check?run=<id>` and the page
`/claims/<claim>/check?run=<id>` (a claim checked against a stored run), and the claims that
concern a run's plan for the run page (`run_page_claims`, cached per run id)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from moneytrail.errors import MoneytrailError
from moneytrail.service.result import Result
from moneytrail.web import claims_runs

API = "/api/v1"
CACHED_RUNS = 256            # run pages whose claims are kept in memory
Q = Annotated[str | None, Query()]


def run_page_claims(request: Request, result: Result) -> dict[str, Any]:
    """{"claims": [...], "note": str, "error": str} for a run page, checked against the run
    (claims_runs.plan_claims); kept per run id (a run never changes)."""
    cache: dict[str, dict[str, Any]] = request.app.state.run_claims
    if result.run_id in cache:
        return cache[result.run_id]
    private = bool(getattr(request.state, "no_store", False))    # a private plan's run
    try:
        found: dict[str, Any] = {**claims_runs.plan_claims(
            request.app.state.workspace, result, request.app.state.jobs.store,
            private=private), "error": "", "ledger": claims_runs.published_ledger(
                request.app.state.workspace, request.app.state.jobs.store)}
    except MoneytrailError as exc:
        found = {"claims": [], "note": "", "error": exc.detail, "ledger": ""}
    if len(cache) >= CACHED_RUNS:
        cache.pop(next(iter(cache)))
    cache[result.run_id] = found
    return found


def claim_check(request: Request, claim: str, run: str | None) -> dict[str, Any]:
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
    return private_claim_check(request, claim, state.id, state.result)


def private_claim_check(request: Request, claim: str, source: str, result: Result
                        ) -> dict[str, Any]:
    """A claim checked against a run only its owner sees (a private or deleted saved plan's):
    the check's run is stored without opening it and linked to the owner's plans the source
    run was started from (accounts.plans.SavedPlans.add_rerun), so its visibility follows
    theirs. Until it is linked it is hidden from everyone (visible_runs_clause)."""
    from moneytrail.web.saved import store, viewer

    who = viewer(request)
    if who is None:                      # no_store is only set for a signed-in owner
        raise MoneytrailError("a private run's claims are checked by its owner", field="run",
                              value=source)
    body = claims_runs.check_against_run(request.app.state.workspace, claim, result,
                                         request.app.state.jobs.store, private=True)
    store(request).add_rerun(source, actor=who, run_id=body["check_run_id"])
    return body


def add_claim_routes(app: FastAPI) -> None:
    app.state.run_claims = {}

    @app.get(f"{API}/claims/{{claim}}/check", tags=["claims"],
             summary="A claim checked against a stored trace run (?run=<id>): its figure, "
             "verdict and P(holds) with the run's plan, draws and seed, beside the "
             "published check")
    async def api_claim_check(request: Request, claim: str, run: Q = None) -> Response:
        body = await run_in_threadpool(claim_check, request, claim, run)
        return JSONResponse(body)

    @app.get("/claims/{claim}/check", include_in_schema=False)
    async def claim_check_page(request: Request, claim: str, run: Q = None) -> HTMLResponse:
        from moneytrail.web.routes_runs import page

        body = await run_in_threadpool(claim_check, request, claim, run)
        meta = {"title": f"Claim checked against run {body['run']['run_id'][:8]}",
                "data_version": body["run"]["data_version"], "ledger_revision": None}
        return page(request, "claim_check.html", nav="claims", check=body, meta=meta,
                    api=f"{API}/claims/{body['claim']['id']}/check?run="
                        f"{body['run']['run_id']}")
