"""The builder's procurement rules in a real browser (Playwright driving Debian's Chromium
against `moneytrail serve`, h83): a staffer starts from a reference plan, opens "Suppliers and
conditions", keeps the 50 % cap, sets the EU weight, presses "Apply these rules to the
supplier shares" and sees the supplier rows filled with the ruled shares."""

from __future__ import annotations

import pytest
from webserver import browser_marks

pytestmark = browser_marks()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=False)   # a plain form post
    yield context.new_page()
    context.close()


def test_apply_rules_fills_the_supplier_rows(server, page):
    page.goto(f"{server}/build?reference=eu-ai-gigafactories")
    assert page.locator("#proc-0-category").input_value() == ""      # no supplier rows yet
    page.locator("summary", has_text="Suppliers and conditions").click()
    assert page.locator("#f-rules_cap").input_value() == "50 %"
    page.locator("#f-rules_cap").fill("50")
    page.locator("#f-rules_weight").fill("2")
    page.get_by_role("button", name="Apply these rules to the supplier shares").click()
    page.wait_for_url("**rules=*")
    status = page.locator("#rules-result").inner_text()
    assert "Supplier shares changed in: AI accelerators, Facility." in status
    rows = {}
    for i in range(40):
        category = page.locator(f"#proc-{i}-category")
        if not category.count() or not category.input_value():
            continue
        rows[(category.input_value(), page.locator(f"#proc-{i}-supplier").input_value())] = \
            float(page.locator(f"#proc-{i}-central").input_value())
    assert rows[("accelerators", "nvidia")] == pytest.approx(0.5)
    assert rows[("accelerators", "amd")] > 0.4
    assert page.locator("#f-title").input_value().endswith("under procurement rules")
    rules = page.locator("details.builder-more", has_text="Suppliers and conditions")
    assert rules.get_attribute("open") is not None


def test_a_cap_of_150_percent_is_marked_on_its_field(server, page):
    page.goto(f"{server}/build?reference=eu-ai-gigafactories")
    page.locator("summary", has_text="Suppliers and conditions").click()
    page.locator("#f-rules_cap").fill("150 %")
    page.get_by_role("button", name="Apply these rules to the supplier shares").click()
    page.wait_for_url("**rules=*")
    assert page.locator("#f-rules_cap").get_attribute("aria-invalid") == "true"
    assert "at most 100 %" in page.locator("#error-summary").inner_text()
    assert page.locator("#proc-0-category").input_value() == ""
