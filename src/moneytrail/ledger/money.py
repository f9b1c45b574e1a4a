"""Currency and price-year normalisation with the shipped, sourced FX and deflator series.

Rules (also in docs: every figure comes from macro/fx.csv and macro/deflators.csv, none from code):

- FX rates are annual averages in units of the currency per EUR (EUR itself is 1).
- Deflators: EUR amounts are deflated with the euro-area HICP (`hicp_ea`), USD amounts with the
  US CPI-U (`cpi_us`). A currency without its own deflator (GBP, JPY, CNY, ...) is deflated via
  the euro: converted to EUR, deflated with HICP, converted back.
- To express an amount of currency C at prices of year P in currency T at prices of year Q:
  convert C -> D at the average rate of year P, where D is T if T has a deflator and EUR
  otherwise; deflate D from P to Q with D's series; convert D -> T at the rate of year Q.
  So a USD claim asked for in EUR is converted at the price year's rate and then deflated with
  HICP ("convert, then deflate in the target currency").
- A missing rate or index is an error naming the currency or series and the year; nothing is
  extrapolated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from moneytrail.ledger.errors import ConversionError
from moneytrail.numbers import SYMBOLS

BASE_CURRENCY = "EUR"
DEFLATOR_OF: Mapping[str, str] = {"EUR": "hicp_ea", "USD": "cpi_us"}


def unknown_currency(code: str, known: Iterable[str], *, what: str = "currency") -> str:
    """Why `code` cannot be a currency of the ledger's amounts, in the reader's words first,
    then the data file (for fact-checkers) and the currencies that can:
    'unknown currency: no exchange rate for XXX in the data package (macro/fx.csv; known:
    EUR, GBP, USD)'. A symbol of several currencies ('$') says so instead."""
    listed = f"known: {', '.join(sorted(known))}"
    if code in SYMBOLS:
        return (f"unknown {what}: {code} stands for several currencies "
                f"({', '.join(SYMBOLS[code])}): give its ISO code ({listed})")
    return (f"unknown {what}: no exchange rate for {code} in the data package "
            f"(macro/fx.csv; {listed})")


def no_rate(currency: str, year: int | str) -> str:
    """A missing FX rate of `currency` in `year`, said in words before the data file."""
    return f"no exchange rate for {currency} in {year} in the data package (macro/fx.csv)"


def no_index(series: str, year: int | str) -> str:
    """A missing price index (deflator) of `series` for `year`, in words before the file."""
    return f"no price index for {year} in the data package ({series} in macro/deflators.csv)"


@dataclass(frozen=True)
class Converter:
    """Converts amounts between currencies and price years; built from the store's series."""

    rates: Mapping[tuple[str, int], float]
    indices: Mapping[tuple[str, int], float]
    # (series, year) of deflator values that are estimates (e.g. from part of the year):
    # usable for conversion, but never chosen as the default price year
    estimated: frozenset[tuple[str, int]] = frozenset()
    # (series, year) -> the source id of that deflator value (to tell a series' own source
    # from a stand-in for one year; empty when built without sources)
    origin: Mapping[tuple[str, int], str] = field(default_factory=dict)

    @classmethod
    def from_records(cls, fx: Iterable[Mapping[Any, Any]],
                     deflators: Iterable[Mapping[Any, Any]],
                     sources: Iterable[Mapping[Any, Any]] = ()) -> Converter:
        """`sources` mark a deflator as an estimate when its source's reliability is
        `estimate`."""
        rates = {(r["currency"], int(r["year"])): float(r["units_per_eur"]) for r in fx}
        deflators = list(deflators)
        indices = {(r["series"], int(r["year"])): float(r["index"]) for r in deflators}
        guesses = {s["id"] for s in sources if s.get("reliability") == "estimate"}
        estimated = frozenset((r["series"], int(r["year"])) for r in deflators
                              if r["source"] in guesses)
        origin = {(r["series"], int(r["year"])): str(r.get("source") or "")
                  for r in deflators}
        return cls(rates=rates, indices=indices, estimated=estimated, origin=origin)

    @property
    def currencies(self) -> set[str]:
        return {BASE_CURRENCY} | {currency for currency, _ in self.rates}

    def has_rate(self, currency: str, year: int) -> bool:
        return currency == BASE_CURRENCY or (currency, year) in self.rates

    def rate(self, currency: str, year: int) -> float:
        """Units of `currency` per EUR, annual average of `year`."""
        if currency == BASE_CURRENCY:
            return 1.0
        if currency not in self.currencies:
            raise ConversionError(unknown_currency(currency, self.currencies),
                                  field="currency", value=currency)
        try:
            return self.rates[(currency, year)]
        except KeyError:
            raise ConversionError(no_rate(currency, year), field="currency",
                                  value=currency) from None

    def index(self, series: str, year: int) -> float:
        try:
            return self.indices[(series, year)]
        except KeyError:
            raise ConversionError(no_index(series, year), field="price_year",
                                  value=year) from None

    def deflator_currency(self, currency: str) -> str:
        return currency if currency in DEFLATOR_OF else BASE_CURRENCY

    def default_price_year(self, currency: str = BASE_CURRENCY) -> int:
        """Latest year whose deflator (for prices in `currency`) is a full-year value.

        Years whose deflator comes from a source of reliability `estimate` (e.g. the
        average of the months published so far) are skipped. When every year of the series
        is from such a source (cpi_us is read from a machine copy of the BLS series, labelled
        estimate for that reason), the latest year of the source that gives most of the
        series' years is taken, not a year a separate source estimates on its own (the 2026
        index extrapolated from a few months' rates); with no sources known, the latest
        year.
        """
        series = DEFLATOR_OF[self.deflator_currency(currency)]
        years = [year for s, year in self.indices if s == series]
        if not years:
            raise ConversionError(f"no {series} deflator at all (macro/deflators.csv)",
                                  field="series", value=series)
        full = [year for year in years if (series, year) not in self.estimated]
        if full:
            return max(full)
        origins = [self.origin.get((series, year), "") for year in years]
        main = max(sorted(set(origins)), key=origins.count)
        return max(year for year, origin in zip(years, origins, strict=True)
                   if origin == main)

    def price_years(self, currency: str) -> list[int]:
        """The price years amounts can be given in `currency` at (check_target passes:
        the currency's deflator and an exchange rate cover the year), in order."""
        series = DEFLATOR_OF[self.deflator_currency(currency)]
        return sorted(year for s, year in self.indices
                      if s == series and self.has_rate(currency, year))

    def check_target(self, currency: str, year: int) -> None:
        """Refuse a target currency and price year the series cannot express amounts in."""
        series = DEFLATOR_OF[self.deflator_currency(currency)]
        if (series, year) not in self.indices:
            raise ConversionError(f"{no_index(series, year)}; choose another price year",
                                  field="price_year", value=year)
        if not self.has_rate(currency, year):
            raise ConversionError(f"{no_rate(currency, year)}; choose another price year",
                                  field="price_year", value=year)

    def factor(self, currency: str, price_year: int, to_currency: str, to_year: int) -> float:
        """Multiply an amount in (currency, price_year) by this to get (to_currency, to_year)."""
        if to_currency not in self.currencies:
            raise ConversionError(unknown_currency(to_currency, self.currencies,
                                                   what="target currency"),
                                  field="currency", value=to_currency)
        via = self.deflator_currency(to_currency)
        factor = 1.0
        if currency != via:
            factor *= self.rate(via, price_year) / self.rate(currency, price_year)
        if price_year != to_year:
            series = DEFLATOR_OF[via]
            factor *= self.index(series, to_year) / self.index(series, price_year)
        if via != to_currency:
            factor *= self.rate(to_currency, to_year) / self.rate(via, to_year)
        return factor

    def convert(self, amount: float, currency: str, price_year: int, to_currency: str,
                to_year: int) -> float:
        return amount * self.factor(currency, price_year, to_currency, to_year)
