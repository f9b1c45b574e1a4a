"""Three sources labelled above their page (h229, data 2.6.3): a Mint article and a republished
news article were labelled `filing`, a BNN Bloomberg report of an FTC staff report `official`.
Their primary documents (SoftBank's press release of 2025-12-31, the Microsoft 10-Q segment
table, the FTC report on ftc.gov) were not readable in the stored pages, so each is labelled
what its page is, a news report (`analyst`), keeps its figure and names its primary document;
the note says what was searched. Also: the Nebius employees row no longer calls stockanalysis.com
a copy (the source points to stockanalysis.com itself since data 2.6.2)."""

from __future__ import annotations

from moneytrail.data.package import open_package
from moneytrail.data.sourcing import all_sources, sourcing_problems

# source id -> (label before data 2.6.3, host of the page it is read on)
RELABELLED = {
    "l_softbank_openai_econotimes": ("filing", "livemint.com"),
    "c_microsoft_cloud_margin": ("filing", "world-today-news.com"),
    "a_ftc_ai_partnerships_2025": ("official", "bnnbloomberg.ca"),
}


def test_news_reports_are_labelled_analyst_and_name_their_primary():
    sources = all_sources(open_package()).set_index("id")
    for source_id, (old_label, host) in RELABELLED.items():
        row = sources.loc[source_id]
        assert host in row["url"], source_id
        assert row["reliability"] == "analyst", source_id
        assert str(row["primary_ref"]).strip(), source_id
        note = str(row["note"])
        assert "2.6.3" in note and f"was {old_label}" in note, source_id
        assert "not found" in note or "could not be read" in note, source_id


def test_nebius_employees_row_cites_stockanalysis_not_a_copy():
    rows = open_package().table("valuechain-satellites")
    note = rows[(rows["entity"] == "nebius") & (rows["account"] == "employees")]["note"].iloc[0]
    assert "copy of stockanalysis" not in note
    assert "as shown by stockanalysis" in note


def test_the_sourcing_rules_pass():
    """(the version is checked by the newest data release's test, data 2.6.4 and on)"""
    assert sourcing_problems(open_package()) == []
