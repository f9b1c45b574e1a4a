"""Reality ratios and totals: golden numbers on the fixture, computed by hand.

In EUR at 2024 prices: d_eu announced 120 bn (110-130; the 100 bn claim is superseded),
committed 40 bn (30-50), disbursed 10 bn EUR of 2023 * 110/100 = 11 bn; d_us announced
50 bn USD of 2023 / 1.25 * 1.10 = 44 bn, committed 25 bn USD of 2024 / 1.10 = 22.727 bn
(the 20 bn claim of the same date, from an equally reliable source, loses the tie:
the larger amount); d_gb 8 bn GBP / 0.8 = 10 bn.
"""

import math

import pytest

from moneytrail.ledger.errors import ConversionError, LedgerError, NotFoundError

BN = 1e9


def row(frame, **match):
    selected = frame
    for column, value in match.items():
        selected = selected[selected[column] == value]
    assert len(selected) == 1, selected
    return selected.iloc[0]


def test_reality_ratios_and_dates(ledger):
    frame = ledger.reality()
    eu = row(frame, deal="d_eu")
    assert (eu["announced_low"], eu["announced_central"], eu["announced_high"]) == \
        pytest.approx((110 * BN, 120 * BN, 130 * BN))
    assert eu["announced_ref"] == "eu_ann_raise" and eu["announced_as_of"] == "2024-09"
    assert eu["committed_as_of"] == "2024-10-01" and eu["disbursed_as_of"] == "2024-12-31"
    assert eu["committed_ratio_central"] == pytest.approx(40 / 120)
    assert eu["committed_ratio_low"] == pytest.approx(30 / 130)
    assert eu["committed_ratio_high"] == pytest.approx(50 / 110)
    assert eu["disbursed_central"] == pytest.approx(11 * BN)
    assert eu["disbursed_ratio_central"] == pytest.approx(11 / 120)
    us = row(frame, deal="d_us")
    assert us["announced_central"] == pytest.approx(44 * BN)
    assert us["committed_ref"] == "us_com"
    assert us["committed_ratio_central"] == pytest.approx((25 / 1.1) / 44)
    gb = row(frame, deal="d_gb")
    assert math.isnan(gb["committed_ratio_central"]) and gb["committed_as_of"] == ""
    assert set(frame["currency"]) == {"EUR"} and set(frame["price_year"]) == {2024}


def test_reality_in_usd_at_2023_prices(ledger):
    us = row(ledger.reality(currency="usd", price_year=2023), deal="d_us")
    assert us["announced_central"] == pytest.approx(50 * BN)
    assert us["committed_central"] == pytest.approx(25 * BN * 200 / 210)


def test_totals_by_region_with_per_capita_and_gdp(ledger):
    frame = ledger.totals(by=["region"])
    eu = row(frame, region="EU")
    # d_eu_part is part_of d_eu: counted once, inside d_eu's 120 bn
    assert eu["central"] == pytest.approx(120 * BN)
    assert (eu["deals"], eu["overlaps_excluded"]) == (1, 1)
    assert eu["per_capita_central"] == pytest.approx(120 * BN / 400e6)      # EUR 300
    # EU GDP 17.6 tn USD (2024) / 1.10 = 16 tn EUR
    assert eu["gdp"] == pytest.approx(16e12)
    assert eu["per_gdp_central"] == pytest.approx(0.0075)
    assert (eu["per_capita_low"], eu["per_capita_high"]) == pytest.approx((275, 325))
    us = row(frame, region="US")
    assert us["central"] == pytest.approx(44 * BN)
    assert us["per_capita_central"] == pytest.approx(44 * BN / 300e6)
    # the share of GDP converts the claim to the GDP figure's own currency and year: USD 50 bn
    # of 2023 * CPI 210/200 = USD 52.5 bn of 2024 over USD 29.7 tn (not EUR 44 bn over the
    # GDP in EUR, which mixed the euro's deflator and two years' rates into a USD ratio)
    assert us["per_gdp_central"] == pytest.approx(52.5 * BN / 29.7e12)
    # and the GDP column is converted as the amount is, so amount / GDP is the share shown
    assert us["gdp"] == pytest.approx(29.7e12 * 44 / 52.5)
    assert us["central"] / us["gdp"] == pytest.approx(us["per_gdp_central"], rel=1e-12)
    gb = row(frame, region="GB")
    assert gb["per_capita_central"] == pytest.approx(200)
    assert math.isnan(gb["per_gdp_central"])


@pytest.mark.parametrize("by", [["region"], ["region", "year"], ["region", "sector"]])
@pytest.mark.parametrize("price_year", [2023, 2024])
def test_share_of_gdp_does_not_depend_on_the_currency(ledger, by, price_year):
    """A ratio is the same in EUR, USD and GBP (relative 1e-12), at either price year."""
    frames = [ledger.totals(by=by, currency=c, price_year=price_year)
              for c in ("EUR", "USD", "GBP")]
    columns = [f"per_gdp_{b}" for b in ("low", "central", "high")]
    reference = frames[0][columns].to_numpy(dtype=float)
    assert any(not math.isnan(v) for v in reference[:, 1])
    for frame in frames[1:]:
        assert list(frame[by].itertuples(index=False)) == \
            list(frames[0][by].itertuples(index=False))
        assert frame[columns].to_numpy(dtype=float) == pytest.approx(
            reference, rel=1e-12, nan_ok=True)
    for frame in frames:        # and each currency's GDP column agrees with the share shown
        shown = frame[frame["per_gdp_central"].notna() & (frame["central"] > 0)]
        assert (shown["central"] / shown["gdp"]).to_numpy() == pytest.approx(
            shown["per_gdp_central"].to_numpy(), rel=1e-12)
    # while the amounts themselves do change with the currency
    assert frames[1]["central"].sum() != pytest.approx(frames[0]["central"].sum())


def test_grand_total_never_double_counts(ledger):
    total = ledger.totals(by=[])
    assert len(total) == 1
    assert total["central"].iloc[0] == pytest.approx((120 + 44 + 10) * BN)
    assert total["low"].iloc[0] == pytest.approx((110 + 44 + 10) * BN)
    by_region = ledger.totals(by=["region"])
    assert by_region["central"].sum() == pytest.approx(total["central"].iloc[0])


def test_part_counts_when_parent_has_no_claim_of_that_stage(ledger):
    assert row(ledger.totals(stage="committed"), region="EU")["central"] == \
        pytest.approx(40 * BN)
    ledger.delete("claim", "eu_com", author="t", reason="test")
    eu = row(ledger.totals(stage="committed"), region="EU")
    assert eu["central"] == pytest.approx(5 * BN)
    assert eu["overlaps_excluded"] == 0


def test_totals_by_year_and_sector(ledger):
    frame = ledger.totals(by=["year", "sector"], currency="USD", price_year=2024)
    assert set(zip(frame["year"], frame["sector"], strict=True)) == {
        (2023, "private"), (2024, "public"), (2024, "mixed")}
    us = row(frame, year=2023)
    assert us["central"] == pytest.approx(50 * BN * 210 / 200)
    assert "per_capita_central" not in frame.columns


def test_totals_per_capita_uses_nearest_year(ledger):
    frame = ledger.totals(by=["region", "year"])
    us = row(frame, region="US")
    assert (us["year"], us["population_year"]) == (2023, 2024)


def test_list_filters(ledger):
    assert list(ledger.list()["id"]) == ["d_eu", "d_eu_part", "d_us", "d_gb"]
    assert list(ledger.list(region="EU")["id"]) == ["d_eu", "d_eu_part"]
    assert list(ledger.list(sector="private")["id"]) == ["d_us"]
    assert list(ledger.list(purpose="research")["id"]) == ["d_gb"]
    assert list(ledger.list(year=2023)["id"]) == ["d_us"]
    assert list(ledger.list(stage="disbursed")["id"]) == ["d_eu"]
    assert list(ledger.list(region=["US", "GB"], stage="announced")["id"]) == ["d_us", "d_gb"]
    eu = row(ledger.list(), id="d_eu")
    assert eu["committed_central"] == pytest.approx(40 * BN)


def test_show_deal(ledger):
    shown = ledger.show("d_eu")
    claims = shown["claims"]
    assert list(claims["ref"]) == ["eu_ann", "eu_ann_raise", "eu_com", "eu_dis"]
    assert list(claims["used"]) == [False, True, True, True]
    assert row(claims, ref="eu_ann")["superseded_by"] == "eu_ann_raise"
    assert row(claims, ref="eu_dis")["norm_central"] == pytest.approx(11 * BN)
    assert list(shown["sources"]["id"]) == ["s_a"]
    assert list(shown["links"]["deal"]) == ["d_eu_part"]
    with pytest.raises(NotFoundError):
        ledger.show("nope")


def test_bad_query_options(ledger):
    with pytest.raises(ConversionError, match="unknown currency"):
        ledger.reality(currency="XYZ")
    with pytest.raises(ConversionError, match="price index for 2030"):
        ledger.reality(price_year=2030)
    with pytest.raises(LedgerError, match="unknown stage"):
        ledger.totals(stage="promised")
    with pytest.raises(LedgerError, match="unknown grouping"):
        ledger.totals(by=["colour"])
