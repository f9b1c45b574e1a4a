"""How many Monte Carlo draws a figure rests on, in words: one rule for the CLI, the JSON, the
API, the pages and the briefings (analysis.stats and report.units take it from here); and
any other count with its noun, singular for one (`counted`). Plain
Python only, so the CLI can import it without numpy or pandas (tests/test_import.py)."""

from __future__ import annotations

from typing import Any

ROUGH_DRAWS = 1000    # below this many draws the 5th and 95th percentiles rest on few values


def counted(count: Any, noun: str, plural: str = "") -> str:
    """A count with its noun, singular for one: '1 condition', '2 conditions', '1,200 rows';
    `plural` where adding an 's' is wrong ('1 category', '3 categories'). The one rule for
    every '{n} things' the tool writes, so none says '1 conditions'."""
    n = int(count or 0)
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def draws_text(draws: Any, noun: str = "Monte Carlo draw") -> str:
    """'1 Monte Carlo draw', '10,000 Monte Carlo draws' (the count with its noun; `noun`
    'draw' for the short form '1 draw', '2,000 draws')."""
    return counted(draws, noun)


def rough_draws_text(draws: Any) -> str:
    """A plain warning when a run has fewer than ROUGH_DRAWS draws, else ''. With so few
    draws the 5th and 95th percentiles (the 90 % intervals) rest on a handful of values
    (with one draw they equal the median), so they say little about the uncertainty."""
    n = int(draws or 0)
    if n >= ROUGH_DRAWS:
        return ""
    how = ("so each 90 % interval is a single value, not a range of uncertainty" if n <= 1
           else "so the 90 % intervals are rough")
    return (f"This run has only {draws_text(n)}, {how}. Run the plan again with at least "
            f"{ROUGH_DRAWS:,} draws for intervals to rely on.")
