"""One function per user task. The CLI and the web app parse input, call these, and render.

Every task builds its canonical inputs, derives the run id (`service.runs.run_id`), returns the
stored result when the store already has that run, and otherwise computes, stores and returns
it. Pass `store=None` to compute without a store (nothing is written).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import pandas as pd

from moneytrail.analysis.claims import DRAWS as CLAIM_DRAWS
from moneytrail.analysis.claims import SEED as CLAIM_SEED
from moneytrail.analysis.claims import Claim
from moneytrail.analysis.claims_schema import claim_inputs
from moneytrail.data.checks import split_list
from moneytrail.engine.dimensions import OWNERSHIP_TITLE
from moneytrail.engine.result import TraceResult, code_version
from moneytrail.engine.trace import DEFAULT_TIERS, check_draws, check_seed
from moneytrail.errors import MoneytrailError, ScenarioError
from moneytrail.ledger.money import DEFLATOR_OF
from moneytrail.scenarios.schema import Condition, Plan, distinct_labels, number_text, revalidated
from moneytrail.service.result import EXPORT_RULES_ON, Provenance, Result, Table, now_iso
from moneytrail.service.runs import (
    INTERRUPTED,
    OPEN_STATUSES,
    RunState,
    RunStore,
    canonical_json,
    lease_expired,
    process_owner,
    run_id,
)
from moneytrail.service.workspace import Workspace
from moneytrail.text import shown_text

if TYPE_CHECKING:
    from moneytrail.analysis.scorecard import Scorecard

log = logging.getLogger("moneytrail.service.tasks")

Progress = Callable[[int, int], None]

BREAKDOWNS = ("headline", "entity", "country", "owner_country", "group", "factor", "tier",
              "supplier", "country_factor", "owner_country_factor")
TITLES = {
    "headline": "Where the money ends up (share of the spending as value added)",
    "entity": "Value added by firm or sector",
    "country": "Value added by country where it is generated (location)",
    "owner_country": OWNERSHIP_TITLE,
    "group": "Value added by group (groups overlap)",
    "factor": "Wages, profits and taxes",
    "tier": "Value added by supply-chain tier",
    "supplier": "First invoices: direct spending by supplier",
    "country_factor": "Value added by country where it is generated and factor",
    "owner_country_factor": "Value added by country, profits counted in the owners' country "
                            "(ownership), and factor",
    "scorecard": "Scorecard: median (90 % interval) over Monte Carlo draws",
    "conditions": "Conditions of the plan",
    "categories": "What the plan buys: spending by category",
    "purchases": "What the plan buys: spending by category and supplier",
    "jobs": "Jobs paid for (FTE-years): labour value added / compensation per FTE",
    "co2": "Embodied CO2 of the supply chain (scope 1+2 of every firm the money reaches)",
    "evidence": "Evidence weight: share of each figure resting on rows of each reliability "
                "label (each unit of value added takes the weakest label on its path)",
}
EVIDENCE_NOTE = ("Path: the plan's spend row, the market row, every supply-chain input row and "
                 "the value-added row; labels filing > official > analyst > estimate > weak > "
                 "assumption; a plan row without a label counts as assumption. A share set in "
                 "the plan builder is the plan's own input (own_input, between estimate and "
                 "weak), not counted as assumption or weak. See docs/methods.md, 'Evidence "
                 "weight'.")
ANALYSES = ("concentration", "markets", "dependency", "jurisdictions", "exports", "lifecycle",
            "efficiency", "conditions", "jobs", "co2", "market_power", "procurement")


def need_workspace(ws: Any) -> Workspace:
    """`ws` when it is a Workspace; a MoneytrailError saying a task needs one otherwise (a
    task called as `tasks.trace_plan(None, plan)`)."""
    if not isinstance(ws, Workspace):
        raise MoneytrailError("a task needs a Workspace as its first argument: "
                              "ws = moneytrail.Workspace.open() (the bundled data) or "
                              "Workspace.open(folder)", field="ws", value=type(ws).__name__)
    return ws


def plan_inputs(plan: Plan) -> dict:
    """A plan's content, canonical (no file path): the part of a run id a plan contributes."""
    return plan.model_dump(mode="json", exclude={"path"})


def model_plan_inputs(plan: Plan) -> dict:
    """A plan's content without its `draws` and `seed`: the part of a run id a plan
    contributes to a task that draws no samples of it (sensitivity: its own samples and seed),
    so plans differing only in those defaults give that task one run id."""
    return {k: v for k, v in plan_inputs(plan).items() if k not in ("draws", "seed")}


def run_plan_inputs(plan: Plan, draws: int, seed: int) -> dict:
    """A plan's content as a run of it stores it: with the run's own draws and seed in place
    of the plan's `draws` and `seed` (only defaults once a run says its own). So one
    computation has one run id, whatever defaults the plan carried (a reference plan's 10,000
    run with 2,000 draws, or the builder's copy of it saying 2,000), and the plan a run page
    links to ("Edit this plan", plan.yaml) runs again with the run's draws and seed."""
    return {**plan_inputs(plan), "draws": draws, "seed": seed}


def provenance(ws: Workspace, inputs: dict, *, seed: int | None, draws: int | None,
               sources: list[str]) -> Provenance:
    return Provenance(inputs=inputs, code_version=code_version(),
                      data_version=ws.data_version, data_hash=ws.data_hash,
                      data_label=ws.data_label, created=now_iso(), seed=seed, draws=draws,
                      sources=tuple(sorted(dict.fromkeys(s for s in sources if s))))


def known_currencies(ws: Workspace, *, check: bool = True) -> set[str]:
    """Currencies the package's FX table converts (plus the euro, its base). `check`: refuse
    a table that breaks a cell rule first (check_fx), as a task does before it converts; a
    page naming the amounts a plan's title names (scenarios.reference.title_figures) passes
    False, as it converts nothing."""
    package = ws.package
    if not package.has("macro-fx"):
        return {"EUR", "USD"}
    from moneytrail.ledger.validate import check_fx

    fx = package.table("macro-fx")
    if check:
        check_fx(fx)            # the cell rules `moneytrail validate` applies (issue 9)
    return {"EUR"} | set(fx["currency"])


def check_year(ws: Workspace, plan: Plan) -> Plan:
    """The plan's `year` is one the data package has cost structures for
    (`model.builder.check_year`, the rule every model build applies): raises ScenarioError
    naming the plan's file (not the data package), the field `year` and its value, with the
    years the data cover."""
    from moneytrail.model.builder import check_year as check_data_year

    check_data_year(ws.valuechain, plan.year, scenario=plan.path or plan.id)
    return plan


def check_plan(ws: Workspace, plan: Plan, *, site: bool = False) -> Plan:
    """What the schema alone cannot check: the currency is one the data convert (at the
    plan's price year: `check_fx`), the year has data (building the model raises a clear
    error otherwise) and, with `site` (the task computes the lifecycle: a scorecard,
    `analyse --what lifecycle`, a CO2 or renewable-share condition), the site's grid and
    price data (`check_site`; a site that is no country at all, `site_country: XX`, the
    schema refuses for every task: `moneytrail.countries`). Run before any draw, so a bad
    plan fails in a second with one line, not after the trace. Returns the plan checked by
    the schema again (`revalidated`: a plan changed with pydantic's model_copy skipped it);
    the tasks go on with that one."""
    from moneytrail.analysis.claims import package_source_ids
    from moneytrail.engine.demand import market_rows
    from moneytrail.scenarios.schema import check_currency

    plan = revalidated(plan)
    check_currency(plan, known_currencies(ws))
    known = package_source_ids(ws.package)
    cited = [("budget.source", plan.budget.source)]
    cited += [(f"spend.{c}.source", i.source) for c, i in plan.spend.items()]
    cited += [(f"procurement.{c}.{e}.source", i.source)
              for c, shares in plan.procurement.items() for e, i in shares.items()]
    unknown = [(field, source) for field, source in cited if source and source not in known]
    if unknown:                    # a plan traced for a ledger deal cites the store's sources
        known = known | {record["id"] for record in ws.ledger().records("source")}
    for field, source in unknown:
        if source not in known:
            raise ScenarioError("unknown source id (not in the data package or the ledger "
                                "store)", file=plan.path or plan.id, field=field,
                                value=shown_text(source))
    check_year(ws, plan)
    check_fx(ws, plan)
    check_budget(ws, plan)
    market_rows(plan, ws.model(plan.year))   # categories and suppliers the model knows
    check_condition_targets(ws, plan)
    if site:
        check_site(ws, plan)
    return plan


def validate_plan(ws: Workspace, plan: Plan) -> Plan:
    """`moneytrail validate plan.yaml`: every check a task runs on a plan before computing
    (`check_plan`, the one function trace, analyse, compare and the web app call), with the
    site's grid and price data as analyse, compare and the web app need them. So a file
    `validate` calls valid is one those tasks accept, and the checks cannot drift apart."""
    return check_plan(need_workspace(ws), plan, site=True)


def check_condition_targets(ws: Workspace, plan: Plan) -> None:
    """The group, entity or country a condition names is one the model's value added rows
    hold, checked as analysis.metrics checks it after the trace (same messages and fields),
    so a plan with `group: US big tech` fails before any draw, not after the run."""
    rules = [(k, c) for k, c in enumerate(plan.conditions)
             if any(getattr(c, s) is not None for s in ("group", "entity", "country",
                                                         "owner_country"))]
    if not rules:
        return
    model = ws.model(plan.year)
    table = model.flow_table()
    where = plan.path or plan.id
    for k, rule in rules:
        field = f"conditions.{k}"
        if rule.group is not None:
            known = sorted({g for gs in table["groups"] for g in gs})
            if rule.group not in known:
                raise ScenarioError(f"unknown group (known: {', '.join(known)})",
                                    file=where, field=f"{field}.group", value=rule.group)
        elif rule.entity is not None:
            if rule.entity not in model.index:
                raise ScenarioError("unknown entity", file=where, field=f"{field}.entity",
                                    value=rule.entity)
        else:
            column, code = (("country", rule.country) if rule.country
                            else ("owner_country", rule.owner_country))
            if code != "EU" and code not in set(table[column]):
                raise ScenarioError("unknown country code (or no value added there)",
                                    file=where, field=f"{field}.{column}", value=code)


def check_fx(ws: Workspace, plan: Plan) -> Plan:
    """The FX table converts the plan's currency at its price year (`price_year`, else
    `year`) to USD and EUR, as the CO2, jobs and footprint figures do after the trace
    (`analysis.footprints.fx_factor`, which takes the latest earlier year with rates).
    A price year later than the newest year both macro/fx.csv and macro/deflators.csv reach
    is refused too: amounts at prices of a year the data do not cover would be converted at
    an older year's rates as if prices had not changed (no labelled assumption says so).
    Raises ScenarioError naming the plan's file, the year's field and its value, with the
    years the table covers. A package without analysis tables (a bare model) is not checked."""
    from moneytrail.analysis.footprints import fx_factor
    from moneytrail.ledger.errors import ConversionError

    if not ws.package.has("analysis-sources"):
        return plan                 # a package without analysis tables converts nothing
    year = plan.price_year or plan.year
    money = ws.analysis.money
    newest = newest_money_year(money)
    if newest is not None and year > newest:
        raise ScenarioError(f"price year later than the newest year of the data package's FX "
                            f"rates and deflators ({newest}, macro/fx.csv and "
                            f"macro/deflators.csv); give a price_year of {newest} or earlier",
                            file=plan.path or plan.id,
                            field="price_year" if plan.price_year else "year", value=year)
    for to in ("USD", "EUR"):
        try:
            fx_factor(money, plan.currency, year, to)
        except ConversionError:
            years = sorted({y for (c, y) in money.rates if c in (plan.currency, to)})
            span = f"{years[0]}-{years[-1]}" if years else "none"
            raise ScenarioError(f"no FX rates to convert {plan.currency} to {to} at or "
                                f"shortly before this price year (macro/fx.csv has {span})",
                                file=plan.path or plan.id,
                                field="price_year" if plan.price_year else "year",
                                value=year) from None
    check_restatement(money, plan)
    return plan


def check_restatement(money: Any, plan: Plan) -> None:
    """Jobs and embodied CO2 restate a plan's money from its price year to the plan year
    (analysis.footprints.restated: the currency's rate and its deflator at both years) and
    into USD (usd_per_plan_unit), with no earlier year's rate standing in as fx_factor's
    does. A price year those conversions cannot reach (a TWD plan at 2026 prices when
    macro/fx.csv has TWD rates to 2025) is refused before the trace: ScenarioError naming
    `price_year`, what the data lack and the price years they can restate from. A price
    year equal to the plan year restates nothing (check_fx covers its conversion)."""
    if plan.price_year is None or int(plan.price_year) == int(plan.year):
        return
    covered = restatable_price_years(money, plan)
    if int(plan.price_year) in covered:
        return
    reach = f"price years {year_spans(covered)}" if covered else "no price year"
    raise ScenarioError(f"the data package has no {plan.currency} exchange rate or price "
                        f"index for {plan.price_year} to restate the plan's money to "
                        f"{plan.year} prices and USD (macro/fx.csv, macro/deflators.csv); "
                        f"it can restate {plan.currency} from {reach}",
                        file=plan.path or plan.id, field="price_year",
                        value=plan.price_year)


def restatable_price_years(money: Any, plan: Plan) -> list[int]:
    """The price years from which the FX rates and deflators (macro/fx.csv,
    macro/deflators.csv) restate the plan's currency to its plan year's prices and to USD
    (analysis.footprints.restated and usd_per_plan_unit, as check_restatement needs)."""
    from types import SimpleNamespace

    from moneytrail.analysis.footprints import restated, usd_per_plan_unit
    from moneytrail.ledger.errors import ConversionError

    def works(price: int) -> bool:
        trial = SimpleNamespace(currency=plan.currency, year=plan.year, price_year=price)
        try:
            restated(money, trial)
            usd_per_plan_unit(money, trial)
        except ConversionError:
            return False
        return True

    years = sorted({y for _, y in money.rates} | {y for _, y in money.indices})
    return [y for y in years if works(y)]


def price_year_note(ws: Workspace, plan: Plan) -> str:
    """What a checked plan's price year other than its plan year stands on, for `moneytrail
    validate` to say rather than accept it silently: 'amounts at 2026 prices, restated to
    2025 prices with macro/fx.csv and macro/deflators.csv, which restate EUR from price
    years 2015-2026'. '' when the price year is the plan year (or the package has no
    analysis tables, so nothing is restated)."""
    if plan.price_year is None or int(plan.price_year) == int(plan.year) \
            or not ws.package.has("analysis-sources"):
        return ""
    covered = restatable_price_years(ws.analysis.money, plan)
    provisional = provisional_money_rows(ws, plan.currency, int(plan.price_year))
    return (f"amounts at {plan.price_year} prices, restated to {plan.year} prices with "
            f"macro/fx.csv and macro/deflators.csv, which restate {plan.currency} from "
            f"price years {year_spans(covered)}"
            + (f"; provisional for {plan.price_year}: {provisional}, so the restated "
               "figures will move when full-year values replace them" if provisional else ""))


def provisional_money_rows(ws: Workspace, currency: str, year: int) -> str:
    """What of `year`'s conversion rows for `currency` is not a full-year value: FX rates
    (macro/fx.csv, for the currency and USD) whose note says 'not a full year' (a mean of
    the daily fixings so far) and deflators (macro/deflators.csv) from a source labelled
    `estimate` in macro/sources.csv standing in for the series' own source that year:
    'the FX rates (a year-to-date mean) and the hicp_ea deflator (an estimate)', or ''."""
    package, money = ws.package, ws.analysis.money
    parts = []
    if package.has("macro-fx"):
        fx = package.table("macro-fx")
        rows = fx[(fx["year"].astype(int) == year) & fx["currency"].isin({currency, "USD"})]
        if rows["note"].fillna("").str.contains("not a full year").any():
            parts.append("the FX rates (a year-to-date mean)")
    if package.has("macro-deflators") and package.has("macro-sources"):
        sources = package.table("macro-sources")
        guesses = set(sources.loc[sources["reliability"] == "estimate", "id"])
        wanted = {DEFLATOR_OF[money.deflator_currency(c)] for c in (currency, "USD")}
        deflators = package.table("macro-deflators")
        for series in sorted(wanted):
            rows = deflators[deflators["series"] == series]
            own = rows["source"].mode()            # the source most of its years come from
            this = rows.loc[rows["year"].astype(int) == year, "source"]
            if len(this) and this.iloc[0] in guesses and this.iloc[0] not in set(own):
                parts.append(f"the {series} deflator (an estimate)")
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def year_spans(years: list[int]) -> str:
    """Sorted years as runs: [2015, 2016, 2017, 2020] -> '2015-2017, 2020'."""
    spans: list[list[int]] = []
    for year in years:
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def largest_economy(ws: Workspace, year: int) -> tuple[str, int, float, str] | None:
    """The largest GDP in the data package's macro/gdp.csv (current USD) in the year nearest
    `year` (the later one on a tie): (country code, GDP year, GDP in USD, source id); None
    without USD GDP rows. 2024: the United States, USD 29.18 tn (x_wb_gdp_2024, World Bank
    NY.GDP.MKTP.CD)."""
    if not ws.package.has("macro-gdp"):
        return None
    gdp = ws.package.table("macro-gdp")
    gdp = gdp[(gdp["currency"] == "USD") & pd.to_numeric(gdp["value"], errors="coerce").notna()]
    if gdp.empty:
        return None
    years = sorted({int(y) for y in gdp["year"]})
    nearest = min(years, key=lambda y: (abs(y - year), -y))
    rows = gdp[gdp["year"].astype(int) == nearest]
    top = rows.iloc[int(pd.to_numeric(rows["value"]).to_numpy().argmax())]
    return str(top["country"]), nearest, float(top["value"]), str(top["source"])


def check_budget(ws: Workspace, plan: Plan) -> Plan:
    """The budget, converted to USD at the plan's price year, is at most the GDP of the
    largest economy in macro/gdp.csv (`largest_economy`, the year nearest the price year).
    The bound is a labelled assumption (docs/errors.md): the largest AI plans announced are
    around USD 0.5-1.5 tn, so a plan spending more than a whole year's output of the world's
    largest economy is a typo (1e17 read as EUR 100,000 tn), not a plan; the schema's
    MAX_BUDGET (1e17 in any currency) stays the hard cap for files read without data.
    Raises ScenarioError naming `budget.amount`, the amount, the GDP figure, its year and
    source id. A package without GDP rows or FX tables is not checked."""
    from moneytrail.analysis.footprints import fx_factor
    from moneytrail.ledger.errors import ConversionError

    year = plan.price_year or plan.year
    top = largest_economy(ws, year) if ws.package.has("analysis-sources") else None
    if top is None:
        return plan
    country, gdp_year, gdp, source = top
    try:
        usd = plan.total * fx_factor(ws.analysis.money, plan.currency, year, "USD")
    except ConversionError:
        return plan                   # check_fx names the missing rate
    if usd > gdp:
        amount = f"{plan.currency} {plan.total / 1e12:,.1f} tn" + (
            "" if plan.currency == "USD" else f" (USD {usd / 1e12:,.1f} tn)")
        raise ScenarioError(f"a budget of {amount} is more than the "
                            f"GDP of the largest economy in the data package ({country}, USD "
                            f"{gdp / 1e12:,.1f} tn in {gdp_year}, the GDP table of the data "
                            "package, source "
                            f"{source}): no AI plan spends a year's output of the world's "
                            "largest economy; check the amount and its unit",
                            file=plan.path or plan.id, field="budget.amount",
                            value=number_text(plan.total))
    return plan


def newest_money_year(money: Any) -> int | None:
    """The newest year both the FX table (any currency) and the deflator series reach: the
    latest price year a plan's money can be converted at (2026 in data 2.2.0); None when
    either table is empty."""
    fx = [year for _, year in getattr(money, "rates", {})]
    deflators = [year for _, year in getattr(money, "indices", {})]
    if not fx or not deflators:
        return None
    return min(max(fx), max(deflators))


SITE_METRICS = frozenset({"co2_tonnes", "renewable_share"})   # metrics that read the site


def needs_site(plan: Plan, what: list[str] | tuple[str, ...] = ("scorecard",),
               conditions: list[Condition] | None = None) -> bool:
    """Whether the analyses in `what` read the plan's site data (grid intensity, electricity
    price): the scorecard and lifecycle always, conditions when one uses a site metric."""
    if {"scorecard", "lifecycle"} & set(what):
        return True
    rules = list(plan.conditions) + list(conditions or [])
    return "conditions" in what and any(c.metric in SITE_METRICS for c in rules)


def check_site(ws: Workspace, plan: Plan) -> Plan:
    """The plan's site (site country, else buyer region) has the grid intensity and electricity
    price the lifecycle analysis reads: tasks that compute it (`check_plan(site=True)`; web runs)
    check it before they start, not after every draw. Raises ScenarioError naming the plan's
    file, `site_country` and its value."""
    from moneytrail.analysis.site import site_row

    site = plan.site_country or plan.buyer_region
    data = ws.analysis
    try:
        site_row(data["grid"], site, plan.year, "grid intensity")
        site_row(data["electricity_prices"], site, plan.year, "electricity price")
    except ScenarioError as exc:
        raise ScenarioError(f"{exc.detail} (the lifecycle's CO2 and electricity cost need "
                            f"it){site_advice(ws, plan)}", file=plan.path or plan.id,
                            field=exc.field, value=exc.value) from None
    return plan


def site_advice(ws: Workspace, plan: Plan) -> str:
    """What a user whose `site_country` has no grid or price rows can do, as the end of
    `check_site`'s message: leave it out, so the lifecycle reads the buyer region's rows (the
    method's own fallback: site country, else buyer region), when the data have them (for an
    EU member bought in the EU: the EU average rows), or give a listed country. '' when the
    plan names no site, or the buyer region has no rows either. No figure is made up for a
    country the data lack."""
    region = plan.buyer_region
    site = plan.site_country
    data = ws.analysis
    if site is None or site == region or not all(
            (data[table]["country"] == region).any()
            for table in ("grid", "electricity_prices")):
        return ""
    if region == "EU" and site in ws.valuechain.eu_members():
        rows = "the EU average of the buyer region EU"
    else:
        rows = f"the figures of the buyer region {region}"
    return f": leave site_country out to use {rows}, or give one of the countries listed"


def plan_sources(ws: Workspace, plan: Plan) -> list[str]:
    """Source ids behind a plan's trace: its own, its markets' and the year's cost rows'."""
    chain = ws.valuechain
    ids = [plan.budget.source or ""]
    ids += [i.source or "" for i in plan.spend.values()]
    ids += [i.source or "" for shares in plan.procurement.values() for i in shares.values()]
    markets = chain.markets[(chain.markets["year"] == plan.year)
                            & (chain.markets["buyer_region"] == plan.buyer_region)
                            & chain.markets["category"].isin(list(plan.spend))]
    costs = chain.cost_structures[chain.cost_structures["year"] == plan.year]
    for cell in list(markets["sources"]) + list(costs["sources"]):
        ids += split_list(cell)
    return ids


def fail_interrupted(store: RunStore, rid: str) -> None:
    """Mark a run whose computation was stopped (KeyboardInterrupt, SystemExit) as failed,
    interrupted, so the next process asking for it computes it at once instead of waiting
    for the stopped process's lease to expire. Errors of the store are logged, not raised:
    the interruption is re-raised by the caller."""
    try:
        store.fail(rid, INTERRUPTED)
    except Exception:
        log.warning("could not mark the interrupted run %s as failed", rid, exc_info=True)


WAIT_SECONDS = 0.5       # how often a run another process computes is looked at


class Runner:
    """Looks a run up in the store, or computes, stores and returns it. A run another live
    process is computing (its lease: service.runs) is waited for, not computed again."""

    def __init__(self, ws: Workspace, store: RunStore | None) -> None:
        self.ws = ws
        self.store = store

    def run(self, kind: str, label: str, inputs: dict, total: int,
            compute: Callable[[str, Progress | None], Result],
            progress: Progress | None = None, checked_run: str | None = None) -> Result:
        """The run of these inputs, from the store or computed and stored. `checked_run`:
        the run a claims run checks (RunStore.start), recorded when the run is stored; the
        run derives from it (RunStore.derived_from)."""
        rid = run_id(kind, inputs, self.ws.data_hash)
        if self.store is None:
            return compute(rid, progress)
        store = self.store if checked_run is None else self.store.derived_from(checked_run)
        state = store.get(rid)
        started = False          # this call recorded the run (not a queued one it claimed)
        while True:
            if state is not None and state.status in OPEN_STATUSES \
                    and state.owner != process_owner() and not lease_expired(state):
                state = self.wait(rid, progress)    # computed once: by the process holding it
            if state is not None and state.result is not None:
                store.mark_open(rid)    # computed here too: visible to all (unless private)
                return state.result
            if state is not None and state.status == "error":
                store.forget_failed(rid)
                state = None
            if state is None:
                if store.start(rid, kind=kind, label=label, inputs=inputs,
                               data_version=self.ws.data_version,
                               data_hash=self.ws.data_hash, total=total,
                               checked_run=checked_run):
                    started = True
                    break
            elif store.claim(rid, state):   # queued here, or its lease expired: taken over
                store.mark_open(rid)
                break
            state = store.get(rid)      # another process recorded or took it first: read again

        def report(done: int, all_: int) -> None:
            store.progress(rid, done, all_)
            if progress is not None:
                progress(done, all_)

        try:
            with store.lease(rid):
                result = compute(rid, report)
        except Exception as exc:
            store.fail(rid, str(exc))
            if started and isinstance(exc, MoneytrailError) and exc.exit_code == 2:
                # bad input found only while computing (a claim naming an unknown entity):
                # refused input stores nothing. A queued run (the web app's) keeps its error
                # for the page that follows it.
                store.forget_failed(rid)
            raise
        except BaseException:           # Ctrl-C, SystemExit: not left open under a dead owner
            fail_interrupted(store, rid)
            raise
        return store.finish(result)     # the stored run when another writer finished first

    def wait(self, rid: str, progress: Progress | None) -> RunState | None:
        """Follow a run another live process is computing (its progress passed on) until it
        is done or failed, or its lease expires (then this process computes it)."""
        assert self.store is not None
        while True:
            state = self.store.get(rid)
            if state is None or state.status not in OPEN_STATUSES or lease_expired(state):
                return state
            if progress is not None and state.total:
                progress(min(state.done, state.total), state.total)
            time.sleep(WAIT_SECONDS)


def default_store(ws: Workspace) -> RunStore:
    """The runs table of the workspace's ledger database."""
    return RunStore(ws.ledger().engine)


class DefaultStore(Enum):
    """The `store=` default of the tasks: the workspace's ledger database (None: store nothing)."""
    LEDGER = "ledger"


LEDGER = DefaultStore.LEDGER
StoreChoice = RunStore | None | Literal[DefaultStore.LEDGER]


def chosen_store(ws: Workspace, store: StoreChoice) -> RunStore | None:
    """The run store a task uses: the ledger database's runs table for LEDGER, else `store`."""
    return default_store(ws) if store is LEDGER else store


def derived_store(ws: Workspace, store: StoreChoice, run: str) -> RunStore | None:
    """The run store for runs computed on the back of the stored run `run` (a briefing's
    trace again with analyses and its sensitivity runs): they are recorded as derived from
    it (RunStore.derived_from), so they are never more visible than it. None stays None."""
    chosen = chosen_store(ws, store)
    return None if chosen is None else chosen.derived_from(run)


# -- trace -----------------------------------------------------------------------------------
def trace_inputs(plan: Plan, *, draws: int | None = None, seed: int | None = None,
                 tiers: int = DEFAULT_TIERS, analyses: bool = True,
                 evidence: bool = False) -> dict:
    """The canonical inputs of a trace run (draws and seed checked and resolved from the
    plan): what `trace_plan` hashes into its run id."""
    draws = check_draws(plan.draws if draws is None else draws, keep=analyses)
    seed = check_seed(plan.seed if seed is None else seed)
    return {"plan": run_plan_inputs(plan, draws, seed), "draws": draws, "seed": seed,
            "tiers": tiers,
            "analyses": analyses, "evidence": evidence}


def trace_run_id(ws: Workspace, plan: Plan, *, draws: int | None = None,
                 seed: int | None = None, tiers: int = DEFAULT_TIERS,
                 analyses: bool = True) -> str:
    """The run id `trace_plan` gives these inputs (to look a run up before it is computed,
    e.g. by the web app's background worker)."""
    need_workspace(ws)
    return run_id("trace", trace_inputs(plan, draws=draws, seed=seed, tiers=tiers,
                                        analyses=analyses,
                                        evidence=evidence_default(ws, plan, None)),
                  ws.data_hash)


def stored_trace_of(ws: Workspace, store: RunStore, plan: Plan, *, min_draws: int) -> str | None:
    """The id of the best stored trace of `plan` with the scorecard (as the web app and
    `moneytrail demo` trace) on this code version and data hash, open to everyone, with at
    least `min_draws` draws, whatever its draws and seed: the most draws, then the plan's own
    seed, then the newest. None when the store has none. So the web app shows the demo's
    10,000-draw run of a reference plan rather than tracing a second, cheaper one."""
    need_workspace(ws)

    def without_draws(inputs: dict) -> dict:
        plan_part = inputs.get("plan")
        rest = {k: v for k, v in inputs.items() if k not in ("draws", "seed", "plan")}
        if isinstance(plan_part, dict):
            rest["plan"] = {k: v for k, v in plan_part.items() if k not in ("draws", "seed")}
        return rest

    wanted = canonical_json(without_draws(trace_inputs(
        plan, analyses=True, evidence=evidence_default(ws, plan, None))))
    best: tuple[int, bool] | None = None
    found = None
    for rid, inputs, _created in store.open_done_runs(kind="trace", label=plan.id,
                                                      data_hash=ws.data_hash):   # newest first
        draws = inputs.get("draws")
        if isinstance(draws, bool) or not isinstance(draws, int) or draws < min_draws \
                or canonical_json(without_draws(inputs)) != wanted:
            continue
        rank = (draws, inputs.get("seed") == plan.seed)
        if best is None or rank > best:
            best, found = rank, rid
    return found


def trace_plan(ws: Workspace, plan: Plan, *, draws: int | None = None, seed: int | None = None,
               tiers: int = DEFAULT_TIERS, analyses: bool = True, scheduler: Any = None,
               progress: Progress | None = None, store: StoreChoice = LEDGER,
               evidence: bool | None = None) -> Result:
    """Trace a plan: every breakdown, and with `analyses` the scorecard, the plan's
    conditions and what it buys. Per-draw values are kept only when analyses need them.
    `analyses` is a hashed input: `moneytrail trace` passes False, the web app True, so the
    same plan, draws and seed give one run id per choice (README, docs/results.md).
    `evidence` (default: on wherever the model supports it) adds the `evidence` table and the
    `assumption_or_weak_mean` and `own_input_mean` columns to the headline table
    (`engine.evidence`)."""
    need_workspace(ws)
    plan = check_plan(ws, plan, site=analyses)
    evidence = evidence_default(ws, plan, evidence)
    inputs = trace_inputs(plan, draws=draws, seed=seed, tiers=tiers, analyses=analyses,
                          evidence=evidence)
    draws, seed = inputs["draws"], inputs["seed"]
    runner = Runner(ws, chosen_store(ws, store))

    def compute(rid: str, report: Progress | None) -> Result:
        result = ws_trace(ws, plan, draws=draws, seed=seed, tiers=tiers, keep=analyses,
                          scheduler=scheduler, progress=report, evidence=evidence)
        return trace_run_result(ws, rid, inputs, result, analyses=analyses)

    return runner.run("trace", plan.id, inputs, draws, compute, progress)


def trace(plan: Plan | Any, model: Any = None, *, draws: int | None = None,
          seed: int | None = None, tiers: int = DEFAULT_TIERS, keep_draws: bool = False,
          evidence: bool = False, ws: Workspace | None = None,
          progress: Callable[[int, int], None] | None = None, scheduler: Any = None,
          chunk_size: int | None = None, **options: Any) -> TraceResult:
    """Where a plan's money ends up through the supply chain, over Monte Carlo draws
    (`moneytrail.trace`).

    Arguments:
    - `plan`: a Plan (`mt.load_scenario(path)`, `mt.parse_scenario(dict or YAML text)`), or
      a final-demand vector over `model`'s entities (numpy array (entities,), pandas Series
      by label or mapping; a matrix (draws, entities) gives one final demand per draw).
    - `model`: an IOModel (`mt.load_model(year)`, `mt.IOModel.from_pymrio(io)`); default:
      the bundled data package's model of the plan's year. Needed for a vector.
    - `draws`: Monte Carlo draws, a whole number from 1 to 10,000,000 (MONEYTRAIL_MAX_DRAWS
      raises it; at most 1,000,000 with `keep_draws`); default the plan's `draws` (10,000
      unless it says). `seed`: 0 to 2**63 - 1, default the plan's `seed` (1 unless it
      says). The same plan, model, draws and seed give the same numbers, bit for bit.
    - `tiers`: supply-chain tiers shown before "the rest" (default 4: first invoice, their
      suppliers, tier 3, tier 4).
    - `keep_draws`: keep the per-draw arrays (`result.per_draw`, read-only; about 7 kB per
      draw), which `mt.scorecard` needs (default False: summaries only).
    - `evidence`: also split each draw's value added by the weakest reliability label on
      its paths (`result.evidence()`; firm-level models only; default False).
    - `ws`: a Workspace over the model's data package (`mt.Workspace.open()`) for a loop of
      traces: without it each call opens one and reads the package's tables again (about
      0.6 s).
    - `progress`: called as `progress(done, total)` with draws done; `scheduler`: a Dask
      address ("tcp://host:8786"), Client or cluster; `chunk_size`: draws per task (1 or
      more, rounded up to whole seed blocks of 100; default 10,000). None of the three
      changes a number.
    - `**options`: the engine's own options (`outputs`, `parts`, `weights`: what footprints
      keep), as in `moneytrail.engine.trace.trace`.

    Returns a TraceResult: `.by(dimension)` a DataFrame per breakdown (entity, country,
    owner_country, group, factor, tier, supplier, headline, ...: `amount_*` in
    `result.currency` at the plan's price year and `share_*` as 0-1, each with mean, p5,
    p50, p95 over the draws); `.total` (the plan's spending), `.info` (seed, draws,
    versions); `.footprint(name)` the jobs (FTE-years), employees (FTE-years) and CO2
    (t CO2e) of a plan on a data package's model.

    Raises (all MoneytrailError, with the field and value named): ScenarioError for a plan the
    data cannot trace (the checks every service task runs first, `check_plan`: a currency the
    data convert, known source ids, a budget within the largest economy's GDP, the year, FX
    rates, categories, suppliers and condition targets, against the data package the model was
    built from: `IOModel.package_root`, the bundled package when no model is given) and for
    draws below 1 or not a whole number (text such as "100" too) or a seed outside its
    range; ModelError for tiers, chunk_size or a flag that is not True/False, kept draws
    over 1,000,000 or a vector without a model; LimitError for draws over the limit;
    MoneytrailError (field `ws`) when `ws` is not a Workspace or is over another package
    than the model. A final-demand vector, or a model not built from a data package, is
    traced unchecked (nothing to check it against); the engine alone is
    `moneytrail.engine.trace.trace` (same numbers, no checks)."""
    from moneytrail.engine.trace import trace as engine_trace
    from moneytrail.model.iomodel import IOModel
    from moneytrail.service.footprints import package_footprint

    options.update(draws=draws, seed=seed, tiers=tiers, keep_draws=keep_draws,
                   evidence=evidence, progress=progress, scheduler=scheduler)
    if chunk_size is not None:
        options["chunk_size"] = chunk_size
    if ws is not None and not isinstance(ws, Workspace):
        raise MoneytrailError("ws must be a Workspace (ws = mt.Workspace.open(), or "
                              "Workspace.open(folder)), or left out", field="ws",
                              value=type(ws).__name__)
    if isinstance(plan, Plan) and (model is None or isinstance(model, IOModel)
                                   and model.package_root is not None):
        if ws is not None and model is not None and \
                Path(str(model.package_root)).resolve() != Path(ws.package.root).resolve():
            raise MoneytrailError("the workspace is over another data package than the "
                                  f"model ({model.package_root})", field="ws",
                                  value=str(ws.package.root))
        with (Workspace.open(None if model is None else model.package_root)
              if ws is None else nullcontext(ws)) as checking:
            plan = check_plan(checking, plan)
            if model is None:                # the model check_plan built (load_model's)
                model = checking.model(plan.year)
        # .footprint('co2e_scope12' | 'employees' | 'jobs') from the package's tables
        return replace(engine_trace(plan, model, **options),
                       package_footprints=partial(package_footprint, checking))
    return engine_trace(plan, model, **options)


def trace_run_result(ws: Workspace, rid: str, inputs: dict, result: TraceResult, *,
                     analyses: bool) -> Result:
    """The stored result of a trace run (`trace_plan`, `demo`): every breakdown, and with
    `analyses` the scorecard, conditions and purchases, with provenance from `inputs`."""
    from moneytrail.service.footprints import add_footprints

    plan = result.require_plan()
    tables = breakdown_tables(result)
    site_note = site_country_note(ws, result)      # also a fact: the web and briefing show it
    if site_note:
        tables["country"] = replace(tables["country"], note=site_note)
    totals: dict[str, Any] = {}                   # per-draw jobs and CO2, for the scorecard
    footprint_sources = add_footprints(ws, result, tables, totals)       # issue 14
    analysed: dict[str, Any] = {}         # facts beside the scorecard: its export-rules date
    if analyses:
        more, analysed = plan_analysis_tables(ws, result, footprints=totals or None)
        tables.update(more)
    return Result(run_id=rid, kind="trace", title=plan.title,
                  provenance=provenance(ws, inputs, seed=inputs["seed"], draws=inputs["draws"],
                                        sources=plan_sources(ws, plan) + footprint_sources),
                  tables=tables, facts={**trace_facts(result), **budget_facts(plan),
                                        **scale_facts(ws, plan),
                                        **({SITE_NOTE: site_note} if site_note else {}),
                                        **(scorecard_facts(result, ws) if analyses else {}),
                                        **(unused_electricity_facts(ws, result)
                                           if analyses else {}),
                                        **analysed,
                                        **ledger_revision_facts(ws)})


LEDGER_REVISION = "ledger_revision"     # the fact: the store's newest revision as a run was made


def ledger_revision_facts(ws: Workspace) -> dict[str, Any]:
    """{LEDGER_REVISION: the newest revision of the workspace's ledger store as a trace run is
    made} when the workspace has a store open (given as `db`, or opened to keep its runs);
    {} otherwise (a trace does not create the default store). The run's page and reports
    read the ledger as of that revision (report.briefing.content.run_ledger), so a later
    edit changes neither and they agree; it is not part of the run id (the trace reads no
    ledger)."""
    state = ws.open_ledger_state()
    return {} if state is None else {LEDGER_REVISION: state.revision}


def ws_trace(ws: Workspace, plan: Plan, *, draws: int, seed: int, tiers: int = DEFAULT_TIERS,
             keep: bool = True, scheduler: Any = None, progress: Progress | None = None,
             evidence: bool = False) -> TraceResult:
    from moneytrail.engine.trace import OUTPUT_DRAWS, trace

    model = ws.model(plan.year)
    # a kept trace also keeps the outputs its jobs and CO2 footprints need (no replay), up to
    # OUTPUT_DRAWS draws (beyond, the footprints replay the draws instead of holding them)
    outputs = keep and model.cost_parameters is not None and draws <= OUTPUT_DRAWS
    return trace(plan, model, draws=draws, seed=seed, tiers=tiers, keep_draws=keep,
                 scheduler=scheduler, progress=progress, evidence=evidence, outputs=outputs,
                 parts=footprint_parts(plan, model) if outputs else None)


def footprint_parts(plan: Plan, model: Any) -> Any:
    """The (parts, purchase rows) masks the jobs footprint splits a plan's spending by
    (`analysis.jobs.duration_parts`: temporary vs lasting), or None when it has none (or a
    category without a duration: the footprint then says so itself)."""
    from moneytrail.analysis.jobs import duration_parts

    try:
        _, masks = duration_parts(plan, model)
    except MoneytrailError:
        return None
    return masks


def evidence_default(ws: Workspace, plan: Plan, evidence: bool | None) -> bool:
    """Evidence weight for a plan trace: as asked, else on when the model has labelled
    firm-level rows only (a sector table leaves it undefined)."""
    if evidence is not None:
        return bool(evidence)
    cost = ws.model(plan.year).cost_parameters
    return cost is not None and cost.n == ws.model(plan.year).n and \
        len(cost.reliability) == cost.column.size


def scale_facts(ws: Workspace, plan: Plan) -> dict[str, Any]:
    """`oversized_markets` (analysis.concentration.oversized_markets) when the plan buys more
    a year in some category than the whole market sells, each with the category's `name` and
    its sources' `titles` (in the order of the ids in `sources`; '' for a source without
    one); nothing otherwise (or without analysis tables)."""
    if not ws.package.has("analysis-sources"):
        return {}
    from moneytrail.analysis.concentration import oversized_markets

    names = dict(zip(ws.valuechain.categories["id"], ws.valuechain.categories["name"],
                     strict=True))
    sources = ws.analysis.sources
    titles = dict(zip(sources["id"].astype(str), sources["title"].fillna("").astype(str),
                      strict=True))
    found = [{**row, "name": names.get(row["category"], row["category"]),
              "titles": [titles.get(s.strip(), "") for s in row["sources"].split(";")]}
             for row in oversized_markets(plan, ws.analysis)]
    return {"oversized_markets": found} if found else {}


# Assumption (docs/methods.md, "Plausibility warnings"): a budget below one million units of
# the plan's currency (EUR 1 m, USD 1 m) is most likely a size word left out ('2' typed for
# 2 bn): the plans this tool traces buy AI chips, servers and data centres, whose smallest
# purchases (one server rack) already cost hundreds of thousands. A warning, not an error.
SMALL_BUDGET_FLOOR = 1_000_000
SMALL_BUDGET = "small_budget"            # a warning's `kind` (`small_budget_warnings`)


def small_budget_warnings(plan: Plan) -> list[dict[str, Any]]:
    """The warning (`kind` SMALL_BUDGET, the `amount` and the `floor`) of a plan whose
    budget is below SMALL_BUDGET_FLOOR in its currency; [] otherwise."""
    amount = float(plan.budget.amount)
    if amount >= SMALL_BUDGET_FLOOR:
        return []
    return [{"kind": SMALL_BUDGET, "amount": amount, "floor": SMALL_BUDGET_FLOOR}]


def budget_facts(plan: Plan) -> dict[str, Any]:
    """A run's fact SMALL_BUDGET (the `small_budget_warnings` row) when its plan's budget is
    below the floor, so the stored run warns as the check did (`facts_warnings`)."""
    found = small_budget_warnings(plan)
    return {SMALL_BUDGET: found[0]} if found else {}


def plan_warnings(ws: Workspace, plan: Plan) -> list[dict[str, Any]]:
    """The plausibility warnings of a checked plan: warnings, not errors (a plan may
    legitimately be large, or small). A budget below SMALL_BUDGET_FLOOR
    (`small_budget_warnings`: a size word left out?), then one per category in which the
    plan buys more a year than analysis.concentration.OVERSIZED_MULTIPLE times the whole
    market's yearly sales in the data (`scale_facts`, its `oversized_markets` rows), with
    `kind` "oversized_market"; categories without a market size are not checked.
    `moneytrail validate` and `trace`, the API's run answers and the web builder and run
    pages show them, worded by report.units.oversized_sentence (a stored run's come from its
    facts: `facts_warnings`, which hold the oversized markets only)."""
    return facts_warnings({**budget_facts(plan), **scale_facts(ws, plan)})


def facts_warnings(facts: dict[str, Any]) -> list[dict[str, Any]]:
    """The warnings (`plan_warnings`) a result's facts carry, and a traced run's unused
    electricity (`unused_electricity_facts`)."""
    small = facts.get(SMALL_BUDGET)
    unused = facts.get(UNUSED_ELECTRICITY)
    return ([dict(small)] if isinstance(small, dict) else []) + \
        [{"kind": "oversized_market", **row} for row in facts.get("oversized_markets", [])] + \
        ([dict(unused)] if isinstance(unused, dict) else [])


UNUSED_ELECTRICITY = "unused_electricity"   # a warning's `kind` and its run fact
# Assumption: power bought but not used counts once it passes 1 % of what the plan buys, so
# rounding in the year-by-year split does not warn
UNUSED_TOLERANCE = 0.01


def unused_electricity_facts(ws: Workspace, result: TraceResult) -> dict[str, Any]:
    """The run fact UNUSED_ELECTRICITY when the plan buys electricity in its budget that its
    hardware does not use (analysis.lifecycle.own_electricity: power bought in a year runs
    only that year's hardware): medians over the draws, in TWh, of what it buys
    (`bought_twh`), what its owned hardware uses over the horizon (`used_twh`) and what of
    the purchase runs none of it (`unused_twh`), when that is more than UNUSED_TOLERANCE of
    what it buys. Nothing otherwise, or without the trace's draws."""
    import numpy as np

    from moneytrail.analysis.lifecycle import ELECTRICITY
    from moneytrail.analysis.metrics import Evaluation

    plan = result.require_plan()
    if ELECTRICITY not in plan.spend or result.per_draw is None:
        return {}
    draws = Evaluation.of(result, ws.analysis).lifecycle()
    bought = float(np.median(draws["own_electricity_mwh"])) / 1e6
    used = float(np.median(draws["energy_mwh"] - draws["energy_mwh_rented"])) / 1e6
    unused = float(np.median(draws["own_electricity_mwh"]
                             - draws["own_electricity_covered_mwh"])) / 1e6
    if bought <= 0 or unused <= UNUSED_TOLERANCE * bought:
        return {}
    return {UNUSED_ELECTRICITY: {"kind": UNUSED_ELECTRICITY, "bought_twh": bought,
                                 "used_twh": used, "unused_twh": unused}}


def trace_facts(result: TraceResult) -> dict[str, Any]:
    from moneytrail.service.footprints import (
        SPEND_YEARS,
        SPEND_YEARS_DEFAULT,
        plan_spend_years,
        spend_years_default,
    )

    plan = result.require_plan()
    return {"plan": plan.id, "title": plan.title, "currency": plan.currency,
            "total": result.total, "year": plan.year,
            "price_year": plan.price_year or plan.year, "buyer_region": plan.buyer_region,
            "draws": result.draws, "seed": result.seed,
            "conservation_gap": result.conservation_gap, "model": result.model.source,
            # whether the plan leaves its years of spending to the default (the jobs note)
            SPEND_YEARS_DEFAULT: spend_years_default(plan),
            # the years the jobs at one time divide by (the web's and briefing's notes)
            SPEND_YEARS: plan_spend_years(plan)}


SITE_NOTE = "site_note"      # the fact holding site_country_note (web run page, briefing)


def site_country_note(ws: Workspace, result: TraceResult) -> str:
    """The country table's note on the plan's `site_country`, '' when there is nothing to say:

    - a site in a region whose sectors the data do not split by member state
      (analysis.site.unsplit_site_sectors): the site country's own row understates the work
      done there, which is counted in the region's unsplit row ('EU, not split by member
      state', report.units.REGION_LABELS); when the site country has no row at all (no firm
      or sector of the data adds value there, e.g. Italy), the note says so first;
    - a site country with no row and no such sectors behind the plan: the data add no value
      there, and naming the site does not put any there."""
    from moneytrail.analysis.site import unsplit_site_sectors
    from moneytrail.countries import country_name, named_code, with_article

    plan = result.require_plan()
    site_code = plan.site_country
    if not site_code or site_code == "EU":        # no site, or the EU as a whole
        return ""
    region, sectors = unsplit_site_sectors(plan, result.model)
    names = ws.valuechain.country_names()
    site = named_code(site_code, names)             # 'United Kingdom (GB)'; 'AD' once
    country = with_article(country_name(site_code, names))    # in a sentence
    has_row = bool((result.model.flows["country"] == site_code).any())
    no_row = (f"Site country {site}: it has no row of its own here, as no firm or sector of "
              f"the data adds value in {country}.")
    if not sectors:
        return "" if has_row else f"{no_row} Naming the site does not put any there."
    label = {"EU": "EU, not split by member state"}.get(region, region)
    parts = "; ".join(f"{category} (through {', '.join(suppliers)})"
                      for category, suppliers in sectors.items())
    where = "" if not has_row else f", not in the row of {country}"
    head = no_row if not has_row else f"Site country {site}: its own share here is understated."
    return (f"{head} The data give the sectors behind the plan's {parts} only for the "
            f"{region} as a whole, so their value added, the construction and facility work "
            f"at the site in {country} included, is counted in '{label}'{where}. Naming the "
            f"site does not move it there.")


def breakdown_tables(result: TraceResult) -> dict[str, Table]:
    frames = {name: result.by(name) for name in BREAKDOWNS}
    tables = {name: Table.from_frame(name, frames[name], title=TITLES[name],
                                     currency=result.currency)
              for name in BREAKDOWNS}
    if result.evidence_columns:
        tables.update(evidence_tables(result, frames["headline"]))
    return tables


def evidence_tables(result: TraceResult, headline: pd.DataFrame) -> dict[str, Table]:
    """The `evidence` table (by total, headline row, entity and the scorecard rows linear in
    value added) and the headline table (`headline`: result.by("headline")) with its
    `assumption_or_weak_mean` and `own_input_mean` columns."""
    from moneytrail.engine.evidence import units

    frame = result.evidence()
    rows = frame.xs("headline", level="dimension")
    # the share on assumption or weak rows, then the share on the plan's own inputs (shares
    # set in the plan builder, engine.evidence.OWN), as the evidence table has them
    shown = [c for c in ("assumption_or_weak_mean", "own_input_mean") if c in rows.columns]
    headline = headline.assign(**{c: rows[c].reindex(headline.index).to_numpy()
                                  for c in shown})
    return {"headline": Table.from_frame("headline", headline, title=TITLES["headline"],
                                         currency=result.currency,
                                         units=dict.fromkeys(shown, "share")),
            "evidence": Table.from_frame("evidence", frame, title=TITLES["evidence"],
                                         units=units(result.currency), note=EVIDENCE_NOTE)}


def plan_analysis_tables(ws: Workspace, result: TraceResult,
                         footprints: dict[str, Any] | None = None
                         ) -> tuple[dict[str, Table], dict[str, Any]]:
    """Scorecard (one plan), lifecycle, conditions and purchases of a traced plan (per-draw
    values), and the facts beside them: {EXPORT_RULES_ON: {plan id: ISO date the export
    rules were read on}}."""
    from moneytrail.analysis.conditions import check_conditions
    from moneytrail.analysis.metrics import Evaluation

    plan = result.require_plan()
    from moneytrail.service.lifecycle import lifecycle_table

    card, dates = scorecard_parts(
        [result], ws, footprints=None if footprints is None else {result.label: footprints})
    tables = {"scorecard": card}
    # after the scorecard: reuses its lifecycle draws and the trace's CO2 footprint
    tables["lifecycle"] = lifecycle_table(ws, result)
    if plan.conditions:
        conditions = check_conditions(Evaluation.of(result, ws.analysis))
        tables["conditions"] = Table.from_frame("conditions", conditions,
                                                title=TITLES["conditions"],
                                                note=conditions.attrs.get("note", ""))
    tables.update(purchase_tables(result))
    return tables, {EXPORT_RULES_ON: dates}


def purchase_tables(result: TraceResult) -> dict[str, Table]:
    from moneytrail.analysis.purchases import plan_purchases
    from moneytrail.engine.summary import exact_stats

    purchases = plan_purchases(result)
    by_category = purchases.by_category()
    stats = exact_stats(by_category.to_numpy())
    frame = pd.DataFrame({f"amount_{k}": v for k, v in stats.items()},
                         index=pd.Index(by_category.columns, name="category"))
    rows = purchases.rows
    amounts = exact_stats(purchases.amounts)
    detail = pd.DataFrame({"category": rows["category"], "supplier": rows["supplier"],
                           **{f"amount_{k}": v for k, v in amounts.items()}}
                          ).set_index(["category", "supplier"])
    return {"categories": Table.from_frame("categories", frame, title=TITLES["categories"],
                                           currency=result.currency),
            "purchases": Table.from_frame("purchases", detail, title=TITLES["purchases"],
                                          currency=result.currency)}


# -- scorecard and compare -------------------------------------------------------------------
SCORECARD_UNITS = {"share": "share", "points": "points", "t CO2e": "t CO2e", "EUR": "EUR",
                   "FTE-years per EUR million": "FTE-years per EUR million",
                   "t CO2e per EUR million": "t CO2e per EUR million"}
PER_EUR_MILLION = " per EUR million"


def in_plan_currency(flat: pd.DataFrame, results: list[TraceResult], ws: Workspace
                     ) -> pd.DataFrame:
    """Scorecard rows per EUR million (unit '... per EUR million') restated per million of the
    plans' own currency, and rows of money in EUR (unit 'EUR': the whole budget per GPT-4-level
    training run) restated in that currency, when every plan has the same one (a USD plan: units
    'FTE per USD million' and 'USD'); plans in different currencies keep EUR, the common
    unit. The row labels say 'per million spent' and the unit names the currency. Each plan's
    figures are converted at its currency's EUR value at its price year (the rate the EUR
    figures were computed at: macro/fx.csv through the ledger's converter)."""
    from moneytrail.analysis.footprints import fx_factor, money_year

    currencies = {r.require_plan().currency for r in results}
    if len(currencies) != 1 or currencies == {"EUR"}:
        return flat
    currency = currencies.pop()
    rows = [label for label in flat.index if PER_EUR_MILLION in str(flat.at[label, "unit"])]
    amounts = [label for label in flat.index if str(flat.at[label, "unit"]) == "EUR"]
    if not rows and not amounts:
        return flat
    out = flat.copy()
    for result in results:
        factor = fx_factor(ws.analysis.money, currency, money_year(result), "EUR")
        for column in [c for c in out.columns if c.startswith(f"{result.label}_")]:
            out.loc[rows, column] = out.loc[rows, column].astype(float) * factor
            out.loc[amounts, column] = out.loc[amounts, column].astype(float) / factor
    per = f" per {currency} million"
    out.loc[rows, "unit"] = [str(u).replace(PER_EUR_MILLION, per) for u in out.loc[rows, "unit"]]
    out.loc[amounts, "unit"] = currency
    return out


def per_eur_million_factor(ws: Workspace, currency: str, year: int) -> float:
    """The factor turning a figure per `currency` million (a stored run's scorecard row,
    restated by in_plan_currency) back into a figure per EUR million: 1 / (EUR per unit of
    `currency` at `year`), the inverse of the rate in_plan_currency used (macro/fx.csv).
    1.0 for EUR. Raises ConversionError when the package has no rate near `year`."""
    from moneytrail.analysis.footprints import fx_factor

    return 1.0 if currency == "EUR" else 1.0 / fx_factor(ws.analysis.money, currency,
                                                         int(year), "EUR")


def stored_scorecards_in_common_unit(ws: Workspace, results: list[Result]
                                     ) -> tuple[list[dict[str, float]], str]:
    """Stored single-plan runs side by side: a single run's scorecard is per million of its
    own currency (in_plan_currency). When the runs' currencies differ, rows per <CUR>
    million are restated per EUR million, each run at its plan's price year, as
    `moneytrail compare` shows them (scorecard_table); runs in one currency keep it.
    Rows of money in the run's currency (unit '<CUR>': the whole budget per GPT-4-level
    training run) are restated in EUR at the same rate. Returns per run {' per <CUR> million':
    factor, '<CUR>': factor} (empty when nothing changes; apply with restate_per_million)
    and a note saying so, with the price year of each run's jobs per million when the runs
    differ in currency or price year (footprints.jobs_price_compare_note; '' when nothing
    needs saying). Raises ConversionError when macro/fx.csv has no rate for a run's
    currency near its year."""
    from moneytrail.service.footprints import (
        jobs_price_compare_note,
        money_price_compare_note,
        plan_price_year,
        restates_price_year,
    )

    currencies = [str(r.facts.get("currency") or "EUR") for r in results]
    years = [plan_price_year(r.provenance.inputs.get("plan") or {}) for r in results]
    jobs = jobs_price_compare_note(
        [r.title for r in results], currencies, years,
        currencies[0] if len(set(currencies)) == 1 else "EUR",
        [restates_price_year(r.provenance.code_version) for r in results]) \
        if any("scorecard" in r.tables for r in results) else ""
    jobs = f"{money_price_compare_note(years)} {jobs}".strip()
    if len(set(currencies)) == 1:
        return [{} for _ in results], jobs
    out: list[dict[str, float]] = []
    for currency, year in zip(currencies, years, strict=True):
        factor = per_eur_million_factor(ws, currency, int(year)) if year else 1.0
        out.append({f" per {currency} million": factor, currency: factor})
    return out, f"{common_unit_note(currencies, 'run')} {jobs}".strip()


def restate_per_million(unit: str, value: Any, factors: dict[str, float]) -> tuple[str, Any]:
    """A scorecard row's unit and value in the common unit of stored_scorecards_in_common_unit:
    the factor is the run's currency per EUR (about 164 JPY): ('FTE per JPY million', 0.0657)
    with {' per JPY million': 164.0} -> ('FTE per EUR million', 10.8); an amount of money
    ('JPY', 330e6) with {'JPY': 164.0} -> ('EUR', 2.0e6).
    Other units and missing values pass unchanged."""
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None

    def times(factor: float) -> Any:
        return None if value is None else number * factor if number is not None else value

    for per, factor in factors.items():
        if not per.startswith(" per ") and unit == per:         # money: <CUR> -> EUR
            return "EUR", times(1.0 / factor)
    for per, factor in factors.items():
        if per.startswith(" per ") and per in unit:             # per <CUR> m -> per EUR m
            return unit.replace(per, PER_EUR_MILLION), times(factor)
    return unit, value


def stored_scorecard_row(label: str, unit: str) -> tuple[str, str]:
    """A stored run's scorecard row (its label and unit) as the scorecard names it now, so
    compare pages and briefings match it with newer runs' rows by label: a renamed row
    (analysis.scorecard.RENAMED_ROWS) and its evidence row ('<label>: evidence, ...') take
    the new label; the jobs row's unit 'FTE per <CUR> million' of runs stored before
    FTE-years were named becomes 'FTE-years per <CUR> million' (the same figure: jobs x
    years over the whole budget). Other rows pass unchanged."""
    from moneytrail.analysis.scorecard import JOBS_ROW, RENAMED_ROWS

    for old, new in RENAMED_ROWS.items():
        if label == old or label.startswith(f"{old}: "):
            label = new + label[len(old):]
            break
    if label == JOBS_ROW and unit.startswith("FTE per "):
        unit = "FTE-years" + unit[len("FTE"):]
    return label, unit


def common_unit_note(currencies: list[str], what: str) -> str:
    """What a side-by-side scorecard of plans (`what` 'plan') or stored runs ('run') in several
    currencies says about its per-million rows and amounts of money: per EUR million and in
    EUR for every one (the common unit), each converted at its plan's price year. One
    sentence: 'The runs are in different currencies (EUR, USD), so figures ...'."""
    return (f"The {what}s are in different currencies ({', '.join(sorted(set(currencies)))}), "
            f"so figures per million spent are per EUR million for every {what} and amounts "
            "of money are in EUR, each converted at its plan's price year (with the exchange "
            "rates of the data package), as the command moneytrail compare shows them.")


def scorecard_table(results: list[TraceResult], ws: Workspace,
                    conditions: list[Condition] | None = None,
                    on: dt.date | None = None,
                    footprints: dict[str, dict[str, Any]] | None = None) -> Table:
    """Rows: metrics (with their unit); columns: <plan>_<mean|p5|p50|p95> (the table of
    `scorecard_parts`, without the dates its export rules were read on)."""
    return scorecard_parts(results, ws, conditions, on, footprints)[0]


def scorecard_parts(results: list[TraceResult], ws: Workspace,
                    conditions: list[Condition] | None = None,
                    on: dt.date | None = None,
                    footprints: dict[str, dict[str, Any]] | None = None
                    ) -> tuple[Table, dict[str, str]]:
    """The scorecard table (rows: metrics with their unit; columns:
    <plan>_<mean|p5|p50|p95>) and the dates its export rules were read on (plan label ->
    ISO date, the run's fact EXPORT_RULES_ON). The note does not say the dates: every
    renderer says them from the fact (report.units.scorecard_note)."""
    from moneytrail.analysis.scorecard import scorecard

    card = scorecard(results, data=ws.analysis, conditions=conditions, on=on,
                     footprints=footprints)
    table, dates = card.table, card.export_rules_on
    flat = pd.DataFrame({f"{plan}_{stat}": table[(plan, stat)]
                         for plan, stat in cast(list[tuple[str, str]], list(table.columns))},
                        index=table.index)
    flat.insert(0, "unit", list(card.units.values()))
    flat = in_plan_currency(flat, results, ws)
    flat = pd.concat([flat, scorecard_evidence_rows(results, flat, ws.analysis)])
    note = (COMPUTE_NOTE + " "
            + chip_mix_note(results, ws) + compute_share_note(card) + " "
            + hhi_note(card.hhi_markets, ws) + " " + RENT_NOTE
            + rent_left_out(results, ws)) if dates else ""
    currencies = [r.require_plan().currency for r in results]
    if len(set(currencies)) > 1:       # in_plan_currency keeps the common unit: say so
        note += " " + common_unit_note(currencies, "plan")
    from moneytrail.service.footprints import (
        jobs_price_compare_note,
        money_price_compare_note,
        plan_price_year,
    )

    plans = [r.require_plan() for r in results]
    prices = money_price_compare_note([plan_price_year(p) for p in plans],
                                      [r.label for r in results])
    note = f"{note} {prices}".strip()
    if any(str(u).startswith(("FTE per ", "FTE-years per ")) for u in flat["unit"]):
        jobs = jobs_price_compare_note(
            [r.label for r in results], currencies, [plan_price_year(p) for p in plans],
            currencies[0] if len(set(currencies)) == 1 else "EUR")
        note = f"{note} {jobs}".strip()
    note = " ".join(part for part in (conditions_note(conditions),
                                      conditions_missing_note(card, results, conditions), note)
                    if part)
    column_units = {c: "by row" for c in flat.columns if c != "unit"}
    column_units["unit"] = "text"
    return Table.from_frame("scorecard", flat, title=TITLES["scorecard"], units=column_units,
                            note=note), dict(dates)


# what the scorecard's rows of compute, HHI and rent are (analysis.scorecard.ROWS), in its note
COMPUTE_NOTE = ("Whole plan budget divided by the GPT-4-level training runs its compute "
                "could make: the plan's whole budget (buildings, power, staff, grants and all "
                "else, not its compute alone) divided by the number of GPT-4-level training "
                "runs its compute (owned and rented, over the horizon) could make at the plan "
                "year's algorithmic efficiency. It is not the cost of one training run: it "
                "grows with the budget as much as the runs do.")
RENT_NOTE = ("Economic profit (rent): firms' capital value added above WACC x invested "
             "capital. The capital of aggregate sectors and of firms without the data is not "
             "split, so their rent is left out and the rent share is a lower bound (book "
             "capital also understates acquirers' rent); the rent to firms already dominant "
             "is a share of the rent measured (docs/methods.md, 'Market power').")


def chip_mix_note(results: list[TraceResult], ws: Workspace) -> str:
    """The chip mix the budget per training run counts for each plan that buys accelerators
    (analysis.hardware.chip_mix_text), the plan named when there are several, with a
    trailing space; '' when none buys any."""
    from moneytrail.analysis.hardware import chip_mix_text
    from moneytrail.analysis.purchases import plan_purchases

    said = []
    for result in results:
        text = chip_mix_text(result, plan_purchases(result), ws.analysis)
        if text:
            said.append(f"{result.require_plan().id}: {text}" if len(results) > 1 else text)
    return "".join(f"{text} " for text in said)


def compute_share_note(card: Scorecard) -> str:
    """The share of each plan's budget that buys compute, beside the budget per training run
    (analysis.scorecard.COMPUTE_ROW), and for each plan under the floor
    (COMPUTE_SHARE_FLOOR) why its row has no figure (compute_missing_sentence, which the
    renderers show in the row's cell: analysis.scorecard.missing_said). '' for a scorecard
    without the shares."""
    from moneytrail.analysis.scorecard import (
        compute_missing_sentence,
        compute_row_shown,
        compute_share_words,
        floor_words,
    )

    shares = card.compute_shares
    if not shares:
        return ""
    said = "; ".join((f"{plan}: " if len(shares) > 1 else "") + compute_share_words(*medians)
                     for plan, medians in shares.items())
    note = ("Compute bought, median over draws (owned: accelerators, servers, networking, "
            "storage, facility and electricity; rented: cloud compute): " + said + ". Under "
            f"{floor_words()} of the budget the budget per training run has no figure, as it "
            "would mostly measure spending that buys no compute (a threshold that is an "
            "assumption, docs/methods.md).")
    missing = [compute_missing_sentence(plan, *medians) for plan, medians in shares.items()
               if not compute_row_shown(medians[0])]
    return " ".join([note, *missing])


def hhi_note(markets: dict[str, tuple[str, float]], ws: Workspace) -> str:
    """What the scorecard's HHI change is, and the market it is in for each plan whose HHI
    moves (analysis.scorecard.Scorecard.hhi_markets), by the category's name."""
    said = "; ".join(hhi_market_words(category, share, ws)
                     + (f" for {plan}" if len(markets) > 1 else "")
                     for plan, (category, share) in markets.items())
    return ("HHI change: the change in the market whose HHI changes most (up or down) among "
            "the markets a plan buys in, with its sign, a fall shown as negative (conditions "
            "on the HHI change bound the largest rise)"
            + (f"; it is in {said}." if said else "."))


def hhi_market_words(category: str, share: float, ws: Workspace | None = None,
                     name: str | None = None) -> str:
    """'AI accelerators' (the market of the scorecard's HHI change, in every draw), 'AI
    accelerators in 62 % of draws' otherwise; the category by its name (`name`, else the
    value chain's, else its id in words)."""
    if name is None and ws is not None:
        names = dict(zip(ws.valuechain.categories["id"], ws.valuechain.categories["name"],
                         strict=True))
        name = names.get(category)
    name = name or category.replace("_", " ")
    return name if share >= 1.0 else f"{name} in {100 * share:.0f} % of draws"


def scorecard_facts(result: TraceResult, ws: Workspace) -> dict[str, Any]:
    """Facts of a traced plan beside its scorecard: `hhi_market`, the market its HHI change
    is in (`category`, `name`, `share` of draws; left out when no market's HHI moves), and
    `rent_left_out`, the sentence naming the firms whose rent the rent share leaves out for
    lack of data (analysis.market_power.unsplit_note; left out when there are none)."""
    from moneytrail.analysis.market_power import unsplit_note
    from moneytrail.analysis.metrics import Evaluation

    evaluation = Evaluation.of(result, ws.analysis)
    out: dict[str, Any] = {}
    found = evaluation.hhi_market()
    if found is not None:
        names = dict(zip(ws.valuechain.categories["id"], ws.valuechain.categories["name"],
                         strict=True))
        category, share = found
        out["hhi_market"] = {"category": category, "name": names.get(category, category),
                             "share": share}
    split = evaluation.rents()
    said = unsplit_note(split, names=ws.valuechain.entity_names()) if split else ""
    if said:
        out["rent_left_out"] = said
    return out


def rent_left_out(results: list[TraceResult], ws: Workspace) -> str:
    """The firms whose rent the scorecard's rent share leaves out for lack of data, per plan
    (analysis.market_power.unsplit_note; '' where there are none or no rent split)."""
    from moneytrail.analysis.market_power import unsplit_note
    from moneytrail.analysis.metrics import Evaluation

    notes = []
    for result, plan in zip(results, distinct_labels([r.label for r in results]), strict=True):
        split = Evaluation.of(result, ws.analysis).rents()
        said = unsplit_note(split, names=ws.valuechain.entity_names()) if split else ""
        if said:
            notes.append(f" {plan}: {said}" if len(results) > 1 else f" {said}")
    return "".join(notes)


def conditions_missing_note(card: Scorecard, results: list[TraceResult],
                            conditions: list[Condition] | None) -> str:
    """For each plan without a 'Conditions met' figure, why: it sets no conditions, or none of
    them applies (analysis.scorecard.conditions_missing_sentence; renderers show it in the
    row's cell, conditions_missing_said). '' where every plan has its figure."""
    from moneytrail.analysis.scorecard import CONDITIONS_ROW, conditions_missing_sentence

    medians = card.table.xs("p50", axis=1, level="stat").loc[CONDITIONS_ROW]
    said = []
    for result, label in zip(results, distinct_labels([r.label for r in results]), strict=True):
        if pd.notna(medians[label]):
            continue
        rules = result.require_plan().conditions if conditions is None else conditions
        said.append(conditions_missing_sentence(label, len(rules)))
    return " ".join(said)


def conditions_note(conditions: list[Condition] | None) -> str:
    """What 'Conditions met' counts: each plan's own conditions, or the ones given here
    (the same for every plan, e.g. the demo's), named one by one."""
    if conditions is None:
        return ("Conditions met: the share of each plan's own conditions that it meets, "
                f"{CONDITIONS_SHARE_RULE}")
    named = "; ".join(c.label or condition_text(c) for c in conditions)
    if len(conditions) == 1:
        given = ("this condition, applied to every plan in place of its own (a policy choice, "
                 "not data), that the plan meets where it applies")
    else:
        given = (f"these {len(conditions)} conditions, applied to every plan in place of its "
                 "own (policy choices, not data), that the plan meets where they apply")
    return f"Conditions met: the share of {given}: {named}; {CONDITIONS_SHARE_RULE}"


# how the scorecard's 'Conditions met' row counts (analysis.conditions.held_share)
CONDITIONS_SHARE_RULE = (
    "counted in each draw over the conditions that apply to the plan (one that does not, "
    "e.g. open-weight models only for a plan that buys no model licences, is 'not "
    "applicable' and left out) and summarised over the draws like the other rows: a "
    "condition whose verdict is 'uncertain' counts as met in the draws where it holds, so "
    "the share is not the count of 'met' verdicts (analyse --what conditions gives each "
    "condition's verdict).")


def condition_text(condition: Condition) -> str:
    """A condition without a label in words: 'eu_labour_share >= 0.2'; its selectors too,
    a group by its title, so two groups never read alike: 'value_added_share of US
    hyperscalers (Amazon, Microsoft, Google) <= 0.3'."""
    from moneytrail.groups import group_label

    bound = f" <= {condition.max:g}" if condition.max is not None else \
        f" >= {condition.min:g}" if condition.min is not None else ""
    which = [group_label(condition.group)] if condition.group else []
    which += [str(v) for v in (condition.country, condition.owner_country, condition.entity) if v]
    return f"{condition.metric}{' of ' + ', '.join(which) if which else ''}{bound}"


EVIDENCE_ROW = "{}: evidence, on assumption or weak rows"


def scorecard_evidence_rows(results: list[TraceResult], flat: pd.DataFrame,
                            data: Any = None) -> pd.DataFrame:
    """Rows with the evidence weight of every scorecard metric that has one, for traces that
    computed it: the share of the metric resting on `assumption` or `weak` rows, mean and 90 %
    interval (empty when no trace has evidence); columns as `flat`, the scorecard's table.
    Metrics linear in value added read the trace's own split; the others follow the rules of
    analysis.evidence_weight (docs/methods.md), computed per draw against `data`."""
    from moneytrail.analysis.evidence_weight import scorecard_weights
    from moneytrail.analysis.metrics import Evaluation
    from moneytrail.analysis.stats import describe

    columns = flat.columns
    traced = [r for r in results if r.evidence_columns]
    if not traced:
        return flat.iloc[:0]
    weights = {r.label: scorecard_weights(Evaluation.of(r, data)) for r in traced}
    metrics = [m for m in flat.index if any(m in w for w in weights.values())]
    rows = pd.DataFrame(index=pd.Index([EVIDENCE_ROW.format(m) for m in metrics],
                                       name=flat.index.name), columns=columns, dtype=object)
    rows["unit"] = "share"
    for result in traced:
        for metric in metrics:
            draws = weights[result.label].get(metric)
            column = f"{result.label}_p50"
            shown = column not in flat.columns or not pd.isna(flat[column].loc[metric])
            # a row without a figure (the budget per training run under the compute floor)
            # has no evidence weight either
            stats = describe(draws) if draws is not None and shown \
                else dict.fromkeys(("mean", "p5", "p50", "p95"), float("nan"))
            for stat in ("mean", "p5", "p50", "p95"):
                column = f"{result.label}_{stat}"
                if column in rows.columns:
                    rows.loc[EVIDENCE_ROW.format(metric), column] = stats[stat]
    return rows


def compare_inputs(plans: list[Plan], draws: int | None, seed: int | None,
                   conditions: list[Condition] | None, procurement: Any = None
                   ) -> tuple[dict, list[tuple[Plan, int, int]]]:
    if len(plans) < 2:
        raise MoneytrailError("compare needs two or more plans", field="plans",
                              value=len(plans))
    resolved = [(p, check_draws(p.draws if draws is None else draws, keep=True),
                 check_seed(p.seed if seed is None else seed)) for p in plans]
    inputs = {"plans": [run_plan_inputs(p, d, s) for p, d, s in resolved],
              "draws": [d for _, d, _ in resolved], "seeds": [s for _, _, s in resolved],
              "conditions": [c.model_dump(mode="json") for c in conditions]
              if conditions is not None else None}
    if procurement is not None:
        inputs["procurement"] = rules_inputs(procurement)
    return inputs, resolved


def comparison(ws: Workspace, rid: str, inputs: dict, results: list[TraceResult],
               conditions: list[Condition] | None, procurement: Any = None) -> Result:
    """The compare result of traced plans (per-draw values kept)."""
    from moneytrail.service.footprints import SPEND_YEARS_DEFAULT, spend_years_default

    share_draws(ws, results)
    plans = [r.require_plan() for r in results]
    headline = pd.DataFrame({f"{r.label}_{stat}": r.by("headline")[f"share_{stat}"]
                             for r in results for stat in ("p50", "p5", "p95")})
    card, dates = scorecard_parts(results, ws, conditions)
    tables = {"headline": Table.from_frame(
        "headline", headline,
        title="Plans compared: share of the spending (median, 90 % interval)",
        units=dict.fromkeys(headline.columns, "share")),
              "scorecard": card}
    tables["tco"] = tco_table(ws, results)    # after the scorecard: its lifecycle draws
    tables.update(market_power_tables(ws, results, procurement))
    sources = [s for plan in plans for s in plan_sources(ws, plan)]
    return Result(run_id=rid, kind="compare", title=" vs ".join(p.id for p in plans),
                  provenance=provenance(ws, inputs, seed=results[0].seed,
                                        draws=results[0].draws, sources=sources),
                  tables=tables,
                  facts={"plans": [p.id for p in plans],
                         SPEND_YEARS_DEFAULT: [spend_years_default(p) for p in plans],
                         "currencies": [p.currency for p in plans],
                         "totals": [p.total for p in plans],
                         EXPORT_RULES_ON: dates})


TCO_NOTE = ("Each plan's total cost of ownership over its horizon, in its own currency at "
            "its prices: budget + electricity cost - residual value, the tco row of the "
            "plan's lifecycle table (as a trace run of the plan, its compare page and "
            "moneytrail analyse --what lifecycle give it, for the same draws and seed). Mean "
            "and p5 / p50 / p95 over the draws. The horizon, electricity price and value "
            "decline behind each: moneytrail analyse PLAN --what lifecycle; docs/methods.md, "
            "'Lifecycle cost and TCO'.")


def tco_table(ws: Workspace, results: list[TraceResult]) -> Table:
    """Rows: plan; columns: unit (its currency), period, mean / p5 / p50 / p95: each plan's
    TCO, the `tco` row of its lifecycle table (service.lifecycle.lifecycle_table), so the
    same numbers as a trace run of the plan stores (after `scorecard_table`, whose lifecycle
    draws it reuses)."""
    from moneytrail.service.lifecycle import STATS, lifecycle_table

    rows = []
    for result in results:
        tco = lifecycle_table(ws, result).frame().loc["tco"]
        rows.append({"plan": result.label, "unit": tco["unit"], "period": tco["period"],
                     **{stat: tco[stat] for stat in STATS}})
    frame = pd.DataFrame(rows).set_index("plan")
    return Table.from_frame("tco", frame, title="Total cost of ownership (TCO) of each plan",
                            units={"unit": "text", "period": "text",
                                   **dict.fromkeys(STATS, "by row")}, note=TCO_NOTE)


def share_draws(ws: Workspace, results: list[TraceResult]) -> None:
    """Each plan's evaluation reuses the capital and margin draws of the plan before it
    (`analysis.metrics.Evaluation.draws_from`: the same numbers, drawn once) where they are
    the same draws; no effect on a split already made."""
    from moneytrail.analysis.metrics import Evaluation

    evaluations = [Evaluation.of(r, ws.analysis) for r in results]
    for before, after in zip(evaluations, evaluations[1:], strict=False):
        after.draws_from(before)


def compare_plans(ws: Workspace, plans: list[Plan], *, draws: int | None = None,
                  seed: int | None = None, conditions: list[Condition] | None = None,
                  progress: Progress | None = None,
                  store: StoreChoice = LEDGER,
                  procurement: Any = "default") -> Result:
    """Plans side by side: headline shares, the scorecard (median, 90 % interval) and, when
    the data package has a capital table, the largest rent recipients and each plan under
    procurement rules (`procurement`: an analysis.procurement.ProcurementRules, "default" for
    `default_procurement(ws)`, None for none)."""
    need_workspace(ws)
    # the scorecard computes the lifecycle: site data
    plans = [check_plan(ws, plan, site=True) for plan in plans]
    plans = distinct_ids(plans, draws, seed)
    if isinstance(procurement, str):
        procurement = default_procurement(ws)
    inputs, resolved = compare_inputs(plans, draws, seed, conditions, procurement)
    runner = Runner(ws, chosen_store(ws, store))
    total = sum(d for _, d, _ in resolved)

    def compute(rid: str, report: Progress | None) -> Result:
        results, offset = [], 0
        for plan, n, s in resolved:
            def step(done: int, _all: int, offset: int = offset) -> None:
                if report is not None:
                    report(offset + done, total)
            results.append(ws_trace(ws, plan, draws=n, seed=s, progress=step))
            offset += n
        return comparison(ws, rid, inputs, results, conditions, procurement)

    return runner.run("compare", " vs ".join(p.id for p in plans), inputs, total, compute,
                      progress)


def check_distinct(plans: list[Plan], draws: int | None = None,
                   seed: int | None = None) -> None:
    """Refuse the same plan twice (equal content as run: with the run's `draws` and `seed`
    in place of each plan's own when given, so two files differing only in `draws:` run with
    `--draws N` are the same plan; side by side, their columns would be equal):
    MoneytrailError naming the second one. `compare` and comparison briefings
    (`moneytrail report a.yaml a.yaml`, or two runs of one plan) share this check."""
    contents = [run_plan_inputs(p, p.draws if draws is None else draws,
                                p.seed if seed is None else seed) for p in plans]
    for i, plan in enumerate(plans):
        if contents[i] in contents[:i]:
            first = contents.index(contents[i]) + 1
            raise MoneytrailError(f"the same plan is given twice (plans {first} and {i + 1} "
                                  "are identical, so their columns would be too); compare "
                                  "different plans", file=plan.path, field="plans",
                                  value=plan.id)


def distinct_ids(plans: list[Plan], draws: int | None = None,
                 seed: int | None = None) -> list[Plan]:
    """Plans whose ids repeat (two versions of one plan, e.g. `old/x.yaml new/x.yaml`) get
    their position in the list as a suffix, `x #1` and `x #2`, so every column has its own
    label; other plans keep their id. The same plan twice (as run with `draws` and `seed`)
    is refused (`check_distinct`)."""
    from moneytrail.scenarios.schema import distinct_labels

    check_distinct(plans, draws, seed)
    labels = distinct_labels([p.id for p in plans])
    return [p.model_copy(update={"id": label}) if label != p.id else p
            for p, label in zip(plans, labels, strict=True)]


def plan_file_names(plan_ids: list[Any], run_ids: list[str]) -> list[str]:
    """One YAML file name per plan of a comparison, for its reproduce lines: the plan id's
    file name (scenarios.schema.plan_file_stem, as GET /api/v1/runs/{id}/plan.yaml names it),
    with the run id's first 8 digits added when two plans share an id (two builder drafts
    both called `t8`: `t8-1a2b3c4d.yaml`, `t8-5e6f7a8b.yaml`, never `t8.yaml t8.yaml`), and
    the whole run id if that is still not unique. Shapes: two lists of equal length."""
    from moneytrail.scenarios.schema import plan_file_stem

    stems = [plan_file_stem(p) for p in plan_ids]
    names = [f"{s}-{r[:8]}.yaml" if stems.count(s) > 1 else f"{s}.yaml"
             for s, r in zip(stems, run_ids, strict=True)]
    return [f"{s}-{r}.yaml" if names.count(n) > 1 else n
            for s, r, n in zip(stems, run_ids, names, strict=True)]


@dataclass(frozen=True)
class DemoRun:
    traces: list[Result]
    comparison: Result
    claims: Result
    # the database the runs were stored in, as its URL with any password as *** (None: not
    # stored); ledger.connection.url_name gives the SQLite file of a SQLite URL
    store: str | None = None


def demo(ws: Workspace, plans: list[Plan], *, draws: int = 10_000, seed: int = 1,
         store: StoreChoice = LEDGER) -> DemoRun:
    """The reference plans traced (each once), compared under the demo conditions, and the
    claims of the debate: the same runs `trace`, `compare` and `claims check` would store."""
    need_workspace(ws)
    from moneytrail.engine.threads import single_blas_thread

    with single_blas_thread():      # small products and solves throughout (engine.threads)
        return demo_runs(ws, plans, draws=draws, seed=seed, store=store)


def demo_runs(ws: Workspace, plans: list[Plan], *, draws: int, seed: int,
              store: StoreChoice) -> DemoRun:
    from moneytrail.scenarios.conditions import demo_conditions_path, load_conditions

    conditions = load_conditions(demo_conditions_path())
    chosen = chosen_store(ws, store)
    runner = Runner(ws, chosen)
    traced: dict[str, TraceResult] = {}

    def traced_plan(plan: Plan) -> TraceResult:
        if plan.id not in traced:
            traced[plan.id] = ws_trace(ws, plan, draws=draws, seed=seed,
                                       evidence=evidence_default(ws, plan, None))
        return traced[plan.id]

    traces = []
    for i, plan in enumerate(plans):
        inputs = trace_inputs(plan, draws=draws, seed=seed, analyses=True,
                              evidence=evidence_default(ws, plan, None))

        def compute(rid: str, _report: Progress | None, plan: Plan = plan,
                    inputs: dict = inputs, i: int = i) -> Result:
            done = [traced[p.id] for p in plans[:i] if p.id in traced]
            result = traced_plan(plan)
            if done:          # reuse an earlier plan's capital and margin draws (share_draws)
                share_draws(ws, [done[-1], result])
            return trace_run_result(ws, rid, inputs, result, analyses=True)

        traces.append(runner.run("trace", plan.id, inputs, draws, compute))
    rules = default_procurement(ws)
    inputs, _ = compare_inputs(plans, draws, seed, conditions, rules)
    compared = runner.run("compare", " vs ".join(p.id for p in plans), inputs,
                          draws * len(plans),
                          lambda rid, _r: comparison(ws, rid, inputs,
                                                     [traced_plan(p) for p in plans],
                                                     conditions, rules))
    claims = check_claims(ws, draws=2000, seed=1, store=chosen,
                          traces=cut_traces(ws, [traced[p.id] for p in plans if p.id in traced],
                                            draws=2000, seed=1))
    return DemoRun(traces=traces, comparison=compared, claims=claims,
                   store=None if chosen is None else
                   chosen.engine.url.render_as_string(hide_password=True))


def cut_traces(ws: Workspace, results: list[TraceResult], *, draws: int, seed: int
               ) -> dict[str, TraceResult]:
    """The plans of `results` as `check_claims` would trace them with `draws` and `seed`
    (its `traces`, keyed by plan content): each kept trace's first `draws` draws
    (`TraceResult.first_draws`: the same numbers, not traced again) with the plan as
    `check_plan` makes it and the data package's footprints, as `moneytrail.trace` gives
    them. A trace of another seed, with fewer draws or without the evidence weight the claims
    read is left out (the claims trace that plan themselves). Consecutive plans share their
    capital and margin draws, as the claims' own traces do (no number changes)."""
    from moneytrail.analysis.metrics import Evaluation
    from moneytrail.engine.streams import BLOCK
    from moneytrail.service.footprints import package_footprint

    out: dict[str, TraceResult] = {}
    for result in results:
        if result.seed != seed or result.draws < draws or draws % BLOCK or \
                result.summary is not None or result.per_draw is None or \
                result.per_draw.evidence is None:
            continue
        plan = result.require_plan()
        cut = replace(result.first_draws(draws), plan=check_plan(ws, plan),
                      package_footprints=partial(package_footprint, ws))
        if out:
            Evaluation.of(cut, ws.analysis).draws_from(
                Evaluation.of(list(out.values())[-1], ws.analysis))
        out[plan.model_dump_json()] = cut
    return out


# -- analyses --------------------------------------------------------------------------------
DEFAULT_ANALYSES = ("concentration", "dependency", "exports", "lifecycle", "efficiency",
                    "conditions", "market_power")


def analyses_asked(what: Any) -> list[str]:
    """`analyse_plan`'s `what` as a list of analyses, each once: one name or a list of names
    of ANALYSES; None for DEFAULT_ANALYSES. An empty list, a name that is not text or an
    unknown name is a MoneytrailError naming the field `what` (the CLI prints `--what`)."""
    if what is None:
        return list(DEFAULT_ANALYSES)
    if isinstance(what, str):              # "exports" is one analysis, not seven letters
        what = [what]
    if not isinstance(what, list | tuple):
        raise MoneytrailError(f"expected an analysis or a list of them ({', '.join(ANALYSES)})",
                              field="what", value=what)
    if not what:
        raise MoneytrailError("no analysis asked for: name one or more (" + ", ".join(ANALYSES)
                              + "), or leave `what` out for the default ones", field="what",
                              value=[])
    for name in what:
        if not isinstance(name, str) or name not in ANALYSES:
            raise MoneytrailError(f"unknown analysis (use {', '.join(ANALYSES)})",
                                  field="what", value=name)
    return list(dict.fromkeys(what))


def export_dates(on: Any) -> list[dt.date] | None:
    """`analyse_plan`'s `on` as a list of dates (None when not given): a date, an ISO date
    text ("2025-01-01") or a list of these; a datetime stands for its day. Anything else is
    a MoneytrailError naming the field `on` (the CLI prints `--on`)."""
    if on is None:
        return None
    items = list(on) if isinstance(on, list | tuple) else [on]
    dates = []
    for item in items:
        if isinstance(item, dt.datetime):
            item = item.date()
        elif isinstance(item, str):
            try:
                item = dt.date.fromisoformat(item.strip())
            except ValueError:
                raise MoneytrailError("not a date: expected YYYY-MM-DD", field="on",
                                      value=shown_text(item)) from None
        if not isinstance(item, dt.date):
            raise MoneytrailError("expected a date (datetime.date or YYYY-MM-DD text) or a "
                                  "list of them", field="on", value=item)
        dates.append(item)
    return dates
def analyse_plan(ws: Workspace, plan: Plan, what: str | list[str] | None = None,
                 on: dt.date | list[dt.date] | None = None, *, draws: int | None = None,
                 seed: int | None = None, progress: Progress | None = None,
                 store: StoreChoice = LEDGER) -> Result:
    """A plan's concentration, dependency, export exposure, lifecycle, efficiency and
    conditions, each with mean and p5 / p50 / p95 over draws."""
    from moneytrail.analysis import dependency

    need_workspace(ws)
    what = analyses_asked(what)
    on = export_dates(on)
    plan = check_plan(ws, plan, site=needs_site(plan, what))
    if on:              # a date the export rules data do not cover would read "none"
        dependency.check_rules_dates(ws.analysis, on)
    dates = list(dict.fromkeys(on or [dependency.rules_date(plan)]))
    draws = check_draws(plan.draws if draws is None else draws, keep=True)
    seed = check_seed(plan.seed if seed is None else seed)
    inputs = {"plan": run_plan_inputs(plan, draws, seed), "draws": draws, "seed": seed,
              "what": what,
              "on": [d.isoformat() for d in dates]}
    runner = Runner(ws, chosen_store(ws, store))

    def compute(rid: str, report: Progress | None) -> Result:
        result = ws_trace(ws, plan, draws=draws, seed=seed, progress=report)
        frames = analysis_frames(ws, result, what, dates)
        tables = {name: Table.from_frame(name, frame, title=f"{plan.id}: {name}",
                                         currency=plan.currency,
                                         units={**analysis_units(name, plan.currency),
                                                **(frame.attrs.get("units") or {})},
                                         note=frame.attrs.get("rules_note", "")
                                         or frame.attrs.get("note", ""))
                  for name, frame in frames.items()}
        from moneytrail.service.footprints import cited_sources

        return Result(run_id=rid, kind="analyse", title=f"{plan.title}: analyses",
                      provenance=provenance(ws, inputs, seed=seed, draws=draws,
                                            sources=plan_sources(ws, plan)
                                            + cited_sources(ws, result, what)),
                      tables=tables,
                      facts={**trace_facts(result), **scale_facts(ws, plan)})

    return runner.run("analyse", plan.id, inputs, draws, compute, progress)


def stat_units(prefixes: tuple[str, ...], unit: str) -> dict[str, str]:
    """`unit` for the columns `<prefix>_<mean|p5|p50|p95>` of each prefix ('' for the bare
    `mean`, `p5`, `p50`, `p95`)."""
    return {f"{p}_{s}" if p else s: unit for p in prefixes for s in ("mean", "p5", "p50", "p95")}


def analysis_units(name: str, currency: str) -> dict[str, str]:
    """The units of an analysis table's columns where the name alone would mislead
    `result.infer_unit` (docs/results.md, Units): HHI in `points`, concentration ratios and
    jurisdiction and exposure shares in `share`, markups in the plan's `currency` (the
    reference chip's cost in USD), and `by row` where each row names its unit (its `unit`
    column: lifecycle, efficiency, procurement)."""
    by_row = ("mean", "p5", "p50", "p95")
    units: dict[str, dict[str, str]] = {
        "concentration": {"hhi_before_p50": "points", "hhi_after_p50": "points",
                          "delta_without_rules_p50": "points",
                          **stat_units(("delta",), "points")},
        "markets": {"hhi": "points", "cr1": "share", "cr3": "share", "cr4": "share",
                    **stat_units(("hhi",), "points")},
        "dependency": stat_units(("top_share",), "share"),
        "jurisdictions": stat_units(("",), "share"),
        "exports": {"tier": "text", **stat_units(("exposed",), "share")},
        "lifecycle": dict.fromkeys(by_row, "by row"),
        "efficiency": dict.fromkeys(by_row, "by row"),
        "conditions": {"condition": "text", "metric": "text", "bound": "text",
                       "rules_on": "text", "verdict": "text",
                       **stat_units(("value",), "number")},
        "markups": {"margin_central": "share", "price_over_cost": "number",
                    "unit_cost_usd": "USD", **stat_units(("markup",), currency or "number")},
        "procurement": procurement_units(("plan", "rules", "change")),
    }
    return units.get(name, {})


def procurement_units(prefixes: tuple[str, ...]) -> dict[str, str]:
    """A procurement table's units: each row's own (its `unit` column), as compare's."""
    return {"unit": "text", **stat_units(prefixes, "by row")}


def analysis_frames(ws: Workspace, result: TraceResult, what: list[str],
                    dates: list[dt.date]) -> dict[str, pd.DataFrame]:
    from moneytrail.analysis import concentration, dependency, efficiency, lifecycle
    from moneytrail.analysis.conditions import check_conditions
    from moneytrail.analysis.metrics import Evaluation
    from moneytrail.service.footprints import analysis_frame
    from moneytrail.service.lifecycle import lifecycle_note, with_note

    data = ws.analysis
    makers: dict[str, Callable[[], pd.DataFrame]] = {
        "concentration": lambda: concentration.plan_concentration(result, data),
        "markets": lambda: concentration.market_concentration(ws.valuechain, data=data),
        "dependency": lambda: dependency.dependency_table(result, data=data),
        "jurisdictions": lambda: dependency.jurisdiction_shares(result),
        "exports": lambda: dependency.export_table(result, dates, data=data),
        "lifecycle": lambda: with_note(lifecycle.lifecycle(result, data),
                                       lifecycle_note(ws, result)),
        "efficiency": lambda: efficiency.efficiency(result, data),
        "conditions": lambda: check_conditions(Evaluation.of(result, data)),
        "jobs": lambda: analysis_frame(ws, result, "jobs"),
        "co2": lambda: analysis_frame(ws, result, "co2"),
    }
    out = {}
    for name in what:
        if name in ("market_power", "procurement"):
            out.update(market_power_frames(ws, result, name))
        else:
            out[name] = makers[name]()
    return out


# -- claims ----------------------------------------------------------------------------------
def check_claims(ws: Workspace, path: str | Path | None = None, *, draws: int = CLAIM_DRAWS,
                 seed: int = CLAIM_SEED, ledger_db: str | None = None,
                 store: StoreChoice = LEDGER, traces: dict[str, Any] | None = None,
                 claims: list[Claim] | None = None, name: str = "",
                 checked_run: str | None = None) -> Result:
    """Claims of the debate (or a user's claims file at `path`, or the validated `claims`
    themselves, called `name` in the result) with verdicts, figures and sources, each
    check with the plan its claim names (the reference plans). `traces`: plans already
    traced with these draws and seed, shared between calls (analysis.claims.check_claims;
    no number changes).

    This checks nothing against a stored run: a claim checked against a run (the run's plan,
    draws and seed in place of the reference plan; "not applicable" for a claim about
    another plan) is service.run_claims.check_against_run(ws, claim_id, run_id).
    `checked_run` is refused with a MoneytrailError saying so (field `checked_run`): it was
    once the label under which such a derived check was stored (now `derived_claims_run`)
    and was mistaken for "check against this run"."""
    if checked_run is not None:
        raise MoneytrailError(
            "check_claims checks the claims with their own reference plans, not against a "
            "run; to check a claim against a stored run call service.run_claims."
            "check_against_run(ws, claim_id, run_id)", field="checked_run",
            value=str(checked_run))
    return derived_claims_run(ws, path, draws=draws, seed=seed, ledger_db=ledger_db,
                              store=store, traces=traces, claims=claims, name=name)


def claims_file_fact(file: Path, package_root: Path) -> str:
    """The claims file as a claims run's `claims_file` fact (shown on its page and in its
    downloads): a file inside the data package as "the data package's <path inside it>"
    ("the data package's analysis/claims.yaml"), so a public page does not show where the
    server installed moneytrail; any other file as the path it was given."""
    try:
        inside = file.resolve().relative_to(package_root.resolve())
    except ValueError:
        return str(file)
    return f"the data package's {inside.as_posix()}"


def derived_claims_run(ws: Workspace, path: str | Path | None = None, *,
                       draws: int = CLAIM_DRAWS, seed: int = CLAIM_SEED,
                       ledger_db: str | None = None, store: StoreChoice = LEDGER,
                       traces: dict[str, Any] | None = None,
                       claims: list[Claim] | None = None, name: str = "",
                       derived_from: str | None = None) -> Result:
    """`check_claims`, its run stored as derived from the stored run `derived_from` (None:
    derived from none). For service.run_claims and service.own_claims, whose `claims` were
    already rewritten to trace that run's plan: this puts no plan in place itself, and
    `derived_from` is not in the run id (the rewritten claims are). It is recorded with the
    claims run (`runs.checked_run_id`, run_origins), so the check is never more visible than
    that run (accounts.plans.visible_runs_clause) and is hidden with it."""
    need_workspace(ws)
    from moneytrail.analysis.claims import check_claims as run_checks
    from moneytrail.analysis.claims import (
        check_sources,
        default_claims_path,
        draws_note,
        draws_seed_text,
        ledger_from_package,
        ledger_from_store,
        load_claims,
    )

    if claims is not None and path is not None:
        raise MoneytrailError("check_claims takes a claims file (`path`) or `claims`, not both",
                              field="claims")
    if claims is not None:
        check_claim_list(claims)
    file = Path(path) if path is not None else default_claims_path()
    given = claims is not None
    label = (name or "claims") if given else str(file)
    claims = claims if claims is not None else load_claims(file)
    check_sources(claims, ws.package, label)
    # the ledger read: a store (`ledger_db`, else the workspace's own when it has one) can
    # change, so its newest revision is part of the run id; the data package's cannot. A
    # store holding exactly the package's ledger records (unedited since it was loaded) reads
    # the same ledger, so its run is the package's (one run id for the same inputs: the
    # demo's and the web app's on that store)
    store_db = ledger_db if ledger_db is not None else ws.db
    if store_db is not None and store_holds_package(ws, ledger_db):
        store_db = None
    inputs = {"claims": [claim_inputs(c) for c in claims], "draws": draws,
              "seed": seed, "ledger": "store" if store_db is not None else "package"}
    if store_db is not None and ledger_db is not None:
        inputs["ledger_revision"] = ledger_revision(ledger_db)
    elif store_db is not None:
        inputs["ledger_revision"] = ws.ledger().state().revision
    runner = Runner(ws, chosen_store(ws, store))

    def compute(rid: str, report: Progress | None) -> Result:
        ledger = ledger_from_package(ws.package) if store_db is None else \
            ledger_from_store(ledger_db) if ledger_db is not None else ws.ledger_tables()
        # the ledger state read, kept with the result (a store changes; the package does
        # not): revision and time, or the data package's version
        read = ws.ledger_tables_state() if ledger_db is None and store_db is not None \
            else None
        facts: dict[str, Any] = {"claims_file": label if given else
                                 claims_file_fact(file, ws.package.root)}
        if store_db is None:
            facts["ledger_package"] = ws.data_version
        elif ledger_db is not None:
            facts["ledger_revision"] = inputs["ledger_revision"]
        elif read is not None:
            facts["ledger_revision"] = read.revision
            facts["ledger_time"] = read.time.isoformat(timespec="seconds") if read.time else ""
        frame = run_checks(claims, path=label, data=ws.analysis, chain=ws.valuechain,
                           ledger=ledger, model=ws.model, draws=draws, seed=seed,
                           traces=traces, tracer=partial(trace, ws=ws))
        # the draws, seed and run id (a run page's figures differ slightly: Monte Carlo
        # error), and under too few draws why there are no verdicts
        note = " ".join(p for p in (draws_seed_text(draws, seed, rid), ledger_read_text(facts),
                                    draws_note(draws)) if p)
        table = Table.from_frame("claims", frame,
                                 title="Claims of the debate, checked against the data",
                                 units={"p50": "number", "p5": "number", "p95": "number"},
                                 note=note)
        sources = [s for cell in frame.get("sources", []) for s in str(cell).split("; ")]
        return Result(run_id=rid, kind="claims", title="Claims checked against the data",
                      provenance=provenance(ws, inputs, seed=seed, draws=draws,
                                            sources=sources),
                      tables={"claims": table}, facts=facts)

    return claims_with_basis(runner.run("claims", label if given else file.name, inputs,
                                        len(claims), compute, checked_run=derived_from))


def store_holds_package(ws: Workspace, ledger_db: str | None) -> bool:
    """Whether the ledger store a claims check reads (`ledger_db`, else the workspace's own)
    holds exactly the ledger records of the workspace's data package
    (ledger.packageio.holds_package): then the check reads the package's ledger and its run
    is the package's."""
    from moneytrail.analysis.claims import require_existing_store
    from moneytrail.ledger import open as open_ledger
    from moneytrail.ledger.packageio import holds_package

    if ledger_db is None:
        return holds_package(ws.ledger(), ws.package.root)
    require_existing_store(ledger_db)       # a mistyped path is not a new store
    with open_ledger(ledger_db) as ledger:
        return holds_package(ledger, ws.package.root)


def ledger_read_text(facts: dict[str, Any]) -> str:
    """Which ledger a claims run read, for its note: 'It reads the ledger of data package
    2.6.0 (a ledger store holding exactly that ledger gives this same run).' or 'It reads
    the ledger store at revision 731.'; '' when the facts say neither."""
    if facts.get("ledger_package"):
        return (f"It reads the ledger of data package {facts['ledger_package']} (a ledger "
                "store holding exactly that ledger gives this same run).")
    if facts.get("ledger_revision") is not None:
        return f"It reads the ledger store at revision {facts['ledger_revision']}."
    return ""


def claims_with_basis(result: Result) -> Result:
    """A claims result whose rows tell a verdict on weak evidence apart (`weak_basis`,
    `verdict_label`: analysis.claims.with_verdict_basis): a run stored before its rows had
    them gets them as it is read (from its own verdicts and evidence weights; the stored run
    is not changed), and one stored before its note named its draws, seed and run id
    (analysis.claims.draws_seed_text) gets that sentence; any other result is returned as
    it is."""
    table = result.tables.get("claims")
    if table is None:
        return result
    from moneytrail.analysis.claims import draws_seed_text, with_verdict_basis

    # a run stored before its note named its draws, seed and run id gets them too
    said = draws_seed_text(result.provenance.draws or 0, result.provenance.seed or 0,
                           result.run_id)
    note = table.note if not result.provenance.draws or said in (table.note or "") \
        else " ".join(p for p in (said, table.note) if p)
    if {"weak_basis", "verdict_summary"} <= {c.name for c in table.columns} and \
            note == table.note:
        return result
    frame = with_verdict_basis(table.frame())
    filled = Table.from_frame("claims", frame, title=table.title, note=note,
                              units={c.name: c.unit for c in table.columns})
    return replace(result, tables={**result.tables, "claims": filled})


def check_claim_list(claims: Any) -> None:
    """`check_claims`' `claims`: a list of validated claims (analysis.claims.Claim, e.g.
    from load_claims); anything else is a MoneytrailError naming the item."""
    if not isinstance(claims, list | tuple):
        raise MoneytrailError("expected a list of claims (analysis.claims.Claim; a claims "
                              "file is given as `path`)", field="claims",
                              value=type(claims).__name__)
    for i, claim in enumerate(claims):
        if not isinstance(claim, Claim):
            raise MoneytrailError("expected a claim (analysis.claims.Claim, e.g. from "
                                  "analysis.claims.load_claims)", field=f"claims.{i}",
                                  value=type(claim).__name__)


def ledger_revision(db: str) -> int:
    """The newest revision number of a ledger store (0 when empty)."""
    from moneytrail.ledger import open as open_ledger

    with open_ledger(db) as ledger:
        history = ledger.history(limit=1)
    return int(history["revision"].max()) if len(history) else 0


# -- sensitivity -----------------------------------------------------------------------------
def sensitivity(ws: Workspace, plan: Plan, output: str = "share:us_tech_giants", *,
                method: str = "tornado", top: int = 15, samples: int = 512, seed: int = 1,
                scheduler: Any = None, store: StoreChoice = LEDGER) -> Result:
    """Which assumptions drive an output: tornado (low/high one at a time) or Sobol indices.
    Every option is checked before a run is recorded (a refused one stores nothing): the
    method, the output's form, `top`, Sobol's `samples`, the `seed` (`check_seed`, as trace
    and analyse check theirs) and the plan (`check_plan`)."""
    need_workspace(ws)
    from moneytrail.analysis import sensitivity as sa
    from moneytrail.engine.outputs import OutputSpec

    if method not in ("tornado", "sobol"):
        raise MoneytrailError("unknown method (use tornado or sobol)", field="method",
                              value=method)
    OutputSpec.parse(output)
    sa.check_top(top, optional=method == "tornado")
    if method == "sobol":
        sa.check_samples(samples)
    seed = check_seed(seed)
    plan = check_plan(ws, plan)  # as every plan task checks it: categories, price year, ...
    inputs = {"plan": model_plan_inputs(plan), "output": output, "method": method, "top": top,
              "samples": samples if method == "sobol" else None,
              "seed": seed if method == "sobol" else None}
    runner = Runner(ws, chosen_store(ws, store))

    def compute(rid: str, report: Progress | None) -> Result:
        model = ws.model(plan.year)
        analysis: sa.Tornado | sa.Sobol
        if method == "tornado":
            analysis = sa.tornado(plan, model, output, top=top, scheduler=scheduler)
            title = (f"{plan.id}: {analysis.output} with each parameter at its low and high "
                     "end, the others central")
        else:
            analysis = sa.sobol(plan, model, output, top=top, samples=samples, seed=seed,
                                scheduler=scheduler)
            title = f"{plan.id}: Sobol indices of {analysis.output} ({analysis.runs:,} runs)"
        facts = analysis.info()
        frame = analysis.table.set_index("parameter")
        # parameters are shares (of the budget, a market, a firm's revenue); the output is a
        # share or an amount in the plan's currency; Sobol indices are shares of its variance
        measured = "share" if str(analysis.output).startswith("share:") else plan.currency
        facts["unit"] = measured
        # a difference of two shares (the swing, a ± half-width) is stored as the fraction it
        # is, in unit "share" (docs/results.md); only the terminal prints it as points
        # (report.sensitivity.POINT_COLUMNS: 0.061 -> "6.1 points")
        units = {"low": "share", "central": "share", "high": "share", "output_low": measured,
                 "output_high": measured, "swing": measured, "S1": "share",
                 "S1_conf": "share", "ST": "share", "ST_conf": "share"}
        note = str(facts.get("warning") or "")       # Sobol indices not reliable: why
        return Result(run_id=rid, kind="sensitivity", title=title,
                      provenance=provenance(ws, inputs, seed=seed, draws=None,
                                            sources=plan_sources(ws, plan)),
                      tables={method: Table.from_frame(method, frame, title=title,
                                                       units=units, note=note)},
                      facts=facts)

    return runner.run("sensitivity", plan.id, inputs, 1, compute)


def show_run(ws: Workspace, run: str) -> Result:
    """A stored run's result, by its id or the first 8 or more of its hex digits
    (runs.resolve_run_id: the web app's /r/<digits> reads them the same way)."""
    from moneytrail.service.runs import resolve_run_id

    need_workspace(ws)
    store = default_store(ws)
    return store.result(resolve_run_id(store, run))


def stored_plan(result: Result, *, to: str) -> Plan:
    """The plan a trace result was computed from (its canonical inputs). A plan stored under
    older plan rules is a MoneytrailError saying so, ending 'run it again to <to>'
    (service.run_claims.check_stored_plan)."""
    from pydantic import ValidationError

    from moneytrail.service.run_claims import check_stored_plan

    data = result.provenance.inputs.get("plan")
    if not isinstance(data, dict):
        raise MoneytrailError("a briefing needs trace runs (this run has no plan)",
                              field="run", value=result.run_id)
    from moneytrail.service.footprints import stored_plan_years, stored_spend_years_default

    try:
        plan = Plan.model_validate(data)
    except ValidationError:
        check_stored_plan(data, result.run_id, to=to)
        raise
    return stored_plan_years(plan, stored_spend_years_default(result))


def analysed_runs(ws: Workspace, result: Result, *, store: StoreChoice = LEDGER
                  ) -> list[Result]:
    """The trace runs with analyses (scorecard, conditions, purchases) that the stored trace or
    compare run `result` stands for, as a briefing needs them: `result` itself when it has
    them; a trace run stored without them (as `moneytrail trace` stores it) traced again with
    them, with the same plan, draws, seed, tiers and evidence; a comparison run's plans, each
    traced with the draws and seed the comparison used. `store`: where the runs traced here
    are kept (a private store for a private plan's run, so they are not opened to everyone),
    as derived from `result` (derived_store: no more visible than it).
    The CLI's `moneytrail report RUN` and the web app's report downloads both use this."""
    need_workspace(ws)
    inputs = result.provenance.inputs
    if result.kind == "compare":
        from moneytrail.service.footprints import SPEND_YEARS_DEFAULT, stored_plan_years

        defaults = result.facts.get(SPEND_YEARS_DEFAULT) or [None] * len(inputs["plans"])
        derived = derived_store(ws, store, result.run_id)
        return [trace_plan(ws, stored_plan_years(Plan.model_validate(data), default), draws=n,
                           seed=s, store=derived)
                for data, n, s, default in zip(inputs["plans"], inputs["draws"],
                                               inputs["seeds"], defaults, strict=True)]
    if result.kind != "trace" or "categories" in result.tables:
        return [result]
    return [trace_plan(ws, stored_plan(result, to="brief it"), draws=inputs.get("draws"),
                       seed=inputs.get("seed"), tiers=inputs.get("tiers", DEFAULT_TIERS),
                       evidence=inputs.get("evidence"),
                       store=derived_store(ws, store, result.run_id))]


__all__ = ["ANALYSES", "BREAKDOWNS", "DemoRun", "analyse_plan", "analysed_runs", "check_claims",
           "compare_plans", "demo", "sensitivity", "show_run", "trace", "trace_inputs",
           "stored_plan", "trace_plan", "trace_run_id"]



# -- market power (analysis.market_power, analysis.procurement) ---------------------------------
PROCUREMENT_EU_WEIGHT = 2.0    # illustrative policy setting (an assumption, see the note)
MARKET_POWER_NOTE = ("Economic profit (rent) = capital value added minus a normal return "
                     "(cost of capital x invested capital per unit of revenue x the firm's "
                     "output in the trace); negative = an economic loss. Sources per row; "
                     "see docs/methods.md, 'Market power'.")


def default_procurement(ws: Workspace) -> Any:
    """The procurement rules `compare` shows by default: no firm above the data's
    single-supplier threshold (the EU presumption of dominance, 50 %) in any category, and EU
    suppliers preferred with weight PROCUREMENT_EU_WEIGHT (an illustrative policy choice)."""
    from moneytrail.analysis.dependency import single_supplier_threshold
    from moneytrail.analysis.procurement import ProcurementRules

    return ProcurementRules(cap=single_supplier_threshold(ws.analysis),
                            eu_weight=PROCUREMENT_EU_WEIGHT)


def procurement_rules(ws: Workspace, *, cap: float | None = None,
                      eu_weight: float | None = None, categories: list[str] | None = None
                      ) -> Any:
    """Procurement rules with the defaults of `default_procurement` for what is not given
    (ScenarioError for a cap outside (0, 1] or a weight below 1)."""
    need_workspace(ws)
    from moneytrail.analysis.procurement import ProcurementRules

    default = default_procurement(ws)
    return ProcurementRules(cap=default.cap if cap is None else cap,
                            eu_weight=default.eu_weight if eu_weight is None else eu_weight,
                            categories=tuple(categories or ()))


def procured_shares(ws: Workspace, plan: Plan, *, cap: float | None = None,
                    eu_weight: float | None = None, categories: list[str] | None = None
                    ) -> tuple[Plan, pd.DataFrame]:
    """The plan with its supplier shares under procurement rules (`procurement_rules`, its
    defaults for what is not given), as `compare` and `analyse --what procurement` apply them
    (analysis.procurement.procured_plan on the model of the plan's year): the plan with the
    ruled shares as its `procurement` override (reliability `assumption`, a note naming the
    rule), and the central shares before and after by (category, supplier), with `capped` and
    `cap_met` (False: too few suppliers in the category to take the excess). ScenarioError for
    a cap outside (0, 1], a weight below 1 or a category the plan does not spend on."""
    need_workspace(ws)
    from moneytrail.analysis.procurement import procured_plan

    rules = procurement_rules(ws, cap=cap, eu_weight=eu_weight, categories=categories)
    plan = check_year(ws, plan)
    return procured_plan(plan, ws.model(plan.year), rules)


def rules_inputs(rules: Any) -> dict:
    return {"cap": rules.cap, "eu_weight": rules.eu_weight,
            "categories": list(rules.categories)}


def market_power_tables(ws: Workspace, results: list[TraceResult], procurement: Any = None
                        ) -> dict[str, Table]:
    """For plans side by side: `rent_recipients` (the largest recipients of each plan's rent,
    rows (plan, entity)) and, with `procurement` rules, `procurement` (rows (plan, metric):
    each plan and the same plan under the rules). Empty without a capital table."""
    from moneytrail.analysis.market_power import has_capital_data

    if not has_capital_data(ws.analysis):
        return {}
    recipients, counterfactuals, note = [], [], ""
    unmet: list[str] = []
    unsplit_notes: list[str] = []
    for result in results:
        frames = market_power_frames(ws, result, "market_power", procurement)
        recipients.append(pd.concat({result.label: frames["rent_recipients"].assign(
            unit=result.currency)}, names=["plan"]))
        if unsplit := frames["market_power"].attrs.get("unsplit", ""):
            unsplit_notes.append(f"{result.label}: {unsplit}")
        if "procurement" in frames:
            counterfactuals.append(pd.concat({result.label: frames["procurement"]},
                                             names=["plan"]))
            note = frames["procurement"].attrs.get("rules_note", "")
            unmet += [f"{result.label}: {c}" for c in frames["procurement"].attrs["unmet"]]
    tables = {"rent_recipients": Table.from_frame(
        "rent_recipients", pd.concat(recipients),
        title="Largest recipients of economic profit (rent): amount, share of the plan, "
              "and the plan's rent a year as a share of the firm's own economic profit and "
              "R&D budget", units=recipient_units("by row"),
        note=" ".join([MARKET_POWER_NOTE, *unsplit_notes]))}
    if counterfactuals:
        frame = pd.concat(counterfactuals)
        if unmet:
            note += (" The cap cannot bind where a category has too few suppliers: "
                     f"{', '.join(unmet)}.")
        tables["procurement"] = Table.from_frame(
            "procurement", frame,
            title="Counterfactual procurement: each plan and the same plan under procurement "
                  "rules (change = per-draw difference)",
            units=procurement_units(("plan", "rules", "change")),
            note=note)
    return tables


def recipient_units(currency: str) -> dict[str, str]:
    """Units of a rent-recipients table: the rent in `currency` (an analysis' plan currency),
    or "by row" for plans side by side: each row's `unit` column, the currency of its plan
    (docs/results.md, Units); shares, text."""
    units = {f"rent_{s}": currency for s in ("mean", "p5", "p50", "p95")}
    units.update({f"{p}_{s}": "share" for p in ("share", "of_economic_profit", "of_rd")
                  for s in ("mean", "p5", "p50", "p95")})
    units.update({"fiscal_year": "text", "sources": "text", "unit": "text"})
    return units


def market_power_frames(ws: Workspace, result: TraceResult, what: str,
                        procurement: Any = "default") -> dict[str, pd.DataFrame]:
    """`analyse` tables of market power: `market_power` (capital value added split, rent by
    owner country, group and firm), `rent_recipients`, `markups`; with what="procurement"
    or given rules, `procurement` (the plan under the rules, `procurement_shares` too)."""
    from moneytrail.analysis import market_power as mp
    from moneytrail.analysis.metrics import Evaluation
    from moneytrail.analysis.procurement import COLUMNS, counterfactual, jobs_metrics

    data = ws.analysis
    out: dict[str, pd.DataFrame] = {}
    if what == "market_power" or procurement not in (None, "default"):
        evaluation = Evaluation.of(result, data)        # once per trace (scorecard too)
        split = evaluation.rents()
        if split is None:
            split = mp.split_rents(result, data)        # the clear error: no capital table
        table = mp.rent_table(split)
        unsplit = mp.unsplit_note(split, names=ws.valuechain.entity_names())
        table["sources"] = [split.basis["sources"].get(label, "") if dim == "entity" else ""
                            for dim, label in table.index]
        table.attrs["rules_note"] = (
            "Shares of the spending. Groups overlap (a firm can be in several, e.g. Nvidia is a "
            "chip designer and a US tech giant), so group rows do not add up to the total; "
            "owner-country and firm rows do. Economic profit = capital value added above "
            "WACC x invested capital; aggregate sectors are not split (docs/methods.md, "
            "'Market power')." + (f" {unsplit}" if unsplit else ""))
        table.attrs["unsplit"] = unsplit
        out["market_power"] = table
        out["rent_recipients"] = mp.rent_recipients(split, data)
        out["rent_recipients"].attrs["units"] = recipient_units(result.currency)
        out["markups"] = mp.markup_table(result, data, capital=split.capital,
                                         found=evaluation.markups())
    if what == "procurement" or procurement not in (None, "default"):
        rules = default_procurement(ws) if procurement in (None, "default") else procurement
        made = counterfactual(result, data, rules, jobs_metrics(data))
        frame = made.metrics.reindex(columns=COLUMNS)
        shares = made.shares.reset_index()
        unmet = sorted(set(shares.loc[~shares["cap_met"].astype(bool), "category"]))
        frame.attrs["unmet"] = unmet
        frame.attrs["rules_note"] = (
            f"Rules: {rules.describe()}. The default cap is the data's single-supplier "
            "threshold (EU presumption of dominance); the EU preference weight "
            f"{rules.eu_weight:g} is an illustrative policy assumption, not an observed "
            "figure. The cap holds in every draw (where a capped firm's interval reaches "
            "above it, awards are fixed at the ruled shares); aggregate sectors (e.g. EU "
            "construction) are not capped; supply capacity is not modelled, so a small "
            "supplier may take much of the excess; see docs/methods.md, 'Market power'.")
        out["procurement"] = frame
        if what == "procurement":
            out["procurement_shares"] = made.shares
    return out
