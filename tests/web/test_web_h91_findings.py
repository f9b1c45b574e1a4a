"""An accessibility tester's findings (h91): page titles that are the same on different
pages, download links all named "CSV", "JSON", "SVG" or "PNG", ledger history and edit pages
named by an id only."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import login, make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

PLAN = "eu-ai-gigafactories"
DEAL = "l_eu_investai_2025_02"
FORMATS = ("CSV", "JSON", "SVG", "PNG")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("h91")
    return make_app(f"sqlite:///{folder / 'ledger.sqlite'}", run_limit=(1000, 100))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def runs(client) -> list[str]:
    """Two runs of one plan, different seeds."""
    return [finished(client, {"reference": PLAN, "draws": 50, "seed": seed})
            for seed in (4, 5)]


def title_of(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1)).strip()


def h1_of(html: str) -> str:
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", h1)).split())


class Links(HTMLParser):
    """Each link's visible text and its accessible name (visible plus visually-hidden)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.depth = 0             # inside an <a>
        self.hidden = 0            # inside a .visually-hidden span within it
        self.seen = ""
        self.name = ""
        self.label = False

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.depth, self.seen, self.name = 1, "", dict(attrs).get("aria-label") or ""
            self.label = bool(self.name)
        elif self.depth and tag == "span" and (
                self.hidden or "visually-hidden" in (dict(attrs).get("class") or "")):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag == "a" and self.depth:
            self.depth = 0
            self.links.append((" ".join(self.seen.split()), " ".join(self.name.split())))
        elif tag == "span" and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if self.depth:
            if not self.hidden:
                self.seen += data
            if not self.label:
                self.name += data


def format_links(html: str) -> list[tuple[str, str]]:
    parser = Links()
    parser.feed(html)
    return [(seen, name) for seen, name in parser.links if seen in FORMATS]


def assert_named_by_table(html: str, at_least: int) -> None:
    links = format_links(html)
    assert len(links) >= at_least, links
    names = [name for _, name in links]
    for seen, name in links:
        # WCAG 2.5.3: the name starts with the visible text and says which table
        assert name.startswith(seen + " of ") and len(name) > len(seen) + 4, (seen, name)
    assert len(set(names)) == len(names), sorted(n for n in names if names.count(n) > 1)


def test_claim_check_pages_have_titles_of_their_own(app, client, runs):
    titles = []
    for claim in client.get("/api/v1/claims").json()["claims"]:
        response = client.get(f"/claims/{claim['id']}/check?run={runs[0]}")
        if response.status_code == 400:          # a claim that depends on no plan
            continue
        title = title_of(response.text)
        titles.append(title)
        assert claim["text"][:20] in title and runs[0][:8] in title, title
    assert len(titles) >= 2
    assert len(set(titles)) == len(titles), titles


def test_two_runs_of_one_plan_have_different_titles(client, runs):
    titles = [title_of(client.get(f"/r/{run}").text) for run in runs]
    assert titles[0] != titles[1], titles
    for run, title, seed in zip(runs, titles, (4, 5), strict=True):
        assert f"run {run[:8]}" in title and "50 draws" in title and f"seed {seed}" in title
    # the heading stays the plan's
    assert h1_of(client.get(f"/r/{runs[0]}").text) == h1_of(client.get(f"/r/{runs[1]}").text)


def test_run_page_download_links_name_their_table(client, runs):
    assert_named_by_table(client.get(f"/r/{runs[0]}").text, at_least=30)


@pytest.mark.parametrize("path", ["/", f"/ledger/deals/{DEAL}", "/ledger", "/claims"])
def test_page_download_links_name_their_table(client, path):
    assert_named_by_table(client.get(path).text, at_least=2)


def test_compare_download_links_name_their_table(client, runs):
    assert_named_by_table(client.get(f"/compare?runs={runs[0]},{runs[1]}").text, at_least=4)


def test_deal_history_and_edit_pages_are_named_by_the_deal(app):
    ledger = app.state.web.ledger
    deal = ledger.get("deal", DEAL)
    ledger.edit("deal", DEAL, {"note": "checked (h91 test)"}, author="eve", reason="test",
                expected_revision=int(deal["revision"]))
    editor = login(app, "eve")
    for path, verb in ((f"/ledger/history/deal/{DEAL}", "History of"),
                       (f"/ledger/edit/deal/{DEAL}", "Edit")):
        html = editor.get(path).text
        named = f"{verb} deal \u201c{deal['name']}\u201d"
        assert title_of(html) == f"{named} ({DEAL}) \u00b7 moneytrail"
        assert h1_of(html) == named
        assert f"Id: <code>{DEAL}</code>" in html        # the id as secondary text


def test_claim_history_is_named_by_its_deal_and_stage(app):
    ledger = app.state.web.ledger
    claim = ledger.records("claim")[0]
    deal = ledger.get("deal", claim["deal"])
    ledger.edit("claim", claim["ref"], {"note": "checked (h91 test)"}, author="eve",
                reason="test", expected_revision=int(ledger.get("claim", claim["ref"])["revision"]))
    html = TestClient(app).get(f"/ledger/history/claim/{claim['ref']}").text
    assert h1_of(html) == f"History of claim \u201c{deal['name']}, {claim['stage']}\u201d"
