"""Shared helpers of the issue-12 tests (saved plans, passwords): an app on a fresh store
(SQLite or a throw-away PostgreSQL schema) with accounts, and logged-in test clients."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from packages import fresh_postgres

PG_ENV = "MONEYTRAIL_TEST_POSTGRES_URL"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
HTTPS = "https://testserver"
PASSWORDS = {"root": "admin plum orchard rain", "eve": "editor quiet harbour lamp",
             "mal": "another editor on the team", "rita": "reader green tea kettle"}
ROLES = {"root": "admin", "eve": "editor", "mal": "editor", "rita": "reader"}


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def postgres_base() -> str:
    base = os.environ.get(PG_ENV, "")
    if not base:
        message = f"{PG_ENV} is not set (run `make test`, or scripts/postgres.sh start)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return base


@contextmanager
def store_url(kind: str, folder) -> Iterator[str]:
    """A fresh store: a SQLite file in `folder`, or a new schema of the test PostgreSQL
    (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'ledger.sqlite'}"
        return
    yield from fresh_postgres(postgres_base(), "mt_h12")


def make_app(url: str, **options):
    """The web app on `url` with the accounts of ROLES (cheap argon2 parameters, a clock the
    test moves) and API keys for the editors and the reader; `options` go to create_app."""
    from moneytrail.accounts import Accounts
    from moneytrail.web import create_app

    application = create_app(db=url, start_reference_runs=False, **options)
    clock = Clock()
    accounts = Accounts(application.state.web.ledger.engine, clock=clock, hasher=FAST)
    application.state.accounts = accounts
    application.state.clock = clock
    # rita gets her keys as an editor and is then made a reader: `new_key` refuses a reader a
    # write key (h207), so a reader holds one only after a demotion, and it may only read
    for name, role in ROLES.items():
        accounts.add(name, PASSWORDS[name], role="editor" if name == "rita" else role)
    application.state.keys = {(name, scope): accounts.new_key(name, scope)
                              for name in ("eve", "mal", "rita") for scope in ("read", "write")}
    accounts.set_role("rita", ROLES["rita"])
    return application


def form_token(html: str, action: str) -> str:
    """The CSRF token of the page's form posting to `action`."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html,
                     re.S).group(0)
    return re.search(r'name="csrf_token" value="([^"]*)"', form).group(1)


def login(app, name: str, password: str | None = None, base: str = HTTPS):
    """A TestClient on `base` logged in as `name` through the login form; `.csrf` is its
    token."""
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url=base)
    token = form_token(client.get("/login").text, "/login")
    response = client.post("/login", data={"name": name,
                                           "password": password or PASSWORDS[name],
                                           "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    client.csrf = form_token(client.get("/account").text, "/logout")
    return client


def reset_form(app, name: str):
    """root makes a two-hour password-reset link for `name`; a fresh browser opens it: that
    browser (a TestClient on HTTPS), the link's token and the reset form's CSRF token."""
    from fastapi.testclient import TestClient

    root = login(app, "root")
    link = root.post(f"/api/v1/accounts/{name}/password-reset", json={"hours": 2},
                     headers={"X-CSRF-Token": root.csrf}).json()["link"]
    token = link.split("token=", 1)[1]
    browser = TestClient(app, base_url=HTTPS)
    csrf = form_token(browser.get(f"/reset-password?token={token}").text, "/reset-password")
    return browser, token, csrf


def run_private_plan(app, plan: dict, title: str, base: str = HTTPS):
    """eve saves `plan` as a private plan titled `title` and runs it from its page: her
    signed-in client (on `base`) and the run's id, once the run is done."""
    from fastapi.testclient import TestClient
    from runs_helpers import wait_done

    response = TestClient(app, base_url=base).post(
        "/api/v1/saved-plans", headers=bearer(app, "eve"),
        json={"title": title, "description": "", "visibility": "private", "plan": plan})
    assert response.status_code == 201, response.text
    eve = login(app, "eve", base=base)
    response = eve.post(f"/saved/{response.json()['id']}/run",
                        data={"csrf_token": eve.csrf}, follow_redirects=False)
    assert response.status_code == 303, response.text
    rid = response.headers["location"].removeprefix("/r/")
    assert wait_done(eve, rid)["status"] == "done"
    return eve, rid


def bearer(app, name: str, scope: str = "write") -> dict[str, str]:
    return {"Authorization": f"Bearer {app.state.keys[(name, scope)]}"}


def count(app, table: str) -> int:
    with app.state.web.ledger.engine.connect() as conn:
        return conn.execute(text(f"select count(*) from {table}")).scalar()
