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
    notes = [r["note"] for r in body["totals"]
             if "Stargate Project (Stargate LLC) (EUR 442.49 bn)" in r["note"]]
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
    letter = next(d for d in body["left_out"] if d["deal"] == "l_nvidia_openai_loi_2025_09")
    record = {str(d["id"]): d for d in client.app.state.web.ledger.records("deal")}[
        "l_nvidia_openai_loi_2025_09"]
    first = letter["inside"][0]
    assert first["relation"] == "overlaps"
    assert not record["part_of"] and first["deal"] in record["overlaps"]
    us = next(r for r in body["totals"] if r["region"] == "US")["note"]
    assert " inside " not in us
    # Stargate overlaps OpenAI's compute commitments through its sites (which they overlap):
    # the larger compute commitments are counted
    assert "Stargate Project (Stargate LLC) (EUR 442.49 bn) overlaps OpenAI compute " \
        "commitments (~30 GW);" in us
    # a deal recorded as part of another says so
    assert "Stargate US: selected sites (planned investment) (EUR 398.24 bn) part of " \
        "Stargate Project (Stargate LLC)" in us


def test_cli_totals_note_says_overlaps_too(client):
    from moneytrail.report.ledger import totals_notes

    ledger = client.app.state.web.ledger
    caveats = ledger.totals_caveats()
    names = {str(d["id"]): str(d["name"]) for d in ledger.records("deal")}
    notes = " ".join(totals_notes(caveats, False, names))
    assert "Stargate Project (Stargate LLC) (EUR 442.49 bn, overlaps OpenAI compute " \
        "commitments (~30 GW))" in notes


# -- runs for 1, 3 and 4 ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def runs(client) -> dict[str, str]:
    """Reference plans traced at 100 draws (with analyses, as the web app runs them)."""
    from runs_helpers import finished

    return {plan: finished(client, {"reference": plan, "draws": 100, "seed": 1})
            for plan in ("eu-ai-gigafactories", "efficiency-first-eu")}


def stored(client, run_id: str):
    return client.app.state.jobs.store.get(run_id).result


# -- 1. Parquet and the CSV's provenance --------------------------------------------------------
def test_a_run_table_comes_as_the_parquet_file_the_python_writer_writes(client, runs,
                                                                          tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    rid = runs["eu-ai-gigafactories"]
    response = client.get(f"/api/v1/runs/{rid}?format=parquet&table=headline")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    assert f'moneytrail-{rid[:8]}-headline.parquet' in response.headers["content-disposition"]
    written = {p.name: p for p in stored(client, rid).write_tables(tmp_path, "parquet")}
    assert response.content == written[f"{rid}-headline.parquet"].read_bytes()
    path = tmp_path / "down.parquet"
    path.write_bytes(response.content)
    schema = pq.read_schema(path)
    import json

    meta = json.loads(schema.metadata[b"moneytrail"])
    assert meta["run_id"] == rid and meta["seed"] == 1 and meta["draws"] == 100
    assert schema.field("share_p50").metadata[b"unit"] == b"share"
    assert response.headers["x-moneytrail-run-id"] == rid


def test_parquet_of_a_run_of_many_tables_needs_table_and_names_them(client, runs):
    response = client.get(f"/api/v1/runs/{runs['eu-ai-gigafactories']}?format=parquet")
    assert response.status_code == 400
    problem = response.json()
    assert problem["field"] == "table"
    assert problem["detail"].startswith("A Parquet file holds one table")
    bad = client.get(f"/api/v1/runs/{runs['eu-ai-gigafactories']}?format=ods&table=headline")
    assert bad.json()["detail"] == "unknown format (use json, csv, parquet, xlsx)"


def test_a_run_csv_names_its_provenance_in_headers_and_keeps_its_body(client, runs):
    rid = runs["eu-ai-gigafactories"]
    result = stored(client, rid)
    response = client.get(f"/api/v1/runs/{rid}?format=csv&table=headline")
    assert response.status_code == 200
    prov = result.provenance
    assert response.headers["x-moneytrail-run-id"] == rid
    assert response.headers["x-moneytrail-kind"] == "trace"
    assert response.headers["x-moneytrail-seed"] == "1"
    assert response.headers["x-moneytrail-draws"] == "100"
    assert response.headers["x-moneytrail-code-version"] == prov.code_version
    assert response.headers["x-moneytrail-data-version"] == prov.data_version
    assert response.headers["x-moneytrail-data-hash"] == prov.data_hash
    assert response.headers["link"] == \
        f'</api/v1/runs/{rid}>; rel="describedby"; type="application/json"'
    # the body is the plain CSV it was: the header row is the table's columns
    header = response.text.splitlines()[0].split(",")
    assert header[0] == "where the money ends up" and rid not in response.text


def test_openapi_declares_parquet_for_a_run(client):
    spec = client.get("/api/v1/openapi.json").json()
    content = spec["paths"]["/api/v1/runs/{run}"]["get"]["responses"]["200"]["content"]
    assert "application/vnd.apache.parquet" in content


# -- 3. the home plans table keeps country codes ------------------------------------------------
def test_headline_numbers_give_country_codes_and_names_apart(client, runs):
    from moneytrail.web.runs import Names, headline_columns, headline_numbers

    names = Names(client.app.state.workspace.valuechain)
    for rid in runs.values():
        numbers = headline_numbers(stored(client, rid), names)
        assert list(numbers) == headline_columns()
        for column in ("largest_value_added_country", "largest_owner_country"):
            code = numbers[column]
            assert code in names.countries or code in ("EU", "ROW"), (rid, column, code)
            assert code == code.upper() and " " not in code
            assert numbers[f"{column}_name"] and numbers[f"{column}_name"] != code


# -- 4. every null says why ----------------------------------------------------------------------
def test_compare_scorecard_nulls_carry_a_reason(client, runs):
    first, second = runs["eu-ai-gigafactories"], runs["efficiency-first-eu"]
    rows = csv_rows(client.get(f"/api/v1/compare?runs={first},{second}&format=csv"
                               "&table=scorecard"))
    by_metric = {r["metric"]: r for r in rows}
    residual = by_metric["Residual value of hardware at horizon"]
    assert residual["efficiency-first-eu_p50"] == ""          # the plan buys no hardware
    assert residual["efficiency-first-eu_reason"].startswith(
        "Not applicable: the plan buys no hardware")
    assert residual["difference_reason"] == \
        "not subtracted: no figure for the second plan (its reason says why)"
    conditions = by_metric["Conditions met (share of applicable ones)"]
    for plan in ("eu-ai-gigafactories", "efficiency-first-eu"):
        assert conditions[f"{plan}_reason"] == "n/a (no conditions set)"
    plans = ("eu-ai-gigafactories", "efficiency-first-eu")
    for row in rows:
        for plan in plans:
            if row[f"{plan}_p50"] == "":
                assert row[f"{plan}_reason"], (row["metric"], plan)
        if row["difference_p50"] == "":
            assert row["difference_reason"], row["metric"]


def test_evidence_rows_without_shares_say_why(client, runs):
    rid = runs["efficiency-first-eu"]
    rows = csv_rows(client.get(f"/api/v1/runs/{rid}?format=csv&table=evidence"))
    shares = [c for c in rows[0] if c.endswith(("_mean", "_p5", "_p50", "_p95"))
              and c != "amount_mean"]
    empty = [r for r in rows if all(r[c] == "" for c in shares)]
    assert empty, "the plan has figures of zero amount"
    for row in rows:
        if any(row[c] == "" for c in shares):
            assert float(row["amount_mean"]) == 0
            assert row["shares_reason"].startswith("no shares: the figure is 0")
        else:
            assert row["shares_reason"] == ""
    as_json = client.get(f"/api/v1/runs/{rid}?table=evidence").json()["rows"]
    assert all(("shares_reason" in r) for r in as_json)


def test_a_run_scorecard_csv_says_why_a_row_has_no_figure(client, runs):
    rid = runs["efficiency-first-eu"]
    rows = csv_rows(client.get(f"/api/v1/runs/{rid}?format=csv&table=scorecard"))
    key = next(iter(rows[0]))
    values = [c for c in rows[0] if c.endswith(("_mean", "_p5", "_p50", "_p95"))]
    by_metric = {r[key]: r for r in rows}
    assert by_metric["Conditions met (share of applicable ones)"]["reason"] == \
        "n/a (no conditions set)"
    assert by_metric["Residual value of hardware at horizon"]["reason"].startswith(
        "Not applicable: the plan buys no hardware")
    for row in rows:
        if any(row[c] == "" for c in values):
            assert row["reason"], row[key]
