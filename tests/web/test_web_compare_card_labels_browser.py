"""A user test of /compare on a phone (375 px): the scorecard's cards labelled each figure
"Plan 1", "Plan 2", "Plan 3" while the plans' titles stood in a key far above, out of sight,
so a reader could not tell which figure was which plan. Each figure's label in a card now
names its plan with a short title ("Plan 2 · EU AI gigafactories"), inside the card, right
above the figure; the header cells keep the full titles (table semantics), and a wide screen
(1280 px) keeps the table. Checked in Debian's Chromium against `moneytrail serve`."""

from __future__ import annotations

import pytest
from webserver import browser_marks, run_of, visit

pytestmark = browser_marks()
PLANS = ("stargate-style-us", "eu-ai-gigafactories", "efficiency-first-eu")
TABLES = ("headline", "scorecard")

# each figure cell of a table shown as cards: its card's and its own box, its label as
# shown (the ::before content), its column's header text and where the label stands
CELLS = """(caption) => {
  const table = document.getElementById(caption).parentNode;
  const heads = Array.from(table.tHead.rows[0].cells).map(c => c.textContent.trim());
  const box = el => { const b = el.getBoundingClientRect();
                      return {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; };
  return Array.from(table.tBodies[0].rows).flatMap(row => Array.from(row.cells)
    .filter(cell => cell.tagName === "TD" && !cell.classList.contains("difference"))
    .map(cell => {
      const before = getComputedStyle(cell, "::before");
      return {card: box(row), cell: box(cell), head: heads[cell.cellIndex],
              shown: before.content, display: before.display,
              figure: cell.textContent.trim()};
    }));
}"""


@pytest.fixture(scope="module")
def compare_path(server) -> str:
    ids = [run_of(server, {"reference": plan, "draws": 100, "seed": 1}) for plan in PLANS]
    return "/compare?runs=" + ",".join(ids)


def test_each_card_figure_names_its_plan_on_a_phone(server, browser, compare_path):
    context, page = visit(browser, server, compare_path, 375)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        titles = [t.strip() for t in
                  page.locator("ol.run-list > li > a > bdi").all_inner_texts()]
        assert len(titles) == 3
        for name in TABLES:
            table = page.locator(f"#{name}-caption").locator("xpath=..")
            assert "cards" in (table.get_attribute("class") or "")
            cells = page.evaluate(CELLS, f"{name}-caption")
            assert len(cells) >= 3 * 5, (name, len(cells))
            for cell in cells:
                number = next(k for k, title in enumerate(titles, 1) if title in cell["head"])
                # 'Plan 2 · EU AI gigafactories' (or '… weak rows · …'): the plan's number
                # and the start of its title (the part before its bracketed aside)
                label = cell["shown"].strip('"')
                assert label.startswith(f"Plan {number}"), cell
                short = label.split(" · ", 1)[1] if " · " in label else ""
                assert short and titles[number - 1].startswith(short.rstrip("\u2026")), cell
                assert len(short) <= 30, cell
                assert not any(title in label for title in titles), cell   # short, not full
                # in the card, on a line of its own right above the figure: inside the cell,
                # which is inside the card, and within the screen
                assert cell["display"] == "block", cell
                inner, outer = cell["cell"], cell["card"]
                assert outer["left"] <= inner["left"] and inner["right"] <= outer["right"]
                assert outer["top"] <= inner["top"] and inner["bottom"] <= outer["bottom"]
                assert outer["left"] >= 0 and outer["right"] <= 375, cell
                assert cell["figure"], cell
        assert page.problems == []
    finally:
        context.close()


def test_the_wide_page_keeps_the_tables_with_full_titles(server, browser, compare_path):
    context, page = visit(browser, server, compare_path, 1280)
    try:
        titles = [t.strip() for t in
                  page.locator("ol.run-list > li > a > bdi").all_inner_texts()]
        for name in TABLES:
            table = page.locator(f"#{name}-caption").locator("xpath=..")
            assert "cards" not in (table.get_attribute("class") or "")
            for title in titles:
                assert table.get_by_role("columnheader", name=title, exact=True).count() == 1
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        assert page.problems == []
    finally:
        context.close()
