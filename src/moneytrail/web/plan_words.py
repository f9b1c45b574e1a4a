"""A plan mapping (the scenario schema's) field by field in words, for pages that show a saved
plan's settings (`setting_rows`) or compare two versions of a plan (`differing_fields`, the
conflict page of a stale save): each field by the label the builder gives it, each value as
the app writes it ('EUR 2.40 bn', '25.0 %', 'France (FR)'), never a raw JSON key. The text is
plain: templates escape it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moneytrail.report.inputs import item_of, procurement_parts, share_text
from moneytrail.report.units import condition_measure, group_label, money, percent

NOT_SET = "not set"
NOT_IN_PLAN = "not in the plan"

# the builder's "More settings" and "How many draws" inputs (templates/build.html), by the
# labels it gives them, with what a blank one means (scenarios.schema's defaults)
SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("horizon_years", "Horizon: years of operation", "5 years (the default)"),
    ("spend_years", "Years of spending", "the horizon (the default)"),
    ("site_country", "Site country", "in the buyer region (the default)"),
    ("price_year", "Price year", "the plan's year (the default)"),
    ("renewable_share", "Renewable share of the electricity",
     "the site's grid mix (the default)"),
    ("draws", "Monte Carlo draws", NOT_SET),
    ("seed", "Random seed", NOT_SET),
)
HEAD = (("id", "Short name"), ("year", "Year"), ("currency", "Currency"),
        ("buyer_region", "Buyer region"))
YEARS = ("horizon_years", "spend_years")


class Namer:
    """The names the words use: categories, suppliers (entities) and countries by id."""

    def __init__(self, categories: Mapping[str, str] | None = None,
                 entities: Mapping[str, str] | None = None,
                 countries: Mapping[str, str] | None = None) -> None:
        self.categories = dict(categories or {})
        self.entities = dict(entities or {})
        self.countries = dict(countries or {})

    def category(self, key: str) -> str:
        return str(self.categories.get(key, key))

    def entity(self, key: str) -> str:
        return str(self.entities.get(key, key))


def value_text(key: str, value: Any, plan: Mapping[str, Any], names: Namer) -> str:
    """One plan field's value in words ('' never: NOT_SET for a missing one)."""
    if value is None or value == "":
        return NOT_SET
    if key in YEARS and isinstance(value, int) and not isinstance(value, bool):
        return f"{value} year" + ("" if value == 1 else "s")
    if key == "renewable_share":
        return share_text(item_of(value)) if isinstance(value, Mapping | int | float) \
            else str(value)
    if key in ("draws", "seed") and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if key in ("site_country", "buyer_region"):
        name = names.countries.get(str(value))
        return f"{name} ({value})" if name and name != value else str(value)
    return str(value)


def setting_rows(plan: Mapping[str, Any] | None, names: Namer) -> list[tuple[str, str]]:
    """The settings that drive a plan's results, as the builder names them: (label, value
    in words), a blank one as what it means by default."""
    plan = plan or {}
    return [(label, value_text(key, plan.get(key), plan, names)
             if plan.get(key) not in (None, "") else default)
            for key, label, default in SETTINGS]


def budget_text(plan: Mapping[str, Any]) -> str:
    budget = plan.get("budget")
    amount = budget.get("amount") if isinstance(budget, Mapping) else budget
    if isinstance(amount, int | float) and not isinstance(amount, bool):
        return money(amount, str(plan.get("currency") or ""))
    return NOT_SET if amount in (None, "") else str(amount)


def condition_text(item: Any) -> str:
    if not isinstance(item, Mapping):
        return str(item)
    metric = str(item.get("metric") or "")
    bound = "at most" if item.get("max") is not None else "at least"
    value = item.get("max") if item.get("max") is not None else item.get("min")
    shown = percent(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        and -1 <= value <= 1 else str(value)
    target = next((f" for {group_label(item[k]) if k == 'group' else item[k]}"
                   for k in ("group", "country", "owner_country", "entity") if item.get(k)), "")
    words = condition_measure(metric) + target
    if value is None:
        return words
    return f"{words}: {bound} {shown}" + (f" ({item['label']})" if item.get("label") else "")


def plan_fields(plan: Mapping[str, Any] | None, title: str, description: str,
                names: Namer) -> dict[str, str]:
    """Every field of a plan in words, by label, in the builder's order: title, description,
    short name, year, currency, buyer region, budget (with its source and note), the share
    of each category, the suppliers of each category, each condition and the settings."""
    plan = plan or {}
    out: dict[str, str] = {"Title": title or NOT_SET, "Description": description or NOT_SET}
    for key, label in HEAD:
        out[label] = value_text(key, plan.get(key), plan, names)
    out["Budget"] = budget_text(plan)
    budget = plan.get("budget")
    for key in ("source", "note"):
        if isinstance(budget, Mapping) and budget.get(key):
            out[f"Budget {key}"] = str(budget[key])
    spend = plan.get("spend")
    for category, share in (spend.items() if isinstance(spend, Mapping) else []):
        out[f"Share of {names.category(str(category))}"] = \
            share_text(item_of(share)) if isinstance(share, Mapping | int | float) \
            else str(share)
    procurement = plan.get("procurement")
    for category, shares in (procurement.items() if isinstance(procurement, Mapping) else []):
        one = {"procurement": {category: shares}}
        parts = procurement_parts(one, names.category, names.entity)
        text = parts[0].split(": ", 1)[-1] if parts else NOT_SET
        out[f"Suppliers of {names.category(str(category))}"] = text
    conditions = plan.get("conditions")
    for i, item in enumerate(conditions if isinstance(conditions, list) else [], start=1):
        out[f"Condition {i}"] = condition_text(item)
    for key, label, default in SETTINGS:
        value = plan.get(key)
        out[label] = default if value in (None, "") else value_text(key, value, plan, names)
    return out


def differing_fields(saved: Mapping[str, str], mine: Mapping[str, str]
                     ) -> list[tuple[str, str, str]]:
    """The fields (label, saved, yours) in which two `plan_fields` differ, in the order of
    `saved` then those only in `mine`; a field only one side has reads NOT_IN_PLAN on the
    other."""
    labels = list(dict.fromkeys([*saved, *mine]))
    return [(label, saved.get(label, NOT_IN_PLAN), mine.get(label, NOT_IN_PLAN))
            for label in labels if saved.get(label) != mine.get(label)]
