"""`/saved/<id>?done=saved` says "Saved: <title>" only to the plan's owner (who could have
just saved it): anyone else reading a public plan at that address sees no such message."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, login, make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

TITLE = "Public plan, saved by eve"
NOTICE = 'id="done-status"'


def test_the_saved_message_is_for_the_owner_only(tmp_path):
    from moneytrail.web import builder

    application = make_app(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    try:
        created = TestClient(application, base_url=HTTPS).post(
            "/api/v1/saved-plans", headers=bearer(application, "eve"),
            json={"title": TITLE, "visibility": "public",
                  "plan": builder.reference_mapping("eu-ai-gigafactories")})
        address = f"/saved/{created.json()['id']}?done=saved"
        mine = login(application, "eve").get(address)
        assert mine.status_code == 200 and NOTICE in mine.text
        assert f"<bdi>{TITLE}</bdi>" in mine.text
        for reader in (TestClient(application, base_url=HTTPS), login(application, "mal")):
            page = reader.get(address)
            assert page.status_code == 200 and TITLE in page.text     # the public plan
            assert NOTICE not in page.text and "Saved:" not in page.text
    finally:
        application.state.jobs.shutdown()
        application.state.web.close()
