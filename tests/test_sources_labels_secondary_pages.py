"""Four sources labelled `official` while read on a secondary page (h238, data 2.6.4): Digital
Policy Alert's and Bird & Bird's summaries of the Autorité de la concurrence's opinion 24-A-05
on generative AI, IBC's report of the CMA's final cloud decision and Le Monde Informatique's
report of the Autorité's cloud opinion 23-A-08. Their primary documents could not be read in
full in the stored pages (only the opening of the Autorité's release; the CMA report not
found; the cloud release without Google Cloud's share), so each is labelled what its page is,
`analyst`, keeps its page, figure and primary reference, and its note says what was searched."""

from __future__ import annotations

from moneytrail.data.package import open_package
from moneytrail.data.sourcing import all_sources, sourcing_problems

# source id -> host of the secondary page it is read on
RELABELLED = {
    "a_adlc_genai_2024_dpa": "digitalpolicyalert.org",
    "a_adlc_genai_2024_twobirds": "competitionlawinsights.twobirds.com",
    "m_cma_cloud_final_2025": "ibc.org",
    "m_lmi_adlc_cloud_2023": "lemondeinformatique.fr",
}
# the Autorité's release on the generative-AI opinion, stored but read only in its opening
ADLC_GENAI_RELEASE = ("https://autoritedelaconcurrence.fr/en/article/"
                      "generative-artificial-intelligence-autorite-issues-its-opinion")


def test_secondary_pages_are_labelled_analyst_and_name_their_primary():
    sources = all_sources(open_package()).set_index("id")
    for source_id, host in RELABELLED.items():
        row = sources.loc[source_id]
        assert host in row["url"], source_id
        assert row["reliability"] == "analyst", source_id
        assert str(row["primary_ref"]).strip(), source_id
        note = str(row["note"])
        assert "2.6.4" in note and "was official" in note, source_id
        assert "not found" in note, source_id


def test_genai_opinion_notes_name_the_release_that_was_read():
    sources = all_sources(open_package()).set_index("id")
    for source_id in ("a_adlc_genai_2024_dpa", "a_adlc_genai_2024_twobirds"):
        note = str(sources.loc[source_id, "note"])
        assert ADLC_GENAI_RELEASE in note, source_id
        assert "only its opening could be read" in note, source_id


def test_the_autorite_cloud_release_stays_official():
    """The issuer's own page, cited next to the news report, keeps its label."""
    sources = all_sources(open_package()).set_index("id")
    row = sources.loc["m_adlc_cloud_2023"]
    assert row["reliability"] == "official"
    assert "autoritedelaconcurrence.fr" in row["url"]


def test_the_sourcing_rules_pass():
    """(the version is checked by the newest data release's test, data 2.6.5 and on)"""
    assert sourcing_problems(open_package()) == []
