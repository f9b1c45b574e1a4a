"""Jobs and supply-chain footprints of a trace: per-draw properties on small fixture tables,
and a pymrio table traced end to end against pymrio's own multipliers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymrio
import pytest

import moneytrail as mt
from moneytrail.analysis.footprints import plan_footprint
from moneytrail.analysis.jobs import (
    AVERAGES,
    BASIS,
    FILINGS,
    LASTING,
    TEMPORARY,
    jobs_account,
    plan_jobs,
)
from moneytrail.data.footprints import FootprintTables
from moneytrail.engine import streams
from moneytrail.engine.demand import demand_sampler
from moneytrail.engine.footprint import output_draws
from moneytrail.engine.kernel import build_kernel
from moneytrail.engine.sampling import PertSampler
from moneytrail.errors import DataPackageError
from moneytrail.ledger.money import Converter

DRAWS = 300
SOURCE = "fixture_source"


def fixture_tables() -> FootprintTables:
    """Small made-up tables (test fixtures, not data): every labour country gets a
    compensation figure so the property tests cover all labour flows."""
    model = mt.load_model(2025)
    countries = sorted(model.flows.loc[model.flows["factor"] == "labour", "country"].unique())
    comp = pd.DataFrame({"country": countries, "industry": "TOTAL", "year": 2024,
                         "low": 40_000.0, "central": 60_000.0, "high": 90_000.0,
                         "currency": "USD", "sources": SOURCE, "reliability": "estimate"})
    comp.loc[len(comp)] = ["US", "C26", 2024, 100_000.0, 150_000.0, 250_000.0, "USD", SOURCE,
                           "estimate"]
    industries = pd.DataFrame({"entity": ["nvidia", "amd"], "industry": ["C26", "C26"]})
    satellites = pd.DataFrame({
        "entity": ["tsmc", "us_construction", "us_electricity", "nvidia", "nvidia"],
        "year": 2024, "account": ["co2e_scope12"] * 4 + ["employees"],
        "low": [100.0, 30.0, 1000.0, 2.0, 0.2], "central": [150.0, 50.0, 1500.0, 3.0, 0.25],
        "high": [200.0, 80.0, 2000.0, 5.0, 0.3],
        "unit": ["t CO2e per USD million"] * 4 + ["FTE per USD million"],
        "sources": SOURCE, "reliability": "estimate"})
    return FootprintTables.from_frames(entity_industries=industries, compensation=comp,
                                       satellites=satellites)


def money() -> Converter:
    fx = [{"currency": "USD", "year": y, "units_per_eur": 1.08} for y in (2024, 2025)]
    return Converter.from_records(fx, [])


@pytest.fixture(scope="module")
def traced():
    plan = mt.load_scenario("scenarios/stargate-style-us.yaml")
    return mt.trace(plan, draws=DRAWS, seed=7, keep_draws=True)


@pytest.fixture(scope="module")
def jobs(traced):
    return plan_jobs(traced, fixture_tables(), money())


def test_replay_reproduces_the_traces_value_added_exactly(traced):
    """The footprint engine replays the trace's draws: w x is the trace's flows."""
    model = traced.model
    kernel = build_kernel(model, demand_sampler(traced.plan, model), 4, DRAWS)
    out = output_draws(kernel, 7, 1, 100)
    flows = out.weights * out.x[:, kernel.flow_entity]
    np.testing.assert_array_equal(flows, traced.per_draw.flows[100:200])


def replayed_outputs(traced) -> np.ndarray:
    """x of every entity in each draw of the trace (the footprint engine's replay)."""
    model = traced.model
    kernel = build_kernel(model, demand_sampler(traced.plan, model), 4, DRAWS)
    return np.concatenate([output_draws(kernel, 7, b, size).x
                           for b, size in streams.blocks(DRAWS)])


def test_wages_over_compensation_is_fte_per_draw(traced, jobs):
    """Per draw: labour value added of each flow (from the trace itself) / its compensation
    per FTE (drawn from stream 'jobs') is the FTE of every entity without an employees row;
    Nvidia (the fixture's employees row) gets output x employees per USD million (drawn from
    stream 'jobs_employees'), split across its countries by wages / compensation. The rows
    add up to the FTE by country and entity."""
    acc = jobs_account(traced, fixture_tables(), money())
    account = acc.account
    comp = np.concatenate([account.parameters.draw(streams.rng(7, "jobs", 0, b), size)
                           for b, size in streams.blocks(DRAWS)])[:, account.param]
    wages = traced.per_draw.flows[:, account.flow]      # USD (plan currency = comp currency)
    fte = wages / comp
    anchored = acc.anchored_rows
    labels = np.asarray(traced.model.labels)
    assert set(labels[account.entity[anchored]]) == {"nvidia"}
    assert anchored.sum() == 6                         # Nvidia pays wages in six countries
    employees = PertSampler([0.2], [0.25], [0.3], lower=0.0)       # the fixture's row
    e = np.concatenate([employees.draw(streams.rng(7, "jobs_employees", 0, b), size)
                        for b, size in streams.blocks(DRAWS)])[:, 0]
    x = replayed_outputs(traced)[:, traced.model.index["nvidia"]]
    nvidia = x * e / 1e6                                # USD -> USD million x FTE per USD m
    split = fte[:, anchored] / fte[:, anchored].sum(axis=1, keepdims=True)
    fte[:, anchored] = split * nvidia[:, None]
    entity = jobs.fte.per_draw["entity"][:, jobs.fte.labels["entity"].index("nvidia")]
    np.testing.assert_allclose(entity, nvidia, rtol=1e-9)
    by_country = jobs.fte.per_draw["country"]          # columns: countries in sorted order
    for column, country in enumerate(sorted(set(account.country))):
        mine = np.array([c == country for c in account.country])
        np.testing.assert_allclose(by_country[:, column], fte[:, mine].sum(axis=1), rtol=1e-9)
    # all labour is covered by the fixture: wages = the trace's labour value added
    labour = traced.by("factor").loc["labour", "amount_mean"]
    assert jobs.coverage == pytest.approx(1.0, rel=1e-9)
    assert jobs.wages.by("total")["amount_mean"].iloc[0] == pytest.approx(labour, rel=1e-9)


def test_footprints_add_up_over_every_breakdown_per_draw(jobs):
    per = jobs.fte.per_draw
    total = per["total"][:, 0]
    for name in ("entity", "country", "tier", "part"):
        np.testing.assert_allclose(per[name].sum(axis=1), total, rtol=1e-9)
    assert set(jobs.fte.by("part").index) == {TEMPORARY, LASTING}
    # the Stargate-style plan is capex only: every job is temporary work
    assert jobs.fte.by("part").loc[LASTING, "amount_mean"] == 0


def test_conservation_still_holds(traced):
    assert traced.conservation_gap <= 1e-6 * traced.total


def test_co2_by_entity_is_intensity_times_output(traced):
    fp = plan_footprint(traced, fixture_tables(), money()).footprint
    per = fp.per_draw
    np.testing.assert_allclose(per["country"].sum(axis=1), per["total"][:, 0], rtol=1e-9)
    np.testing.assert_allclose(per["tier"].sum(axis=1), per["total"][:, 0], rtol=1e-9)
    assert set(fp.by("entity").index) == {"tsmc", "us_construction", "us_electricity",
                                          "nvidia"}
    # Nvidia's output is at least its first invoices, so its CO2 >= low x first invoices
    first = traced.by("supplier").loc["nvidia", "amount_p5"]
    assert fp.by("entity").loc["nvidia", "amount_p5"] >= 2.0 * first / 1e6 * 0.99


def test_summaries_without_kept_draws_match_the_exact_ones(traced):
    lean = mt.trace(traced.plan, draws=DRAWS, seed=7)
    kept = plan_jobs(traced, fixture_tables(), money()).fte.by("country")
    summarised = plan_jobs(lean, fixture_tables(), money()).fte.by("country")
    np.testing.assert_allclose(summarised.loc[kept.index, "amount_mean"], kept["amount_mean"],
                               rtol=1e-9)


def test_basis_share_and_implied_pay_per_draw(jobs):
    """FTE on filings (Nvidia) and on national averages add up to the total per draw; the
    share on averages is their ratio per draw; Nvidia's implied labour cost per FTE-year is
    its labour value added / its FTE per draw."""
    per = jobs.fte.per_draw
    total = per["total"][:, 0]
    filings, averages = (per[BASIS][:, jobs.fte.labels[BASIS].index(label)]
                         for label in (FILINGS, AVERAGES))
    np.testing.assert_allclose(filings + averages, total, rtol=1e-12)
    nvidia = per["entity"][:, jobs.fte.labels["entity"].index("nvidia")]
    np.testing.assert_allclose(filings, nvidia, rtol=1e-12)
    share = jobs.averages_share()
    assert share["amount_p50"] == pytest.approx(np.median(averages / total), rel=1e-9)
    wages = jobs.wages.per_draw["entity"][:, jobs.wages.labels["entity"].index("nvidia")]
    pay = jobs.implied_pay.loc["nvidia"]
    assert pay["amount_p50"] == pytest.approx(np.median(wages / nvidia), rel=1e-9)
    assert pay["amount_mean"] == pytest.approx(np.mean(wages / nvidia), rel=1e-9)
    assert list(jobs.anchored["entity"]) == ["nvidia"] and not jobs.not_anchored
    assert "jobs (FTE-years) from " + FILINGS in jobs.summary().index


def test_bad_compensation_row_named():
    comp = pd.DataFrame({"country": ["US"], "industry": ["TOTAL"], "year": [2024],
                         "low": [90.0], "central": [60.0], "high": [100.0], "currency": ["USD"],
                         "sources": [SOURCE], "reliability": ["estimate"]})
    with pytest.raises(DataPackageError, match="low <= central"):
        FootprintTables.from_frames(compensation=comp)


def test_pymrio_table_trace_footprint_equals_pymrio_multipliers():
    io = pymrio.load_test()
    model = mt.IOModel.from_pymrio(io)
    io.calc_all()
    f = io.Y.sum(axis=1)
    result = mt.trace(f, model=model, draws=1)
    fp = result.footprint("emission_type1/air")
    expected = float(io.emissions.M.loc[("emission_type1", "air")].to_numpy() @ f.to_numpy())
    assert fp.total["amount_mean"] == pytest.approx(expected, rel=1e-9)
    assert fp.by("tier")["amount_mean"].sum() == pytest.approx(expected, rel=1e-9)
    assert fp.by("country")["amount_mean"].sum() == pytest.approx(expected, rel=1e-9)
    by_region = fp.by("country")["amount_mean"]
    D_pba = io.emissions.D_pba.loc[("emission_type1", "air")]
    assert by_region["reg1"] == pytest.approx(D_pba["reg1"].sum(), rel=1e-9)


def copy_bundled(tmp_path):
    import shutil

    from moneytrail.data.package import bundled_path

    root = tmp_path / "package"
    shutil.copytree(bundled_path(), root)
    return root


def test_validate_names_an_unknown_source_and_a_bad_interval(tmp_path):
    from moneytrail.data.validate import package_problems

    root = copy_bundled(tmp_path)
    path = root / "macro" / "compensation.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "sources"] = "s_no_such_source"
    path.write_text(frame.to_csv(index=False))
    problems = [str(p) for p in package_problems(root)]
    assert any("compensation.csv:2" in p and "s_no_such_source" in p
               and "unknown source id" in p for p in problems)
    frame.loc[0, "sources"] = frame.loc[1, "sources"]
    frame.loc[0, "low"] = str(float(frame.loc[0, "high"]) + 1)
    path.write_text(frame.to_csv(index=False))
    problems = [str(p) for p in package_problems(root)]
    assert any("compensation.csv:2" in p and "low <= central <= high" in p for p in problems)


def test_validate_warns_about_uncounted_jobs(tmp_path):
    from moneytrail.data.validate import footprint_gaps

    root = copy_bundled(tmp_path)
    path = root / "macro" / "compensation.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[frame["country"] != "KR"]               # Korea's labour loses its figure
    path.write_text(frame.to_csv(index=False))
    warnings = [str(w) for w in footprint_gaps(root)]
    assert any("KR/" in w and "not counted" in w for w in warnings)


def test_every_compensation_currency_has_a_rate_and_twd_is_the_feds_cross_rate():
    """The bundled package converts every compensation row (Taiwan's TWD included) and the
    TWD rows are the Federal Reserve's G.5A annual TWD per USD (31.1525 in 2023, as printed in
    the release of 2024-02-01; 32.1064 in 2024, FRED AEXTAUS) times the ECB's USD per EUR."""
    from moneytrail.data.package import bundled_path, open_package
    from moneytrail.data.validate import footprint_gaps

    assert not [str(w) for w in footprint_gaps() if "FX rate" in str(w)]
    fx = open_package(bundled_path()).table("macro-fx")
    rate = {(int(y), str(c)): float(v) for y, c, v in
            zip(fx["year"], fx["currency"], fx["units_per_eur"], strict=True)}
    for year, twd_per_usd in ((2023, 31.1525), (2024, 32.1064)):
        assert rate[year, "TWD"] == pytest.approx(twd_per_usd * rate[year, "USD"], abs=1e-5)
    sources = dict(zip(fx.loc[fx["currency"] == "TWD", "year"].astype(int),
                       fx.loc[fx["currency"] == "TWD", "source"], strict=True))
    assert sources[2023] == "x_fed_g5a_twd"             # read on the Fed's release page
    assert sources[2024] == "x_fred_aextaus_copy"       # a copy of FRED's series: estimate
