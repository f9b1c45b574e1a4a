"""Saved plans, password change and reset, and the ledger pages' edit links, done by a user in
a real browser (Playwright driving Debian's Chromium) against `moneytrail serve`, on SQLite and
on PostgreSQL (issue 12)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from accounts_fixtures import store_url
from webserver import SRC, admin_in_environment, browser_marks, log_in, running_server

pytestmark = browser_marks()
EDITORS = {"edna": "she corrects the ledger daily", "otto": "he edits plans at night"}
PAYLOAD = ('<script>alert("x")</script> <img src=x onerror="alert(1)"> '
           '<a href="javascript:alert(2)">link</a>')
DEAL = "l_stargate_us_2025_01"
CLAIM = "stargate_us_announced"


def cli(db: str, *args: str, stdin: str = "") -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.pop("MONEYTRAIL_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "moneytrail.cli", *args, "--db", db],
                          input=stdin, text=True, capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved-server")
    with admin_in_environment(), store_url(request.param, folder) as url, \
            running_server(url, folder / "server.log") as base:
        for name, password in EDITORS.items():
            cli(url, "users", "add", name, "--editor", "--password-stdin",
                stdin=password + "\n")
        yield base, url


def no_dialogs(page) -> list[str]:
    """Every alert() a page manages to run (an XSS payload that fired) ends up here."""
    fired: list[str] = []

    def record(dialog) -> None:
        fired.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return fired


def test_editor_saves_runs_shares_hides_and_deletes_a_plan(server, browser):
    base, _ = server
    edna = browser.new_context()
    page = edna.new_page()
    fired = no_dialogs(page)
    try:
        log_in(page, base, "edna", EDITORS["edna"], next="/build?reference=eu-ai-gigafactories")
        page.get_by_label("Title").fill("Edna's lean gigafactory")
        page.get_by_label("Description (optional)").fill(PAYLOAD)
        page.get_by_label("Monte Carlo draws").fill("100")
        page.get_by_label("Who may see it").select_option("public")
        page.get_by_role("button", name="Save this plan").click()
        page.wait_for_load_state()
        assert re.search(r"/saved/\d+\?done=saved$", page.url), page.url
        plan_url = page.url
        assert page.get_by_role("heading", level=1).inner_text() == "Edna's lean gigafactory"
        assert PAYLOAD in page.locator(".plan-description").inner_text()   # shown as text
        assert page.locator(".plan-description img, .plan-description script").count() == 0
        page.get_by_role("button", name="Run this plan", exact=True).click()
        page.wait_for_load_state()
        assert re.search(r"/r/[0-9a-f]{32}$", page.url)
        run_id = page.url.rsplit("/", 1)[1]
        page.goto(plan_url)
        assert run_id[:8] in page.get_by_role("table", name="Runs of this plan").inner_text()
        # a reader (no account) sees the public plan and its runs, without owner buttons
        anonymous = browser.new_context()
        other = anonymous.new_page()
        fired += no_dialogs(other)
        other.goto(plan_url)
        assert run_id[:8] in other.locator("main").inner_text()
        assert other.get_by_role("button", name="Delete this plan").count() == 0
        # make it private: readers and the other editor now get "not found"
        page.get_by_role("button", name="Make private").click()
        page.wait_for_load_state()
        assert "Private plan by edna" in page.locator("main").inner_text()
        assert other.goto(plan_url).status == 404
        otto = browser.new_context()
        otto_page = otto.new_page()
        log_in(otto_page, base, "otto", EDITORS["otto"])
        assert otto_page.goto(plan_url).status == 404
        otto_page.goto(base + "/saved")
        assert "Edna's lean gigafactory" not in otto_page.locator("main").inner_text()
        otto.close()
        anonymous.close()
        page.get_by_role("button", name="Delete this plan").click()
        page.wait_for_load_state()
        # a confirmation step (no JavaScript): nothing is deleted until it is answered
        assert "There is no undelete button" in page.locator("main").inner_text()
        page.get_by_role("button", name="Yes, delete Edna's lean gigafactory").click()
        page.wait_for_load_state()
        assert page.url == base + "/saved"
        yours = page.get_by_role("table", name="Your saved plans")
        assert yours.count() == 0 or "Edna's lean gigafactory" not in yours.inner_text()
        # listed with the owner's deleted plans until she purges it
        deleted = page.get_by_role("table", name="Your deleted plans")
        assert "Edna's lean gigafactory" in deleted.inner_text()
        assert page.goto(plan_url).status == 404
        page.goto(base + "/saved")
        page.get_by_role("button", name="Purge Edna's lean gigafactory").click()
        page.wait_for_load_state()
        assert "cannot be undone" in page.locator("main").inner_text()
        page.get_by_role("button", name="Yes, purge Edna's lean gigafactory").click()
        page.wait_for_load_state()
        assert page.url == base + "/saved"
        assert "Edna's lean gigafactory" not in page.locator("main").inner_text()
        assert fired == []
    finally:
        edna.close()


def test_deal_page_links_editors_to_edit_and_everyone_to_history(server, browser):
    base, _ = server
    reader = browser.new_context()
    page = reader.new_page()
    try:
        page.goto(f"{base}/ledger/deals/{DEAL}")
        assert page.get_by_role("link", name="History of this deal as diffs").count() == 1
        assert page.get_by_role("link", name="Edit this deal").count() == 0
        assert page.get_by_role("link", name=f"Edit claim {CLAIM}").count() == 0
        page.goto(f"{base}/sources/l_stargate_2025_01_center")
        assert page.get_by_role("link", name="Edit this source").count() == 0
    finally:
        reader.close()
    editor = browser.new_context()
    page = editor.new_page()
    try:
        log_in(page, base, "otto", EDITORS["otto"], next=f"/ledger/deals/{DEAL}")
        page.get_by_role("link", name=f"Edit claim {CLAIM}").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/ledger/edit/claim/{CLAIM}")
        page.goto(f"{base}/ledger/deals/{DEAL}")
        page.get_by_role("link", name="Edit this deal").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/ledger/edit/deal/{DEAL}")
        page.goto(f"{base}/sources/l_stargate_2025_01_center")
        page.get_by_role("link", name="Edit this source").click()
        page.wait_for_load_state()
        assert page.url.endswith("/ledger/edit/source/l_stargate_2025_01_center")
        page.goto(f"{base}/sources/l_stargate_2025_01_center")
        page.get_by_role("link", name="History of this source as diffs").click()
        page.wait_for_load_state()
        assert "History of source" in page.get_by_role("heading", level=1).inner_text()
    finally:
        editor.close()


def test_password_change_then_admin_reset_link(server, browser):
    base, url = server
    name, old = "otto", EDITORS["otto"]
    new, reset = "he changed it on purpose", "he got a reset link today"
    laptop = browser.new_context()
    laptop_page = laptop.new_page()
    log_in(laptop_page, base, name, old)
    desk = browser.new_context()
    page = desk.new_page()
    try:
        log_in(page, base, name, old)
        page.get_by_role("link", name="Change your password").click()
        page.get_by_label("Current password").fill(old)
        page.get_by_label("New password", exact=True).fill(new)
        page.get_by_label("New password again").fill(new)
        page.get_by_role("button", name="Change password").click()
        page.wait_for_load_state()
        assert page.url == base + "/account?password=changed"
        assert "every other session has ended" in page.get_by_role("status").inner_text()
        laptop_page.goto(base + "/account")             # the other session is over
        assert "/login" in laptop_page.url
        link = cli(url, "users", "reset-password", name, "--base-url", base).strip()
        assert link.startswith(base + "/reset-password?token=")
        page.goto(link)
        page.get_by_label("New password", exact=True).fill(reset)
        page.get_by_label("New password again").fill(reset)
        page.get_by_role("button", name="Set password").click()
        page.wait_for_load_state()
        assert "is set" in page.get_by_role("status").inner_text()
        page.goto(base + "/account")
        assert "/login" in page.url                     # the reset ended this session too
        page.goto(link)                                 # single use
        assert "unknown, used or expired" in page.get_by_role("alert").inner_text()
        log_in(page, base, name, new)
        assert page.get_by_role("alert").inner_text().strip().endswith("Wrong name or password")
        log_in(page, base, name, reset)
        assert page.url == base + "/account"
    finally:
        laptop.close()
        desk.close()


def test_new_pages_have_no_serious_axe_violations(server, browser):
    from axe_playwright_python.sync_playwright import Axe

    base, _ = server
    context = browser.new_context()
    page = context.new_page()
    violations = []
    try:
        log_in(page, base, "edna", EDITORS["edna"], next="/build?reference=eu-ai-gigafactories")
        page.get_by_role("button", name="Save this plan").click()
        page.wait_for_load_state()
        plan_url = page.url
        for url in (plan_url, plan_url + "/edit", base + "/saved", base + "/account/password",
                    base + "/reset-password?token=none"):
            page.goto(url, wait_until="networkidle")
            found = Axe().run(page).response["violations"]
            violations += [(url, v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                           for v in found if v["impact"] in ("serious", "critical")]
    finally:
        context.close()
    assert violations == []


def test_logged_in_pages_fit_375px_and_keep_their_layout_at_1280px(server, browser):
    """A fresh tester's finding: at 375 px /saved (476 px), /saved/N (451), /saved/N/edit and
    the ledger editor (519: a textarea of 60 columns) and a claim's history (540: the diff
    table) scrolled sideways. Wide tables now turn into cards (static/tables.js) and
    textareas stay inside their box; at 1280 px the same tables stay tables."""
    base, _ = server
    long_note = "a long correction that makes the diff table wide " * 3
    pages: list[str] = []
    for width in (1280, 375):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            log_in(page, base, "edna", EDITORS["edna"],
                   next="/build?reference=eu-ai-gigafactories")
            if not pages:
                page.get_by_label("Title").fill("Edna's long-titled plan " * 3)
                page.get_by_label("Description (optional)").fill("wide words " * 40)
                page.get_by_role("button", name="Save this plan").click()
                page.wait_for_load_state()
                plan_url = page.url
                page.goto(f"{base}/ledger/edit/claim/{CLAIM}")
                page.get_by_label("note").fill(long_note)
                page.get_by_label("Reason for this change").fill("a wide diff")
                page.get_by_role("button", name="Save").first.click()
                page.wait_for_load_state()
                pages = [base + "/saved", plan_url, plan_url + "/edit",
                         f"{base}/ledger/edit/deal/{DEAL}", f"{base}/ledger/edit/claim/{CLAIM}",
                         f"{base}/ledger/add/claim", f"{base}/ledger/history/claim/{CLAIM}"]
            for address in pages:
                assert page.goto(address, wait_until="networkidle").status == 200, address
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, f"{address} is {scroll} px wide at {width} px"
                if width == 1280:
                    assert page.locator("table.cards").count() == 0, address
            if width == 375:
                page.goto(base + "/saved", wait_until="networkidle")
                assert page.locator("table.cards").count() >= 1       # the list became cards
                page.goto(f"{base}/ledger/history/claim/{CLAIM}", wait_until="networkidle")
                assert long_note.split()[0] in page.locator("table.diff").first.inner_text()
        finally:
            context.close()
