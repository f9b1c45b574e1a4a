"""Chart images and the narrow layout in a real browser (Playwright driving Debian's Chromium
against `moneytrail serve`): the SVG and PNG links next to a run's chart download real images,
and at 375 px the page draws the same figure with the figure's short labels."""

from __future__ import annotations

import json
import struct

import pytest
from webserver import api, browser_marks, run_of

pytestmark = browser_marks()


@pytest.fixture(scope="module")
def run_id(server) -> str:
    return run_of(server, {"reference": "eu-ai-gigafactories", "draws": 400, "seed": 9})


def test_download_the_png_and_svg_next_to_a_chart(server, browser, run_id, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/r/{run_id}", wait_until="networkidle")
        links = page.locator("#first-h ~ .chart-links")
        with page.expect_download(timeout=120_000) as info:
            links.get_by_role("link", name="PNG").click()
        png = tmp_path / "first.png"
        info.value.save_as(png)
        body = png.read_bytes()
        assert body[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", body[16:24])
        assert width == 1200 and 300 < height < 1200
        with page.expect_download(timeout=120_000) as info:
            links.get_by_role("link", name="SVG").click()
        svg = (tmp_path / "first.svg")
        info.value.save_as(svg)
        text = svg.read_text(encoding="utf-8")
        assert text.startswith("<svg") and "The plan: EUR 20.00 bn" in text
        assert info.value.suggested_filename == f"moneytrail-{run_id[:8]}-first.svg"
    finally:
        context.close()


def test_narrow_page_draws_the_figures_short_labels(server, browser, run_id):
    context = browser.new_context(viewport={"width": 375, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/r/{run_id}", wait_until="networkidle")
        page.locator("#first-chart .sankey-node").first.wait_for(timeout=20_000)
        figure = json.loads(page.locator("#first-data").text_content())
        short = figure["narrow"]["traces"][0]["node"]["label"]      # "name<br>amount"
        drawn = page.locator("#first-chart .node-label").all_text_contents()   # tspans joined
        assert drawn and set(drawn) <= {label.replace("<br>", "") for label in short}
        assert max(len(label.split("<br>")[0]) for label in short) <= 22
        lines = page.locator("#first-chart .node-label").first.locator("tspan").count()
        assert lines == 2                              # name and amount on their own lines
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_home_chart_names_every_deal_whole(server, browser, width):
    """The home page's reality chart wraps deal names instead of cutting them with an
    ellipsis: on a phone (375 px) and on a desktop (1280 px) every label drawn is the deal's
    whole label (its name and any 'part of' mark, its lines joined) and lies inside the
    page."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/", wait_until="networkidle")
        page.locator("#reality-chart .ytick text").first.wait_for(timeout=20_000)
        ticks = page.evaluate("""Array.from(document.querySelectorAll('#reality-chart .ytick text'))
            .map(t => { const box = t.getBoundingClientRect();
                        return {text: t.textContent, left: box.left, right: box.right,
                                lines: Math.max(1, t.querySelectorAll('tspan.line').length)}; })""")
        rows = api(server, "/api/v1/charts/reality")["reality"]
        # each label is the deal's name, with 'part of ...' or 'overlaps ...' for a deal
        # inside another pledge (h77): the row's `label`
        names = {"".join(row["label"].split()) for row in rows}
        assert len(ticks) == len(rows) > 0
        assert all("\u2026" not in t["text"] and "..." not in t["text"] for t in ticks), ticks
        assert {"".join(t["text"].split()) for t in ticks} == names
        chart = page.locator("#reality-chart").bounding_box()
        assert all(t["left"] >= chart["x"] - 0.5 and t["right"] <= chart["x"] + chart["width"]
                   for t in ticks), (chart, ticks)
        most = max(t["lines"] for t in ticks)
        # a phone needs more lines (a name with its 'part of' mark: up to 3 on a desktop)
        assert most > 3 if width == 375 else most <= 3
    finally:
        context.close()
