"""Briefing wording a reader stumbled on (tester 9): 'Of the 1 rows ... all 1 are labelled
unknown', and a comparison's running header naming plan ids instead of titles."""

from __future__ import annotations

import html as html_lib
import os
import re
import subprocess
import sys


def report_html(tmp_path, *scenarios: str) -> str:
    out = tmp_path / "b.html"
    subprocess.run([sys.executable, "-m", "moneytrail", "report", *scenarios, "-o", str(out),
                    "--draws", "200"], capture_output=True, text=True, env=os.environ,
                   check=True)
    return html_lib.unescape(" ".join(out.read_text().split()))


def test_a_one_row_split_without_a_source_in_words(tmp_path):
    plan = tmp_path / "one-row.yaml"
    plan.write_text("id: one-row\ntitle: One row\nyear: 2025\ncurrency: EUR\n"
                    "buyer_region: EU\nbudget: {amount: 1000000000}\n"
                    "spend:\n  accelerators: 1.0\ndraws: 200\nseed: 1\n")
    html = report_html(tmp_path, str(plan))
    assert "The plan's spending split has one row, which has no reliability label (no " \
           "source given)." in html
    assert "Of the 1 rows" not in html and "all 1 are" not in html


def test_a_comparison_header_names_the_plans_by_title(tmp_path):
    html = report_html(tmp_path, "scenarios/eu-ai-gigafactories.yaml",
                       "scenarios/efficiency-first-eu.yaml")
    header = re.search(r'<h1 [^>]*data-doctitle="\u2068(.*?)\u2069"', html)
    assert header and header.group(1).startswith("Comparison: EU AI gigafactories")
    assert "eu-ai-gigafactories ·" not in header.group(1) and len(header.group(1)) <= 70
