"""h232: how the ledger reads a number cell on the command line (and in CSV imports and data
packages, which share the rule). The cap message compared 1e17 with world GDP, true only in
USD or EUR; `central=inf` was 'not a number' while 1e400 was beyond the cap; `1_000` (which
Python's float reads) was stored as 1000; `1e-400` was stored as 0."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

import moneytrail.ledger
from moneytrail.cli import app
from moneytrail.data.checks import numbers, parse_number
from moneytrail.ledger.records import KINDS, canonical

CLAIM = ["claim", "ref=c_h232", "deal=l_stargate_us_2025_01", "stage=announced",
         "currency=KRW", "price_year=2025", "as_of=2025-01-21",
         "source=l_stargate_2025_01_center"]
CAP = ("the cap on any amount, in whatever currency or unit it is counted, there to catch "
       "typos such as 1e30): check the amount and its unit")
TOO_SMALL = "too small to store (it rounds to 0): give 0 or a larger number"


@pytest.fixture
def url(store_url, monkeypatch):
    monkeypatch.setenv("USER", "t")
    moneytrail.ledger.open(store_url).close()          # the bundled ledger
    return store_url


def refusal(url, *fields, command=("add",)):
    result = CliRunner().invoke(app, ["ledger", *command, *fields, "--reason", "h232",
                                      "--db", url])
    assert result.exit_code != 0 and result.exception is not None, result.output
    lines = str(result.exception).strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(("central", "beyond"), [
    ("inf", "more than 100,000 tn"), ("-inf", "less than -100,000 tn"),
    ("Infinity", "more than 100,000 tn"),
    ("1e400", "more than 100,000 tn"), ("-1e400", "less than -100,000 tn"),
    ("2e17", "more than 100,000 tn")])
def test_infinity_and_1e400_are_beyond_the_cap_in_words_true_in_any_currency(url, central,
                                                                            beyond):
    line = refusal(url, *CLAIM, f"central={central}")
    shown = "2e+17" if central == "2e17" else central
    assert line.endswith(f"field 'central', value '{shown}': {beyond} ({CAP}")
    assert "world GDP" not in line and "not a number" not in line


@pytest.mark.parametrize("central", ["1_000", "1_0.5", "1e1_0"])
def test_digits_grouped_with_underscores_are_not_a_number(url, central):
    line = refusal(url, *CLAIM, f"central={central}")
    assert line.endswith(f"field 'central', value '{central}': not a number")
    assert canonical(KINDS["claim"], {"central": central})["central"] == central
    assert parse_number(central) is None


@pytest.mark.parametrize("central", ["1e-400", "-1e-400", "0.5e-330"])
def test_a_non_zero_amount_too_small_for_a_float_is_refused_not_stored_as_0(url, central):
    line = refusal(url, *CLAIM, f"central={central}")
    assert line.endswith(f"field 'central', value '{central}': {TOO_SMALL}")
    line = refusal(url, *CLAIM, "low=100", f"central={central}", "high=200")
    assert line.endswith(f"field 'central', value '{central}': {TOO_SMALL}")  # nothing more


def test_an_edit_is_read_the_same_way(url):
    result = CliRunner().invoke(app, ["ledger", "add", *CLAIM, "central=5e14", "--reason",
                                      "h232", "--db", url])
    assert result.exit_code == 0, result.output
    assert refusal(url, "claim", "c_h232", "high=1e-400", command=("edit",)).endswith(
        f"field 'high', value '1e-400': {TOO_SMALL}")
    assert refusal(url, "claim", "c_h232", "high=1_000", command=("edit",)).endswith(
        "field 'high', value '1_000': not a number")
    assert refusal(url, "claim", "c_h232", "high=inf", command=("edit",)).endswith(
        f"field 'high', value 'inf': more than 100,000 tn ({CAP}")


def test_zero_written_with_an_exponent_is_still_zero():
    assert canonical(KINDS["claim"], {"central": "0e-400"})["central"] == "0"
    assert parse_number("0e-400") == 0.0


def test_data_package_cells_follow_the_same_rule():
    values = numbers(pd.Series(["1_000", "2", "1e-400", "0", "１０"]))
    assert values[1] == 2 and values[3] == 0
    assert all(pd.isna(values[[0, 2, 4]]))
