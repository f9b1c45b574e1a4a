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
STARGATE = "stargate-style-us"
# what How real says of a plan whose budget has no source
NO_SOURCE = ("The plan gives no source for its budget (the amount was set by hand), so it is "
             "not tied to a recorded announcement")
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
                      r"as it stood when run \w{8} was made\)\.", unescape(html.text))
    assert found is not None
    return found.group(0)


def test_the_plan_page_says_how_real_the_money_is_and_links_the_deal(client, reference_run):
    html = client.get("/plans/eu-ai-gigafactories")
    assert html.status_code == 200
    part = block(html.text)
    said = text_of(part)
    assert said.startswith("How real: Its budget source is also a source of the ledger deal")
    assert FIGURES in said
    # the same sentence as the briefing of the plan's run, read from the same ledger (the
    # briefing's as it stood when the run was made, the plan page's as it is now: no edit
    # since, so the same revision)
    briefing = briefing_sentence(client, reference_run)
    now = re.sub(r", as it stood when run \w{8} was made\)\.$",
                 ", read when this page was made).", briefing)
    assert now != briefing and now in said
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
    assert FIGURES in said and f"as it stood when run {reference_run[:8]} was made" in said
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


def test_a_plan_built_by_hand_says_it_is_not_tied_to_an_announcement(client, plan,
                                                                     builder_run):
    html = client.get(f"/r/{builder_run}")
    assert html.status_code == 200
    part = block(html.text)
    said = text_of(part)
    # its budget has no source: no deal could cite it, and the page says why (it once said
    # "no deal in the ledger cites the plan's budget source", of a source it does not have)
    assert said.startswith(f"How real: {NO_SOURCE}")
    assert "cites the plan's budget source" not in said
    assert "/ledger/deals/" not in part
    real = client.get(f"/api/v1/runs/{builder_run}").json()["how_real"]
    assert real["tied"] is False and real["deals"] == []
    assert real["text"].startswith(NO_SOURCE)
    # a plan whose budget has a source no deal cites keeps the sentence that says so
    cited = finished(client, {**plan, "id": "my-cited-plan", "title": "My cited plan",
                              "budget": {"amount": 3e9, "source": "m_bernstein_gw_capex_2025"},
                              "seed": 19203})
    real = client.get(f"/api/v1/runs/{cited}").json()["how_real"]
    assert real["text"].startswith("This plan is not tied to a recorded announcement: no deal "
                                   "in the ledger"), real["text"]
    assert "cites the plan's budget source" in real["text"]


def test_a_hypothetical_plan_only_borrows_its_budget_size_from_the_deal(client):
    """efficiency-first-eu is moneytrail's own hypothetical plan (its YAML's `kind`): How real
    said "Its budget source is also a source of the ledger deal 'InvestAI fund…': EUR 20.00
    bn announced", as if the plan were announced. It says the plan is not an announced one
    and only borrows its budget's size from the deal, which it still links."""
    html = client.get("/plans/efficiency-first-eu")
    assert html.status_code == 200
    part = block(html.text)
    said = text_of(part)
    assert said.startswith("How real: This is moneytrail's own hypothetical plan, not an "
                           "announced one: it only borrows the size of its budget from the "
                           "ledger deal “InvestAI fund for AI gigafactories”"), said
    assert "Its budget source is also a source" not in said
    assert "EUR 20.00 bn announced (as of 2025-02-11)" in said
    assert f'href="/ledger/deals/{DEAL}"' in part
    api = client.get("/api/v1/plans/efficiency-first-eu").json()["how_real"]
    assert api["text"].startswith("This is moneytrail's own hypothetical plan, not an "
                                  "announced one: it only borrows the size of its budget")
    assert api["tied"] is True and api["deals"][0]["id"] == DEAL
    # its run (whose stored plan keeps no `kind`: known by the reference's id and title)
    from moneytrail.web import builder

    run = finished(client, {**builder.reference_mapping("efficiency-first-eu"),
                            "draws": PLAN_DRAWS, "seed": 19204})
    real = client.get(f"/api/v1/runs/{run}").json()["how_real"]
    assert real["text"].startswith("This is moneytrail's own hypothetical plan"), real["text"]
    assert "This is moneytrail's own hypothetical plan" in text_of(block(
        client.get(f"/r/{run}").text))
    # an announced plan citing the same deal keeps its own sentence
    api = client.get("/api/v1/plans/eu-ai-gigafactories").json()["how_real"]
    assert api["text"].startswith("Its budget source is also a source of the ledger deal")


def test_stargate_links_the_claims_own_sources_with_their_reliability(client):
    """The Stargate plan's "Announced" source linked /sources/a_stargate_openai_2025_01 (an
    analysis copy of the page) while the ledger claim cites l_stargate_openai_2025_01 (the id
    its deal page links); and the committed amount "in its parts" (the Abilene site) rests on
    a source labelled weak without saying so. Each stage's link is the claim's own source id,
    with its reliability beside it, as on the deal's page."""
    html = client.get(f"/plans/{STARGATE}")
    assert html.status_code == 200
    part = block(html.text)
    said = text_of(part)
    assert 'href="/sources/l_stargate_openai_2025_01"' in part
    assert "a_stargate_openai_2025_01" not in part
    assert re.search(r"Announced: USD 500\.00 bn \(as of 2025-01-21\); source: OpenAI announces "
                     r"[^;]*?\(reliability analyst\)", said), said
    assert re.search(r"Committed: USD [0-9.]+ bn in its parts \( ?Stargate US: Abilene[^;]*; "
                     r"source: Stargate Abilene[^;]*?\(reliability weak\)", said), said
    # the deal's page links the same id for the claim, with the same label
    deal_page = client.get("/ledger/deals/l_stargate_us_2025_01").text
    assert 'href="/sources/l_stargate_openai_2025_01"' in deal_page
    # "20.0 %" does not wrap between the number and "%"
    assert "20.0\u00a0%" in part and "20.0 %" not in part
    api = client.get(f"/api/v1/plans/{STARGATE}").json()["how_real"]
    stages = {s["stage"]: s for s in api["deals"][0]["stages"]}
    assert stages["announced"]["sources"] == ["l_stargate_openai_2025_01"]
    assert stages["announced"]["reliability"] == {"l_stargate_openai_2025_01": "analyst"}
    assert stages["committed"]["in_parts"].startswith("Stargate US: Abilene")
    assert stages["committed"]["sources"] == ["l_stargate_abilene_compute"]
    assert stages["committed"]["reliability"] == {"l_stargate_abilene_compute": "weak"}


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
