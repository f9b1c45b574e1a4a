"""The words of a claim's verdict, in one light module (no numerics: the CLI's help lists them).

A claims check (analysis.claims) gives each check `supported`, `contradicted` or `uncertain`
from its P(holds); a claim whose cases disagree (`combine: conditional`) is `conditional`;
under MIN_VERDICT_DRAWS draws every verdict is WITHHELD. A claim about one plan (its `about`)
checked against a run of another plan is NOT_APPLICABLE (service.run_claims): it is not
checked at all.
"""

from __future__ import annotations

from collections.abc import Iterable

# Below this many draws a claim checked against a run gets no verdict: P(holds) moves in steps
# of more than one point, and its sampling error at the 90 % cut-off (binomial, sqrt(0.9 x
# 0.1 / n)) is more than 3 points, about +-6 points at 95 % confidence, so "supported" vs
# "uncertain" could be an accident of the draws (with 1 draw P(holds) is 0 or 100 %).
MIN_VERDICT_DRAWS = 100
WITHHELD = "withheld"       # the verdict of a check over too few draws (MIN_VERDICT_DRAWS)
WITHHELD_LABEL = "no verdict (too few draws)"     # WITHHELD in a verdict column, in words
# the verdict of a claim about one plan (its `about`) checked against a run of another plan
NOT_APPLICABLE = "not applicable"
# every verdict a claims check gives (`moneytrail claims check`, the published check)
VERDICTS = ("supported", "contradicted", "uncertain", "conditional", WITHHELD)


def verdicts_help() -> str:
    """The verdicts of a claims check for help texts: 'supported | contradicted | uncertain |
    conditional (case by case) | withheld (under 100 draws: no verdict)'."""
    said = {"conditional": "conditional (case by case)",
            WITHHELD: f"{WITHHELD} (under {MIN_VERDICT_DRAWS} draws: no verdict)"}
    return " | ".join(said.get(v, v) for v in VERDICTS)


# A verdict (supported, contradicted, uncertain, or conditional: each of its cases answered) is
# said to rest on weak evidence when the median share of its figure resting on rows labelled
# `assumption` or `weak` (its evidence weight, analysis.evidence_weight: per draw the largest of
# its checks') is at least this. At one half or more, most of what decides the verdict is a
# guess or a weakly sourced row, so the verdict says so in its own label ("supported — on weak
# evidence") instead of in a separate column a reader may skip (docs/methods.md, "Evidence
# weight"). The same rule for every verdict: a conditional verdict answers each of its cases
# (supported in one, contradicted in another) and an uncertain one says how far the data go,
# and either is only as good as the rows behind it. A withheld verdict (too few draws) is no
# verdict, so nothing is said about its basis.
WEAK_BASIS = 0.5
WEAK_BASIS_VERDICTS = ("supported", "contradicted", "uncertain", "conditional")
WEAK_BASIS_WORDS = "on weak evidence"


def weak_basis(verdict: object, weight: object) -> bool:
    """Whether a claim's verdict rests on weak evidence: a verdict (WEAK_BASIS_VERDICTS: not
    a withheld one) whose evidence weight (median, a share 0..1) is at or above WEAK_BASIS. A
    missing or undefined weight (None, NaN, text) is not weak: nothing says it is."""
    if str(verdict) not in WEAK_BASIS_VERDICTS or isinstance(weight, bool):
        return False
    try:
        share = float(weight)       # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return share == share and share >= WEAK_BASIS      # NaN is not >= anything


def verdict_words(verdict: object, weight: object, label: str | None = None) -> str:
    """A claim's verdict with its basis: 'supported — on weak evidence' when weak_basis, else
    the verdict as it is; `label`, the verdict as a page shows it ('Supported'), in place of
    the verdict's own word (the rule stays on the verdict)."""
    said = str(verdict) if label is None else label
    return f"{said} \u2014 {WEAK_BASIS_WORDS}" if weak_basis(verdict, weight) else said


# What "on weak evidence" means, in the words of every key under a verdict column (the web
# pages' key, `moneytrail claims check`'s line under its table)
WEAK_BASIS_KEY = ("at least half of the figure behind the verdict rests on rows labelled "
                  "assumption or weak, so the verdict is only as good as those guesses")
WEAK_BASIS_SAME = "the same for every other verdict"    # after the key's example


def weak_basis_key(verdicts: Iterable[str] = ("supported",)) -> str:
    """The one-line key of a verdict on weak evidence, for text (the terminal), naming the
    `verdicts` shown on weak evidence, each as it is shown (never another verdict's words
    beside it): 'contradicted — on weak evidence: at least half of the figure ... (the same
    for every other verdict; docs/methods.md, "Evidence weight")'."""
    seen = [v for v in WEAK_BASIS_VERDICTS if v in set(verdicts)] or ["supported"]
    said = ", ".join(verdict_words(v, 1.0) for v in seen)
    return (f"{said}: {WEAK_BASIS_KEY} ({WEAK_BASIS_SAME}; "
            "docs/methods.md, \"Evidence weight\").")


# the columns (CSV) and fields (JSON) verdict_basis gives, after a claim's other columns
BASIS_COLUMNS = ("weak_basis", "verdict_label")


def verdict_basis(verdict: object, weight: object) -> dict[str, object]:
    """The fields that tell a reader of CSV or JSON a verdict on weak evidence apart, beside
    the verdict as computed: {"weak_basis": weak_basis(...), "verdict_label":
    verdict_words(...)} ('supported — on weak evidence', else the verdict as it is)."""
    return {"weak_basis": weak_basis(verdict, weight),
            "verdict_label": verdict_words(verdict, weight)}
