"""The service layer: run identity, one JSON shape that round-trips, checks against the data."""

import json
import shutil

import pytest

import moneytrail as mt
from moneytrail.analysis.claims_schema import ClaimError
from moneytrail.data.package import bundled_path
from moneytrail.errors import ScenarioError
from moneytrail.service import tasks
from moneytrail.service.result import Result
from moneytrail.service.runs import run_id


@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


@pytest.fixture(scope="module")
def plan():
    return mt.load_scenario(mt.reference_scenarios()[1])


def test_the_same_inputs_give_the_same_id_and_any_change_a_new_one(ws, plan):
    one = tasks.trace_plan(ws, plan, draws=200, seed=3, store=None)
    two = tasks.trace_plan(ws, plan, draws=200, seed=3, store=None)
    assert one.run_id == two.run_id and len(one.run_id) == 32
    assert tasks.trace_plan(ws, plan, draws=200, seed=4, store=None).run_id != one.run_id
    renamed = plan.model_copy(update={"title": "Another title", "path": "elsewhere.yaml"})
    assert tasks.trace_plan(ws, renamed, draws=200, seed=3, store=None).run_id != one.run_id
    moved = plan.model_copy(update={"path": "elsewhere.yaml"})      # the file name is no input
    assert tasks.trace_plan(ws, moved, draws=200, seed=3, store=None).run_id == one.run_id
    inputs = one.provenance.inputs
    assert run_id("trace", inputs, ws.data_hash, code="9.9.9") != one.run_id
    assert run_id("trace", inputs, "0" * 64) != one.run_id


def test_a_changed_data_package_gives_a_new_run_id(tmp_path, plan):
    copy = tmp_path / "package"
    shutil.copytree(bundled_path(), copy)
    with mt.Workspace.open() as original, mt.Workspace.open(copy) as same:
        assert same.data_hash == original.data_hash
    notes = copy / "valuechain" / "categories.csv"
    notes.write_text(notes.read_text(encoding="utf-8").replace("Accelerators", "Accelerator",
                                                               1), encoding="utf-8")
    with mt.Workspace.open() as original, mt.Workspace.open(copy) as changed:
        assert changed.data_hash != original.data_hash
        a = tasks.trace_plan(original, plan, draws=100, seed=1, store=None, analyses=False)
        b = tasks.trace_plan(changed, plan, draws=100, seed=1, store=None, analyses=False)
        assert a.run_id != b.run_id


def test_results_round_trip_through_json_unchanged(ws, plan):
    result = tasks.trace_plan(ws, plan, draws=300, seed=1, store=None)
    text = result.to_json()
    back = Result.from_json(text)
    assert back == result
    payload = json.loads(text)
    assert payload["schema"] == "moneytrail.result/1"
    assert "NaN" not in text                       # missing numbers are null
    headline = back.table("headline")
    assert headline.loc["Nvidia", "share_p5"] <= headline.loc["Nvidia", "share_p50"] <= \
        headline.loc["Nvidia", "share_p95"]
    units = {c.name: c.unit for c in back.tables["entity"].columns}
    assert units["amount_p50"] == "EUR" and units["share_p50"] == "share"
    assert back.facts["conservation_gap"] < 1e-6 * plan.total
    assert set(back.provenance.sources) >= {plan.budget.source}


def test_tables_write_as_csv_and_parquet(tmp_path, ws, plan):
    result = tasks.trace_plan(ws, plan, draws=100, seed=1, store=None, analyses=False)
    for fmt in ("csv", "parquet"):
        paths = result.write_tables(tmp_path / fmt, fmt)
        assert len(paths) == len(result.tables)
        assert all(p.name.startswith(result.run_id) for p in paths)


def test_a_currency_without_exchange_rates_is_refused(ws, plan):
    odd = plan.model_copy(update={"currency": "XYZ"})
    with pytest.raises(ScenarioError) as info:
        tasks.trace_plan(ws, odd, draws=100, store=None)
    assert info.value.field == "currency" and info.value.value == "XYZ"


def test_claims_citing_an_unknown_source_are_refused(tmp_path, ws):
    path = tmp_path / "claims.yaml"
    path.write_text("""claims:
  - id: made-up
    claim: "Nvidia supplies nearly all accelerators."
    sources: [no_such_source]
    checks:
      - computation: market.share
        args: {category: accelerators, buyer_region: EU, year: 2025, suppliers: [nvidia]}
        min: 0.9
""", encoding="utf-8")
    with pytest.raises(ClaimError) as info:
        tasks.check_claims(ws, path, draws=100, store=None)
    assert info.value.field == "claims.0.sources.0" and info.value.value == "no_such_source"
