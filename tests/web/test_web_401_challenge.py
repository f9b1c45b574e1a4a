"""A 401 names how to authenticate (RFC 9110, 11.6.1: WWW-Authenticate); the shared error
handler dropped the header the route raised with, so an anonymous API write got a bare 401."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("challenge") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def test_an_anonymous_api_write_is_challenged(client):
    response = client.post("/api/v1/ledger/deals", json={"id": "x"})
    assert response.status_code == 401
    assert response.headers.get("www-authenticate") == "Bearer"
    assert "Log in (or send an API key)" in response.text


def test_a_wrong_method_names_the_allowed_ones(client):
    response = client.delete("/claims")
    assert response.status_code == 405
    assert "GET" in response.headers.get("allow", "")
