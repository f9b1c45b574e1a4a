"""The builder's "More settings" in a real browser (Playwright driving Debian's Chromium against
`moneytrail serve`, h128): on a 375 px phone, with and without JavaScript, a person opens the
section, types a bad horizon, sees the error next to it with what was typed, corrects it to 10
and gets a run whose lifecycle (TCO) counts 10 years; nothing scrolls sideways."""

from __future__ import annotations

import time

import pytest
from webserver import api, browser_marks

pytestmark = browser_marks()


def sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("javascript", [True, False])
def test_a_phone_sets_a_ten_year_horizon_after_an_error(server, browser, javascript):
    context = browser.new_context(viewport={"width": 375, "height": 800},
                                  java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(f"{server}/build")
        page.locator("#f-title").fill("Ten years of compute")
        page.locator("#f-budget").fill("10 bn")
        page.locator("#spend-0-category").select_option("accelerators")
        page.locator("#spend-0-central").fill("100 %")
        page.locator("#f-draws").fill("200")
        assert not page.locator("#f-horizon_years").is_visible()      # closed at first
        page.locator("summary", has_text="More settings").click()
        page.get_by_label("Horizon: years of operation").fill("0")
        assert not sideways(page)
        page.get_by_role("button", name="Run this plan").click()
        page.wait_for_url("**check=1*")
        error = page.locator("#f-horizon_years-error")
        assert error.is_visible() and "write 1 or more (you gave: 0)" in error.inner_text()
        assert page.locator("#f-horizon_years").input_value() == "0"
        assert not sideways(page)
        page.locator("#f-horizon_years").fill("10")
        page.get_by_role("button", name="Run this plan").click()
        page.wait_for_url("**/r/*")
        run_id = page.url.rsplit("/", 1)[1]
        deadline = time.monotonic() + 180
        while api(server, f"/api/v1/runs/{run_id}")["status"] != "done":
            assert time.monotonic() < deadline, "the run did not finish"
            time.sleep(0.3)
        note = api(server, f"/api/v1/runs/{run_id}?table=lifecycle")["note"]
        assert note.startswith("Horizon: 10 years (set by the plan)"), note
    finally:
        context.close()
