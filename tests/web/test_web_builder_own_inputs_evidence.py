"""A budget officer's finding: in a plan built in the plan builder, the spending split is the
user's own input (no source, a reliability the user never saw), yet the run's evidence weight
read "100 % on assumption or weak rows" and a figure checked against the run was "on weak
evidence", as if the data were weak. The plan's own inputs are now their own class
(`own_input`, engine.evidence.OWN): the evidence table gives the share of the value added
resting on them, the run page and a claim check say so plainly, and the share on assumption or
weak rows counts data rows only. A reference plan's evidence figures are unchanged."""

from __future__ import annotations

import re
from html import unescape

import pytest
import yaml

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import built_run, finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

DRAWS, SEED = 200, 4
OWN = "own_input"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("own-inputs") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def built(client) -> str:
    """A new plan from the builder as a user leaves it: EUR 20 bn, all of it on AI
    accelerators (the form's first row), bought from the EU market: its run id."""
    return built_run(client, DRAWS, SEED)


def total_row(client, run_id: str) -> dict:
    rows = client.get(f"/api/v1/runs/{run_id}?table=evidence").json()["rows"]
    return next(r for r in rows if r["dimension"] == "total")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_builders_split_is_marked_as_the_users_own(client, built):
    plan = yaml.safe_load(client.get(f"/api/v1/runs/{built}/plan.yaml").text)
    share = plan["spend"]["accelerators"]
    assert share["source"] is None and share["reliability"] == "assumption"
    assert share["note"] == "Set by the user in the plan builder, not taken from a source."


def test_the_plans_own_inputs_are_their_own_class_with_the_right_share(client, built):
    """The same plan with its split labelled `estimate` (the label just above the plan's
    own inputs) gives, at the same draws and seed, the value its paths through sourced rows
    reach as `estimate` or stronger: that is exactly the own-input share of the built plan,
    and the share on assumption or weak data rows is the same in both."""
    own = total_row(client, built)
    plan = yaml.safe_load(client.get(f"/api/v1/runs/{built}/plan.yaml").text)
    plan["spend"]["accelerators"] = {"central": 1.0, "reliability": "estimate"}
    sourced = total_row(client, finished(client, {"scenario": plan, "draws": DRAWS,
                                                  "seed": SEED}))
    assert sourced[f"{OWN}_mean"] == 0
    stronger = sum(sourced[f"{k}_mean"] for k in ("filing", "official", "analyst", "estimate"))
    assert own[f"{OWN}_mean"] == pytest.approx(stronger, rel=1e-9)
    assert 0.5 < own[f"{OWN}_mean"] < 1          # most of it, not all: weak data rows stay
    for key in ("assumption_or_weak_mean", "assumption_or_weak_p50", "weak_mean",
                "assumption_mean"):
        assert own[key] == pytest.approx(sourced[key], rel=1e-9, abs=1e-12)
    assert own["assumption_or_weak_p50"] < 0.5            # it was 100 %
    shares = [own[f"{k}_mean"] for k in ("filing", "official", "analyst", "estimate", OWN,
                                         "weak", "assumption")]
    assert sum(shares) == pytest.approx(1.0)


def test_the_run_page_says_what_rests_on_the_plans_own_inputs(client, built):
    own = total_row(client, built)
    page = text_of(client.get(f"/r/{built}").text)
    section = page[page.index("Evidence weight Each") if "Evidence weight Each" in page
                   else page.index("Evidence weight "):]
    assert "100.0 % of the value added (90 % interval" not in page
    share = f"{own[f'{OWN}_mean'] * 100:.1f} %"
    assert (f"{share} of the value added (mean) rests on the plan's own inputs: the shares "
            "set in the plan builder, which the tool does not source.") in section
    assert "On the plan's own inputs (mean)" in section
    assert f"the plan's own inputs {share}" in section          # the mix of all value added


def test_a_figure_checked_against_the_built_plan_is_not_on_weak_evidence(client, built):
    """The share paid to Nvidia's first invoices rests on the user's split and the data's
    market row: not on weak evidence, and the check says how much rests on the plan's own
    inputs."""
    query = {"run": built, "quantity": "first_invoice_share", "side": "at_least",
             "number": "10", "firms": "nvidia"}
    body = client.get("/api/v1/claims/check", params=query).json()
    claim = body["claim"]
    assert claim["weak_basis"] is False
    assert claim["weight"]["claim_assumption_or_weak_p50"] < 0.5
    assert body["run"]["own_inputs"] == pytest.approx(total_row(client, built)[f"{OWN}_mean"])
    assert "rests on the plan's own inputs (shares set in the plan builder), which the tool " \
           "does not source" in body["run"]["own_inputs_text"]
    page = text_of(client.get("/claims/check", params=query).text)
    assert "on weak evidence" not in page
    assert body["run"]["own_inputs_text"] in page


# the evidence of eu-ai-gigafactories, 200 draws, seed 4, before the plan's own inputs had
# their class (code 0.5.9 at 063d391): the total and Nvidia
REFERENCE = {
    "all value added": {
        "amount_mean": 20000000000.0, "assumption_mean": 0.6265966055236833,
        "assumption_or_weak_mean": 0.6265966055236833,
        "assumption_or_weak_p5": 0.5770263426404051,
        "assumption_or_weak_p50": 0.6264961697326117,
        "assumption_or_weak_p95": 0.6795981185775142, "estimate_mean": 0.37340339447631665},
    "Nvidia": {
        "amount_mean": 6199775592.700422, "assumption_mean": 0.15990938787358666,
        "assumption_or_weak_mean": 0.15990938787358666,
        "assumption_or_weak_p5": 0.10591600315135437,
        "assumption_or_weak_p50": 0.15894278655677616,
        "assumption_or_weak_p95": 0.2277621922793766, "estimate_mean": 0.8400906121264136}}


def test_a_reference_plans_evidence_is_unchanged(client):
    run_id = finished(client, {"reference": "eu-ai-gigafactories", "draws": DRAWS,
                               "seed": SEED})
    rows = client.get(f"/api/v1/runs/{run_id}?table=evidence").json()["rows"]
    for row in rows:
        assert row[f"{OWN}_mean"] in (0, None)     # None: a figure the money never reaches
    by_label = {r["label"]: r for r in rows if r["dimension"] in ("total", "headline")}
    for label, expected in REFERENCE.items():
        for key, value in expected.items():
            assert by_label[label][key] == pytest.approx(value, rel=1e-9), (label, key)
    page = text_of(client.get(f"/r/{run_id}").text)
    assert "the plan's own inputs" not in page


def test_the_briefing_says_what_rests_on_the_plans_own_inputs():
    """The briefing's evidence sentence of a built plan: the share on assumption or weak
    rows, then the share resting on the plan's own inputs; its split is the user's own."""
    from types import SimpleNamespace

    import pandas as pd

    from moneytrail.report.briefing.content import SourceBook, assumption_sentence

    evidence = pd.DataFrame({"dimension": ["total"], "assumption_or_weak_p50": [0.139],
                             "assumption_or_weak_p5": [0.114], "assumption_or_weak_p95": [0.167],
                             f"{OWN}_mean": [0.861]})
    item = SimpleNamespace(reliability="assumption", source=None, own=True)
    brief = SimpleNamespace(direct_sources=[], market_sources=[], cost_sources=[],
                            footprint_sources=[], plan=SimpleNamespace(spend={"x": item}),
                            table=lambda name: evidence if name == "evidence" else None)
    said = assumption_sentence(brief, SourceBook(rows={}))     # type: ignore[arg-type]
    assert "13.9 % of the value added rests on assumption or weak rows (11.4–16.7 %). " \
        "86.1 % rests on the plan's own inputs (shares set in the plan builder), which the " \
        "tool does not source: they are not counted as assumption or weak rows. " in said, said
    assert "The plan's spending split has one row, which is your own figure (set in the " \
        "plan builder, no source)." in said, said
