"""The words of a claim's verdict, in one light module (no numerics: the CLI's help lists them).

A claims check (analysis.claims) gives each check `supported`, `contradicted` or `uncertain`
from its P(holds); a claim whose cases disagree (`combine: conditional`) is `conditional`;
under MIN_VERDICT_DRAWS draws every verdict is WITHHELD. A claim about one plan (its `about`)
checked against a run of another plan is NOT_APPLICABLE (service.run_claims): it is not
checked at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

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


# -- the rule beside a claim's verdict and its weight line, in the words of every page --------

# How a claim's verdict combines its checks (its `combine`), in words: the stored `verdict_text`
# says 'supported (answered case by case)'; the web pages and the terminal show the rule after
# the verdict (rule_words)
COMBINE_TEXT = {"all": "all checks must hold", "any": "any one check is enough (alternatives)",
                "conditional": "answered case by case"}
# after the evidence weight of a claim whose cases disagree (each case says its own weight)
CASES_WEIGHT_WORDS = "each case has its own, above: the claim's is the largest"


def rule_words(verdict: object, verdict_text: object, combine: object = "") -> str:
    """The rule a claim's verdict combines its checks by, as shown beside the verdict (web
    pages, the terminal's claims table): the stored `verdict_text` without its verdict
    ('supported (answered case by case)' -> 'answered case by case'), a `verdict_text` of
    other words as it is; for a row without one (None, NaN, ''), COMBINE_TEXT of `combine`
    (all checks by default, as analysis.claims reads a claim without one)."""
    said = _text(verdict_text)
    head = f"{verdict} ("
    if said.startswith(head) and said.endswith(")"):
        return said[len(head):-1]
    if said:
        return said
    rule = _text(combine) or "all"
    return COMBINE_TEXT.get(rule, rule)


# -- a claim's verdict in one line: each case of a conditional claim, and the assumption a
# check rests on (docs/methods.md, "Verdicts": "What a verdict's badge says") -------------

def weight_percent(weight: object) -> str:
    """An evidence weight (a share 0..1) as '15 %'; '' when undefined (None, NaN, text)."""
    if isinstance(weight, bool):
        return ""
    try:
        share = float(weight)       # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return f"{share:.0%}".replace("%", " %") if share == share else ""


# what a case says in place of its weight when its figure is 0 in every draw: the weight, a
# share of the figure, is then undefined (analysis.evidence_weight: no figure, no weight)
NO_WEIGHT_WORDS = "no weight: the figure is 0"


def zero_figure(weight: object, figure: object) -> bool:
    """Whether a check's evidence weight is undefined because its figure is 0: the weight
    (median, a share 0..1) is missing or NaN and the figure's median (`p50`) is 0. A figure
    that is 0 in some draws only keeps a weight from the others, so an undefined weight with
    a zero median means a figure that is 0 in every draw."""
    if weight_percent(weight) or isinstance(figure, bool):
        return False
    try:
        return float(figure) == 0       # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def case_parts(verdict: str, weight: object, case: str = "", when: str = "",
               figure: object = None) -> dict[str, object]:
    """One case of a conditional claim, in parts for a page: {"verdict", "weight" (the
    check's median evidence weight), "weak" (weak_basis of the check's own verdict and
    weight), "said" ('for the gigafactories', from `case`; else 'if <when>'), "basis" ('15 %
    weak'; NO_WEIGHT_WORDS when the weight is undefined because the check's figure, median
    `figure`, is 0 (zero_figure); '' for any other missing weight)}."""
    said = f"for {case}" if case else f"if {when}" if when else ""
    percent = weight_percent(weight)
    basis = f"{percent} weak" if percent else NO_WEIGHT_WORDS if zero_figure(weight, figure) \
        else ""
    return {"verdict": verdict, "weight": weight, "weak": weak_basis(verdict, weight),
            "said": said, "basis": basis}


def case_words(verdict: str, weight: object, case: str = "", when: str = "",
               figure: object = None) -> str:
    """One case of a conditional claim with its own verdict (verdict_words: on weak evidence
    by the check's own weight) and evidence weight (the check's median): 'for the
    gigafactories, contradicted (15 % weak)', 'for cloud rental, supported — on weak
    evidence (100 % weak)', 'for cloud rental, contradicted (no weight: the figure is 0)'
    (case_parts; `figure`: the check's median)."""
    parts = case_parts(verdict, weight, case, when, figure)
    said = f"{parts['said']}, " if parts["said"] else ""
    basis = f" ({parts['basis']})" if parts["basis"] else ""
    return f"{said}{verdict_words(verdict, weight)}{basis}"


ASSUMPTION_WORDS = "rests on an assumption"


def assumption_words(says: Iterable[str]) -> str:
    """'rests on an assumption: EU buyers face the global supplier mix' (several joined by
    ' and ', each once; '' for none)."""
    named = [s for s in dict.fromkeys(str(s).strip() for s in says) if s]
    if not named:
        return ""
    plural = "rests on assumptions" if len(named) > 1 else ASSUMPTION_WORDS
    return f"{plural}: {' and '.join(named)}"


def rests_of(rows: Iterable[dict]) -> list[dict[str, str]]:
    """The labelled assumptions check rows rest on (`rests_on`, `rests_on_says`,
    `rests_on_why`), each once: [{"source", "says", "why"}]."""
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        source = _text(row.get("rests_on"))
        if source and source not in out:
            out[source] = {"source": source, "says": _text(row.get("rests_on_says")),
                           "why": _text(row.get("rests_on_why"))}
    return list(out.values())


def verdict_parts(verdict: str, checks: Iterable[dict]) -> dict[str, object]:
    """A claim's verdict in parts for its badge: {"cases": one case_parts per check, each
    with its "rests" (rests_of), for a conditional claim whose cases disagree, else [];
    "rests": the assumptions its checks rest on (rests_of)}. `checks`: its check rows
    ({check_verdict, assumption_or_weak_p50, p50 (the figure's median), case, when,
    rests_on, rests_on_says, ...})."""
    rows = list(checks)
    cases = []
    if str(verdict) == "conditional":
        for row in rows:
            cases.append({**case_parts(_text(row.get("check_verdict")),
                                       row.get("assumption_or_weak_p50"),
                                       _text(row.get("case")), _text(row.get("when")),
                                       row.get("p50")),
                          "rests": rests_of([row])})
    return {"cases": cases,
            "rests": rests_of(rows) if str(verdict) in WEAK_BASIS_VERDICTS else []}


def verdict_summary(verdict: str, weight: object, checks: Iterable[dict]) -> str:
    """A claim's verdict in one line, as its badge says it (web pages, CSV and JSON column
    `verdict_summary`, the terminal's claims table). `checks`: its check rows
    (verdict_parts). A conditional claim whose cases disagree names each case with its own
    verdict and weight, since the claim's weight (the largest of its checks') would hang one
    case's weakness on all: 'conditional: for the gigafactories, contradicted (15 % weak);
    for cloud rental, supported — on weak evidence (100 % weak)'. Any other verdict is
    verdict_words ('supported — on weak evidence'). A check resting on a labelled
    assumption its weight does not count (`rests_on_says`) adds it: 'supported — rests on an
    assumption: EU buyers face the global supplier mix' (for a case, after that case). The
    text of summary_pieces, joined."""
    return "".join(text for text, _, _ in summary_pieces(verdict, weight, checks))


def summary_pieces(verdict: str, weight: object, checks: Iterable[dict]) \
        -> list[tuple[str, str, bool]]:
    """verdict_summary in pieces, so a renderer can colour each verdict it names (the
    terminal's claims table): [(text, verdict, weak)], where `verdict` is the verdict a
    piece says ('' for the words around it: case names, weights, assumptions) and `weak`
    whether it is said on weak evidence (weak_basis). The pieces' texts joined are the
    line: [('conditional', 'conditional', False), (': ', '', False), ('for the
    gigafactories, ', '', False), ('contradicted', 'contradicted', False), (' (15 % weak)',
    '', False), ...]. The texts and verdicts of badge_pieces."""
    return [(str(p["text"]), str(p["verdict"]), bool(p["weak"]))
            for p in badge_pieces(verdict, weight, verdict_parts(verdict, checks))]


def badge_pieces(verdict: str, weight: object, parts: Mapping[str, Any]) \
        -> list[dict[str, object]]:
    """A claim's verdict in one line, in the pieces a page draws its badge from (the web
    pages' `claim_verdict` macro, the briefing's claims table; summary_pieces for the
    terminal), so every place says it in the same words. `parts`: the claim's
    verdict_parts ("cases" and "rests"; a missing key is none, as for a claim not checked).
    Each piece: {"text": its words; "verdict": the verdict it says ('' for the words around
    it); "weight": the evidence weight that verdict's badge reads (a case's own, the
    claim's `weight` for a verdict without cases, None for a conditional claim's own word,
    which no weight qualifies); "weak": weak_basis of that verdict and weight; "source": the
    source id of a labelled assumption, on its words ('' otherwise); "span": "case" for the
    pieces of one case (its name, verdict, weight and assumptions), "rests" for the
    assumptions a verdict without cases rests on, '' for the rest}. Consecutive cases are
    apart: a '; ' piece outside them lies between. The texts joined are verdict_summary:
    'conditional: for the gigafactories, contradicted (15 % weak); for cloud rental,
    supported — on weak evidence (100 % weak)'; 'supported — rests on an assumption: EU
    buyers face the global supplier mix'."""
    cases = list(parts.get("cases") or [])
    if cases:
        pieces = [_piece(str(verdict), str(verdict))]
        for k, case in enumerate(cases):
            pieces.append(_piece("; " if k else ": "))
            if case["said"]:
                pieces.append(_piece(f"{case['said']}, ", span="case"))
            own = str(case["verdict"])
            pieces.append(_piece(verdict_words(own, case["weight"]), own, case["weight"],
                                 span="case"))
            if case["basis"]:
                pieces.append(_piece(f" ({case['basis']})", span="case"))
            pieces += _assumption_pieces(case.get("rests") or [], ", ", "case")
        return pieces
    head = _piece(verdict_words(verdict, weight), str(verdict), weight)
    if str(verdict) not in WEAK_BASIS_VERDICTS:
        return [head]
    rests = _assumption_pieces(parts.get("rests") or [], "\u2014 ", "rests")
    return [head, _piece(" "), *rests] if rests else [head]


def badge_verdicts(badges: Iterable[Iterable[Mapping[str, object]]]) -> dict[str, list[str]]:
    """The verdicts some badges say (each a badge_pieces list), each once in order, for the
    key under them: {"shown": every verdict said, "weak": those said on weak evidence} (a
    conditional claim's cases by their own weights, never the claim's)."""
    shown: dict[str, None] = {}
    weak: dict[str, None] = {}
    for badge in badges:
        for piece in badge:
            if piece["verdict"]:
                shown[str(piece["verdict"])] = None
                if piece["weak"]:
                    weak[str(piece["verdict"])] = None
    return {"shown": list(shown), "weak": list(weak)}


def _piece(text: str, verdict: str = "", weight: object = None, source: str = "",
           span: str = "") -> dict[str, object]:
    """One piece of badge_pieces (`weak` from the verdict and weight)."""
    return {"text": text, "verdict": verdict, "weight": weight,
            "weak": weak_basis(verdict, weight) if verdict else False,
            "source": source, "span": span}


def _assumption_pieces(rests: Iterable[Mapping[str, str]], lead: str, span: str) \
        -> list[dict[str, object]]:
    """The labelled assumptions `rests` (rests_of) as badge_pieces: `lead` + 'rests on an
    assumption: ', then each assumption's words once (with its source id), ' and ' between;
    [] for none. Their texts joined are `lead` + assumption_words."""
    named: dict[str, str] = {}          # its words -> its source id (the first)
    for r in rests:
        says = str(r.get("says") or "").strip()
        if says and says not in named:
            named[says] = str(r.get("source") or "")
    if not named:
        return []
    plural = "rests on assumptions" if len(named) > 1 else ASSUMPTION_WORDS
    pieces = [_piece(f"{lead}{plural}: ", span=span)]
    for k, (says, source) in enumerate(named.items()):
        if k:
            pieces.append(_piece(" and ", span=span))
        pieces.append(_piece(says, source=source, span=span))
    return pieces


def _text(value: object) -> str:
    """A row's text cell: '' for None or NaN."""
    return "" if value is None or value != value else str(value)
