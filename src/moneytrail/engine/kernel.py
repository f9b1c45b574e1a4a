"""The prepared computation of a trace: everything a worker needs to turn draws into flows.

A model has up to two blocks. Entities [0, n1) carry cost-structure intervals (the firm-level
data): each draw builds its own small dense A and solves all draws at once. Entities [n1, n) have
a fixed A (a sector table, possibly perturbed per draw by `CoefficientNoise`); firm entities may
buy from it through the coupling W = A[n1:, :n1] (a hybrid model), never the other way round.

When the table is fixed and few columns ever enter it (the sectors that receive final demand,
plus the linked firm entities), their responses L E and tier weights v A^j E are solved once here,
so every draw afterwards costs a small dense product. Pure functions of (kernel, seed, block):
the same seed gives the same numbers in any chunk, process or cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from moneytrail.engine import linalg, streams
from moneytrail.engine.demand import DemandSampler, FixedDemand, GivenDemand
from moneytrail.engine.dimensions import Dimension, flow_dimensions, tier_labels
from moneytrail.engine.evidence import EvidenceSpec, EvidenceSummary, evidence_spec, split_flows
from moneytrail.engine.noise import CoefficientNoise, perturbed_coefficients
from moneytrail.engine.parameters import CostParameters
from moneytrail.engine.summary import EXACT_DRAWS, Columns
from moneytrail.errors import ModelError
from moneytrail.model.iomodel import IOModel

BLOCK = streams.BLOCK         # draws per seed block: results do not depend on the chunk size
RESPONSE_BYTES = 1_000_000_000  # largest precomputed response matrix

Demand = DemandSampler | FixedDemand | GivenDemand
Outputs = tuple[np.ndarray, ...]
# flows, tiers, final demand, purchases, evidence, then what is kept only with the per-draw
# values: value-added coefficients per entity, with `Kernel.outputs` total output, tier
# outputs and part outputs, and with `Kernel.weights` the firm flows' coefficients (run_block)
OUTPUTS = 10


@dataclass(frozen=True, eq=False)
class TableBlock:
    """Sectors [n1, n): fixed A (central), coupling W, value-added coefficients v."""

    A: np.ndarray | sp.csr_array
    W: sp.csr_array                     # (n2, n1)
    v: np.ndarray                       # (n2,)
    noise: CoefficientNoise | None
    pattern: sp.csr_array | None        # A as CSR, for per-draw perturbation
    linked: np.ndarray                  # firm entities with a nonzero W column
    entries: np.ndarray                 # table sectors that receive final demand
    response: np.ndarray | None         # (n2, k) = (I - A)^-1 [E_entries, W_linked]
    tier_response: np.ndarray | None    # (tiers, k) = v A^j [E_entries, W_linked]
    central_x: np.ndarray | None        # solution for a fixed final demand (a warm start)

    @property
    def n(self) -> int:
        return self.A.shape[0]

    def apply(self, T: np.ndarray) -> np.ndarray:
        """A @ each row of T (rows are draws)."""
        return np.asarray(self.A @ T.T).T


@dataclass(frozen=True, eq=False)
class SummarySpec:
    """What each chunk of draws is reduced to: the flow dimensions (flows x labels matrices),
    the tier labels, the suppliers that can receive final demand, and whether every draw has
    the same total (then shares are amounts / total and need no summaries of their own)."""

    dimensions: dict[str, Dimension]
    tiers: tuple[str, ...]
    suppliers: np.ndarray           # entity index of each supplier column
    supplier_labels: tuple[str, ...]
    purchase_labels: tuple[str, ...]   # "category/supplier" of each purchases column
    fixed_total: bool
    evidence: tuple[tuple[str, str], ...] = ()   # evidence columns (dimension, label), if on
    evidence_labels: tuple[str, ...] = ()        # reliability labels of the evidence rows
    exact: bool = False             # keep per-draw values (exact percentiles), not digests
    matrix: np.ndarray | None = None   # every dimension's matrix side by side (flows, all)

    def labels(self) -> dict[str, tuple[str, ...]]:
        out = {name: dim.labels for name, dim in self.dimensions.items()}
        out["tier"] = self.tiers
        out["supplier"] = self.supplier_labels
        out["purchases"] = self.purchase_labels
        return out


@dataclass(eq=False)
class TraceSummary:
    """Mergeable summaries of a trace's draws (see `engine.summary`): amounts per dimension,
    shares per dimension when totals differ between draws, the per-draw totals, and the largest
    gap between a draw's value added and its final demand (the conservation check)."""

    amounts: dict[str, Columns]
    shares: dict[str, Columns]
    totals: Columns
    max_gap: float
    evidence: EvidenceSummary | None = None    # evidence weight (engine.evidence), if on

    def __repr__(self) -> str:
        """What it summarises, not its numbers (TraceResult.by reads them)."""
        return (f"<TraceSummary: amounts by {', '.join(self.amounts)}; shares by "
                f"{', '.join(self.shares) or 'none'}; largest conservation gap "
                f"{self.max_gap:.3g}{'; evidence' if self.evidence is not None else ''}>")

    def merge(self, other: TraceSummary) -> TraceSummary:
        evidence = None
        if self.evidence is not None and other.evidence is not None:
            evidence = self.evidence.merge(other.evidence)
        return TraceSummary(
            amounts={k: v.merge(other.amounts[k]) for k, v in self.amounts.items()},
            shares={k: v.merge(other.shares[k]) for k, v in self.shares.items()},
            totals=self.totals.merge(other.totals), max_gap=max(self.max_gap, other.max_gap),
            evidence=evidence)


@dataclass(frozen=True, eq=False)
class Kernel:
    demand: Demand
    cost: CostParameters | None
    n1: int
    n: int
    tiers: int
    flow_entity: np.ndarray             # entity of each flow (firm flows first)
    n_flows1: int
    flow_va: np.ndarray                 # table flows: weight x v (share of output)
    table: TableBlock | None
    spec: SummarySpec
    evidence: EvidenceSpec | None = None     # split by the weakest label on paths (optional)
    flow_scatter1: np.ndarray | None = None  # (firm flows, n1) 0/1: the entity of each flow
    order1: linalg.BlockOrder | None = None  # block order of the firm block's A, if it helps
    passes: tuple[tuple[np.ndarray, np.ndarray], ...] = ()   # entity_passes(flow_entity)
    outputs: bool = False               # keep x, tier and part outputs with per-draw values
    parts: np.ndarray | None = None     # (P, purchase rows) 0/1 masks of the part outputs
    weights: bool = False               # keep the firm flows' coefficients (also with outputs)

    @property
    def deterministic(self) -> bool:
        """Nothing varies between draws: solve one and repeat it."""
        return (isinstance(self.demand, FixedDemand) and self.cost is None
                and (self.table is None or self.table.noise is None))


def build_kernel(model: IOModel, demand: Demand, tiers: int, draws: int,
                 evidence: bool = False, outputs: bool = False,
                 parts: np.ndarray | None = None, weights: bool = False,
                 dimensions: dict[str, Dimension] | None = None) -> Kernel:
    """The prepared computation of a trace of `model` for `demand`. `outputs`: when per-draw
    values are kept, also keep each draw's total output, tier outputs A^k f and the output of
    each part of the plan's purchases (`parts`, (P, purchase rows) 0/1 masks) for footprints
    (`engine.footprint`), so they need no replay of the draws; `outputs` or `weights`: keep the
    firm flows' value added per unit of output as drawn. `dimensions`: the model's flow
    dimensions when already built (a trace's own, `TraceResult.dimensions`: the same for a
    kernel of its model), else built here."""
    cost = model.cost_parameters
    n1 = cost.n if cost is not None else 0
    flow_entity = model.flows_entity_index
    firm_flow = flow_entity < n1
    n_flows1 = int(firm_flow.sum())
    if not np.all(firm_flow[:n_flows1]):
        raise ModelError("flows of firm entities must come before those of table sectors",
                         field="flows")
    table = None
    flow_va = np.zeros(0)
    if n1 < model.n:
        table = table_block(model, demand, n1, tiers, draws)
        shares = model.flows["weight"].to_numpy(float)[n_flows1:]
        flow_va = shares * table.v[flow_entity[n_flows1:] - n1]
    ev = evidence_spec(model, demand) if evidence else None
    spec = summary_spec(model, demand, tiers, exact=draws <= EXACT_DRAWS,
                        dimensions=dimensions)
    if ev is not None:
        from dataclasses import replace

        spec = replace(spec, evidence=ev.columns, evidence_labels=ev.labels)
    scatter1 = np.zeros((n_flows1, n1))
    scatter1[np.arange(n_flows1), flow_entity[:n_flows1]] = 1.0
    return Kernel(demand=demand, cost=cost, n1=n1, n=model.n, tiers=tiers,
                  flow_entity=flow_entity, n_flows1=n_flows1, flow_va=flow_va, table=table,
                  spec=spec, evidence=ev, flow_scatter1=scatter1,
                  order1=None if cost is None else block_order(cost.input_pattern()),
                  passes=tuple(entity_passes(flow_entity)), outputs=outputs,
                  parts=None if parts is None else np.asarray(parts, dtype=float),
                  weights=weights or outputs)


def entity_passes(entity: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Columns (flows) and their entities, pass by pass: pass p holds each entity's p-th flow
    (flow order), so no entity appears twice in a pass. Adding the passes in turn sums each
    entity's flows in flow order, bit for bit as `np.add.at` would, with one vectorised
    addition per pass instead of an unbuffered loop over every element."""
    entity = np.asarray(entity, dtype=int)
    if not entity.size:
        return []
    order = np.argsort(entity, kind="stable")
    counts = np.bincount(entity)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(entity.size, dtype=int)
    rank[order] = np.arange(entity.size) - starts[entity[order]]
    return [(columns, entity[columns]) for columns in
            (np.flatnonzero(rank == p) for p in range(int(rank.max()) + 1))]


def block_order(pattern: np.ndarray) -> linalg.BlockOrder | None:
    """The block order of a firm block's pattern when its components are smaller than the
    whole (then solving by blocks is cheaper than one dense LU), else None."""
    order = linalg.BlockOrder.of(pattern)
    return order if order.largest < order.n else None


def summary_spec(model: IOModel, demand: Demand, tiers: int, exact: bool = False,
                 dimensions: dict[str, Dimension] | None = None) -> SummarySpec:
    """The summaries a chunk is reduced to, for this model and demand; `exact`: per-draw
    values kept for exact percentiles (`engine.summary.EXACT_DRAWS`); `dimensions`: the
    model's flow dimensions if already built (see build_kernel)."""
    if isinstance(demand, DemandSampler):
        suppliers = np.unique(demand.supplier)
        purchases = tuple(f"{c}/{s}" for c, s in zip(demand.rows["category"],
                                                      demand.rows["supplier"], strict=True))
    elif isinstance(demand, FixedDemand):
        suppliers, purchases = np.flatnonzero(demand.f), ()
    else:
        suppliers, purchases = np.flatnonzero(np.any(demand.F != 0, axis=0)), ()
    if dimensions is None:
        dimensions = flow_dimensions(model.flow_table(), model.eu_members)
    return SummarySpec(
        dimensions=dimensions, tiers=tier_labels(tiers), suppliers=suppliers,
        supplier_labels=tuple(model.labels[k] for k in suppliers),
        purchase_labels=purchases, fixed_total=not isinstance(demand, GivenDemand),
        exact=exact, matrix=np.hstack([dim.matrix for dim in dimensions.values()]))


def table_block(model: IOModel, demand: Demand, n1: int, tiers: int, draws: int) -> TableBlock:
    A = model.A
    if n1:
        if sp.issparse(A):
            A = sp.csr_array(A)
            upper = A[:n1, n1:]
            W, A2 = sp.csr_array(A[n1:, :n1]), sp.csr_array(A[n1:, n1:])
        else:
            upper, W, A2 = A[:n1, n1:], sp.csr_array(A[n1:, :n1]), np.asarray(A[n1:, n1:])
        if (upper != 0).sum():
            raise ModelError("table sectors may not buy from firm entities", field="A")
    else:
        A2, W = A, sp.csr_array((A.shape[0], 0))
    n2 = A2.shape[0]
    v = 1.0 - np.asarray(A2.sum(axis=0)).ravel()
    linked = np.flatnonzero(np.diff(sp.csc_array(W).indptr))
    entries = demand_entries(demand, n1)
    noise = model.noise
    pattern = sp.csr_array(A2) if noise is not None else None
    if pattern is not None:
        pattern.eliminate_zeros()
    k = entries.size + linked.size
    rows = 1 if isinstance(demand, FixedDemand) else draws
    response = tier_response = central_x = None
    if 0 < k <= rows and n2 * k * 8 <= RESPONSE_BYTES:
        E = np.zeros((n2, k))
        E[entries, np.arange(entries.size)] = 1.0
        if linked.size:
            E[:, entries.size:] = W[:, linked].toarray()
        response = linalg.solve_many(A2, E)
        tier_response = np.empty((tiers, k))
        weights = v                       # v A^j, a row vector: cheaper than A^j E
        for j in range(tiers):
            tier_response[j] = weights @ E
            weights = np.asarray(weights @ A2).ravel()
    elif isinstance(demand, FixedDemand) and noise is not None and n1 == 0:
        central_x = linalg.solve_many(A2, demand.f[n1:, None])[:, 0]
    return TableBlock(A=A2, W=W, v=v, noise=noise, pattern=pattern, linked=linked,
                      entries=entries, response=response, tier_response=tier_response,
                      central_x=central_x)


def demand_entries(demand: Demand, n1: int) -> np.ndarray:
    """Table sectors that any draw's final demand can reach."""
    if isinstance(demand, DemandSampler):
        return np.unique(demand.supplier[demand.supplier >= n1]) - n1
    if isinstance(demand, FixedDemand):
        return np.flatnonzero(demand.f[n1:])
    return np.flatnonzero(np.any(demand.F[:, n1:] != 0, axis=0))


def block_rng(seed: int, block: int) -> np.random.Generator:
    """The trace's generator for one seed block (stream "trace" of `engine.streams`)."""
    return streams.rng(seed, "trace", block)


def draw_inputs(kernel: Kernel, rng: np.random.Generator, start: int, size: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Purchases per market row (size, rows; no columns unless a plan's demand is sampled),
    final demand (size, n) and raw cost-structure values, in the order the seeds expect."""
    demand = kernel.demand
    if isinstance(demand, DemandSampler):
        purchases = demand.draw_purchases(rng, size)
        f = demand.to_demand(purchases)
    else:
        purchases = np.zeros((size, 0))
        f = demand.rows(start, size) if isinstance(demand, GivenDemand) else \
            demand.draw(rng, size)
    cost_raw = kernel.cost.draw_raw(rng, size) if kernel.cost is not None else None
    return purchases, f, cost_raw


def run_block(kernel: Kernel, seed: int, block: int, size: int, keep: bool = False
              ) -> Outputs:
    """Flows (size, flows), tier value added (size, tiers + 1), final demand (size, n),
    purchases per market row (size, rows) and evidence (size, labels, evidence columns; (size,
    0) when off); then, with `keep` (else (size, 0) each), each entity's value added per unit
    of its output (size, n), when `kernel.outputs` asks for them total output x (size, n),
    tier outputs A^k f (size, tiers, n) and part outputs (size, P, n), and with
    `kernel.weights` the firm flows' value added per unit of output (size, firm flows; (size,
    0) without a firm block)."""
    rng = block_rng(seed, block)
    if kernel.deterministic and isinstance(kernel.demand, FixedDemand):
        f = np.asarray(kernel.demand.f, dtype=float)[None, :]
        flows, tier_va, _ = evaluate(kernel, f, None, None)
        one = (flows, tier_va, f, np.zeros((1, 0)), np.zeros((1, 0)),
               *kept_outputs(kernel, seed, block, f, np.zeros((1, 0)), [], keep))
        return tuple(np.repeat(a, size, axis=0) for a in one)
    purchases, f, cost_raw = draw_inputs(kernel, rng, block * BLOCK, size)
    noise = streams.rng(seed, "table_noise", block) if kernel.table is not None and \
        kernel.table.noise is not None else None
    systems: list[tuple[np.ndarray, ...]] = []
    flows, tier_va, f = evaluate(kernel, f, cost_raw, noise, systems=systems)
    return (flows, tier_va, f, purchases, block_evidence(kernel, f, systems, purchases, flows),
            *kept_outputs(kernel, seed, block, f, purchases, systems, keep))


def kept_outputs(kernel: Kernel, seed: int, block: int, f: np.ndarray, purchases: np.ndarray,
                 systems: list[tuple[np.ndarray, ...]], keep: bool
                 ) -> tuple[np.ndarray, ...]:
    """The per-draw values a block keeps beyond the trace's own (see run_block), from the
    firm block's (A1, w1, x1) that `evaluate` solved: nothing is drawn again (a perturbed
    table's coefficients come again from their own stream, as a replay would draw them)."""
    size = f.shape[0]
    empty = np.zeros((size, 0))
    if not keep:
        return (empty,) * 5
    A1 = w1 = x1 = None
    if systems:
        A1, w1, x1 = systems[0]
    shares = entity_coefficients(kernel, w1, size)
    if not kernel.outputs:      # the firm flows' coefficients as drawn, when asked
        return (shares,) + (empty,) * 3 + (w1 if kernel.weights and w1 is not None else empty,)
    noise = streams.rng(seed, "table_noise", block) if kernel.table is not None and \
        kernel.table.noise is not None else None
    x, tiers, parts, _ = block_outputs(kernel, f, purchases, A1, w1, x1, noise, kernel.parts)
    return shares, x, tiers, parts, empty if w1 is None else w1


def flow_coefficients(kernel: Kernel, w1: np.ndarray | None, size: int) -> np.ndarray:
    """(size, flows) value added of each flow per unit of its entity's output: the firm
    block's drawn coefficients w1 (size, firm flows), the table block's fixed ones."""
    out = np.empty((size, kernel.flow_entity.size))
    out[:, kernel.n_flows1:] = kernel.flow_va[None, :]
    if kernel.n_flows1:
        assert w1 is not None, "firm flows have drawn coefficients"
        out[:, :kernel.n_flows1] = w1
    return out


def entity_coefficients(kernel: Kernel, w1: np.ndarray | None, size: int) -> np.ndarray:
    """(size, n) value added of each entity per unit of its output: its flows' coefficients
    summed in flow order (by `Kernel.passes`), so output is value added over it, x = VA / v
    (`engine.output.entity_output`)."""
    coefficients = flow_coefficients(kernel, w1, size)
    share = np.zeros((size, kernel.n))
    for columns, entities in kernel.passes:
        share[:, entities] += coefficients[:, columns]
    return share


def block_outputs(kernel: Kernel, f: np.ndarray, purchases: np.ndarray,
                  A1: np.ndarray | None, w1: np.ndarray | None, x1: np.ndarray | None,
                  noise_rng: np.random.Generator | None, parts: np.ndarray | None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-draw outputs of a block of draws for footprints (`engine.footprint`): total output
    x (size, n), tier outputs (size, tiers, n) = A^k f for k < tiers, part outputs (size, P,
    n) = x of each part of the final demand (`parts` (P, purchase rows) masks the plan's
    purchases) and weights (size, flows) = value added of each flow per unit of its entity's
    output. (A1, w1) is the firm block's system of these draws, x1 its solution for f (None:
    solved here, as the trace solves it); `noise_rng` the table's perturbation stream."""
    size, n1, tiers = f.shape[0], kernel.n1, kernel.tiers
    demands = [f]
    if parts is not None and isinstance(kernel.demand, DemandSampler) and parts.size:
        demands += [kernel.demand.to_demand(purchases * mask[None, :]) for mask in parts]
    P = len(demands) - 1
    F = np.concatenate(demands, axis=0)           # (size * (P + 1), n)
    x = np.zeros((F.shape[0], kernel.n))
    terms = np.zeros((size, tiers, kernel.n))
    weights = np.zeros((size, kernel.flow_entity.size))
    terms1 = None
    if n1:
        assert A1 is not None and w1 is not None, "firm entities need their drawn system"
        weights[:, :kernel.n_flows1] = w1
        if x1 is None:      # the kernel's solver, so x equals the trace's bit for bit
            f1 = np.ascontiguousarray(F[:size, :n1])
            x1 = linalg.batched_solve(A1, f1) if kernel.order1 is None else \
                linalg.block_solve(A1, f1, kernel.order1)
        x[:size, :n1] = x1
        if P:   # one factorisation per draw for all parts: (size, n1, P) right-hand sides
            rhs1 = F[size:, :n1].reshape(P, size, n1).transpose(1, 2, 0)
            x1_parts = np.linalg.solve(np.eye(n1)[None, :, :] - A1, rhs1)   # (size, n1, P)
            x[size:, :n1] = x1_parts.transpose(2, 0, 1).reshape(P * size, n1)
        terms1 = [f[:, :n1]]            # A1^k f for k < tiers (the next one is never used)
        for k in range(tiers):
            terms[:, k, :n1] = terms1[k]
            if k + 1 < tiers:
                terms1.append(np.einsum("dij,dj->di", A1, terms1[k]))
    table = kernel.table
    if table is not None:
        weights[:, kernel.n_flows1:] = kernel.flow_va[None, :]
        W = table.W
        x_firm = x[:, :n1]
        rhs = F[:, n1:] + (np.asarray(W @ x_firm.T).T if n1 and table.linked.size else 0.0)
        if noise_rng is None:
            x[:, n1:] = linalg.solve_many(table.A, np.ascontiguousarray(rhs.T)).T
            apply = table.apply
        else:
            assert table.noise is not None and table.pattern is not None
            data = perturbed_coefficients(table.pattern, table.noise, noise_rng, size)
            stacked = np.concatenate([data] * (P + 1), axis=0)
            guess = None if table.central_x is None else \
                np.broadcast_to(table.central_x, rhs.shape)
            x[:, n1:] = linalg.batched_neumann(table.pattern, stacked, rhs, guess)
            operator = linalg.stacked_operator(table.pattern, data)

            def apply(T: np.ndarray) -> np.ndarray:
                return (operator @ np.ascontiguousarray(T).ravel()).reshape(T.shape)
        term = f[:, n1:]
        for k in range(tiers):
            terms[:, k, n1:] = term
            if k + 1 < tiers:
                term = apply(term)
                if terms1 is not None and table.linked.size:
                    term = term + np.asarray(W @ terms1[k].T).T
    part_x = x[size:].reshape(P, size, kernel.n).transpose(1, 0, 2) if P else \
        np.zeros((size, 0, kernel.n))
    return x[:size], terms, part_x, weights


def block_evidence(kernel: Kernel, f: np.ndarray, systems: list[tuple[np.ndarray, ...]],
                   purchases: np.ndarray, flows: np.ndarray) -> np.ndarray:
    """Per-draw evidence (size, labels, columns) of a block (`engine.evidence`) from the
    firm block's (A1, w1) that `evaluate` solved; (size, 0) when the kernel computes none."""
    ev = kernel.evidence
    if ev is None or not systems:
        return np.zeros((f.shape[0], 0))
    A1, w1 = systems[0][:2]
    return split_flows(ev, A1, w1, f, purchases, flows, kernel.flow_entity, ev.matrix)


def run_outputs(kernel: Kernel, seed: int, blocks: list[tuple[int, int]], keep: bool = False
                ) -> Outputs:
    """Several seed blocks, one after the other (see run_block): the arrays are allocated once,
    from the first block's shapes, and each block's values are copied into its rows as soon as
    it is computed, so the blocks are never held beside their concatenation (the same values,
    bit for bit, as concatenating them)."""
    if len(blocks) == 1:
        block, size = blocks[0]
        return run_block(kernel, seed, block, size, keep)
    total = sum(size for _, size in blocks)
    joined: Outputs = ()
    start = 0
    for block, size in blocks:
        part = run_block(kernel, seed, block, size, keep)
        if not joined:
            joined = tuple(np.empty((total,) + a.shape[1:], dtype=a.dtype) for a in part)
        for target, values in zip(joined, part, strict=True):
            target[start:start + size] = values
        start += size
    return joined


def reduce_outputs(spec: SummarySpec, outputs: Outputs) -> TraceSummary:
    """A chunk's per-draw outputs reduced to mergeable summaries."""
    flows, tier_va, f, purchases, evidence = outputs[:5]
    totals = flows.sum(axis=1)
    exact = spec.exact
    if spec.matrix is not None:         # one product for every dimension
        together = flows @ spec.matrix
        per_draw, start = {}, 0
        for name, dim in spec.dimensions.items():
            per_draw[name] = together[:, start:start + dim.matrix.shape[1]]
            start += dim.matrix.shape[1]
    else:
        per_draw = {name: flows @ dim.matrix for name, dim in spec.dimensions.items()}
    per_draw["tier"] = tier_va
    per_draw["supplier"] = f[:, spec.suppliers]
    summaries = {name: Columns.of(values, exact=exact) for name, values in per_draw.items()}
    summaries["purchases"] = Columns.of(purchases, digests=False)    # means only
    shares = {} if spec.fixed_total else {
        name: Columns.of(values / totals[:, None], exact=exact)
        for name, values in per_draw.items()}
    gap = float(np.max(np.abs(totals - f.sum(axis=1)))) if len(totals) else 0.0
    return TraceSummary(amounts=summaries, shares=shares,
                        totals=Columns.of(totals[:, None], exact=exact), max_gap=gap,
                        evidence=EvidenceSummary.of(evidence, spec.evidence_labels, exact=exact)
                        if spec.evidence else None)


SUMMARY_BLOCKS = 100           # seed blocks per summary group (10,000 draws)


def run_chunk(kernel: Kernel, seed: int, blocks: list[tuple[int, int]], keep: bool
              ) -> tuple[list[TraceSummary], Outputs | None]:
    """The unit of work sent to a process or a worker: seed blocks reduced, where they run, to
    one summary per group of SUMMARY_BLOCKS blocks (groups are fixed by block number, so the
    summaries never depend on how blocks are chunked); the per-draw outputs come back only when
    `keep` asks for them."""
    if keep:        # tables come exactly from the per-draw values: no summaries, no groups
        return [], run_outputs(kernel, seed, blocks, keep)
    groups: dict[int, list[tuple[int, int]]] = {}
    for block, size in blocks:
        groups.setdefault(block // SUMMARY_BLOCKS, []).append((block, size))
    return [reduce_outputs(kernel.spec, run_outputs(kernel, seed, members))
            for members in groups.values()], None


def evaluate(kernel: Kernel, f: np.ndarray, cost_raw: np.ndarray | None,
             rng: np.random.Generator | None, systems: list | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve and attribute a block of draws; rng perturbs the table (None: central table).
    `systems`, when given, receives the firm block's (A1, w1, x1) (for the evidence weight
    and the outputs a kept trace keeps)."""
    f = np.ascontiguousarray(f, dtype=float)
    size, n1, tiers = f.shape[0], kernel.n1, kernel.tiers
    tier_va = np.zeros((size, tiers + 1))
    parts = []
    x1 = terms1 = None
    if n1:
        assert kernel.cost is not None and cost_raw is not None, "firm entities need draws"
        A1, w1 = kernel.cost.build(cost_raw)
        f1 = f[:, :n1]
        x1 = linalg.batched_solve(A1, f1) if kernel.order1 is None else \
            linalg.block_solve(A1, f1, kernel.order1)
        if systems is not None:
            systems.append((A1, w1, x1))
        entity1 = kernel.flow_entity[:kernel.n_flows1]
        parts.append(w1 * x1[:, entity1])
        assert kernel.flow_scatter1 is not None, "built with the kernel"
        v1 = w1 @ kernel.flow_scatter1          # value-added share of each firm entity
        terms1 = [f1]                   # A1^k f1 for k < tiers (the next one is never used)
        for k in range(tiers):
            tier_va[:, k] = np.einsum("dj,dj->d", v1, terms1[k])
            if k + 1 < tiers:
                terms1.append(np.matmul(A1, terms1[k][:, :, None])[:, :, 0])
    if kernel.table is not None:
        x2, va2 = table_outputs(kernel.table, f[:, n1:], x1, terms1, tiers,
                                None if kernel.table.noise is None else rng)
        parts.append(kernel.flow_va[None, :] * x2[:, kernel.flow_entity[kernel.n_flows1:] - n1])
        tier_va[:, :tiers] += va2
    flows = np.concatenate(parts, axis=1) if len(parts) > 1 else parts[0]
    tier_va[:, tiers] = flows.sum(axis=1) - tier_va[:, :tiers].sum(axis=1)
    return flows, tier_va, f


def table_outputs(table: TableBlock, f2: np.ndarray, x1: np.ndarray | None,
                  terms1: list[np.ndarray] | None, tiers: int,
                  rng: np.random.Generator | None) -> tuple[np.ndarray, np.ndarray]:
    """Output of the table sectors (size, n2) and their value added by tier (size, tiers)."""
    size = f2.shape[0]
    linked = table.linked
    inject = x1[:, linked] if x1 is not None else np.zeros((size, 0))
    entry_demand = f2[:, table.entries]
    guess = None
    if table.response is not None:
        guess = np.hstack([entry_demand, inject]) @ table.response.T
        if rng is None:
            return guess, response_tiers(table, entry_demand, terms1, tiers)
    W = table.W
    rhs = f2 + np.asarray(W @ x1.T).T if x1 is not None and linked.size else f2
    if rng is None:
        x2 = linalg.solve_many(table.A, rhs.T).T
        apply = table.apply
    else:
        assert table.noise is not None, "a random stream perturbs a table with noise"
        data = perturbed_coefficients(table.pattern, table.noise, rng, size)
        if guess is None and table.central_x is not None:
            guess = np.broadcast_to(table.central_x, rhs.shape)
        x2 = linalg.batched_neumann(table.pattern, data, rhs, guess)
        operator = linalg.stacked_operator(table.pattern, data)

        def apply(T: np.ndarray) -> np.ndarray:
            return (operator @ np.ascontiguousarray(T).ravel()).reshape(T.shape)
    va = np.empty((size, tiers))
    term = f2
    for k in range(tiers):
        va[:, k] = term @ table.v
        if k + 1 < tiers:               # the money one tier further is never used
            term = apply(term)
            if terms1 is not None and linked.size:
                term = term + np.asarray(W @ terms1[k].T).T
    return x2, va


def response_tiers(table: TableBlock, entry_demand: np.ndarray,
                   terms1: list[np.ndarray] | None, tiers: int) -> np.ndarray:
    """Value added by tier from the precomputed tier weights: money entering the table at
    tier m reaches tier k after k - m steps inside it."""
    assert table.tier_response is not None, "called only with precomputed responses"
    size, e = entry_demand.shape[0], table.entries.size
    va = np.zeros((size, tiers))
    for k in range(tiers):
        va[:, k] = entry_demand @ table.tier_response[k, :e]
        if terms1 is not None and table.linked.size:
            for m in range(1, k + 1):
                va[:, k] += terms1[m - 1][:, table.linked] @ table.tier_response[k - m, e:]
    return va
