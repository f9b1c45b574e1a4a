"""Claims over the ledger can read a store, so a user's corrections change the verdict."""

import moneytrail.ledger as ledger_api
from moneytrail.analysis.claims import check_claims, ledger_from_store


def verdict(frame, claim):
    return frame.loc[frame["claim"] == claim, "verdict"].iloc[0]


def test_a_corrected_claim_in_the_store_changes_the_verdict(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with ledger_api.open(url) as store:
        store.edit("claim", "eu_ai_pkg_announced",
                   {"low": 90e9, "central": 100e9, "high": 110e9}, author="test",
                   reason="what-if: a much larger package")
    shipped = check_claims(draws=200)
    edited = check_claims(draws=200, ledger=ledger_from_store(url))
    assert verdict(shipped, "eu-2024-package-small") == "supported"
    assert verdict(edited, "eu-2024-package-small") == "contradicted"
