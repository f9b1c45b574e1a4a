"""text.thousands_separator and text.plain_number: the one rule by which the web forms
(web.numbers.read_number) and the amounts a plan's title names
(scenarios.reference.figure_number) read dots and commas in a number."""

from __future__ import annotations

import pytest

from moneytrail.text import plain_number, thousands_separator


@pytest.mark.parametrize("written, thousands, plain", [
    ("1,234,567", ",", "1234567"),           # commas between groups of three
    ("1,234.5", ",", "1234.5"),              # ... with a decimal point after them
    ("-1,234,567", ",", "-1234567"),
    ("20.000.000", ".", "20000000"),         # dots between two or more groups of three
    ("1.234.567,5", ".", "1234567.5"),       # ... with a decimal comma after them
    ("1.5", "", "1.5"),                      # one dot before other than three digits
    ("20,5", "", "20.5"),                    # one comma before other than three digits
    ("0,25", "", "0.25"),
    ("1234", "", "1234"),
    ("1234.567", "", "1234.567"),            # four digits before: no thousands group
    ("1,2,3", "", "1.2.3"),                  # no rule reads it: no number
    ("1.234,5", "", "1.234.5"),
])
def test_the_shape_tells_the_separator(written, thousands, plain):
    assert thousands_separator(written) == thousands
    assert plain_number(written, thousands) == plain


@pytest.mark.parametrize("written", ["1,234", "1.234", "20.000", "0,600", "+1,000"])
def test_one_separator_before_exactly_three_digits_is_ambiguous(written):
    """'1.234' is 1234 with a European thousands dot or 1.234 with a decimal point; '1.5'
    can only be one and a half."""
    assert thousands_separator(written) is None
    assert thousands_separator("1.5") == ""


@pytest.mark.parametrize("written, thousands, plain", [
    ("20.000", ".", "20000"),                # German: 20.000 Mio is twenty thousand million
    ("20.000", "", "20.000"),                # a decimal point: twenty
    ("1,234", ",", "1234"),                  # a thousands comma (a whole-number field)
    ("20,5", ".", "20.5"),                   # German decimal comma: 20,5 Mrd
    ("1.234,5", ".", "1234.5"),
    ("20.000.000", ".", "20000000"),
])
def test_the_caller_reads_with_the_separator_it_decided(written, thousands, plain):
    assert plain_number(written, thousands) == plain
