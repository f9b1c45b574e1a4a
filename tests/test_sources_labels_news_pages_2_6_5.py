"""Secondary pages no longer labelled as primary documents (h239, data 2.6.5): 42 sources
labelled `official` or `filing` were read on a news site's, an aggregator's or a newsletter's
page, not on the issuer's or agency's own page nor in a reprint of its document. Each is now
labelled what its page is, `analyst`, keeps its page, figure and `primary_ref`, and says in its
note what was searched for the primary (the Nvidia, AMD, SK hynix, Samsung and TSMC releases
were searched for in the stored pages; the rest are marked as not yet searched). One source,
`c_nvidia_fy2026_gm`, moved to a newswire reprint of Nvidia's own release that gives its figure
and keeps `filing`. The capital rows citing only relabelled company sources (plus the ECB rate)
are lowered to `analyst`, as the rule that a row claims no more than its sources requires."""

from __future__ import annotations

from moneytrail.data.package import open_package
from moneytrail.data.sourcing import all_sources, sourcing_problems

# source id -> (label before data 2.6.5, host of the secondary page it is read on)
RELABELLED = {
    "s_il_nii_wages_2024": ("official", "ch10.co.il"),
    "s_moel_kr_2024_q1": ("official", "asiae.co.kr"),
    "s_il_cbs_hitech_2024": ("official", "globes.co.il"),
    "s_dgbas_earnings_2024_8m": ("official", "taipeitimes.com"),
    "s_dgbas_earnings_2024_11m": ("official", "taipeitimes.com"),
    "s_dosm_sws_2023": ("official", "thesun.my"),
    "s_dosm_sws_2024": ("official", "humanresourcesonline.net"),
    "s_asi_2023_24": ("official", "newindianexpress.com"),
    "s_nbs_wages_2024": ("official", "china-news-online.com"),
    "s_eurostat_aea_2022": ("official", "recycling-magazine.com"),
    "s_eurostat_lc_2023_ie": ("official", "dublinchamber.ie"),
    "a_census_dc_construction_dec_2025": ("official", "constructionowners.com"),
    "c_ilo_labour_share": ("official", "thehrbreakdown.co.uk"),
    "a_eia_industrial_2023": ("official", "statista.com"),
    "m_nvidia_fy2025_results": ("filing", "datacenterdynamics.com"),
    "m_amd_fy2025_results": ("filing", "hothardware.com"),
    "m_nvidia_fy2026_results": ("filing", "hothardware.com"),
    "m_nvidia_fy2026_dc_total": ("filing", "pcgamer.com"),
    "a_amazon_5yr_2025": ("filing", "theregister.com"),
    "a_amd_instinct_2024": ("filing", "crn.com"),
    "c_skhynix_2024": ("filing", "koreatimes.co.kr"),
    "c_skhynix_2025": ("filing", "koreaherald.com"),
    "c_samsung_2025_group": ("filing", "biz.chosun.com"),
    "k_skhynix_2024_chosun": ("filing", "biz.chosun.com"),
    "k_skhynix_2024_ajupress": ("filing", "ajupress.com"),
    "c_samsung_2025": ("filing", "ajupress.com"),
    "k_tsmc_2024_focustaiwan": ("filing", "focustaiwan.tw"),
    "c_quanta_2025": ("filing", "taipeitimes.com"),
    "c_iliad_fy2024": ("filing", "boursorama.com"),
    "c_samsung_rd_2024": ("filing", "beamstart.com"),
    "c_google_cloud_2025": ("filing", "dqindia.com"),
    "a_nvidia_fy2025_dc": ("filing", "thxnews.com"),
    "a_nvidia_fy2026_dc": ("filing", "aifront-page.com"),
    "a_nebius_coreweave_dep": ("filing", "bizety.com"),
    "c_abb_net_2024": ("filing", "pme.ch"),
    "c_abb_fy2024": ("filing", "rockingrobots.com"),
    "s_tsmc_rev_2023": ("filing", "telecomlead.com"),
    "c_samsung_2024": ("filing", "e4ds.com"),
    "l_googl_75bn_prchief": ("filing", "punchng.com"),
    "c_tsmc_tax_guide": ("filing", "particle.news"),
    "a_deepseek_r1_nature": ("filing", "particle.news"),
    "c_asml_2024": ("filing", "morethanmoore.substack.com"),
}
# the chip makers' rows whose primary was searched for in the stored pages (data 2.6.5)
SEARCHED = ("m_nvidia_fy2025_results", "a_nvidia_fy2025_dc", "m_nvidia_fy2026_results",
            "m_nvidia_fy2026_dc_total", "a_nvidia_fy2026_dc", "m_amd_fy2025_results",
            "c_skhynix_2024", "c_skhynix_2025", "k_skhynix_2024_ajupress",
            "k_skhynix_2024_chosun", "c_samsung_2024", "c_samsung_rd_2024",
            "c_samsung_2025_group", "c_samsung_2025", "k_tsmc_2024_focustaiwan",
            "s_tsmc_rev_2023")
NVIDIA_FY2026_REPRINT = ("https://menafn.com/1110790416/NVIDIA-Announces-Financial-Results-"
                         "For-Fourth-Quarter-And-Fiscal-2026")
# capital rows (entity, year, measure) that cited only relabelled company sources (and the ECB)
CAPITAL_ROWS = [("abb", "2024", "revenue"), ("asml", "2024", "gross_margin"),
                ("asml", "2024", "revenue"), ("quanta", "2025", "gross_margin"),
                ("samsung", "2024", "operating_income"), ("samsung", "2024", "rd_expense"),
                ("samsung", "2024", "revenue"), ("samsung", "2025", "operating_income"),
                ("samsung", "2025", "revenue"), ("sk_hynix", "2024", "operating_income"),
                ("sk_hynix", "2024", "revenue"), ("sk_hynix", "2025", "operating_income"),
                ("sk_hynix", "2025", "revenue")]


def test_secondary_pages_are_labelled_analyst_and_keep_their_primary_reference():
    sources = all_sources(open_package()).set_index("id")
    for source_id, (old_label, host) in RELABELLED.items():
        row = sources.loc[source_id]
        assert host in row["url"], source_id
        assert row["reliability"] == "analyst", source_id
        assert str(row["primary_ref"]).strip(), source_id
        note = str(row["note"])
        assert "Data 2.6.5" in note and f"was {old_label}" in note, source_id
        assert "searched for" in note, source_id


def test_chip_makers_notes_say_what_was_found_of_the_issuers_release():
    sources = all_sources(open_package()).set_index("id")
    for source_id in SEARCHED:
        note = str(sources.loc[source_id, "note"]).split("Data 2.6.5")[1]
        assert "not found" in note or "could be read" in note, source_id
        assert "in this pass (left for a later check)" not in note, source_id


def test_nvidia_gross_margin_moved_to_the_reprint_of_nvidias_release_and_keeps_filing():
    """The same page as c_nvidia_fy2026_results, with the same title, publisher and date."""
    sources = all_sources(open_package()).set_index("id")
    moved, release = sources.loc["c_nvidia_fy2026_gm"], sources.loc["c_nvidia_fy2026_results"]
    assert moved["url"] == release["url"] == NVIDIA_FY2026_REPRINT
    assert moved["reliability"] == release["reliability"] == "filing"
    for field in ("title", "publisher", "published"):
        assert moved[field] == release[field], field
    assert "verdict.co.uk" in moved["note"] and "71.1%" in moved["note"]


def test_capital_rows_citing_them_are_lowered_to_analyst():
    capital = open_package().table("valuechain-capital").set_index(["entity", "year", "measure"])
    for key in CAPITAL_ROWS:
        assert capital.loc[key, "reliability"] == "analyst", key


def test_the_package_is_2_6_5_and_its_sourcing_rules_pass():
    package = open_package()
    # (the exact version is checked by the newest release's test, data 2.6.6 and on)
    assert tuple(int(p) for p in package.version.split(".")) >= (2, 6, 5)
    assert sourcing_problems(package) == []
