"""The plan builder: a plan mapping (the scenario schema) as form rows and back.

A draft is the plan mapping itself, carried in the URL as base64url JSON
(`runs.encode_draft`), so a draft can be shared before it runs. The form posts its fields;
`plan_from_form` turns them back into the mapping, which `scenarios.parse_scenario` checks with
the CLI's own messages. `field_anchor` says which input an error's dotted field belongs to.
The form shows every problem at once (`all_errors`), each in words for people naming the field
by its label (`error_entry`, `people_message`); the API and the CLI keep their messages.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from moneytrail.numbers import currency_of_symbol
from moneytrail.scenarios.schema import (  # noqa: F401 (USER_NOTE: callers)
    CONDITION_METRICS,
    SELECTORS,
    USER_NOTE,
    USER_RELIABILITY,
    Plan,
)
from moneytrail.web.format import place

EXTRA_ROWS = 2               # empty rows offered for a new category, supplier or condition
MAX_ROWS = 60                # form rows read per section (more are ignored)
KEEP = ("source", "reliability", "note")    # carried through the form in hidden fields
# the "More settings" inputs (a plan file's fields of the same names; defaults in the schema)
SETTINGS = ("horizon_years", "spend_years", "price_year", "renewable_share")
# hidden with them: the low, central and high the labels were given for ("0.3 0.39 0.46"); a
# row whose numbers the user changed is the user's own assumption (`own_row`)
SOURCED = "sourced"
# the plan's fields the form has an input (or a row) for
FORM_KEYS = ("id", "title", "description", "year", "currency", "buyer_region", "site_country",
             "budget", "spend", "procurement", "conditions", "draws", "seed", *SETTINGS)
# the plan's fields it has none for (kind, kind_note, as_of): carried in the form's hidden
# `extra`, so a plan opened in the builder and submitted unchanged is the same plan
HIDDEN_KEYS = tuple(k for k in Plan.model_fields if k not in FORM_KEYS and k != "path")
# a condition's fields with no input of their own: carried in the row's hidden fields
CONDITION_KEEP = ("threshold", "on", "label", "note")
T = TypeVar("T", dict[str, Any], list[Any])


def blank_plan() -> dict[str, Any]:
    """A new plan: EUR, 2025, bought in the EU, one category to start from."""
    return {"id": "my-plan", "title": "", "year": 2025, "currency": "EUR",
            "buyer_region": "EU", "budget": {"amount": ""},
            "spend": {"accelerators": {"central": 1.0}}, "draws": 2000, "seed": 1}


def reference_mapping(plan_id: str) -> dict[str, Any]:
    """A reference plan's mapping as written in its YAML file (to start a draft from)."""
    from moneytrail.scenarios import yamlio
    from moneytrail.web.jobs import reference_plan

    plan = reference_plan(plan_id)
    from moneytrail.errors import ScenarioError

    if plan.path is None:         # load_scenario always sets it; a plan made in memory has none
        raise ScenarioError("the reference plan has no YAML file to start a draft from",
                            field="reference", value=plan_id)
    data = yamlio.read_yaml(plan.path, ScenarioError, what="scenario file")
    data = dict(data)
    data["draws"] = 2000          # a quick first run in the browser; change it in the form
    return data


def plain(value: Any) -> Any:
    """A number as a reader types it: 20000000000, not 2e10 or 20000000000.0."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def digits(value: int | float) -> str:
    """A finite number in plain digits, never in exponent form, and exact (float() reads it
    back to the same number): 1e-07 -> '0.0000001', 1e+20 -> '100000000000000000000',
    2000.0 -> '2000', 0.39 -> '0.39'."""
    value = plain(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


def shown_number(value: Any) -> Any:
    """A number as an input of the form shows it: a float in plain digits (`digits`: 2000 for
    2000.0, 0.0000001 for 1e-07); other values (an int, text as typed, None) as they are."""
    if isinstance(value, float) and math.isfinite(value):
        return digits(value)
    return value


def amount_words(value: Any) -> Any:
    """A budget amount as a person types it, in the app's size words ('20 bn' for
    20000000000, web.numbers.amount_text), which the builder reads back to the same number;
    anything else (text as typed, a missing amount) unchanged."""
    from moneytrail.web.numbers import amount_text

    if isinstance(value, int | float) and not isinstance(value, bool) \
            and 1 <= value <= sys.float_info.max:    # a whole number of 400 digits: as is
        return amount_text(value)
    return shown_number(value)


def interval(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {"central": value}


def section(plan: Mapping[str, Any], key: str, kind: type[T]) -> T:
    """`plan[key]` where it is of `kind` (a dict or a list); an empty one otherwise."""
    value = plan.get(key)
    return value if isinstance(value, kind) else kind()


def given(value: Any, default: Any = "") -> Any:
    """A draft's value for a form field: `default` where the draft holds none (a run's plan
    keeps its unset keys as None, `"price_year": null`), never the text 'None'."""
    return default if value is None else value


Names = Mapping[str, Mapping[str, str]]     # selector -> id -> display name (`target_names`)


SHARE_DECIMALS = 12      # a share field's most decimals: within own_row's abs_tol (1e-12)


def shown_share(value: Any) -> Any:
    """A share as the form shows it: at most 10 significant digits (0.2, not
    0.1999999999999999, the float noise of a rule's arithmetic) and SHARE_DECIMALS decimals
    (6.1e-310, a rule's share of a non-EU firm under a huge EU weight, is 0, not 300 zeros
    and 0006097560976), in plain digits (0.0000001, not 1e-07: `digits`); other values as
    they are. The rounding stays far inside the schema's SHARE_TOLERANCE and `own_row`'s
    comparison with the numbers a row's source or rule gave, so the row keeps its label and
    note."""
    if isinstance(value, float) and math.isfinite(value):
        if value == 0:
            return digits(value)
        places = min(SHARE_DECIMALS, 9 - math.floor(math.log10(abs(value))))
        return digits(round(value, places) + 0.0)       # + 0.0: -0.0 prints as 0
    return shown_number(value)


def shown_percent(value: Any) -> Any:
    """A plan's renewable share as the form shows it: its central value as a percent ('60 %'
    for 0.6 or {'central': 0.6, ...}), which the form reads back to the same number; a
    number outside 0..1 (a share the check refuses, 150 typed for 150 %) as it is, so the
    form shows what was typed; text as it is; '' for none."""
    central = value.get("central") if isinstance(value, dict) else value
    if isinstance(central, int | float) and not isinstance(central, bool) \
            and 0 <= central <= 1:
        return f"{digits(float(f'{central * 100:.10g}'))} %"
    return given(shown_number(central))


def spare_spend_rows(spend: Mapping[str, Any], names: Names | None) -> int:
    """The empty spending rows the form offers: one for every category of the data
    (`names`' 'category') the draft does not use yet, so a plan of every category is typed in
    one go without JavaScript (the template shows EXTRA_ROWS of them and folds the rest
    under "Add more categories"); EXTRA_ROWS at least, and without `names`."""
    unused = len(set((names or {}).get("category", {})) - set(spend))
    return max(EXTRA_ROWS, min(unused, MAX_ROWS - len(spend)))


def form_rows(plan: Mapping[str, Any], names: Names | None = None) -> dict[str, Any]:
    """The draft as form values: scalars, spend rows, procurement rows, condition rows. A
    key the draft holds as None (a run's plan: `"price_year": null`) is an empty field; a
    condition's group, country or firm is shown by its display name (`names`)."""
    raw_budget = plan.get("budget")
    budget = raw_budget if isinstance(raw_budget, dict) else {"amount": raw_budget}
    spend = section(plan, "spend", dict)
    spend_rows = [{"category": c, **{k: shown_share(interval(v).get(k)) for k in
                                     ("low", "central", "high", *KEEP)},
                   SOURCED: sourced_text(interval(v))}
                  for c, v in spend.items()]
    procurement = section(plan, "procurement", dict)
    proc_rows = [{"category": c, "supplier": s,
                  **{k: shown_share(interval(v).get(k))
                     for k in ("low", "central", "high", *KEEP)},
                  SOURCED: sourced_text(interval(v))}
                 for c, shares in procurement.items() if isinstance(shares, dict)
                 for s, v in shares.items()]
    conditions = section(plan, "conditions", list)
    cond_rows = []
    for item in conditions:
        if not isinstance(item, dict):
            continue
        bound = "max" if item.get("max") is not None or "min" not in item else "min"
        selector = next((s for s in SELECTORS if item.get(s) is not None), "")
        target = given(item.get(selector)) if selector else ""
        shown = (names or {}).get(selector, {}).get(str(target), target)
        cond_rows.append({"metric": given(item.get("metric")), "bound": bound,
                          "value": shown_number(item.get(bound)), "selector": selector,
                          "target": shown,
                          **{k: given(shown_number(item.get(k))) for k in CONDITION_KEEP}})
    blank = {"category": "", "low": None, "central": None, "high": None}
    return {
        "id": given(plan.get("id"), "my-plan"), "title": given(plan.get("title")),
        "description": given(plan.get("description")),
        "year": given(shown_number(plan.get("year"))), "currency": given(plan.get("currency")),
        "price_year": given(shown_number(plan.get("price_year"))),
        "buyer_region": given(plan.get("buyer_region"), "EU"),
        "site_country": given(plan.get("site_country")),
        "budget": given(amount_words(budget.get("amount"))),
        "budget_source": given(budget.get("source")),
        "budget_note": given(budget.get("note")),
        "budget_sourced": sourced_amount(budget, plan.get("currency"),
                                         money_year(plan)),
        "draws": given(shown_number(plan.get("draws")), 2000),
        "seed": given(shown_number(plan.get("seed")), 1),
        "horizon_years": given(shown_number(plan.get("horizon_years"))),
        "spend_years": given(shown_number(plan.get("spend_years"))),
        "renewable_share": shown_percent(plan.get("renewable_share")),
        "spend": spend_rows + [dict(blank) for _ in range(spare_spend_rows(spend, names))],
        "procurement": proc_rows + [{**blank, "supplier": ""} for _ in range(EXTRA_ROWS)],
        "conditions": cond_rows + [{"metric": "", "bound": "max", "value": None,
                                    "selector": "", "target": "",
                                    **{k: "" for k in CONDITION_KEEP}}
                                   for _ in range(EXTRA_ROWS)],
        # kept in the form's hidden `extra`: what has no input (HIDDEN_KEYS: a hypothetical
        # plan's kind and kind_note, as_of; a renewable share's low, high and source behind
        # the one input, `renewable_from_form`)
        "extra": {k: v for k, v in plan.items() if v is not None and (
            k in HIDDEN_KEYS or (k == "renewable_share" and isinstance(v, dict)))},
    }


WHOLE_KEYS = ("year", "price_year", "horizon_years", "spend_years", "draws",
              "seed")                                                 # whole numbers only


def number(text: Any, *, sizes: bool = False, currency: str | None = None,
           percent: bool = False) -> Any:
    """A form value as a number where it is one (web.numbers.read_number: a point for
    decimals, commas only between groups of three digits, spaces between them; with `sizes`,
    the budget's size words and currency, '20 bn', '20 Mrd', '€20bn'; with `percent`, a
    share as a percent, '39 %' for 0.39); the text as typed otherwise, so the check of the
    draft (web.jobs.plan_from_mapping) names the field and says what it expects; None when
    empty."""
    from moneytrail.web.numbers import NumberTextError, read_number

    if text is None or not str(text).strip():
        return None
    try:
        value = read_number(str(text), sizes=sizes, currency=currency, percent=percent)
    except NumberTextError:
        value = None
    return str(text).strip() if value is None else value


def text(form: Mapping[str, Any], key: str) -> str:
    return str(form.get(key) or "").strip()


def plan_from_form(form: Mapping[str, Any], extra: Mapping[str, Any] | None = None,
                   names: Names | None = None) -> dict[str, Any]:
    """The plan mapping of the builder's form fields (rows without a category are
    skipped; empty optional fields are left out)."""
    return plan_and_typed(form, extra, names)[0]


def share_metric(metric: str) -> bool:
    """A condition measure that is a share (its bound may be written as a percent)."""
    low, high = CONDITION_METRICS.get(metric, (0.0, 0.0))
    return high == 1.0 and low in (0.0, -1.0)


def target_id(selector: str, typed: str, names: Names | None) -> str:
    """A condition's group, country or firm as the plan names it: its id or code, from the
    id or code itself or its display name as the form offers it (`target_names`; 'France'
    -> 'FR', 'US hyperscalers (Amazon, Microsoft, Google)' -> 'us_big_tech'), case
    ignored; a short form of one name only, its words before the brackets or a start of it
    ('US hyperscalers' -> 'us_big_tech'); a country code in capitals ('fr' -> 'FR'); else as
    typed."""
    known = (names or {}).get(selector, {})
    folded = " ".join(typed.casefold().split())
    for key, name in known.items():
        if folded in (key.casefold(), name.casefold()):
            return key
    if len(folded) >= 3:
        short = [key for key, name in known.items()
                 if name.casefold().split(" (")[0] == folded
                 or name.casefold().startswith(folded + " ")
                 or name.casefold().startswith(folded + " (")]
        if len(short) == 1:
            return short[0]
    if selector in ("country", "owner_country") and len(typed) == 2:
        return typed.upper()
    return typed


def plan_and_typed(form: Mapping[str, Any], extra: Mapping[str, Any] | None = None,
                   names: Names | None = None
                   ) -> tuple[dict[str, Any], dict[str, str]]:
    """The plan mapping of the builder's form fields (plan_from_form) and the fields typed
    otherwise than the value they were read as, by dotted path: {'spend.accelerators.
    central': '1,500', 'budget.amount': '20 bn', 'site_country': 'fr'}, so an error on them
    quotes what the user typed (`typed_value`), not 1500, 20000000000 or FR."""
    plan, typed, _ = read_form(form, extra, names)
    return plan, typed


def read_form(form: Mapping[str, Any], extra: Mapping[str, Any] | None = None,
              names: Names | None = None
              ) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """`plan_and_typed`'s plan and typed fields, and the text of every input the form shows
    again otherwise than typed, by dotted path (`retyped`: '0.50' shown as 0.5, '1e9' draws
    as 1000000000, 'fr' as France), so a form with errors comes back as the user typed it
    (`as_typed`). A whole-number field typed as a float without a fraction ('1e9' draws,
    '2025.0') is read as the int it is, so the check says what is wrong with it (too
    many draws), not that it is no whole number; a category (supplier of a category)
    repeated in a later row keeps the first row's numbers (the later row is shown again
    with an error: `duplicate_rows`)."""
    typed: dict[str, str] = {}
    texts: dict[str, str] = {}

    def read(key: str, path: str, whole: bool = False, **options: Any) -> Any:
        value = number(form.get(key), **options)
        if whole:
            value = plain(value)
        raw = text(form, key)
        if value is not None and not isinstance(value, str) and raw != str(value):
            typed[path] = raw
        if raw:
            texts[path] = raw
        return value

    def read_text(path: str, raw: str, value: str) -> str:    # a text field read as `value`
        if raw:
            texts[path] = raw
        if raw != value:
            typed[path] = raw
        return value

    plan: dict[str, Any] = {"id": text(form, "id") or "my-plan", "title": text(form, "title")}
    if text(form, "description"):
        plan["description"] = text(form, "description")
    for key in WHOLE_KEYS:
        value = read(key, key, whole=True)
        if value is not None:
            plan[key] = value
    plan["currency"] = read_text("currency", text(form, "currency"),
                            currency_of_symbol(text(form, "currency")))     # '€' as EUR
    plan["buyer_region"] = text(form, "buyer_region")
    if text(form, "site_country"):
        plan["site_country"] = read_text("site_country", text(form, "site_country"),
                                    text(form, "site_country").upper())
    budget: dict[str, Any] = {"amount": read("budget", "budget.amount", sizes=True,
                                             currency=plan["currency"])}
    for key in ("source", "note"):
        if text(form, f"budget_{key}"):
            budget[key] = text(form, f"budget_{key}")
    year = money_year(plan)
    if year and not year.lstrip("-").isdigit():
        # a money year the check refuses ('2_025': its error is shown): the source is judged
        # once the year reads, and the form keeps the figure the source was given for
        plan["budget"] = budget
        texts["budget_sourced"] = text(form, "budget_sourced")
    else:
        plan["budget"] = own_budget(budget, text(form, "budget_sourced"),
                                    plan["currency"], year)
    spend: dict[str, Any] = {}
    for i in range(MAX_ROWS):
        category = text(form, f"spend-{i}-category")
        if not category or category in spend:       # a repeated one: duplicate_rows
            continue
        spend[category] = share_row(form, f"spend-{i}", read, f"spend.{category}")
    plan["spend"] = spend
    procurement: dict[str, dict[str, Any]] = {}
    for i in range(MAX_ROWS):
        category, supplier = text(form, f"proc-{i}-category"), text(form, f"proc-{i}-supplier")
        if (not category and not supplier) or supplier in procurement.get(category, {}):
            continue                                 # a repeated one: duplicate_rows
        procurement.setdefault(category, {})[supplier] = share_row(
            form, f"proc-{i}", read, f"procurement.{category}.{supplier}")
    if procurement:
        plan["procurement"] = procurement
    conditions: list[dict[str, Any]] = []
    for i in range(MAX_ROWS):
        metric = text(form, f"cond-{i}-metric")
        if not metric:
            continue
        item: dict[str, Any] = {"metric": metric}
        if metric != "open_weights_only":
            bound = text(form, f"cond-{i}-bound") or "max"
            bound = bound if bound in ("max", "min") else "max"
            item[bound] = read(f"cond-{i}-value", f"conditions.{len(conditions)}.{bound}",
                               percent=share_metric(metric))
        selector = text(form, f"cond-{i}-selector")
        if selector in SELECTORS and text(form, f"cond-{i}-target"):
            texts[f"conditions.{len(conditions)}.{selector}"] = text(form, f"cond-{i}-target")
            item[selector] = target_id(selector, text(form, f"cond-{i}-target"), names)
        for key in CONDITION_KEEP:          # hidden: as the plan gave them
            if text(form, f"cond-{i}-{key}"):
                item[key] = number(form.get(f"cond-{i}-{key}")) if key == "threshold" \
                    else text(form, f"cond-{i}-{key}")
        conditions.append(item)
    if conditions:
        plan["conditions"] = conditions
    kept = dict(extra or {})
    if "renewable_share" in form:        # the input decides; an empty one: the default
        share = renewable_from_form(read("renewable_share", "renewable_share", percent=True),
                                    kept.pop("renewable_share", None))
        if share is not None:
            plan["renewable_share"] = share
    for key, value in kept.items():
        if value is not None and key not in form:   # an input of the form (empty: unset) wins
            plan.setdefault(key, value)
    return plan, typed, retyped(form_rows(plan, names), texts)


def row_cells(rows: dict[str, Any]) -> dict[str, tuple[dict[str, Any], str]]:
    """The inputs of the form `rows` (form_rows) that show a plan field read from text, by
    the field's dotted path (as `read_form` names them): (the row, its key). A repeated row
    (`restore_duplicates`) shows its own text already."""
    cells: dict[str, tuple[dict[str, Any], str]] = {
        key: (rows, key) for key in (*WHOLE_KEYS, "currency", "site_country", "renewable_share")}
    cells["budget.amount"] = (rows, "budget")
    cells["budget_sourced"] = (rows, "budget_sourced")   # kept while the money year is refused
    for row in rows["spend"]:
        if row.get("category") and not row.get("duplicate"):
            for part in ("low", "central", "high"):
                cells.setdefault(f"spend.{row['category']}.{part}", (row, part))
    for row in rows["procurement"]:
        if (row.get("category") or row.get("supplier")) and not row.get("duplicate"):
            for part in ("low", "central", "high"):
                cells.setdefault(f"procurement.{row['category']}.{row['supplier']}.{part}",
                                 (row, part))
    for k, row in enumerate(rows["conditions"]):
        if row.get("metric"):
            cells[f"conditions.{k}.{row['bound']}"] = (row, "value")
            if row.get("selector"):
                cells[f"conditions.{k}.{row['selector']}"] = (row, "target")
    return cells


def retyped(rows: dict[str, Any], texts: Mapping[str, str]) -> dict[str, str]:
    """The `texts` (by dotted path) the form `rows` would show otherwise: '0.50' shown as
    0.5, '1500000000' as '1.5 bn', 'fr' as France; what it shows as typed is left out."""
    cells = row_cells(rows)
    out: dict[str, str] = {}
    for path, raw in texts.items():
        if path in cells:
            row, key = cells[path]
            shown = row.get(key)
            if ("" if shown is None else str(shown)) != raw:
                out[path] = raw
    return out


def as_typed(rows: dict[str, Any], texts: Mapping[str, Any]) -> None:
    """Show in the form `rows` the text typed in each input (`texts`, `read_form`'s by
    dotted path) instead of the value read from it: a form with errors comes back as the
    user typed it ('-20 bn', not -20000000000; '1e9', not 1000000000)."""
    cells = row_cells(rows)
    for path, raw in texts.items():
        if path in cells and isinstance(raw, str):
            row, key = cells[path]
            row[key] = raw


def renewable_from_form(value: Any, kept: Any) -> Any:
    """The plan's renewable share from its input (`value`, read as a share or percent) and
    the interval the draft held (`kept`, carried in the form's hidden `extra`): that
    interval, with its low, high, source and note, while the input still shows its central
    value; else the number typed (the user's own; text as typed for the check to name)."""
    if isinstance(kept, dict) and isinstance(value, int | float) \
            and not isinstance(value, bool) and isinstance(kept.get("central"), int | float) \
            and math.isclose(value, kept["central"], rel_tol=1e-9, abs_tol=1e-12):
        return kept
    return value


def duplicate_rows(form: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Spend rows repeating a category, and supplier rows repeating a category and supplier,
    of the builder's form: the plan mapping holds each once, so plan_and_typed keeps the
    first and these are shown again with an error (`restore_duplicates`). Each: its
    section ('spend', 'proc'), its place among the kept rows (`at`) and its fields."""
    out: list[dict[str, Any]] = []
    for section_key, prefix, keys in (
            ("spend", "spend", ("category",)), ("proc", "proc", ("category", "supplier"))):
        seen: set[tuple[str, ...]] = set()
        kept = 0
        for i in range(MAX_ROWS):
            key = tuple(text(form, f"{prefix}-{i}-{k}") for k in keys)
            if not any(key):
                continue
            if key in seen:
                row = {k: text(form, f"{prefix}-{i}-{k}")
                       for k in (*keys, "low", "central", "high")}
                out.append({"section": section_key, "at": kept, "row": row})
            seen.add(key)
            kept += 1
    return out


def restore_duplicates(rows: dict[str, Any], duplicates: Any, names: Names | None = None
                       ) -> list[tuple[str, str]]:
    """Put the repeated rows (`duplicate_rows`, as carried in a builder link) back in the
    form `rows`, where they were typed; returns (input id, message) of each: 'AI
    accelerators is already in row 1'."""
    errors: list[tuple[str, str]] = []
    if not isinstance(duplicates, list):
        return errors
    for dup in duplicates:
        if not isinstance(dup, dict) or dup.get("section") not in ("spend", "proc") \
                or not isinstance(dup.get("row"), dict) or not isinstance(dup.get("at"), int):
            continue
        name = "spend" if dup["section"] == "spend" else "procurement"
        typed = {k: str(v) for k, v in dup["row"].items()
                 if k in ("category", "supplier", "low", "central", "high")}
        row: dict[str, Any] = {
            **{k: "" for k in ("category", "supplier", "low", "central", "high")},
            **typed, "duplicate": True}
        at = max(0, min(dup["at"], len(rows[name])))
        rows[name].insert(at, row)
    for name, prefix, keys in (("spend", "spend", ("category",)),
                               ("procurement", "proc", ("category", "supplier"))):
        first: dict[tuple[str, ...], int] = {}
        for i, row in enumerate(rows[name]):
            key = tuple(str(row.get(k) or "") for k in keys)
            if not any(key):
                continue
            if row.get("duplicate") and key in first:
                words = (names or {})
                category = words.get("category", {}).get(key[0], key[0])
                if name == "spend":
                    field, what = "category", f"Category {i + 1}: {category} is"
                else:
                    supplier = words.get("entity", {}).get(key[1], key[1])
                    field, what = "supplier", (f"Supplier row {i + 1}: {supplier} for "
                                               f"{category} is")
                errors.append((f"{prefix}-{i}-{field}",
                               f"{what} already in row {first[key] + 1}: choose another, or "
                               "give its whole share in one row"))
            first.setdefault(key, i)
    return errors


def share_row(form: Mapping[str, Any], prefix: str, read: Any = None, path: str = ""
              ) -> dict[str, Any]:
    """A spend or procurement row's interval; `read(form key, dotted path)` reads its numbers
    (plan_and_typed's reader, which keeps the text as typed), else `number`."""
    def get(key: str) -> Any:
        return read(f"{prefix}-{key}", f"{path}.{key}", percent=True) if read is not None \
            else number(form.get(f"{prefix}-{key}"), percent=True)

    row: dict[str, Any] = {"central": get("central")}
    for key in ("low", "high"):
        value = get(key)
        if value is not None:
            row[key] = value
    for key in KEEP:
        if text(form, f"{prefix}-{key}"):
            row[key] = text(form, f"{prefix}-{key}")
    # not stripped: ' 1 ' (a row of a central value only) is not '1 ' (no high)
    return own_row(row, str(form.get(f"{prefix}-{SOURCED}") or ""))


def sourced_text(row: Mapping[str, Any]) -> str:
    """The numbers a row's source, reliability and note were given for, as the builder's
    hidden `sourced` field carries them: 'low central high' ('' for a missing end)."""
    return " ".join(str(shown_number(row.get(k))) if isinstance(row.get(k), int | float)
                    else "" if row.get(k) is None else str(row.get(k))
                    for k in ("low", "central", "high"))


def sourced_numbers(sourced: str) -> tuple[float, float, float] | None:
    """The (low, central, high) of a `sourced_text`, a missing end read as the central value;
    None when it is not one. A lone number is a row of a central value only (' 1 ' with its
    spaces stripped)."""
    parts = sourced.split(" ")
    if len(parts) == 1 and parts[0]:
        parts = ["", parts[0], ""]
    if len(parts) != 3 or not parts[1]:
        return None
    try:
        low, central, high = (float(p) if p else None for p in parts)
    except ValueError:
        return None
    assert central is not None
    return (central if low is None else low, central, central if high is None else high)


def own_row(row: dict[str, Any], sourced: str) -> dict[str, Any]:
    """A form row as the plan's interval: with its source, reliability and note when its
    numbers are those they were given for (`sourced`, `sourced_text`); else the user's own
    figure (reliability 'assumption', no source, a note saying so and what the source gave;
    a row typed without any source is one too), so the briefing cites no source for it and
    the evidence weight counts it as the plan's own input (engine.evidence.OWN), not as an
    assumption of the data."""
    given = sourced_numbers(sourced)
    central = row.get("central")
    mine = (central if row.get("low") is None else row.get("low"), central,
            central if row.get("high") is None else row.get("high"))
    same = given is not None and all(
        isinstance(a, int | float) and not isinstance(a, bool)
        and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        for a, b in zip(mine, given, strict=True))
    if same and any(k in row for k in KEEP):
        return row
    if not any(k in row for k in KEEP):  # typed in the builder, no source given with it
        return {**row, "reliability": USER_RELIABILITY, "note": USER_NOTE}
    if row.get("reliability") == USER_RELIABILITY and "source" not in row \
            and str(row.get("note", "")).startswith(USER_NOTE):
        return row                       # the user's own already
    before = (f" The data gave {given[1]:g} ({given[0]:g} to {given[2]:g}), source "
              f"{row['source']}." if given is not None and row.get("source") else "")
    out = {k: v for k, v in row.items() if k not in KEEP}
    return {**out, "reliability": USER_RELIABILITY, "note": USER_NOTE + before}



def money_year(plan: Mapping[str, Any]) -> str:
    """The year a plan's money is at, as text: its `price_year`, else its `year`
    (service.footprints.plan_price_year); '' when neither is given."""
    year = plan.get("price_year")
    if year is None or year == "":
        year = plan.get("year")
    return "" if year is None else str(given(shown_number(year)))


def sourced_amount(budget: Mapping[str, Any], currency: Any = None, year: str = "") -> str:
    """The budget its source and note were given for, as the builder's hidden
    `budget_sourced` field carries it: the amount, the plan's currency and the year its money
    is at (`money_year`), '20000000000 EUR 2025'; '' when it has neither a source nor a note
    or no amount. The source's figure is money in that currency at that year's prices, so a
    change of any of the three makes the budget the user's own (`own_budget`)."""
    amount = budget.get("amount")
    if not (budget.get("source") or budget.get("note")) or isinstance(amount, bool) \
            or not isinstance(amount, int | float):
        return ""
    if not isinstance(currency, str) or not currency or " " in currency or " " in year \
            or not year:
        return str(shown_number(amount))
    return f"{shown_number(amount)} {currency} {year}"


def own_budget(budget: dict[str, Any], sourced: str, currency: Any = None,
               year: str = "") -> dict[str, Any]:
    """The form's budget with its source and note when its amount, the plan's `currency`
    and the year its money is at (`year`, `money_year`) are those they were given for
    (`sourced`, `sourced_amount`; a `sourced` of the amount alone checks the amount only);
    else the user's own amount: no source, a note saying so and what the source gave, so the
    briefing cites no source for it (as `own_row` does for a share)."""
    if "source" not in budget and "note" not in budget:
        return budget
    parts = sourced.split(" ")
    was_currency, was_year = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
    try:
        was: float | None = float(parts[0]) if parts[0] else None
    except ValueError:
        was = None
    amount = budget.get("amount")
    same_money = len(parts) != 3 or (was_currency == currency and was_year == year)
    if was is not None and isinstance(amount, int | float) and not isinstance(amount, bool) \
            and math.isclose(amount, was, rel_tol=1e-9) and same_money:
        return budget
    if "source" not in budget and str(budget.get("note", "")).startswith(USER_NOTE):
        return budget                    # the user's own already
    from moneytrail.web.numbers import amount_text

    gave = "" if was is None else amount_text(was)
    if not same_money:                   # say what money the source's figure was in
        gave = f"{was_currency} {gave} at {was_year} prices"
    before = (f" The data gave {gave}, source {budget['source']}."
              if was is not None and was >= 1 and budget.get("source") else "")
    return {"amount": amount, "note": USER_NOTE + before}


GOT = re.compile(r",? got [^()]*$")        # a schema message's ', got 1.5' at its end


def typed_value(field: str | None, message: str, value: Any, typed: Mapping[str, str]
                ) -> tuple[str, str | None]:
    """An error's message and the value it quotes, as the user typed it: when the error's
    `field` (a dotted path) or the fields under it were typed otherwise than read
    (`typed`, plan_and_typed: '1,500' read as 1500), the typed text ('low 1,500' for one of
    several fields under it), and the message without its ', got 1.5' (the number read);
    else `value` as text, and `message` without a ', got 1.5' that only repeats it."""
    plain_value = None if value is None else str(value)
    if plain_value is not None and message.endswith(f", got {plain_value}"):
        message = GOT.sub("", message)      # quoted as '(you gave: ...)' anyway
    if not field or not typed:
        return message, plain_value
    if field in typed:
        quoted = typed[field]
    else:
        under = {p[len(field) + 1:]: t for p, t in typed.items() if p.startswith(field + ".")}
        if not under:
            return message, plain_value
        quoted = "; ".join(t if name == "amount" else f"{name} {t}"
                           for name, t in under.items())
    return GOT.sub("", message), quoted


LABELS = {"id": "Short name", "title": "Title", "description": "Description",
          "year": "Year", "currency": "Currency", "price_year": "Price year",
          "buyer_region": "Buyer region", "site_country": "Site country",
          "budget": "Budget", "budget.amount": "Budget", "draws": "Monte Carlo draws",
          "seed": "Random seed", "horizon_years": "Horizon",
          "spend_years": "Years of spending", "renewable_share": "Renewable share",
          "renewable_share.central": "Renewable share",
          "spend": "Spending split", "procurement": "Suppliers",
          # kept from a plan file, not on the form
          "as_of": "As of (from the plan file)"}   # fields by their label
# what an empty required field asks for ('Enter a year'), as the budget's 'Enter a budget'
ENTER = {"year": "a year", "currency": "a currency", "title": "a title",
         "buyer_region": "a buyer region", "draws": "a number of draws", "seed": "a seed",
         "horizon_years": "a horizon in years", "spend_years": "a number of years of spending"}
PARTS = {"low": ", Low", "central": ", Share", "high": ", High"}


def error_line(field: str | None, message: str) -> str:
    """The builder's summary line of an error: the field's label (LABELS, 'Budget', or
    `field_label`'s words) before the message, unless the message names it already ('Enter
    a budget'); 'Budget: write an amount such as 20 bn, ...'."""
    label = LABELS.get(field or "", field or "")
    if label and not message.startswith("Enter ") \
            and not (field in BUDGET and "budget" in message.lower()):
        return f"{label}: {message}"
    return sentence(field, message)


BUDGET = ("budget", "budget.amount")


def sentence(field: str | None, message: str) -> str:
    """`message` with a capital first letter where it names its field itself ('A budget
    must be more than zero', 'Enter a value'); others as worded."""
    return message[:1].upper() + message[1:] if field in BUDGET else message


def field_label(field: str | None, rows: Mapping[str, Any], names: Names | None = None
                ) -> str:
    """An error's field (a dotted path) as the form labels it: 'Year', 'Category 2 (AI
    accelerators) high', 'Supplier row 1 (OVHcloud, Cloud compute) share', 'Condition 1
    value'; '' for an error on the whole plan."""
    if not field:
        return ""
    words = names or {}
    parts = field.split(".")
    if field in LABELS:
        return LABELS[field]
    head = parts[0]
    if head == "spend" and len(parts) > 1:
        for i, row in enumerate(rows["spend"]):
            if row["category"] == parts[1]:
                name = words.get("category", {}).get(parts[1], parts[1])
                return f"Category {i + 1} ({name})" + PARTS.get(parts[-1] if len(parts) > 2
                                                               else "", "")
    if head == "procurement" and len(parts) > 1:
        category = words.get("category", {}).get(parts[1], parts[1])
        if len(parts) == 2:
            return f"Suppliers of {category}"
        for i, row in enumerate(rows["procurement"]):
            if row["category"] == parts[1] and row["supplier"] == parts[2]:
                supplier = words.get("entity", {}).get(parts[2], parts[2])
                return f"Supplier row {i + 1} ({supplier}, {category})" + PARTS.get(
                    parts[-1] if len(parts) > 3 else "", "")
    if head == "conditions" and len(parts) > 1 and parts[1].isdigit():
        part = parts[2] if len(parts) > 2 else ""
        return f"Condition {int(parts[1]) + 1}" + (
            ", Value" if part in ("max", "min") else ", Which" if part in SELECTORS else "")
    if head in LABELS:
        return LABELS[head] + (f", {parts[-1]}" if len(parts) > 1 else "")
    return field


def percent_text(value: Any) -> str:
    """A share as a percent in four significant digits, in plain digits: 1.2 -> '120 %',
    1e-07 -> '0.00001 %'; other text unchanged."""
    try:
        percent = float(f"{float(value) * 100:.4g}")
    except (TypeError, ValueError):
        return str(value)
    return f"{digits(percent) if math.isfinite(percent) else percent} %"


def named_paths(quoted: str, names: Names | None) -> str:
    """The dotted paths in a quoted value ('cloud_compute.ovhcloud.central 60 %') by the
    names the form shows ('OVHcloud 60 %')."""
    words = names or {}

    def name(match: re.Match[str]) -> str:
        first, second, part = match.group(1), match.group(2), match.group(3)
        if second:
            text_ = words.get("entity", {}).get(second, second)
        else:
            text_ = words.get("category", {}).get(first, first)
        return text_ + ("" if part == "central" else f" {part}")

    return re.sub(r"\b([a-z0-9_]+)(?:\.([a-z0-9_]+))?\.(low|central|high)\b", name, quoted)


def people_message(field: str | None, message: str, value: Any, row: Mapping[str, Any],
                   names: Names | None = None, typed: str | None = None
                   ) -> tuple[str, str | None]:
    """The schema's or the data check's message on a builder field in words for people,
    naming fields, categories, suppliers and groups as the form shows them; with the input
    id the error belongs to when it is another than `field_anchor`'s (None). The API and
    the CLI keep their messages (this is the builder's layer only)."""
    words = names or {}
    last = (field or "").split(".")[-1]
    if message == "Field required":     # an empty required field, worded as 'Enter a budget'
        return f"Enter {ENTER.get(field or '', 'a value')}", None
    found = re.fullmatch(r"(?:(?:low|central|high) )?must be a share between 0 and 1"
                         r"(?:, got (\S+))?", message)
    if found:
        got = found.group(1) or str(value)
        try:
            mean = typed or f"{float(got):g}"          # as typed: '1,500', not 1500
            hint = (f"; if you mean {mean} percent, write {mean} %"
                    if 1 < float(got) <= 100 and "%" not in mean else "")
        except ValueError:
            hint = ""
        return f"write a share between 0 and 1, or a percent from 0 % to 100 %{hint}", None
    found = ORDER.search(message)
    if found:
        low, central, high = (percent_text(v) for v in found.groups())
        return ("the low value must not be above the central one, nor the central one above "
                f"the high one (low {low}, central {central}, high {high})"), None
    if message.startswith("Input should be a valid number"):
        return ("write a number" + (" such as 0.3 or 30 %" if last in ("max", "min")
                                    else "")), None
    if message.startswith("Input should be a valid integer"):
        return "write a whole number", None
    found = re.fullmatch(r"Input should be (greater|less) than or equal to (\S+)", message)
    if found:
        dated = last in ("year", "price_year")         # a count of years is no date
        later = "or later" if dated else "or more"
        earlier = "or earlier" if dated else "or less"
        bound = found.group(2)       # a seed's 9,223,372,036,854,775,807; a year as it is
        if not dated and re.fullmatch(r"\d{5,}", bound):
            bound = f"{int(bound):,}"
        return f"write {bound} {later if found.group(1) == 'greater' else earlier}", None
    found = re.fullmatch(r"supplier shares for '(.+)' add up to (\S+), not 1", message)
    if found:
        category = words.get("category", {}).get(found.group(1), found.group(1))
        return (f"the supplier shares of {category} add up to "
                f"{percent_text(found.group(2))}, not 100 %"), None
    found = re.fullmatch(r"spend shares \(central\) add up to (\S+), not 1", message)
    if found:
        return (f"the categories' shares add up to {percent_text(found.group(1))}, not "
                "100 %"), None
    if message == "give exactly one bound: max or min" and row.get("value") in (None, ""):
        bound = "at least" if row.get("bound") == "min" else "at most"
        return f"Enter a value for '{bound}'", "value"
    if message.startswith("value_added_share needs exactly one of"):
        return ("value added share needs a group, country or firm: choose one under "
                "'For' and write it under 'Which'"), "selector"
    if re.fullmatch(rf"(?:{'|'.join(SELECTORS)}) only applies to value_added_share", message):
        return ("'For' applies to the measure value added share only: choose that measure, "
                "or set 'For' to (all)"), "selector"
    found = re.fullmatch(r"unknown group \(known: .*\)", message)
    if found:
        groups = "; ".join(words.get("group", {}).values())
        return f"no group of this name; choose one of the list ({groups})", None
    if message.startswith("unknown country code (or no value added there)"):
        return ("no country of this name or code with value added in the data; choose a "
                "country from the list, by name or code (France or FR)"), None
    found = re.fullmatch(r"threshold (\S+) is outside the range of (\w+) \[(\S+), (\S+)\]",
                         message)
    if found:
        low, high = found.group(3), found.group(4)
        measure = found.group(2).replace("_", " ")
        if not share_metric(found.group(2)):
            return f"the value must be between {low} and {high} for {measure}", None
        # a share, as the share fields say it: what to type, not a range '30' seems inside
        hint = ""
        try:
            got = float(found.group(1))
            mean = typed or f"{got:g}"                   # as typed: '30', not 30.0
            if 1 < abs(got) <= 100 and "%" not in mean:
                hint = (f"; if you mean {mean} percent, write {mean} % (or the fraction "
                        f"{digits(float(f'{got / 100:.10g}'))})")
        except ValueError:
            pass
        return (f"for the measure {measure}, write a share between {float(low):g} and "
                f"{float(high):g}, or a percent from {percent_text(low)} to "
                f"{percent_text(high)}{hint}"), None
    found = re.fullmatch(r"must be at most the horizon, horizon_years \((\d+) years\): .*"
                         r"raise horizon_years to (\d+) or more", message)
    if found:
        return (f"write at most the horizon ({found.group(1)} years), or raise the horizon "
                f"to {found.group(2)} years or more: the horizon counts the years of "
                "operation of what the plan buys"), None
    message = message.replace("a plan id uses", "a short name uses")
    for key in ("site_country", "buyer_region", "price_year"):
        message = message.replace(f"leave {key} out", f"leave {LABELS[key]} empty")
        message = message.replace(key, LABELS[key].lower())
    return message, None


# the tail of the schema's message on a share row out of order (scenarios.schema.Interval:
# '0.7 is above its high 0.46: must satisfy ..., got 0.3/0.7/0.46')
ORDER = re.compile(r"must satisfy low <= central <= high, got (\S+)/(\S+)/(\S+)$")
GAVE = re.compile(r" The data gave (\S+) \((\S+) to (\S+)\)")   # own_row's note


def form_row(field: str, rows: Mapping[str, Any]) -> Mapping[str, Any]:
    """The spending or supplier row of the form an error's `field` (a dotted path to one of
    its shares) is on; {} when none is."""
    parts = field.split(".")
    if parts[0] == "spend" and len(parts) > 2:
        return next((r for r in rows["spend"] if r["category"] == parts[1]), {})
    if parts[0] == "procurement" and len(parts) > 3:
        return next((r for r in rows["procurement"] if r["category"] == parts[1]
                     and r["supplier"] == parts[2]), {})
    return {}


def changed_parts(field: str, numbers: tuple[float, float, float], rows: Mapping[str, Any],
                  typed: Mapping[str, str]) -> set[str] | None:
    """Which of a row's low, central and high the user changed: those typed otherwise than
    read ('50 %', plan_and_typed) and those unlike the data's numbers the row's note keeps
    (own_row: 'The data gave 0.39 (0.3 to 0.46)'); None for a row the data gave no numbers
    for (the user's own: all of it typed)."""
    stem = field.rsplit(".", 1)[0]
    changed = {part for part in ("low", "central", "high") if f"{stem}.{part}" in typed}
    found = GAVE.search(str(form_row(field, rows).get("note") or ""))
    if not found:
        return None
    central, low, high = (float(v) for v in found.groups())
    for part, was, now in zip(("low", "central", "high"), (low, central, high), numbers,
                              strict=True):
        if not math.isclose(was, now, rel_tol=1e-9, abs_tol=1e-12):
            changed.add(part)
    return changed


def order_error(field: str, found: re.Match[str], rows: Mapping[str, Any],
                typed: Mapping[str, str]) -> tuple[str, str, str | None]:
    """A share row whose low, central and high are out of order, as the builder shows it:
    (the field of the input the error belongs to, the message, the value quoted). The schema
    puts it on low or high; here it is on the input of the broken pair the user changed
    (central when they changed it: 'central 50 % is above high 46 %'; low or high when
    nothing tells), the message names both sides in percent, and the value quoted is the
    one typed in that input (none for an input the user did not change)."""
    numbers = tuple(float(v) for v in found.groups())
    low, central, high = numbers
    pair = ("low", "central") if low > central else ("central", "high")
    changed = changed_parts(field, (low, central, high), rows, typed)
    stem = field.rsplit(".", 1)[0]
    # on the part the user changed; when nothing tells, on low or high, the ends of the row
    part = next((p for p in pair if p in (changed or ())), "low" if low > central else "high")
    shown = dict(zip(("low", "central", "high"), (percent_text(v) for v in numbers),
                     strict=True))
    message = (f"{pair[0]} {shown[pair[0]]} is above {pair[1]} {shown[pair[1]]}: the low "
               "value must not be above the central one, nor the central one above the high "
               f"one (low {shown['low']}, central {shown['central']}, high {shown['high']})")
    written = str(shown_share(numbers[('low', 'central', 'high').index(part)]))
    value = typed.get(f"{stem}.{part}") or (written if changed is None or part in changed
                                            else None)
    return f"{stem}.{part}", message, value


# the schema's message on a share given without low and high (scenarios.schema.Interval)
BARE_SHARE = re.compile(r"must be a share between 0 and 1, got (\S+)")


def share_row_path(field: str | None) -> bool:
    """Whether `field` names a whole spending row ('spend.accelerators') or supplier row
    ('procurement.accelerators.nvidia'), not one of its numbers."""
    parts = (field or "").split(".")
    return (parts[0] == "spend" and len(parts) == 2) or \
        (parts[0] == "procurement" and len(parts) == 3)


def error_entry(exc: Any, rows: Mapping[str, Any], typed: Mapping[str, str],
                names: Names | None = None) -> dict[str, Any]:
    """One error of a checked draft as the builder shows it: its message for people
    (`people_message`), the value as typed (`typed_value`), its summary line naming the
    field by its label (`field_label`) and the id of its input."""
    from moneytrail.text import LONG_DIGITS, short_number

    field, given_value = exc.field, exc.value
    bare = BARE_SHARE.fullmatch(exc.detail)
    if bare and share_row_path(field):     # a row with a share only: on its Share input
        field = f"{field}.central"
        given_value = bare.group(1) if given_value is None else given_value
    parts = (field or "").split(".")
    row: Mapping[str, Any] = {}
    if parts[0] == "conditions" and len(parts) > 1 and parts[1].isdigit() \
            and int(parts[1]) < len(rows["conditions"]):
        row = rows["conditions"][int(parts[1])]
    ordered = ORDER.search(exc.detail) if parts[-1] in ("low", "central", "high") else None
    value: str | None
    where: str | None
    if ordered is not None:                 # on the input the user changed, in percent
        field, message, value = order_error(str(field), ordered, rows, typed)
        where = None
    else:
        words, where = people_message(field, exc.detail, given_value, row, names,
                                      typed.get(field or ""))
        message, value = typed_value(field, words, given_value, typed)
        if where == "selector":         # on 'For': not the bound typed in another input
            value = None
    if value is not None:
        value = named_paths(value, names) if value.strip() else None
    if value is not None:            # '1000…(401 digits) bn', not the 400 zeros typed
        value = LONG_DIGITS.sub(lambda found: short_number(found.group()), value)
    anchor = field_anchor(field, rows, exc.value)
    if where is not None and anchor.startswith("cond-"):
        anchor = f"cond-{parts[1]}-{where}"
    label = field_label(field, rows, names)
    line = sentence(field, message)
    if label and not message.startswith("Enter ") \
            and not (field in BUDGET and "budget" in message.lower()):
        line = f"{label}: {message}"
    elif label and field not in BUDGET and field not in ENTER:
        line = f"{message} ({label})"          # 'Enter a value for 'at least' (Condition 1)'
    return {"field": field, "message": sentence(field, message), "line": line,
            "value": value, "anchor": anchor}


# what replaces a field that failed, so the next check finds the next problem (`all_errors`)
STAND_INS: dict[str, Any] = {"id": "my-plan", "title": "Untitled", "year": 2025,
                             "currency": "EUR", "buyer_region": "EU", "draws": 2000,
                             "seed": 1, "budget": {"amount": 1_000_000_000}}


def stand_in(draft: dict[str, Any], field: str | None) -> bool:
    """Replace the part of `draft` an error names by a valid stand-in (STAND_INS; an
    optional key left out; the spending split by one category; a supplier category or a
    condition left out), so checking again finds the next problem; False when there is
    no such part (an error on the whole plan)."""
    if not field or field == "plan":
        return False
    parts = field.split(".")
    head = parts[0]
    if head in STAND_INS:
        draft[head] = STAND_INS[head]
        return True
    if head in ("price_year", "site_country", "horizon_years", "description",
                "renewable_share", "as_of", "spend_years") and head in draft:
        del draft[head]
        return True
    if head == "spend":
        draft["spend"] = {"accelerators": 1.0}
        draft.pop("procurement", None)       # its categories may be the spend's
        return True
    if head == "procurement" and isinstance(draft.get("procurement"), dict):
        if len(parts) > 1 and parts[1] in draft["procurement"]:
            del draft["procurement"][parts[1]]
        else:
            del draft["procurement"]
        return True
    if head == "conditions" and isinstance(draft.get("conditions"), list):
        if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(draft["conditions"]):
            k = int(parts[1])
            rule = draft["conditions"][k]
            metric = rule.get("metric") if isinstance(rule, dict) else None
            bound = parts[2] if len(parts) > 2 else ""
            if metric in CONDITION_METRICS and metric != "open_weights_only" and (
                    bound in ("max", "min")
                    or (not bound and rule.get("max") is None and rule.get("min") is None)):
                # a wrong or missing bound: a valid one, so the rest of the row is checked
                rule.pop("min" if bound != "min" else "max", None)
                rule[bound or "max"] = CONDITION_METRICS[metric][1] \
                    if math.isfinite(CONDITION_METRICS[metric][1]) else 0.0
            else:
                draft["conditions"][k] = {"metric": "labour_share", "max": 1}
        else:
            del draft["conditions"]
        return True
    return False


FORM_ORDER = ("f-title", "f-id", "f-description", "f-budget", "f-currency", "f-year",
              "f-buyer_region", "f-site_country", "spend-", "f-horizon_years",
              "f-spend_years", "f-price_year", "f-renewable_share", "proc-", "f-rules_cap",
              "f-rules_weight", "rules-categories", "cond-", "f-draws",
              "f-seed")


COLUMNS = ("category", "supplier", "metric", "bound", "low", "central", "value", "high",
           "selector", "target")      # a row's inputs, left to right (proc: central first)


def form_order(anchor: str) -> tuple[int, int, int, str]:
    """Where an input stands in the builder's form, to list errors top to bottom."""
    for k, start in enumerate(FORM_ORDER):
        if anchor == start or (start.endswith("-") and anchor.startswith(start)):
            row, _, column = anchor[len(start):].partition("-")
            return (k, int(row) if row.isdigit() else 0,
                    COLUMNS.index(column) if column in COLUMNS else len(COLUMNS), anchor)
    return len(FORM_ORDER), 0, 0, anchor


def all_errors(check: Any, draft: Mapping[str, Any], limit: int = 20) -> list[Any]:
    """Every problem `check` (web.jobs.plan_from_mapping on a plan mapping) finds in a
    draft, one per field: after each error its field is replaced by a stand-in
    (`stand_in`) and the draft checked again, so the form marks every wrong field at
    once, not only the first."""
    import copy

    from moneytrail.errors import MoneytrailError

    data = copy.deepcopy(dict(draft))
    errors: list[Any] = []
    seen: set[str | None] = set()
    stood_in: set[str] = set()        # sums a row's stand-in (`row_stand_in`) made up
    for _ in range(limit):
        try:
            check(data)
            break
        except MoneytrailError as exc:
            if exc.field in seen:
                break
            seen.add(exc.field)
            total = sum_field(exc)
            if total not in stood_in:
                errors.append(exc)
            summed = row_stand_in(data, exc.field, exc.value)
            if summed:
                stood_in.add(summed)
            elif not (total in stood_in and even_shares(data, total)) \
                    and not stand_in(data, exc.field):
                break
    return errors


SUPPLIER_SUM = re.compile(r"supplier shares for '(.+)' add up to \S+, not 1")


def sum_field(exc: Any) -> str:
    """The sum an error is about, as `row_stand_in` names it: 'procurement.<category>' for
    the schema's supplier sum of a category (its field is 'procurement'); else its field."""
    found = SUPPLIER_SUM.fullmatch(str(exc.detail)) if exc.field == "procurement" else None
    return f"procurement.{found.group(1)}" if found else str(exc.field)


def even_shares(draft: dict[str, Any], field: str) -> bool:
    """Make the shares a sum error on `field` ('spend', 'procurement.<category>') is about
    add up: each row of it an equal central share, so the rows of the other sections (the
    supplier rows of the spending categories) are still checked after a row's stand-in
    (`row_stand_in`) broke the sum; False when there is no such section or row."""
    parts = field.split(".")
    rows = draft.get("spend") if field == "spend" else (
        draft.get("procurement", {}).get(parts[1])
        if parts[0] == "procurement" and len(parts) == 2
        and isinstance(draft.get("procurement"), dict) else None)
    if not isinstance(rows, dict) or not rows:
        return False
    for key in rows:
        rows[key] = {"central": 1 / len(rows)}
    return True


def row_stand_in(draft: dict[str, Any], field: str | None, value: Any = None) -> str:
    """Replace the one spending row ('spend.<category>[.<part>]') or supplier row
    ('procurement.<category>.<supplier>[.<part>]') an error names by a share of 0 (a row
    whose category or supplier is what is wrong, the error's `value`, is left out), so
    checking again finds the next wrong row of the same section: three rows typed '60',
    '20', '20' (or '0,6', '0,2', '0,2') are all marked at once. Returns the sum the
    stand-in may break ('spend', 'procurement.<category>': `sum_field`), whose error
    `all_errors` then leaves out (the sum of what was typed is not known); '' when `field`
    names no such row (`stand_in` handles it)."""
    parts = (field or "").split(".")
    if parts[0] == "spend" and len(parts) in (2, 3) and isinstance(draft.get("spend"), dict) \
            and parts[1] in draft["spend"] and (len(parts) == 2 or parts[2] in
                                                ("low", "central", "high")):
        if len(parts) == 2 and value == parts[1]:         # an unknown category
            del draft["spend"][parts[1]]
            if isinstance(draft.get("procurement"), dict):
                draft["procurement"].pop(parts[1], None)
        else:
            draft["spend"][parts[1]] = {"central": 0.0}
        return "spend"
    if parts[0] == "procurement" and len(parts) in (3, 4) \
            and isinstance(draft.get("procurement"), dict) \
            and isinstance(draft["procurement"].get(parts[1]), dict) \
            and parts[2] in draft["procurement"][parts[1]] \
            and (len(parts) == 3 or parts[3] in ("low", "central", "high")):
        if len(parts) == 3 and value == parts[2]:         # an unknown supplier
            del draft["procurement"][parts[1]][parts[2]]
        else:
            draft["procurement"][parts[1]][parts[2]] = {"central": 0.0}
        return f"procurement.{parts[1]}"
    return ""


# a budget from this size up (in any currency) is checked against the caps when a draft loads
LOAD_CHECKED_BUDGET = 1e12


def budget_errors_on_load(check: Any, draft: Mapping[str, Any]) -> list[Any]:
    """The errors of a draft's budget amount (`all_errors` on `budget.amount`) when the amount
    is a number of LOAD_CHECKED_BUDGET or more: a budget beyond the largest economy's GDP
    (service.tasks.check_budget) or the schema's MAX_BUDGET is marked as soon as a draft link
    loads, not only after Check; other fields stay unchecked until Check, as drafts are."""
    budget = draft.get("budget")
    amount = budget.get("amount") if isinstance(budget, dict) else budget
    if isinstance(amount, bool) or not isinstance(amount, int | float) \
            or not amount >= LOAD_CHECKED_BUDGET:
        return []
    return [exc for exc in all_errors(check, draft) if exc.field == "budget.amount"]


def field_anchor(field: str | None, rows: Mapping[str, Any], value: Any = None
                 ) -> str:
    """The id of the form input an error on `field` (a dotted path) belongs to."""
    if not field:
        return "f-title"
    parts = field.split(".")
    head = parts[0]
    simple = {"id": "f-id", "title": "f-title", "description": "f-description",
              "year": "f-year", "currency": "f-currency", "price_year": "f-price_year",
              "buyer_region": "f-buyer_region", "site_country": "f-site_country",
              "draws": "f-draws", "seed": "f-seed", "horizon_years": "f-horizon_years",
              "spend_years": "f-spend_years", "renewable_share": "f-renewable_share",
              "budget": "f-budget"}
    if head in simple:
        return simple[head]
    if head == "spend":
        for i, row in enumerate(rows["spend"]):
            if len(parts) > 1 and row["category"] == parts[1]:
                if len(parts) > 2 and parts[2] in ("low", "central", "high"):
                    return f"spend-{i}-{parts[2]}"
                return f"spend-{i}-category" if value == parts[1] else f"spend-{i}-central"
        return "spend-0-central"
    if head == "procurement":
        for i, row in enumerate(rows["procurement"]):
            if len(parts) > 1 and row["category"] == parts[1]:
                if len(parts) > 2 and row["supplier"] != parts[2]:
                    continue
                which = parts[3] if len(parts) > 3 and parts[3] in ("low", "central", "high") \
                    else ("supplier" if len(parts) > 2 else "category")
                return f"proc-{i}-{which}"
        return "proc-0-category"
    if head == "conditions" and len(parts) > 1 and parts[1].isdigit():
        k = int(parts[1])
        which = {"max": "value", "min": "value", "metric": "metric"}.get(
            parts[2] if len(parts) > 2 else "", "metric")
        if len(parts) > 2 and parts[2] in SELECTORS:
            which = "target"
        return f"cond-{k}-{which}"
    return "f-title"


SELECTOR_WORDS = {"group": "group of firms", "country": "country (where value is added)",
                  "owner_country": "owners' country", "entity": "firm"}


def target_names(valuechain: Any) -> dict[str, dict[str, str]]:
    """The names the builder shows and reads for a condition's group, country or firm, and
    for categories: {'group': {'us_big_tech': 'US hyperscalers (Amazon, Microsoft,
    Google)'}, 'country': {'FR': 'France'}, 'owner_country': ..., 'entity': ...,
    'category': ...}; a group by what it holds (report.units.group_label), so nobody reads
    'us_big_tech' as including Nvidia."""
    from moneytrail.report.units import country_name, group_label

    groups = sorted({str(g) for gs in valuechain.entities["group_list"] for g in gs})
    countries = {str(c): country_name(c, valuechain.country_names())
                 for c in valuechain.countries["code"]}
    countries = {"EU": place("EU"), **dict(sorted(countries.items(), key=lambda c: c[1]))}
    return {"group": {g: group_label(g) for g in groups}, "country": countries,
            "owner_country": countries,
            "entity": {str(i): str(n) for i, n in zip(valuechain.entities["id"],
                                                       valuechain.entities["name"],
                                                       strict=True)},
            "category": {str(i): str(n) for i, n in zip(valuechain.categories["id"],
                                                         valuechain.categories["name"],
                                                         strict=True)}}


def choices(valuechain: Any) -> dict[str, list[tuple[str, str]]]:
    """Options of the builder's drop-down lists, from the data package."""
    from moneytrail.report.units import condition_measure

    names = target_names(valuechain)
    categories = list(zip(valuechain.categories["id"], valuechain.categories["name"],
                          strict=True))
    entities = sorted(zip(valuechain.entities["id"], valuechain.entities["name"],
                          strict=True), key=lambda e: str(e[1]).lower())
    return {"categories": categories, "entities": entities,
            "metrics": [(m, condition_measure(m)) for m in CONDITION_METRICS],
            "selectors": [(s, SELECTOR_WORDS.get(s, s)) for s in SELECTORS],
            "targets": [(name, "group") for name in names["group"].values()]
            + [(name, "country") for name in names["country"].values()],
            "regions": [(code, f"{place(code)} ({code})") for code in ("EU", "US")]}


# -- procurement rules (the CLI's `compare` rules applied to the draft's supplier shares) -----
RULES_PREFIX = "rules-cat-"          # one checkbox per spending category: rules-cat-<id>


def rules_inputs(form: Mapping[str, Any]) -> dict[str, Any]:
    """The builder's procurement-rules fields as typed: the cap (a percent), the EU
    preference weight and the categories ticked (none: every category the plan buys)."""
    return {"cap": text(form, "rules_cap"), "weight": text(form, "rules_weight"),
            "categories": sorted(str(k)[len(RULES_PREFIX):] for k, v in form.items()
                                 if str(k).startswith(RULES_PREFIX) and v)[:MAX_ROWS]}


RULES_LABELS = {"f-rules_cap": "Cap on any supplier's share",
                "f-rules_weight": "EU preference weight", "rules-categories": "Categories ruled"}


def rules_error(anchor: str, message: str, value: Any = None) -> dict[str, Any]:
    """An error on a procurement-rules input, shaped as `error_entry`'s."""
    given = None if value is None or not str(value).strip() else str(value)
    return {"field": None, "message": sentence(None, message), "anchor": anchor,
            "line": f"{RULES_LABELS[anchor]}: {message}", "value": given}


def read_rules(inputs: Mapping[str, Any], spend: list[str]
               ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The rules of `rules_inputs` as service.tasks.procured_shares takes them (`cap` a share
    or None for the default, `eu_weight` or None for the default, `categories`), and the
    problems in the builder's words (`rules_error`: a weight outside 1 to
    analysis.procurement.MAX_EU_WEIGHT too); `spend`: the draft's categories. The
    cap reads as the builder's share fields do: a bare number below 1 is a fraction ('0.5':
    0.5), a percent sign or a bare number above 1 a percent ('50', '50 %': 0.5); a bare '1'
    (1 % or 100 %?), values outside (0 %, 100 %] and a decimal comma ('0,5', with
    read_number's advice) are refused."""
    from moneytrail.analysis.procurement import EU_WEIGHT_WHY, MAX_EU_WEIGHT
    from moneytrail.web.numbers import NumberTextError, read_number

    errors: list[dict[str, Any]] = []
    out: dict[str, Any] = {"cap": None, "eu_weight": None, "categories": []}

    def value(key: str) -> float | None:   # ValueError: no number; NumberTextError: advice
        raw = str(inputs.get(key) or "").strip()
        if not raw:
            return None
        found = read_number(raw.removesuffix("%").strip() if key == "weight" else raw,
                            percent=key == "cap")
        if found is None or isinstance(found, bool) or not math.isfinite(float(found)):
            raise ValueError(raw)
        return float(found)

    try:
        cap = value("cap")            # '50 %' already 0.5; a bare number as typed
        bare = "%" not in str(inputs.get("cap") or "")
        if cap is not None and bare and cap == 1:
            errors.append(rules_error("f-rules_cap", "1 could mean 1 % or 100 %: write the "
                                      "percent sign, e.g. 1 % or 100 %", inputs.get("cap")))
        elif cap is not None and bare and 1 < cap <= 100:
            out["cap"] = cap / 100
        elif cap is not None and not 0 < cap <= 1:
            errors.append(rules_error("f-rules_cap", "write a percent above 0 % and at most "
                                      "100 %, e.g. 50 % (or a fraction such as 0.5)",
                                      inputs.get("cap")))
        elif cap is not None:
            out["cap"] = cap
    except ValueError as exc:
        errors.append(rules_error("f-rules_cap", str(exc) if isinstance(exc, NumberTextError)
                                  else "write a percent such as 50 %", inputs.get("cap")))
    try:
        weight = value("weight")
        if weight is not None and weight < 1:
            errors.append(rules_error("f-rules_weight", "write a number of 1 or more (1: no "
                                      "preference), e.g. 2", inputs.get("weight")))
        elif weight is not None and weight > MAX_EU_WEIGHT:
            errors.append(rules_error("f-rules_weight", f"write a number of at most "
                                      f"{MAX_EU_WEIGHT:g} ({EU_WEIGHT_WHY}), e.g. 2",
                                      inputs.get("weight")))
        out["eu_weight"] = weight
    except ValueError as exc:
        errors.append(rules_error("f-rules_weight", str(exc) if isinstance(exc, NumberTextError)
                                  else f"write a number from 1 to {MAX_EU_WEIGHT:g}, such as 2",
                                  inputs.get("weight")))
    categories = [c for c in inputs.get("categories") or [] if isinstance(c, str)]
    missing = [c for c in categories if c not in spend]
    if missing:
        errors.append(rules_error("rules-categories", "tick only categories in the plan's "
                                  "spending split", ", ".join(missing)))
    out["categories"] = [c for c in categories if c in spend]
    return out, errors


RULED_TITLE = " under procurement rules"     # analysis.procurement.procured_plan's


RULED_ID = "-rules"                          # a ruled reference plan's id: <id>-rules


def ruled_draft(draft: Mapping[str, Any], procurement: Mapping[str, Any],
                changed: list[str], reference_ids: Collection[str] = ()) -> dict[str, Any]:
    """The draft with the supplier rows of the ruled plan (service.tasks.procured_shares)
    in the categories whose shares the rules `changed` (`rules_outcome`): each one's shares
    with the rule's reliability and note, as the plan file holds them; other categories'
    rows stay as they were. When something changed, its title says so, as procured_plan's
    does, where it fits, and a reference plan's id (`reference_ids`, the user has not renamed
    it) becomes '<id>-rules', so the compare page and its files tell the two plans apart."""
    from moneytrail.scenarios.schema import MAX_PLAN_ID, MAX_TITLE

    if not changed:
        return dict(draft)
    rows = dict(section(draft, "procurement", dict))
    rows.update({str(category): {str(supplier): {k: v for k, v in share.model_dump().items()
                                                 if v is not None}
                                 for supplier, share in shares.items()}
                 for category, shares in procurement.items() if str(category) in changed})
    out = {**draft, "procurement": rows}
    title = str(draft.get("title") or "")
    if title and not title.endswith(RULED_TITLE) and len(title + RULED_TITLE) <= MAX_TITLE:
        out["title"] = title + RULED_TITLE
    plan_id = draft.get("id")
    if isinstance(plan_id, str) and plan_id in reference_ids \
            and len(plan_id + RULED_ID) <= MAX_PLAN_ID:
        out["id"] = plan_id + RULED_ID
    return out


def rules_outcome(shares: Any, categories: list[str]) -> dict[str, list[str]]:
    """Which categories the rules changed, left as they were, and could not cap (too few
    suppliers: `cap_met` false), from procured_plan's shares table (category, supplier)."""
    out: dict[str, list[str]] = {"changed": [], "unchanged": [], "unmet": []}
    for category, group in shares.groupby(level="category", sort=False):
        if categories and category not in categories:
            continue
        moved = (group["share_after"] - group["share_before"]).abs().max() > 1e-9
        out["changed" if moved else "unchanged"].append(str(category))
        if not bool(group["cap_met"].all()):
            out["unmet"].append(str(category))
    return out


def rules_message(outcome: Mapping[str, Any], rule: str, names: Names | None = None
                  ) -> list[str]:
    """The plain sentences the builder shows after applying the rules; `outcome` as
    `rules_outcome`'s, with `own`: the ruled categories whose shares the draft set itself
    (the rule starts from those rows, else from the market's shares)."""
    words = (names or {}).get("category", {})

    def listed(key: str) -> str:
        return ", ".join(words.get(str(c), str(c)) for c in outcome.get(key) or [])

    lines = [f"Applied the rule: {rule}."]
    if outcome.get("own"):
        lines.append(f"It started from the draft's own supplier rows in: {listed('own')} "
                     "(as they were before this apply, perhaps set by an earlier rule); "
                     "elsewhere from the market's shares. To start from the market's shares, "
                     "delete those rows first.")
    else:
        lines.append("It started from the market's shares.")
    if outcome.get("changed"):
        lines.append(f"Supplier shares changed in: {listed('changed')}.")
    else:
        lines.append("No supplier share changed.")
    if outcome.get("unchanged"):
        lines.append(f"Unchanged: {listed('unchanged')}.")
    if outcome.get("changed"):
        lines.append("The supplier rows of the categories changed now hold the rule's shares, "
                     "marked as an assumption of the rule; the title says the plan is under "
                     "procurement rules, and a reference plan's id ends in -rules.")
    else:
        lines.append("The supplier rows, the title and the id are as they were.")
    if outcome.get("unmet"):
        lines.append(f"Too few suppliers to meet the cap in: {listed('unmet')}; their shares "
                     "take the EU preference only.")
    lines.append("Run the plan, then compare it with the reference plan on the compare page.")
    return lines
