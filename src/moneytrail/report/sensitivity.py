"""Readable names for the parameters and outputs of a sensitivity analysis (terminal tables).

The engine names each uncertain parameter by ids (`engine.space`): "spend accelerators",
"market accelerators/EU nvidia", "procurement cloud_compute ovhcloud", "cost nvidia<-tsmc 2025"
(an input share of revenue) and "cost nvidia labour:US 2025" (a value-added share). Readers
get entity names, category words and country names instead; CSV and JSON keep the ids.
"""

from __future__ import annotations

import re

from moneytrail.report import units

FACTOR_WORDS = {"labour": "wages", "capital": "capital income (profits)", "tax": "taxes"}


def market_region(code: str, countries: dict[str, str]) -> str:
    """Where a market buys, in a sentence: 'EU' -> 'the EU' (a buyer region, so not
    place_in_sentence's note on value added), 'US' -> 'the United States'."""
    return "the EU" if code == "EU" else units.with_article(units.country_name(code, countries))


def parameter_label(name: str, entities: dict[str, str] | None = None,
                    countries: dict[str, str] | None = None,
                    categories: dict[str, str] | None = None) -> str:
    """A parameter id as words: 'cost nvidia capital:US 2025' -> "Nvidia: capital income
    (profits) in the United States, share of its revenue (2025)"; 'spend facility' ->
    "Share of the budget spent on data-centre construction"; an id of another form is
    returned as it is."""
    entities, countries, categories = entities or {}, countries or {}, categories or {}

    def entity(key: str) -> str:
        return entities.get(key, key)

    def category(key: str) -> str:
        return units.lower_first(categories.get(key, key.replace("_", " ")))

    kind, _, rest = name.partition(" ")
    if kind == "spend" and rest:
        return f"Share of the budget spent on {category(rest)}"
    if kind == "market" and "/" in rest and " " in rest:
        where, supplier = rest.split(" ", 1)
        spent, region = where.split("/", 1)
        return (f"{entity(supplier)}'s share of {category(spent)} bought in "
                f"{market_region(region, countries)}")
    if kind == "procurement" and " " in rest:
        spent, supplier = rest.split(" ", 1)
        return f"{entity(supplier)}'s share of {category(spent)} (the plan's procurement rule)"
    if kind == "cost" and rest:
        body, _, year = rest.rpartition(" ")
        if not body or not year.isdigit():
            body, year = rest, ""
        suffix = f" ({year})" if year else ""
        if "<-" in body:
            buyer, seller = body.split("<-", 1)
            return f"{entity(buyer)}: share of its revenue paid to {entity(seller)}{suffix}"
        if " " in body and ":" in body:
            firm, flow = body.split(" ", 1)
            factor, _, country = flow.partition(":")
            place = units.place_in_sentence(country, countries)
            return (f"{entity(firm)}: {FACTOR_WORDS.get(factor, factor)} in {place}, share of "
                    f"its revenue{suffix}")
    return name


def output_label(spec: str, entities: dict[str, str] | None = None,
                 countries: dict[str, str] | None = None) -> str:
    """An output selector (`engine.outputs`, 'share:group:us_big_tech') as words: "share of
    the plan's spending reaching US hyperscalers (Amazon, Microsoft, Google)"."""
    parts = str(spec).split(":", 2)
    if len(parts) == 2:
        parts = [parts[0], "group", parts[1]]
    if len(parts) != 3:
        return str(spec)
    measure, dimension, label = parts
    what = {"group": units.lower_first(units.group_label(label)),
            "entity": (entities or {}).get(label, label),
            "supplier": f"{(entities or {}).get(label, label)} on its first invoices",
            "country": f"value added in {units.place_in_sentence(label, countries)}",
            "owner_country": f"value accruing to {units.place_in_sentence(label, countries)}",
            "factor": FACTOR_WORDS.get(label, label)}.get(dimension, label)
    head = "share of the plan's spending" if measure == "share" else "amount of the plan"
    return f"{head} reaching {what}"


# what a group output leaves out, said beside it: `share:us_big_tech` (the default output of
# `moneytrail sensitivity` before code 0.5.7, now `share:us_tech_giants`) is the three
# hyperscalers only, a small share, not the US tech giants
GROUP_HINTS = {"us_big_tech": "the three US hyperscalers only: not Nvidia nor the other US "
                              "tech giants, which are the output share:us_tech_giants"}
OUTPUT_PATTERN = re.compile(r"\b(?:share|amount):[^\s()]+")


def output_group(spec: str) -> str:
    """The group id of a group output ('share:us_big_tech', 'share:group:us_big_tech' ->
    'us_big_tech'), '' for any other output."""
    parts = str(spec).split(":", 2)
    if len(parts) == 2:
        return parts[1]
    return parts[2] if len(parts) == 3 and parts[1] == "group" else ""


def output_hint(spec: str) -> str:
    """What a group output leaves out (GROUP_HINTS), '' for other outputs."""
    return GROUP_HINTS.get(output_group(spec), "")


def readable_title(title: str, entities: dict[str, str] | None = None,
                   countries: dict[str, str] | None = None) -> str:
    """A sensitivity run's stored title with its output selector in words (output_label):
    'plan: share:group:us_big_tech with ...' -> "plan: share of the plan's spending reaching
    US hyperscalers (Amazon, Microsoft, Google) with ..."."""
    return OUTPUT_PATTERN.sub(lambda m: output_label(m.group(0), entities, countries),
                              str(title))


# columns that are shares whatever unit a run stored before they were given one
SHARE_COLUMNS = frozenset({"low", "central", "high", "S1", "S1_conf", "ST", "ST_conf"})
# differences of shares: in percentage points, whatever unit ('share') a run stored before
POINT_COLUMNS = frozenset({"swing", "S1_conf", "ST_conf"})
HEADERS = {"low": "low", "central": "central", "high": "high",
           "output_low": "output at low", "output_high": "output at high",
           "swing": "swing (difference)", "S1": "first-order index (S1)", "S1_conf": "S1 ±",
           "ST": "total index (ST)", "ST_conf": "ST ±"}
