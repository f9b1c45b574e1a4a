"""Named per-draw metrics of a traced plan, shared by conditions, claims and the scorecard.

Each metric computes what it needs when it is asked (nothing is computed up front), so a data
gap behind one metric (e.g. no renewable share for the plan's site) only fails a condition that
uses that metric, with the scenario file and field. A metric's per-draw values are kept by the
evaluation once computed (read-only), and a traced result keeps its evaluation against a data
set, so the scorecard of a plan and of a comparison that includes it compute each metric once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from moneytrail.analysis.concentration import (
    MarketEffect,
    hhi_change_market,
    hhi_change_of_largest_size,
    largest_hhi_change,
    market_effects,
)
from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.dependency import (
    export_exposure,
    rules_date,
    single_supplier_share,
    site_of,
    value_chain_single_supplier_share,
)
from moneytrail.analysis.efficiency import efficiency_draws
from moneytrail.analysis.lifecycle import (
    ELECTRICITY,
    electricity_overlap,
    hardware_value,
    lifecycle_draws,
)
from moneytrail.analysis.market_power import (
    Markups,
    RentSplit,
    dominant_rent_share,
    has_capital_data,
    markup_share,
    markups,
    rent_share,
    split_rents,
)
from moneytrail.analysis.purchases import Purchases, plan_purchases
from moneytrail.analysis.site import site_row
from moneytrail.analysis.stats import Stream, draw_interval
from moneytrail.engine.result import TraceResult
from moneytrail.errors import ScenarioError


@dataclass(frozen=True, eq=False)
class Evaluation:
    """One plan's trace with the analysis data and its purchases; metrics are computed on
    demand."""

    result: TraceResult
    data: AnalysisData
    purchases: Purchases
    _footprints: dict = field(default_factory=dict, repr=False)   # jobs and CO2, once
    _values: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    # derived once per evaluation: "jobs" (Jobs, CO2) of analysis.jobs.plan_footprints (or
    # None), "rents" the RentSplit of analysis.market_power.split_rents (or None)
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def footprints_given(self, values: dict[str, np.ndarray]) -> None:
        """Use per-draw jobs and CO2 already computed for this trace (footprint_draws keys)."""
        self._footprints.update(values)

    def jobs_given(self, jobs: Any, co2: Any) -> None:
        """Use the jobs (analysis.jobs.Jobs) and supply-chain CO2 (or None) already computed
        for this trace by analysis.jobs.plan_footprints (e.g. for its breakdown tables)."""
        self._derived["jobs"] = (jobs, co2)

    def jobs(self) -> tuple[Any, Any] | None:
        """(Jobs, supply-chain CO2 or None) of the trace (analysis.jobs.plan_footprints: one
        replay of its draws), computed once per evaluation; None when the data package has no
        compensation per FTE or the model no firm-level cost structures."""
        if "jobs" not in self._derived:
            from moneytrail.analysis.jobs import footprints_of

            self._derived["jobs"] = footprints_of(self.result, self.data)
        return self._derived["jobs"]

    def labour_fte(self) -> tuple[np.ndarray, tuple[str, ...]] | None:
        """Per-draw FTE of each labour flow with a compensation figure and its country
        (analysis.jobs.labour_fte: from the kept flows, no replay), once per evaluation; None
        when the data package has no compensation per FTE."""
        if "fte" not in self._derived:
            from moneytrail.analysis.jobs import labour_fte
            from moneytrail.data.footprints import footprint_tables

            tables = footprint_tables(self.data.package)
            self._derived["fte"] = labour_fte(
                self.result, tables, self.data.money, drawn=self.labour_draws()) \
                if len(tables.compensation) else None
        return self._derived["fte"]

    def labour_draws(self) -> Any:
        """The jobs account and its draws (analysis.jobs.labour_draws) behind `labour_fte`,
        made once per evaluation (or given: `labour_draws_given`); None when the data package
        has no compensation per FTE."""
        if "labour_draws" not in self._derived:
            from moneytrail.analysis.jobs import labour_draws
            from moneytrail.data.footprints import footprint_tables

            tables = footprint_tables(self.data.package)
            self._derived["labour_draws"] = labour_draws(self.result, tables, self.data.money) \
                if len(tables.compensation) else None
        return self._derived["labour_draws"]

    def labour_draws_given(self, drawn: Any) -> None:
        """Use the jobs account and draws of another trace of the same model, seed, draw count
        and plan money (analysis.jobs.LabourDraws.fits: e.g. the plan before procurement
        rules); ValueError when they do not fit this trace."""
        if drawn is not None and not drawn.fits(self.result):
            raise ValueError("jobs account draws of another model, seed, draw count or plan "
                             "money")
        self._derived["labour_draws"] = drawn

    def footprint(self, name: str) -> np.ndarray:
        """Per-draw jobs or embodied CO2 (analysis.jobs.footprint_draws), computed once per
        evaluation (one replay of the draws for all four)."""
        if not self._footprints:
            from moneytrail.analysis.jobs import draw_totals, empty_totals, per_eur_million

            found = self.jobs()
            self._footprints.update(
                empty_totals(self.result.draws) if found is None else
                draw_totals(self.result, *found, per_eur_million(self.result, self.data)))
        return self._footprints[name]

    def embodied_net(self) -> dict[str, np.ndarray]:
        """Per-draw embodied CO2 and embodied CO2 per EUR million less the power the plan
        buys and its hardware uses, which operational CO2 already counts
        (analysis.lifecycle.embodied_net, the lifecycle table's rule): the scorecard's,
        comparisons' and briefings' figures. A plan without an electricity category has
        nothing to leave out (the footprint's figures)."""
        if "embodied_net" not in self._derived:
            tonnes = self.footprint("co2_embodied_tonnes")
            per_million = self.footprint("co2_embodied_per_eur_million")
            if ELECTRICITY in self.result.require_plan().spend \
                    and not np.all(np.isnan(tonnes)):
                overlap = electricity_overlap(self.result, self.data, self.lifecycle(),
                                              self.purchases)
                # the footprint's own EUR millions (tonnes / per million), so both agree
                millions = np.divide(tonnes, per_million, out=np.full_like(tonnes, np.nan),
                                     where=per_million != 0)
                per_million = np.where(overlap > 0, (tonnes - overlap) / millions,
                                       per_million)
                tonnes = tonnes - overlap
            self._derived["embodied_net"] = {"co2_embodied_tonnes": tonnes,
                                             "co2_embodied_per_eur_million": per_million}
        return self._derived["embodied_net"]

    def lifecycle(self) -> dict[str, np.ndarray]:
        """The trace's per-draw lifecycle quantities (analysis.lifecycle.lifecycle_draws),
        computed once per evaluation: the scorecard's CO2 and the run's lifecycle table."""
        if "lifecycle" not in self._derived:
            self._derived["lifecycle"] = lifecycle_draws(self.result, self.data,
                                                         self.purchases)
        return self._derived["lifecycle"]

    def markups_given(self, found: Markups) -> None:
        """Use markups of this trace already computed (e.g. with another trace's margins:
        analysis.market_power.markups with `drawn`)."""
        self._derived["markups"] = found

    def draws_from(self, other: Evaluation) -> None:
        """Let this evaluation's rent split and markups reuse the capital and margin draws of
        `other` (another plan's evaluation: they do not depend on the plan; see
        analysis.market_power) where they are the same draws: the same model, data, seed,
        draw count and plan year. Only a split (markups) `other` has already made is read,
        else the one its own `draws_from` has made, and so on; nothing is computed for it.
        Entities and suppliers none of them has are drawn. Call it before the split."""
        if other is not self:
            self._derived["draws_from"] = other

    def _made(self, kind: str) -> Any:
        """The rent split ("rents") or markups ("markups") already made by the nearest
        evaluation along `draws_from` whose draws are this one's, or None."""
        mine = self.result
        other = self._derived.get("draws_from")
        seen = {id(self)}
        while other is not None and id(other) not in seen:
            seen.add(id(other))
            theirs = other.result
            same = theirs.model is mine.model and other.data is self.data and \
                (theirs.seed, theirs.draws) == (mine.seed, mine.draws) and \
                theirs.plan is not None and mine.plan is not None and \
                theirs.plan.year == mine.plan.year
            if same and other._derived.get(kind) is not None:
                return other._derived[kind]
            other = other._derived.get("draws_from")
        return None

    def markups(self) -> Markups | None:
        """The trace's markups over its suppliers' cost (analysis.market_power.markups, from
        the capital table of its rent split), made once per evaluation; None when the data
        package has no capital table."""
        if "markups" not in self._derived:
            split = self.rents()
            self._derived["markups"] = None if split is None else markups(
                self.result, self.data, self.purchases, split.capital,
                drawn=self._made("markups"))
        return self._derived["markups"]

    def rents_given(self, split: RentSplit) -> None:
        """Use a rent split of this trace already made (e.g. from another trace's capital
        draws: analysis.market_power.split_rents with `drawn`)."""
        if split.result is not self.result:
            raise ValueError("the rent split is of another trace")
        self._derived["rents"] = split

    def rents(self) -> RentSplit | None:
        """The trace's capital value added split into normal return and economic profit
        (analysis.market_power.split_rents), made once per evaluation; None when the data
        package has no capital table."""
        if "rents" not in self._derived:
            before = self._made("rents")       # its capital table too: the same data
            self._derived["rents"] = split_rents(
                self.result, self.data, before.capital if before is not None else None,
                drawn=before.drawn if before is not None else None) \
                if has_capital_data(self.data) else None
        return self._derived["rents"]

    def market_effects(self) -> list[MarketEffect]:
        """The HHI before and after the plan's purchases in each sized market it buys in
        (analysis.concentration.market_effects), computed once per evaluation."""
        if "market_effects" not in self._derived:
            self._derived["market_effects"] = market_effects(self.result, self.data,
                                                             self.purchases)
        return self._derived["market_effects"]

    def hhi_market(self) -> tuple[str, float] | None:
        """The market (category id) the scorecard's HHI change of the largest size is in, in
        most draws, and the share of draws it is there; None when no market's HHI moves
        (analysis.concentration.hhi_change_market)."""
        return hhi_change_market(self.market_effects(), self.result.draws)

    @classmethod
    def of(cls, result: TraceResult, data: AnalysisData) -> Evaluation:
        """The evaluation of a traced plan against the analysis tables `data` (made once per
        result and data, then reused)."""
        kept = result.memo("evaluation")
        if kept is not None and kept.data is data:
            return kept
        evaluation = cls(result=result, data=data, purchases=plan_purchases(result))
        return result.memo("evaluation", evaluation)

    @property
    def on(self) -> dt.date:
        """The default date for export rules (see dependency.rules_date)."""
        return rules_date(self.result.require_plan())

    def value_added_share(self, mask: np.ndarray) -> np.ndarray:
        return self.result.select(mask) / self.result.draw_totals

    def metric(self, name: str, *, where: str | None = None, field_name: str = "metric",
               group: str | None = None, country: str | None = None,
               owner_country: str | None = None, entity: str | None = None,
               threshold: float | None = None, on: dt.date | None = None) -> np.ndarray:
        """Per-draw values of a named metric (read-only: kept for the next caller); unknown
        names, selectors and data gaps are clear errors naming the scenario file and field."""
        key = (name, group, country, owner_country, entity, threshold, on)
        if key not in self._values:
            values = np.asarray(self._metric(name, where=where, field_name=field_name,
                                             group=group, country=country,
                                             owner_country=owner_country, entity=entity,
                                             threshold=threshold, on=on))
            values.flags.writeable = False
            self._values[key] = values
        return self._values[key]

    def _metric(self, name: str, *, where: str | None, field_name: str, group: str | None,
                country: str | None, owner_country: str | None, entity: str | None,
                threshold: float | None, on: dt.date | None) -> np.ndarray:
        plan = self.result.require_plan()
        where = where or plan.path or plan.id
        if name == "value_added_share":
            return self.value_added_share(self._mask(where, field_name, group, country,
                                                     owner_country, entity))
        metrics = self._metrics(threshold, on)
        if name not in metrics:
            raise ScenarioError(f"unknown metric (known: value_added_share, "
                                f"{', '.join(metrics)})", file=where, field=field_name,
                                value=name)
        try:
            return metrics[name]()
        except ScenarioError as exc:
            if exc.file is not None:
                raise
            raise ScenarioError(f"{exc.detail} (needed by {field_name}: {name})", file=where,
                                field=exc.field, value=exc.value) from None

    def _metrics(self, threshold: float | None, on: dt.date | None
                 ) -> dict[str, Callable[[], np.ndarray]]:
        table = self.result.flow_labels
        eu = self.result.model.eu_members | {"EU"}
        in_eu = table["country"].isin(eu).to_numpy()
        labour = (table["factor"] == "labour").to_numpy()
        result, data, purchases = self.result, self.data, self.purchases
        return {
            "eu_value_added_share": lambda: self.value_added_share(in_eu),
            "eu_labour_share": lambda: self.value_added_share(labour & in_eu),
            "labour_share": lambda: self.value_added_share(labour),
            # the greatest rise over the markets bought in (what conditions bound) ...
            "hhi_change": lambda: largest_hhi_change(result, data, purchases,
                                                     self.market_effects()),
            # ... and the change of the largest size, signed (the scorecard's row)
            "hhi_change_largest_size": lambda: hhi_change_of_largest_size(
                self.market_effects(), result.draws)[0],
            "single_supplier_share": lambda: single_supplier_share(result, purchases,
                                                                   threshold, data=data),
            "value_chain_single_supplier_share": lambda: value_chain_single_supplier_share(
                result, threshold, data=data),
            "export_exposed_share": lambda: export_exposure(result, on or self.on, purchases,
                                                            data=data)[0],
            "renewable_share": self.renewable_share,
            "closed_model_share": self.closed_model_share,
            "open_weights_only": self.closed_model_share,
            "co2_tonnes": lambda: self.lifecycle()["co2_tonnes"],
            "jobs_per_eur_million": lambda: self.footprint("jobs_per_eur_million"),
            # less the power operational CO2 already counts (analysis.lifecycle.embodied_net)
            "co2_embodied_per_eur_million": lambda: self.embodied_net()[
                "co2_embodied_per_eur_million"],
            "co2_embodied_tonnes": lambda: self.embodied_net()["co2_embodied_tonnes"],
            "residual_value_share": lambda: hardware_value(result, data, purchases)[
                "residual_value_share"],
            "eur_per_capability": lambda: efficiency_draws(result, data, purchases)[
                "eur_per_capability"],
            # market power (analysis.market_power): NaN without a capital table
            "rent_share": lambda: rent_share(result, data, self.rents()),
            "dominant_rent_share": lambda: dominant_rent_share(result, data, threshold,
                                                               self.rents()),
            "markup_share": lambda: markup_share(result, data, purchases, self.markups()),
        }

    def _mask(self, where: str, field_name: str, group: str | None, country: str | None,
              owner_country: str | None, entity: str | None) -> np.ndarray:
        """Value-added rows of one group, entity or country (location or owner)."""
        table = self.result.flow_labels
        if group is not None:
            known = sorted({g for gs in table["groups"] for g in gs})
            if group not in known:
                raise ScenarioError(f"unknown group (known: {', '.join(known)})",
                                    file=where, field=f"{field_name}.group", value=group)
            return table["groups"].map(lambda gs: group in gs).to_numpy(bool)
        if entity is not None:
            if entity not in self.result.model.index:
                raise ScenarioError("unknown entity", file=where,
                                    field=f"{field_name}.entity", value=entity)
            return (table["entity"] == entity).to_numpy()
        column, code = ("country", country) if country else ("owner_country", owner_country)
        if code == "EU":
            return table[column].isin(self.result.model.eu_members | {"EU"}).to_numpy()
        if code in set(table[column]):
            return (table[column] == code).to_numpy()
        raise ScenarioError("unknown country code (or no value added there)",
                            file=where, field=f"{field_name}.{column}", value=code)

    def renewable_share(self) -> np.ndarray:
        """The plan's contracted renewable share if it states one, else its site's grid mix."""
        plan, n = self.result.require_plan(), self.result.draws
        if plan.renewable_share is not None:
            return draw_interval(plan.renewable_share.bounds,
                                 Stream(self.result.seed, "renewable_share"),
                                 n, lower=0.0, upper=1.0)
        row = site_row(self.data["grid"].dropna(subset=["renewable_share"]),
                       site_of(self.result), plan.year, "renewable share")
        return np.full(n, float(row["renewable_share"]))

    def closed_model_share(self) -> np.ndarray:
        """Share of the plan's model-licence spending paid to closed-weight model providers;
        NaN (not applicable) where the plan spends nothing on model licences: a plan that
        buys no model neither meets nor breaks 'open-weight models only' (before, 0: 'met')."""
        suppliers, amounts = self.purchases.in_category("model_licences")
        if not suppliers:
            return np.full(self.result.draws, np.nan)
        providers = self.data["model_providers"].set_index("entity")["open_weights"]
        closed = np.array([str(providers.get(s, "false")).lower() != "true" for s in suppliers])
        total = amounts.sum(axis=1)
        share = amounts[:, closed].sum(axis=1) / np.where(total > 0, total, 1.0)
        return np.where(total > 0, share, np.nan)
