"""The reference plans shipped with moneytrail."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Collection, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from moneytrail.currencies import is_currency
from moneytrail.text import plain_number, thousands_separator

ORDER = ("stargate-style-us", "eu-ai-gigafactories", "efficiency-first-eu")


def reference_dir() -> Path:
    return Path(str(resources.files("moneytrail") / "scenarios" / "reference"))


def reference_scenarios() -> list[Path]:
    """Returns the bundled reference plans: a list of Paths of their YAML files, in presentation
    order (read one with `mt.load_scenario(path)`). Takes no arguments; raises nothing."""
    paths = {p.stem: p for p in reference_dir().glob("*.yaml")}
    return [paths[k] for k in ORDER if k in paths] + sorted(
        p for k, p in paths.items() if k not in ORDER)


def words(text: Any) -> str:
    """A text with its runs of white space as one space (YAML folds a description's lines)."""
    return " ".join(str(text or "").split())


@lru_cache(maxsize=1)
def reference_texts() -> tuple[Mapping[str, Any], ...]:
    """Each reference plan's id, title, description (white space folded), budget amount and
    currency, as its YAML file writes them. Read once per process: the files are part of the
    installed package and do not change; the entries are read-only, so no caller can change
    what the next one reads."""
    from moneytrail.errors import ScenarioError
    from moneytrail.scenarios import yamlio

    out = []
    for path in reference_scenarios():
        data = yamlio.read_yaml(path, ScenarioError, what="scenario file")
        budget = data.get("budget")
        amount = budget.get("amount") if isinstance(budget, dict) else budget
        out.append(MappingProxyType({
            "id": str(data.get("id")), "title": words(data.get("title")),
            "description": words(data.get("description")), "amount": amount,
            "currency": str(data.get("currency") or ""),
            "kind": str(data.get("kind") or ""), "kind_note": words(data.get("kind_note"))}))
    return tuple(out)


# what every list of plans says beside a plan of kind 'hypothetical' (its kind_note says why)
HYPOTHETICAL_LABEL = "moneytrail's own hypothetical plan, not an announced one"


def hypothetical_note(plan_id: Any, title: Any) -> str:
    """Why a plan is moneytrail's own hypothetical, not an announced one: the `kind_note` of
    the reference plan of kind 'hypothetical' (the scenario schema's `kind`) with this id and
    title (a plan built from it under another title is the user's own); '' for any other."""
    for plan in reference_texts():
        if plan["kind"] == "hypothetical" and plan["id"] == str(plan_id or "") \
                and plan["title"] == words(title):
            return str(plan["kind_note"])
    return ""


def inherited_text(title: Any, description: Any, amount: Any, currency: Any
                   ) -> dict[str, Any] | None:
    """The reference plan whose title or description a plan still carries unchanged while
    its budget (amount or currency) is another: that reference's `id`, `title`, `amount`,
    `currency` and `fields` (the carried ones, 'title' and/or 'description'); None when the
    plan carries no reference plan's text or keeps that plan's budget. The builder starts a
    draft from a reference plan's text; a text written for EUR 20 bn misdescribes EUR 10 bn,
    so the builder, the run page and the briefing say where the text came from."""
    for ref in reference_texts():
        fields = [name for name, given in (("title", title), ("description", description))
                  if ref[name] and words(given) == ref[name]]
        if not fields:
            continue
        same = isinstance(amount, int | float) and isinstance(ref["amount"], int | float) \
            and math.isclose(float(amount), float(ref["amount"]), rel_tol=1e-9) \
            and str(currency or "") == ref["currency"]
        return None if same else {**ref, "fields": fields}
    return None


# an amount of money a text names, with its size word: 'EUR 20 bn', 'USD 100bn', '€20
# billion', '$ 1.5 tn', 'EUR 20.000 Mio' (not 'ABC 2025', a code and a year); whether the
# code is a currency is title_figures' `currencies` to say ('UAE 100 bn', 'AMD 10 bn' are not)
FIGURE = re.compile(r"(?<![A-Za-z])(?P<cur>[A-Z]{3}|[€$£])\s?"
                    r"(?P<num>\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)\s?"
                    r"(?P<size>bn|billion|Mrd|mn|million|Mio|m|tn|trillion)(?![A-Za-z])")
# the same, its currency written after: '20 bn euros', '1.5 billion US dollars', '20bn USD'
FIGURE_AFTER = re.compile(r"(?<![\w.,])(?P<num>\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
                          r"\s?(?P<size>bn|billion|Mrd|mn|million|Mio|m|tn|trillion)\s"
                          r"(?:of\s)?(?P<cur>[A-Z]{3}|US dollars?|dollars?|euros?|Euros?|"
                          r"pounds?)(?![A-Za-z])")
WORDS = {"euro": "EUR", "euros": "EUR", "Euro": "EUR", "Euros": "EUR", "dollar": "USD",
         "dollars": "USD", "US dollar": "USD", "US dollars": "USD", "pound": "GBP",
         "pounds": "GBP"}
SIZES = {"bn": 1e9, "billion": 1e9, "Mrd": 1e9, "mn": 1e6, "Mio": 1e6, "million": 1e6,
         "m": 1e6, "tn": 1e12, "trillion": 1e12}
GERMAN_SIZES = frozenset({"Mrd", "Mio"})     # written with German numbers: 20.000 Mio, 20,5 Mrd
SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP"}


def bundled_currencies() -> frozenset[str]:
    """The currencies the bundled data know: those of the macro FX table (macro/fx.csv),
    with EUR (its base), USD and GBP; ISO 4217 codes only (moneytrail.currencies). Read
    from the file at each call (no cache): for a caller without a workspace; one with a
    workspace passes its own (service.tasks.known_currencies)."""
    from moneytrail.data.package import bundled_path

    path = bundled_path() / "macro" / "fx.csv"
    codes = {"EUR", "USD", "GBP"}
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as handle:
            codes |= {str(row.get("currency") or "").strip() for row in csv.DictReader(handle)}
    return frozenset(code for code in codes if is_currency(code))


DECIMAL_DOT = re.compile(r"\d+\.(\d{1,2}|\d{4,})")   # '1.5', '2.25', '1.2345'


def figure_number(written: str, size: str) -> float:
    """The number of a figure as a title writes it, its separators read by the rule
    web.numbers reads them by (text.thousands_separator): with a German size word (Mrd, Mio)
    a dot separates thousands and a comma is the decimal ('20.000 Mio' is 20000, '20,5 Mrd'
    20.5, '0,600 Mrd' 0.6), except one dot before other than three digits, a decimal point
    in an English-style title ('1.5 Mrd' is 1.5); with the others a comma before groups of
    three separates thousands ('1,000 bn'), one comma before other digits is a decimal
    ('1,5 bn'), dots between two or more groups
    of three separate thousands ('20.000.000 m') and one dot is a decimal point ('1.5 bn',
    '20.000 m' is twenty)."""
    if size in GERMAN_SIZES:         # one dot before other than three digits is a decimal
        return float(plain_number(written, "" if DECIMAL_DOT.fullmatch(written) else "."))
    thousands = thousands_separator(written)
    if thousands is None:            # one separator before three digits: '1,000', '20.000'
        thousands = "," if "," in written else ""
    return float(plain_number(written, thousands))


def title_figures(title: Any, currencies: Collection[str] | None = None
                  ) -> list[dict[str, Any]]:
    """The amounts of money a title names, in order: each as written (`text`), its
    `currency` (ISO code; €, $ and £ as EUR, USD, GBP; written after the number also as a
    word: '20 bn euros') and `amount` ('EUR 20 bn' is
    20e9; numbers as figure_number reads them). Three capitals that are no ISO 4217
    currency (moneytrail.currencies: 'ABC 5 bn', even when `currencies` holds ABC) or no
    currency the data know (`currencies`: the workspace's, service.tasks.known_currencies;
    None reads the bundled data's, bundled_currencies: 'UAE 100 bn', 'AMD 10 bn') name no
    amount of money."""
    known = bundled_currencies() if currencies is None else currencies
    out = []
    text = words(title)
    found_all = sorted([*FIGURE.finditer(text), *FIGURE_AFTER.finditer(text)],
                       key=lambda found: found.start())
    end = -1
    for found in found_all:
        if found.start() < end:
            continue                     # 'EUR 20 bn USD': one figure, read once
        end = found.end()
        code = SYMBOLS.get(found["cur"], WORDS.get(found["cur"], found["cur"]))
        if code not in known or not is_currency(code):
            continue                     # 'UAE 100 bn', 'ABC 5 bn': no currency
        try:
            number = figure_number(found["num"], found["size"])
        except ValueError:
            continue                     # '1,000.5,5': no number a title means
        out.append({"text": found[0].strip(), "currency": code,
                    "amount": number * SIZES[found["size"]]})
    return out


def stale_title_figure(title: Any, amount: Any, currency: Any,
                       currencies: Collection[str] | None = None) -> dict[str, Any] | None:
    """The amount of money a plan's title names in the plan's own currency when none of
    those is the plan's budget (within 1 %: a title rounds): a EUR 30 bn plan titled "...
    EUR 20 bn fund" misdescribes itself, as a reference plan's text kept under another
    budget does (`inherited_text`). The first such figure (title_figures); None when the
    title names no amount in the plan's currency (an amount in another currency, 'a USD
    100 bn answer' to a EUR plan, is not compared: no rate is implied) or one of them is
    the budget. The title is never rewritten. `currencies`: as title_figures takes them."""
    own = [f for f in title_figures(title, currencies) if f["currency"] == str(currency or "")]
    if not own:
        return None
    if isinstance(amount, int | float) and math.isfinite(float(amount)) and any(
            math.isclose(f["amount"], float(amount), rel_tol=0.01) for f in own):
        return None
    return own[0]
