"""A budget officer's finding: the headline of a run said "spends EUR 2.00 bn in 2025" for a
plan that spends its budget over 4 years (2025-2028). The run page's headline and the
briefing's summary (HTML and PDF report, `moneytrail report`) now say the years the plan's
inputs give (report.units.spend_period_text: its `spend_years`, else its horizon, from its
year), "in 2025" only for a plan that spends in one year; a plan that leaves its years to the
tool's default is told so."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.report import units  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

PLAN = {"id": "own", "title": "Own plan", "year": 2025, "currency": "EUR",
        "buyer_region": "EU", "budget": {"amount": 2e9},
        "spend": {"accelerators": {"central": 1.0}}, "draws": 50, "seed": 1}
DEFAULT_SAID = "the plan does not say over how many years it spends"


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("period") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def runs(client):
    return {"four": finished(client, {**PLAN, "id": "four", "spend_years": 4}),
            "one": finished(client, {**PLAN, "id": "one", "spend_years": 1}),
            "horizon": finished(client, {**PLAN, "id": "horizon", "horizon_years": 3}),
            "default": finished(client, PLAN)}


@pytest.mark.parametrize(("run", "said"), [
    ("four", "Own plan spends EUR 2.00 bn over 2025\u20132028, bought in the EU market."),
    ("one", "Own plan spends EUR 2.00 bn in 2025, bought in the EU market."),
    ("horizon", "Own plan spends EUR 2.00 bn over 2025\u20132027, bought in the EU market."),
    ("default", "Own plan spends EUR 2.00 bn over 2025\u20132029 (the tool's default spending "
                f"period of 5 years, an assumption: {DEFAULT_SAID}), bought in the EU market."),
])
def test_the_run_page_headline_says_the_years_of_spending(client, runs, run, said):
    text = text_of(client.get(f"/r/{runs[run]}").text)
    assert said in text
    assert (DEFAULT_SAID in text.split("Tracing it")[0]) == (run == "default")


@pytest.mark.parametrize(("run", "said"), [
    ("four", "\u201cOwn plan\u201d spends EUR 2.00 bn at 2025 prices over 2025\u20132028, "
             "bought in the EU market and traced"),
    ("one", "\u201cOwn plan\u201d spends EUR 2.00 bn at 2025 prices in 2025, bought in the EU "
            "market and traced"),
])
def test_the_briefing_summary_says_the_same_years(client, runs, run, said):
    text = text_of(client.get(f"/r/{runs[run]}/report.html").text)
    assert said in text


def test_the_period_sentence_part():
    assert units.spend_period_text(2025, 4) == "over 2025\u20132028"
    assert units.spend_period_text(2025, 1) == "in 2025"
    assert units.spend_period_text(2025, None) == "in 2025"        # years unknown
    assert DEFAULT_SAID in units.spend_period_text(2025, 5, default=True)
    assert DEFAULT_SAID not in units.spend_period_text(2025, 5, default=None)


def test_a_run_stored_before_the_fact_reads_its_plans_years():
    assert units.stored_spend_years({"spend_years": 4}, {"spend_years": 2}) == 4
    assert units.stored_spend_years({}, {"spend_years": 2, "horizon_years": 6}) == 2
    assert units.stored_spend_years({}, {"spend_years": None, "horizon_years": 6}) == 6
    assert units.stored_spend_years({}, {}) is None
