"""A form post without an account (tester 40): a visitor who never logged in was told "Your
session ended (after 30 minutes without activity ...)"; the page now says saving needs an
account, and a session that did end still says so."""
from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("fastapi")

from accounts_fixtures import HTTPS, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

SAVED_FORM = {"title": "National AI compute programme", "budget": "2 bn EUR"}


def test_a_visitor_who_never_logged_in_is_told_saving_needs_an_account(app):
    anonymous = TestClient(app, base_url=HTTPS)
    response = anonymous.post("/saved", data=SAVED_FORM, headers={"referer": HTTPS + "/build"},
                              follow_redirects=False)
    assert response.status_code == 401
    body = response.text
    assert "Saving needs an account: you are not logged in" in body
    assert "Your session ended" not in body and "Log in again" not in body
    assert "nothing was saved" in body and "National AI compute programme" in body


def test_a_session_that_ended_still_says_it_ended(app):
    eve = login(app, "eve")
    app.state.clock.now += dt.timedelta(minutes=31)
    try:
        response = eve.post("/saved", data={**SAVED_FORM, "csrf_token": eve.csrf},
                            headers={"referer": HTTPS + "/build"}, follow_redirects=False)
    finally:
        app.state.clock.now -= dt.timedelta(minutes=31)
    assert response.status_code == 401
    assert "Your session ended" in response.text and "Log in again" in response.text
