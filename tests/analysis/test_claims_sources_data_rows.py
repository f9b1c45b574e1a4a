"""A claim's sources list the data rows its figure used, not only the claim's own source:
"Public money ... would flow mainly to Nvidia and to Amazon, Google and Microsoft" listed the
InvestAI press release alone, while its figures rest on the EU market shares (and the plans'
spending splits). A check that traces a plan now cites the sources of every row its first
invoices are drawn from (analysis.claims_computations.purchase_sources)."""

from __future__ import annotations

import pandas as pd

import moneytrail as mt
from moneytrail.analysis.claims import check_claims, load_claims
from moneytrail.scenarios.reference import reference_dir

CLAIM = "public-money-to-nvidia-and-hyperscalers"


def market_sources(markets: pd.DataFrame, categories, region: str, year: int) -> set[str]:
    rows = markets[markets["category"].isin(list(categories))
                   & (markets["buyer_region"] == region) & (markets["year"] == year)]
    return {s for cell in rows["sources"] for s in str(cell).split(";") if s}


def test_a_claim_traced_from_a_plan_cites_its_market_share_rows(claims_inputs):
    claim = next(c for c in load_claims() if c.id == CLAIM)
    rows = check_claims([claim], **claims_inputs, draws=100).set_index("when")
    markets = claims_inputs["chain"].markets
    cloud = set(rows.loc["the money rents cloud compute", "sources"].split("; "))
    wanted = market_sources(markets, ["cloud_compute"], "EU", 2025)
    assert wanted and wanted <= cloud
    assert "m_ec_investai_2025" in cloud            # the claim's own source stays
    plan = mt.load_scenario(reference_dir() / "eu-ai-gigafactories.yaml")
    sites = set(rows.loc["the money builds sites (buys chips)", "sources"].split("; "))
    bought = market_sources(markets, [c for c in plan.spend if c not in plan.procurement],
                            plan.buyer_region, plan.year)
    spend = {plan.spend[c].source for c in plan.spend if plan.spend[c].source}
    assert bought and bought <= sites
    assert spend <= sites
    assert "m_nvidia_fy2026_dc_total" in sites      # the accelerator shares behind Nvidia's part
