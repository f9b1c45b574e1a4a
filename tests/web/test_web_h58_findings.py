"""A security tester's findings (h58): private JSON cacheable, the Host header used unchecked
in links and redirects, a lost edit when the session ended while the form was open, and
single-click delete and purge of saved plans."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, form_token, login, make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

REFERENCE = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    application = make_app(f"sqlite:///{tmp_path_factory.mktemp('h58') / 'ledger.sqlite'}")
    yield application
    application.state.jobs.shutdown()
    application.state.web.close()


@pytest.fixture(scope="module")
def plan():
    from moneytrail.web import builder

    mapping = builder.reference_mapping(REFERENCE)
    mapping["draws"] = 100
    return mapping


def create(app, plan, owner="eve", visibility="private", title="Private gigafactory") -> dict:
    response = TestClient(app, base_url=HTTPS).post(
        "/api/v1/saved-plans", headers=bearer(app, owner),
        json={"title": title, "description": "not for caches", "visibility": visibility,
              "plan": plan})
    assert response.status_code == 201, response.text
    return response.json()


# -- 3: responses that depend on who is signed in are never stored ---------------------------
def test_a_private_plans_json_is_not_cacheable(app, plan):
    pid = create(app, plan)["id"]
    eve = login(app, "eve")
    for path in (f"/api/v1/saved-plans/{pid}", "/api/v1/saved-plans",
                 f"/api/v1/saved-plans/{pid}/revisions", "/api/v1/me"):
        for response in (eve.get(path),
                         TestClient(app, base_url=HTTPS).get(path, headers=bearer(app, "eve"))):
            assert response.status_code == 200, (path, response.text)
            assert response.headers.get("cache-control") == "private, no-store", path
    # anonymous public data keeps its own caching rules (nothing forced)
    assert "private" not in TestClient(app, base_url=HTTPS).get(
        "/api/v1/plans").headers.get("cache-control", "")
