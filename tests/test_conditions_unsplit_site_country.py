"""A value-added condition on the plan's site country, when the data count the site's sectors
(e.g. construction) only for the EU as a whole, gets no verdict: the country's own figure
leaves out an unknown part of its share (analysis.conditions.withheld_reason). The condition
on the EU as a whole is not affected. Shown alike in the table, the scorecard's 'Conditions
met', the CLI, the web run page, the briefing and the JSON/CSV of the run."""

from __future__ import annotations

import math
import re
from html import unescape
from pathlib import Path

import pytest

from moneytrail.scenarios.reference import reference_scenarios
from moneytrail.scenarios.schema import Condition, load_scenario

DRAWS = 100
GERMAN = Condition(metric="value_added_share", country="DE", min=0.1)
EU = Condition(metric="value_added_share", country="EU", min=0.1)
REASON = "n/a (DE is not split by member state: EUR "
WHERE = "of value added by the site's EU construction sits under 'EU, not split by member state')"


def plan(**update):
    path = next(p for p in reference_scenarios() if p.stem == "eu-ai-gigafactories")
    return load_scenario(path).model_copy(update={"conditions": [GERMAN, EU], **update})


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def sited(module_ws):
    from moneytrail.service import tasks

    return tasks.trace_plan(module_ws, plan(site_country="DE"), draws=DRAWS, seed=1)


def test_the_site_country_condition_gets_no_verdict_and_says_why(sited):
    frame = sited.tables["conditions"].frame()
    german, eu = frame.iloc[0], frame.iloc[1]
    assert str(german["verdict"]).startswith(REASON) and german["verdict"].endswith(WHERE)
    assert math.isnan(german["p_holds"])
    assert 0 < german["value_p50"] < 0.1          # the understated figure is still shown
    assert eu["verdict"] == "met" and eu["p_holds"] == 1.0       # the EU total includes it
    assert "leaves out an unknown part of its share" in sited.tables["conditions"].note
    # the scorecard counts only the EU condition: 1 of 1 met
    scorecard = sited.tables["scorecard"].frame()
    row = scorecard.loc[scorecard.index.str.startswith("Conditions met")].iloc[0]
    assert row.filter(like="p50").iloc[0] == 1.0


def test_the_amount_is_the_value_added_of_the_unsplit_supplier(sited):
    verdict = str(sited.tables["conditions"].frame().iloc[0]["verdict"])
    amount = float(verdict.removeprefix(REASON).split(" bn")[0])
    # the entity table's EU construction row: its value added, all counted in the EU row
    entity = sited.tables["entity"].frame()
    assert amount == pytest.approx(entity.loc["eu_construction", "amount_mean"] / 1e9,
                                   abs=0.006)


def test_a_plan_with_no_site_or_another_site_keeps_its_verdict(module_ws):
    from moneytrail.service import tasks

    for update in ({}, {"site_country": "FR"}, {"site_country": "US"}):
        run = tasks.trace_plan(module_ws, plan(**update), draws=DRAWS, seed=1)
        frame = run.tables["conditions"].frame()
        assert frame.iloc[0]["verdict"] == "not met", update


def test_the_run_page_the_briefing_and_the_csv_show_it(module_db, sited, module_ws):
    from fastapi.testclient import TestClient

    from moneytrail.report.briefing import render_briefing
    from moneytrail.web import create_app

    app = create_app(db=module_db, start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, raise_server_exceptions=False) as client:
        raw = client.get(f"/r/{sited.run_id}").text
        page = text_of(raw)
        assert REASON in page and WHERE in page
        assert 'class="verdict verdict-not-applicable">n/a (DE is not split' in raw
        csv = client.get(f"/api/v1/runs/{sited.run_id}?format=csv&table=conditions")
        assert csv.status_code == 200 and REASON in csv.text and WHERE in csv.text
        data = client.get(f"/api/v1/runs/{sited.run_id}").json()
        assert REASON in str(data) and WHERE in str(data)
    html = text_of(render_briefing(module_ws, [sited], fmt="html", sensitivity=False)
                   .decode("utf-8"))
    assert REASON in html and WHERE in html


def test_the_methods_say_it():
    root = Path(__file__).resolve().parents[1]
    docs = (root / "docs" / "methods.md").read_text(encoding="utf-8")
    assert docs == (root / "src" / "moneytrail" / "docs" / "methods.md").read_text(
        encoding="utf-8")
    assert "is not split by member state:" in docs
