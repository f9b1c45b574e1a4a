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

A claim about one plan (its `about`, a reference plan id: "Stargate will create over 100,000
American jobs") is not checked against a run of another plan: the run's plan would stand in
for Stargate and a gigafactory fund would "contradict" a claim about Stargate. Such a claim
applies to a run when the run's plan is that plan (`not_about_reason`): the same plan id (the
reference plan or an edited copy of it, which keeps its id), or a budget citing the same source
as the reference plan's budget (a plan of the same announced money). Otherwise its verdict is
analysis.claims.NOT_APPLICABLE and `not_about` says why; nothing is computed. A claim without
`about` is about any plan and is checked against every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moneytrail.errors import MoneytrailError, ScenarioError
from moneytrail.ledger.errors import NotFoundError
from moneytrail.service.result import Result
from moneytrail.text import shown_text

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
        parse_scenario(plan, id_rule=False)     # a file's or a task's id stays
    except ScenarioError as exc:
        where = f"field '{exc.field}': " if exc.field else ""
        raise MoneytrailError(f"this run's plan was stored under older plan rules ({where}"
                              f"{exc.detail}); run it again to {to}", field="run",
                              value=run_id) from None


def debate_claims() -> dict[str, Claim]:
    """The debate's claims (the shipped claims file) by id."""
    from moneytrail.analysis.claims import default_claims_path, load_claims

    return {c.id: c for c in load_claims(default_claims_path())}


def plan_label(plan: Any, plan_id: str = "") -> str:
    """A plan for a sentence: 'EU AI gigafactories (InvestAI's EUR 20 bn fund)
    (eu-ai-gigafactories)', its id alone without a title."""
    mapping = plan if isinstance(plan, dict) else {}
    title = str(mapping.get("title") or "").strip()
    pid = str(mapping.get("id") or plan_id or "").strip()
    if title and pid and title != pid:
        return f"“{title}” ({pid})"
    return f"“{title or pid or 'an unnamed plan'}”"


def budget_source(plan: Any) -> str:
    """The source id of a plan mapping's budget ('' without one)."""
    budget = plan.get("budget") if isinstance(plan, dict) else None
    return str(budget.get("source") or "") if isinstance(budget, dict) else ""


def not_about_reason(claim: Claim, plan: dict[str, Any]) -> str:
    """'' when the claim may be checked against a run of `plan` (a plan mapping): it names no
    plan it is about (`about`: it is about any plan), or the plan is that reference plan (the
    same id, or a budget citing the same source as the reference plan's budget: the same
    announced money). Else one plain sentence: the claim is not about this plan."""
    if not claim.about:
        return ""
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.scenarios.yamlio import read_yaml

    if str(plan.get("id") or "") == claim.about:
        return ""
    path = reference_dir() / f"{claim.about}.yaml"
    reference: Any = read_yaml(path, ScenarioError, what="scenario file") \
        if path.exists() else {}
    source = budget_source(reference)
    if source and budget_source(plan) == source:
        return ""
    return (f"Not applicable: this claim is about the plan {plan_label(reference, claim.about)}"
            f", not about this run's plan, {plan_label(plan)}, so it is not checked against "
            "this run (another plan's figures neither support nor contradict it).")


@dataclass(frozen=True)
class RunCheck:
    """One claim checked against a run: the claims result (table "claims", one row per check,
    verdicts withheld under MIN_VERDICT_DRAWS draws; None when the claim is not about the
    run's plan), the (check index, reference plan id) pairs that traced the run's plan
    instead, the run's draws and seed, why there is no verdict ('' when there is one) and
    why the claim is not checked against this run at all (`not_about`: the claim is about
    another plan, its verdict analysis.claims.NOT_APPLICABLE; '' when it applies), the
    claim (`claim`: its id, text and sources) and the id of the run it is checked against
    (`run_id`; '' when not known)."""

    checked: Result | None
    followed: list[tuple[int, str]]
    draws: int
    seed: int
    withheld: str
    not_about: str = ""
    claim: Claim | None = None
    run_id: str = ""

    def __repr__(self) -> str:
        """A few lines (the check's run holds whole tables: thousands of characters): the
        claim, the run, the verdict, draws and seed, and what to call for the rows."""
        claim = self.claim.id if self.claim else "unknown"
        why = self.not_about or self.withheld
        return (f"<RunCheck of claim {claim!r} against run {self.run_id or 'unknown'}: "
                f"{self.verdict}\n"
                f"  draws {self.draws:,}, seed {self.seed}, checks tracing the run's plan: "
                f"{len(self.followed)}" + (f"; {shown_text(why, 80)!r}" if why else "")
                + "\n  .frame() gives the check rows, .checked the check's run>")

    @property
    def verdict(self) -> str:
        """The claim's verdict against the run: analysis.claims.NOT_APPLICABLE for a claim
        about another plan, else the verdict of its rows (supported, contradicted,
        uncertain, conditional, or withheld under MIN_VERDICT_DRAWS draws)."""
        from moneytrail.analysis.claims import NOT_APPLICABLE

        if self.checked is None:
            return NOT_APPLICABLE
        return str(self.frame()["verdict"].iloc[0])

    def frame(self) -> pd.DataFrame:
        """The check rows (verdicts withheld under MIN_VERDICT_DRAWS draws, by
        analysis.claims.withhold_verdicts). A claim not about the run's plan has one row:
        its id and text, verdict and check_verdict analysis.claims.NOT_APPLICABLE, no check,
        its sources (`; `-joined) and, as `note`, why it is not checked (`not_about`)."""
        import pandas as pd

        if self.checked is None:
            from moneytrail.analysis.claims import NOT_APPLICABLE

            claim = self.claim
            return pd.DataFrame([{
                "claim": claim.id if claim else "", "text": claim.claim if claim else "",
                "check": "", "verdict": NOT_APPLICABLE, "check_verdict": NOT_APPLICABLE,
                "sources": "; ".join(claim.sources) if claim else "",
                "note": self.not_about}])
        frame = self.checked.table("claims").copy()
        return frame.reset_index() if frame.index.name else frame


def check_against_run(ws: Workspace, claim_id: str, result: Result | str, *,
                      store: StoreChoice = None, traces: dict[str, Any] | None = None
                      ) -> RunCheck:
    """The claim `claim_id` checked with the run's plan in place of the reference plan its
    checks trace, with the run's draws and seed (so the figures are the run's). `result`:
    the trace run, or its run id (read from the workspace's run store, tasks.show_run).
    `store`: where the check's run is kept (None: nowhere; a private plan's run must not be
    stored where everyone sees it). `traces`: a dict shared by the calls checking several
    claims against one run, so the run's plan is traced once (tasks.derived_claims_run).
    This is the Python call for the web app's "check against a run" (README, "Python").

    A claim about another plan than the run's (its `about`, `not_about_reason`) is not
    checked: the RunCheck has no result (`checked` None), its `verdict` is
    analysis.claims.NOT_APPLICABLE and it says why (`not_about`).

    Raises NotFoundError for an unknown claim (service.runs.RunNotFound, one, for an
    unknown run id), MoneytrailError naming `run` when `result` is neither a run id nor a
    Result, MoneytrailError when the claim does not depend on a plan, the run is not a
    trace or its plan breaks today's plan rules (a run stored under older ones)."""
    from moneytrail.analysis.claims import DRAWS, withheld_verdict_reason
    from moneytrail.analysis.claims_schema import parse_claims
    from moneytrail.service import tasks
    from moneytrail.service.runs import checked_against

    claims = debate_claims()
    if claim_id not in claims:
        raise NotFoundError("no claim with this id", field="claim", value=claim_id)
    if isinstance(result, str):
        result = tasks.show_run(ws, result)
    if not isinstance(result, Result):
        raise MoneytrailError("expected a run id or a stored run (a Result, as "
                              "tasks.show_run gives it)", field="run",
                              value=shown_text(repr(result), 60))
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
    draws, seed = int(result.provenance.draws or DRAWS), int(result.provenance.seed or 0)
    reason = not_about_reason(claim, plan)
    if reason:
        return RunCheck(checked=None, followed=[], draws=draws, seed=seed, withheld="",
                        not_about=reason, claim=claim, run_id=result.run_id)
    data: dict[str, Any] = claim.model_dump(mode="json", exclude_none=True)
    data.pop("about", None)         # it applies (above); its checks now trace the run's plan
    replaced = []
    for j in follow:
        check = data["checks"][j]
        replaced.append((j, str(check["args"]["scenario"])))
        check["args"]["scenario"] = plan
        check["describe"] = (f"{check.get('describe') or check['computation']}: this run's "
                             f"plan in place of {replaced[-1][1]}")
    same_money_as_run(data, follow, replaced, plan)
    name = checked_against(f"claim {claim_id} with the plan of", result.run_id)
    checked = tasks.derived_claims_run(ws, claims=parse_claims({"claims": [data]}, name),
                                       name=name, draws=draws, seed=seed, store=store,
                                       traces=traces, derived_from=result.run_id)
    return RunCheck(checked=checked, followed=replaced, draws=draws, seed=seed,
                    withheld=withheld_verdict_reason(draws), claim=claim,
                    run_id=result.run_id)


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
            number = f"{amount / size:z,.3f}".rstrip("0").rstrip(".")
            return f"{currency} {number} {word}".strip()
    return f"{currency} {amount:z,.0f}".strip()        # z: -1e-300 is 'EUR 0', not 'EUR -0'


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
           "check_against_run", "debate_claims", "not_about_reason", "plan_dependent"]
