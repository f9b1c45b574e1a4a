"""Bad input of every kind is one clear line (a LedgerError), never a traceback."""

import os
import subprocess
import sys

import pytest
from ledgerdata import write_ledger_package

import moneytrail.ledger
from moneytrail.ledger.errors import ConversionError, LedgerError, NotFoundError
from moneytrail.ledger.records import KINDS

CLAIM_COLUMNS = len(KINDS["claim"].columns)      # the header of claims.csv


def bad_package(tmp_path, text: str):
    root = write_ledger_package(tmp_path / "pkg")
    (root / "ledger" / "claims.csv").write_text(text)
    return root


def test_empty_csv(ledger, tmp_path):
    with pytest.raises(LedgerError, match="claims.csv: empty CSV file"):
        ledger.import_package(bad_package(tmp_path, ""), author="t")


@pytest.mark.parametrize("extra", [",x", ""])
def test_rows_with_too_many_or_too_few_fields(ledger, tmp_path, extra):
    root = write_ledger_package(tmp_path / "pkg")
    path = root / "ledger" / "claims.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3] + extra if extra else ",".join(lines[3].split(",")[:4])
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LedgerError,
                       match=rf"claims.csv:4.*fields, the header has {CLAIM_COLUMNS}\b"):
        ledger.import_package(root, author="t")


def test_a_row_of_one_field_says_one_field(ledger, tmp_path):
    root = write_ledger_package(tmp_path / "pkg")
    path = root / "ledger" / "claims.csv"
    lines = path.read_text().splitlines()
    lines[3] = "x"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LedgerError,
                       match=rf"claims.csv:4.*row has 1 field, the header has {CLAIM_COLUMNS}\b"):
        ledger.import_package(root, author="t")


@pytest.mark.parametrize(("url", "message"), [
    ("foo://x", "only SQLite and PostgreSQL stores are supported"),
    ("mysql://u@localhost/db", "only SQLite and PostgreSQL stores are supported"),
    ("/proc/no/such/ledger.sqlite", "the folder of this ledger store does not exist"),
    ("postgresql://u@127.0.0.1:1/x", "cannot open the ledger store"),
])
def test_bad_database_urls(url, message):
    with pytest.raises(LedgerError, match=message) as info:
        moneytrail.ledger.open(url)
    assert "\n" not in str(info.value)


def test_a_file_that_is_not_a_database_is_one_line(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 20)
    result = subprocess.run([sys.executable, "-m", "moneytrail.cli", "ledger", "list", "--db",
                             str(path)], text=True, capture_output=True, timeout=120,
                            env={**os.environ})
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert "not a database" in lines[0]


@pytest.mark.parametrize("key", ["abc/USD", "99999999999/USD", "2024/USD/x", "2024"])
def test_malformed_keys_are_not_found(ledger, key):
    with pytest.raises(NotFoundError):
        ledger.get("fx", key)
    with pytest.raises(NotFoundError):
        ledger.edit("fx", key, {"note": "x"}, author="t")


def test_text_longer_than_its_column_is_refused(ledger):
    with pytest.raises(LedgerError, match="field 'purpose'.*at most 64 characters"):
        ledger.edit("deal", "d_gb", {"purpose": "x" * 65}, author="t")
    with pytest.raises(LedgerError, match="at most 200 characters"):
        ledger.add("source", {"id": "s" * 201, "publisher": "p", "title": "t",
                              "url": "https://x.org", "accessed": "2025",
                              "reliability": "official"}, author="t")


@pytest.mark.parametrize("number", [0, -1, 2**31, 10**12])
def test_revision_numbers_out_of_range(ledger, number):
    with pytest.raises(NotFoundError, match="no such revision"):
        ledger.revert(number, author="t")


def test_query_options(ledger):
    """Python's errors name the parameters (the CLI renames them to its options: h63)."""
    frame = ledger.totals(by=["region", "region"])
    assert list(frame.columns).count("region") == 1
    with pytest.raises(LedgerError, match="field 'sector'.*unknown sector"):
        ledger.totals(sector="bogus")
    with pytest.raises(LedgerError, match="field 'region'.*unknown region"):
        ledger.list(region=["XX"])
    with pytest.raises(ConversionError, match="field 'price_year', value 2019"):
        ledger.totals(price_year=2019)
    with pytest.raises(ConversionError, match="field 'price_year', value 0"):
        ledger.reality(price_year=0)


@pytest.mark.parametrize(("method", "options", "field", "says"), [
    ("totals", {"region": 5}, "region", "a text or a list of texts"),
    ("list", {"purpose": 5}, "purpose", "a text or a list of texts"),
    ("list", {"sector": [5]}, "sector", "a text or a list of texts"),
    ("totals", {"by": 5}, "by", "'region' or ['region', 'year']"),
    ("list", {"currency": None}, "currency", "currency code as text"),
    ("reality", {"currency": 5}, "currency", "currency code as text"),
    ("totals", {"colour": "red"}, "colour", "unknown parameter (use by, stage, currency"),
    ("totals_caveats", {"colour": "red"}, "colour", "unknown parameter"),
    ("reality", {"price_year": 2025.5}, "price_year", "not a whole number"),
    ("totals", {"price_year": 2024.7}, "price_year", "not a whole number"),
    ("totals", {"price_year": 2024.0}, "price_year", "not a whole number"),   # as HTTP
    ("totals", {"price_year": True}, "price_year", "not a whole number"),
    ("totals", {"year": "abc"}, "year", "not a year"),
    ("list", {"year": 2024.0}, "year", "not a year"),
    ("totals", {"include_needs": "no"}, "include_needs", "True or False"),
])
def test_python_query_arguments_are_refused_in_one_line_naming_them(ledger, method, options,
                                                                    field, says):
    """The ledger's Python query methods check their arguments as the CLI and the HTTP API
    do: one MoneytrailError naming the parameter, never a raw TypeError/AttributeError or a
    year silently truncated (2025.5 -> 2025)."""
    with pytest.raises(LedgerError) as caught:
        getattr(ledger, method)(**options)
    assert caught.value.field == field and says in str(caught.value), str(caught.value)
    assert "\n" not in str(caught.value)


def test_unknown_parameters_of_deal_queries_are_named(ledger):
    with pytest.raises(LedgerError, match="field 'colour'.*use currency, price_year"):
        ledger.amount("d_eu", "announced", colour="red")
    with pytest.raises(LedgerError, match="field 'colour'"):
        ledger.programme_amount("d_eu", "announced", colour="red")
    with pytest.raises(LedgerError, match="field 'currency'.*not None"):
        ledger.show("d_eu", currency=None)


def test_whole_years_as_numbers_or_text_are_taken(ledger):
    import numpy as np

    expected = ledger.totals(price_year=2024, year=2024)
    for price_year, year in ((np.int64(2024), np.int64(2024)), ("2024", "2024")):
        frame = ledger.totals(price_year=price_year, year=year)
        assert frame.equals(expected)
    assert int(ledger.reality(price_year=2024)["price_year"].iloc[0]) == 2024
