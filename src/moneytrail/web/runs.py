"""What the pages built on runs show, as plain data: a run, its charts' data, a comparison,
and the plan builder's draft. Like `views.py`, nothing here computes: it reshapes a stored
`Result` (the same JSON the CLI and the Python API give) into rows for templates and CSV.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import shlex
import sys
from collections.abc import Collection, Sequence
from typing import Any

from moneytrail.engine.evidence import LABELS
from moneytrail.engine.evidence import OWN as OWN_INPUT
from moneytrail.errors import MoneytrailError
from moneytrail.report import units
from moneytrail.report.evidence import OWN_INPUT_WORDS, weak_figure_words
from moneytrail.report.units import REGION_LABELS, money, percent
from moneytrail.scenarios.reference import hypothetical_note
from moneytrail.service.footprints import (
    SPEND_YEARS_DEFAULT,
    jobs_note_in_words,
    running_categories,
    spend_years_note,
    stored_spend_years_default,
)
from moneytrail.service.lifecycle import STORED_NOTE_FILES
from moneytrail.service.result import Result, Table
from moneytrail.web.views import View, clean, shown_verdicts

BREAKDOWN_TABLES = ("entity", "country", "owner_country", "group", "factor", "tier")
TABLE_LABELS = {"entity": "Firm or sector", "country": "Country (where value is added)",
                "owner_country": "Country (ownership: profits to the owners' country)",
                "group": "Group",
                "factor": "Wages, profits or taxes", "tier": "Supply-chain tier"}
FACTORS = {"labour": "Wages", "capital": "Profits and depreciation", "tax": "Taxes"}
REGIONS = REGION_LABELS     # "Rest of the world", "EU, not split by member state"
SANKEY_SUPPLIERS = 6         # firms shown per spending category; the rest is "other"
SANKEY_COUNTRIES = 9         # countries shown; the rest is "other countries"
MAX_DRAFT = 48_000           # characters of a draft plan in a URL
MAX_DRAFT_DEPTH = 20         # nested objects and lists in a draft (a plan needs 4)


# -- drafts in URLs ---------------------------------------------------------------------------
def encode_draft(plan: dict) -> str:
    """A plan mapping as compact JSON in base64url (no padding): a URL-safe draft."""
    text = json.dumps(plan, separators=(",", ":"), ensure_ascii=False, default=str)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def run_plan(inputs: Any) -> dict | None:
    """The plan mapping a run was made of, with the run's own draws and seed (None when the
    run has no plan): what its "Edit this plan" link and its plan.yaml carry, so the plan
    runs again as it ran. Runs stored now hold them in the plan already
    (service.tasks.run_plan_inputs); older runs hold the plan's defaults (10,000 draws of a
    reference plan run with 2,000)."""
    plan = inputs.get("plan") if isinstance(inputs, dict) else None
    if not isinstance(plan, dict):
        return None
    own = {key: inputs[key] for key in ("draws", "seed")
           if isinstance(inputs.get(key), int) and not isinstance(inputs[key], bool)}
    return {**plan, **own}


def decode_draft(text: str, field: str = "plan") -> dict:
    """The plan mapping of a draft link (a clear error when the link is damaged, nested
    deeper than any plan, or holds a number too large for any field). `field`: the
    parameter or form field the draft came in (`plan`, or the builder's hidden `extra`)."""
    from moneytrail.web.query import check_surrogates, short_number, too_large_path

    if len(text) > MAX_DRAFT:
        raise MoneytrailError(f"the draft is too long (at most {MAX_DRAFT:,} characters)",
                              field=field, value=text[:20] + "\u2026")

    def no_constant(name: str) -> Any:       # NaN, Infinity: not JSON, not a plan number
        raise MoneytrailError(f"this draft link holds {name}, which is not a finite number "
                              "(give numbers only)", field=field, value=name)

    damaged = MoneytrailError("this draft link is damaged (copy the whole link)",
                              field=field, value=text[:20] + "\u2026")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        raise damaged from None
    if json_depth(raw) > MAX_DRAFT_DEPTH:
        raise MoneytrailError(f"this draft link is nested too deeply (a plan nests at most "
                              f"{MAX_DRAFT_DEPTH} levels)", field=field)
    try:
        data = json.loads(raw, parse_constant=no_constant, parse_int=draft_int,
                          parse_float=draft_float)
    except MoneytrailError:
        raise
    except TooLarge as exc:
        raise MoneytrailError("this draft link holds a number far too large for any field "
                              "(give a number in the field's range)",
                              field=too_large_path(raw) or field,
                              value=short_number(exc.text)) from None
    except (ValueError, RecursionError):
        raise damaged from None
    if not isinstance(data, dict):
        raise MoneytrailError("a draft must hold a plan (a mapping of keys to values)",
                              field=field)
    check_surrogates(data, field)       # "\ud800" alone in the link's JSON: no character
    return data


class TooLarge(ValueError):
    """A number in a draft too large for a float (1 and 400 zeros, 1e400): no plan field
    takes it, and the builder could not show it (web.builder.amount_words)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def draft_int(digits: str) -> int:
    """A whole number of a draft; TooLarge beyond the largest float (read first by its
    length, so thousands of digits are never converted)."""
    if len(digits.lstrip("-")) > 309 or abs(int(digits)) > sys.float_info.max:
        raise TooLarge(digits)
    return int(digits)


def draft_float(text: str) -> float:
    """A number with a fraction or exponent of a draft; TooLarge when it overflows."""
    number = float(text)
    if not math.isfinite(number):
        raise TooLarge(text)
    return number


JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)   # a string, a bracket


def json_depth(text: str) -> int:
    """How deeply the objects and lists of the JSON `text` nest (brackets in strings not
    counted), found in one pass before parsing, so a link of a thousand `[` is refused
    without recursing into it."""
    depth = deepest = 0
    for token in JSON_TOKENS.finditer(text):
        bracket = token.group()
        if bracket in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in ("]", "}"):
            depth -= 1
    return deepest


# -- names ------------------------------------------------------------------------------------
class Names:
    """Readable names of entities, categories and countries (ids where the data have none)."""

    def __init__(self, valuechain: Any) -> None:
        self.entities = valuechain.entity_names()
        self.categories = dict(zip(valuechain.categories["id"], valuechain.categories["name"],
                                   strict=True))
        self.countries = valuechain.country_names()

    def entity(self, key: str) -> str:
        return str(self.entities.get(key, key))

    def category(self, key: str) -> str:
        return str(self.categories.get(key, key))

    def country(self, key: str) -> str:
        return REGIONS.get(key) or str(self.countries.get(key, key))

    def label(self, table: str, key: Any) -> str:
        key = str(key)
        if table in ("entity", "supplier"):
            return self.entity(key)
        if table in ("country", "owner_country"):
            return self.country(key)
        if table == "factor":
            return FACTORS.get(key, key)
        if table == "category":
            return self.category(key)
        if table == "group":
            return units.group_label(key)
        return key


# -- one run ----------------------------------------------------------------------------------
def records(result: Result, name: str) -> list[dict[str, Any]]:
    """A result table as flat records (index columns first), JSON-safe."""
    table = result.tables[name]
    columns = [c.name for c in table.columns]
    return [{k: clean(v) for k, v in zip(columns, row, strict=True)} for row in table.rows]


def breakdown_rows(result: Result, name: str, names: Names) -> list[dict[str, Any]]:
    """A breakdown with readable labels: median and 90 % interval of amount and share ([]
    when the run was made without it), largest median first (the tables and the headline
    show medians, so they are sorted by what they show; the mean breaks ties); tiers in
    their order."""
    if name not in result.tables:
        return []
    key = result.tables[name].index[0]
    out = []
    for row in records(result, name):
        out.append({"key": row[key], "label": names.label(name, row[key]),
                    **{k: row[k] for k in ("amount_p50", "amount_p5", "amount_p95",
                                           "amount_mean", "share_p50", "share_p5",
                                           "share_p95", "share_mean")}})
    return sorted(out, key=lambda r: (-(r["amount_p50"] or 0), -(r["amount_mean"] or 0))) \
        if name != "tier" else out


def headline_text(result: Result, names: Names) -> list[str]:
    """The run's findings in plain sentences (median and 90 % interval)."""
    facts = result.facts
    currency = facts["currency"]
    total = money(facts["total"], currency)

    def interval(row: dict) -> str:
        return (f"{percent(row['share_p50'])} (90 % interval {percent(row['share_p5'])} to "
                f"{percent(row['share_p95'])})")

    plan = result.provenance.inputs.get("plan") or {}
    prices = units.prices_text(facts["year"], plan.get("price_year"))
    from moneytrail.report.inputs import procurement_text

    # the plan's own supplier split (its `procurement`), said with what it buys
    suppliers = procurement_text(plan, names.category, names.entity)
    own = f" The plan sets its own suppliers: {suppliers}." if suppliers else ""
    from moneytrail.service.footprints import stored_spend_years_default

    period = units.spend_period_text(facts["year"], units.stored_spend_years(facts, plan),
                                     stored_spend_years_default(result))
    sentences = [f"{facts['title']} spends {total}{prices} {period}, bought in the "
                 f"{facts['buyer_region']} market.{own} Tracing it through the supply chain "
                 f"over {units.draws_text(facts['draws'])}:"]
    factors = {r["key"]: r for r in breakdown_rows(result, "factor", names)}
    if factors:
        parts = [f"{FACTORS.get(k, k).lower()} {interval(r)}" for k, r in factors.items()]
        sentences.append("Where it ends up: " + "; ".join(parts) + ".")
    # owner_country: all value added (wages, profits, taxes), profits counted where the
    # owners are: not the owners' profits alone
    where = breakdown_rows(result, "country", names)[:1]
    owned = breakdown_rows(result, "owner_country", names)[:1]
    if where and owned and where[0]["key"] == owned[0]["key"] \
            and interval(where[0]) == interval(owned[0]):     # one place, one figure: once
        place = headline_place(where[0]["key"], names)
        sentences.append(f"The largest share of value is added in {place}, which also "
                         "receives the largest share when profits are counted in the owners' "
                         f"country (wages, profits and taxes): {interval(where[0])} either "
                         "way.")
    else:
        for top, what in ((where, "is added in"),
                          (owned, "(wages, profits and taxes; profits counted in the "
                                  "owners' country) accrues to")):
            if top:
                sentences.append(f"The largest share of value {what} "
                                 f"{headline_place(top[0]['key'], names)}: "
                                 f"{interval(top[0])}.")
    eu = eu_total(result) if facts.get("buyer_region") == "EU" else None
    if eu is not None:
        sentences.append(f"In all, value added in the EU (every member state and the EU-wide "
                         f"sectors together, the scorecard's \u201c{EU_TOTAL_ROW}\u201d) is "
                         f"{interval(eu)}{weak_figure_words(eu.get('weight_p50'), RUN_SEE)}.")
    firms = [r for r in breakdown_rows(result, "entity", names)][:3]
    if firms:
        sentences.append("The firms or sectors that keep the most: " + ", ".join(
            f"{r['label']} {percent(r['share_p50'])}" for r in firms) + " (medians).")
    held = units.conditions_summary(condition_rows(result, names))   # its policy conditions
    if held:
        sentences.append(held)
    return sentences


EU_TOTAL_ROW = "EU value added (location)"     # analysis.scorecard.ROWS
# where the run page shows a headline figure's evidence weight (report.evidence.weak_figure_words)
RUN_SEE = "see the scorecard's \u201cOn assumption or weak rows\u201d and Evidence weight below"


# the unit of every share of headline_numbers (the plans table of /api/v1/home)
SHARE_UNIT = ("fraction of the plan's spending (0.39 = 39 %): median (p50) and 90 % interval "
              "(p5 to p95) over the run's draws")
# headline_numbers' columns: each factor's share, then the largest country's
HEADLINE_FACTORS = {"labour": "wages", "capital": "profits_and_depreciation", "tax": "taxes"}
HEADLINE_PLACES = {"country": "largest_value_added_country",
                   "owner_country": "largest_owner_country"}


def headline_columns() -> list[str]:
    """The columns of `headline_numbers`, in order (so rows of runs not done have them all)."""
    stats = ("share_p50", "share_p5", "share_p95")
    columns = [f"{name}_{stat}" for name in HEADLINE_FACTORS.values() for stat in stats]
    for name in HEADLINE_PLACES.values():
        columns += [name, f"{name}_name", *(f"{name}_{stat}" for stat in stats)]
    return columns + [f"eu_value_added_{stat}" for stat in stats] + ["share_unit"]


def headline_numbers(result: Result, names: Names) -> dict[str, Any]:
    """The numbers of the headline (`headline_text`) as flat columns: the share of the plan's
    spending that ends up as wages, profits and depreciation, and taxes; the country where
    the largest share of value is added and the one that receives the largest share with
    profits counted in the owners' country (code: US, EU, ROW; `<column>_name` its name as
    the page shows it; and share); the EU's value added for an EU
    buyer (None otherwise); each share as p50, p5 and p95, in the unit `share_unit` says."""
    out: dict[str, Any] = dict.fromkeys(headline_columns())
    factors = {r["key"]: r for r in breakdown_rows(result, "factor", names)}
    for key, name in HEADLINE_FACTORS.items():
        for stat in ("share_p50", "share_p5", "share_p95"):
            out[f"{name}_{stat}"] = factors[key][stat] if key in factors else None
    for table, name in HEADLINE_PLACES.items():
        top = breakdown_rows(result, table, names)[:1]
        if top:              # the code (US, EU, ROW) as the CSV and JSON keep codes, and
            out[name] = top[0]["key"]              # the name the page shows beside it
            out[f"{name}_name"] = top[0]["label"]
            for stat in ("share_p50", "share_p5", "share_p95"):
                out[f"{name}_{stat}"] = top[0][stat]
    eu = eu_total(result) if result.facts.get("buyer_region") == "EU" else None
    for stat in ("share_p50", "share_p5", "share_p95"):
        out[f"eu_value_added_{stat}"] = eu[stat] if eu else None
    out["share_unit"] = SHARE_UNIT
    return out


def headline_place(key: str, names: Names) -> str:
    """A country of the headline in a sentence; the 'EU' row (value added the data do not
    split by member state) named so that it cannot be read as the EU's total."""
    if key == "EU":
        return "EU-wide sectors the data do not split by member state (a part of the EU's total)"
    return units.place_in_sentence(key, names.countries)


def eu_total(result: Result) -> dict[str, Any] | None:
    """The scorecard's EU value added (member states and the unsplit EU row together) as
    share_p50/p5/p95, or None for a run without it."""
    if "scorecard" not in result.tables:
        return None
    row = next((r for r in scorecard_rows(result) if r["metric"] == EU_TOTAL_ROW), None)
    if row is None or row["p50"] is None:
        return None
    return {"share_p50": row["p50"], "share_p5": row["p5"], "share_p95": row["p95"],
            "weight_p50": (row["weight"] or {}).get("p50")}


def sankey_first(result: Result, names: Names) -> dict[str, Any] | None:
    """'Where the money goes first': plan -> spending categories -> first-invoice firms
    (means over draws, so the flows add up; the tables give medians and intervals, and
    `medians` holds the spend table's median per category, label -> [amount, None], for the
    text alternative, web.charts.sankey_summary). None for a run made without the
    spending-by-category table (`missing_sections`)."""
    if "categories" not in result.tables:          # a `moneytrail trace` run: breakdowns only
        return None
    plan = plan_node(result)
    links: list[dict[str, Any]] = []
    for row in records(result, "categories"):
        links.append({"source": plan, "target": names.category(row["category"]),
                      "value": row["amount_mean"] or 0.0})
    by_category: dict[str, list[dict[str, Any]]] = {}
    for row in records(result, "purchases") if "purchases" in result.tables else []:
        by_category.setdefault(row["category"], []).append(row)
    for category, rows in by_category.items():
        rows.sort(key=lambda r: -(r["amount_mean"] or 0))
        label = names.category(category)
        for row in rows[:SANKEY_SUPPLIERS]:
            links.append({"source": label, "target": names.entity(row["supplier"]),
                          "value": row["amount_mean"] or 0.0})
        rest = sum(r["amount_mean"] or 0 for r in rows[SANKEY_SUPPLIERS:])
        if rest > 0:
            links.append({"source": label, "target": f"Other suppliers of {label.lower()}",
                          "value": rest})
    medians = {names.category(row["category"]): [row["amount_p50"], None]
               for row in records(result, "categories") if row["amount_p50"] is not None}
    return {**sankey(links, result.facts["currency"]), "medians": medians,
            "draws": result.provenance.draws}


def sankey_end(result: Result, names: Names, table: str) -> dict[str, Any] | None:
    """'Where it ends up': plan -> country (location or ownership) -> wages, profits, taxes.
    `medians`: the breakdown tables' median amount and share of each country and factor,
    label -> [amount, share], for the text alternative. None for a run made without `table`."""
    if table not in result.tables:
        return None
    plan = plan_node(result)
    totals: dict[str, float] = {}
    pairs: list[tuple[str, str, float]] = []
    for row in records(result, table):
        country, _, factor = str(row[table]).partition(" / ")
        value = row["amount_mean"] or 0.0
        totals[country] = totals.get(country, 0.0) + value
        pairs.append((country, factor, value))
    top = sorted(totals, key=lambda c: -totals[c])[:SANKEY_COUNTRIES]
    other = "Other countries"
    links: dict[tuple[str, str], float] = {}
    for country, factor, value in pairs:
        label = names.country(country) if country in top else other
        links[(plan, label)] = links.get((plan, label), 0.0) + value
        links[(label, FACTORS.get(factor, factor))] = \
            links.get((label, FACTORS.get(factor, factor)), 0.0) + value
    medians = {row["label"]: [row["amount_p50"], row["share_p50"]]
               for name in (table.removesuffix("_factor"), "factor")
               for row in breakdown_rows(result, name, names) if row["amount_p50"] is not None}
    return {**sankey([{"source": s, "target": t, "value": v} for (s, t), v in links.items()],
                     result.facts["currency"]),
            "medians": medians, "draws": result.provenance.draws}


def plan_node(result: Result) -> str:
    """The Sankey's first node: the plan (its title may be long; the page names it)."""
    return "The plan"


def sankey(links: list[dict[str, Any]], currency: str) -> dict[str, Any]:
    """Nodes (with their amounts in the label) and links for plotly's Sankey trace, plus
    the same flows as rows."""
    links = [link for link in links if link["value"] > 0]
    nodes: list[str] = []
    into: dict[str, float] = {}
    out: dict[str, float] = {}
    for link in links:
        for end in (link["source"], link["target"]):
            if end not in nodes:
                nodes.append(end)
        out[link["source"]] = out.get(link["source"], 0.0) + link["value"]
        into[link["target"]] = into.get(link["target"], 0.0) + link["value"]
    labels = [f"{n}: {money(max(into.get(n, 0.0), out.get(n, 0.0)), currency)}"
              for n in nodes]
    return {"currency": currency, "nodes": nodes, "labels": labels,
            "links": [{"source": link["source"], "target": link["target"],
                       "value": float(link["value"])} for link in links]}


EVIDENCE_SUFFIX = ": evidence, on assumption or weak rows"   # service.tasks.EVIDENCE_ROW
HHI_ROW = "HHI change"          # analysis.scorecard.HHI_ROW and HHI_RISE_ROW start so
HHI_UNMOVED = units.HHI_UNMOVED


def scorecard_rows(result: Result, names: Names | None = None) -> list[dict[str, Any]]:
    """The scorecard: metric, unit, median and 90 % interval (one plan); a metric with an
    evidence-weight row (service.tasks.EVIDENCE_ROW) carries it as `weight` (p50, p5, p95 of
    the share resting on assumption or weak rows) instead of a row of its own. Rows of runs
    stored under a label since renamed take the new one (service.tasks.stored_scorecard_row),
    so the compare page lines them up with newer runs."""
    from moneytrail.service.tasks import stored_scorecard_row

    table = result.tables["scorecard"]
    value_columns = [c.name for c in table.columns if c.name not in ("unit", *table.index)]
    prefix = value_columns[0].rsplit("_", 1)[0] if value_columns else ""
    out, weights = [], {}
    for row in records(result, "scorecard"):
        metric, unit = stored_scorecard_row(str(row[table.index[0]]), str(row["unit"]))
        stats = {s: row.get(f"{prefix}_{s}") for s in ("mean", "p5", "p50", "p95")}
        if metric.endswith(EVIDENCE_SUFFIX):
            weights[metric[:-len(EVIDENCE_SUFFIX)]] = stats
            continue
        out.append({"metric": metric, "unit": unit, **stats,
                    "prices": units.per_million_prices(unit, result.money_context()[1])})
    from moneytrail.analysis.scorecard import HHI_ROW as LARGEST_SIZE
    from moneytrail.analysis.scorecard import (
        missing_said,
        no_figure_reason,
    )
    from moneytrail.service.tasks import hhi_market_words

    rules = (result.provenance.inputs.get("plan") or {}).get("procurement")
    market = result.facts.get("hhi_market")
    for row in out:
        row["weight"] = weights.get(row["metric"])
        row["reason"] = None
        row["where"] = None
        metric = str(row["metric"])
        if row["p50"] is None:       # no figure (no hardware, no conditions...): say why
            # 'Conditions met' (no conditions set, or none applies) and the budget per
            # training run (the share of the budget that buys compute): the note says which
            row["reason"] = missing_said(table.note, metric, prefix) or no_figure_reason(metric)
            continue
        if not metric.startswith(HHI_ROW):
            continue
        zero = all(row[s] == 0 for s in ("p5", "p50", "p95"))
        if metric == LARGEST_SIZE:
            # the change of the largest size over the markets bought in, named by its market
            # (service.tasks.scorecard_facts); 0 only where no market's HHI moves
            if zero:
                row["reason"] = units.hhi_no_market_moves(isinstance(rules, dict)
                                                          and bool(rules))
            elif isinstance(market, dict):
                row["where"] = "in " + hhi_market_words(
                    str(market.get("category")), float(market.get("share") or 0.0),
                    name=names.category(str(market.get("category"))) if names
                    else str(market.get("name") or "") or None)
        elif zero:
            # a run stored before: the largest rise over the markets bought in, 0 by
            # construction where the plan buys at market shares (analysis.concentration)
            row["reason"] = units.hhi_rules_no_rise(
                [names.category(c) if names else c.replace("_", " ") for c in rules]) \
                if isinstance(rules, dict) and rules else HHI_UNMOVED
    return out


def footprint_rows(result: Result, names: Names | None = None) -> list[dict[str, Any]]:
    """Jobs (FTE-years, and FTE at one time) and embodied CO2 tables of a run
    (service.footprints), if it has them: title, note (sources, coverage) and rows of
    measure, unit, median and 90 % interval; for jobs, `reading`: whether the draws are
    skewed and the share in the rest of the world, and `region`: the part in the plan's buyer
    region (report.jobs_reading); the first 'lasting
    (operations)' row with a `note` of what it counts for this plan
    (service.footprints.lasting_note), the one at one time with a short one."""
    from moneytrail.report.jobs_reading import jobs_reading, region_text
    from moneytrail.service.footprints import lasting_note

    out: list[dict[str, Any]] = []
    for name in ("jobs", "co2"):
        if name not in result.tables:
            continue
        table = result.tables[name]
        unit = table.unit("amount_p50")        # 'by row' (each row's unit column) since
        rows = [{"measure": row[table.index[0]],  # data 2.1.1; one unit in older runs
                 "unit": str(row.get("unit") or unit),
                 **{s: row.get(f"amount_{s}") for s in ("p5", "p50", "p95")}}
                for row in records(result, name)]
        for row in rows:       # per EUR million: the price year its millions are at
            row["prices"] = units.per_million_prices(row["unit"], result.money_context()[1])
        text, sources = split_note(table.note)
        if name == "jobs":
            text = jobs_years_note(jobs_note_in_words(text), result)
            lasting = [r for r in rows if str(r["measure"]).endswith(LASTING_ROW)]
            years = units.spend_years_text(result.facts, (r["measure"] for r in rows))
            plan = run_plan(result.provenance.inputs) or {}
            if lasting:
                lasting[0]["note"] = lasting_note(plan, years,
                                                  names.category if names else None)
            for row in lasting[1:]:
                row["note"] = ("Zero for the same reason." if not running_categories(plan)
                               else f"The same work per year of the {years} of spending.")
        out.append({"name": name, "title": table.title, "note": text, "sources": sources,
                    "rows": rows, "reading": jobs_reading(result.tables) if name == "jobs"
                    else "",
                    "region": region_text(result.tables, result.facts.get("buyer_region"))
                    if name == "jobs" else ""})
    return out


LASTING_ROW = ", lasting (operations)"          # service.footprints.part_name of LASTING


def own_scorecard_note(result: Result) -> str:
    """The scorecard's note of a one-plan run as its page shows it: its export-rules date and
    why 'Conditions met' or the budget per training run has no figure without the plan's id
    ('Export rules as of 1 July 2025', 'Conditions met: n/a (no conditions set).'; a
    comparison's note names each plan, a run page has one, and an id kept by older runs may
    be unsafe: '../../x y')."""
    if "scorecard" not in result.tables:
        return ""
    plan = run_plan(result.provenance.inputs) or {}
    plan_id = str(plan.get("id") or "")
    titles = {plan_id: str(plan.get("title") or plan_id)} if plan_id else {}
    note = units.scorecard_note(str(result.tables["scorecard"].note or ""), result.facts,
                                titles)
    return units.plain_plan_note(note, titles)


def lifecycle_view(result: Result) -> dict[str, Any] | None:
    """The run's lifecycle table (service.lifecycle), if it has one: title, note and rows of
    label, what the row counts, period, unit, mean, p5, p50 and p95; TCO (`tco`) apart for
    the page's lead sentence, with what it counts (`scope`); `h100e`: the price per
    H100-equivalent stored with the run (report.accelerators, shown beside the count; None
    for a run stored before runs kept it). None for a run stored without it."""
    from moneytrail.report.accelerators import h100e_price
    from moneytrail.service.lifecycle import LABELS, TCO_SCOPE

    if "lifecycle" not in result.tables:
        return None
    table = result.tables["lifecycle"]
    key = table.index[0]
    stored = records(result, "lifecycle")
    count = next((r for r in stored if r[key] == "accelerators_h100e"), None)
    h100e = None if count is None else h100e_price(count, str(result.facts["currency"]))
    rows = [{"metric": row[key], "label": LABELS.get(str(row[key]), str(row[key])),
             "counts": row.get("counts") or "", "period": row.get("period") or "",
             "unit": str(row.get("unit") or ""),
             "unit_shown": units.base_unit(str(row.get("unit") or "")),
             **{s: row.get(s) for s in ("mean", "p5", "p50", "p95")}}
            for row in stored]
    by_metric = {r["metric"]: r for r in rows}
    note = table.note
    for path, words in NOTE_FILES.items():
        note = note.replace(path, words)
    return {"title": table.title, "note": note, "rows": rows, "scope": TCO_SCOPE, "h100e": h100e,
            "tco": by_metric.get("tco"), "budget": by_metric.get("budget"),
            "residual": by_metric.get("residual_value"),
            "electricity": by_metric.get("electricity_cost")}


LIFECYCLE_MISSING = ("This run was stored before runs kept the lifecycle table (hardware, "
                     "electricity, residual value and total cost of ownership). The command "
                     "moneytrail analyse with --what lifecycle and this run's draws and seed "
                     "gives it; or run the plan again from the plan builder.")


def jobs_years_note(text: str, result: Result) -> str:
    """The jobs note `text` of a run (in the words notes say now, jobs_note_in_words) with
    what it says of the years of spending as the run decided it
    (service.footprints.stored_spend_years_default): the note of a run that
    kept its decision is as stored; a run stored before the note said it gets the tool's
    default said; one stored before the decision was kept (it could not tell a plan's own
    `horizon_years: 5` from the default) says the horizon neutrally instead of the default."""
    default = stored_spend_years_default(result)
    if SPEND_YEARS_DEFAULT in result.facts:
        said = spend_years_note(default)
        return text if not said or said in text else f"{text} {said}".strip()
    text = text.replace(spend_years_note(True), "").replace("  ", " ").strip()
    said = spend_years_note(default)
    return f"{text} {said}".strip() if said else text


# data files named in table notes (service.footprints; the lifecycle note of a run stored
# before it named its tables in words), as readers know them
NOTE_FILES = {"macro/compensation.csv": "the table of pay per full-time job by country and "
              "industry", "valuechain/satellites.csv": "the table of firms' emissions and "
              "employees per revenue", **STORED_NOTE_FILES}


def split_note(note: str) -> tuple[str, list[str]]:
    """A table note for readers: its text with data-file paths named in words, and the
    source ids of its trailing "Sources: a, b, ..." apart (the page links them by title).

    >>> split_note("Pay (macro/compensation.csv). Sources: s_a, s_b")
    ('Pay (the table of pay per full-time job by country and industry).', ['s_a', 's_b'])
    """
    text, marker, tail = note.rpartition("Sources: ")
    if not marker:
        text, tail = note, ""
    for path, words in NOTE_FILES.items():
        text = text.replace(path, words)
    sources = [s.strip() for s in tail.replace(";", ",").split(",") if s.strip()]
    return text.strip(), list(dict.fromkeys(sources))


def run_sankeys(result: Result, names: Names) -> dict[str, dict[str, Any] | None]:
    """The run page's three Sankeys by chart name (None for one the run cannot draw)."""
    if result.kind != "trace":
        return {"first": None, "location": None, "ownership": None}
    return {"first": sankey_first(result, names),
            "location": sankey_end(result, names, "country_factor"),
            "ownership": sankey_end(result, names, "owner_country_factor")}


def run_chart_tables(result: Result, names: Names) -> dict[str, list[dict[str, Any]]]:
    """The chart data as downloadable rows (one row per flow), for the charts the run has."""
    return {f"flows_{name}": [{**link, "currency": data["currency"]} for link in data["links"]]
            for name, data in run_sankeys(result, names).items() if data is not None}


# -- what a run was made without ------------------------------------------------------------
# tables only a trace with analyses stores (the web app's runs, `demo`, tasks.trace_plan's
# default); `moneytrail trace` stores the breakdowns (service.tasks.BREAKDOWNS) only
ANALYSIS_TABLES = {"categories": "the spending-by-category table",
                   "purchases": "the table of first invoices by supplier",
                   "scorecard": "the scorecard",
                   "conditions": "the check of the plan's conditions"}
CHART_TABLES = {"first": "categories", "location": "country_factor",
                "ownership": "owner_country_factor"}


def missing_text(table: str) -> str:
    """One plain sentence for a section whose table the run was made without."""
    if table in ANALYSIS_TABLES:
        return (f"This run was made without {ANALYSIS_TABLES[table]}: the command line's "
                "moneytrail trace stores the breakdowns only. To see it, run the plan from "
                "the plan builder (\u201cEdit this plan\u201d, then Run), or in Python with "
                "tasks.trace_plan(ws, plan), which adds the scorecard, the conditions and "
                "what the plan buys.")
    return (f"This run was made without the {table} table (it was stored by an older "
            "version); trace the plan again with moneytrail trace or the plan builder to "
            "see it.")


def missing_sections(result: Result) -> dict[str, str]:
    """For each section of a trace's page whose table the run lacks (by the table's name, and
    'first', 'location', 'ownership' for the charts): the sentence that says so."""
    plan = result.provenance.inputs.get("plan") or {}
    wanted = [*BREAKDOWN_TABLES, "categories", "scorecard", "country_factor",
              "owner_country_factor"]
    if plan.get("conditions") and "scorecard" not in result.tables:
        wanted.append("conditions")              # computed with the scorecard, when set
    out = {name: missing_text(name) for name in wanted if name not in result.tables}
    if "lifecycle" not in result.tables:
        out["lifecycle"] = LIFECYCLE_MISSING if "scorecard" in result.tables \
            else missing_text("scorecard").replace("the scorecard", "the lifecycle table", 1)
    for chart, table in CHART_TABLES.items():
        if table in out:
            out[chart] = out[table]
    return out


def reproduce_run(result: Result, origin: str) -> dict[str, Any]:
    """How to get the same run elsewhere: the plan file, the CLI and Python. `analyses`: the
    run was stored with analyses (web app, API, `tasks.trace_plan`'s default), so `moneytrail
    trace` (which leaves them out) gives another run id; without (as `moneytrail trace` stores
    it), the command gives this very run, and the Python call passes `analyses=False`."""
    inputs = result.provenance.inputs
    plan = inputs["plan"]
    draws, seed = result.provenance.draws, result.provenance.seed
    analyses = bool(inputs.get("analyses", True))
    from moneytrail.scenarios.schema import plan_file_stem

    file = f"{plan_file_stem(plan.get('id'))}.yaml"    # what GET .../plan.yaml names it
    cli = shlex.join(["moneytrail", "trace", file, "--draws", str(draws), "--seed", str(seed),
                      "--by", "country"])
    python = ("import moneytrail as mt\n"
              "from moneytrail.service import tasks\n"
              "from moneytrail.service.workspace import Workspace\n"
              f"plan = mt.load_scenario({file!r})\n"
              "with Workspace.open() as ws:\n"
              f"    result = tasks.trace_plan(ws, plan, draws={draws}, seed={seed}, "
              f"{'' if analyses else 'analyses=False, '}store=None)\n"
              f"print(result.run_id)   # {result.run_id} on the same code and data\n"
              "result.table('country')")
    return {"file": file, "plan_url": f"{origin}/api/v1/runs/{result.run_id}/plan.yaml",
            "cli": cli, "python": python, "analyses": analyses, "run_id": result.run_id,
            "api": f"{origin}/api/v1/runs/{result.run_id}",
            "csv": f"{origin}/api/v1/runs/{result.run_id}?format=csv&table=country"}




def evidence_view(result: Result) -> dict[str, Any] | None:
    """The run's evidence weight (the service's `evidence` table, reshaped): share of all value
    added resting on assumption or weak rows (median, 90 % interval), the reliability mix of
    the total (means), and the same share for each headline row. `own`: the share of all
    value added resting on the plan's own inputs (mean; None for a plan without any), each
    headline row's as its `own`. None for a run without it."""
    from moneytrail.engine.dimensions import headline_label, headline_notes

    if "evidence" not in result.tables:
        return None
    rows = records(result, "evidence")
    total = next((r for r in rows if r["dimension"] == "total"), None)
    if total is None:
        return None

    def weak(row: dict[str, Any]) -> dict[str, Any]:
        return {"label": headline_label(row["label"]), "amount_mean": row["amount_mean"],
                "own": row.get(f"{OWN_INPUT}_mean"),
                **{s: row.get(f"assumption_or_weak_{s}") for s in ("p50", "p5", "p95",
                                                                   "mean")}}

    headline = [weak(r) for r in rows if r["dimension"] == "headline"]
    own = total.get(f"{OWN_INPUT}_mean")
    own = own if isinstance(own, int | float) and own > 0 else None
    return {"total": weak(total), "own": own,
            "mix": [{"reliability": OWN_INPUT_WORDS if k == OWN_INPUT else k,
                     "share_mean": total.get(f"{k}_mean")}
                    for k in LABELS if total.get(f"{k}_mean") is not None
                    and (k != OWN_INPUT or own is not None)],
            "headline": headline,
            "headline_notes": headline_notes(r["label"] for r in headline),
            "note": result.tables["evidence"].note}


def add_spend_basis(spend: list[dict[str, Any]], inputs: Any) -> None:
    """Each spending category's source and reliability, as the run's plan gives them (the
    briefing's Table 1 shows the same): `source` ('' for none), `reliability` ('' when not
    given) and `own`, a share the user set in the plan builder (web.builder.own_row: no
    source, reliability 'assumption')."""
    from moneytrail.scenarios.schema import is_user_input

    spend_items = (run_plan(inputs) or {}).get("spend")
    items: dict[str, Any] = spend_items if isinstance(spend_items, dict) else {}
    for row in spend:
        item = items.get(row["category"])
        item = item if isinstance(item, dict) else {}
        row["source"] = str(item.get("source") or "")
        row["reliability"] = str(item.get("reliability") or "")
        row["own"] = is_user_input(row["source"], row["reliability"], item.get("note"))


def run_view(result: Result, *, names: Names, url: str, origin: str, current_code: str,
             current_data_hash: str, current_data_version: str,
             currencies: Collection[str]) -> View:
    """A done run: headline, Sankey data, tables, scorecard, conditions, sources, citation.
    `currencies`: the codes the data know (inherited_note)."""
    from moneytrail.service.footprints import run_jobs_price_note

    prov = result.provenance
    created = prov.created[:10]
    title = f"Where the money of \u201c{result.title}\u201d goes"
    citation = (f"moneytrail run {result.run_id}, \u201c{result.title}\u201d, "
                f"{units.draws_text(prov.draws, 'draw')}, seed {prov.seed}, "
                f"code {prov.code_version}, "
                f"data package {prov.data_label}, computed {created}. {url}")
    outdated = prov.code_version != current_code or prov.data_hash != current_data_hash
    breakdowns = {name: breakdown_rows(result, name, names) for name in BREAKDOWN_TABLES}
    sankeys = run_sankeys(result, names)
    charts = run_chart_tables(result, names)
    conditions = condition_rows(result, names)
    spend = records(result, "categories") if "categories" in result.tables else []
    for row in spend:
        row["label"] = names.category(row["category"])
    add_spend_basis(spend, prov.inputs)
    from moneytrail.report.inputs import procurement_rows

    procurement = procurement_rows(run_plan(prov.inputs), names.category, names.entity)
    # the <title> tells two runs of one plan apart: run id, draws and seed (h91)
    page_title = (f"{title} \u00b7 run {result.run_id[:8]}, "
                  f"{units.draws_text(prov.draws, noun='draw')}, seed {prov.seed}")
    return View(
        meta={"title": title, "page_title": page_title, "run_id": result.run_id,
              "data_version": prov.data_label,
              "code_version": prov.code_version, "created": prov.created,
              "retrieved": created, "url": url, "citation": citation, "ledger_revision": None,
              "currency": result.facts["currency"]},
        status="done", outdated=outdated,
        current={"code_version": current_code, "data_version": current_data_version},
        facts=result.facts, headline=headline_text(result, names),
        rough_draws=units.rough_draws_text(prov.draws),
        sankey=sankeys, missing=missing_sections(result),
        breakdowns=breakdowns, conditions=conditions,
        conditions_note=units.readable_note(str(result.tables["conditions"].note or ""))
        if conditions else "",
        scorecard=scorecard_rows(result, names) if "scorecard" in result.tables else None,
        scorecard_note=own_scorecard_note(result),
        footprints=footprint_rows(result, names), jobs_price=run_jobs_price_note(result),
        lifecycle=lifecycle_view(result),
        prices=units.prices_text(result.facts.get("year"),
                                 (prov.inputs.get("plan") or {}).get("price_year")),
        spend=spend, procurement=procurement, sources=list(prov.sources),
        inputs=prov.inputs, evidence=evidence_view(result),
        reproduce=reproduce_run(result, origin),
        inherited=inherited_note(prov.inputs.get("plan"), currencies=currencies),
        hypothetical=hypothetical_note((prov.inputs.get("plan") or {}).get("id"),
                                       result.facts.get("title")),
        draft=encode_draft(run_plan(prov.inputs) or {}),
        result_tables=list(result.tables), chart_tables=list(charts),
        tables=list(result.tables) + list(charts))


def inherited_note(plan: Any, *, currencies: Collection[str] | None,
                   builder: bool = False) -> str:
    """A plan (mapping) still carrying a reference plan's title or description under another
    budget, or a title naming an amount that is not its budget, said where the text came from
    and what it names (report.units.plan_text_notes; `currencies`: the codes the data know,
    service.tasks.known_currencies, None for the bundled data's); '' else."""
    if not isinstance(plan, dict):
        return ""
    budget = plan.get("budget")
    amount = budget.get("amount") if isinstance(budget, dict) else budget
    return units.plan_text_notes(plan.get("title"), plan.get("description"), amount,
                                 str(plan.get("currency") or ""), currencies=currencies,
                                 builder=builder)


def condition_rows(result: Result, names: Names) -> list[dict[str, Any]]:
    """The run's conditions table with each condition in words (`words`: report.units
    .condition_words) and the unit of its values (`unit`), for the page to print them in."""
    if "conditions" not in result.tables:
        return []
    plan = result.provenance.inputs.get("plan") or {}
    stated = plan.get("conditions")
    given: list[Any] = stated if isinstance(stated, list) else []
    rows = records(result, "conditions")
    known = {**{str(k): str(v) for k, v in names.countries.items()},
             **{str(k): str(v) for k, v in names.entities.items()}}
    for k, row in enumerate(rows):
        stated_here = given[k] if len(given) == len(rows) else None
        selectors = units.condition_selectors(stated_here) if stated_here else None
        row["words"] = units.condition_words(row, known, selectors,
                                             units.condition_threshold(stated_here or {}))
        row["unit"] = units.condition_unit(str(row.get("metric")))
    return rows


def plan_condition_words(plan: Any, names: Names) -> list[str]:
    """The conditions a plan (mapping, as saved) sets, each in the words of the run page's
    conditions table (`condition_rows`: report.units.condition_words), for a page that shows
    the plan before or without a run (/saved/<id>). A condition the schema refuses (a plan
    saved by an older version) is shown by plan_words.condition_text."""
    from pydantic import ValidationError

    from moneytrail.scenarios.schema import Condition
    from moneytrail.web.plan_words import condition_text

    stated = plan.get("conditions") if isinstance(plan, dict) else None
    known = {**{str(k): str(v) for k, v in names.countries.items()},
             **{str(k): str(v) for k, v in names.entities.items()}}
    out: list[str] = []
    for item in stated if isinstance(stated, list) else []:
        try:
            condition = Condition.model_validate(item)
        except ValidationError:
            out.append(condition_text(item))
            continue
        kind, value = ("max", condition.max) if condition.max is not None \
            else ("min", condition.min)
        if condition.metric == "open_weights_only":
            kind, value = "max", 0.0
        on = condition.on.isoformat() if condition.on and \
            condition.metric == "export_exposed_share" else ""
        row = {"condition": condition.name, "metric": condition.metric,
               "bound": f"{kind} {value:g}" if value is not None else kind, "rules_on": on}
        out.append(units.condition_words(row, known, units.condition_selectors(condition),
                                         units.condition_threshold(condition)))
    return out


# -- runs that are not traces (analyse, compare, sensitivity, claims) ------------------------
KIND_LABELS = {"analyse": "Analyses of a plan", "compare": "Plans compared",
               "sensitivity": "What drives a result (sensitivity)",
               "claims": "Claims checked against the data"}
MAX_ROWS_SHOWN = 400         # rows of one table on a page; the downloads have them all


def cell_text(value: Any, unit: str, name: str = "") -> str:
    """A table cell (of column or fact `name`) for reading: a number in its column's unit as
    the terminal and the briefing print it (report.units.in_unit: '31.2 %', 'USD 1.20 bn',
    '77.4 k FTE', '0.85' for a probability, plain numbers in three significant digits),
    years and seeds as written; text as it is; missing is a dash."""
    value = clean(value)
    if value is None:
        return units.MISSING
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) and ("year" in name or name == "seed"):
        return str(value)
    return units.in_unit(value, unit)


def row_unit(table: Table, row: Sequence[Any], unit: str) -> str:
    """The unit of a cell: its column's, or, in a table with a `unit` column (one metric per
    row: 'EUR', 'share', 't CO2e'), the row's for columns of plain numbers, as the terminal
    reads such tables (report.terminal)."""
    if unit not in ("", "number", "by row"):
        return unit
    names = [c.name for c in table.columns]
    if "unit" not in names:
        return unit
    value = row[names.index("unit")]
    return value if isinstance(value, str) else unit


def claim_verdicts(table: Table) -> dict[str, Any]:
    """For a table of claims checked (one row per check: its `verdict` column beside the
    claim's evidence weight, `claim_assumption_or_weak_p50`), what a page needs to show each
    claim's verdict as the claims page does (the `claim_verdict` macro): `verdict_column`
    (its position), `verdicts` (each row shown: its claim's {"verdict", "weight" (WEIGHT_
    COLUMNS' claim weight), "cases", "rests"}, analysis.verdicts.verdict_parts of all the
    claim's rows in the table, so a conditional claim names each case with its own verdict
    and weight, and a verdict on weak evidence says so), `verdicts_shown` (the distinct
    verdicts the badges say, a case's included, for the key) and `weak_basis` (those said on
    weak evidence: the key explains them, each with its own badge). {} for any other table;
    a run stored before its rows had `weak_basis`, `case` or `rests_on` is read the same way
    (a case without a name is said by its `when`)."""
    from moneytrail.analysis.verdicts import verdict_parts

    names = [c.name for c in table.columns]
    if "verdict" not in names or "claim" not in names:
        return {}
    records = [{k: clean(v) for k, v in zip(names, row, strict=True)} for row in table.rows]
    by_claim: dict[Any, list[dict[str, Any]]] = {}
    for record in records:
        by_claim.setdefault(record["claim"], []).append(record)
    verdicts = []
    for record in records[:MAX_ROWS_SHOWN]:
        verdict = record["verdict"]
        verdicts.append({"verdict": verdict,
                         "weight": {f"claim_assumption_or_weak_{s}":
                                    record.get(f"claim_assumption_or_weak_{s}")
                                    for s in ("p50", "p5", "p95")},
                         **verdict_parts(str(verdict), by_claim[record["claim"]])})
    seen = shown_verdicts(verdicts)
    return {"verdict_column": names.index("verdict"), "verdicts": verdicts,
            "verdicts_shown": seen["shown"], "weak_basis": seen["weak"]}


def verdict_copies(table: Table) -> list[str]:
    """The columns of a claims table that say each claim's verdict again in data words
    (analysis.verdicts.BASIS_COLUMNS: `weak_basis`, `verdict_label`; `verdict_summary`),
    which its verdict column's badge (claim_verdicts) already says in the claims page's
    words: the page leaves them out of its table, the downloads keep them. [] for a table
    without such a badge or without those columns (a run stored before them)."""
    from moneytrail.analysis.verdicts import BASIS_COLUMNS

    names = [c.name for c in table.columns]
    if "verdict" not in names or "claim" not in names:
        return []
    return [n for n in (*BASIS_COLUMNS, "verdict_summary") if n in names]


# what a claims run's page table shows of each check (claims_table), as the claims page does:
# the stored columns it reads; every other column is left to the downloads (claims_left_out)
CLAIMS_SHOWN = ("claim", "text", "check", "when", "figure", "unit", "p50", "p5", "p95",
                "bound", "bound_text", "p_holds", "check_verdict", "verdict",
                "claim_assumption_or_weak_p50", "claim_assumption_or_weak_p5",
                "claim_assumption_or_weak_p95")
CLAIMS_HEADERS = ("Claim", "Check", "Figure: median (90 % interval)", "Bound", "P(holds)",
                  "Check verdict", "Claim's verdict and evidence weight")


def claims_left_out(table: Table) -> list[str]:
    """The columns of a claims table (one with claim_verdicts' badge) that its run page
    leaves out of its table, in the table's order: those said again in data words
    (verdict_copies) and every other column the reading table (claims_table) does not show
    (who made the claim, the sources, what the weight reads, the notes...). The downloads
    keep them all. [] for any other table."""
    names = [c.name for c in table.columns]
    if "verdict" not in names or "claim" not in names:
        return []
    copies = verdict_copies(table)
    return [n for n in names if n in copies or n not in CLAIMS_SHOWN]


def claims_table(table: Table, said: dict[str, Any]) -> list[dict[str, Any]]:
    """A claims table for reading (its run page), as the claims page reads it: the rows shown
    (MAX_ROWS_SHOWN) grouped into claims, each run of rows of one claim a group: {"id",
    "text" (the claim's words, said once), "said" (its claim_verdicts badge), "checks"}; each
    check: "check" (its words), "when" (a conditional claim's case), "figure" ({"median",
    "range"} in its unit as run pages print a median and its 90 % interval: cell_text,
    units.interval_text; no range for a figure without spread), "words" (the figure as the
    claims file words it), "bound" (bound_text, else the stored bound), "p_holds", "verdict"
    (the check's). A run stored before some of these columns shows a dash where one is
    missing."""
    names = [c.name for c in table.columns]
    groups: list[dict[str, Any]] = []
    for at, row in enumerate(table.rows[:MAX_ROWS_SHOWN]):
        record = {k: clean(v) for k, v in zip(names, row, strict=True)}
        unit = str(record.get("unit") or "")
        p50, p5, p95 = (record.get(s) for s in ("p50", "p5", "p95"))
        spread = p5 is not None and p95 is not None and p5 != p95
        check = {"check": record.get("check") or units.MISSING,
                 "when": record.get("when") or "",
                 "figure": {"median": cell_text(p50, unit, "p50"),
                            "range": units.interval_text(p5, p95, unit, like=p50)
                            if p50 is not None and spread else ""},
                 "words": record.get("figure") or "",
                 "bound": record.get("bound_text") or record.get("bound") or units.MISSING,
                 "p_holds": record.get("p_holds"),
                 "verdict": record.get("check_verdict")}
        if not groups or groups[-1]["id"] != record["claim"]:
            groups.append({"id": record["claim"], "text": record.get("text") or "",
                           "said": said["verdicts"][at], "checks": []})
        groups[-1]["checks"].append(check)
    return groups


STAT_NAMES = ("mean", "p5", "p50", "p95")


def stat_prefix(name: str) -> tuple[str, str] | None:
    """A column of a statistic over the draws, split into what it is of and which statistic:
    'stargate-style-us_p95' -> ('stargate-style-us', 'p95'), 'p50' -> ('', 'p50'); None for
    any other column."""
    if name in STAT_NAMES:
        return "", name
    head, _, stat = name.rpartition("_")
    return (head, stat) if head and stat in STAT_NAMES else None


def compare_column_title(prefix: str, titles: dict[str, str]) -> str:
    """The header of a group of statistics in a stored comparison: the plan's title for a
    plan's columns, the figure's name in words for the others ('rent', 'of economic
    profit'), 'Median (90 % interval)' for a table's only figure."""
    if prefix in titles:
        return titles[prefix]
    if not prefix:
        return "Median (90 % interval)"
    words = prefix.replace("_", " ")
    return {"of rd": "of R&D budget", "plan": "the plan", "rules": "under the rules",
            "change": "change (rules minus plan)"}.get(words, words)


def compare_table(table: Table, titles: dict[str, str]) -> dict[str, Any]:
    """A table of a stored comparison for reading, as the compare page shows the same kinds of
    figures: each group of statistics (a plan's p5, p50, p95 and mean) one column headed by
    the plan's title (or the figure's name) whose cells are the median with its 90 % interval
    (p5-p95) beside it; the mean is left to the downloads. The `unit` column goes, each figure
    saying its unit; a scorecard's evidence rows (service.tasks.EVIDENCE_ROW) stand under
    their measure's figure in each plan's cell instead of as rows of their own. Plan ids in a
    `plan` column read as the plan's title, shortened (format.card_name). The numbers are
    those of the table: only their arrangement changes."""
    from moneytrail.web.format import card_name

    names = [c.name for c in table.columns]
    groups: dict[str, dict[str, int]] = {}
    for at, name in enumerate(names):
        if (split := stat_prefix(name)) is not None:
            groups.setdefault(split[0], {})[split[1]] = at
    groups = {k: v for k, v in groups.items() if {"p5", "p50", "p95"} <= set(v)}
    grouped = {at for g in groups.values() for at in g.values()}
    shown: list[tuple[str, Any]] = []        # ('column', index) or ('group', prefix)
    for at, name in enumerate(names):
        if at in grouped:
            prefix = stat_prefix(name)[0]    # type: ignore[index]
            if ("group", prefix) not in shown:
                shown.append(("group", prefix))
        elif not (name == "unit" and groups):
            shown.append(("column", at))
    columns = []
    for what, key in shown:
        if what == "group":
            title = compare_column_title(key, titles)
            columns.append({"name": title, "card": card_name(title, title)
                            if key in titles else ""})
        else:
            columns.append({"name": names[key].replace("_", " "), "card": ""})
    first = names[0] if names else ""
    evidence: dict[str, Sequence[Any]] = {}
    rows: list[Sequence[Any]] = []
    for row in table.rows:
        label = row[0] if row else None
        if isinstance(label, str) and label.endswith(EVIDENCE_SUFFIX):
            evidence[label[: -len(EVIDENCE_SUFFIX)]] = row
        else:
            rows.append(row)
    cells_out = []
    for shown_row in rows[:MAX_ROWS_SHOWN]:
        row = tuple(shown_row)
        weak = evidence.get(row[0]) if first == "metric" else None
        cells: list[Any] = []
        for what, key in shown:
            if what == "column":
                name = names[key]
                value = row[key]
                if name == "plan" and isinstance(value, str) and value in titles:
                    value = card_name(titles[value], titles[value], keep=60)
                unit = units.level_unit(name, table.columns[key].unit)
                cells.append(cell_text(value, row_unit(table, row, unit), name))
                continue
            stats = groups[key]
            unit = row_unit(table, row, units.level_unit(names[stats["p50"]],
                                                           table.columns[stats["p50"]].unit))
            p50, p5, p95 = (clean(row[stats[s]]) for s in ("p50", "p5", "p95"))
            if key == "change":
                cells.append({"median": units.change_text(p50, p5, p95, unit), "range": ""})
                continue
            cell = {"median": cell_text(p50, unit, names[stats["p50"]]),
                    "range": units.interval_text(p5, p95, unit, like=p50)
                    if p50 is not None else ""}
            if weak is not None and clean(weak[stats["p50"]]) is not None:
                cell["weak"] = units.median_interval(
                    clean(weak[stats["p50"]]), clean(weak[stats["p5"]]), clean(weak[stats["p95"]]),
                    "share")
            cells.append(cell)
        cells_out.append(cells)
    return {"columns": columns, "rows": cells_out, "count": len(rows), "index": len(table.index),
            "plan_columns": any(key in titles for what, key in shown if what == "group"),
            "evidence": bool(evidence), "means": any("mean" in g for g in groups.values()),
            "grouped": bool(groups)}


def compare_titles(result: Result) -> dict[str, str]:
    """A stored comparison's plans: id -> title, from its inputs (the plans compared); the id
    where a plan has no title."""
    plans = result.provenance.inputs.get("plans") if isinstance(
        result.provenance.inputs, dict) else None
    titles: dict[str, str] = {}
    for plan in plans or []:
        if isinstance(plan, dict) and isinstance(plan.get("id"), str):
            titles[plan["id"]] = str(plan.get("title") or plan["id"])
    return titles


READER_CHECK_TITLE = "A reader's figure, checked against the data"
READER_CHECK_TABLE = "The reader's figure, checked against the plan's run"


def reader_check(result: Result) -> dict[str, Any] | None:
    """A reader's own check stored as a run (service.own_claims.is_reader_check), as its
    run page shows it beside the check page: {"claim": the claim with its checks
    (claims_runs.grouped), "words": the words given with it, "withheld": whether it has no
    verdict}; None for any other run."""
    from moneytrail.analysis.verdicts import WITHHELD
    from moneytrail.service.own_claims import OWN_CLAIM_ID, is_reader_check
    from moneytrail.web.claims_runs import grouped

    if not is_reader_check(result):
        return None
    claim = grouped(records(result, "claims"), OWN_CLAIM_ID)
    return {"claim": claim, "words": claim["text"], "withheld": claim["verdict"] == WITHHELD}


def checked_run_fact(fact: dict[str, str], checked_run: str | None) -> dict[str, str]:
    """A fact naming the run a claims run was checked against (its label, service.runs.
    checked_against: '... run <id>'), split around that run's id (`before`, `run`, `after`)
    so the page links the run; other facts as they are."""
    if not checked_run or checked_run not in fact["value"]:
        return fact
    before, _, after = fact["value"].partition(checked_run)
    if before.endswith("run "):          # 'run <id>' is linked as a whole
        before = before[:-len("run ")]
    return {**fact, "before": before, "run": checked_run, "after": after}


def text_column(table: Table, k: int) -> bool:
    """Whether column `k` of `table` holds text (a claim, a note, source ids) rather than
    figures: any of its stored values is a string. A text column is shown left-aligned and
    wrapped (a figure's column is right-aligned and kept on one line: the `num` class), so a
    claims run's notes and source lists do not make its table tens of thousands of pixels
    wide."""
    return any(isinstance(row[k], str) for row in table.rows)


def tables_view(result: Result, *, url: str, origin: str,
                checked_run: str | None = None) -> View:
    """Any done run that is not a trace: its facts and every table it has (title, note,
    columns with units, rows as text), with downloads, sources and how to see it again. A
    sensitivity run's output is shown in words (report.sensitivity.readable_title: its stored
    title keeps the id, 'share:group:us_big_tech'), with what a group output leaves out.
    `checked_run`: the run a claims run (a reader's check, a claim checked against a run)
    was checked against (RunState.checked_run); the fact naming it links it
    (checked_run_fact)."""
    from moneytrail.report.sensitivity import output_hint, output_label, readable_title

    prov = result.provenance
    sensitive = result.kind == "sensitivity"
    titles = compare_titles(result) if result.kind == "compare" else {}
    title = readable_title(result.title) if sensitive else result.title
    if titles and list(titles) == result.facts.get("plans"):     # its plans by title
        title = " vs ".join(titles.values())
    created = prov.created[:10]
    reader = reader_check(result)          # a reader's own check: said so, never a claim
    if reader:
        title = READER_CHECK_TITLE
    citation = (("a reader's figure checked with moneytrail, not a reviewed claim: "
                 if reader else "") +
                f"moneytrail run {result.run_id}, \u201c{title if reader else result.title}"
                f"\u201d, code {prov.code_version}, data package {prov.data_label}, "
                f"computed {created}. {url}")
    tables = []
    for name, table in result.tables.items():
        rows = [[cell_text(v, row_unit(table, row, units.level_unit(c.name, c.unit)), c.name)
                 for v, c in zip(row, table.columns, strict=True)]
                for row in table.rows[:MAX_ROWS_SHOWN]]
        text, sources = split_note(jobs_note_in_words(table.note))
        if name == "scorecard":     # the export-rules date in words; no plan id in a sentence
            text = units.plain_plan_note(units.scorecard_note(text, result.facts, titles),
                                         titles)
        shown = readable_title(table.title) if sensitive else table.title
        if reader and name == "claims":
            shown = READER_CHECK_TABLE
        said = claim_verdicts(table)
        copies = verdict_copies(table) if said else []
        left_out = claims_left_out(table) if said else []
        keep = [k for k, c in enumerate(table.columns) if c.name not in left_out]
        if said:        # a claims table: read as the claims page reads it (claims_table)
            said["verdict_column"] = keep.index(said["verdict_column"])
        tables.append({"name": name, "title": shown or name, "note": text,
                       "sources": sources, "index": len(table.index),
                       "columns": list(CLAIMS_HEADERS) if said else
                       [table.columns[k].name.replace("_", " ") for k in keep],
                       "rows": [[row[k] for k in keep] for row in rows],
                       "text_columns": [j for j, k in enumerate(keep) if text_column(table, k)],
                       "count": len(table.rows), "verdict_copies": copies,
                       "left_out": left_out, "all_columns": len(table.columns),
                       "claims": claims_table(table, said) if said else [], **said})
        if titles:
            tables[-1].update(compare_table(table, titles), text_columns=[])
    currency = str(result.facts.get("currency") or "")
    facts = [checked_run_fact({"name": str(k).replace("_", " "),
                               "value": cell_text(v, currency if k == "total" else "", str(k))},
                              checked_run if k == "claims_file" else None)
             for k, v in result.facts.items()
             if v is not None and isinstance(clean(v), str | int | float)]
    if sensitive and isinstance(result.facts.get("output"), str):
        output = str(result.facts["output"])
        hint = output_hint(output)
        for fact in facts:
            if fact["name"] == "output":
                fact["value"] = (f"{output_label(output)} ({output}"
                                 + (f"; {hint}" if hint else "") + ")")
            elif fact["name"] == "base" and result.facts.get("unit") == "share":
                fact["value"] = cell_text(result.facts["base"], "share", "base")
    plan = run_plan(prov.inputs)
    return View(
        meta={"title": title, "run_id": result.run_id, "kind": result.kind,
              "page_title": f"{title} \u00b7 run {result.run_id[:8]}",
              "kind_label": READER_CHECK_TITLE if reader else
              KIND_LABELS.get(result.kind, result.kind),
              "data_version": prov.data_label, "code_version": prov.code_version,
              "created": prov.created, "retrieved": created, "url": url,
              "citation": citation, "ledger_revision": None},
        facts=facts, run_tables=tables, sources=list(prov.sources), reader_check=reader,
        draft=encode_draft(plan) if plan is not None else None,
        reproduce={"cli": f"moneytrail show {result.run_id} --db YOUR_STORE",
                   "api": f"{origin}/api/v1/runs/{result.run_id}"},
        tables=list(result.tables))


def result_table_rows(result: Result, name: str, names: Names) -> list[dict[str, Any]]:
    """Any table of a run (result tables and chart flows) as rows for CSV and JSON. The
    conditions table adds `condition_text` beside the stored `condition` (which keeps the
    ids: 'value_added_share (us_big_tech) <= 0.3'): each condition in words with groups,
    countries and firms by name (condition_rows), as the claims table has `bound_text`."""
    if name == "conditions" and name in result.tables:
        return [{"condition": row["condition"], "condition_text": row["words"],
                 **{k: v for k, v in row.items() if k not in ("condition", "words", "unit")}}
                for row in condition_rows(result, names)]
    if name == "scorecard" and name in result.tables:
        return scorecard_table_rows(result, names)
    if name == "evidence" and name in result.tables:
        return evidence_rows(result)
    if name in result.tables:
        return records(result, name)
    charts = run_chart_tables(result, names)
    if name in charts:
        return charts[name]
    raise MoneytrailError(f"unknown table of this run ({tables_text(result, charts)})",
                          field="table", value=name)


def scorecard_table_rows(result: Result, names: Names) -> list[dict[str, Any]]:
    """A run's scorecard table for CSV and JSON: the stored rows, with the market the HHI
    change is in beside its row (`market`, as the run page shows it; when the run names one)
    and last `reason`: why a row has no figure ("Not applicable: the plan sets no
    conditions", analysis.scorecard.NO_FIGURE; its evidence row takes its metric's) or why
    the HHI change is 0, as the run page and the compare CSV's `<plan>_reason` say it; null
    elsewhere."""
    from moneytrail.service.tasks import stored_scorecard_row

    shown = scorecard_rows(result, names)
    where = {row["metric"]: row["where"] for row in shown if row["where"]}
    reasons = {row["metric"]: row["reason"] for row in shown}
    key = result.tables["scorecard"].index[0]
    out = []
    for row in records(result, "scorecard"):
        metric = stored_scorecard_row(str(row[key]), str(row["unit"]))[0]
        base = metric.removesuffix(EVIDENCE_SUFFIX)
        extra = {"market": where.get(metric, "")} if result.facts.get("hhi_market") else {}
        values = [v for k, v in row.items() if k not in (key, "unit")]
        reason = reasons.get(base) if metric == base or all(v is None for v in values) \
            else None
        out.append({**row, **extra, "reason": reason})
    return out


# why an evidence row's shares are null (engine.evidence.evidence_frame: a figure that is
# zero in every draw has no shares), the API's `shares_reason`
EVIDENCE_NO_SHARES = ("no shares: the figure is 0 in every draw, so none of it rests on rows "
                      "of any label")


def evidence_rows(result: Result) -> list[dict[str, Any]]:
    """The evidence table's rows with `shares_reason` after them: why the shares of a row
    are null (EVIDENCE_NO_SHARES, a zero amount), null where they are given."""
    out = []
    for row in records(result, "evidence"):
        shares = [v for k, v in row.items() if k.endswith(("_mean", "_p5", "_p50", "_p95"))
                  and k != "amount_mean"]
        empty = bool(shares) and all(v is None for v in shares)
        out.append({**row, "shares_reason": EVIDENCE_NO_SHARES if empty else None})
    return out


def tables_text(result: Result, charts: dict[str, Any]) -> str:
    """The tables a run's downloads offer, counted as `moneytrail show` counts them (the
    stored tables) with the chart flows the API derives from them named apart: 'its 13
    tables: headline, ...; the charts' flows: flows_location, flows_ownership'."""
    stored = list(result.tables)
    text = f"its {len(stored)} table{'s' if len(stored) != 1 else ''}: {', '.join(stored)}"
    if charts:
        text += f"; the charts' flows (web app only): {', '.join(charts)}"
    return text


FLOW_TITLES = {"flows_first": "Where the money goes first: flows of the chart",
               "flows_location": "Where it ends up, by country where value is added: flows "
                                 "of the chart",
               "flows_ownership": "Where it ends up, by country with profits counted in the "
                                  "owners' country: flows of the chart"}


def result_table_json(result: Result, name: str, names: Names) -> dict[str, Any]:
    """One table of a run as JSON (`GET /api/v1/runs/<id>?table=<name>`): its rows with what
    reading them needs, as the whole result's JSON gives for each table: title, note, the
    run's currency and price year and each column's unit (Result.table_metadata). A chart's
    flows (not a stored table) are in the run's currency: `value` is money."""
    rows = result_table_rows(result, name, names)
    if name in result.tables:
        meta = result.table_metadata(name)
        about = {key: meta[key] for key in ("title", "note", "currency", "price_year",
                                            "units")}
    else:
        currency, price_year = result.money_context()
        about = {"title": FLOW_TITLES.get(name, name), "note": "", "currency": currency,
                 "price_year": price_year,
                 "units": {"source": "text", "target": "text", "value": "money",
                           "currency": "text"}}
    return {"run_id": result.run_id, "table": name, **about, "rows": rows}


def no_difference_reason(first: bool, second: bool) -> str:
    """Why a scorecard row of two runs has no difference: which run has no figure (the
    row's own reason column says why)."""
    which = "either plan" if first and second else "the first plan" if first \
        else "the second plan"
    return f"not subtracted: no figure for {which} (its reason says why)"


def csv_table(result: Result, table: str | None, names: Names, what: str = "CSV") -> str:
    """The table a run's CSV (or Parquet: `what`) download holds: `table`, else the run's
    only table. CSV holds one table, so a run of several without `table` is refused naming
    them, as `moneytrail show --format csv` refuses without --table (cli.plans.shown_tables)."""
    if table is not None:
        return table
    available = list(result.tables)
    if len(available) == 1:
        return available[0]
    charts = run_chart_tables(result, names)
    raise MoneytrailError(f"{what} holds one table and this run has several: choose one with "
                          f"table ({tables_text(result, charts)}), or use format=json for all",
                          field="table")


# -- compare ----------------------------------------------------------------------------------
def run_names(results: Sequence[Result]) -> list[str]:
    """Each run's name on the compare page, chart and tables: its plan's title, and where
    several runs share a title, what tells them apart in brackets, compactly: the draws
    and/or seed where those differ ('… (2,000 draws)', '… (500 draws, seed 2)'), else the
    time it was stored, else its run id's first eight digits."""
    from moneytrail.draws import draws_text

    out = []
    for result in results:
        alike = [other for other in results if other.title == result.title]
        parts = []
        if len({other.provenance.draws for other in alike}) > 1:
            parts.append(draws_text(result.provenance.draws, noun="draw"))
        if len({other.provenance.seed for other in alike}) > 1:
            parts.append(f"seed {result.provenance.seed}")
        if len(alike) > 1 and not parts:
            times = {units.stored_time(other.provenance.created) for other in alike}
            parts.append(f"stored {units.stored_time(result.provenance.created)}"
                         if len(times) == len(alike) else f"run {result.run_id[:8]}")
        out.append(f"{result.title} ({', '.join(parts)})" if parts else result.title)
    return out


def compare_view(results: list[Result], names: Names, url: str,
                 common_unit: tuple[list[dict[str, float]], str] | None = None,
                 currencies: Collection[str] | None = None, origin: str | None = None
                 ) -> View:
    """Runs side by side: the headline shares and the scorecard (median, 90 % interval).
    `url`: the page's address (the citation); `origin`: the site's address the reproduce
    commands fetch the plans from (scheme://host[:port][/path], no trailing slash; None: the
    scheme and host of `url`). `common_unit` (service.tasks.stored_scorecards_in_common_unit):
    per run the factors that restate its rows per million of its own currency in the unit
    shared by all runs, and the note that says so; without it the rows are shown as stored.
    `currencies`: the codes the data know (inherited_note; None: the bundled data's)."""
    from moneytrail.engine.dimensions import headline_label, headline_notes
    from moneytrail.service.footprints import plan_price_year
    from moneytrail.service.tasks import restate_per_million
    from moneytrail.web.format import card_name

    factors, unit_note = common_unit or ([{} for _ in results], "")
    years = [plan_price_year(r.provenance.inputs.get("plan") or {}) for r in results]
    # runs whose money is at different price years: the page labels every amount with its
    # run's (`mixed_prices`; nothing is restated), else a run's total names a price year
    # other than its plan's year
    from moneytrail.report import inputs as plan_inputs

    stated = [run_plan(r.provenance.inputs) or {} for r in results]
    plans = [{"run_id": r.run_id, "plan_id": str(p.get("id") or ""), "title": r.title,
              "name": name, "short": card_name(r.title, name),
              "currency": r.facts["currency"],
              "total": r.facts["total"], "draws": r.provenance.draws,
              "seed": r.provenance.seed, "data_version": r.provenance.data_label,
              "year": r.facts.get("year"), "price_year": year,
              "budget_own": plan_inputs.is_own_budget(p.get("budget")),
              "suppliers": plan_inputs.procurement_text(p, names.category, names.entity),
              "supplier_parts": plan_inputs.procurement_parts(p, names.category,
                                                              names.entity),
              "own_figures": plan_inputs.own_figures_note(p, names.category)}
             for r, p, year, name in zip(results, stated, years, run_names(results),
                                         strict=True)]
    from moneytrail.service.tasks import plan_file_names

    # the plans' file names: the tco table's `plan` and the reproduce lines below
    files = plan_file_names([p.get("id") for p in stated], [r.run_id for r in results])
    stems = [f.removesuffix(".yaml") for f in files]
    tco_rows = []           # the `tco` table: one row per run, nulls without a lifecycle table
    for entry, result, stem in zip(plans, results, stems, strict=True):
        lifecycle = lifecycle_view(result)             # the lifecycle's TCO, if stored
        tco = (lifecycle or {}).get("tco") or {}
        entry.update({f"tco_{s}": tco.get(s) for s in ("p50", "p5", "p95")},
                     tco_unit=tco.get("unit"), tco_period=tco.get("period"),
                     tco_scope=(lifecycle or {}).get("scope"))
        tco_rows.append({"plan": stem, "run_id": result.run_id,
                         "unit": tco.get("unit") or None, "period": tco.get("period") or None,
                         **{s: tco.get(s) for s in ("mean", "p5", "p50", "p95")}})
    # plans of different budgets: their totals (CO2 over the horizon, the TCO) differ with the
    # budget alone, so each total is also given per million of its plan's budget (stored
    # figure / stored budget; per EUR million as the per-million rows are), the TCO as a share
    # of the budget
    budget_note = plan_inputs.budgets_differ_note(
        [(r.facts.get("total"), str(r.facts["currency"])) for r in results],
        "under each total's median in the scorecard; the TCO as a share of the budget")
    for entry in plans:
        entry["tco_of_budget"] = units.share_of_budget(
            entry["tco_p50"], str(entry["tco_unit"] or ""), entry["total"],
            str(entry["currency"])) if budget_note else None
    found, alike = plan_inputs.compared_inputs(
        stated, [(r.provenance.draws, r.provenance.seed) for r in results], names.category,
        names.entity)
    # the page's list names the plans as its tables' cards do ("Plan 1"), under a key with
    # their titles; `differ` (the API's, as briefings write it) keeps the quoted titles
    differ = plan_inputs.named_differences(found, run_names(results))
    keyed = plan_inputs.named_differences(found, run_names(results),
                                          labels=plan_inputs.plan_labels(len(results)))
    per_budget: dict[str, dict[str, Any]] = {}
    metrics: dict[str, dict[str, Any]] = {}
    for k, result in enumerate(results):
        if "scorecard" not in result.tables:        # a `moneytrail trace` run
            continue
        for row in scorecard_rows(result, names):
            unit = str(row["unit"])
            values = {}
            for stat in ("p50", "p5", "p95"):
                unit_shown, values[stat] = restate_per_million(unit, row[stat], factors[k])
            entry = metrics.setdefault(row["metric"], {"metric": row["metric"],
                                                       "unit": unit_shown})
            for stat in ("p50", "p5", "p95"):
                entry[f"run{k + 1}_{stat}"] = values[stat]
            entry[f"run{k + 1}_reason"] = row["reason"]
            entry[f"run{k + 1}_where"] = row["where"]
            weight = row["weight"] or {}     # the run page's 'On assumption or weak rows'
            for stat in ("p50", "p5", "p95"):
                entry[f"run{k + 1}_weight_{stat}"] = weight.get(stat)
            if budget_note and units.is_total(unit):
                per, value = units.total_per_budget(
                    row["p50"], unit, result.facts.get("total"), str(result.facts["currency"]))
                per, value = restate_per_million(per, value, factors[k])
                per_budget.setdefault(row["metric"], {"unit": per})[f"run{k + 1}"] = value
    for entry in metrics.values():                 # a dash where a run has no figure
        for k in range(len(results)):
            for stat in ("p50", "p5", "p95", "reason", "where", "weight_p50", "weight_p5",
                         "weight_p95"):
                entry.setdefault(f"run{k + 1}_{stat}", None)
    weighted = any(entry[f"run{k + 1}_weight_p50"] is not None
                   for entry in metrics.values() for k in range(len(results)))
    # the run page's few-draws warning (draws.rough_draws_text), naming each run it concerns
    rough = [text.replace("This run", f"Run {r.run_id[:8]} (\u201c{r.title}\u201d)", 1)
             for r in results if (text := units.rough_draws_text(r.provenance.draws))]
    # a plan's title or description its budget no longer matches (inherited_note), per run
    texts = [f"Run {r.run_id[:8]} (\u201c{r.title}\u201d): {note}"
             for r, p in zip(results, stated, strict=True)
             if (note := inherited_note(p, currencies=currencies))]
    no_scorecard = [missing_text("scorecard").replace("This run", f"Run {r.run_id[:8]} "
                                                      f"(\u201c{r.title}\u201d)", 1)
                    for r in results if "scorecard" not in r.tables]
    headline: dict[str, dict[str, Any]] = {}
    for k, result in enumerate(results):
        key = result.tables["headline"].index[0]
        for row in records(result, "headline"):
            label = headline_label(str(row[key]))     # a row renamed since a run was stored
            entry = headline.setdefault(label, {"label": label})
            for stat in ("p50", "p5", "p95"):
                entry[f"run{k + 1}_{stat}"] = row[f"share_{stat}"]
    withheld = plan_inputs.withheld_difference_reason(years) if len(results) == 2 else ""
    if len(results) == 2:          # what changes: the second run minus the first
        for entry in [*headline.values(), *metrics.values()]:
            # a label only one run has (a run stored before a row was renamed): no difference
            first, second = entry.get("run1_p50"), entry.get("run2_p50")
            # money at two price years is not subtracted; money of two currencies is, in
            # EUR, the unit both are shown in (restate_per_million)
            money = units.is_money(str(entry.get("unit") or "")) and years[0] != years[1]
            both = isinstance(first, int | float) and isinstance(second, int | float)
            entry["difference_p50"] = (
                units.difference_value(first, second, str(entry.get("unit") or "share"))
                if both and not money else None)
            # why a difference of two figures is left out (the CSV's and JSON's own column)
            if "metric" in entry:          # scorecard rows (the headline holds shares)
                entry["difference_reason"] = withheld if both and money else \
                    None if both else no_difference_reason(first is None, second is None)
        for entry in per_budget.values():   # per million of budget: money, as rows per million
            comparable = years[0] == years[1]        # both in EUR when currencies differ
            entry["difference"] = units.difference_value(
                entry.get("run1"), entry.get("run2"), str(entry["unit"])) if comparable \
                else None
    if withheld and any(entry.get("difference_reason") == withheld
                        for entry in metrics.values()):
        unit_note = (f"{unit_note} The difference column leaves out figures per million and "
                     f"amounts of money (\u2013): {withheld.removeprefix('not subtracted: ')}."
                     ).strip()
    from urllib.parse import urlsplit

    base = origin if origin is not None else "{0.scheme}://{0.netloc}".format(urlsplit(url))
    same = len({(r.provenance.draws, r.provenance.seed) for r in results}) == 1
    fetch = [shlex.join(["curl", "-o", file, f"{base}/api/v1/runs/{r.run_id}/plan.yaml"])
             for file, r in zip(files, results, strict=True)]
    cli = "\n".join([*(f"moneytrail show {r.run_id} --db YOUR_STORE" for r in results),
                      *([*fetch, shlex.join(["moneytrail", "compare", *files, "--draws",
                                             str(results[0].provenance.draws), "--seed",
                                             str(results[0].provenance.seed)])]
                        if same else [])])
    python = ("from moneytrail.service import tasks\n"
              "from moneytrail.service.workspace import Workspace\n"
              "with Workspace.open() as ws:   # the store that holds the runs\n"
              f"    runs = [tasks.show_run(ws, rid) for rid in {[r.run_id for r in results]!r}]"
              "\n    for run in runs:\n        print(run.title, run.table('headline'))")
    reproduce = {"cli": cli, "python": python,
                 "api": f"{base}/api/v1/compare?runs={','.join(r.run_id for r in results)}"
                        "&format=csv&table=headline",
                 "plans": ", ".join(f"/api/v1/runs/{r.run_id}/plan.yaml" for r in results)}
    return View(meta={"title": "Plans compared: " + " vs ".join(run_names(results)),
                      "data_version": results[0].provenance.data_label, "url": url,
                      "citation": compare_citation(results, url), "ledger_revision": None,
                      "retrieved": results[0].provenance.created[:10]},
                runs=plans, headline=list(headline.values()), reproduce=reproduce,
                headline_notes=headline_notes(headline),
                mixed_prices=len(set(years)) > 1,
                no_scorecard=no_scorecard, scorecard_note=unit_note, rough_draws=rough,
                plan_texts=texts,
                rent_left_out=[f"Run {r.run_id[:8]} (\u201c{r.title}\u201d): "
                               f"{r.facts['rent_left_out']}" for r in results
                               if r.facts.get("rent_left_out")],
                weighted=weighted, scorecard=list(metrics.values()),
                differ=differ, differ_keyed=keyed, same=alike,
                own_note=plan_inputs.OWN_FIGURES_NOTE, own_why=plan_inputs.OWN_FIGURES_WHY,
                budget_note=budget_note,
                per_budget=per_budget,
                difference=len(results) == 2,
                tco=tco_rows, tables=["runs", "headline", "scorecard", "tco"])


def compare_citation(results: Sequence[Result], url: str) -> str:
    """The line to cite runs compared by: their run ids, the data package and `url`, the
    comparison's address (the page's own, or the page a workbook names)."""
    ids = ", ".join(r.run_id for r in results)
    return (f"moneytrail comparison of runs {ids}, data package "
            f"{results[0].provenance.data_label}. {url}")


COMPARE_NAME_CHARS = 20      # of each plan id in a compare download's file name


def compare_subject(view: View) -> tuple[str, ...]:
    """The subject of a compare page's download names (views.download_name), as its parts:
    'compare' and the compared plans' ids between 'vs' (moneytrail-compare-eu-ai-
    gigafactories-vs-stargate-style-us-headline-...). Each id is a safe file name
    (scenarios.schema.plan_file_stem) cut to COMPARE_NAME_CHARS, at its last dash when there
    is one in the second half; two plans whose names are then the same get their run id's
    first 8 digits (service.tasks.plan_file_names)."""
    from moneytrail.scenarios.schema import plan_file_stem
    from moneytrail.service.tasks import plan_file_names

    def short(stem: str) -> str:
        if len(stem) <= COMPARE_NAME_CHARS:
            return stem
        cut = stem[:COMPARE_NAME_CHARS + 1]             # a dash right after the limit counts
        dash = cut.rfind("-")
        return (cut[:dash] if dash > COMPARE_NAME_CHARS // 2 else cut[:-1]).strip("-")

    runs = view["runs"]
    stems = [short(plan_file_stem(r["plan_id"])) for r in runs]
    names = [f.removesuffix(".yaml") for f in plan_file_names(stems,
                                                              [r["run_id"] for r in runs])]
    parts = ["compare"]
    for k, name in enumerate(names):
        parts += [*(["vs"] if k else []), name]
    return tuple(parts)


def compare_csv_rows(view: View, name: str) -> list[dict[str, Any]]:
    """A compare page's table for CSV: its columns named after the plans, as a compare run's
    are (`<plan>_p50`, docs/results.md), not `run1_p50`: each plan id as a file name
    (service.tasks.plan_file_names, with the run id's first digits where two plans share an
    id); `difference_p50` is the second plan's median minus the first's (two runs)."""
    from moneytrail.service.tasks import plan_file_names

    runs = view["runs"]
    stems = [f.removesuffix(".yaml") for f in plan_file_names(
        [r["plan_id"] for r in runs], [r["run_id"] for r in runs])]
    # a plan called `difference` would take the difference column's name: suffixed
    stems = [f"{stem}-plan" if stem == "difference" else stem for stem in stems]
    prefixes = {f"run{k + 1}_": f"{stem}_" for k, stem in enumerate(stems)}

    def renamed(key: str) -> str:
        head = re.match(r"run\d+_", key)
        return prefixes.get(head.group(0), head.group(0)) + key[head.end():] if head else key

    return [{renamed(k): v for k, v in row.items()} for row in view[name]]

