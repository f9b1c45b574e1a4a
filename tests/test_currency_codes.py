"""Three letters are a currency only when moneytrail.currencies says so (ISO 4217), in every
reader of amounts and units: the number reader (`5 bn ABC`, `FTE 5` were read as money in
ABC and FTE), the web's number checks, a result's units and the money a plan's title names.
And the list itself names its source and matches ISO 4217 list one as published by SIX."""

from __future__ import annotations

import pytest

from moneytrail import currencies
from moneytrail.errors import MoneytrailError
from moneytrail.numbers import NumberTextError, read_number

# ISO 4217 list one (SIX) as reported for the edition of 2026-01-01 (178 codes), without
# the funds (BOV CHE CHW CLF COU MXV USN UYI UYW), metals (XAG XAU XPD XPT), units of
# account and bond units (XAD XBA XBB XBC XBD XDR XSU XUA) and XTS, XXX: 155 currencies
LIST_ONE = """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
    KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR
    MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD
    RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
    TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW
    ZWG"""
LIST_ONE_CURRENCIES = frozenset(LIST_ONE.split())


def test_the_current_list_is_iso_4217_list_one():
    """ANG (now XCG, 2025), BGN (the euro, 2026), CUC and SLL (now SLE) are no longer in
    list one; ZWG (2024) and XCG (2025) are. The replaced codes stay money, for FX tables
    of past years."""
    assert set(currencies.CURRENT.split()) == LIST_ONE_CURRENCIES
    for code in ("ANG", "BGN", "CUC", "SLL", "HRK", "VEF", "ZWL"):
        assert code not in currencies.CURRENT.split()
        assert code in currencies.REPLACED.split() and currencies.is_currency(code)
    assert not set(currencies.CURRENT.split()) & set(currencies.REPLACED.split())


def test_the_list_names_its_source():
    assert currencies.SOURCE == ("https://www.six-group.com/dam/download/financial-information"
                                 "/data-center/iso-currrency/lists/list-one.xml")
    assert currencies.CHECKED.startswith(f"checked against {currencies.SOURCE} on ")
    assert "edition not confirmed" in currencies.CHECKED


@pytest.mark.parametrize("text", ["5 bn ABC", "FTE 5", "abc 20 bn", "20 FTE", "Mio 5"])
@pytest.mark.parametrize("currency", [None, "EUR"])
def test_three_letters_that_are_no_currency_are_no_amount(text, currency):
    with pytest.raises(NumberTextError) as info:
        read_number(text, sizes=True, currency=currency)
    code = next(word for word in text.split() if word.isalpha() and len(word) == 3)
    message = str(info.value)
    assert message.startswith(f"{code} is not an ISO 4217 currency code")
    assert "\n" not in message


@pytest.mark.parametrize(("text", "value"), [
    ("EUR 20 bn", 20e9), ("eur 20 bn", 20e9), ("20 bn EUR", 20e9), ("20 EUR", 20),
    ("€20bn", 20e9), ("20 Mrd €", 20e9), ("5 bn", 5e9), ("750 m", 750e6)])
def test_amounts_in_a_currency_read_as_before(text, value):
    assert read_number(text, sizes=True) == value
    assert read_number(text, sizes=True, currency="EUR") == value


def test_a_replaced_currency_is_still_a_currency_of_another_plan():
    assert read_number("5 bn DEM", sizes=True) == 5e9
    with pytest.raises(NumberTextError, match="plan's currency is EUR"):
        read_number("5 bn DEM", sizes=True, currency="EUR")


def test_the_web_checks_refuse_a_budget_in_no_currency():
    """The builder's check of a draft (web.jobs.check_number_text) with no currency chosen
    yet: `5 bn ABC` was read as five billion."""
    from moneytrail.scenarios.schema import ScenarioError
    from moneytrail.web.jobs import check_number_text

    check_number_text({"budget": {"amount": "5 bn"}})
    with pytest.raises(ScenarioError, match="ABC is not an ISO 4217 currency code") as info:
        check_number_text({"budget": {"amount": "5 bn ABC"}})
    assert info.value.field == "budget.amount"


def _table(unit: str) -> dict:
    return {"name": "t", "title": "T", "index": ["entity"],
            "columns": [{"name": "entity", "unit": "text"}, {"name": "amount", "unit": unit}],
            "rows": [["a", 1.0]]}


@pytest.mark.parametrize("unit", ["EUR", "DEM", "FTE-years per USD million",
                                  "t CO2e per EUR million", "FTE per JPY million", "share"])
def test_a_result_keeps_the_units_it_knows(unit):
    from moneytrail.service.result import Table, known_unit

    assert known_unit(unit)
    assert Table.from_dict(_table(unit)).columns[1].unit == unit


@pytest.mark.parametrize("unit", ["ABC", "FTE", "CO2", "FTE per ABC million",
                                  "t CO2e per XYZ million", "share per EUR million"])
def test_a_result_refuses_a_currency_that_is_none(unit):
    from moneytrail.service.result import Table, known_unit

    if unit != "FTE":            # FTE is a unit of docs/results.md, just no currency
        assert not known_unit(unit)
        with pytest.raises(MoneytrailError, match="unknown unit"):
            Table.from_dict(_table(unit))
    assert not currencies.is_currency(unit)


def test_a_title_names_money_only_in_a_currency():
    """Even when the data (an FX table) name ABC, 'ABC 5 bn' in a title is no amount."""
    from moneytrail.scenarios.reference import bundled_currencies, title_figures

    assert title_figures("ABC 5 bn and EUR 2 bn", {"EUR", "ABC"}) == [
        {"text": "EUR 2 bn", "currency": "EUR", "amount": 2e9}]
    assert title_figures("5 bn ABC", {"EUR", "ABC"}) == []
    assert all(currencies.is_currency(code) for code in bundled_currencies())
