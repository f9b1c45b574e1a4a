"""The HTML briefing in Debian's Chromium: axe-core finds no serious or critical violation,
and the file opens with the network cut off (no request leaves the page)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from webserver import browser_marks  # noqa: E402

pytestmark = browser_marks()


@pytest.mark.parametrize("which", ["reference_html", "hostile_html"])
def test_html_briefing_passes_axe_offline(browser, which, request, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    path = tmp_path / "briefing.html"
    path.write_text(request.getfixturevalue(which), encoding="utf-8")
    for width in (1280, 375):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.set_offline(True)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        try:
            page.goto(path.as_uri(), wait_until="load")
            assert page.locator("svg.chart").count() >= 2
            violations = Axe().run(page).response["violations"]
        finally:
            context.close()
        assert [u for u in requests if not u.startswith("file:")] == []
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in violations if v["impact"] in ("serious", "critical")]
        assert bad == [], f"{which} at {width} px: {bad}"
