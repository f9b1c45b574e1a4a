"""A saved private plan's builder in a real browser (Playwright driving Debian's Chromium
against `moneytrail serve`), helper h222: logged out in another tab, "Run this plan" in the
builder opened by "Edit the plan in the builder" ran the plan in public; it is held now."""

from __future__ import annotations

import re

import pytest
from test_web_saved_browser import cli, no_dialogs
from webserver import admin_in_environment, browser_marks, log_in, running_server

pytestmark = browser_marks()
EDITOR = ("ed2", "she keeps her drafts to herself")
SECRET = "Cabinet draft – not for release"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("h222-server")
    url = f"sqlite:///{folder / 'ledger.sqlite'}"
    with admin_in_environment(), running_server(url, folder / "server.log") as base:
        cli(url, "users", "add", EDITOR[0], "--editor", "--password-stdin",
            stdin=EDITOR[1] + "\n")
        yield base


def test_run_after_logging_out_in_another_tab_is_held(server, browser):
    context = browser.new_context()
    page = context.new_page()
    fired = no_dialogs(page)
    try:
        log_in(page, server, *EDITOR, next="/build")
        page.get_by_label("Title").fill(SECRET)
        page.get_by_label("Budget").fill("10 bn")
        page.locator("#spend-0-category").select_option("accelerators")
        page.locator("#spend-0-central").fill("100 %")
        page.get_by_label("Monte Carlo draws").fill("100")
        page.get_by_label("Who may see it").select_option("private")
        page.get_by_role("button", name="Save this plan").click()
        page.wait_for_load_state()
        assert re.search(r"/saved/\d+", page.url), page.url
        page.get_by_role("link", name="Edit the plan in the builder").click()
        page.wait_for_load_state()
        # another tab of the same browser logs out
        other = context.new_page()
        other.goto(server + "/account")
        other.get_by_role("button", name="Log out").first.click()
        other.wait_for_load_state()
        other.close()
        page.get_by_role("button", name="Run this plan", exact=True).click()
        page.wait_for_load_state()
        assert "/r/" not in page.url and "held=session" in page.url, page.url
        words = page.locator("main").inner_text()
        assert "Not run: this form was opened from a saved plan" in words
        # nobody can find a run of it
        anyone = browser.new_context().new_page()
        anyone.goto(server + "/claims")
        assert "Cabinet draft" not in anyone.content()
        anyone.context.close()
        assert fired == []
    finally:
        context.close()
