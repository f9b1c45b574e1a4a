"""Briefings (issue 13): the PDF says what the run's JSON says, every page renders, fonts are
embedded, hostile plans stay clean, the HTML is one offline file."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from briefings import HOSTILE_TITLE, ROOT, page_images

pypdf = pytest.importorskip("pypdf")


def pdf_text(path: Path) -> str:
    """All text of a PDF, whitespace collapsed (lines wrap anywhere in a table cell)."""
    reader = pypdf.PdfReader(str(path))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def share(value: float) -> str:
    """The printed precision of a share, written independently of the renderer."""
    number = 100 * value
    return f"{number:.2f}" if 0 < abs(number) < 1 else f"{number:.1f}"


def rows(payload: dict, table: str) -> dict[str, dict]:
    columns = [c["name"] for c in payload["tables"][table]["columns"]]
    return {str(r[0]): dict(zip(columns, r, strict=True))
            for r in payload["tables"][table]["rows"]}


def test_pdf_holds_the_figures_of_the_runs_json(reference_result, reference_pdf):
    payload = json.loads(reference_result.to_json())       # what a reader can download
    text = pdf_text(reference_pdf)
    checks = {
        "Nvidia (headline)": rows(payload, "headline")["Nvidia"],
        "US (location)": rows(payload, "country")["US"],
        "US (ownership)": rows(payload, "owner_country")["US"],
        "profits": rows(payload, "factor")["capital"],
        "chip designers": rows(payload, "group")["chip_designer"],
    }
    for name, row in checks.items():
        printed = (f"{share(row['share_p50'])} % ({share(row['share_p5'])}–"
                   f"{share(row['share_p95'])} %)")
        assert printed in text, f"{name}: {printed} is not in the PDF"
    total = payload["facts"]["total"]
    assert f"EUR {total / 1e9:,.2f} bn" in text
    assert payload["run_id"] in text
    assert payload["provenance"]["data_version"] in text
    card = rows(payload, "scorecard")["EU value added (location)"]
    assert f"{share(card['eu-ai-gigafactories_p50'])} %" in text


def test_pdf_says_how_much_of_the_jobs_rests_on_national_averages(reference_result,
                                                                   reference_pdf):
    """The jobs sentence gives the run's share of FTE estimated from national average pay
    (the rest from firms' employees per revenue in filings), as the jobs table has it."""
    payload = json.loads(reference_result.to_json())
    row = rows(payload, "jobs")["share of the FTE from national average compensation per FTE"]
    assert 0 < row["amount_p50"] < 1
    # 'of all the FTE-years': the EU's part of them is said just before (jobs_reading)
    assert (f"{share(row['amount_p50'])} % of all the FTE-years are estimated from national "
            "average pay" in " ".join(pdf_text(reference_pdf).split()))


def test_a_wrong_figure_would_be_caught(reference_result, reference_pdf):
    """The check above can fail: a median moved by one printed digit is not in the PDF."""
    payload = json.loads(reference_result.to_json())
    nvidia = rows(payload, "headline")["Nvidia"]
    moved = (f"{share(nvidia['share_p50'] + 0.001)} % ({share(nvidia['share_p5'])}–"
             f"{share(nvidia['share_p95'])} %)")
    assert moved not in pdf_text(reference_pdf)


def test_every_page_renders_and_a_reference_plan_is_4_to_17_pages(reference_pdf, tmp_path):
    """13, not 12, since the Methods section explains HHI, WACC, tornado analysis and the
    years the budget is spent over (h60): the 12th page was full before; 14 since each claim
    shows what its words are taken to mean (h75) and the summary is short paragraphs (h80);
    15 since the briefing has the run's lifecycle table (TCO, h89), about a page; 16 since
    the scorecard names the firms its rent leaves out and what its rows measure (h88), and
    the sources of the lifecycle's electricity price (the last five pages are sources); 17
    since the jobs sentence says the part of the jobs in the EU (the 16th page was full)."""
    from PIL import Image

    pages = len(pypdf.PdfReader(str(reference_pdf)).pages)
    assert 4 <= pages <= 17, f"{pages} pages"
    images = page_images(reference_pdf, tmp_path / "png")
    assert len(images) == pages
    for image in images:
        with Image.open(image) as im:
            grey = im.convert("L")
            assert grey.size[0] < grey.size[1]                         # portrait A4
            assert abs(grey.size[1] / grey.size[0] - 297 / 210) < 0.01
            assert grey.getextrema()[0] < 128, f"{image.name} is blank"


def fonts_of(reader) -> list[tuple[str, dict]]:
    out = []
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for _, ref in fonts.items():
            font = ref.get_object()
            out.append((str(font.get("/BaseFont")), font))
    return out


def embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True                                      # glyphs drawn in the PDF itself
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.mark.parametrize("which", ["reference_pdf", "hostile_pdf"])
def test_every_font_is_embedded(which, request):
    reader = pypdf.PdfReader(str(request.getfixturevalue(which)))
    fonts = fonts_of(reader)
    assert fonts
    missing = sorted({name for name, font in fonts if not embedded(font)})
    assert missing == []


class Elements(HTMLParser):
    """Tags and attributes of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


def test_hostile_title_and_notes_give_a_clean_html_report(hostile_html):
    tags = elements(hostile_html)
    assert not [t for t, _ in tags if t in ("script", "img", "iframe", "object", "b")]
    handlers = [(t, k) for t, a in tags for k in a if k.lower().startswith("on")]
    assert handlers == []
    assert not [a["href"] for _, a in tags if a.get("href", "").startswith("javascript:")]
    assert "&lt;script&gt;alert(" in hostile_html            # shown as text, escaped
    assert "صندوق الذكاء الاصطناعي" in hostile_html          # right-to-left text kept


def test_plan_text_is_isolated_in_the_running_footer(hostile_html, hostile_result, hostile_pdf):
    """The footer (`string-set`, text only, so no <bdi>) wraps the plan's title in U+2068 FIRST
    STRONG ISOLATE ... U+2069 POP DIRECTIONAL ISOLATE: a right-to-left (or, from data stored
    before input was checked, an override-holding) title cannot reorder the run id after it,
    and the PDF's footer still carries the run id in reading order."""
    run_id = hostile_result.run_id[:16]
    footer = unescape(re.search(r'<p class="meta" data-runid="(.*?)"', hostile_html,
                                re.S).group(1))
    assert footer.startswith("\u2068") and f"\u2069 · run {run_id}" in footer
    head = unescape(re.search(r'<h1 [^>]*data-doctitle="(.*?)"', hostile_html,
                              re.S).group(1))
    assert head.startswith("\u2068") and head.endswith("\u2069")
    assert '<p dir="auto"><bdi>&#x2068;' in hostile_html       # the closing line
    assert run_id in pdf_text(hostile_pdf)


def test_hostile_plan_gives_a_pdf_whose_pages_render_inside_the_paper(hostile_pdf, tmp_path):
    """Long words wrap instead of running off the page: the outer 6 mm of every page stay
    blank (the margins are 15 mm)."""
    from PIL import Image

    text = pdf_text(hostile_pdf)
    assert "<script>alert('title')</script>" in text or "alert('title')" in text
    images = page_images(hostile_pdf, tmp_path / "png", dpi=50)
    assert len(images) == len(pypdf.PdfReader(str(hostile_pdf)).pages)
    for image in images:
        with Image.open(image) as im:
            grey = im.convert("L")
            strip = int(grey.size[0] * 6 / 210)
            for box in ((0, 0, strip, grey.size[1]),
                        (grey.size[0] - strip, 0, grey.size[0], grey.size[1])):
                assert grey.crop(box).getextrema()[0] > 200, f"{image.name}: ink in margin"


def test_html_is_one_self_contained_file(reference_html):
    tags = elements(reference_html)
    loads = [(t, a) for t, a in tags if t in ("script", "link", "img", "iframe", "object",
                                              "embed", "source", "video", "audio")]
    assert loads == []
    assert re.findall(r"url\((?!#)", reference_html) == []     # only fragments: url(#hatch)
    assert "@import" not in reference_html
    assert reference_html.count("<svg") >= 3                          # Sankey, shares, tornado
    assert [t for t, _ in tags if t == "style"]
    assert 'lang="en"' in reference_html


def test_plan_and_comparison_share_one_renderer(ws, reference_result):
    """Several runs give a comparison: one column per plan in the side-by-side tables."""
    from moneytrail.report.briefing import render_briefing
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    other = tasks.trace_plan(ws, load_scenario(ROOT / "scenarios" / "efficiency-first-eu.yaml"),
                             draws=500, seed=1)
    steps = []
    html = render_briefing(ws, [reference_result, other], fmt="html", sensitivity=False,
                           progress=lambda step, done, total: steps.append(step)).decode()
    assert "Comparison of 2 plans" in html
    # columns headed by the plan's title, not its id (finding h80)
    # with its label in the summary's key ('Plan 2: <title>')
    assert f'<th scope="col" dir="auto">Plan 2: {other.title}</th>' in html
    assert '<th scope="col" dir="auto">efficiency-first-eu</th>' not in html
    assert steps and steps[-1] == "assembling"


def test_format_is_checked(ws, reference_result):
    from moneytrail.errors import MoneytrailError
    from moneytrail.report.briefing import format_of, render_briefing

    with pytest.raises(MoneytrailError):
        render_briefing(ws, [reference_result], fmt="docx")
    with pytest.raises(MoneytrailError):
        format_of("briefing.docx")
    assert format_of("a/b.HTML") == "html"


def test_cli_report_from_a_stored_run_id(reference_result, ws, tmp_path):
    """`moneytrail report RUN_ID -o x.pdf` reads the stored run, shows progress on stderr."""
    out = tmp_path / "from-run.pdf"
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": ws.ledger().url}
    done = subprocess.run([sys.executable, "-m", "moneytrail.cli", "report",
                           reference_result.run_id, "-o", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "printing the PDF" in done.stderr and "wrote" in done.stderr
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    assert reference_result.run_id in " ".join(p.extract_text() for p in reader.pages)
    bad = subprocess.run([sys.executable, "-m", "moneytrail.cli", "report",
                          reference_result.run_id, "-o", str(tmp_path / "x.docx")], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and ".pdf or .html" in bad.stderr


def test_hostile_title_is_in_the_html_as_text(hostile_html):
    assert HOSTILE_TITLE.split(" ")[0].replace("<", "&lt;").replace(">", "&gt;").replace(
        "'", "&#39;") in hostile_html


def test_only_web_addresses_become_links():
    """A data package's source URL is shown, but only http(s) addresses are links."""
    from moneytrail.report.briefing.content import SourceBook

    book = SourceBook(rows={"bad": {"url": "javascript:alert(1)", "reliability": "weak"},
                            "good": {"url": "https://example.org/a", "reliability": "filing"}})
    assert book.entry("bad")["href"] == "" and book.entry("bad")["url"].startswith("javascript")
    assert book.entry("good")["href"] == "https://example.org/a"
    assert [book.entry(s)["number"] for s in ("bad", "good", "bad")] == [1, 2, 1]


def test_tornado_parameters_are_put_in_words():
    from moneytrail.report.briefing.content import parameter_label

    names = {"nvidia": "Nvidia", "tsmc": "TSMC"}
    cats = {"accelerators": "AI accelerators", "facility": "Facility"}
    assert parameter_label("cost nvidia<-tsmc 2025", names, cats) == \
        "Nvidia: share of revenue paid to TSMC"
    assert parameter_label("spend accelerators", names, cats) == \
        "Share of the budget spent on AI accelerators"
    assert parameter_label("spend facility", names, cats) == "Share of the budget spent on facility"
    assert parameter_label("cost nvidia capital:US 2025", names, cats) == \
        "Nvidia: profits and depreciation to owners in US (share of revenue)"
    assert parameter_label("something new", names, cats) == "something new"


def test_source_notes_keep_the_case_of_units_and_say_what_jobs_rest_on(reference_html):
    """A source note's group labels run on in a sentence: only their first letter is lowered,
    so 'FTE' and 'CO2' stay as written (the whole label was lowered: 'compensation per fte')."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", reference_html)).split())
    assert "jobs (pay per FTE, firms' employees per revenue) and CO2 intensities [" in text
    assert "per fte" not in text and "co2 intensities" not in text


def test_a_tiny_conservation_gap_prints_without_scientific_notation(ws, reference_result,
                                                                    tmp_path):
    """The PDF printed 'conservation gap EUR 3.8e-06' (the README promises no scientific
    notation): it prints 'EUR 0.0000038'."""
    import dataclasses

    from moneytrail.report.briefing import render_briefing
    from moneytrail.report.units import small_money

    assert small_money(3.8e-06, "EUR") == "EUR 0.0000038"
    assert small_money(0, "EUR") == "EUR 0" and small_money(0.5, "USD") == "USD 0.5"
    assert small_money(2.5e9, "EUR") == "EUR 2.50 bn"
    result = dataclasses.replace(reference_result,
                                 facts={**reference_result.facts, "conservation_gap": 3.8e-06})
    currency = result.facts["currency"]
    path = tmp_path / "gap.pdf"
    path.write_bytes(render_briefing(ws, [result], fmt="pdf"))
    text = pdf_text(path)
    assert f"adds up to the cent: the value added of all firms equals the money spent in " \
        f"every draw (the largest difference, {currency} 0.0000038, is rounding" in " ".join(
            text.split())
    assert "3.8e-06" not in text and not re.search(r"\d\.?\d*e[-+]\d\d", text)


def test_emoji_in_a_title_are_drawn_with_an_embedded_emoji_font(hostile_pdf, reference_pdf):
    """An emoji in a plan's title is drawn with Noto Color Emoji (Debian's
    fonts-noto-color-emoji, installed by `make system-deps` and named in the briefing's font
    stacks through a face limited to emoji code points), embedded like every other font;
    without it WeasyPrint prints empty boxes. A plan without emoji does not use the font at
    all (named plainly, it drew digits and spaces too: two pages more, twice the bytes)."""
    css = (ROOT / "src" / "moneytrail" / "report" / "templates" / "briefing.css").read_text()
    assert 'src: local("Noto Color Emoji")' in css and "unicode-range" in css
    assert len(re.findall(r'"Briefing Emoji",\s*sans-serif', css)) == 3   # text, title, footer
    assert not [name for name, _ in fonts_of(pypdf.PdfReader(str(reference_pdf)))
                if "Emoji" in name]
    reader = pypdf.PdfReader(str(hostile_pdf))
    emoji = [font for name, font in fonts_of(reader) if "Emoji" in name]
    assert emoji, sorted({name for name, _ in fonts_of(reader)})
    assert all(embedded(font) for font in emoji)
    assert "\U0001F680" in pdf_text(hostile_pdf)
