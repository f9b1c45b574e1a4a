"""The verdict key explains a verdict on weak evidence with the badge of the verdict the page
shows on weak evidence: a claim check reading "Contradicted — on weak evidence" had its key
explain it beside a "Supported — on weak evidence" badge (web/templates/macros.html
verdict_key, `weak`: the verdicts shown on weak evidence)."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.analysis.verdicts import WEAK_BASIS_KEY, WEAK_BASIS_VERDICTS  # noqa: E402
from moneytrail.web.format import verdict_label  # noqa: E402

WEAK_BADGE = re.compile(r'<span class="verdict verdict-weak-basis"[^>]*>(.*?)</span>')


def words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def weak_line(key: str) -> str | None:
    """The key's line on weak evidence (the line holding WEAK_BASIS_KEY), None without one."""
    lines = [li for li in re.findall(r"<li[^>]*>(.*?)</li>", key, re.S)
             if WEAK_BASIS_KEY in unescape(li)]
    assert len(lines) <= 1, lines
    return lines[0] if lines else None


@pytest.fixture(scope="module")
def client(module_app):
    with TestClient(module_app, base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def key_of(module_app):
    template = module_app.state.templates.from_string(
        '{% from "macros.html" import verdict_key %}{{ verdict_key(shown, weak=weak) }}')
    return lambda shown, weak: template.render(shown=shown, weak=weak)


@pytest.mark.parametrize("shown", WEAK_BASIS_VERDICTS)
def test_the_weak_evidence_line_shows_the_badge_of_the_verdict_shown(key_of, shown):
    line = weak_line(key_of([shown], [shown]))
    assert line is not None
    assert [unescape(b) for b in WEAK_BADGE.findall(line)] == [
        f"{verdict_label(shown)} \u2014 on weak evidence"]


def test_no_weak_evidence_line_without_a_verdict_on_weak_evidence(key_of):
    assert weak_line(key_of(["supported", "contradicted"], [])) is None
    both = weak_line(key_of(None, ["conditional", "contradicted", "conditional"]))
    assert [unescape(b) for b in WEAK_BADGE.findall(both)] == [
        "Contradicted \u2014 on weak evidence", "Conditional \u2014 on weak evidence"]


def test_the_claims_pages_key_badges_are_the_weak_verdicts_it_shows(client):
    page = client.get("/claims").text
    key = re.search(r'<ul class="verdict-key">.*?</ul>', page, re.S).group(0)
    rest = page.replace(key, "")
    shown = {unescape(b) for b in WEAK_BADGE.findall(rest)}
    assert shown, "the shipped claims have verdicts on weak evidence"
    line = weak_line(key)
    assert line is not None
    assert {unescape(b) for b in WEAK_BADGE.findall(line)} == shown
