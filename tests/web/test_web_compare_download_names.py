"""The file names of the compare page's CSV downloads (`GET /api/v1/compare?runs=...&format=csv
&table=...`): they had the table and the date but no subject ("moneytrail-headline-2026-12-03
.csv"), so two comparisons saved in one folder overwrote each other. They now name the
compared plans, as a deal's downloads name the deal: `moneytrail-compare-<plan>-vs-<plan>-
<table>-<date>.csv`, each plan id cut to web.runs.COMPARE_NAME_CHARS (at a dash) and, where
two plans share an id, followed by its run id's first 8 digits."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

DRAWS = 100
LONG_ID = "a-plan-with-a-very-long-identifier-for-its-gigafactories"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("compare-names") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False,
                     run_limit=(1000, 100))
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


@pytest.fixture(scope="module")
def runs(client) -> dict[str, str]:
    from moneytrail.scenarios.reference import reference_scenarios

    eu = finished(client, {"reference": "eu-ai-gigafactories", "draws": DRAWS, "seed": 1})
    us = finished(client, {"reference": "stargate-style-us", "draws": DRAWS, "seed": 1})
    again = finished(client, {"reference": "eu-ai-gigafactories", "draws": DRAWS, "seed": 2})
    path = next(p for p in reference_scenarios() if p.stem == "eu-ai-gigafactories")
    import yaml

    plan = {**yaml.safe_load(path.read_text()), "id": LONG_ID}
    long = finished(client, {"scenario": plan, "draws": DRAWS, "seed": 1})
    return {"eu": eu, "us": us, "again": again, "long": long}


def csv_name(client, ids: list[str], table: str) -> str:
    response = client.get(f"/api/v1/compare?runs={','.join(ids)}&format=csv&table={table}")
    assert response.status_code == 200, response.text
    found = re.search(r'filename="([^"]+)"', response.headers["content-disposition"])
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("table", ["runs", "headline", "scorecard", "tco"])
def test_a_compare_csv_names_the_compared_plans(client, runs, table):
    name = csv_name(client, [runs["eu"], runs["us"]], table)
    assert re.fullmatch(rf"moneytrail-compare-eu-ai-gigafactories-vs-stargate-style-us-"
                        rf"{table}-\d{{4}}-\d{{2}}-\d{{2}}\.csv", name), name


def test_plans_sharing_an_id_are_told_apart_by_their_runs(client, runs):
    eu, again = runs["eu"], runs["again"]
    name = csv_name(client, [eu, again], "headline")
    assert name.startswith(f"moneytrail-compare-eu-ai-gigafactories-{eu[:8]}-vs-"
                           f"eu-ai-gigafactories-{again[:8]}-headline-"), name


def test_a_long_plan_id_is_shortened_at_a_dash(client, runs):
    from moneytrail.web.runs import COMPARE_NAME_CHARS

    name = csv_name(client, [runs["long"], runs["us"]], "headline")
    subject = name.removeprefix("moneytrail-compare-").split("-vs-")[0]
    assert LONG_ID.startswith(subject) and len(subject) <= COMPARE_NAME_CHARS
    assert LONG_ID[len(subject)] == "-"                       # cut where a word ends
    assert name.startswith(f"moneytrail-compare-{subject}-vs-stargate-style-us-headline-")
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", name) and len(name) < 120
