"""The compare page's chart in a real browser (Playwright driving Debian's Chromium against
`moneytrail serve`) on a phone (375 px) and a desktop (1280 px): every row label and every
run name in the legend is drawn whole (wrapped onto lines, no ellipsis; two runs of one plan
named apart), lies inside the chart's SVG, and the page is no wider than the screen."""

from __future__ import annotations

import re

import pytest
from webserver import browser_marks, run_of

pytestmark = browser_marks()


@pytest.fixture(scope="module")
def compared(server) -> str:
    """Four runs: two of one plan (other draws), and the two other reference plans (the
    longest titles)."""
    bodies = [{"reference": "eu-ai-gigafactories", "draws": 80, "seed": 3},
              {"reference": "eu-ai-gigafactories", "draws": 60, "seed": 3},
              {"reference": "efficiency-first-eu", "draws": 60, "seed": 3},
              {"reference": "stargate-style-us", "draws": 60, "seed": 3}]
    return ",".join(run_of(server, body) for body in bodies)


DRAWN = """() => {
  const svg = document.querySelector('#compare-chart svg.main-svg').getBoundingClientRect();
  const texts = Array.from(document.querySelectorAll(
      '#compare-chart .ytick text, #compare-chart .legendtext')).map(t => {
    const box = t.getBoundingClientRect();
    return {text: t.textContent, legend: t.classList.contains('legendtext'),
            left: box.left, right: box.right, top: box.top, bottom: box.bottom};
  });
  return {svg: {left: svg.left, right: svg.right, top: svg.top, bottom: svg.bottom}, texts,
          scroll: document.documentElement.scrollWidth, width: window.innerWidth};
}"""


def squeezed(text: str) -> str:
    """Text without spaces or line breaks: a wrapped label's lines are drawn as tspans whose
    textContent joins them with nothing between."""
    return re.sub(r"\s+|<br>", "", text)


@pytest.mark.parametrize("width", [375, 1280])
def test_compare_chart_labels_whole_and_inside(server, browser, compared, width, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/compare?runs={compared}", wait_until="networkidle")
        page.locator("#compare-chart .ytick text").first.wait_for(timeout=20_000)
        page.locator("#compare-chart").screenshot(path=str(tmp_path / f"compare-{width}.png"))
        rows = page.locator("#headline-caption ~ tbody th").all_text_contents()
        names = page.locator("#headline-key dd").all_text_contents()
        drawn = page.evaluate(DRAWN)
    finally:
        context.close()
    assert drawn["scroll"] == drawn["width"] == width
    labels = [t for t in drawn["texts"] if not t["legend"]]
    legend = [t for t in drawn["texts"] if t["legend"]]
    assert len(labels) >= 8 and len(legend) == 4
    for t in drawn["texts"]:
        assert "\u2026" not in t["text"] and "..." not in t["text"], t
        box = drawn["svg"]
        assert box["left"] - 0.5 <= t["left"] and t["right"] <= box["right"] + 0.5, t
        assert box["top"] - 0.5 <= t["top"] and t["bottom"] <= box["bottom"] + 0.5, t
    # every row label drawn whole, as the table below names it
    assert len(rows) == len(labels)
    assert {squeezed(t["text"]) for t in labels} == {squeezed(r) for r in rows}
    # every run named whole, as the key names it; the two runs of one plan apart
    assert [squeezed(t["text"]) for t in legend] == [squeezed(n) for n in names]
    assert len({t["text"] for t in legend}) == 4
    assert squeezed("(80 draws)") in squeezed(legend[0]["text"])
