"""Numbers as people type them: in the web forms (the plan builder and the ledger editor) and
in a scenario file's `budget.amount` (scenarios.schema reads `5 bn` as the builder does).
A lower layer (beside moneytrail.text), so the schema and the web share one reader.

One reading for every number field, so the forms and the files agree:

- plain numbers with a point for decimals: `20000000000`, `0.25`, `1e9`; an underscore is
  no digit (`20_000`, which Python reads as 20000, is refused with UNDERSCORE, 'not a
  number', as the ledger's command line, CSV files and data packages refuse it:
  data.checks.NUMBER_RE); a non-zero number too small for a float (`1e-400`, which would be
  read as 0) is refused with TOO_SMALL, the ledger's words;
- one rule for commas, in every field: a comma only separates thousands, in exact groups of
  three after a first group of one to three digits that does not start with a zero
  (`1,000`, `20,000,000`, `2,500.5`, `1,000.5`). Any other comma is refused with
  DECIMAL_COMMA, which says to use a point for decimals: `1,5`, `12,50`, `0,25`, `0,600`,
  `1,5 bn`, `20,5 %`, `1,23,456`, `1.234,5`. Note that `1,500` is read as 1500, though in
  German (and other locales with a decimal comma) it means 1.5: the thousands reading is the
  one rule, and nothing with a comma is ever read as a decimal (before, `1,5 bn` was 1.5 bn
  in the builder while the claims page refused `1,5`);
- for amounts of money only (`sizes=True`, the builder's budget), the size words the app
  prints (report.units.MONEY_SIZES): `20 bn`, `1.5 bn`, `750 m`, `3 k`, `1 tn`, spelled out
  (`million`, `billion`, `trillion`) or with the currency first as the app writes amounts
  (`EUR 20 bn`), which must then be the plan's currency;
- spaces between thousands groups of three (`20 000 000`, also with a no-break space, a narrow
  no-break space or a thin space, as French and SI style write numbers), and dots between
  thousands groups when there are at least two of them (`20.000.000.000`; a single dot is a
  decimal point: `20.000` is twenty);
- for amounts, also the German and French billion (`20 Mrd`, `20 Mrd.`, `20 Md`, `20 Mds`),
  the German million (`Mio`), a size word without a space (`20bn`), and a currency symbol
  before or after the number (`€20bn`, `20 Mrd €`, `$20 bn`, `£5 m`), which must stand for the
  plan's currency (`$`: USD, CAD, AUD, NZD, SGD or HKD; `¥`: JPY or CNY), as a code must
  (an ISO 4217 code, moneytrail.currencies: `5 bn ABC` and `FTE 5` are refused);
  one dot before exactly three digits with these words (`20.000 Mio`: twenty thousand
  million in German) is refused as ambiguous, while `20.000 m` stays twenty million; so is
  an amount of one to three digits, one dot and exactly three digits with no size word
  (`20.000`, `1.500`, `EUR 20.000`: twenty thousand with a European thousands dot, or twenty
  with a decimal point): before, `20.000` was read as 20 without a word;
- for shares only (`percent=True`, the builder's spending and supplier shares), a percent
  sign: `39%` and `39 %` are 0.39, `100%` is 1.

Sizes and percents are applied in decimal arithmetic, so `1.1 bn` is exactly 1100000000 and
`39%` exactly 0.39. `web.numbers.amount_text` writes an amount back in these words (`20 bn`),
and reads back (read_number) to the very same number.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from moneytrail.currencies import is_currency, not_a_currency
from moneytrail.text import plain_number, thousands_separator

SIZE_WORDS = {"k": 3, "thousand": 3, "m": 6, "mn": 6, "mio": 6, "million": 6, "bn": 9,
              "billion": 9, "mrd": 9, "md": 9, "mds": 9, "tn": 12, "trillion": 12}
# currency symbols and the ISO codes each may stand for
SYMBOLS = {"€": ("EUR",), "£": ("GBP",), "$": ("USD", "CAD", "AUD", "NZD", "SGD", "HKD"),
           "¥": ("JPY", "CNY"), "₩": ("KRW",), "₹": ("INR",)}


def currency_of_symbol(typed: str) -> str:
    """The ISO code a currency field's `typed` text names: the code itself (upper case), or
    the one code an unambiguous symbol stands for ('€' EUR, '£' GBP, '₩' KRW, '₹' INR); '$'
    and '¥', which stand for several, are returned as typed for the field's check to refuse."""
    text = typed.strip()
    codes = SYMBOLS.get(text, ())
    return codes[0] if len(codes) == 1 else text.upper()


PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
SPACES = "\u0020\u00a0\u202f\u2009"          # space, no-break, narrow no-break, thin space
SPACE_GROUPED = re.compile(rf"(?<![\d.,])\d{{1,3}}(?:[{SPACES}]\d{{3}})+(?!\d)")
MONEY = r"[A-Za-z]{3}|[" + "".join(SYMBOLS) + "]"
AMOUNT = re.compile(rf"(?:(?P<currency>{MONEY})\s*)?(?P<number>[+\-\d.,eE]+)\s*"
                    rf"(?:(?P<size>[A-Za-z]+)\.?)?\s*(?P<after>{MONEY})?")
PERCENT = re.compile(r"(?P<number>.*?)\s*%")
LOCAL_SIZES = frozenset({"mio", "mrd", "md", "mds"})     # words of locales with dot groups
ONE_DOT_GROUP = re.compile(r"[+-]?\d{1,3}\.\d{3}")
AMBIGUOUS_DOT = ("one dot before three digits with Mio, Mrd or Md could be a thousands "
                 "separator or a decimal point: write 20 000 Mio or 20 Mrd, or 1.5 Mrd")
DECIMAL_COMMA = ("use a point for decimals: 12.5, not 12,5 (a comma may only separate "
                 "thousands, in groups of three: 20,000,000)")
# a number whose commas separate thousands in groups of three: 1,000, 1,000,000, 2,500.5
THOUSANDS_COMMAS = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
AMBIGUOUS_AMOUNT_DOT = ("{typed} could be {whole} with a dot between thousands or {decimal} "
                        "with a decimal point: write {whole} (or {whole_words}) or {decimal}")
UNDERSCORE = "not a number: write it without underscores (20000 or 20 000, not 20_000)"
# a whole number as typed in a form, an option or a plan file's text: ASCII digits, a sign
WHOLE = re.compile(r"[+-]?[0-9]+")
# the most digits read_whole reads (far past any field's range, under int()'s 4,300)
WHOLE_DIGITS = 400
# the ledger's refusal of a non-zero number a float holds as 0 (data.checks uses this one)
TOO_SMALL = "too small to store (it rounds to 0): give 0 or a larger number"
# the cap on any amount, in whatever currency or unit it is counted (a plan's budget,
# scenarios.schema.MAX_BUDGET, and a ledger cell, ledger.validate.MAX_AMOUNT): there to
# catch typos such as 1e30; said in messages as AMOUNT_CAP_WORDS, never in scientific
# notation (README: figures are never written 1e+17)
AMOUNT_CAP = 1e17
AMOUNT_CAP_WORDS = f"{AMOUNT_CAP / 1e12:,.0f} tn"        # '100,000 tn'
# digits enough for any float exactly: a whole one has at most 309, repr at most 17 (and
# amount_text adds three decimals)
EXACT_DIGITS = 400


class NumberTextError(ValueError):
    """Text that looks like a number but cannot be read as one without guessing (a decimal
    comma, a currency other than the plan's): the message says what to type instead."""


def read_number(text: str, *, sizes: bool = False, currency: str | None = None,
                owner: str = "plan", percent: bool = False) -> int | float | None:
    """The number `text` stands for (an int when it is whole and written without a point or
    exponent, or given with a size word), or None when it is no number at all (the caller
    keeps the text so the schema check names the field). `sizes`: accept size words and a
    currency code or symbol, which must stand for `currency` (case-insensitive) when given;
    `owner` names whose currency that is in the error ('plan', 'claim'). `percent`: the
    field is a share, and `39%` is 0.39 (a float).
    A comma only separates thousands in groups of three (`1,000`, `1,000.5`; so `1,500` is
    1500, never the German 1.5): any other comma (`1,5`, `12,50`, `1,5 bn`) raises
    NumberTextError(DECIMAL_COMMA), as does a currency other than `currency`, an underscore
    (`20_000`: UNDERSCORE) and a non-zero number a float holds as 0 (`1e-400`, `1e-400 bn`:
    TOO_SMALL); the caller names the field and the text as typed. A number too large for a
    float (`1e400`) is None, as text is: the plan schema names its field's cap."""
    if "_" in str(text):
        raise NumberTextError(UNDERSCORE)
    raw = SPACE_GROUPED.sub(lambda m: re.sub(f"[{SPACES}]", "", m.group(0)), str(text).strip())
    if not raw:
        return None
    if percent:
        share = PERCENT.fullmatch(raw)
        if share is not None:
            hundredths = read_number(share["number"])
            if hundredths is None or "%" in share["number"]:
                return None
            return float(Decimal(str(hundredths)).scaleb(-2))
    body, exponent = raw, 0
    if sizes:
        match = AMOUNT.fullmatch(raw)
        if match is None:
            return _comma(raw)
        code, size, after = match["currency"], match["size"], match["after"]
        if not any(ch.isdigit() for ch in match["number"]):
            return None                       # `five`: 'fiv' and 'e' are no code and number
        if size is not None and size.lower() not in SIZE_WORDS and after is None \
                and code is None and len(size) == 3 and size.isupper():
            size, after = None, size          # `20 EUR`: a code after the number
        if after is not None and after not in SYMBOLS and not after.isupper():
            return None                       # `20 bnn`, `20 Mrd Mrd`: no code, no amount
        if size is not None and size.lower() not in SIZE_WORDS:
            return _comma(raw)
        if code is not None and after is not None:
            return None                        # `EUR 20 EUR`
        _check_code(code or after, currency)   # `5 bn ABC`, `FTE 5`: no currency
        _check_currency(code or after, currency, owner)
        body = match["number"]
        exponent = SIZE_WORDS[size.lower()] if size is not None else 0
        if size is not None and size.lower() in LOCAL_SIZES and ONE_DOT_GROUP.fullmatch(body):
            raise NumberTextError(AMBIGUOUS_DOT)
    if "," in body:                        # the one rule: commas separate thousands only
        if not THOUSANDS_COMMAS.fullmatch(body):
            raise NumberTextError(DECIMAL_COMMA)
        body = body.replace(",", "")
    thousands = thousands_separator(body)  # no comma left: '.' between groups, or none
    if thousands is None:                  # 1.234 / 20.000: a decimal point, or ambiguous
        thousands = _one_dot(body, amount=sizes and not exponent)
    body = plain_number(body, thousands)
    if not PLAIN.fullmatch(body):
        return None
    if exponent:
        try:
            value = Decimal(body).scaleb(exponent)
        except InvalidOperation:
            return None
        if not math.isfinite(float(value)):
            return None                  # `1e400 bn`: too large for any field, as `1e400`
        if value and not float(value):
            raise NumberTextError(TOO_SMALL)     # `1e-400 bn`
        return int(value) if value == value.to_integral_value() else float(value)
    number = float(body)
    if not math.isfinite(number):
        return None
    if not number and rounds_to_zero(body):
        raise NumberTextError(TOO_SMALL)         # `1e-400`: not what was written
    if number.is_integer() and "." not in body and "e" not in body.lower():
        return int(body)
    return number


def underscore_refusal(text: str, *, quoted: bool = False) -> str:
    """Why `text` with an underscore is no number (UNDERSCORE), with what to write instead
    when the text without its underscores is a whole number: '2_025' gets 'not a number:
    write it without underscores (2025, not 2_025)'. `quoted`: the number was given as
    text where a whole number must be a number (a plan file's `year: "2_025"`, which the
    schema refuses quoted even without the underscore), so the advice drops the quotes too.
    Python's int() and YAML's own integers read 2_025 as 2025; moneytrail's fields take
    digit groups with spaces or commas only (read_number), or none (read_whole)."""
    typed = str(text).strip()
    bare = typed.replace("_", "")
    if not WHOLE.fullmatch(bare):
        return UNDERSCORE
    if quoted:
        return f'not a number: write it without underscores or quotes ({bare}, not "{typed}")'
    return f"not a number: write it without underscores ({bare}, not {typed})"


def read_whole(text: str) -> int | None:
    """The whole number `text` stands for when it is one written in the digits 0 to 9 with
    an optional sign (spaces around it are dropped): `2025`, `-3`, `0`. An underscore
    (`2_025`, which Python's int() reads as 2025) raises NumberTextError with
    `underscore_refusal`'s words, as read_number refuses `20_000`; anything else (`1.5`,
    `abc`, `0x10`, other scripts' digits such as `١٠`) is None, for the caller to say the
    field wants a whole number. The command line's whole-number options and the schema's
    whole-number fields (year, draws, seed, ...) share this one reading."""
    typed = str(text).strip()
    if "_" in typed:
        raise NumberTextError(underscore_refusal(typed))
    if not WHOLE.fullmatch(typed):
        return None
    digits = len(typed.lstrip("+-"))
    if digits > WHOLE_DIGITS:           # int() refuses past 4,300 digits, in Python's words
        raise NumberTextError(f"too large: a whole number of {digits:,} digits")
    return int(typed)


def rounds_to_zero(text: str) -> bool:
    """Whether a number written as `text` (PLAIN: digits, point, exponent) has a non-zero
    digit before its exponent yet reads as 0.0 ('1e-400', '-5e-330'): too small for a float."""
    mantissa = re.split("[eE]", text.strip())[0]
    return any(digit in "123456789" for digit in mantissa) and float(text) == 0


def ambiguous_amount(body: str) -> str:
    """Why an amount such as `20.000` is refused, with both ways to write what was meant:
    '20.000 could be 20000 with a dot between thousands or 20.0 with a decimal point: write
    20000 (or 20 000) or 20.0'."""
    whole = body.replace(".", "")
    sign = whole[0] if whole[0] in "+-" else ""
    digits = whole.lstrip("+-").lstrip("0") or "0"
    grouped = f"{int(digits):,}".replace(",", " ")
    return AMBIGUOUS_AMOUNT_DOT.format(typed=body, whole=sign + digits,
                                       whole_words=sign + grouped, decimal=repr(float(body)))


def _check_currency(given: str | None, currency: str | None, owner: str) -> None:
    """NumberTextError when the code or symbol `given` with an amount cannot stand for the
    `owner`'s `currency` (nothing to check when either is missing, or when `currency` is no
    ISO code, e.g. '€' typed as the currency: its advice would name no valid currency)."""
    if given is None or not currency or not is_currency(currency.upper()):
        return              # no currency, or none to name: the currency's own check says so
    want = currency.upper()
    if given in SYMBOLS:
        if want not in SYMBOLS[given]:
            raise NumberTextError(f"{given} does not match the {owner}'s currency {want}: "
                                  f"give the amount in {want} or change the currency")
    elif given.upper() != want:
        raise NumberTextError(f"the amount is in {given.upper()} but the {owner}'s currency "
                              f"is {want}: give it in {want} or change the currency")


def _check_code(given: str | None, currency: str | None) -> None:
    """NumberTextError when the three letters `given` with an amount (any case) are no
    ISO 4217 currency code (moneytrail.currencies): `5 bn ABC` and `FTE 5` are no amounts of
    money, whatever the `currency` they are read for."""
    if given is None or given in SYMBOLS or is_currency(given.upper()):
        return
    advice = f": give the amount in {currency.upper()}" \
        if currency and is_currency(currency.upper()) else ""
    raise NumberTextError(not_a_currency(given) + advice)


def _one_dot(body: str, *, amount: bool) -> str:
    """The thousands separator (text.thousands_separator) of `body`, one dot between one to
    three digits and exactly three (no comma: read_number drops thousands commas first): a
    decimal point (''), but in an `amount` without a size word (`20.000`) refused as
    ambiguous unless the number starts with a zero (`0.600`)."""
    if amount and body.lstrip("+-")[0] != "0":
        raise NumberTextError(ambiguous_amount(body))
    return ""


def _comma(raw: str) -> int | float | None:
    """Text that is no amount we read: refused with the decimal-comma advice when a comma
    sits between digits (`20,5 bn`), None (no number) otherwise."""
    if re.search(r"\d,\d", raw):
        raise NumberTextError(DECIMAL_COMMA)
    return None
