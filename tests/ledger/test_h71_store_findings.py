"""Tester findings (h71) on team stores, on SQLite and on PostgreSQL: a free-text field longer
than its column is refused up front on both backends; a read-only or full store and a store
made by a newer moneytrail are one line (exit 3) for every command, the store unchanged; stored
times leave the store as UTC (+00:00) whatever the backend or the session's time zone; an
over-long key is shortened in the error line."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

import moneytrail.ledger
from moneytrail.ledger import migrate
from moneytrail.ledger.errors import LedgerError, StoreUnavailable

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "src" / "moneytrail" / "scenarios" / "reference" / "eu-ai-gigafactories.yaml"
DEAL = {"name": "Test", "region": "EU", "sector": "public", "purpose": "compute",
        "announced": "2025-01-01", "sources": "s_a"}


def cli(*args: object, stdin: str | None = None, limit_kib: int | None = None
        ) -> subprocess.CompletedProcess:
    """`moneytrail ARGS` in a subprocess; `limit_kib`: files may not grow past it (a full
    disk: `ulimit -f`, SIGXFSZ ignored so a write fails with EFBIG)."""
    command = [sys.executable, "-m", "moneytrail", *map(str, args)]
    if limit_kib is not None:
        command = ["bash", "-c", f"trap '' XFSZ; ulimit -f {limit_kib}; exec \"$@\"", "sh",
                   *command]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "USER": "tester"}
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=600)


def one_line(result: subprocess.CompletedProcess, code: int) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code and len(lines) == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    return lines[0]


def with_option(url: str, option: str) -> str:
    """A PostgreSQL URL whose sessions also run with `option` (e.g. `-ctimezone=UTC`)."""
    if "options=" in url:
        return url.replace("options=", f"options={quote(option + ' ')}", 1)
    return f"{url}{'&' if '?' in url else '?'}options={quote(option)}"


def read_only(url: str) -> str:
    """The same store opened read-only: SQLite's `mode=ro` URI, PostgreSQL's read-only
    default transaction (as `ALTER DATABASE ... SET default_transaction_read_only=on`)."""
    if url.startswith("sqlite"):
        return f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    return with_option(url, "-cdefault_transaction_read_only=on")


def fingerprint(url: str) -> tuple:
    """What the store holds: revisions, accounts, runs, its schema revision."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(text(query)).all() for query in (
                "select id, author from revisions order by id",
                "select name from accounts order by name",
                "select id from runs order by id",
                "select version_num from alembic_version"))
    finally:
        engine.dispose()


@pytest.fixture
def store(ledger) -> str:
    """URL of a store holding the fixture package (its engine's URL, password shown)."""
    url = ledger.engine.url.render_as_string(hide_password=False)
    ledger.close()
    return url


# -- 1. text longer than its column: refused up front on both backends --------------------------
def test_long_author_refused_on_both_backends_store_unchanged(store):
    before = fingerprint(store)
    with moneytrail.ledger.open(store, load_bundled=False) as ledger, \
            pytest.raises(LedgerError) as caught:
        ledger.add("deal", {"id": "l_test_auth9", **DEAL}, author="\u00c5" * 201)
    assert caught.value.field == "author" and caught.value.exit_code == 2
    assert "at most 200 characters (this one has 201)" in str(caught.value)
    with moneytrail.ledger.open(store, load_bundled=False) as ledger:
        ledger.add("deal", {"id": "l_test_auth200", **DEAL}, author="\u00c5" * 200)
        assert ledger.history(limit=1).iloc[0]["author"] == "\u00c5" * 200
    assert fingerprint(store)[0][:-1] == before[0]


def test_long_author_on_the_command_line_is_one_line(store):
    result = cli("ledger", "add", "deal", "id=l_test_auth9", *(f"{k}={v}" for k, v in
                                                           DEAL.items()),
                 "--author", "\u00c5" * 201, "--reason", "r", "--db", store)
    line = one_line(result, 2)
    # the command line keeps 15 characters for " (command line)" after the author (h92)
    assert "field 'author'" in line and "at most 185 characters (this one has 201)" in line
    assert "\u00c5" * 41 not in line                  # the value shortened


# -- 5. an over-long key is echoed shortened, once ------------------------------------------
def test_long_deal_id_is_shortened_in_the_error(store):
    with moneytrail.ledger.open(store, load_bundled=False) as ledger, \
            pytest.raises(LedgerError) as caught:
        ledger.add("deal", {"id": "x" * 250, **DEAL}, author="t")
    message = str(caught.value)
    assert "x" * 41 not in message and len(message) < 250, message
    assert "at most 200 characters (this one has 250)" in message


# -- 2. read-only or full store: one line naming the store, exit 3, nothing written ----------
def test_read_only_store_is_one_line_for_writing_commands(store):
    before = fingerprint(store)
    ro = read_only(store)
    for args, stdin in ((("trace", PLAN, "--draws", 200, "--seed", 1), None),
                        (("users", "add", "carol", "--password-stdin"),
                         "correct horse battery staple 9\n")):
        line = one_line(cli(*args, "--db", ro, stdin=stdin), 3)
        assert "read-only: nothing was written" in line, line
    assert fingerprint(store) == before


def test_read_only_store_line_masks_the_password():
    from moneytrail.cli.common import store_shown
    from moneytrail.ledger.connection import store_failure

    url = "postgresql://bob:hunter2@db.example/x"
    assert store_shown(["users", "list", "--db", url]) == \
        "postgresql+psycopg://bob:***@db.example/x"
    assert store_shown(["--db=sqlite:///file:/tmp/x.db?mode=ro&uri=true"]) == "/tmp/x.db"
    from sqlalchemy.exc import InternalError

    error = store_failure("x", InternalError("INSERT", {}, Exception(
        "cannot execute INSERT in a read-only transaction")))
    assert isinstance(error, StoreUnavailable) and error.exit_code == 3


def test_full_sqlite_store_is_one_line_and_unchanged(tmp_path):
    path = tmp_path / "full.sqlite"
    moneytrail.ledger.open(path, load_bundled=False).close()
    url = f"sqlite:///{path}"
    before = fingerprint(url)
    limit = path.stat().st_size // 1024          # no room to grow
    result = cli("trace", PLAN, "--draws", 200, "--seed", 1, "--db", path, limit_kib=limit)
    line = one_line(result, 3)
    assert line.startswith(f"error: {path}: ") and "nothing was written" in line, line
    after = fingerprint(url)
    # the ledger and accounts are unchanged and no result was stored (the run's claim, made
    # before computing while the file still had free pages, stays 'running': a later trace
    # computes it again)
    assert after[:2] == before[:2] and after[3] == before[3]
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from runs where status = 'done' or "
                                 "result is not null")).scalar() == 0
    engine.dispose()


# -- 3. a store made by a newer moneytrail ------------------------------------------------------
def test_store_of_a_newer_moneytrail_is_one_line_and_unchanged(store):
    engine = create_engine(store.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '0099'"))
    engine.dispose()
    before = fingerprint(store)
    with pytest.raises(StoreUnavailable, match="revision 0099; this moneytrail knows "
                                               f"revisions up to {migrate.head_revision()}"):
        moneytrail.ledger.open(store)
    for args in (("ledger", "status"), ("users", "list")):
        line = one_line(cli(*args, "--db", store), 3)
        assert "created or upgraded by a newer moneytrail" in line
        assert "upgrade moneytrail" in line and "nothing was changed" in line
    assert fingerprint(store) == before


# -- 4. stored times leave the store as UTC with its offset -------------------------------------
def test_times_are_utc_on_every_backend_and_session_zone(store):
    url = store
    if not store.startswith("sqlite"):
        url = with_option(store, "-ctimezone=America/New_York")
    with moneytrail.ledger.open(url, load_bundled=False) as ledger:
        ledger.add("deal", {"id": "l_time", **DEAL}, author="t")
        shown = ledger.history(limit=1).iloc[0]["time"]
        state = ledger.state()
        from moneytrail.accounts import Accounts

        accounts = Accounts(ledger.engine)
        accounts.add("carol", "correct horse battery staple 9", role="editor")
        created = next(a for a in accounts.list() if a["name"] == "carol")["created_at"]
    assert shown.endswith("+00:00"), shown
    assert state.time is not None and state.time.utcoffset() == dt.timedelta(0)
    assert state.time.isoformat(timespec="seconds") == shown
    assert created.endswith("+00:00"), created
    result = cli("ledger", "history", "--limit", 1, "-f", "csv", "--db", url)
    assert result.returncode == 0 and f",{shown}," in result.stdout, result.stdout

