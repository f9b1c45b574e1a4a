"""The run page's flow chart in Chromium (WCAG 1.4.11 and 2.4.3): every Sankey band as drawn
stands out from the white page by at least 3:1 (its fill or its outline, composited over
white), the labels stay readable on the bands, and no chart box is a tab stop that never
scrolls (at 1280, 640 and 320 px)."""

from __future__ import annotations

import pytest
from webserver import browser_marks, run_of

pytestmark = browser_marks()

WHITE = (255.0, 255.0, 255.0)


def rgba(css: str) -> tuple[tuple[float, float, float], float]:
    """'rgb(r, g, b)' or 'rgba(r, g, b, a)' as (r, g, b) and alpha."""
    parts = [float(x) for x in css[css.index("(") + 1:css.index(")")].split(",")]
    return (parts[0], parts[1], parts[2]), (parts[3] if len(parts) == 4 else 1.0)


def over(rgb: tuple[float, float, float], alpha: float,
         under: tuple[float, float, float] = WHITE) -> tuple[float, float, float]:
    return (alpha * rgb[0] + (1 - alpha) * under[0], alpha * rgb[1] + (1 - alpha) * under[1],
            alpha * rgb[2] + (1 - alpha) * under[2])


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def run_id(server) -> str:
    return run_of(server, {"reference": "eu-ai-gigafactories", "draws": 400, "seed": 9})


def test_flow_bands_reach_3_to_1_on_white_and_labels_stay_readable(server, browser, run_id):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/r/{run_id}", wait_until="networkidle")
        page.locator("#first-chart .sankey-link").first.wait_for(timeout=20_000)
        bands = page.eval_on_selector_all("#first-chart .sankey-link", """els => els.map(e => {
            const s = getComputedStyle(e);
            return [s.fill, s.fillOpacity, s.stroke, s.strokeOpacity, s.strokeWidth]; })""")
        assert bands
        # each label has a white halo drawn under its letters: an outline passing under a
        # label does not cross it
        halos = page.eval_on_selector_all("#first-chart .node-label", """els => els.map(e => {
            const s = getComputedStyle(e);
            return [s.paintOrder, s.stroke, s.strokeWidth]; })""")
        assert halos and all(order.startswith("stroke") and stroke == "rgb(255, 255, 255)"
                             and float(width.removesuffix("px")) >= 2
                             for order, stroke, width in halos), halos[:2]
        for fill, fill_opacity, stroke, stroke_opacity, stroke_width in bands:
            rgb, alpha = rgba(fill)
            body = over(rgb, alpha * float(fill_opacity))
            best = contrast(body, WHITE)
            if stroke != "none" and float(stroke_width.removesuffix("px")) > 0:
                line, line_alpha = rgba(stroke)
                best = max(best, contrast(over(line, line_alpha * float(stroke_opacity)), WHITE))
            assert best >= 3.0, (fill, fill_opacity, stroke, stroke_width, round(best, 2))
            # a label over one band, or over two that overlap, stays above 4.5:1
            ink = rgba(page.eval_on_selector("#first-chart .node-label",
                                             "e => getComputedStyle(e).fill"))[0]
            assert contrast(ink, body) >= 4.5
            assert contrast(ink, over(rgb, alpha * float(fill_opacity), body)) >= 4.5
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 640, 320])
def test_every_focusable_scroll_box_can_scroll(server, browser, run_id, width):
    """A box with tabindex=0 that never scrolls is a tab stop with nothing to do (2.4.3)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/r/{run_id}", wait_until="networkidle")
        page.locator("#first-chart .sankey-link").first.wait_for(timeout=20_000)
        idle = page.eval_on_selector_all(
            ".sankey-scroll, .chart-box", """els => els.filter(e => e.tabIndex >= 0
                && e.getClientRects().length > 0
                && e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight)
                .map(e => e.getAttribute('aria-label'))""")
        assert idle == []
    finally:
        context.close()
