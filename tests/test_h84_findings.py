"""Findings fixed by h84: huge hex numbers and alias-heavy files in user YAML, the briefing
citing the claims behind an amount "in its parts", the CLI totals' caveats."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.errors import MoneytrailError, ScenarioError
from moneytrail.scenarios import yamlio

STARGATE = "l_stargate_us_2025_01"


def test_the_briefing_cites_the_claims_behind_an_amount_in_its_parts(tmp_path, monkeypatch):
    import moneytrail as mt
    from moneytrail.report.briefing.content import SourceBook, matching_deals
    from moneytrail.service.workspace import Workspace

    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    plan = next(mt.load_scenario(p) for p in mt.reference_scenarios()
                if "stargate" in Path(p).name)
    with Workspace.open() as ws:
        deals = matching_deals(ws, plan, SourceBook.of(ws))
        price_year = plan.price_year or plan.year
        whole = ws.ledger().programme_amount(STARGATE, "committed", currency=plan.currency,
                                             price_year=price_year)
        claims = ws.ledger().tables()["claim"].set_index("ref")
    assert deals[0]["committed_parts"] and whole["refs"]
    cited = deals[0]["claim_refs"].split(";")
    sources = deals[0]["sources"].split(";")
    for ref in whole["refs"]:
        assert ref in cited
        assert claims.loc[ref, "source"] in sources
