"""A reader's own check ("Check a figure of your own") stored as a run: its run page /r/<id>
says it was typed by a reader (the check page's banner), does not call it a claim of the
debate, heads its table with the labels the claims pages use (not p50, combine), and escapes
the reader's words; the check page's "Cite as" gives the run page's address (relative, or
under MONEYTRAIL_PUBLIC_URL when the site has one)."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

WORDS = "Nvidia <b>gets</b> half & more"
BANNER = "Typed by a reader."


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("reader-check") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def asked(client) -> dict:
    run = finished(client, {"reference": "eu-ai-gigafactories", "draws": 200, "seed": 1})
    return {"run": run, "quantity": "first_invoice_share", "firms": ["nvidia"],
            "side": "at_least", "number": "50", "words": WORDS}


@pytest.fixture(scope="module")
def check_run(client, asked) -> str:
    body = client.get("/api/v1/claims/check", params=asked).json()
    assert body["check_run_id"]
    return body["check_run_id"]


def test_the_run_page_of_a_readers_check_says_it_was_typed_by_a_reader(client, check_run):
    html = client.get(f"/r/{check_run}").text
    text = text_of(html)
    assert BANNER in text and "not one of the reviewed claims of the debate" in text
    assert "Claims of the debate" not in text          # not called a claim of the debate
    headings = " ".join(text_of(h) for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html))
    assert "claim" not in headings.lower(), headings
    assert "A reader's figure" in headings


def test_the_run_page_of_a_readers_check_uses_the_claims_pages_labels(client, check_run):
    html = client.get(f"/r/{check_run}").text
    head = " ".join(text_of(h) for h in re.findall(r"<thead>(.*?)</thead>", html, re.S))
    for label in ("Bound", "Median (90 % interval)", "P(holds)", "Verdict",
                  "On assumption or weak rows"):
        assert label in head, head
    for raw in ("p50", "p5", "p95", "combine", "p holds", "check verdict", "weak basis"):
        assert not re.search(rf"(^| ){re.escape(raw)}( |$)", head), (raw, head)
    assert "43.2 %" in text_of(html)                  # the figure, as the check page gives it


def test_the_readers_words_are_escaped_on_the_run_page(client, check_run):
    html = client.get(f"/r/{check_run}").text
    assert "<b>gets</b>" not in html
    assert "Nvidia &lt;b&gt;gets&lt;/b&gt; half &amp; more" in html


def test_the_check_pages_citation_gives_the_run_pages_address(client, asked, check_run):
    text = text_of(client.get("/claims/check", params=asked).text)
    cite = text[text.index("Cite as:"):]
    # no public address set: absolute under the address the request reached (h243)
    assert f"http://testserver/r/{check_run}" in cite
    app = client.app
    kept, app.state.public_url = app.state.public_url, "https://mt.example.org"
    try:
        text = text_of(client.get("/claims/check", params=asked).text)
    finally:
        app.state.public_url = kept
    assert f"https://mt.example.org/r/{check_run}" in text[text.index("Cite as:"):]


def test_a_debate_claims_run_page_is_not_marked_as_typed_by_a_reader(client):
    run = client.get("/api/v1/claims").json()["checked"]["run_id"]
    text = text_of(client.get(f"/r/{run}").text)
    assert BANNER not in text
