"""A tester's findings (an economist on the Python API):

1. `tasks.check_claims(ws, ..., checked_run=<run id>)` returned the same run and table as
   without it: `checked_run` only recorded which run a derived check came from, it did not
   check anything against that run. Now an outside caller passing it gets one clear error
   naming the call that does check against a run, `run_claims.check_against_run`, which
   takes a run id and on a run of a German plan marks the Stargate US-jobs claim "not
   applicable".
2. `Result.write_tables(folder, "csv")` wrote a country table without the `country_name`
   column `moneytrail trace ... --format csv` adds; now both CSVs have the same columns.
"""

from __future__ import annotations

import csv
import io

import pytest

STARGATE_JOBS = "stargate-over-100000-us-jobs"
DRAWS = 200


@pytest.fixture(scope="module")
def german_run(module_ws):
    """A stored trace run of a German plan (the EU fund's spending, sited in Germany, under
    its own id): its run id."""
    import moneytrail as mt
    from moneytrail.service import tasks

    plan = mt.load_scenario("scenarios/eu-ai-gigafactories.yaml").model_copy(
        update={"id": "de-ai-plan", "title": "German AI plan", "site_country": "DE"})
    return tasks.trace_plan(module_ws, plan, draws=DRAWS, seed=1, analyses=False).run_id


def test_check_claims_refuses_a_run_to_check_against(module_ws, german_run):
    from moneytrail.errors import MoneytrailError
    from moneytrail.service import tasks

    with pytest.raises(MoneytrailError) as caught:
        tasks.check_claims(module_ws, draws=DRAWS, seed=1, store=None, checked_run=german_run)
    error = caught.value
    assert error.field == "checked_run"
    assert "run_claims.check_against_run" in str(error)
    assert "\n" not in str(error)


def test_the_documented_call_marks_the_stargate_claim_not_applicable(module_ws, german_run):
    from moneytrail.analysis.claims import NOT_APPLICABLE
    from moneytrail.service.run_claims import check_against_run

    checked = check_against_run(module_ws, STARGATE_JOBS, german_run)     # a run id
    assert checked.verdict == NOT_APPLICABLE
    assert checked.not_about.startswith("Not applicable: this claim is about the plan")
    assert "German AI plan" in checked.not_about
    assert checked.checked is None                  # nothing computed against the run
    frame = checked.frame()
    assert list(frame["claim"]) == [STARGATE_JOBS]
    assert list(frame["verdict"]) == [NOT_APPLICABLE]
    assert list(frame["note"]) == [checked.not_about]


def test_a_claim_about_any_plan_follows_the_run(module_ws, german_run):
    """The same call on a claim about any plan checks it with the run's plan, draws and
    seed: a verdict other than 'not applicable', rows naming the run's plan."""
    from moneytrail.analysis.claims import NOT_APPLICABLE
    from moneytrail.service.run_claims import check_against_run, debate_claims, plan_dependent
    from moneytrail.service.tasks import show_run

    claim = next(c.id for c in debate_claims().values() if plan_dependent(c) and not c.about)
    by_id = check_against_run(module_ws, claim, german_run)
    by_result = check_against_run(module_ws, claim, show_run(module_ws, german_run))
    assert by_id.verdict != NOT_APPLICABLE and by_id.verdict == by_result.verdict
    assert (by_id.draws, by_id.seed) == (DRAWS, 1)
    assert by_id.frame()["check"].str.contains("this run's plan in place of").any()


def test_an_unknown_run_id_is_a_clear_error(module_ws):
    from moneytrail.service.run_claims import check_against_run
    from moneytrail.service.runs import RunNotFound

    with pytest.raises(RunNotFound, match="no run with this id"):
        check_against_run(module_ws, STARGATE_JOBS, "0" * 32)


def header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("table", ["country", "owner_country", "headline"])
def test_write_tables_csv_has_the_cli_csv_columns(cli_store, tmp_path, table):
    from moneytrail.service.result import Result

    traced = cli_store.trace("eu-ai-gigafactories")
    run = Result.from_dict(cli_store.show(traced["run_id"]))
    out = cli_store.cli("show", run.run_id, "--table", table, "--format", "csv")
    assert out.returncode == 0, out.stderr
    path = tmp_path / f"{run.run_id}-{table}.csv"
    assert path in run.write_tables(tmp_path, "csv")
    written = path.read_text(encoding="utf-8")
    assert header(written) == header(out.stdout)
    assert written == out.stdout                    # the same names in the same rows


def test_write_tables_names_the_eu_row_as_the_pages_do(cli_store, tmp_path):
    import pandas as pd

    from moneytrail.service.result import Result

    run = Result.from_dict(cli_store.show(cli_store.trace("eu-ai-gigafactories")["run_id"]))
    run.write_tables(tmp_path, "csv")
    frame = pd.read_csv(tmp_path / f"{run.run_id}-country.csv", keep_default_na=False)
    names = dict(zip(frame["country"], frame["country_name"], strict=True))
    assert names["EU"] == "EU, not split by member state"
    assert names["ROW"] == "Rest of the world"
    assert names["US"] == "United States"
    # a workspace of another data package passes its own names
    run.write_tables(tmp_path / "own", "csv", countries={"US": "USA"})
    own = pd.read_csv(tmp_path / "own" / f"{run.run_id}-country.csv", keep_default_na=False)
    assert dict(zip(own["country"], own["country_name"], strict=True))["US"] == "USA"


@pytest.mark.parametrize("run", [None, 7])
def test_a_run_that_is_neither_an_id_nor_a_result_is_a_clear_error(module_ws, run):
    """check_against_run(ws, claim, None) (or an int) raised AttributeError ('NoneType' object
    has no attribute 'kind'); now a MoneytrailError naming the argument `run`."""
    from moneytrail.errors import MoneytrailError
    from moneytrail.service.run_claims import check_against_run

    with pytest.raises(MoneytrailError) as caught:
        check_against_run(module_ws, STARGATE_JOBS, run)
    assert caught.value.field == "run"
    assert "expected a run id or a stored run" in str(caught.value)
    assert repr(run) in str(caught.value)


@pytest.mark.parametrize("claim", [STARGATE_JOBS, "any-plan"])
def test_a_run_check_has_a_short_repr(module_ws, german_run, claim):
    """A RunCheck's repr was the dataclass's, every field with the check's whole run: 3,470
    characters. Now a few lines: the claim, the run, the verdict, draws and seed."""
    from moneytrail.service.run_claims import check_against_run, debate_claims, plan_dependent

    if claim == "any-plan":         # a claim checked against the run (not "not applicable")
        claim = next(c for c in debate_claims().values()
                     if plan_dependent(c) and not c.about).id
    checked = check_against_run(module_ws, claim, german_run)
    shown = repr(checked)
    assert len(shown) < 500, shown
    assert repr(claim) in shown and german_run in shown and checked.verdict in shown
    assert f"draws {DRAWS}" in shown and "seed 1" in shown
