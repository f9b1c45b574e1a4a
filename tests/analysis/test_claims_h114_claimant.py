"""A fact-checker's findings (h114) on the claims file: who made a claim, when and where
(`claimed_by`, `claimed_on`, `claimed_in`, data 2.5.3), validated like the rest; the rule that
flags a decisive verdict resting on weak evidence; one document listed once."""

from __future__ import annotations

import pytest

from moneytrail.analysis.claims_schema import ClaimError, load_claims, parse_claims

CHECK = {"computation": "lifecycle.value_remaining", "args": {"years": 3}, "max": 0.5}


def one_claim(**fields) -> dict:
    return {"claims": [{"id": "c", "claim": "AI hardware loses value fast.",
                        "checks": [CHECK], **fields}]}


def package_rows() -> dict[str, dict[str, str]]:
    from moneytrail.data.package import open_package

    package = open_package(None)
    rows: dict[str, dict[str, str]] = {}
    for name in package.resource_names():
        if name.endswith("sources") or "-sources-" in name:
            for record in package.table(name).fillna("").to_dict("records"):
                rows[str(record["id"])] = {k: str(v) for k, v in record.items()}
    return rows


def test_every_shipped_claim_says_who_made_it():
    claims = {c.id: c for c in load_claims()}
    assert len(claims) == 12
    for claim in claims.values():
        assert claim.claimed_by.strip(), claim.id
        # a paraphrase with no single speaker has no date
        if "no single speaker" in claim.claimed_by:
            assert claim.claimed_on == "", claim.id


def test_the_stargate_jobs_claim_is_trumps_at_the_white_house_from_its_own_source():
    claim = {c.id: c for c in load_claims()}["stargate-over-100000-us-jobs"]
    assert claim.claimed_by.startswith("Donald Trump")
    assert "White House" in claim.claimed_by
    assert claim.claimed_on == "2025-01-21"
    assert claim.claimed_in == "a_stargate_whitehouse_2025_01"
    row = package_rows()[claim.claimed_in]
    # data 2.5.4: the transcript of the remarks, no longer a news analysis of them
    assert row["title"].startswith("Remarks on Artificial Intelligence Infrastructure")
    assert "21 Jan 2025" in row["note"] and "creating over 100,000" in row["note"]


def test_every_claimed_in_is_a_package_source_naming_the_speaker():
    rows = package_rows()
    claims = {c.id: c for c in load_claims()}
    for claim in claims.values():
        if claim.claimed_in:
            assert claim.claimed_in in rows, claim.id
    musk = claims["stargate-private-and-far-less-secured"]
    assert "Musk" in musk.claimed_by and "Musk" in rows[musk.claimed_in]["title"]
    assert musk.claimed_on == rows[musk.claimed_in]["published"][:7]


@pytest.mark.parametrize("day", ["2025-13-01", "21/01/2025", "2025-02-30", "2025", "soon",
                                 "2025-1-21"])
def test_a_bad_claim_date_is_one_line_naming_the_file_and_field(day):
    with pytest.raises(ClaimError) as caught:
        parse_claims(one_claim(claimed_on=day), "mine.yaml")
    text = str(caught.value)
    assert "mine.yaml" in text and "claims.0.claimed_on" in text
    assert "\n" not in text


def test_a_claim_date_may_be_a_day_a_month_or_unquoted():
    import datetime as dt

    assert parse_claims(one_claim(claimed_on="2025-01"), "f")[0].claimed_on == "2025-01"
    assert parse_claims(one_claim(claimed_on=dt.date(2025, 1, 21)),
                        "f")[0].claimed_on == "2025-01-21"
    assert parse_claims(one_claim(), "f")[0].claimed_on == ""


def test_an_unknown_claimed_in_is_an_error_naming_the_file_and_field():
    from moneytrail.analysis.claims import check_sources
    from moneytrail.data.package import open_package

    claims = parse_claims(one_claim(claimed_in="a_no_such_source"), "mine.yaml")
    with pytest.raises(ClaimError) as caught:
        check_sources(claims, open_package(None), "mine.yaml")
    text = str(caught.value)
    assert "mine.yaml" in text and "claims.0.claimed_in" in text
    assert "a_no_such_source" in text and "\n" not in text


def test_weak_basis_flags_every_verdict_at_or_above_one_half():
    from moneytrail.analysis.verdicts import WEAK_BASIS, verdict_words, weak_basis

    assert WEAK_BASIS == 0.5
    assert weak_basis("supported", 1.0) and weak_basis("supported", 0.5)
    assert weak_basis("contradicted", 0.62)
    assert not weak_basis("supported", 0.49)
    assert not weak_basis("supported", float("nan")) and not weak_basis("supported", None)
    assert weak_basis("uncertain", 1.0) and weak_basis("conditional", 1.0)
    assert not weak_basis("conditional", 0.2)
    assert not weak_basis("withheld", 1.0)         # no verdict: nothing to say of its basis
    assert verdict_words("supported", 1.0) == "supported \u2014 on weak evidence"
    assert verdict_words("supported", 0.0) == "supported"


def test_claim_dates_in_words():
    from moneytrail.report.units import claim_date

    assert claim_date("2025-01-21") == "21 January 2025"
    assert claim_date("2025-01") == "January 2025"
    assert claim_date("") == ""


def test_one_document_under_two_ids_is_listed_once():
    from moneytrail.data.sourcing import one_per_document

    urls = {"l_a": "https://www.example.org/x/", "a_a": "http://example.org/x",
            "a_b": "https://example.org/y", "a_assumption": "", "a_other": ""}
    ids = ["l_a", "a_b", "a_a", "a_assumption", "a_other", "a_b"]
    assert one_per_document(ids, urls.__getitem__) == ["l_a", "a_b", "a_assumption",
                                                       "a_other"]

