"""h212: a team's IT person had to ask psql for the store's schema revision (`select
version_num from alembic_version`): no moneytrail command printed it. `ledger status` now ends
with one line naming the store (its file, or its URL with the password as ***), its schema
revision and whether that is the newest this code knows, the code's version and the data
package last imported; CSV and JSON carry the same facts as one more table, `store`. A store
a newer moneytrail wrote is still refused in one line (exit 3), whatever the format. On
SQLite and on PostgreSQL (a scratch schema of the shared test server)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from cli_runs import one_line, run_main
from moneytrail.ledger import migrate

NEWEST = " (the newest this moneytrail knows)"


def shown_store(url: str) -> str:
    """The store as the line names it: a SQLite file's path, else the URL without password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database)
    return parsed.render_as_string(hide_password=True)


def with_password(url: str) -> str:
    """The PostgreSQL URL with a password, which must never be printed, when the server lets
    it connect (a server that trusts local logins takes any password); else `url` as it is."""
    if url.startswith("sqlite") or "postgres@" not in url:
        return url
    given = url.replace("postgres@", "postgres:s3cret-pw@", 1)
    engine = create_engine(given.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect():
            return given
    except OperationalError:
        return url
    finally:
        engine.dispose()


def status(capsys, url: str, *options: str) -> tuple[int, str, str]:
    code, out, err = run_main(capsys, "ledger", "status", "--db", url, *options)
    return code or 0, out, err


def versions() -> tuple[str, str, str]:
    """(the newest schema revision, the code version, the bundled data package version)."""
    import moneytrail
    from moneytrail.data.package import open_package

    head = migrate.head_revision()
    assert head is not None
    return head, moneytrail.__version__, open_package().version


def test_status_ends_with_the_store_its_schema_revision_and_versions(capsys, store_url):
    url = with_password(store_url)
    code, out, err = status(capsys, url)
    assert code == 0, err
    head, code_version, data_version = versions()
    last = out.strip().splitlines()[-1]
    assert last == (f"store {shown_store(url)} · schema revision {head}{NEWEST} · code "
                    f"{code_version} · data package {data_version} (last imported)")
    assert "s3cret-pw" not in out + err
    if "s3cret-pw" in url:
        assert "postgres:***@" in last


def test_json_and_csv_carry_the_store_as_a_table(capsys, store_url):
    url = with_password(store_url)
    head, code_version, data_version = versions()
    expected = {"store": shown_store(url), "schema_revision": head,
                "newest_schema_revision": head, "schema_is_newest": True,
                "code_version": code_version, "data_version": data_version}
    code, out, err = status(capsys, url, "--format", "json")
    assert code == 0, err
    payload = json.loads(out)                   # the whole output is JSON: no free line
    assert set(payload) == {"freshness", "claims_per_year", "store"}
    assert payload["store"] == [expected]
    code, out, err = status(capsys, url, "--format", "csv")
    assert code == 0, err
    section = out.split("# store\n", 1)[1]
    rows = list(csv.DictReader(io.StringIO(section)))
    assert rows == [{**expected, "schema_is_newest": "True"}]
    assert "s3cret-pw" not in out


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_a_store_of_a_newer_moneytrail_is_one_line_in_every_format(capsys, ledger, fmt):
    url = ledger.engine.url.render_as_string(hide_password=False)
    ledger.close()
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '0099'"))
    engine.dispose()
    code, out, err = status(capsys, url, "--format", fmt)
    assert code == 3 and not out.strip()
    line = one_line(err)
    assert "Traceback" not in err
    assert line == (f"error: {shown_store(url)}: the store was created or upgraded by a newer "
                    f"moneytrail (schema revision 0099; this moneytrail knows revisions up to "
                    f"{migrate.head_revision()}): upgrade moneytrail to use it; nothing was "
                    "changed")


def test_the_line_says_when_a_revision_is_not_the_newest():
    from moneytrail.report.ledger import store_line

    facts = {"store": "/srv/ledger.sqlite", "schema_revision": "0010",
             "newest_schema_revision": "0011", "schema_is_newest": False,
             "code_version": "0.5.9", "data_version": None}
    assert store_line(facts) == ("store /srv/ledger.sqlite · schema revision 0010 (this "
                                 "moneytrail knows revisions up to 0011) · code 0.5.9")
