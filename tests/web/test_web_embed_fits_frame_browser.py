"""Each embed code's frame holds its embed page, in a real browser (Playwright driving Debian's
Chromium against `moneytrail serve`) on a phone (375 px) and a desktop (1280 px): the page is
no taller than the iframe `height` its embed code gives, and its title, source line and
caption (the reality chart's "must not be added up" caveat) lie inside the frame, with the
chart in a box of its own at least 8 rem tall. A journalist found the fixed height="640" cut
the reality chart (10 of 12 bars at 1280 px, its legend, caveat and source line hidden) and
the run's Sankey on a phone."""

from __future__ import annotations

import re
import urllib.request
from html import unescape

import pytest
from webserver import browser_marks, run_of

pytestmark = browser_marks()


@pytest.fixture(scope="module")
def runs(server) -> list[str]:
    return [run_of(server, {"reference": name, "draws": 60, "seed": 3})
            for name in ("stargate-style-us", "eu-ai-gigafactories", "efficiency-first-eu")]


def embed_codes(server: str, path: str) -> list[tuple[str, int]]:
    """The (embed address, iframe height) of every embed code on the page at `path`."""
    with urllib.request.urlopen(server + path) as response:
        page = unescape(response.read().decode("utf-8"))
    return [(src, int(height)) for src, height in re.findall(
        r'<iframe src="([^"]+)"[^>]*? height="(\d+)"', page)]


FITS = """() => {
  const bottom = s => { const e = document.querySelector(s);
                        return e ? e.getBoundingClientRect().bottom : null; };
  const box = document.querySelector('.chart-box, .sankey-scroll');
  return {scroll: document.documentElement.scrollHeight, title: bottom('.embed-title'),
          source: bottom('.citation'), caption: bottom('figcaption'),
          box: box ? box.getBoundingClientRect().height : 0};
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_every_embed_fits_the_height_of_its_embed_code(server, browser, runs, width):
    codes = [*embed_codes(server, "/"), *embed_codes(server, f"/r/{runs[0]}"),
             *embed_codes(server, f"/compare?runs={','.join(runs)}")]
    kinds = {src.split("/embed/", 1)[1].split("?")[0].split("/")[-1] for src, _ in codes}
    assert {"reality", "first", "location", "ownership", "compare"} <= kinds, codes
    for src, height in codes:
        address = server + "/embed/" + src.split("/embed/", 1)[1]
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        try:
            page.goto(address, wait_until="networkidle")
            page.locator(".chart svg.main-svg").first.wait_for(timeout=20_000)
            fits = page.evaluate(FITS)
        finally:
            context.close()
        assert fits["scroll"] <= height, (src, width, height, fits)
        for part in ("title", "source", "caption"):
            assert fits[part] is not None and fits[part] <= height, (src, width, part, fits)
        assert fits["box"] >= 128, (src, width, fits)
