"""Claims beside runs: the run page lists the claims that concern its plan and its evidence
weight (both from the service layer), and any claim that traces a plan can be checked against
any stored run, on the claims page and through the API."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.format import percent  # noqa: E402

PLAN = "eu-ai-gigafactories"
CLAIM = "public-money-to-nvidia-and-hyperscalers"     # traces eu-ai-gigafactories


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("claims-runs") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def reference_run(client) -> str:
    """The reference plan with the published check's draws and seed (2,000, seed 1)."""
    return finished(client, {"reference": PLAN, "draws": 2000, "seed": 1})


def text_of(html: str) -> str:
    """The page's text as a reader sees it (tags dropped, entities such as &#39; decoded)."""
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_run_page_lists_the_claims_about_its_plan(client, reference_run):
    published = client.get("/api/v1/claims").json()["checks"]
    mine = [row for row in published if row["claim"] == CLAIM]
    html = client.get(f"/r/{reference_run}").text
    section = html[html.index('id="claims-h"'):html.index('id="evidence-h"')]
    text = text_of(section)
    assert mine[0]["text"] in text
    for row in mine:
        assert row["check"] in text and row["figure"] in text
    assert f'href="/claims/{CLAIM}/check?run={reference_run}"' in section
    # the claim's source, under the one id every list on the page gives the document (the
    # ledger's copy of the Commission page, 'l_' before 'm_')
    assert 'href="/sources/l_investai_ec_dsj"' in section
    assert 'href="/sources/m_ec_investai_2025"' not in section
    # a claim about another plan's deal is not listed
    assert "Stargate pledge was private money" not in text


def test_run_page_states_the_evidence_weight_from_the_runs_table(client, reference_run):
    body = client.get(f"/api/v1/runs/{reference_run}?table=evidence").json()["rows"]
    total = next(r for r in body if r["dimension"] == "total")
    html = client.get(f"/r/{reference_run}").text
    section = text_of(html[html.index('id="evidence-h"'):html.index('id="sources-h"')])
    expected = (f"{percent(total['assumption_or_weak_p50'])} of the value added (90 % interval "
                f"{percent(total['assumption_or_weak_p5'])} to "
                f"{percent(total['assumption_or_weak_p95'])})")
    assert expected in section
    assert 0 < total["assumption_or_weak_p5"] <= total["assumption_or_weak_p50"] \
        <= total["assumption_or_weak_p95"] <= 1
    for row in body:
        if row["dimension"] == "headline":
            assert row["label"] in section


def test_a_claim_checked_against_the_reference_run_is_the_published_check(client,
                                                                          reference_run):
    """Same plan, draws and seed as the published check: the very same figures."""
    body = client.get(f"/api/v1/claims/{CLAIM}/check?run={reference_run}").json()
    published = {c["check"]: c for c in body["published"]["checks"]}
    assert body["followed"] == [{"check": 0, "reference_plan": PLAN}]
    first, second = body["claim"]["checks"]
    assert first["check"].endswith(f"this run's plan in place of {PLAN}")
    original = next(c for name, c in published.items() if first["check"].startswith(name))
    for key in ("p5", "p50", "p95", "p_holds"):
        assert first[key] == pytest.approx(original[key], rel=1e-9), key
    assert body["claim"]["verdict"] == body["published"]["verdict"]
    assert body["run"]["run_id"] == reference_run and body["run"]["draws"] == 2000


def test_a_claim_follows_another_plan(client, reference_run):
    """The US plan buys other things: the traced check's figure is that plan's."""
    other = finished(client, {"reference": "stargate-style-us", "draws": 400, "seed": 2})
    body = client.get(f"/api/v1/claims/{CLAIM}/check?run={other}").json()
    reference = client.get(f"/api/v1/claims/{CLAIM}/check?run={reference_run}").json()
    first = body["claim"]["checks"][0]
    assert "Stargate-style US AI data-centre build-out" in first["figure"]   # its title
    assert first["p50"] != pytest.approx(reference["claim"]["checks"][0]["p50"], abs=1e-3)
    assert body["run"]["seed"] == 2 and body["run"]["draws"] == 400
    page = client.get(f"/claims/{CLAIM}/check?run={other}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert percent(first["p_holds"]) in text and first["figure"] in text


def test_check_page_prints_each_figure_in_its_unit(client, reference_run):
    """A share is a percentage on the check page ('41.4 % (36.9–46.0 %)'), as the P(holds)
    beside it, not '0.414 (0.369 – 0.460)'."""
    from moneytrail.report import units

    body = client.get(f"/api/v1/claims/{CLAIM}/check?run={reference_run}").json()
    first = body["claim"]["checks"][0]
    assert first["unit"] == "share"
    text = text_of(client.get(f"/claims/{CLAIM}/check?run={reference_run}").text)
    shown = units.median_interval(first["p50"], first["p5"], first["p95"], "share")
    assert shown.endswith("%)") and shown in text
    assert f"{first['p50']:.3f}" not in text


def test_claims_page_offers_stored_runs_for_plan_claims(client, reference_run):
    html = client.get("/claims").text
    form = re.search(rf'<form class="claim-check" method="get" action="/claims/{CLAIM}/check">'
                     r'(.*?)</form>', html, re.S)
    assert form and f'value="{reference_run}"' in form.group(1)
    assert html.count('class="claim-check"') == 5       # the claims that trace a plan
    assert reference_run in [r["run_id"] for r in client.get("/api/v1/claims").json()["runs"]]


def test_stored_runs_are_told_apart_by_title_draws_and_date(client, reference_run):
    """Two runs of one plan: each option says the plan's title, its budget as the app
    writes money, the draws, the seed, the date and the run id (short in the text, whole on
    hover)."""
    other = finished(client, {"reference": PLAN, "draws": 300, "seed": 3})
    html = client.get("/claims").text
    form = re.search(rf'<form class="claim-check" method="get" action="/claims/{CLAIM}/check">'
                     r'(.*?)</form>', html, re.S)
    assert form
    options = {m.group(1): (m.group(2), text_of(m.group(3))) for m in re.finditer(
        r'<option value="([0-9a-f]+)" title="([^"]*)">(.*?)</option>', form.group(1))}
    title = "EU AI gigafactories (InvestAI's EUR 20 bn fund)"     # the plan's title
    for rid, draws, seed in ((reference_run, "2,000", 1), (other, "300", 3)):
        hover, text = options[rid]
        assert re.fullmatch(rf"{re.escape(title)}, budget EUR 20.00 bn, {draws} draws, "
                            rf"seed {seed}, \d{{4}}-\d\d-\d\d \d\d:\d\d UTC, run {rid[:8]}",
                            text), text
        assert rid in hover and PLAN in hover
    assert options[reference_run][1] != options[other][1]


@pytest.mark.parametrize("path,status,field", [
    ("/api/v1/claims/nvidia-nearly-all-accelerators/check?run={rid}", 400, "claim"),
    ("/api/v1/claims/no-such-claim/check?run={rid}", 404, "claim"),
    ("/api/v1/claims/" + CLAIM + "/check", 400, "run"),
    ("/api/v1/claims/" + CLAIM + "/check?run=" + "0" * 32, 404, "run id"),
])
def test_bad_claim_checks_name_the_field(client, reference_run, path, status, field):
    response = client.get(path.format(rid=reference_run))
    assert response.status_code == status, response.text
    assert response.json()["field"] == field


def test_run_tables_leave_out_rows_with_nothing_and_name_groups(client, reference_run):
    rows = client.get(f"/api/v1/runs/{reference_run}?table=entity").json()["rows"]
    empty = [r for r in rows if r["amount_mean"] == 0]
    assert empty, "the reference plan leaves some firms with nothing"
    html = client.get(f"/r/{reference_run}").text
    table = html[html.index('id="entity-caption"'):]
    table = table[:table.index("</table>") + 200]
    assert f"{len(empty)} more with nothing in any draw (EUR 0) are left out" in \
        text_of(html)
    body = text_of(table)
    assert "EUR 0 0 – 0" not in body
    groups = html[html.index('id="group-caption"'):]
    groups = text_of(groups[:groups.index("</table>")])
    assert "US tech giants" in groups and "us_tech_giants" not in groups


def test_every_claim_that_traces_a_reference_plan_can_follow_a_run():
    """Jobs, CO2 and rent claims trace a reference plan too: each can be checked against a
    run (a fresh tester found only trace.share claims were offered; the rest answered 400)."""
    from moneytrail.web.claims_runs import checkable_claims

    ids = {c["id"] for c in checkable_claims()}
    assert {"stargate-over-100000-us-jobs", "ai-data-centre-co2-mostly-operational",
            "public-money-cements-the-status-quo",
            "public-money-to-nvidia-and-hyperscalers"} <= ids
    assert "stargate-private-and-far-less-secured" not in ids      # ledger-only: same for all


def test_claims_and_scorecard_pages_show_the_evidence_weight(client, reference_run):
    """Issue 10: every check and every claim's verdict carry their evidence weight in the JSON
    and on the claims page; the run page's scorecard shows each metric's weight beside it."""
    from moneytrail.report.evidence import row_weight, weight_text

    checks = client.get("/api/v1/claims").json()["checks"]
    assert all(0 <= c["assumption_or_weak_p50"] <= 1 and
               0 <= c["claim_assumption_or_weak_p50"] <= 1 for c in checks)
    html = text_of(client.get("/claims").text)
    assert "On assumption or weak rows" in html
    mine = [c for c in checks if c["claim"] == CLAIM]
    assert (f"evidence weight of the verdict (share resting on assumption or weak rows): "
            f"{row_weight(mine[0], 'claim_')}") in html
    card = client.get(f"/api/v1/runs/{reference_run}?table=scorecard").json()["rows"]
    rows = {r["metric"]: r for r in card}
    metric = "HHI change, the largest rise or fall among the markets bought in"   # h88
    weight = rows[f"{metric}: evidence, on assumption or weak rows"]
    said = weight_text(*(weight[f"{PLAN}_{s}"] for s in ("p50", "p5", "p95")))
    page = client.get(f"/r/{reference_run}").text
    section = page[page.index('id="scorecard-h"'):page.index('id="conditions-h"')]
    assert "On assumption or weak rows" in section
    row = next(r for r in re.findall(r"<tr>.*?</tr>", section, re.S) if metric in r)
    assert said in text_of(row)
    assert ": evidence, on assumption or weak rows" not in section   # folded, not a row


def test_runs_of_plans_differing_only_in_price_year_or_currency_have_distinct_labels(
        tmp_path):
    """Issue from review: two runs of a plan titled alike, with the same draws, seed and minute,
    but another price year or currency, read the same in the claims page's list of runs; the
    label now adds what differs ("prices of 2024"; the currency is in the budget, "budget USD
    1,000")."""
    import datetime as dt
    import json
    from html import unescape

    from moneytrail.ledger.models import OpenRun, Run

    app = create_app(db=str(tmp_path / "ledger.sqlite"), start_reference_runs=False)
    when = dt.datetime(2026, 11, 30, 23, 5, 12, tzinfo=dt.UTC)
    base = {"id": "p", "title": "Same title", "year": 2025, "currency": "EUR",
            "budget": {"amount": 1000}, "spend": {"accelerators": 1.0}}
    plans = {"aaaa0001": base, "aaaa0002": {**base, "price_year": 2024},
             "aaaa0003": {**base, "currency": "USD"}, "aaaa0004": base}
    with TestClient(app) as test_client:
        with app.state.web.ledger.engine.begin() as conn:
            for rid, plan in plans.items():
                conn.execute(Run.__table__.insert().values(
                    id=rid, kind="trace", label="p", code_version="x", data_version="x",
                    data_hash="x", status="done", created_at=when, updated_at=when,
                    inputs=json.dumps({"plan": plan, "draws": 2000, "seed": 1})))
                conn.execute(OpenRun.__table__.insert().values(run_id=rid, created_at=when))
        html = test_client.get("/claims").text
    options = dict(re.findall(r'<option value="(aaaa000\d)"[^>]*>([^<]*)</option>', html))
    stem = "Same title, budget {}, 2,000 draws, seed 1, 2026-11-30 23:05 UTC"
    assert {rid: unescape(text) for rid, text in options.items()} == {
        "aaaa0001": f"{stem.format('EUR 1,000')}, prices of 2025, run aaaa0001",
        "aaaa0002": f"{stem.format('EUR 1,000')}, prices of 2024, run aaaa0002",
        "aaaa0003": f"{stem.format('USD 1,000')}, run aaaa0003",
        "aaaa0004": f"{stem.format('EUR 1,000')}, prices of 2025, run aaaa0004"}


def test_runs_alike_but_for_price_year_name_it_whatever_their_minute(tmp_path):
    """Tester 20: a run at 2015 prices started a minute after one at 2025 prices was listed
    like it but for the minute; runs alike but for the time now name what differs too."""
    import datetime as dt
    import json
    from html import unescape

    from moneytrail.ledger.models import OpenRun, Run

    app = create_app(db=str(tmp_path / "ledger.sqlite"), start_reference_runs=False)
    base = {"id": "p", "title": "Same title", "year": 2025, "currency": "EUR",
            "budget": {"amount": 1000}, "spend": {"accelerators": 1.0}}
    plans = {"bbbb0001": (base, 5), "bbbb0002": ({**base, "price_year": 2015}, 6)}
    with TestClient(app) as test_client:
        with app.state.web.ledger.engine.begin() as conn:
            for rid, (plan, minute) in plans.items():
                when = dt.datetime(2026, 11, 30, 23, minute, 12, tzinfo=dt.UTC)
                conn.execute(Run.__table__.insert().values(
                    id=rid, kind="trace", label="p", code_version="x", data_version="x",
                    data_hash="x", status="done", created_at=when, updated_at=when,
                    inputs=json.dumps({"plan": plan, "draws": 2000, "seed": 1})))
                conn.execute(OpenRun.__table__.insert().values(run_id=rid, created_at=when))
        html = test_client.get("/claims").text
    options = dict(re.findall(r'<option value="(bbbb000\d)"[^>]*>([^<]*)</option>', html))
    stem = "Same title, budget EUR 1,000, 2,000 draws, seed 1, 2026-11-30 23:0{} UTC"
    assert {rid: unescape(text) for rid, text in options.items()} == {
        "bbbb0001": f"{stem.format(5)}, prices of 2025, run bbbb0001",
        "bbbb0002": f"{stem.format(6)}, prices of 2015, run bbbb0002"}


def test_run_labels_write_the_budget_as_money_and_differ_by_run(tmp_path):
    """Tester h42: the claims page's runs read 'budget 20,000,000,000.0' (a raw float without
    its currency), and two runs alike in title, draws, seed and minute had one label (in the
    API's `runs` too). Each label now gives the budget as the app writes money ('EUR 20.00
    bn'), the draws and the run id's first eight digits."""
    import datetime as dt
    import json

    from moneytrail.ledger.models import OpenRun, Run

    app = create_app(db=str(tmp_path / "ledger.sqlite"), start_reference_runs=False)
    when = dt.datetime(2026, 11, 30, 23, 5, 12, tzinfo=dt.UTC)
    base = {"id": "p", "title": "Same title", "year": 2025, "currency": "EUR",
            "budget": {"amount": 20000000000.0}, "spend": {"accelerators": 1.0}}
    plans = {"bbbb0001": base, "bbbb0002": base,
             "bbbb0003": {**base, "budget": {"amount": 25e9}}}
    with TestClient(app) as test_client:
        with app.state.web.ledger.engine.begin() as conn:
            for rid, plan in plans.items():
                conn.execute(Run.__table__.insert().values(
                    id=rid, kind="trace", label="p", code_version="x", data_version="x",
                    data_hash="x", status="done", created_at=when, updated_at=when,
                    inputs=json.dumps({"plan": plan, "draws": 1000, "seed": 1})))
                conn.execute(OpenRun.__table__.insert().values(run_id=rid, created_at=when))
        runs = {r["run_id"]: r["label"] for r in test_client.get("/api/v1/claims").json()["runs"]}
        html = test_client.get("/claims").text
    stem = "Same title, budget EUR {} bn, 1,000 draws, seed 1, 2026-11-30 23:05 UTC, run {}"
    assert runs == {"bbbb0001": stem.format("20.00", "bbbb0001"),
                    "bbbb0002": stem.format("20.00", "bbbb0002"),
                    "bbbb0003": stem.format("25.00", "bbbb0003")}
    assert "20,000,000,000" not in html
    options = re.findall(r'<option value="bbbb000\d"[^>]*>([^<]*)</option>', html)
    # each claim's picker lists them, and so does the form "Check a figure of your own"
    assert len(set(options)) == 3
    assert len(options) == 3 * (html.count('class="claim-check"') + 1)
    assert html.count('class="own-check-form"') == 1
