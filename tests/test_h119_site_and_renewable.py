"""A budget officer's findings (h119): two outputs misled a co-funding decision.

1. A plan with `site_country: DE` showed Germany at under 1 % of value added and "EU, not
   split by member state" at over 20 %: the value chain's construction sector is an EU-level
   row, so building the site in Germany does not put its construction work in Germany's row.
   The country table's note (stored with the run; the CLI, the run page and the briefing show
   it) now says the site country's own share is understated and names the categories and the
   sectors concerned, read from the data.
2. `renewable_share` does not change the lifecycle CO2 (location-based), while a condition
   "at least 50 % renewable power" is scored on that same input. The lifecycle note and the
   operational CO2 row now say the CO2 is location-based and the plan's renewable share does
   not lower it; the conditions table's note says the condition checks the stated share,
   which the CO2 figures do not use.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from moneytrail.scenarios.reference import reference_scenarios
from moneytrail.scenarios.schema import Condition, Interval, load_scenario

DRAWS = 100
EU_ROW = "EU, not split by member state"


def reference(stem: str = "eu-ai-gigafactories"):
    return load_scenario(next(p for p in reference_scenarios() if p.stem == stem))


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def sited(module_ws):
    from moneytrail.service import tasks

    plan = reference().model_copy(update={"site_country": "DE"})
    return tasks.trace_plan(module_ws, plan, draws=DRAWS, seed=1)


@pytest.fixture(scope="module")
def unsited(module_ws):
    from moneytrail.service import tasks

    return tasks.trace_plan(module_ws, reference(), draws=DRAWS, seed=1)


@pytest.fixture(scope="module")
def renewable(module_ws):
    """The EU reference plan stating a 60 % renewable share and a 50 % renewable condition,
    and the same plan stating 100 %."""
    from moneytrail.service import tasks

    base = reference()
    condition = Condition(metric="renewable_share", min=0.5,
                          label="at least 50 % renewable power")

    def stated(low: float, central: float, high: float):
        share = Interval(low=low, central=central, high=high, source=base.budget.source,
                         reliability="assumption", note="test share")
        return base.model_copy(update={"renewable_share": share, "conditions": [condition]})

    return {share: tasks.trace_plan(module_ws, stated(*bounds), draws=DRAWS, seed=1)
            for share, bounds in {"60": (0.5, 0.6, 0.7), "100": (1.0, 1.0, 1.0)}.items()}


# -- 1. the site country ----------------------------------------------------------------------
def test_the_unsplit_sectors_of_a_site_come_from_the_data(module_ws):
    from moneytrail.analysis.site import unsplit_site_sectors

    model = module_ws.model(2025)
    plan = reference()
    region, sectors = unsplit_site_sectors(plan.model_copy(update={"site_country": "DE"}),
                                           model)
    assert region == "EU" and sectors == {"Facility": ["EU construction"]}
    assert unsplit_site_sectors(plan, model) == ("", {})               # no site named
    eu = plan.model_copy(update={"site_country": "EU"})                # the region itself
    assert unsplit_site_sectors(eu, model) == ("", {})
    us = plan.model_copy(update={"site_country": "US"})                # not in the EU
    assert unsplit_site_sectors(us, model) == ("", {})


def test_the_country_table_says_a_german_site_is_understated(sited, unsited):
    from moneytrail.report import units

    note = sited.tables["country"].note
    assert note.startswith("Site country Germany (DE): its own share here is understated.")
    assert "Facility (through EU construction)" in note
    assert units.REGION_LABELS["EU"] == EU_ROW and f"is counted in '{EU_ROW}'" in note
    assert sited.facts["site_note"] and sited.facts["site_note"] in note
    # a plan without a site: no such note (the figures are the same)
    assert "Site country" not in unsited.tables["country"].note
    assert "site_note" not in unsited.facts
    assert sited.tables["country"].rows == unsited.tables["country"].rows


def test_the_cli_the_run_page_and_the_briefing_show_it(module_db, sited, unsited, module_ws):
    from fastapi.testclient import TestClient

    from moneytrail.report.briefing import render_briefing
    from moneytrail.report.terminal import breakdown_table
    from moneytrail.web import create_app

    caption = str(breakdown_table(sited.tables["country"]).caption)
    assert "Site country Germany (DE)" in caption and EU_ROW in caption
    assert "Site country" not in str(breakdown_table(unsited.tables["country"]).caption)
    app = create_app(db=module_db, start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get(f"/r/{sited.run_id}")
        assert page.status_code == 200
        assert "Site country Germany (DE): its own share here is understated" in \
            text_of(page.text)
        plain = client.get(f"/r/{unsited.run_id}")
        assert plain.status_code == 200 and "Site country" not in text_of(plain.text)
    html = text_of(render_briefing(module_ws, [sited], fmt="html", sensitivity=False)
                   .decode("utf-8"))
    assert "Site country Germany (DE): its own share here is understated" in html


# -- 2. renewable share and CO2 ---------------------------------------------------------------
def test_the_renewable_share_leaves_the_co2_alone_and_the_notes_say_so(renewable):
    sixty, full = renewable["60"], renewable["100"]
    co2 = [r.tables["lifecycle"].frame().loc["co2_tonnes"] for r in (sixty, full)]
    assert co2[0]["p50"] == co2[1]["p50"]                 # the numbers are unchanged
    note = sixty.tables["lifecycle"].note
    assert "Operational CO2 is location-based" in note
    assert "The plan's renewable share (60 % central, 50 % to 70 %)" in note
    assert "does not lower it" in note and "market-based" in note
    assert "The plan's renewable share (100 %)" in full.tables["lifecycle"].note
    counts = sixty.tables["lifecycle"].frame().loc["co2_tonnes", "counts"]
    assert "location-based" in counts and "renewable share" in counts
    assert "does not lower it" in counts


def test_the_renewable_condition_says_what_it_checks(module_db, renewable, unsited, module_ws):
    from fastapi.testclient import TestClient

    from moneytrail.report.briefing import render_briefing
    from moneytrail.web import create_app

    table = renewable["60"].tables["conditions"]
    assert "checks the renewable share the plan states" in table.note
    assert "the CO2 figures do not use it" in table.note
    assert "location-based" in table.note
    assert "conditions" not in unsited.tables or not unsited.tables["conditions"].note
    html = text_of(render_briefing(module_ws, [renewable["60"]], fmt="html", sensitivity=False)
                   .decode("utf-8"))
    assert "checks the renewable share the plan states" in html
    assert "Operational CO2 is location-based" in html
    app = create_app(db=module_db, start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, raise_server_exceptions=False) as client:
        page = text_of(client.get(f"/r/{renewable['60'].run_id}").text)
    assert "checks the renewable share the plan states" in page
    assert "Operational CO2 is location-based" in page


def test_analyse_says_it_too(module_ws):
    from moneytrail.analysis.conditions import NOTE, RENEWABLE_GRID_NOTE
    from moneytrail.service import tasks

    plan = reference().model_copy(update={"conditions": [
        Condition(metric="renewable_share", min=0.5)]})
    result = tasks.analyse_plan(module_ws, plan, ["lifecycle", "conditions"], draws=DRAWS, seed=1,
                                store=None)
    assert "Operational CO2 is location-based" in result.tables["lifecycle"].note
    # the verdicts' note, then the renewable one: the plan states no share
    assert result.tables["conditions"].note == f"{NOTE} {RENEWABLE_GRID_NOTE}"


def test_the_methods_say_the_same():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    text = (root / "docs" / "methods.md").read_text(encoding="utf-8")
    assert text == (root / "src" / "moneytrail" / "docs" / "methods.md").read_text(
        encoding="utf-8")
    flat = " ".join(text.split())
    assert "A named site does not move EU-level sectors." in flat
    assert "a location-based figure. The plan's `renewable_share`" in flat
    assert "A `renewable_share` condition checks the share the plan states" in flat
