"""A trace's results: summaries (always) and per-draw values (when the caller keeps them).

Summaries are reduced chunk by chunk where the draws are computed (`engine.summary`), so a
trace of any size costs the client a few megabytes. Per-draw values (`flows`, `tiers`,
`demand`, `purchases`) are kept only when `trace(..., keep_draws=True)` asks for them, which
analyses that combine several quantities per draw (the scorecard, conditions) need; then the
tables are computed exactly from them. Without them, percentiles come from t-digests, within
0.1 % of the 90 % interval's width of the exact values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from moneytrail.engine.dimensions import HEADLINE_INDEX, Dimension
from moneytrail.engine.kernel import TraceSummary
from moneytrail.engine.summary import STATS, exact_stats
from moneytrail.errors import ModelError, MoneytrailError
from moneytrail.model.iomodel import IOModel
from moneytrail.scenarios.schema import Plan
from moneytrail.text import shown_text
from moneytrail.versions import code_version as code_version  # stamped on results

if TYPE_CHECKING:
    from moneytrail.engine.footprint import Footprint

DIMENSIONS = ("entity", "country", "owner_country", "group", "factor", "tier", "supplier",
              "headline", "country_factor", "owner_country_factor")
AMOUNT_UNIT = "currency"      # amounts are in the plan's currency (nominal, its price year)


def read_only(values: Any) -> Any:
    """A read-only view of an array (no copy; None as it is): per-draw arrays a result hands
    out cannot be changed in place, which would silently change its tables."""
    if values is None:
        return None
    view = values.view()
    view.flags.writeable = False
    return view


def freeze_arrays(instance: Any, names: tuple[str, ...]) -> None:
    """Replace the arrays `names` of a frozen dataclass instance by read-only views."""
    for name in names:
        object.__setattr__(instance, name, read_only(getattr(instance, name)))


def summarise(values: np.ndarray, totals: np.ndarray, labels: list[str] | tuple[str, ...],
              total: float | None = None) -> pd.DataFrame:
    """Per-label amounts (draws, labels) -> amount and share statistics, computed per draw.
    `total`: every draw's total (a plan's spending, conserved in every draw): shares are then
    the amount statistics over it (the same to rounding, and half the sorting)."""
    frame = {f"amount_{stat}": column for stat, column in exact_stats(values).items()}
    if total is not None:
        frame.update({f"share_{stat}": frame[f"amount_{stat}"] / total
                      for stat in ("mean", "p5", "p50", "p95")})
    else:
        frame.update({f"share_{stat}": column
                      for stat, column in exact_stats(values / totals[:, None]).items()})
    return pd.DataFrame(frame, index=pd.Index(list(labels), name="label"))


@dataclass(frozen=True, eq=False)
class FootprintOutputs:
    """Per-draw outputs a footprint needs (`engine.footprint`), kept by a trace asked for them
    (`trace(..., keep_draws=True, outputs=True)`), so footprints replay no draws."""

    output: np.ndarray       # (draws, entities): total output x = L f
    tiers: np.ndarray        # (draws, tiers, entities): A^k f, k < tiers
    parts: np.ndarray        # (draws, parts, entities): x of each part of the purchases
    masks: np.ndarray | None  # (parts, purchase rows) 0/1 masks of the parts (None: no parts)
    # the firm flows' value added per unit of output, which footprints need too, has one home:
    # DrawArrays.weights (kept with these outputs)

    def __post_init__(self) -> None:      # read-only views (read_only): no copy
        freeze_arrays(self, ("output", "tiers", "parts", "masks"))


@dataclass(frozen=True, eq=False)
class DrawArrays:
    """Per-draw values of a trace. Every array is a read-only view (no copy): changing one in
    place would silently change the trace's tables, so numpy refuses it; copy one
    (`np.array(a)`) to work on it."""

    flows: np.ndarray        # (draws, flows): value added of each model flow
    tiers: np.ndarray        # (draws, tiers + 1): value added by supply-chain tier, last = rest
    demand: np.ndarray       # (draws, entities): first invoices (final demand)
    purchases: np.ndarray | None = None        # (draws, rows): bought per (category, supplier)
    purchase_rows: pd.DataFrame | None = None  # category, supplier of each purchases column
    evidence: np.ndarray | None = None  # (draws, evidence_labels, columns): engine.evidence
    # (draws, entities) value added per unit of output of each entity (its flows' coefficients
    # summed in flow order): output is value added over it (engine.output.entity_output)
    coefficients: np.ndarray | None = None
    outputs: FootprintOutputs | None = None    # kept for footprints when asked (outputs=True)
    # (draws, firm flows) value added per unit of output of each firm flow, as drawn, when
    # asked (trace(weights=True) or outputs=True); None without them or without a firm block
    # (a table's flows have fixed ones). Read through engine.output.kept_weights
    weights: np.ndarray | None = None

    def __repr__(self) -> str:
        """The arrays' shapes, not their numbers."""
        shapes = [f"{name} {getattr(self, name).shape}" for name in
                  ("flows", "tiers", "demand", "purchases", "evidence", "coefficients",
                   "weights") if getattr(self, name) is not None]
        kept = ", outputs (footprints)" if self.outputs is not None else ""
        return f"<DrawArrays (read-only): {', '.join(shapes)}{kept}>"

    def __post_init__(self) -> None:
        freeze_arrays(self, ("flows", "tiers", "demand", "purchases", "evidence",
                             "coefficients", "weights"))


@dataclass(frozen=True, eq=False)
class TraceResult:
    """Where a plan's (or a final-demand vector's) money ends up, over Monte Carlo draws.

    `by(dimension)` gives the tables; `summary` holds the mergeable summaries; `per_draw` the
    per-draw arrays when they were kept (else None)."""

    plan: Plan | None            # None when a final-demand vector was traced directly
    model: IOModel
    seed: int
    draws: int
    labels: dict[str, tuple[str, ...]]
    summary: TraceSummary | None = None
    per_draw: DrawArrays | None = None
    evidence_columns: tuple[tuple[str, str], ...] = ()   # (dimension, label), if computed
    evidence_labels: tuple[str, ...] = ()    # reliability labels of per_draw.evidence's rows
    dimensions: dict[str, Dimension] | None = None   # the flow dimensions (kernel's), if known
    # the final-demand sampler a plan was traced with (engine.demand.DemandSampler), if known:
    # footprints, output and the evidence weight read it instead of building it again
    sampler: Any = field(default=None, repr=False, compare=False)
    # footprints from the data package the model was built from, `(result, name, scale) ->
    # Footprint`, for a model without satellite accounts of its own: moneytrail.trace sets it
    # (service.footprints.package_footprint: the CO2 and jobs of a trace run's tables)
    package_footprints: Any = field(default=None, repr=False, compare=False)
    # values derived once from the per-draw arrays (draw totals, flow table, dimensions)
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __repr__(self) -> str:
        """A few lines (the fields hold every table and draw: tens of thousands of
        characters): what was traced, draws and seed, and what to call for the numbers."""
        if self.plan is not None:
            what = (f"plan {self.plan.id!r} ({shown_text(self.plan.title, 60)!r}), "
                    f"{self.currency} {self.total:,.0f}")
        else:
            what = f"a final-demand vector, {self.currency or 'unknown unit'}"
        kept = "kept (.flows, .tiers, .demand)" if self.per_draw is not None else \
            "not kept (keep_draws=True keeps them)"
        return (f"<TraceResult: {what}\n"
                f"  draws {self.draws:,}, seed {self.seed}, model year {self.model.year}, "
                f"{self.model.n} entities; per-draw values {kept}\n"
                f"  tables: .by(dimension), dimension one of {', '.join(DIMENSIONS)}; "
                f".total, .info, .footprint(name)>")

    @classmethod
    def from_arrays(cls, plan: Plan | None, model: IOModel, flows: np.ndarray,
                    tiers: np.ndarray, demand: np.ndarray, *, seed: int = 0) -> TraceResult:
        """A result holding given per-draw arrays (e.g. evaluations at chosen parameter values
        for sensitivity analysis); its tables are computed exactly from them."""
        from moneytrail.engine.dimensions import flow_dimensions, tier_labels

        labels: dict[str, tuple[str, ...]] = {
            name: dim.labels for name, dim in
            flow_dimensions(model.flow_table(), model.eu_members).items()}
        labels["tier"] = tier_labels(tiers.shape[1] - 1)
        supplied = np.flatnonzero(np.any(demand != 0, axis=0))
        labels["supplier"] = tuple(model.labels[k] for k in supplied)
        return cls(plan=plan, model=model, seed=seed, draws=flows.shape[0], labels=labels,
                   per_draw=DrawArrays(flows=flows, tiers=tiers, demand=demand))

    def first_draws(self, draws: int) -> TraceResult:
        """This trace's first `draws` draws as a trace of their own: what `trace` gives for
        the same plan, model and seed with `draws` draws and the per-draw values kept (draws
        come in seed blocks, so a draw's numbers never depend on the draw count), holding
        read-only views of this trace's arrays (no copy) and whatever else it kept (outputs,
        weights). Needs kept per-draw values and `draws` whole seed blocks, at most this
        trace's; ValueError otherwise."""
        from dataclasses import replace

        from moneytrail.engine.streams import BLOCK

        kept = self.per_draw
        if kept is None or self.summary is not None:
            raise ValueError("only a trace that kept its per-draw values can be cut")
        if isinstance(draws, bool) or not 0 < draws <= self.draws or draws % BLOCK:
            raise ValueError(f"draws must be whole seed blocks of {BLOCK}, at most "
                             f"{self.draws}")
        rows = slice(0, draws)

        def cut(values: np.ndarray | None) -> np.ndarray | None:
            return None if values is None else values[rows]

        outputs = kept.outputs
        if outputs is not None:
            outputs = replace(outputs, output=outputs.output[rows], tiers=outputs.tiers[rows],
                              parts=outputs.parts[rows])
        per_draw = replace(kept, flows=kept.flows[rows], tiers=kept.tiers[rows],
                           demand=kept.demand[rows], purchases=cut(kept.purchases),
                           evidence=cut(kept.evidence), coefficients=cut(kept.coefficients),
                           outputs=outputs, weights=cut(kept.weights))
        return replace(self, draws=draws, per_draw=per_draw)

    # -- what produced it ------------------------------------------------------------------
    def plan_demand(self) -> Any:
        """The plan's final-demand sampler (engine.demand.demand_sampler of the plan and the
        model): the one the trace drew from when it kept it, else built (the same sampler)."""
        if self.sampler is not None:
            return self.sampler
        from moneytrail.engine.demand import demand_sampler

        return demand_sampler(self.require_plan(), self.model)

    def require_plan(self) -> Plan:
        """The traced plan; a clear error for a bare final-demand trace."""
        if self.plan is None:
            raise ModelError("this needs a traced plan, not a bare final-demand vector",
                             field="plan")
        return self.plan

    @property
    def total(self) -> float:
        """The plan's spending; the value added of every draw adds up to it. For final-demand
        draws given by the caller (no plan) each draw has its own total: this is their mean."""
        if self.plan is not None:
            return self.plan.total
        if self.per_draw is not None:
            return float(self.per_draw.demand.sum(axis=1).mean())
        assert self.summary is not None
        return float(self.summary.totals.mean[0])

    @property
    def currency(self) -> str:
        """ISO 4217 code of every amount (the plan's); for a bare final-demand trace the
        model's money unit as its table says it (pymrio's `unit`, e.g. "Mill USD"), or ""
        when the table does not say it (the unit is then unknown)."""
        return self.plan.currency if self.plan is not None else self.model.money_unit

    @property
    def label(self) -> str:
        """The plan id, or "final demand"."""
        return self.plan.id if self.plan is not None else "final demand"

    @property
    def conservation_gap(self) -> float:
        """Largest |value added - final demand| over all draws, in the plan's currency."""
        if self.per_draw is not None:
            pd_ = self.per_draw
            return float(np.max(np.abs(pd_.flows.sum(axis=1) - pd_.demand.sum(axis=1))))
        assert self.summary is not None
        return self.summary.max_gap

    @property
    def info(self) -> dict:
        """Everything needed to reproduce the numbers."""
        return {"plan": self.label, "year": self.model.year, "currency": self.currency,
                "total": self.total, "draws": self.draws, "seed": self.seed,
                "code_version": code_version(), "data_version": self.model.data_version,
                "model": self.model.source}

    # -- footprints (issue 14; engine.footprint: kept outputs, else a replay of the draws) ----
    def footprint(self, name: str, *, scale: float = 1.0) -> Footprint:
        """The footprint of a satellite account of the model (a pymrio extension row such as
        "Emissions/emission_type1/air", or its unique last part): tables by entity, country,
        tier and total (`.by(...)`), per draw with intervals; per-draw values only when this
        trace kept them. `scale` multiplies the intensities (e.g. a currency conversion).
        x per draw is the trace's kept one (`trace(..., outputs=True)`), else its draws are
        replayed from its seed: either way the x behind its numbers, bit for bit.
        A plan traced by `moneytrail.trace` on a model built from a data package (the bundled
        one by default) has the package's footprints: `co2e_scope12` (t CO2e, scope 1+2 of
        every firm the money reaches), `employees` (FTE-years at firms with filed employees
        per revenue) and `jobs` (FTE-years, the trace run's jobs table), the figures a trace
        run of the service stores for the same plan, draws and seed."""
        from moneytrail.engine.footprint import satellite_account, trace_footprint

        if self.model.satellites is None and self.package_footprints is not None:
            return self.package_footprints(self, name, scale)

        account = satellite_account(self.model, name)
        if scale != 1.0:
            from dataclasses import replace

            account = replace(account, coefficient=account.coefficient * scale)
        return trace_footprint(self, account)

    # -- per-draw values (only when kept) ----------------------------------------------------
    def _draws(self) -> DrawArrays:
        if self.per_draw is None:
            raise MoneytrailError("per-draw values were not kept for this trace; trace with "
                                  "keep_draws=True (at most 1,000,000 draws)",
                                  field="keep_draws", value=False)
        return self.per_draw

    @property
    def flows(self) -> np.ndarray:
        """(draws, flows) value added of each model flow."""
        return self._draws().flows

    @property
    def tiers(self) -> np.ndarray:
        """(draws, tiers + 1) value added by supply-chain tier (last column: the rest)."""
        return self._draws().tiers

    @property
    def demand(self) -> np.ndarray:
        """(draws, entities) final demand (first invoices)."""
        return self._draws().demand

    @property
    def purchases(self) -> np.ndarray | None:
        """(draws, rows) amounts bought per (category, supplier) row; None without a plan."""
        return self._draws().purchases

    @property
    def purchase_rows(self) -> pd.DataFrame | None:
        return self._draws().purchase_rows

    @property
    def draw_totals(self) -> np.ndarray:
        """(draws,) value added of each draw (computed once; read-only)."""
        if "totals" not in self._cache:
            totals = self.flows.sum(axis=1)
            totals.flags.writeable = False
            self._cache["totals"] = totals
        return self._cache["totals"]

    @property
    def flow_labels(self) -> pd.DataFrame:
        """The model's flow table (`IOModel.flow_table()`), built once per result: read it,
        do not modify it."""
        if "flow_table" not in self._cache:
            self._cache["flow_table"] = self.model.flow_table()
        return self._cache["flow_table"]

    def select(self, mask: np.ndarray) -> np.ndarray:
        """Per-draw amount of the flows picked by a boolean mask (one matrix-vector product):
        one value per flow (`flow_labels`' rows); ModelError for another length."""
        flows = self.flows
        try:
            weights = np.asarray(mask, dtype=float)
        except (TypeError, ValueError):
            raise ModelError("a flow mask holds True or False per flow (flow_labels' rows)",
                             field="mask", value=type(mask).__name__) from None
        if weights.shape != (flows.shape[1],):
            raise ModelError(f"a flow mask holds one value per flow ({flows.shape[1]}, "
                             "flow_labels' rows)", field="mask", value=list(weights.shape))
        return flows @ weights

    def memo(self, key: str, value: object = None) -> Any:
        """A value derived from this result and kept with it (e.g. an analysis' evaluation):
        with `value`, store it under `key` and return it; without, the stored value or None."""
        if value is not None:
            self._cache[("memo", key)] = value
        return self._cache.get(("memo", key))

    def dimension(self, name: str) -> Dimension:
        """A flow dimension (`engine.dimensions`): the trace's own, else built once."""
        if self.dimensions is not None and name in self.dimensions:
            return self.dimensions[name]
        key = ("dimension", name)
        if key not in self._cache:
            from moneytrail.engine.dimensions import flow_dimension

            self._cache[key] = flow_dimension(self.flow_labels, name, self.model.eu_members)
        return self._cache[key]

    def fixed_total(self) -> float | None:
        """The plan's spending when every draw's value added adds up to it (to 1e-12 of it:
        conservation), else None (final-demand draws given by the caller)."""
        if self.plan is None or "fixed_total" in self._cache:
            return self._cache.get("fixed_total")
        total = float(self.plan.total)
        fixed = bool(np.all(np.abs(self.draw_totals - total) <= 1e-12 * abs(total)))
        self._cache["fixed_total"] = total if fixed and total else None
        return self._cache["fixed_total"]

    def amounts_by(self, dimension: str) -> tuple[np.ndarray, list[str]]:
        """Per-draw amounts (draws, labels) grouped by a dimension."""
        check_dimension(dimension)
        labels = list(self.labels[dimension])
        if dimension == "tier":
            return self.tiers, labels
        if dimension == "supplier":
            index = self.model.index
            return self.demand[:, [index[label] for label in labels]], labels
        return self.flows @ self.dimension(dimension).matrix, labels

    # -- evidence weight (engine.evidence) ------------------------------------------------------
    def evidence(self, dimension: str | None = None) -> pd.DataFrame:
        """Share of each figure resting on each weakest label of its paths, and on
        `assumption` or `weak` rows (mean, p5, p50, p95 over draws); index (dimension, label)
        over the dimensions total, headline, entity and scorecard (or only `dimension`).
        Needs `trace(..., evidence=True)`."""
        from moneytrail.engine.evidence import EVIDENCE_DIMENSIONS, evidence_frame

        if not self.evidence_columns:
            raise MoneytrailError("evidence weight was not computed for this trace; trace "
                                  "with evidence=True", field="evidence", value=False)
        if dimension is not None and dimension not in EVIDENCE_DIMENSIONS:
            raise MoneytrailError(f"no evidence by this dimension (use "
                                  f"{', '.join(EVIDENCE_DIMENSIONS)})", field="dimension",
                                  value=dimension)
        if self.per_draw is not None and self.per_draw.evidence is not None:
            out = evidence_frame(self.evidence_columns, self.evidence_labels,
                                 draws=self.per_draw.evidence)
        else:
            assert self.summary is not None and self.summary.evidence is not None
            out = evidence_frame(self.evidence_columns, self.evidence_labels,
                                 summary=self.summary.evidence)
        if dimension is None:
            return out
        picked = out.xs(dimension, level="dimension", drop_level=False)
        # xs over a level of the row MultiIndex always gives a frame (the stub says "or Series")
        assert isinstance(picked, pd.DataFrame)
        return picked

    # -- tables ----------------------------------------------------------------------------
    def by(self, dimension: str) -> pd.DataFrame:
        """Amount and share of the spending by entity, country (where value is added),
        owner_country (where it accrues), group, factor, tier, supplier (first invoice) or
        headline: mean / p5 / p50 / p95 over draws, largest first (tier and headline keep their
        order). Amounts (`amount_*`) are in the plan's currency (`self.currency`, nominal, at
        the plan's price year), shares (`share_*`) are fractions (0-1) of each draw's total.
        Groups overlap, so group rows need not add up to the total. The DataFrame is bare (no
        `attrs`): the seed, draws and versions are `self.info`; a stored run's table names
        every column's unit and its sources in `Result.table_metadata(name)`. Each table is
        computed once per result (kept with it); callers get a copy."""
        check_dimension(dimension)
        key = ("by", dimension)
        if key not in self._cache:
            self._cache[key] = self._table(dimension)
        return self._cache[key].copy()

    def _table(self, dimension: str) -> pd.DataFrame:
        """`by(dimension)`, computed."""
        if self.per_draw is not None:
            values, names = self.amounts_by(dimension)
            out = summarise(values, self.draw_totals, names, total=self.fixed_total())
        else:
            out = self._summary_table(dimension)
        out.index.name = HEADLINE_INDEX if dimension == "headline" else dimension
        if dimension not in ("tier", "headline"):
            out = out.sort_values("amount_mean", ascending=False, kind="stable")
        return out

    def _summary_table(self, dimension: str) -> pd.DataFrame:
        assert self.summary is not None
        amounts = self.summary.amounts[dimension].stats()
        frame = {f"amount_{s}": amounts[s] for s in STATS}
        if dimension in self.summary.shares:
            shares = self.summary.shares[dimension].stats()
            frame.update({f"share_{s}": shares[s] for s in STATS})
        else:
            total = float(self.summary.totals.mean[0])
            scale = 1.0 / total if total else np.nan
            frame.update({f"share_{s}": amounts[s] * scale for s in STATS})
        return pd.DataFrame(frame, index=pd.Index(list(self.labels[dimension]), name="label"))


def check_dimension(dimension: str) -> None:
    if dimension not in DIMENSIONS:
        raise MoneytrailError(f"unknown breakdown (use {', '.join(DIMENSIONS)})",
                              field="dimension", value=dimension)
