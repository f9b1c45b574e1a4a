"""The PDF briefing for screen readers and text extraction: a tagged PDF (structure tree with
headings, tables and figures with their alternate text, language and title kept), and page
1's text layer in reading order (the running header's text only where it is printed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")


def structure(path: Path) -> list[tuple[str, object]]:
    """Every structure element of a PDF as (role, its /Alt or None), in tree order."""
    reader = pypdf.PdfReader(str(path))
    found: list[tuple[str, object]] = []

    def walk(node) -> None:
        node = node.get_object()
        if not isinstance(node, pypdf.generic.DictionaryObject) or "/S" not in node:
            return
        found.append((str(node["/S"]), node.get("/Alt")))
        kids = node.get("/K")
        kids = kids.get_object() if kids is not None else []
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    kids = root["/K"].get_object()
    for kid in kids if isinstance(kids, list) else [kids]:
        walk(kid)
    return found


def page_text(path: Path, page: int, *, layout: bool = False) -> list[str]:
    """The lines pdftotext reads from one page (skipped without poppler)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (make system-deps installs poppler-utils)")
    done = subprocess.run(["pdftotext", *(["-layout"] if layout else []), "-f", str(page),
                           "-l", str(page), str(path), "-"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def test_the_pdf_is_tagged_with_its_title_and_language(reference_pdf):
    reader = pypdf.PdfReader(str(reference_pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == pypdf.generic.BooleanObject(True)
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert reader.metadata.title.startswith("EU AI gigafactories")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(reference_pdf)], capture_output=True, text=True,
                              timeout=60).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(reference_pdf)], capture_output=True,
                               text=True, timeout=60).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts   # emb


def test_the_structure_has_headings_tables_and_figures(reference_pdf):
    roles = [role for role, _ in structure(reference_pdf)]
    assert roles.count("/H1") == 1 and roles.count("/H2") >= 5
    for role in ("/Table", "/TR", "/TH", "/TD", "/Caption", "/Figure", "/L", "/LI"):
        assert role in roles, role


def test_every_figure_has_the_charts_title_and_description_as_alt_text(reference_pdf,
                                                                       reference_html):
    """A chart's alternate text in the PDF is its SVG <title> and <desc>, the name and the
    numbers an HTML reader gets through aria-labelledby."""
    charts = re.findall(r"<svg [^>]*>\s*<title[^>]*>(.*?)</title>\s*<desc[^>]*>(.*?)</desc>",
                        reference_html, re.S)
    assert len(charts) >= 2
    alts = [str(alt) for role, alt in structure(reference_pdf) if role == "/Figure"]
    assert len(alts) == len(charts)
    for alt, (title, desc) in zip(alts, charts, strict=True):
        assert alt == f"{unescape(title).rstrip('.')}. {unescape(desc)}"
    assert "What the plan buys: AI accelerators EUR" in alts[0]


def test_page_one_reads_in_order(reference_pdf):
    """The plan's title and the lead paragraph each on one unbroken line (the running header
    and footer were once hidden elements whose clipped text lay over the lead paragraph)."""
    title = "EU AI gigafactories (InvestAI's EUR 20 bn fund)"
    lede = ("A briefing on where the money of this plan goes, how real it is and what the "
            "answer rests on.")
    for layout in (False, True):
        lines = page_text(reference_pdf, 1, layout=layout)
        assert lines[0] == "moneytrail briefing"                 # the running header
        assert lines[1] == title and lines[2] == lede, lines[:6]
        assert lines[3].startswith("Briefing of ")
        footer = [line for line in lines if line.startswith(f"{title} · run ")]
        assert len(footer) == 1, footer                          # once, at the foot
        assert lines.index(footer[0]) >= len(lines) - 2


def test_later_pages_carry_the_running_header_and_footer(reference_pdf):
    title = "EU AI gigafactories (InvestAI's EUR 20 bn fund)"
    lines = page_text(reference_pdf, 2, layout=True)
    assert re.fullmatch(rf"{re.escape(title)}\s+moneytrail briefing", lines[0]), lines[0]
    assert re.fullmatch(rf"{re.escape(title)} · run [0-9a-f]{{16}}\s+Page 2 of \d+", lines[-1])


def words_in_figures(path: Path) -> int:
    """How many text-showing operators a PDF draws inside its /Figure marked content (not
    inside an /Artifact there), in the page streams and the forms they draw: what a reader
    gets when it reads a figure's content instead of its alternate text."""
    reader = pypdf.PdfReader(str(path))
    found = 0

    def read(content, resources, in_figure: bool) -> None:
        nonlocal found
        marks: list[str] = []
        for operands, operator in pypdf.generic.ContentStream(content, reader).operations:
            if operator in (b"BDC", b"BMC"):
                marks.append(str(operands[0]))
            elif operator == b"EMC" and marks:
                marks.pop()
            inside = (in_figure or "/Figure" in marks) and "/Artifact" not in marks
            if inside and operator in (b"Tj", b"TJ", b"'", b'"'):
                found += 1
            elif inside and operator == b"Do":
                drawn = resources["/XObject"][operands[0]].get_object()
                if drawn.get("/Subtype") == "/Form":
                    read(drawn, drawn.get("/Resources", resources), True)

    for page in reader.pages:
        read(page.get_contents(), page["/Resources"], False)
    return found


def test_a_charts_words_are_not_read_as_the_figures_content(reference_pdf):
    """Each chart is one figure whose alternate text is its description; the words drawn in
    it are artifacts, not the figure's content (drawn inline they were tagged letter by letter
    without spaces, 'WhatitbuysTheplanWherevalueisadded...'). They are still printed."""
    assert words_in_figures(reference_pdf) == 0
    page = next(number for number in range(1, 8)
                if "Figure 1. Where the money goes" in " ".join(page_text(reference_pdf,
                                                                          number)))
    lines = page_text(reference_pdf, page)
    for label in ("What it buys", "The plan", "Where value is added"):
        assert label in lines, lines[:12]


def test_a_table_broken_over_pages_is_one_table_with_its_caption(reference_pdf,
                                                                 reference_html):
    """A screen reader finds as many tables as the briefing has, each with its caption: a
    table broken over pages was tagged as one table per page, the later parts without a
    caption (the scorecard's 'Metric / Value' read as a table of its own)."""
    reader = pypdf.PdfReader(str(reference_pdf))

    def elements(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.DictionaryObject) and "/S" in node:
            yield node
            kids = node.get("/K")
            kids = kids.get_object() if kids is not None else []
            for kid in kids if isinstance(kids, list) else [kids]:
                yield from elements(kid)

    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()["/K"].get_object()
    tables = [node for top in (root if isinstance(root, list) else [root])
              for node in elements(top) if node["/S"] == "/Table"]
    captions = [next((str(kid["/S"]) for kid in elements(node) if kid["/S"] == "/Caption"),
                     None) for node in tables]
    assert len(tables) == reference_html.count("<table "), len(tables)
    assert captions == ["/Caption"] * len(tables), captions


def test_every_table_of_the_briefing_has_a_caption(reference_html):
    tables = re.findall(r"<table\b[^>]*>\s*(<caption\b)?", reference_html)
    assert len(tables) >= 8 and all(tables), tables


def test_the_offline_html_has_a_skip_link_to_main_that_the_pdf_leaves_out(reference_html,
                                                                         reference_pdf):
    """WCAG 2.4.1 in the downloadable report.html: its first link skips the header to the
    main content, as the web app's pages do; the PDF, printed from the same HTML, has no
    such link (its stylesheet shows it on screens only)."""
    body = reference_html.split("<body>", 1)[1]
    first_link = re.search(r"<a [^>]*>[^<]*</a>", body)
    assert first_link and first_link.group(0) == (
        '<a class="skip-link" href="#main">Skip to main content</a>')
    assert body.index(first_link.group(0)) < body.index("<header>")
    assert len(re.findall(r'<main id="main" tabindex="-1">', body)) == 1
    css = re.search(r"<style>(.*?)</style>", reference_html, re.S).group(1)
    assert re.search(r"^\.skip-link \{ display: none; \}", css, re.M)        # in print
    assert re.search(r"@media screen \{\s*\.skip-link \{ display: block;", css)
    assert "Skip to main content" not in " ".join(page_text(reference_pdf, 1))
