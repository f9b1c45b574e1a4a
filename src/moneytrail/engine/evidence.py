"""Evidence weight: how much of every figure rests on rows labelled `assumption` or `weak`.

Every row of the data carries a reliability label. Ordered from strongest to weakest:

    filing > official > analyst > estimate > weak > assumption

A plan's share the user set in the plan builder (no source; scenarios.schema.is_user_input) is
no data row: it takes the class `own_input` (the plan's own input), ranked between `estimate`
and `weak`, so a path through it and sourced rows rests on the plan's own input, and a path
through it and a weak or assumption data row keeps that row's class.

A unit of value added reaches a flow (an entity's wages, profits or taxes in one country)
along a path: the plan's spend row (how much of the budget goes to a category), the market row
(which supplier gets the purchase), every cost-structure input row along the supply chain (first
invoice, their suppliers, ...) and the value-added row at the end. The unit takes the **weakest
label on its path**. A plan row without a label counts as `assumption` (see docs/methods.md).

Computed exactly, per draw, by solving: for each label threshold c, `Y_c` is the output reached
only through rows at least as strong as c,

    Y_c = f_(>=c) + A_(>=c) Y_c,    VA_c = w_(>=c) * Y_c   (per flow)

where f_(>=c) keeps purchases whose spend and market rows are both >= c, A_(>=c) keeps the input
rows >= c and w_(>=c) the value-added rows >= c. Value resting on exactly label c is
VA_c - VA_(c-1) (VA of the strongest-but-one threshold subtracted; VA at the weakest label is
the flow itself). Every path's value is a product of non-negative row values, so VA_c is the sum
of the paths whose rows are all >= c and the differences are non-negative; they add up to the
flow (conservation per draw). One batched Leontief solve per label below the weakest (at most six),
skipped where no row carries that label.

Arrays: per-draw evidence `E` has shape (draws, labels, columns), in the plan's currency. Its
labels are those the trace's rows carry (`EvidenceSpec.labels`, strongest first, always ending
with `assumption`; the others hold no value by construction, so they are not stored); its
columns are (dimension, label) pairs, e.g. ("entity", "nvidia") or ("headline", "Nvidia"), each
a linear map of the flows (`EvidenceSpec.matrix`, flows x columns).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from moneytrail.engine import linalg
from moneytrail.engine.summary import Columns, exact_stats
from moneytrail.errors import ModelError

# strong -> weak; `own_input` is no data label: a plan's share the user set in the plan
# builder (scenarios.schema.is_user_input) takes it, so the value resting on the user's own
# figures is its own class, not counted as assumption or weak rows. It ranks above `weak` and
# `assumption`: a path through a weak or assumption data row keeps that row's class.
OWN = "own_input"
LABELS = ("filing", "official", "analyst", "estimate", OWN, "weak", "assumption")
WEAKEST = ("weak", "assumption")      # what `assumption_or_weak` adds up
UNLABELLED = "assumption"             # a plan row that names no label
GIVEN = "filing"                      # a final demand given by the caller: taken as exact
RANK = {label: k for k, label in enumerate(LABELS)}
EVIDENCE_DIMENSIONS = ("total", "headline", "entity", "scorecard")
# scorecard rows linear in value added, named as in analysis.scorecard.ROWS (selectors in
# column_matrix, same order)
SCORECARD = ("US hyperscalers: Amazon, Microsoft, Google (value added)",
             "US tech giants incl. Nvidia (value added)", "US-owned value added (ownership)",
             "EU value added (location)", "Labour share (wages, all countries)")
STAT_NAMES = ("mean", "p5", "p50", "p95")


def rank(labels: Any) -> np.ndarray:
    """Position of each label in LABELS (0 = filing ... 6 = assumption); None, NaN or an empty
    label counts as UNLABELLED. An unknown label is an error."""
    out = []
    for label in labels:
        if label is None or (isinstance(label, float) and np.isnan(label)) or label == "":
            label = UNLABELLED
        if label not in RANK:
            raise ModelError(f"unknown reliability label (use {', '.join(LABELS)})",
                             field="reliability", value=label)
        out.append(RANK[label])
    return np.asarray(out, dtype=int)


def column_matrix(table: pd.DataFrame, eu: frozenset[str]
                  ) -> tuple[np.ndarray, tuple[tuple[str, str], ...]]:
    """The evidence columns of a model's flow table (`IOModel.flow_table()`): a (flows,
    columns) 0/1 matrix and the (dimension, label) of each column."""
    from moneytrail.engine.dimensions import flow_dimension

    parts: list[np.ndarray] = [np.ones((len(table), 1))]
    names: list[tuple[str, str]] = [("total", "all value added")]
    for name in ("headline", "entity"):
        dim = flow_dimension(table, name, eu)
        parts.append(dim.matrix)
        names += [(name, label) for label in dim.labels]
    in_eu = table["country"].isin(eu | {"EU"}).to_numpy()
    selections = (table["groups"].map(lambda gs: "us_big_tech" in gs).to_numpy(bool),
                  table["groups"].map(lambda gs: "us_tech_giants" in gs).to_numpy(bool),
                  (table["owner_country"] == "US").to_numpy(), in_eu,
                  (table["factor"] == "labour").to_numpy())
    parts.append(np.column_stack([np.asarray(s, dtype=float) for s in selections]))
    names += [("scorecard", label) for label in SCORECARD]
    return np.hstack(parts), tuple(names)


@dataclass(frozen=True, eq=False)
class EvidenceSpec:
    """What a kernel needs to split every draw's flows by the weakest label on their paths.

    cost_rank: (cost rows,) label rank of each cost-structure row (`CostParameters` order);
    purchase_rank: (market rows,) weakest of the spend row and the market row of each
    purchases column, or None when the final demand is given (taken as `GIVEN`);
    levels: thresholds c < 5 whose masks differ from the threshold before (solved);
    labels: the labels that can carry value (levels and `assumption`), strongest first;
    matrix: (flows, columns) map from flows to the evidence columns; columns: their names;
    masks: per level, the kept input coefficients (n, n) as 0/1, the kept value-added rows
    (flows,) and the scatter (market rows, n) of kept purchases to suppliers (None: demand
    given), computed once per trace.
    """

    cost_rank: np.ndarray
    purchase_rank: np.ndarray | None
    levels: tuple[int, ...]
    labels: tuple[str, ...]
    matrix: np.ndarray
    columns: tuple[tuple[str, str], ...]
    masks: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray | None]]
    orders: dict[int, linalg.BlockOrder] | None = None   # block order of each level's mask
    mapping: sp.csr_array | None = None   # matrix.T as CSR (split_flows' projection), once


def evidence_spec(model: Any, demand: Any) -> EvidenceSpec:
    """The evidence spec of a firm-level model and its demand (a `DemandSampler` of a plan, or
    a final demand given by the caller). A model with a sector table block has no labels for
    the table's coefficients: refused with a clear error."""
    from moneytrail.engine.demand import DemandSampler

    cost = model.cost_parameters
    if cost is None or cost.n != model.n:
        raise ModelError("evidence weight is defined for firm-level models only (every entity "
                         "with labelled cost-structure rows); a sector table (pymrio) has no "
                         "row labels: trace without evidence", field="evidence")
    if len(cost.reliability) != cost.column.size:
        raise ModelError("this model's cost-structure rows carry no reliability labels",
                         field="evidence")
    cost_rank = rank(cost.reliability)
    purchase_rank = None
    if isinstance(demand, DemandSampler):
        purchase_rank = np.maximum(rank(demand.reliability), rank(demand.spend_reliability))
    used = set(cost_rank.tolist()) | (set(purchase_rank.tolist())
                                      if purchase_rank is not None else {RANK[GIVEN]})
    levels = tuple(c for c in range(len(LABELS) - 1) if c in used)
    matrix, columns = column_matrix(model.flow_table(), model.eu_members)
    supplier = demand.supplier if isinstance(demand, DemandSampler) else None
    masks = {c: level_masks(cost, cost_rank, purchase_rank, supplier, c) for c in levels}
    orders = {c: linalg.BlockOrder.of(masks[c][0]) for c in levels}
    return EvidenceSpec(cost_rank=cost_rank, purchase_rank=purchase_rank, levels=levels,
                        labels=tuple(LABELS[c] for c in (*levels, len(LABELS) - 1)),
                        matrix=matrix, columns=columns, masks=masks, orders=orders,
                        mapping=sp.csr_array(matrix.T))


def level_masks(cost: Any, cost_rank: np.ndarray, purchase_rank: np.ndarray | None,
                supplier: np.ndarray | None, c: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Rows at least as strong as label c: input coefficients (n, n) 0/1, value-added rows
    (flows,) bool, and purchases (market rows, n) scattered to their suppliers (None: demand
    given, kept whole)."""
    n, inputs = cost.n, cost.is_input
    keep = cost_rank <= c
    mask = np.zeros((n, n))
    mask[cost.target[inputs & keep], cost.column[inputs & keep]] = 1.0
    kept_weights = np.zeros(cost.n_flows, dtype=bool)
    kept_weights[cost.target[~inputs & keep]] = True
    scatter = None
    if purchase_rank is not None and supplier is not None:
        scatter = np.zeros((purchase_rank.size, n))
        bought = np.flatnonzero(purchase_rank <= c)
        scatter[bought, supplier[bought]] = 1.0
    return mask, kept_weights, scatter


def split_flows(spec: EvidenceSpec, A: np.ndarray, weights: np.ndarray, f: np.ndarray,
                purchases: np.ndarray, flows: np.ndarray, flow_entity: np.ndarray,
                matrix: np.ndarray | None = None) -> np.ndarray:
    """Each flow's value split by the weakest label on its paths: (draws, spec.labels, flows),
    or (draws, spec.labels, columns) mapped by `matrix` (flows, columns; `spec.matrix` itself
    uses the spec's sparse copy, made once per trace rather than once per block).

    A: (draws, n, n) the draws' coefficients; weights: (draws, flows) value-added rows as shares
    of revenue; f: (draws, n) final demand; purchases: (draws, market rows) (ignored when the
    demand is given); flows: (draws, flows) the traced flows (the split at the weakest label is
    what is left of them, so the labels add up to the flows exactly); flow_entity: (flows,)
    entity of each flow. Amounts in the plan's currency.
    """
    mapping = None                        # 0/1, mostly zeros
    if matrix is not None:
        mapping = spec.mapping if matrix is spec.matrix and spec.mapping is not None else \
            sp.csr_array(matrix.T)

    def project(values: np.ndarray) -> np.ndarray:
        return values if mapping is None else np.asarray(mapping @ values.T).T

    draws = f.shape[0]
    total = project(flows)
    out = np.zeros((draws, len(spec.labels), total.shape[1]))
    below = np.zeros_like(total)          # value of paths whose weakest label is stronger
    for position, c in enumerate(spec.levels):
        mask, kept_weights, scatter = spec.masks[c]
        f_c = f if scatter is None else purchases @ scatter
        if f_c.any() and kept_weights.any():
            y = linalg.batched_solve(A * mask, f_c) if spec.orders is None else \
                linalg.block_solve(A * mask, f_c, spec.orders[c])
            level = project(np.where(kept_weights, weights, 0.0) * y[:, flow_entity])
        else:
            level = np.zeros_like(total)
        out[:, position] = level - below
        below = level
    out[:, -1] = total - below
    return out


def label_shares(E: np.ndarray) -> np.ndarray:
    """Per-draw share of each column's value on each label (draws, labels, columns); a draw in
    which a figure is zero counts as zero on every label."""
    total = E.sum(axis=1, keepdims=True)
    inverse = np.divide(1.0, total, out=np.zeros_like(total), where=total != 0)
    return E * inverse


def weak_index(labels: tuple[str, ...]) -> list[int]:
    """Positions of `weak` and `assumption` among `labels`."""
    return [k for k, label in enumerate(labels) if label in WEAKEST]


@dataclass(eq=False)
class EvidenceSummary:
    """Mergeable summary of per-draw evidence: amounts and label shares (means, exact), the
    assumption_or_weak share per column (mean and percentiles)."""

    labels: tuple[str, ...]   # labels of the rows of E
    amounts: Columns     # (labels x columns) flattened, means only
    shares: Columns      # (labels x columns) flattened, means only
    weak: Columns        # (columns,), with digests

    @classmethod
    def of(cls, E: np.ndarray, labels: tuple[str, ...], exact: bool = False
           ) -> EvidenceSummary:
        """Summary of per-draw evidence E (draws, labels, columns); `exact`: keep the
        assumption_or_weak shares per draw (exact percentiles) instead of digests."""
        draws = E.shape[0]
        shares = label_shares(E)
        return cls(labels=labels, amounts=Columns.of(E.reshape(draws, -1), digests=False),
                   shares=Columns.of(shares.reshape(draws, -1), digests=False),
                   weak=Columns.of(shares[:, weak_index(labels)].sum(axis=1), exact=exact))

    def merge(self, other: EvidenceSummary) -> EvidenceSummary:
        return EvidenceSummary(labels=self.labels, amounts=self.amounts.merge(other.amounts),
                               shares=self.shares.merge(other.shares),
                               weak=self.weak.merge(other.weak))


def evidence_frame(columns: tuple[tuple[str, str], ...], labels: tuple[str, ...], *,
                   draws: np.ndarray | None = None, summary: EvidenceSummary | None = None
                   ) -> pd.DataFrame:
    """The evidence table: one row per (dimension, label); `amount_mean` (the figure's mean
    amount, plan currency), `<label>_mean` for each label (mean over draws of the share of the
    figure resting on that weakest label) and `assumption_or_weak_<mean|p5|p50|p95>`. Computed
    exactly from per-draw evidence `draws` (draws, labels, columns), else from a summary;
    labels absent from `labels` carry nothing. Shares of a figure that is zero in every draw
    are NaN."""
    k = len(columns)
    if draws is not None:
        shares = label_shares(draws)
        amount = draws.sum(axis=1).mean(axis=0)
        present = shares.mean(axis=0)
        weak = exact_stats(shares[:, weak_index(labels)].sum(axis=1))
    elif summary is not None:
        amount = summary.amounts.mean.reshape(len(labels), k).sum(axis=0)
        present = summary.shares.mean.reshape(len(labels), k)
        weak = dict(zip(STAT_NAMES, (summary.weak.mean, *(summary.weak.percentile(q)
                                                          for q in (5.0, 50.0, 95.0))),
                        strict=True))
    else:
        raise ValueError("evidence_frame needs per-draw evidence or a summary")
    by_label = np.zeros((len(LABELS), k))
    by_label[[RANK[label] for label in labels]] = present
    reached = amount != 0
    frame: dict[str, np.ndarray] = {"amount_mean": amount}
    for c, label in enumerate(LABELS):
        frame[f"{label}_mean"] = np.where(reached, by_label[c], np.nan)
    for stat in STAT_NAMES:
        frame[f"assumption_or_weak_{stat}"] = np.where(reached, weak[stat], np.nan)
    index = pd.MultiIndex.from_tuples(list(columns), names=["dimension", "label"])
    return pd.DataFrame(frame, index=index)


def units(currency: str) -> dict[str, str]:
    """Unit of every column of `evidence_frame`."""
    out = {"amount_mean": currency or "number"}
    out.update({f"{label}_mean": "share" for label in LABELS})
    out.update({f"assumption_or_weak_{s}": "share" for s in STAT_NAMES})
    return out


def central_by_category(plan: Any, model: Any, dimension: str = "entity") -> pd.DataFrame:
    """A plan's value added at central values (every row at its `central`, renormalised) split
    by the category bought and the weakest label on the paths: rows (category, label of the
    dimension), columns the labels (LABELS), amounts as shares of the budget. The sum over
    categories is the figure at central values; e.g. `.xs("nvidia", level=1)` gives Nvidia's
    share by category and label (the worked example of docs/methods.md)."""
    from moneytrail.engine.demand import demand_sampler
    from moneytrail.engine.dimensions import flow_dimension

    demand = demand_sampler(plan, model)
    spec = evidence_spec(model, demand)
    cost = model.cost_parameters
    A, weights = cost.build(cost.sampler.mode[None, :])
    purchases = demand.purchases(demand.spend.mode[None, :], demand.market.mode[None, :])
    dim = flow_dimension(model.flow_table(), dimension, model.eu_members)
    entity = model.flows_entity_index
    frames = []
    for k, category in enumerate(demand.categories):
        bought = np.where(demand.category_of_row == k, purchases, 0.0)
        f = demand.to_demand(bought)
        flows = weights * linalg.batched_solve(A, f)[:, entity]
        split = split_flows(spec, A, weights, f, bought, flows, entity, dim.matrix)
        values = np.zeros((len(dim.labels), len(LABELS)))
        values[:, [RANK[label] for label in spec.labels]] = split[0].T / demand.budget
        index = pd.MultiIndex.from_product([[category], list(dim.labels)],
                                           names=["category", dimension])
        frames.append(pd.DataFrame(values, index=index, columns=list(LABELS)))
    return pd.concat(frames)
