"""What a plan depends on: single suppliers, jurisdictions, and export controls on a date."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from moneytrail.analysis.data import AnalysisData, load_analysis
from moneytrail.analysis.purchases import Purchases, plan_purchases
from moneytrail.analysis.stats import describe, describe_frame, draw_interval, rng_for
from moneytrail.engine.result import TraceResult
from moneytrail.errors import ScenarioError

DEFAULT_SINGLE_SUPPLIER = 0.5   # see single_supplier_share
STREAM = 2
HARDWARE = ("accelerators", "servers", "networking", "storage")


def _firm_mask(result: TraceResult, suppliers: list[str]) -> np.ndarray:
    kinds = result.model.entities.set_index("id")["kind"]
    return np.array([kinds.get(s, "firm") == "firm" for s in suppliers])


def top_supplier_shares(result: TraceResult, purchases: Purchases
                        ) -> dict[str, tuple[list[str], np.ndarray, np.ndarray]]:
    """Per category: suppliers, per-draw share of the largest firm, and the category spend."""
    out = {}
    for category in purchases.categories:
        suppliers, amounts = purchases.in_category(category)
        spend = amounts.sum(axis=1)
        firms = np.where(_firm_mask(result, suppliers), amounts, 0.0)
        top = firms.max(axis=1) / np.where(spend > 0, spend, 1.0)
        out[category] = (suppliers, top, spend)
    return out


def single_supplier_share(result: TraceResult, purchases: Purchases | None = None,
                          threshold: float = DEFAULT_SINGLE_SUPPLIER) -> np.ndarray:
    """Per draw, the share of the plan's spending in categories where one firm supplies more
    than `threshold` of what the plan buys. The default 0.5 follows the EU case-law presumption
    of dominance at a 50% market share (an assumption the user can change)."""
    if not 0 < threshold <= 1:
        raise ScenarioError("the single-supplier threshold must be a share in (0, 1]",
                            field="threshold", value=threshold)
    purchases = purchases if purchases is not None else plan_purchases(result)
    dependent = np.zeros(result.draws)
    for _, top, spend in top_supplier_shares(result, purchases).values():
        dependent += np.where(top > threshold, spend, 0.0)
    return dependent / purchases.amounts.sum(axis=1)


def dependency_table(result: TraceResult, purchases: Purchases | None = None,
                     threshold: float = DEFAULT_SINGLE_SUPPLIER) -> pd.DataFrame:
    """Per category: its share of the plan, the largest supplier, and how often it is above
    the single-supplier threshold."""
    purchases = purchases if purchases is not None else plan_purchases(result)
    total = purchases.amounts.sum(axis=1)
    rows = []
    for category, (suppliers, top, spend) in top_supplier_shares(result, purchases).items():
        _, amounts = purchases.in_category(category)
        firms = np.where(_firm_mask(result, suppliers), amounts.mean(axis=0), -1.0)
        rows.append({"category": category, "spend_share_p50": describe(spend / total)["p50"],
                     "largest_supplier": suppliers[int(np.argmax(firms))],
                     **{f"top_share_{k}": v for k, v in describe(top).items()},
                     "p_single_supplier": float(np.mean(top > threshold))})
    return pd.DataFrame(rows).set_index("category")


def jurisdiction_shares(result: TraceResult) -> pd.DataFrame:
    """First invoices by the supplier's home jurisdiction (owner country), with EU membership."""
    owner = result.model.entities.set_index("id")["owner_country"]
    labels = list(result.model.labels)
    countries = sorted({owner[label] for label in labels})
    matrix = np.zeros((len(labels), len(countries)))
    for i, label in enumerate(labels):
        matrix[i, countries.index(owner[label])] = 1.0
    shares = (result.demand @ matrix) / result.demand.sum(axis=1, keepdims=True)
    out = describe_frame({c: shares[:, k] for k, c in enumerate(countries)}, "jurisdiction")
    eu = result.model.eu_members | {"EU"}
    out.insert(0, "eu_member", [c in eu for c in out.index])
    return out[out["mean"] > 0].sort_values("mean", ascending=False)


def rules_in_force(data: AnalysisData, on: dt.date) -> pd.DataFrame:
    """Export-control rows whose rule applies on the date (from inclusive, to exclusive)."""
    rules = data["export_rules"]
    start = pd.to_datetime(rules["effective_from"]).dt.date
    end = pd.to_datetime(rules["effective_to"].replace("", None)).dt.date
    active = (start <= on) & (end.isna() | (end > on))
    return rules[active.to_numpy()]


def tier_of(rules: pd.DataFrame, country: str) -> tuple[int, float] | None:
    """(tier, cap in H100-equivalents) of a country under the rules in force; None if no rule.
    Countries a rule does not list fall in its tier 2 (the diffusion rule's default)."""
    if rules.empty:
        return None
    for _, row in rules.iterrows():
        if country in row["country"].split(";"):
            return int(row["tier"]), float(row["cap_h100e"]) if pd.notna(row["cap_h100e"]) \
                else float("inf")
    default = rules[rules["tier"] == 2]
    return (2, float(default["cap_h100e"].iloc[0])) if not default.empty else None


def accelerator_units(result: TraceResult, purchases: Purchases, data: AnalysisData
                      ) -> tuple[np.ndarray, pd.Series]:
    """Per draw, H100-equivalents bought (accelerator spend / reference accelerator price)."""
    by_cat = purchases.by_category()
    spend = by_cat["accelerators"].to_numpy() if "accelerators" in by_cat else np.zeros(
        result.draws)
    chip = reference_accelerator(data, result.model.year)
    price = draw_interval((chip["price_low"], chip["price_central"], chip["price_high"]),
                          rng_for(result.seed, STREAM), result.draws, lower=0.0)
    spend_chip_currency = data.convert(spend, result.plan.currency, chip["currency"],
                                       result.model.year)
    units = spend_chip_currency / price
    h100 = data["accelerators"].set_index("id").loc["h100", "bf16_tflops"]
    return units * chip["bf16_tflops"] / h100, chip


def reference_accelerator(data: AnalysisData, year: int) -> pd.Series:
    table = data["accelerators"]
    for _, row in table.iterrows():
        if str(year) in str(row["reference_years"]).split(";"):
            return row
    raise ScenarioError("no reference accelerator for this year in analysis/accelerators.csv",
                        field="year", value=year)


def site_of(result: TraceResult) -> str:
    plan = result.plan
    return plan.site_country or plan.buyer_region


def export_exposure(result: TraceResult, on: dt.date, purchases: Purchases | None = None,
                    data: AnalysisData | None = None) -> tuple[np.ndarray, dict]:
    """Per draw, the share of the plan's accelerators that export rules in force on `on` would
    cap or deny at its site; for an unspecified EU site, the share of EU members exposed."""
    data = data if data is not None else load_analysis()
    purchases = purchases if purchases is not None else plan_purchases(result)
    rules = rules_in_force(data, on)
    units, chip = accelerator_units(result, purchases, data)
    site = site_of(result)
    info = {"on": on.isoformat(), "site": site, "rules": sorted(set(rules["rule"])),
            "h100e_p50": describe(units)["p50"]}
    if rules.empty or not np.any(units > 0):
        return np.zeros(result.draws), {**info, "tier": None}
    if site == "EU":
        members = sorted(data["eu_members"]["country"])
        exposed = [m for m in members if (tier_of(rules, m) or (1, 0))[0] >= 2]
        share = len(exposed) / len(members) if members else 0.0
        return np.full(result.draws, share), {**info, "tier": "mixed",
                                               "exposed_members": exposed}
    tier, cap = tier_of(rules, site)
    if tier == 1:
        return np.zeros(result.draws), {**info, "tier": 1}
    over = np.clip(units - cap, 0.0, None) / np.where(units > 0, units, 1.0)
    return over, {**info, "tier": tier, "cap_h100e": cap}


def export_table(result: TraceResult, dates: list[dt.date], data: AnalysisData | None = None,
                 purchases: Purchases | None = None) -> pd.DataFrame:
    """The same plan under the export rules in force on each date."""
    data = data if data is not None else load_analysis()
    purchases = purchases if purchases is not None else plan_purchases(result)
    rows = []
    for on in dates:
        share, info = export_exposure(result, on, purchases, data)
        rows.append({"date": on.isoformat(), "rules": ", ".join(info["rules"]) or "none",
                     "site": info["site"], "tier": info["tier"],
                     "h100e_p50": info["h100e_p50"],
                     **{f"exposed_{k}": v for k, v in describe(share).items()}})
    return pd.DataFrame(rows).set_index("date")
