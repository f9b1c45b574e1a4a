"""Footprints of a trace: jobs, CO2 or any satellite account, through the supply chain, per draw.

The trace attributes value added; a footprint attributes a physical quantity. Both come from the
same per-draw total output `x = L f` of every entity: value added is `w x` (w: value added per
unit of output), a footprint is `s x` with `s` the account's intensity per unit of output
(t CO2e per USD million, or FTE per unit of output = labour value added per unit of output /
compensation per FTE). Here the trace's draws are replayed block by block from the same seed
and the same random streams (`engine.kernel.draw_inputs`, `table_noise`), so x is the x behind
the trace's own numbers; the account's own uncertainty (an intensity's low/central/high) is
drawn from its own named stream (`engine.streams`), so existing numbers never change.

An account is a list of rows: (entity, country, flow or none, coefficient, parameter). Row r's
footprint in a draw is `s_r x_entity` with `s_r = coefficient_r * p_r^power * (w_flow if a
flow)`; the tier split uses `A^k f` in place of x, and the part split (e.g. construction vs
operations) the output of that part's purchases alone. Anchored rows (`Anchors`: e.g. a firm's
labour flows, whose total FTE comes from its employees per revenue in filings) are rescaled per
draw so that the rows of each anchor group add up to a given intensity `scale_g * a_g` per unit
of their one entity's output, each row keeping its share of the group's `s_r` (a_g drawn from
the anchors' own stream). The row intensities depend on the draw but not on f, so entities,
countries, tiers and parts each add up to the total, per draw.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from moneytrail.engine import streams
from moneytrail.engine.demand import DemandSampler, FixedDemand
from moneytrail.engine.dimensions import tier_labels
from moneytrail.engine.kernel import Kernel, block_outputs, block_rng, build_kernel, draw_inputs
from moneytrail.engine.output import CHUNK, kept_weights
from moneytrail.engine.result import read_only
from moneytrail.engine.sampling import PertSampler
from moneytrail.engine.summary import STATS, Columns, exact_stats
from moneytrail.errors import ModelError

BY = ("entity", "country", "tier", "part", "total", "part_country")
GROUP = 100            # seed blocks reduced together (as the trace's summary groups)
PIECE_BLOCKS = 10      # seed blocks of kept outputs a footprint reads at once (1,000 draws)


@dataclass(frozen=True, eq=False)
class OutputDraws:
    """Per-draw outputs of a block: x (size, n); tiers (size, tiers, n) = A^k f for k < tiers;
    parts (size, P, n) = x of each part of the final demand; weights (size, flows) = value
    added of each flow per unit of its entity's output."""

    x: np.ndarray
    tiers: np.ndarray
    parts: np.ndarray
    weights: np.ndarray


@dataclass(frozen=True, eq=False)
class Anchors:
    """Groups of an account's rows whose total intensity is given rather than built up row by
    row (see the module doc). In each draw the rows of group g add up to `scale_g * a_g` per
    unit of their entity's output, a_g drawn from `parameters` on stream `stream` (key `key`);
    row r of the group gets the share `s_r / sum_g s` of it (its own row intensity, e.g. wages /
    compensation per FTE in its country). A group whose row intensities sum to 0 in a draw gets
    0 in that draw. Every group's rows belong to one entity, so its footprint is
    `scale_g * a_g * x_entity` per draw.

    Shapes: `group` (rows,) group position or -1 (the row is not anchored); `scale` (groups,),
    e.g. USD million per unit of the plan's currency; `parameters` draws (size, groups), e.g.
    FTE per USD million of revenue."""

    group: np.ndarray
    scale: np.ndarray
    parameters: PertSampler
    stream: str
    key: int = 0

    def draw(self, seed: int, block: int, size: int) -> np.ndarray:
        """a_g for one seed block, (size, groups)."""
        return self.parameters.draw(streams.rng(seed, self.stream, self.key, block), size)

    @property
    def rows(self) -> np.ndarray:
        return np.flatnonzero(self.group >= 0)

    def membership(self) -> sp.csr_array:
        """(anchored rows, groups) 0/1 matrix, rows in the order of `rows`."""
        rows = self.rows
        return sp.csr_array((np.ones(rows.size), (np.arange(rows.size), self.group[rows])),
                            shape=(rows.size, self.scale.size))

    def apply(self, s: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Row intensities (size, rows) with the anchored rows rescaled to their groups'
        totals `scale * values` (values: (size, groups))."""
        rows = self.rows
        g = self.group[rows]
        own = s[:, rows]
        sums = grouped(own, self.membership())[:, g]          # (size, anchored rows)
        share = np.divide(own, sums, out=np.zeros_like(own), where=sums > 0)
        out = s.copy()
        out[:, rows] = share * (values * self.scale[None, :])[:, g]
        return out


@dataclass(frozen=True, eq=False)
class Account:
    """A footprint account over a model's entities (see the module doc for the row formula).

    `parameters` (optional) is a PertSampler over the account's uncertain values (drawn from
    stream `stream` per seed block); `param[r]` names row r's parameter (-1: none) and `power`
    is +1 (an intensity) or -1 (a divisor, e.g. compensation per FTE). `anchors` (optional)
    rescales groups of rows to given totals (class Anchors). `dimensions` adds breakdowns
    (name -> labels and a (rows, labels) 0/1 matrix); for those named in `shares` the
    footprint also summarises each label's share of the total per draw (`share_<name>`).
    `provenance` lists the rows' sources and reliability for the result."""

    name: str
    unit: str
    entity: np.ndarray                 # (rows,) entity position
    country: tuple[str, ...]           # (rows,)
    coefficient: np.ndarray            # (rows,)
    flow: np.ndarray                   # (rows,) flow position or -1
    param: np.ndarray                  # (rows,) parameter position or -1
    parameters: PertSampler | None = None
    power: float = 1.0
    stream: str = "footprints"
    key: int = 0                       # stream key, so two accounts never share numbers
    provenance: pd.DataFrame = field(default_factory=pd.DataFrame)
    # more breakdowns: name -> (labels, (rows, labels) 0/1 matrix), e.g. the headline rows
    dimensions: dict[str, tuple[tuple[str, ...], np.ndarray]] = field(default_factory=dict)
    anchors: Anchors | None = None
    # dimensions whose per-draw shares of the total are summarised too, as `share_<name>`
    # (0 in a draw whose total is 0)
    shares: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.shares) - set(self.dimensions)
        if unknown:
            raise ValueError(f"shares of unknown dimensions: {sorted(unknown)}")
        anchors = self.anchors
        if anchors is None:
            return
        if anchors.group.shape != self.entity.shape:
            raise ValueError("anchors.group needs one entry per account row")
        rows = anchors.rows
        entities = pd.DataFrame({"g": anchors.group[rows], "e": self.entity[rows]})
        if (entities.groupby("g")["e"].nunique() > 1).any():
            raise ValueError("every anchor group's rows must belong to one entity")
        if anchors.parameters.mode.size != anchors.scale.size:
            raise ValueError("anchors need one parameter per group")

    def per_output(self, weights: np.ndarray, values: np.ndarray | None,
                   anchor_values: np.ndarray | None = None) -> np.ndarray:
        """Row intensities per unit of the row entity's output, (size, rows); anchored rows
        rescaled to their groups' totals when `anchor_values` (size, groups) are given."""
        size = weights.shape[0]
        out = np.broadcast_to(self.coefficient, (size, self.coefficient.size)).copy()
        # every row (the usual case) in one product, without a masked gather and scatter
        has_flow = self.flow >= 0
        if has_flow.all():
            out *= weights[:, self.flow]
        elif has_flow.any():
            out[:, has_flow] *= weights[:, self.flow[has_flow]]
        if values is not None:
            has = self.param >= 0
            if has.all():
                out *= values[:, self.param] ** self.power
            else:
                out[:, has] *= values[:, self.param[has]] ** self.power
        if self.anchors is not None and anchor_values is not None:
            out = self.anchors.apply(out, anchor_values)
        return out


def output_draws(kernel: Kernel, seed: int, block: int, size: int,
                 parts: np.ndarray | None = None) -> OutputDraws:
    """Replay one seed block of a trace and return its per-draw outputs (see OutputDraws).
    `parts` (P, purchase rows) masks the plan's purchases into parts."""
    demand = kernel.demand
    if kernel.deterministic and isinstance(demand, FixedDemand):
        f = np.asarray(demand.f, dtype=float)[None, :]
        purchases, cost_raw, noise_rng = np.zeros((1, 0)), None, None
        one = _outputs(kernel, f, purchases, cost_raw, noise_rng, parts)
        return OutputDraws(*(np.repeat(a, size, axis=0) for a in
                             (one.x, one.tiers, one.parts, one.weights)))
    purchases, f, cost_raw = draw_inputs(kernel, block_rng(seed, block), block * kernel_block(),
                                         size)
    noise_rng = streams.rng(seed, "table_noise", block) if kernel.table is not None and \
        kernel.table.noise is not None else None
    return _outputs(kernel, f, purchases, cost_raw, noise_rng, parts)


def kernel_block() -> int:
    return streams.BLOCK


def weight_draws(kernel: Kernel, seed: int, block: int, size: int) -> np.ndarray:
    """Value added of each flow per unit of its entity's output, (size, flows), for one seed
    block: the trace's own cost-structure draws replayed without solving (OutputDraws.weights
    of the same block)."""
    if kernel.deterministic and isinstance(kernel.demand, FixedDemand):
        return output_draws(kernel, seed, block, size).weights
    weights = np.zeros((size, kernel.flow_entity.size))
    if kernel.n1:
        _, _, cost_raw = draw_inputs(kernel, block_rng(seed, block), block * kernel_block(),
                                     size)
        assert kernel.cost is not None and cost_raw is not None, "firm entities need draws"
        weights[:, :kernel.n_flows1] = kernel.cost.build(cost_raw)[1]
    if kernel.table is not None:
        weights[:, kernel.n_flows1:] = kernel.flow_va[None, :]
    return weights


def _outputs(kernel: Kernel, f: np.ndarray, purchases: np.ndarray, cost_raw: Any,
             noise_rng: np.random.Generator | None, parts: np.ndarray | None) -> OutputDraws:
    A1 = w1 = None
    if kernel.n1:
        assert kernel.cost is not None and cost_raw is not None, "firm entities need draws"
        A1, w1 = kernel.cost.build(cost_raw)
    return OutputDraws(*block_outputs(kernel, f, purchases, A1, w1, None, noise_rng, parts))


def kept_outputs(result: Any, kernel: Kernel, parts: np.ndarray | None) -> OutputDraws | None:
    """The per-draw outputs the trace kept (`trace(..., outputs=True)`), as OutputDraws over
    all its draws, when they serve this footprint (the same tiers, and the same parts or none
    asked); None otherwise (then the draws are replayed)."""
    per_draw = getattr(result, "per_draw", None)
    kept = per_draw.outputs if per_draw is not None else None
    if kept is None or kept.output.shape != (result.draws, kernel.n) or \
            kept.tiers.shape[1] != kernel.tiers:
        return None
    if parts is not None and isinstance(kernel.demand, DemandSampler) and parts.size:
        if kept.masks is None or not np.array_equal(kept.masks, parts):
            return None
        part_x = kept.parts
    else:
        part_x = kept.parts[:, :0]
    weights = kept_weights(result, kernel)
    if weights is None:
        return None
    return OutputDraws(x=kept.output, tiers=kept.tiers, parts=part_x, weights=weights)


@dataclass(frozen=True, eq=False)
class FootprintDraws:
    """An account's per-draw footprint of a block: by row (size, rows), tier (size, tiers+1),
    part (size, P), total (size,)."""

    rows: np.ndarray
    tiers: np.ndarray
    parts: np.ndarray
    part_rows: np.ndarray        # (size, P, rows)
    total: np.ndarray            # rows summed per draw


@dataclass(frozen=True, eq=False)
class EntityOutputs:
    """OutputDraws gathered at an account's row entities: total output x (size, rows), tier
    outputs (size, tiers, rows), part outputs (size, P, rows)."""

    x: np.ndarray
    tiers: np.ndarray
    parts: np.ndarray


def entity_outputs(out: OutputDraws, entity: np.ndarray) -> EntityOutputs:
    """The outputs of `out` at the entities `entity` (rows,) (see EntityOutputs)."""
    return EntityOutputs(x=out.x[:, entity], tiers=out.tiers[:, :, entity],
                         parts=out.parts[:, :, entity])


def account_draws(account: Account, out: OutputDraws, values: np.ndarray | None,
                  anchor_values: np.ndarray | None = None, at: EntityOutputs | None = None
                  ) -> FootprintDraws:
    """An account's per-draw footprint of one piece of draws (see FootprintDraws); `at`:
    `entity_outputs(out, account.entity)` when already gathered (accounts over the same rows
    share it; None: gathered here)."""
    at = entity_outputs(out, account.entity) if at is None else at
    s = account.per_output(out.weights, values, anchor_values)      # (size, rows)
    rows = s * at.x
    tiers = np.einsum("dr,dkr->dk", s, at.tiers)
    total = rows.sum(axis=1)
    tiers = np.concatenate([tiers, (total - tiers.sum(axis=1))[:, None]], axis=1)
    part_rows = s[:, None, :] * at.parts
    return FootprintDraws(rows=rows, tiers=tiers, parts=part_rows.sum(axis=2),
                          part_rows=part_rows, total=total)


def figure(value: float) -> str:
    """A figure for a repr: whole with thousands separators from 100 up ('217,460'), else
    three significant digits."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


@dataclass(frozen=True, eq=False)
class Footprint:
    """An account's footprint over a trace's draws: `tables[by]` (mean, p5, p50, p95 per
    label; by entity, country, tier, part, total) in `unit`; `per_draw[by]` (draws, labels,
    read-only) only when the trace kept its per-draw values; `provenance` the account's sources."""

    name: str
    unit: str
    tables: dict[str, pd.DataFrame]
    per_draw: dict[str, np.ndarray] | None
    provenance: pd.DataFrame
    draws: int
    seed: int
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)   # per_draw columns

    def __post_init__(self) -> None:
        # per-draw arrays are handed out read-only (views, no copy), as a trace's are
        if self.per_draw is not None:
            object.__setattr__(self, "per_draw", {name: read_only(values) for name, values
                                                  in self.per_draw.items()})

    def __repr__(self) -> str:
        """A few lines: the account, its unit, draws and seed, its total's median and 90 %
        interval, and the tables there are (the fields hold them all)."""
        total = self.tables.get("total")
        median = ""
        if total is not None and len(total):
            row = total.iloc[0]
            p5, p50, p95 = (figure(row[f"amount_{s}"]) for s in ("p5", "p50", "p95"))
            median = f"; total {p50} {self.unit} (median; 90 % interval {p5} to {p95})"
        kept = "kept (.per_draw)" if self.per_draw is not None else "not kept"
        return (f"<Footprint {self.name!r} in {self.unit}: draws {self.draws:,}, seed "
                f"{self.seed}{median}\n"
                f"  tables: .by(dimension), dimension one of {', '.join(self.tables)}; "
                f".total; per-draw values {kept}; .provenance ({len(self.provenance)} "
                "rows)>")

    def by(self, dimension: str = "entity") -> pd.DataFrame:
        """The footprint by `dimension` (see `tables`): mean, p5, p50 and p95 per label, in
        `unit`. ModelError naming the breakdowns there are for another one."""
        if dimension not in self.tables:
            raise ModelError(f"unknown footprint breakdown (use {', '.join(self.tables)})",
                             field="by", value=dimension)
        return self.tables[dimension]

    @property
    def total(self) -> pd.Series:
        return self.tables["total"].iloc[0]


def grouping(labels: list[str] | tuple[str, ...]) -> tuple[tuple[str, ...], np.ndarray]:
    codes, uniques = pd.factorize(pd.Index(labels), sort=True)
    matrix = np.zeros((len(labels), len(uniques)))
    matrix[np.arange(len(labels)), codes] = 1.0
    return tuple(str(u) for u in uniques), matrix


def compute_footprint(model: Any, kernel: Kernel, account: Account, *, seed: int, draws: int,
                      keep: bool = False, part_names: tuple[str, ...] = (),
                      parts: np.ndarray | None = None) -> Footprint:
    """Replay the trace's draws and reduce the account's footprint by entity, country, tier,
    part and total (summaries per group of seed blocks, merged; per-draw values when `keep`)."""
    return compute_footprints(model, kernel, [account], seed=seed, draws=draws, keep=keep,
                              part_names=part_names, parts=parts)[0]


def compute_footprints(model: Any, kernel: Kernel, accounts: list[Account], *, seed: int,
                       draws: int, keep: bool = False, part_names: tuple[str, ...] = (),
                       parts: np.ndarray | None = None, given: OutputDraws | None = None
                       ) -> list[Footprint]:
    """Several accounts over one replay of the draws (see compute_footprint); `given`: the
    trace's own per-draw outputs (`kept_outputs`), read block by block instead of a replay."""
    specs = []
    for account in accounts:
        entity_labels, entity_matrix = grouping([model.labels[k] for k in account.entity])
        country_labels, country_matrix = grouping(list(account.country))
        labels = {"entity": entity_labels, "country": country_labels,
                  "tier": tier_labels(kernel.tiers), "part": part_names, "total": ("total",),
                  "part_country": tuple(f"{p} / {c}" for p in part_names
                                        for c in country_labels)}
        labels.update({name: dim[0] for name, dim in account.dimensions.items()})
        labels.update({f"share_{name}": account.dimensions[name][0] for name in account.shares})
        # the label matrices transposed once (grouped transposes them for every block)
        specs.append((labels, sp.csr_array(entity_matrix).T, sp.csr_array(country_matrix).T,
                       {name: sp.csr_array(dim[1]).T for name, dim in
                        account.dimensions.items()}))
    # accounts over the same rows (e.g. jobs, wages and CO2 over every flow) read one gather
    # of the outputs per piece: sharer[a] is the first account with a's row entities
    sharer = [next(b for b in range(a + 1) if np.array_equal(accounts[b].entity,
                                                              account.entity))
              for a, account in enumerate(accounts)]
    summaries: list[dict[str, Columns]] = [{} for _ in accounts]
    kept: list[dict[str, list[np.ndarray]]] = [{k: [] for k in spec[0]} for spec in specs]
    blocks = list(streams.blocks(draws))
    for start in range(0, len(blocks), GROUP):
        groups: list[dict[str, list[np.ndarray]]] = [{k: [] for k in spec[0]}
                                                    for spec in specs]
        for first, size, out in output_pieces(kernel, seed, blocks[start:start + GROUP],
                                              parts, given):
            gathered: dict[int, EntityOutputs] = {}
            for a, account in enumerate(accounts):
                _, entity_matrix, country_matrix, more = specs[a]
                if sharer[a] not in gathered:
                    gathered[sharer[a]] = entity_outputs(out, account.entity)
                fp = account_draws(account, out,
                                   *draw_account_values(account, seed, size, first),
                                   at=gathered[sharer[a]])
                group = groups[a]
                group["entity"].append(summed(fp.rows, entity_matrix))
                group["country"].append(summed(fp.rows, country_matrix))
                group["tier"].append(fp.tiers)
                group["part"].append(fp.parts)
                total = fp.total[:, None]
                group["total"].append(total)
                group["part_country"].append(
                    summed(fp.part_rows.reshape(-1, fp.rows.shape[1]), country_matrix)
                    .reshape(fp.rows.shape[0], -1))
                for name, matrix in more.items():
                    values = summed(fp.rows, matrix)
                    group[name].append(values)
                    if name in account.shares:
                        group[f"share_{name}"].append(np.divide(
                            values, total, out=np.zeros_like(values), where=total != 0))
        for a, group in enumerate(groups):
            for name, pieces in group.items():
                values = np.concatenate(pieces)
                if keep:
                    kept[a][name].append(values)
                elif values.shape[1]:
                    piece = Columns.of(values)
                    summaries[a][name] = piece if name not in summaries[a] else \
                        summaries[a][name].merge(piece)
    results = []
    for a, account in enumerate(accounts):
        labels = specs[a][0]
        tables = {}
        per_draw = None
        if keep:
            # one group of blocks (up to GROUP x BLOCK draws): its values as they are
            per_draw = {name: v[0] if len(v) == 1 else np.concatenate(v)
                        for name, v in kept[a].items()}
            for name, values in per_draw.items():
                stats = exact_stats(values) if values.shape[1] and values.shape[0] else \
                    {s: np.zeros(values.shape[1]) for s in STATS}
                tables[name] = frame(stats, labels[name], name)
        else:
            for name in labels:
                stats = summaries[a][name].stats() if name in summaries[a] else \
                    {s: np.zeros(len(labels[name])) for s in STATS}
                tables[name] = frame(stats, labels[name], name)
        results.append(Footprint(name=account.name, unit=account.unit, tables=tables,
                                 per_draw=per_draw, provenance=account.provenance,
                                 draws=draws, seed=seed, labels=labels))
    return results


def output_pieces(kernel: Kernel, seed: int, blocks: list[tuple[int, int]],
                  parts: np.ndarray | None, given: OutputDraws | None
                  ) -> Iterator[tuple[int, int, OutputDraws]]:
    """(first draw, draws, outputs) of consecutive seed blocks `blocks` ((block, size), in
    order): one block at a time when the draws are replayed (`output_draws`), PIECE_BLOCKS
    at a time from the trace's kept outputs `given` (a footprint's per-draw arithmetic
    treats each draw on its own, so pieces of any size give the same numbers; larger ones
    save the per-block overhead)."""
    if given is None:
        for block, size in blocks:
            yield block * streams.BLOCK, size, output_draws(kernel, seed, block, size, parts)
        return
    for i in range(0, len(blocks), PIECE_BLOCKS):
        piece = blocks[i:i + PIECE_BLOCKS]
        first = piece[0][0] * streams.BLOCK
        size = sum(s for _, s in piece)
        rows = slice(first, first + size)
        yield first, size, OutputDraws(x=given.x[rows], tiers=given.tiers[rows],
                                       parts=given.parts[rows], weights=given.weights[rows])


def grouped(values: np.ndarray, matrix: sp.csr_array) -> np.ndarray:
    """values (draws, rows) summed into labels by a sparse (rows, labels) 0/1 matrix (a sparse
    product: no multithreaded BLAS call for these small sums)."""
    return summed(values, matrix.T)


def summed(values: np.ndarray, by: sp.sparray) -> np.ndarray:
    """`grouped` with the matrix already transposed (`by`: (labels, rows))."""
    return np.asarray(by @ values.T).T


def frame(stats: dict[str, np.ndarray], labels: tuple[str, ...], name: str) -> pd.DataFrame:
    out = pd.DataFrame({f"amount_{s}": stats[s] for s in STATS},
                       index=pd.Index(list(labels), name=name))
    if name in ("entity", "country", "part_country"):
        out = out.sort_values("amount_mean", ascending=False, kind="stable")
    return out


def trace_footprint(result: Any, account: Account, *, part_names: tuple[str, ...] = (),
                    parts: np.ndarray | None = None) -> Footprint:
    """The footprint of a traced plan (or final demand) for an account: the trace's draws
    replayed from its seed (`result.seed`, `result.draws`, its tiers)."""
    return trace_footprints(result, [account], part_names=part_names, parts=parts)[0]


def trace_footprints(result: Any, accounts: list[Account], *,
                     part_names: tuple[str, ...] = (), parts: np.ndarray | None = None
                     ) -> list[Footprint]:
    """Several accounts' footprints of a trace over one replay of its draws (or none, when
    the trace kept its outputs: `trace(..., outputs=True)`)."""
    demand = kernel_demand(result)
    tiers = len(result.labels["tier"]) - 1
    kernel = build_kernel(result.model, demand, tiers, result.draws,
                          dimensions=getattr(result, "dimensions", None))
    return compute_footprints(result.model, kernel, accounts, seed=result.seed,
                              draws=result.draws, keep=result.per_draw is not None,
                              part_names=part_names if parts is not None else (), parts=parts,
                              given=kept_outputs(result, kernel, parts))


def trace_weights(result: Any) -> np.ndarray:
    """Value added of every flow per unit of its entity's output in each of a trace's draws,
    (draws, flows): the firm flows' ones the trace kept with its per-draw values
    (`engine.output.kept_weights`), else its cost-structure draws replayed from its seed
    block by block (no solve; see weight_draws). Read-only, made once per result (kept with
    it, `TraceResult.memo`: a plan's jobs and implied pay both read them)."""
    made = result.memo("trace_weights")
    if made is not None:
        return made
    tiers = len(result.labels["tier"]) - 1
    kernel = build_kernel(result.model, kernel_demand(result), tiers, result.draws,
                          dimensions=getattr(result, "dimensions", None))
    weights = kept_weights(result, kernel)
    if weights is None:
        weights = np.concatenate([weight_draws(kernel, result.seed, block, size)
                                  for block, size in streams.blocks(result.draws)])
    weights.flags.writeable = False
    return result.memo("trace_weights", weights)


def draw_account_values(account: Account, seed: int, draws: int, start: int = 0
                        ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """An account's parameter values and anchor values for draws [start, start + draws) of
    `seed` (`start` a multiple of the seed block), drawn block by block (the values of draw d
    depend only on the seed and d); None where it has none."""
    values = None if account.parameters is None else streams.draw_blocks(
        seed, account.stream, draws, account.parameters.draw, account.key, start=start)
    return values, draw_anchor_values(account, seed, draws, start)


def draw_anchor_values(account: Account, seed: int, draws: int, start: int = 0
                       ) -> np.ndarray | None:
    """An account's anchor values (draw_account_values' second), None without anchors."""
    anchors = account.anchors
    return None if anchors is None else streams.draw_blocks(
        seed, anchors.stream, draws, anchors.parameters.draw, anchors.key, start=start)


def flow_rows(account: Account, flows: np.ndarray, values: np.ndarray | None,
              weights: np.ndarray | None = None, anchor_values: np.ndarray | None = None
              ) -> np.ndarray:
    """An account's row footprints (draws, rows) from a trace's kept per-draw value added
    (flows: (draws, flows)) instead of a replay of its draws; every row must name a flow. An
    unanchored row is `coefficient * p^power * flow`; an anchored group `s_r x` with its
    entity's output x per draw = the group's flows / their weights (`weights`: (draws, flows),
    trace_weights; needed only when the account has anchors). Equal to the replay's rows up
    to rounding."""
    if (account.flow < 0).any():
        raise ValueError("flow_rows needs an account whose rows all name a flow")
    anchors = account.anchors
    if anchors is not None and anchors.rows.size and (weights is None or anchor_values is None):
        raise ValueError("an anchored account needs the flows' weights and the anchor values")
    # a few hundred draws at a time: every step below is per draw (elementwise, or a sparse
    # sum within a draw), so the rows are the same as in one pass, and the pieces stay in the
    # CPU cache (one pass over 10,000 draws is about 3 times slower)
    out = np.empty((flows.shape[0], account.entity.size))
    for start in range(0, flows.shape[0], CHUNK):
        at = slice(start, start + CHUNK)
        out[at] = _flow_rows(account, flows[at], None if values is None else values[at],
                             None if weights is None else weights[at],
                             None if anchor_values is None else anchor_values[at])
    return out


def _flow_rows(account: Account, flows: np.ndarray, values: np.ndarray | None,
               weights: np.ndarray | None, anchor_values: np.ndarray | None) -> np.ndarray:
    """flow_rows of a few draws."""
    size = flows.shape[0]
    anchors = account.anchors
    rows = anchors.rows if anchors is not None else np.zeros(0, dtype=int)
    # each row's value is computed once, by the same operations in the same order as
    # Account.per_output (bit for bit): unanchored rows coefficient * p^power * flow ...
    free = np.setdiff1d(np.arange(account.entity.size), rows) if rows.size else \
        np.arange(account.entity.size)
    part = with_values(np.broadcast_to(account.coefficient[free], (size, free.size)).copy(),
                       account, free, values)
    part *= flows[:, account.flow[free]]
    if not rows.size:
        return part
    assert anchors is not None and weights is not None and anchor_values is not None
    out = np.empty((size, account.entity.size))
    out[:, free] = part
    # ... anchored rows: their intensities (Account.per_output and Anchors.apply on their
    # columns alone) times their entity's output (the group's flows / their weights)
    member = anchors.membership()
    row_weights = weights[:, account.flow[rows]]                  # (draws, anchored rows)
    kept = grouped(flows[:, account.flow[rows]], member)          # (draws, groups)
    per_unit = grouped(row_weights, member)
    x = np.divide(kept, per_unit, out=np.zeros_like(kept), where=per_unit > 0)
    own = np.broadcast_to(account.coefficient[rows], (size, rows.size)).copy()
    own *= row_weights
    own = with_values(own, account, rows, values)
    g = anchors.group[rows]
    sums = grouped(own, member)[:, g]
    share = np.divide(own, sums, out=np.zeros_like(own), where=sums > 0)
    out[:, rows] = share * (anchor_values * anchors.scale[None, :])[:, g] * x[:, g]
    return out


def with_values(out: np.ndarray, account: Account, rows: np.ndarray,
                values: np.ndarray | None) -> np.ndarray:
    """`out` (draws, len(rows)), the columns of `rows` whose rows have a parameter multiplied
    in place by its value ** account.power (values: (draws, parameters), None: unchanged)."""
    if values is None:
        return out
    param = account.param[rows]
    has = param >= 0
    if has.all():
        out *= values[:, param] ** account.power
    elif has.any():
        out[:, has] *= values[:, param[has]] ** account.power
    return out


def kernel_demand(result: Any) -> Any:
    from moneytrail.engine.demand import GivenDemand

    if result.plan is not None:
        return result.plan_demand()
    if result.per_draw is not None and result.per_draw.demand.shape[0] == result.draws:
        rows = result.per_draw.demand
        if np.allclose(rows, rows[0]):
            return FixedDemand(rows[0])
        return GivenDemand(rows)
    summary = getattr(result, "summary", None)
    if summary is not None and "supplier" in summary.amounts:
        supplied = summary.amounts["supplier"]
        if np.array_equal(supplied.low, supplied.high):       # the same demand in every draw
            f = np.zeros(result.model.n)
            index = result.model.index
            f[[index[label] for label in result.labels["supplier"]]] = supplied.low
            return FixedDemand(f)
    raise ModelError("a footprint of a bare final-demand trace needs its per-draw values "
                     "(trace with keep_draws=True)", field="keep_draws")


def satellite_account(model: Any, name: str) -> Account:
    """A satellite row of the model (pymrio extension or bundled satellites) as an account:
    one row per entity, in the entity's own country (a table sector's region)."""
    sat = model.require_satellites()
    r = sat.row(name)
    entity, countries, share = entity_country_shares(model)
    param = np.full(entity.size, -1)
    sampler = None
    coefficient = sat.S[r][entity] * share
    if sat.low is not None and sat.high is not None:
        uncertain = np.flatnonzero(sat.high[r] > sat.low[r])
        if uncertain.size:
            position = np.full(model.n, -1)
            position[uncertain] = np.arange(uncertain.size)
            param = position[entity]
            sampler = PertSampler(sat.low[r][uncertain], sat.S[r][uncertain],
                                  sat.high[r][uncertain], lower=0.0)
            coefficient = np.where(param >= 0, share, coefficient)
    provenance = pd.DataFrame()
    if sat.cells is not None:
        provenance = sat.cells[sat.cells["stressor"] == sat.names[r]].reset_index(drop=True)
    return Account(name=sat.names[r], unit=sat.units[r], entity=entity, country=countries,
                   coefficient=coefficient, flow=np.full(entity.size, -1), param=param,
                   parameters=sampler, stream="footprints", key=r, provenance=provenance)


def entity_country_shares(model: Any) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
    """Where each entity produces: (entity, country, share) rows, the shares of each entity
    adding up to 1. The split is that of its labour value added by country (central weights:
    where its people work); an entity without labour flows uses its value added by location,
    and one without either its owner country (a table sector: its region)."""
    flows = model.flows
    n = model.n
    index = model.index
    positive = flows[flows["weight"] > 0] if len(flows) else flows
    position = positive["entity"].map(index).to_numpy(int) if len(positive) else \
        np.zeros(0, dtype=int)
    is_labour = (positive["factor"] == "labour").to_numpy(bool) if len(positive) else \
        np.zeros(0, dtype=bool)
    has_labour = np.zeros(n, dtype=bool)
    has_labour[position[is_labour]] = True
    use = is_labour | ~has_labour[position]                # labour, else all positive flows
    picked = pd.DataFrame({"j": position[use],
                           "country": positive["country"].astype(str).to_numpy()[use],
                           "weight": positive["weight"].to_numpy(float)[use]})
    grouped = picked.groupby(["j", "country"], sort=True)["weight"].sum().reset_index()
    totals = grouped.groupby("j")["weight"].transform("sum")
    grouped["share"] = grouped["weight"] / totals
    missing = np.setdiff1d(np.arange(n), grouped["j"].to_numpy(int))
    if missing.size:
        owner = model.entities.set_index("id")["owner_country"].to_dict() \
            if "owner_country" in model.entities else {}
        extra = pd.DataFrame({"j": missing, "country": [str(owner.get(model.labels[j], "")
                                                             or "") for j in missing],
                              "share": 1.0})
        grouped = pd.concat([grouped, extra], ignore_index=True).sort_values(
            ["j", "country"], kind="stable")
    return (grouped["j"].to_numpy(int), tuple(grouped["country"].astype(str)),
            grouped["share"].to_numpy(float))
