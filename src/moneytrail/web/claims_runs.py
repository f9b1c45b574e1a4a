"""The debate's claims beside runs: the claims that concern a run's plan (run page), and a
claim checked against any stored run (claims page, `/api/v1/claims/<id>/check?run=<id>`).

Nothing is computed here: verdicts, figures and P(holds) come from `service.tasks.check_claims`
(the debate's claims file) and `service.run_claims` (one claim with the run's plan put in place
of the reference plan its checks trace, with the run's draws and seed), and the choice of
claims that concern a plan is the briefing's (`report.briefing.content.concerning_claims`: by
plan id, budget source and matching ledger deals).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moneytrail.analysis.claims import DRAWS, SEED, draws_note
from moneytrail.ledger.errors import NotFoundError
from moneytrail.service.result import Result
from moneytrail.service.run_claims import plan_dependent

if TYPE_CHECKING:
    from moneytrail.analysis.claims import Claim
    from moneytrail.service.runs import RunStore
    from moneytrail.service.workspace import Workspace


def published_checks(ws: Workspace, store: RunStore | None) -> list[dict[str, Any]]:
    """Rows of the debate's claims check (one per check), from the service (stored by run
    id, so computed once per code and data version)."""
    from moneytrail.service import tasks
    from moneytrail.web.runs import records

    result = tasks.check_claims(ws, draws=DRAWS, seed=SEED, store=store)
    return records(result, "claims")


def published_ledger(ws: Workspace, store: RunStore | None) -> str:
    """The ledger state the debate's published check read, as cited ('ledger revision 14 of
    2026-12-01 10:31 UTC', or 'the ledger of data package 2.4.1'); '' for a check stored
    before the state was kept with it."""
    from moneytrail.report.units import ledger_state_text
    from moneytrail.service import tasks

    facts = tasks.check_claims(ws, draws=DRAWS, seed=SEED, store=store).facts
    if facts.get("ledger_revision") is not None:
        return ledger_state_text(facts["ledger_revision"], facts.get("ledger_time"))
    if facts.get("ledger_package"):
        return f"the ledger of data package {facts['ledger_package']}"
    return ""


def plan_claims(ws: Workspace, result: Result, store: RunStore | None) -> dict[str, Any]:
    """The claims that concern the run's plan, checked against this run: {"claims": [...],
    "note": str, "draws": int, "seed": int} (the run's draws and seed). A claim whose checks
    trace a plan is checked with the run's plan, draws and seed (`check_against_run`: the
    same figures as the rest of the run page and as `/claims/<claim>/check?run=<id>`;
    `against` "run"); a claim that depends on no plan (ledger or market data only) is the
    same for every run and is the published check (`against` "data", with its draws and
    seed). Each claim: id, text, verdict, sources, evidence weight, checks (check, bound,
    figure, p5/p50/p95, P(holds), verdict). `note`: under MIN_VERDICT_DRAWS draws, why the
    claims checked against the run have no verdict (analysis.claims withholds them), else ''
    (the run page warns of few draws once, at its top). The checks against the run are not
    stored (a page read writes nothing; a private plan's would show the plan to everyone):
    `store` only serves the published check."""
    from moneytrail.report.briefing.content import (
        PlanBrief,
        SourceBook,
        concerning_claims,
        matching_deals,
        plan_of,
    )
    from moneytrail.service.run_claims import check_against_run as run_check
    from moneytrail.service.run_claims import debate_claims
    from moneytrail.web.runs import records

    plan = plan_of(result, to="check claims against it")
    book = SourceBook.of(ws)
    brief = PlanBrief(result=result, plan=plan, name=plan.id)
    brief.reality = matching_deals(ws, plan, book)
    concerning = concerning_claims(ws, brief)
    claims = debate_claims()
    published: list[dict[str, Any]] | None = None
    out, withheld = [], ""
    traces: dict[str, Any] = {}         # the run's plan traced once for all its claims
    for cid in concerning:
        if plan_dependent(claims[cid]):
            checked = run_check(ws, cid, result, store=None, traces=traces)
            if checked.checked is None:      # about another plan: not checked, said why
                out.append({**not_applicable(claims[cid], checked.not_about),
                            "against": "run", "checkable": True})
                continue
            claim = {**grouped(records(checked.checked, "claims"), cid), "against": "run"}
            withheld = checked.withheld
        else:
            published = published if published is not None else published_checks(ws, store)
            claim = {**grouped(published, cid), "against": "data", "draws": DRAWS,
                     "seed": SEED}
        out.append({**claim, "checkable": claim["against"] == "run"})
    draws = int(result.provenance.draws or DRAWS)
    return {"claims": out, "note": withheld, "draws": draws,
            "seed": int(result.provenance.seed or 0)}


def not_applicable(claim: Claim, reason: str) -> dict[str, Any]:
    """A claim about another plan than the run's, as `grouped` gives a checked one: verdict
    analysis.claims.NOT_APPLICABLE, no checks, the claim's note and sources, and `not_about`,
    the sentence saying why (service.run_claims.not_about_reason)."""
    from moneytrail.analysis.claims import NOT_APPLICABLE
    from moneytrail.analysis.verdicts import verdict_basis
    from moneytrail.web.views import WEIGHT_COLUMNS

    return {"id": claim.id, "text": claim.claim, "verdict": NOT_APPLICABLE,
            **verdict_basis(NOT_APPLICABLE, None),
            "claimed_by": claim.claimed_by, "claimed_on": claim.claimed_on,
            "claimed_in": claim.claimed_in, "related_source": claim.related_source,
            "note": claim.note, "not_about": reason, "sources": list(claim.sources),
            "weight": dict.fromkeys(WEIGHT_COLUMNS), "checks": []}


def grouped(rows: list[dict[str, Any]], claim: str) -> dict[str, Any]:
    """One claim's check rows as a claim with its checks and (deduplicated) sources; each
    check with its evidence weight and what that weight reads and leaves out (WEIGHT_BASIS,
    the claims page's `weight_basis` block); its verdict's badge as the claims page has it
    (analysis.verdicts.verdict_parts: `cases`, each case of a conditional claim with its own
    verdict and weight, and `rests`, the assumptions it rests on; `verdict_summary`, the
    same in one line)."""
    mine = [r for r in rows if r["claim"] == claim]
    if not mine:
        raise NotFoundError("no claim with this id", field="claim", value=claim)
    sources = list(dict.fromkeys(s.strip() for r in mine for s in str(r["sources"] or "")
                                 .split(";") if s.strip()))
    from moneytrail.analysis.verdicts import verdict_parts, verdict_summary
    from moneytrail.report.evidence import OWN_INPUT_COLUMNS, own_input_check_words
    from moneytrail.web.views import WEIGHT_BASIS, WEIGHT_COLUMNS, claim_basis, claimant

    weight = {k: mine[0].get(k) for k in WEIGHT_COLUMNS}
    verdict = str(mine[0]["verdict"])
    return {"id": claim, "text": mine[0]["text"], "verdict": mine[0]["verdict"],
            # a verdict on weak evidence told apart (analysis.verdicts.verdict_basis)
            **claim_basis(mine[0]["verdict"], weight), **claimant(mine[0]),
            **verdict_parts(verdict, mine),
            "verdict_summary": verdict_summary(
                verdict, weight.get("claim_assumption_or_weak_p50"), mine),
            "note": mine[0].get("note") or "", "not_about": "",
            "sources": sources, "weight": weight,
            "checks": [{**{k: r.get(k) for k in ("check", "bound", "bound_text", "figure",
                                                "unit", "p5", "p50", "p95", "p_holds",
                                                "check_verdict", *WEIGHT_COLUMNS,
                                                *OWN_INPUT_COLUMNS, *WEIGHT_BASIS)},
                        "own_input_text": own_input_check_words(r)} for r in mine]}


def checkable_claims() -> list[dict[str, str]]:
    """The claims whose checks trace a reference plan: they can be checked against a run."""
    from moneytrail.service.run_claims import debate_claims

    return [{"id": c.id, "text": c.claim} for c in debate_claims().values()
            if plan_dependent(c)]


def check_against_run(ws: Workspace, claim_id: str, result: Result,
                      store: RunStore | None, *, private: bool = False) -> dict[str, Any]:
    """The claim checked with the run's plan in place of the reference plan its checks trace,
    with the run's draws and seed (so the figure is this run's; service.run_claims). Other
    checks are kept. `note`: the warning about few draws (under 1,000) and, under
    analysis.claims.MIN_VERDICT_DRAWS draws, why there is no verdict (analysis.claims.
    draws_note): then `verdict_withheld` is true and the claim's and its checks' verdicts are
    'withheld' (analysis.claims withholds them; their figures and P(holds) stay).
    `private`: the run is a private saved plan's; the check's run is stored without opening
    it to everyone (the caller links it to the plan), the published check as usual.

    A claim about another plan than the run's (its `about`) is not checked: `applicable` is
    false, the claim's verdict analysis.claims.NOT_APPLICABLE, `not_about` says why, it has
    no checks and `check_run_id` is None.

    Raises NotFoundError for an unknown claim, MoneytrailError when the claim does not
    depend on a plan or the run is not a trace."""
    from moneytrail.service.run_claims import check_against_run as run_check
    from moneytrail.service.run_claims import debate_claims
    from moneytrail.web.runs import records

    checked = run_check(ws, claim_id, result,
                        store=store.as_private() if private and store else store)
    published = grouped(published_checks(ws, store), claim_id)
    run = {"run_id": result.run_id, "title": result.title, "draws": checked.draws,
           "seed": checked.seed, "data_version": result.provenance.data_label}
    if checked.checked is None:         # the claim is about another plan: not checked
        return {"claim": not_applicable(debate_claims()[claim_id], checked.not_about),
                "published": published, "applicable": False,
                "not_about": checked.not_about, "note": "", "verdict_withheld": False,
                "followed": [], "run": run, "check_run_id": None}
    mine = grouped(records(checked.checked, "claims"), claim_id)
    return {"claim": mine, "published": published, "applicable": True, "not_about": "",
            "note": draws_note(checked.draws),
            "verdict_withheld": bool(checked.withheld),
            "followed": [{"check": j, "reference_plan": r} for j, r in checked.followed],
            "run": run, "check_run_id": checked.checked.run_id}
