"""h237: the terminal orders a breakdown as the web run page does, and the ledger's "(also
...)" list names a huge value briefly.

1. `moneytrail trace` / `show` printed a breakdown in the stored order (largest mean first)
   beside its "amount (median)" column, where the web run page sorts by the median, the mean
   breaking ties (web.runs.breakdown_rows): in the demo's Stargate run Malaysia (median USD
   294.13 m) came before Mexico (USD 295.14 m). Tiers and the headline keep their order.
2. A ledger write with several problems repeated each further value whole: a 400-digit
   amount made a 400-character "(also central '999...')".
"""

from __future__ import annotations

import pandas as pd
import pytest
from rich.console import Console

import moneytrail.ledger
from cli_runs import words
from moneytrail.ledger.errors import LedgerError
from moneytrail.report.terminal import rich_table
from moneytrail.service.result import Table


def rendered(table: Table) -> str:
    console = Console(record=True, width=300)
    console.print(rich_table(table))
    return words(console.export_text())


def breakdown(name: str, rows: dict[str, tuple[float, float]]) -> Table:
    """A breakdown `name` of rows label -> (amount mean, amount median), in the given
    (stored) order; shares are the amounts over 1,000 (figures of the test alone)."""
    labels = list(rows)
    mean = [rows[k][0] for k in labels]
    p50 = [rows[k][1] for k in labels]
    frame = pd.DataFrame({"share_mean": [m / 1e3 for m in mean],
                          "share_p5": [m / 2e3 for m in p50],
                          "share_p50": [m / 1e3 for m in p50],
                          "share_p95": [m / 5e2 for m in p50],
                          "amount_mean": mean, "amount_p5": [m / 2 for m in p50],
                          "amount_p50": p50, "amount_p95": [m * 2 for m in p50]},
                         index=pd.Index(labels, name=name))
    return Table.from_frame(name, frame, currency="USD")


def order(text: str, labels: list[str]) -> list[str]:
    """`labels` in the order they appear in `text`."""
    return sorted(labels, key=text.index)


# stored largest mean first; the medians order them otherwise, two medians tie
ROWS = {"Malaysia": (300.0, 294.0), "Mexico": (299.0, 295.0),
        "Chile": (200.0, 100.0), "Peru": (250.0, 100.0), "Spain": (150.0, float("nan"))}


def test_a_breakdown_is_printed_largest_median_first_the_mean_breaking_ties():
    text = rendered(breakdown("country", ROWS))
    # Mexico's median is larger; Peru and Chile tie on the median, Peru's mean is larger;
    # a missing median counts as 0 (as on the web)
    assert order(text, list(ROWS)) == ["Mexico", "Malaysia", "Peru", "Chile", "Spain"]


def test_the_terminal_order_is_the_web_order():
    records = [{"label": k, "amount_mean": m, "amount_p50": None if p != p else p}
               for k, (m, p) in ROWS.items()]
    web = sorted(records, key=lambda r: (-(r["amount_p50"] or 0), -(r["amount_mean"] or 0)))
    text = rendered(breakdown("country", ROWS))
    assert order(text, list(ROWS)) == [r["label"] for r in web]


@pytest.mark.parametrize("name", ["tier", "headline"])
def test_tiers_and_the_headline_keep_their_order(name):
    rows = {"first": (1.0, 1.0), "second": (3.0, 3.0), "third": (2.0, 2.0)}
    table = breakdown(name, rows)
    text = rendered(table)
    labels = [str(row[0]) for row in table.rows]
    assert order(text, labels) == labels


CLAIM = {"ref": "t8", "deal": "l_stargate_us_2025_01", "stage": "committed",
         "currency": "USD", "price_year": "2025", "source": "l_stargate_2025_01_center",
         "as_of": "2025-01-21"}


@pytest.fixture
def ledger(tmp_path):
    with moneytrail.ledger.open(tmp_path / "l.sqlite") as opened:
        yield opened


@pytest.mark.parametrize("huge", ["9" * 400, 10 ** 400, "-" + "9" * 400],
                         ids=["digits", "integer", "negative"])
def test_the_also_list_names_a_400_digit_value_briefly(ledger, huge):
    with pytest.raises(LedgerError) as exc:
        ledger.add("claim", {**CLAIM, "low": huge, "central": huge, "high": "x"}, author="t")
    message = str(exc.value)
    also = message[message.index(" (also "):]
    sign, digits = ("-" if str(huge).startswith("-") else ""), str(huge).lstrip("-")
    assert also.startswith(f" (also central '{sign}{digits[:20]}\u2026 ({len(digits):,} digits)': "
                           "the same; high 'x': not a number)")
    assert len(also) < 120 and "9" * 41 not in also and "0" * 41 not in also


def test_the_also_list_cuts_a_long_text():
    from moneytrail.ledger.validate import Problem, raise_first

    problems = [Problem("f", 2, "low", "1", "first"), Problem("f", 2, "note", "x" * 400, "bad")]
    with pytest.raises(LedgerError) as exc:
        raise_first(problems)
    assert str(exc.value).endswith(f"(also note '{'x' * 40}\u2026': bad)")
