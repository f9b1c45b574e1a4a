"""Tester findings (h99): a table exported alone carries the run's seed, draws and sources;
per-draw arrays are read-only; every unit a run's tables use is in docs/results.md's list."""

from __future__ import annotations

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
