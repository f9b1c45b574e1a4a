"""Blocking work on the event loop (h116): several `async def` routes and dependencies called
the store directly (a session's look-up, password hashing and the strength check, a ledger
or saved-plan write), so one slow call held up every other request of the process. Each now
runs that work in the thread pool, as the API-key middleware does since h112.

Each test slows one store call (1 s) and sends, through one event loop, the request that
makes it and an anonymous `GET /` started once the slow call has begun: the anonymous page
must come back in well under half the slow request's time (a blocked loop makes it at least
as long, measured from the moment the slow call began).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

pytest.importorskip("fastapi")
import httpx  # noqa: E402
from accounts_fixtures import HTTPS, PASSWORDS, form_token, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

SLOW = 3.0          # seconds the slowed call takes: long beside a page render on a loaded machine


class Slowed:
    """Wraps store methods so that each call first sleeps SLOW seconds; `began` holds the
    moment the first slowed call started."""

    def __init__(self) -> None:
        self.began: list[float] = []

    def __call__(self, fn: Callable) -> Callable:
        def slowed(*args: Any, **kwargs: Any) -> Any:
            if not self.began:
                self.began.append(time.perf_counter())
            time.sleep(SLOW)
            return fn(*args, **kwargs)
        return slowed


class SlowHasher:
    """The accounts' password hasher with a slow `hash` (argon2's hasher has __slots__)."""

    def __init__(self, real: Any, slowed: Slowed) -> None:
        self.real = real
        self.hash = slowed(real.hash)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def race(app, cookies: Any, slow: Slowed,
         send: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]
         ) -> tuple[float, float, httpx.Response, int]:
    """`send` (with `cookies`) and an anonymous GET / begun once the slow call has begun,
    on one event loop: (slow request's time, anonymous request's time counted from when
    the slow call began, the slow request's response, the anonymous status)."""
    TestClient(app, base_url=HTTPS).get("/")       # warm: the page's first render

    async def both() -> tuple[float, float, httpx.Response, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=HTTPS,
                                     cookies=cookies) as signed, \
                httpx.AsyncClient(transport=transport, base_url=HTTPS) as anonymous_client:
            finished = asyncio.Event()

            async def slow_one() -> tuple[float, httpx.Response]:
                start = time.perf_counter()
                try:
                    response = await send(signed)
                finally:
                    finished.set()
                return time.perf_counter() - start, response

            async def anonymous() -> tuple[float, int]:
                while not slow.began:       # a blocked loop sees this only afterwards
                    assert not finished.is_set(), "the slowed call was never made"
                    await asyncio.sleep(0.005)
                response = await anonymous_client.get("/")
                return time.perf_counter() - slow.began[0], response.status_code

            (slow_took, response), (anon_took, anon_status) = await asyncio.gather(
                slow_one(), anonymous())
            return slow_took, anon_took, response, anon_status

    return asyncio.run(both())


def assert_not_blocked(slow_took: float, anon_took: float, anon_status: int) -> None:
    assert anon_status == 200
    assert slow_took >= SLOW
    assert anon_took < slow_took / 2, (anon_took, slow_took)


# -- passwords ------------------------------------------------------------------------------
def test_a_slow_password_change_does_not_delay_an_anonymous_page(app):
    eve = login(app, "eve")
    slow = Slowed()
    accounts = app.state.accounts
    accounts.hasher = SlowHasher(accounts.hasher, slow)
    new = "copper lantern drifts over quiet moorland"

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/account/password", data={
            "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"],
            "new_password": new, "repeat_password": new}, follow_redirects=False)

    slow_took, anon_took, response, anon_status = race(app, eve.cookies, slow, send)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/account?password=changed"
    assert_not_blocked(slow_took, anon_took, anon_status)
    assert accounts.login("eve", new, client="test").token       # the change was made


def test_a_slow_password_reset_does_not_delay_an_anonymous_page(app):
    import datetime as dt

    token = app.state.accounts.issue_reset("eve", dt.timedelta(hours=2))
    browser = TestClient(app, base_url=HTTPS)
    csrf = form_token(browser.get(f"/reset-password?token={token}").text, "/reset-password")
    slow = Slowed()
    accounts = app.state.accounts
    accounts.hasher = SlowHasher(accounts.hasher, slow)
    new = "granite kestrel above the salt marsh"

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/reset-password", data={
            "token": token, "new_password": new, "repeat_password": new,
            "csrf_token": csrf}, follow_redirects=False)

    slow_took, anon_took, response, anon_status = race(app, browser.cookies, slow, send)
    assert response.status_code == 200, response.text
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert_not_blocked(slow_took, anon_took, anon_status)
    assert accounts.login("eve", new, client="test").token


# -- a session's look-up: log out, and the editor/admin guards --------------------------------
def slow_sessions(app) -> Slowed:
    slow = Slowed()
    accounts = app.state.accounts
    accounts.session = slow(accounts.session)       # an instance attribute: this app only
    return slow


def test_a_slow_logout_does_not_delay_an_anonymous_page(app):
    eve = login(app, "eve")
    slow = slow_sessions(app)

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/logout", data={"csrf_token": eve.csrf},
                                 follow_redirects=False)

    slow_took, anon_took, response, anon_status = race(app, eve.cookies, slow, send)
    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert_not_blocked(slow_took, anon_took, anon_status)


def test_a_slow_session_lookup_in_require_editor_does_not_delay_an_anonymous_page(app):
    eve = login(app, "eve")
    slow = slow_sessions(app)
    key = "h116_guarded"

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/api/v1/ledger/source", headers={"X-CSRF-Token": eve.csrf},
                                 json={"record": {
                                     "id": key, "publisher": "P", "title": "T",
                                     "url": "https://example.org/", "published": "2025-01-01",
                                     "accessed": "2025-02-01", "reliability": "analyst",
                                     "note": ""}, "reason": "h116 test"})

    slow_took, anon_took, response, anon_status = race(app, eve.cookies, slow, send)
    assert response.status_code == 201, response.text
    assert_not_blocked(slow_took, anon_took, anon_status)
    assert app.state.web.ledger.get("source", key)["title"] == "T"


def test_require_editor_still_refuses_a_missing_csrf_token(app):
    eve = login(app, "eve")
    response = eve.post("/api/v1/ledger/source", json={"record": {}, "reason": "x"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    anonymous = TestClient(app, base_url=HTTPS).post("/api/v1/ledger/source", json={})
    assert anonymous.status_code == 401


# -- ledger and saved-plan writes of the form routes -----------------------------------------
def test_a_slow_ledger_write_from_the_add_form_does_not_delay_an_anonymous_page(app):
    eve = login(app, "eve")
    token = form_token(eve.get("/ledger/add/source").text, "/ledger/add/source")
    slow = Slowed()
    ledger = app.state.web.ledger
    ledger.add = slow(ledger.add)
    key = "h116_form"

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/ledger/add/source", data={
            "csrf_token": token, "id": key, "publisher": "P", "title": "T",
            "url": "https://example.org/", "published": "2025-01-01",
            "accessed": "2025-02-01", "reliability": "analyst", "note": "",
            "reason": "h116 test"}, follow_redirects=False)

    slow_took, anon_took, response, anon_status = race(app, eve.cookies, slow, send)
    assert response.status_code == 303, response.text
    assert_not_blocked(slow_took, anon_took, anon_status)
    assert ledger.get("source", key)["title"] == "T"


def test_a_slow_saved_plan_edit_does_not_delay_an_anonymous_page(app):
    from moneytrail.accounts.plans import SavedPlans

    eve = login(app, "eve")
    plans = SavedPlans(app.state.web.ledger.engine)
    app.state.saved_plans = plans
    owner = app.state.accounts.by_key(app.state.keys[("eve", "read")]).id
    saved = plans.create(owner=owner, title="Before", description="", visibility="private",
                         plan={"title": "Before"})
    slow = Slowed()
    plans.edit = slow(plans.edit)

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post(f"/saved/{saved['id']}/edit", data={
            "csrf_token": eve.csrf, "expected_revision": str(saved["revision"]),
            "title": "After", "description": "", "visibility": "private"},
            follow_redirects=False)

    slow_took, anon_took, response, anon_status = race(app, eve.cookies, slow, send)
    assert response.status_code == 303, response.text
    assert_not_blocked(slow_took, anon_took, anon_status)
    assert plans.get(saved["id"], owner)["title"] == "After"


# -- error pages: their render asks who is signed in --------------------------------------------
def test_a_slow_session_lookup_of_an_error_page_does_not_delay_an_anonymous_page(app):
    eve = login(app, "eve")
    slow = slow_sessions(app)

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get("/no-such-page")

    slow_took, anon_took, response, anon_status = race(app, eve.cookies, slow, send)
    assert response.status_code == 404
    assert "There is no page at this address." in response.text
    assert "eve" in response.text                   # the page still names who is signed in
    assert_not_blocked(slow_took, anon_took, anon_status)
