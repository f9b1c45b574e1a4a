"""A data row claims no higher reliability than the best of the sources it cites (data 2.6.0).

The EU electricity price (analysis/electricity_prices.csv) said `official` while both its
sources (`a_eurostat_ig_2024s1`, `a_eurostat_ig_2024s2`) are `estimate`: machine copies of the
Eurostat table, relabelled in data 2.1.1. The run page printed "reliability official" next to
source pages saying "Reliability estimate". The rule of data 2.5.0 only caught rows ALL of
whose sources were weak or assumption; now every row with a `reliability` is checked against
its sources' labels (order filing > official > analyst > estimate > weak > assumption)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from moneytrail.data.package import bundled_path, open_package
from moneytrail.data.sourcing import label_above_sources_problems
from moneytrail.data.validate import package_problems


def rewrite(path: Path, change) -> None:
    """Rewrite a CSV of a copied package, `change(rows)` editing its rows in place."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def package_copy(tmp_path):
    root = tmp_path / "package"
    shutil.copytree(bundled_path(), root)
    return root


def test_no_bundled_row_is_labelled_above_its_best_source():
    assert [str(p) for p in label_above_sources_problems(open_package())] == []


def test_the_electricity_prices_carry_their_sources_label():
    prices = open_package().table("analysis-electricity-prices")
    assert set(prices["reliability"]) == {"estimate"}
    eu = prices[prices["country"] == "EU"].iloc[0]
    assert "relabelled estimate in data 2.6.0" in eu["note"].lower()


def test_validate_refuses_a_row_labelled_above_its_sources(package_copy):
    def official(rows):                       # electricity_prices.csv line 2: EU 2024
        rows[0]["reliability"] = "official"

    rewrite(package_copy / "analysis" / "electricity_prices.csv", official)
    problems = [p for p in package_problems(package_copy) if p.field == "reliability"]
    assert len(problems) == 1
    [problem] = problems
    assert (Path(problem.file).name, problem.line, problem.value) == (
        "electricity_prices.csv", 2, "official")
    text = str(problem)
    assert "\n" not in text
    assert "a_eurostat_ig_2024s1 = estimate" in text and "a_eurostat_ig_2024s2 = estimate" in text
    assert "labelled official while the best of the sources it cites" in text
    assert "is estimate" in text


def test_a_row_citing_one_strong_source_may_keep_its_label(package_copy):
    """The best source counts: an official row citing an official source beside an estimate
    passes; one citing only analyst sources does not."""
    def mixed(rows):                          # merger thresholds: official, official sources
        rows[0]["sources"] += ";a_synergy_eu_cloud_2024"

    rewrite(package_copy / "analysis" / "merger_thresholds.csv", mixed)
    assert label_above_sources_problems(open_package(package_copy)) == []

    def analyst_only(rows):
        rows[0]["sources"] = "a_synergy_eu_cloud_2024"

    rewrite(package_copy / "analysis" / "merger_thresholds.csv", analyst_only)
    [problem] = label_above_sources_problems(open_package(package_copy))
    assert (problem.line, problem.value) == (2, "official")
    assert "is analyst" in problem.message
