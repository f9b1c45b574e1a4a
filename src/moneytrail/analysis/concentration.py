"""Market power: HHI and CR-k of every market in the data, and the change a plan causes.

HHI = sum of squared market shares in percent (0 to 10,000). Suppliers that are aggregates of
many firms (entity kind `sector`, e.g. "rest of the world", "EU construction") are counted as
atomistic: they add nothing to the HHI, so the figure is a floor for the named firms; their
combined share is shown beside it. The thresholds of the EC horizontal merger guidelines and the
2023 US merger guidelines come from the data package and are shown next to each figure: they are
yardsticks written for mergers, not verdicts on a purchase.

Market sizes are annual, a plan's budget is not: a plan's purchases enter the market spread
evenly over its `spend_years` (default: its `horizon_years`), so one year's market meets one
year's purchases. A plan that buys in no sized market has no HHI change (NaN, "not applicable"),
not a change of 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.purchases import Purchases, plan_purchases
from moneytrail.analysis.stats import Stream, describe, draw_interval
from moneytrail.data.valuechain import ValueChain
from moneytrail.engine.result import TraceResult
from moneytrail.engine.sampling import PertSampler, renormalise
from moneytrail.scenarios.schema import Plan

SIZE, SHARES = 0, 1      # key parts of a market's two drawn quantities

# A plan whose yearly purchases in a category exceed this multiple of the whole market's yearly
# sales (market_sizes, central) is warned about (oversized_markets): a labelled assumption,
# docs/methods.md "Plans larger than their markets". At 1 the plan alone would buy more than
# every buyer in the data buys today; the linear model holds supplier shares, margins and
# prices fixed, so its figures for that category are out of range.
OVERSIZED_MULTIPLE = 1.0


def hhi(shares: np.ndarray, atomistic: np.ndarray | None = None) -> np.ndarray:
    """HHI of shares (fractions summing to 1 along the last axis), 0-10,000."""
    shares = np.asarray(shares, dtype=float)
    if atomistic is not None:
        shares = np.where(atomistic, 0.0, shares)
    return (100.0 * shares) ** 2 @ np.ones(shares.shape[-1])


def concentration_ratio(shares: np.ndarray, k: int,
                        atomistic: np.ndarray | None = None) -> np.ndarray:
    """CR-k: combined share of the k largest firms (aggregates excluded)."""
    shares = np.asarray(shares, dtype=float)
    if atomistic is not None:
        shares = np.where(atomistic, 0.0, shares)
    return -np.sort(-shares, axis=-1)[..., :k].sum(axis=-1) + 0.0


def post_shares(pre: np.ndarray, size: np.ndarray, buys: np.ndarray) -> np.ndarray:
    """Market shares once a buyer's purchases (amounts per supplier) join a market of `size`
    with shares `pre` (arrays broadcast over draws)."""
    size = np.asarray(size, dtype=float)
    total = size + buys.sum(axis=-1)
    return (pre * size[..., None] + buys) / total[..., None]


def ec_reading(post: float, delta: float, data: AnalysisData) -> str:
    """Where a (post-HHI, delta) pair falls under the EC horizontal merger guidelines."""
    low, mid = data.threshold("ec_hhi_low"), data.threshold("ec_hhi_mid")
    if post < low:
        return f"below {low:.0f}: concerns unlikely"
    if post <= mid and delta < data.threshold("ec_delta_mid"):
        return f"{low:.0f}-{mid:.0f}, delta < {data.threshold('ec_delta_mid'):.0f}: unlikely"
    if post > mid and delta < data.threshold("ec_delta_high"):
        return f"above {mid:.0f}, delta < {data.threshold('ec_delta_high'):.0f}: unlikely"
    return "outside the EC safe harbours"


def us_reading(post: float, delta: float, data: AnalysisData) -> str:
    """Where a (post-HHI, delta) pair falls under the 2023 US merger guidelines."""
    high, step = data.threshold("us_hhi_high"), data.threshold("us_delta")
    if post > high and delta > step:
        return f"HHI > {high:.0f} and delta > {step:.0f}: presumption"
    if post > high:
        return f"highly concentrated (> {high:.0f})"
    return f"not highly concentrated (<= {high:.0f})"


def ec_band(level: float, data: AnalysisData) -> str:
    """The EC guidelines' HHI band of a market level (no merger, so no delta)."""
    low, mid = data.threshold("ec_hhi_low"), data.threshold("ec_hhi_mid")
    if level < low:
        return f"below {low:.0f}"
    return f"{low:.0f}-{mid:.0f}" if level <= mid else f"above {mid:.0f}"


def _atomistic(chain_or_kinds: pd.Series, suppliers: list[str]) -> np.ndarray:
    return np.array([chain_or_kinds.get(s, "firm") == "sector" for s in suppliers])


def _kinds(entities: pd.DataFrame) -> pd.Series:
    return entities.set_index("id")["kind"]


def market_concentration(chain: ValueChain, *, data: AnalysisData,
                         draws: int = 2000, seed: int = 1) -> pd.DataFrame:
    """HHI and CR-k for every market (category, buyer region, year) in the data package."""
    kinds = _kinds(chain.entities)
    stream = Stream(seed, "market_concentration")
    rows = []
    for k, (key, market) in enumerate(chain.markets.groupby(["category", "buyer_region", "year"],
                                                             sort=True)):
        suppliers = list(market["supplier"])
        atom = _atomistic(kinds, suppliers)
        central = market["central"].to_numpy() / market["central"].sum()
        sampler = PertSampler(market["low"], market["central"], market["high"], lower=0, upper=1)
        drawn = renormalise(stream.at(k).pert(sampler, draws), np.array([0]))
        h = hhi(drawn, atom)
        level = float(hhi(central, atom))
        stats = describe(h)
        top = int(np.argmax(np.where(atom, -1, central)))
        measures = {"hhi": level, **{f"hhi_{k}": v for k, v in stats.items()},
                    **{f"cr{k}": float(concentration_ratio(central, k, atom))
                       for k in (1, 3, 4)}}
        readings = {"ec_guidelines": ec_band(level, data),
                    "us_2023_guidelines": us_reading(level, 0.0, data)}
        if atom.all():       # no named firm: an HHI of 0 would read as a perfect market
            measures = dict.fromkeys(measures, float("nan"))
            readings = dict.fromkeys(readings, NOT_MEASURED)
        rows.append({"category": key[0], "buyer_region": key[1], "year": int(cast(int, key[2])),
                     "suppliers": len(suppliers), "top_supplier": suppliers[top],
                     "top_share": float(central[top]), "hhi": measures["hhi"],
                     **{f"hhi_{k}": measures[f"hhi_{k}"] for k in stats},
                     "cr1": measures["cr1"], "cr3": measures["cr3"], "cr4": measures["cr4"],
                     "aggregate_share": float(central[atom].sum()), **readings})
    out = pd.DataFrame(rows).set_index(["category", "buyer_region", "year"])
    out.attrs["note"] = MARKETS_NOTE
    return out


NOT_MEASURED = "not measured (aggregate sectors only)"
MARKETS_NOTE = ("HHI and CR-k count named firms only: suppliers that are aggregate sectors "
                "(many firms modelled as one row, such as a country's electricity, labour or "
                "research sector) add nothing to them, and aggregate_share is their combined "
                "share. A market supplied by aggregate sectors alone (its top_supplier one "
                "such sector at 100 %) is not a monopoly: its HHI and CR-k are not measured "
                "(left empty), not 0, and its guideline readings say so. hhi is the level at "
                "the central shares; hhi_p5 / p50 / p95 spread it over the shares' intervals.")


@dataclass(frozen=True)
class MarketEffect:
    """Per-draw HHI before and after a plan's purchases enter one market."""

    category: str
    size: np.ndarray               # market size, plan currency and price year (draws,)
    before: np.ndarray
    after: np.ndarray              # with the plan's procurement rules
    after_without_rules: np.ndarray
    plan_spend: np.ndarray         # the plan's purchases in one year (draws,)
    years: int                     # years the plan's purchases are spread over

    @property
    def delta(self) -> np.ndarray:
        return np.round(self.after - self.before, 6)

    @property
    def delta_without_rules(self) -> np.ndarray:
        return np.round(self.after_without_rules - self.before, 6)


def restate_market(data: AnalysisData, amount, currency: str, plan: Plan):
    """A market size of the plan year (nominal, in `currency`) as the plan's own amounts are
    expressed: in the plan's currency at its price year (`price_year`, else `year`; docs/
    results.md 'Units'). The ledger's rules (ledger.money.Converter.factor): the plan year's
    FX rate, then the plan currency's deflator from the plan year to the price year. With no
    price year of its own (or the plan year as price year) this is the nominal conversion at
    the plan year, bit for bit. Raises ConversionError for a missing rate or deflator."""
    return amount * data.money.factor(currency, plan.year, plan.currency,
                                      plan.price_year or plan.year)


def _market_size(data: AnalysisData, category: str, plan: Plan, stream: Stream,
                 draws: int) -> np.ndarray | None:
    sizes = data["market_sizes"]
    row = sizes[(sizes["category"] == category) & (sizes["buyer_region"] == plan.buyer_region)
                & (sizes["year"] == plan.year)]
    if row.empty:
        return None
    r = row.iloc[0]
    drawn = draw_interval((r["low"], r["central"], r["high"]), stream, draws, lower=0.0)
    return restate_market(data, drawn, r["currency"], plan)


def spend_years(plan: Plan) -> int:
    """Years over which a plan's purchases are spread: its own `spend_years`, else its
    horizon (a budget is a multi-year total, a market size is annual)."""
    return plan.spend_years if plan.spend_years is not None else plan.horizon_years


def oversized_markets(plan: Plan, data: AnalysisData) -> list[dict]:
    """The categories in which a plan's central yearly purchases exceed OVERSIZED_MULTIPLE
    times the whole market's yearly sales in the data (`market_sizes`, central, for the
    plan's buyer region and year):
    the data's market shares, margins and prices describe today's market, so what they say
    about such a plan is an extrapolation. No draws: the budget times each category's central
    share (renormalised) over `spend_years`, against the market's central size of the plan
    year restated as the budget is expressed, in the plan's currency at its price year
    (`restate_market`).

    Each: `category`, `plan_per_year` and `market_size` (plan currency at the plan's price
    year), `ratio`, `multiple` (OVERSIZED_MULTIPLE, the ratio above which a plan is warned
    about), `sources` (the market size's source ids). Categories without a market size (or a rate to
    convert it) are not checked."""
    from moneytrail.errors import MoneytrailError

    sizes = data["market_sizes"]
    shares = {category: interval.central for category, interval in plan.spend.items()}
    total = sum(shares.values())
    if not total > 0:
        return []
    years = spend_years(plan)
    out = []
    for category, share in shares.items():
        rows = sizes[(sizes["category"] == category) & (sizes["buyer_region"] == plan.buyer_region)
                     & (sizes["year"] == plan.year)]
        if rows.empty:
            continue
        row = rows.iloc[0]
        try:
            market = float(restate_market(data, float(row["central"]), row["currency"], plan))
        except MoneytrailError:
            continue
        per_year = plan.budget.amount * share / total / years
        if market > 0 and per_year > OVERSIZED_MULTIPLE * market:
            out.append({"category": category, "plan_per_year": per_year,
                        "market_size": market, "ratio": per_year / market,
                        "multiple": OVERSIZED_MULTIPLE, "sources": str(row["sources"])})
    return out


def market_effects(result: TraceResult, data: AnalysisData,
                   purchases: Purchases | None = None) -> list[MarketEffect]:
    """For each category the plan buys that has a market size in the data: HHI before/after
    one year of the plan's purchases enters the market."""
    plan, model = result.require_plan(), result.model
    years = spend_years(plan)
    purchases = purchases if purchases is not None else plan_purchases(result)
    kinds = _kinds(model.entities)
    stream = Stream(result.seed, "concentration")
    effects = []
    markets = model.require_markets()
    for k, category in enumerate(purchases.categories):
        market = markets[(markets["category"] == category)
                         & (markets["buyer_region"] == plan.buyer_region)]
        size = _market_size(data, category, plan, stream.at(k, SIZE), result.draws)
        if market.empty or size is None:
            continue
        bought_from, bought = purchases.in_category(category)
        universe = list(dict.fromkeys(list(market["supplier"]) + bought_from))
        col = {s: k for k, s in enumerate(universe)}
        plan_buys = np.zeros((result.draws, len(universe)))
        np.add.at(plan_buys, (slice(None), [col[s] for s in bought_from]),  # type: ignore[arg-type]
                  bought / years)                 # numpy's stub omits tuple indices
        spend = plan_buys.sum(axis=1)
        if category in plan.procurement:
            sampler = PertSampler(market["low"], market["central"], market["high"], lower=0,
                                  upper=1)
            pre = np.zeros_like(plan_buys)
            pre[:, [col[s] for s in market["supplier"]]] = renormalise(
                stream.at(k, SHARES).pert(sampler, result.draws), np.array([0]))
        else:           # no rule: the plan bought at this draw's market shares
            pre = plan_buys / spend[:, None]
        atom = _atomistic(kinds, universe)
        post = post_shares(pre, size, plan_buys)
        post_free = pre     # buying at the market's own shares leaves every share unchanged
        effects.append(MarketEffect(category=category, size=size, before=hhi(pre, atom),
                                    after=hhi(post, atom), after_without_rules=hhi(post_free, atom),
                                    plan_spend=spend, years=years))
    return effects


def plan_concentration(result: TraceResult, data: AnalysisData,
                       purchases: Purchases | None = None) -> pd.DataFrame:
    """One row per market the plan buys in: size, the plan's purchases per year, HHI before and
    after (with and without the plan's procurement rules), the change, and the merger-guideline
    readings beside them."""
    rows = []
    for effect in market_effects(result, data, purchases):
        before, after, delta = (describe(effect.before), describe(effect.after),
                                describe(effect.delta))
        rows.append({"category": effect.category,
                     "market_size_p50": describe(effect.size)["p50"],
                     "plan_spend_per_year_p50": describe(effect.plan_spend)["p50"],
                     "spend_years": effect.years,
                     "hhi_before_p50": before["p50"], "hhi_after_p50": after["p50"],
                     **{f"delta_{k}": v for k, v in delta.items()},
                     "delta_without_rules_p50": describe(effect.delta_without_rules)["p50"],
                     "p_delta_above_us_threshold": float(np.mean(
                         effect.delta > data.threshold("us_delta"))),
                     "ec_guidelines": ec_reading(after["p50"], delta["p50"], data),
                     "us_2023_guidelines": us_reading(after["p50"], delta["p50"], data)})
    columns = ["category", "market_size_p50", "plan_spend_per_year_p50", "spend_years",
               "hhi_before_p50",
               "hhi_after_p50", "delta_mean", "delta_p5", "delta_p50", "delta_p95",
               "delta_without_rules_p50", "p_delta_above_us_threshold", "ec_guidelines",
               "us_2023_guidelines"]
    return pd.DataFrame(rows, columns=columns).set_index("category")


def largest_hhi_change(result: TraceResult, data: AnalysisData,
                       purchases: Purchases | None = None,
                       effects: list[MarketEffect] | None = None) -> np.ndarray:
    """Per draw, the largest HHI change over the markets the plan buys in: the greatest rise
    (a fall in one market shows as 0 when another is unchanged; NaN: none sized). What a
    condition on `hhi_change` bounds. `effects`: market_effects already computed."""
    effects = market_effects(result, data, purchases) if effects is None else effects
    if not effects:
        return np.full(result.draws, np.nan)
    return np.max(np.column_stack([e.delta for e in effects]), axis=1)


def hhi_change_of_largest_size(effects: list[MarketEffect], draws: int
                               ) -> tuple[np.ndarray, np.ndarray]:
    """Per draw, the HHI change of the largest size over the markets of `effects`, with its
    sign (a fall of 120 points shows as -120, not as 0), and the position in `effects` of the
    market it is in (-1 where no market's HHI moves). NaN and -1 in every draw when no
    market is sized."""
    if not effects:
        return np.full(draws, np.nan), np.full(draws, -1)
    deltas = np.column_stack([e.delta for e in effects])
    where = np.argmax(np.abs(deltas), axis=1)
    values = deltas[np.arange(draws), where]
    return values, np.where(values != 0, where, -1)


def hhi_change_market(effects: list[MarketEffect], draws: int) -> tuple[str, float] | None:
    """The market (category) the HHI change of the largest size is in, in most draws, and
    the share of draws it is in it; None when no market's HHI moves in any draw."""
    _, where = hhi_change_of_largest_size(effects, draws)
    moved = where[where >= 0]
    if not moved.size:
        return None
    counts = np.bincount(moved, minlength=len(effects))
    top = int(np.argmax(counts))
    return effects[top].category, float(counts[top] / draws)
