"""Finding h86 in a real browser (Playwright driving Debian's Chromium against `moneytrail
serve`): at 375 px the claims page and a claim check page do not scroll sideways (a long
verdict label, 'Not applicable (the claim is not about this plan)', wraps)."""

from __future__ import annotations

import pytest
from webserver import browser_marks, run_of

pytestmark = browser_marks()


@pytest.fixture(scope="module")
def run_id(server) -> str:
    return run_of(server, {"reference": "eu-ai-gigafactories", "draws": 300, "seed": 1})


def width_at_375(browser, url: str) -> tuple[int, str]:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        page.goto(url, wait_until="networkidle")
        width: int = page.evaluate("() => document.documentElement.scrollWidth")
        return width, page.content()
    finally:
        context.close()


def test_claims_page_does_not_scroll_sideways_at_375(server, browser, run_id):
    width, html = width_at_375(browser, f"{server}/claims")
    assert "Not applicable" in html
    assert width <= 375


def test_not_applicable_check_page_does_not_scroll_sideways_at_375(server, browser, run_id):
    width, html = width_at_375(
        browser, f"{server}/claims/stargate-over-100000-us-jobs/check?run={run_id}")
    assert "the claim is not about this plan" in html
    assert width <= 375
