"""Tester findings below the web layer: the scorecard's compute cost per GPT-4-level model in the
plan's own currency (it was always EUR beside rows per USD million), restated in EUR when
plans in several currencies are compared; intervals whose ends print alike said once; the
embodied-CO2 note when every firm has a figure; the 'Rest of the world' sector named apart
from the country row; no claim verdict over too few draws."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.report import units

ROOT = Path(__file__).resolve().parents[1]
COST = ("Whole plan budget divided by the GPT-4-level training runs its compute "
        "could make (not the cost of one run)")   # h88
JOBS = "Jobs paid for per million spent (FTE-years)"


@pytest.fixture(scope="module")
def traced():
    """The gigafactories plan in EUR and the same plan in JPY, and the stargate plan (USD),
    each traced alone (as a single run is), with the EUR value of one unit of each currency
    at the plans' price year."""
    from moneytrail.analysis.footprints import fx_factor
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    eur = load_scenario(ROOT / "scenarios" / "eu-ai-gigafactories.yaml")
    jpy = eur.model_copy(update={"currency": "JPY", "id": "gf-jpy"})
    usd = load_scenario(ROOT / "scenarios" / "stargate-style-us.yaml")
    with Workspace.open() as ws:
        results = {p.id: tasks.ws_trace(ws, p, draws=200, seed=3) for p in (eur, jpy, usd)}
        alone = {k: tasks.scorecard_table([r], ws).frame() for k, r in results.items()}
        both = tasks.scorecard_table([results[eur.id], results["gf-jpy"]], ws)
        rate = {c: fx_factor(ws.analysis.money, c, 2025, "EUR") for c in ("JPY", "USD")}
        per_eur_m = {c: tasks.per_eur_million_factor(ws, c, 2025) for c in ("JPY", "USD")}
    return {"results": results, "alone": alone, "both": both, "rate": rate,
            "per_eur_m": per_eur_m}


def test_compute_cost_is_in_the_plans_own_currency(traced):
    """A USD plan's compute cost per GPT-4-level model reads in USD and a JPY plan's in JPY
    (the tester saw 'EUR 2.03 m' beside rows per USD million); a EUR plan's stays EUR."""
    alone = traced["alone"]
    assert alone["stargate-style-us"].at[COST, "unit"] == "USD"
    assert alone["stargate-style-us"].at[JOBS, "unit"] == "FTE-years per USD million"
    assert alone["gf-jpy"].at[COST, "unit"] == "JPY"
    assert alone["eu-ai-gigafactories"].at[COST, "unit"] == "EUR"


def test_compute_cost_in_usd_is_the_budget_over_the_capabilities(traced):
    """The USD figure is the plan's own money over the GPT-4-level runs its compute
    delivers, draw by draw: no round trip through EUR left in it."""
    import numpy as np

    from moneytrail.analysis.efficiency import efficiency_draws
    from moneytrail.service.workspace import Workspace

    result = traced["results"]["stargate-style-us"]
    with Workspace.open() as ws:
        draws = efficiency_draws(result, ws.analysis)
    per_model = result.total / draws["gpt4_level_capabilities"]
    card = traced["alone"]["stargate-style-us"]
    assert card.at[COST, "stargate-style-us_p50"] == pytest.approx(
        float(np.median(per_model)), rel=1e-9)


def test_compare_across_currencies_keeps_eur_and_matches_the_plan_alone(traced):
    """Plans in EUR and JPY side by side: the compute cost is in EUR for both (the common
    unit, as the per-million rows), the JPY plan's EUR figure is its JPY figure at the JPY
    rate, and the note says so in a sentence."""
    frame = traced["both"].frame()
    assert frame.at[COST, "unit"] == "EUR"
    in_jpy = traced["alone"]["gf-jpy"].at[COST, "gf-jpy_p50"]
    assert frame.at[COST, "gf-jpy_p50"] == pytest.approx(in_jpy * traced["rate"]["JPY"],
                                                        rel=1e-9)
    assert frame.at[COST, "eu-ai-gigafactories_p50"] == pytest.approx(
        traced["alone"]["eu-ai-gigafactories"].at[COST, "eu-ai-gigafactories_p50"], rel=1e-9)
    note = traced["both"].note
    assert ("The plans are in different currencies (EUR, JPY), so figures per million spent "
            "are per EUR million for every plan and amounts of money are in EUR") in note
    assert "are in EUR, JPY:" not in note


def test_stored_runs_restate_money_like_the_cli_compare(traced):
    """Stored single runs put side by side (compare page, briefing) restate the JPY run's
    compute cost in EUR with the factors of stored_scorecards_in_common_unit, to the figure
    `moneytrail compare` prints."""
    from moneytrail.service.tasks import restate_per_million

    factors = {" per JPY million": traced["per_eur_m"]["JPY"], "JPY": traced["per_eur_m"]["JPY"]}
    value = traced["alone"]["gf-jpy"].at[COST, "gf-jpy_p50"]
    unit, restated = restate_per_million("JPY", value, factors)
    assert unit == "EUR"
    assert restated == pytest.approx(traced["both"].frame().at[COST, "gf-jpy_p50"], rel=1e-9)
    jobs = traced["alone"]["gf-jpy"].at[JOBS, "gf-jpy_p50"]
    unit, restated = restate_per_million("FTE per JPY million", jobs, factors)
    assert unit == "FTE per EUR million"
    assert restated == pytest.approx(traced["both"].frame().at[JOBS, "gf-jpy_p50"], rel=1e-9)
    assert restate_per_million("share", 0.5, factors) == ("share", 0.5)
    assert restate_per_million("JPY", None, factors) == ("EUR", None)


@pytest.mark.parametrize(("p5", "p95", "unit", "shown"), [
    (1e-6, 3e-6, "share", "<0.001 %"),                # was '<0.01–<0.01 %'
    (0.953, 0.953, "share", "95.3 %"),                # one draw: was '95.3–95.3 %'
    (0.1, 0.2, "share", "10.0–20.0 %"),
    (2.03e6, 2.03e6, "EUR", "EUR 2.03 m"),
    (5.0, 5.0, "FTE per USD million", "5.0 FTE per USD m"),
    (4.0, 6.0, "FTE per USD million", "4.0–6.0 FTE per USD m"),
])
def test_interval_ends_that_print_alike_are_said_once(p5, p95, unit, shown):
    assert units.interval_text(p5, p95, unit) == shown


def test_co2_note_is_no_lower_bound_when_every_firm_has_a_figure():
    from moneytrail.service.footprints import coverage_text

    full = coverage_text(0.99999)
    assert "lower bound" not in full and "100.0 %" not in full
    assert "none of that output is left out" in full
    partial = coverage_text(0.8)
    assert "80.0%" in partial and "a lower bound" in partial


def test_rest_of_world_sector_is_not_named_like_the_country_row():
    """The run page showed 'Rest of the world 21.4 %' (the rest_of_world sector, one supplier)
    and 'Rest of the world 24.5 %' (the country row: all value added outside the listed
    countries): two definitions under one name. The sector now has its own name."""
    from moneytrail.service.workspace import Workspace

    with Workspace.open() as ws:
        entities = ws.valuechain.entities.set_index("id")
    assert entities.at["rest_of_world", "name"] == "Other firms and sectors abroad"
    assert units.group_label("rest_of_world") == "Other firms and sectors abroad"
    assert units.region_label("ROW") == "Rest of the world"
    assert "Other firms and sectors abroad" in units.ROW_FOOTNOTE


@pytest.mark.parametrize(("draws", "withheld"), [(1, True), (99, True), (100, False),
                                                  (2000, False)])
def test_claim_verdicts_need_enough_draws(draws, withheld):
    from moneytrail.analysis.claims import MIN_VERDICT_DRAWS, withheld_verdict_reason

    reason = withheld_verdict_reason(draws)
    assert bool(reason) is withheld
    if withheld:
        assert reason.startswith("No verdict: ") and f"{draws:,} draw" in reason
        assert f"at least {MIN_VERDICT_DRAWS} draws" in reason
        assert "1 draws" not in reason


def test_briefing_co2_summary_says_which_figures_are_assumed():
    """The briefing's summary said 'firms with a published figure only' while every firm the
    money reaches has an intensity and most are labelled assumptions (finding h55.2)."""
    import pandas as pd

    from moneytrail.report.briefing.content import footprint_sentence
    from moneytrail.service.footprints import coverage_text

    row = {"amount_p5": 1e5, "amount_p50": 2e5, "amount_p95": 3e5}

    class Result:
        tables: dict = {}                 # no stored tables: no skew or rest-of-world sentence

    class Brief:
        result = Result()

        @staticmethod
        def table(name: str) -> pd.DataFrame:
            unit = "FTE-years" if name == "jobs" else "t CO2e"
            label = "jobs (FTE-years), all" if name == "jobs" else "embodied CO2, all tiers"
            return pd.DataFrame([{**row, "unit": unit}], index=[label])

    text = footprint_sentence(Brief())  # type: ignore[arg-type]
    assert "published figure only" not in text
    assert "every firm it reaches" in text and "assumption" in text
    assert "assumption" in coverage_text(1.0)
