"""Renaming a saved plan renames its plan (tester 40): after a PATCH of the title (or the
edit form), the API's `plan.title` kept the old name, and new runs and their briefings carried
it. A saved plan's title and description are its plan's (accounts.plans.with_text)."""
from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from accounts_fixtures import HTTPS, bearer  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import wait_done  # noqa: E402


@pytest.fixture()
def plan():
    from moneytrail.web import builder

    mapping = builder.reference_mapping("eu-ai-gigafactories")
    mapping["draws"] = 100
    return mapping


def test_a_renamed_saved_plan_runs_under_its_new_title(app, plan):
    client = TestClient(app, base_url=HTTPS)
    headers = bearer(app, "eve")
    made = client.post("/api/v1/saved-plans", headers=headers, json={
        "title": "National AI compute programme", "description": "EUR 2 bn over 4 years",
        "visibility": "public", "plan": plan})
    assert made.status_code == 201, made.text
    saved = made.json()
    assert saved["plan"]["title"] == "National AI compute programme"
    assert saved["plan"]["description"] == "EUR 2 bn over 4 years"
    renamed = client.patch(f"/api/v1/saved-plans/{saved['id']}", headers=headers, json={
        "title": "Final briefing version", "expected_revision": saved["revision"]})
    assert renamed.status_code == 200, renamed.text
    body = renamed.json()
    assert body["title"] == body["plan"]["title"] == "Final briefing version"
    assert body["plan"]["description"] == "EUR 2 bn over 4 years"    # kept
    started = client.post(f"/api/v1/saved-plans/{saved['id']}/runs", headers=headers)
    assert started.status_code == 202, started.text
    rid = started.json()["run_id"]
    assert wait_done(client, rid)["status"] == "done"
    page = client.get(f"/r/{rid}", headers=headers)
    assert "Final briefing version" in page.text
    assert "National AI compute programme" not in page.text


def test_a_new_plan_given_without_a_title_names_the_saved_plan(app, plan):
    client = TestClient(app, base_url=HTTPS)
    headers = bearer(app, "eve")
    saved = client.post("/api/v1/saved-plans", headers=headers, json={
        "title": "First name", "description": "", "visibility": "private",
        "plan": {**plan, "description": "the plan's own words"}}).json()
    assert saved["description"] == "the plan's own words"     # not lost to an empty field
    changed = client.patch(f"/api/v1/saved-plans/{saved['id']}", headers=headers, json={
        "plan": {**plan, "title": "Second name"}, "expected_revision": saved["revision"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["title"] == changed.json()["plan"]["title"] == "Second name"
