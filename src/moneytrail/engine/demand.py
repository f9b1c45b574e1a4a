"""A plan's spending -> final demand on supplier entities, per draw."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from moneytrail.engine.sampling import PertSampler, renormalise
from moneytrail.errors import ScenarioError
from moneytrail.model.iomodel import IOModel
from moneytrail.scenarios.schema import Interval, Plan


@dataclass(frozen=True, eq=False)
class DemandSampler:
    """Spend shares by category x supplier shares within each category x budget."""

    budget: float
    categories: tuple[str, ...]
    spend: PertSampler
    supplier: np.ndarray          # entity index of each market row
    category_of_row: np.ndarray   # category position of each market row
    market_starts: np.ndarray
    market: PertSampler
    n: int
    rows: pd.DataFrame            # (category, supplier) of each market row, in sampler order
    # evidence weight: label of each market row and of its category's spend row (None: none)
    reliability: tuple[str | None, ...] = ()
    spend_reliability: tuple[str | None, ...] = ()
    # to_demand's steps, made once (it runs once per seed block or more): the rows of each
    # group of `supplier_repeats` and their suppliers
    repeats: tuple[tuple[np.ndarray, np.ndarray], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "repeats", tuple((rows, self.supplier[rows]) for rows in
                                                  supplier_repeats(self.supplier)))

    def central(self) -> np.ndarray:
        return self.assemble(self.spend.mode[None, :], self.market.mode[None, :])[0]

    def draw(self, rng: np.random.Generator, draws: int) -> np.ndarray:
        return self.to_demand(self.draw_purchases(rng, draws))

    def draw_purchases(self, rng: np.random.Generator, draws: int) -> np.ndarray:
        """Amounts (draws, market rows) bought per (category, supplier)."""
        return self.purchases(self.spend.draw(rng, draws), self.market.draw(rng, draws))

    def purchases(self, spend: np.ndarray, market: np.ndarray) -> np.ndarray:
        """Amounts per market row from raw spend and market shares (renormalised here)."""
        spend = spend / spend.sum(axis=1, keepdims=True)
        market = renormalise(market, self.market_starts)
        return self.budget * spend[:, self.category_of_row] * market

    def to_demand(self, amounts: np.ndarray) -> np.ndarray:
        """Final demand (draws, n): a supplier's purchases summed over categories, in row
        order (the same sums as np.add.at, one vectorised step per repeat of a supplier)."""
        f = np.zeros((amounts.shape[0], self.n))
        for rows, suppliers in self.repeats:
            f[:, suppliers] += amounts[:, rows]
        return f

    def assemble(self, spend: np.ndarray, market: np.ndarray) -> np.ndarray:
        """Final demand (draws, n) from raw spend and market shares."""
        return self.to_demand(self.purchases(spend, market))


def supplier_repeats(supplier: np.ndarray) -> list[np.ndarray]:
    """Rows grouped by how often their supplier occurred before them: the first group holds
    each supplier's first row, the second its second row, ... (no supplier twice in a
    group, so each group adds by one fancy-indexed step)."""
    seen: dict[int, int] = {}
    rank = np.empty(supplier.size, dtype=int)
    for row, s in enumerate(supplier.tolist()):
        rank[row] = seen.get(s, 0)
        seen[s] = rank[row] + 1
    return [np.flatnonzero(rank == r) for r in range(int(rank.max()) + 1 if rank.size else 0)]


@dataclass(frozen=True, eq=False)
class FixedDemand:
    """A given final-demand vector, the same in every draw."""

    f: np.ndarray

    def central(self) -> np.ndarray:
        return self.f

    def draw(self, rng: np.random.Generator, draws: int) -> np.ndarray:
        return np.broadcast_to(self.f, (draws, self.f.size))


@dataclass(frozen=True, eq=False)
class GivenDemand:
    """Final-demand draws given by the caller, one row per draw (e.g. from another model)."""

    F: np.ndarray

    def central(self) -> np.ndarray:
        return self.F.mean(axis=0)

    def rows(self, start: int, size: int) -> np.ndarray:
        return self.F[start:start + size]


def market_rows(plan: Plan, model: IOModel) -> pd.DataFrame:
    """Supplier shares per category: the model's market, or the plan's procurement override."""
    where = plan.path or plan.id
    if model.markets is None or model.categories is None:
        raise ScenarioError("this model has no markets; trace a final-demand vector instead",
                            file=where)
    known = set(model.categories["id"])
    index = model.index
    frames = []
    for category in sorted(plan.spend):       # canonical order (schema.canonical_order)
        if category not in known:
            raise ScenarioError(f"unknown spending category (known: {', '.join(sorted(known))})",
                                file=where, field=f"spend.{category}", value=category)
        if category in plan.procurement:
            rows = []
            for supplier, share in sorted(plan.procurement[category].items()):
                if supplier not in index:
                    raise ScenarioError("unknown entity in procurement override", file=where,
                                        field=f"procurement.{category}.{supplier}",
                                        value=supplier)
                check_sells(model, category, supplier, where)
                low, central, high = share.bounds
                rows.append({"supplier": supplier, "low": low, "central": central,
                             "high": high, "reliability": plan_label(share)})
            frame = pd.DataFrame(rows)
        else:
            m = model.markets
            frame = m[(m["category"] == category) & (m["buyer_region"] == plan.buyer_region)]
            frame = frame.reindex(columns=["supplier", "low", "central", "high", "reliability"])
            if frame.empty:
                raise ScenarioError(f"no market data for '{category}' bought in "
                                    f"{plan.buyer_region} in {model.year}", file=where,
                                    field=f"spend.{category}", value=category)
        frames.append(frame.assign(category=category))
    for category in sorted(plan.procurement):
        if category not in plan.spend:
            field = f"procurement.{category}"
            if category not in known:
                raise ScenarioError("unknown spending category", file=where, field=field,
                                    value=category)
            raise ScenarioError("procurement rule for a category the plan does not spend on",
                                file=where, field=field, value=category)
    return pd.concat(frames, ignore_index=True)


def check_sells(model: IOModel, category: str, supplier: str, where: str) -> None:
    """A procurement override can only buy a category from a firm or sector that sells in it:
    one the model's markets list as a supplier of `category` (in any buyer region). Raises
    ScenarioError naming `procurement.<category>.<supplier>`, the categories the supplier
    does sell in and the suppliers of the category (model licences bought from Nvidia)."""
    markets = model.markets
    if markets is None:
        return
    of_category = markets["category"] == category
    if (of_category & (markets["supplier"] == supplier)).any():
        return
    sold = sorted(set(markets.loc[markets["supplier"] == supplier, "category"]))
    suppliers = sorted(set(markets.loc[of_category, "supplier"]))
    sells = (f"it sells {', '.join(sold)}" if sold
             else "it sells in no category of the data's markets")
    raise ScenarioError(f"{supplier} does not sell {category} in the data's markets "
                        f"(valuechain/markets.csv, {model.year}): {sells}; suppliers of "
                        f"{category}: {', '.join(suppliers) or 'none'}", file=where,
                        field=f"procurement.{category}.{supplier}", value=supplier)


def demand_sampler(plan: Plan, model: IOModel) -> DemandSampler:
    rows = market_rows(plan, model)
    # shares are drawn in one order, whatever order the plan lists them in (a plan made
    # with model_copy, e.g. a procurement counterfactual, skips the schema's sorting)
    categories = tuple(sorted(plan.spend))
    position = {c: k for k, c in enumerate(categories)}
    rows = rows.assign(pos=rows["category"].map(position)).sort_values("pos", kind="stable")
    pos = rows["pos"].to_numpy(int)
    starts = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]])
    spend = np.array([plan.spend[c].bounds for c in categories])
    return DemandSampler(
        budget=plan.total, categories=categories,
        spend=PertSampler(spend[:, 0], spend[:, 1], spend[:, 2], lower=0.0, upper=1.0),
        supplier=rows["supplier"].map(model.index).to_numpy(int), category_of_row=pos,
        market_starts=starts,
        market=PertSampler(rows["low"], rows["central"], rows["high"], lower=0.0, upper=1.0),
        n=model.n, rows=rows[["category", "supplier"]].reset_index(drop=True),
        reliability=tuple(None if pd.isna(r) else r for r in rows["reliability"]),
        spend_reliability=tuple(plan_label(plan.spend[c]) for c in rows["category"]))


def plan_label(share: Interval) -> str | None:
    """The evidence label of a plan's share: `own_input` (engine.evidence.OWN) for the user's
    own figure from the plan builder, else its reliability (None: none given)."""
    from moneytrail.engine.evidence import OWN

    return OWN if share.own else share.reliability
