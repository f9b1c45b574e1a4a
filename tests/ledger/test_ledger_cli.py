"""`moneytrail ledger ...` and `moneytrail trace --deal` end to end."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import moneytrail.ledger
from moneytrail.cli import app
from moneytrail.data.package import bundled_path
from moneytrail.ledger.errors import ConflictError, LedgerError

BN = 1e9


@pytest.fixture
def cli(store_url, package, monkeypatch):
    """Run the CLI against a store holding the fixture package (imported through the CLI)."""
    monkeypatch.setenv("USER", "cli-user")
    moneytrail.ledger.open(store_url, load_bundled=False).close()
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(app, ["ledger", *args, "--db", store_url])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == 0, result.output
        return result

    invoke("import", str(package), "--reason", "fixture")
    return invoke


def test_list_csv(cli):
    frame = pd.read_csv(io.StringIO(cli("list", "--region", "EU", "-f", "csv").stdout))
    assert list(frame["id"]) == ["d_eu", "d_eu_part"]
    assert frame.loc[0, "committed_central"] == pytest.approx(40 * BN)


def test_csv_text_that_starts_like_a_formula_is_quoted(cli):
    """A name or note saved as a spreadsheet formula must not run when the CSV is opened."""
    number = json.loads(cli("history", "deal", "d_gb", "-f", "json").stdout)[0]["revision"]
    cli("edit", "deal", "d_gb", 'name==HYPERLINK("http://evil","x")', "note=@SUM(1+1)",
        "--revision", str(number), "--reason", "test")
    listed = pd.read_csv(io.StringIO(cli("list", "--region", "GB", "-f", "csv").stdout))
    assert listed.loc[0, "name"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    shown = cli("show", "d_gb", "-f", "csv").stdout
    assert "'@SUM(1+1)" in shown and ",@SUM" not in shown and ",=HYPERLINK" not in shown
    assert listed["committed_central"].dtype.kind == "f"      # numbers stay numbers


def test_reality_json_and_table(cli):
    rows = json.loads(cli("reality", "--sector", "private", "--currency", "USD",
                          "--price-year", "2023", "-f", "json").stdout)
    assert [r["deal"] for r in rows] == ["d_us"]
    assert rows[0]["announced_central"] == pytest.approx(50 * BN)
    assert rows[0]["currency"] == "USD" and rows[0]["price_year"] == 2023
    table = cli("reality").stdout
    assert "33.3 %" in table and "@2024-10-01" in table and "EUR at 2024 prices" in table


def test_totals(cli):
    rows = json.loads(cli("totals", "--by", "region", "--stage", "announced",
                          "-f", "json").stdout)
    eu = next(r for r in rows if r["region"] == "EU")
    assert eu["central"] == pytest.approx(120 * BN)
    assert eu["per_capita_central"] == pytest.approx(300)
    assert "not counted twice" in cli("totals", "--by", "year").stdout


def test_show(cli):
    out = cli("show", "d_eu").stdout
    assert "eu_ann_raise" in out and "includes" in out and "d_eu_part" in out
    data = json.loads(cli("show", "d_us", "-f", "json").stdout)
    assert {s["id"] for s in data["sources"]} == {"s_a", "s_b"}


def test_terminal_tables_print_amounts_with_their_currency(cli):
    """Every amount on the terminal names its currency, as report.units writes money
    elsewhere ('EUR 120.00 bn'), not a bare '120.00 bn' with the currency in a caption."""
    import re

    from moneytrail.report.units import money

    bare = re.compile(r"(?<![A-Z]{3} )(?<![\d.,–])\b\d[\d,]*\.\d\d (?:k|m|bn|tn)\b")
    for args in (("list",), ("reality",), ("totals", "--by", "region"), ("show", "d_eu"),
                 ("list", "--currency", "USD", "--price-year", "2023")):
        out = cli(*args).stdout
        assert not bare.findall(out), (args, bare.findall(out))
    assert money(120 * BN, "EUR") in cli("totals", "--by", "region").stdout
    usd = cli("reality", "--currency", "USD", "--price-year", "2023").stdout
    assert money(50 * BN, "USD") in usd and "EUR" not in usd.split("USD at")[0]
    shown = cli("show", "d_eu").stdout
    assert "EUR" in shown.split("Claims")[1]


def test_piped_tables_keep_long_names_and_titles_whole(cli, store_url):
    """Output to a pipe (not a terminal) is not wrapped or cut at a fixed width: a long deal
    name and a long source title arrive whole, each on one line."""
    name = "Stargate-like " + " ".join(f"programme{k}" for k in range(16))       # ~190 chars
    title = "Press release: " + " ".join(f"paragraph-{k}" for k in range(16))
    number = json.loads(cli("history", "deal", "d_gb", "-f", "json").stdout)[0]["revision"]
    cli("edit", "deal", "d_gb", f"name={name}", "--revision", str(number), "--reason", "t")
    number = json.loads(cli("history", "source", "s_a", "-f", "json").stdout)[0]["revision"]
    cli("edit", "source", "s_a", f"title={title}", "--revision", str(number), "--reason", "t")
    src = Path(moneytrail.__file__).resolve().parents[1]          # the code under test
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("COLUMNS", None)

    def piped(*args: str) -> str:
        out = subprocess.run([sys.executable, "-m", "moneytrail", "ledger", *args, "--db",
                              store_url], capture_output=True, text=True, env=env,
                             timeout=300)
        assert out.returncode == 0, out.stderr
        return out.stdout

    assert any(name in line for line in piped("list", "--region", "GB").splitlines())
    assert any(title in line for line in piped("show", "d_gb").splitlines())


def test_add_edit_history_revert(cli):
    cli("add", "claim", "ref=gb_com", "deal=d_gb", "stage=committed", "central=2e9",
        "currency=GBP", "price_year=2024", "as_of=2024-06", "source=s_a",
        "--reason", "budget")
    history = json.loads(cli("history", "claim", "gb_com", "-f", "json").stdout)
    assert history[0]["author"] == "cli-user (command line)" and history[0]["reason"] == "budget"
    number = history[0]["revision"]
    cli("edit", "claim", "gb_com", "central=3e9", "high=3e9", "--revision", str(number),
        "--author", "eve", "--reason", "update")
    rows = json.loads(cli("history", "claim", "gb_com", "-f", "json").stdout)
    assert rows[0]["author"] == "eve (command line)" and "3000000000" in rows[0]["changes"]
    with pytest.raises(ConflictError):
        cli("edit", "claim", "gb_com", "central=4e9", "high=4e9", "--revision", str(number),
            "--reason", "stale")
    cli("revert", str(rows[0]["revision"]), "--reason", "oops")
    frame = pd.read_csv(io.StringIO(cli("list", "--region", "GB", "-f", "csv").stdout))
    assert frame.loc[0, "committed_central"] == pytest.approx(2e9 / 0.8)


def test_export_then_reimport_adds_nothing(cli, tmp_path):
    cli("export", str(tmp_path / "out"))
    assert (tmp_path / "out" / "ledger" / "claims.csv").exists()
    out = cli("import", str(tmp_path / "out")).stderr
    assert "0 added, 0 changed" in out


def test_bad_format(cli):
    with pytest.raises(LedgerError, match="unknown format"):
        cli("list", "-f", "xml")


def run_main(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *args], text=True,
                          capture_output=True, env={**os.environ, **(env or {})}, timeout=120)


def test_bad_input_exits_2_with_one_line(cli, store_url):
    before = cli("history", "-f", "json").stdout
    result = run_main("ledger", "add", "claim", "ref=x", "deal=d_gb", "stage=committed",
                      "low=5", "central=3", "high=4", "currency=GBP", "price_year=2024",
                      "as_of=2024-06", "source=s_a", "--author", "a", "--reason", "r",
                      "--db", store_url)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "claim 'x', field 'low/central/high'" in lines[0], \
        result.stderr
    assert cli("history", "-f", "json").stdout == before


def test_stale_edit_exits_5_conflict(cli, store_url):
    result = run_main("ledger", "edit", "deal", "d_gb", "note=x", "--revision", "1",
                      "--author", "a", "--reason", "r", "--db", store_url)
    assert result.returncode == 5 and "changed since revision 1" in result.stderr


def test_writing_needs_an_author(cli, store_url):
    env = {k: v for k, v in os.environ.items() if k != "USER"}
    result = subprocess.run([sys.executable, "-m", "moneytrail.cli", "ledger", "edit", "deal",
                             "d_gb", "note=x", "--reason", "r", "--db", store_url], text=True,
                            capture_output=True, env=env, timeout=120)
    assert result.returncode == 2 and "needs an author" in result.stderr


def test_trace_a_ledger_deal(cli, store_url, tmp_path, monkeypatch):
    """The deal's committed central amount, in the scenario's currency and price year."""
    source = bundled_path().parent.parent / "scenarios" / "reference" / \
        "eu-ai-gigafactories.yaml"
    scenario = tmp_path / source.name
    scenario.write_text(source.read_text().replace("price_year: 2025", "price_year: 2024"))
    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", store_url)
    result = CliRunner().invoke(app, ["trace", str(scenario), "--deal", "d_us", "--stage",
                                      "committed", "--draws", "200", "-f", "json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)["facts"]
    assert info["total"] == pytest.approx(25 * BN / 1.1)      # USD 25 bn of 2024 in EUR 2024
    with pytest.raises(LedgerError, match="no disbursed claim"):
        outcome = CliRunner().invoke(app, ["trace", str(scenario), "--deal", "d_us",
                                           "--stage", "disbursed"])
        raise outcome.exception


def test_plan_for_deal_replaces_only_the_budget(ledger):
    import moneytrail as mt
    from moneytrail.ledger.trace import plan_for_deal

    path = Path(bundled_path().parent.parent / "scenarios" / "reference" /
                "eu-ai-gigafactories.yaml")
    plan = mt.load_scenario(path).model_copy(update={"price_year": 2023})
    traced = plan_for_deal(plan, ledger, "d_eu", "announced")
    assert traced.budget.amount == pytest.approx(120 * BN * 100 / 110)
    assert traced.spend == plan.spend and traced.id == plan.id
    assert "eu_ann_raise" in traced.budget.note
