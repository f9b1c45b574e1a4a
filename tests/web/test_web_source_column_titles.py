"""Source pages name a data-package row's columns by their schema titles (`title` of each field
of src/moneytrail/data/package/schemas/*.json), not by raw column names: the grid row cited
by the Ember source read 'gco2 per kwh 213.02, renewable share 0.47' and the H100 row 'tdp w
700, bf16 tflops 989'. Every field of every schema has a title, so a new column cannot be
added without one."""

from __future__ import annotations

import html
import json

import pytest

from moneytrail.data.package import bundled_path, open_package

SCHEMAS = sorted((bundled_path() / "schemas").glob("*.json"))


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_field_of_every_schema_has_a_title(path):
    fields = json.loads(path.read_text(encoding="utf-8"))["fields"]
    untitled = [f["name"] for f in fields if not str(f.get("title") or "").strip()]
    assert untitled == [], f"{path.name}: fields without a title: {untitled}"


def outside_brackets(text: str) -> str:
    depth, out = 0, []
    for char in text:
        depth += char == "("
        if depth == 0:
            out.append(char)
        depth -= char == ")"
    return "".join(out)


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_titles_have_no_comma_outside_brackets(path):
    """A row's label lists its columns separated by commas; a comma in a title would read as
    the end of the column's value (a unit or qualifier goes in brackets instead)."""
    fields = json.loads(path.read_text(encoding="utf-8"))["fields"]
    assert [f["title"] for f in fields if "," in outside_brackets(f.get("title", ""))] == []


def test_field_title_reads_the_schema_and_is_none_without_one():
    package = open_package()
    assert package.field_title("analysis-grid", "gco2_per_kwh") == (
        "Grid carbon intensity (g CO2 per kWh)")
    assert package.field_title("analysis-grid", "no_such_column") is None
    assert package.field_title("no-such-table", "year") is None


pytest.importorskip("fastapi")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("titles") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False)
    with TestClient(app) as test_client:
        yield test_client


def labels(client, source: str, resource: str) -> list[str]:
    body = client.get(f"/api/v1/sources/{source}").json()
    return [row["label"] for row in body["used_by"] if row.get("resource") == resource]


def test_grid_rows_on_a_source_page_read_in_titled_words(client):
    [eu] = [label for label in labels(client, "a_eu_mix_2024", "analysis-grid")]
    assert eu == ("Grid, European Union, 2024: Grid carbon intensity (g CO2 per kWh) 213.02, "
                  "Renewable share of generation 47 %, reliability analyst")
    page = html.unescape(client.get("/sources/a_ember_co2js_2024").text)
    assert "Grid carbon intensity (g CO2 per kWh) 342.06" in page
    assert "gco2 per kwh" not in page and "gco2_per_kwh" not in page


def test_accelerator_rows_on_a_source_page_read_in_titled_words(client):
    h100 = next(label for label in labels(client, "a_epoch_chip_db", "analysis-accelerators")
                if label.startswith("Nvidia H100"))
    assert "Power draw at TDP (W) 700" in h100 and "BF16 compute (TFLOPS) 989" in h100
    assert "Price per accelerator USD 30,000 (USD 25,000–USD 36,000)" in h100
    page = html.unescape(client.get("/sources/a_epoch_chip_db").text)
    assert "BF16 compute (TFLOPS)" in page
    for raw in ("tdp w", "bf16 tflops", "tdp_w", "bf16_tflops"):
        assert raw not in page
