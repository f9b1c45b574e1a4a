"""`moneytrail ledger list/totals` as a reader types them: `--currency €` is EUR (as the plan
builder reads it), and a price year the data have no index for says so in words before it
names the data file."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cli(store: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(store),
           "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "moneytrail", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)


def test_ledger_list_takes_the_euro_sign_and_a_missing_price_year_is_said_in_words(tmp_path):
    store = tmp_path / "ledger.sqlite"
    euro = cli(store, "ledger", "list", "--currency", "€", "--format", "csv")
    assert euro.returncode == 0, euro.stderr
    assert euro.stdout == cli(store, "ledger", "list", "--currency", "EUR", "--format",
                              "csv").stdout
    old = cli(store, "ledger", "totals", "--price-year", "1900")
    assert old.returncode == 2
    message = " ".join(old.stderr.split())
    assert "field '--price-year', value 1900: no price index for 1900 in the data package " \
           "(hicp_ea in macro/deflators.csv); choose another price year" in message


def test_ledger_list_says_when_no_deal_matches_instead_of_an_empty_table(tmp_path):
    """A search that matches nothing printed the header of an empty 18-column table and
    nothing else (tester60); the terminal now says which filters matched no deal, while the
    CSV keeps its header row for scripts."""
    store = tmp_path / "ledger.sqlite"
    table = cli(store, "ledger", "list", "--search", "zzzqqq", "--region", "EU")
    assert table.returncode == 0, table.stderr
    assert table.stdout.strip() == "No deals match --region EU, --search 'zzzqqq'."
    csv_out = cli(store, "ledger", "list", "--search", "zzzqqq", "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("id,name,kind,region")
    assert len(csv_out.stdout.splitlines()) == 1


def test_ledger_totals_print_a_share_of_gdp_as_the_web_page_does():
    """The terminal printed France's share of GDP '6.5 %' and Spain's '0.0942 %' where
    /ledger/totals printed '6.50 %' and '0.094 %' (tester60): both use units.percent."""
    from moneytrail.report import units
    from moneytrail.report.ledger import cell

    for value in (0.065, 0.000942, 0.0119, 15.0):
        assert cell("per_gdp_central", value) == units.percent(value)
    assert cell("per_gdp_central", 0.065) == "6.50 %"
    assert "e+" not in cell("committed_ratio", 1.5e13)
