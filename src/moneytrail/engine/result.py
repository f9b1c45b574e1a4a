"""A trace's per-draw results and their summaries (mean, p5, p50, p95)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import pandas as pd

from moneytrail.model.iomodel import IOModel
from moneytrail.scenarios.schema import Plan

DIMENSIONS = ("entity", "country", "owner_country", "group", "factor", "tier", "supplier")
STATS = ("mean", "p5", "p50", "p95")


def code_version() -> str:
    try:
        return version("moneytrail")
    except PackageNotFoundError:
        return "unknown"


def summarise(values: np.ndarray, totals: np.ndarray, labels: list[str]) -> pd.DataFrame:
    """Per-label amounts (draws, labels) -> amount and share statistics, computed per draw."""
    shares = values / totals[:, None]
    frame = {}
    for name, data in (("amount", values), ("share", shares)):
        frame[f"{name}_mean"] = data.mean(axis=0)
        p5, p50, p95 = np.percentile(data, [5, 50, 95], axis=0)
        frame[f"{name}_p5"], frame[f"{name}_p50"], frame[f"{name}_p95"] = p5, p50, p95
    out = pd.DataFrame(frame, index=pd.Index(labels, name="label"))
    return out


@dataclass(frozen=True, eq=False)
class TraceResult:
    """Value added per flow and per tier for every draw, plus what produced them."""

    plan: Plan | None        # None when a final-demand vector was traced directly
    model: IOModel
    flows: np.ndarray        # (draws, flows): value added of each model flow
    tiers: np.ndarray        # (draws, tiers + 1): value added by supply-chain tier, last = rest
    demand: np.ndarray       # (draws, entities): first invoices (final demand)
    seed: int
    draws: int
    purchases: np.ndarray | None = None        # (draws, rows): bought per (category, supplier)
    purchase_rows: pd.DataFrame | None = None  # category, supplier of each purchases column

    @property
    def total(self) -> float:
        """The plan's spending; the value added of every draw adds up to it. For final-demand
        draws given by the caller (no plan) each draw has its own total: this is their mean,
        and `draw_totals` holds each one."""
        if self.plan is not None:
            return self.plan.total
        return float(self.demand.sum(axis=1).mean())

    @property
    def currency(self) -> str:
        return self.plan.currency if self.plan is not None else ""

    @property
    def label(self) -> str:
        return self.plan.id if self.plan is not None else "final demand"

    @property
    def draw_totals(self) -> np.ndarray:
        return self.flows.sum(axis=1)

    @property
    def flow_labels(self) -> pd.DataFrame:
        return self.model.flow_table()

    @property
    def info(self) -> dict:
        """Everything needed to reproduce the numbers."""
        return {"plan": self.label, "year": self.model.year, "currency": self.currency,
                "total": self.total, "draws": self.draws, "seed": self.seed,
                "code_version": code_version(), "data_version": self.model.data_version,
                "model": self.model.source}

    def amounts_by(self, dimension: str) -> tuple[np.ndarray, list[str]]:
        """Per-draw amounts (draws, labels) grouped by a dimension."""
        if dimension not in DIMENSIONS:
            raise ValueError(f"unknown dimension {dimension!r}; use one of "
                             f"{', '.join(DIMENSIONS)}")
        if dimension == "tier":
            count = self.tiers.shape[1] - 1
            names = ["tier 1: first invoice", "tier 2: their suppliers"] + [
                f"tier {k + 1}" for k in range(2, count)] + [f"tiers {count + 1}+ (rest)"]
            return self.tiers, names[: self.tiers.shape[1]]
        if dimension == "supplier":
            labels = list(self.model.labels)
            keep = np.flatnonzero(np.any(self.demand != 0, axis=0))
            return self.demand[:, keep], [labels[k] for k in keep]
        table = self.flow_labels
        if dimension == "group":
            pairs = [(i, g) for i, groups in enumerate(table["groups"]) for g in groups]
            names = sorted({g for _, g in pairs})
            matrix = np.zeros((len(table), len(names)))
            position = {g: k for k, g in enumerate(names)}
            for i, g in pairs:
                matrix[i, position[g]] = 1.0
            return self.flows @ matrix, names
        keys = table[dimension].astype(str)
        codes, names = pd.factorize(keys, sort=True)
        matrix = np.zeros((len(table), len(names)))
        matrix[np.arange(len(table)), codes] = 1.0
        return self.flows @ matrix, list(names)

    def by(self, dimension: str) -> pd.DataFrame:
        """Amount and share of the spending by entity, country (where value is added),
        owner_country (where it accrues), group, factor, tier or supplier (first invoice):
        mean / p5 / p50 / p95 over draws, largest first. Groups overlap, so group rows need not
        add up to the total."""
        values, names = self.amounts_by(dimension)
        out = summarise(values, self.draw_totals, names)
        out.index.name = dimension
        if dimension != "tier":
            out = out.sort_values("amount_mean", ascending=False)
        return out

    def select(self, mask: np.ndarray) -> np.ndarray:
        """Per-draw amount of the flows picked by a boolean mask."""
        return self.flows[:, mask].sum(axis=1)
