"""Figures per EUR million (jobs and CO2 per million spent, in the jobs, co2 and scorecard
tables) depend on the price year the millions are at, as any amount does: their CSV rows carry
`currency` and `price_year` as the money rows do (the co2 table, whose only money is its row
per EUR million, gains both columns), and the run page names the prices beside the row."""

from __future__ import annotations

import csv
import io
import re

import pytest


def test_money_currency_reads_amounts_and_figures_per_million():
    from moneytrail.currencies import money_currency

    assert money_currency("EUR") == "EUR"
    assert money_currency("FTE-years per EUR million") == "EUR"
    assert money_currency("t CO2e per USD million") == "USD"
    assert money_currency("t CO2e") is None and money_currency("FTE") is None
    assert money_currency("FTE per ABC million") is None         # not an ISO 4217 code


def test_per_million_prices_names_the_currency_and_price_year():
    from moneytrail.report.units import per_million_prices

    assert per_million_prices("FTE-years per EUR million", 2025) == "EUR at 2025 prices"
    assert per_million_prices("EUR", 2025) == ""                 # an amount says it elsewhere
    assert per_million_prices("t CO2e per EUR million", None) == ""
    assert per_million_prices("t CO2e per EUR million", [2024, 2025]) == ""   # several plans


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    from moneytrail.scenarios import load_scenario
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    db = tmp_path_factory.mktemp("per-million") / "ledger.sqlite"
    plan = load_scenario(reference_dir() / "eu-ai-gigafactories.yaml")
    with Workspace.open(None, db=f"sqlite:///{db}") as ws:
        return tasks.trace_plan(ws, plan, draws=100, seed=1, analyses=True)


@pytest.fixture(scope="module")
def written(result, tmp_path_factory) -> dict[str, list[dict[str, str]]]:
    """The run's CSV files (Result.write_tables, as `--format csv` and the API's), read back."""
    folder = tmp_path_factory.mktemp("csv")
    result.write_tables(folder, "csv")
    return {name: list(csv.DictReader(io.StringIO(
        (folder / f"{result.run_id}-{name}.csv").read_text(encoding="utf-8"))))
        for name in ("jobs", "co2", "scorecard")}


@pytest.mark.parametrize("name", ["jobs", "co2", "scorecard"])
def test_rows_per_eur_million_carry_currency_and_price_year_in_csv(written, name):
    read = written[name]
    per = [r for r in read if re.fullmatch(r".+ per EUR million", r["unit"])]
    assert per, name
    for row in per:
        assert (row["currency"], row["price_year"]) == ("EUR", "2025"), row
    for row in read:
        if row["unit"] in ("t CO2e", "share", "FTE-years", "FTE", "points"):
            assert (row["currency"], row["price_year"]) == ("", ""), row


def test_the_run_page_names_the_prices_of_rows_per_eur_million(result):
    pytest.importorskip("fastapi")
    from moneytrail.web.runs import footprint_rows, scorecard_rows

    rows = [*(r for t in footprint_rows(result) for r in t["rows"]),
            *scorecard_rows(result)]
    per = [r for r in rows if str(r["unit"]).endswith(" per EUR million")]
    assert len(per) >= 4                  # jobs and CO2, in their tables and the scorecard
    assert all(r["prices"] == "EUR at 2025 prices" for r in per), per
    assert not any(r["prices"] for r in rows if r not in per)
