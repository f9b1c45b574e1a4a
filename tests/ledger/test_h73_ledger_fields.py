"""h73: ledger field rules met by both the CLI and the web editor: a new claim's empty low and
high are not blamed for its central amount, codes in any case, a horizon before the
announcement."""

from __future__ import annotations

import pytest

from moneytrail.ledger.errors import LedgerError

CLAIM = {"ref": "gb_com", "deal": "d_gb", "stage": "committed", "currency": "GBP",
         "price_year": "2024", "as_of": "2024-06", "source": "s_a"}


@pytest.mark.parametrize("central", ["lots", "", "-5"])
def test_a_new_claims_empty_bounds_are_not_blamed_for_a_bad_central(ledger, central):
    with pytest.raises(LedgerError) as caught:
        ledger.add("claim", {**CLAIM, "central": central}, author="carol", reason="x")
    assert {p.field for p in caught.value.problems} == {"central"}
    assert caught.value.field == "central"
