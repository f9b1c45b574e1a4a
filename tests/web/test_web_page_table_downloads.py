"""A page table's CSV download (/api/v1/<page>?format=csv&table=...) can be read and cited
on its own (a journalist's findings): a mapping cell (a claim's evidence `weight`) is spread
into plain named number columns, not written as a Python dict; each download's file name
says what it holds (a deal's claims are not the debate's claims) and when (ledger revision
and download date); and its headers carry the view's provenance as a run CSV's do
(X-Moneytrail-*)."""
from __future__ import annotations

import csv
import io
import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web.views import WEIGHT_COLUMNS  # noqa: E402

NAME = re.compile(r'attachment; filename="([A-Za-z0-9_-]+)\.csv"')
DEAL = "l_fr_summit_109bn_2025_02"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("page-downloads") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app) as test:
        yield test


def download(client, path: str, table: str) -> tuple[str, dict[str, str], list[dict]]:
    response = client.get(path, params={"format": "csv", "table": table})
    assert response.status_code == 200, response.text
    found = NAME.fullmatch(response.headers["content-disposition"])
    assert found is not None, response.headers["content-disposition"]
    return found.group(1), dict(response.headers), list(csv.DictReader(io.StringIO(
        response.text)))


def test_the_home_claims_weight_is_plain_number_columns(client):
    _, _, rows = download(client, "/api/v1/home", "claims")
    assert rows and "weight" not in rows[0]
    for key in WEIGHT_COLUMNS:
        column = f"weight_{key}"
        assert column in rows[0], column
        for row in rows:
            assert row[column] == "" or float(row[column]) >= 0, (column, row[column])
    assert not any(v.startswith("{") for row in rows for v in row.values())   # no repr
    json_rows = {r["id"]: r for r in client.get("/api/v1/home").json()["claims"]}
    first = rows[0]
    weight = json_rows[first["id"]]["weight"]
    assert all(float(first[f"weight_{k}"]) == pytest.approx(v) for k, v in weight.items()
               if v is not None)


PAGES = [("/api/v1/home", "claims"), ("/api/v1/home", "reality"), ("/api/v1/ledger", "deals"),
         ("/api/v1/ledger/totals", "totals"), (f"/api/v1/ledger/deals/{DEAL}", "claims"),
         (f"/api/v1/ledger/deals/{DEAL}", "sources"), ("/api/v1/claims", "checks"),
         ("/api/v1/plans/eu-ai-gigafactories", "spend")]


def test_each_download_is_named_for_what_it_holds_and_when(client):
    meta = client.get("/api/v1/home").json()["meta"]
    stamp = f"-r{meta['ledger_revision']}-{meta['retrieved']}"
    names = {}
    for path, table in PAGES:
        name, _, _ = download(client, path, table)
        assert name.endswith(stamp), (path, table, name)
        assert table in name, (path, name)
        names[(path, table)] = name
    assert len(set(names.values())) == len(names), names     # no two alike
    assert DEAL in names[(f"/api/v1/ledger/deals/{DEAL}", "claims")]
    assert "eu-ai-gigafactories" in names[("/api/v1/plans/eu-ai-gigafactories", "spend")]


@pytest.mark.parametrize(("path", "table"), PAGES)
def test_a_download_carries_the_views_provenance_in_headers(client, path, table):
    meta = client.get(path).json()["meta"]
    _, headers, _ = download(client, path, table)
    assert headers["x-moneytrail-ledger-revision"] == str(meta["ledger_revision"])
    assert headers["x-moneytrail-data-version"] == meta["data_version"]
    assert headers["x-moneytrail-retrieved"] == meta["retrieved"]
    assert headers["x-moneytrail-ledger-updated"] == meta["ledger_updated"]
