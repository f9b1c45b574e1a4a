"""A tester's finding (h222): `users reset-password zed`, `users disable zed` (the link then
says unknown, used or expired), `users enable zed`: the same link worked again. Disabling an
account, or changing its role, kills its unused reset links for good, as issuing a newer
link does, and records nothing beyond the change's own event."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import create_engine

from moneytrail.accounts import Accounts
from moneytrail.accounts.store import AuthError
from moneytrail.cli import main

PASSWORD = "a long enough passphrase"


def users(capsys, *args: str) -> str:
    """`moneytrail users ...` on the command line; its stdout (exit code 0 asserted)."""
    try:
        main(["users", *args])
    except SystemExit as exit_:
        assert not exit_.code, capsys.readouterr().err
    return capsys.readouterr().out


@pytest.fixture
def zed(capsys, tmp_path, monkeypatch) -> tuple[str, str]:
    """A store with the editor zed and root (an admin); (its --db path, zed's reset token)
    from `moneytrail users reset-password zed`."""
    db = str(tmp_path / "ledger.sqlite")
    for name, role in (("root", "admin"), ("zed", "editor")):
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        users(capsys, "add", name, f"--{role}", "--password-stdin", "--db", db)
    link = users(capsys, "reset-password", "zed", "--db", db).split()[0]
    return db, parse_qs(urlsplit(link).query)["token"][0]


def store(db: str) -> Accounts:
    return Accounts(create_engine(f"sqlite:///{db}"))


def test_a_reset_link_stays_dead_after_disable_and_enable(capsys, zed):
    db, token = zed
    assert store(db).reset_account(token) == "zed"
    users(capsys, "disable", "zed", "--db", db)
    assert store(db).reset_account(token) is None
    before = [(e["kind"], e["details"]) for e in store(db).history("zed")]
    users(capsys, "enable", "zed", "--db", db)
    accounts = store(db)
    assert accounts.reset_account(token) is None
    with pytest.raises(AuthError, match="this reset link is unknown, used or expired"):
        accounts.reset_password(token, "another long passphrase here")
    # the history holds the disable and the enable, nothing more
    kinds = [e["kind"] for e in accounts.history("zed")]
    assert kinds[:2] == ["enabled", "disabled"] and len(kinds) == len(before) + 1


@pytest.mark.parametrize("role", ["admin", "reader"])
def test_a_role_change_kills_the_reset_link(capsys, zed, role):
    db, token = zed
    count = len(store(db).history("zed"))
    users(capsys, "role", "zed", role, "--db", db)
    accounts = store(db)
    assert accounts.reset_account(token) is None
    assert len(accounts.history("zed")) == count + 1          # its role_changed event only
    # a link issued after the change works
    fresh = accounts.issue_reset("zed")
    assert accounts.reset_password(fresh, "another long passphrase here") == "zed"


def test_the_same_role_again_changes_nothing(capsys, zed):
    db, token = zed
    users(capsys, "role", "zed", "editor", "--db", db)
    assert store(db).reset_account(token) == "zed"
