"""A check whose figure is 0 in every draw has no evidence weight (a share of nothing: NaN).
A conditional claim's case with such a figure showed no weight at all, so a reader could not
tell why one case had a weight and the other none; it now says "no weight: the figure is 0"
wherever a case's or a check's weight is shown (the badge: analysis.verdicts.badge_pieces,
for the web pages, the briefing and the terminal; the check's weight column: report.evidence.
row_weight, through the web's evidence_weight filter). The bundled claims have no such case
(the published check: every conditional case has a weight), so the claim is built here."""

from __future__ import annotations

import math
import re
from html import unescape

import pytest

from moneytrail.analysis.verdicts import (
    NO_WEIGHT_WORDS,
    badge_pieces,
    verdict_parts,
    verdict_summary,
    zero_figure,
)

NAN = math.nan


def check(verdict: str, weight: float, p50: float, case: str) -> dict[str, object]:
    """A check row as analysis.claims gives it (the columns the badge reads)."""
    return {"check_verdict": verdict, "assumption_or_weak_p50": weight,
            "assumption_or_weak_p5": weight, "assumption_or_weak_p95": weight,
            "p50": p50, "p5": p50, "p95": p50, "case": case, "when": ""}


# a conditional claim: one case with a figure and a weight, one whose figure is 0 throughout
ROWS = [check("contradicted", 0.15, 0.43, "the gigafactories"),
        check("contradicted", NAN, 0.0, "cloud rental")]
SUMMARY = ("conditional: for the gigafactories, contradicted (15 % weak); for cloud rental, "
           "contradicted (no weight: the figure is 0)")


def test_a_case_with_a_zero_figure_says_why_it_has_no_weight():
    assert verdict_summary("conditional", 0.15, ROWS) == SUMMARY
    pieces = badge_pieces("conditional", 0.15, verdict_parts("conditional", ROWS))
    assert "".join(str(p["text"]) for p in pieces) == SUMMARY
    # the words belong to the case: inside its span, after its verdict
    said = [p for p in pieces if p["text"] == f" ({NO_WEIGHT_WORDS})"]
    assert len(said) == 1 and said[0]["span"] == "case" and said[0]["verdict"] == ""


@pytest.mark.parametrize(("weight", "figure", "zero"), [
    (NAN, 0.0, True), (None, 0, True), (0.0, 0.0, False),    # a weight of 0 % is a weight
    (NAN, 0.5, False), (NAN, None, False), (NAN, NAN, False), (0.2, 0.0, False),
    ("", 0.0, True), (NAN, False, False)])
def test_zero_figure_only_for_an_undefined_weight_of_a_zero_figure(weight, figure, zero):
    assert zero_figure(weight, figure) is zero


def test_a_case_without_a_weight_for_another_reason_says_nothing_new():
    """A weight missing while the figure is not 0 (a run stored before weights): as before."""
    rows = [ROWS[0], check("contradicted", NAN, 0.3, "cloud rental")]
    assert verdict_summary("conditional", 0.15, rows) == (
        "conditional: for the gigafactories, contradicted (15 % weak); for cloud rental, "
        "contradicted")


def test_the_checks_weight_column_says_it_too():
    """The weight column of a check (check page, /claims, the briefing, the terminal):
    'no weight: the figure is 0' in place of a bare dash; the claim's weight keeps its
    rule (the largest of its checks')."""
    import pandas as pd

    from moneytrail.report.evidence import row_weight

    assert row_weight(ROWS[1]) == NO_WEIGHT_WORDS
    assert row_weight(pd.Series(ROWS[1])) == NO_WEIGHT_WORDS          # a pandas row
    assert row_weight(ROWS[0]) == "15 %"
    assert row_weight({**ROWS[1], "p50": 0.2}) == "–"
    assert row_weight({"p50": 0.0}) == "–"             # a row without a weight at all
    assert row_weight({**ROWS[1], "claim_assumption_or_weak_p50": NAN}, "claim_") == "–"


def test_the_web_badge_and_weight_say_it():
    pytest.importorskip("fastapi")
    from moneytrail.web.app import templates
    from moneytrail.web.format import evidence_weight

    claim = {"verdict": "conditional", "weight": {"claim_assumption_or_weak_p50": 0.15},
             **verdict_parts("conditional", ROWS)}
    html = str(templates().get_template("macros.html").module.claim_verdict(claim))  # type: ignore[attr-defined]
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert text.endswith("for cloud rental, Contradicted (no weight: the figure is 0)"), text
    assert evidence_weight(ROWS[1]) == NO_WEIGHT_WORDS
