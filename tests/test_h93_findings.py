"""A reviewer's findings (h93) on h87's change: the title check took any three capitals for
a currency ('UAE 100 bn', 'USA 500 bn', 'AMD 10 bn'), compared amounts across currencies and
read German 'EUR 20.000 Mio' as 20 million; the default-spending-period note could not tell
`horizon_years: 5` written in the plan from the default; a difference of 0 against 1e-17
printed as '<0.01 points'."""

from __future__ import annotations

import pytest

from moneytrail.report.units import plan_text_notes
from moneytrail.scenarios.reference import stale_title_figure, title_figures


# -- 1. only currencies the data know, compared in the plan's own currency -------------------
@pytest.mark.parametrize("title, amount, currency", [
    ("UAE 100 bn AI fund", 100e9, "USD"),
    ("USA 500 bn compute plan", 500e9, "USD"),
    ("AMD 10 bn deal", 5e9, "USD"),
    ("The EU's answer to a USD 500 bn plan", 20e9, "EUR"),   # another currency: not stale
    ("InvestAI, EUR 20.000 Mio", 20e9, "EUR"),                # German thousands dot
    ("InvestAI, EUR 20,5 Mrd", 20.5e9, "EUR"),                # German decimal comma
    ("InvestAI, EUR 20.000.000 Mio", 20e12, "EUR"),
    ("InvestAI, EUR 1.5 Mrd", 1.5e9, "EUR"),        # one dot before one digit: a decimal
    ("InvestAI, EUR 1.234,5 Mio", 1.2345e9, "EUR"),
    ("InvestAI, EUR 0,600 Mrd", 0.6e9, "EUR"),      # German decimal comma, not 600 bn
])
def test_a_title_that_describes_its_budget_is_not_flagged(title, amount, currency):
    assert stale_title_figure(title, amount, currency) is None
    assert plan_text_notes(title, "", amount, currency, builder=True) == ""


def test_three_capitals_that_are_no_currency_name_no_amount():
    assert title_figures("UAE 100 bn AI fund, AMD 10 bn deal") == []
    assert [f["currency"] for f in title_figures("CHF 2 bn, £5 m, € 3 bn, $1 tn")] == \
        ["CHF", "GBP", "EUR", "USD"]


def test_a_title_in_the_plans_currency_naming_another_amount_is_still_flagged():
    figure = stale_title_figure("A USD 100 bn answer to the EUR 20.000 Mio fund", 30e9, "EUR")
    assert figure is not None and figure["text"] == "EUR 20.000 Mio"
    assert figure["amount"] == 20e9
    assert plan_text_notes("My EUR 20 bn gigafactories", "", 30e9, "EUR", builder=True) == (
        "The title names EUR 20 bn; this plan's budget is EUR 30.00 bn. Check that the title "
        "still describes your plan.")


def test_title_numbers_read_as_the_builder_reads_them():
    from moneytrail.web.numbers import read_number

    for written in ("EUR 1,000,000 m", "EUR 1.5 bn", "EUR 20.000 m", "EUR 20.000.000 Mio",
                    "EUR 1.5 Mrd", "EUR 1,500 m"):
        assert [f["amount"] for f in title_figures(written)] == \
            [float(read_number(written, sizes=True, currency="EUR"))], written
    assert title_figures("EUR 20.000 Mio")[0]["amount"] == 20e9    # the builder refuses it
    # a title is prose, read for a note only: its German decimal comma is read, while the
    # builder refuses '20,5 Mrd' typed as a budget (use a point for decimals)
    assert title_figures("EUR 20,5 Mrd")[0]["amount"] == 20.5e9


# -- 3. float noise around zero is 0, a real small difference is not ---------------------------
def test_noise_around_zero_is_no_difference():
    from moneytrail.report.units import difference_text, difference_value

    assert difference_value(0.0, 1e-17, "share") == 0.0
    assert difference_text(difference_value(0.0, 1e-17, "share"), "share") == "0 points"
    assert difference_text(difference_value(1e-17, 0.0), "share") == "0 points"
    assert difference_value(0.0, 3e-9, "EUR") == 0.0
    assert difference_text(difference_value(0.0, -3e-9, "EUR"), "EUR") == "EUR 0"  # h97
    # real small differences still show
    assert difference_text(difference_value(0.0, 1e-6, "share"), "share") == "<0.01 points"
    assert difference_value(0.0, 1e-6, "share") == pytest.approx(1e-6)
    assert difference_value(0.0, 0.01, "EUR") == pytest.approx(0.01)
    assert difference_value(0.0, 2e-6, "FTE per EUR million") == pytest.approx(2e-6)


def test_a_figure_with_its_currency_written_after_is_read():
    """Tester 29: 'EU AI gigafactories (20 bn euros)' under a EUR 30 bn budget was not
    flagged; a figure without any currency ('My 20 billion plan') names no amount of money."""
    from moneytrail.scenarios.reference import stale_title_figure, title_figures

    assert stale_title_figure("EU AI gigafactories (20 bn euros)", 30e9, "EUR")["text"] \
        == "20 bn euros"
    assert stale_title_figure("A 30 bn of euros plan", 30e9, "EUR") is None
    assert [f["currency"] for f in title_figures("1.5 billion US dollars, 20bn GBP")] == [
        "USD", "GBP"]
    assert title_figures("My 20 billion plan") == []
    assert len(title_figures("EUR 20 bn USD")) == 1
