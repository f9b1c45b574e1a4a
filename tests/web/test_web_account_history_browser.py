"""The account history pages in a real browser (Playwright driving Debian's Chromium against
`moneytrail serve`), helper h225: an editor reads the changes to her account on `/account`
and pages back to the older ones; the admin reads hers; a `$USER` holding markup runs no
script; the page fits 375 px and has no serious axe violations."""

from __future__ import annotations

import os

import pytest
from test_web_saved_browser import cli, no_dialogs
from webserver import ADMIN, admin_in_environment, browser_marks, log_in, running_server

pytestmark = browser_marks()
EDITOR = ("hilda", "she reads her own account history")
MARKUP_USER = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("h225-server")
    url = f"sqlite:///{folder / 'ledger.sqlite'}"
    with admin_in_environment(), running_server(url, folder / "server.log") as base:
        saved = os.environ.get("USER")
        os.environ["USER"] = MARKUP_USER        # the CLI names its changes after $USER
        try:
            cli(url, "users", "add", EDITOR[0], "--editor", "--password-stdin",
                stdin=EDITOR[1] + "\n")
            keys(url, 22)                       # 25 events in all: pages of 20 and 5
            cli(url, "users", "role", EDITOR[0], "admin")
            cli(url, "users", "role", EDITOR[0], "editor")
        finally:
            if saved is None:
                os.environ.pop("USER", None)
            else:
                os.environ["USER"] = saved
        yield base


def keys(url: str, count: int) -> None:
    """`count` read keys for EDITOR made by the admin (in this process: quicker than as many
    `users key` commands)."""
    import moneytrail.ledger
    from moneytrail.accounts import Accounts

    with moneytrail.ledger.open(url) as ledger:
        accounts = Accounts(ledger.engine)
        for _ in range(count):
            accounts.new_key(EDITOR[0], "read", by=ADMIN[0])


def test_an_editor_pages_through_her_history_and_the_admin_reads_it(server, browser):
    from axe_playwright_python.sync_playwright import Axe

    for width in (1280, 375):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        fired = no_dialogs(page)
        try:
            log_in(page, server, *EDITOR)
            table = page.get_by_role("table", name="Changes to your account")
            assert table.locator("tbody tr").count() == 20
            first = table.locator("tbody tr").first.inner_text()
            assert "Role changed" in first and "From admin to editor" in first
            assert f"{MARKUP_USER}, on the command line" in first        # shown as text
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"/account is {scroll} px wide at {width} px"
            if width == 1280:
                violations = [(v["id"], v["impact"]) for v in
                              Axe().run(page).response["violations"]
                              if v["impact"] in ("serious", "critical")]
                assert violations == []
            page.get_by_role("link", name="Older changes").click()
            page.wait_for_load_state()
            assert "before=" in page.url
            rows = page.get_by_role("table", name="Changes to your account (older changes)")
            assert rows.locator("tbody tr").count() == 5
            assert "Account created" in rows.locator("tbody tr").last.inner_text()
            page.get_by_role("link", name="Newest changes").click()
            page.wait_for_load_state()
            assert "before=" not in page.url
            # another account's history: not for an editor
            assert page.goto(f"{server}/accounts/{ADMIN[0]}/history").status == 404
            assert fired == []
        finally:
            context.close()
    admin = browser.new_context()
    page = admin.new_page()
    fired = no_dialogs(page)
    try:
        log_in(page, server, *ADMIN, next=f"/accounts/{EDITOR[0]}/history")
        assert page.get_by_role("heading", level=1).inner_text() == \
            f"History of the account {EDITOR[0]}"
        assert page.get_by_role("link", name="Older changes").count() == 1
        assert fired == []
    finally:
        admin.close()
