"""Reverting a ledger edit from the record's history page in a real browser (Playwright
driving Debian's Chromium against `moneytrail serve`, as the other *_browser.py tests): an
admin edits a deal's name through the edit form, opens the deal's history, presses the
revert button of that edit (with its reason) and the history page then names the deal as it
was, with the revert as a new revision on top of the edit and the add (nothing lost). An
editor who added a source undoes that add the same way: the source is gone, its history
keeps both revisions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from webserver import ADMIN, SRC, admin_in_environment, browser_marks, log_in, running_server

pytestmark = browser_marks()
DEAL = "l_stargate_us_2025_01"
NEW_NAME = "Stargate renamed in the browser"
EDITOR = ("edna", "she corrects the ledger daily")
SOURCE = "test_source_to_undo"
STORE: dict = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("revert-server")
    with admin_in_environment(), \
            running_server(folder / "ledger.sqlite", folder / "server.log") as base:
        STORE["db"] = folder / "ledger.sqlite"
        yield base


def deal_name(page, server: str) -> str:
    """The deal's name as the API gives it now."""
    page.goto(f"{server}/api/v1/ledger/deals/{DEAL}")
    return str(json.loads(page.locator("body").inner_text())["deal"]["name"])


def revisions(page) -> list[str]:
    """The history page's revision headings, newest first."""
    return [" ".join(t.split()) for t in page.locator("section.revision h2").all_inner_texts()]


def test_an_admin_reverts_an_edit_from_the_history_page(server, browser):
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda dialog: dialog.accept())        # confirm, should it ask
    try:
        old_name = deal_name(page, server)
        assert old_name != NEW_NAME
        log_in(page, server, *ADMIN, next=f"/ledger/edit/deal/{DEAL}")
        page.get_by_label("Name (required)", exact=True).fill(NEW_NAME)
        page.get_by_label("Reason for this change").fill("a name to undo")
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state()
        assert "done=saved" in page.url, page.url
        assert deal_name(page, server) == NEW_NAME

        page.goto(f"{server}/ledger/history/deal/{DEAL}")
        before = revisions(page)
        assert NEW_NAME in page.locator("h1").inner_text()
        edit = page.locator("section.revision").first
        assert "edit by boss" in edit.inner_text()
        number = edit.locator("h2").get_attribute("id").removeprefix("rev-")
        edit.get_by_label(f"Reason to revert revision {number}").fill("the old name was right")
        edit.get_by_role("button", name=f"Revert revision {number}").click()
        page.wait_for_load_state()

        assert page.url.startswith(f"{server}/ledger/history/deal/{DEAL}?reverted="), page.url
        heading = page.locator("h1").inner_text()
        assert old_name in heading and NEW_NAME not in heading
        status = page.get_by_role("status").inner_text()
        assert f"changed back this deal (revert of revision {number}: the old name was right)" \
            in status
        after = revisions(page)
        assert len(after) == len(before) + 1                       # a new revision, none lost
        assert after[1:] == before
        assert after[0].startswith("Revision ") and "revert by boss" in after[0]
        newest = page.locator("section.revision").first
        name_row = newest.locator("tr", has=page.locator("th", has_text="name"))
        assert name_row.locator("del").inner_text() == NEW_NAME
        assert name_row.locator("ins").inner_text() == old_name
        assert deal_name(page, server) == old_name
        assert problems == []
    finally:
        context.close()


def add_editor() -> None:
    """EDITOR as an editor of the server's store (`moneytrail users add`)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    created = subprocess.run(
        [sys.executable, "-m", "moneytrail.cli", "users", "add", EDITOR[0], "--editor",
         "--password-stdin", "--db", str(STORE["db"])], input=EDITOR[1] + "\n", text=True,
        capture_output=True, env=env, timeout=120)
    assert created.returncode == 0, created.stderr


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_an_editor_undoes_the_add_of_a_source_from_its_history_page(server, browser):
    add_editor()
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda dialog: dialog.accept())        # confirm, should it ask
    try:
        log_in(page, server, *EDITOR, next="/ledger/add/source")
        typed = {"id": SOURCE, "publisher": "Test publisher",
                 "title": "A source added by mistake", "url": "https://example.org/a",
                 "published": "2025-01-02", "accessed": "2025-01-03",
                 "reliability": "analyst", "reason": "a source to undo"}
        for field, value in typed.items():
            page.locator(f"#f-{field}").fill(value)
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state()
        assert f"/ledger/history/source/{SOURCE}" in page.url, page.url
        assert status_of(f"{server}/api/v1/sources/{SOURCE}") == 200
        added = page.locator("section.revision")
        assert added.count() == 1 and "add by edna" in added.first.inner_text()
        number = added.first.locator("h2").get_attribute("id").removeprefix("rev-")
        added.first.get_by_label(f"Reason to revert revision {number}").fill("added by mistake")
        added.first.get_by_role(
            "button", name=f"Revert revision {number} (remove this source)").click()
        page.wait_for_load_state()

        assert "removed this source" in page.get_by_role("status").inner_text()
        after = revisions(page)
        assert len(after) == 2                                   # the revert and the add
        assert "revert by edna" in after[0] and f"Revision {number}: add by edna" in after[1]
        assert page.get_by_role("button", name="Revert").count() == 0   # nothing left to undo
        assert status_of(f"{server}/api/v1/sources/{SOURCE}") == 404
        assert problems == []
    finally:
        context.close()
