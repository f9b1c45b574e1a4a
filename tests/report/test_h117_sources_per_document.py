"""A reviewer's finding (h117): a document recorded under several source ids (the same URL)
got several numbers in a briefing's Sources list. Sources are numbered by document: every id
of one page points to one number, and the list shows each page once."""

from __future__ import annotations

import html
import re

import pytest


@pytest.fixture(scope="module")
def stargate_html(ws):
    from moneytrail.report.briefing import render_briefing
    from moneytrail.scenarios import load_scenario
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.service import tasks

    result = tasks.trace_plan(ws, load_scenario(reference_dir() / "stargate-style-us.yaml"),
                              draws=200, seed=1)
    return render_briefing(ws, [result], fmt="html").decode("utf-8")


def listed(page: str) -> dict[int, str]:
    """The Sources list: each number with the URL (as url_key) its entry links to."""
    from moneytrail.data.sourcing import url_key

    part = page[page.index('<section id="sources"'):]
    found: dict[int, str] = {}
    anchors = list(re.finditer(r'id="src-(\d+)"', part))
    for i, anchor in enumerate(anchors):
        end = anchors[i + 1].start() if i + 1 < len(anchors) else len(part)
        link = re.search(r'href="([^"]+)"', part[anchor.end():end])
        number = int(anchor.group(1))
        assert number not in found, f"[{number}] is listed twice"
        found[number] = url_key(html.unescape(link.group(1))) if link else ""
    return found


def test_each_page_has_one_number_in_the_sources_list(stargate_html):
    found = listed(stargate_html)
    urls = [u for u in found.values() if u]
    assert len(urls) > 20
    twice = sorted({u for u in urls if urls.count(u) > 1})
    assert twice == [], twice
    assert sorted(found) == list(range(1, len(found) + 1))


def test_the_storyboard18_page_is_cited_under_one_number(ws, stargate_html):
    from moneytrail.report.briefing.content import SourceBook

    book = SourceBook.of(ws)
    same = ("a_stargate_openai_2025_01", "l_stargate_openai_2025_01", "m_stargate_openai_2025")
    assert {book.number(s) for s in same} == {1}
    assert [e["number"] for e in book.entries()] == [1]
    assert book.entries()[0]["ids"] == list(same)
    number = {u: n for n, u in listed(stargate_html).items() if u}
    key = book.document(same[0])
    assert "storyboard18" in key and key in number
    # every reference in the text points to a listed number
    cited = {int(n) for refs in re.findall(r"\[(\d[\d,–\s]*)\]", stargate_html)
             for part in refs.split(",") for n in part.strip().split("–")}
    assert cited <= set(listed(stargate_html))


def test_a_note_lists_a_page_once_and_groups_refer_to_its_one_number():
    from moneytrail.report.briefing.content import SourceBook, SourceNote

    book = SourceBook(rows={"a": {"url": "https://www.example.org/page/", "reliability": "analyst"},
                            "b": {"url": "http://example.org/page", "reliability": "analyst"},
                            "c": {"url": "https://example.org/other", "reliability": "filing"},
                            "d": {"url": "https://example.org/other", "reliability": "filing"}})
    note = SourceNote.build(book, ["a", "b"], [("More", ["c", "d"])])
    assert [e["number"] for e in note.full] == [1]
    assert note.groups[0]["refs"] == "2"
    assert [e["id"] for e in book.entries()] == ["a", "c"]
    assert book.entry("b")["id"] == "a" and book.entry("b")["ids"] == ["a", "b"]


def test_source_counts_count_documents_not_ids(ws):
    """The summary ('rest on N sources ... M in all') and the notes under figures counted ids,
    so the Storyboard18 page under three ids counted three times while the Sources list gives
    it one number: counts are per document now, as the list numbers them."""
    from moneytrail.report.briefing.content import SourceBook, SourceNote

    book = SourceBook.of(ws)
    same = ["a_stargate_openai_2025_01", "l_stargate_openai_2025_01", "m_stargate_openai_2025"]
    assert sum(book.counts(same).values()) == 1
    assert book.distinct(same + same) == same[:1]
    note = SourceNote.build(book, [], [("Deals", same)])
    assert note.total == 1 and note.groups[0]["count"] == "1"


def test_the_summary_total_is_the_number_of_listed_documents(stargate_html):
    """Every source the summary counts 'in all' is one entry of the Sources list (which also
    lists sources of the claims and the ledger, so the list may be longer, never shorter)."""
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", stargate_html)))
    found = re.search(r"rest on (\d+) sources \(.*?; distinct sources\).*?: (\d+) in all under "
                      r"this plan's figures", text)
    assert found
    assert int(found[2]) <= len(listed(stargate_html))
