"""Evidence weight of claim verdicts and non-linear metrics (analysis.evidence_weight, issue 10):
hand-computed examples and label properties."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import moneytrail as mt
from moneytrail.analysis.claims import LedgerTables, check_claims
from moneytrail.analysis.claims_schema import parse_claims
from moneytrail.analysis.evidence_weight import (
    claim_weight,
    factor_weight,
    purchases_weight,
    ratio_weight,
    row_label,
    sum_weight,
    trace_weight,
)
from moneytrail.engine.evidence import LABELS, OWN

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from packages import miller_blair_plan, miller_blair_tables, write_package  # noqa: E402

DRAWS = 50


# -- claims: a hand-computed ledger example ----------------------------------------------------
def ledger(labels: dict[str, str]) -> LedgerTables:
    """Three ledger claims in EUR, fixed amounts: a 100 (source s_a), b 300 (s_b), c 100 (s_c);
    `labels` gives each source's reliability."""
    claims = pd.DataFrame({
        "ref": ["a", "b", "c"], "deal": ["d1", "d1", "d1"], "stage": ["announced"] * 3,
        "low": ["100", "300", "100"], "central": ["100", "300", "100"],
        "high": ["100", "300", "100"], "currency": ["EUR"] * 3, "price_year": ["2024"] * 3,
        "as_of": ["2025-01-01"] * 3, "source": ["s_a", "s_b", "s_c"]})
    deals = pd.DataFrame({"id": ["d1"], "sector": ["private"], "sources": ["s_b"]})
    sources = pd.DataFrame({"id": list(labels), "reliability": list(labels.values())})
    return LedgerTables(claims=claims, deals=deals, sources=sources)


def claims(source: str) -> list:
    return parse_claims({"claims": [{
        "id": "toy", "claim": "A toy claim.", "sources": [source],
        "checks": [
            {"computation": "ledger.ratio", "args": {"numerator": ["a"],
                                                     "denominator": ["b", "c"]},
             "max": 0.5, "describe": "a / (b + c)"},
            {"computation": "ledger.ratio", "args": {"numerator": ["b"], "denominator": ["b"]},
             "min": 0.5, "describe": "b / b"},
        ]}]}, "<test>")


def run(claims_inputs, labels: dict[str, str]) -> pd.DataFrame:
    inputs = {**claims_inputs, "ledger": ledger(labels)}
    return check_claims(claims("l_stargate_2025_01_center"), **inputs, draws=DRAWS,
                        seed=1).set_index("check")


def test_ledger_ratio_weight_is_the_weak_money_of_numerator_and_denominator(claims_inputs):
    """By hand: a (100, weak) / (b 300 filing + c 100 assumption) = 0.25. b and c are exact
    amounts (low = high): a fixed divisor is a factor (rule 3, data 2.5.0), so the figure takes
    the larger of the numerator's weak share (a: 100 %) and the divisor's (c: 25 %): 100 %
    (rule 2 gave (100 + 100) / 500 = 40 %, letting the strong divisor dilute a weak
    numerator). The second check reads b only (filing): 0 %. The verdict: 100 %."""
    out = run(claims_inputs, {"s_a": "weak", "s_b": "filing", "s_c": "assumption"})
    first = out.loc["a / (b + c)"]
    assert first["p50"] == pytest.approx(0.25)
    for stat in ("p5", "p50", "p95"):
        assert first[f"assumption_or_weak_{stat}"] == pytest.approx(1.0)
        assert out.loc["b / b", f"assumption_or_weak_{stat}"] == pytest.approx(0.0)
        assert out[f"claim_assumption_or_weak_{stat}"].tolist() == pytest.approx([1.0, 1.0])
    # a weak-free numerator over that divisor takes the divisor's weak share
    out = run(claims_inputs, {"s_a": "filing", "s_b": "filing", "s_c": "assumption"})
    assert out.loc["a / (b + c)", "assumption_or_weak_p50"] == pytest.approx(0.25)


@pytest.mark.parametrize(("label", "expected"), [("filing", 0.0), ("official", 0.0),
                                                 ("weak", 1.0), ("assumption", 1.0)])
def test_claims_relabelled_all_one_way(claims_inputs, label, expected):
    out = run(claims_inputs, dict.fromkeys(("s_a", "s_b", "s_c"), label))
    assert (out["assumption_or_weak_p50"] == expected).all()
    assert (out["claim_assumption_or_weak_p95"] == expected).all()


def test_shipped_claims_carry_a_weight_in_range(claims_inputs):
    out = check_claims(**claims_inputs, draws=100)
    for column in ("assumption_or_weak_p50", "claim_assumption_or_weak_p50"):
        assert out[column].notna().all()
        assert out[column].between(0, 1).all()
    # a claim is as weak as its weakest check
    for _, rows in out.groupby("claim"):
        assert rows["claim_assumption_or_weak_p50"].iloc[0] >= \
            rows["assumption_or_weak_p50"].max() - 1e-12
    # the cloud market claim rests on market rows: the US-owned rows are mostly assumptions
    cloud = out[out["claim"] == "us-providers-dominate-eu-cloud"]
    assert 0 < cloud["assumption_or_weak_p50"].iloc[0] <= 1


# -- rules: hand-computed -----------------------------------------------------------------------
def test_rules_by_hand():
    # rule 1: parts 2 (weak) and 6 (filing): 25 %
    assert sum_weight(np.array([[2.0, 6.0]]), [True, False])[0] == pytest.approx(0.25)
    # rule 2: a = 1 at 50 %, b = 4 at 87.5 %: (0.5 + 3.5) / 5 = 80 %
    assert ratio_weight(np.array([1.0]), 0.5, np.array([4.0]), 0.875)[0] == pytest.approx(0.8)
    # rule 3: a weak factor row carries the whole figure; a strong one keeps its weight
    assert factor_weight(np.array([0.3]), "assumption")[0] == 1.0
    assert factor_weight(np.array([0.3]), "analyst")[0] == pytest.approx(0.3)
    # a verdict takes its weakest check, per draw
    assert claim_weight([np.array([0.1, 0.9]), np.array([0.5, np.nan])]).tolist() == [0.5, 0.9]
    # a row's label: its own (its author's, from all its sources), else its strongest source,
    # else assumption
    sources = pd.Series({"x": "weak", "y": "official"})
    assert row_label({"reliability": "estimate", "sources": "x"}, sources) == "estimate"
    assert row_label({"sources": "x;y"}, sources) == "official"
    assert row_label({"sources": "z"}, sources) == "assumption"


# -- a non-linear metric on a labelled model, by hand ----------------------------------------------
def model_with(cost_label: str | None, market_label: str | None, tmp_path: Path):
    tables = miller_blair_tables()
    for row in tables["cost_structures"]:
        row["reliability"] = cost_label
        row["note"] = "test label"
    for row in tables["markets"]:
        row["reliability"] = market_label
        row["note"] = "test label"
    return mt.load_model(2025, path=write_package(tmp_path, tables))


def plan_with(food: str | None, goods: str | None) -> mt.Plan:
    plan = miller_blair_plan()
    labels = {"food": food, "goods": goods}
    plan["spend"] = {c: {"central": v, **({"reliability": labels[c], "note": "test label"}
                                           if labels[c] else {})}
                     for c, v in plan["spend"].items()}
    return mt.parse_scenario(plan)


def test_first_invoice_metric_weight_by_hand(tmp_path):
    """Miller & Blair: food 600 (spend `analyst`, market `official`) and goods 1,450 (spend
    unlabelled = assumption, market `filing`): every first-invoice metric (HHI change,
    single-supplier share, export exposure, ...) reads purchases of which 1,450 / 2,050 =
    70.7 % rest on an assumption row, in every draw (fixed shares)."""
    model = model_with("filing", "official", tmp_path)
    result = mt.trace(plan_with("analyst", None), model, draws=DRAWS, seed=1, keep_draws=True,
                      evidence=True)
    weight = purchases_weight(result)
    assert weight == pytest.approx(np.full(DRAWS, 1450 / 2050))
    # only the goods maker's purchases: all on the assumption spend row
    assert purchases_weight(result, ["manufacturing"]) == pytest.approx(np.ones(DRAWS))
    assert purchases_weight(result, ["agriculture"]) == pytest.approx(np.zeros(DRAWS))


@settings(max_examples=6, deadline=None)
@given(st.sampled_from([label for label in LABELS if label != OWN]))   # the data's labels
def test_relabelling_every_row_one_label(tmp_path_factory, label):
    """Every row `filing` (or any label stronger than weak): 0 %; every row `assumption` or
    `weak`: 100 %, for the trace-read and the first-invoice weights."""
    model = model_with(label, label, tmp_path_factory.mktemp("relabel"))
    result = mt.trace(plan_with(label, label), model, draws=DRAWS, seed=2, keep_draws=True,
                      evidence=True)
    expected = 1.0 if label in ("weak", "assumption") else 0.0
    assert purchases_weight(result) == pytest.approx(np.full(DRAWS, expected))
    assert trace_weight(result, "total", ["all value added"]) == pytest.approx(
        np.full(DRAWS, expected))


def test_scorecard_has_a_weight_for_every_metric_but_conditions():
    """Every scorecard metric of a traced plan gets an evidence row (conditions: none); the
    first-invoice metrics equal the purchases' weight; a plain trace has no evidence rows."""
    from moneytrail.analysis.metrics import Evaluation
    from moneytrail.analysis.scorecard import CONDITIONS_ROW, ROWS
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    plan = mt.load_scenario(Path(__file__).resolve().parents[2] / "scenarios"
                            / "stargate-style-us.yaml")
    with Workspace.open() as ws:
        traced = tasks.ws_trace(ws, plan, draws=200, seed=1, evidence=True)
        card = tasks.scorecard_table([traced], ws).frame()
        purchases = purchases_weight(traced)
        Evaluation.of(traced, ws.analysis)
    for label, metric, _, _ in ROWS:
        row = card.loc[tasks.EVIDENCE_ROW.format(label)]
        assert row["unit"] == "share"
        assert 0 <= row[f"{plan.id}_p5"] <= row[f"{plan.id}_p50"] <= row[f"{plan.id}_p95"] <= 1
        if metric in ("hhi_change", "single_supplier_share", "markup_share"):
            assert row[f"{plan.id}_p50"] == pytest.approx(np.median(purchases))
    assert tasks.EVIDENCE_ROW.format(CONDITIONS_ROW) not in card.index
