"""Numbers as people type them into the web forms: the reader lives in `moneytrail.numbers`
(a lower layer, so a scenario file's `budget.amount` reads `5 bn` as the builder does); this
module re-exports it and adds `amount_text`, which writes an amount in the app's words."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

from moneytrail.numbers import EXACT_DIGITS, ONE_DOT_GROUP, PLAIN, NumberTextError, read_number

__all__ = ["PLAIN", "NumberTextError", "amount_text", "read_number"]


def amount_text(value: float) -> str:
    """An amount as a person writes it and read_number(sizes=True) reads it back to the very
    same number: 20000000000 -> '20 bn', 1.5e9 -> '1.5 bn', 750e6 -> '750 m', 2.5e12 ->
    '2.5 tn'; amounts below a million, or that need more than three decimals in every size,
    as plain digits ('123456789', '1234.5'); an amount beyond any budget a plan may hold
    in exponent form, exactly ('1e+300', '1.2345678901234566e+17';
    report.units.beyond_budgets). `value`: a finite number (an amount in the plan's
    currency)."""
    from moneytrail.report.units import beyond_budgets

    if isinstance(value, bool) or not math.isfinite(value):
        return str(value)
    if (huge := beyond_budgets(value, exact=True)) is not None:    # as typed, exactly
        return huge
    # exact decimal arithmetic: the default 28 digits rounded the whole part of 1e30 and
    # could not round 1e31 or 1e300 to three decimals (InvalidOperation, a 500 in the builder)
    with localcontext(prec=EXACT_DIGITS):
        # a whole float as its exact integer (2**53 and up are not all written by repr's digits)
        exact = Decimal(int(value)) if float(value).is_integer() else Decimal(repr(value))
        for word, power in (("tn", 12), ("bn", 9), ("m", 6)):
            mantissa = exact.scaleb(-power)
            if abs(mantissa) >= 1 and mantissa == round(mantissa, 3):
                text = f"{format(mantissa.normalize(), 'f')} {word}"
                if read_number(text, sizes=True) == value:
                    return text
        plain = format(exact.normalize(), "f")
    # '123.456' would be refused as ambiguous (a thousands dot?): '123.4560' is not
    return plain + "0" if ONE_DOT_GROUP.fullmatch(plain) else plain
