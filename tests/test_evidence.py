"""Evidence weight: each unit of value added takes the weakest label on its path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import moneytrail as mt
from moneytrail.engine.evidence import LABELS, OWN, RANK, central_by_category, rank
from moneytrail.errors import ModelError, MoneytrailError
from moneytrail.scenarios.schema import USER_NOTE
from packages import miller_blair_plan, miller_blair_tables, write_package

REPO = Path(__file__).resolve().parents[1]

# Miller & Blair with a label on every row (entity, kind, counterpart) -> label
COST_LABELS = {
    ("agriculture", "input", "agriculture"): "filing",
    ("agriculture", "input", "manufacturing"): "assumption",
    ("agriculture", "labour", "DE"): "weak",
    ("agriculture", "capital", "DE"): "filing",
    ("agriculture", "tax", "DE"): "official",
    ("manufacturing", "input", "agriculture"): "estimate",
    ("manufacturing", "input", "manufacturing"): "analyst",
    ("manufacturing", "labour", "US"): "official",
    ("manufacturing", "capital", "US"): "estimate",
    ("manufacturing", "tax", "US"): "filing",
}
MARKET_LABELS = {"agriculture": "official", "manufacturing": "filing"}
SPEND_LABELS = {"food": "analyst", "goods": None}          # goods: unlabelled -> assumption
# a share the user set in the plan builder (web.builder.own_row): the plan's own input
USER_SHARE = {"reliability": "assumption", "note": USER_NOTE}


def labelled_tables(spread: float = 0.0) -> dict:
    tables = miller_blair_tables(spread=spread)
    for row in tables["cost_structures"]:
        row["reliability"] = COST_LABELS[(row["entity"], row["kind"], row["counterpart"])]
        if row["reliability"] == "assumption":
            row["note"] = "a test assumption"
    for row in tables["markets"]:
        row["reliability"] = MARKET_LABELS[row["supplier"]]
    return tables


def labelled_plan(food: dict | None = None, **overrides) -> mt.Plan:
    """The Miller & Blair plan with SPEND_LABELS; `food`: the food share's label fields
    instead (USER_SHARE: the user's own figure)."""
    plan = miller_blair_plan(**overrides)
    plan["spend"] = {c: {"central": v, **({"reliability": SPEND_LABELS[c]}
                                           if SPEND_LABELS[c] else {})}
                     for c, v in plan["spend"].items()}
    if food is not None:
        plan["spend"]["food"] = {"central": plan["spend"]["food"]["central"], **food}
    return mt.parse_scenario(plan)


@pytest.fixture(scope="module")
def labelled_model(tmp_path_factory) -> mt.IOModel:
    root = write_package(tmp_path_factory.mktemp("ev"), labelled_tables())
    return mt.load_model(2025, path=root)


@pytest.fixture(scope="module")
def uncertain_model(tmp_path_factory) -> mt.IOModel:
    root = write_package(tmp_path_factory.mktemp("evu"), labelled_tables(spread=0.04))
    return mt.load_model(2025, path=root)


def by_paths(A: np.ndarray, A_rank: np.ndarray, f_by_rank: np.ndarray, w: np.ndarray,
             w_rank: np.ndarray, flow_entity: np.ndarray, steps: int = 400) -> np.ndarray:
    """Independent check: the tier series carried with the weakest label so far.

    v[i, r]: money arriving at entity i along paths whose weakest row is r. One step along an
    input row a_ij (rank s) moves a_ij v[j, r] to v'[i, max(r, s)]. The value added of flow k
    at entity i then takes the weakest of that and its own row: (labels, flows)."""
    n = A.shape[0]
    labels = len(LABELS)
    term = f_by_rank.copy()                    # (n, labels): tier 1
    total = term.copy()
    for _ in range(steps):
        nxt = np.zeros((n, labels))
        for i in range(n):
            for j in range(n):
                if A[i, j]:
                    for r in range(labels):
                        nxt[i, max(r, A_rank[i, j])] += A[i, j] * term[j, r]
        term = nxt
        total += term
    out = np.zeros((labels, w.size))
    for k in range(w.size):
        for r in range(labels):
            out[max(r, w_rank[k]), k] += w[k] * total[flow_entity[k], r]
    return out


def test_rank_orders_labels_and_unlabelled_is_assumption():
    assert list(rank(LABELS)) == list(range(7))
    assert list(rank([None, "", float("nan")])) == [RANK["assumption"]] * 3
    with pytest.raises(ModelError):
        rank(["rumour"])


@pytest.mark.parametrize(("food", "food_label"), [(None, "analyst"), (USER_SHARE, OWN)],
                         ids=["sourced", "users-own-share"])
def test_split_matches_path_enumeration(labelled_model, food, food_label):
    """Miller & Blair at central values: the solved split equals the tier series by label. A
    spend share the user set in the plan builder is the plan's own input (OWN): its paths
    rest on it unless a weak or assumption data row follows, which keeps its class."""
    model, plan = labelled_model, labelled_plan(food)
    result = mt.trace(plan, model, draws=1, seed=1, keep_draws=True, evidence=True)
    flows = result.flows[0]
    flow_table = model.flow_table()
    index = model.index
    A = np.asarray(model.A)
    A_rank = np.zeros(A.shape, dtype=int)
    w = np.zeros(len(flow_table))
    w_rank = np.zeros(len(flow_table), dtype=int)
    va = model.value_added_coefficients()
    for (entity, kind, counterpart), label in COST_LABELS.items():
        j = index[entity]
        if kind == "input":
            A_rank[index[counterpart], j] = RANK[label]
        else:
            k = int(np.flatnonzero((flow_table["entity"] == entity)
                                   & (flow_table["factor"] == kind))[0])
            w[k] = flow_table["weight"][k] * va[j]
            w_rank[k] = RANK[label]
    f_by_rank = np.zeros((2, len(LABELS)))
    # food -> agriculture: max(analyst or own spend, official market) = analyst or own;
    # goods -> manufacturing: max(unlabelled = assumption, filing) = assumption
    f_by_rank[index["agriculture"], RANK[food_label]] = 600.0
    f_by_rank[index["manufacturing"], RANK["assumption"]] = 1450.0
    expected = by_paths(A, A_rank, f_by_rank, w, w_rank, model.flows_entity_index)
    assert np.allclose(expected.sum(axis=0), flows, rtol=1e-9)     # the check itself is right
    # per-draw evidence columns are flows mapped to (dimension, label)
    table = result.evidence()
    entity_rows = table.xs("entity", level="dimension")
    for entity in ("agriculture", "manufacturing"):
        mask = (flow_table["entity"] == entity).to_numpy()
        by_label = expected[:, mask].sum(axis=1)
        got = entity_rows.loc[entity, [f"{label}_mean" for label in LABELS]].to_numpy(float)
        assert np.allclose(got, by_label / by_label.sum(), atol=1e-12)
        weak = (by_label[RANK["weak"]] + by_label[RANK["assumption"]]) / by_label.sum()
        assert entity_rows.loc[entity, "assumption_or_weak_mean"] == pytest.approx(weak)
    # something rests on every kind of path: the test can tell labels apart
    assert (expected.sum(axis=1)[[RANK[food_label], RANK["weak"], RANK["assumption"]]] > 1).all()
    if food_label == OWN:     # the own share is its own class, outside assumption_or_weak
        total = table.xs("total", level="dimension").iloc[0]
        share = expected.sum(axis=1) / expected.sum()
        assert total[f"{OWN}_mean"] == pytest.approx(share[RANK[OWN]]) and share[RANK[OWN]] > 0.05
        assert total["assumption_or_weak_mean"] == pytest.approx(
            share[RANK["weak"]] + share[RANK["assumption"]])


def test_changing_one_label_moves_value(labelled_model, tmp_path):
    """Relabelling agriculture's capital row from filing to weak moves exactly its value."""
    before = mt.trace(labelled_plan(), labelled_model, draws=1, seed=1, keep_draws=True,
                      evidence=True).evidence("total")
    tables = labelled_tables()
    for row in tables["cost_structures"]:
        if (row["entity"], row["kind"]) == ("agriculture", "capital"):
            row["reliability"] = "weak"
    model = mt.load_model(2025, path=write_package(tmp_path / "p", tables))
    after = mt.trace(labelled_plan(), model, draws=1, seed=1, keep_draws=True,
                     evidence=True).evidence("total")
    assert after["assumption_or_weak_mean"].iloc[0] > before["assumption_or_weak_mean"].iloc[0]


def test_conservation_per_draw(uncertain_model):
    """The label split of every evidence column adds up to the figure, in every draw, and no
    label carries negative value."""
    result = mt.trace(labelled_plan(), uncertain_model, draws=300, seed=5, keep_draws=True,
                      evidence=True)
    E = result.per_draw.evidence                           # (draws, labels, columns)
    # every label but the plan's own input (no share set in the plan builder) is used here
    assert result.evidence_labels == tuple(label for label in LABELS if label != OWN)
    assert E.shape[:2] == (300, 6)
    assert E.min() >= -1e-9 * result.total
    columns = result.evidence_columns
    totals = E.sum(axis=1)
    assert np.allclose(totals[:, columns.index(("total", "all value added"))],
                       result.draw_totals, rtol=1e-12)
    entities, names = result.amounts_by("entity")
    for k, name in enumerate(names):
        assert np.allclose(totals[:, columns.index(("entity", name))], entities[:, k],
                           rtol=1e-10, atol=1e-9)
    headline, hnames = result.amounts_by("headline")
    for k, name in enumerate(hnames):
        assert np.allclose(totals[:, columns.index(("headline", name))], headline[:, k],
                           atol=1e-9)
    # values vary between draws (the split is computed per draw, not once)
    assert np.ptp(E[:, result.evidence_labels.index("assumption"), 0]) > 0


def test_summaries_match_kept_draws(uncertain_model):
    """Reduced per chunk (means exact, percentiles from digests) = computed from draws."""
    plan = labelled_plan()
    kept = mt.trace(plan, uncertain_model, draws=500, seed=2, keep_draws=True, evidence=True)
    streamed = mt.trace(plan, uncertain_model, draws=500, seed=2, evidence=True,
                        chunk_size=100)
    a, b = kept.evidence(), streamed.evidence()
    means = [c for c in a.columns if c.endswith("_mean")]
    assert np.allclose(a[means].to_numpy(float), b[means].to_numpy(float), rtol=1e-9,
                       equal_nan=True)
    for stat in ("p5", "p50", "p95"):
        column = f"assumption_or_weak_{stat}"
        assert np.allclose(a[column], b[column], atol=2e-3, equal_nan=True)


def test_evidence_is_optional_and_does_not_move_the_trace(uncertain_model):
    plan = labelled_plan()
    plain = mt.trace(plan, uncertain_model, draws=200, seed=4, keep_draws=True)
    with_ev = mt.trace(plan, uncertain_model, draws=200, seed=4, keep_draws=True,
                       evidence=True)
    assert np.array_equal(plain.flows, with_ev.flows)
    with pytest.raises(MoneytrailError):
        plain.evidence()


def test_given_final_demand_counts_as_exact(labelled_model):
    """A final-demand vector given by the caller carries no label: only the model's rows
    count (manufacturing's tax row is `filing`, reached only through filing rows here)."""
    f = np.zeros(labelled_model.n)
    f[labelled_model.index["manufacturing"]] = 100.0
    result = mt.trace(f, labelled_model, evidence=True, keep_draws=True)
    table = result.evidence("total")
    assert table["filing_mean"].iloc[0] > 0
    assert table[[f"{label}_mean" for label in LABELS]].sum(axis=1).iloc[0] == \
        pytest.approx(1.0)


def test_sector_tables_are_refused():
    import pymrio

    io = pymrio.load_test()
    io.calc_all()
    model = mt.IOModel.from_pymrio(io)
    with pytest.raises(ModelError, match="firm-level"):
        mt.trace(model.solve_input(np.ones(model.n)), model, evidence=True)


def test_stargate_worked_example():
    """The worked example of docs/methods.md (bundled data 2.0.0, central values): Nvidia's
    share of the Stargate-style plan by category and weakest label."""
    plan = mt.load_scenario(REPO / "scenarios" / "stargate-style-us.yaml")
    table = central_by_category(plan, mt.load_model(2025)).xs("nvidia", level=1)
    share = table.to_numpy().sum()
    assert share == pytest.approx(0.298, abs=0.002)
    assert table.loc["accelerators", "estimate"] == pytest.approx(0.249, abs=0.002)
    assert table.loc["networking", "assumption"] == pytest.approx(0.047, abs=0.002)
    assert table.loc["servers", "assumption"] == pytest.approx(0.0017, abs=0.0005)
    assert table["assumption"].sum() / share == pytest.approx(0.166, abs=0.003)


# -- results, JSON and the CLI -----------------------------------------------------------------
def test_service_trace_has_evidence_table_with_units(labelled_model, tmp_path):
    from moneytrail.service import tasks
    from moneytrail.service.result import Result
    from moneytrail.service.workspace import Workspace

    root = write_package(tmp_path / "p", labelled_tables(spread=0.04))
    with Workspace.open(root) as ws:
        result = tasks.trace_plan(ws, labelled_plan(), draws=200, seed=1, analyses=False,
                                  store=None)
        off = tasks.trace_plan(ws, labelled_plan(), draws=200, seed=1, analyses=False,
                               store=None, evidence=False)
    assert "evidence" not in off.tables and off.run_id != result.run_id
    table = result.tables["evidence"]
    assert table.index == ("dimension", "label")
    assert table.unit("assumption_or_weak_p95") == "share" and table.unit("amount_mean") == "EUR"
    frame = result.table("evidence")
    assert {d for d, _ in frame.index} == {"total", "headline", "entity", "scorecard"}
    shares = frame[[f"{label}_mean" for label in LABELS]].dropna()
    assert np.allclose(shares.sum(axis=1), 1.0)
    headline = result.table("headline")
    assert result.tables["headline"].unit("assumption_or_weak_mean") == "share"
    assert np.allclose(headline["assumption_or_weak_mean"],
                       frame.xs("headline", level="dimension")["assumption_or_weak_mean"]
                       .reindex(headline.index), equal_nan=True)
    back = Result.from_json(result.to_json())           # JSON round trip
    assert back.tables["evidence"] == result.tables["evidence"]


def test_cli_trace_by_evidence(tmp_path):
    import os
    import subprocess
    import sys

    import yaml

    root = write_package(tmp_path / "p", labelled_tables(spread=0.04))
    plan = miller_blair_plan()
    plan["spend"] = {"food": {"central": 600 / 2050, "reliability": "analyst"},
                     "goods": 1450 / 2050}
    path = tmp_path / "mb.yaml"
    path.write_text(yaml.safe_dump(plan))
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(tmp_path / "runs.sqlite")}

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "moneytrail.cli", "trace", str(path),
                               "--data", str(root), *args], capture_output=True, text=True,
                              timeout=300, env=env, cwd=REPO)

    out = cli("--by", "headline", "--by", "evidence")
    assert out.returncode == 0, out.stderr
    assert "on assumption or weak" in out.stdout and "on assumption" in out.stdout
    payload = __import__("json").loads(cli("--by", "evidence", "--format", "json").stdout)
    names = [c["name"] for c in payload["tables"]["evidence"]["columns"]]
    assert names[:3] == ["dimension", "label", "amount_mean"]
    assert "assumption_or_weak_p50" in names


def test_bundled_rows_carry_two_labels_and_the_others_stay_empty():
    """Data 2.0.0 labels its cost-structure and market rows `estimate` or `assumption` only:
    one extra solve per block, and the per-draw evidence stores those two labels."""
    plan = mt.load_scenario(REPO / "scenarios" / "stargate-style-us.yaml")
    result = mt.trace(plan, draws=200, seed=1, evidence=True)
    assert result.evidence_labels == ("estimate", "assumption")
    table = result.evidence()
    assert (table[["filing_mean", "official_mean", "analyst_mean", "weak_mean"]].fillna(0)
            == 0).all().all()
    nvidia = table.loc[("headline", "Nvidia")]
    assert 0.10 < nvidia["assumption_or_weak_mean"] < 0.25
    assert nvidia["assumption_or_weak_p5"] < nvidia["assumption_or_weak_p50"] < \
        nvidia["assumption_or_weak_p95"]


def test_scorecard_rows_carry_the_evidence_weight_of_linear_metrics():
    from moneytrail.engine.evidence import SCORECARD
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    plan = mt.load_scenario(REPO / "scenarios" / "stargate-style-us.yaml")
    with Workspace.open() as ws:
        result = tasks.trace_plan(ws, plan, draws=200, seed=1, store=None)
        plain = tasks.trace_plan(ws, plan, draws=200, seed=1, store=None, evidence=False)
    card = result.table("scorecard")
    evidence = result.table("evidence").xs("scorecard", level="dimension")
    for metric in SCORECARD:
        row = card.loc[tasks.EVIDENCE_ROW.format(metric)]
        assert row["unit"] == "share"
        for stat in ("mean", "p5", "p50", "p95"):
            assert row[f"{plan.id}_{stat}"] == pytest.approx(
                evidence.loc[metric, f"assumption_or_weak_{stat}"])
    assert not any("evidence" in str(label) for label in plain.table("scorecard").index)
