"""After a refused save the focus lands on the first field in error, as in the plan builder
(h68, WCAG 3.3.1), in a real browser (Playwright driving Debian's Chromium against
`moneytrail serve`): the ledger editor's form and the password form."""

from __future__ import annotations

import pytest
from webserver import ADMIN, admin_in_environment, browser_marks, running_server

pytestmark = browser_marks()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("form-errors-server")
    with admin_in_environment(), \
            running_server(folder / "ledger.sqlite", folder / "server.log") as base:
        yield base


@pytest.fixture
def page(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/login?next=/account")
    page.get_by_label("Account name").fill(ADMIN[0])
    page.get_by_label("Password").fill(ADMIN[1])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/account")
    yield page
    context.close()


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {id: e.id, invalid: e.getAttribute('aria-invalid'),
                described: e.getAttribute('aria-describedby') || ''}; }""")


def test_a_refused_deal_puts_the_focus_on_its_first_wrong_field(server, page):
    page.goto(f"{server}/ledger/add/deal")
    for label, value in (("Deal id", "h68_browser_deal"), ("Name", "A deal"),
                         ("Kind", "zz"), ("Region", "Germany"), ("Sector", "public"),
                         ("Purpose", "compute"), ("Announced on", "2025-01-21"),
                         ("Sources", "no_such_source"), ("Reason", "trying")):
        page.get_by_label(label, exact=False).first.fill(value)
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert focused(page) == {"id": "f-kind", "invalid": "true",
                             "described": "f-kind-error f-kind-hint"}
    summary = page.get_by_role("alert")
    assert "There are 3 problems with this deal" in summary.inner_text()
    summary.get_by_role("link", name="Sources: unknown source id").click()
    assert focused(page)["id"] == "f-sources"


def test_a_refused_password_change_puts_the_focus_on_the_wrong_field(server, page):
    page.goto(f"{server}/account/password")
    page.get_by_label("Current password").fill(ADMIN[1])
    page.get_by_label("New password", exact=True).fill("a brand new passphrase here")
    page.get_by_label("New password again").fill("a brand new passphrase HERE")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    assert focused(page) == {"id": "repeat_password", "invalid": "true",
                             "described": "repeat_password-error repeat_password-hint"}
    assert page.locator("#repeat_password-error").inner_text().endswith(
        "The two new passwords differ: type the same one twice")
