"""A source page lists every row of the data package that cites it, in every table that has a
source column (analysis tables, lifecycle parameters, electricity prices, capital,
satellites, compensation ...), not only the ledger, macro series, markets, cost structures and
entities: the EU electricity price (analysis/electricity_prices.csv) and the yearly hardware
value decline (analysis/parameters.csv) were missing from their sources' pages.

The test walks the package itself (datapackage.json, each resource's schema and CSV), not the
code under test, so a new table with a source column is covered as soon as it is listed."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.data.package import bundled_path  # noqa: E402

SOURCE_COLUMNS = ("sources", "source")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("used_by") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False)
    with TestClient(app) as test_client:
        yield test_client


def cited_rows(root: Path) -> dict[str, set[tuple[str, str]]]:
    """Source id -> {(resource, row)} over every resource of the package with a source
    column; a row is its primary key joined by '/' (as the API's `key`), or 'line N' for a
    table without one."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    cited: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for resource in descriptor["resources"]:
        schema = resource.get("schema")
        if isinstance(schema, str):
            schema = json.loads((root / schema).read_text(encoding="utf-8"))
        key = (schema or {}).get("primaryKey") or []
        key = [key] if isinstance(key, str) else key
        with (root / resource["path"]).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            column = next((c for c in SOURCE_COLUMNS if c in (reader.fieldnames or [])), None)
            if column is None or resource.get("schema") == "schemas/sources.json":
                continue
            for line, row in enumerate(reader, start=2):
                row_id = "/".join(row[c].strip() for c in key) if key else f"line {line}"
                for source in row[column].split(";"):
                    if source.strip():
                        cited[source.strip()].add((resource["name"], row_id))
    return cited


def listed(entry: dict) -> tuple[str, str]:
    return str(entry.get("resource", entry["table"])), str(entry["key"])


def test_every_cited_source_lists_every_row_citing_it(client):
    cited = cited_rows(bundled_path())
    assert "a_eurostat_ig_2024s1" in cited and len(cited) > 300
    missing = []
    for source, rows in sorted(cited.items()):
        body = client.get(f"/api/v1/sources/{source}").json()
        shown = {listed(u) for u in body["used_by"]}
        missing += [f"{source}: {resource} {row}" for resource, row in sorted(rows - shown)]
    assert not missing, f"{len(missing)} rows missing, e.g. {missing[:5]}"


def test_the_lifecycle_figures_are_on_their_sources_pages(client):
    for source in ("a_eurostat_ig_2024s1", "a_eurostat_ig_2024s2"):
        labels = [u["label"] for u in client.get(f"/api/v1/sources/{source}").json()["used_by"]]
        assert any(label.startswith("Electricity price, European Union, 2024: 0.1128 EUR/kWh "
                                    "(0.108–0.1409)") for label in labels), labels
    for source in ("a_h100_residual_weak", "a_h100_rent_index"):
        used = client.get(f"/api/v1/sources/{source}").json()["used_by"]
        [row] = [u for u in used if u["key"] == "value_decline_per_year"]
        assert row["table"] == "parameter"
        assert row["label"] == ("Value decline per year: 28 % (15–40 %) of value lost per "
                                "year, reliability weak")


def test_the_source_page_shows_the_rows(client):
    html = client.get("/sources/a_eurostat_ig_2024s1").text
    assert "No row cites this source yet" not in html
    assert "0.1128 EUR/kWh (0.108–0.1409)" in html


def test_a_table_added_to_the_package_is_found_without_a_code_change(tmp_path):
    """The tables come from the descriptor and the schemas: a new resource with a `sources`
    column is listed with its rows and a label, and no list in the code names it."""
    import shutil

    from moneytrail.data.package import open_package
    from moneytrail.data.sourcing import citing_rows
    from moneytrail.web.views import package_row_label, table_name

    root = tmp_path / "package"
    shutil.copytree(bundled_path(), root)
    (root / "analysis" / "cooling.csv").write_text(
        "id,low,central,high,unit,sources,reliability,note\n"
        "water_per_mwh,1,1.8,2.5,m3 per MWh,a_eurostat_ig_2024s1,estimate,\n", encoding="utf-8")
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"].append({
        "name": "analysis-cooling-water", "path": "analysis/cooling.csv", "format": "csv",
        "schema": {"fields": [{"name": c, "type": "string"} for c in (
            "id", "low", "central", "high", "unit", "sources", "reliability", "note")],
            "primaryKey": ["id"]}})
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    [entry] = [e for e in citing_rows(open_package(root))
               if e["resource"] == "analysis-cooling-water"]
    assert (entry["key"], entry["line"], entry["sources"]) == (
        "water_per_mwh", 2, ["a_eurostat_ig_2024s1"])
    assert table_name(entry["resource"]) == "cooling water"
    assert package_row_label(entry, {}, {}) == (
        "Water per mwh: 1.8 m3 per MWh (1–2.5), reliability estimate")
