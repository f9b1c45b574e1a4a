"""Jinja2 filters: amounts, shares and links written for readers, not programmers."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from moneytrail.report import units

DASH = units.MISSING


# Amounts, shares and plain numbers: report.units itself, so a value reads the same on the
# pages, in the terminal and in the briefing (one implementation, one set of rules); missing
# is a dash (units.MISSING).
money = units.money                     # 'EUR 442.50 bn'
money_range = units.money_range         # 'EUR 1.47–1.49 tn', the currency once
money_in_range = units.money_in_range   # '1.48 tn' beside '1.47–1.49 tn'
percent = units.percent                 # '10.4 %', '0.37 %'
number = units.number                   # '0.39', '1,234', '2.5 m'


def safe_url(value: Any) -> str | None:
    """The URL if it is an absolute http(s) link, else None (shown as text, never a link)."""
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(
            c in text for c in "\x00\n\r\t <>\"'`"):
        return text
    return None


def verdict_label(verdict: Any) -> str:
    from moneytrail.analysis.claims import NOT_APPLICABLE, WITHHELD, WITHHELD_LABEL

    return {"supported": "Supported", "contradicted": "Contradicted",
            "uncertain": "Uncertain", "conditional": "Conditional",
            NOT_APPLICABLE: "Not applicable (the claim is not about this plan)",
            WITHHELD: WITHHELD_LABEL[:1].upper() + WITHHELD_LABEL[1:]}.get(str(verdict),
                                                                          str(verdict))


def evidence_weight(row: Any, prefix: str = "") -> str:
    """An evidence weight in words ("62 % (57–68 %)"; "–" when undefined): a claims row's
    `<prefix>assumption_or_weak_p50|p5|p95` (report.evidence) or a scorecard row's weight
    (`p50`, `p5`, `p95`)."""
    from moneytrail.report.evidence import row_weight, weight_text

    if not isinstance(row, dict):
        return "–"
    if f"{prefix}assumption_or_weak_p50" not in row and "p50" in row:   # scorecard weight
        return weight_text(row.get("p50"), row.get("p5"), row.get("p95"))
    return row_weight(row, prefix)


def own_input_weight(row: Any) -> str:
    """A claims row's share on the plan's own inputs in words ("97 % (95–99 %)"; "–")."""
    from moneytrail.report.evidence import own_input_weight as words

    return words(row) if isinstance(row, dict) else "–"


in_unit = units.in_unit                 # '77.4 k FTE', '3.64 Mt CO2e', '14.8 FTE per USD m'


def median_interval(row: Any) -> str:
    """A claim check's figure as 'median (90 % interval)' in its unit (report.units): '41.4 %
    (36.9–46.0 %)' for a share, '160.5 k FTE (129.3–195.0 k FTE)'; a plain number without a
    unit (runs stored before claims rows had one)."""
    if not isinstance(row, dict):
        return DASH
    return units.median_interval(row.get("p50"), row.get("p5"), row.get("p95"),
                                 str(row.get("unit") or ""))


def interval(p5: Any, p95: Any, unit: str, like: Any = None) -> str:
    """A 90 % interval of a share, jobs, CO2, money or an amount per million as the terminal
    and the briefing print it (report.units.interval_text): both ends in the median's scale,
    the unit once ('600.4–2,877.2 k FTE', 'USD 209.60–462.70 k', '82.4–96.2 %'); a dash when
    an end is missing."""
    return units.interval_text(p5, p95, unit, like=like) or DASH


PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


AMOUNT_FIELDS = {"low", "central", "high", "amount"}     # ledger fields holding money


def ledger_value(value: Any, field: str = "") -> str:
    """A value as the ledger stores it, for reading in a revision's diff: amounts (`field` in
    AMOUNT_FIELDS) exact with thousands commas ('126000000000' -> '126,000,000,000', '1.5e9'
    -> '1,500,000,000'); years, dates and every other field as stored ('2029', not '2,029');
    an empty field '(empty)'; text is escaped by the template."""
    text = "" if value is None else str(value)
    if text == "":
        return "(empty)"
    if field in AMOUNT_FIELDS and PLAIN_NUMBER.fullmatch(text):
        try:
            with localcontext(prec=max(28, len(text))):     # exact: not rounded to 28 digits
                return f"{Decimal(text).normalize():,f}"
        except InvalidOperation:
            return text
    return text


timestamp = units.stored_time           # '2026-12-01 06:06 UTC', a stored time to the minute


def short_title(text: Any, keep: int = 60) -> str:
    """Text from data (a claim, a plan title) for a page's <title>: spaces collapsed, at most
    `keep` characters, cut at a word break with an ellipsis when longer."""
    words = " ".join(str(text).split())
    if len(words) <= keep:
        return words
    cut = words[: keep - 1].rsplit(" ", 1)[0] if " " in words[: keep - 1] else words[: keep - 1]
    return cut.rstrip(" ,;:.") + "\u2026"


def card_name(title: str, name: str, keep: int = 28) -> str:
    """A plan's name short enough to stand beside each of its figures in a phone's cards
    ('EU AI gigafactories'): its title before a bracketed aside (' (InvestAI's EUR 20 bn
    fund)'), at most `keep` characters (short_title), followed by what tells runs of one
    title apart where `name` (web.runs.run_names) adds it (' (40 draws)')."""
    head = title.split(" (", 1)[0].strip() or title
    return short_title(head, keep) + name[len(title):] if name.startswith(title) else \
        short_title(head, keep)


def draws(value: Any) -> str:
    """A count of Monte Carlo draws with its noun: '1 draw', '2,000 draws'."""
    return units.draws_text(value, noun="draw")


def counted(value: Any, noun: str, plural: str = "") -> str:
    """A count with its noun, singular for one: '1 source', '12 sources' (units.counted)."""
    return units.counted(value, noun, plural)


PLACE_NAMES = {"EU": "European Union", "ROW": "Rest of the world"}


def place(code: Any) -> str:
    """A plan's buyer region or site country as the pages name it: 'EU' -> 'European Union',
    'US' -> 'United States', 'DE' -> 'Germany' (report.units.country_name); a code without a
    name stays the code. JSON and CSV keep the codes."""
    if code is None or code == "":
        return DASH
    return PLACE_NAMES.get(str(code)) or units.country_name(code)


# where a figure may wrap in a narrow column: before its ' per EUR m', its interval's '(' and
# an ' of budget'; nowhere else (never '10.9 FTE-years per EUR' / 'm')
BREAKS = re.compile(r" (?=per |\(|of budget)")


def breakable(text: Any) -> Markup:
    """A figure as HTML whose spaces before ' per ', '(' and 'of budget' are the only places
    it may wrap where its cell does not (site.css: a `.brk` space wraps, the rest of a
    figure stays on one line): '10.9 FTE-years per EUR m' over two lines as '10.9
    FTE-years' and 'per EUR m'. The text reads the same."""
    parts = BREAKS.split(str(text))
    return Markup('<span class="brk"> </span>').join(
        [Markup(part) for part in parts] if isinstance(text, Markup) else parts)


def slash_breaks(text: Any) -> Markup:
    """Text as HTML that may wrap after each slash as well as at its spaces (a <wbr> after
    every '/'): a path in a run's facts, "the data package's analysis/claims.yaml", wraps
    as 'analysis/' and 'claims.yaml' in a narrow fact instead of mid-word. The text reads the
    same; it is escaped."""
    return Markup("/<wbr>").join(str(text).split("/"))


STORED_BOUND = re.compile(r"^(min|max)\s+(.+)$")


def stored_bound(bound: Any) -> str:
    """A claim check's bound as the claims file gives it, in words for readers: 'min 0.5' ->
    'in the claims file: a lower bound of 0.5' (the file's own keys, min and max, are for
    programmers); any other text as it is."""
    text = str(bound)
    found = STORED_BOUND.match(text.strip())
    if found is None:
        return text
    side = "a lower" if found[1] == "min" else "an upper"
    return f"in the claims file: {side} bound of {found[2]}"


FILTERS = {"breakable": breakable, "slash_breaks": slash_breaks, "stored_bound": stored_bound,
           "draws": draws, "counted": counted,
           "median_interval": median_interval, "interval": interval,
           "money": money, "money_in_range": money_in_range, "money_range": money_range,
           "percent": percent, "p_holds": units.p_holds_text,
           "number": number, "safe_url": safe_url, "verdict_label": verdict_label,
           "evidence_weight": evidence_weight, "own_input_weight": own_input_weight,
           "in_unit": in_unit,
           "ledger_value": ledger_value, "timestamp": timestamp,
           "oversized_parts": units.oversized_parts, "place": place,
           "is_money": units.is_money, "prices": units.prices_text,
           "difference": units.difference_text, "claim_date": units.claim_date}
