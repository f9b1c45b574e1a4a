"""The briefing's claims table says a conditional claim's verdict case by case, in the words of
the web badge and the terminal (analysis.verdicts.badge_pieces; h228): it printed the claim's
weight, the largest of its cases' ("conditional — on weak evidence: supported if ...;
contradicted if ..."), so the gigafactory case contradicted on 15 % weak rows read as weakly
founded; only the case said on weak evidence is styled so."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape

import pytest

CLAIM = "Public money for AI infrastructure would flow mainly to Nvidia"
CASES = ("conditional: for the gigafactories, contradicted (15 % weak); for cloud rental, "
         "supported \u2014 on weak evidence (100 % weak)")


def claim_row(html: str) -> str:
    table = html[html.index('<table class="claim"'):]
    table = table[:table.index("</table>")]
    rows = [r for r in re.findall(r"<tr>.*?</tr>", table, re.S) if CLAIM in r]
    assert len(rows) == 1, table[:3000]
    return rows[0]


def test_the_html_briefing_names_each_case_with_its_own_verdict(reference_html):
    """The reference briefing (EU AI gigafactories, 2,000 draws, seed 1: the published
    check's draws and seed, so its weights)."""
    row = claim_row(reference_html)
    verdict = re.findall(r"<td>.*?</td>", row, re.S)[0]
    said = " ".join(unescape(re.sub(r"<[^>]+>", "", verdict)).split())
    assert said.startswith(CASES), said
    assert "conditional \u2014 on weak evidence" not in said
    # each verdict in its own style: only the case on weak evidence is marked weak
    assert re.findall(r'<span class="verdict weak-basis">([^<]*)</span>', verdict) == \
        ["supported \u2014 on weak evidence"]
    assert re.findall(r'<span class="verdict">([^<]*)</span>', verdict) == \
        ["conditional", "contradicted"]
    assert "100 % on assumption or weak rows (the largest of its cases')" in said


def test_the_pdf_briefing_names_each_case(reference_pdf):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    text = subprocess.run(["pdftotext", str(reference_pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = " ".join(text.replace("\u00ad", "").split())
    for part in ("for the gigafactories, contradicted (15 % weak)",
                 "for cloud rental, supported \u2014 on weak evidence (100 % weak)"):
        assert part in words or part.replace(" \u2014 ", "\u2014") in words, part
