"""The briefing for readers who are not programmers (a fresh tester's findings): countries
in words with the EU row explained and the countries no money reaches named once; claim bounds
in words; tables on a 375 px phone keep whole words and amounts apart; Chinese and Korean
titles print in a font that has them (no empty boxes)."""

from __future__ import annotations

import os
import re
import sys
from html import unescape
from pathlib import Path

import pytest
import yaml
from briefings import REFERENCE

from moneytrail.report.units import EU_FOOTNOTE

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from webserver import CHROMIUM  # noqa: E402

CJK_TITLE = "欧盟人工智能超级工厂 (EU AI gigafactories, 한국어)"


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def country_table(html: str) -> str:
    start = html.index("Value added by country")
    return html[html.rindex("<table", 0, start):html.index("Table 3.", start)]


def test_country_table_names_regions_and_who_gets_nothing(reference_html, reference_result,
                                                          ws):
    table = country_table(reference_html)
    text = text_of(table)
    assert "(not specified)" not in text and "not split by country" not in text
    assert "Rest of the world" in text and "EU, not split by member state" in text
    assert EU_FOOTNOTE in text
    frame = reference_result.tables["country"].frame()
    nothing = [str(k) for k, r in frame.iterrows()
               if r["amount_mean"] == 0 and r["share_p5"] == 0 and r["share_p95"] == 0]
    assert nothing, "the reference plan leaves some country with nothing"
    names = dict(zip(ws.valuechain.countries["code"], ws.valuechain.countries["name"],
                     strict=True))
    listed = re.search(r"No money reaches: (.*?)\.", text)
    assert listed and set(listed.group(1).split(", ")) == {names.get(c, c) for c in nothing}
    body = table[:table.index("</tbody>")]
    assert all(f">{names.get(c, c)}<" not in body for c in nothing)


def test_group_table_reads_labels_not_ids(reference_html):
    """Table 3 (groups): written labels, not ids or ids with spaces."""
    start = reference_html.index("Value added by group of firms")
    text = text_of(reference_html[reference_html.rindex("<table", 0, start):
                                  reference_html.index("</table>", start)])
    assert "US tech giants (Nvidia, Amazon, Microsoft, Google)" in text
    assert "us tech giants" not in text and "us_tech_giants" not in text
    assert "electrical cooling" not in text


def test_claim_bounds_read_as_words(reference_html):
    text = text_of(reference_html)
    assert "bound: at least 50 %" in text
    assert not re.search(r"bound:? (min|max) [0-9]", text)
    assert re.search(r"holds in [0-9.]+ % of draws", text)
    assert not re.search(r"holds in [01]\.[0-9]+ of draws", text)


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM}")
def test_tables_at_375_px_keep_words_and_amounts_whole(browser, reference_html, tmp_path):
    """At 375 px Table 1 printed "EUR 7.69 bn" over "[15]" and broke "acceler ators": every
    cell's content stays inside its cell and no word is split over two lines."""
    path = tmp_path / "briefing.html"
    path.write_text(reference_html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 375, "height": 900})
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        problems = page.evaluate("""() => {
          const out = [];
          for (const table of document.querySelectorAll('table.fixed')) {
            for (const cell of table.querySelectorAll('td, th')) {
              const box = cell.getBoundingClientRect();
              for (const child of cell.querySelectorAll('span')) {
                const r = child.getBoundingClientRect();
                if (r.width && (r.right > box.right + 1 || r.left < box.left - 1))
                  out.push('overflows its cell: ' + child.textContent);
              }
              const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const re = /\\S+/g; let m;
                while ((m = re.exec(node.data))) {
                  const range = document.createRange();
                  range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
                  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                  if (tops.size > 1 && !/[-–\\/]/.test(m[0])) out.push('split word: ' + m[0]);
                }
              }
            }
          }
          return out;
        }""")
        assert page.locator("table.fixed").count() >= 3
    finally:
        context.close()
    assert problems == []


def test_cjk_title_prints_in_a_font_that_has_it(ws, tmp_path):
    """With DejaVu only, Chinese and Korean print as empty boxes: `make system-deps` installs
    fonts-wqy-microhei and the PDF embeds a font beside DejaVu for them."""
    pypdf = pytest.importorskip("pypdf")
    from moneytrail.report.briefing import render_briefing
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    data = yaml.safe_load(REFERENCE.read_text())
    data["id"], data["title"] = "cjk-plan", CJK_TITLE
    plan = tmp_path / "cjk-plan.yaml"
    plan.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = tasks.trace_plan(ws, load_scenario(plan), draws=200, seed=2)
    pdf = tmp_path / "cjk.pdf"
    pdf.write_bytes(render_briefing(ws, [result], fmt="pdf", sensitivity=False))
    reader = pypdf.PdfReader(str(pdf))
    first = reader.pages[0]
    fonts = {str(f.get_object().get("/BaseFont"))
             for f in ((first.get("/Resources") or {}).get("/Font") or {}).values()}
    assert any("DejaVu" not in name for name in fonts), \
        f"only {sorted(fonts)}: no font with CJK glyphs (apt-get install fonts-wqy-microhei)"
    assert "欧盟人工智能" in (first.extract_text() or "")
