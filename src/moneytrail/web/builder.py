"""The plan builder: a plan mapping (the scenario schema) as form rows and back.

A draft is the plan mapping itself, carried in the URL as base64url JSON
(`runs.encode_draft`), so a draft can be shared before it runs. The form posts its fields;
`plan_from_form` turns them back into the mapping, which `scenarios.parse_scenario` checks with
the CLI's own messages. `field_anchor` says which input an error's dotted field belongs to.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from moneytrail.scenarios.schema import CONDITION_METRICS, SELECTORS
from moneytrail.web.format import place

EXTRA_ROWS = 2               # empty rows offered for a new category, supplier or condition
MAX_ROWS = 60                # form rows read per section (more are ignored)
KEEP = ("source", "reliability", "note")    # carried through the form in hidden fields
# hidden with them: the low, central and high the labels were given for ("0.3 0.39 0.46"); a
# row whose numbers the user changed is the user's own assumption (`own_row`)
SOURCED = "sourced"
USER_RELIABILITY = "assumption"
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


def amount_words(value: Any) -> Any:
    """A budget amount as a person types it, in the app's size words ('20 bn' for
    20000000000, web.numbers.amount_text), which the builder reads back to the same number;
    anything else (text as typed, a missing amount) unchanged."""
    from moneytrail.web.numbers import amount_text

    if isinstance(value, int | float) and not isinstance(value, bool) \
            and math.isfinite(value) and value >= 1:
        return amount_text(value)
    return plain(value)


def interval(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {"central": value}


def section(plan: Mapping[str, Any], key: str, kind: type[T]) -> T:
    """`plan[key]` where it is of `kind` (a dict or a list); an empty one otherwise."""
    value = plan.get(key)
    return value if isinstance(value, kind) else kind()


def form_rows(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The draft as form values: scalars, spend rows, procurement rows, condition rows."""
    raw_budget = plan.get("budget")
    budget = raw_budget if isinstance(raw_budget, dict) else {"amount": raw_budget}
    spend = section(plan, "spend", dict)
    spend_rows = [{"category": c, **{k: interval(v).get(k) for k in
                                     ("low", "central", "high", *KEEP)},
                   SOURCED: sourced_text(interval(v))}
                  for c, v in spend.items()]
    procurement = section(plan, "procurement", dict)
    proc_rows = [{"category": c, "supplier": s,
                  **{k: interval(v).get(k) for k in ("low", "central", "high", *KEEP)},
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
        cond_rows.append({"metric": item.get("metric", ""), "bound": bound,
                          "value": item.get(bound), "selector": selector,
                          "target": item.get(selector, "") if selector else "",
                          "label": item.get("label", "")})
    blank = {"category": "", "low": None, "central": None, "high": None}
    return {
        "id": plan.get("id", "my-plan"), "title": plan.get("title", ""),
        "description": plan.get("description", ""), "year": plan.get("year", ""),
        "currency": plan.get("currency", ""), "price_year": plan.get("price_year", ""),
        "buyer_region": plan.get("buyer_region", "EU"),
        "site_country": plan.get("site_country", "") or "",
        "budget": amount_words(budget.get("amount", "")),
        "budget_source": budget.get("source", "") or "",
        "budget_note": budget.get("note", "") or "",
        "draws": plan.get("draws", 2000), "seed": plan.get("seed", 1),
        "horizon_years": plan.get("horizon_years", ""),
        "spend": spend_rows + [dict(blank) for _ in range(EXTRA_ROWS)],
        "procurement": proc_rows + [{**blank, "supplier": ""} for _ in range(EXTRA_ROWS)],
        "conditions": cond_rows + [{"metric": "", "bound": "max", "value": None,
                                    "selector": "", "target": "", "label": ""}
                                   for _ in range(EXTRA_ROWS)],
        "extra": {k: v for k, v in plan.items() if k in ("renewable_share", "as_of",
                                                         "spend_years")},
    }


WHOLE_KEYS = ("year", "price_year", "horizon_years", "draws", "seed")   # whole numbers only


def number(text: Any, *, sizes: bool = False, currency: str | None = None,
           whole: bool = False, percent: bool = False) -> Any:
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
        value = read_number(str(text), sizes=sizes, currency=currency, whole=whole,
                            percent=percent)
    except NumberTextError:
        value = None
    return str(text).strip() if value is None else value


def text(form: Mapping[str, Any], key: str) -> str:
    return str(form.get(key) or "").strip()


def plan_from_form(form: Mapping[str, Any], extra: Mapping[str, Any] | None = None
                   ) -> dict[str, Any]:
    """The plan mapping of the builder's form fields (rows without a category are
    skipped; empty optional fields are left out)."""
    return plan_and_typed(form, extra)[0]


def plan_and_typed(form: Mapping[str, Any], extra: Mapping[str, Any] | None = None
                   ) -> tuple[dict[str, Any], dict[str, str]]:
    """The plan mapping of the builder's form fields (plan_from_form) and the number fields
    typed otherwise than the number they were read as, by dotted path: {'spend.accelerators.
    central': '1,5', 'budget.amount': '20 bn'}, so an error on them quotes what the user
    typed (`typed_value`), not 1.5 or 20000000000."""
    typed: dict[str, str] = {}

    def read(key: str, path: str, **options: Any) -> Any:
        value = number(form.get(key), **options)
        raw = text(form, key)
        if value is not None and not isinstance(value, str) and raw != str(value):
            typed[path] = raw
        return value

    plan: dict[str, Any] = {"id": text(form, "id") or "my-plan", "title": text(form, "title")}
    if text(form, "description"):
        plan["description"] = text(form, "description")
    for key in WHOLE_KEYS:
        value = read(key, key, whole=True)
        if value is not None:
            plan[key] = value
    plan["currency"] = text(form, "currency").upper()
    plan["buyer_region"] = text(form, "buyer_region")
    if text(form, "site_country"):
        plan["site_country"] = text(form, "site_country").upper()
    budget: dict[str, Any] = {"amount": read("budget", "budget.amount", sizes=True,
                                             currency=plan["currency"])}
    for key in ("source", "note"):
        if text(form, f"budget_{key}"):
            budget[key] = text(form, f"budget_{key}")
    plan["budget"] = budget
    spend: dict[str, Any] = {}
    for i in range(MAX_ROWS):
        category = text(form, f"spend-{i}-category")
        if not category:
            continue
        spend[category] = share_row(form, f"spend-{i}", read, f"spend.{category}")
    plan["spend"] = spend
    procurement: dict[str, dict[str, Any]] = {}
    for i in range(MAX_ROWS):
        category, supplier = text(form, f"proc-{i}-category"), text(form, f"proc-{i}-supplier")
        if not category and not supplier:
            continue
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
            item[bound] = read(f"cond-{i}-value", f"conditions.{len(conditions)}.{bound}")
        selector = text(form, f"cond-{i}-selector")
        if selector in SELECTORS and text(form, f"cond-{i}-target"):
            item[selector] = text(form, f"cond-{i}-target")
        if text(form, f"cond-{i}-label"):
            item["label"] = text(form, f"cond-{i}-label")
        conditions.append(item)
    if conditions:
        plan["conditions"] = conditions
    for key, value in (extra or {}).items():
        plan.setdefault(key, value)
    return plan, typed


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
    return own_row(row, text(form, f"{prefix}-{SOURCED}"))


def sourced_text(row: Mapping[str, Any]) -> str:
    """The numbers a row's source, reliability and note were given for, as the builder's
    hidden `sourced` field carries them: 'low central high' ('' for a missing end)."""
    return " ".join("" if row.get(k) is None else repr(row.get(k))
                    for k in ("low", "central", "high"))


def sourced_numbers(sourced: str) -> tuple[float, float, float] | None:
    """The (low, central, high) of a `sourced_text`, a missing end read as the central value;
    None when it is not one."""
    parts = sourced.split(" ")
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
    assumption (reliability 'assumption', no source, a note saying so and what the source
    gave), so the briefing cites no source for it and the evidence weight counts it as an
    assumption."""
    given = sourced_numbers(sourced)
    central = row.get("central")
    mine = (central if row.get("low") is None else row.get("low"), central,
            central if row.get("high") is None else row.get("high"))
    same = given is not None and all(
        isinstance(a, int | float) and not isinstance(a, bool)
        and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        for a, b in zip(mine, given, strict=True))
    if same or not any(k in row for k in KEEP):
        return row
    if row.get("reliability") == USER_RELIABILITY and "source" not in row \
            and str(row.get("note", "")).startswith(USER_NOTE):
        return row                       # the user's own already
    before = (f" The data gave {given[1]:g} ({given[0]:g} to {given[2]:g}), source "
              f"{row['source']}." if given is not None and row.get("source") else "")
    out = {k: v for k, v in row.items() if k not in KEEP}
    return {**out, "reliability": USER_RELIABILITY, "note": USER_NOTE + before}


USER_NOTE = "Set by the user in the plan builder, not taken from a source."


GOT = re.compile(r",? got [^()]*$")        # a schema message's ', got 1.5' at its end


def typed_value(field: str | None, message: str, value: Any, typed: Mapping[str, str]
                ) -> tuple[str, str | None]:
    """An error's message and the value it quotes, as the user typed it: when the error's
    `field` (a dotted path) or the fields under it were typed otherwise than read
    (`typed`, plan_and_typed: '1,5' read as 1.5), the typed text ('low 0,9' for one of
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


LABELS = {"budget": "Budget", "budget.amount": "Budget"}    # fields named in words


def error_line(field: str | None, message: str) -> str:
    """The builder's summary line of an error: the field's name (in words where LABELS has
    it: 'Budget', else the dotted path) before the message, unless the message names it
    already ('Enter a budget'; then `sentence`): 'Budget: write an amount such as 20 bn,
    ...', 'A budget must be more than zero: ...'."""
    label = LABELS.get(field or "", field or "")
    if label and label.split(".")[0].lower() not in message.lower():
        return f"{label}: {message}"
    return sentence(field, message)


def sentence(field: str | None, message: str) -> str:
    """`message` with a capital first letter for the fields named in words (LABELS: 'A
    budget must be more than zero'); others as the schema words them."""
    return message[:1].upper() + message[1:] if field in LABELS else message


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


def choices(valuechain: Any) -> dict[str, list[tuple[str, str]]]:
    """Options of the builder's drop-down lists, from the data package."""
    categories = list(zip(valuechain.categories["id"], valuechain.categories["name"],
                          strict=True))
    entities = sorted(zip(valuechain.entities["id"], valuechain.entities["name"],
                          strict=True), key=lambda e: str(e[1]).lower())
    return {"categories": categories, "entities": entities,
            "metrics": [(m, m.replace("_", " ")) for m in CONDITION_METRICS],
            "selectors": [(s, s.replace("_", " ")) for s in SELECTORS],
            "regions": [(code, f"{place(code)} ({code})") for code in ("EU", "US")]}
