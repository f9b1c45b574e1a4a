"""A tester's findings setting up a team store (h206): bad PostgreSQL URLs are one line
before any connection, connection failures exit alike, public addresses are used."""

from __future__ import annotations

import re

import pytest

from cli_runs import one_line, run_main  # noqa: E402
from moneytrail.cli import main
from moneytrail.ledger import connection, location
from moneytrail.ledger.errors import LedgerError, StoreUnavailable
from moneytrail.ledger.store import Ledger

ACCEPTED = ("sqlite:///PATH, postgresql://USER@HOST:PORT/DATABASE or "
            "postgresql+psycopg://USER@HOST:PORT/DATABASE")




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


def run_users(capsys, *args):
    """`main` for a users command: (exit code, stdout, stderr); exit code 0 when it returns."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = exit_.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_reset_links_use_the_public_address(capsys, tmp_path, monkeypatch):
    db = str(tmp_path / "ledger.sqlite")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a long enough passphrase\n"))
    code, _, err = run_users(capsys, "users", "add", "bob", "--password-stdin", "--db", db)
    assert code == 0, err
    monkeypatch.delenv("MONEYTRAIL_PUBLIC_URL", raising=False)
    _, out, _ = run_users(capsys, "users", "reset-password", "bob", "--db", db)
    assert out.startswith("http://127.0.0.1:8000/reset-password?token=")
    monkeypatch.setenv("MONEYTRAIL_PUBLIC_URL", "https://mt.example.org/team/")
    _, out, _ = run_users(capsys, "users", "reset-password", "bob", "--db", db)
    assert out.startswith("https://mt.example.org/team/reset-password?token=")
    _, out, _ = run_users(capsys, "users", "reset-password", "bob", "--db", db,
                          "--base-url", "http://10.0.0.5:8000")
    assert out.startswith("http://10.0.0.5:8000/reset-password?token=")   # --base-url wins
    monkeypatch.setenv("MONEYTRAIL_PUBLIC_URL", "ftp://mt.example.org")
    code, out, err = run_users(capsys, "users", "reset-password", "bob", "--db", db)
    assert code == 2 and not out
    assert one_line(err).startswith("error: field 'MONEYTRAIL_PUBLIC_URL', value "
                                    "'ftp://mt.example.org': the public address must be")


def test_serve_prints_the_public_address_and_where_it_listens(capsys, tmp_path, monkeypatch):
    import socket

    import uvicorn

    from moneytrail.web import server

    with socket.socket() as probe:     # a port nothing else on the machine holds
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    monkeypatch.setenv("MONEYTRAIL_PUBLIC_URL", "https://mt.example.org")
    server.serve(port=port, db=str(tmp_path / "ledger.sqlite"), hosts=["mt.example.org"])
    first = capsys.readouterr().out.splitlines()[0]
    assert first == ("moneytrail web app: open https://mt.example.org/ (the public address, "
                     f"MONEYTRAIL_PUBLIC_URL; listening on http://127.0.0.1:{port}/) (Ctrl+C "
                     "stops it)")
    monkeypatch.delenv("MONEYTRAIL_PUBLIC_URL")
    server.serve(port=port, db=str(tmp_path / "ledger.sqlite"))
    assert capsys.readouterr().out.startswith("moneytrail web app: open "
                                              f"http://127.0.0.1:{port}/ (Ctrl+C stops it)")


def test_the_docs_never_quote_a_stale_newest_schema_revision():
    """docs/errors.md's example of a store from a newer moneytrail gave 0006 as the newest
    revision while the migrations were at 0011: any revision it quotes as the newest must be
    the shipped head (it now names none, so it cannot go stale)."""
    from pathlib import Path

    from moneytrail.ledger import migrate

    docs = (Path(__file__).resolve().parents[1] / "docs" / "errors.md").read_text()
    text = " ".join(docs.split())
    assert "knows revisions up to" in text
    quoted = re.findall(r"knows revisions up to (\d+)", text)
    assert all(number == migrate.head_revision() for number in quoted), quoted


def test_an_import_that_changes_nothing_needs_no_author(capsys, tmp_path, monkeypatch):
    db = str(tmp_path / "ledger.sqlite")
    monkeypatch.delenv("USER", raising=False)
    code, _, err = run_users(capsys, "ledger", "import", "--db", db)   # the store holds it
    assert code == 0, err
    assert "0 added, 0 changed, 0 removed" in err and "(revisions none)" in err
    code, _, err = run_users(capsys, "ledger", "edit", "deal", "l_stargate_us_2025_01",
                             "note=by hand", "--author", "ann", "--reason", "test", "--db", db)
    assert code == 0, err
    # putting the bundled row back is a change: it is recorded under a name, so it needs one
    code, _, err = run_users(capsys, "ledger", "import", "--overwrite", "--db", db)
    assert code == 2 and "writing to the ledger needs an author" in one_line(err)
    code, _, err = run_users(capsys, "ledger", "import", "--overwrite", "--author", "ann",
                             "--db", db)
    assert code == 0 and "1 changed" in err, err


def test_import_help_does_not_call_its_default_reason_required(capsys):
    code, out, _ = run_users(capsys, "ledger", "import", "--help")
    text = " ".join(out.replace("│", " ").split())
    assert code == 0
    assert "why (kept in the history; default: 'import of data package NAME VERSION')" in text
    code, out, _ = run_users(capsys, "ledger", "add", "--help")
    assert "required" in " ".join(out.replace("│", " ").split())     # add: still required
