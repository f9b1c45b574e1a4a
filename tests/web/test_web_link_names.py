"""Link names a screen reader's list of links can tell apart (WCAG 2.4.4 / 2.4.9): on a run
page, the compare page, the compare picker and the methods page, no two links with the same
accessible name go to different places ("More in the methods" names its section, "beside the
published check" its claim, a run link its plan), and each name still holds the link's visible
text (WCAG 2.5.3)."""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402


class Links(HTMLParser):
    """Every <a href> of a page as (accessible name, visible text, href): the name is the
    aria-label when there is one, else all the link's text (visually hidden spans too)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None, list[str], list[str]]] = []
        self.hidden_depth: list[int] = []    # depth of each open visually-hidden span
        self.depth = 0
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.open.append((str(found["href"]), found.get("aria-label"), [], []))
        elif tag == "span":
            self.depth += 1
            if "visually-hidden" in (found.get("class") or "").split():
                self.hidden_depth.append(self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.open:
            href, label, text, visible = self.open.pop()
            name = label if label is not None else "".join(text)
            self.found.append((" ".join(name.split()), " ".join("".join(visible).split()),
                               href))
        elif tag == "span":
            if self.hidden_depth and self.hidden_depth[-1] == self.depth:
                self.hidden_depth.pop()
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        for _, _, text, visible in self.open:
            text.append(data)
            if not self.hidden_depth:
                visible.append(data)


def links(html: str) -> list[tuple[str, str, str]]:
    parser = Links()
    parser.feed(html)
    return parser.found


def same_name_elsewhere(html: str) -> dict[str, set[str]]:
    """Accessible names shared by links that go to different places."""
    targets: dict[str, set[str]] = defaultdict(set)
    for name, _, href in links(html):
        targets[name].add(href)
    return {name: hrefs for name, hrefs in targets.items() if len(hrefs) > 1}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("link-names") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def runs(client) -> tuple[str, str]:
    return (finished(client, {"reference": "eu-ai-gigafactories", "draws": 200, "seed": 4}),
            finished(client, {"reference": "stargate-style-us", "draws": 200, "seed": 4}))


def test_run_page_links_are_told_apart(client, runs):
    # the Stargate run's How real links the ledger's id of OpenAI's announcement; its source
    # lists name that document by the same id, not the analysis copy's
    assert same_name_elsewhere(client.get(f"/r/{runs[1]}").text) == {}
    html = client.get(f"/r/{runs[0]}").text
    assert same_name_elsewhere(html) == {}
    names = {name for name, _, _ in links(html)}
    assert "More in the methods: Lifecycle cost and TCO" in names
    checks = [name for name, _, href in links(html) if "/check?run=" in href]
    assert len(checks) >= 2 and len(set(checks)) == len(checks), checks
    assert all(name.startswith("beside the published check of the claim “")
               for name in checks), checks


@pytest.mark.parametrize(("plan", "ledger_id", "plan_id"), [
    ("stargate-style-us", "l_stargate_openai_2025_01", "m_stargate_openai_2025"),
    ("eu-ai-gigafactories", "l_investai_ec_dsj", "m_ec_investai_2025")])
def test_plan_page_links_one_document_by_one_id(client, plan, ledger_id, plan_id):
    """The budget fact linked the plan's own id of OpenAI's (or the Commission's) page while
    How real linked the ledger's: one document, two pages. Both now link the ledger's."""
    html = client.get(f"/plans/{plan}").text
    assert same_name_elsewhere(html) == {}
    assert html.count(f'href="/sources/{ledger_id}"') >= 2
    assert f'href="/sources/{plan_id}"' not in html


def test_compare_pages_name_runs_by_their_plan(client, runs):
    picker = client.get(f"/compare?runs={runs[0]}").text     # one run: the picker
    run_links = [(name, visible) for name, visible, href in links(picker)
                 if href in (f"/r/{runs[0]}", f"/r/{runs[1]}")]
    assert len(run_links) == 2, run_links
    for name, visible in run_links:
        assert visible.startswith("run ") and name.startswith(visible), (name, visible)
    titles = {"EU AI gigafactories (InvestAI's EUR 20 bn fund)",
              "Stargate-style US AI data-centre build-out (USD 100 bn first tranche)"}
    assert {name.split(" of ", 1)[-1] for name, _ in run_links} == titles, run_links
    assert same_name_elsewhere(picker) == {}
    assert same_name_elsewhere(client.get(f"/compare?runs={runs[0]},{runs[1]}").text) == {}


def test_methods_page_links_are_told_apart(client):
    html = client.get("/methods").text
    assert same_name_elsewhere(html) == {}
    assert any(name == "More in the methods: Market power" for name, _, _ in links(html))


def test_every_name_holds_its_visible_text(client, runs):
    """WCAG 2.5.3: what a speech user reads on screen is in the name they can say."""
    for url in (f"/r/{runs[0]}", f"/compare?runs={runs[0]}", "/methods"):
        for name, visible, _ in links(client.get(url).text):
            assert visible in name, (url, name, visible)
