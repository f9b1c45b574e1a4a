"""The plan builder and the compare page in a real browser (Playwright driving Debian's
Chromium against `moneytrail serve`), helper h219: each builder section has a heading a
screen reader can jump to; an error summary's link on a 375 px phone leaves its field's
label on screen; a four-run comparison's "cite as" address stays in its box at 1280 px."""

from __future__ import annotations

import pytest
from test_web_saved_browser import cli
from webserver import admin_in_environment, browser_marks, log_in, run_of, running_server

pytestmark = browser_marks()
EDITOR = ("bea", "she checks budgets by keyboard")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("h219-server")
    url = f"sqlite:///{folder / 'ledger.sqlite'}"
    with admin_in_environment(), running_server(url, folder / "server.log") as base:
        cli(url, "users", "add", EDITOR[0], "--editor", "--password-stdin",
            stdin=EDITOR[1] + "\n")
        yield base


def test_each_builder_section_has_a_heading(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, server, *EDITOR, next="/build")
        names = [h.inner_text().strip() for h in page.get_by_role("heading", level=2).all()]
        for wanted in ("The plan", "What it buys: the spending split", "More settings",
                       "Suppliers and conditions", "How many draws", "Save this plan",
                       "Share this draft"):
            assert wanted in names, (wanted, names)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        deeper = [h.inner_text().strip() for h in page.get_by_role("heading", level=3).all()]
        assert "Procurement overrides: who supplies a category" in deeper, deeper
        assert "Conditions the plan must meet" in deeper, deeper
        # drawn as the legend it replaced: no heading's size or margins
        legend = page.locator("legend:has(> h2.legend-h)").first
        heading = legend.locator("h2")
        assert heading.evaluate("h => getComputedStyle(h).fontSize") == \
            legend.evaluate("l => getComputedStyle(l).fontSize")
        assert heading.evaluate("h => getComputedStyle(h).marginTop") == "0px"
    finally:
        context.close()


@pytest.mark.parametrize("field, label", [("#f-budget", "Budget"),
                                          ("#f-horizon_years", "Horizon: years of operation"),
                                          ("#spend-1-central", "Central share")])
def test_an_error_summary_link_leaves_the_label_on_a_phone_screen(server, browser, field,
                                                                   label):
    context = browser.new_context(viewport={"width": 375, "height": 667})
    page = context.new_page()
    try:
        page.goto(server + "/build")
        page.get_by_label("Title").fill("Phone check")
        page.locator("#f-budget").fill("ten billion")
        page.locator("#spend-0-category").select_option("accelerators")
        page.locator("#spend-0-central").fill("60 %")
        page.locator("#spend-1-category").select_option("facility")
        page.locator("#spend-1-central").fill("lots")
        page.locator("#more-settings > summary").click()
        page.locator("#f-horizon_years").fill("99")
        page.get_by_role("button", name="Check and update the share link").click()
        page.wait_for_load_state()
        page.locator(f".error-summary a[href='{field}']").click()
        page.wait_for_timeout(300)
        assert page.evaluate("document.activeElement.id") == field[1:]
        box = page.locator(f"label[for='{field[1:]}']").bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 667, box
        message = page.locator(f"{field}-error").bounding_box()
        assert message is not None and 0 <= message["y"] <= 667, message
    finally:
        context.close()


def test_a_four_run_comparisons_cite_as_address_stays_in_its_box(server, browser):
    runs = [run_of(server, {"reference": "eu-ai-gigafactories", "draws": 100, "seed": seed})
            for seed in (1, 2, 3, 4)]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/compare?runs={','.join(runs)}", wait_until="networkidle")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        boxes = page.locator(".citation")
        assert boxes.count() >= 2
        for i in range(boxes.count()):
            sizes = boxes.nth(i).evaluate(
                "e => [e.scrollWidth, e.clientWidth, e.getBoundingClientRect().right,"
                " e.parentElement.getBoundingClientRect().right]")
            assert sizes[0] <= sizes[1] + 1 and sizes[2] <= sizes[3] + 1, sizes
            assert boxes.nth(i).evaluate("e => getComputedStyle(e).overflowWrap") == "anywhere"
    finally:
        context.close()
