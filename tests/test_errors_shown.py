"""errors.shown and text.shown_count name a long whole number the same way: its first digits
and its length, or its size alone past what Python writes. Before, an error line wrote out a
300-digit value in full, while the web app's lines shortened it past 40 digits."""

from __future__ import annotations

from moneytrail.errors import MoneytrailError, shown
from moneytrail.text import shown_count


def test_a_long_whole_number_is_shortened_in_error_lines():
    value = 10 ** 299
    assert shown(value) == shown_count(value) == "1" + "0" * 19 + "\u2026 (300 digits)"
    error = MoneytrailError("too large", field="draws", value=value)
    assert "(300 digits)" in str(error) and "0" * 50 not in str(error)


def test_short_numbers_and_other_values_are_shown_whole():
    assert shown(12345) == "12345"
    assert shown(10 ** 38) == str(10 ** 38)
    assert shown("text") == "'text'" and shown("text", quote=False) == "text"


def test_past_what_python_writes_only_the_size_is_given():
    value = 16 ** 4000 - 1
    assert shown(value) == shown_count(value) == "a whole number of about 4,817 digits"
