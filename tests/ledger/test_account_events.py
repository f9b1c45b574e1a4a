"""The history of account changes (`account_events`, migration 0012) on SQLite and
PostgreSQL: every change of an account through `moneytrail users` is recorded with who made it
(`USER (command line)`) and what changed, in the transaction of the change (a failure leaves
neither); refused changes record nothing; `users history` prints them newest first; a store
upgraded from 0011 keeps its accounts and starts with an empty history."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from argon2 import PasswordHasher
from sqlalchemy import insert, inspect, select, text

import moneytrail.ledger
from moneytrail.accounts import AccountError, Accounts
from moneytrail.accounts.models import Account, AccountEvent, ApiKey
from moneytrail.accounts.store import digest
from moneytrail.cli import main
from moneytrail.ledger import connection, migrate

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "plum orchard in the rain"
STAMP = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
CLI = "alice (command line)"


class Clock:
    def __init__(self) -> None:
        self.now = STAMP

    def __call__(self) -> dt.datetime:
        return self.now


def run(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """`moneytrail ARGS` through `main` (errors as one line and an exit code): (exit code,
    stdout, stderr)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = exit_.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def events(engine) -> list[tuple[str, str, str, str]]:
    """(account, kind, details, actor) of every event, oldest first."""
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(
            select(AccountEvent.account, AccountEvent.kind, AccountEvent.details,
                   AccountEvent.actor).order_by(AccountEvent.id))]


@pytest.fixture
def store(store_url):
    ledger = moneytrail.ledger.open(store_url, load_bundled=False)
    accounts = Accounts(ledger.engine, clock=Clock(), hasher=FAST)
    yield accounts, ledger
    ledger.close()


def test_every_cli_change_is_recorded_with_its_actor_and_details(store_url, capsys,
                                                                 monkeypatch):
    monkeypatch.setenv("USER", "alice")
    db = ("--db", store_url)
    assert run(capsys, monkeypatch, "users", "add", "root", "--admin", "--password-stdin", *db,
               stdin="a very long admin passphrase\n")[0] == 0
    assert run(capsys, monkeypatch, "users", "add", "bob", "--password-stdin", *db,
               stdin="violet lanterns over the bay\n")[0] == 0
    assert run(capsys, monkeypatch, "users", "role", "bob", "admin", *db)[0] == 0
    code, key, _ = run(capsys, monkeypatch, "users", "key", "bob", "--scope", "write", *db)
    prefix = key.split("_")[1]
    assert run(capsys, monkeypatch, "users", "revoke-key", prefix, *db)[0] == 0
    code, second, _ = run(capsys, monkeypatch, "users", "key", "bob", *db)
    assert run(capsys, monkeypatch, "users", "disable", "bob", *db)[0] == 0
    assert run(capsys, monkeypatch, "users", "enable", "bob", *db)[0] == 0
    code, link, _ = run(capsys, monkeypatch, "users", "reset-password", "bob", "--hours", "2",
                        *db)
    assert code == 0
    with moneytrail.ledger.open(store_url) as ledger:
        got = events(ledger.engine)
        with ledger.engine.connect() as conn:
            hashes = conn.execute(select(Account.password_hash)).scalars().all()
    second_prefix = second.split("_")[1]
    assert [(a, k, d) for a, k, d, _ in got[:-1]] == [
        ("root", "created", "role admin"),
        ("bob", "created", "role editor"),
        ("bob", "role_changed", "editor -> admin"),
        ("bob", "key_created", f"prefix {prefix}, scope write"),
        ("bob", "key_revoked", f"prefix {prefix}, scope write"),
        ("bob", "key_created", f"prefix {second_prefix}, scope read"),
        ("bob", "disabled", "sessions ended, 1 API key revoked"),
        ("bob", "enabled", "its API keys stay revoked")]
    assert got[-1][:2] == ("bob", "reset_issued")
    assert got[-1][2].startswith("link valid until ") and got[-1][2].endswith(" UTC")
    assert {actor for *_, actor in got} == {CLI}
    # no secret in the history: not the keys, the reset token, nor any hash of them
    token = link.strip().split("token=")[1]
    text_of_history = repr(got)
    for secret in (key.strip(), second.strip(), token, digest(key.strip()), digest(token),
                   *hashes):
        assert secret not in text_of_history

    # `users history`: newest first, every account or one, ending with the store line
    code, out, _ = run(capsys, monkeypatch, "users", "history", *db)
    lines = out.splitlines()
    assert code == 0 and lines[-1].startswith("store: ")
    rows = [line for line in lines if line.startswith("│")]
    assert [row.split("│")[3].strip() for row in rows] == [
        "reset_issued", "enabled", "disabled", "key_created", "key_revoked", "key_created",
        "role_changed", "created", "created"]
    assert "editor -> admin" in out and CLI in out
    code, out, _ = run(capsys, monkeypatch, "users", "history", "root", *db)
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert code == 0 and len(rows) == 1 and "root" in rows[0] and "created" in rows[0]
    code, out, err = run(capsys, monkeypatch, "users", "history", "root", "-f", "json", *db)
    assert code == 0 and err.startswith("store: ")
    assert [(e["account"], e["kind"], e["actor"]) for e in __import__("json").loads(out)] == \
        [("root", "created", CLI)]
    # an unknown account: one line, the exit code of the other users commands (not found: 4)
    code, out, err = run(capsys, monkeypatch, "users", "history", "nobody", *db)
    assert code == 4 and out == "" and len(err.strip().splitlines()) == 1
    assert "no account with this name" in err
    assert run(capsys, monkeypatch, "users", "disable", "nobody", *db)[0] == code


def test_refused_changes_and_no_ops_record_nothing(store):
    accounts, ledger = store
    accounts.add("root", PASSWORD, role="admin", by="boss")
    accounts.add("rita", "reader green tea kettle", role="reader", by="boss")
    before = events(ledger.engine)
    with pytest.raises(AccountError, match="only admin"):
        accounts.set_role("root", "editor", by="boss")       # the last admin
    with pytest.raises(AccountError, match="only admin"):
        accounts.disable("root", by="boss")
    with pytest.raises(AccountError, match="reader"):
        accounts.new_key("rita", "write", by="boss")
    with pytest.raises(AccountError):
        accounts.add("rita", PASSWORD, role="nobody", by="boss")
    assert accounts.set_role("rita", "reader", by="boss") == "reader"   # nothing changed
    assert accounts.enable("rita", by="boss") is False
    accounts.disable("rita", by="boss")
    assert accounts.disable("rita", by="boss") is False
    with pytest.raises(AccountError, match="disabled"):
        accounts.issue_reset("rita", by="boss")
    assert events(ledger.engine) == before + [
        ("rita", "disabled", "sessions ended, 0 API keys revoked", "boss")]


def test_a_script_that_names_no_actor_is_recorded_as_python(store, monkeypatch):
    accounts, ledger = store
    monkeypatch.setenv("USER", "carol")
    accounts.add("ada", PASSWORD)
    monkeypatch.delenv("USER")
    accounts.set_role("ada", "reader")
    monkeypatch.setenv("USER", "dan\x07\n")        # control characters: left out
    accounts.set_role("ada", "editor")
    assert [actor for *_, actor in events(ledger.engine)] == ["carol (Python)", "(Python)",
                                                              "dan (Python)"]


CHANGES = {        # a change of each kind and the event it records
    "created": lambda a: a.add("newbie", "seven wild geese flying south", by="boss"),
    "role_changed": lambda a: a.set_role("ada", "admin", by="boss"),
    "disabled": lambda a: a.disable("ada", by="boss"),
    "enabled": lambda a: a.enable("zed", by="boss"),
    "key_created": lambda a: a.new_key("ada", "read", by="boss"),
    "key_revoked": lambda a: a.revoke_key(a.test_key, by="boss"),
    "reset_issued": lambda a: a.issue_reset("ada", by="boss"),
    "password_reset": lambda a: a.reset_password(a.test_token, "a brand new passphrase here"),
    "password_changed": lambda a: a.change_password(
        a.test_session, "quiet harbour lamp at dusk", "a brand new passphrase here",
        client="10.0.0.1"),
}


def state(ledger) -> str:
    """Every row of the account tables (what a change could leave behind)."""
    with ledger.engine.connect() as conn:
        return repr([conn.execute(text(f"select * from {table} order by 1")).all()
                     for table in ("accounts", "api_keys", "sessions", "password_resets",
                                   "account_events")])


@pytest.mark.parametrize("after", [False, True], ids=["before the event", "after the event"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_failure_inside_a_change_leaves_neither_change_nor_event(store, monkeypatch, change,
                                                                   after):
    accounts, ledger = store
    accounts.add("root", PASSWORD, role="admin", by="boss")
    accounts.add("ada", "quiet harbour lamp at dusk", by="boss")
    accounts.add("zed", "brass kettle on a cold stove", by="boss")
    accounts.disable("zed", by="boss")
    accounts.test_key = accounts.new_key("ada", "write", by="boss")
    accounts.test_token = accounts.issue_reset("ada", by="boss")
    accounts.test_session = accounts.login("ada", "quiet harbour lamp at dusk",
                                           client="10.0.0.1").token
    kept = state(ledger)
    count = len(events(ledger.engine))
    record = Accounts._record

    def failing(self, conn, *args, **kwargs):
        if after:                       # the event is written, then the transaction fails
            record(self, conn, *args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(Accounts, "_record", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        CHANGES[change](accounts)
    assert state(ledger) == kept
    monkeypatch.setattr(Accounts, "_record", record)
    CHANGES[change](accounts)           # and without the failure: the change and its event
    assert state(ledger) != kept
    got = events(ledger.engine)
    assert len(got) == count + 1 and got[-1][1] == change


def test_upgrade_from_0011_keeps_the_accounts_and_starts_an_empty_history(
        store_url, capsys, monkeypatch):
    from alembic import command

    engine = connection.open_engine(store_url)
    try:
        migrate.upgrade(engine, "0011")
        with engine.begin() as conn:
            ada = conn.execute(insert(Account).values(
                name="ada", role="admin", password_hash=FAST.hash(PASSWORD), disabled=False,
                created_at=STAMP).returning(Account.id)).scalar_one()
            conn.execute(insert(ApiKey).values(
                account_id=ada, prefix="abcdef123456", key_hash="0" * 64, scope="read",
                revoked=False, created_at=STAMP))
        assert "account_events" not in inspect(engine).get_table_names()
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision() == "0012"
        accounts = Accounts(engine, clock=Clock(), hasher=FAST)
        assert [row["name"] for row in accounts.list()] == ["ada"]
        assert accounts.history() == [] and accounts.history("ada") == []
        code, out, _ = run(capsys, monkeypatch, "users", "history", "ada", "--db", store_url)
        assert code == 0
        assert "no account changes of 'ada' recorded" in " ".join(out.split())
        assert out.splitlines()[-1].startswith("store: ")
        accounts.revoke_key("abcdef123456", by="root")      # from now on, changes are kept
        assert [(e["account"], e["kind"], e["details"], e["actor"])
                for e in accounts.history()] == \
            [("ada", "key_revoked", "prefix abcdef123456, scope read", "root")]
        config = migrate.alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0011")
        assert "account_events" not in inspect(engine).get_table_names()
        assert migrate.current_revision(engine) == "0011"
        with engine.connect() as conn:
            assert conn.execute(select(Account.name)).scalars().all() == ["ada"]
    finally:
        engine.dispose()
