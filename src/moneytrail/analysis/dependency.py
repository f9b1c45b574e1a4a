"""What a plan depends on: single suppliers, jurisdictions, and export controls on a date.

Export rules are read on a date. A plan's results must not depend on the day they are run, so the
default date is the plan's `as_of` if it has one, else 1 July of its `year` (mid-year, like the
efficiency trend); the date used is always in the output.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.hardware import accelerator_units
from moneytrail.analysis.purchases import Purchases, plan_purchases
from moneytrail.analysis.stats import describe, describe_frame
from moneytrail.engine.result import TraceResult
from moneytrail.errors import ScenarioError
from moneytrail.scenarios.schema import Plan

# A share counts as above a threshold only beyond this tolerance: shares are ratios of sums of
# floats (a supplier capped at exactly 50 % comes back from the draws' renormalisation as
# 0.5 +- 1e-16), and "above 50 %" must not flip on that rounding.
SHARE_TOLERANCE = 1e-9


def rules_date(plan: Plan) -> dt.date:
    """The date export rules are read on when none is given: the plan's `as_of`, else 1 July
    of its year (never the day the analysis runs)."""
    return plan.as_of if plan.as_of is not None else dt.date(plan.year, 7, 1)


def rules_coverage(data: AnalysisData) -> tuple[dt.date, dt.date]:
    """The dates the export-rules data speak for: from the first rule they list (announced)
    to the data package's date (`created` in datapackage.json; else the latest date in the
    table). Earlier controls (before the first listed rule) and rules made after the package
    are not in the data, so a date outside would read "no rules" without knowing."""
    rules = data["export_rules"]
    dates = [pd.to_datetime(rules[c].replace("", None)).dt.date.dropna()
             for c in ("announced", "in_force", "binding", "rescinded") if c in rules]
    every = [d for column in dates for d in column]
    first = min(pd.to_datetime(rules["announced"]).dt.date)
    created = str(data.package.descriptor.get("created", ""))[:10]
    try:
        last = dt.date.fromisoformat(created)
    except ValueError:
        last = max(every)
    return first, max(last, max(every))


def check_rules_dates(data: AnalysisData, dates: list[dt.date]) -> None:
    """Export-rule dates the data cover (`rules_coverage`): ScenarioError naming `on` (the
    CLI prints `--on`), the date and the covered range otherwise."""
    if data["export_rules"].empty:
        return
    first, last = rules_coverage(data)
    for on in dates:
        if not first <= on <= last:
            raise ScenarioError(f"outside the dates the export-rules data cover ({first} to "
                                f"{last}: from the first rule listed to the data package's "
                                "date), so the rules in force then are not known; give a "
                                "date in that range", field="on", value=on.isoformat())


def single_supplier_threshold(data: AnalysisData) -> float:
    """The default share above which one firm counts as a single supplier (analysis parameter
    `single_supplier_threshold`: the EU case-law presumption of dominance at 50 %)."""
    return data.param("single_supplier_threshold")[1]


def above(shares: np.ndarray, threshold: float) -> np.ndarray:
    """Whether each share is above `threshold` by more than SHARE_TOLERANCE (float rounding)."""
    return np.asarray(shares) > threshold + SHARE_TOLERANCE


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
                          threshold: float | None = None, *, data: AnalysisData
                          ) -> np.ndarray:
    """Per draw, the share of the plan's first invoices (direct spending) in categories where
    one firm supplies more than `threshold` of what the plan buys. The threshold is the user's
    (a condition's `threshold`); by default the data's `single_supplier_threshold`."""
    if threshold is None:
        threshold = single_supplier_threshold(data)
    if not 0 < threshold <= 1:
        raise ScenarioError("the single-supplier threshold must be a share in (0, 1]",
                            field="threshold", value=threshold)
    purchases = purchases if purchases is not None else plan_purchases(result)
    dependent = np.zeros(result.draws)
    for _, top, spend in top_supplier_shares(result, purchases).values():
        dependent += np.where(above(top, threshold), spend, 0.0)
    return dependent / purchases.amounts.sum(axis=1)


def dominant_firms(result: TraceResult, threshold: float) -> list[str]:
    """Firms holding more than `threshold` (central share) of any market in the model's data
    (any category and buyer region): the single suppliers a value chain can rest on."""
    markets = result.model.require_markets()
    shares = markets["central"] / markets.groupby(["category", "buyer_region"])[
        "central"].transform("sum")
    dominant = set(markets.loc[above(shares.to_numpy(float), threshold), "supplier"])
    firms = _firm_mask(result, sorted(dominant))
    return [s for s, firm in zip(sorted(dominant), firms, strict=True) if firm]


def value_chain_single_supplier_share(result: TraceResult, threshold: float | None = None,
                                      *, data: AnalysisData) -> np.ndarray:
    """Per draw, the share of the plan's value added (all tiers, not only first invoices) that
    is generated at firms which are single suppliers of some market (dominant_firms), e.g.
    Nvidia's value added reached through cloud rentals as well as through chip purchases."""
    if threshold is None:
        threshold = single_supplier_threshold(data)
    firms = dominant_firms(result, threshold)
    mask = result.flow_labels["entity"].isin(firms).to_numpy()
    return result.select(mask) / result.draw_totals


def dependency_table(result: TraceResult, purchases: Purchases | None = None,
                     threshold: float | None = None, *, data: AnalysisData
                     ) -> pd.DataFrame:
    """Per category: its share of the plan, the largest supplier, and how often it is above
    the single-supplier threshold."""
    purchases = purchases if purchases is not None else plan_purchases(result)
    if threshold is None:
        threshold = single_supplier_threshold(data)
    total = purchases.amounts.sum(axis=1)
    rows = []
    for category, (suppliers, top, spend) in top_supplier_shares(result, purchases).items():
        _, amounts = purchases.in_category(category)
        firms = np.where(_firm_mask(result, suppliers), amounts.mean(axis=0), -1.0)
        rows.append({"category": category, "spend_share_p50": describe(spend / total)["p50"],
                     "largest_supplier": suppliers[int(np.argmax(firms))],
                     **{f"top_share_{k}": v for k, v in describe(top).items()},
                     "p_single_supplier": float(np.mean(above(top, threshold)))})
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


def rules_in_force(data: AnalysisData, on: dt.date, basis: str = "in_force") -> pd.DataFrame:
    """Export-control rows applying on the date: from their `basis` date (announced, in_force or
    binding, inclusive) until rescinded (exclusive); a rule rescinded before it binds never does."""
    rules = data["export_rules"]
    start = pd.to_datetime(rules[basis]).dt.date
    end = pd.to_datetime(rules["rescinded"].replace("", None)).dt.date
    active = (start <= on) & (end.isna() | (end > on))
    return rules[active.to_numpy()]


CAPS_BIND = "binding"       # the date from which a rule's caps count (rules_capping)


def rules_capping(data: AnalysisData, on: dt.date) -> pd.DataFrame:
    """Export-control rows whose caps bind on the date: from the date they bind (inclusive)
    until the rule is rescinded (exclusive). The one rule the scorecard (export_exposure) and
    the claims check (export.members_exposed) count by; a rule rescinded before its caps bind
    (the AI diffusion rule) never caps anyone."""
    return rules_in_force(data, on, CAPS_BIND)


def tier_of(rules: pd.DataFrame, country: str) -> tuple[int, float] | None:
    """(tier, cap in H100-equivalents) of a country under the rules in force; None if no rule
    applies to it. Countries a rule does not list fall in its tier 2 (the diffusion rule's
    default); a rule without a tier 2 leaves them unrestricted (None)."""
    if rules.empty:
        return None
    for _, row in rules.iterrows():
        if country in row["country"].split(";"):
            return int(row["tier"]), float(row["cap_h100e"]) if pd.notna(row["cap_h100e"]) \
                else float("inf")
    default = rules[pd.to_numeric(rules["tier"]) == 2]
    return (2, float(default["cap_h100e"].iloc[0])) if not default.empty else None


def site_of(result: TraceResult) -> str:
    plan = result.require_plan()
    return plan.site_country or plan.buyer_region


def over_cap(units: np.ndarray, rules: pd.DataFrame, country: str) -> np.ndarray:
    """Per draw, the share of `units` above the country's cap under `rules` (0 if uncapped)."""
    tier = tier_of(rules, country)
    if tier is None or tier[0] == 1:
        return np.zeros_like(units)
    return np.clip(units - tier[1], 0.0, None) / np.where(units > 0, units, 1.0)


EXPORT_BASES = ("in_force", "binding")    # read rules from when they are in force / bind


def export_exposure(result: TraceResult, on: dt.date, purchases: Purchases | None = None,
                    *, data: AnalysisData, basis: str = CAPS_BIND
                    ) -> tuple[np.ndarray, dict]:
    """Per draw, the share of the plan's accelerators above the cap that export rules set at
    its site on `on`. `basis` says from which date a rule counts: `binding` (its compliance
    date: the caps actually limit purchases; the default, used by the scorecard and the
    claims check: rules_capping) or `in_force`
    (published and in force, not yet binding: what a plan could face). A rule rescinded before
    it binds never binds (the AI diffusion rule). A plan without a named site
    (`site_country`) in the EU is read at its least favoured member: the share that would
    exceed the cap if sited in a capped member (the worst case over the members, so the metric
    stays a share of the plan's chips)."""
    purchases = purchases if purchases is not None else plan_purchases(result)
    rules = rules_capping(data, on) if basis == CAPS_BIND else rules_in_force(data, on, basis)
    units, _ = accelerator_units(result, purchases, data)
    site = site_of(result)
    info = {"on": on.isoformat(), "basis": basis, "site": site,
            "rules": sorted(set(rules["rule"])), "h100e_p50": describe(units)["p50"]}
    if site == "EU":
        members = sorted(data["eu_members"]["country"])
        tiers = {m: tier for m in members if (tier := tier_of(rules, m)) is not None}
        capped = [m for m, tier in tiers.items() if tier[0] >= 2]
        if not capped:
            return np.zeros(result.draws), {**info, "tier": None, "exposed_members": []}
        worst = min(capped, key=lambda m: tiers[m][1])
        return over_cap(units, rules, worst), {**info, "tier": f"worst case: {worst}",
                                               "cap_h100e": tiers[worst][1],
                                               "exposed_members": capped}
    tier = tier_of(rules, site)
    if tier is None:
        return np.zeros(result.draws), {**info, "tier": None}
    return over_cap(units, rules, site), {**info, "tier": tier[0], "cap_h100e": tier[1]}


def export_table(result: TraceResult, dates: list[dt.date] | None = None, *,
                 data: AnalysisData, purchases: Purchases | None = None) -> pd.DataFrame:
    """The same plan under the export rules on each date (default: rules_date), read both
    ways: from when rules are in force, and from when they bind (see export_exposure). One
    row per (date, basis), its index; `tier` is the site's tier (null where no tier caps it)."""
    purchases = purchases if purchases is not None else plan_purchases(result)
    rows = []
    chosen = dates or [rules_date(result.require_plan())]
    for on, basis in ((d, b) for d in chosen for b in EXPORT_BASES):
        share, info = export_exposure(result, on, purchases, data=data, basis=basis)
        rows.append({"date": on.isoformat(), "basis": basis,
                     "rules": ", ".join(info["rules"]) or "none",
                     "site": info["site"],
                     "tier": None if info["tier"] is None else str(info["tier"]),
                     "cap_h100e": info.get("cap_h100e", float("nan")),
                     "h100e_p50": info["h100e_p50"],
                     **{f"exposed_{k}": v for k, v in describe(share).items()}})
    return pd.DataFrame(rows).set_index(["date", "basis"])
