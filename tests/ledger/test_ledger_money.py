"""Currency and price-year conversion, hand-computed on the fixture series."""

import pytest
from ledgerdata import TABLES

from moneytrail.ledger.errors import ConversionError
from moneytrail.ledger.money import Converter


@pytest.fixture
def conv() -> Converter:
    return Converter.from_records(
        [{k: str(v) for k, v in r.items()} for r in TABLES["macro-fx"]],
        [{k: str(v) for k, v in r.items()} for r in TABLES["macro-deflators"]])


def test_eur_deflated_with_hicp(conv):
    assert conv.convert(100, "EUR", 2023, "EUR", 2024) == pytest.approx(110)


def test_usd_deflated_with_us_cpi(conv):
    assert conv.convert(200, "USD", 2023, "USD", 2024) == pytest.approx(210)


def test_usd_to_eur_converts_at_price_year_then_deflates_with_hicp(conv):
    # 50 USD (2023) / 1.25 = 40 EUR (2023) * 110/100 = 44 EUR (2024)
    assert conv.convert(50, "USD", 2023, "EUR", 2024) == pytest.approx(44)


def test_eur_to_usd_deflates_with_us_cpi(conv):
    # 44 EUR (2024) * 1.10 = 48.4 USD (2024) * 200/210 = 46.095 USD (2023)
    assert conv.convert(44, "EUR", 2024, "USD", 2023) == pytest.approx(48.4 * 200 / 210)


def test_currency_without_deflator_goes_through_the_euro(conv):
    # 8 GBP (2024) / 0.8 = 10 EUR (2024) * 100/110 EUR (2023) * 0.85 = 7.727 GBP (2023)
    assert conv.convert(8, "GBP", 2024, "GBP", 2023) == pytest.approx(10 / 1.1 * 0.85)
    assert conv.convert(8, "GBP", 2024, "EUR", 2024) == pytest.approx(10)


def test_same_year_needs_no_deflator(conv):
    assert conv.convert(11, "USD", 2024, "EUR", 2024) == pytest.approx(10)


def test_default_price_year_is_latest_deflator_year(conv):
    assert conv.default_price_year("EUR") == 2024
    assert conv.default_price_year("GBP") == 2024


def test_missing_rate_is_a_clear_error(conv):
    with pytest.raises(ConversionError, match="no exchange rate for USD in 2019"):
        conv.convert(1, "USD", 2019, "EUR", 2024)


def test_unknown_currency_is_a_clear_error(conv):
    with pytest.raises(ConversionError, match="unknown currency"):
        conv.convert(1, "XYZ", 2024, "EUR", 2024)
    with pytest.raises(ConversionError, match="unknown target currency"):
        conv.convert(1, "EUR", 2024, "JPY", 2024)


def test_missing_deflator_is_a_clear_error(conv):
    with pytest.raises(ConversionError,
                       match=r"no price index for 2025 in the data package \(hicp_ea"):
        conv.convert(1, "EUR", 2024, "EUR", 2025)


def test_default_price_year_skips_estimated_deflators():
    from moneytrail.ledger.money import Converter

    deflators = [{"series": series, "year": str(year), "index": "100", "source": source}
                 for series in ("hicp_ea", "cpi_us")
                 for year, source in ((2024, "m_full"), (2025, "m_full"), (2026, "m_guess"))]
    sources = [{"id": "m_full", "reliability": "official"},
               {"id": "m_guess", "reliability": "estimate"}]
    assert Converter.from_records([], deflators).default_price_year() == 2026
    converter = Converter.from_records([], deflators, sources=sources)
    assert converter.default_price_year() == 2025
    assert converter.default_price_year("USD") == 2025
    assert converter.factor("EUR", 2026, "EUR", 2025) == 1.0      # still usable


def test_bundled_default_price_year_is_a_full_year(tmp_path):
    import moneytrail.ledger

    with moneytrail.ledger.open(tmp_path / "l.sqlite") as ledger:
        converter = ledger.converter()
    years = {year for series, year in converter.indices if series == "hicp_ea"}
    assert converter.default_price_year() < max(years)


def test_default_price_year_is_the_series_own_when_every_year_is_an_estimate():
    """cpi_us is read from a machine copy (every row labelled estimate), so USD defaulted to
    2026, a year extrapolated from four months' rates by a separate source, while EUR
    defaulted to 2025: the series' own source decides, the stand-in year is skipped."""
    from moneytrail.ledger.money import Converter

    deflators = [{"series": "cpi_us", "year": str(year), "index": "100", "source": source}
                 for year, source in ((2023, "copy"), (2024, "copy"), (2025, "copy"),
                                      (2026, "flash"))]
    deflators += [{"series": "hicp_ea", "year": "2025", "index": "100", "source": "copy"}]
    sources = [{"id": "copy", "reliability": "estimate"},
               {"id": "flash", "reliability": "estimate"}]
    assert Converter.from_records([], deflators, sources=sources).default_price_year("USD") \
        == 2025
    assert Converter.from_records([], deflators).default_price_year("USD") == 2026


def test_bundled_default_price_year_is_a_full_year_in_every_deflated_currency(tmp_path):
    import moneytrail.ledger

    with moneytrail.ledger.open(tmp_path / "l.sqlite") as ledger:
        converter = ledger.converter()
    for currency, series in (("EUR", "hicp_ea"), ("USD", "cpi_us")):
        years = {year for s, year in converter.indices if s == series}
        assert converter.default_price_year(currency) < max(years), currency
