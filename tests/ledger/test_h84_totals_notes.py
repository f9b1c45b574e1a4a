"""`moneytrail ledger totals` states the web page's caveats (lower bounds; estimates of need
added) on stderr after its table, so CSV and JSON on stdout stay machine-readable."""

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import moneytrail.ledger
from moneytrail.cli import app
from moneytrail.ledger.queries import NEEDS_NOTE, TOTALS_NOTE


@pytest.fixture
def totals(store_url, package, monkeypatch):
    """Run `moneytrail ledger totals ...` against a store holding the fixture package."""
    monkeypatch.setenv("USER", "cli-user")
    moneytrail.ledger.open(store_url, load_bundled=False).close()
    runner = CliRunner()
    imported = runner.invoke(app, ["ledger", "import", str(package), "--reason", "fixture",
                                   "--db", store_url])
    assert imported.exit_code == 0, imported.output

    def invoke(*args: str):
        result = runner.invoke(app, ["ledger", "totals", *args, "--db", store_url])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == 0, result.output
        return result

    return invoke


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_totals_say_they_are_lower_bounds_naming_the_deals_left_out(totals, store_url):
    with moneytrail.ledger.open(store_url, load_bundled=False) as ledger:
        caveats = ledger.totals_caveats(stage="announced")
    out = caveats[caveats["caveat"] == "left out"]
    assert len(out)                      # the fixture has a deal inside another
    result = totals("--by", "region")
    notes = one_line(result.stderr)
    assert TOTALS_NOTE in notes
    assert f"{len(out)} deal" in notes and str(out.iloc[0]["name"]) in notes
    assert NEEDS_NOTE not in notes


def test_with_needs_the_totals_say_estimates_of_need_are_added(totals):
    notes = one_line(totals("--by", "region", "--include-needs").stderr)
    assert TOTALS_NOTE in notes and NEEDS_NOTE.rstrip(".") in notes


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_notes_keep_csv_and_json_readable(totals, fmt):
    result = totals("--by", "region", "--include-needs", "-f", fmt)
    assert "note:" in result.stderr and "note:" not in result.stdout
    if fmt == "csv":
        assert len(pd.read_csv(io.StringIO(result.stdout)))
    else:
        assert json.loads(result.stdout)
