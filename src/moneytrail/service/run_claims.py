"""Claims of the debate checked against a trace run: the checks that trace a reference plan
use the run's plan in its place, with the run's draws and seed, so their figures are the run's
own (the same medians as its scorecard and shares). The other checks of such a claim are kept,
but one that spends "the same money" as the replaced plan (a plan written in the claim with its
budget) spends the run's budget instead (`same_money_as_run`).

A claim none of whose checks traces a plan (ledger or market data only) is the same for every
run: it is not checked here (`plan_dependent` is empty); readers get the published check
(`tasks.check_claims`, analysis.claims.DRAWS draws, seed analysis.claims.SEED).

Under analysis.claims.MIN_VERDICT_DRAWS draws a check gives no verdict: analysis.claims
withholds the claim's and its checks' verdicts (figures and P(holds) stay) and `withheld` says
why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moneytrail.errors import MoneytrailError, ScenarioError
from moneytrail.ledger.errors import NotFoundError
from moneytrail.service.result import Result

if TYPE_CHECKING:
    import pandas as pd

    from moneytrail.analysis.claims import Claim
    from moneytrail.service.tasks import StoreChoice
    from moneytrail.service.workspace import Workspace

# the claim computations that trace a plan (analysis.claims_computations._plan): their
# reference plan can be swapped for a run's plan
PLAN_COMPUTATIONS = ("trace.share", "trace.rent", "trace.jobs", "lifecycle.embodied_share")


def plan_dependent(claim: Claim) -> list[int]:
    """Indices of the claim's checks that trace a reference plan (these follow the run)."""
    return [j for j, check in enumerate(claim.checks)
            if check.computation in PLAN_COMPUTATIONS
            and isinstance(getattr(check.args, "scenario", None), str)]


def check_stored_plan(plan: dict[str, Any], run_id: str, *, to: str) -> None:
    """Refuse, in one clear sentence, a run's stored plan that breaks today's plan rules (a
    run stored before a rule became stricter: a title over 200 characters, site_country
    'XX'): 'this run's plan was stored under older plan rules (field 'title': ...); run it
    again to <to>'. No file name is shown (the plan is read from the run, not a file)."""
    from moneytrail.scenarios.schema import parse_scenario

    try:
        parse_scenario(plan)
    except ScenarioError as exc:
        where = f"field '{exc.field}': " if exc.field else ""
        raise MoneytrailError(f"this run's plan was stored under older plan rules ({where}"
                              f"{exc.detail}); run it again to {to}", field="run",
                              value=run_id) from None


def debate_claims() -> dict[str, Claim]:
    """The debate's claims (the shipped claims file) by id."""
    from moneytrail.analysis.claims import default_claims_path, load_claims

    return {c.id: c for c in load_claims(default_claims_path())}


@dataclass(frozen=True)
class RunCheck:
    """One claim checked against a run: the claims result (table "claims", one row per check,
    verdicts withheld under MIN_VERDICT_DRAWS draws), the (check index, reference plan id)
    pairs that traced the run's plan instead, the run's draws and seed, and why there is no
    verdict ('' when there is one)."""

    checked: Result
    followed: list[tuple[int, str]]
    draws: int
    seed: int
    withheld: str

    def frame(self) -> pd.DataFrame:
        """The check rows (verdicts withheld under MIN_VERDICT_DRAWS draws, by
        analysis.claims.withhold_verdicts)."""
        frame = self.checked.table("claims").copy()
        return frame.reset_index() if frame.index.name else frame


def check_against_run(ws: Workspace, claim_id: str, result: Result, *,
                      store: StoreChoice = None, traces: dict[str, Any] | None = None
                      ) -> RunCheck:
    """The claim `claim_id` checked with the run's plan in place of the reference plan its
    checks trace, with the run's draws and seed (so the figures are the run's). `store`:
    where the check's run is kept (None: nowhere; a private plan's run must not be stored
    where everyone sees it). `traces`: a dict shared by the calls checking several claims
    against one run, so the run's plan is traced once (tasks.check_claims).

    Raises NotFoundError for an unknown claim, MoneytrailError when the claim does not
    depend on a plan, the run is not a trace or its plan breaks today's plan rules (a run
    stored under older ones)."""
    from moneytrail.analysis.claims import DRAWS, withheld_verdict_reason
    from moneytrail.analysis.claims_schema import parse_claims
    from moneytrail.service import tasks

    claims = debate_claims()
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
    check_stored_plan(plan, result.run_id, to="check claims against it")
    data: dict[str, Any] = claim.model_dump(mode="json", exclude_none=True)
    replaced = []
    for j in follow:
        check = data["checks"][j]
        replaced.append((j, str(check["args"]["scenario"])))
        check["args"]["scenario"] = plan
        check["describe"] = (f"{check.get('describe') or check['computation']}: this run's "
                             f"plan in place of {replaced[-1][1]}")
    same_money_as_run(data, follow, replaced, plan)
    draws, seed = int(result.provenance.draws or DRAWS), int(result.provenance.seed or 0)
    name = f"claim {claim_id} with the plan of run {result.run_id}"
    checked = tasks.check_claims(ws, claims=parse_claims({"claims": [data]}, name),
                                 name=name, draws=draws, seed=seed, store=store,
                                 traces=traces)
    return RunCheck(checked=checked, followed=replaced, draws=draws, seed=seed,
                    withheld=withheld_verdict_reason(draws))


def budget_of(plan: Any) -> tuple[float, str] | None:
    """A plan mapping's (budget amount, currency); None when it has no numeric amount."""
    if not isinstance(plan, dict):
        return None
    budget = plan.get("budget")
    amount = budget.get("amount") if isinstance(budget, dict) else budget
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        return None
    return float(amount), str(plan.get("currency") or "")


def amount_words(amount: float, currency: str) -> str:
    """A budget for a check's wording: 'EUR 1.5 bn', 'USD 750 m', 'EUR 12,000'."""
    for size, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(amount) >= size:
            number = f"{amount / size:,.3f}".rstrip("0").rstrip(".")
            return f"{currency} {number} {word}".strip()
    return f"{currency} {amount:,.0f}".strip()


def same_money_as_run(data: dict[str, Any], follow: list[int],
                      replaced: list[tuple[int, str]], plan: dict[str, Any]) -> None:
    """A claim's other plan-tracing checks that spend the same money as the reference plan
    the run replaces (a plan written in the claim with that plan's budget and currency: 'the
    same money as cloud rental', EUR 20 bn) spend the run's budget instead, and say so, so a
    run of EUR 1.5 bn is not checked, nor worded, as EUR 20 bn of public money. Edits `data`
    (the claim as a mapping) in place; a run with the reference plan's budget keeps the
    claim's plan as written (the same figures as the published check)."""
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.scenarios.yamlio import read_yaml

    run_budget = budget_of(plan)
    if run_budget is None:
        return
    references = set()
    for _, plan_id in replaced:
        path = reference_dir() / f"{plan_id}.yaml"
        if path.exists():
            found = budget_of(read_yaml(path, ScenarioError, what="scenario file"))
            if found is not None:
                references.add(found)
    for j, check in enumerate(data["checks"]):
        inline = check.get("args", {}).get("scenario")
        if j in follow or check.get("computation") not in PLAN_COMPUTATIONS \
                or not isinstance(inline, dict) or budget_of(inline) not in references \
                or budget_of(inline) == run_budget:
            continue
        amount, currency = run_budget
        spend = inline.get("spend")
        what = (", ".join(str(c).replace("_", " ") for c in spend)
                if isinstance(spend, dict) else "")
        title = (f"this run's budget ({amount_words(amount, currency)}) spent on {what} at "
                 f"{inline.get('buyer_region', '')} market shares"
                 if what and not inline.get("procurement") else
                 f"this run's budget ({amount_words(amount, currency)}) spent as in "
                 f"{inline.get('id', 'the claim')}")
        check["args"]["scenario"] = {**inline, "budget": {"amount": amount},
                                     "currency": currency or inline.get("currency"),
                                     "title": title}
        old = budget_of(inline)
        assert old is not None
        check["describe"] = (f"{check.get('describe') or check['computation']}: this run's "
                             f"budget, {amount_words(amount, currency)}, in place of the "
                             f"claim's {amount_words(*old)}")


__all__ = ["PLAN_COMPUTATIONS", "RunCheck", "check_stored_plan",
           "check_against_run", "debate_claims", "plan_dependent"]
