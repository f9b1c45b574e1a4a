"""A tester's findings (h43): shares the user changes in the plan builder are the user's own
assumption, not the reference plan's sourced figures; a run's claims are checked against that
run (its plan, draws and seed), on its page and in its briefing."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields  # noqa: E402

from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.runs import decode_draft  # noqa: E402

PLAN = "eu-ai-gigafactories"
# the tester's edit: accelerators 0.5/0.6/0.7 (Bernstein's estimate in the reference),
# facility 0.1/0.1675/0.3 (an assumption of the reference, with its own note)
EDIT = {"accelerators": ("0.5", "0.6", "0.7"), "facility": ("0.1", "0.1675", "0.3")}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h43") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def edited_fields(client, draws: int = 2000) -> dict[str, str]:
    fields = form_fields(client.get(f"/build?reference={PLAN}").text)
    rows = {fields[k]: k[:-len("category")] for k in fields
            if re.fullmatch(r"spend-\d+-category", k) and fields[k]}
    for category, (low, central, high) in EDIT.items():
        prefix = rows[category]
        fields.update({f"{prefix}low": low, f"{prefix}central": central,
                       f"{prefix}high": high})
    fields["draws"] = str(draws)
    return fields


def checked_draft(client, fields: dict[str, str]) -> dict:
    response = client.post("/build", data={**fields, "action": "check"},
                           follow_redirects=False)
    assert response.status_code == 303
    return decode_draft(parse_qs(urlsplit(response.headers["location"]).query)["plan"][0])


def test_changed_shares_are_the_users_own_assumption(client):
    draft = checked_draft(client, edited_fields(client))
    for category in EDIT:
        row = draft["spend"][category]
        assert "source" not in row, row
        assert row["reliability"] == "assumption"
        assert row["note"].startswith("Set by the user in the plan builder")
        assert "Bernstein" not in row["note"]
    # the reference's source is named as what the data gave, not cited
    assert "m_bernstein_gw_capex_2025" in draft["spend"]["accelerators"]["note"]
    # rows left as they were keep their source, reliability and note
    assert draft["spend"]["servers"]["source"] == "m_bernstein_gw_capex_2025"
    assert draft["spend"]["servers"]["reliability"] == "estimate"
    # and the draft, opened again and checked unchanged, keeps the user's label
    token = parse_qs(urlsplit(client.post(
        "/build", data={**edited_fields(client), "action": "check"},
        follow_redirects=False).headers["location"]).query)["plan"][0]
    again = checked_draft(client, form_fields(client.get(f"/build?plan={token}").text))
    assert again["spend"] == draft["spend"]


def test_unchanged_reference_plan_keeps_its_sources(client):
    from moneytrail.errors import ScenarioError
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.scenarios.yamlio import read_yaml

    plan = read_yaml(reference_dir() / f"{PLAN}.yaml", ScenarioError)
    draft = checked_draft(client, form_fields(client.get(f"/build?reference={PLAN}").text))
    assert draft["spend"] == plan["spend"]


CLAIM = "public-money-to-nvidia-and-hyperscalers"     # traces eu-ai-gigafactories


def text_of(html: str) -> str:
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def builder_run(client, draws: int) -> str:
    from runs_helpers import wait_done

    response = client.post("/build", data={**edited_fields(client, draws), "action": "run"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    rid = response.headers["location"].rsplit("/", 1)[-1]
    assert wait_done(client, rid)["status"] == "done"
    return rid


def claims_section(client, rid: str) -> str:
    html = client.get(f"/r/{rid}").text
    return html[html.index('id="claims-h"'):html.index('id="evidence-h"')]


def test_run_page_claims_are_checked_against_the_run(client):
    """The repro: the edited plan's page showed the reference plan's 43.0 %, 'contradicted',
    while /claims/<claim>/check?run=<id> gave the run's own figure."""
    from moneytrail.web.format import percent

    rid = builder_run(client, 2000)
    section = claims_section(client, rid)
    text = text_of(section)
    body = client.get(f"/api/v1/claims/{CLAIM}/check?run={rid}").json()
    mine, published = body["claim"], body["published"]
    assert mine["checks"][0]["figure"] in text
    assert percent(mine["checks"][0]["p_holds"]) in text
    assert published["checks"][0]["figure"] not in text          # the reference plan's
    assert "checked against this run (2,000 draws, seed 1)" in text
    # the rest of the claims section is this run's too: its rent claim traced its plan
    assert "this run's plan in place of eu-ai-gigafactories" in text


def test_run_page_withholds_verdicts_under_100_draws(client):
    rid = builder_run(client, 50)
    text = text_of(claims_section(client, rid))
    # the few-draws warning is the page's, at its top (h51): here only why there is no verdict
    assert "This run has only 50 Monte Carlo draws" not in text
    assert "No verdict: with only 50 draws" in text
    assert "Verdict: No verdict (too few draws)" in text
    assert "Supported" not in text and "Contradicted" not in text


def test_a_run_pages_claims_are_not_stored(tmp_path):
    """A run page checks its claims without storing the checks: a private saved plan's run
    would carry the plan for everyone to see, and a page read writes nothing (h51)."""
    import json

    from sqlalchemy import select

    from moneytrail.ledger import open as open_ledger
    from moneytrail.ledger.models import Run
    from moneytrail.scenarios import load_scenario
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.service import tasks
    from moneytrail.service.runs import RunStore
    from moneytrail.service.workspace import Workspace
    from moneytrail.web.claims_runs import plan_claims

    ws = Workspace.open(None, db=str(tmp_path / "ledger.sqlite"))
    plan = load_scenario(reference_dir() / f"{PLAN}.yaml")
    result = tasks.trace_plan(ws, plan, draws=100, seed=5, store=None)
    with open_ledger(str(tmp_path / "runs.sqlite")) as ledger:
        store = RunStore(ledger.engine)
        shown = plan_claims(ws, result, store)
        assert any(c["against"] == "run" for c in shown["claims"])

        def claims_runs() -> list[dict]:
            with ledger.engine.connect() as conn:
                rows = conn.execute(select(Run.inputs).where(Run.kind == "claims")).scalars()
                return [json.loads(i) for i in rows]

        # the gigafactory claims all trace the plan: none of their checks is stored
        assert claims_runs() == []
    ws.close()
