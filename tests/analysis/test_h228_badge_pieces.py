"""One wording of a claim's verdict (h228): analysis.verdicts.badge_pieces gives the pieces
the web badge (`claim_verdict` macro), the briefing and the terminal (summary_pieces) draw a
claim's verdict from; their texts joined are verdict_summary, each case's pieces lie in its
own span, and an assumption's words carry its source id (the page links it)."""

from __future__ import annotations

from moneytrail.analysis.verdicts import (
    badge_pieces,
    badge_verdicts,
    summary_pieces,
    verdict_parts,
    verdict_summary,
)

GIGA = {"check_verdict": "contradicted", "assumption_or_weak_p50": 0.1469,
        "case": "the gigafactories", "when": "the money builds sites (buys chips)",
        "rests_on": "m_assumption_eu_same_global_market",
        "rests_on_says": "EU buyers face the global supplier mix"}
CLOUD = {"check_verdict": "supported", "assumption_or_weak_p50": 1.0, "case": "cloud rental",
         "when": "the money rents cloud compute"}
NVIDIA = {"check_verdict": "supported", "assumption_or_weak_p50": 0.0,
          "rests_on": "m_assumption_eu_same_global_market",
          "rests_on_says": "EU buyers face the global supplier mix"}


def pieces(verdict: str, weight: object, checks: list[dict]) -> list[dict]:
    return badge_pieces(verdict, weight, verdict_parts(verdict, checks))


def test_the_pieces_are_the_summary_case_by_case():
    said = pieces("conditional", 1.0, [GIGA, CLOUD])
    assert "".join(p["text"] for p in said) == verdict_summary("conditional", 1.0, [GIGA, CLOUD])
    assert "".join(p["text"] for p in said) == (
        "conditional: for the gigafactories, contradicted (15 % weak), rests on an "
        "assumption: EU buyers face the global supplier mix; for cloud rental, supported "
        "\u2014 on weak evidence (100 % weak)")
    # each verdict said with the weight its badge reads: the claim's own word with none
    verdicts = [(p["verdict"], p["weight"], p["weak"]) for p in said if p["verdict"]]
    assert verdicts == [("conditional", None, False), ("contradicted", 0.1469, False),
                        ("supported", 1.0, True)]
    # the two cases apart, with a piece outside both between them
    spans = [p["span"] for p in said]
    first, last = spans.index("case"), len(spans) - 1 - spans[::-1].index("case")
    assert "" in spans[first:last + 1]
    assert [p["source"] for p in said if p["source"]] == ["m_assumption_eu_same_global_market"]
    # the terminal's pieces are the same texts
    assert [t for t, _, _ in summary_pieces("conditional", 1.0, [GIGA, CLOUD])] == \
        [p["text"] for p in said]


def test_a_plain_verdict_names_its_assumption_apart():
    said = pieces("supported", 0.0, [NVIDIA])
    assert [(p["text"], p["span"], p["source"]) for p in said] == [
        ("supported", "", ""), (" ", "", ""), ("\u2014 rests on an assumption: ", "rests", ""),
        ("EU buyers face the global supplier mix", "rests",
         "m_assumption_eu_same_global_market")]
    # a claim not checked (no parts) is its verdict alone
    assert [p["text"] for p in badge_pieces("not applicable", None, {})] == ["not applicable"]


def test_the_key_reads_the_case_verdicts_not_the_claims_weight():
    seen = badge_verdicts([pieces("conditional", 1.0, [GIGA, CLOUD]),
                           pieces("supported", 0.0, [NVIDIA])])
    assert seen == {"shown": ["conditional", "contradicted", "supported"],
                    "weak": ["supported"]}
