"""A claim's verdict in one line (analysis.verdicts.verdict_summary, the `verdict_summary`
column): a conditional claim whose cases disagree names each case with its own verdict and
evidence weight, and a check resting on a labelled assumption that its weight does not count
(`rests_on` in the claims file) says so; the new check keys leave the run ids of claims that
do not use them as they were (claims_schema.claim_inputs)."""

from __future__ import annotations

import pytest

from moneytrail.analysis.claims import ClaimError, check_sources, load_claims
from moneytrail.analysis.claims_schema import claim_inputs, parse_claims
from moneytrail.analysis.verdicts import case_words, verdict_summary
from moneytrail.data.package import open_package

GIGA = {"check_verdict": "contradicted", "assumption_or_weak_p50": 0.1469,
        "case": "the gigafactories", "when": "the money builds sites (buys chips)"}
CLOUD = {"check_verdict": "supported", "assumption_or_weak_p50": 1.0, "case": "cloud rental",
         "when": "the money rents cloud compute"}


def test_a_conditional_verdict_names_each_case_with_its_own_weight():
    # the claim's weight is the largest of its checks' (100 %): shown alone it hung the cloud
    # case's weakness on the gigafactory case, contradicted on 15 % weak rows
    assert verdict_summary("conditional", 1.0, [GIGA, CLOUD]) == (
        "conditional: for the gigafactories, contradicted (15 % weak); for cloud rental, "
        "supported \u2014 on weak evidence (100 % weak)")


def test_a_case_without_a_short_name_is_said_by_its_when():
    assert case_words("supported", 0.2, "", "the money rents cloud compute") == \
        "if the money rents cloud compute, supported (20 % weak)"


def test_a_verdict_resting_on_an_assumption_says_so():
    row = {"check_verdict": "supported", "assumption_or_weak_p50": 0.0,
           "rests_on": "m_assumption_eu_same_global_market",
           "rests_on_says": "EU buyers face the global supplier mix"}
    assert verdict_summary("supported", 0.0, [row]) == (
        "supported \u2014 rests on an assumption: EU buyers face the global supplier mix")
    # a verdict on weak evidence keeps saying so; a withheld verdict names nothing
    assert verdict_summary("supported", 0.7, [row]).startswith(
        "supported \u2014 on weak evidence \u2014 rests on an assumption")
    assert verdict_summary("withheld", 0.0, [row]) == "withheld"


def test_the_shipped_claims_say_their_cases_and_assumption():
    claims = {c.id: c for c in load_claims()}
    nvidia = claims["nvidia-nearly-all-accelerators"].checks[0].rests_on
    assert nvidia is not None and nvidia.source == "m_assumption_eu_same_global_market"
    assert nvidia.says == "EU buyers face the global supplier mix" and nvidia.why
    cases = [c.case for c in claims["public-money-to-nvidia-and-hyperscalers"].checks]
    assert cases == ["the gigafactories", "cloud rental"]


def test_rests_on_must_name_a_modelling_assumption():
    claim = {"id": "x", "claim": "x", "checks": [{
        "computation": "market.share", "min": 0.9,
        "args": {"category": "accelerators", "buyer_region": "EU", "year": 2025,
                 "suppliers": ["nvidia"]},
        "rests_on": {"source": "l_stargate_openai_2025_01", "says": "s", "why": "w"}}]}
    claims = parse_claims({"claims": [claim]}, "f.yaml")
    with pytest.raises(ClaimError, match="labelled assumption"):
        check_sources(claims, open_package(), "f.yaml")


def test_claims_without_the_new_keys_keep_their_inputs():
    # the inputs (and so the run id) of a claim using neither `case` nor `rests_on` are its
    # whole dump without those two keys, as before they existed
    claim = next(c for c in load_claims() if c.id == "eu-2024-package-small")
    dumped = claim.model_dump(mode="json")
    for check in dumped["checks"]:
        del check["case"], check["rests_on"]
    assert claim_inputs(claim) == dumped
