"""A tester's findings: a stored run's briefing changed after a ledger edit and never said
which ledger state it read; a plan's price year was hidden (run summary, compare page);
jobs per million of a small-unit currency (JPY) printed as '0.1 (0.0–0.2)'."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.yamlio import read_yaml  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

PLAN = "eu-ai-gigafactories"
COST = ("Whole plan budget divided by the GPT-4-level training runs its compute "
        "could make (not the cost of one run)")   # h88
DRAWS, SEED = 200, 3


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def mapping(plan_id: str = PLAN) -> dict:
    from moneytrail.errors import ScenarioError

    path = next(p for p in reference_scenarios() if p.stem == plan_id)
    return dict(read_yaml(path, ScenarioError, what="scenario file"))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h44") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def runs(client):
    """The gigafactories plan as shipped (year 2025), at 2020 prices, and as JPY 3 tn."""
    plan = mapping()
    return {"eur": finished(client, {"reference": PLAN, "draws": DRAWS, "seed": SEED}),
            "old": finished(client, {**plan, "id": "gf-2020-prices", "price_year": 2020,
                                     "draws": DRAWS, "seed": SEED}),
            "jpy": finished(client, {**plan, "id": "gf-jpy", "currency": "JPY",
                                     "budget": {**plan["budget"], "amount": 3e12},
                                     "draws": DRAWS, "seed": SEED})}


# -- 1. the ledger state a briefing and a run page read --------------------------------------
def newest(ledger) -> int:
    """The ledger's newest revision (what identifies its state), read from its history."""
    return int(ledger.history(limit=1)["revision"].iloc[0])


def test_the_briefing_of_one_run_names_the_ledger_revision_before_and_after_an_edit(client,
                                                                                   runs):
    ledger = client.app.state.workspace.ledger()
    before = newest(ledger)
    first = text_of(client.get(f"/r/{runs['eur']}/report.html").text)
    assert f"ledger revision {before} of " in first
    page = text_of(client.get(f"/r/{runs['eur']}").text)
    # the page's claims read this store's ledger, which still holds the data package's own
    # (then the claims run is the package's, h216: the page says which ledger it read)
    assert (f"Ledger figures as of ledger revision {before} of " in page
            or "Ledger figures as of the ledger of data package " in page)
    ledger.edit("claim", "gigafactory_fund_announced",
                {"low": "35e9", "central": "35e9", "high": "35e9"}, author="tester",
                reason="a later announcement")
    after = newest(ledger)
    second = text_of(client.get(f"/r/{runs['eur']}/report.html").text)
    # the run's briefing reads the ledger as it stood when the run was made, as its page
    # does (h215): the edit changes neither, and both say which state they read
    assert "EUR 35.00 bn announced" not in second and "EUR 20.00 bn announced" in second
    assert f"ledger revision {before} of " in second
    assert f"ledger revision {after} of " not in second
    assert f"as it stood when run {runs['eur'][:8]} was made" in second


# -- 2. the price year ------------------------------------------------------------------------
def test_the_run_page_says_the_plans_price_year(client, runs):
    text = text_of(client.get(f"/r/{runs['old']}").text)
    assert "spends EUR 20.00 bn at 2020 prices over 2025\u20132029" in text
    assert "Budget EUR 20.00 bn at 2020 prices" in text
    plain = text_of(client.get(f"/r/{runs['eur']}").text)
    # price year = plan year: the headline and budget add nothing (rows per EUR million
    # still say the price year their millions are at)
    assert "bn at 2025 prices" not in plain and "spends EUR 20.00 bn" in plain


def test_the_briefing_summary_says_the_plans_price_year(client, runs):
    text = text_of(client.get(f"/r/{runs['old']}/report.html").text)
    assert "spends EUR 20.00 bn at 2020 prices over 2025\u20132029" in text


def test_compare_page_labels_each_runs_price_year(client, runs):
    html = client.get(f"/compare?runs={runs['eur']},{runs['old']}").text
    text = text_of(html)
    assert "EUR 20.00 bn at 2025 prices" in text and "EUR 20.00 bn at 2020 prices" in text
    row = html[html.index(COST):]
    row = row[:row.index("</tr>")]
    assert "at 2025 prices" in row and "at 2020 prices" in row, row
    assert "money is at different price years" in text
    # the comparison briefing labels each plan's amounts too
    brief = text_of(client.get(f"/compare/report.html?runs={runs['eur']},{runs['old']}").text)
    assert "at 2025 prices" in brief and "at 2020 prices" in brief


# -- 3. jobs per million of a small-unit currency ---------------------------------------------
def test_jobs_per_jpy_million_keep_two_significant_digits(client, runs):
    rows = client.get(f"/api/v1/runs/{runs['jpy']}?table=scorecard").json()["rows"]
    row = next(r for r in rows if str(r.get("unit", "")).startswith("FTE-years per JPY"))
    name = next(k[:-4] for k in row if k.endswith("_p50"))
    p50 = row[f"{name}_p50"]
    assert 0.01 < p50 < 1
    shown = f"{p50:.{1 - __import__('math').floor(__import__('math').log10(p50))}f}"
    page = text_of(client.get(f"/r/{runs['jpy']}").text)
    assert f"{shown} FTE-years per JPY m" in page, shown
    assert "0.1 FTE-years per JPY m" not in page and "0.0–" not in page
    brief = text_of(client.get(f"/r/{runs['jpy']}/report.html").text)
    assert f"{shown} FTE-years per JPY m" in brief
