"""Named per-draw metrics of a traced plan, shared by conditions, claims and the scorecard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from moneytrail.analysis.concentration import largest_hhi_change
from moneytrail.analysis.data import AnalysisData, load_analysis
from moneytrail.analysis.dependency import (
    DEFAULT_SINGLE_SUPPLIER,
    export_exposure,
    single_supplier_share,
    site_of,
)
from moneytrail.analysis.efficiency import efficiency_draws
from moneytrail.analysis.lifecycle import _nearest, lifecycle_draws
from moneytrail.analysis.purchases import Purchases, plan_purchases
from moneytrail.analysis.stats import draw_interval, rng_for
from moneytrail.engine.result import TraceResult
from moneytrail.errors import ScenarioError

STREAM = 5


@dataclass(frozen=True, eq=False)
class Evaluation:
    """One plan's trace with the analysis data and the per-draw arrays derived from it
    (purchases, lifecycle, efficiency), all computed once when the evaluation is made."""

    result: TraceResult
    data: AnalysisData
    purchases: Purchases
    lifecycle: dict[str, np.ndarray]
    efficiency: dict[str, np.ndarray]

    @classmethod
    def of(cls, result: TraceResult, data: AnalysisData | None = None) -> Evaluation:
        data = data if data is not None else load_analysis()
        purchases = plan_purchases(result)
        return cls(result=result, data=data, purchases=purchases,
                   lifecycle=lifecycle_draws(result, data, purchases),
                   efficiency=efficiency_draws(result, data, purchases))

    @property
    def on(self) -> dt.date:
        plan = self.result.plan
        return plan.as_of if plan.as_of is not None else dt.date.today()

    def value_added_share(self, mask: np.ndarray) -> np.ndarray:
        return self.result.select(mask) / self.result.draw_totals

    def metric(self, name: str, *, where: str = "<plan>", field_name: str = "metric",
               group: str | None = None, country: str | None = None,
               owner_country: str | None = None, entity: str | None = None,
               threshold: float | None = None, on: dt.date | None = None) -> np.ndarray:
        """Per-draw values of a named metric; unknown names or selectors are clear errors."""
        table = self.result.flow_labels
        eu = self.result.model.eu_members | {"EU"}
        if name == "value_added_share":
            if group is not None:
                known = sorted({g for gs in table["groups"] for g in gs})
                if group not in known:
                    raise ScenarioError(f"unknown group (known: {', '.join(known)})",
                                        file=where, field=f"{field_name}.group", value=group)
                mask = table["groups"].map(lambda gs: group in gs).to_numpy(bool)
            elif entity is not None:
                if entity not in self.result.model.index:
                    raise ScenarioError("unknown entity", file=where,
                                        field=f"{field_name}.entity", value=entity)
                mask = (table["entity"] == entity).to_numpy()
            else:
                column, code = ("country", country) if country else ("owner_country",
                                                                    owner_country)
                if code == "EU":
                    mask = table[column].isin(eu).to_numpy()
                elif code in set(table[column]):
                    mask = (table[column] == code).to_numpy()
                else:
                    raise ScenarioError("unknown country code (or no value added there)",
                                        file=where, field=f"{field_name}.{column}", value=code)
            return self.value_added_share(mask)
        simple = {
            "eu_value_added_share": lambda: self.value_added_share(
                table["country"].isin(eu).to_numpy()),
            "eu_labour_share": lambda: self.value_added_share(
                ((table["factor"] == "labour") & table["country"].isin(eu)).to_numpy()),
            "labour_share": lambda: self.value_added_share((table["factor"] == "labour")
                                                           .to_numpy()),
            "hhi_change": lambda: largest_hhi_change(self.result, self.data, self.purchases),
            "single_supplier_share": lambda: single_supplier_share(
                self.result, self.purchases, threshold or DEFAULT_SINGLE_SUPPLIER),
            "export_exposed_share": lambda: export_exposure(self.result, on or self.on,
                                                            self.purchases, self.data)[0],
            "renewable_share": self.renewable_share,
            "closed_model_share": self.closed_model_share,
            "open_weights_only": self.closed_model_share,
            "co2_tonnes": lambda: self.lifecycle["co2_tonnes"],
            "residual_value_share": lambda: self.lifecycle["residual_value_share"],
            "eur_per_capability": lambda: self.efficiency["eur_per_capability"],
        }
        if name not in simple:
            raise ScenarioError(f"unknown metric (known: value_added_share, "
                                f"{', '.join(simple)})", file=where, field=field_name,
                                value=name)
        return simple[name]()

    def renewable_share(self) -> np.ndarray:
        """The plan's contracted renewable share if it states one, else its site's grid mix."""
        plan, n = self.result.plan, self.result.draws
        if plan.renewable_share is not None:
            return draw_interval(plan.renewable_share.bounds, rng_for(self.result.seed, STREAM),
                                 n, lower=0.0, upper=1.0)
        row = _nearest(self.data["grid"].dropna(subset=["renewable_share"]), site_of(
            self.result), self.result.model.year, "renewable share")
        return np.full(n, float(row["renewable_share"]))

    def closed_model_share(self) -> np.ndarray:
        """Share of the plan's model-licence spending paid to closed-weight model providers."""
        suppliers, amounts = self.purchases.in_category("model_licences")
        if not suppliers:
            return np.zeros(self.result.draws)
        providers = self.data["model_providers"].set_index("entity")["open_weights"]
        closed = np.array([str(providers.get(s, "false")).lower() != "true" for s in suppliers])
        total = amounts.sum(axis=1)
        return amounts[:, closed].sum(axis=1) / np.where(total > 0, total, 1.0)
