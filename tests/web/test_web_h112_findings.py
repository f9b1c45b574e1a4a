"""A reviewer's findings (h112) on the API-key middleware and short run ids.

1. The API-key check (`web.auth.keys_fail_closed`) looked the key up in the store inside the
   async middleware, blocking the event loop: a slow lookup (or a PostgreSQL outage's connect
   timeout) held up every other request. The lookup now runs in the thread pool.
2. Any `Authorization` header was taken for an API key: `Basic ...`, which a reverse proxy
   with basic auth forwards, got a 401 on every page. Only the Bearer scheme is an API key;
   other schemes are ignored (anonymous, or the session's cookie as before).
3. A short run id shared by more than 20 runs said "20 runs have an id starting with ...";
   it now says "more than 20 runs".
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

pytest.importorskip("fastapi")
import httpx  # noqa: E402
from accounts_fixtures import HTTPS, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

SLOW = 1.0          # seconds the slowed key lookup takes


# -- 1. the key lookup does not block the event loop ----------------------------------------
def test_a_slow_key_lookup_does_not_delay_an_anonymous_request(app, monkeypatch):
    real = app.state.accounts.by_key
    started = threading.Event()
    began: list[float] = []

    def slow(key):
        began.append(time.perf_counter())
        started.set()
        time.sleep(SLOW)
        return real(key)

    monkeypatch.setattr(app.state.accounts, "by_key", slow)
    key = app.state.keys[("eve", "read")]

    async def both() -> tuple[float, float, int, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=HTTPS) as client:
            async def keyed() -> tuple[float, int]:
                start = time.perf_counter()
                response = await client.get("/api/v1/me",
                                            headers={"Authorization": f"Bearer {key}"})
                return time.perf_counter() - start, response.status_code

            async def anonymous() -> tuple[float, int]:
                while not started.is_set():     # a blocked loop sees this only afterwards
                    await asyncio.sleep(0.005)
                response = await client.get("/api/v1/me")
                return time.perf_counter() - began[0], response.status_code

            (slow_took, slow_status), (anon_took, anon_status) = await asyncio.gather(
                keyed(), anonymous())
            return slow_took, anon_took, slow_status, anon_status

    slow_took, anon_took, slow_status, anon_status = asyncio.run(both())
    assert slow_status == 200 and anon_status == 200
    assert slow_took >= SLOW
    # measured from the moment the slow lookup began: a blocked loop makes it at least as
    # long as the slow request itself
    assert anon_took < slow_took / 2, (anon_took, slow_took)


def test_a_revoked_key_is_still_a_401_with_security_headers(app):
    key = app.state.keys[("eve", "read")]
    app.state.accounts.revoke_key(key)
    client = TestClient(app, base_url=HTTPS)
    for path in ("/", "/api/v1/me"):
        response = client.get(path, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 401, response.text
        assert "this API key is not valid" in response.json()["detail"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "content-security-policy" in response.headers


# -- 2. only a Bearer credential is an API key ----------------------------------------------
BASIC = {"Authorization": "Basic cHJveHk6c2VjcmV0"}      # proxy:secret


@pytest.mark.parametrize("path", ["/", "/build", "/ledger", "/api/v1/me"])
def test_a_basic_header_is_anonymous_not_a_401(app, path):
    client = TestClient(app, base_url=HTTPS)
    response = client.get(path, headers=BASIC)
    assert response.status_code == 200, response.text
    if path == "/api/v1/me":
        assert response.json()["account"] is None


def test_a_basic_header_keeps_the_session(app):
    eve = login(app, "eve")
    me = eve.get("/api/v1/me", headers=BASIC)
    assert me.status_code == 200
    assert me.json()["account"] == "eve" and me.json()["via"] == "session"
    page = eve.get("/account", headers=BASIC)
    assert page.status_code == 200 and "eve" in page.text


def test_a_basic_header_cannot_write_without_a_session(app):
    client = TestClient(app, base_url=HTTPS)
    response = client.post("/api/v1/saved-plans", json={}, headers=BASIC)
    assert response.status_code == 401


def test_a_bearer_scheme_in_any_case_is_still_checked(app):
    client = TestClient(app, base_url=HTTPS)
    key = app.state.keys[("eve", "read")]
    assert client.get("/api/v1/me", headers={"Authorization": f"bearer {key}"}
                      ).json()["account"] == "eve"
    for value in ("bearer mt_nosuchkey_abc", "Bearer", "Bearer   "):
        response = client.get("/", headers={"Authorization": value})
        assert response.status_code == 401, value


# -- 3. a short id shared by more runs than are listed --------------------------------------
def store_runs(app, prefix: str, count: int) -> list[str]:
    from moneytrail.service.runs import RunStore

    store = RunStore(app.state.web.ledger.engine)
    ids = [prefix + f"{i:024x}" for i in range(count)]
    for rid in ids:
        store.start(rid, kind="trace", label="twin", inputs={}, data_version="x",
                    data_hash="x", total=1, status="done")
    return ids


def said(html: str) -> str:
    import re
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_more_than_20_runs_sharing_a_short_id_say_more_than_20(app):
    ids = store_runs(app, "bbbb0000", 25)
    client = TestClient(app, base_url=HTTPS)
    api = client.get("/api/v1/runs/bbbb0000")
    assert api.status_code == 400
    detail = api.json()["detail"]
    assert "more than 20 runs have an id starting with these digits" in detail
    assert ids[19] in detail and ids[20] not in detail
    page = client.get("/r/bbbb0000", follow_redirects=False)
    assert page.status_code == 400
    assert "More than 20 stored runs have an id starting with these digits" in said(page.text)
    assert page.text.count('href="/r/bbbb0000') == 20
    compared = client.get(f"/compare?runs=bbbb0000&runs={ids[0]}")
    assert compared.status_code == 400
    assert "more than 20 runs have an id starting" in said(compared.text)


def test_exactly_20_runs_sharing_a_short_id_say_20(app):
    ids = store_runs(app, "cccc0000", 20)
    client = TestClient(app, base_url=HTTPS)
    detail = client.get("/api/v1/runs/cccc0000").json()["detail"]
    assert detail.startswith("20 runs have an id starting with these digits")
    assert ids[19] in detail
    page = client.get("/r/cccc0000", follow_redirects=False)
    assert "20 stored runs have an id starting" in said(page.text)
    assert "More than" not in said(page.text)
