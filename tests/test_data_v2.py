"""Data 2.0.0: sources that are what their label says, and figures used as what they are."""

import csv
import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from moneytrail.analysis.data import load_analysis
from moneytrail.analysis.dependency import rules_in_force
from moneytrail.analysis.hardware import reference_accelerator
from moneytrail.data.consistency import exclusion_problems
from moneytrail.data.package import bundled_path, open_package
from moneytrail.data.sourcing import (
    WEAK_SOURCED,
    flag_of,
    label_above_sources_problems,
    source_flags,
    sourcing_counts,
    sourcing_problems,
)
from moneytrail.ledger.queries import is_need
from moneytrail.ledger.records import DEAL_KINDS

SERVER_MAKERS = ("foxconn", "quanta", "wistron", "supermicro", "dell", "hpe")


@pytest.fixture(scope="module")
def package():
    return open_package()


def copy_package(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(bundled_path(), root)
    return root


def edit_csv(path, change):
    """Rewrite a CSV file with `change(row)` applied to every row (keeps header and endings)."""
    raw = path.read_bytes()
    ending = "\r\n" if b"\r\n" in raw else "\n"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    for row in rows:
        change(row)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator=ending)
        writer.writeheader()
        writer.writerows(rows)


# --- section 2: sources ------------------------------------------------------------------

def test_every_filing_and_official_source_names_its_primary_document(package):
    assert [str(p) for p in sourcing_problems(package)] == []
    flags = source_flags(package)
    primary = flags[flags["reliability"].isin(["filing", "official"])]
    assert len(primary) > 100 and primary["has_primary_ref"].all()
    assert not (primary["flag"] == "junk").any()


def test_the_junk_amd_copy_is_gone_and_flags_are_counted(package):
    flags = source_flags(package)
    urls = pd.concat([package.table(n)["url"] for n in flags["resource"].unique()])
    assert not urls.str.contains("luxuryhousezone").any()
    counts = sourcing_counts(package).set_index("reliability")
    assert counts.loc["filing", "sources"] == (flags["reliability"] == "filing").sum()
    assert counts.loc["filing", "aggregator"] > 0 and counts.loc["filing", "mirror"] > 0


def test_flag_matches_subdomains_only():
    flagged = {"luxuryhousezone.com": "junk", "stockanalysis.com": "aggregator"}
    assert flag_of("https://gardendreamscape.luxuryhousezone.com/?p=1", flagged) == (
        "luxuryhousezone.com", "junk")
    assert flag_of("https://www.stockanalysis.com/x", flagged) == ("stockanalysis.com",
                                                                   "aggregator")
    assert flag_of("https://notstockanalysis.com/x", flagged) is None
    assert flag_of("", flagged) is None


def test_a_filing_without_primary_ref_or_on_a_junk_domain_is_an_error(tmp_path):
    root = copy_package(tmp_path)

    def spoil(row):
        if row["id"] == "c_nvidia_fy2025_results":
            row["primary_ref"] = ""
        if row["id"] == "c_tsmc_fy2025":
            row["url"] = "https://gardendreamscape.luxuryhousezone.com/?p=1"

    edit_csv(root / "valuechain" / "sources_costs.csv", spoil)
    messages = [str(p) for p in sourcing_problems(open_package(root))]
    assert len(messages) == 2
    assert "field 'primary_ref'" in messages[0] and "needs primary_ref" in messages[0]
    assert "junk domain" in messages[1] and "luxuryhousezone.com" in messages[1]


def test_code_hosts_are_flagged_and_an_issuers_own_account_is_not():
    flagged = {"github.com": "code_host", "githubusercontent.com": "code_host",
               "github.io": "code_host", "samay58.github.io": "mirror",
               "huggingface.co": "code_host", "huggingface.co/deepseek-ai": "issuer_account"}
    assert flag_of("https://github.com/imanzaf/esg-data-retrieval/blob/x/T.json", flagged) == (
        "github.com", "code_host")
    assert flag_of("https://raw.githubusercontent.com/a/b/main/c.csv", flagged) == (
        "githubusercontent.com", "code_host")
    assert flag_of("https://someone.github.io/page", flagged) == ("github.io", "code_host")
    # a more specific entry wins: a reviewed rendering of SEC filings stays a mirror
    assert flag_of("https://samay58.github.io/edgarpack/x.md", flagged) == (
        "samay58.github.io", "mirror")
    assert flag_of("https://huggingface.co/deepseek-ai/DeepSeek-V3", flagged) is None
    assert flag_of("https://huggingface.co/datasets/nopperl/x", flagged) == (
        "huggingface.co", "code_host")
    # an account entry does not match the bare host or another account's lookalike
    assert flag_of("https://huggingface.co/deepseek-ai-fan/x", flagged) == (
        "huggingface.co", "code_host")


def test_the_bundled_package_lists_code_hosts_and_reads_no_filing_there(package):
    from moneytrail.data.sourcing import flagged_domains

    listed = flagged_domains(package)
    for host in ("github.com", "githubusercontent.com", "gitlab.com", "huggingface.co"):
        assert listed[host] == "code_host"
    assert listed["tsgdht.cn"] == "junk"          # the Statista mirror host
    flags = source_flags(package)
    primary = flags[flags["reliability"].isin(["filing", "official"])]
    assert not primary["flag"].isin(["junk", "code_host"]).any()
    # the GitHub extractions of sustainability reports are no longer labelled filing
    esg = flags[flags["id"].str.startswith("s_esg_parse_")]
    assert len(esg) >= 6 and set(esg["reliability"]) == {"estimate"}
    assert set(esg["flag"]) == {"code_host"}
    statista = flags.set_index("id").loc["s_eia_retail_revenue_2024"]
    assert statista["reliability"] == "weak" and statista["flag"] == "junk"


@pytest.mark.parametrize("url", [
    "https://github.com/imanzaf/esg-data-retrieval/blob/x/TSMC_final.json",
    "https://raw.githubusercontent.com/imanzaf/esg-data-retrieval/x/TSMC_final.json",
    "https://huggingface.co/datasets/someone/sustainability-report-emissions",
])
def test_a_filing_read_on_a_code_host_is_an_error(tmp_path, url):
    root = copy_package(tmp_path)

    def spoil(row):
        if row["id"] == "c_tsmc_fy2025":
            row["url"] = url

    edit_csv(root / "valuechain" / "sources_costs.csv", spoil)
    messages = [str(p) for p in sourcing_problems(open_package(root))]
    assert len(messages) == 1
    assert "sources_costs.csv" in messages[0] and "field 'url'" in messages[0]
    assert "code-hosting or extraction host" in messages[0]
    assert "labelled filing" in messages[0]


def test_a_weak_source_on_a_code_host_is_counted_not_an_error(tmp_path):
    from moneytrail.data.summary import primary_ref_target

    root = copy_package(tmp_path)

    def lower(row):
        if row["id"] == "c_tsmc_fy2025":
            row["url"] = "https://github.com/someone/copy/blob/main/tsmc.csv"
            row["reliability"] = "weak"

    edit_csv(root / "valuechain" / "sources_costs.csv", lower)
    package = open_package(root)
    # the code host is no error for a weak source; only the rows resting on it alone, still
    # labelled filing, are (data 2.5.0: no better than the best of their sources)
    assert sourcing_problems(package) == label_above_sources_problems(package)
    assert all(p.message.startswith(WEAK_SOURCED.partition("(")[0])
               for p in sourcing_problems(package))
    assert {p.value for p in sourcing_problems(package)} == {"filing"}
    before = primary_ref_target(open_package())
    after = primary_ref_target(package)
    assert after.met and after.value == 0
    count = int(after.detail.split("; ")[-1].split()[0])
    assert count == int(before.detail.split("; ")[-1].split()[0]) + 1


def test_a_ledger_write_of_an_official_source_needs_a_primary_ref():
    from moneytrail.ledger.validate import source_problems

    row = {"id": "s_x", "publisher": "p", "title": "t", "url": "https://example.org",
           "published": "", "accessed": "2026-01-01", "reliability": "official", "note": "",
           "primary_ref": "", "_file": "ledger/sources.csv", "_line": 2}
    problems = source_problems([row], dt.date(2026, 11, 30))
    assert [p.field for p in problems] == ["primary_ref"]
    assert source_problems([{**row, "primary_ref": "Agency, report, table 1"}],
                           dt.date(2026, 11, 30)) == []


# --- section 1a: servers exclude the GPUs -------------------------------------------------

def test_server_makers_pass_only_non_gpu_content_to_nvidia(package):
    assert exclusion_problems(package) == []
    costs = package.table("valuechain-cost-structures")
    to_nvidia = costs[costs["entity"].isin(SERVER_MAKERS) & (costs["kind"] == "input")
                      & (costs["counterpart"] == "nvidia")]
    assert len(to_nvidia) == 2 * len(SERVER_MAKERS)
    assert (to_nvidia["central"].astype(float) <= 0.05).all()
    for (_, _), rows in costs[costs["entity"].isin(SERVER_MAKERS)].groupby(["entity", "year"]):
        assert rows["central"].astype(float).sum() == pytest.approx(1.0, abs=1e-9)


def test_a_server_maker_passing_gpu_money_to_nvidia_is_caught(tmp_path):
    root = copy_package(tmp_path)

    def double_count(row):
        if row["entity"] == "foxconn" and row["year"] == "2025" and row["counterpart"] == "nvidia":
            row["low"], row["central"], row["high"] = "0.4", "0.55", "0.7"

    edit_csv(root / "valuechain" / "cost_structures.csv", double_count)
    problems = exclusion_problems(open_package(root))
    assert len(problems) == 1
    assert "foxconn (2025) sells in 'servers'" in problems[0].message
    assert "55.0%" in problems[0].message and problems[0].field == "central"


# --- section 1b: stages and kinds ---------------------------------------------------------

def test_plans_to_commit_are_announced_and_non_pledges_have_their_kind(package):
    claims = package.table("ledger-claims").set_index("ref")
    for ref in ("stargate_us_softbank_19bn", "stargate_us_openai_19bn",
                "stargate_us_equity_reported_52bn"):
        assert claims.at[ref, "stage"] == "announced"
        assert claims.at[ref, "deal"] == "l_stargate_us_equity_2025_01"
    deals = package.table("ledger-deals").set_index("id")
    assert deals.at["l_stargate_us_equity_2025_01", "part_of"] == "l_stargate_us_2025_01"
    assert deals.at["l_eu_ai_innovation_package_2024_01", "kind"] == "expectation"
    assert deals.at["l_deepseek_v3_2024_12", "kind"] == "cost"
    assert set(deals["kind"]) <= set(DEAL_KINDS)


def test_totals_leave_out_needs_expectations_and_costs():
    deals = pd.DataFrame({"kind": ["pledge", "", "need", "expectation", "cost"]})
    assert is_need(deals).tolist() == [False, False, True, True, True]


# --- section 1c: export rules ------------------------------------------------------------

def test_the_diffusion_rule_was_in_force_but_never_bound():
    data = load_analysis()
    rules = data["export_rules"]
    assert {"announced", "in_force", "binding", "rescinded"} <= set(rules.columns)
    assert not rules_in_force(data, dt.date(2025, 3, 1)).empty
    for day in (dt.date(2025, 3, 1), dt.date(2025, 5, 14), dt.date(2025, 5, 16)):
        assert rules_in_force(data, day, basis="binding").empty


# --- section 1d, 1f: labels and power ----------------------------------------------------

def test_us_tech_giants_group_follows_the_op_ed(package):
    entities = package.table("valuechain-entities")
    groups = entities.set_index("id")["groups"].str.split(";")
    giants = {e for e, g in groups.items() if "us_tech_giants" in g}
    assert giants == {"google", "amazon", "microsoft", "nvidia"}
    assert "us_big_tech" not in groups["oracle"]


@pytest.mark.parametrize("year", [2025, 2026])
def test_blackwell_builds_draw_more_than_a_kilowatt_per_gpu(year):
    chip = reference_accelerator(load_analysis(), year)
    assert chip["id"] == "gb200"
    assert float(chip["tdp_w"]) >= 1200


# --- targets (validate --summary) --------------------------------------------------------

def test_targets_are_computed_with_their_thresholds(package):
    from moneytrail.data.summary import targets, targets_frame

    found = {t.name: t for t in targets(package)}
    primary = found["filing/official sources without primary reference or on a junk domain or "
                    "code host"]
    assert primary.met and primary.value == 0 and primary.unit == "count"
    market = found["market rows labelled assumption (share x market size)"]
    assert 0 < market.value < 1 and market.target == 0.2 and market.met == (market.value <= 0.2)
    weak = found["ledger claims citing weak sources"]
    claims = package.table("ledger-claims")
    assert f"of {len(claims)} claims" in weak.detail
    for driver in ("Nvidia cost structure", "TSMC cost structure", "hyperscaler cost structures",
                   "accelerator shares", "cloud shares"):
        assert f"driver: {driver}" in found
    frame = targets_frame(package)
    assert list(frame.columns) == ["name", "value", "target", "met", "detail", "unit"]


# --- section 1e: accelerators beyond Nvidia ------------------------------------------------

def test_us_accelerator_market_includes_custom_chips_and_eu_stays_merchant(package):
    markets = package.table("valuechain-markets")
    acc = markets[markets["category"] == "accelerators"]
    for year in ("2024", "2025"):
        us = acc[(acc["buyer_region"] == "US") & (acc["year"] == year)].set_index("supplier")
        eu = acc[(acc["buyer_region"] == "EU") & (acc["year"] == year)].set_index("supplier")
        assert {"nvidia", "amd", "broadcom", "marvell"} <= set(us.index)
        assert not {"broadcom", "marvell"} & set(eu.index)
        assert us["central"].astype(float).sum() == pytest.approx(1.0)
        assert 0.8 < float(us.at["nvidia", "central"]) < float(eu.at["nvidia", "central"])
        assert (us.loc[["broadcom", "marvell"], "reliability"] != "assumption").all()


def test_validate_cli_names_a_filing_read_on_github(tmp_path):
    """End to end: `moneytrail validate` exits non-zero and names file, line, field and host."""
    import os
    import subprocess
    import sys

    root = copy_package(tmp_path)

    def spoil(row):
        if row["id"] == "c_tsmc_fy2025":
            row["url"] = "https://github.com/someone/extraction/blob/main/tsmc.json"

    edit_csv(root / "valuechain" / "sources_costs.csv", spoil)
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    out = subprocess.run([sys.executable, "-m", "moneytrail", "validate", str(root)],
                         capture_output=True, text=True, timeout=300, env=env,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode != 0
    text = out.stdout + out.stderr
    line = next(t for t in text.splitlines() if "code-hosting" in t)
    assert "sources_costs.csv:" in line and "field 'url'" in line and "github.com" in line


def test_the_file_scan_pattern_is_the_cell_rule():
    """DataPackage._read scans a whole CSV with text.SUSPECT_MULTILINE and checks cells one by
    one only on a hit: the pattern must flag exactly the characters the cell rule refuses."""
    from moneytrail.text import SUSPECT_MULTILINE, forbidden_character

    for code in [*range(0x0, 0x3000), 0xFEFF, 0xFFFD]:
        char = chr(code)
        assert (SUSPECT_MULTILINE.search(char) is not None) == \
            (forbidden_character(char, multiline=True) is not None), hex(code)


# --- accelerators' suppliers (the chip mix) -----------------------------------------------

def test_accelerator_suppliers_are_value_chain_entities(package, tmp_path):
    from moneytrail.data.consistency import accelerator_supplier_problems
    from moneytrail.data.validate import rule_problems

    assert accelerator_supplier_problems(package) == []
    chips = package.table("analysis-accelerators").set_index("id")["supplier"]
    assert chips.to_dict() == {"a100": "nvidia", "h100": "nvidia", "b200": "nvidia",
                               "mi300x": "amd", "gb200": "nvidia"}
    root = copy_package(tmp_path)

    def typo(row):
        if row["id"] == "mi300x":
            row["supplier"] = "amd_inc"

    edit_csv(root / "analysis" / "accelerators.csv", typo)
    problems = [p for p in rule_problems(open_package(root)) if p.field == "supplier"]
    assert len(problems) == 1 and problems[0].value == "amd_inc"
    assert "unknown entity" in problems[0].message
