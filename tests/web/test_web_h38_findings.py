"""A tester's findings on the web app: a claim checked against a 1-draw run got a verdict
('Supported', '95.3–95.3 %') with no warning; the compute cost per GPT-4-level model was in
EUR beside rows per USD or JPY million; two 'Rest of the world' figures on one run page; a
firm table sorted by mean but showing medians; '<0.01–<0.01 %'; 'a lower bound' at full
coverage; source ids as link text; a home title saying 'public' over mostly private
pledges; '1 draws'; 'The runs are in EUR, USD:'; 422 responses titled 'Bad request'."""

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
CLAIM = "public-money-to-nvidia-and-hyperscalers"
COST = ("Whole plan budget divided by the GPT-4-level training runs its compute "
        "could make (not the cost of one run)")   # h88
DRAWS, SEED = 200, 3
VERDICTS = ("supported", "contradicted", "uncertain", "conditional")


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def mapping(plan_id: str = PLAN) -> dict:
    from moneytrail.errors import ScenarioError

    path = next(p for p in reference_scenarios() if p.stem == plan_id)
    return dict(read_yaml(path, ScenarioError, what="scenario file"))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h38") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def runs(client):
    """The gigafactories plan with 1 draw and with 200, and the same plan in JPY."""
    return {"one": finished(client, {"reference": PLAN, "draws": 1, "seed": SEED}),
            "eur": finished(client, {"reference": PLAN, "draws": DRAWS, "seed": SEED}),
            "jpy": finished(client, {**mapping(), "id": "gf-jpy", "currency": "JPY",
                                     "draws": DRAWS, "seed": SEED})}


# -- 1. a claim checked against a run with too few draws ------------------------------------
def test_a_claim_checked_against_a_one_draw_run_gets_no_verdict(client, runs):
    body = client.get(f"/api/v1/claims/{CLAIM}/check?run={runs['one']}").json()
    assert body["verdict_withheld"] is True
    assert body["claim"]["verdict"] == "withheld"
    assert {c["check_verdict"] for c in body["claim"]["checks"]} == {"withheld"}
    assert "only 1 Monte Carlo draw," in body["note"]            # the run page's warning
    assert "No verdict: with only 1 draw, P(holds) can only be 0 or 100 %" in body["note"]
    assert body["published"]["verdict"] in VERDICTS               # the published one stays
    page = client.get(f"/claims/{CLAIM}/check?run={runs['one']}")
    assert page.status_code == 200
    html = page.text
    verdict_line = html[html.index("Verdict for this run:"):]
    verdict_line = verdict_line[:verdict_line.index("As published")]
    assert "No verdict (too few draws)" in verdict_line
    assert not any(f"verdict-{v}" in verdict_line for v in VERDICTS), verdict_line
    text = text_of(html)
    assert "This run has only 1 Monte Carlo draw" in text and "No verdict:" in text
    assert "(1 draw, seed" in text and "1 draws" not in text
    # an interval whose ends are alike is one figure, not '95.3–95.3 %'
    assert not re.search(r"(\d[\d.,]*)–\1 %", text), re.search(r"(\d[\d.,]*)–\1 %", text)


def test_a_claim_checked_against_200_draws_gets_a_verdict_and_the_warning(client, runs):
    body = client.get(f"/api/v1/claims/{CLAIM}/check?run={runs['eur']}").json()
    assert body["verdict_withheld"] is False
    assert body["claim"]["verdict"] in VERDICTS
    assert "only 200 Monte Carlo draws" in body["note"] and "No verdict" not in body["note"]
    html = client.get(f"/claims/{CLAIM}/check?run={runs['eur']}").text
    assert "rough-draws" in html and "No verdict" not in html


def test_the_claims_page_counts_one_draw_in_the_singular(client, runs):
    text = text_of(client.get("/claims").text)
    assert ", 1 draw, seed" in text and "1 draws" not in text
    assert f", {DRAWS} draws, seed" in text


# -- 2. the compute cost in the plan's currency ---------------------------------------------
def scorecard_row(client, run_id: str, metric: str) -> dict:
    """The run's scorecard row as stored: unit, p5, p50, p95."""
    rows = client.get(f"/api/v1/runs/{run_id}?table=scorecard").json()["rows"]
    row = next(r for r in rows if r["metric"] == metric)
    stats = {k.rsplit("_", 1)[1]: v for k, v in row.items()
             if k.rsplit("_", 1)[-1] in ("p5", "p50", "p95")}
    return {"unit": row["unit"], **stats}


def test_a_jpy_run_shows_its_compute_cost_in_jpy(client, runs):
    row = scorecard_row(client, runs["jpy"], COST)
    assert row["unit"] == "JPY"
    html = client.get(f"/r/{runs['jpy']}").text
    line = html[html.index(COST):]
    line = text_of(line[:line.index("</tr>")])
    assert "JPY" in line and "EUR" not in line, line
    assert scorecard_row(client, runs["eur"], COST)["unit"] == "EUR"


def test_compare_across_currencies_shows_the_compute_cost_in_eur(client, runs):
    from moneytrail.service.tasks import per_eur_million_factor
    from moneytrail.service.workspace import Workspace

    with Workspace.open() as ws:
        factor = per_eur_million_factor(ws, "JPY", 2025)       # JPY per EUR
    body = client.get(f"/api/v1/compare?runs={runs['eur']},{runs['jpy']}").json()
    row = next(r for r in body["scorecard"] if r["metric"] == COST)
    assert row["unit"] == "EUR"
    in_jpy = scorecard_row(client, runs["jpy"], COST)
    for stat in ("p50", "p5", "p95"):
        assert row[f"run2_{stat}"] == pytest.approx(in_jpy[stat] / factor, rel=1e-9)
    assert row["run1_p50"] == pytest.approx(scorecard_row(client, runs["eur"], COST)["p50"])
    note = body["scorecard_note"]
    assert note.startswith("The runs are in different currencies (EUR, JPY), so figures per "
                           "million spent are per EUR million for every run and amounts of "
                           "money are in EUR"), note
    html = client.get(f"/compare?runs={runs['eur']},{runs['jpy']}").text
    line = html[html.index(COST):]
    line = text_of(line[:line.index("</tr>")])
    assert "JPY" not in line and line.count("EUR") >= 2, line


# -- 3. and 7. the run page: names, sorting, intervals, CO2 note ----------------------------
def money_value(text: str) -> float:
    match = re.match(r"EUR ([\d,.]+)(?: (k|m|bn|tn))?$", text.strip())
    assert match, text
    size = {"k": 1e3, "m": 1e6, "bn": 1e9, "tn": 1e12, None: 1.0}[match.group(2)]
    return float(match.group(1).replace(",", "")) * size


def table_section(html: str, name: str) -> str:
    start = html.index(f'id="{name}-caption"')
    return html[start:html.index("</table>", start)]


def test_the_run_page_tables_are_sorted_by_the_medians_they_show(client, runs):
    html = client.get(f"/r/{runs['eur']}").text
    for name in ("entity", "country", "owner_country", "group"):
        cells = re.findall(r'<tr><th scope="row">[^<]*</th><td class="num">([^<]+)</td>',
                           table_section(html, name))
        values = [money_value(unescape(c)) for c in cells]
        assert len(values) > 3 and values == sorted(values, reverse=True), (name, cells)


def test_rest_of_the_world_is_one_thing_on_the_run_page(client, runs):
    """The country row 'Rest of the world' (all value added outside the listed countries)
    and the sector 'Other firms and sectors abroad' (one supplier, part of it) no longer
    share a name, and a footnote says how they differ."""
    from moneytrail.report.units import ROW_FOOTNOTE

    html = client.get(f"/r/{runs['eur']}").text
    entity = text_of(table_section(html, "entity"))
    country = text_of(table_section(html, "country"))
    assert "Other firms and sectors abroad" in entity and "Rest of the world" not in entity
    assert "Rest of the world" in country and "Other firms and sectors abroad" not in country
    assert unescape(html).count(ROW_FOOTNOTE) >= 2            # country and firm tables
    headline = text_of(html[html.index('class="lead"'):html.index("</section>")])
    keep = headline[headline.index("keep the most"):]
    assert "Rest of the world" not in keep[:keep.index("(medians)")]
    first = html[html.index('id="first-data"'):]
    first = unescape(first[:first.index("</script>")])
    assert "Rest of the world" not in first         # the Sankey of first invoices: firms


def test_no_interval_prints_the_same_end_twice(client, runs):
    text = text_of(client.get(f"/r/{runs['eur']}").text)
    assert "<0.01–<0.01 %" not in text
    # '<0.001–0.001 %' has two ends (below 0.001 % up to 0.001 %): not a repeat
    assert not re.search(r"(?<![\d.,<])(\d[\d.,]*)–\1 %", text)


def test_the_co2_note_is_no_lower_bound_when_every_firm_has_a_figure(client, runs):
    """Every firm the gigafactories plan reaches has a CO2 intensity: the note said they make
    '100.0%' of the output and then called the figure 'a lower bound'."""
    note = client.get(f"/api/v1/runs/{runs['eur']}").json()["result"]["tables"]["co2"]["note"]
    assert "Every firm the money reaches has a figure" in note, note
    assert "lower bound" not in note and "100.0%" not in note
    assert "Every firm the money reaches has a figure" in unescape(
        client.get(f"/r/{runs['eur']}").text)


# -- 5, 6 and 8: source titles, the home title, problem titles ------------------------------
def test_the_deal_sources_table_shows_titles_with_the_id_on_hover(client):
    html = client.get("/ledger/deals/l_stargate_us_2025_01").text
    table = html[html.index('id="sources-caption"'):]
    table = table[:table.index("</table>")]
    links = re.findall(r'<a href="/sources/([^"]+)" title="source id: ([^"]+)">'
                       r'<bdi>([^<]+)</bdi></a>', table)
    assert links
    for href, hover, shown in links:
        assert href == hover and unescape(shown) != hover, (href, shown)


def test_the_home_title_does_not_call_mostly_private_pledges_public(client):
    html = client.get("/").text
    h1 = text_of(re.search(r"<h1>(.*?)</h1>", html, re.S).group(1))
    assert "public AI billions" not in h1
    assert "public and private" in h1.lower()
    assert "public AI billions" not in client.get("/api/v1/home").json()["meta"]["title"]


def test_422_problems_are_titled_unprocessable_content(tmp_path):
    from accounts_fixtures import HTTPS, bearer, make_app, store_url

    with store_url("sqlite", tmp_path) as url:
        app = make_app(url)
        try:
            # a ledger record's body (the saved plans answer 400, as /runs: h242)
            response = TestClient(app, base_url=HTTPS).post(
                "/api/v1/ledger/deal", headers=bearer(app, "eve"), json={"x": 1})
        finally:
            app.state.jobs.shutdown()
            app.state.web.close()
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["title"] == "Unprocessable content" and body["status"] == 422
    assert body["field"] == "record"
