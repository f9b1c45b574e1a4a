"""A reference plan opened in the plan builder and submitted without an edit is the same plan.

The builder once dropped what its form has no input for: the hypothetical plan's `kind` and
`kind_note`, and a supplier row of a central share only (efficiency-first-eu's Mistral AI
licences, central 1.0) lost its source and note, because the hidden record of the numbers the
source gave (' 1 ') was read with its spaces stripped; the run then showed that row as the
user's own figure ("Set by the user in the plan builder"). A condition's threshold, date and
note, which have no input either, are carried too."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields, wait_done  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import USER_NOTE, parse_scenario  # noqa: E402
from moneytrail.web.builder import reference_mapping  # noqa: E402
from moneytrail.web.runs import decode_draft, encode_draft  # noqa: E402

REFERENCES = [path.stem for path in reference_scenarios()]
HYPOTHETICAL = "efficiency-first-eu"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("round-trip") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def browser_fields(html: str) -> dict[str, str]:
    """What a browser submits of the builder's page: inputs, selects and text areas."""
    fields = form_fields(html)
    for name, body in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>',
                                 html, re.S):
        fields[name] = unescape(body.removeprefix("\n"))
    return fields


def checked(client, page: str, action: str = "check", **changes: str) -> str:
    """The builder `page` (a /build address) posted with `action` and `changes`: where the
    post leads."""
    response = client.get(page)
    assert response.status_code == 200, response.text
    fields = browser_fields(response.text)
    fields.update(changes)
    posted = client.post("/build", data={**fields, "action": action}, follow_redirects=False)
    assert posted.status_code == 303, posted.text
    return posted.headers["location"]


def shared(client, page: str, **changes: str) -> dict:
    """The plan of the share link "Check and update the share link" gives for `page`."""
    return decode_draft(re.search(r"plan=([^&]+)", checked(client, page, **changes)).group(1))


def whole(plan) -> dict:
    """Every field of a Plan, with those model_dump leaves out (kind, kind_note)."""
    return {**plan.model_dump(), "kind": plan.kind, "kind_note": plan.kind_note}


def test_the_package_has_the_hypothetical_plan():
    assert HYPOTHETICAL in REFERENCES and len(REFERENCES) >= 3


@pytest.mark.parametrize("plan_id", REFERENCES)
def test_an_unedited_reference_plan_round_trips_unchanged(client, plan_id):
    original = parse_scenario(reference_mapping(plan_id))
    after = parse_scenario(shared(client, f"/build?reference={plan_id}"))
    assert whole(after) == whole(original)
    assert after.model_dump() == original.model_dump()
    # and once more, from the share link itself
    link = f"/build?plan={encode_draft(reference_mapping(plan_id))}"
    assert whole(parse_scenario(shared(client, link))) == whole(original)


def test_the_hypothetical_plan_keeps_its_kind_and_mistral_source(client):
    draft = shared(client, f"/build?reference={HYPOTHETICAL}")
    assert draft["kind"] == "hypothetical"
    assert draft["kind_note"].startswith("moneytrail's own hypothetical, not a plan")
    mistral = draft["procurement"]["model_licences"]["mistral_ai"]
    assert mistral["source"] == "m_assumption_efficiency_first_split"
    assert mistral["note"].startswith("Policy choice: one European model")
    assert "low" not in mistral and "high" not in mistral


def test_an_edited_row_alone_becomes_the_users_own(client):
    page = client.get(f"/build?reference={HYPOTHETICAL}").text
    fields = browser_fields(page)
    row = next(k.split("-")[1] for k, v in fields.items()
               if re.fullmatch(r"proc-\d+-supplier", k) and v == "ovhcloud")
    draft = shared(client, f"/build?reference={HYPOTHETICAL}",
                   **{f"proc-{row}-central": "0.3"})
    cloud = draft["procurement"]["cloud_compute"]
    assert "source" not in cloud["ovhcloud"]
    assert cloud["ovhcloud"]["note"].startswith(USER_NOTE)
    others = [v for k, v in cloud.items() if k != "ovhcloud"]
    others.append(draft["procurement"]["model_licences"]["mistral_ai"])
    assert all(v["source"] == "m_assumption_efficiency_first_split" for v in others)
    assert draft["kind"] == "hypothetical"


def test_a_conditions_threshold_date_and_note_are_carried(client):
    plan = {**reference_mapping("eu-ai-gigafactories"), "conditions": [
        {"metric": "single_supplier_share", "max": 0.5, "threshold": 0.4,
         "note": "A cap of our own."},
        {"metric": "export_exposed_share", "max": 0.9, "on": "2025-01-15",
         "label": "Exposed to export rules"}]}
    after = parse_scenario(shared(client, f"/build?plan={encode_draft(plan)}"))
    assert whole(after) == whole(parse_scenario(plan))


def test_the_run_of_an_unedited_plan_shows_no_row_as_the_users_own(client):
    location = checked(client, f"/build?reference={HYPOTHETICAL}", action="run", draws="200")
    run_id = re.fullmatch(r"/r/([0-9a-f]+)", location).group(1)
    assert wait_done(client, run_id)["status"] == "done"
    page = client.get(f"/r/{run_id}").text
    assert "Set by the user in the plan builder" not in page
    assert 'id="plan-kind">moneytrail&#39;s own hypothetical, not a plan' in page
    plan = client.get(f"/api/v1/runs/{run_id}/plan.yaml").text
    assert "Set by the user in the plan builder" not in plan
