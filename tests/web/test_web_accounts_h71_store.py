"""Tester findings (h71) in the web app, on SQLite and on PostgreSQL: a store that turns
read-only answers a write with a 503 and one line saying so (PostgreSQL's read-only
transaction was a 500); stored times in the API are UTC (+00:00) whatever the database
session's time zone."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, count, make_app, store_url  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import event  # noqa: E402

REFERENCE = "eu-ai-gigafactories"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, tmp_path):
    with store_url(request.param, tmp_path) as url:
        application = make_app(url)
        yield application
        application.state.jobs.shutdown()
        application.state.web.close()


@pytest.fixture
def plan():
    from moneytrail.web import builder

    mapping = builder.reference_mapping(REFERENCE)
    mapping["draws"] = 100
    return mapping


def on_every_connection(app, statement: str) -> None:
    """Run `statement` on every new connection of the app's store (the pool emptied first):
    a read-only store (`PRAGMA query_only`, PostgreSQL's read-only default transaction) or a
    session time zone, as `ALTER DATABASE ... SET` would give."""
    engine = app.state.web.ledger.engine

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection, record) -> None:
        autocommit = getattr(dbapi_connection, "autocommit", None)
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        if engine.url.get_backend_name() != "sqlite" and autocommit is False:
            dbapi_connection.commit()

    engine.dispose()


def test_write_to_a_read_only_store_is_503_one_line(app, plan):
    before = count(app, "saved_plans")
    statement = "PRAGMA query_only = ON" if app.state.web.ledger.engine.url \
        .get_backend_name() == "sqlite" else "SET default_transaction_read_only = on"
    on_every_connection(app, statement)
    client = TestClient(app, base_url=HTTPS, raise_server_exceptions=False)
    response = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                           json={"title": "Read only", "plan": plan})
    assert response.status_code == 503, response.text
    detail = response.json()["detail"]
    assert "read-only" in detail and "nothing was written" in detail and "\n" not in detail
    assert count(app, "saved_plans") == before


def test_api_times_are_utc_whatever_the_session_zone(app, plan):
    client = TestClient(app, base_url=HTTPS)
    saved = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                        json={"title": "Times", "plan": plan})
    assert saved.status_code == 201, saved.text
    if app.state.web.ledger.engine.url.get_backend_name() != "sqlite":
        on_every_connection(app, "SET TIME ZONE 'Europe/Berlin'")
    revisions = client.get(f"/api/v1/saved-plans/{saved.json()['id']}/revisions",
                           headers=bearer(app, "eve"))
    assert revisions.status_code == 200, revisions.text
    times = [r["time"] for r in revisions.json()["revisions"]]
    assert times and all(t.endswith("+00:00") for t in times), times


def test_an_integrity_error_is_a_logged_500_not_an_outage(tmp_path):
    """Only an unreachable, read-only or full store is a 503 'try again shortly': an
    integrity error is a bug, and asking the user to retry it would mislead (reviewer F)."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    with store_url("sqlite", tmp_path) as url:
        application = make_app(url)

        @application.get("/boom/{what}")
        def boom(what: str) -> None:
            if what == "integrity":
                raise IntegrityError("insert", {}, Exception("UNIQUE constraint failed"))
            raise OperationalError("select", {}, Exception("database is locked"))

        try:
            with TestClient(application, base_url=HTTPS,
                            raise_server_exceptions=False) as client:
                bug = client.get("/boom/integrity")
                down = client.get("/boom/locked")
        finally:
            application.state.jobs.shutdown()
            application.state.web.close()
    assert bug.status_code == 500 and "try again" not in bug.text, bug.text
    assert down.status_code == 503 and "Retry-After" in down.headers, down.text
