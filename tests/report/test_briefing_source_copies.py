"""A briefing prints a source read on a junk host as text, never a link (h217, data 2.6.1):
the EU gigafactory plan buys accelerators in the EU, whose market shares cite the Gaudi
figure read on a scraper copy (vuink.com); its Sources list names the copy as such and the
primary document, while a repository extraction (github.com) stays a labelled link."""

from __future__ import annotations

import re

import pytest
from briefings import REFERENCE


@pytest.fixture(scope="module")
def html(ws) -> str:
    from moneytrail.report.briefing import render_briefing
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    result = tasks.trace_plan(ws, load_scenario(REFERENCE), draws=300, seed=1)
    return render_briefing(ws, [result], fmt="html", sensitivity=False).decode("utf-8")


def entry_of(html: str, host: str) -> str:
    return next(li for li in re.findall(r"<li\b[^>]*>.*?</li>", html, re.S) if host in li)


def test_the_scraper_copy_is_listed_as_text_with_its_primary(html):
    assert not re.search(r'<a\b[^>]*href="[^"]*vuink\.com', html)
    entry = entry_of(html, "vuink.com")
    assert "(copy on an unvetted site: vuink.com; not linked)" in entry
    assert "Primary reference: Intel Corp., third-quarter 2024 earnings call" in entry


def test_a_repository_extraction_stays_a_labelled_link(ws):
    from moneytrail.report.briefing.content import SourceBook

    book = SourceBook.of(ws)
    junk = book.entry("m_intel_gaudi_2024")
    assert junk["href"] == "" and junk["not_linked"]
    kept = book.entry("s_esg_parse_nvidia")
    assert kept["href"].startswith("https://github.com/imanzaf/") and not kept["not_linked"]
    assert kept["copy_label"] == "repository copy or machine extraction"
