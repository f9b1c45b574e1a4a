"""A tester's finding (h89): the lifecycle cost of a plan (TCO, electricity cost, hardware
capex, residual value) was only in `moneytrail analyse`: not on the run page, in its JSON and
CSV, in the briefing or on the compare page, and the methods did not define TCO (below the
budget because the residual value is subtracted)."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402

DRAWS = 300


def plan(stem: str):
    return load_scenario(next(p for p in reference_scenarios() if p.stem == stem))


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A web-style trace of the EU reference plan, `moneytrail analyse --what lifecycle` of the
    same plan, draws and seed, a US trace, and the EU trace as an older version stored it
    (no lifecycle table)."""
    from sqlalchemy import create_engine

    from moneytrail.service import tasks
    from moneytrail.service.result import Result
    from moneytrail.service.runs import RunStore
    from moneytrail.service.workspace import Workspace

    db = str(tmp_path_factory.mktemp("h89") / "ledger.sqlite")
    eu, us = plan("eu-ai-gigafactories"), plan("stargate-style-us")
    with Workspace.open(db=db) as ws:
        runs = {"trace": tasks.trace_plan(ws, eu, draws=DRAWS, seed=1),
                "us": tasks.trace_plan(ws, us, draws=DRAWS, seed=1),
                "analyse": tasks.analyse_plan(ws, eu, "lifecycle", draws=DRAWS, seed=1)}
    old = runs["trace"].to_dict()
    old["tables"].pop("lifecycle", None)
    older = Result.from_dict({**old, "run_id": "e" * 32})
    store = RunStore(create_engine(f"sqlite:///{db}"))
    store.start(older.run_id, kind="trace", label="older", inputs=old["provenance"]["inputs"],
                data_version="x", data_hash="x", total=1)
    store.finish(older)
    runs["older"] = older
    return db, runs


@pytest.fixture(scope="module")
def client(stored):
    from moneytrail.web import create_app

    app = create_app(db=stored[0], start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def analysed(stored) -> dict:
    frame = stored[1]["analyse"].tables["lifecycle"].frame()
    return frame.loc["tco"].to_dict()


def test_trace_stores_the_lifecycle_of_analyse(stored):
    """The run's lifecycle table: the same TCO as `moneytrail analyse` (same draws, seed),
    every row with its unit, period and what it counts; the note names the horizon and the
    electricity price with their sources and labels."""
    table = stored[1]["trace"].tables["lifecycle"]
    frame = table.frame()
    tco = analysed(stored)
    for stat in ("mean", "p5", "p50", "p95"):
        assert frame.at["tco", stat] == pytest.approx(tco[stat], rel=1e-12)
    for row in ("budget", "hardware_capex", "other_spending", "electricity_cost",
                "residual_value", "tco"):
        assert frame.at[row, "unit"] == "EUR"
        assert frame.at[row, "counts"] and frame.at[row, "period"]
    assert frame.at["energy_mwh", "unit"] == "MWh"
    assert frame.at["electricity_cost", "period"] == "over the 5-year horizon"
    assert "residual value" in frame.at["tco", "counts"].lower()
    # mean TCO = mean budget + mean electricity - mean residual value (means add up)
    assert frame.at["tco", "mean"] == pytest.approx(
        frame.at["budget", "mean"] + frame.at["electricity_cost", "mean"]
        - frame.at["residual_value", "mean"], rel=1e-9)
    assert "Horizon: 5 years" in table.note
    assert "the electricity price table of the data package" in table.note  # h110: no file
    # data 2.6.0: the price rows carry their sources' label, estimate (were official while
    # both Eurostat copies they cite are estimate; a row claims no more than its best source)
    assert "reliability estimate" in table.note
    assert "a_eurostat_ig_2024s1" in table.note
    assert "docs/methods.md, 'Lifecycle cost and TCO'" in table.note
    # analyse's lifecycle table says the same in its note
    assert stored[1]["analyse"].tables["lifecycle"].note == table.note


def test_run_page_has_the_lifecycle_section(client, stored):
    run = stored[1]["trace"]
    page = client.get(f"/r/{run.run_id}")
    assert page.status_code == 200
    html = page.text
    assert 'id="lifecycle-h"' in html and 'href="#lifecycle-h"' in html
    section = html[html.index('id="lifecycle-h"'):html.index('id="scorecard-h"')]
    assert '<caption id="lifecycle-caption">' in section
    assert '<th scope="row">TCO as counted here <span class="unit">(EUR)' in section  # h102
    assert "TCO as counted here over the 5-year horizon (budget plus electricity" in \
        " ".join(section.split())                                        # its scope: the lead
    assert section.count('scope="col"') == 5
    said = text_of(section)
    from moneytrail.report.units import in_unit

    tco = analysed(stored)
    assert in_unit(tco["p50"], "EUR") in said             # the median TCO of `analyse`
    assert in_unit(tco["mean"], "EUR") in said
    assert "Electricity cost (EUR)" in said and "Residual value (EUR)" in said
    assert "Hardware capex (EUR)" in said
    assert "Horizon: 5 years" in said and "Electricity price: 0.1128 EUR/kWh" in said
    assert "minus what that hardware is still worth" in said
    assert 'href="/methods#lifecycle-cost-and-tco"' in section
    assert "table=lifecycle" in section
    assert "TCO (total cost of ownership)" in text_of(html)          # in the page's words


def test_json_and_csv_have_the_lifecycle_with_units(client, stored):
    run = stored[1]["trace"]
    body = client.get(f"/api/v1/runs/{run.run_id}?format=json&table=lifecycle")
    assert body.status_code == 200
    text = body.text
    assert '"tco"' in text and '"unit"' in text and "counts" in text
    whole = client.get(f"/api/v1/runs/{run.run_id}").json()
    tables = whole.get("result", whole).get("tables", whole.get("tables"))
    assert "lifecycle" in tables
    response = client.get(f"/api/v1/runs/{run.run_id}?format=csv&table=lifecycle")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    head = next(r for r in rows if "metric" in r)
    assert {"metric", "unit", "period", "counts", "mean", "p5", "p50", "p95"} <= set(head)
    tco = next(r for r in rows if r and r[head.index("metric")] == "tco")
    assert tco[head.index("unit")] == "EUR"
    # a CSV writes six significant digits (docs/results.md); the JSON keeps every digit
    assert float(tco[head.index("p50")]) == pytest.approx(analysed(stored)["p50"], rel=1e-5)
    page = client.get(f"/r/{run.run_id}").text
    assert "format=csv&amp;table=lifecycle" in page


def test_the_lifecycle_csv_names_a_currency_only_on_rows_with_money(client, stored, tmp_path):
    """A budget officer's finding: every row of the lifecycle CSV said currency EUR, the
    share, MWh and t CO2e rows too. `currency` is each row's: its unit's when that is money,
    and that of the price columns filled on the accelerators row (h100e_price_*, EUR); empty
    otherwise. The API's CSV, the CLI's (csv_unit_frame) and the JSON's units agree."""
    from moneytrail.service.result import csv_unit_frame

    run = stored[1]["trace"]
    response = client.get(f"/api/v1/runs/{run.run_id}?format=csv&table=lifecycle")
    rows = {row["metric"]: row for row in csv.DictReader(io.StringIO(response.text))}
    frame = run.tables["lifecycle"].frame()
    cli = csv_unit_frame(run, "lifecycle", frame.reset_index()).set_index("metric")
    units = {c.name: c.unit for c in run.tables["lifecycle"].columns}
    assert units["p50"] == "by row" and units["h100e_price_central"] == "EUR"
    for metric, row in rows.items():
        money = row["unit"] == "EUR" or metric == "accelerators_h100e"
        assert row["currency"] == ("EUR" if money else ""), (metric, row["unit"])
        assert (cli.loc[metric, "currency"] or "") == row["currency"], metric
        assert frame.loc[metric, "unit"] == row["unit"]          # the JSON's row unit
    for metric in ("residual_value_share", "energy_mwh", "co2_tonnes", "co2_embodied_share"):
        assert rows[metric]["currency"] == "", metric
    assert rows["tco"]["currency"] == "EUR"


def test_compare_page_shows_the_tco(client, stored):
    a, b = stored[1]["trace"], stored[1]["us"]
    page = client.get(f"/compare?runs={a.run_id},{b.run_id}")
    assert page.status_code == 200
    said = text_of(page.text)
    from moneytrail.report.units import in_unit
    from moneytrail.service.lifecycle import TCO_SCOPE

    assert (f"TCO as counted here over the 5-year horizon ({TCO_SCOPE}): "   # h102
            f"{in_unit(analysed(stored)['p50'], 'EUR')}") in said
    assert said.count("TCO as counted here over the") == 2


def test_older_runs_without_the_table_still_render(client, stored):
    older = stored[1]["older"]
    page = client.get(f"/r/{older.run_id}")
    assert page.status_code == 200, page.text[:2000]
    said = text_of(page.text)
    assert "stored before runs kept the lifecycle table" in said
    compare = client.get(f"/compare?runs={older.run_id},{stored[1]['us'].run_id}")
    assert compare.status_code == 200
    assert "no lifecycle table" in text_of(compare.text)


def test_methods_define_tco():
    from moneytrail.report.methods import methods_page, methods_text

    text = methods_text()
    assert "## Lifecycle cost and TCO" in text
    section = text.split("## Lifecycle cost and TCO", 1)[1].split("\n## ", 1)[0]
    assert "budget + electricity cost - residual value" in section
    assert "Why TCO can be below the budget" in section
    assert any(e["anchor"] == "lifecycle-cost-and-tco" for e in methods_page()[1])
