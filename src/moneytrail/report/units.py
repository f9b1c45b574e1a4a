"""Values as text in their units: the one formatter the terminal tables, the briefing and the
web pages share (web.format's Jinja filters and web.runs' table cells only call it), so a
figure prints the same way in all three (issue 14: jobs and CO2 printed alike everywhere).

Units are those of `service.result` columns: `share` (0-1), `probability`, `points` (HHI
points), `t CO2e`, `FTE` (jobs at one time), `FTE-years` (jobs x years), a currency code
(`EUR`, `USD`, ...), `<FTE|FTE-years|t CO2e> per <CUR> million` (per million of a currency
spent), anything else a plain number. Missing or non-finite values print as an en dash; an
amount of money that is not zero but below a millionth of a unit as 'under EUR 0.000001'
(never hundreds of zeros), a share below 0.001 % as '<0.001 %'. No scientific notation:
large values get a size word (k, m, bn, tn) and tonnes of CO2e a prefix
(t, kt, Mt); only compute in FLOP (a count far beyond any size word: '2.42e28 FLOP') and
an amount of money beyond any budget a plan may hold (`beyond_budgets`, a typo such as
1e300) are written in exponent form, so each stays one short line. An
interval's two ends are printed in the scale of the median they stand beside ("3.64 Mt
CO2e (2.47–5.41 Mt CO2e)").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any

from moneytrail.countries import (  # the names the service layer uses too
    ISO_COUNTRY_NAMES,  # noqa: F401 (re-exported)
    NAMES_WITH_ARTICLE,  # noqa: F401 (re-exported)
    REGION_LABELS,
    country_name,
    region_label,
    with_article,
)
from moneytrail.currencies import CURRENCY_CODES, PER_MILLION, is_currency, is_money
from moneytrail.draws import counted, draws_text, rough_draws_text  # one rule for all
from moneytrail.groups import group_label, group_titles  # titles from the data

MISSING = "–"
# head counts: jobs at one time (FTE) and work over time (FTE-years = jobs x years)
COUNTS = ("FTE", "FTE-years")
PERCENTAGE_POINTS = "percentage points"    # a difference of shares (0.05: '5.0 points')
# money's size words: tn, bn, m, as budgets are written ('EUR 20.00 bn', 'per EUR m'); below
# a million an amount prints in whole units ('EUR 12,290'), never 'EUR 12.29 k' ('k' is for
# head counts and kt CO2e only)
MONEY_SIZES = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"))
TONNE_SIZES = ((1e6, "Mt"), (1e3, "kt"), (1.0, "t"))


# regions that are not one country, as readers see them (data and JSON keep the codes):
# REGION_LABELS and region_label, from moneytrail.countries (a CSV of the service names them)
EU_FOOTNOTE = ("EU, not split by member state: value added in EU sectors the data give only "
               "for the EU as a whole; the member states listed separately come on top of it.")
# 'Rest of the world' (a country row) is not the entity 'Other firms and sectors abroad' (the
# value chain's rest_of_world sector): the country row holds all value added outside the
# listed countries, that sector's and other firms' alike, so it is the larger of the two
ROW_FOOTNOTE = ("Rest of the world: the countries not listed separately, with every firm's "
                "value added there (listed firms' too); it includes, and so exceeds, the firm "
                "table's 'Other firms and sectors abroad' (one aggregate supplier).")
COUNTRY_TABLES = ("country", "owner_country")


def place_in_sentence(code: Any, names: dict[str, str] | None = None) -> str:
    """A country code as a sentence names it: 'US' -> 'the United States', 'FR' -> 'France',
    'EU' -> 'the EU (value added not split by member state)', 'ROW' -> 'the rest of the
    world'; a code without a name stays the code."""
    code = str(code)
    if code == "EU":
        return "the EU (value added not split by member state)"
    if code == "ROW":
        return "the rest of the world"
    return with_article(country_name(code, names))


def largest_place_lead(code: Any, share: Any) -> str:
    """The words before the place where the largest share of value is added: 'Most of the
    money ends up in' only when its median share is over half the spending, else 'The
    largest share of the money ends up in' (40 % is the largest share, not most); the EU
    row (value added not split by member state) is 'The largest single place is'."""
    if str(code) == "EU":
        return "The largest single place is"
    if finite(share) and float(share) > 0.5:
        return "Most of the money ends up in"
    return "The largest share of the money ends up in"


def no_money_text(labels: list[str]) -> str:
    """The footnote for rows left out because they are zero in every draw."""
    return f"No money reaches: {', '.join(labels)}." if labels else ""


def finite(value: Any) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def percent(value: Any) -> str:
    """A share (0-1) as a percentage in three significant digits, with at least one decimal
    and at most three: '31.2 %', '100.0 %', '1.25 %', '0.375 %', '0.020 %'. Three digits
    because an amount of money prints at least three ('EUR 250.00 m', `money`): a share
    printed beside it must not lose a digit the amount keeps, or the reader cannot check
    one against the other (1.25 % of EUR 20 bn printed as '1.2 %' beside 'EUR 250.00 m').
    A share that is not zero but would print as 0.000 % is '<0.001 %' (or '>-0.001 %'), so
    it is not mistaken for a true zero ('0.0 %'). A ratio of 10 or more (a deal committed
    15 times what was announced) prints in whole percents with thousands separators,
    '1,500 %', '1,500,000,000,000,000 %' (from a thousand tn percent on in three significant
    digits, as `number` writes them out: no float noise), never '1500000000000000.0 %'."""
    if not finite(value):
        return MISSING
    number = 100 * float(value)
    if number != 0 and abs(number) < 0.0005:
        return "<0.001 %" if number > 0 else ">-0.001 %"
    if abs(number) >= 1e15:
        return f"{Decimal(f'{number:.3g}'):z,f} %"
    if abs(round(number, 1)) >= 1000:
        return f"{number:z,.0f} %"
    return f"{number:z.{percent_digits(number)}f} %"


def percent_digits(number: float) -> int:
    """Decimals that show a percentage (`percent`) in three significant digits, at least one
    and at most three: 31.2 -> 1, 1.25 -> 2, 0.375 -> 3; taken after rounding, so 9.996
    (10.0) has one."""
    if number == 0:
        return 1
    magnitude = math.floor(math.log10(abs(float(f"{number:.3g}"))))
    return min(3, max(1, 2 - magnitude))


def p_holds_text(value: Any) -> str:
    """A share of draws (P(holds), a condition met in ...) as a percentage, as `percent`
    writes it, except that it never reads 100 % (or 0 %) unless every (or no) draw holds:
    1,999 of 2,000 draws is '> 99.9 %', not '100.0 %'; 1 of 2,000 is '< 0.1 %'."""
    if finite(value) and 0.999 < float(value) < 1:
        return "> 99.9 %"
    if finite(value) and 0 < float(value) < 0.001:
        return "< 0.1 %"
    return percent(value)


# a difference below this share of the larger of its two figures is rounding noise of the
# two runs (0.4 - 0.39999999999 is not a change): it is shown as an exact zero
DIFFERENCE_NOISE = 1e-9
# ... and so is one below this size, whatever the figures (0 against 1e-17 is float noise
# around zero, not a change): a millionth of a currency unit for amounts of money, 1e-12
# for shares, points and other units (a real difference of shares is far larger: 0.01
# points are 1e-4)
MONEY_NOISE_FLOOR = 1e-6
# ... which is also the smallest amount `money` prints in digits (two significant digits:
# 'EUR 0.0000010', seven decimals at most); a smaller one that is not zero is 'under EUR
# 0.000001' (`below_money_floor`)
MONEY_FLOOR_TEXT = f"{MONEY_NOISE_FLOOR:.6f}"
MONEY_MAX_DECIMALS = 1 - math.floor(math.log10(MONEY_NOISE_FLOOR))      # 7
NOISE_FLOOR = 1e-12


def difference_value(first: Any, second: Any, unit: str = "") -> float | None:
    """The second figure minus the first, 0.0 when the two differ by less than
    DIFFERENCE_NOISE of the larger or by less than the floor of their `unit` (rounding
    noise, not a change: EUR 20 bn against EUR 20 bn + EUR 0.0000000007 is 0, and a share
    of 0 against 1e-17; MONEY_NOISE_FLOOR for an amount in a currency, NOISE_FLOOR
    otherwise); None when either is missing or not finite."""
    if not finite(first) or not finite(second):
        return None
    a, b = float(first), float(second)
    gap = b - a
    unit = base_unit(unit)
    floor = MONEY_NOISE_FLOOR if is_currency(unit) else NOISE_FLOOR
    return 0.0 if abs(gap) < max(DIFFERENCE_NOISE * max(abs(a), abs(b)), floor) else gap


def difference_text(value: Any, unit: str) -> str:
    """A difference of two figures (second minus first) in their unit, signed: shares in
    percentage points ('+5.2 points', '-0.40 points'), money and counts as `in_unit` prints
    them ('-EUR 10.00 bn', a unit the figures share); none in the same unit, unsigned ('EUR
    0', '0 t CO2e', '0 points' for shares), so a zero reads like the differences beside it;
    '<0.01 points' for a share difference that is not zero but would print as 0.00, a dash
    when missing. Index points (HHI) print whole: '+120 points', '0 points' for none."""
    if not finite(value):
        return MISSING
    value = float(value)
    if base_unit(unit) == "points":     # 'points' prints its own sign; whole points
        return "0 points" if round(value) == 0 else f"{value:+,.0f} points"
    if value == 0:
        return "0 points" if base_unit(unit) == "share" else in_unit(0.0, unit)
    sign = "+" if value > 0 else "-"
    if base_unit(unit) == "share":
        if abs(value) < 0.00005:        # not zero, but it would print as 0.00 points
            return f"{'<' if value > 0 else '>-'}0.01 points"
        return sign + in_unit(abs(value), PERCENTAGE_POINTS)
    return sign + in_unit(abs(value), unit)


def beyond_budgets(amount: float, *, exact: bool = False) -> str | None:
    """An amount larger than any budget a plan may hold (scenarios.schema.MAX_BUDGET, 1e17)
    in exponent form: a computed amount in three significant digits ('1.23e+17', '1e+300');
    with `exact`, to echo what a user typed (the builder's budget field,
    web.numbers.amount_text), the shortest digits that read back to the same number
    ('1.2345678901234566e+17'); None for other amounts. Without it 1e300 printed as 300
    digits with float noise ('1,000,...,472.00 tn')."""
    from moneytrail.scenarios.schema import MAX_BUDGET

    if abs(float(amount)) <= MAX_BUDGET:
        return None
    return repr(float(amount)) if exact else f"{float(amount):.3g}"


def below_money_floor(amount: float, currency: str = "") -> str | None:
    """An amount that is not zero but smaller than MONEY_NOISE_FLOOR (a millionth of a unit of
    its currency) in words, 'under EUR 0.000001' ('above EUR -0.000001' below zero), as
    `percent` writes '<0.001 %': two significant digits of 6.1e-305 were 305 decimals, a line
    longer than any page or chart label; None for other amounts."""
    if amount == 0 or abs(amount) >= MONEY_NOISE_FLOOR:
        return None
    words, floor = ("under", MONEY_FLOOR_TEXT) if amount > 0 else ("above", "-" + MONEY_FLOOR_TEXT)
    return f"{words} {currency} {floor}" if currency else f"{words} {floor}"


def money(amount: Any, currency: str = "") -> str:
    """'EUR 6.25 bn' style; whole units below a million ('EUR 12', 'EUR 12,290'), cents below
    one unit ('EUR 0.40', not 'EUR 0'), and two significant digits below one cent ('EUR 0.0038',
    'EUR 0.0000038'), so a small amount that is not zero never prints as zero; below a
    millionth of a unit 'under EUR 0.000001' (`below_money_floor`), at most seven decimals;
    an amount beyond any budget (`beyond_budgets`) as 'EUR 1e+300'."""
    if not finite(amount):
        return MISSING
    amount = float(amount)
    if (huge := beyond_budgets(amount)) is not None:
        return f"{currency} {huge}".strip()
    if (tiny := below_money_floor(amount, currency)) is not None:
        return tiny
    for size, suffix in MONEY_SIZES:
        if abs(amount) >= size:
            return f"{currency} {amount / size:z,.2f} {suffix}".strip()
    if amount != 0 and abs(amount) < 0.01:
        return f"{currency} {amount:z.{1 - math.floor(math.log10(abs(amount)))}f}".strip()
    if amount != 0 and round(abs(amount)) < 1:
        return f"{currency} {amount:z.2f}".strip()
    return f"{currency} {amount:z,.0f}".strip()


def small_money(amount: Any, currency: str = "") -> str:
    """An amount that may be tiny (a rounding gap) without scientific notation: 'EUR 0.0000038'
    (two significant digits below 0.001, as `number`), 'EUR 0.5', 'EUR 0'; from one unit of
    the currency up as `money` ('EUR 12', 'EUR 6.25 bn')."""
    if not finite(amount):
        return MISSING
    if abs(float(amount)) >= 1:
        return money(amount, currency)
    return f"{currency} {number(amount)}".strip()


def below_one_digits(value: float) -> int:
    """Decimals that show two significant digits of a value under one (0.4 -> 1, 0.000014 ->
    6), so a tiny plan's jobs or CO2 do not print as zero; 0 for zero and from one up."""
    if value == 0 or abs(value) >= 1:
        return 0
    return min(12, 1 - math.floor(math.log10(abs(value))))


def count_scale(value: float) -> tuple[float, str, int]:
    """(divisor, suffix, decimals) for a head count: 812, 77.4 k, 1.02 m; under one, two
    significant digits (0.4, 0.000014)."""
    if abs(value) >= 1e6:
        return 1e6, " m", 2
    if abs(value) >= 1e4:
        return 1e3, " k", 1
    return 1.0, "", below_one_digits(value)


def tonne_scale(value: float) -> tuple[float, str]:
    """(divisor, prefix) for tonnes: Mt from a million tonnes, kt from a thousand."""
    for size, prefix in TONNE_SIZES:
        if abs(value) >= size:
            return size, prefix
    return 1.0, "t"


def count(value: Any) -> str:
    """A head count (FTE) in a few digits, without its unit: '812', '77.4 k', '1.02 m'."""
    if not finite(value):
        return MISSING
    size, suffix, decimals = count_scale(float(value))
    return f"{float(value) / size:z,.{decimals}f}{suffix}"


def number(value: Any) -> str:
    """A plain number: 3 significant digits below 1,000, a size word from a million to a
    thousand tn, beyond that written out in 3 significant digits ('24,400,000,...')."""
    if not finite(value):
        return MISSING
    value = float(value)
    if abs(value) >= 1e15:       # beyond a thousand tn (e.g. 2.4e28 FLOP): written out
        return f"{Decimal(f'{value:.3g}'):,f}"
    for size, suffix in MONEY_SIZES[:3]:
        if abs(value) >= size:
            return f"{value / size:z,.3g} {suffix}"
    if abs(value) >= 1000:
        return f"{value:z,.0f}"
    if value != 0 and abs(value) < 0.001:           # two significant digits, no exponent
        return f"{value:z.{1 - math.floor(math.log10(abs(value)))}f}"
    return f"{value:z,.3g}"


QUALIFIED = re.compile(r"^(?P<unit>.+?) \([^()]*\)$")
ENERGY_SIZES = ((1e6, "TWh"), (1e3, "GWh"), (1.0, "MWh"))


def base_unit(unit: str) -> str:
    """A unit without the qualifier an analysis adds in brackets: 't CO2e (supply chain,
    scope 1+2)' -> 't CO2e', 'MWh (rented compute)' -> 'MWh'; formatted as that unit, so a
    column reads alike ('2.28 Mt CO2e' beside '3.73 Mt CO2e', never '2.28 m')."""
    match = QUALIFIED.match(str(unit))
    return match["unit"] if match else str(unit)


def energy_scale(value: float) -> tuple[float, str]:
    """(divisor, unit) for an amount of energy given in MWh: TWh, GWh or MWh."""
    for size, name in ENERGY_SIZES:
        if abs(value) >= size:
            return size, name
    return 1.0, "MWh"


def scientific(value: float) -> str:
    """A very large count in 3 significant digits and a power of ten: '2.39e28' (FLOP);
    below a million as `number`."""
    if abs(value) < 1e6:
        return number(value)
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def level_unit(name: str, unit: str) -> str:
    """The unit a column of `name` prints in: HHI points print signed ('+120 points') as the
    change they mostly are; a level (`hhi`, `hhi_before_p50` of the analyses) prints as a
    plain number ('9,138'), a change (`delta_*`, `*change*`) signed."""
    if unit == "points" and not (name.startswith("delta") or "change" in name):
        return "number"
    return unit


def in_unit(value: Any, unit: str) -> str:
    """One value as text with its unit: '31.2 %', 'USD 1.20 bn', '77.4 k FTE',
    '3.64 Mt CO2e', '14.8 FTE per USD m', '+120 points', '0.85' (probability), '2024'
    (year), '17.5 TWh' (energy given in MWh), '2.39e28 FLOP'. A unit's bracketed qualifier
    is not repeated ('t CO2e (rented compute)' prints as t CO2e: `base_unit`)."""
    if not finite(value):
        return MISSING
    value = float(value)
    unit = base_unit(unit)
    if unit == "year":
        return f"{value:.0f}"
    if unit == "MWh":
        size, name = energy_scale(value)
        return f"{value / size:z,.{1 if size > 1 else 0}f} {name}"
    if unit == "FLOP":
        return f"{scientific(value)} FLOP"
    if unit == "share":
        return percent(value)
    if unit == "probability":           # never 1.00 (0.00) unless every (no) draw holds
        text = f"{value:z.2f}"
        if 0 < value < 1 and text in ("1.00", "0.00"):
            return "> 0.99" if value > 0.5 else "< 0.01"
        return text
    if unit == "points":
        return f"{value:+z,.0f} points"
    if unit == PERCENTAGE_POINTS:                 # a difference of two shares, like percent:
        digits = 2 if 0 < abs(100 * value) < 1 else 1     # two decimals below one point
        return f"{100 * value:z,.{digits}f} points"
    if unit == "t CO2e":
        size, prefix = tonne_scale(value)
        digits = 2 if prefix == "Mt" else 1 if prefix == "kt" else below_one_digits(value)
        return f"{value / size:z,.{digits}f} {prefix} CO2e"
    if unit in COUNTS:
        return f"{count(value)} {unit}"
    per = PER_MILLION.match(unit)
    if per:
        return f"{value:z,.{per_million_digits(value)}f} {per['what']} per {per['currency']} m"
    if is_currency(unit):
        return money(value, unit)
    return number(value)


# units of a total over the whole budget: it grows with the budget (tonnes of CO2e, work in
# FTE-years or jobs, energy); shares, figures per million and the scorecard's money row (the
# budget per training run) do not
TOTAL_UNITS = ("t CO2e", "MWh", *COUNTS)
PER_BUDGET = "of budget"        # after a total per million of budget: '186.5 t CO2e per EUR m'


def is_total(unit: str) -> bool:
    """Whether a figure in `unit` is a total over the whole budget ('t CO2e', 'MWh', 'FTE',
    'FTE-years'; a bracketed qualifier aside), so two plans' totals differ with their
    budgets alone."""
    return base_unit(str(unit)) in TOTAL_UNITS


def total_per_budget(value: Any, unit: str, budget: Any, currency: str) -> tuple[str, float | None]:
    """A total per million of the plan's budget: ('t CO2e per EUR million', 186.5) for 3.73
    Mt CO2e and EUR 20 bn; None when the value or the budget is missing or not positive."""
    per = f"{base_unit(str(unit))} per {currency} million"
    if not (finite(value) and finite(budget)) or float(budget) <= 0:
        return per, None
    return per, float(value) / (float(budget) / 1e6)


def share_of_budget(value: Any, unit: str, budget: Any, currency: str) -> float | None:
    """An amount as a share of the plan's budget (the TCO: 1.12 for EUR 22.4 bn of EUR 20 bn),
    when it is in the budget's `currency` (a bracketed qualifier aside: 'EUR (over the
    horizon)' is EUR); None when it is in another unit, or either is missing or the budget
    not positive. The compare page's and the briefing's one rule."""
    if base_unit(str(unit)) != currency or not (finite(value) and finite(budget)) \
            or float(budget) <= 0:
        return None
    return float(value) / float(budget)


def per_million_digits(like: float) -> int:
    """Decimals of a figure per million spent: one from 1 up ('14.8 FTE per USD m'), below
    that enough for two significant digits ('0.067 FTE per JPY m', '0.44'), at most six, so
    a small figure (per million of a small-unit currency such as JPY) is not rounded to
    '0.1' or '0.0'."""
    like = abs(float(like))
    if like >= 1 or like == 0 or not math.isfinite(like):
        return 1
    return min(max(1 - math.floor(math.log10(like)), 1), 6)


def ends(low: float, high: float, digits: int) -> str:
    """'2.47–5.41' with `digits` decimals, or one figure when both ends print alike."""
    a, b = f"{low:z,.{digits}f}", f"{high:z,.{digits}f}"
    return a if a == b else f"{a}–{b}"


def interval_text(p5: Any, p95: Any, unit: str, like: Any = None) -> str:
    """The ends of a 90 % interval: '26.5–36.1 %' for shares; for tonnes of CO2e and FTE both
    ends in the scale of `like` (the median they stand beside; default the larger end) with
    the unit once ('2.47–5.41 Mt CO2e', '155.4–227.5 k FTE'), per million likewise
    ('9.5–32.4 FTE per USD m'), money likewise with its currency once ('USD 55.80–62.60 bn');
    else each end in its unit ('0.12 – 0.30')."""
    if not (finite(p5) and finite(p95)):
        return ""
    low, high = float(p5), float(p95)
    ref = shown_scale(float(like), low, high) if finite(like) else max(abs(low), abs(high))
    unit = base_unit(unit)
    if unit == "MWh":
        size, name = energy_scale(ref)
        return f"{ends(low / size, high / size, 1 if size > 1 else 0)} {name}"
    if unit == "FLOP":
        a, b = scientific(low), scientific(high)
        return f"{a} FLOP" if a == b else f"{a}–{b} FLOP"
    if unit == "share":                           # ends alike print once: '<0.001 %'
        return percent(low) if percent(low) == percent(high) else \
            f"{percent(low)[:-2]}–{percent(high)}"
    if unit == "points":                          # signed: the unit once
        return f"{low:+z,.0f} – {high:+z,.0f} points"
    top = max(abs(ref), abs(low), abs(high))       # decimals under one: from the largest
    if unit == "t CO2e":
        size, prefix = tonne_scale(ref)
        digits = 2 if prefix == "Mt" else 1 if prefix == "kt" else below_one_digits(top)
        return f"{ends(low / size, high / size, digits)} {prefix} CO2e"
    if unit in COUNTS:
        size, suffix, digits = count_scale(ref)
        if size == 1.0:
            digits = below_one_digits(top)
        return f"{ends(low / size, high / size, digits)}{suffix} {unit}"
    per = PER_MILLION.match(unit)
    if per:
        return f"{ends(low, high, per_million_digits(ref))} {per['what']} per " \
               f"{per['currency']} m"
    if is_currency(unit):         # money: the currency and size word once
        return money_range(low, high, unit, like=ref)
    if unit not in ("probability", "year") and max(abs(low), abs(high), abs(ref)) >= 1e6 \
            and max(abs(low), abs(high)) < 1e15:       # both ends in the median's size word
        size, suffix = next(((s, w) for s, w in MONEY_SIZES[:3]
                             if abs(shown_scale(ref, low, high)) >= s), (1e6, "m"))
        return f"{ends(low / size, high / size, 2)} {suffix}"
    return f"{in_unit(low, unit)} – {in_unit(high, unit)}"


def shown_scale(like: float, low: float, high: float) -> float:
    """The value whose scale an interval is printed in: the median it stands beside (`like`),
    or the larger end when the median is a thousand times smaller (a median of 0 beside
    an end of 2 bn prints 'EUR 0 (EUR 0.00–2.11 bn)', never 'EUR 0–2,105,980,429')."""
    top = max(abs(low), abs(high))
    return like if abs(like) * 1e3 >= top else top


def money_scale(value: float) -> tuple[float, str]:
    """(divisor, size word) for an amount of money: ' bn' from a billion, '' below a million."""
    for size, suffix in MONEY_SIZES:
        if abs(value) >= size:
            return size, f" {suffix}"
    return 1.0, ""


def range_scale(low: float, high: float, like: float | None = None) -> tuple[float, str, int]:
    """(divisor, size word, decimals) of a range of money: the scale of `like` (default the
    larger end), two decimals as `money` prints (none below a thousand but cents where an
    end or the scale is under one unit), three where two would print different ends alike
    ('1.466–1.467 tn', not '1.47–1.47 tn')."""
    ref = max(abs(low), abs(high)) if like is None else abs(like)
    size, suffix = money_scale(ref)
    digits = 2 if size > 1 else 0
    if size == 1 and any(v != 0 and round(abs(v)) < 1 for v in (low, high, ref)):
        # cents below one unit, as `money` ('EUR 0.30–0.46', never 'EUR 0'); two
        # significant digits of a scale below one cent ('EUR 0.0031–0.0053')
        # (seven decimals at most: a smaller scale prints 'under EUR 0.000001', `money_range`)
        digits = min(MONEY_MAX_DECIMALS, max(2, 1 - math.floor(math.log10(ref)))) \
            if 0 < ref < 0.01 else 2
    if size > 1 and f"{low / size:z,.2f}" == f"{high / size:z,.2f}" \
            and f"{low / size:z,.3f}" != f"{high / size:z,.3f}":
        digits = 3
    return size, suffix, digits


def money_range(low: Any, high: Any, currency: str = "", like: Any = None) -> str:
    """Two amounts of money as one range with the currency and size word once: 'EUR
    1.47–1.49 tn', 'USD 55.80–62.60 bn' (scale and decimals: `range_scale`); a dash when an
    end is missing."""
    if not (finite(low) and finite(high)):
        return MISSING
    low, high = float(low), float(high)
    if beyond_budgets(max(abs(low), abs(high))) is not None:     # 'EUR 1e+300–2e+300'
        a, b = f"{low:.3g}", f"{high:.3g}"
        return f"{currency} {a if a == b else f'{a}–{b}'}".strip()
    if max(abs(low), abs(high)) < MONEY_NOISE_FLOOR:     # both ends below a millionth
        a, b = money(low, currency), money(high, currency)
        return a if a == b else f"{a} – {b}"
    ref = shown_scale(float(like), low, high) if finite(like) else None
    size, suffix, digits = range_scale(low, high, ref)
    return f"{currency} {ends(low / size, high / size, digits)}{suffix}".strip()


def money_in_range(value: Any, low: Any, high: Any, currency: str = "") -> str:
    """An amount printed in the scale and decimals of the range beside it: '1.48 tn' beside
    '1.47–1.49 tn' (never '1.5 tn', which would fall outside it); `money` when an end is
    missing."""
    if not (finite(value) and finite(low) and finite(high)) \
            or beyond_budgets(max(abs(float(low)), abs(float(high)))) is not None \
            or max(abs(float(low)), abs(float(high))) < MONEY_NOISE_FLOOR:
        return money(value, currency)
    size, suffix, digits = range_scale(float(low), float(high))
    return f"{currency} {float(value) / size:z,.{digits}f}{suffix}".strip()


def median_interval(p50: Any, p5: Any, p95: Any, unit: str) -> str:
    """'median (90 % interval)' in one unit: '3.64 Mt CO2e (2.47–5.41 Mt CO2e)'."""
    if not finite(p50):
        return "n/a"
    ends = interval_text(p5, p95, unit, like=p50)
    return f"{in_unit(p50, unit)} ({ends})" if ends else in_unit(p50, unit)


def change_text(p50: Any, p5: Any, p95: Any, unit: str) -> str:
    """A per-draw change (plan under rules minus plan) as 'median (90 % interval)', every
    figure signed: a change of a share in percentage points ('-5.1 points (-8.3 – -1.6)'),
    head counts, tonnes and money in the scale of the median with the unit once
    ('+27.6 k FTE (-114.0 – +211.6 k FTE)', '+USD 1.20 bn (-0.30 – +2.10 bn)'), a zero
    median in the scale of its interval ('+USD 0.00 bn (-1.00 – +2.00 bn)'); 'n/a' without
    a median."""
    if not finite(p50):
        return "n/a"
    both = finite(p5) and finite(p95)
    mid = float(p50)
    low, high = (float(p5), float(p95)) if both else (0.0, 0.0)
    unit = base_unit(unit)
    if unit == "points":
        ends = f" ({low:+z,.0f} – {high:+z,.0f} points)" if both else ""
        return f"{mid:+z,.0f} points{ends}"
    if unit == "share":
        ends = f" ({100 * low:+z.1f} – {100 * high:+z.1f})" if both else ""
        return f"{100 * mid:+z.1f} points{ends}"
    per = PER_MILLION.match(unit)
    top = max(abs(mid), abs(low), abs(high))       # decimals under one: from the largest
    scaled = mid if mid else top          # a zero median has no scale: the interval's
    if unit in COUNTS:
        size, suffix, digits = count_scale(scaled)
        if size == 1.0:
            digits = below_one_digits(top)
        before, after = "", f"{suffix} {unit}"
    elif unit == "t CO2e":
        size, prefix = tonne_scale(scaled)
        digits = 2 if prefix == "Mt" else 1 if prefix == "kt" else below_one_digits(top)
        before, after = "", f" {prefix} CO2e"
    elif per:
        size, digits, before = 1.0, 1, ""
        after = f" {per['what']} per {per['currency']} m"
    elif is_currency(unit):
        size, after = money_scale(scaled)
        digits, before = (2 if size > 1 else 0), f"{unit} "
    else:
        size, digits, before, after = 1.0, 2, "", ""
    # money beyond any budget (beyond_budgets): every figure in exponent form, no size word
    huge = is_currency(unit) and beyond_budgets(top) is not None
    after = "" if huge else after

    def signed(value: float) -> str:
        return f"{value:+.3g}" if huge else f"{value / size:+z,.{digits}f}"

    ends = f" ({signed(low)} – {signed(high)}{after})" if both else ""
    sign, figure = signed(mid)[0], signed(mid)[1:]
    return f"{sign}{before}{figure}{after}{ends}"


__all__ = ["COUNTRY_TABLES", "EU_FOOTNOTE", "MISSING", "REGION_LABELS",
           "ROW_FOOTNOTE", "base_unit",
           "change_text", "count",
           "finite", "group_label", "group_titles",
           "in_unit", "interval_text", "median_interval", "money", "money_in_range",
           "money_range", "money_scale",
           "no_money_text", "number", "per_million_prices", "percent", "small_money",
           "place_in_sentence",
           "country_name", "region_label", "with_article", "draws_text", "rough_draws_text",
           "counted",
           # the currency rule (moneytrail.currencies), for the formatters' callers
           "CURRENCY_CODES", "PER_MILLION", "is_currency", "is_money"]




STORED_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")


def stored_time(value: Any) -> str:
    """A time the stores keep (ISO text or a datetime, UTC) for readers, to the minute with
    UTC named: '2026-12-01T06:06:08+00:00' -> '2026-12-01 06:06 UTC'. An aware time is
    converted to UTC first (PostgreSQL may hand one in its own zone); a naive one is UTC,
    as the stores write it. Other text is shown as it is, nothing as ''."""
    if not isinstance(value, dt.datetime):
        text = str(value or "")
        if not STORED_TIME.fullmatch(text):
            return text
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def ledger_state_text(revision: Any, time: Any = None) -> str:
    """The ledger state figures were read at, as readers cite it: 'ledger revision 14 of
    2026-12-01 10:31 UTC' (the store's newest revision and its time, ledger.store.LedgerState;
    'an empty ledger (no revisions)' at revision 0)."""
    if not revision:
        return "an empty ledger (no revisions)"
    when = stored_time(time)
    return f"ledger revision {int(revision)}" + (f" of {when}" if when else "")


def per_million_prices(unit: str, price_year: Any) -> str:
    """The money a figure per million of a currency is counted in, as other amounts say it:
    'EUR at 2025 prices' for 'FTE-years per EUR million' of a run at 2025 prices (the figure
    changes with the price year its millions are at, as an amount does); '' for any other
    unit, or without one price year."""
    per = PER_MILLION.match(unit)
    if per is None or price_year in (None, "") or isinstance(price_year, list):
        return ""
    return f"{per['currency']} at {price_year} prices"


def prices_text(year: Any, price_year: Any) -> str:
    """' at 2020 prices' after an amount of a plan whose money is at prices of another year
    than the plan's own (`price_year` set and not `year`); '' otherwise."""
    if not price_year or str(price_year) == str(year):
        return ""
    return f" at {price_year} prices"


# the jobs-at-one-time rows' labels (service.footprints.at_one_time) name the years of
# spending: a run stored before the fact that keeps them is read so
SPEND_YEARS_LABEL = re.compile(r"/ (\d+ years?) of spending")


def spend_years_text(facts: Any, measures: Any = ()) -> str:
    """The years a plan's budget is spent over, as the jobs notes say them ('5 years', '1
    year'): the run's fact (service.footprints.SPEND_YEARS); for a run stored before it, as
    its jobs table's labels (`measures`) name them; 'years' when neither does. The one
    reading of both the web's run page and the briefing."""
    from moneytrail.service.footprints import SPEND_YEARS

    years = (facts or {}).get(SPEND_YEARS)
    if isinstance(years, int | float) and not isinstance(years, bool) and years >= 1 \
            and float(years).is_integer():
        return f"{int(years)} year{'s' if years != 1 else ''}"
    return next((found[1] for m in measures if (found := SPEND_YEARS_LABEL.search(str(m)))),
                "years")


def stored_spend_years(facts: Any, plan: Any) -> int | None:
    """The years a run's plan spends its budget over: the run's fact
    (service.footprints.SPEND_YEARS); for a run stored before it, its plan's (`plan`, the
    stored mapping, which writes every field, or a Plan) `spend_years`, else its
    `horizon_years` (analysis.concentration.spend_years); None when neither says."""
    from moneytrail.service.footprints import SPEND_YEARS

    def whole(value: Any) -> int | None:
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 1 \
                and float(value).is_integer():
            return int(value)
        return None

    found = whole((facts or {}).get(SPEND_YEARS))
    if found is not None:
        return found
    read = plan.get if isinstance(plan, dict) else lambda key: getattr(plan, key, None)
    return whole(read("spend_years")) or whole(read("horizon_years"))


def spend_period_text(year: Any, years: int | None, default: bool | None = False) -> str:
    """When a plan spends its budget, as the headline of its run says it: 'in 2025' for a
    plan that spends in one year (or whose years are unknown); 'over 2025–2028' for one that
    spends over 4 years from its year (`years`, stored_spend_years: year k of S buys from the
    start of year k, docs/methods.md); a plan that leaves its years to the tool's default
    (`default`, service.footprints.stored_spend_years_default) is told so. The one sentence
    part of the web's run page and the briefing."""
    if not years or years == 1 or isinstance(year, bool) or not isinstance(year, int):
        return f"in {year}"
    text = f"over {year}\u2013{year + years - 1}"
    if default:
        text += (f" (the tool's default spending period of {years} years, an assumption: the "
                 "plan does not say over how many years it spends)")
    return text


# Output to a pipe or a file is laid out this wide unless MONEYTRAIL_WIDTH says otherwise
# (cli.common.pipe_width): no limit, so every cell and line arrives whole.
PIPE_WIDTH = 1_000_000


def whole_lines(width: int, terminal: bool) -> bool:
    """Whether a note, caption or header line is printed as one line (soft wrap: a terminal
    folds it at its edge, a program reading a pipe gets it whole) rather than wrapped at
    `width` characters: on a terminal and on piped output without a width limit
    (PIPE_WIDTH); piped output given a width (MONEYTRAIL_WIDTH) wraps at it, like its
    tables."""
    return terminal or width >= PIPE_WIDTH


def lower_first(text: str) -> str:
    """'Networking' -> 'networking' inside a sentence; 'AI accelerators' stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def small_budget_sentence(row: dict, currency: str) -> str:
    """The warning of a budget below the floor (service.tasks.small_budget_warnings): 'The
    budget is EUR 2, below EUR 1.00 m, the smallest budget taken as meant (an assumption:
    see the methods, “Budgets too small to be meant”): did you mean 2 bn? Write '2 bn' (or
    '2 m' for millions). ...'; a budget of 1,000 or more is asked whether it meant millions."""
    amount = float(row["amount"])
    if amount < 1000:
        typed = f"{amount:.10g}"
        meant = f"did you mean {typed} bn? Write '{typed} bn' (or '{typed} m' for millions)"
    else:                              # '20 000' meant as millions, most likely
        typed = f"{amount:,.10g}".replace(",", " ")
        meant = f"did you mean {typed} m? Write '{typed} m'"
    return (f"The budget is {money(amount, currency)}, below {money(row['floor'], currency)}, "
            "the smallest budget taken as meant (an assumption: see the methods, “Budgets too "
            "small to be meant”): "
            f"{meant}. A warning only: the plan is checked and runs as written.")


def unused_electricity_sentence(row: dict) -> str:
    """The warning of electricity a plan buys and does not use (service.tasks.
    unused_electricity_facts): both figures in TWh, and what of the purchase runs none of
    its hardware."""
    return (f"The plan buys {row['bought_twh']:,.2f} TWh of electricity in its budget; "
            f"its hardware uses {row['used_twh']:,.2f} TWh over the horizon; "
            f"{row['unused_twh']:,.2f} TWh of what it buys runs none of its hardware (power "
            "bought in a year runs only that year's hardware; medians over the draws). The "
            "budget pays for that power all the same; the lifecycle table counts only the "
            "covered part against the electricity bill. A warning only: the plan runs as "
            "written.")


def oversized_parts(row: dict, currency: str) -> tuple[str, list[str], str]:
    """The warning of `oversized_sentence` in three parts: the text before the market size's
    sources, their ids (the row's `sources`, ';'-separated) and the text after; the web puts a
    link to each source, with its title, in between. A small budget's warning (`kind`
    'small_budget') has no sources: its sentence, [], ''."""
    if row.get("kind") == "small_budget":
        return small_budget_sentence(row, currency), [], ""
    if row.get("kind") == "unused_electricity":
        return unused_electricity_sentence(row), [], ""
    what = lower_first(str(row.get("name") or row["category"]))
    head = (f"The plan buys {money(row['plan_per_year'], currency)} of {what} a year, "
            f"{row['ratio']:,.1f} times the whole market's yearly sales in the data "
            f"({money(row['market_size'], currency)}; sources ")
    ids = [s.strip() for s in str(row.get("sources") or "").split(";") if s.strip()]
    tail = ("): the data's market shares, margins and prices describe today's market, so "
            "what they say about this plan is an extrapolation.")
    return head, ids, tail


def oversized_sentence(row: dict, currency: str, titles: dict[str, str] | None = None) -> str:
    """A warning for a market the plan outgrows (service fact `oversized_markets`): 'The plan
    buys EUR 4.00 tn of AI accelerators a year, 21.4 times the whole market's yearly sales in
    the data (EUR 186.56 bn; sources “Nvidia annual report 2025”, ...): the data's
    market shares, margins and prices describe today's market, so what they say about this
    plan is an extrapolation.' Each source by its title in quotes: from `titles` (id ->
    title), else the row's `titles` (the fact's, in the order of its ids); its id when
    neither has one."""
    head, ids, tail = oversized_parts(row, currency)
    known = dict(zip(ids, row.get("titles") or [], strict=False))
    known.update(titles or {})
    cited = [f"“{known[s]}”" if known.get(s) else s for s in ids]
    return head + ", ".join(cited) + tail


def warning_entries(warnings: list[dict], currency: str) -> list[dict]:
    """A plan's warnings (service.tasks.plan_warnings) as the API's run answers carry them:
    `kind`, `category`, `name`, `plan_per_year` and `market_size` (in `currency`, the plan's,
    at its price year), `ratio`, `multiple` (the ratio above which a plan is warned about),
    `sources` (the market size's source ids, a list), `titles` and the `message` in words
    (`oversized_sentence`); a small budget's (`kind` 'small_budget'): `currency`, `amount`,
    `floor` (the smallest budget taken as meant) and its `message`; unused electricity's
    (`kind` 'unused_electricity'): `bought_twh`, `used_twh`, `unused_twh` and its `message`."""
    return [{"kind": "unused_electricity", "bought_twh": row["bought_twh"],
             "used_twh": row["used_twh"], "unused_twh": row["unused_twh"],
             "message": unused_electricity_sentence(row)}
            if row.get("kind") == "unused_electricity" else
            {"kind": row.get("kind", "oversized_market"), "category": row["category"],
             "name": row.get("name") or row["category"], "currency": currency,
             "plan_per_year": row["plan_per_year"], "market_size": row["market_size"],
             "ratio": row["ratio"], "multiple": row.get("multiple"),
             "sources": [s.strip() for s in str(row.get("sources") or "").split(";")
                         if s.strip()],
             "titles": list(row.get("titles") or []),
             "message": oversized_sentence(row, currency)} if row.get("kind") != "small_budget"
            else {"kind": "small_budget", "currency": currency, "amount": row["amount"],
                  "floor": row["floor"], "message": small_budget_sentence(row, currency)}
            for row in warnings]


# -- conditions in words -----------------------------------------------------------------------
# a condition's metric (scenarios.schema.CONDITION_METRICS) -> its name for readers and the unit
# its values are in (the scorecard's, analysis.scorecard.ROWS)
CONDITION_MEASURES: dict[str, tuple[str, str]] = {
    "value_added_share": ("Value added share", "share"),
    "eu_value_added_share": ("EU value added share", "share"),
    "eu_labour_share": ("EU labour share (wages paid in the EU)", "share"),
    "labour_share": ("Labour share (wages, all countries)", "share"),
    "hhi_change": ("Largest HHI rise (market concentration) among the markets bought in",
                   "points"),
    "single_supplier_share": ("Share of spending in categories where one firm supplies more "
                              "than half", "share"),
    "value_chain_single_supplier_share": ("Share of value added at firms holding more than "
                                          "half of a market", "share"),
    "export_exposed_share": ("Export-control exposure", "share"),
    "renewable_share": ("Renewable power share", "share"),
    "closed_model_share": ("Closed-model share", "share"),
    "open_weights_only": ("Open-weight models only (no closed model)", "share"),
    "co2_tonnes": ("Operational CO2 over the horizon", "t CO2e"),
    "residual_value_share": ("Residual value of hardware at the horizon", "share"),
    "rent_share": ("Economic profit (rent), share of the plan", "share"),
    "dominant_rent_share": ("Rent to firms already dominant, share of rent", "share"),
    "markup_share": ("Markup over suppliers' cost of goods", "share"),
}
SINGLE_SUPPLIER_METRICS = ("single_supplier_share", "value_chain_single_supplier_share")

# A plan's HHI change of +0 in every draw (the scorecard's change of the largest size, or in
# runs stored before the largest change, analysis.concentration), in words for the scorecard
# in place of "+0 points (+0 – +0 points)": why it is zero by construction.
HHI_UNMOVED = ("No change: with no procurement rules the plan buys from each firm at its "
               "market share, so no share (and no HHI) moves; procurement rules that favour "
               "some firms change it")


def hhi_rules_no_rise(categories: list[str]) -> str:
    """Why a plan with procurement rules (in `categories`, by name) shows an HHI change of
    +0: the figure is the largest change over the markets bought in; the rules do not raise
    their markets' HHI (spreading purchases more evenly lowers it) and in every other market
    the plan buys at market shares, a change of exactly 0, so the largest is +0."""
    where = ", ".join(lower_first(c) for c in categories) or "some categories"
    return (f"No rise: this is the largest change among the markets bought in. The plan's "
            f"supplier shares ({where}) do not raise concentration there (shares more even "
            f"than the market's lower it), and in the other markets the plan buys at market "
            f"shares, which changes nothing (+0), so no market's HHI rises")


def hhi_no_market_moves(rules: bool) -> str:
    """Why the scorecard's HHI change (the change of the largest size over the markets bought
    in, analysis.concentration.hhi_change_of_largest_size) is 0 in every draw: no market's
    HHI moves; without procurement rules (`rules` False) because the plan buys at market
    shares (HHI_UNMOVED)."""
    if not rules:
        return HHI_UNMOVED
    return ("No change: in every market bought in, the plan's supplier shares leave each "
            "firm's market share, and so the HHI, where it was")


SELECTOR_WORDS = {"group": "to {}", "country": "added in {}", "owner_country": "owned in {}",
                  "entity": "to {}"}


def condition_measure(metric: str) -> str:
    """A condition's metric for readers: 'hhi_change' -> 'Largest HHI rise (market
    concentration) among the markets bought in'; an unknown metric in words."""
    if metric in CONDITION_MEASURES:
        return CONDITION_MEASURES[metric][0]
    words = str(metric).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def condition_unit(metric: str) -> str:
    """The unit a condition's values are in ('share', 'points', 't CO2e')."""
    return CONDITION_MEASURES.get(metric, ("", "number"))[1]


DEFAULT_CONDITION = re.compile(r"(?P<metric>\w+)(?: \((?P<which>[^)]*)\))? (?:<=|>=) \S+")


def condition_selectors(condition: Any) -> dict[str, str]:
    """The selector fields a plan's condition sets (a mapping or a scenarios Condition):
    {'group': 'us_big_tech'}."""
    get = condition.get if isinstance(condition, dict) else \
        (lambda key: getattr(condition, key, None))
    return {key: str(get(key)) for key in ("group", "country", "owner_country", "entity")
            if get(key)}


def condition_threshold(condition: Any) -> float | None:
    """A plan's condition's own single-supplier threshold (a mapping or a scenarios
    Condition), None when it sets none."""
    value = condition.get("threshold") if isinstance(condition, dict) else \
        getattr(condition, "threshold", None)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def condition_words(row: dict[str, Any], names: dict[str, str] | None = None,
                    selectors: dict[str, str] | None = None,
                    threshold: float | None = None) -> str:
    """A row of a run's conditions table (analysis.conditions: `condition`, `metric`,
    `bound` 'min 0.5' / 'max 100', `rules_on`) in words: 'EU value added share at least
    50 %', 'Value added share to US hyperscalers (...) at most 30 %', 'HHI change (...) at
    most +100 points'. A condition the plan labels itself keeps its label. `names`: country
    and firm ids -> names; `selectors`: the condition's selector field -> id, when known
    (else read from the stored name 'value_added_share (us_big_tech) <= 0.3'); `threshold`:
    a single-supplier condition's own threshold (default: more than half)."""
    label = str(row.get("condition") or "")
    metric = str(row.get("metric") or "")
    found = DEFAULT_CONDITION.fullmatch(label)
    if label and label != "open-weight models only" and not (
            found and found["metric"] == metric):
        return label                                     # the plan's own label
    if metric == "open_weights_only":
        return "Open-weight models only (no closed model)"
    words = condition_measure(metric)
    if threshold is not None and metric in SINGLE_SUPPLIER_METRICS:
        words = words.replace("more than half", f"more than {100 * threshold:g} %")
    which = dict(selectors or {})
    if not which and found and found["which"]:
        which = {"group": found["which"]}
    for field, key in which.items():
        if field == "group":
            who = group_label(key)
        else:
            who = (names or {}).get(key) or REGION_LABELS.get(key) or key
        words += " " + SELECTOR_WORDS.get(field, "of {}").format(who)
    kind, _, value = str(row.get("bound") or "").partition(" ")
    try:
        number = float(value)
    except ValueError:
        bound = value
    else:
        bound = f"{100 * number:g} %" if condition_unit(metric) == "share" else \
            in_unit(number, condition_unit(metric))
    if condition_unit(metric) == "points":
        bound = bound.lstrip("+")
    words += f" {'at most' if kind == 'max' else 'at least'} {bound}"
    if row.get("rules_on"):
        words += f" (export rules as on {row['rules_on']})"
    return words


# -- a reference plan's text kept under another budget ------------------------------------------
def inherited_text_note(ref: dict[str, Any], amount: Any, currency: str, *,
                        builder: bool = False) -> str:
    """What a plan carrying a reference plan's title or description under another budget
    (scenarios.reference.inherited_text) says about it: the builder asks the user to check
    the text; the run page and the briefing mark it as the reference plan's. The user's text
    is never rewritten."""
    fields = ref.get("fields") or ["description"]
    what = " and ".join(fields)
    given = money(ref.get("amount"), str(ref.get("currency") or ""))
    own = money(amount, currency) if finite(amount) else "another"
    if builder:
        verb = "come" if len(fields) > 1 else "comes"
        return (f"The {what} {verb} from the reference plan “{ref.get('title')}”, written for "
                f"its budget of {given}; this plan's budget is {own}. Check that "
                f"{'they' if len(fields) > 1 else 'it'} still describe"
                f"{'' if len(fields) > 1 else 's'} your plan.")
    verb = "are" if len(fields) > 1 else "is"
    return (f"The {what} {verb} the reference plan’s text, unchanged (“{ref.get('title')}”): "
            f"written for its budget of {given}, while this plan's budget is {own}.")


def title_figure_note(figure: dict[str, Any], amount: Any, currency: str, *,
                      builder: bool = False) -> str:
    """What a plan whose title names an amount of money other than its budget
    (scenarios.reference.stale_title_figure) says about it, as `inherited_text_note` says
    about a reference plan's text: the builder asks the user to check the title; the run
    page, the compare page and the briefing say the title's figure is not the budget. The
    user's title is never rewritten."""
    own = money(amount, currency) if finite(amount) else "another amount"
    if builder:
        return (f"The title names {figure.get('text')}; this plan's budget is {own}. Check "
                "that the title still describes your plan.")
    return (f"The title names {figure.get('text')}, while this plan's budget is {own}: the "
            "figures are of the budget, not of the amount in the title.")


def plan_text_notes(title: Any, description: Any, amount: Any, currency: str, *,
                    currencies: Collection[str] | None = None, builder: bool = False) -> str:
    """Everything a plan's own words say that its budget no longer matches: a reference
    plan's title or description kept under another budget (inherited_text_note), and a
    title naming an amount of money that is not the budget (title_figure_note, unless the
    first note already names the title); '' when neither, and when `amount` is no finite
    number (a builder draft's unreadable budget, "abc": not another budget, an invalid one,
    which its field's error names). `currencies`: the codes the data know
    (scenarios.reference.title_figures; None: the bundled data's)."""
    from moneytrail.scenarios.reference import inherited_text, stale_title_figure

    if not finite(amount):
        return ""
    notes = []
    ref = inherited_text(title, description, amount, currency)
    if ref is not None:
        notes.append(inherited_text_note(ref, amount, currency, builder=builder))
    figure = stale_title_figure(title, amount, currency, currencies)
    if figure is not None and (ref is None or "title" not in ref.get("fields", [])):
        notes.append(title_figure_note(figure, amount, currency, builder=builder))
    return " ".join(notes)


def conservation_text(gap: Any, currency: str) -> str:
    """The conservation check of a run (fact `conservation_gap`: the largest difference, over
    the draws, between the value added of all firms and the money spent) for readers: 'adds
    up to the cent: the value added of all firms equals the money spent in every draw (the
    largest difference, EUR 0.0000057, is rounding)'; a gap of a cent or more says its size."""
    if not finite(gap):
        return "not checked in this run"
    if abs(float(gap)) < 0.005:
        return ("adds up to the cent: the value added of all firms equals the money spent in "
                f"every draw (the largest difference, {small_money(abs(float(gap)), currency)}, "
                "is rounding in the computer's arithmetic)")
    return (f"the value added of all firms differs from the money spent by up to "
            f"{small_money(abs(float(gap)), currency)} in a draw")


def claim_date(text: Any) -> str:
    """When a claim was made, for readers: '2025-01-21' -> '21 January 2025', '2025-01' ->
    'January 2025' (claims_schema `claimed_on`); other text unchanged, '' for none."""
    said = "" if text is None else str(text).strip()
    try:
        if len(said) == 10:
            day = dt.date.fromisoformat(said)
            return f"{day.day} {day:%B %Y}"
        if len(said) == 7:
            return f"{dt.date.fromisoformat(said + '-01'):%B %Y}"
    except ValueError:
        pass
    return said


EXPORT_RULES_BIND = "(a rule counts from the date its caps bind)"
# LEGACY, read only for runs stored before the fact `export_rules_on`
# (service.result.EXPORT_RULES_ON): their scorecard note said the dates in a sentence,
# 'Export rules read on: <plan label> <ISO date>, ... (a rule counts from the date its caps
# bind).' Nothing writes it any more; `export_rules_on` reads it and takes it out of the note.
LEGACY_EXPORT_RULES = re.compile(r"Export rules read on: (.+?) \(a rule counts from the date "
                                 r"its caps bind\)\.?")
# a scorecard note's sentences that start with a plan's id
PLAN_ID_PREFIXES = ("Conditions met for ", "Budget per training run for ")


def export_rules_on(note: str, facts: Mapping[str, Any] | None
                    ) -> tuple[list[tuple[str, str]], str]:
    """The dates a run's scorecard read the export rules on, and its note without them.
    `facts`: the run's facts, whose `export_rules_on` (plan label -> ISO date) gives the
    dates; a run stored before that fact (LEGACY_EXPORT_RULES) has them only in its `note`,
    as 'Export rules read on: national-ai-compute 2025-07-01 (...).', read from there. Either
    way the note comes back without that sentence. Returns ([(plan label, ISO date), ...] in
    the run's plan order, [] when neither says any; the note, stripped)."""
    from moneytrail.service.result import EXPORT_RULES_ON  # numpy: only once a run is read

    found = LEGACY_EXPORT_RULES.search(note)
    rest = note
    if found:
        rest = f"{note[:found.start()].rstrip()} {note[found.end():].lstrip()}"
    dates = (facts or {}).get(EXPORT_RULES_ON)
    if isinstance(dates, dict) and dates:
        return [(str(plan), str(day)) for plan, day in dates.items()], rest.strip()
    read = [entry.rpartition(" ")[::2] for entry in found[1].split(", ")] if found else []
    return [(plan, day) for plan, day in read if day], rest.strip()


def export_rules_text(dates: Iterable[tuple[str, str]],
                      titles: Mapping[str, str] | None = None) -> str:
    """The one way every output says which date the export rules were read on. `dates`:
    (plan label, ISO date) pairs (export_rules_on); `titles`: plan label or id -> title
    (a plan without one is named by its label). One date for every plan: 'Export rules as of
    1 July 2025 (a rule counts from the date its caps bind).'; plans read on different
    dates each named: 'Export rules as of 1 July 2025 for “A”, 1 January 2026 for “B” (...).'
    '' for no dates."""
    pairs = list(dict.fromkeys(dates))
    if not pairs:
        return ""
    days = list(dict.fromkeys(claim_date(day) for _, day in pairs))
    said = days[0] if len(days) == 1 else ", ".join(
        f"{claim_date(day)} for “{(titles or {}).get(plan, plan)}”" for plan, day in pairs)
    return f"Export rules as of {said} {EXPORT_RULES_BIND}."


def scorecard_note(note: str, facts: Mapping[str, Any] | None,
                   titles: Mapping[str, str] | None = None) -> str:
    """A run's scorecard note as every output prints it: the export-rules sentence
    (export_rules_text, from the run's facts or a legacy note) first, then the rest of the
    note. `titles`: plan label or id -> title, to name plans read on different dates."""
    dates, rest = export_rules_on(note, facts)
    return " ".join(part for part in (export_rules_text(dates, titles), rest) if part)


def plain_plan_note(note: str, titles: dict[str, str]) -> str:
    """A scorecard note as a reader reads it: no plan id inside a sentence. `titles`: plan id
    -> title of the plans the note is about. 'Conditions met for <id>: ...' -> 'Conditions
    met: ...' for one plan, 'Conditions met for “<title>”: ...' for several (so too 'Budget
    per training run'). The export-rules date is scorecard_note's."""
    one = len(titles) <= 1

    def named(plan: str) -> str:
        return "" if one else f" for “{titles.get(plan, plan)}”"

    for plan in titles:
        for prefix in PLAN_ID_PREFIXES:
            note = note.replace(f"{prefix}{plan}: ",
                                f"{prefix.removesuffix(' for ')}{named(plan)}: ")
    return note


# column names that notes stored with earlier runs showed readers, and the words said instead
# (the conditions table's verdict note: analysis.conditions.NOTE)
COLUMN_NAME_WORDS = {"(p_holds: the share of draws where it holds)":
                     "(“Met in”: the share of draws where it holds)"}


def readable_note(note: str) -> str:
    """A note stored with a run as a reader reads it: no column name (`COLUMN_NAME_WORDS`;
    a run stored before said 'p_holds'); other text as it is."""
    for name, words in COLUMN_NAME_WORDS.items():
        note = note.replace(name, words)
    return note


def conditions_summary(rows: list[dict[str, Any]]) -> str:
    """One plain sentence for a summary on how a plan fares against its policy conditions:
    how many it meets, fails, leaves uncertain or to which they do not apply, each one not
    met or uncertain named with the share of draws in which it holds. `rows`: the run's
    conditions, each with `words` (condition_words), `verdict` ('met', 'not met',
    'uncertain', 'not applicable') and `p_holds` (share of draws, 0-1); '' for none."""
    if not rows:
        return ""
    from moneytrail.analysis.stats import CONDITION_CUTOFFS

    count = len(rows)
    by: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by.setdefault(str(row.get("verdict") or ""), []).append(row)

    def held(group: list[dict[str, Any]]) -> str:
        return "; ".join(f"{row['words']}: met in {p_holds_text(row.get('p_holds'))} of the "
                         "draws" for row in group)

    met, failed = len(by.get("met", [])), by.get("not met", [])
    unsure, moot = by.get("uncertain", []), by.get("not applicable", [])
    everything = "both" if count == 2 else f"all {count}"
    parts = [f"meets {everything if met == count and count > 1 else met or 'none'}"]
    if failed:
        parts.append(f"fails {len(failed)} ({held(failed)})")
    if unsure:
        parts.append(f"{len(unsure)} {'is' if len(unsure) == 1 else 'are'} uncertain "
                     f"({held(unsure)})")
    if moot:
        parts.append(f"{len(moot)} {'does' if len(moot) == 1 else 'do'} not apply to it")
    said = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    high, low = CONDITION_CUTOFFS
    sets = f"{count} condition{'s' if count > 1 else ''}"
    return (f"Policy conditions: the plan sets {sets}; it {said}. A condition is met where "
            f"it holds in at least {round(high * 100)} % of the draws and not met where it "
            f"holds in at most {round(low * 100)} %.")
