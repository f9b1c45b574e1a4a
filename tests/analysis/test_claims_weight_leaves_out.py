"""A claim's evidence weight says what it reads and which assumptions it does not count.

"Nvidia supplies nearly all the accelerators European AI firms use" is supported with 0 %
weak evidence: the weight reads the EU market-share rows by their own labels (`estimate`, from
the suppliers' revenues), so the assumption those rows cite (EU buyers face the global mix,
m_assumption_eu_same_global_market) is not counted. Each check now carries what its weight
reads (`weight_reads`) and the assumption or weak sources its rows cite that the weight does
not count (`weight_leaves_out`), from the data, the same rule for every claim."""

from __future__ import annotations

from moneytrail.analysis.claims import check_claims, load_claims
from moneytrail.analysis.claims_computations import WEIGHT_READS
from moneytrail.analysis.evidence_weight import is_weak

NVIDIA = "nvidia-nearly-all-accelerators"


def test_the_nvidia_claim_names_the_assumption_its_weight_does_not_count(claims_inputs):
    claim = next(c for c in load_claims() if c.id == NVIDIA)
    row = check_claims([claim], **claims_inputs, draws=100).iloc[0]
    assert row["weight_reads"] == WEIGHT_READS["market.share"]
    left_out = row["weight_leaves_out"].split("; ")
    assert "m_assumption_eu_same_global_market" in left_out
    # exactly the weak-labelled sources the Nvidia EU 2025 row cites, its own label stronger
    markets = claims_inputs["chain"].markets
    nvidia = markets[(markets["category"] == "accelerators") & (markets["buyer_region"] == "EU")
                     & (markets["year"] == 2025) & (markets["supplier"] == "nvidia")].iloc[0]
    assert not is_weak(nvidia["reliability"])
    sources = {}
    for name in claims_inputs["data"].package.resource_names():
        if name.endswith("sources") or "-sources-" in name:
            table = claims_inputs["data"].package.table(name)
            sources.update(zip(table["id"], table["reliability"], strict=True))
    wanted = sorted(s for s in nvidia["sources"].split(";") if is_weak(sources.get(s)))
    assert left_out == wanted
    assert row["assumption_or_weak_p50"] == 0       # the printed weight is unchanged


def test_a_weak_labelled_row_leaves_nothing_out(claims_inputs):
    """The weight of a check whose rows are labelled weak counts their assumptions: nothing
    is said to be left out (the networking shares are labelled `assumption`)."""
    claim = next(c for c in load_claims() if c.id == NVIDIA)
    data = claim.model_dump(mode="json", exclude_none=True)
    data["checks"][0]["args"] = {"category": "networking", "buyer_region": "EU",
                                 "year": 2025, "suppliers": ["nvidia"]}
    from moneytrail.analysis.claims_schema import parse_claims

    row = check_claims(parse_claims({"claims": [data]}, "<test>"), **claims_inputs,
                       draws=100).iloc[0]
    assert row["weight_leaves_out"] == ""
    assert row["assumption_or_weak_p50"] == 1
