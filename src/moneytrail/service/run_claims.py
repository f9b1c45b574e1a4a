"""Claims of the debate checked against a trace run: the checks that trace a reference plan
use the run's plan in its place, with the run's draws and seed, so their figures are the run's
own (the same medians as its scorecard and shares). The other checks of such a claim are kept.

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
    draws, seed = int(result.provenance.draws or DRAWS), int(result.provenance.seed or 0)
    name = f"claim {claim_id} with the plan of run {result.run_id}"
    checked = tasks.check_claims(ws, claims=parse_claims({"claims": [data]}, name),
                                 name=name, draws=draws, seed=seed, store=store,
                                 traces=traces)
    return RunCheck(checked=checked, followed=replaced, draws=draws, seed=seed,
                    withheld=withheld_verdict_reason(draws))


__all__ = ["PLAN_COMPUTATIONS", "RunCheck", "check_stored_plan",
           "check_against_run", "debate_claims", "plan_dependent"]
