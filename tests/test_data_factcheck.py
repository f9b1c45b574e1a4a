"""Data 2.4.0: the fact-checker's findings stay fixed.

A contested ceiling is not committed money; Microsoft's spent capex includes finance leases;
one page has one reliability across every sources table; NVIDIA's fiscal 2026 operating income
rests on its quarterly figures, and (data 2.5.4) nothing rests on a chat forum any more.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from moneytrail.data.package import bundled_path, open_package
from moneytrail.data.sourcing import all_sources, reliability_conflicts, sourcing_problems, url_key

EQUITY = "l_stargate_us_equity_2025_01"
MUSK_SOURCE = "l_stargate_musk_2025_01"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def package():
    return open_package()


@pytest.fixture(scope="module")
def reality_us(tmp_path_factory):
    import moneytrail.ledger as mt_ledger

    url = f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'store.db'}"
    ledger = mt_ledger.open(url)
    try:
        yield ledger.reality(region="US", currency="USD", price_year=2025).set_index("deal")
    finally:
        ledger.close()


def edit_csv(path: Path, change) -> None:
    import csv

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


# --- one URL, one reliability -------------------------------------------------------------

def test_url_key_ignores_scheme_www_host_case_and_trailing_slash():
    a = url_key("https://www.CenterConsulting.com/ai-library/milestones/2025-stargate/")
    b = url_key("http://centerconsulting.com/ai-library/milestones/2025-stargate")
    assert a == b == "centerconsulting.com/ai-library/milestones/2025-stargate"
    assert url_key("https://eubusiness.com/x/?amp=1") != url_key("https://eubusiness.com/x/")
    assert url_key("") == ""


def test_the_bundled_package_gives_each_url_one_reliability(package):
    assert reliability_conflicts(package) == []
    sources = all_sources(package)
    flags = dict(zip(sources["id"], sources["reliability"], strict=True))
    # a consultancy's page and a news site's reprint are analyst everywhere
    for source in ("m_stargate_announcement_2025", "l_stargate_2025_01_milestone",
                   "m_eubusiness_investai_2025", "l_investai_eubusiness"):
        assert flags[source] == "analyst", source


def test_a_url_with_two_reliabilities_is_an_error_naming_both_sources(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(bundled_path(), root)

    def relabel(row):
        if row["id"] == "m_stargate_announcement_2025":
            row["reliability"] = "official"

    edit_csv(root / "valuechain" / "sources_markets.csv", relabel)
    problems = reliability_conflicts(open_package(root))
    assert len(problems) == 2
    by_value = {p.value: str(p) for p in problems}
    assert "l_stargate_2025_01_milestone = analyst" in by_value["official"]
    assert "sources_markets.csv:" in by_value["official"]
    assert "m_stargate_announcement_2025 = official" in by_value["analyst"]
    assert "ledger/sources.csv:" in by_value["analyst"]
    # it is one of validate's rules
    assert any("one page has one reliability" in str(p)
               for p in sourcing_problems(open_package(root)))


# --- a contested ceiling is not committed money -------------------------------------------

def test_the_contested_ceiling_is_a_documented_statement_not_a_claim(package):
    claims = package.table("ledger-claims")
    assert "stargate_us_musk_under_10bn" not in set(claims["ref"])
    assert MUSK_SOURCE not in set(claims["source"])
    equity = claims[claims["deal"] == EQUITY]
    assert set(equity["stage"]) == {"announced"}
    deal = package.table("ledger-deals").set_index("id").loc[EQUITY]
    assert MUSK_SOURCE in deal["sources"].split(";")
    assert MUSK_SOURCE in deal["note"] and "neither committed money nor counted" in deal["note"]


def test_reality_shows_no_committed_money_for_the_funders_equity(reality_us):
    row = reality_us.loc[EQUITY]
    assert row["announced_central"] == pytest.approx(52e9)
    assert math.isnan(row["committed_central"]) and row["committed_ref"] == ""
    assert math.isnan(row["committed_ratio_central"])


def test_the_reality_cli_prints_no_committed_amount_for_the_funders_equity(tmp_path):
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
           "MONEYTRAIL_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "250"}
    out = subprocess.run([sys.executable, "-m", "moneytrail", "ledger", "reality", "--region",
                          "US", "--currency", "USD", "--price-year", "2025"],
                         capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    line = next(t for t in out.stdout.splitlines() if EQUITY in t)
    cells = [c.strip() for c in line.strip("│ ").split("│")]
    assert cells[2] == "pledge"                         # the kind column (data 2.4.2)
    assert cells[3].startswith("USD 52.00 bn")
    assert cells[4] == "-" and cells[6] == "-"          # committed, committed / announced
    assert "10.00 bn" not in line and "19.2 %" not in line


# --- Microsoft's spent capex includes finance leases --------------------------------------

def test_microsoft_fy2025_spent_is_capex_including_finance_leases(package, reality_us):
    claims = package.table("ledger-claims").set_index("ref")
    total = claims.loc["msft_fy2025_capex_incl_finance_leases"]
    parts = (float(claims.at["msft_fy2025_cash_capex", "central"])
             + float(claims.at["msft_fy2025_finance_leases", "central"]))
    assert float(total["low"]) == pytest.approx(parts)          # 64.55 + 20.511 (10-K)
    assert float(total["central"]) == pytest.approx(88.2e9)      # Microsoft's own measure
    assert total["supersedes"] == "msft_fy2025_cash_capex"
    row = reality_us.loc["l_msft_capex_fy2025"]
    assert row["disbursed_ref"] == "msft_fy2025_capex_incl_finance_leases"
    assert row["disbursed_central"] == pytest.approx(88.2e9)
    assert row["disbursed_ratio_central"] == pytest.approx(88.2 / 80)
    # FY2026 is measured the same way (capex incl. finance leases, first half)
    assert "incl. finance leases" in claims.at["msft_fy2026_h1_capex", "note"]


def test_microsoft_fy2026_ceiling_names_what_its_source_is(package):
    sources = package.table("ledger-sources").set_index("id")
    biggish = sources.loc["l_msft_fy26_biggish"]
    assert biggish["reliability"] == "weak" and "Alphabet" in biggish["publisher"]
    assert "not Microsoft guidance" in biggish["note"]
    claims = package.table("ledger-claims").set_index("ref")
    assert "not Microsoft guidance" in claims.at["msft_fy2026_guidance", "note"]


# --- NVIDIA's fiscal 2026 operating income ------------------------------------------------

def test_nvidia_fy2026_operating_income_is_the_sum_of_its_quarters(package):
    capital = package.table("valuechain-capital")
    rows = capital[(capital["entity"] == "nvidia") & (capital["year"].astype(str) == "2025")]
    op = rows[rows["measure"] == "operating_income"].iloc[0]
    assert float(op["central"]) == 21638 + 28440 + 36010 + 44300
    assert float(op["low"]) < float(op["central"]) < float(op["high"])
    assert "k_nvidia_fy2026_doyoumoney" not in op["sources"]
    # data 2.5.4: nothing rests on the chat forum any more (the 10-K balance sheet was read)
    assert not rows["sources"].str.contains("k_nvidia_fy2026_doyoumoney").any()


# --- data 2.4.1: what was searched is said in the data; the one-year case is labelled --------

def test_microsoft_fy2026_says_what_was_searched_and_keeps_its_figure(package):
    sources = package.table("ledger-sources").set_index("id")
    guide = sources.loc["l_msft_fy26_q1guide_cna"]
    assert guide["reliability"] == "analyst" and "CNA" in guide["publisher"]
    copy = sources.loc["l_msft_fy26_flatquarters_copy"]
    assert copy["reliability"] == "weak" and "not Microsoft guidance" in copy["note"]
    deal = package.table("ledger-deals").set_index("id").loc["l_msft_capex_fy2026"]
    cited = deal["sources"].split(";")
    assert {"l_msft_fy26_q1guide_cna", "l_msft_fy26_flatquarters_copy"} <= set(cited)
    assert "Data 2.4.1: searched" in deal["note"] and "none found" in deal["note"]
    # no Microsoft full-year figure was found: the announced amount and its source stay
    claim = package.table("ledger-claims").set_index("ref").loc["msft_fy2026_guidance"]
    assert float(claim["central"]) == 120e9 and claim["source"] == "l_msft_fy26_biggish"
    assert "Data 2.4.1: searched" in claim["note"]


def test_nvidia_fy2026_invested_capital_no_longer_rests_on_the_chat_forum(package):
    """Data 2.5.4: the 10-K balance sheet was read (in an extraction of the annual report), so
    the rows left `weak` in 2.4.1 are `estimate`; tests/test_data_sources_printable.py checks
    the figures."""
    capital = package.table("valuechain-capital")
    rows = capital[(capital["entity"] == "nvidia") & (capital["year"].astype(str) == "2025")
                   & capital["measure"].isin(["invested_capital",
                                              "invested_capital_per_revenue"])]
    assert len(rows) == 2 and set(rows["reliability"]) == {"estimate"}
    for note, cited in zip(rows["note"], rows["sources"], strict=True):
        assert "Data 2.5.4" in note and "k_nvidia_fy2026_doyoumoney" not in cited.split(";")
    assert float(rows.set_index("measure").at["invested_capital", "central"]) == 103205


def test_the_stargate_jobs_cases_say_where_their_period_comes_from(package):
    """Each case's spending period has a source: the announcement's pace (0.8 years) or a
    labelled assumption with its reasoning (four years); no case uses a default period."""
    from moneytrail.analysis.claims import default_claims_path, load_claims

    sources = package.table("analysis-sources").set_index("id")
    row = sources.loc["a_assumption_stargate_tranche_four_years"]
    assert row["reliability"] == "assumption" and "Reasoning:" in row["note"]
    assert "a_assumption_stargate_one_year" not in sources.index
    claim = next(c for c in load_claims(default_claims_path())
                 if c.id == "stargate-over-100000-us-jobs")
    by_years = {check.args.spend_years: check for check in claim.checks}
    assert set(by_years) == {0.8, 4}               # no case without its own period
    assert by_years[0.8].sources == ["a_stargate_openai_2025_01"]
    assert sources.loc["a_stargate_openai_2025_01", "reliability"] != "assumption"
    assert "USD 500 bn over four years" in sources.loc["a_stargate_openai_2025_01", "note"]
    assert by_years[4].sources == ["a_assumption_stargate_tranche_four_years"]
    assert "a_assumption_stargate_tranche_four_years" in claim.note
    assert "spend_years" not in claim.note and "horizon_years" not in claim.note
