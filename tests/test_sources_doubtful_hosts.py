"""Five doubtful hosts classified (h227, data 2.6.2): the review of copies on unvetted sites
(data 2.6.1) left newsbeep.com, dailycodesolutions.com, stock-analysis-sveltekit.pages.dev,
coinedition.com and gfmreview.com unclassified. Each carries a copy or a rewrite of another
publisher's page, so each is listed as `junk`: its addresses are text, never links, and a source
still read there names its primary document in `primary_ref`. Two sources moved to a better
page with the identical figure (the old address kept in the note as a copy); no label and no
figure changed."""

from __future__ import annotations

from moneytrail.data.package import open_package
from moneytrail.data.sourcing import all_sources, flagged_domains, source_flags, sourcing_problems

HOSTS = ("newsbeep.com", "dailycodesolutions.com", "stock-analysis-sveltekit.pages.dev",
         "coinedition.com", "gfmreview.com")
# source id -> the label it had before the hosts were classified (unchanged)
STILL_ON_JUNK = {"c_mistral_ft": "analyst", "a_nvidia_networking_fy2026": "weak",
                 "m_bloomberg_eu_electrical_dc": "weak"}
# (a_amd_instinct_2024 was filing; data 2.6.5 relabelled it analyst: its page is CRN's report)
MOVED = {"a_amd_instinct_2024": ("analyst", "gfmreview.com"),
         "s_stockanalysis_nebius_copy": ("estimate", "stock-analysis-sveltekit.pages.dev")}


def test_the_five_doubtful_hosts_are_listed_as_junk_with_a_reason():
    package = open_package()
    flagged = flagged_domains(package)
    table = package.table("valuechain-flagged-domains").set_index("domain")
    for host in HOSTS:
        assert flagged.get(host) == "junk", host
        assert len(str(table.loc[host, "note"])) > 40, host


def test_sources_still_read_on_those_hosts_name_their_primary_and_keep_their_label():
    package = open_package()
    flags = source_flags(package).set_index("id")
    sources = all_sources(package).set_index("id")
    for source_id, label in STILL_ON_JUNK.items():
        assert flags.loc[source_id, "flag"] == "junk", source_id
        assert str(sources.loc[source_id, "primary_ref"]).strip(), source_id
        assert sources.loc[source_id, "reliability"] == label, source_id
        assert "2.6.2" in sources.loc[source_id, "note"], source_id


def test_moved_sources_are_off_the_junk_hosts_same_label_old_address_kept_as_a_copy():
    package = open_package()
    flags = source_flags(package).set_index("id")
    sources = all_sources(package).set_index("id")
    for source_id, (label, old_host) in MOVED.items():
        assert flags.loc[source_id, "flag"] != "junk", source_id
        assert old_host not in sources.loc[source_id, "url"], source_id
        assert old_host in sources.loc[source_id, "note"], source_id
        assert sources.loc[source_id, "reliability"] == label, source_id
        assert str(sources.loc[source_id, "primary_ref"]).strip(), source_id


def test_the_sourcing_rules_pass():
    """(the version is checked by the newest data release's test, data 2.6.3 and on)"""
    assert sourcing_problems(open_package()) == []
