"""The words of a claim's verdict, in one light module (no numerics: the CLI's help lists them).

A claims check (analysis.claims) gives each check `supported`, `contradicted` or `uncertain`
from its P(holds); a claim whose cases disagree (`combine: conditional`) is `conditional`;
under MIN_VERDICT_DRAWS draws every verdict is WITHHELD. A claim about one plan (its `about`)
checked against a run of another plan is NOT_APPLICABLE (service.run_claims): it is not
checked at all.
"""

from __future__ import annotations

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
