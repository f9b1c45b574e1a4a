"""A tester's findings on store URLs and the public address (h209): in-memory, blank and
mistyped stores are refused before anything is written, a password with @ is never shown in
part, and the public address must have a valid port and host."""

from __future__ import annotations

import pytest

from cli_runs import one_line, run_main  # noqa: E402
from moneytrail.errors import MoneytrailError
from moneytrail.web.public import PUBLIC_URL_ENV, public_url


# 5. the public address: a port from 1 to 65535, a host without spaces ----------------------
@pytest.mark.parametrize("value", ["https://a.org:99999", "https://a.org:0/", "https://a b.org/",
                                   "https://a_b!.org", "https://:443/"])
def test_a_public_address_with_a_bad_port_or_host_is_refused(value):
    with pytest.raises(MoneytrailError) as info:
        public_url(value)
    assert info.value.field == PUBLIC_URL_ENV and str(info.value).count("\n") == 0


@pytest.mark.parametrize("value", ["https://mt.example.org", "https://a.org:8443/mt",
                                   "http://127.0.0.1:8000", "http://[::1]:8000/"])
def test_good_public_addresses_still_pass(value):
    assert public_url(value) == value.rstrip("/")


# 2. a password with @ written as is: refused before connecting, masked whole ----------------
@pytest.mark.parametrize("command", [("ledger", "status"), ("users", "list")])
def test_a_url_with_more_than_one_at_is_refused_and_masked(capsys, monkeypatch, command):
    from moneytrail.ledger import connection

    def refuse(*args, **kwargs):
        raise AssertionError("an engine was made for a URL that should have been refused")

    monkeypatch.setattr(connection, "create_engine", refuse)
    url = "postgresql://postgres:my@secret@word@127.0.0.1:55432/t51"
    code, out, err = run_main(capsys, *command, "--db", url)
    line = one_line(err)
    assert code == 2 and not out.strip()
    assert "secret" not in line and "word@" not in line
    assert line.startswith("error: field '--db', value 'postgresql://postgres:***@127.0.0.1:"
                           "55432/t51': ")
    assert "a password containing @ must be written %40" in line


# 1. an in-memory store is lost when the command ends: refused on the command line ------------
@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", ":memory:", "sqlite:///:memory:"])
def test_an_in_memory_store_is_refused_before_writing(capsys, monkeypatch, url):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a long password 1\n"))
    code, out, err = run_main(capsys, "users", "add", "zed", "--password-stdin", "--db", url)
    assert code == 2 and "created" not in out
    assert one_line(err) == (f"error: field '--db', value '{url}': an in-memory SQLite store "
                             "is lost when the command ends: give a SQLite file "
                             "(sqlite:///PATH) or a database URL")


def test_an_in_memory_store_from_the_variable_is_refused(capsys, monkeypatch):
    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", "sqlite://")
    code, _, err = run_main(capsys, "ledger", "status")
    line = one_line(err)
    assert code == 2 and line.startswith("error: field 'MONEYTRAIL_DATABASE_URL', value "
                                         "'sqlite://': an in-memory SQLite store")
    assert line.endswith("(from MONEYTRAIL_DATABASE_URL; --db overrides it)")


def test_the_library_still_opens_an_in_memory_store():
    from moneytrail.ledger.location import resolve_url

    assert resolve_url(":memory:") == "sqlite://"


# 3. an empty or blank --db, or one with spaces around it, is refused -------------------------
@pytest.mark.parametrize("value, problem", [
    ("", "an empty store"), ("   ", "an empty store"),
    (" ledger.db", "the store begins or ends with a space"),
    ("sqlite:///x.db ", "the store begins or ends with a space"),
])
def test_a_blank_or_padded_db_is_refused(capsys, tmp_path, monkeypatch, value, problem):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(capsys, "ledger", "status", "--db", value)
    assert code == 2 and not out.strip()
    assert one_line(err).startswith(f"error: field '--db', value '{value}': {problem}")
    assert list(tmp_path.iterdir()) == []           # no file named '   ' or ' ledger.db'


def test_an_empty_variable_is_still_unset(monkeypatch):
    from moneytrail.ledger.location import check_given

    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", "")
    check_given(None)                                # the default store, as before
    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", "   ")
    with pytest.raises(MoneytrailError, match="an empty store"):
        check_given(None)


# 4. a command that only reads or changes accounts needs an existing store ----------------------
@pytest.mark.parametrize("command", [("users", "role", "alice", "reader"), ("users", "list"),
                                     ("users", "disable", "alice"), ("users", "key", "alice"),
                                     ("users", "reset-password", "alice")])
def test_a_store_that_does_not_exist_is_not_made(capsys, tmp_path, command):
    store = tmp_path / "nonexist.db"
    code, out, err = run_main(capsys, *command, "--db", str(store))
    assert code == 2 and not out.strip()
    assert one_line(err).startswith(f"error: field '--db', value '{store}': no store at "
                                    f"{store}: check the path")
    assert not store.exists()


def test_a_missing_store_from_the_variable_is_named(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", f"sqlite:///{tmp_path / 'typo.db'}")
    code, _, err = run_main(capsys, "users", "list")
    assert code == 2 and "field 'MONEYTRAIL_DATABASE_URL'" in one_line(err)
    assert "no store at" in err and not (tmp_path / "typo.db").exists()


def test_users_add_still_makes_a_new_store(capsys, tmp_path, monkeypatch):
    store = tmp_path / "new.db"
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a long password 1\n"))
    code, out, _ = run_main(capsys, "users", "add", "zed", "--password-stdin", "--db", str(store))
    assert code == 0 and "created editor account 'zed'" in out and store.exists()
    code, out, _ = run_main(capsys, "users", "list", "--db", str(store))
    assert code == 0 and "zed" in out
