"""Evidence weight in words: the share of a figure resting on `assumption` or `weak` rows."""

from __future__ import annotations

import math
from typing import Any


def _share(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def weight_text(p50: Any, p5: Any = None, p95: Any = None) -> str:
    """"62 % (57–68 %)" from the median and 90 % interval of an evidence weight (shares 0-1);
    the interval is left out when it is one value; "–" when the weight is not defined."""
    mid, low, high = _share(p50), _share(p5), _share(p95)
    if mid is None:
        return "–"
    text = f"{mid:.0%}".replace("%", " %")
    if low is not None and high is not None and round(low, 2) != round(high, 2):
        text += f" ({low * 100:.0f}–{high * 100:.0f} %)"
    return text


def row_weight(row: Any, prefix: str = "") -> str:
    """`weight_text` of a claims row's `<prefix>assumption_or_weak_p50|p5|p95` (a dict or a
    pandas row); "–" when the row has none. A check's weight (no `prefix`) left undefined
    by a figure of 0 in every draw says so (analysis.verdicts.NO_WEIGHT_WORDS, 'no weight:
    the figure is 0'), as its case does in a conditional claim's badge."""
    from moneytrail.analysis.verdicts import NO_WEIGHT_WORDS, zero_figure

    def get(stat: str) -> Any:
        key = f"{prefix}assumption_or_weak_{stat}"
        return row.get(key) if hasattr(row, "get") else None

    text = weight_text(get("p50"), get("p5"), get("p95"))
    if text == "–" and not prefix and hasattr(row, "get") and \
            "assumption_or_weak_p50" in row and zero_figure(get("p50"), row.get("p50")):
        return NO_WEIGHT_WORDS
    return text


def weak_figure_words(weight_p50: Any, see: str) -> str:
    """What a headline figure says right beside it when it rests mostly on assumption or weak
    rows: ' (it rests mostly on modelling assumptions or weakly sourced rows: <see>)' when its
    evidence weight (median, a share 0..1) is at or above analysis.verdicts.WEAK_BASIS, the
    rule that marks a claim's verdict 'on weak evidence'; '' otherwise (or undefined). `see`
    says where the reader finds the evidence weight (the run page, the briefing)."""
    from moneytrail.analysis.verdicts import WEAK_BASIS

    share = _share(weight_p50)
    if share is None or share < WEAK_BASIS:
        return ""
    return f" (it rests mostly on modelling assumptions or weakly sourced rows: {see})"


def own_inputs_words(share: Any) -> str:
    """What a figure checked against a run of a plan built in the plan builder says of the
    plan's own inputs (the evidence class engine.evidence.OWN): '86.1 % of the run's value
    added rests on the plan's own inputs ...'; '' when the run has none (or no evidence)."""
    from moneytrail.report.units import percent

    value = _share(share)
    if value is None or value <= 0:
        return ""
    return (f"{percent(value)} of the run's value added rests on the plan's own inputs "
            "(shares set in the plan builder), which the tool does not source: they are not "
            "counted as assumption or weak rows, so the verdict is only as good as those "
            "inputs.")


# how pages and tables name the evidence class engine.evidence.OWN
OWN_INPUT_WORDS = "the plan's own inputs"
OWN_INPUT_COLUMNS = ("own_input_p50", "own_input_p5", "own_input_p95")   # analysis.claims


def own_input_weight(row: Any) -> str:
    """`weight_text` of a claims row's share on the plan's own inputs (`own_input_p50|p5|p95`,
    a dict or a pandas row); "–" when the row has none."""
    if not hasattr(row, "get"):
        return "–"
    return weight_text(*(row.get(k) for k in OWN_INPUT_COLUMNS))


def own_input_check_words(row: Any) -> str:
    """What a claim's check says of the plan's own inputs (engine.evidence.OWN), beside its
    share on assumption or weak rows: '97 % (95–99 %) of this figure rests on the plan's own
    inputs ...' (median and 90 % interval over the draws); '' when none of it does (a
    reference plan, a check that reads no plan, a run stored before the class)."""
    value = _share(row.get("own_input_p50")) if hasattr(row, "get") else None
    if value is None or round(value, 2) <= 0:
        return ""
    return (f"{own_input_weight(row)} of this figure rests on the plan's own inputs (shares "
            "set in the plan builder; median and 90 % interval over the draws), which the "
            "tool does not source: it is not counted as assumption or weak rows, so the "
            "check is only as good as those inputs.")
