"""The "Efficiency-first EU alternative" reference plan is moneytrail's own hypothetical, not
an announced plan: its scenario file says so (`kind: hypothetical` with `kind_note`, checked
by the scenario schema) and every place that lists reference plans says it (the home page,
the plan page, the compare picker, the run page's header). A journalist read it as a real
plan."""

from __future__ import annotations

import re
from html import unescape

import pytest

from moneytrail.errors import ScenarioError
from moneytrail.scenarios.reference import HYPOTHETICAL_LABEL, reference_texts
from moneytrail.scenarios.schema import parse_scenario

HYPOTHETICAL = "efficiency-first-eu"
WORDS = "moneytrail's own hypothetical, not a plan anyone announced"


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_reference_files_say_which_plan_is_hypothetical():
    kinds = {plan["id"]: plan["kind"] for plan in reference_texts()}
    assert kinds[HYPOTHETICAL] == "hypothetical"
    assert kinds["eu-ai-gigafactories"] == kinds["stargate-style-us"] == ""


def plan(**changes) -> dict:
    return {"id": "p", "title": "P", "year": 2025, "currency": "EUR",
            "budget": {"amount": 1e9}, "spend": {"cloud_compute": 1.0}, **changes}


def test_the_schema_checks_the_kind_and_its_reason():
    assert parse_scenario(plan(kind="hypothetical", kind_note="Made up.")).kind == "hypothetical"
    with pytest.raises(ScenarioError):
        parse_scenario(plan(kind="hypothetical"))           # no reason given
    with pytest.raises(ScenarioError):
        parse_scenario(plan(kind="rumoured", kind_note="x"))
    # not an input of the trace: the run id of the plan does not change with it
    from moneytrail.service.tasks import plan_inputs

    assert plan_inputs(parse_scenario(plan(kind="hypothetical", kind_note="Made up."))) \
        == plan_inputs(parse_scenario(plan()))


fastapi = pytest.importorskip("fastapi")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("hypothetical") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def run_id(client) -> str:
    from runs_helpers import finished

    return finished(client, {"reference": HYPOTHETICAL, "draws": 100, "seed": 1})


def test_the_home_page_says_the_plan_is_hypothetical(client):
    page = client.get("/").text
    cards = re.findall(r'<li class="card">(.*?)</li>', page, re.S)
    said = {m: WORDS in text_of(card) for card in cards
            if (m := re.search(r'href="/plans/([^"]+)"', card)) and (m := m[1])}
    assert said == {"efficiency-first-eu": True, "eu-ai-gigafactories": False,
                     "stargate-style-us": False}
    assert WORDS in text_of(client.get(f"/plans/{HYPOTHETICAL}").text)
    assert WORDS not in text_of(client.get("/plans/eu-ai-gigafactories").text)


def test_the_run_page_header_and_the_compare_picker_say_it(client, run_id):
    page = client.get(f"/r/{run_id}").text
    head = text_of(page.split("<h1>", 1)[1].split('id="headline-h"', 1)[0])
    assert WORDS in head
    picker = client.get("/compare").text
    row = next(li for li in re.findall(r"<li>(.*?)</li>", picker, re.S) if run_id in li)
    assert f"({HYPOTHETICAL_LABEL})" in text_of(row)
