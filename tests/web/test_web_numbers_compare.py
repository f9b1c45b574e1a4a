"""Tester findings on the web app: the compare of runs in different currencies (per-million
rows in one unit, EUR, equal to `moneytrail compare`'s scorecard), a run id given twice,
runs with few draws, and number fields with commas and size words (builder and ledger edit
form read numbers alike)."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished, form_fields  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402
from moneytrail.scenarios.yamlio import read_yaml  # noqa: E402
from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.numbers import NumberTextError, read_number  # noqa: E402

PLAN = "eu-ai-gigafactories"
DRAWS, SEED = 300, 3
JOBS = "Jobs paid for per million spent (FTE-years)"


def mapping(plan_id: str = PLAN) -> dict:
    from moneytrail.errors import ScenarioError

    path = next(p for p in reference_scenarios() if p.stem == plan_id)
    return dict(read_yaml(path, ScenarioError, what="scenario file"))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h27") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def eur_jpy(client):
    """A EUR run and the same plan in JPY (id gf-jpy), same draws and seed."""
    eur = finished(client, {"reference": PLAN, "draws": DRAWS, "seed": SEED})
    jpy_plan = {**mapping(), "id": "gf-jpy", "currency": "JPY", "draws": DRAWS, "seed": SEED}
    jpy = finished(client, jpy_plan)
    return eur, jpy


@pytest.fixture(scope="module")
def cli_card():
    """The scorecard `moneytrail compare` computes for the same two plans (service layer,
    each plan traced alone as the single runs are): EUR is the common unit."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    plan = load_scenario(next(p for p in reference_scenarios() if p.stem == PLAN))
    jpy = plan.model_copy(update={"currency": "JPY", "id": "gf-jpy"})
    with Workspace.open() as ws:
        a = tasks.ws_trace(ws, plan, draws=DRAWS, seed=SEED)
        b = tasks.ws_trace(ws, jpy, draws=DRAWS, seed=SEED)
        return tasks.scorecard_table([a, b], ws).frame()


def test_compare_in_two_currencies_shows_eur_per_million_like_the_cli(client, eur_jpy,
                                                                      cli_card):
    eur, jpy = eur_jpy
    body = client.get(f"/api/v1/compare?runs={eur},{jpy}").json()
    card = {row["metric"]: row for row in body["scorecard"]}
    per_million = [m for m, row in card.items() if " million" in row["unit"]]
    assert JOBS in per_million and len(per_million) >= 2
    for metric in per_million:
        row = card[metric]
        assert row["unit"] == cli_card.at[metric, "unit"]
        assert row["unit"].endswith(" per EUR million"), row
        for k, label in ((1, PLAN), (2, "gf-jpy")):
            for stat in ("p50", "p5", "p95"):
                assert row[f"run{k}_{stat}"] == pytest.approx(
                    cli_card.at[metric, f"{label}_{stat}"], rel=1e-9), (metric, k, stat)
    assert "per EUR million for every run" in body["scorecard_note"]
    assert "EUR, JPY" in body["scorecard_note"]
    text = client.get(f"/api/v1/compare?runs={eur},{jpy}&format=csv&table=scorecard").text
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows[JOBS]["unit"] == "FTE-years per EUR million"
    # the CSV columns are named after the plans, as the CLI's (finding h80)
    assert float(rows[JOBS]["gf-jpy_p50"]) == pytest.approx(
        cli_card.at[JOBS, "gf-jpy_p50"], rel=1e-6)
    assert float(rows[JOBS]["gf-jpy_p50"]) > 1          # ~10 FTE per EUR m, not 0.07 per JPY m
    page = client.get(f"/compare?runs={eur},{jpy}")
    assert page.status_code == 200
    html = unescape(page.text)
    assert "per EUR million for every run" in html
    assert "per JPY m" not in html


def test_compare_in_one_currency_keeps_it(client, eur_jpy):
    _, jpy = eur_jpy
    other = finished(client, {**mapping(), "id": "gf-jpy-b", "currency": "JPY",
                              "draws": DRAWS, "seed": SEED + 1})
    body = client.get(f"/api/v1/compare?runs={jpy},{other}").json()
    card = {row["metric"]: row for row in body["scorecard"]}
    assert card[JOBS]["unit"] == "FTE-years per JPY million"
    assert card[JOBS]["run1_p50"] < 1                  # per JPY million: small numbers
    assert body["scorecard_note"] == ""


def test_a_run_named_twice_is_refused(client, eur_jpy):
    eur, _ = eur_jpy
    response = client.get(f"/api/v1/compare?runs={eur},{eur}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["field"] == "runs" and problem["value"] == eur
    assert "more than once" in problem["detail"]
    upper = client.get(f"/api/v1/compare?runs={eur},{eur.upper()}")
    assert upper.status_code == 400 and upper.json()["field"] == "runs"
    unknown = "0" * 32                   # an id's own check first: unknown stays a 404
    assert client.get(f"/api/v1/compare?runs={unknown},{unknown}").status_code == 404
    page = client.get(f"/compare?runs={eur},{eur}")
    assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert "more than once" in page.text and eur in page.text


def test_few_draws_are_called_rough(client):
    rid = finished(client, {"reference": PLAN, "draws": 1, "seed": 1})
    html = unescape(client.get(f"/r/{rid}").text)
    assert "over 1 Monte Carlo draw:" in html
    assert "1 Monte Carlo draws" not in html
    assert "only 1 Monte Carlo draw" in html and "single value" in html
    many = finished(client, {"reference": PLAN, "draws": 1000, "seed": 1})
    html = unescape(client.get(f"/r/{many}").text)
    assert "1,000 Monte Carlo draws:" in html and "rough-draws" not in html
    few = finished(client, {"reference": PLAN, "draws": 50, "seed": 1})
    assert "the 90 % intervals are rough" in unescape(client.get(f"/r/{few}").text)


@pytest.mark.parametrize(("typed", "expected"), [
    ("20000000000", 20_000_000_000), ("20,000,000", 20_000_000), ("20 bn", 20_000_000_000),
    ("1.5 bn", 1_500_000_000), ("750 m", 750_000_000), ("EUR 20 bn", 20_000_000_000),
    ("eur 1.1 bn", 1_100_000_000), ("2.5e9", 2.5e9), ("1,234.5", 1234.5),
    ("1,234", 1234), ("20,000", 20_000)])     # a comma only separates thousands
def test_read_number_accepts(typed, expected):
    value = read_number(typed, sizes=True, currency="EUR")
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("typed", ["20,5", "0,25", "20,5 bn", "EUR 1,5 bn", "1,23,456",
                                   "1.234,5", "USD 20 bn"])
def test_read_number_refuses(typed):
    with pytest.raises(NumberTextError):
        read_number(typed, sizes=True, currency="EUR")


def submit(client, **changes: str):
    """The builder form of the reference plan with `changes`, checked: the page it leads to
    and the draft (plan mapping) the form made."""
    from urllib.parse import parse_qs, urlsplit

    from moneytrail.web.runs import decode_draft

    fields = form_fields(client.get(f"/build?reference={PLAN}").text)
    fields.update(changes, action="check")
    response = client.post("/build", data=fields, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    draft = decode_draft(parse_qs(urlsplit(location).query)["plan"][0])
    return client.get(location), draft


def summary(html: str) -> str:
    found = re.search(r'<div class="notice error-summary".*?<p><a href="#([^"]+)">(.*?)</a>',
                      html, re.S)
    assert found, "no error summary"
    return found.group(1) + " " + unescape(found.group(2))


@pytest.mark.parametrize(("typed", "amount"), [
    ("20,000,000,000", 20_000_000_000), ("20 bn", 20_000_000_000),
    ("1.5 bn", 1_500_000_000), ("750 m", 750_000_000), ("EUR 20 bn", 20_000_000_000)])
def test_builder_reads_the_budget(client, typed, amount):
    page, draft = submit(client, budget=typed)
    assert page.status_code == 200, summary(page.text)
    assert draft["budget"]["amount"] == amount


@pytest.mark.parametrize(("field", "typed", "where", "says"), [
    ("budget", "20,5", "Budget", "use a point for decimals"),
    ("budget", "1,23,456 bn", "Budget", "use a point for decimals"),
    ("spend-0-central", "1,5", "Category 1 (AI accelerators), Share",
     "use a point for decimals")])
def test_builder_refuses_an_ambiguous_comma_in_one_line(client, field, typed, where, says):
    """`20,5` read as 205 without a word: a comma that is no thousands separator in groups
    of three is refused in one line quoting the input as typed."""
    page, _ = submit(client, **{field: typed})
    assert page.status_code == 400
    line = summary(page.text)
    assert f"{where}: {says}" in line
    assert f"(you gave: {typed})" in line
    assert "205" not in line and "low must be" not in line
    anchor = "f-budget" if field == "budget" else field
    assert line.startswith(anchor + " ")


def test_builder_refuses_a_budget_in_another_currency(client):
    page, _ = submit(client, budget="USD 20 bn")
    assert page.status_code == 400
    line = summary(page.text)
    assert "the amount is in USD but the plan's currency is EUR" in line


def test_ledger_edit_form_reads_numbers_like_the_builder(tmp_path):
    from accounts_fixtures import login, make_app

    app = make_app(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    client = login(app, "eve")
    claim = "stargate_us_announced"
    html = client.get(f"/ledger/edit/claim/{claim}").text
    form = re.search(r'<form method="post" action="/ledger/edit/.*?</form>', html, re.S).group(0)
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    values.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form))
    values.update(low="750,5", reason="a decimal comma")
    refused = client.post(f"/ledger/edit/claim/{claim}", data=values, follow_redirects=False)
    assert refused.status_code == 400
    assert "use a point for decimals" in unescape(refused.text)
    assert "(you gave: 750,5)" in unescape(refused.text)
    assert app.state.web.ledger.get("claim", claim)["low"] == "500000000000"
    values.update(low="400,000,000,000", reason="thousands separators")
    saved = client.post(f"/ledger/edit/claim/{claim}", data=values, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert app.state.web.ledger.get("claim", claim)["low"] == "400000000000"


def test_draws_text_and_rough_warning():
    from moneytrail.report.units import draws_text, rough_draws_text

    assert draws_text(1) == "1 Monte Carlo draw"
    assert draws_text(10_000) == "10,000 Monte Carlo draws"
    assert "single value" in rough_draws_text(1)
    assert "rough" in rough_draws_text(999) and "999 Monte Carlo draws" in rough_draws_text(999)
    assert rough_draws_text(1000) == rough_draws_text(20_000) == ""


def test_briefing_of_a_one_draw_run_says_so(tmp_path):
    from moneytrail.report.briefing import render_briefing
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    plan = load_scenario(next(p for p in reference_scenarios() if p.stem == PLAN))
    with Workspace.open(None, db=str(tmp_path / "ledger.sqlite")) as ws:
        result = tasks.trace_plan(ws, plan, draws=1, seed=1, store=None)
        html = unescape(render_briefing(ws, [result], fmt="html").decode("utf-8"))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "over 1 Monte Carlo draw." in text and "1 Monte Carlo draws" not in text
    assert "This run has only 1 Monte Carlo draw" in text


def test_one_comma_before_three_digits_separates_thousands():
    """A tester: draws '2,000' was refused as 'could be a decimal comma'. One rule now, in
    every field: a comma separates thousands in groups of three, and a group never starts
    with a zero, so '0,600' is no number ('use a point for decimals')."""
    assert read_number("2,000") == 2000 and read_number("10,000") == 10_000
    for typed in ("0,600", "-0,125", ",250"):
        with pytest.raises(NumberTextError):
            read_number(typed)


def test_builder_reads_draws_with_a_thousands_comma(client):
    page, draft = submit(client, draws="2,000")
    assert page.status_code == 200, summary(page.text)
    assert draft["draws"] == 2000
