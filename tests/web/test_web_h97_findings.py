"""Four output defects (h97): a zero money difference on the compare page printed as a bare
'0' (no currency); years in CSV files printed as '2024.0'; the compare page's two links
both named 'lifecycle table'; `moneytrail compare` had no TCO while the compare page of the
same plans' trace runs shows each plan's."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402

DRAWS = 300
ROOT = Path(__file__).resolve().parents[2]


def plan_path(stem: str) -> Path:
    return next(p for p in reference_scenarios() if p.stem == stem)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """Web-style traces of the EU and US reference plans, of a copy of the EU plan under
    another id and title (the same figures: every difference is zero), and an analyse run
    of the EU plan's lifecycle."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    db = str(tmp_path_factory.mktemp("h97") / "ledger.sqlite")
    eu, us = load_scenario(plan_path("eu-ai-gigafactories")), load_scenario(
        plan_path("stargate-style-us"))
    twin = eu.model_copy(update={"id": "eu-twin", "title": "EU twin"})
    with Workspace.open(db=db) as ws:
        runs = {"eu": tasks.trace_plan(ws, eu, draws=DRAWS, seed=1),
                "us": tasks.trace_plan(ws, us, draws=DRAWS, seed=1),
                "twin": tasks.trace_plan(ws, twin, draws=DRAWS, seed=1),
                "analyse": tasks.analyse_plan(ws, eu, "lifecycle", draws=DRAWS, seed=1)}
    return db, runs


@pytest.fixture(scope="module")
def client(stored):
    from moneytrail.web import create_app

    app = create_app(db=stored[0], start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


# -- 1. a zero money difference carries its currency ------------------------------------------
def test_zero_difference_in_its_unit():
    from moneytrail.report.units import difference_text

    assert difference_text(0.0, "EUR") == "EUR 0"
    assert difference_text(-0.0, "USD") == "USD 0"
    assert difference_text(0.0, "t CO2e (supply chain, scope 1+2)") == "0 t CO2e"
    assert difference_text(0.0, "FTE-years per EUR million") == "0.0 FTE-years per EUR m"
    assert difference_text(1.2e9, "EUR") == "+EUR 1.20 bn"     # unchanged
    assert difference_text(0.0, "share") == "0 points"
    assert difference_text(0.0, "points") == "0 points"


def test_compare_page_zero_money_difference_has_its_currency(client, stored):
    a, b = stored[1]["eu"], stored[1]["twin"]
    page = client.get(f"/compare?runs={a.run_id},{b.run_id}")
    assert page.status_code == 200, page.text[:2000]
    cells = [text_of(c) for c in re.findall(r'<td class="num difference">(.*?)</td>',
                                            page.text)]
    assert cells and "0" not in cells
    assert "EUR 0" in cells                      # the budget per training run: no change
    # the JSON and CSV keep each scorecard row's unit beside the difference
    body = client.get(f"/api/v1/compare?runs={a.run_id},{b.run_id}&table=scorecard"
                      "&format=csv")
    rows = list(csv.DictReader(io.StringIO(body.text)))
    money = [r for r in rows if r["unit"] == "EUR"]
    assert money and all(float(r["difference_p50"]) == 0 for r in money)


# -- 2. years in CSV files are whole numbers --------------------------------------------------
def data_years(text: str) -> set[str]:
    return {r["data_year"] for r in csv.DictReader(io.StringIO(text)) if r.get("data_year")}


def test_years_in_csv_are_integers(stored, tmp_path):
    from moneytrail.report.terminal import result_csv

    analysed, traced = stored[1]["analyse"], stored[1]["eu"]
    assert data_years(result_csv(analysed)) == {"2024"}                 # analyse -f csv
    assert data_years(result_csv(traced, ["lifecycle"])) == {"2024"}     # show -f csv
    assert data_years(result_csv(traced)) == {"2024"}                   # every table stacked
    assert str(traced.tables["lifecycle"].frame()["data_year"].dtype) == "Int64"
    paths = traced.write_tables(tmp_path)                                # --out folder
    lifecycle = next(p for p in paths if p.name.endswith("-lifecycle.csv"))
    assert data_years(lifecycle.read_text()) == {"2024"}


def test_years_in_the_api_csv_are_integers(client, stored):
    run = stored[1]["eu"]
    response = client.get(f"/api/v1/runs/{run.run_id}?format=csv&table=lifecycle")
    assert response.status_code == 200
    assert data_years(response.text) == {"2024"}


# -- 3. each plan's lifecycle link names its plan ---------------------------------------------
def test_lifecycle_links_have_distinct_names(client, stored):
    a, b = stored[1]["eu"], stored[1]["us"]
    page = client.get(f"/compare?runs={a.run_id},{b.run_id}")
    links = re.findall(r'<a href="(/r/[0-9a-f]+#lifecycle-h)">(.*?)</a>', page.text)
    assert len(links) == 2
    names = [text_of(inner) for _, inner in links]
    assert len(set(names)) == 2 and len({href for href, _ in links}) == 2
    for run, name in zip((a, b), names, strict=True):
        assert name.startswith("lifecycle table") and run.title in name
    # the visible text is unchanged: the plan's name is for screen readers
    assert page.text.count('lifecycle table<span class="visually-hidden">') == 2


# -- 4. moneytrail compare has each plan's TCO, as its trace run's lifecycle table ------------
def test_cli_compare_has_each_plans_tco(stored):
    db, runs = stored
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": db}
    paths = [plan_path("eu-ai-gigafactories"), plan_path("stargate-style-us")]
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "compare", *map(str, paths),
                          "--draws", str(DRAWS), "--seed", "1", "--format", "csv",
                          "--table", "tco"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600, env=env)
    assert out.returncode == 0, out.stderr
    rows = {r["plan"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    for key, plan in (("eu", "eu-ai-gigafactories"), ("us", "stargate-style-us")):
        tco = runs[key].tables["lifecycle"].frame().loc["tco"]
        row = rows[plan]
        for stat in ("mean", "p5", "p50", "p95"):
            # a CSV writes six significant digits (docs/results.md)
            assert float(row[stat]) == pytest.approx(tco[stat], rel=1e-5)
        assert row["unit"] == tco["unit"] and row["period"] == tco["period"]
    assert rows["stargate-style-us"]["unit"] == "USD"
    # the table as the terminal shows it: each plan's median TCO in its currency
    shown = subprocess.run([sys.executable, "-m", "moneytrail.cli", "compare",
                            *map(str, paths), "--draws", str(DRAWS), "--seed", "1",
                            "--table", "tco"], cwd=ROOT, capture_output=True, text=True,
                           timeout=600, env={**env, "COLUMNS": "200"})
    assert shown.returncode == 0, shown.stderr
    from moneytrail.report.units import in_unit

    said = " ".join(shown.stdout.split())
    for key in ("eu", "us"):
        tco = runs[key].tables["lifecycle"].frame().loc["tco"]
        assert in_unit(tco["p50"], tco["unit"]) in said
