"""How current the ledger is: newest as_of per region and overall, claims per year."""

import math

import pandas as pd

from moneytrail.ledger import queries


def row(frame, **match):
    selected = frame
    for column, value in match.items():
        selected = selected[selected[column] == value]
    assert len(selected) == 1, selected
    return selected.iloc[0]


def test_freshness_per_region_and_overall(ledger):
    frame = queries.freshness(ledger.tables(), today="2025-01-31")
    assert list(frame["region"]) == ["all", "EU", "GB", "US"]
    everything = row(frame, region="all")
    assert (everything["deals"], everything["claims"]) == (4, 10)
    # eu_dis (2024-12-31) is the newest claim; us_ann (2023-06-01) the oldest
    assert everything["newest_as_of"] == "2024-12-31" and everything["newest_ref"] == "eu_dis"
    assert everything["newest_deal"] == "d_eu" and everything["oldest_as_of"] == "2023-06-01"
    assert everything["days_since_newest"] == 31
    us = row(frame, region="US")
    # two claims dated 2024-01 (month precision, counted from 2024-01-01): ties go by ref
    assert (us["deals"], us["claims"], us["newest_as_of"]) == (1, 3, "2024-01")
    assert us["newest_ref"] == "us_com"
    assert us["days_since_newest"] == 396
    assert row(frame, region="GB")["newest_as_of"] == "2024-01-15"


def test_freshness_filters_and_no_today(ledger):
    frame = queries.freshness(ledger.tables(), region="GB")
    assert list(frame["region"]) == ["all", "GB"]
    assert "days_since_newest" not in frame.columns
    assert row(frame, region="all")["claims"] == 1


def test_freshness_deal_without_claims(ledger):
    tables = ledger.tables()
    extra = tables["deal"].iloc[[0]].assign(id="d_fr", region="FR")
    tables = {**tables, "deal": pd.concat([tables["deal"], extra], ignore_index=True)}
    fr = row(queries.freshness(tables, today="2025-01-01"), region="FR")
    assert (fr["deals"], fr["claims"], fr["newest_as_of"]) == (1, 0, "")
    assert math.isnan(fr["days_since_newest"])


def test_claims_per_year(ledger):
    years = queries.claims_per_year(ledger.tables())
    assert list(years["year"]) == [2023, 2024] and list(years["claims"]) == [1, 9]
    by_region = queries.claims_per_year(ledger.tables(), by_region=True)
    assert row(by_region, year=2024, region="US")["claims"] == 2
    assert by_region["claims"].sum() == 10


def test_bundled_ledger_is_current(tmp_path):
    """The bundled ledger reaches at least mid-2026 (issue 10: a ledger that is current)."""
    import moneytrail.ledger

    store = moneytrail.ledger.open(f"sqlite:///{tmp_path / 'bundled.db'}")
    try:
        everything = row(queries.freshness(store.tables()), region="all")
    finally:
        store.close()
    assert everything["newest_as_of"] >= "2026-06"
