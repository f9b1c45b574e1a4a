"""Free text a user writes: refuse control and bidirectional-formatting characters.

Titles, ids, notes, descriptions and ledger text end up in HTML pages, PDF reports, CSV and
terminal output. A right-to-left override (U+202E) in a title reverses the text that follows
it on the page (a figure such as "EUR 20 bn" or a run id then reads backwards), and a NUL or
another C0/C1 control character corrupts CSV and terminals. So every free-text field is
checked where it enters (the plan schema, saved plans, ledger writes, data package CSVs) and
refused with one line naming the field and the character as a code point.

Refused: every Unicode control character (category Cc: U+0000-U+001F, U+007F-U+009F) except
tab, line feed and carriage return in multi-line fields (descriptions and notes; a browser
sends a textarea's line breaks as CR LF), and the bidirectional formatting characters
BIDI_CONTROLS (embeddings, overrides, isolates, and the implicit marks U+200E, U+200F and
U+061C), and the invisible separators INVISIBLE (U+2028, U+2029, U+200B, U+2060, U+FEFF).
Ordinary text in any script (Arabic, Hebrew, Greek, CJK) is accepted: it needs none of these
characters to display correctly.
"""

from __future__ import annotations

import math
import re
import unicodedata

BIDI_CONTROLS = frozenset(
    ["\u061c", "\u200e", "\u200f"]                       # ALM, LRM, RLM
    + [chr(c) for c in range(0x202A, 0x202F)]            # LRE, RLE, PDF, LRO, RLO
    + [chr(c) for c in range(0x2066, 0x206A)])           # LRI, RLI, FSI, PDI
# invisible characters that break or hide text: line and paragraph separators (U+2028/9 end a
# line in CSV readers and terminals), zero-width space and word joiner, and the byte-order
# mark (U+FEFF inside a title). Zero-width (non-)joiners U+200C/U+200D stay: Persian, Indic
# scripts and emoji need them.
INVISIBLE = frozenset(["\u2028", "\u2029", "\u200b", "\u2060", "\ufeff"])
LINE_BREAKS = frozenset("\t\n\r")


# the same rule as one pattern, for scanning a whole file before looking cell by cell
# (category Cc is exactly U+0000-U+001F and U+007F-U+009F)
SUSPECT_MULTILINE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    + "".join(sorted(BIDI_CONTROLS | INVISIBLE)) + "]")


def forbidden_character(text: str, *, multiline: bool = False) -> str | None:
    """The first control or bidi formatting character in `text`, or None when it has none.

    With `multiline` (descriptions, notes) tab, line feed and carriage return are allowed."""
    for char in text:
        if char in BIDI_CONTROLS or char in INVISIBLE:
            return char
        if unicodedata.category(char) == "Cc" and not (multiline and char in LINE_BREAKS):
            return char
    return None


CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")       # category Cc, line breaks included
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS | INVISIBLE)) + "]")


def control_character(text: str) -> str | None:
    """The first control character (Unicode category Cc, line breaks included) in `text`,
    or None: what no address, key or account name may hold (web.query.plain_address)."""
    found = CONTROL.search(text)
    return found.group(0) if found else None


def visible(text: str) -> str:
    """`text` with every control, bidi formatting and invisible character written as its
    escape (`a\\u0000b`), so an error page can show a value that holds one without sending
    the character itself."""
    return CONTROLS.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def unix_lines(text: str) -> str:
    """`text` with every line break as LF: a browser sends a textarea's line breaks as CR LF
    (and old Macs as CR), so the same note typed in a form and sent through the API or the
    command line is stored alike, and a form saved with the note untouched changes nothing."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def same_text(stored: object, given: object) -> bool:
    """Whether `given` is the `stored` text but for how its line breaks are written."""
    return isinstance(stored, str) and isinstance(given, str) and \
        unix_lines(stored) == unix_lines(given)


def shown_text(value: str, keep: int = 40) -> str:
    """Long text as an error names it: its first `keep` characters and an ellipsis."""
    return value if len(value) <= keep else value[:keep] + "\u2026"


LONG_DIGITS = re.compile(r"\d{41,}")      # a run of digits `short_number` shortens


def short_number(text: str, keep: int = 20) -> str:
    """A long whole number as its first digits and its length (`99999…(5,000 digits)`), so an
    error shows the value the client sent without repeating thousands of digits."""
    digits = len(text.lstrip("-"))
    if digits <= 2 * keep:
        return text
    return f"{text[:keep]}\u2026 ({digits:,} digits)"


def shown_count(number: int) -> str:
    """A whole number as an error names it: with thousands commas (`25,000`), or its first
    digits and its length when it runs to hundreds of digits (`short_number`)."""
    if number.bit_length() <= 128:            # up to 39 digits
        return f"{number:,}"
    try:
        return short_number(str(number))
    except ValueError:                        # more digits than Python writes (sys.int_info)
        return f"a whole number of about {int(number.bit_length() * math.log10(2)) + 1:,} digits"


def shown_around(text: str, index: int, keep: int = 20) -> str:
    """The part of long `text` an error shows around the character at `index`: up to `keep`
    characters either side, an ellipsis where text is left out (the whole text when short)."""
    start, end = max(0, index - keep), index + keep + 1
    return ("\u2026" if start else "") + text[start:end] + ("\u2026" if end < len(text) else "")


def length_problem(value: str, limit: int) -> str | None:
    """Why `value` is longer than `limit` characters (one line, without the field), or None."""
    if len(value) <= limit:
        return None
    return f"at most {limit:,} characters (this one has {len(value):,}); shorten it"


def code_point(char: str) -> str:
    """'U+202E' for a one-character string."""
    return f"U+{ord(char):04X}"


def unsafe_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character `text_problem` refuses in `text` (a lone surrogate, a control or
    bidi formatting character), or None."""
    return lone_surrogate(text) or forbidden_character(text, multiline=multiline)


def text_problem(text: object, *, multiline: bool = False) -> str | None:
    """The one-line complaint about `text` (without the field name), or None when it is
    acceptable (or not text at all: other checks name wrong types)."""
    if not isinstance(text, str):
        return None
    lone = lone_surrogate(text)
    if lone is not None:
        return surrogate_problem(lone)
    char = forbidden_character(text, multiline=multiline)
    if char is None:
        return None
    return f"contains the control character {code_point(char)}; remove it"


# -- lone surrogates -----------------------------------------------------------------------
# A JSON string may escape a UTF-16 surrogate alone ("\ud800" without its pair). Python's
# json reads it into a str that holds no character at all (U+D800-U+DFFF), which cannot be
# encoded as UTF-8: storing, logging or answering it fails. Such text is refused where it
# enters (web.query.strict_json, draft links) with one line naming the field.
SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str) -> str | None:
    """The first lone UTF-16 surrogate in `text`, or None (a str read from UTF-8 never holds
    one; only an escape such as JSON's \\ud800 without its pair makes one)."""
    found = SURROGATE.search(text)
    return found.group(0) if found else None


def surrogate_problem(char: str) -> str:
    """The one-line complaint about text holding the lone surrogate `char`."""
    return (f"the text holds an invalid character: a lone surrogate {code_point(char)} "
            "(half of a UTF-16 pair, no character on its own); send valid Unicode text")


def escaped(text: str) -> str:
    """`text` with lone surrogates written as escapes (`a\\udfff`), so it can be shown,
    logged and encoded as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def surrogate_path(value: object) -> tuple[str, str, str] | None:
    """Where the first lone surrogate stands in JSON-like data (dicts, lists, strings, keys
    included): (dotted path such as `record.publisher` or `conditions.0.note`, empty for the
    whole value; the surrogate; the text holding it, escaped), or None when there is none.
    Walked without recursion: a body nested thousands deep is fine."""
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            char = lone_surrogate(node)
            if char:
                return path, char, escaped(node)
        elif isinstance(node, dict):
            items = []
            for key, item in node.items():
                where = f"{path}.{escaped(str(key))}" if path else escaped(str(key))
                items.append((where, str(key)))
                items.append((where, item))
            stack.extend(reversed(items))
        elif isinstance(node, list | tuple):
            stack.extend(reversed([(f"{path}.{i}" if path else str(i), item)
                                   for i, item in enumerate(node)]))
    return None


# -- thousands separators and the decimal mark in a written number ----------------------------
# the same rule for the web forms (web.numbers.read_number) and for the amounts a plan's
# title names (scenarios.reference.figure_number); a sign is allowed, other characters are the
# caller's to read (sizes, exponents, spaces between groups)
ONE_GROUP = re.compile(r"[+-]?\d{1,3}[.,]\d{3}")                   # 1,234 / 1.234 / 20.000
COMMA_GROUPS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")     # 1,234,567 / 1,234.5
DOT_GROUPS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?")    # 20.000.000 / 1.234.567,5


def thousands_separator(written: str) -> str | None:
    """The character that separates thousands in the number `written`, read from its shape:

    - ',' for commas between groups of three, perhaps with a decimal point after them:
      '1,234,567', '1,234.5';
    - '.' for dots between two or more groups of three, perhaps with a decimal comma after
      them: '20.000.000', '1.234.567,5';
    - '' for none: '1234', '1.5', '20,5', '0.25' (one dot or comma before anything but exactly
      three digits is the decimal mark), and for shapes no rule reads ('1,2,3', '1.234,5':
      plain_number leaves them no number);
    - None when the shape cannot tell: one dot or comma between one to three digits and
      exactly three digits ('1,234', '1.234', '20.000', '0,600' could each be a thousands
      separator or a decimal mark); the caller decides, or refuses.
    """
    if ONE_GROUP.fullmatch(written):
        return None
    if COMMA_GROUPS.fullmatch(written):
        return ","
    if DOT_GROUPS.fullmatch(written):
        return "."
    return ""


def plain_number(written: str, thousands: str) -> str:
    """`written` with its `thousands` separator (',', '.' or '' for none: see
    thousands_separator) dropped and a decimal comma made a point, as float() reads numbers:
    ('1,234,567', ',') -> '1234567', ('1,234.5', ',') -> '1234.5', ('20.000.000', '.') ->
    '20000000', ('1.234.567,5', '.') -> '1234567.5', ('20,5', '') -> '20.5', ('1.5', '') ->
    '1.5', ('20.000', '.') -> '20000', ('20.000', '') -> '20.000'. With '.' every dot is
    dropped, as German writes numbers ('20,5' -> '20.5')."""
    return (written.replace(thousands, "") if thousands else written).replace(",", ".")
