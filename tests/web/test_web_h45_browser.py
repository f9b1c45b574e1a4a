"""A long unbroken plan title (no spaces: a pasted identifier, a URL) overflowed the page's
heading by 168 px at 375 px; headings now wrap anywhere (overflow-wrap). Checked in Debian's
Chromium against `moneytrail serve`, with a screenshot kept for a look."""

from __future__ import annotations

import pytest
from webserver import api, browser_marks, run_of

pytestmark = browser_marks()
TITLE = "Gigafactory" + "X" * 60 + "EndOfTheTitle"


@pytest.fixture(scope="module")
def long_run(server) -> str:
    plan = api(server, "/api/v1/plans/eu-ai-gigafactories")["scenario"]
    return run_of(server, {"scenario": {**plan, "id": "long-title", "title": TITLE},
                           "draws": 10, "seed": 1})


def test_a_long_unbroken_title_wraps_inside_its_heading_at_375px(server, browser, long_run,
                                                                  tmp_path):
    other = run_of(server, {"reference": "stargate-style-us", "draws": 10, "seed": 1})
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        for k, path in enumerate((f"/r/{long_run}", f"/compare?runs={long_run},{other}")):
            page.goto(server + path)
            heading = page.locator("h1").first
            assert "EndOfTheTitle" in page.locator("main").inner_text()
            overflow = heading.evaluate("h => h.scrollWidth - h.clientWidth")
            box = heading.bounding_box()
            assert overflow <= 0, f"{path}: the h1 overflows by {overflow} px"
            assert box is not None and box["x"] + box["width"] <= 375
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
            page.screenshot(path=str(tmp_path / f"long-title-375-{k}.png"))
    finally:
        context.close()
