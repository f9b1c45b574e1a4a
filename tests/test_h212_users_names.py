"""h212: `users add '  ann '` trims the name (accounts.store.check_name) and makes 'ann', but
`users role|disable|enable|key|reset-password '  ann '` looked up '  ann ' as given and said
"no account with this name". Every command that looks an account up now trims NAME as
`users add` does (and `users revoke-key` its KEY); a name still not found is one line naming
the trimmed value (exit 4)."""

from __future__ import annotations

import io
import json

import pytest

from cli_runs import one_line, run_main
from moneytrail.cli import main

PASSWORD = "a long enough passphrase 77"


def run(capsys, *args: str) -> tuple[int, str, str]:
    """`moneytrail ARGS` in-process: (exit code, stdout, stderr), 0 when it returns."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = exit_.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def db(tmp_path, monkeypatch, capsys) -> str:
    """A store with the admin 'root' and the editor 'ann' (made as '  ann ')."""
    path = str(tmp_path / "ledger.sqlite")
    for name, role in (("root", "--admin"), ("  ann ", "--editor")):
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        code, out, err = run(capsys, "users", "add", name, role, "--password-stdin",
                             "--db", path)
        assert code == 0, err
    assert out.startswith("created editor account 'ann'")        # add trims: the rule
    return path


def accounts(capsys, db: str) -> dict[str, dict]:
    code, out, err = run(capsys, "users", "list", "--format", "json", "--db", db)
    assert code == 0, err
    return {row["name"]: row for row in json.loads(out)}


def test_role_disable_enable_find_a_name_given_with_spaces(capsys, db):
    code, out, err = run(capsys, "users", "role", "  ann ", "reader", "--db", db)
    assert code == 0, err
    assert out.startswith("'ann' is now a reader (was an editor)")
    assert accounts(capsys, db)["ann"]["role"] == "reader"
    code, out, err = run(capsys, "users", "disable", " ann", "--db", db)
    assert code == 0, err
    assert out.startswith("disabled 'ann': sessions ended")
    assert accounts(capsys, db)["ann"]["disabled"] is True
    code, out, err = run(capsys, "users", "enable", "ann\t ", "--db", db)
    assert code == 0, err
    assert out.startswith("enabled 'ann': it may log in again")
    assert accounts(capsys, db)["ann"]["disabled"] is False


def test_key_and_revoke_key_take_values_with_spaces(capsys, db):
    code, out, err = run(capsys, "users", "key", "  ann ", "--db", db)
    assert code == 0, err
    key = out.strip()
    assert key.startswith("mt_") and "API key for 'ann' (scope read)" in err
    assert accounts(capsys, db)["ann"]["api_keys"] == 1
    code, out, err = run(capsys, "users", "revoke-key", f"  {key} ", "--db", db)
    assert code == 0, err
    assert out.startswith("revoked")
    assert accounts(capsys, db)["ann"]["api_keys"] == 0


def test_reset_password_finds_a_name_given_with_spaces(capsys, db):
    code, out, err = run(capsys, "users", "reset-password", "  ann ", "--db", db)
    assert code == 0, err
    assert "/reset-password?token=" in out
    assert err.startswith("one-time reset link for 'ann', valid 24 h")
    assert "moneytrail users key ann --scope read" in err


@pytest.mark.parametrize("command", [("role", "  bob ", "reader"), ("disable", "  bob "),
                                     ("enable", "  bob "), ("key", "  bob "),
                                     ("reset-password", "  bob ")])
def test_a_name_not_found_is_one_line_naming_it_trimmed(capsys, db, command):
    code, out, err = run_main(capsys, "users", *command, "--db", db)
    assert code == 4 and not out.strip()
    assert one_line(err) == "error: field 'name', value 'bob': no account with this name"
