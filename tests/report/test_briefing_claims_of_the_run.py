"""A tester's finding (h43): a briefing's claims table (Table 7) is checked against the run the
briefing is about (its plan, draws and seed), so its figures are the scorecard's, not those of
a separate check of the reference plan with other draws. Under 100 draws there is no verdict,
under 1,000 a warning; a claim on ledger data only says it is the same for every run."""

from __future__ import annotations

import pytest
from briefings import REFERENCE

RENT = "public-money-pays-incumbents-high-prices"        # trace.rent of the reference plan
DOMINANT = "public-money-cements-the-status-quo"
SCORE = {RENT: "Economic profit (rent), share of the plan (lower bound)",       # h88
         DOMINANT: "Rent to firms already dominant (share of the rent measured)"}


def claims_section(ws, result) -> dict:
    from moneytrail.report.briefing.content import gather

    briefing = gather(ws, [result], sensitivity=False)
    return next(s for s in briefing.sections if s["kind"] == "claims")


@pytest.fixture(scope="module")
def run_500(ws):
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    return tasks.trace_plan(ws, load_scenario(REFERENCE), draws=500, seed=1)


def test_claim_figures_are_the_scorecards(ws, run_500):
    """The CLI repro: `moneytrail report eu-ai-gigafactories.yaml --draws 500`; the scorecard
    said 25.2 % and 81.7 %, the claims table 25.1 % and 81.6 % (another run's draws)."""
    section = claims_section(ws, run_500)
    assert not section["error"]
    card = run_500.table("scorecard")
    column = next(c for c in card.columns if c.endswith("_p50"))
    claims = {c["id"]: c for c in section["claims"]}
    for cid, metric in SCORE.items():
        median = f"{100 * float(card.loc[metric, column]):.1f} %"
        assert claims[cid]["checks"][0]["figure"].startswith(median), \
            (cid, claims[cid]["checks"][0]["figure"], median)
        assert claims[cid]["against"] == ""          # the caption and the note say it once
    assert section["checked_with"] == ("this run's plan, draws and seed (500 draws, seed 1) "
                                       "in place of the plan they name")
    # under 1,000 draws: the run page's warning, once above the table
    assert any("only 500 Monte Carlo draws" in n for n in section["notes"])


def test_too_few_draws_give_no_verdict(ws):
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    result = tasks.trace_plan(ws, load_scenario(REFERENCE), draws=50, seed=3)
    section = claims_section(ws, result)
    claims = {c["id"]: c for c in section["claims"]}
    assert claims[RENT]["verdict"] == "no verdict (too few draws)"
    assert {k["verdict"] for k in claims[RENT]["checks"]} == {"no verdict (too few draws)"}
    assert any(n.startswith("This run has only 50") and "No verdict" in n
               for n in section["notes"])


def test_a_ledger_only_claim_says_it_is_the_same_for_every_run(ws):
    from moneytrail.scenarios import load_scenario
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.service import tasks

    plan = load_scenario(reference_dir() / "stargate-style-us.yaml")
    result = tasks.trace_plan(ws, plan, draws=200, seed=1)
    section = claims_section(ws, result)
    claims = {c["id"]: c for c in section["claims"]}
    ledger = claims["stargate-private-and-far-less-secured"]
    assert ledger["against"].startswith("The same for every run")
    assert "2,000 draws, seed 1" in ledger["against"]
    assert claims["stargate-over-100000-us-jobs"]["against"] == ""      # this run's
    assert "200 draws, seed 1" in section["checked_with"]


def test_a_comparison_names_the_run_each_claim_was_checked_against(ws, run_500):
    from moneytrail.report.briefing.content import gather
    from moneytrail.scenarios import load_scenario
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.service import tasks

    other = tasks.trace_plan(ws, load_scenario(reference_dir() / "stargate-style-us.yaml"),
                             draws=200, seed=2)
    briefing = gather(ws, [run_500, other], sensitivity=False)
    section = next(s for s in briefing.sections if s["kind"] == "claims")
    claims = {c["id"]: c for c in section["claims"]}
    assert f"(run {run_500.run_id[:8]}, 500 draws, seed 1), in place of " \
        "eu-ai-gigafactories" in claims[RENT]["against"]
    assert f"(run {other.run_id[:8]}, 200 draws, seed 2)" in \
        claims["stargate-over-100000-us-jobs"]["against"]


def test_claims_of_one_run_share_its_plans_trace(ws, run_500, monkeypatch):
    """A run page or briefing checks several claims one by one against the run: the run's plan
    is traced once for all of them (a shared `traces`), with the same figures as checking each
    claim alone (a trace does not depend on the check)."""
    from moneytrail.service import tasks
    from moneytrail.service.run_claims import check_against_run

    calls = []
    real = tasks.trace             # the claims trace with the workspace's own tracer

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "trace", counted)
    alone = {cid: check_against_run(ws, cid, run_500, store=None).frame() for cid in SCORE}
    traced_alone = len(calls)
    calls.clear()
    traces: dict = {}
    shared = {cid: check_against_run(ws, cid, run_500, store=None, traces=traces).frame()
              for cid in SCORE}
    # each plan once: the run's (both claims) and any other plan a check compares it with
    assert len(calls) == len(traces) == traced_alone - 1
    for cid in SCORE:
        assert shared[cid].equals(alone[cid]), cid


def old_plan_run(result):
    """The run as stored before today's plan rules: its plan's site_country was 'XX'."""
    import copy

    from moneytrail.service.result import Result

    data = copy.deepcopy(result.to_dict())
    data["provenance"]["inputs"]["plan"]["site_country"] = "XX"
    return Result.from_dict(data)


def test_an_old_plan_is_worded_without_temporary_paths(ws, run_500):
    """h51: a run stored under older plan rules made the claims table say
    'The claims could not be checked (/tmp/tmpXXXX/claim.yaml claims.0.checks.0.args...'."""
    from moneytrail.report.briefing.content import PlanBrief, SourceBook, claims_for, plan_of

    brief = PlanBrief(result=old_plan_run(run_500), plan=plan_of(run_500),
                      name="eu-ai-gigafactories")
    claims, _, error = claims_for(ws, [brief], SourceBook.of(ws))
    assert claims == []
    assert error.startswith("The claims could not be checked: this run's plan was stored "
                            "under older plan rules (field 'site_country': ")
    assert error.endswith("run it again to check claims against it.")
    assert "/tmp" not in error and "claim.yaml" not in error


def test_a_briefing_of_an_old_plan_says_why(ws, run_500):
    from moneytrail.errors import MoneytrailError
    from moneytrail.report.briefing.content import gather

    with pytest.raises(MoneytrailError, match=r"older plan rules \(field 'site_country': .*"
                                              r"run it again to brief it"):
        gather(ws, [old_plan_run(run_500)], sensitivity=False)


def test_a_check_against_a_run_names_the_claim_and_run_not_a_temporary_file(ws, run_500):
    """The check used to go through a temporary YAML file, whose path (/tmp/tmp.../claim.yaml)
    ended up as the result's claims file and run label."""
    from moneytrail.service.run_claims import check_against_run

    checked = check_against_run(ws, RENT, run_500).checked
    assert checked.facts["claims_file"] == f"claim {RENT} with the plan of run {run_500.run_id}"
    assert "tmp" not in checked.facts["claims_file"]
    assert checked.provenance.inputs["claims"][0]["id"] == RENT
    assert checked.provenance.inputs["claims"][0]["checks"][0]["args"]["scenario"]["title"] \
        == run_500.provenance.inputs["plan"]["title"]
