"""A tester's findings setting up a team store (h206): bad PostgreSQL URLs are one line
before any connection, connection failures exit alike, public addresses are used."""

from __future__ import annotations

import pytest

from moneytrail.cli import main
from moneytrail.ledger import connection, location
from moneytrail.ledger.errors import LedgerError, StoreUnavailable
from moneytrail.ledger.store import Ledger

ACCEPTED = ("sqlite:///PATH, postgresql://USER@HOST:PORT/DATABASE or "
            "postgresql+psycopg://USER@HOST:PORT/DATABASE")


def run_main(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def no_connection(monkeypatch):
    """Any attempt to make an engine fails the test: the URL must be refused before."""
    def refuse(*args, **kwargs):
        raise AssertionError("an engine was made for a URL that should have been refused")

    monkeypatch.setattr(connection, "create_engine", refuse)


@pytest.mark.parametrize("command", [("ledger", "status"), ("serve", "--port", "8859")])
def test_a_postgresql_url_without_a_database_is_refused(capsys, no_connection, command):
    url = "postgresql://postgres@127.0.0.1:55432/"
    code, out, err = run_main(capsys, *command, "--db", url)
    assert code == 2 and not out.strip()
    assert one_line(err) == (f"error: field '--db', value '{url}': a PostgreSQL URL must name "
                             "its database (postgresql://USER@HOST:PORT/DATABASE): without "
                             "one the server's maintenance database would be used")


def test_the_variable_is_named_when_the_url_came_from_it(capsys, no_connection, monkeypatch):
    monkeypatch.setenv(location.ENV_URL, "postgresql://postgres@127.0.0.1:55432")
    code, _, err = run_main(capsys, "ledger", "status")
    line = one_line(err)
    assert code == 2
    assert line.startswith("error: field 'MONEYTRAIL_DATABASE_URL', value "
                           "'postgresql://postgres@127.0.0.1:55432': a PostgreSQL URL must "
                           "name its database")
    assert line.endswith("(from MONEYTRAIL_DATABASE_URL; --db overrides it)")


@pytest.mark.parametrize("port", ["notaport", "99999", "0"])
@pytest.mark.parametrize("command", [("ledger", "status"), ("serve", "--port", "8859")])
def test_a_port_that_is_no_port_is_one_line(capsys, no_connection, port, command):
    url = f"postgresql://postgres:secret@127.0.0.1:{port}/team50"
    code, _, err = run_main(capsys, *command, "--db", url)
    assert code == 2
    assert one_line(err) == (f"error: field '--db', value 'postgresql://postgres:***@127.0.0.1:"
                             f"{port}/team50': the port must be a whole number from 1 to "
                             "65535 (as in postgresql://USER@HOST:5432/DATABASE)")


@pytest.mark.parametrize("url", ["mysql://u@h/db", "foo://x", "mssql+pyodbc://u@h/db"])
def test_other_databases_are_not_supported(capsys, no_connection, url):
    code, _, err = run_main(capsys, "ledger", "status", "--db", url)
    line = one_line(err)
    assert code == 2
    assert "only SQLite and PostgreSQL stores are supported" in line
    assert ACCEPTED in line and "driver" not in line
    with pytest.raises(LedgerError, match="only SQLite and PostgreSQL"):
        Ledger.connect(url)                         # below resolve_url as well


def test_an_unknown_host_is_a_connection_failure_like_the_others(capsys):
    # .invalid never resolves (RFC 6761); port 1 refuses: both are the environment, exit 3
    for url in ("postgresql://u@nosuchhost.invalid:55432/x", "postgresql://u@127.0.0.1:1/x"):
        code, _, err = run_main(capsys, "ledger", "status", "--db", url)
        assert code == 3, err
        assert "cannot open the ledger store" in one_line(err)


@pytest.mark.parametrize("reason", [
    "failed to resolve host 'db.example': [Errno -2] Name or service not known",
    'could not translate host name "db.example" to address: Name or service not known',
    "connection timeout expired"])
def test_host_and_timeout_failures_are_the_store_unavailable(reason):
    assert isinstance(connection.unavailable_named("x", Exception(reason)), StoreUnavailable)
