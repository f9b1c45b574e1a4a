"""A researcher's findings on the HTTP API's downloads and notes (h132).

1. A run table came as JSON or CSV only: `?format=parquet` was a 400, and the CSV carried no
   run id, seed, draws, code or data version. Parquet now comes with the same bytes and
   metadata as `Result.write_tables` writes, and every CSV of a run table names its
   provenance in response headers (`X-Moneytrail-*`, a `Link` to the run's JSON).
2. `/api/v1/ledger/totals?by=region` was a 400 although `ledger totals --by` takes it.
3. The home page's plans table named the largest countries in words: CSV and JSON keep codes.
4. Null cells without a reason: the compare scorecard's residual value and conditions, and
   the evidence table's shares of a zero amount.
5. The totals note said a deal that only overlaps another was "inside" it.
"""

from __future__ import annotations

import csv
import io

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("downloads") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


# -- 2. ledger totals take `by` as the CLI does ------------------------------------------------
def test_totals_take_by_region_as_their_reproduce_line_prints_it(client):
    plain = client.get("/api/v1/ledger/totals").json()
    assert "--by region" in plain["reproduce"]["cli"]
    by_region = client.get("/api/v1/ledger/totals?by=region")
    assert by_region.status_code == 200, by_region.text
    assert by_region.json()["totals"] == plain["totals"]


def test_totals_by_other_groupings_give_those_columns_and_the_cli_line(client):
    body = client.get("/api/v1/ledger/totals?by=year,sector").json()
    first = body["totals"][0]
    assert list(first)[:2] == ["year", "sector"] and "region" not in first
    assert "per_capita_central" not in first            # per head is by region only
    assert "--by year --by sector" in body["reproduce"]["cli"]
    # every deal counted once whatever the grouping
    total = sum(r["central"] for r in body["totals"])
    by_region = client.get("/api/v1/ledger/totals").json()["totals"]
    assert total == pytest.approx(sum(r["central"] for r in by_region), rel=1e-12)
    # a left-out deal is named in the note of its own row only
    notes = [r["note"] for r in body["totals"] if "OpenAI compute commitments" in r["note"]]
    assert len(notes) == 1


def test_totals_refuse_an_unknown_grouping_as_the_cli_does(client):
    response = client.get("/api/v1/ledger/totals?by=region,planet")
    assert response.status_code == 400
    problem = response.json()
    assert problem["field"] == "by" and problem["value"] == "planet"
    assert problem["detail"] == "unknown grouping (use region, sector, purpose, year)"


# -- 5. the totals note follows the relation ----------------------------------------------------
def test_totals_note_says_overlaps_or_part_of_as_the_deal_records_it(client):
    body = client.get("/api/v1/ledger/totals").json()
    openai = next(d for d in body["left_out"] if d["deal"] == "l_openai_compute_2025_10")
    record = {str(d["id"]): d for d in client.app.state.web.ledger.records("deal")}[
        "l_openai_compute_2025_10"]
    first = openai["inside"][0]
    assert first["relation"] == "overlaps"
    assert not record["part_of"] and first["deal"] in record["overlaps"]
    us = next(r for r in body["totals"] if r["region"] == "US")["note"]
    assert " inside " not in us
    assert "OpenAI compute commitments (~30 GW) (EUR 506.20 bn) overlaps Stargate US: " \
        "selected sites (planned investment)" in us
    # a deal recorded as part of another says so
    assert "Stargate US: selected sites (planned investment) (EUR 398.24 bn) part of " \
        "Stargate Project (Stargate LLC)" in us


def test_cli_totals_note_says_overlaps_too(client):
    from moneytrail.report.ledger import totals_notes

    ledger = client.app.state.web.ledger
    caveats = ledger.totals_caveats()
    names = {str(d["id"]): str(d["name"]) for d in ledger.records("deal")}
    notes = " ".join(totals_notes(caveats, False, names))
    assert "OpenAI compute commitments (~30 GW) (EUR 506.20 bn, overlaps Stargate US" in notes
