"""A run page's "Sources behind these figures": each document once (one URL recorded under a
value-chain and a market id is one source, as the briefing and /claims count it), so the page's
count equals the briefing's "N in all"; modelling assumptions (the bare title "Modelling
assumption") are told apart by the start of their note and listed in their own group."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.data.sourcing import url_key  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

PLAN = "eu-ai-gigafactories"
SAME_PAGE = ("c_bernstein_gw_capex", "m_bernstein_gw_capex_2025")   # one URL, two ids


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("sources_once") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def run_id(client) -> str:
    return finished(client, {"reference": PLAN, "draws": 200, "seed": 1})


@pytest.fixture(scope="module")
def section(client, run_id) -> str:
    html = client.get(f"/r/{run_id}").text
    start = html.index('<h2 id="sources-h">')
    return html[start:html.index("</section>", start)]


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def listed(section: str) -> list[str]:
    return re.findall(r'<li><a href="/sources/([^"]+)"', section)


def url_of(client, source: str) -> str:
    web = client.app.state.web
    found = web.package_sources().get(source) or web.source_info(source) or {}
    return str(found.get("url") or "")


def test_the_run_page_lists_each_document_once(client, run_id, section):
    ids = listed(section)
    assert len(ids) > 100
    assert len(ids) == len(set(ids))
    urls = [url_key(url_of(client, s)) for s in ids]
    documents = [u for u in urls if u]
    assert len(documents) == len(set(documents)), "a URL is listed twice"
    assert len([s for s in SAME_PAGE if s in ids]) == 1
    sources = client.get(f"/api/v1/runs/{run_id}").json()["result"]["provenance"]["sources"]
    assert set(SAME_PAGE) <= set(sources)       # the run cites the page under both ids
    keys = {url_key(url_of(client, s)) or f"id:{s}" for s in sources if s}
    assert len(ids) == len(keys)


def test_the_count_is_documents_plus_assumptions_and_equals_the_briefing(client, run_id,
                                                                        section):
    ids = listed(section)
    words = text_of(section)
    web = client.app.state.web
    assumptions = [s for s in ids if web.package_sources().get(s, {}).get("reliability")
                   == "assumption"]
    documents = len(ids) - len(assumptions)
    assert assumptions and documents
    assert f"The {len(ids)} sources " in words
    assert f"{documents} documents and {len(assumptions)} modelling assumptions" in words
    assert f"Show the {len(ids)} sources" in words
    briefing = text_of(client.get(f"/r/{run_id}/report.html").text)
    found = re.search(r"(\d+) in all under this plan's figures", briefing)
    assert found, "the briefing names its sources in all"
    assert int(found[1]) == len(ids)


def test_assumptions_come_after_the_documents_in_their_own_group(client, section):
    ids = listed(section)
    web = client.app.state.web
    kinds = [web.package_sources().get(s, {}).get("reliability") == "assumption" for s in ids]
    first = kinds.index(True)
    assert all(kinds[first:]), "the modelling assumptions are listed together, last"
    before = section[:section.index(f'<li><a href="/sources/{ids[first]}"')]
    headings = [text_of(h) for h in re.findall(r"<h3[^>]*>(.*?)</h3>", before, re.S)]
    assert headings[-1] == f"Modelling assumptions ({len(ids) - first})"
    assert headings[-2] == f"Documents ({first})"


def test_two_modelling_assumptions_read_differently(client, section):
    shown = {s: text_of(t) for s, t in
             re.findall(r'<li><a href="/sources/([^"]+)"[^>]*>(.*?)</a>', section)}
    bare = [s for s in shown if s.startswith("m_assumption_")]
    assert len(bare) >= 8
    titles = [shown[s] for s in bare]
    assert len(set(titles)) == len(titles), titles
    assert all(t.startswith("Modelling assumption: ") for t in titles)
    assert shown["m_assumption_capex_split_eu"].startswith(
        "Modelling assumption: EU gigafactories (~100,000 Nvidia-class chips each)")
    assert shown["m_assumption_accelerators_2025"] != shown["m_assumption_facility_split"]


def test_the_description_of_an_assumption_is_escaped(client):
    """The note's start goes into the title through the template, escaped as any data."""
    env = client.app.state.templates
    template = env.from_string('{% from "macros.html" import source_link with context %}'
                               '{{ source_link("m_x") }}')
    from moneytrail.web.state import readable_info

    info = readable_info({"title": "Modelling assumption", "publisher": "moneytrail",
                          "published": "2026-11-26", "about": "<script>x</script> & more"})
    html = template.render(source_info=lambda _id: info)
    assert "<script>" not in html
    assert "Modelling assumption: &lt;script&gt;x&lt;/script&gt; &amp; more" in html
