"""Stargate's committed money on the deal pages (helper h76): one rule, the ledger's, for the
deal page, the claim check and the briefing. Abilene's page uses its latest committed claim
(the financing; Oracle's earlier chip order is not used) and the Stargate headline's page,
which records no committed claim itself, shows its parts' committed money."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("h76") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False)
    with TestClient(app) as test_client:
        yield test_client


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_headline_page_shows_the_committed_money_of_its_parts(client):
    html = client.get("/ledger/deals/l_stargate_us_2025_01?price_year=2025").text
    text = text_of(html)
    assert "Committed in its parts EUR 13.27 bn (as of 2025-06): Stargate US: Abilene " \
           "(Texas) flagship site" in text
    # the part's link keeps the page's price year (test_web_deal_page_links_keep_money.py)
    assert 'href="/ledger/deals/l_stargate_us_abilene?price_year=2025"' in html
    # SoftBank's US pledge is a part too, but its spent money is OpenAI equity, also in the
    # OpenAI round: not counted as Stargate's
    assert "Spent in its parts" not in text
    body = client.get("/api/v1/ledger/deals/l_stargate_us_2025_01?price_year=2025").json()
    parts = {p["stage"]: p for p in body["in_parts"]}
    assert parts["committed"]["refs"] == ["stargate_us_abilene_financing"]
    assert parts["committed"]["central"] == pytest.approx(13.2746e9, rel=1e-4)


def test_the_part_uses_its_latest_committed_claim(client):
    body = client.get("/api/v1/ledger/deals/l_stargate_us_abilene?price_year=2025").json()
    used = {c["ref"]: c["used"] for c in body["claims"] if c["stage"] == "committed"}
    assert used == {"stargate_us_abilene_financing": True, "stargate_us_oracle_chips": False}
    assert body["in_parts"] == []           # its own claims count, not a sum of parts
