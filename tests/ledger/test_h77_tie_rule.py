"""h77: of two claims of one deal and stage with the same `as_of`, the one whose source is more
reliable is used (a filing before a press report), not the larger amount; equally reliable
sources still fall back to the larger amount (the fixture's us_com / us_com_low)."""

from __future__ import annotations

import pytest
from ledgerdata import BN, TABLES, claim, tables, write_ledger_package

from moneytrail.ledger.queries import TIE_RULE


def with_claims(tmp_path, store_url, claims: list[dict]):
    import moneytrail.ledger

    package = write_ledger_package(tmp_path / "pkg_h77", tables(ledger_claims=claims))
    store = moneytrail.ledger.open(store_url, load_bundled=False)
    store.import_package(package, author="fixture", reason="test data")
    return store


def us_committed(official_central: float) -> list[dict]:
    """The fixture's claims with d_us's two committed claims of 2024-01: 25 bn from s_b
    (analyst) and `official_central` from s_a (official)."""
    kept = [c for c in TABLES["ledger-claims"] if c["ref"] != "us_com_low"]
    return kept + [claim("us_com_official", "d_us", "committed", official_central, "USD",
                         2024, "2024-01", source_="s_a", note="same date, official source")]


def test_the_more_reliable_source_wins_a_tie_of_dates(tmp_path, store_url):
    store = with_claims(tmp_path, store_url, us_committed(20 * BN))
    try:
        us = store.reality().set_index("deal").loc["d_us"]
        assert us["committed_ref"] == "us_com_official"          # not the larger us_com
        assert us["committed_central"] == pytest.approx(20 * BN / 1.1)
        listed = store.list().set_index("id").loc["d_us"]
        assert listed["committed_central"] == pytest.approx(20 * BN / 1.1)
        shown = store.show("d_us")["claims"].set_index("ref")["used"]
        assert bool(shown["us_com_official"]) and not bool(shown["us_com"])
        assert store.amount("d_us", "committed")["ref"] == "us_com_official"
        totals = store.totals(by=["region"], stage="committed").set_index("region")
        assert totals.loc["US", "central"] == pytest.approx(20 * BN / 1.1)
    finally:
        store.close()


def test_a_more_reliable_larger_claim_still_wins(tmp_path, store_url):
    store = with_claims(tmp_path, store_url, us_committed(30 * BN))
    try:
        assert store.reality().set_index("deal").loc["d_us", "committed_ref"] == \
            "us_com_official"
    finally:
        store.close()


def test_the_rule_is_stated():
    assert "more reliable" in TIE_RULE and "larger amount" in TIE_RULE
