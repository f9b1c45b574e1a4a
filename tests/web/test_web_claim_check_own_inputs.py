"""A tester's finding: a listed claim checked against a run of a plan built in the plan
builder showed "0 %" on assumption or weak rows and never said that its figures (the shares
paid to Nvidia and the hyperscalers) rest almost wholly on the plan's own inputs (the shares
the user set, engine.evidence.OWN): it read as well sourced. Each check now carries its share
on the plan's own inputs beside its weak share (`own_input_p50|p5|p95`, from the same
per-flow evidence) and the check page says it in words. A reference plan's checks show none."""

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
CLAIM = "public-money-to-nvidia-and-hyperscalers"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("check-own-inputs") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def built(client) -> str:
    """A plan from the builder as a user leaves it (EUR 20 bn on the form's first row)."""
    return built_run(client, DRAWS, SEED)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_each_check_against_a_built_plan_gives_its_share_on_the_plans_own_inputs(client,
                                                                                 built):
    body = client.get(f"/api/v1/claims/{CLAIM}/check", params={"run": built}).json()
    followed = {f["check"] for f in body["followed"]}    # the checks tracing the run's plan
    checks = [c for k, c in enumerate(body["claim"]["checks"]) if k in followed]
    assert checks
    for check in body["claim"]["checks"]:
        if check not in checks:                            # as published: no own inputs
            assert check["own_input_p50"] in (0, None) and check["own_input_text"] == ""
    for check in checks:
        own, weak = check["own_input_p50"], check["assumption_or_weak_p50"]
        assert own > 0.5, check            # the user's split carries most of the figure
        assert own + weak <= 1 + 1e-9
        assert check["own_input_p5"] <= own <= check["own_input_p95"]
        said = check["own_input_text"]
        assert said.startswith(f"{own:.0%}".replace("%", " %")), said
        assert "of this figure rests on the plan's own inputs" in said
    page = text_of(client.get(f"/claims/{CLAIM}/check", params={"run": built}).text)
    assert "On the plan's own inputs" in page
    for check in checks:
        assert check["own_input_text"] in page


def test_a_reference_plans_check_has_no_share_on_own_inputs(client):
    run_id = finished(client, {"reference": "eu-ai-gigafactories", "draws": DRAWS,
                               "seed": SEED})
    body = client.get(f"/api/v1/claims/{CLAIM}/check", params={"run": run_id}).json()
    for check in body["claim"]["checks"]:
        assert check["own_input_p50"] in (0, None)      # None: a check that reads no plan
        assert check["own_input_text"] == ""
    page = text_of(client.get(f"/claims/{CLAIM}/check", params={"run": run_id}).text)
    assert "own inputs" not in page


def test_the_briefing_says_what_of_each_check_rests_on_the_plans_own_inputs(client, built):
    """The built plan under the gigafactory plan's id (so the debate's claims concern it):
    the briefing's claims section says how much of each check rests on its own inputs."""
    plan = yaml.safe_load(client.get(f"/api/v1/runs/{built}/plan.yaml").text)
    plan["id"] = "eu-ai-gigafactories"
    run_id = finished(client, {"scenario": plan, "draws": DRAWS, "seed": SEED})
    body = client.get(f"/api/v1/claims/{CLAIM}/check", params={"run": run_id}).json()
    own = body["claim"]["checks"][body["followed"][0]["check"]]["own_input_p50"]
    assert own > 0.5
    report = text_of(client.get(f"/r/{run_id}/report.html").text)
    said = f"{own:.0%}".replace("%", " %")
    assert re.search(re.escape(said) + r"( \([0-9–]+ %\))? of this figure rests on the plan's "
                     "own inputs", report), report[report.find("Claims of the debate"):][:2000]
