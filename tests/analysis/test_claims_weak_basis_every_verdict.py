"""The weak-evidence flag ("on weak evidence", `weak_basis`) follows one rule for every verdict
(a journalist's finding: conditional verdicts were never flagged, although the Stargate jobs
claim's cases rest 79 % on assumption or weak rows and the Nvidia/hyperscaler claim's cloud
case 100 %). A withheld verdict (too few draws) is no verdict and is not flagged."""

from __future__ import annotations

import pandas as pd
import pytest

from moneytrail.analysis.claims import with_verdict_basis
from moneytrail.analysis.verdicts import weak_basis, weak_basis_key

WEAK = "\u2014 on weak evidence"


@pytest.mark.parametrize("verdict", ["supported", "contradicted", "uncertain", "conditional"])
def test_every_verdict_at_or_above_one_half_is_flagged(verdict):
    frame = with_verdict_basis(pd.DataFrame([
        {"claim": "a", "verdict": verdict, "claim_assumption_or_weak_p50": 0.79},
        {"claim": "b", "verdict": verdict, "claim_assumption_or_weak_p50": 0.2}]))
    assert frame["weak_basis"].tolist() == [True, False]
    assert frame["verdict_label"].tolist() == [f"{verdict} {WEAK}", verdict]


def test_a_withheld_verdict_is_not_flagged():
    assert not weak_basis("withheld", 1.0)


def test_the_key_does_not_say_only_decisive_verdicts_are_flagged():
    key = weak_basis_key()
    assert "the same for every other verdict" in key
    assert "the checks decide the claim" not in key and "contradicted claim" not in key


def test_the_text_key_names_the_verdicts_shown_on_weak_evidence():
    """The terminal's key under a claims table explained a contradicted verdict on weak
    evidence with 'supported — on weak evidence': it names the verdicts shown, in order."""
    key = weak_basis_key(["conditional", "contradicted"])
    assert key.startswith(f"contradicted {WEAK}, conditional {WEAK}: ")
    assert "supported" not in key
    assert weak_basis_key().startswith(f"supported {WEAK}: ")


def test_the_shipped_conditional_claims_on_weak_rows_are_flagged(claims_inputs):
    from moneytrail.analysis.claims import check_claims, load_claims

    wanted = {"stargate-over-100000-us-jobs", "public-money-to-nvidia-and-hyperscalers"}
    claims = [c for c in load_claims() if c.id in wanted]
    frame = check_claims(claims, **claims_inputs, draws=200)
    first = frame.groupby("claim").first()
    assert set(first["verdict"]) == {"conditional"}
    assert (first["claim_assumption_or_weak_p50"] >= 0.5).all()
    assert first["weak_basis"].all()
    assert (first["verdict_label"] == f"conditional {WEAK}").all()


def test_the_briefing_flags_a_conditional_verdicts_weak_case_and_keeps_its_cases():
    """Each case with its own verdict and weight, as the web badge says it (h216, h228): the
    claim's weight, the largest of its cases', flags only the case resting on weak rows."""
    from moneytrail.report.briefing.content import SourceBook, claim_entry
    from moneytrail.report.evidence import row_weight

    rows = pd.DataFrame([{"claim": "c", "text": "A claim", "check": f"a check of {case}",
                          "bound": "min 0.5", "bound_text": "at least 50 %", "figure": "60 %",
                          "p_holds": p, "check_verdict": verdict, "case": case,
                          "when": f"the money {case}", "assumption_or_weak_p50": weight,
                          "verdict": "conditional", "combine": "conditional",
                          "verdict_text": "supported if X; contradicted if Y", "note": "",
                          "sources": "", "claim_assumption_or_weak_p50": 0.79,
                          "claim_assumption_or_weak_p5": 0.7,
                          "claim_assumption_or_weak_p95": 0.9}
                         for case, verdict, p, weight in (("X", "supported", 1.0, 0.79),
                                                          ("Y", "contradicted", 0.0, 0.1))])
    entry = claim_entry(rows, SourceBook(rows={}), "", "", row_weight)
    assert entry["weak"]
    assert entry["verdict"] == (f"conditional: for X, supported {WEAK} (79 % weak); for Y, "
                                "contradicted (10 % weak)")
    assert [(p["text"], p["weak"]) for p in entry["pieces"] if p["verdict"]] == [
        ("conditional", False), (f"supported {WEAK}", True), ("contradicted", False)]
