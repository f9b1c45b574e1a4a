"""The claims check counts export caps as the scorecard does (a journalist's finding): a rule's
caps count from the date they bind until the rule is rescinded (dependency.rules_capping).
The AI Diffusion Rule was rescinded (2025-05-13) before its caps bound (2025-05-15), so the
claim `us-could-restrict-chips-to-eu-members` finds no member capped, and its figure says what
the rule as published would have done."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from moneytrail.analysis.claims import check_claims, load_claims
from moneytrail.analysis.claims_schema import Claim
from moneytrail.analysis.dependency import CAPS_BIND, export_exposure, rules_capping

CHIPS = "us-could-restrict-chips-to-eu-members"


def members_claim(*dates: str) -> list[Claim]:
    return [Claim.model_validate({
        "id": "capped", "claim": "Some EU members are capped.",
        "checks": [{"computation": "export.members_exposed", "args": {"date": d}, "min": 1}
                   for d in dates]})]


def test_the_shipped_claim_counts_the_caps_published_and_says_none_bound(claims_inputs):
    """"Could restrict" is a claim about power: the rule in force on 2025-03-01 placed 17 of
    27 members under caps (supported), and the figure says they never bound (the scorecard's
    exposure counts binding caps: 0)."""
    claim = [c for c in load_claims() if c.id == CHIPS]
    row = check_claims(claim, **claims_inputs, draws=100).iloc[0]
    assert row["p50"] == 17 and row["verdict"] == "supported"
    assert row["figure"].startswith(
        "17 of 27 EU members placed under caps by a US rule in force on 2025-03-01")
    assert "rescinded on 2025-05-13, before they bound, so no member was ever capped" \
        in row["figure"]
    assert "no EU member was ever actually capped" in row["note"]


def test_binding_caps_on_the_same_date_count_none(claims_inputs):
    """The default (`caps: binding`, as the scorecard): no member was capped on 2025-03-01,
    and the figure says what the rule as published would have done."""
    row = check_claims(members_claim("2025-03-01"), **claims_inputs, draws=100).iloc[0]
    assert row["p50"] == 0 and row["verdict"] == "contradicted"
    assert row["figure"].startswith("0 of 27 EU members capped on 2025-03-01")
    assert "as published would have capped 17 of 27" in row["figure"]
    assert "rescinded on 2025-05-13, before its caps bound" in row["figure"]


def test_caps_count_from_binding_until_rescinded_as_in_the_scorecard(claims_inputs, data,
                                                                     reference):
    """With the rescission moved after the caps bind, the claim counts the 17 members exactly
    while the scorecard's exposure is read with caps: both from one rule."""
    rules = data["export_rules"].copy()
    rules["rescinded"] = "2025-09-01"
    later = replace(data, tables={**data.tables, "export_rules": rules})
    inputs = {**claims_inputs, "data": later}
    dates = ["2025-03-01", "2025-05-15", "2025-08-31", "2025-09-01"]
    frame = check_claims(members_claim(*dates), **inputs, draws=100)
    assert frame["p50"].tolist() == [0, 17, 17, 0]
    assert "from 2025-05-15, not yet on that date" in frame["figure"].iloc[0]
    for day, count in zip(dates, frame["p50"], strict=True):
        on = dt.date.fromisoformat(day)
        assert (count > 0) == (not rules_capping(later, on).empty)
    giga = reference["eu-ai-gigafactories"]
    _, info = export_exposure(giga, dt.date(2025, 6, 1), data=later)
    assert info["basis"] == CAPS_BIND and len(info["exposed_members"]) == 17
    _, info = export_exposure(giga, dt.date(2025, 3, 1), data=later)
    assert info["exposed_members"] == []
