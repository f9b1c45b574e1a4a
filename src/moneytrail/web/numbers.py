"""Numbers as people type them into the web forms (the plan builder and the ledger editor).

One reading for every number field, so the two forms agree:

- plain numbers with a point for decimals: `20000000000`, `0.25`, `1e9`, `20_000`;
- commas as thousands separators in exact groups of three (`20,000,000`, `1,234.5`), or one
  decimal comma where nothing else can be meant (`20,5`, `0,25`, `1,5 bn`: a phone's decimal
  keypad in many European locales has no point). A single comma before exactly three digits
  and nothing else (`1,234`, `20,000`) could be either and is refused, as is any other comma
  (`1,23,456`): before, `20,5` was read as 205 without a word;
- for amounts of money only (`sizes=True`, the builder's budget), the size words the app
  prints (report.units.MONEY_SIZES): `20 bn`, `1.5 bn`, `750 m`, `3 k`, `1 tn`, spelled out
  (`million`, `billion`, `trillion`) or with the currency first as the app writes amounts
  (`EUR 20 bn`), which must then be the plan's currency.

Sizes are applied in decimal arithmetic, so `1.1 bn` is exactly 1100000000.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

SIZE_WORDS = {"k": 3, "thousand": 3, "m": 6, "mn": 6, "million": 6, "bn": 9, "billion": 9,
              "tn": 12, "trillion": 12}
PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
AMOUNT = re.compile(r"(?:(?P<currency>[A-Za-z]{3})\s*)?(?P<number>[+\-\d.,_eE]+)\s*"
                    r"(?P<size>[A-Za-z]+)?")
DECIMAL_COMMA = ("use a point for decimals; a comma may only separate thousands in groups "
                 "of three, as in 20,000,000")
ONE_DECIMAL_COMMA = re.compile(r"[+-]?\d*,(?P<decimals>\d+)")
AMBIGUOUS_COMMA = ("one comma before three digits could be a thousands separator or a decimal "
                   "comma: write the number without the comma, or with a point for decimals")


class NumberTextError(ValueError):
    """Text that looks like a number but cannot be read as one without guessing (a decimal
    comma, a currency other than the plan's): the message says what to type instead."""


def read_number(text: str, *, sizes: bool = False, currency: str | None = None,
                whole: bool = False, owner: str = "plan") -> int | float | None:
    """The number `text` stands for (an int when it is whole and written without a point or
    exponent, or given with a size word), or None when it is no number at all (the caller
    keeps the text so the schema check names the field). `sizes`: accept size words and a
    leading currency code, which must equal `currency` (case-insensitive) when given;
    `owner` names whose currency that is in the error ('plan', 'claim').
    `whole`: the field takes whole numbers only (draws, seed, years), so one comma before
    three digits (`1,000`) can only separate thousands.
    Raises NumberTextError for a comma that is not a thousands separator in groups of three
    and for a currency code other than `currency`."""
    raw = str(text).strip()
    if not raw:
        return None
    body, exponent = raw, 0
    if sizes:
        match = AMOUNT.fullmatch(raw)
        if match is None:
            return _comma(raw)
        code, size = match["currency"], match["size"]
        if size is not None and size.lower() not in SIZE_WORDS:
            return _comma(raw)
        if code is not None and currency and code.upper() != currency.upper():
            raise NumberTextError(f"the amount is in {code.upper()} but the {owner}'s currency "
                                  f"is {currency.upper()}: give it in {currency.upper()} or "
                                  "change the currency")
        body = match["number"]
        exponent = SIZE_WORDS[size.lower()] if size is not None else 0
    body = body.replace("_", "")
    if "," in body:
        body = _without_commas(body, whole=whole)
    if not PLAIN.fullmatch(body):
        return None
    if exponent:
        try:
            value = Decimal(body).scaleb(exponent)
        except InvalidOperation:
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    number = float(body)
    if not math.isfinite(number):
        return None
    if number.is_integer() and "." not in body and "e" not in body.lower():
        return int(body)
    return number


def _without_commas(body: str, *, whole: bool = False) -> str:
    """`body` with its commas read: thousands separators (more than one group, before a
    point, or in a `whole`-number field) dropped, one decimal comma made a point (also before
    three digits when nothing stands before it but a zero: `0,600`); NumberTextError when it
    is ambiguous or neither."""
    one = ONE_DECIMAL_COMMA.fullmatch(body)
    if one is not None:
        before = body[: body.index(",")].lstrip("+-")
        if len(one["decimals"]) != 3 or before in ("", "0"):
            return body.replace(",", ".")
        if not whole:
            raise NumberTextError(AMBIGUOUS_COMMA)
    if not GROUPED.fullmatch(body):
        raise NumberTextError(DECIMAL_COMMA)
    return body.replace(",", "")


def _comma(raw: str) -> int | float | None:
    """Text that is no amount we read: refused with the decimal-comma advice when a comma
    sits between digits (`20,5 bn`), None (no number) otherwise."""
    if re.search(r"\d,\d", raw):
        raise NumberTextError(DECIMAL_COMMA)
    return None
