"""Ledger test fixtures: a fresh store per test on SQLite, and on PostgreSQL when
MONEYTRAIL_TEST_POSTGRES_URL is set (`make test` sets it). Under CI (CI=true) a missing or
unreachable PostgreSQL fails the PostgreSQL tests instead of skipping them."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from ledgerdata import write_ledger_package  # noqa: E402

from packages import fresh_postgres  # noqa: E402

PG_ENV = "MONEYTRAIL_TEST_POSTGRES_URL"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """Base URL of a reachable PostgreSQL server, or skip (fail under CI)."""
    url = os.environ.get(PG_ENV, "")
    if not url:
        message = f"{PG_ENV} is not set (run `make test`, or scripts/postgres.sh start)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # any driver error means: not reachable
        message = f"PostgreSQL at {url} is unreachable: {exc}"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    finally:
        engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path) -> Iterator[str]:
    """URL of an empty, not yet created store on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    else:
        yield from fresh_postgres(request.getfixturevalue("postgres_url"))


@pytest.fixture
def package(tmp_path) -> Path:
    return write_ledger_package(tmp_path / "pkg")


@pytest.fixture
def ledger(store_url, package):
    """A store holding the small fixture package (and not the bundled one)."""
    import moneytrail.ledger

    store = moneytrail.ledger.open(store_url, load_bundled=False)
    store.import_package(package, author="fixture", reason="test data")
    yield store
    store.close()
