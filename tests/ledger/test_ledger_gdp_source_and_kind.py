"""A share of GDP names its denominator's source and reliability; `reality` shows a deal's
kind, so a needs estimate (the Draghi report) is never read as a pledge."""

from __future__ import annotations

import json

import pytest
from ledgerdata import claim, deal, source, tables, write_ledger_package
from typer.testing import CliRunner

import moneytrail.ledger
from moneytrail.cli import app
from moneytrail.report.ledger import gdp_source_text, reality_view, totals_view

BN = 1e9
WEAK_GDP = [source("m_fx"), source("m_defl"), source("m_pop"),
            source("m_gdp", reliability="weak", primary_ref="")]


def with_need() -> dict[str, list[dict]]:
    """The fixture with the EU GDP weak and one EU needs estimate added."""
    data = tables(macro_sources=WEAK_GDP)
    data["ledger-deals"].append(deal("d_need", "EU", "mixed", "mixed", "2024-09-09",
                                     kind="need"))
    data["ledger-claims"].append(claim("need_ann", "d_need", "announced", 775 * BN, "EUR",
                                       2023, "2024-09-09"))
    return data


@pytest.fixture
def store(store_url, tmp_path):
    ledger = moneytrail.ledger.open(store_url, load_bundled=False)
    ledger.import_package(write_ledger_package(tmp_path / "pkg", with_need()),
                          author="fixture", reason="test data")
    yield ledger
    ledger.close()


def test_totals_name_the_gdp_source_and_its_reliability(store):
    frame = store.totals(by=["region"]).set_index("region")
    assert frame.loc["EU", "gdp_source"] == "m_gdp"
    assert frame.loc["EU", "gdp_reliability"] == "weak"
    assert frame.loc["GB", "gdp_source"] == ""           # no GDP row: nothing named
    shown = totals_view(frame.reset_index()).set_index("region")
    assert shown.loc["EU", "GDP source"] == "m_gdp (weak)"
    assert shown.loc["GB", "GDP source"] == "-"


def test_official_gdp_source_is_named_without_a_label():
    assert gdp_source_text("x_oecd", "official") == "x_oecd"
    assert gdp_source_text("x_wb", "estimate") == "x_wb (estimate)"
    assert gdp_source_text("", "") == "-"


def test_reality_shows_the_kind_of_each_deal(store):
    frame = store.reality(region="EU")
    kinds = dict(zip(frame["deal"], frame["kind"], strict=True))
    assert kinds["d_need"] == "need" and kinds["d_eu"] == "pledge"
    view = reality_view(frame).set_index("deal")
    assert view.loc["d_need", "kind"] == "need"
    # and totals still leave the need out unless asked
    eu = store.totals(by=["region"]).set_index("region").loc["EU"]
    assert eu["central"] == pytest.approx(120 * BN)


def test_cli_totals_and_reality_say_source_and_kind(store_url, tmp_path, monkeypatch):
    monkeypatch.setenv("USER", "cli-user")
    monkeypatch.setenv("COLUMNS", "250")
    package = write_ledger_package(tmp_path / "pkg", with_need())
    moneytrail.ledger.open(store_url, load_bundled=False).close()
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["ledger", *args, "--db", store_url])
        assert result.exit_code == 0, result.output
        return result.stdout          # notes (totals are lower bounds) go to stderr

    run("import", str(package), "--reason", "fixture")
    table = run("totals")
    assert "GDP source" in table and "m_gdp (weak)" in table
    assert "lower bounds" not in table            # on stderr, so JSON and CSV stay clean
    rows = json.loads(run("totals", "-f", "json"))
    eu = next(r for r in rows if r["region"] == "EU")
    assert (eu["gdp_source"], eu["gdp_reliability"]) == ("m_gdp", "weak")
    reality = run("reality", "--region", "EU")
    line = next(x for x in reality.splitlines() if "d_need" in x)
    assert "need" in line.replace("d_need", "")
    assert "not a pledge" in reality
