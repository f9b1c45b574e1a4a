"""A parliamentary staffer's findings (h60): conditions in words and units, the methods page
and jargon explained, names instead of ids, the EU total in "In short", and a waiting page that
does not look finished before it starts."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.report import units  # noqa: E402
from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.app import templates  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("h60") / "ledger.sqlite"
    return create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# -- 5. the waiting page ------------------------------------------------------------------------
@pytest.mark.parametrize(("status", "done", "label"), [
    ("queued", 0, "Monte Carlo draws: waiting to start"),
    ("running", 250, "Monte Carlo draws: 250 of 1,000 done")])
def test_waiting_page_labels_its_state_truthfully(status, done, label):
    state = {"id": "abc", "status": status, "done": done, "total": 1000, "error": ""}
    html = templates().get_template("run_wait.html").render(state=state, title="A plan")
    found = re.search(r'<label for="run-bar" id="run-bar-label">(.*?)</label>', html)
    assert found and found[1] == label


CONDITIONS = [{"metric": "eu_value_added_share", "min": 0.5},
              {"metric": "hhi_change", "max": 100},
              {"metric": "co2_tonnes", "max": 1e6},
              {"metric": "value_added_share", "group": "us_big_tech", "max": 0.3}]


def conditions_plan() -> dict:
    import yaml

    plan = yaml.safe_load((ROOT / "scenarios" / "eu-ai-gigafactories.yaml").read_text())
    plan.update(id="eu-gf-conditions", title="EU gigafactories with conditions",
                conditions=CONDITIONS, draws=300, seed=5)
    return plan


@pytest.fixture(scope="module")
def with_conditions(client) -> str:
    return finished(client, conditions_plan())


@pytest.fixture(scope="module")
def run_page(client, with_conditions) -> str:
    return client.get(f"/r/{with_conditions}").text


def conditions_table(html: str) -> str:
    start = html.index('id="conditions-h"')
    return html[start:html.index("</table>", start)]


# -- 1. conditions in words and units -----------------------------------------------------------
def test_run_page_conditions_read_in_words_and_units(client, with_conditions, run_page):
    text = text_of(conditions_table(run_page))
    for words in ("EU value added share at least 50 %",
                  "Largest HHI rise (market concentration) among the markets bought in at most "
                  "100 points", "Operational CO2 over the horizon at most 1.00 Mt CO2e",
                  "Value added share to US hyperscalers (Amazon, Microsoft, Google) at most "
                  "30 %"):
        assert words in text
    for raw in ("eu_value_added_share", "hhi_change", "co2_tonnes", ">=", "<=", "P(met)"):
        assert raw not in text
    rows = client.get(f"/api/v1/runs/{with_conditions}?format=json&table=conditions").json()
    rows = rows.get("rows", rows) if isinstance(rows, dict) else rows
    eu = next(r for r in rows if r["metric"] == "eu_value_added_share")
    assert f"{units.percent(eu['value_p50'])}" in text      # the median as a share, as stored
    co2 = next(r for r in rows if r["metric"] == "co2_tonnes")
    assert f"{co2['value_p50'] / 1e6:.2f} Mt CO2e" in text


# -- 4. "In short" gives the EU total -----------------------------------------------------------
def french_cloud_plan() -> dict:
    import yaml

    plan = yaml.safe_load((ROOT / "scenarios" / "efficiency-first-eu.yaml").read_text())
    plan.update(id="fr-cloud", title="Cloud compute from OVHcloud and Scaleway", draws=300,
                seed=5, spend={"cloud_compute": {"central": 1.0}},
                procurement={"cloud_compute": {"ovhcloud": {"central": 0.5},
                                               "scaleway": {"central": 0.5}}})
    return plan


def headline_of(html: str) -> str:
    start = html.index('id="headline-h"')
    return text_of(html[start:html.index("</section>", start)])


def scorecard_eu(client, run_id: str) -> dict:
    rows = client.get(f"/api/v1/runs/{run_id}?format=json&table=scorecard").json()
    rows = rows.get("rows", rows) if isinstance(rows, dict) else rows
    return next(r for r in rows if str(r.get("metric")).startswith("EU value added"))


def test_in_short_says_one_place_once_and_gives_the_eu_total(client):
    run_id = finished(client, french_cloud_plan())
    html = client.get(f"/r/{run_id}").text
    text = headline_of(html)
    assert text.count("France") == 1, text
    eu = scorecard_eu(client, run_id)
    share = next(v for k, v in eu.items() if k.endswith("_p50"))
    assert "In all, value added in the EU" in text
    assert f"{units.percent(share)}" in text.split("In all, value added in the EU")[1]
    assert f"{units.percent(share)}" in text_of(html[html.index('id="scorecard-h"'):])


def test_in_short_labels_the_unsplit_eu_row_apart_from_the_eu_total(client):
    run_id = finished(client, {"reference": "efficiency-first-eu", "draws": 300, "seed": 5})
    text = headline_of(client.get(f"/r/{run_id}").text)
    assert "EU-wide sectors the data do not split by member state (a part of the EU's " \
           "total)" in text
    assert "the EU (value added not split by member state)" not in text
    eu = scorecard_eu(client, run_id)
    share = next(v for k, v in eu.items() if k.endswith("_p50"))
    assert f"In all, value added in the EU (every member state and the EU-wide sectors " \
           f"together, the scorecard's “EU value added (location)”) is {units.percent(share)}" \
           in text


# -- 3. names where ids showed ------------------------------------------------------------------
def visible(html: str) -> str:
    """The page's text without attributes (ids may stay in title and href for copying)."""
    main = html[html.index("<main"):html.index("</main>")]
    return text_of(re.sub(r"<script.*?</script>", "", main, flags=re.S))


def test_compare_links_and_breadcrumb_name_plans_not_ids(client, with_conditions):
    finished(client, {"reference": "efficiency-first-eu", "draws": 2000, "seed": 1})
    html = client.get(f"/r/{with_conditions}").text
    actions = html[html.index('<p class="actions">'):]
    actions = actions[:actions.index("</p>")]
    links = re.findall(r'<a href="/compare\?runs=[^"]+">(.*?)</a>', actions)
    assert links and "efficiency-first-eu" not in links
    assert unescape(links[0]) == ("Efficiency-first EU alternative (same EUR 20 bn, people and "
                                  "rented European compute)")
    crumb = html[html.index('<p class="breadcrumb">'):]
    crumb = text_of(crumb[:crumb.index("</p>")])
    assert with_conditions not in crumb and "EU gigafactories with conditions" in crumb
    assert with_conditions in visible(html)         # the id is still there to copy


def test_data_notes_name_the_ids_they_mention(client, with_conditions):
    deal = client.get("/ledger/deals/l_stargate_us_2025_01").text
    notes = " ".join(text_of(n) for n in re.findall(r'<td class="note-cell">(.*?)</td>', deal,
                                                     re.S))
    assert "was the Center Consulting summary" in notes
    assert "l_stargate_2025_01_center" not in notes
    assert re.search(r'<a href="/sources/l_stargate_2025_01_center"[^>]*><bdi>Stargate intends '
                     r"to invest 500 billion dollars</bdi></a>", deal)
    source = visible(client.get("/sources/m_assumption_cloud_proxy").text)
    note = source[source.index("Note:"):][:80]
    assert "cloud_compute" not in note and note.startswith("Note: Cloud compute uses")
    html = client.get(f"/r/{with_conditions}").text
    assert "m_assumption_capex_split_eu" not in visible(html)
    # the start of its note in its title (h143: the same in every list of sources)
    assert re.search(r'href="/sources/m_assumption_capex_split_eu"[^>]*><bdi>Modelling '
                     r"assumption: EU gigafactories \(~100,000[^<]*</bdi></a> "
                     r'<span class="source-meta">\(<bdi>moneytrail</bdi>, [0-9-]+\)</span>', html)


# -- 2. the methods as a page, jargon explained -------------------------------------------------
def test_methods_page_serves_the_packaged_methods_with_anchors(client):
    from moneytrail.report.methods import methods_text

    assert methods_text() == (ROOT / "docs" / "methods.md").read_text(encoding="utf-8"), \
        "the packaged copy (src/moneytrail/docs/methods.md) differs from docs/methods.md"
    html = client.get("/methods").text
    assert "<h1>Methods and modelling conventions</h1>" in html
    assert '<h2 id="evidence-weight">Evidence weight</h2>' in html
    assert '<a href="#market-power-economic-profit-markups-and-procurement-rules">' \
        in html
    assert client.get("/docs/methods.md").status_code == 404     # the page, not the file


def test_methods_contents_show_no_internal_tags():
    """The section list is for readers: no '(issue 15)' or '(data 2.0.0)' in a heading."""
    from moneytrail.report.methods import methods_page

    titles = [entry["title"] for entry in methods_page()[1]]
    assert "Market power: economic profit, markups and procurement rules" in titles
    assert [t for t in titles if re.search(r"\((issue|data) [0-9]", t)] == []


def test_methods_markdown_shows_raw_html_as_text():
    from moneytrail.report.methods import render_markdown

    body, toc = render_markdown("# T\n\n## A & b\n\n<script>alert(1)</script>\n\n"
                                "[x](javascript:alert(2))\n")
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert 'href="javascript' not in body
    assert toc == [{"level": 2, "anchor": "a-b", "title": "A & b"}]
    assert '<h2 id="a-b">A &amp; b</h2>' in body


def test_run_page_links_the_methods_and_explains_its_words(client, with_conditions, run_page):
    text = visible(run_page)
    assert "docs/methods.md" not in text and "spend_years" not in text
    assert "horizon_years" not in text
    assert re.search(r'<a href="/methods[#"]', run_page[run_page.index('id="footprints-h"'):])
    assert '<a href="/methods">methods page</a>' in run_page
    footer = run_page[run_page.index('<footer'):]
    assert '<a href="/methods">' in footer
    terms = run_page[run_page.index('id="terms-h"'):]
    terms = text_of(terms[:terms.index("</section>")])
    for word in ("HHI (Herfindahl–Hirschman index)", "–99 points", "WACC (weighted average "
                 "cost of capital)", "Tornado analysis", "Years the budget is spent over"):
        assert word in terms
    assert '<a href="#terms-h">' in run_page[run_page.index('id="scorecard-h"'):]
