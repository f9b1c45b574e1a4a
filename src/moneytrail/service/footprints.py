"""Jobs (FTE-years, and FTE at one time) and supply-chain CO2 beside the money in a trace's
tables (issue 14).

`add_footprints` computes them once per trace (one replay of the draws, `analysis.jobs`) and
adds columns `jobs_fte_*` (FTE-years) and `co2_t_*` (t CO2e) to the country, entity and tier
breakdowns, plus two tables: `jobs` (total, temporary vs lasting, per million of the plan's
currency, FTE anchored on firms' filings vs on national average pay, the share resting on
national averages, and the labour cost per FTE-year each anchored firm implies) and `co2`
(embodied scope 1+2 CO2 by tier, per million of the plan's currency); each of their rows
names its unit (column `unit`). Every table's note names the sources, the reliability of the
rows used and what the data do not cover. A package without the data, or a model without
firm-level cost structures (a pymrio table), gets no such columns and no error.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from moneytrail.engine.summary import STATS
from moneytrail.service.result import Table

JOBS_TITLE = ("Jobs paid for (FTE-years, and FTE at one time): firms' employees per revenue "
              "where filings give it, else labour value added / compensation per FTE")
WORK = "jobs (FTE-years)"          # work over the whole spending: jobs x years
YEARS_UNIT = "FTE-years"
CO2_TITLE = "Embodied CO2 of the supply chain (scope 1+2 of every firm the money reaches)"
PREFIX = {"jobs": ("jobs_fte", "FTE-years"), "co2": ("co2_t", "t CO2e")}


def per_eur_million(result: Any, money: Any) -> float:
    """Millions of EUR the plan spends (its currency converted at its price year, nominal)."""
    from moneytrail.analysis.footprints import fx_factor, money_year

    plan = result.require_plan()
    return plan.total * fx_factor(money, plan.currency, money_year(result), "EUR") / 1e6


def plan_millions(result: Any) -> tuple[float, str]:
    """(millions the plan spends in its own currency, that currency): the denominator of the
    jobs and CO2 per million rows of a trace's tables."""
    plan = result.require_plan()
    return plan.total / 1e6, plan.currency


RESTATED_SINCE = (0, 5, 1)  # code version from which jobs and CO2 restate the price year


def restates_price_year(code: Any) -> bool:
    """Whether a run computed by moneytrail `code` (its provenance.code_version, '0.5.0')
    restated the plan's money from its price year to the plan year before it met pay per FTE
    and intensities per USD million (analysis.footprints.restated, since 0.5.1). Versions
    are compared as numbers (0.5.10 after 0.5.9); an unreadable one ('unknown') counts as
    the current code's."""
    parts = re.match(r"\s*(\d+(?:\.\d+)*)", str(code or ""))
    if not parts:
        return True
    return tuple(int(n) for n in parts.group(1).split(".")) >= RESTATED_SINCE


def jobs_price_note(currency: str, price_year: Any, pay_years: Any = (),
                    plan_year: Any = None, restated: bool = True) -> str:
    """The plain sentence that goes wherever jobs per million spent are shown: the price year
    they are at (the plan's `price_year`, else its `year`: analysis.footprints.money_year)
    and what moves them. Pay per FTE (macro/compensation.csv, of `pay_years` when known) is
    converted at the exchange rates of the year it was measured in and taken as the plan
    year's money (`plan_year`, not deflated to it), so the same plan in another currency
    shows a few per cent more or fewer jobs per million. Money at a price year other than
    the plan year is restated to the plan year's prices with the package's deflators before
    it meets pay and employees per revenue (analysis.footprints.restated,
    usd_per_plan_unit), as chip prices and market sizes are: the price year changes the
    jobs per million (millions at that year's prices), the jobs themselves only by the gap
    between exchange rates and prices (0.4 % for the Gigafactories plan at 2015 prices,
    docs/methods.md). `restated`=False: a run computed before the restatement
    (restates_price_year), whose pay is not deflated to the price year and whose money is
    not restated: the earlier sentence. Units: `currency` is an ISO code (EUR in a
    side-by-side view)."""
    years = sorted({int(y) for y in pay_years})
    measured = f"{', '.join(map(str, years))} figures" if years else "figures of the year " \
        "they were measured in"
    at = "those years'" if len(years) > 1 else "that year's"
    if not restated:
        return (f"Jobs per {currency} million are at {price_year} prices, the plan's price "
                f"year; pay per full-time job ({measured}) is converted into {currency} at "
                f"{at} exchange rates and not deflated to {price_year}, so the same plan in "
                "another currency or price year shows a few per cent more or fewer jobs per "
                "million.")
    target = plan_year or price_year
    restate = "" if plan_year is None or str(plan_year) == str(price_year) else (
        f"; the plan's money is restated from {price_year} to {plan_year} prices with the "
        "package's deflators before it meets pay and staff per revenue, so the price year "
        "changes jobs per million but hardly the jobs")
    return (f"Jobs per {currency} million are at {price_year} prices, the plan's price year; "
            f"pay per full-time job ({measured}) is converted into {currency} at {at} "
            f"exchange rates and not deflated to {target}, the plan year{restate}. The same "
            "plan in another currency shows a few per cent more or fewer jobs per million "
            "(the pay year's exchange rates).")


def jobs_price_compare_note(labels: list[str], currencies: list[str], price_years: list[Any],
                            unit: str, restated: list[bool] | None = None) -> str:
    """jobs_price_note for plans side by side: '' when they share one currency and one price
    year; else the price year of each plan (by `labels`) and what moves jobs per million
    (`unit`: the currency the side-by-side rows are per million of): the pay year's exchange
    rates (a few per cent between currencies) and the price year (millions at different
    prices; the jobs themselves are restated with the money). `restated`: per plan, whether
    its run restated the price year (restates_price_year of stored runs' code versions;
    None: all did, as a run computed now); runs that did not are named as such."""
    if len(set(currencies)) == 1 and len(set(price_years)) == 1:
        return ""
    each = ", ".join(f"{label}: {year}" for label, year in zip(labels, price_years, strict=True))
    flags = restated if restated is not None else [True] * len(labels)
    old = [label for label, flag in zip(labels, flags, strict=True) if not flag]
    if old:
        some = "" if len(old) == len(labels) else (
            "; other plans' money at another price year is restated to its plan year's "
            "prices before it meets pay")
        return (f"Jobs per {unit} million are at each plan's price year ({each}); pay per "
                "full-time job is converted at the exchange rates of the year it was measured "
                "in and not deflated, so plans in different currencies or price years show a "
                "few per cent more or fewer jobs per million from that alone; "
                f"{', '.join(old)}: computed by code before 0.5.1, money not restated from its "
                f"price year{some}.")
    return (f"Jobs per {unit} million are at each plan's price year ({each}); pay per "
            "full-time job is converted at the exchange rates of the year it was measured in "
            "and not deflated, so plans in different currencies show a few per cent more or "
            "fewer jobs per million from that alone; a plan's money at another price year is "
            "restated to its plan year's prices before it meets pay, so its jobs per million "
            "differ by the price change, its jobs hardly.")


def money_price_compare_note(price_years: list[Any], labels: list[str] | None = None) -> str:
    """What plans side by side at different price years say about their money: '' when they
    share one; else that amounts of money (the whole plan budget per GPT-4-level training run) and
    figures per million spent are each at its plan's price year, not restated to one. With
    `labels` (a table whose cells do not say their year: the CLI's) each plan is named with
    its year; without, the years are named and each figure is labelled where it is shown."""
    if len(set(price_years)) <= 1:
        return ""
    if labels is None:
        years = ", ".join(str(y) for y in sorted(set(price_years), key=int))
        how = ", as labelled under each figure"
    else:
        years = ", ".join(f"{label}: {year}"
                          for label, year in zip(labels, price_years, strict=True))
        how = ""
    return (f"The plans' money is at different price years ({years}): amounts of money and "
            f"figures per million spent are each at its plan's price year{how}, not restated "
            "to one price year.")


def plan_price_year(plan: Any) -> Any:
    """The price year of a plan or of a stored run's plan mapping: `price_year`, else
    `year` (None when neither is known)."""
    get = plan.get if isinstance(plan, dict) else lambda key: getattr(plan, key, None)
    return get("price_year") or get("year")


def run_jobs_price_note(result: Any) -> str:
    """jobs_price_note for a stored run with a jobs table, from the plan it records (its
    currency and price year) and the code version that computed it (restates_price_year);
    '' when the run has no jobs table or no plan."""
    if "jobs" not in getattr(result, "tables", {}):
        return ""
    plan = result.provenance.inputs.get("plan") or {}
    year = plan_price_year(plan)
    return jobs_price_note(str(plan.get("currency") or "EUR"), year,
                           plan_year=plan.get("year"),
                           restated=restates_price_year(result.provenance.code_version)) \
        if year else ""


def reliability_text(frame: pd.DataFrame) -> str:
    if not len(frame) or "reliability" not in frame:
        return "none"
    counts = frame["reliability"].value_counts()
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def package_footprint(ws: Any, result: Any, name: str, scale: float = 1.0) -> Any:
    """`TraceResult.footprint(name)` of a plan traced by `moneytrail.trace` on a model of the
    package of `ws`: `co2e_scope12` or `employees` (valuechain/satellites.csv accounts,
    analysis.footprints.satellite_account; `scale` multiplies the intensities) or `jobs`
    (FTE-years, analysis.jobs.plan_footprints): the figures add_footprints puts in a trace
    run's tables for the same plan, draws and seed."""
    from dataclasses import replace

    from moneytrail.analysis.footprints import satellite_account
    from moneytrail.analysis.jobs import plan_footprints
    from moneytrail.data.footprints import ACCOUNTS, footprint_tables
    from moneytrail.engine.footprint import trace_footprint
    from moneytrail.errors import MoneytrailError

    names = (*ACCOUNTS, "jobs")
    if name not in names:
        raise MoneytrailError(f"no such footprint in the data package (use "
                              f"{', '.join(names)})", field="name", value=name)
    tables = footprint_tables(ws.package)
    if name == "jobs":
        if scale != 1.0:
            raise MoneytrailError("jobs take no scale (it multiplies intensities)",
                                  field="scale", value=scale)
        if result.model.cost_parameters is None or not len(tables.compensation):
            raise MoneytrailError("no jobs figures: the data package has no compensation "
                                  "per FTE (macro/compensation.csv) or the model no firm-level "
                                  "cost structures", field="name", value=name)
        return plan_footprints(result, tables, ws.analysis.money)[0].fte
    account, _ = satellite_account(result, tables, ws.analysis.money, name)
    if scale != 1.0:
        account = replace(account, coefficient=account.coefficient * scale)
    return trace_footprint(result, account)


def add_footprints(ws: Any, result: Any, tables: dict[str, Table],
                   totals: dict[str, Any] | None = None) -> list[str]:
    """Add the jobs and CO2 columns and tables to a plan trace's tables; returns the source
    ids they cite (empty when the package or the model has nothing to compute them from).
    `totals`, when given and the trace kept its draws, receives the per-draw totals the
    scorecard uses (analysis.jobs.footprint_draws keys)."""
    from moneytrail.analysis.jobs import plan_footprints
    from moneytrail.data.footprints import footprint_tables
    from moneytrail.errors import DataPackageError

    if result.plan is None or result.model.cost_parameters is None:
        return []
    data = footprint_tables(ws.package)
    if not len(data.compensation):
        return []
    try:
        money = ws.analysis.money
    except DataPackageError:
        return []
    jobs, co2 = plan_footprints(result, data, money)
    if result.per_draw is not None:           # the scorecard and comparisons reuse them
        from moneytrail.analysis.metrics import Evaluation

        Evaluation.of(result, ws.analysis).jobs_given(jobs, co2)
    eur_m = per_eur_million(result, money)
    if totals is not None and result.per_draw is not None:
        from moneytrail.analysis.jobs import draw_totals

        totals.update(draw_totals(result, jobs, co2, eur_m))
    columns = {"jobs": jobs.fte}
    if co2 is not None:
        columns["co2"] = co2.footprint
    names = ws.valuechain.entity_names()
    uncovered = [named(u, names, " ") for u in jobs.uncovered]
    gap = "" if not uncovered else (
        f" Jobs cover {jobs.coverage:.1%} of the plan's labour value added; not counted: "
        + "; ".join(uncovered[:8]) + (" ..." if len(uncovered) > 8 else "") + ".")
    for dimension in ("country", "entity", "tier"):
        if dimension in tables:
            split = ANCHORED_SPLIT if dimension == "country" and len(jobs.implied_pay) else ""
            tables[dimension] = with_columns(tables[dimension], dimension, columns,
                                             gap + split)
    if "headline" in tables:                   # jobs per headline row (flows: labour only)
        # a row without counted wages (profits, taxes) has no jobs figure, not zero jobs
        no_wages = jobs.fte.by("headline")["amount_mean"] == 0
        tables["headline"] = with_columns(tables["headline"], "headline", {"jobs": jobs.fte},
                                          blank=list(no_wages[no_wages].index))
    sources = list(jobs.sources)
    tables["jobs"] = jobs_table(result, jobs, names)
    if co2 is not None:
        tables["co2"] = co2_table(result, co2, own_power_overlap(ws, result, co2))
        sources += co2.sources
    return sorted(set(sources))


# the country table's warning when firms' FTE rest on their filings (analysis.jobs): their
# filed staff is split over countries by labour value added / national average pay, so each
# of their countries gets the firm's own labour value added per FTE relative to national pay
ANCHORED_SPLIT = (
    " Do not divide a country's wages (labour value added, the country_factor breakdown) by "
    "its FTE-years to read its pay: where firms anchored on their filings hold the labour, "
    "their staff (from the filing) is split over their countries in proportion to labour "
    "value added / national average pay, so each of their countries shows national pay times "
    "the firm's own ratio of labour value added per filed FTE to national pay. A firm "
    "whose ratio is k (k > 1: e.g. much of its labour in low-pay countries, where it pays "
    "more than the national average) shows k times the national pay per FTE-year in every "
    "country, its home country too: too few FTE-years in high-pay countries, too many in "
    "low-pay ones; its total follows its filing (the jobs table has each firm's implied "
    "labour cost per FTE-year; docs/methods.md).")


def with_columns(table: Table, dimension: str, footprints: dict[str, Any],
                 gap: str = "", blank: list[str] | None = None) -> Table:
    """`table` with the footprints' mean / p5 / p50 / p95 columns by `dimension`; rows in
    `blank` (where the measure does not apply) are left empty."""
    frame = table.frame()
    units = {c.name: c.unit for c in table.columns}
    for key, footprint in footprints.items():
        prefix, unit = PREFIX[key]
        values = footprint.by(dimension)
        for stat in STATS:
            column = f"{prefix}_{stat}"
            frame[column] = values[f"amount_{stat}"].reindex(frame.index)   # NaN: no figure
            if blank:
                frame.loc[frame.index.isin(blank), column] = float("nan")
            units[column] = unit
    note = table.note
    # the headline table has jobs alone (its rows are flows: CO2 is by firm, country, tier)
    which = ("Jobs (FTE-years: jobs x years, over the whole spending) and CO2 (t CO2e) "
               "columns" if "co2" in footprints else
               "Jobs column (FTE-years: jobs x years, over the whole spending; embodied CO2 "
               "is in the entity, country, tier and co2 tables)")
    extra = (f"{which}: see the jobs and co2 tables for jobs at one time, sources "
             "and coverage (and which firms' FTE rest on their filings rather than on "
             "national average pay); empty where the data have no figure (e.g. no FX rate for a "
             "country's currency, or no CO2 intensity for the firms there) or where a row holds no "
             "wages (profits, taxes: jobs are counted from labour value added only)." + gap)
    return Table.from_frame(table.name, frame, title=table.title, units=units,
                            note=f"{note} {extra}".strip())


def named(text: str, names: dict[str, str], sep: str) -> str:
    """`text` that starts with an entity id followed by `sep` ('nvidia (US)', 'nvidia: why'),
    with the entity's display name in place of its id (the id when the data have no name)."""
    head, found, rest = text.partition(sep)
    return names.get(head, head) + found + rest


def stats_row(row: pd.Series, unit: str, scale: float = 1.0) -> dict[str, Any]:
    return {"unit": unit, **{f"amount_{s}": float(row[f"amount_{s}"]) * scale for s in STATS}}


def measures_table(name: str, title: str, rows: dict[str, dict[str, Any]], note: str) -> Table:
    """A jobs or co2 table: rows of measures, each with its unit and mean / p5 / p50 / p95."""
    frame = pd.DataFrame(rows).T
    frame.index.name = "measure"
    frame = frame.astype({f"amount_{s}": float for s in STATS})
    units = {"unit": "text", **{f"amount_{s}": "by row" for s in STATS}}
    return Table.from_frame(name, frame, title=title, units=units, note=note)


def jobs_table(result: Any, jobs: Any, names: dict[str, str] | None = None) -> Table:
    """The jobs table; firms are shown by their display name (`names`, entity id -> name,
    ValueChain.entity_names; the id where it has none)."""
    from moneytrail.analysis.jobs import AVERAGES, BASIS, FILINGS

    names = names or {}

    millions, currency = plan_millions(result)
    years = plan_spend_years(result.require_plan())
    total, parts = jobs.fte.by("total").iloc[0], jobs.fte.by("part")
    rows = {f"{WORK}, all": stats_row(total, YEARS_UNIT)}
    for label, row in parts.iterrows():
        rows[f"{WORK}, {part_name(str(label))}"] = stats_row(row, YEARS_UNIT)
    at_once = at_one_time(years)
    rows[f"{at_once}, all"] = stats_row(total, "FTE", 1.0 / years)
    for label, row in parts.iterrows():
        rows[f"{at_once}, {part_name(str(label))}"] = stats_row(row, "FTE", 1.0 / years)
    rows[f"{WORK} per {currency} million spent"] = stats_row(
        total, f"{YEARS_UNIT} per {currency} million", 1.0 / millions)
    basis = jobs.fte.by(BASIS)
    for label in (FILINGS, AVERAGES):
        rows[f"{WORK} from {label}"] = stats_row(basis.loc[label], YEARS_UNIT)
    share = jobs.averages_share()
    rows[f"share of the FTE from {AVERAGES}"] = stats_row(share, "share")
    by_entity = jobs.fte.by("entity")["amount_mean"]
    paid = [e for e in jobs.implied_pay.index if by_entity.get(e, 0.0) > 0]
    labels = {e: names.get(e, e) for e in paid}
    if len(set(labels.values())) < len(labels):       # two firms of one name: add the id
        labels = {e: f"{names.get(e, e)} [{e}]" if e in names else e for e in paid}
    for entity in paid:
        rows[f"implied labour cost per FTE-year, {labels[entity]} (labour value added / FTE)"] \
            = stats_row(jobs.implied_pay.loc[entity], currency)
    plan = result.require_plan()
    note = jobs_note(jobs, currency, paid, share, names, price_year=plan_price_year(plan),
                     plan_year=plan.year,
                     years_note=spend_years_note(spend_years_default(plan)))
    return measures_table("jobs", JOBS_TITLE, rows, note)


# the fields a plan sets its years of spending with (analysis.concentration.spend_years)
SPEND_YEARS_FIELDS = frozenset({"horizon_years", "spend_years"})
# the fact of a trace run that keeps spend_years_default's answer (runs stored before lack it)
SPEND_YEARS_DEFAULT = "spend_years_default"
# the fact of a trace run that keeps its years of spending, plan_spend_years (runs stored
# before lack it: their jobs table's at_one_time labels name them, report.units.spend_years_text)
SPEND_YEARS = "spend_years"


def spend_years_default(plan: Any) -> bool:
    """Whether a plan (a Plan as read from its file, the builder or the API) leaves its years
    of spending to the tool's default: it sets neither `spend_years` nor `horizon_years`
    (pydantic's `model_fields_set`). `horizon_years: 5` written in the plan is the plan's
    own five years, though it equals the default. Decided when the plan is traced and kept
    in the run (fact SPEND_YEARS_DEFAULT): a plan stored with a run writes every field."""
    return not SPEND_YEARS_FIELDS & set(getattr(plan, "model_fields_set", SPEND_YEARS_FIELDS))


def stored_spend_years_default(result: Any) -> bool | None:
    """spend_years_default of the plan a stored run traced: the run's fact; for a run stored
    before the fact, False when its plan (every field written) has spend_years or another
    horizon_years than the default, else None (it cannot tell a plan's own 5 years from the
    default's)."""
    from moneytrail.scenarios.schema import Plan

    facts = getattr(result, "facts", None) or {}
    if isinstance(facts.get(SPEND_YEARS_DEFAULT), bool):
        return bool(facts[SPEND_YEARS_DEFAULT])
    plan = result.provenance.inputs.get("plan") or {}
    if not isinstance(plan, dict):
        return None
    if plan.get("spend_years") is not None or plan.get("horizon_years") not in (
            None, Plan.model_fields["horizon_years"].default):
        return False
    return None


# the jobs note says the plan's fields in readers' words; a script reads the years from the
# run's facts (SPEND_YEARS, SPEND_YEARS_DEFAULT; docs/results.md), the fields from docs/methods.md
YEARS_OVER = ("(the years the plan says its budget is spent over or, if it does not say, the "
              "years the plan covers)")
CAN_SET_YEARS = "can set its own years of spending (1 to 30, at most the horizon)"
# notes stored before named the fields (spend_years, horizon_years): `jobs_note_in_words`
# puts them in these words
STORED_NOTE_FIELDS = {
    "(the plan's spend_years, else its horizon_years)": YEARS_OVER,
    "can set spend_years (1 to 30, at most horizon_years)": CAN_SET_YEARS,
    "can set spend_years (1 to 30)": "can set its own years of spending (1 to 30)",
}


def jobs_note_in_words(note: str) -> str:
    """A jobs note as readers get it: the plan's fields a note stored before named
    ('spend_years') in the words the note says them in now.

    >>> jobs_note_in_words("a plan file can set spend_years (1 to 30, at most horizon_years)")
    'a plan file can set its own years of spending (1 to 30, at most the horizon)'
    """
    for field, words in STORED_NOTE_FIELDS.items():
        note = note.replace(field, words)
    return note


def spend_years_note(default: bool | None) -> str:
    """Where the years of spending (that jobs at one time divide by) come from, when they are
    not the plan's own: for a plan that leaves them to the tool's default (`default`,
    spend_years_default), the default horizon of 5 years, an assumption and not a fact about
    the plan; for a stored run that cannot tell (`default` None,
    stored_spend_years_default), the horizon, said neutrally; '' when the plan sets its
    years (False)."""
    from moneytrail.scenarios.schema import Plan

    years = Plan.model_fields["horizon_years"].default
    if default is None:
        return (f"The years of spending are the plan's horizon, {years} years (the tool's "
                "default unless the plan sets it); a plan file or the API's plan "
                f"{CAN_SET_YEARS} to change it.")
    if not default:
        return ""
    return (f"The {years} years of spending are the tool's default spending period, an "
            "assumption and not a figure of the plan, which does not say over how many years "
            f"it spends; a plan file or the API's plan {CAN_SET_YEARS} to change it.")


def stored_plan_years(plan: Any, default: bool | None) -> Any:
    """A Plan read back from a run's stored inputs (every field written, so every field
    counts as set) with the run's decision on its years restored: when the run found them
    the tool's default (`default` True, stored_spend_years_default), horizon_years and
    spend_years count as unset again, so tracing it again decides alike."""
    if not default or not SPEND_YEARS_FIELDS & plan.model_fields_set:
        return plan
    values = {name: getattr(plan, name) for name in type(plan).model_fields}
    return type(plan).model_construct(_fields_set=plan.model_fields_set - SPEND_YEARS_FIELDS,
                                      **values)


def plan_spend_years(plan: Any) -> int:
    """Years the plan's budget is spent over (analysis.concentration.spend_years)."""
    from moneytrail.analysis.concentration import spend_years

    return spend_years(plan)


def part_name(label: str) -> str:
    """A duration part of analysis.jobs without its unit: 'lasting (operations)'."""
    return label.replace(", FTE-years)", ")")


def running_categories(plan: Any) -> list[str]:
    """The plan's spending categories that pay for operations (analysis.jobs.DURATION:
    lasting), in its order, those with a share above zero; `plan`: a Plan or its mapping."""
    from moneytrail.analysis.jobs import DURATION, LASTING

    spend = plan.get("spend") if isinstance(plan, dict) else getattr(plan, "spend", None)
    out = []
    for category, item in (spend or {}).items():
        share = item if isinstance(item, int | float) else max(
            float(_field(item, key) or 0.0) for key in ("central", "high"))
        if DURATION.get(str(category)) == LASTING and share > 0:
            out.append(str(category))
    return out


def _field(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def lasting_note(plan: Any, years: str, category: Any = None) -> str:
    """What the jobs table's 'lasting (operations)' figure counts for `plan` (a Plan or its
    mapping), said beside it: for a plan whose budget pays for no operations, that its 0 means
    the budget funds none (not that the plan creates no lasting jobs); else that it is the
    work its running spending pays for over the `years` of spending ('5 years'), which ends
    with that money. `category`: id -> name (the id with spaces when None)."""
    named = category or (lambda c: str(c).replace("_", " "))
    running = [text[:1].lower() + text[1:] for text in map(named, running_categories(plan))]
    if not running:
        return ("Zero because the plan's budget pays for no operations (no staff, electricity, "
                "cloud compute or other running spending): it pays for building and "
                "equipment only. It does not mean the plan creates no lasting jobs: the staff "
                "who would run what it builds are paid from other money, not counted here.")
    return (f"The work the plan's running spending pays for ({', '.join(running)})"
            f" during the {years} the budget is spent over: jobs paid from the budget for its "
            "spending years, which end when that money does unless other money pays on; not "
            "jobs kept after the plan.")


def at_one_time(years: int) -> str:
    """The label of the jobs-at-one-time rows: FTE-years / the years of spending."""
    return (f"jobs at one time (FTE: FTE-years / {years} year{'s' if years != 1 else ''} "
            "of spending)")


def jobs_note(jobs: Any, currency: str, paid: list[str], share: pd.Series,
              names: dict[str, str] | None = None, price_year: Any = None,
              plan_year: Any = None, years_note: str = "") -> str:
    """The jobs table's note: the two bases and which entities rest on each (by display
    name, `names`), coverage, what is not counted, the price year of the figures per million
    (jobs_price_note, when `price_year` is given), where the years of spending come from
    (`years_note`, spend_years_note), sources."""
    names = names or {}
    by_entity = jobs.fte.by("entity")["amount_mean"]
    anchored = set(jobs.implied_pay.index)
    averages = [names.get(str(e), str(e)) for e, v in by_entity.items()
                if v > 0 and e not in anchored]
    listed = "; ".join(averages[:8]) + (f" and {len(averages) - 8} more" if len(averages) > 8
                                        else "")
    uncovered_named = [named(u, names, " ") for u in jobs.uncovered]
    uncovered = "; ".join(uncovered_named[:8]) + (" ..." if len(uncovered_named) > 8 else "")
    mean_share = float(share["amount_mean"])
    parts = []
    anchored_names = sorted((names.get(e, e) for e in paid), key=str.casefold)  # as read
    if paid:
        parts.append(
            f"Firms anchored on their filings ({'; '.join(anchored_names)}): "
            "FTE = the firm's output caused by the plan x its employees per USD million of revenue "
            "(valuechain/satellites.csv; reliability: "
            f"{reliability_text(jobs.anchored[jobs.anchored['entity'].isin(paid)])}), "
            "split across the countries where it pays wages by labour value added / "
            "compensation per FTE there. That split uses national average pay, which is "
            "below what these firms pay abroad, so it puts too many of their FTE in "
            "low-wage countries (India, China, the rest of the world) and too few in the US "
            "and the firms' other high-pay countries (their European home countries too); "
            "their totals are not affected (docs/methods.md). Their implied labour cost "
            "per FTE-year (labour value added / FTE, in the rows above) can be compared "
            "with what the firm pays; far above it, the cost structure's labour share "
            "and the filing disagree. FTE grow in proportion to the money: where the plan "
            "buys more from a firm than its yearly revenue (e.g. a large licence budget "
            "for a small model maker), its FTE exceed the staff it has; they are the staff "
            "such revenue takes at the firm's present intensity, not jobs that exist.")
    parts.append(
        f"Every other entity ({listed or 'none'}): FTE = labour value added of each flow / "
        "compensation per FTE of its country and industry, national averages "
        f"(macro/compensation.csv; reliability of the rows used: "
        f"{reliability_text(jobs.compensation)}); {mean_share:.1%} of the FTE (mean) rest on "
        "them.")
    if jobs.not_anchored:
        parts.append("Employees rows not used: "
                     + "; ".join(named(n, names, ":") for n in jobs.not_anchored) + ".")
    parts.append(
        f"Covers {jobs.coverage:.1%} of the plan's labour value added"
        + (f"; not covered: {uncovered}" if uncovered else "")
        + ". " + (jobs_price_note(currency, price_year, compensation_years(jobs), plan_year) + " "
                  if price_year else f"Per {currency} million: of the plan's budget in its own "
                  "currency (nominal). ")
        + "Every figure in FTE-years is work over the whole spending (jobs x years: 10 "
        "FTE-years are 10 jobs for one year or 1 job for 10 years), for construction and "
        "equipment and for operations alike; jobs at one time are FTE-years divided by the "
        f"years the budget is spent over {YEARS_OVER}, an average over those years. "
        + (years_note + " " if years_note else "")
        + "Direct and supply-chain jobs only: no induced jobs, "
        "no jobs that AI use removes (docs/methods.md). Sources: " + ", ".join(jobs.sources))
    return " ".join(parts)


def compensation_years(jobs: Any) -> list[int]:
    """The years of the pay per FTE figures the jobs rest on (macro/compensation.csv rows
    used); empty when the table names none."""
    frame = getattr(jobs, "compensation", None)
    if frame is None or not len(frame) or "year" not in frame:
        return []
    return sorted({int(y) for y in pd.to_numeric(frame["year"], errors="coerce").dropna()})


def coverage_text(coverage: float) -> str:
    """What the embodied CO2 leaves out: nothing when every firm the money reaches has an
    intensity (`coverage`, the share of the plan's output at firms with a figure, prints as
    100.0 %; most are labelled assumptions, valuechain/satellites.csv, not published figures),
    else the firms without one, so the figure is a lower bound."""
    if f"{coverage:.1%}" == "100.0%":
        return ("Every firm the money reaches has a figure, so none of that output is left "
                "out: a published figure where one was read (a firm's report, national "
                "statistics), else an assumption from its peers or its sector (labelled "
                "assumption in the reliability above).")
    return (f"Firms with a figure make {coverage:.1%} of that output; the others are left "
            "out (a lower bound).")


def own_power_overlap(ws: Any, result: Any, co2: Any) -> Any:
    """Per draw: the CO2 of the power the plan buys in its own electricity category and its
    hardware uses, which operational CO2 (the lifecycle table) already counts
    (analysis.lifecycle.electricity_overlap, the lifecycle's rule); None when nothing is left
    out: no electricity category, or a trace without its draws (`moneytrail trace`), or a
    site without grid or price rows (then the co2 table's note says the power is included)."""
    from moneytrail.analysis.lifecycle import ELECTRICITY, electricity_overlap
    from moneytrail.analysis.metrics import Evaluation
    from moneytrail.errors import MoneytrailError

    if ELECTRICITY not in result.require_plan().spend or result.per_draw is None \
            or co2.footprint.per_draw is None:
        return None
    evaluation = Evaluation.of(result, ws.analysis)
    try:
        return electricity_overlap(result, ws.analysis, evaluation.lifecycle(),
                                   evaluation.purchases)
    except MoneytrailError:
        return None


# the co2 table's rows when the power the plan buys and uses is left out (`co2_table`)
OWN_POWER_LEFT_OUT = "own power left out (counted in operational CO2)"
NET = ", less own power in operational CO2"


def co2_table(result: Any, co2: Any, overlap: Any = None) -> Table:
    """The co2 table. `overlap` (per draw, `own_power_overlap`): the CO2 of the power the
    plan buys and its hardware uses; when some draw has any, the all-tiers, first-invoice and
    per-million rows leave it out (their labels say so) and a row shows it, so embodied plus
    operational CO2 counts no kWh twice, as the lifecycle table does."""
    import numpy as np

    from moneytrail.analysis.stats import describe

    millions, currency = plan_millions(result)
    fp = co2.footprint
    net = overlap is not None and bool(np.any(overlap > 0))

    def described(values: Any, unit: str, scale: float = 1.0) -> dict[str, Any]:
        return {"unit": unit, **{f"amount_{k}": v * scale for k, v in describe(values).items()}}

    suffix = NET if net else ""
    total = fp.per_draw["total"][:, 0] - overlap if net else None
    rows = {f"embodied CO2, all tiers{suffix}": described(total, "t CO2e") if net else
            stats_row(fp.by("total").iloc[0], "t CO2e")}
    tiers = fp.labels.get("tier", ())
    for label, row in fp.by("tier").iterrows():
        if net and tiers and label == tiers[0]:          # the first invoice holds the power
            rows[f"embodied CO2, {label}{suffix}"] = described(
                fp.per_draw["tier"][:, 0] - overlap, "t CO2e")
        else:
            rows[f"embodied CO2, {label}"] = stats_row(row, "t CO2e")
    if net:
        rows[f"embodied CO2, {OWN_POWER_LEFT_OUT}"] = described(overlap, "t CO2e")
    rows[f"embodied CO2 per {currency} million spent{suffix}"] = described(
        total, f"t CO2e per {currency} million", 1.0 / millions) if net else stats_row(
        fp.by("total").iloc[0], f"t CO2e per {currency} million", 1.0 / millions)
    power = ("The plan buys electricity in its budget and its hardware uses that power: the "
             "share of the purchase's first invoice its hardware uses (its suppliers' scope "
             "1+2, the generation of that power) is left out of the all-tiers, first-invoice "
             "and per-million rows, as in the lifecycle table, because operational CO2 "
             "counts those kWh; embodied plus operational CO2 counts each kWh once "
             "(docs/methods.md, 'Lifecycle cost and TCO'). " if net else
             "The plan buys electricity in its budget: these rows include the generation of "
             "that power (its suppliers' scope 1+2), which operational CO2 also counts as far "
             "as its hardware uses it; the lifecycle table leaves that share out. "
             if ELECTRICITY_CATEGORY in result.require_plan().spend else "")
    note = (f"Scope 1+2 intensity (t CO2e per USD million of revenue, "
            f"valuechain/satellites.csv; reliability: {reliability_text(fp.provenance)}) x "
            f"each firm's output caused by the plan. {coverage_text(co2.coverage)} {power}"
            "Operational electricity and its CO2 are in the lifecycle table. Sources: "
            + ", ".join(co2.sources))
    return measures_table("co2", CO2_TITLE, rows, note)


ELECTRICITY_CATEGORY = "electricity"     # analysis.lifecycle.ELECTRICITY (no numpy import)


def analysis_frame(ws: Any, result: Any, what: str) -> pd.DataFrame:
    """`moneytrail analyse --what jobs|co2`: the measures of the trace's jobs or co2 table
    (mean, p5, p50, p95); a clear error when the data have no figures for it."""
    from moneytrail.errors import MoneytrailError

    tables: dict[str, Table] = {}
    add_footprints(ws, result, tables)
    if what not in tables:
        raise MoneytrailError(f"no {what} figures: the data package has no "
                              + ("compensation per FTE (macro/compensation.csv)" if what ==
                                 "jobs" else "CO2 intensities (valuechain/satellites.csv)")
                              + " or the model no firm-level cost structures",
                              field="what", value=what)
    frame = tables[what].frame()
    frame.attrs["units"] = {c.name: c.unit for c in tables[what].columns}
    frame.attrs["note"] = tables[what].note
    return frame


def cited_sources(ws: Any, result: Any, what: list[str]) -> list[str]:
    """Source ids behind the jobs and CO2 figures an analysis shows (`jobs`: the compensation
    rows of the countries where the plan's labour value added is; `co2` and `lifecycle`: the
    co2e_scope12 rows of the model's firms), without replaying the draws."""
    from moneytrail.analysis.jobs import source_ids
    from moneytrail.data.footprints import footprint_tables

    if result.plan is None or not {"jobs", "co2", "lifecycle"} & set(what):
        return []
    data = footprint_tables(ws.package)
    year, model = result.plan.year, result.model
    out: list[str] = []
    if "jobs" in what and len(data.compensation):
        labour = model.flows.loc[model.flows["factor"] == "labour"]
        comp = data.compensation_for(year)
        out += source_ids(comp[comp["country"].isin(set(labour["country"]))])
        employees = data.satellite("employees", year)       # the firms anchored on filings
        if len(employees):
            out += source_ids(employees[employees["entity"].isin(set(labour["entity"]))])
    if {"co2", "lifecycle"} & set(what):
        rows = data.satellite("co2e_scope12", year)
        if len(rows):
            out += source_ids(rows[rows["entity"].isin(model.labels)])
    return sorted(set(out))
