"""How real a plan's money is, on its plan page, its run pages and the run's JSON (a
parliamentary staffer's finding: the page of eu-ai-gigafactories never said that its EUR 20 bn
is announced only, with nothing committed or spent, nor linked the ledger deal it rests on,
while the PDF briefing said it). The pages say the briefing's own sentence (one function,
report.briefing.content.reality_text, from the same deal: matching_deals), with each stage's
sources and a link to the deal's ledger page; a plan no deal is tied to says so."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

PLAN_DRAWS = 50
APP_OPTIONS = {"run_limit": (1000, 100)}
DEAL = "l_eu_gigafactory_fund_2025_02"
# what the briefing says of eu-ai-gigafactories (data package ledger: one announced claim)
FIGURES = ("ledger deal “InvestAI fund for AI gigafactories”: EUR 20.00 bn announced "
           "(as of 2025-02-11) (about the same amount as the plan's budget); no committed "
           "amount recorded; no money recorded as spent (the deal's amounts at 2025 prices")


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app)


@pytest.fixture(scope="module")
def reference_run(client, plan) -> str:
    return finished(client, {**plan, "seed": 19201})


@pytest.fixture(scope="module")
def builder_run(client, plan) -> str:
    """A plan built by hand: its budget cites no source, so no ledger deal is tied to it."""
    return finished(client, {**plan, "id": "my-own-plan", "title": "My own plan",
                             "budget": {"amount": 3e9}, "seed": 19202})


def block(html: str) -> str:
    """The page's "How real" block (web/templates/how_real.html)."""
    found = re.search(r'<div class="how-real[^"]*" id="how-real">(.*?)</div>', html, re.S)
    assert found is not None, "no How real block on the page"
    return found.group(1)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def briefing_sentence(client, run_id: str) -> str:
    """The briefing's sentence on how real the plan's money is (from its HTML version)."""
    html = client.get(f"/r/{run_id}/report.html")
    assert html.status_code == 200, html.text[:300]
    found = re.search(r"Its budget source is also a source of the ledger deal[^<]*?"
                      r"read when this briefing was made\)\.", unescape(html.text))
    assert found is not None
    return found.group(0)


def test_the_plan_page_says_how_real_the_money_is_and_links_the_deal(client, reference_run):
    html = client.get("/plans/eu-ai-gigafactories")
    assert html.status_code == 200
    part = block(html.text)
    said = text_of(part)
    assert said.startswith("How real: Its budget source is also a source of the ledger deal")
    assert FIGURES in said
    # the same sentence as the briefing of the plan's run, read from the same ledger
    assert briefing_sentence(client, reference_run).replace(
        "this briefing was made", "this page was made") in said
    assert "Committed: none recorded" in said and "Spent: none recorded" in said
    assert re.search(r"Announced: EUR 20\.00 bn \(as of 2025-02-11\); source: ", said)
    assert 'href="/sources/l_investai_ec_dsj"' in part           # the announced claim's source
    assert f'href="/ledger/deals/{DEAL}"' in part
    assert client.get(f"/ledger/deals/{DEAL}").status_code == 200
    # near the top: before the page's first section
    assert html.text.index('id="how-real"') < html.text.index('id="traced-h"')
    api = client.get("/api/v1/plans/eu-ai-gigafactories").json()["how_real"]
    assert api["tied"] is True and [d["id"] for d in api["deals"]] == [DEAL]
    assert api["deals"][0]["url"] == f"/ledger/deals/{DEAL}"
    assert FIGURES in api["text"]


def test_the_run_page_and_its_json_say_it_too(client, reference_run):
    html = client.get(f"/r/{reference_run}")
    assert html.status_code == 200
    part = block(html.text)
    said = text_of(part)
    assert FIGURES in said and "read when this page was made" in said
    assert f'href="/ledger/deals/{DEAL}"' in part and 'href="/sources/l_investai_ec_dsj"' in part
    assert html.text.index('id="how-real"') < html.text.index('id="first-h"')
    # one document, one page: the plan's budget source is the same Commission release
    titles: dict[str, set[str]] = {}
    for href, title in re.findall(r'<a href="(/sources/[^"]+)"[^>]*><bdi[^>]*>([^<]+)</bdi>',
                                  html.text):
        titles.setdefault(title, set()).add(href)
    assert titles["Commission launches new InvestAI initiative to mobilise EUR 200 billion of "
                  "investment in AI"] == {"/sources/l_investai_ec_dsj"}
    body = client.get(f"/api/v1/runs/{reference_run}").json()
    real = body["how_real"]
    assert real["tied"] is True and FIGURES in real["text"]
    deal = real["deals"][0]
    assert deal["id"] == DEAL and deal["url"] == f"/ledger/deals/{DEAL}"
    stages = {s["stage"]: s for s in deal["stages"]}
    assert stages["announced"]["amount"] == "EUR 20.00 bn"
    assert stages["announced"]["sources"] == ["l_investai_ec_dsj"]
    assert stages["committed"]["amount"] is None and stages["disbursed"]["amount"] is None


def test_a_plan_built_by_hand_says_it_is_not_tied_to_an_announcement(client, builder_run):
    html = client.get(f"/r/{builder_run}")
    assert html.status_code == 200
    part = block(html.text)
    said = text_of(part)
    assert said.startswith("How real: This plan is not tied to a recorded announcement: no "
                           "deal in the ledger")
    assert "/ledger/deals/" not in part
    real = client.get(f"/api/v1/runs/{builder_run}").json()["how_real"]
    assert real["tied"] is False and real["deals"] == []
    assert real["text"].startswith("This plan is not tied to a recorded announcement")


def test_what_the_ledger_says_is_escaped(client):
    """A deal's name is anyone's writing (an account can edit the ledger): shown as text."""
    ledger = client.app.state.web.ledger
    name = 'Fund <script>alert("x")</script> & co'
    ledger.edit("deal", DEAL, {"name": name}, author="tester", reason="escaping test")
    try:
        part = block(client.get("/plans/eu-ai-gigafactories").text)
        assert "<script>" not in part
        assert "Fund &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in part
        assert text_of(part).count(name) == 2         # in the sentence and the deal's link
    finally:
        ledger.edit("deal", DEAL, {"name": "InvestAI fund for AI gigafactories"},
                    author="tester", reason="escaping test done")
