"""A reviewer's findings (h118) on the briefing's claims table: a claim with no single speaker
reads "No single speaker: a position in the public debate (paraphrased)", not "Claimed by a
position ..."; a source recording only a related concern is "A related concern: <title>"
[n], not ", in <title>"."""

from __future__ import annotations

from moneytrail.report.briefing.content import SourceBook, claimed_entry

CMA = "a_cma_fm_update_2024"


def book() -> SourceBook:
    return SourceBook(rows={CMA: {"title": "CMA outlines growing concerns in markets for AI "
                                           "Foundation Models"}})


def test_no_single_speaker_is_said_so_with_its_related_concern():
    said = claimed_entry("no single speaker", "", "", book(), CMA)
    assert said["by"] == "No single speaker: a position in the public debate (paraphrased)"
    assert said["alone"] and said["source"] == "" and said["number"] is None
    assert said["related"] == CMA and said["related_words"] == "A related concern"
    assert said["related_title"].startswith("CMA outlines growing concerns")


def test_a_named_speaker_is_claimed_by():
    said = claimed_entry("Donald Trump", "2025-01-21", "", book())
    assert said["by"] == "Donald Trump" and not said["alone"] and said["named"]
    assert said["related"] == "" and said["related_number"] is None


def test_the_briefing_template_prints_both():
    from jinja2 import Environment

    entry = claimed_entry("no single speaker", "", "", book(), CMA)
    entry["related_number"] = 7         # its number in the Sources list
    html = Environment(autoescape=True).from_string(briefing_claimed_snippet()).render(
        c={"claimed": entry})
    assert "Claimed by" not in html
    assert ("No single speaker: a position in the public debate (paraphrased). A related "
            "concern: <a href=\"#src-7\">“CMA outlines growing concerns in markets for AI "
            "Foundation Models”</a> [7]") in html


def briefing_claimed_snippet() -> str:
    """The claims table's "claimed" span, as the briefing template writes it."""
    from pathlib import Path

    from moneytrail.report.briefing.content import __file__ as here

    text = (Path(here).parent.parent / "templates" / "briefing.html").read_text("utf-8")
    start = text.index("{% if c.claimed %}")
    end = text.index("{% if c.reading %}", start)
    return text[start:end]
