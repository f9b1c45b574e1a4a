"""Tester findings (h99): a table exported alone carries the run's seed, draws and sources;
per-draw arrays are read-only; every unit a run's tables use is in docs/results.md's list."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import moneytrail as mt

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"


@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


# -- 2. per-draw arrays are read-only: changing one in place cannot change a result ----------


@pytest.fixture(scope="module")
def kept(ws):
    plan = mt.load_scenario(SCENARIO)
    return mt.trace(plan, model=ws.model(plan.year), draws=50, seed=1, keep_draws=True,
                    evidence=True, outputs=True, weights=True)


def test_per_draw_arrays_refuse_changes_in_place(kept):
    before = kept.by("country").amount_mean.sum()
    gap = kept.conservation_gap
    with pytest.raises(ValueError, match="read-only"):
        kept.per_draw.flows[:] *= 2
    for name in ("flows", "tiers", "demand", "purchases", "evidence", "coefficients",
                 "weights"):
        values = getattr(kept.per_draw, name)
        assert isinstance(values, np.ndarray) and not values.flags.writeable, name
    outputs = kept.per_draw.outputs
    assert outputs is not None
    for name in ("output", "tiers", "parts"):
        assert not getattr(outputs, name).flags.writeable, name
    for name in ("flows", "tiers", "demand", "purchases", "draw_totals"):
        assert not getattr(kept, name).flags.writeable, name
    assert not kept.amounts_by("tier")[0].flags.writeable
    assert kept.by("country").amount_mean.sum() == before and kept.conservation_gap == gap


def test_read_only_arrays_are_views_not_copies(kept):
    flows = kept.per_draw.flows
    assert flows.base is not None            # a view of the kept array: nothing copied
    given = np.ones((3, 2))
    flows = np.ones((3, len(kept.model.flow_table())))
    result = mt.TraceResult.from_arrays(None, kept.model, flows, given,
                                        np.ones((3, kept.model.n)))
    assert not result.tiers.flags.writeable
    assert np.shares_memory(result.tiers, given) and given.flags.writeable   # caller's own


def test_kept_footprint_draws_are_read_only(ws, kept):
    from moneytrail.analysis.jobs import plan_footprints
    from moneytrail.data.footprints import footprint_tables

    jobs, _ = plan_footprints(kept, footprint_tables(ws.package), ws.analysis.money)
    assert jobs.fte.per_draw
    for name, values in jobs.fte.per_draw.items():
        assert not values.flags.writeable, name


# -- 1. a table exported alone carries the run's seed, draws, sources and inputs -------------


@pytest.fixture(scope="module")
def run(ws):
    from moneytrail.service import tasks

    return tasks.trace_plan(ws, mt.load_scenario(SCENARIO), draws=100, seed=3, store=None,
                            analyses=False)


def reproduces(meta: dict, run) -> None:
    assert meta["seed"] == 3 and meta["draws"] == 100
    assert meta["seed"] == run.provenance.seed and meta["draws"] == run.provenance.draws
    assert meta["sources"] == list(run.provenance.sources) and len(meta["sources"]) > 10
    assert meta["inputs"] == run.provenance.inputs
    assert meta["inputs"]["plan"]["id"] == "eu-ai-gigafactories"


def test_table_metadata_names_seed_draws_sources_and_inputs(run):
    reproduces(run.table_metadata("entity"), run)


def test_parquet_alone_names_seed_draws_sources_and_inputs(run, tmp_path):
    import json

    import pyarrow.parquet as pq

    run.write_tables(tmp_path, "parquet")
    schema = pq.read_schema(tmp_path / f"{run.run_id}-country.parquet")
    reproduces(json.loads(schema.metadata[b"moneytrail"]), run)


def test_csvw_sidecar_names_seed_draws_sources_and_inputs(run, tmp_path):
    import json

    run.write_tables(tmp_path, "csv")
    side = tmp_path / f"{run.run_id}-headline.csv-metadata.json"
    reproduces(json.loads(side.read_text())["notes"][0], run)


def test_docs_name_seed_draws_sources_in_the_table_metadata():
    text = " ".join((ROOT / "docs" / "results.md").read_text().split())
    section = text[text.index("### CSV and Parquet files carry their units"):]
    for key in ("`seed`", "`draws`", "`sources`", "`inputs`"):
        assert key in section[:1500], key


def test_scorecard_names_the_unit_of_every_row(ws, kept):
    from moneytrail.service.result import known_unit

    card = mt.scorecard([kept], data=ws.analysis)
    assert list(card.units) == [str(label) for label in card.table.index]
    assert all(known_unit(unit) for unit in card.units.values())
    assert "share" in card.units.values() and "points" in card.units.values()
    assert card.table.attrs == {}          # no side channel: the units are a mapping


# -- 3. every unit a run's tables use is in docs/results.md's lists -------------------------


def documented_units() -> tuple[list[str], list[str]]:
    """(units of columns, units of rows only) as docs/results.md's "Units" lists them: each
    bullet's leading backticked units ("- `a`, `b`: ..."), "empty" for ''."""
    text = (ROOT / "docs" / "results.md").read_text()
    section = text[text.index("### Units\n"):text.index("### The tables of each kind")]
    columns_part, rows_part = section.split("Units of rows only", 1)

    def listed(part: str) -> list[str]:
        units = []
        for line in part.splitlines():
            if head := re.match(r"- ((?:`[^`]+`(?:, )?)+):", line):
                units += re.findall(r"`([^`]+)`", head.group(1))
            elif line.startswith("- empty:"):
                units.append("")
        return units

    return listed(columns_part), listed(rows_part)


def matches(unit: str, documented: list[str]) -> bool:
    return any(re.fullmatch(re.escape(d).replace(re.escape("<CUR>"), "[A-Z]{3}"), unit)
               for d in documented)


@pytest.fixture(scope="module")
def runs(ws):
    from moneytrail.service import tasks

    eu, us = mt.load_scenario(SCENARIO), mt.load_scenario(ROOT / "scenarios"
                                                           / "stargate-style-us.yaml")
    out = []
    for plan in (eu, us):
        out.append(tasks.trace_plan(ws, plan, draws=100, seed=1, store=None))
        out.append(tasks.analyse_plan(ws, plan, list(tasks.ANALYSES), draws=100, seed=1,
                                      store=None))
    out.append(tasks.compare_plans(ws, [eu, us], draws=100, seed=1, store=None))
    out.append(tasks.check_claims(ws, draws=100, store=None))
    return out


def test_every_unit_of_a_runs_tables_is_documented(runs):
    columns, rows = documented_units()
    assert "share" in columns and "by row" in columns and "H100-equivalents" in rows
    seen_columns, seen_rows = set(), set()
    for result in runs:
        for name, table in result.tables.items():
            units = [c.unit for c in table.columns]
            seen_columns |= {(result.kind, name, u) for u in units}
            if "by row" in units:      # 'by row' points at a `unit` column of every row
                assert "unit" in [c.name for c in table.columns], (result.kind, name)
            if "unit" in [c.name for c in table.columns]:
                k = [c.name for c in table.columns].index("unit")
                seen_rows |= {(result.kind, name, row[k]) for row in table.rows}
    assert {k for k, _, _ in seen_columns} == {"trace", "analyse", "compare", "claims"}
    undocumented = {s for s in seen_columns if not matches(s[2], columns)}
    assert not undocumented
    undocumented = {s for s in seen_rows if not matches(s[2], columns + rows)}
    assert not undocumented
    assert any(u == "H100-equivalents" for _, _, u in seen_rows)


def test_the_units_results_read_back_are_the_documented_column_units():
    from moneytrail.service.result import UNITS, known_unit

    columns, rows = documented_units()
    assert {u for u in columns if "<CUR>" not in u} == UNITS
    for unit in columns:
        assert known_unit(unit.replace("<CUR>", "GBP")), unit
    for unit in rows:
        assert not known_unit(unit), unit      # a row's unit only, never a column's
