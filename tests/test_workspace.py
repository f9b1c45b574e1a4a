"""The Workspace reads once; the validation cache skips row checks of an unchanged package."""

from __future__ import annotations

import shutil

import pytest

import moneytrail as mt
from moneytrail.analysis import data as analysis_data
from moneytrail.data import valuechain
from moneytrail.data.package import bundled_path, is_validated, open_package
from moneytrail.errors import DataPackageError
from moneytrail.service.workspace import Workspace


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("MONEYTRAIL_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def package(tmp_path):
    root = tmp_path / "package"
    shutil.copytree(bundled_path(), root)
    return root


def counting(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def test_content_hash_is_stable_and_changes_with_one_cell(package):
    first = open_package(package).content_hash()
    assert first == open_package(package).content_hash() and len(first) == 64
    markets = package / "valuechain" / "markets.csv"
    text = markets.read_text()
    header, row, *rest = text.splitlines()
    markets.write_text("\n".join([header, row + " ", *rest]) + "\n")
    assert open_package(package).content_hash() != first


def test_second_load_skips_the_row_checks(cache, package, monkeypatch):
    table_checks = counting(monkeypatch, valuechain, "table_problems")
    analysis_checks = counting(monkeypatch, analysis_data, "_problems")
    valuechain.load_valuechain(str(package))
    analysis_data.load_analysis(package)
    assert len(table_checks) == 1 and len(analysis_checks) == len(analysis_data.TABLES)
    assert (cache / "validated" / open_package(package).content_hash()).is_file()
    valuechain.load_valuechain(str(package))            # a second load (a new DataPackage)
    analysis_data.load_analysis(package)
    assert len(table_checks) == 1 and len(analysis_checks) == len(analysis_data.TABLES)


def test_editing_one_cell_invalidates_and_still_fails_with_the_first_problem(cache, package,
                                                                            monkeypatch):
    valuechain.load_valuechain(str(package))
    calls = counting(monkeypatch, valuechain, "table_problems")
    markets = package / "valuechain" / "markets.csv"
    lines = markets.read_text().splitlines()
    cells = lines[1].split(",")
    cells[3] = "nobody"                                   # supplier: an unknown entity
    lines[1] = ",".join(cells)
    markets.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataPackageError, match="unknown entity"):
        valuechain.load_valuechain(str(package))
    assert len(calls) == 1
    assert not is_validated(open_package(package), "valuechain")


def test_an_unwritable_cache_dir_is_no_error(tmp_path, package, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MONEYTRAIL_CACHE_DIR", str(blocker / "cache"))
    calls = counting(monkeypatch, valuechain, "table_problems")
    valuechain.load_valuechain(str(package))
    valuechain.load_valuechain(str(package))
    assert len(calls) == 2                                  # no cache: checked each time


def test_workspace_reads_each_csv_once_and_builds_each_model_once(cache, package, monkeypatch):
    reads = []
    original = type(open_package(package))._read

    def read(self, name):
        reads.append(name)
        return original(self, name)

    monkeypatch.setattr(type(open_package(package)), "_read", read)
    with Workspace.open(package) as ws:
        assert ws.valuechain is ws.valuechain and ws.analysis is ws.analysis
        ws.ledger_tables()
        assert ws.model(2025) is ws.model(2025)
        assert ws.data_version == ws.package.version
        assert ws.data_hash == open_package(package).content_hash()
    assert len(reads) == len(set(reads))
    assert {"valuechain-markets", "analysis-parameters", "ledger-claims"} <= set(reads)


def test_workspace_model_equals_load_model(cache):
    with Workspace.open() as ws:
        model = ws.model(2025)
        assert model.labels == mt.load_model(2025).labels
        with pytest.raises(mt.MoneytrailError, match="no data for this year"):
            ws.model(1990)


def test_workspace_ledger_tables_without_a_database(cache):
    with Workspace.open() as ws:
        tables = ws.ledger_tables()
        assert ws._ledger is None                          # no store was opened
        assert {"ref", "low", "central", "high"} <= set(tables.claims.columns)
        assert {"id", "sector"} <= set(tables.deals.columns)
