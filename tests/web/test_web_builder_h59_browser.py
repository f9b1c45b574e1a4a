"""A staffer's own plan in a real browser (Playwright driving Debian's Chromium against
`moneytrail serve`, h59): built from a blank form, run, opened again with "Edit this plan",
checked and run again to the very same run; and every wrong field marked at once."""

from __future__ import annotations

import time

import pytest
from webserver import browser_marks

pytestmark = browser_marks()
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def wait_for_run_page(page, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:                           # the page reloads itself when the run is done
            if page.locator("a", has_text="Edit this plan").count():
                return
        except sync_api.Error:
            pass
        time.sleep(0.2)
    raise AssertionError("the run page never showed its 'Edit this plan' link")


def test_edit_this_plan_checks_and_runs_again_to_the_same_run(server, page):
    page.goto(f"{server}/build")
    page.locator("#f-title").fill("Sovereign cloud for parliament")
    page.locator("#f-budget").fill("10 bn")
    page.locator("#spend-0-category").select_option("cloud_compute")
    page.locator("#spend-0-central").fill("100 %")
    page.locator("summary", has_text="Suppliers and conditions").click()
    for i, supplier in enumerate(("ovhcloud", "scaleway")):
        page.locator(f"#proc-{i}-category").select_option("cloud_compute")
        page.locator(f"#proc-{i}-supplier").select_option(supplier)
        page.locator(f"#proc-{i}-central").fill("50 %")
    page.locator("#f-draws").fill("200")
    page.get_by_role("button", name="Run this plan").click()
    page.wait_for_url("**/r/*")
    run_url = page.url
    wait_for_run_page(page)

    page.locator("a", has_text="Edit this plan").click()
    page.wait_for_url("**/build?plan=*")
    assert page.locator("input[value='None']").count() == 0
    page.get_by_role("button", name="Check and update the share link").click()
    page.wait_for_url("**check=1*")
    assert page.get_by_role("status").inner_text().startswith("The plan is valid")
    page.get_by_role("button", name="Run this plan").click()
    page.wait_for_url("**/r/*")
    assert page.url == run_url


def test_every_wrong_field_is_marked_at_once(server, page):
    page.goto(f"{server}/build")
    page.locator("#f-title").fill("")
    page.locator("#f-budget").fill("")
    page.locator("#f-year").fill("next year")
    page.locator("#spend-0-central").fill("50")
    page.get_by_role("button", name="Check and update the share link").click()
    page.wait_for_url("**check=1*")
    for anchor in ("f-title", "f-budget", "f-year", "spend-0-central"):
        assert page.locator(f"#{anchor}").get_attribute("aria-invalid") == "true"
        assert page.locator(f"#{anchor}-error").is_visible()
    links = page.get_by_role("alert").locator("a")
    assert links.count() == 4
    assert page.evaluate("document.activeElement.id") == "f-title"
    links.nth(2).click()
    assert page.url.endswith("#f-year")
