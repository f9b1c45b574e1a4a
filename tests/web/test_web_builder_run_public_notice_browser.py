"""A budget officer pressed the builder's Run button and made the plan public: the note "A run
made here is public" stood under the button, far down the page, read only after pressing it.
In a real browser (Playwright driving Debian's Chromium against `moneytrail serve`), the note
now stands right above the Run button, for a visitor and for a logged-in editor, whose note
points to the save form's private choice."""

from __future__ import annotations

import pytest
from webserver import ADMIN, admin_in_environment, browser_marks, log_in, running_server

pytestmark = browser_marks()
NEAR = 400                   # px: the note is read together with the button, not pages away


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`moneytrail serve` with a first admin (an account that can save plans)."""
    folder = tmp_path_factory.mktemp("run-public")
    with admin_in_environment(), running_server(folder / "ledger.sqlite",
                                                folder / "server.log") as base:
        yield base


def note_and_button(page) -> tuple[dict, dict]:
    note = page.locator("#run-public")
    button = page.locator(".form-actions").get_by_role("button", name="Run this plan")
    button.scroll_into_view_if_needed()
    assert note.is_visible() and button.is_visible()
    return note.bounding_box(), button.bounding_box()


def assert_read_before_the_button(note: dict, button: dict) -> None:
    assert note["y"] + note["height"] <= button["y"], (note, button)     # above it
    assert button["y"] - (note["y"] + note["height"]) < NEAR, (note, button)


@pytest.mark.parametrize("path", ["/build", "/build?reference=eu-ai-gigafactories"])
def test_the_public_note_stands_above_the_run_button(server, browser, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server + path)
    note, button = note_and_button(page)
    assert_read_before_the_button(note, button)
    # in the same screenful as the button once it is scrolled to
    assert button["y"] + button["height"] - note["y"] < 900
    assert "A run made here is public" in page.locator("#run-public").inner_text()
    run = page.locator(".form-actions").get_by_role("button", name="Run this plan")
    assert run.get_attribute("aria-describedby") == "run-public"
    context.close()


def test_an_editor_reads_the_note_and_its_private_choice_before_running(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, server, *ADMIN, next="/build")
    page.goto(server + "/build")
    note, button = note_and_button(page)
    assert_read_before_the_button(note, button)
    said = page.locator("#run-public")
    assert "save it below as a private plan" in said.inner_text()
    said.get_by_role("link", name="private plan").click()
    assert page.locator("#f-visibility").is_visible()
    assert page.locator("#f-visibility").input_value() == "private"
    context.close()
