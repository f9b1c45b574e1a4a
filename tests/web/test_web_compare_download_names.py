"""The file names of the compare page's CSV downloads (`GET /api/v1/compare?runs=...&format=csv
&table=...`): they had the table and the date but no subject ("moneytrail-headline-2026-12-03
.csv"), so two comparisons saved in one folder overwrote each other. They now name the
compared plans, as a deal's downloads name the deal: `moneytrail-compare-<plan>-vs-<plan>-
<table>-<date>.csv`, each plan id cut to web.runs.COMPARE_NAME_CHARS (at a dash) and, where
two plans share an id, followed by its run id's first 8 digits. The compare workbook
(`&format=xlsx`) is named the same way (it was `moneytrail-compare-<run>-<run>.xlsx`), and the
page its About sheet names is the compare page under MONEYTRAIL_PUBLIC_URL, or its path when
that is unset: never the address the request came in at (its Host header)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

DRAWS = 100
LONG_ID = "a-plan-with-a-very-long-identifier-for-its-gigafactories"


@pytest.fixture(scope="module")
def db_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('compare-names') / 'ledger.sqlite'}"


@pytest.fixture(scope="module")
def client(db_url):
    from moneytrail.web import create_app

    app = create_app(db=db_url, start_reference_runs=False, run_limit=(1000, 100))
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


def csv_name(client, ids: list[str], table: str, fmt: str = "csv") -> str:
    """The file name a compare download of `table` ('' for all: a workbook) is saved as."""
    part = f"&table={table}" if table else ""
    response = client.get(f"/api/v1/compare?runs={','.join(ids)}&format={fmt}{part}")
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


@pytest.mark.parametrize("table", ["", "runs", "headline", "scorecard", "tco"])
def test_the_compare_workbook_is_named_like_its_csvs(client, runs, table):
    ids = [runs["eu"], runs["us"]]
    name = csv_name(client, ids, table, fmt="xlsx")
    assert re.fullmatch(rf"moneytrail-compare-eu-ai-gigafactories-vs-stargate-style-us-"
                        rf"{table + '-' if table else ''}\d{{4}}-\d{{2}}-\d{{2}}\.xlsx",
                        name), name
    if table:
        assert name.removesuffix(".xlsx") == csv_name(client, ids, table).removesuffix(".csv")
    twins = csv_name(client, [runs["eu"], runs["again"]], table, fmt="xlsx")
    assert twins.startswith(f"moneytrail-compare-eu-ai-gigafactories-{runs['eu'][:8]}-vs-"
                            f"eu-ai-gigafactories-{runs['again'][:8]}-"), twins


@pytest.mark.parametrize("public", ["https://that.example", ""])
def test_the_compare_workbook_names_its_page_as_the_run_workbook_does(
        db_url, runs, monkeypatch, public):
    """With MONEYTRAIL_PUBLIC_URL set the About sheet's page and citation name the compare
    page under it, whatever host the request came in on; unset, under the (allowed) host
    the request reached the server at (with the port it listens on when the Host names
    none, h226), as the run's workbook does: a file handed on has
    no page to resolve a relative path against."""
    import io

    openpyxl = pytest.importorskip("openpyxl")
    from moneytrail.web import create_app

    monkeypatch.setenv("MONEYTRAIL_PUBLIC_URL", public)
    app = create_app(db=db_url, start_reference_runs=False,
                     hosts=["127.0.0.1", "other-name.example"])
    ids = f"{runs['eu']},{runs['us']}"
    with TestClient(app, base_url="http://127.0.0.1:8876") as local:
        response = local.get(f"/api/v1/compare?runs={ids}&format=xlsx",
                             headers={"host": "other-name.example"})
    assert response.status_code == 200, response.text
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [row for row in book["About"].iter_rows(values_only=True)]
    told = {row[0]: row[1] for row in cells if row[0] is not None and row[1] is not None}
    page = f"{public or 'http://other-name.example:8876'}/compare?runs={ids}"  # h226: port
    assert told["page"] == page
    assert str(told["citation"]).endswith(f" {page}")
    every = " ".join(str(v) for row in cells for v in row if v is not None)
    assert "127.0.0.1" not in every
    assert ("other-name.example" in every) == (not public)
