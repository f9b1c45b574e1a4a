"""One document under several source ids (h90): each sub-package of the data keeps its own
sources table, so one page cited by the ledger and the value chain has two rows
(`l_investai_ec_dsj`, `m_ec_investai_2025`). `moneytrail validate` names each such group in a
warning; ids of one URL that disagree on reliability or publication date are errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from moneytrail.data.package import open_package
from moneytrail.data.sourcing import dates_agree, shared_url_groups
from moneytrail.data.validate import package_problems, shared_url_warnings
from packages import miller_blair_tables, write_csv, write_package

ROOT = Path(__file__).resolve().parents[1]
PAGE = "https://example.org/report-2025"
HEADER = ["id", "publisher", "title", "url", "published", "accessed", "reliability", "note",
          "primary_ref", "title_lang"]


def source(source_id: str, **fields: str) -> dict:
    return {"id": source_id, "publisher": "Example Agency", "title": "Report 2025",
            "url": PAGE, "published": "2025-03", "accessed": "2026-11-26",
            "reliability": "analyst", **fields}


def small_package(tmp_path: Path, first: dict, second: dict) -> Path:
    """The Miller-Blair package plus a second sources table: `first` in the value chain's
    table beside 'mb', `second` in the other table (another sub-package's record)."""
    tables = miller_blair_tables()
    tables["sources"] = [*tables["sources"], first]
    root = write_package(tmp_path / "p", tables)
    write_csv(root / "analysis" / "sources.csv", HEADER, [second])
    descriptor = json.loads((root / "datapackage.json").read_text())
    descriptor["resources"].append({"name": "other-sources", "path": "analysis/sources.csv",
                                    "profile": "tabular-data-resource",
                                    "schema": "schemas/sources.json"})
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=1))
    return root


def validate_cli(root: Path, tmp_path: Path, *options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
           "MONEYTRAIL_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-m", "moneytrail", "validate", str(root), *options],
                          capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)


def test_the_bundled_package_has_23_urls_under_several_ids_in_one_warning_each():
    package = open_package()
    groups = {tuple(g["id"]) for g in shared_url_groups(package)}
    assert len(groups) == 23
    assert ("l_investai_ec_dsj", "m_ec_investai_2025") in groups
    assert ("a_stargate_openai_2025_01", "l_stargate_openai_2025_01",
            "m_stargate_openai_2025") in groups
    warnings = shared_url_warnings()
    assert len(warnings) == 23
    text = next(str(w) for w in warnings if "l_investai_ec_dsj" in str(w))
    assert "one document under 2 source ids" in text
    assert "l_investai_ec_dsj (ledger/sources.csv:" in text
    assert "m_ec_investai_2025 (valuechain/sources_markets.csv:" in text
    # the bundled ids of one URL agree on their dates (some only at a coarser precision)
    assert not [p for p in package_problems() if p.field == "published"]
    bernstein = next(str(w) for w in warnings if "c_bernstein_gw_capex" in str(w))
    assert "differ only in precision: 2025 / 2025-10" in bernstein


def test_dates_agree_at_their_precision():
    assert dates_agree("2025", "2025-10") and dates_agree("2025-02-11", "2025-02")
    assert dates_agree("", "2025-02") and dates_agree("2025-07", "2025-07")
    assert not dates_agree("2025-07", "2025-08") and not dates_agree("2025", "2024-12")
    assert not dates_agree("2025-1", "2025-10")


def test_two_ids_on_one_url_are_a_warning_not_an_error(tmp_path):
    root = small_package(tmp_path, source("v_report"), source("a_report",
                                                              published="2025-03-14"))
    assert package_problems(root) == []
    warnings = shared_url_warnings(root)
    assert len(warnings) == 1
    text = str(warnings[0])
    assert "a_report (analysis/sources.csv:2)" in text
    assert "v_report (valuechain/sources_test.csv:3)" in text
    out = validate_cli(root, tmp_path)       # allowed: counted in one line, not listed
    assert out.returncode == 0, out.stderr
    assert "note 1 document(s) recorded under more than one source id" in out.stderr
    assert "one document under 2" not in out.stderr
    out = validate_cli(root, tmp_path, "--summary")
    line = next(t for t in out.stderr.splitlines() if "one document under 2" in t)
    assert line.startswith("note") and "a_report" in line and "v_report" in line


def test_two_ids_on_one_url_with_different_reliability_are_an_error(tmp_path):
    root = small_package(tmp_path, source("v_report"), source("a_report",
                                                              reliability="weak"))
    problems = [p for p in package_problems(root) if p.field == "reliability"]
    assert {p.value for p in problems} == {"analyst", "weak"}
    assert any("a_report = weak" in str(p) for p in problems)
    out = validate_cli(root, tmp_path)
    assert out.returncode != 0
    assert any(t.startswith("error") and "v_report" in t and "a_report = weak" in t
               for t in out.stderr.splitlines())


def test_two_ids_on_one_url_with_different_dates_are_an_error(tmp_path):
    root = small_package(tmp_path, source("v_report"), source("a_report",
                                                              published="2024-11"))
    problems = [p for p in package_problems(root) if p.field == "published"]
    assert len(problems) == 2
    by_value = {str(p.value): str(p) for p in problems}
    assert "a_report = 2024-11" in by_value["2025-03"]
    assert "sources_test.csv:3" in by_value["2025-03"]
    assert "v_report = 2025-03" in by_value["2024-11"]
    out = validate_cli(root, tmp_path)
    assert out.returncode != 0
    assert any(t.startswith("error") and "another publication date" in t
               for t in out.stderr.splitlines())


@pytest.mark.parametrize(("first", "second", "groups"), [
    (PAGE, "http://www.Example.org/report-2025/", 1),    # one page (data.sourcing.url_key)
    (PAGE, PAGE + "?page=2", 0),
    ("", "", 0)])                                          # no URL: no document
def test_urls_compare_as_one_page(tmp_path, first, second, groups):
    root = small_package(tmp_path, source("v_report", url=first),
                         source("a_report", url=second))
    assert len(shared_url_warnings(root)) == groups
