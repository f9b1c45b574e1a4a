"""Tester findings (helper h106) on the API's compare of stored runs: its `tco` table (each
plan's TCO from its run's lifecycle table, as the compare page shows it and as `moneytrail
compare --table tco` has it), and the reason a difference of figures in two currencies is
left out of the difference column."""

from __future__ import annotations

import csv
import io

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.yamlio import read_yaml  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

PLAN = "eu-ai-gigafactories"
JOBS = "Jobs paid for per million spent (FTE-years)"


def mapping() -> dict:
    from moneytrail.errors import ScenarioError

    path = next(p for p in reference_scenarios() if p.stem == PLAN)
    return dict(read_yaml(path, ScenarioError, what="scenario file"))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h106") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def eur_usd(client):
    eur = finished(client, {"reference": PLAN, "draws": 200, "seed": 3})
    usd = finished(client, {**mapping(), "id": "gf-usd", "currency": "USD", "draws": 200,
                            "seed": 3})
    return eur, usd


def test_api_compare_has_each_plans_tco(client, eur_usd):
    eur, usd = eur_usd
    ids = f"{eur},{usd}"
    view = client.get(f"/api/v1/compare?runs={ids}").json()
    assert "tco" in view["tables"]
    response = client.get(f"/api/v1/compare?runs={ids}&format=csv&table=tco")
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["plan"] for r in rows] == [PLAN, "gf-usd"]
    assert [r["run_id"] for r in rows] == [eur, usd]
    assert list(rows[0]) == ["plan", "run_id", "unit", "period", "mean", "p5", "p50", "p95"]
    table = client.get(f"/api/v1/compare?runs={ids}&table=tco").json()["rows"]
    for row, plan, run, currency in zip(rows, table, view["runs"], ("EUR", "USD"),
                                        strict=True):
        # the page's numbers: each run's own lifecycle table, in its own currency
        assert plan["unit"] == run["tco_unit"] == row["unit"] == currency
        assert plan["period"] == run["tco_period"] == row["period"]
        for stat in ("p50", "p5", "p95"):
            assert plan[stat] == run[f"tco_{stat}"]
            assert float(row[stat]) == pytest.approx(plan[stat], rel=1e-12)
        lifecycle = client.get(f"/api/v1/runs/{run['run_id']}?table=lifecycle").json()
        tco = next(r for r in lifecycle["rows"] if r["metric"] == "tco")
        assert [plan[s] for s in ("mean", "p5", "p50", "p95")] == [
            tco[s] for s in ("mean", "p5", "p50", "p95")]


def test_two_currencies_are_subtracted_in_eur(client, eur_usd):
    """The Units note says every amount is shown in EUR: the difference is given in EUR too
    (a journalist's finding: it was left out 'because the plans are in different
    currencies', which the EUR figures beside it contradicted)."""
    eur, usd = eur_usd
    view = client.get(f"/api/v1/compare?runs={eur},{usd}").json()
    row = next(r for r in view["scorecard"] if r["metric"] == JOBS)
    assert row["unit"] == "FTE-years per EUR million"     # both restated: the unit is right
    assert row["difference_reason"] is None
    assert row["difference_p50"] == pytest.approx(row["run2_p50"] - row["run1_p50"], abs=1e-9)
    assert "different currencies (EUR, USD)." not in view["scorecard_note"]
    assert "leaves out" not in view["scorecard_note"]
    assert "amounts of money are in EUR" in view["scorecard_note"]
    text = client.get(f"/api/v1/compare?runs={eur},{usd}&format=csv&table=scorecard").text
    csv_row = next(r for r in csv.DictReader(io.StringIO(text)) if r["metric"] == JOBS)
    assert csv_row["difference_reason"] == "" and csv_row["difference_p50"] != ""
    page = client.get(f"/compare?runs={eur},{usd}").text
    assert "not subtracted" not in page and "different currencies (USD, EUR)" not in page


def test_two_price_years_are_not_subtracted_and_say_so(client, eur_usd):
    eur, _ = eur_usd
    older = finished(client, {**mapping(), "id": "gf-2020", "price_year": 2020, "draws": 200,
                              "seed": 3})
    view = client.get(f"/api/v1/compare?runs={eur},{older}").json()
    row = next(r for r in view["scorecard"] if r["metric"] == JOBS)
    assert row["difference_p50"] is None
    assert row["difference_reason"] == ("not subtracted: the plans' money is at different "
                                        "price years (2025, 2020)")


def test_one_currency_keeps_the_note_and_subtracts(client, eur_usd):
    eur, _ = eur_usd
    other = finished(client, {"reference": PLAN, "draws": 200, "seed": 4})
    view = client.get(f"/api/v1/compare?runs={eur},{other}").json()
    row = next(r for r in view["scorecard"] if r["metric"] == JOBS)
    assert row["difference_p50"] is not None and row["difference_reason"] is None
    assert "difference column leaves out" not in view["scorecard_note"]


def test_a_run_without_a_lifecycle_table_has_a_tco_row_of_nulls(client, eur_usd):
    """A run stored before runs kept the lifecycle table keeps its row (in the runs' order)
    with unit, period and figures null, as the page shows a dash for it."""
    import dataclasses

    from moneytrail.web.runs import Names, compare_view

    store = client.app.state.jobs.store
    first, second = (store.get(rid).result for rid in eur_usd)
    old = dataclasses.replace(first, tables={k: v for k, v in first.tables.items()
                                             if k != "lifecycle"})
    view = compare_view([old, second], Names(client.app.state.workspace.valuechain),
                        "http://testserver/compare")
    empty, kept = view["tco"]
    assert empty == {"plan": PLAN, "run_id": first.run_id, "unit": None, "period": None,
                     "mean": None, "p5": None, "p50": None, "p95": None}
    assert kept["run_id"] == second.run_id and kept["p50"] is not None
