"""A fact-checker's findings (h114) on the claims pages: each claim says who made it, when and
where (linked to the source's page); a claim's sources list each document once; a supported
verdict resting mostly on assumption or weak rows says so in its own label and style."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

JOBS = "stargate-over-100000-us-jobs"
WEAK = "stargate-private-and-far-less-secured"      # supported, 100 % on weak rows
SOUND = "eu-2024-package-small"                      # supported, 0 % on weak rows


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("claims-h114") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def claims_page(client) -> str:
    response = client.get("/claims")
    assert response.status_code == 200
    return response.text


def article(html: str, claim: str) -> str:
    start = html.index(f'<article class="claim" id="{claim}"')
    return html[start:html.index("</article>", start)]


def text_of(html: str) -> str:
    """What a reader sees: tags dropped (no space left before a comma they separated)."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,;)])", r"\1", text)


def test_a_claim_says_who_made_it_when_and_where_at_its_top(claims_page):
    mine = article(claims_page, JOBS)
    said = text_of(mine)
    assert "Claimed by Donald Trump, US President, announcing Stargate at the White House " \
           "(Roosevelt Room), 21 January 2025, in Remarks on Artificial Intelligence " \
           "Infrastructure Development and an Exchange With Reporters" in said   # data 2.5.4
    assert 'href="/sources/a_stargate_whitehouse_2025_01"' in mine
    assert '<time datetime="2025-01-21">' in mine
    # before the verdict and the checks
    assert mine.index("Claimed by") < mine.index("Verdict:")


def test_a_paraphrase_says_it_has_no_single_speaker(claims_page):
    said = text_of(article(claims_page, SOUND))
    assert "No single speaker: a position in the public debate (paraphrased)" in said


def test_a_claims_sources_list_each_document_once(claims_page):
    mine = article(claims_page, JOBS)
    sources = mine[mine.index('class="sources"'):]
    assert text_of(sources).count("OpenAI announces $500 bn Stargate Project") == 1


def test_a_supported_verdict_on_weak_evidence_says_so_in_its_label(claims_page):
    weak = article(claims_page, WEAK)
    verdict = re.search(r'<p>Verdict: (<span class="verdict [^"]*"[^>]*>.*?</span>)', weak)[1]
    assert "verdict-weak-basis" in verdict and "verdict-supported" not in verdict
    assert text_of(verdict) == "Supported \u2014 on weak evidence"
    sound = article(claims_page, SOUND)
    verdict = re.search(r'<p>Verdict: (<span class="verdict [^"]*"[^>]*>.*?</span>)', sound)[1]
    assert "verdict-supported" in verdict and text_of(verdict) == "Supported"


def test_the_weak_basis_style_is_not_the_supported_green(client):
    css = client.get("/static/site.css").text
    rule = re.search(r"\.verdict-weak-basis \{([^}]*)\}", css)[1]
    assert "var(--ok)" not in rule and "color:" in rule


def test_the_claims_download_has_the_claimant_columns(client):
    rows = list(csv.DictReader(io.StringIO(
        client.get("/api/v1/claims?format=csv&table=checks").text)))
    jobs = next(r for r in rows if r["claim"] == JOBS)
    assert jobs["claimed_by"].startswith("Donald Trump")
    assert jobs["claimed_on"] == "2025-01-21"
    assert jobs["claimed_in"] == "a_stargate_whitehouse_2025_01"
    checks = client.get("/api/v1/claims").json()["checks"]
    assert next(r for r in checks if r["claim"] == JOBS)["claimed_on"] == "2025-01-21"


def test_a_claim_checked_against_a_run_says_who_made_it(client):
    run = finished(client, {"reference": "stargate-style-us", "draws": 200, "seed": 1})
    html = client.get(f"/claims/{JOBS}/check?run={run}").text
    said = text_of(html)
    assert "Claimed by Donald Trump" in said and "21 January 2025" in said
    assert 'href="/sources/a_stargate_whitehouse_2025_01"' in html
    sources = html[html.index('class="sources"'):]
    assert text_of(sources).count("OpenAI announces $500 bn Stargate Project") == 1


def test_the_claimant_is_escaped():
    from moneytrail.web.app import templates

    macros = templates().get_template("macros.html").module
    html = str(macros.claimant({"claimed_by": "<script>alert(1)</script>",          # type: ignore[attr-defined]
                                "claimed_on": "2025-01", "claimed_in": ""}))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "January 2025" in html


def test_the_verdict_key_explains_the_weak_evidence_label(claims_page):
    """The key above the claims explained every verdict but the weak-evidence one that four
    claims carry; it says what it means and links to the methods."""
    key = claims_page[claims_page.index('<ul class="verdict-key">'):]
    key = key[:key.index("</ul>")]
    said = text_of(key)
    assert "Supported — on weak evidence" in said       # among the verdicts shown so
    assert "on weak evidence : at least half of " \
           "the figure behind the verdict rests on rows labelled assumption or weak" in said
    assert 'class="verdict verdict-weak-basis"' in key
    assert 'href="/methods#evidence-weight"' in key
