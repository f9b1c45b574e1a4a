"""The computations a claim's check can name: typed arguments in, per-draw values out.

Each takes the context, its validated arguments (`claims_schema`) and where the check sits in
the claims file; anything it names that the data lack (a group, a market, a ledger ref) is a
ClaimError naming `claims.N.checks.M.args.X` and the value. Every uncertain input draws from its
own random stream, keyed by (claim, check, side, item) through SeedSequence spawn keys, so two
inputs never share draws and no seed's streams overlap another's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from moneytrail.analysis.claims_schema import (
    Args,
    ClaimError,
    DealSectorArgs,
    DealStage,
    EmbodiedShareArgs,
    LedgerRatioArgs,
    MarketShareArgs,
    MembersExposedArgs,
    RentArgs,
    RunPairArgs,
    TraceJobsArgs,
    TraceShareArgs,
    ValueRemainingArgs,
)
from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.dependency import rules_capping, rules_in_force, tier_of
from moneytrail.analysis.evidence_weight import (
    factor_weight,
    is_weak,
    purchases_weight,
    ratio_weight,
    row_label,
    sum_weight,
    trace_weight,
)
from moneytrail.analysis.stats import Stream, draw_interval
from moneytrail.data.checks import one_row
from moneytrail.data.valuechain import ValueChain
from moneytrail.engine.evidence import OWN
from moneytrail.model.iomodel import IOModel

NUMERATOR, DENOMINATOR = 0, 1   # sides of a ratio
SINGLE = 0                      # the side of a computation with one uncertain input


@dataclass(frozen=True)
class Where:
    """A check's place in its claims file, for error messages."""

    file: str
    check: str = ""             # "claims.N.checks.M"

    def error(self, message: str, arg: str | None = None, value: object = None) -> ClaimError:
        name = f"{self.check}.args.{arg}" if arg else self.check
        return ClaimError(message, file=self.file, field=name or None, value=value)


@dataclass(frozen=True, eq=False)
class LedgerTables:
    """The ledger's claims and deals (text columns), from a store or a data package, and its
    sources (id, reliability: for the evidence weight; None: read from the package)."""

    claims: pd.DataFrame
    deals: pd.DataFrame
    sources: pd.DataFrame | None = None


def _no_model(year: int) -> IOModel:
    raise ClaimError("no model provider given to the claims check", field="model", value=year)


@dataclass(frozen=True, eq=False)
class Context:
    """What computations read (analysis data, the ledger's claims and deals, the value chain,
    models by year), the draw count and seed, and the (claim, check) whose streams are being
    drawn."""

    data: AnalysisData
    ledger: LedgerTables | None
    draws: int
    seed: int
    key: tuple[int, ...] = field(default=())
    chain: ValueChain | None = None
    model: Callable[[int], IOModel] = _no_model
    labels: pd.Series | None = None     # source id -> reliability (evidence weight)
    # the plans traced for this check of the claims (plan content -> trace): checks of the same
    # plan share one trace (the trace's draws do not depend on the check's key) and, through
    # analysis.metrics.Evaluation, its rent split, markups, jobs and CO2
    traces: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # how a plan is traced: moneytrail.trace's arguments (plan, model, **options); None is
    # moneytrail.trace itself, which opens a workspace over the model's data package for its
    # plan checks each time; a caller with a workspace passes one tracing through it (the same
    # checks and numbers, the package's tables read once)
    tracer: Callable[..., Any] | None = field(default=None, repr=False, compare=False)

    def at(self, *key: int) -> Context:
        return replace(self, key=tuple(key))

    def traced(self, plan: Any) -> Any:
        """The plan traced with this check's draws and seed (per-draw values and the evidence
        weight kept), once per plan content."""
        import moneytrail as mt

        key = plan.model_dump_json()
        if key not in self.traces:
            before = list(self.traces.values())
            tracer = self.tracer or mt.trace
            result = tracer(plan, self.model(plan.year), draws=self.draws, seed=self.seed,
                            keep_draws=True, evidence=True)
            if before:        # the capital and margin draws are the plans' (draws_from)
                self.evaluation(result).draws_from(self.evaluation(before[-1]))
            self.traces[key] = result
        return self.traces[key]

    def evaluation(self, result: Any) -> Any:
        """The analysis.metrics.Evaluation of a trace against this check's data (made once)."""
        from moneytrail.analysis.metrics import Evaluation

        return Evaluation.of(result, self.data)

    def stream(self, side: int, item: int = 0) -> Stream:
        """The stream of one input of one check: stream "claims", key (claim, check, side,
        item), drawn block by block."""
        return Stream(self.seed, "claims", (*self.key, side, item))


def _ledger(ctx: Context) -> LedgerTables:
    if ctx.ledger is None:
        raise ClaimError("no ledger tables given to the claims check", field="ledger")
    return ctx.ledger


class Figure(NamedTuple):
    values: np.ndarray          # one per draw
    text: str
    sources: list[str]
    # per draw, the share of the figure resting on `assumption` or `weak` rows
    # (analysis.evidence_weight); None: not defined
    weak: np.ndarray | None = None
    # source ids labelled `assumption` or `weak` that the rows the weight reads cite, while
    # those rows carry a stronger label of their own: the weight does not count them
    # (`uncounted`)
    left_out: tuple[str, ...] = ()
    # per draw, the share of the figure resting on the plan's own inputs (shares set in the
    # plan builder, engine.evidence.OWN; same rules as `weak`); None: the figure reads no plan
    own: np.ndarray | None = None


def _label(ctx: Context, row: pd.Series) -> str:
    """A row's reliability label (its own, else its sources', analysis.evidence_weight)."""
    return row_label(row, ctx.labels)


def _flag(ctx: Context, row: pd.Series) -> float:
    return float(is_weak(_label(ctx, row)))


def _split(cell: str) -> list[str]:
    return [s for s in str(cell).split(";") if s]


def uncounted(ctx: Context, rows: pd.DataFrame) -> tuple[str, ...]:
    """The `assumption` or `weak` sources that `rows` (the rows a weight reads) cite while
    carrying a stronger label of their own: a row's own label wins over its sources'
    (evidence_weight.row_label, as in the trace), so the weight does not count them (the EU
    market shares labelled `estimate` that cite the assumption that EU buyers face the
    global mix)."""
    if "reliability" not in rows.columns or "sources" not in rows.columns \
            or ctx.labels is None:
        return ()
    found = []
    for own, cell in zip(rows["reliability"], rows["sources"], strict=True):
        if is_weak(own) or not isinstance(own, str):
            continue        # a weak or unlabelled row counts as weak: nothing is left out
        found += [s for s in _split(cell) if s in ctx.labels.index
                  and is_weak(ctx.labels[s])]
    return tuple(sorted(set(found)))


def _percent(value: float) -> str:
    """A share as a percentage for readers ("43.0 %")."""
    return f"{100 * value:.1f} %"


def _names(entities: pd.DataFrame, ids: Iterable[str]) -> str:
    """Firms' names from the entities table (id where a firm has no name)."""
    names = entities["name"] if "name" in entities.columns else pd.Series(dtype=str)
    return ", ".join(str(names.get(e, e)) if pd.notna(names.get(e, e)) else e for e in ids)


def _plan_name(plan: Any) -> str:
    """A plan's title for readers (its id when it has none)."""
    return str(getattr(plan, "title", "") or plan.id)


def _known(names: Iterable[Any]) -> str:
    return ", ".join(map(str, sorted(set(names))))


def _ledger_rows(ctx: Context, refs: list[str], where: Where, arg: str) -> list[pd.Series]:
    """The ledger claims named by `refs` (an unknown ref names `arg.k`)."""
    table = _ledger(ctx).claims.set_index("ref")
    rows = []
    for k, ref in enumerate(refs):
        if ref not in table.index:
            raise where.error("unknown ledger claim ref", f"{arg}.{k}", ref)
        rows.append(one_row(table, ref))
    return rows


def _ledger_amount(ctx: Context, rows: list[pd.Series], side: int, to_year: int
                   ) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Sum of ledger claims in EUR at `to_year` prices (the ledger's rules, as `moneytrail
    ledger reality --price-year`: the claim's price-year ECB rate, then the EUR deflator), and
    the part of it from claims whose source is `weak` or `assumption`."""
    total = np.zeros(ctx.draws)
    weak = np.zeros(ctx.draws)
    sources = []
    for k, row in enumerate(rows):
        values = draw_interval((float(row["low"]), float(row["central"]), float(row["high"])),
                               ctx.stream(side, k), ctx.draws, lower=0.0)
        amount = values * ctx.data.money.factor(str(row["currency"]), int(row["price_year"]),
                                                "EUR", to_year)
        total += amount
        weak += amount * _flag(ctx, row)
        sources.append(row["source"])
    return total, sources, weak


def _side_refs(ctx: Context, refs: list[str] | None, of: DealStage | None, where: Where,
               arg: str) -> list[str]:
    """A ratio side's claim refs: as given, or those the ledger counts for a deal's stage
    (ledger.queries.counted_refs: its latest claim, else its parts')."""
    if of is None:
        return list(refs or [])
    from moneytrail.ledger import queries
    from moneytrail.ledger.errors import LedgerError

    ledger = _ledger(ctx)
    tables = {"deal": ledger.deals, "claim": ledger.claims}
    if ledger.sources is not None:      # same-date claims ranked by their source (TIE_RULE)
        tables["source"] = ledger.sources
    try:
        counted = queries.counted_refs(tables, ctx.data.money, of.deal, of.stage)
    except LedgerError as exc:
        raise where.error(exc.detail, f"{arg}_of.deal", of.deal) from None
    if not counted:
        raise where.error(f"the ledger records no {of.stage} amount for this deal or its parts",
                          f"{arg}_of.deal", of.deal)
    return counted


def _exact(rows: list[pd.Series]) -> bool:
    """Every claim of a side is one exact amount (low = high): no draw moves it."""
    return all(float(row["low"]) == float(row["high"]) for row in rows)


def ledger_ratio(ctx: Context, args: LedgerRatioArgs, where: Where) -> Figure:
    """Numerator over denominator, both sums of ledger claims in EUR at one price year: the
    latest of the claims' own price years (each claim's amount deflated to it). A side given
    as a deal and stage counts what the ledger counts (`_side_refs`).

    Evidence weight: rule 2 over the money of both sides; a denominator of exact amounts
    (low = high, e.g. a headline announcement) is a fixed reference no draw moves, so, as a
    share of a plan's budget, it is not a part: it acts as a factor (rule 3): the figure
    keeps the numerator's weight, or takes the denominator's share on weak claims if that is
    larger (wholly weak for one weak-sourced announcement)."""
    top = _ledger_rows(ctx, _side_refs(ctx, args.numerator, args.numerator_of, where,
                                       "numerator"), where, "numerator")
    bottom = _ledger_rows(ctx, _side_refs(ctx, args.denominator, args.denominator_of, where,
                                          "denominator"), where, "denominator")
    year = max(int(row["price_year"]) for row in top + bottom)
    num, s1, w1 = _ledger_amount(ctx, top, NUMERATOR, year)
    den, s2, w2 = _ledger_amount(ctx, bottom, DENOMINATOR, year)
    ratio = num / den
    text = (f"EUR {np.median(num) / 1e9:,.1f} bn / EUR {np.median(den) / 1e9:,.1f} bn "
            f"({year} prices) = {_percent(np.median(ratio))}")
    w_num = w1 / np.where(num, num, 1.0)
    w_den = w2 / np.where(den, den, 1.0)
    # rule 3 for a fixed divisor (the weaker of the two), else rule 2 (both sides' money)
    weak = np.maximum(w_num, w_den) if _exact(bottom) else ratio_weight(num, w_num, den, w_den)
    return Figure(ratio, text, s1 + s2, weak)


def ledger_deal_sector(ctx: Context, args: DealSectorArgs, where: Where) -> Figure:
    deals = _ledger(ctx).deals
    row = deals[deals["id"] == args.deal]
    if row.empty:
        raise where.error("unknown ledger deal", "deal", args.deal)
    if args.sector not in set(deals["sector"]):
        raise where.error(f"unknown sector (known: {_known(deals['sector'])})", "sector",
                          args.sector)
    sector = row["sector"].iloc[0]
    name = row["name"].iloc[0] if "name" in row.columns and row["name"].iloc[0] else args.deal
    return Figure(np.full(ctx.draws, float(sector == args.sector)),
                  f"{name}: {sector} money", _split(row["sources"].iloc[0]),
                  np.full(ctx.draws, _flag(ctx, row.iloc[0])))


def _market(markets: pd.DataFrame, args: MarketShareArgs, where: Where) -> pd.DataFrame:
    """The market's rows, naming the first of category / buyer region / year the data lack."""
    rows = markets
    for arg, column in (("category", "category"), ("buyer_region", "buyer_region"),
                        ("year", "year")):
        wanted = getattr(args, arg)
        hit = rows[rows[column] == wanted]
        if hit.empty:
            raise where.error(f"no market with this {arg} in the data "
                              f"(known: {_known(rows[column])})", arg, wanted)
        rows = hit
    return rows


def market_share(ctx: Context, args: MarketShareArgs, where: Where) -> Figure:
    from moneytrail.engine.sampling import PertSampler, renormalise

    if ctx.chain is None:
        raise where.error("no value chain given to the claims check")
    chain = ctx.chain
    market = _market(chain.markets, args, where)
    if args.suppliers is not None:
        unknown = [s for s in args.suppliers if s not in set(market["supplier"])]
        if unknown:
            raise where.error(f"supplier not in this market (known: {_known(market['supplier'])})",
                              f"suppliers.{args.suppliers.index(unknown[0])}", unknown[0])
        chosen = market["supplier"].isin(args.suppliers).to_numpy()
    else:
        owner = chain.entities.set_index("id")["owner_country"]
        if args.owner_country not in set(owner):
            raise where.error(f"unknown owner country (known: {_known(owner)})",
                              "owner_country", args.owner_country)
        chosen = (market["supplier"].map(owner) == args.owner_country).to_numpy()
    sampler = PertSampler(market["low"], market["central"], market["high"], lower=0, upper=1)
    shares = renormalise(ctx.stream(SINGLE).pert(sampler, ctx.draws), np.array([0]))
    value = shares[:, chosen].sum(axis=1)
    sources = sorted({s for cell in market["sources"] for s in _split(cell)})
    key = (f"the {str(args.category).replace('_', ' ')} market, buyers in "
           f"{args.buyer_region}, {args.year}")
    weak = np.array([_flag(ctx, r) for _, r in market.iterrows()], dtype=bool)
    # rule 1: a share of the whole market (100 % by construction) weighs its numerator
    return Figure(value, f"share {_percent(np.median(value))} of {key}", sources,
                  sum_weight(shares[:, chosen], weak[chosen]), uncounted(ctx, market[chosen]))


def _plan(args: TraceShareArgs | TraceJobsArgs | EmbodiedShareArgs | RentArgs,
          where: Where):
    import moneytrail as mt
    from moneytrail.scenarios.reference import reference_dir

    if isinstance(args.scenario, dict):
        return mt.parse_scenario(args.scenario,
                                 source=f"{where.file} {where.check}.args.scenario")
    path = reference_dir() / f"{args.scenario}.yaml"
    if not path.exists():
        known = _known(p.stem for p in reference_dir().glob("*.yaml"))
        raise where.error(f"unknown reference scenario (known: {known})", "scenario",
                          args.scenario)
    return mt.load_scenario(path)


def _picked(entities: pd.DataFrame, args: TraceShareArgs, where: Where) -> list[str]:
    """Entities named or in a named group; unknown names are errors, checked before tracing."""
    table = entities.set_index("id")
    for k, name in enumerate(args.entities):
        if name not in table.index:
            raise where.error("unknown entity", f"entities.{k}", name)
    known_groups = {g for cell in table["group_list"] for g in cell}
    for k, name in enumerate(args.groups):
        if name not in known_groups:
            raise where.error(f"unknown group (known: {_known(known_groups)})", f"groups.{k}",
                              name)
    return [e for e in table.index
            if e in args.entities or set(table.loc[e, "group_list"]) & set(args.groups)]


def purchase_sources(plan: Any, model: IOModel) -> list[str]:
    """The source ids of the rows a plan's first invoices are drawn from, in order: its
    budget, its spending split and the supplier shares of each category it buys (the
    model's market rows for its buyer region, or its own procurement shares): the data a
    figure traced from the plan rests on (engine.demand.market_rows)."""
    sources = [plan.budget.source] if plan.budget.source else []
    for category in sorted(plan.spend):
        sources += [plan.spend[category].source] if plan.spend[category].source else []
        if category in plan.procurement:
            sources += [share.source for _, share in sorted(plan.procurement[category].items())
                        if share.source]
    rows = purchase_market_rows(plan, model)
    sources += [s for cell in rows["sources"].dropna() for s in _split(cell)]
    return list(dict.fromkeys(sources))


def purchase_market_rows(plan: Any, model: IOModel) -> pd.DataFrame:
    """The model's market rows a plan's first invoices are drawn from: each category it
    buys without its own procurement shares, for its buyer region (engine.demand)."""
    markets = model.markets
    if markets is None or "sources" not in markets.columns:
        return pd.DataFrame(columns=["sources", "reliability"])
    bought = [c for c in plan.spend if c not in plan.procurement]
    return markets[markets["category"].isin(bought)
                   & (markets["buyer_region"] == plan.buyer_region)]


def trace_share(ctx: Context, args: TraceShareArgs, where: Where) -> Figure:

    plan = _plan(args, where)
    model = ctx.model(plan.year)
    picked = _picked(model.entities, args, where)
    result = ctx.traced(plan)
    if args.basis == "first_invoice":
        idx = [model.index[e] for e in picked]
        value = result.demand[:, idx].sum(axis=1) / result.demand.sum(axis=1)
        weak = purchases_weight(result, picked)
        own = purchases_weight(result, picked, own=True)
    else:
        mask = result.flow_labels["entity"].isin(picked).to_numpy()
        value = result.select(mask) / result.draw_totals
        weak = trace_weight(result, "entity", picked)
        own = trace_weight(result, "entity", picked, (OWN,))
    basis = {"first_invoice": "first invoices"}.get(args.basis, "all value added")
    text = (f"{_percent(np.median(value))} of {_plan_name(plan)} ({basis}) to "
            f"{_names(model.entities.set_index('id'), picked)}")
    return Figure(value, text, purchase_sources(plan, model), weak,
                  uncounted(ctx, purchase_market_rows(plan, model)), own)


def value_remaining(ctx: Context, args: ValueRemainingArgs, where: Where) -> Figure:
    decline = draw_interval(ctx.data.param("value_decline_per_year"), ctx.stream(SINGLE),
                            ctx.draws, lower=0.0, upper=1.0)
    value = (1.0 - decline) ** args.years
    row = one_row(ctx.data["parameters"].set_index("id"), "value_decline_per_year")
    return Figure(value, f"{_percent(np.median(value))} of the value left after "
                         f"{args.years:g} years",
                  _split(row["sources"]), np.full(ctx.draws, _flag(ctx, row)))


def _run(ctx: Context, name: str, where: Where, arg: str) -> pd.Series:
    runs = ctx.data["training_runs"].set_index("id")
    if name not in runs.index:
        raise where.error(f"unknown training run (known: {_known(runs.index)})", arg, name)
    return one_row(runs, name)


def compute_ratio(ctx: Context, args: RunPairArgs, where: Where) -> Figure:
    a = _run(ctx, args.model, where, "model")
    b = _run(ctx, args.comparator, where, "comparator")
    fa = draw_interval((a["flop_low"], a["flop_central"], a["flop_high"]),
                       ctx.stream(NUMERATOR), ctx.draws, lower=0.0)
    fb = draw_interval((b["flop_low"], b["flop_central"], b["flop_high"]),
                       ctx.stream(DENOMINATOR), ctx.draws, lower=0.0)
    ratio = fa / fb
    return Figure(ratio, (f"{a['model']} {a['flop_central']:.3g} FLOP vs {b['model']} "
                          f"{b['flop_central']:.3g}: ratio {np.median(ratio):.3f}"),
                  _split(a["sources"]) + _split(b["sources"]),
                  ratio_weight(fa, _flag(ctx, a), fb, _flag(ctx, b)))


def capability_gap(ctx: Context, args: RunPairArgs, where: Where) -> Figure:
    a = _run(ctx, args.model, where, "model")
    b = _run(ctx, args.comparator, where, "comparator")
    for arg, run in (("model", a), ("comparator", b)):
        if pd.isna(run["eci"]):
            raise where.error("this training run has no capability index (eci) in the data",
                              arg, getattr(args, arg))
    gap = float(a["eci"] - b["eci"])
    weak = ratio_weight(np.full(ctx.draws, float(a["eci"])), _flag(ctx, a),
                        np.full(ctx.draws, float(b["eci"])), _flag(ctx, b))
    return Figure(np.full(ctx.draws, gap), (f"ECI {a['model']} {a['eci']:g} vs {b['model']} "
                                            f"{b['eci']:g}: {gap:+.1f}"), ["a_epoch_eci"],
                  weak)


def members_exposed(ctx: Context, args: MembersExposedArgs, where: Where) -> Figure:
    """EU members under export caps on a date, counted as the scorecard counts a rule
    (dependency.rules_capping: from the date its caps bind until it is rescinded). A rule
    published and in force on the date whose caps do not bind then is named in the figure's
    text with the members it would have capped and why it caps none (its caps bind later, or
    it was rescinded before they bound). With `caps: published` the count is of the members
    placed under caps by a rule in force on the date, binding or not, and the text says when
    their caps were to bind and whether they ever did."""
    on: dt.date = args.date
    members = sorted(ctx.data["eu_members"]["country"])

    def capped(rules: pd.DataFrame) -> list[str]:
        return [m for m in members if (tier_of(rules, m) or (1, 0))[0] >= 2]

    def rescinded_before(first: pd.Series) -> str:
        binding, rescinded = str(first["binding"]), str(first.get("rescinded") or "")
        return rescinded if rescinded and rescinded != "nan" and rescinded <= binding else ""

    binding_rules = rules_capping(ctx.data, on)
    published = rules_in_force(ctx.data, on)
    pending = published[~published["rule"].isin(set(binding_rules["rule"]))]
    if args.caps == "published":
        exposed = capped(published)
        text = (f"{len(exposed)} of {len(members)} EU members placed under caps by a US rule "
                f"in force on {on}")
        text += f" ({', '.join(exposed)})" if exposed else " (no rule in force caps any)"
        for _, group in pending.groupby("rule", sort=True):
            if not capped(group):
                continue
            first = group.iloc[0]
            gone = rescinded_before(first)
            text += (f"; the caps of the {first['name']} were to bind from {first['binding']}"
                     + (f", but it was rescinded on {gone}, before they bound, so no member "
                        "was ever capped by it" if gone else ""))
    else:
        exposed = capped(binding_rules)
        text = f"{len(exposed)} of {len(members)} EU members capped on {on}"
        text += f" ({', '.join(exposed)})" if exposed else " (no rule's caps bind on that date)"
        for _, group in pending.groupby("rule", sort=True):
            would = capped(group)
            if not would:
                continue
            first = group.iloc[0]
            gone = rescinded_before(first)
            text += (f"; the {first['name']} as published would have capped {len(would)} of "
                     f"{len(members)} ({', '.join(would)}) from {first['binding']}")
            text += (f", but it was rescinded on {gone}, before its caps bound" if gone
                     else ", not yet on that date")
    read = pd.concat([binding_rules, pending])
    flags = [bool(_flag(ctx, r)) for _, r in read.iterrows()]
    weak = sum_weight(np.ones((ctx.draws, len(flags))), flags) if flags else \
        np.full(ctx.draws, np.nan)
    return Figure(np.full(ctx.draws, float(len(exposed))), text,
                  sorted({s for cell in read["sources"] for s in _split(cell)}), weak)


def trace_rent(ctx: Context, args: RentArgs, where: Where) -> Figure:
    """Economic profit of a traced plan (analysis.market_power); sources: the plan's budget
    source and the capital rows (cost of capital, invested capital, margins) behind it."""
    from moneytrail.analysis import market_power as mp

    plan = _plan(args, where)
    if not mp.has_capital_data(ctx.data):
        raise where.error("the data package has no capital table (valuechain/capital.csv), "
                          "needed for economic profit", "measure", args.measure)
    result = ctx.traced(plan)
    evaluation = ctx.evaluation(result)
    split = evaluation.rents()
    sources = purchase_sources(plan, result.model)
    if args.measure == "markup_share":
        found = evaluation.markups()
        value = mp.markup_share(result, ctx.data, found=found)
        rows = found.rows
        sources += [s for cell in rows["sources"].dropna() for s in _split(cell)]
        what = "paid above suppliers' cost of goods"
    else:
        # the sources behind the firm carrying most of the rent (largest median |rent|);
        # `moneytrail analyse --what market_power` lists every firm's
        rent, names = split.by_entity()
        top = [names[k] for k in np.argsort(-np.abs(np.median(rent, axis=0)))[:1]]
        cells = split.basis.loc[[e for e in top if e in split.basis.index], "sources"]
        sources += [s for cell in cells for s in _split(cell)]
        if args.measure == "rent_share":
            value = split.share()
            what = (f"economic profit (capital value added split: "
                    f"{np.nanmedian(split.coverage()):.0%})")
        else:
            from moneytrail.analysis.dependency import single_supplier_threshold

            threshold = args.threshold or single_supplier_threshold(ctx.data)
            value = mp.dominant_rent_share(result, ctx.data, threshold, split=split)
            sources += _split(one_row(ctx.data["parameters"].set_index("id"),
                                      "single_supplier_threshold")["sources"])[:1]
            what = f"its economic profit to firms above {threshold:.0%} of a market"
    if np.all(np.isnan(value)):
        raise where.error("no figure: the data split none of this plan's capital value added "
                          "(no cost of capital or invested capital for its suppliers)",
                          "scenario", plan.id)
    text = f"{_percent(np.nanmedian(value))} of {_plan_name(plan)}: {what}"
    # rule 4: rent and markups read the plan's whole value added
    weak = np.where(np.isnan(value), np.nan, trace_weight(result, "total", ["all value added"]))
    own = np.where(np.isnan(value), np.nan,
                   trace_weight(result, "total", ["all value added"], (OWN,)))
    return Figure(value, text, list(dict.fromkeys(sources)), weak,
                  uncounted(ctx, purchase_market_rows(plan, result.model)), own)


def trace_jobs(ctx: Context, args: TraceJobsArgs, where: Where) -> Figure:
    """FTE-years (jobs x years) a traced plan pays for in `countries` (analysis.jobs: firms
    with employees per revenue in filings anchored on it, every other entity labour value
    added / compensation per FTE), all or one duration; the compensation draws come from
    stream "jobs", the employees per revenue from "jobs_employees". With `per: year`
    (temporary work only) the FTE-years per draw are divided by the years of spending
    (`args.spend_years`, else the plan's, `analysis.concentration.spend_years`): FTE at one
    time, averaged over the build, comparable with a count of jobs."""
    from moneytrail.analysis.concentration import spend_years as plan_spend_years
    from moneytrail.analysis.jobs import LASTING, TEMPORARY, plan_jobs
    from moneytrail.data.footprints import footprint_tables

    plan = _plan(args, where)
    model = ctx.model(plan.year)
    tables = footprint_tables(ctx.data.package)
    if not len(tables.compensation):
        raise where.error("the data package has no compensation per FTE "
                          "(macro/compensation.csv)", "scenario", plan.id)
    result = ctx.traced(plan)
    found = ctx.evaluation(result).jobs() if model.cost_parameters is not None else None
    jobs = found[0] if found is not None else plan_jobs(result, tables, ctx.data.money)
    assert jobs.fte.per_draw is not None
    if args.part == "all":
        labels, values = jobs.fte.labels["country"], jobs.fte.per_draw["country"]
        wanted = list(args.countries)
    else:
        part = {"temporary": TEMPORARY, "lasting": LASTING}[args.part]
        labels, values = jobs.fte.labels["part_country"], jobs.fte.per_draw["part_country"]
        wanted = [f"{part} / {c}" for c in args.countries]
    columns = [k for k, label in enumerate(labels) if label in wanted]
    value = values[:, columns].sum(axis=1) if columns else np.zeros(ctx.draws)
    if args.per == "year":
        horizon = args.spend_years is None and plan.spend_years is None
        if horizon and not args.horizon_if_unset:
            # the plan's horizon is not a spending period anyone gave: no silent default
            raise where.error("jobs at one time need the years the budget is spent over: give "
                              "spend_years with its source (or a labelled assumption) in the "
                              "check's sources, or a plan that sets its own spend_years",
                              "spend_years", None)
        years = args.spend_years if args.spend_years is not None else plan_spend_years(plan)
        period = ("the check's period" if args.spend_years is not None else
                  "the plan's horizon" if horizon else "the plan's period")
        total = float(np.median(value))
        value = value / years
        measure = (f"FTE at one time ({total:,.0f} FTE-years of construction and equipment work "
                   f"/ {years:g} year{'s' if years != 1 else ''} of spending, {period}: "
                   "an average over the build)")
    else:
        measure = f"FTE-years ({args.part}: jobs x years over the whole budget)"
    text = (f"{np.median(value):,.0f} {measure} in {', '.join(args.countries)} for "
            f"{_plan_name(plan)}; 90 % interval {np.percentile(value, 5):,.0f}-"
            f"{np.percentile(value, 95):,.0f}; {jobs.coverage:.0%} of its labour value added "
            "has a compensation figure; "
            f"{1 - float(jobs.averages_share()['amount_p50']):.0%} of all its FTE rest on "
            "firms' employees per revenue (filings), the rest on national average pay")
    sources = purchase_sources(plan, result.model) + jobs.sources
    # rule 4: FTE read the plan's labour value added
    from moneytrail.engine.evidence import SCORECARD

    return Figure(value, text, sources, trace_weight(result, "scorecard", [SCORECARD[-1]]),
                  uncounted(ctx, purchase_market_rows(plan, result.model)),
                  trace_weight(result, "scorecard", [SCORECARD[-1]], (OWN,)))


def embodied_share(ctx: Context, args: EmbodiedShareArgs, where: Where) -> Figure:
    """Share of a plan's lifetime CO2 that is embodied in its supply chain (scope 1+2 of the
    firms the money reaches) rather than operational (electricity over the horizon), per draw
    (analysis.lifecycle.embodied_co2). The text gives the share of output covered: every
    firm the money reaches has an intensity in data 2.4 (published or a labelled
    assumption); a firm without one is left out (a lower bound) unless `uncovered` is
    `at_covered_mean`, which changes nothing when every firm has one."""
    from moneytrail.analysis.footprints import CO2, output_coverage, satellite_account
    from moneytrail.analysis.lifecycle import embodied_co2, lifecycle_draws
    from moneytrail.data.footprints import footprint_tables

    plan = _plan(args, where)
    result = ctx.traced(plan)
    evaluation = ctx.evaluation(result)
    draws = lifecycle_draws(result, ctx.data, evaluation.purchases)
    operational = draws["co2_tonnes"]
    found = embodied_co2(result, ctx.data, operational,
                         evaluation.footprint("co2_embodied_tonnes"), draws,
                         evaluation.purchases)
    if not found:
        raise where.error("the data package has no supply-chain CO2 intensities "
                          "(valuechain/satellites.csv, co2e_scope12)", "scenario", plan.id)
    tables = footprint_tables(ctx.data.package)
    account, _ = satellite_account(result, tables, ctx.data.money, CO2)
    coverage = output_coverage(result, account)
    embodied = found["co2_embodied_tonnes"]
    how = f"a lower bound: firms with an intensity make {coverage:.0%} of the output"
    if coverage >= 0.9995:
        how = "every firm the money reaches has an intensity"
    elif args.uncovered == "at_covered_mean" and coverage > 0:
        embodied = embodied / coverage
        how = (f"the other {1 - coverage:.0%} of the output at the covered firms' mean "
               "intensity (assumption)")
    value = embodied / (embodied + operational)
    text = (f"embodied {np.median(embodied) / 1e6:,.2f} Mt vs operational "
            f"{np.median(operational) / 1e6:,.2f} Mt CO2e over {plan.horizon_years:g} years: "
            f"embodied share {_percent(np.median(value))} ({how})")
    sources = purchase_sources(plan, result.model) + sorted(
        {s for cell in account.provenance.get("sources", []) for s in _split(cell)})
    assumed = 1.0 - coverage if embodied is not found["co2_embodied_tonnes"] else 0.0
    return Figure(value, text, sources,
                  embodied_weight(ctx, result, embodied, operational, assumed),
                  uncounted(ctx, purchase_market_rows(plan, result.model)),
                  embodied_weight(ctx, result, embodied, operational, assumed, own=True))


def embodied_weight(ctx: Context, result: Any, embodied: np.ndarray, operational: np.ndarray,
                    assumed: float = 0.0, own: bool = False) -> np.ndarray:
    """Rule 2 for e / (e + o): embodied CO2 reads the plan's value added (rule 4), operational
    CO2 its purchases times the site's grid intensity (rules 1 and 3). `assumed`: the part of
    e filled in by assumption (uncovered output at the covered firms' mean), weight 1. With
    `own`, the share on the plan's own inputs instead (the assumed part and a weak grid row
    rest on assumption or weak rows, not on them)."""
    from moneytrail.analysis.dependency import site_of
    from moneytrail.analysis.site import site_row

    plan = result.require_plan()
    grid = site_row(ctx.data["grid"], site_of(result), plan.year, "grid intensity")
    if own:
        w_e = (1.0 - assumed) * trace_weight(result, "total", ["all value added"], (OWN,))
        w_o = purchases_weight(result, own=True) * (0.0 if is_weak(_label(ctx, grid)) else 1.0)
    else:
        w_e = (1.0 - assumed) * trace_weight(result, "total", ["all value added"]) + assumed
        w_o = factor_weight(purchases_weight(result), _label(ctx, grid))
    both = embodied + operational
    w_both = ratio_weight(embodied, w_e, operational, w_o)
    return ratio_weight(embodied, w_e, both, w_both)


COMPUTATIONS: dict[str, Callable[[Context, Any, Where], Figure]] = {
    "ledger.ratio": ledger_ratio, "ledger.deal_sector": ledger_deal_sector,
    "market.share": market_share, "trace.share": trace_share,
    "lifecycle.value_remaining": value_remaining, "efficiency.compute_ratio": compute_ratio,
    "efficiency.capability_gap": capability_gap, "export.members_exposed": members_exposed,
    "trace.rent": trace_rent,
    "trace.jobs": trace_jobs, "lifecycle.embodied_share": embodied_share,
}


# what each computation's evidence weight reads (analysis.evidence_weight), for readers: said
# beside every check, with the assumptions its rows cite that it does not count (`uncounted`)
WEIGHT_READS: dict[str, str] = {
    "ledger.ratio": "the ledger claims it adds up, by their sources' labels",
    "ledger.deal_sector": "the deal's ledger claim, by its sources' label",
    "market.share": "the chosen suppliers' market-share rows, by their own labels",
    "trace.share": "the plan's first invoices, each by the weaker label of its spending-split "
                   "row and market-share row (or the traced value added, for all value added)",
    "lifecycle.value_remaining": "the value-decline row, by its label",
    "efficiency.compute_ratio": "the two models' training-compute rows, by their labels",
    "efficiency.capability_gap": "the two models' capability rows, by their labels",
    "export.members_exposed": "the export rules it reads, by their labels",
    "trace.rent": "the traced value added, by the labels along each path (spending split, "
                  "market shares, cost structures)",
    "trace.jobs": "the traced labour value added, by the labels along each path (spending "
                  "split, market shares, cost structures)",
    "lifecycle.embodied_share": "the traced value added and the plan's purchases times the "
                                "grid-intensity row, by their labels",
}


def compute(ctx: Context, computation: str, args: Args, where: Where) -> Figure:
    return COMPUTATIONS[computation](ctx, args, where)
