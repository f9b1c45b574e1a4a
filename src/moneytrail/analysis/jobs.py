"""Jobs a plan pays for: full-time equivalents (FTE) by country, entity, tier and duration.

Two bases, one per entity:
- **Firms with employees per revenue in filings** (valuechain/satellites.csv, account
  `employees`, FTE per USD million of revenue; entities of kind `firm`): the firm's FTE = its
  output caused by the plan x that intensity, per draw (a PERT from the row's low/central/high,
  named stream `jobs_employees`), so its total matches its filings. It is split across the
  countries where it pays wages in proportion to labour value added / compensation per FTE
  there (the relative pay levels below): a dollar of wages in India still buys more FTE than
  in the US.
- **Everything else** (firms without such a row, aggregate sectors: construction, electricity,
  other services, rest of the world): FTE = labour value added / compensation of employees per
  FTE of the flow's country and the entity's industry.

The labour value added comes from the trace (every labour flow: an entity's wages in one
country, per draw); compensation per FTE per year is the national-accounts figure for the
flow's country and the entity's industry (macro/compensation.csv, NACE industries from
valuechain/entity_industries.csv; the country's all-industry figure `TOTAL` when the industry
has none), converted to the plan's currency with the package's FX at the compensation's year
(nominal), taken as the plan year's money and, for a plan whose price year is another year,
restated to the plan's money with its currency's deflator (analysis.footprints.restated; the
employees per USD million likewise, usd_per_plan_unit), so the price year alone does not change
the FTE. Its low/central/high is a PERT drawn per draw from the named stream `jobs`; nothing
else changes, so the trace's numbers stay the same. A firm with an employees row but a labour
flow without a compensation figure is not anchored (its split would be unknown) and says so.

Every FTE figure here is FTE-years: work over the whole budget (jobs x years), whether the
money buys construction and equipment once or pays for operations year after year; jobs at one
time are FTE-years / the years the budget is spent over (analysis.concentration.spend_years,
service.footprints). The split into temporary and lasting work follows the spending category
the money came from (`DURATION`). Labour flows without a compensation figure are left out and
reported (`coverage`: share of the labour value added with a figure). What this cannot answer:
induced jobs (wages spent again), jobs that AI use removes or creates elsewhere, and whether
the workers would otherwise be unemployed (docs/methods.md, 'Jobs and footprints').
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from moneytrail.analysis.footprints import (
    CO2,
    EMPLOYEES,
    FTE_YEARS,
    SupplyChainFootprint,
    fx_factor,
    output_coverage,
    restated,
    satellite_account,
    usd_per_plan_unit,
)
from moneytrail.data.footprints import FootprintTables
from moneytrail.engine.demand import DemandSampler, demand_sampler
from moneytrail.engine.dimensions import flow_dimension
from moneytrail.engine.footprint import (
    Account,
    Anchors,
    Footprint,
    draw_account_values,
    draw_anchor_values,
    flow_rows,
    trace_footprints,
    trace_weights,
)
from moneytrail.engine.sampling import PertSampler
from moneytrail.engine.summary import exact_stats
from moneytrail.errors import MoneytrailError
from moneytrail.ledger.errors import ConversionError

TEMPORARY, LASTING = "temporary (construction and equipment, FTE-years)", \
    "lasting (operations, FTE-years)"
DURATION = {    # spending category -> duration of the work it pays for
    "facility": TEMPORARY, "accelerators": TEMPORARY, "servers": TEMPORARY,
    "networking": TEMPORARY, "storage": TEMPORARY,
    "electricity": LASTING, "cloud_compute": LASTING, "staff": LASTING,
    "model_licences": LASTING, "research_grants": LASTING, "startup_grants": LASTING,
}
CONSTRUCTION = "facility"
BASIS = "basis"                     # FTE breakdown: anchored on filings vs national averages
FILINGS = "firms' employees per revenue (filings)"
AVERAGES = "national average compensation per FTE"
ANCHOR_STREAM = "jobs_employees"
TOTAL_INDUSTRY = "TOTAL"
FIRM = "firm"


@dataclass(frozen=True, eq=False)
class JobsAccount:
    """The jobs account of a result: one row per labour flow with a compensation figure;
    the rows of firms with employees per revenue are anchored on it (`account.anchors`)."""

    account: Account
    coverage_rows: np.ndarray      # labour flow positions that have a figure
    uncovered: list[str]           # "entity (country)" of labour flows without one
    compensation: pd.DataFrame     # the compensation rows used (provenance)
    anchored: pd.DataFrame = field(default_factory=pd.DataFrame)   # employees rows used
    not_anchored: list[str] = field(default_factory=list)   # "entity: why" (row not usable)

    @property
    def anchored_rows(self) -> np.ndarray:
        """(rows,) bool: the account rows whose FTE rest on a firm's filings."""
        anchors = self.account.anchors
        return np.zeros(self.account.entity.size, dtype=bool) if anchors is None else \
            anchors.group >= 0


def jobs_account(result: Any, tables: FootprintTables, money: Any) -> JobsAccount:
    """FTE per unit of output for every labour flow: w_flow / (compensation x FX), with the
    rows of each firm that has employees per revenue (satellites.csv) anchored on it: in each
    draw they add up to output x employees per USD million x USD millions per unit of the
    plan's currency, split by those compensation-based intensities."""
    plan = result.require_plan()
    model = result.model
    flows = model.flows.reset_index(drop=True)
    labour = np.flatnonzero((flows["factor"] == "labour").to_numpy())
    comp = tables.compensation_for(plan.year)
    lookup = {(r.country, r.industry): r for r in comp.itertuples(index=False)} \
        if len(comp) else {}
    restate = restated(money, plan)          # plan year's money per unit of the plan's
    rows, params, uncovered, used = [], [], [], []
    missing: set[str] = set()            # entities with a labour flow without a figure
    industries = tables.industries
    entities, countries = flows["entity"].astype(str), flows["country"].astype(str)
    for i in labour:
        entity, country = entities.iat[i], countries.iat[i]
        industry = industries.get(entity, TOTAL_INDUSTRY)
        row = lookup.get((country, industry)) or lookup.get((country, TOTAL_INDUSTRY))
        if row is None:
            uncovered.append(f"{entity} ({country})")
            missing.add(entity)
            continue
        try:
            factor = fx_factor(money, str(row.currency), int(str(row.year)), plan.currency)
            if restate != 1.0:          # pay in the plan's money (its price year's prices)
                factor /= restate
        except ConversionError:
            uncovered.append(f"{entity} ({country}: no FX rate for {row.currency})")
            missing.add(entity)
            continue
        key = (row.country, row.industry)
        if key not in used:
            used.append(key)
        rows.append((i, entity, country, factor))
        params.append(used.index(key))
    index = model.index
    picked = comp.set_index(["country", "industry"]).loc[used].reset_index() if used else comp
    sampler = PertSampler(picked["low"].to_numpy(float), picked["central"].to_numpy(float),
                          picked["high"].to_numpy(float), lower=1e-9) if used else None
    row_entities = [e for _, e, _, _ in rows]
    anchors, anchored, not_anchored = employee_anchors(result, tables, money, row_entities,
                                                       missing)
    account = Account(
        name="jobs", unit=FTE_YEARS, entity=np.array([index[e] for e in row_entities], dtype=int),
        country=tuple(c for _, _, c, _ in rows),
        coefficient=np.array([1.0 / f for *_, f in rows], dtype=float),
        flow=np.array([i for i, *_ in rows], dtype=int), param=np.array(params, dtype=int),
        parameters=sampler, power=-1.0, stream="jobs", key=0,
        provenance=picked.reset_index(drop=True), anchors=anchors)
    return JobsAccount(account=account, coverage_rows=np.array([i for i, *_ in rows], int),
                       uncovered=uncovered, compensation=picked, anchored=anchored,
                       not_anchored=not_anchored)


def employee_anchors(result: Any, tables: FootprintTables, money: Any,
                     row_entities: list[str], missing: set[str]
                     ) -> tuple[Anchors | None, pd.DataFrame, list[str]]:
    """The anchor groups of the jobs rows (one per firm entity with an `employees` row in
    satellites.csv and a compensation figure for every labour flow), the employees rows used
    and the firms whose row could not be used, with the reason."""
    plan = result.require_plan()
    model = result.model
    figures = tables.satellite(EMPLOYEES, plan.year)
    if not len(figures) or not row_entities:
        return None, pd.DataFrame(), []
    kinds = dict(zip(model.entities["id"].astype(str), model.entities["kind"].astype(str),
                     strict=True)) if "kind" in model.entities else {}
    present = set(row_entities)
    chosen, not_anchored = [], []
    for entity in sorted(set(figures["entity"].astype(str))):
        if entity not in present:
            continue                         # no labour value added in this plan's model
        if kinds.get(entity, FIRM) != FIRM:
            not_anchored.append(f"{entity}: not a firm entity")
        elif entity in missing:
            not_anchored.append(f"{entity}: a country of its labour has no compensation "
                                "figure to split its staff by")
        else:
            chosen.append(entity)
    if not chosen:
        return None, pd.DataFrame(), not_anchored
    try:
        per_million = usd_per_plan_unit(money, plan) / 1e6
    except ConversionError:
        return None, pd.DataFrame(), not_anchored + [f"{e}: no FX rate from {plan.currency} "
                                                     "to USD" for e in chosen]
    used = figures.set_index("entity").loc[chosen].reset_index()
    position = {entity: k for k, entity in enumerate(chosen)}
    group = np.array([position.get(e, -1) for e in row_entities], dtype=int)
    sampler = PertSampler(used["low"].to_numpy(float), used["central"].to_numpy(float),
                          used["high"].to_numpy(float), lower=0.0)
    anchors = Anchors(group=group, scale=np.full(len(chosen), per_million), parameters=sampler,
                      stream=ANCHOR_STREAM, key=0)
    return anchors, used, not_anchored


@dataclass(frozen=True, eq=False)
class LabourDraws:
    """The jobs account of a trace (`jobs_account`) and its compensation and anchor values
    over the trace's draws (`draw_account_values`). They depend on the model, the seed, the
    draw count and the plan's year, price year and currency only (not on what the plan buys),
    so the same plan under other procurement rules reads them too (`fits`)."""

    account: Account
    values: np.ndarray | None
    anchored: np.ndarray | None
    model: Any
    seed: int
    draws: int
    money: tuple[int, int | None, str]        # the plan's year, price year and currency

    def fits(self, result: Any) -> bool:
        plan = result.require_plan()
        return result.model is self.model and (result.seed, result.draws) == \
            (self.seed, self.draws) and (plan.year, plan.price_year, plan.currency) == self.money


def labour_draws(result: Any, tables: FootprintTables, money: Any) -> LabourDraws:
    """The jobs account of a traced plan and its values drawn over the trace's draws."""
    plan = result.require_plan()
    account = jobs_account(result, tables, money).account
    values, anchored = draw_account_values(account, result.seed, result.draws)
    return LabourDraws(account=account, values=values, anchored=anchored, model=result.model,
                       seed=result.seed, draws=result.draws,
                       money=(plan.year, plan.price_year, plan.currency))


def labour_fte(result: Any, tables: FootprintTables, money: Any,
               drawn: LabourDraws | None = None) -> tuple[np.ndarray, tuple[str, ...]]:
    """FTE per draw of each labour flow with a compensation figure, (draws, rows), and each
    row's country, from the trace's kept per-draw labour value added: flow / (compensation per
    FTE x FX), the compensation drawn from stream `jobs` block by block exactly as the replay
    of `plan_jobs` draws it. The same FTE as `plan_jobs` (equal up to rounding: the row
    formula is applied to the kept flows instead of w x per draw), without replaying the
    draws; no tiers, parts or cross-check. Needs the trace's per-draw values. `drawn`: the
    account and its draws already made for the same model, seed, draws and plan money
    (`labour_draws`, e.g. of the plan before procurement rules); ValueError when they do not
    fit the trace."""
    if drawn is None:
        drawn = labour_draws(result, tables, money)
    elif not drawn.fits(result):
        raise ValueError("jobs account draws of another model, seed, draw count or plan money")
    account = drawn.account
    weights = trace_weights(result) if account.anchors is not None else None
    return (flow_rows(account, result.flows, drawn.values, weights, drawn.anchored),
            account.country)


def implied_pay(result: Any, acc: JobsAccount) -> pd.DataFrame:
    """Labour cost per FTE-year each anchored firm implies: its labour value added / its FTE,
    per draw = (labour value added per unit of output) / (FTE per unit of output), in the
    plan's currency (mean, p5, p50, p95 by entity). It does not depend on how much the plan
    buys from the firm; a reader compares it with the firm's known pay (a figure far above it
    means the cost structure's labour share and the filing's employees disagree)."""
    anchors = acc.account.anchors
    if anchors is None:
        return pd.DataFrame(columns=[f"amount_{s}" for s in ("mean", "p5", "p50", "p95")])
    values = draw_anchor_values(acc.account, result.seed, result.draws)
    assert values is not None
    weights = trace_weights(result)
    rows = anchors.rows
    labour = np.asarray(anchors.membership().T @ weights[:, acc.account.flow[rows]].T).T
    fte = values * anchors.scale[None, :]
    pay = np.divide(labour, fte, out=np.full_like(labour, np.nan), where=fte > 0)
    stats = exact_stats(pay)
    names = [str(e) for e in acc.anchored["entity"]]
    return pd.DataFrame({f"amount_{k}": stats[k] for k in ("mean", "p5", "p50", "p95")},
                        index=pd.Index(names, name="entity"))


def duration_parts(plan: Any, model: Any) -> tuple[tuple[str, ...], np.ndarray | None]:
    """Part names and (parts, purchase rows) masks of a plan's purchases on `model`:
    temporary vs lasting spending."""
    demand = demand_sampler(plan, model)
    if not isinstance(demand, DemandSampler):
        return (), None
    categories = demand.rows["category"].astype(str)
    unknown = sorted(set(categories) - set(DURATION))
    if unknown:
        raise MoneytrailError("spending category without a duration (temporary or lasting) "
                              "in analysis.jobs.DURATION", field="category", value=unknown[0])
    names = (TEMPORARY, LASTING)
    masks = np.array([(categories.map(DURATION) == name).to_numpy(float) for name in names])
    return names, masks


@dataclass(frozen=True, eq=False)
class Jobs:
    """Jobs of a traced plan. `fte` by entity, country, tier, part (temporary vs lasting),
    basis (BASIS: FILINGS vs AVERAGES) and total; `wages` the labour value added of the same
    flows (same breakdowns, plan currency); `coverage` the share of the plan's labour value
    added (mean) with a compensation figure; `anchored` the employees rows (satellites.csv)
    the anchored firms' FTE rest on, `not_anchored` the firms whose row could not be used
    ("entity: why"); `implied_pay` each anchored firm's labour value added per FTE-year in the
    plan's currency (mean, p5, p50, p95 by entity)."""

    fte: Footprint
    wages: Footprint
    coverage: float
    uncovered: list[str]
    compensation: pd.DataFrame
    anchored: pd.DataFrame
    not_anchored: list[str]
    implied_pay: pd.DataFrame
    sources: list[str]

    def averages_share(self) -> pd.Series:
        """Share of the FTE that rests on national average compensation per FTE (not on a
        firm's filings), per draw: mean, p5, p50, p95."""
        return pd.Series(self.fte.by(f"share_{BASIS}").loc[AVERAGES])

    def summary(self) -> pd.DataFrame:
        """One row per measure: FTE-years (jobs x years over the whole budget) in total, by
        part and by basis (filings vs averages). Jobs at one time are these / the years the
        budget is spent over (service.footprints.jobs_table has both)."""
        rows = {"jobs (FTE-years), all": self.fte.by("total").iloc[0]}
        for label, row in self.fte.by("part").iterrows():     # the part without its unit
            rows[f"jobs (FTE-years), {str(label).replace(', FTE-years)', ')')}"] = row
        if BASIS in self.fte.tables:
            for label, row in self.fte.by(BASIS).iterrows():
                rows[f"jobs (FTE-years) from {label}"] = row
        return pd.DataFrame(rows).T


def plan_jobs(result: Any, tables: FootprintTables, money: Any) -> Jobs:
    """Jobs of a traced plan (see the module doc)."""
    return plan_footprints(result, tables, money)[0]


def plan_footprints(result: Any, tables: FootprintTables, money: Any
                    ) -> tuple[Jobs, SupplyChainFootprint | None]:
    """Jobs and the supply-chain CO2 (None without co2e_scope12 data) of a traced plan, from
    one replay of its draws."""
    year = result.require_plan().year
    acc = jobs_account(result, tables, money)
    names, masks = duration_parts(result.require_plan(), result.model)
    wage_account = Account(name="wages", unit=result.currency, entity=acc.account.entity,
                           country=acc.account.country,
                           coefficient=np.ones(acc.account.entity.size), flow=acc.account.flow,
                           param=np.full(acc.account.entity.size, -1))
    headline = flow_dimension(result.model.flow_table(), "headline", result.model.eu_members)
    anchored = acc.anchored_rows.astype(float)
    dimensions = {"headline": (headline.labels, headline.matrix[acc.account.flow]),
                  BASIS: ((FILINGS, AVERAGES), np.column_stack([anchored, 1.0 - anchored]))}
    extra = [CO2] if len(tables.satellite(CO2, year)) else []
    satellites = {name: satellite_account(result, tables, money, name)[0] for name in extra}
    accounts = [replace(acc.account, dimensions=dimensions, shares=(BASIS,)), wage_account]
    accounts += list(satellites.values())
    prints = trace_footprints(result, accounts, part_names=names, parts=masks)
    fte, wages = prints[0], prints[1]
    found = dict(zip(extra, prints[2:], strict=True))
    wrapped = {name: SupplyChainFootprint(
        footprint=found[name], coverage=output_coverage(result, satellites[name]),
        sources=source_ids(satellites[name].provenance)) for name in extra}
    labour_total = result.by("factor")
    total_labour = float(labour_total.loc["labour", "amount_mean"]) \
        if "labour" in labour_total.index else 0.0
    covered = float(wages.by("total")["amount_mean"].iloc[0])
    jobs = Jobs(fte=fte, wages=wages,
                coverage=covered / total_labour if total_labour else 0.0,
                uncovered=acc.uncovered, compensation=acc.compensation,
                anchored=acc.anchored, not_anchored=acc.not_anchored,
                implied_pay=implied_pay(result, acc),
                sources=sorted(set(source_ids(acc.compensation) + source_ids(acc.anchored))))
    return jobs, wrapped.get(CO2)


def source_ids(frame: pd.DataFrame) -> list[str]:
    """The source ids a table's `sources` column cites (';'-separated)."""
    if not len(frame) or "sources" not in frame:
        return []
    return sorted({s.strip() for cell in frame["sources"] for s in str(cell).split(";")
                   if s.strip()})


FOOTPRINT_TOTALS = ("jobs_fte", "jobs_per_eur_million", "co2_embodied_tonnes",
                    "co2_embodied_per_eur_million")


def empty_totals(draws: int) -> dict[str, np.ndarray]:
    """The footprint_draws dictionary without data: NaN in every draw."""
    return {name: np.full(draws, np.nan) for name in FOOTPRINT_TOTALS}


def per_eur_million(result: Any, data: Any) -> float:
    """Millions of EUR the plan spends (its currency converted at its price year, nominal)."""
    plan = result.require_plan()
    return plan.total * fx_factor(data.money, plan.currency, int(plan.price_year or plan.year),
                                  "EUR") / 1e6


def footprints_of(result: Any, data: Any) -> tuple[Jobs, SupplyChainFootprint | None] | None:
    """Jobs and supply-chain CO2 of a traced plan (`plan_footprints`, one replay of its draws)
    against the package of `data` (AnalysisData: package and FX); None when the model has no
    firm-level cost structures or the package no compensation per FTE."""
    from moneytrail.data.footprints import footprint_tables

    if result.model.cost_parameters is None:
        return None
    tables = footprint_tables(data.package)
    if not len(tables.compensation):
        return None
    return plan_footprints(result, tables, data.money)


def footprint_draws(result: Any, data: Any) -> dict[str, np.ndarray]:
    """Per-draw totals for the scorecard and lifecycle (the trace must keep its draws):
    `jobs_fte`, `jobs_per_eur_million`, `co2_embodied_tonnes` and
    `co2_embodied_per_eur_million`; NaN where the data package has no figures. `data` is the
    package's AnalysisData (its package and FX)."""
    found = footprints_of(result, data)
    if found is None:
        return empty_totals(result.draws)
    return draw_totals(result, *found, per_eur_million(result, data))


def draw_totals(result: Any, jobs: Jobs, co2: SupplyChainFootprint | None, eur_m: float
                ) -> dict[str, np.ndarray]:
    """The footprint_draws dictionary from computed jobs and CO2 (per-draw values kept)."""
    out = empty_totals(result.draws)
    if jobs.fte.per_draw is not None:
        out["jobs_fte"] = jobs.fte.per_draw["total"][:, 0]
        out["jobs_per_eur_million"] = out["jobs_fte"] / eur_m
    if co2 is not None and co2.footprint.per_draw is not None:
        out["co2_embodied_tonnes"] = co2.footprint.per_draw["total"][:, 0]
        out["co2_embodied_per_eur_million"] = out["co2_embodied_tonnes"] / eur_m
    return out
