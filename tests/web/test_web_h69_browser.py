"""Finding h69 (WCAG 1.1.1, 1.4.11, 2.1.1, 4.1.2) in a real browser (Playwright driving
Debian's Chromium against `moneytrail serve`): every drawn plotly chart (home, run, compare,
embeds) is one image named by its caption, plotly's own SVG is hidden from assistive
technology with nothing focusable left inside the hidden part, and the chart adds no tab stop
(no mode bar: its faint icons and its do-nothing buttons are gone)."""

from __future__ import annotations

import pytest
from webserver import browser_marks, run_of

pytestmark = browser_marks()

# every chart container with what the browser makes of it: its role and accessible name
# (aria-label), the names of its children's aria-hidden, the focusable elements inside a
# hidden subtree, and the tab stops inside the container
INSPECT = """() => Array.from(document.querySelectorAll('[data-figure]')).map(el => {
  const focusable = 'a[href], button, input, select, textarea, [tabindex], [contenteditable]';
  const hidden = Array.from(el.querySelectorAll('[aria-hidden="true"]'));
  const inside = hidden.flatMap(h => Array.from(h.querySelectorAll(focusable)))
    .filter(f => f.tabIndex >= 0);
  const tabbable = Array.from(el.querySelectorAll(focusable)).filter(f => f.tabIndex >= 0);
  return {id: el.id, role: el.getAttribute('role'), label: el.getAttribute('aria-label'),
          drawn: !!el.querySelector('svg.main-svg'),
          children: Array.from(el.children).map(c => c.getAttribute('aria-hidden')),
          modebar: el.querySelectorAll('.modebar-btn').length,
          focusableInHidden: inside.length, tabbable: tabbable.length,
          caption: (el.closest('figure') && el.closest('figure').querySelector('figcaption')
                    || {textContent: ''}).textContent};
})"""


@pytest.fixture(scope="module")
def run_id(server) -> str:
    return run_of(server, {"reference": "eu-ai-gigafactories", "draws": 1000, "seed": 1})


def charts_of(browser, url: str) -> list[dict]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(url, wait_until="networkidle")
        page.wait_for_function("() => document.querySelectorAll('[data-figure]').length > 0 && "
                               "Array.from(document.querySelectorAll('[data-figure]'))"
                               ".every(el => el.getAttribute('role') === 'img')",
                               timeout=60_000)
        charts: list[dict] = page.evaluate(INSPECT)
        return charts
    finally:
        context.close()


def check(charts: list[dict]) -> None:
    assert charts
    for chart in charts:
        assert chart["drawn"], chart
        assert chart["role"] == "img", chart
        label = chart["label"] or ""
        # named by its caption's first words, not by plotly's axis and node labels
        assert len(label) > 20 and label.split(":")[-1].strip()[:20].lower() in \
            " ".join(chart["caption"].split()).lower(), (label, chart["caption"])
        assert chart["children"] and all(h == "true" for h in chart["children"]), chart
        assert chart["modebar"] == 0, chart
        assert chart["focusableInHidden"] == 0, chart
        assert chart["tabbable"] == 0, chart


def test_home_chart_is_one_named_image_without_tab_stops(server, browser):
    charts = charts_of(browser, server + "/")
    check(charts)
    assert charts[0]["label"] == ("Bar chart: announced, committed and spent amounts of the "
                                  "largest pledges, by deal")


def test_run_page_charts_are_named_images(server, browser, run_id):
    charts = charts_of(browser, f"{server}/r/{run_id}")
    check(charts)
    labels = [c["label"] for c in charts]
    assert "Flows from the plan to spending categories to first-invoice firms." in labels
    assert len(set(labels)) == len(labels)


def test_embedded_charts_are_named_images(server, browser, run_id):
    check(charts_of(browser, f"{server}/embed/r/{run_id}/first"))
    check(charts_of(browser, f"{server}/embed/reality"))


def test_keyboard_passes_the_home_chart_in_one_step(server, browser):
    """Tabbing through the home page never lands inside the chart."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(server + "/", wait_until="networkidle")
        page.wait_for_function("() => document.querySelector('#reality-chart svg.main-svg')",
                               timeout=60_000)
        inside = 0
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("() => !!document.activeElement.closest('#reality-chart')"):
                inside += 1
        assert inside == 0
    finally:
        context.close()
