"""Fact-check findings on the bundled data (data 2.4.2): the EU's 2024 GDP, the denominator of
its share of GDP, is an official figure (it was a rounded number in a GitHub README, weak);
every GDP row says whether it was re-read; the Draghi report's figure is a need in 2023 euros,
public and private, and no view counts it as a pledge."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import moneytrail

PACKAGE = Path(moneytrail.__file__).parent / "data" / "package"


def rows(path: str) -> list[dict[str, str]]:
    with (PACKAGE / path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_id(path: str, key: str = "id") -> dict[str, dict[str, str]]:
    return {r[key]: r for r in rows(path)}


def test_eu_2024_gdp_is_official_with_a_primary_reference():
    gdp = {(r["country"], r["year"]): r for r in rows("macro/gdp.csv")}
    eu = gdp[("EU", "2024")]
    assert float(eu["value"]) == 19_398.3e9 and eu["currency"] == "USD"
    source = by_id("macro/sources.csv")[eu["source"]]
    assert source["reliability"] == "official" and source["primary_ref"]
    assert source["url"].startswith("https://www.oecd.org/")


def test_no_gdp_row_rests_on_a_weak_source_or_an_unsaid_reading():
    sources = by_id("macro/sources.csv")
    for row in rows("macro/gdp.csv"):
        assert sources[row["source"]]["reliability"] != "weak", row
        assert "not re-read" not in row["note"], row
        assert "re-read" in row["note"] or sources[row["source"]]["reliability"] == "official"


def test_draghi_need_is_mixed_in_2023_euros():
    deal = by_id("ledger/deals.csv")["l_draghi_report_2024_09"]
    assert (deal["kind"], deal["sector"]) == ("need", "mixed")
    claim = by_id("ledger/claims.csv", "ref")["draghi_need_per_year"]
    assert (claim["currency"], claim["price_year"]) == ("EUR", "2023")
    assert [float(claim[b]) for b in ("low", "central", "high")] == [750e9, 775e9, 800e9]
    cited = deal["sources"].split(";")
    assert "l_draghi_quotidiano" in cited and "l_draghi_quotidiano" in by_id("ledger/sources.csv")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    import moneytrail.ledger

    db = tmp_path_factory.mktemp("h49") / "ledger.sqlite"
    store = moneytrail.ledger.open(f"sqlite:///{db}")
    yield store
    store.close()


def test_bundled_totals_and_reality(bundled):
    totals = bundled.totals(by=["region"]).set_index("region")
    eu = totals.loc["EU"]
    assert (eu["gdp_source"], eu["gdp_reliability"]) == ("x_oecd_eu_basic_stats_2024",
                                                          "official")
    assert totals.loc["US", "gdp_reliability"] == "estimate"
    with_needs = bundled.totals(by=["region"], include_needs=True).set_index("region")
    assert with_needs.loc["EU", "central"] > eu["central"] + 700e9   # the need, only if asked
    reality = bundled.reality(region="EU").set_index("deal")
    assert reality.loc["l_draghi_report_2024_09", "kind"] == "need"
    assert reality.loc["l_draghi_report_2024_09", "sector"] == "mixed"


def test_web_totals_page_names_the_gdp_source(tmp_path):
    pytest.importorskip("fastapi")
    import re

    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    app = create_app(db=str(tmp_path / "ledger.sqlite"), start_reference_runs=False)
    with TestClient(app) as client:
        html = client.get("/ledger/totals").text
    rows_html = {m.group(1): m.group(2) for m in re.finditer(
        r'<a href="/ledger\?region=(\w+)">[^<]+</a>.*?</th>(.*?)</tr>', html, re.S)}
    assert "/sources/x_oecd_eu_basic_stats_2024" in rows_html["EU"]
    assert "figure" not in rows_html["EU"].split("/sources/")[1]      # official: no label
    assert "/sources/x_wb_gdp_2024" in rows_html["US"] and "estimate figure" in rows_html["US"]
