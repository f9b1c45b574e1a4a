"""A claim's as_of cannot be after its source's published date (a source cannot attest a state
after it was published): refused by every ledger write and by `validate` of a package, with one
line naming the row, both dates and the source id."""

from __future__ import annotations

import pytest
from ledgerdata import tables, write_ledger_package

from moneytrail.data.package import bundled_path, open_package
from moneytrail.ledger.errors import LedgerError
from moneytrail.ledger.validate import ledger_problems

# fixture sources are published on 2026-01-01
CLAIM = {"ref": "gb_com", "deal": "d_gb", "stage": "committed", "central": "2e9",
         "currency": "GBP", "price_year": "2024", "source": "s_a"}
MESSAGE = (r"after the published date of its source 's_a' \(2026-01-01\): a source cannot "
           r"attest a state after it was published")


def test_an_added_claim_dated_after_its_source_is_refused(ledger):
    with pytest.raises(LedgerError, match=MESSAGE) as caught:
        ledger.add("claim", {**CLAIM, "as_of": "2026-06-02"}, author="carol", reason="x")
    assert caught.value.field == "as_of"
    assert "2026-06-02" in str(caught.value)
    with pytest.raises(LedgerError):
        ledger.get("claim", "gb_com")


def test_an_edit_of_as_of_or_of_the_sources_date_is_refused(ledger):
    with pytest.raises(LedgerError, match=MESSAGE):
        ledger.edit("claim", "gb_ann", {"as_of": "2026-02"}, author="carol", reason="x")
    with pytest.raises(LedgerError, match=r"stored claim 'eu_ann'.*\(2023-06\)"):
        ledger.edit("source", "s_a", {"published": "2023-06"}, author="carol", reason="x")


@pytest.mark.parametrize("as_of", ["2026", "2026-01", "2026-01-01", "2025-12-31"])
def test_an_as_of_on_or_before_the_published_date_is_taken(ledger, as_of):
    ledger.add("claim", {**CLAIM, "as_of": as_of}, author="carol", reason="x")
    assert ledger.get("claim", "gb_com")["as_of"] == as_of


def test_import_and_validate_name_the_file_line_both_dates_and_the_source(ledger, tmp_path):
    data = tables()
    data["ledger-claims"][6] = {**data["ledger-claims"][6], "as_of": "2026-06-02"}  # line 8
    path = write_ledger_package(tmp_path / "bad", data)
    problems = ledger_problems(open_package(path))
    assert [str(p).split(str(path) + "/")[-1] for p in problems] == [
        "ledger/claims.csv:8, field 'as_of', value '2026-06-02': after the published date of "
        "its source 's_a' (2026-01-01): a source cannot attest a state after it was "
        "published; as_of must be on or before 2026-01-01"]
    with pytest.raises(LedgerError, match=r"claims.csv:8.*" + MESSAGE):
        ledger.import_package(path, author="carol", reason="x")


def test_no_bundled_claim_is_dated_after_its_source():
    assert not [p for p in ledger_problems(open_package(bundled_path()))
                if "published date of its source" in p.message]
