"""One document under several source ids (h90): each sub-package of the data keeps its own
sources table, so one page cited by the ledger and the value chain has two rows
(`l_investai_ec_dsj`, `m_ec_investai_2025`). `moneytrail validate` names each such group in a
warning; ids of one URL that disagree on reliability, title, publisher or publication date are
errors (data 2.6.0: written the same way, `2025` and `2025-10` differ); accessed dates may
differ."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from moneytrail.data.package import open_package
from moneytrail.data.sourcing import shared_url_groups
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


def test_the_bundled_package_has_24_urls_under_several_ids_in_one_warning_each():
    """(24 from data 2.6.5: c_nvidia_fy2026_gm moved to the page of c_nvidia_fy2026_results)"""
    package = open_package()
    groups = {tuple(g["id"]) for g in shared_url_groups(package)}
    assert len(groups) == 24
    assert {"c_nvidia_fy2026_gm", "c_nvidia_fy2026_results"} in [set(g) for g in groups]
    assert ("l_investai_ec_dsj", "m_ec_investai_2025") in groups
    assert ("a_stargate_openai_2025_01", "l_stargate_openai_2025_01",
            "m_stargate_openai_2025") in groups
    warnings = shared_url_warnings()
    assert len(warnings) == 24
    text = next(str(w) for w in warnings if "l_investai_ec_dsj" in str(w))
    assert "one document under 2 source ids" in text
    assert "l_investai_ec_dsj (ledger/sources.csv:" in text
    assert "m_ec_investai_2025 (valuechain/sources_markets.csv:" in text


def test_the_bundled_ids_of_one_url_agree_on_title_publisher_and_date():
    package = open_package()
    assert [str(p) for p in package_problems()
            if p.field in ("title", "publisher", "published")] == []
    rows = {row["id"]: row for group in shared_url_groups(package)
            for _, row in group.iterrows()}
    # the fact-checker's two: one Bernstein note, one date; the Stargate reprint's readings
    # stay on the days they were made
    assert rows["c_bernstein_gw_capex"]["published"] == "2025-10"
    assert rows["m_bernstein_gw_capex_2025"]["published"] == "2025-10"
    assert rows["a_stargate_openai_2025_01"]["accessed"] == "2026-11-30"
    assert rows["l_stargate_openai_2025_01"]["accessed"] == "2026-12-01"


def test_two_ids_on_one_url_are_a_warning_not_an_error(tmp_path):
    root = small_package(tmp_path, source("v_report"), source("a_report",
                                                              accessed="2026-12-01"))
    assert package_problems(root) == []          # read on two days: allowed
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


@pytest.mark.parametrize("published", ["2025", "2024-11"])
def test_two_ids_on_one_url_with_different_dates_are_one_error_naming_both(tmp_path,
                                                                            published):
    root = small_package(tmp_path, source("v_report"), source("a_report",
                                                              published=published))
    problems = [p for p in package_problems(root) if p.field == "published"]
    assert len(problems) == 1
    text = str(problems[0])
    assert "a_report (analysis/sources.csv:2) = " + published in text
    assert "v_report (valuechain/sources_test.csv:3) = 2025-03" in text
    assert "different published values" in text
    out = validate_cli(root, tmp_path)
    assert out.returncode != 0
    lines = [t for t in out.stderr.splitlines() if t.startswith("error") and "published" in t]
    assert len(lines) == 1
    assert "a_report" in lines[0] and "v_report" in lines[0]
    assert f"= {published}" in lines[0] and "= 2025-03" in lines[0]


@pytest.mark.parametrize(("field", "value"), [("title", "Report 2025 (summary)"),
                                              ("publisher", "Example Agency (via a mirror)")])
def test_two_ids_on_one_url_with_another_title_or_publisher_are_an_error(tmp_path, field,
                                                                         value):
    root = small_package(tmp_path, source("v_report"), source("a_report", **{field: value}))
    problems = [p for p in package_problems(root) if p.field == field]
    assert len(problems) == 1
    assert f"a_report (analysis/sources.csv:2) = {value}" in str(problems[0])
    assert [p for p in package_problems(root) if p.field != field] == []


def test_spaces_alone_are_no_difference(tmp_path):
    root = small_package(tmp_path, source("v_report"),
                         source("a_report", title=" Report  2025 "))
    assert package_problems(root) == []


@pytest.mark.parametrize(("first", "second", "groups"), [
    (PAGE, "http://www.Example.org/report-2025/", 1),    # one page (data.sourcing.url_key)
    (PAGE, PAGE + "?page=2", 0),
    ("", "", 0)])                                          # no URL: no document
def test_urls_compare_as_one_page(tmp_path, first, second, groups):
    root = small_package(tmp_path, source("v_report", url=first),
                         source("a_report", url=second))
    assert len(shared_url_warnings(root)) == groups
