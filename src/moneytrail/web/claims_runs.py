"""The debate's claims beside runs: the claims that concern a run's plan (run page), and a
claim checked against any stored run (claims page, `/api/v1/claims/<id>/check?run=<id>`).

Nothing is computed here: verdicts, figures and P(holds) come from `service.tasks.check_claims`
(the debate's claims file, or one claim with the run's plan put in place of the reference plan
its checks trace), and the choice of claims that concern a plan is the briefing's
(`report.briefing.content.claims_for`: by plan id, budget source and matching ledger deals).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.errors import MoneytrailError
from moneytrail.ledger.errors import NotFoundError
from moneytrail.report.units import draws_text, stored_time
from moneytrail.service.result import Result

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from moneytrail.service.runs import RunStore
    from moneytrail.service.workspace import Workspace

CLAIM_DRAWS, CLAIM_SEED = 2000, 1       # the debate's published check (`moneytrail claims check`)
MAX_RUNS_LISTED = 60


def published_checks(ws: Workspace, store: RunStore | None) -> list[dict[str, Any]]:
    """Rows of the debate's claims check (one per check), from the service (stored by run
    id, so computed once per code and data version)."""
    from moneytrail.service import tasks
    from moneytrail.web.runs import records

    result = tasks.check_claims(ws, draws=CLAIM_DRAWS, seed=CLAIM_SEED, store=store)
    return records(result, "claims")


def plan_claims(ws: Workspace, result: Result, store: RunStore | None) -> list[dict[str, Any]]:
    """The claims that concern the run's plan: id, text, verdict, sources and their checks
    (check, bound, figure, p5/p50/p95, P(holds), verdict), as the debate's check found them,
    and `checkable` (the claim depends on a plan, so it can be checked with the run's)."""
    from moneytrail.report.briefing.content import (
        PlanBrief,
        SourceBook,
        claims_for,
        matching_deals,
        plan_of,
    )

    plan = plan_of(result)
    book = SourceBook.of(ws)
    brief = PlanBrief(result=result, plan=plan, name=plan.id)
    brief.reality = matching_deals(ws, plan, book)
    concerning, _, error = claims_for(ws, [brief], book)
    if error:
        raise MoneytrailError(error, field="claims")
    rows = published_checks(ws, store)
    checkable = {c["id"] for c in checkable_claims()}
    return [{**grouped(rows, str(c["id"])), "checkable": str(c["id"]) in checkable}
            for c in concerning]


def grouped(rows: list[dict[str, Any]], claim: str) -> dict[str, Any]:
    """One claim's check rows as a claim with its checks and (deduplicated) sources."""
    mine = [r for r in rows if r["claim"] == claim]
    if not mine:
        raise NotFoundError("no claim with this id", field="claim", value=claim)
    sources = list(dict.fromkeys(s.strip() for r in mine for s in str(r["sources"] or "")
                                 .split(";") if s.strip()))
    from moneytrail.web.views import WEIGHT_COLUMNS

    return {"id": claim, "text": mine[0]["text"], "verdict": mine[0]["verdict"],
            "sources": sources, "weight": {k: mine[0].get(k) for k in WEIGHT_COLUMNS},
            "checks": [{k: r.get(k) for k in ("check", "bound", "bound_text", "figure",
                                             "unit", "p5", "p50", "p95", "p_holds",
                                             "check_verdict",
                                             *WEIGHT_COLUMNS)}
                       for r in mine]}


def plan_dependent(claim: Any) -> list[int]:
    """Indices of the claim's checks that trace a reference plan (these follow the run)."""
    return [j for j, check in enumerate(claim.checks)
            if check.computation in PLAN_COMPUTATIONS
            and isinstance(getattr(check.args, "scenario", None), str)]


# the claim computations that trace a plan (analysis.claims_computations._plan): their
# reference plan can be swapped for a run's plan
PLAN_COMPUTATIONS = ("trace.share", "trace.rent", "trace.jobs", "lifecycle.embodied_share")


def checkable_claims() -> list[dict[str, str]]:
    """The claims whose checks trace a reference plan: they can be checked against a run."""
    from moneytrail.analysis.claims import default_claims_path, load_claims

    return [{"id": c.id, "text": c.claim} for c in load_claims(default_claims_path())
            if plan_dependent(c)]


def check_against_run(ws: Workspace, claim_id: str, result: Result,
                      store: RunStore | None, *, private: bool = False) -> dict[str, Any]:
    """The claim checked with the run's plan in place of the reference plan its checks trace,
    with the run's draws and seed (so the figure is this run's). Other checks are kept.
    `note`: the run page's warning about few draws (under 1,000) and, under
    analysis.claims.MIN_VERDICT_DRAWS draws, why there is no verdict: then
    `verdict_withheld` is true and the claim's and its checks' verdicts are 'withheld'
    (their figures and P(holds) stay).
    `private`: the run is a private saved plan's; the check's run is stored without opening
    it to everyone (the caller links it to the plan), the published check as usual.

    Raises NotFoundError for an unknown claim, MoneytrailError when the claim does not
    depend on a plan or the run is not a trace."""
    import yaml

    from moneytrail.analysis.claims import (
        default_claims_path,
        draws_note,
        load_claims,
        withheld_verdict_reason,
    )
    from moneytrail.service import tasks
    from moneytrail.web.runs import records

    claims = {c.id: c for c in load_claims(default_claims_path())}
    if claim_id not in claims:
        raise NotFoundError("no claim with this id", field="claim", value=claim_id)
    claim = claims[claim_id]
    follow = plan_dependent(claim)
    if not follow:
        raise MoneytrailError("this claim does not depend on a plan (its checks use the "
                              "ledger or market data only), so it is the same for every run",
                              field="claim", value=claim_id)
    plan = result.provenance.inputs.get("plan") if result.kind == "trace" else None
    if not isinstance(plan, dict):
        raise MoneytrailError("a claim is checked against a finished trace run",
                              field="run", value=result.run_id)
    data = claim.model_dump(mode="json", exclude_none=True)
    replaced = []
    for j in follow:
        check = data["checks"][j]
        replaced.append(str(check["args"]["scenario"]))
        check["args"]["scenario"] = plan
        check["describe"] = (f"{check.get('describe') or check['computation']}: this run's "
                             f"plan in place of {replaced[-1]}")
    draws, seed = int(result.provenance.draws or CLAIM_DRAWS), int(result.provenance.seed or 0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claim.yaml"
        path.write_text(yaml.safe_dump({"claims": [data]}, sort_keys=False), encoding="utf-8")
        checked = tasks.check_claims(ws, path, draws=draws, seed=seed,
                                     store=store.as_private() if private and store else store)
    rows = records(checked, "claims")
    published = grouped(published_checks(ws, store), claim_id)
    mine = grouped(rows, claim_id)
    # too few draws: the figures stand, the verdicts do not (analysis.claims withholds them
    # in every check, so the CLI, the JSON and this page agree); the note says why
    withheld = withheld_verdict_reason(draws)
    note = draws_note(draws)
    return {"claim": mine, "published": published, "note": note,
            "verdict_withheld": bool(withheld),
            "followed": [{"check": j, "reference_plan": r} for j, r in
                         zip(follow, replaced, strict=True)],
            "run": {"run_id": result.run_id, "title": result.title, "draws": draws,
                    "seed": seed, "data_version": result.provenance.data_version},
            "check_run_id": checked.run_id}


def stored_trace_runs(engine: Engine, viewer: int | None = None,
                      limit: int = MAX_RUNS_LISTED) -> list[dict[str, Any]]:
    """The newest finished trace runs of the store that `viewer` (an account id, None for
    anonymous) may see (runs of private saved plans only for their owner:
    accounts.plans.visible_runs_clause): `run_id`, `plan` (its id), `title` (the
    plan's title, else its id), `draws`, `seed`, `created` ('2026-11-30 23:05 UTC',
    report.units.stored_time) and `label`, the words a reader tells runs apart by: 'title,
    2,000 draws, seed 1, 2026-11-30 23:05 UTC'."""
    import json

    from sqlalchemy import select

    from moneytrail.accounts.plans import visible_runs_clause
    from moneytrail.ledger.models import Run

    with engine.connect() as conn:
        rows = conn.execute(select(Run.id, Run.label, Run.inputs, Run.created_at)
                            .where(Run.kind == "trace", Run.status == "done",
                                   visible_runs_clause(Run.id, viewer))
                            .order_by(Run.created_at.desc()).limit(limit)).all()
    out = []
    for r in rows:
        try:
            inputs = json.loads(r.inputs or "{}")
        except ValueError:
            inputs = {}
        inputs = inputs if isinstance(inputs, dict) else {}
        found = inputs.get("plan")
        plan: dict[str, Any] = found if isinstance(found, dict) else {}
        title = str(plan.get("title") or r.label or r.id[:8])
        draws, seed = inputs.get("draws"), inputs.get("seed")
        created = stored_time(r.created_at)
        words = [title]
        if isinstance(draws, int):
            words.append(draws_text(draws, noun="draw"))
        if isinstance(seed, int):
            words.append(f"seed {seed}")
        words.append(created)
        out.append({"run_id": r.id, "plan": r.label or "", "title": title,
                    "draws": draws, "seed": seed, "created": created,
                    "label": ", ".join(words), "_plan": plan})
    distinct_labels(out)
    return out


def plan_words(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, words) a reader can tell two runs of like-titled plans apart by, in the order
    they are added to a label: currency ('USD'), price year ('prices of 2024'; the plan's year
    when it gives none), plan year ('plan year 2026'), budget ('budget 20,000,000,000')."""
    year = plan.get("year")
    budget = plan.get("budget")
    amount = budget.get("amount") if isinstance(budget, dict) else budget
    return [("currency", str(plan.get("currency") or "")),
            ("price_year", f"prices of {plan.get('price_year') or year}"),
            ("year", f"plan year {year}"),
            ("budget", f"budget {amount:,}" if isinstance(amount, int | float) else "")]


def distinct_labels(rows: list[dict[str, Any]]) -> None:
    """Make like labels (runs listed as the same title, draws, seed and minute) distinct in
    place: add the plan fields that differ among them (currency, price year, plan year,
    budget: 'title, 2,000 draws, seed 1, 2026-11-30 23:05 UTC, EUR, prices of 2024'). Runs
    alike in all of these (the same plan twice) are told apart by the run id the claims page
    prints beside every label."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["label"], []).append(row)
    for same in groups.values():
        if len(same) > 1:
            words = [dict(plan_words(row["_plan"])) for row in same]
            differing = [field for field, _ in plan_words({})
                         if len({w[field] for w in words}) > 1]
            for row, own in zip(same, words, strict=True):
                row["label"] = ", ".join([row["label"], *(own[f] for f in differing
                                                          if own[f])])
    for row in rows:
        del row["_plan"]
