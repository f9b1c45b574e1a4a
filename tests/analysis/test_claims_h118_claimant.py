"""A reviewer's findings (h118) on who made a claim: a claim with no single speaker says so as
`claimed_by: no single speaker` (shown "No single speaker: a position in the public debate
(paraphrased)", not "Claimed by a position ..."); `claimed_in` is kept for a source recording
the statement itself, and a source recording only a related concern is `related_source`,
validated like `claimed_in`."""

from __future__ import annotations

import pytest

from moneytrail.analysis.claims_schema import (
    NO_SINGLE_SPEAKER,
    ClaimError,
    load_claims,
    no_single_speaker,
    parse_claims,
)

CHECK = {"computation": "lifecycle.value_remaining", "args": {"years": 3}, "max": 0.5}
# the claims paraphrasing a position whose related concern a package source records
RELATED = {"public-money-to-nvidia-and-hyperscalers": "a_tfs_geeks_gifts_2025",
           "public-money-pays-incumbents-high-prices": "a_cma_fm_update_2024",
           "public-money-cements-the-status-quo": "a_adlc_genai_2024_twobirds"}


def one_claim(**fields) -> dict:
    return {"claims": [{"id": "c", "claim": "AI hardware loses value fast.",
                        "checks": [CHECK], **fields}]}


def test_a_shipped_claim_with_no_single_speaker_says_so_in_one_form():
    claims = load_claims()
    alone = [c for c in claims if no_single_speaker(c.claimed_by)]
    assert len(alone) == 10
    for claim in claims:
        # the old wording read "Claimed by a position in the public debate (...)"
        assert "position in the public debate" not in claim.claimed_by, claim.id


def test_claimed_in_is_only_a_source_recording_the_statement():
    claims = {c.id: c for c in load_claims()}
    recorded = {cid: c.claimed_in for cid, c in claims.items() if c.claimed_in}
    assert recorded == {"stargate-private-and-far-less-secured": "l_stargate_musk_2025_01",
                        "stargate-over-100000-us-jobs": "a_stargate_whitehouse_2025_01"}
    related = {cid: c.related_source for cid, c in claims.items() if c.related_source}
    assert related == RELATED
    for cid in RELATED:
        assert no_single_speaker(claims[cid].claimed_by) and not claims[cid].claimed_on


def test_every_related_source_is_a_package_source():
    from moneytrail.analysis.claims import package_source_ids
    from moneytrail.data.package import open_package

    known = package_source_ids(open_package(None))
    for source in RELATED.values():
        assert source in known


def test_no_single_speaker_with_a_claimed_in_is_an_error_naming_the_field():
    with pytest.raises(ClaimError) as caught:
        parse_claims(one_claim(claimed_by=NO_SINGLE_SPEAKER,
                               claimed_in="a_cma_fm_update_2024"), "mine.yaml")
    text = str(caught.value)
    assert "mine.yaml" in text and "claims.0.claimed_in" in text and "related_source" in text
    # the same source as a related concern is fine
    claim = parse_claims(one_claim(claimed_by=NO_SINGLE_SPEAKER,
                                   related_source="a_cma_fm_update_2024"), "f")[0]
    assert claim.related_source == "a_cma_fm_update_2024"


def test_an_unknown_related_source_is_an_error_naming_the_file_and_field():
    from moneytrail.analysis.claims import check_sources
    from moneytrail.data.package import open_package

    claims = parse_claims(one_claim(related_source="a_no_such_source"), "mine.yaml")
    with pytest.raises(ClaimError) as caught:
        check_sources(claims, open_package(None), "mine.yaml")
    text = str(caught.value)
    assert "mine.yaml" in text and "claims.0.related_source" in text
    assert "a_no_such_source" in text


def test_no_single_speaker_is_read_in_any_case():
    assert no_single_speaker(" No single speaker ")
    assert not no_single_speaker("Donald Trump") and not no_single_speaker(None)


def test_verdict_words_takes_the_label_a_page_shows():
    from moneytrail.analysis.verdicts import verdict_words

    assert verdict_words("supported", 0.9, "Supported") == "Supported \u2014 on weak evidence"
    assert verdict_words("supported", 0.1, "Supported") == "Supported"
    assert verdict_words("contradicted", 0.9) == "contradicted \u2014 on weak evidence"
