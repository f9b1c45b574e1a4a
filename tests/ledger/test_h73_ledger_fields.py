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


def test_codes_in_any_case_and_the_pages_word_for_a_stage_are_taken(ledger):
    ledger.add("claim", {**CLAIM, "central": "2e9", "currency": "gbp", "stage": "Spent"},
               author="carol", reason="x")
    record = ledger.get("claim", "gb_com")
    assert (record["currency"], record["stage"]) == ("GBP", "disbursed")
    ledger.edit("claim", "gb_com", {"stage": " COMMITTED "}, author="carol", reason="x")
    assert ledger.get("claim", "gb_com")["stage"] == "committed"
    ledger.edit("deal", "d_gb", {"kind": "Pledge", "region": "de", "sector": "Public"},
                author="carol", reason="x")
    deal = ledger.get("deal", "d_gb")
    assert (deal["kind"], deal["region"], deal["sector"]) == ("pledge", "DE", "public")
    ledger.edit("source", "s_a", {"reliability": "Official"}, author="carol", reason="x")
    assert ledger.get("source", "s_a")["reliability"] == "official"


def test_a_wrong_stage_names_the_words_accepted(ledger):
    with pytest.raises(LedgerError, match="announced, committed, disbursed.*spent"):
        ledger.edit("claim", "us_com", {"stage": "paid"}, author="carol", reason="x")
    with pytest.raises(LedgerError, match="unknown currency"):
        ledger.edit("claim", "us_com", {"currency": "usx"}, author="carol", reason="x")


def test_the_cli_takes_codes_in_any_case(store_url, package, monkeypatch):
    from typer.testing import CliRunner

    import moneytrail.ledger
    from moneytrail.cli import app

    monkeypatch.setenv("USER", "cli-user")
    store = moneytrail.ledger.open(store_url, load_bundled=False)
    store.import_package(package, author="fixture", reason="test data")
    store.close()
    result = CliRunner().invoke(app, [
        "ledger", "add", "claim", "ref=gb_x", "deal=d_gb", "stage=spent", "central=2e9",
        "currency=gbp", "price_year=2024", "as_of=2024-06", "source=s_a", "--reason", "r",
        "--db", store_url])
    assert result.exit_code == 0, result.output
    with moneytrail.ledger.open(store_url, load_bundled=False) as store:
        record = store.get("claim", "gb_x")
    assert (record["stage"], record["currency"]) == ("disbursed", "GBP")


def test_a_horizon_before_the_announcement_is_refused_naming_both(ledger):
    with pytest.raises(LedgerError, match=r"before the announced date \(2024-01\): "
                       "horizon_end must be on or after announced") as caught:
        ledger.edit("deal", "d_gb", {"horizon_end": "2023-06"}, author="carol", reason="x")
    assert [p.field for p in caught.value.problems] == ["horizon_end"]
    for fits in ("2024", "2024-01", "2024-01-31", "2030-12-31"):
        ledger.edit("deal", "d_gb", {"horizon_end": fits}, author="carol", reason="x")
