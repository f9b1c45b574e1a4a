"""Data 2.5.4: key inputs rest on sources a journalist can print, or say plainly that they do not.

(a) Nvidia's fiscal 2026 invested capital comes from the 10-K balance sheet (read in an
extraction of the annual report), not a finance chat forum; (b) the 2024 GDP copy on GitHub
says what it is and that no primary copy was read; (c) the Stargate jobs quote is read in the
transcript of the remarks, and a news analysis quoting them is not labelled official; (d) the
H100 depreciation calculator is a marketing page and says so.
"""

from __future__ import annotations

import pytest

from moneytrail.data.package import open_package
from moneytrail.data.sourcing import all_sources

CHAT_FORUM = "k_nvidia_fy2026_doyoumoney"
NVIDIA_10K = "k_nvidia_fy2026_10k_extract"
QUOTE = "a_stargate_whitehouse_2025_01"
JUST_SECURITY = "a_stargate_justsecurity_2025_01"


@pytest.fixture(scope="module")
def package():
    return open_package()


@pytest.fixture(scope="module")
def sources(package):
    return all_sources(package).set_index("id")


def _nvidia_2025(package):
    capital = package.table("valuechain-capital")
    rows = capital[(capital["entity"] == "nvidia") & (capital["year"].astype(str) == "2025")]
    return rows.set_index("measure")


# --- (a) Nvidia's invested capital -----------------------------------------------------------
def test_nvidia_invested_capital_rests_on_the_10k_balance_sheet_not_a_chat_forum(package):
    rows = _nvidia_2025(package)
    for measure in ("invested_capital", "invested_capital_per_revenue"):
        cited = rows.at[measure, "sources"].split(";")
        assert CHAT_FORUM not in cited and NVIDIA_10K in cited
        # read in a machine extraction on a code host: estimate, not filing (docs/data-format.md)
        assert rows.at[measure, "reliability"] == "estimate"


def test_nvidia_invested_capital_equals_the_balance_sheet_figures(package, sources):
    row = sources.loc[NVIDIA_10K]
    for printed in ("157,293", "999", "7,469", "10,605", "51,951"):
        assert printed in row["note"]
    assert "Form 10-K" in row["primary_ref"] and "2026-01-25" in row["primary_ref"]
    assert row["url"].startswith("https://github.com/") and "9febce1" in row["url"]
    equity, debt, cash = 157_293, 999 + 7_469, 10_605 + 51_951
    rows = _nvidia_2025(package)
    ic = rows.loc["invested_capital"]
    assert float(ic["central"]) == equity + debt - cash == 103_205
    assert float(ic["low"]) == 103_205 and float(ic["high"]) == equity + debt == 165_761
    ratio = rows.loc["invested_capital_per_revenue"]
    revenue = rows.loc["revenue"]
    assert float(ratio["central"]) == pytest.approx(103_205 / float(revenue["central"]), abs=5e-5)
    assert float(ratio["low"]) == pytest.approx(103_205 / float(revenue["high"]), abs=5e-5)
    assert float(ratio["high"]) == pytest.approx(165_761 / float(revenue["low"]), abs=5e-5)


def test_the_chat_forum_row_says_it_is_no_longer_used(sources):
    row = sources.loc[CHAT_FORUM]
    assert row["reliability"] == "weak" and "no longer cited" in row["note"]


# --- (b) GDP 2024 -------------------------------------------------------------------------------
def test_the_gdp_copy_says_what_it_is_and_that_no_primary_copy_was_read(sources):
    row = sources.loc["x_wb_gdp_2024"]
    assert row["reliability"] == "estimate"           # a copy on a code host is never official
    assert "GitHub" in row["publisher"]
    assert "Data 2.5.4" in row["note"] and "no copy at the World Bank" in row["note"]


# --- (c) the Stargate jobs quote ----------------------------------------------------------------
def test_a_news_analysis_quoting_the_remarks_is_not_official(sources):
    for source_id, row in sources.iterrows():
        if "justsecurity.org" in str(row["url"]):
            assert row["reliability"] == "analyst", source_id


def test_the_quote_is_read_in_the_transcript_of_the_remarks(package, sources):
    from moneytrail.analysis.claims import default_claims_path, load_claims

    row = sources.loc[QUOTE]
    assert "presidency.ucsb.edu" in row["url"] and row["reliability"] == "official"
    assert row["published"] == "2025-01-21" and "creating over 100,000" in row["note"]
    assert "The White House" in row["primary_ref"]
    claim = next(c for c in load_claims(default_claims_path())
                 if c.id == "stargate-over-100000-us-jobs")
    assert claim.claimed_in == QUOTE
    assert JUST_SECURITY in claim.sources        # the analysis stays cited, labelled analyst


# --- (d) hardware value loss --------------------------------------------------------------------
def test_the_depreciation_calculator_says_it_is_a_marketing_page(package, sources):
    row = sources.loc["a_h100_residual_weak"]
    assert row["reliability"] == "weak"
    assert "marketing" in row["note"] and "not verifiable" in row["note"]
    decline = package.table("analysis-parameters").set_index("id").loc["value_decline_per_year"]
    assert "Data 2.5.4" in decline["note"] and "useful_life_years" in decline["note"]
