"""Logging in and out in a real browser (Playwright driving Debian's Chromium) against a real
`moneytrail serve`, whose first admin comes from MONEYTRAIL_ADMIN_PASSWORD (issue 12).

Over plain HTTP on loopback the session cookie is `moneytrail` (browsers refuse a `__Host-`
cookie without Secure); the HTTPS name and flags are tested in test_web_accounts.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from webserver import ADMIN, SRC, admin_in_environment, browser_marks, log_in, running_server

pytestmark = browser_marks()
EDITOR = ("edna", "she corrects the ledger daily")
CLAIM = "stargate_us_announced"
STORE: dict = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("accounts-server")
    with admin_in_environment(), \
            running_server(folder / "ledger.sqlite", folder / "server.log") as base:
        STORE["db"] = folder / "ledger.sqlite"
        yield base


def me(page, server: str) -> dict:
    page.goto(server + "/api/v1/me")
    return json.loads(page.locator("body").inner_text())


def test_admin_logs_in_and_out_and_the_old_cookie_is_dead(server, browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        log_in(page, server, *ADMIN)
        assert page.url == server + "/account"
        assert "logged in as boss (admin)" in " ".join(page.locator("main").inner_text().split())
        cookie = next(c for c in context.cookies() if c["name"] == "moneytrail")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
        assert "moneytrail" not in page.evaluate("document.cookie")   # not readable by JS
        assert me(page, server)["account"] == "boss"
        page.goto(server + "/")
        page.get_by_role("button", name="Log out").click()
        page.wait_for_load_state()
        assert page.get_by_role("link", name="Log in").count() == 1
        assert me(page, server)["account"] is None
        replay = browser.new_context()
        replay.add_cookies([{"name": "moneytrail", "value": cookie["value"], "url": server}])
        assert me(replay.new_page(), server)["account"] is None
        replay.close()
    finally:
        context.close()


def test_wrong_password_shows_one_message_and_no_session(server, browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        log_in(page, server, "boss", "not the right password")
        assert page.get_by_role("alert").inner_text().strip().endswith("Wrong name or password")
        assert not [c for c in context.cookies() if c["name"] == "moneytrail"]
    finally:
        context.close()


def test_login_page_has_no_serious_axe_violations(server, browser):
    from axe_playwright_python.sync_playwright import Axe

    for width in (1280, 375):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            page.goto(server + "/login", wait_until="networkidle")
            violations = Axe().run(page).response["violations"]
            log_in(page, server, *ADMIN)
            violations += Axe().run(page).response["violations"]     # the account page
        finally:
            context.close()
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in violations if v["impact"] in ("serious", "critical")]
        assert bad == [], f"at {width} px: {bad}"


def test_done_when_admin_creates_editor_who_corrects_a_claim_reader_sees_diff_admin_reverts(
        server, browser):
    """Issue 12's "done when", in Chromium against `moneytrail serve`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    created = subprocess.run(
        [sys.executable, "-m", "moneytrail.cli", "users", "add", EDITOR[0], "--editor",
         "--password-stdin", "--db", str(STORE["db"])], input=EDITOR[1] + "\n", text=True,
        capture_output=True, env=env, timeout=120)
    assert created.returncode == 0, created.stderr
    editor = browser.new_context()
    page = editor.new_page()
    try:
        log_in(page, server, *EDITOR, next=f"/ledger/edit/claim/{CLAIM}")
        page.get_by_label("note").fill("corrected in the browser")
        page.get_by_label("Source id").fill("l_stargate_2025_01_center")
        page.get_by_label("Reason for this change").fill("re-read the press release")
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state()
        assert page.url.endswith("/ledger/deals/l_stargate_us_2025_01?done=saved")
        assert page.get_by_role("status").inner_text().startswith("Saved")
    finally:
        editor.close()
    reader = browser.new_context()
    page = reader.new_page()
    try:
        page.goto(f"{server}/ledger/history/claim/{CLAIM}")
        newest = page.locator("section.revision").first
        assert "edit by edna" in newest.inner_text()
        assert "re-read the press release" in newest.inner_text()
        note_row = newest.locator("tr", has=page.locator("th", has_text="note"))
        assert note_row.locator("ins").inner_text() == "corrected in the browser"
        assert page.get_by_role("button", name="Revert").count() == 0
    finally:
        reader.close()
    admin = browser.new_context()
    page = admin.new_page()
    try:
        log_in(page, server, *ADMIN, next=f"/ledger/history/claim/{CLAIM}")
        newest = page.locator("section.revision").first
        newest.get_by_label("Reason to revert").fill("the old note was right")
        newest.get_by_role("button", name="Revert").click()
        page.wait_for_load_state()
        newest = page.locator("section.revision").first
        assert "revert by boss" in newest.inner_text()
        page.goto(f"{server}/api/v1/ledger/deals/l_stargate_us_2025_01")
        claims = json.loads(page.locator("body").inner_text())["claims"]
        note = next(c for c in claims if c.get("ref") == CLAIM).get("note")
        assert note != "corrected in the browser"
    finally:
        admin.close()


def test_edit_and_history_pages_have_no_serious_axe_violations(server, browser):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context()
    page = context.new_page()
    try:
        log_in(page, server, *ADMIN, next=f"/ledger/edit/claim/{CLAIM}")
        violations = Axe().run(page).response["violations"]
        page.goto(f"{server}/ledger/history/claim/{CLAIM}", wait_until="networkidle")
        violations += Axe().run(page).response["violations"]
    finally:
        context.close()
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in violations if v["impact"] in ("serious", "critical")]
    assert bad == [], bad


def test_password_change_shows_every_problem_at_once(server, browser):
    """h98: a wrong current password, a too common new one and a repeat that differs are all
    shown after one submission, each at its field, the summary linking to them (lengths of 12
    or more, so the form's own minlength lets the submission through)."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context()
    page = context.new_page()
    try:
        log_in(page, server, *ADMIN, next="/account/password")
        page.get_by_label("Current password").fill("not the current password")
        page.get_by_label("New password", exact=True).fill("password1234")
        page.get_by_label("New password again").fill("password12345")
        page.get_by_role("button", name="Change password").click()
        page.wait_for_load_state()
        alert = page.get_by_role("alert")
        assert "There are 3 problems with this password change" in alert.inner_text()
        assert [alert.get_by_role("link").nth(i).get_attribute("href") for i in range(3)] == \
            ["#current_password", "#new_password", "#repeat_password"]
        expected = {"current_password": "The current password is wrong",
                    "new_password": "This password is too common",
                    "repeat_password": "The two new passwords differ"}
        for name, words in expected.items():
            field = page.locator(f"#{name}")
            assert field.get_attribute("aria-invalid") == "true"
            assert f"{name}-error" in field.get_attribute("aria-describedby").split(), name
            message = " ".join(page.locator(f"#{name}-error").text_content().split())
            assert message.startswith(f"Error: {words}"), message
        assert page.evaluate("document.activeElement.id") == "current_password"
        violations = Axe().run(page).response["violations"]
        bad = [(v["id"], v["impact"]) for v in violations
               if v["impact"] in ("serious", "critical")]
        assert bad == [], bad
        assert me(page, server)["account"] == "boss"      # no change (it would end this session)
    finally:
        context.close()
