"""h107: a request presenting an API key that does not authenticate (revoked, unknown) gets a
401 problem+json saying so on every route, GET included, never the anonymous answer."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402


def refused_as_invalid(response, says: str = "this API key is not valid") -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert says in response.json()["detail"]
    # the key to make is one that can do the request: a write's needs scope write (h249)
    scope = "read" if response.request.method == "GET" else "write"
    assert f"moneytrail users key NAME --scope {scope}" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/saved-plans", "/api/v1/me", "/build", "/"])
def test_a_revoked_key_is_refused_on_reads(app, path):
    key = app.state.keys[("eve", "read")]
    client = TestClient(app, base_url="http://127.0.0.1")
    assert client.get(path, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    app.state.accounts.revoke_key(key)
    refused_as_invalid(client.get(path, headers={"Authorization": f"Bearer {key}"}))


def test_an_unknown_key_and_a_revoked_one_read_alike(app):
    key = app.state.keys[("eve", "write")]
    app.state.accounts.revoke_key(key)
    client = TestClient(app, base_url="http://127.0.0.1")
    revoked = client.post("/api/v1/saved-plans", json={},
                          headers={"Authorization": f"Bearer {key}"})
    unknown = client.post("/api/v1/saved-plans", json={},
                          headers={"Authorization": "Bearer mt_nosuchkey_abc"})
    refused_as_invalid(revoked)
    refused_as_invalid(unknown)
    assert revoked.json()["detail"] == unknown.json()["detail"]


def test_a_bearer_header_without_a_key_says_how_to_send_one(app):
    # another scheme (Basic, from a reverse proxy) is no API key and is ignored since h112
    client = TestClient(app, base_url="http://127.0.0.1")
    refused_as_invalid(client.get("/api/v1/me", headers={"Authorization": "Bearer "}),
                       "Authorization: Bearer")
    basic = client.get("/api/v1/me", headers={"Authorization": "Basic ZXZlOng="})
    assert basic.status_code == 200 and basic.json()["account"] is None


def test_a_valid_key_and_no_key_still_work(app):
    client = TestClient(app, base_url="http://127.0.0.1")
    assert client.get("/api/v1/me").json()["account"] is None
    key = app.state.keys[("eve", "read")]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.json()["account"] == "eve"


def test_a_store_outage_while_checking_a_key_is_a_503_not_a_500(app, monkeypatch):
    # the key check runs in a middleware, outside the app's error handlers: a database that
    # went away there was a 500 (tests/web/test_web_faults.py's PostgreSQL crash found it)
    from sqlalchemy.exc import OperationalError

    def down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(app.state.accounts, "by_key", down)
    key = app.state.keys[("eve", "read")]
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    response = client.get("/api/v1/saved-plans", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "2"
    assert "nothing was written" in response.json()["detail"]
