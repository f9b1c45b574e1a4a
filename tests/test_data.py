"""The bundled data package: valid, sourced, and covering what the trace needs."""

import pandas as pd
import pytest

import moneytrail as mt
from moneytrail.data.package import open_package
from moneytrail.data.validate import frictionless_problems
from moneytrail.data.valuechain import load_valuechain, valuechain_problems

REQUIRED_ENTITIES = {
    "nvidia", "amd", "intel", "broadcom", "google", "amazon", "microsoft", "oracle",
    "coreweave", "ovhcloud", "deutsche_telekom", "sap", "scaleway", "ionos", "tsmc", "samsung",
    "sk_hynix", "micron", "asml", "foxconn", "quanta", "wistron", "supermicro", "dell", "hpe",
    "arista", "cisco", "schneider_electric", "vertiv", "abb", "siemens", "eu_construction",
    "eu_electricity", "eu_labour", "rest_of_world"}
REQUIRED_CATEGORIES = {"accelerators", "servers", "networking", "storage", "facility",
                       "electricity", "cloud_compute", "staff"}


@pytest.fixture(scope="module")
def chain():
    return load_valuechain()


def test_value_chain_has_no_problems():
    assert [str(p) for p in valuechain_problems()] == []


def test_value_chain_passes_frictionless_schemas():
    root = open_package().root
    problems = [p for p in frictionless_problems(root) if "valuechain" in p.file]
    assert [str(p) for p in problems] == []


def test_coverage_of_entities(chain):
    ids = set(chain.entities["id"])
    assert len(ids) >= 40
    assert ids >= REQUIRED_ENTITIES
    big_tech = chain.entities[chain.entities["group_list"].map(lambda g: "us_big_tech" in g)]
    assert set(big_tech["id"]) == {"amazon", "microsoft", "google"}


def test_markets_cover_eight_categories_for_eu_and_us_in_both_vintages(chain):
    markets = chain.markets
    for year in (2024, 2025):
        for region in ("EU", "US"):
            cats = set(markets[(markets.year == year) & (markets.buyer_region == region)]
                       ["category"])
            assert cats >= REQUIRED_CATEGORIES, (year, region)


def test_every_supplier_has_a_value_added_split(chain):
    costs = chain.cost_structures
    for year in (2024, 2025):
        va = costs[(costs.year == year) & (costs.kind != "input")]
        kinds = va.groupby("entity")["kind"].apply(set)
        for entity in chain.entities["id"]:
            assert "labour" in kinds[entity] or "capital" in kinds[entity], (entity, year)


def test_every_number_is_sourced_or_a_reasoned_assumption(chain):
    reasoned = set(chain.sources.loc[chain.sources["reliability"] == "assumption", "id"])
    for frame in (chain.markets, chain.cost_structures):
        assumption = frame["reliability"] == "assumption"
        cites_reasoning = frame["sources"].map(lambda s: bool(set(s.split(";")) & reasoned))
        assert ((frame["note"].str.len() > 10) | cites_reasoning)[assumption].all()
        assert (frame.loc[~assumption, "sources"].str.len() > 0).all()
    urls = chain.sources.loc[chain.sources["reliability"] != "assumption", "url"]
    assert urls.str.startswith("http").all()


def test_models_of_both_years_are_productive_and_versioned():
    for year in (2024, 2025):
        model = mt.load_model(year)
        assert model.spectral_radius() < 1
        assert model.data_version == open_package().version
        assert model.flows.groupby("entity")["weight"].sum().pipe(
            lambda s: ((s - 1).abs() < 1e-9).all())


def test_reference_plans_are_valid_and_sourced():
    paths = mt.reference_scenarios()
    assert [p.stem for p in paths][:3] == ["stargate-style-us", "eu-ai-gigafactories",
                                           "efficiency-first-eu"]
    chain = load_valuechain()
    known = set(chain.sources["id"])
    for path in paths:
        plan = mt.load_scenario(path)
        assert plan.budget.source in known
        for category, share in plan.spend.items():
            assert share.source in known or share.reliability == "assumption", category


def test_reference_plans_trace_and_reconcile_to_the_euro():
    for path in mt.reference_scenarios():
        plan = mt.load_scenario(path)
        result = mt.trace(plan, draws=500, seed=1, keep_draws=True)
        assert abs(result.draw_totals - plan.total).max() < 0.01      # to the cent
        table = mt.headline(result)
        assert isinstance(table, pd.DataFrame) and (table["share_p5"] <= table["share_p95"]).all()


def test_vectorised_checks_report_what_the_per_row_rules_report():
    """The whole-column pre-checks only pick rows; the per-row rules still word the problems."""
    import pandas as pd

    from moneytrail.data import checks

    cells = ["0.1", "0.2", "1_0", "nan", "inf", "-1", "x", "", "2", "0.3", " 0.4"]
    rows = [{"low": a, "central": b, "high": c, "sources": s, "reliability": r, "note": n}
            for a in cells[:6] for b in cells[::3] for c in cells[1::2]
            for s, r, n in (("a", "analyst", ""), ("a;zz", "weak", ""), ("", "assumption", ""),
                            ("", "assumption", "why"), ("", "official", ""), ("a", "bogus", ""))]
    frame = pd.DataFrame(rows, dtype=str)
    frame.attrs["path"] = "t.csv"
    expected = []
    for i, row in enumerate(rows):
        expected += checks.interval_row_problems(row, "t.csv", i + 2, lower=0.0, upper=1.0)
    assert checks.check_intervals(frame, lower=0.0, upper=1.0) == expected
    sourced = checks.check_sourced(frame, {"a"})
    assert [p.line for p in sourced] == sorted(p.line for p in sourced)
    assert {p.message for p in sourced} == {
        "unknown source id", "an assumption must explain its reasoning in note",
        "no source cited (label it reliability=assumption with reasoning if there is none)",
        f"must be one of {', '.join(checks.RELIABILITY)}"}
    assert len(sourced) == len(frame) // 6 * 4
