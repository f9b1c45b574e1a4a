"""The bundled reference plans as data: which of their figures cite a source."""

from __future__ import annotations

from typing import Any

from moneytrail.scenarios.reference import reference_scenarios
from moneytrail.scenarios.schema import Interval, Plan, load_scenario


def share_citation(plan: Plan, field: str, share: Interval, category: str = "",
                   supplier: str = "") -> dict[str, Any]:
    low, central, high = share.bounds
    return {"plan": plan.id, "plan_title": plan.title, "field": field, "category": category,
            "supplier": supplier, "unit": "share",
            "low": low, "central": central, "high": high, "source": share.source,
            "reliability": share.reliability or "", "note": share.note or ""}


def plan_citations(plan: Plan) -> list[dict[str, Any]]:
    """Every sourced figure of a plan: its budget (an amount in the plan's currency, no
    interval), spending shares, procurement shares and renewable share; `category` and
    `supplier` are the value chain's ids a share belongs to ("" where none)."""
    budget = plan.budget
    out = [{"plan": plan.id, "plan_title": plan.title, "field": "budget", "category": "",
            "supplier": "", "unit": plan.currency, "low": budget.amount, "central": budget.amount,
            "high": budget.amount, "source": budget.source, "reliability": "",
            "note": budget.note or ""}]
    out += [share_citation(plan, f"spend share: {category}", share, category)
            for category, share in plan.spend.items()]
    out += [share_citation(plan, f"procurement share: {category} / {supplier}", share,
                           category, supplier)
            for category, shares in plan.procurement.items()
            for supplier, share in shares.items()]
    if plan.renewable_share is not None:
        out.append(share_citation(plan, "renewable share", plan.renewable_share))
    return out


def reference_plan_citations(source: str | None = None) -> list[dict[str, Any]]:
    """The bundled reference plans' figures (plan_citations) that cite `source` (all of them
    when None), in plan order. Reads the plans' YAML files on each call."""
    return [row for path in reference_scenarios()
            for row in plan_citations(load_scenario(path))
            if source is None or row["source"] == source]
