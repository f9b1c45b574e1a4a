"""The ledger list's download (/api/v1/ledger, CSV and JSON) has the key columns of
`moneytrail ledger list` (`deal`, `part_of`, `overlaps`), its `qualifier` says "not AI alone"
on whole-company capex rows as the page does (ledger.queries.qualifier, one rule), and a
filtered CSV is named after its filters (only [A-Za-z0-9_-] in the name)."""
from __future__ import annotations

import csv
import io
import re

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

SAFE_NAME = re.compile(r'attachment; filename="([A-Za-z0-9_-]+)\.csv"')


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("ledger-keys") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


def csv_rows(client, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/api/v1/ledger?format=csv{query}")
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def cli_list_columns() -> list[str]:
    from typer.testing import CliRunner

    from moneytrail.cli import app

    result = CliRunner().invoke(app, ["ledger", "list", "--format", "csv"])
    assert result.exit_code == 0, result.output
    return next(csv.reader(io.StringIO(result.output)))


def test_the_download_has_the_cli_lists_key_columns(client):
    rows = csv_rows(client)
    for column in ("deal", "part_of", "overlaps"):
        assert column in cli_list_columns() and column in rows[0]
    assert all(r["deal"] == r["id"] for r in rows)
    by_deal = {r["deal"]: r for r in rows}
    assert by_deal["l_stargate_us_sites_2025_09"]["part_of"] != ""
    json_rows = client.get("/api/v1/ledger?format=json&table=deals").json()["rows"]
    assert [r["deal"] for r in json_rows] == [r["deal"] for r in rows]


def test_whole_company_capex_rows_say_not_ai_alone(client):
    rows = csv_rows(client)
    capex = [r for r in rows if r["whole_capex"] == "True"]
    assert len(capex) >= 9                                   # Big Tech capex by year
    assert all("not AI alone" in r["qualifier"] for r in capex)
    others = [r for r in rows if r["whole_capex"] != "True"]
    assert any(r["qualifier"] == "" for r in others)         # no more than before elsewhere


@pytest.mark.parametrize(("query", "name"), [
    ("", "moneytrail-deals"),
    ("&region=EU", "moneytrail-deals-EU"),
    ("&region=EU&year=2025&kind=pledge", "moneytrail-deals-EU-2025-pledge"),
])
def test_a_filtered_download_is_named_after_its_filters(client, query, name):
    response = client.get(f"/api/v1/ledger?format=csv&table=deals{query}")
    assert response.status_code == 200, response.text
    found = SAFE_NAME.fullmatch(response.headers["content-disposition"])
    meta = client.get("/api/v1/ledger").json()["meta"]     # then its revision and date
    stamp = f"-r{meta['ledger_revision']}-{meta['retrieved']}"
    assert found is not None and found.group(1) == name + stamp


def test_an_unsafe_filter_is_kept_out_of_the_name():
    from moneytrail.web.views import download_name

    name = download_name("deals", {"region": 'a"b/../c d\r\nX: y', "sector": None, "year": ""})
    assert name == "moneytrail-deals-a_b_c_d_X_y"
    assert re.fullmatch(r"[A-Za-z0-9_-]+", download_name("deals", {"region": "é/€"})) is not None
