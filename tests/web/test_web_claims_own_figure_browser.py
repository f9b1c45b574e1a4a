"""A reader checks a figure of their own in a real browser (Playwright driving Debian's
Chromium against `moneytrail serve`): on /claims they pick the reference run, a quantity, a
firm, "at least" and a number, type the claim's words, submit, and read the verdict, which is
the API's for the same fields; the page marks it as typed by a reader."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from webserver import api, browser_marks, run_of, running_server

pytestmark = browser_marks()
PLAN = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own-figure-server")
    with running_server(folder / "ledger.sqlite", folder / "server.log") as base:
        yield base


def test_a_reader_checks_a_figure_of_their_own(browser, server):
    rid = run_of(server, {"reference": PLAN})        # the reference run the form lists first
    api(server, "/api/v1/claims", timeout=600)      # the debate's claims, checked once
    words = "The EU gigafactories will send more than 60 % of their money to Nvidia"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{server}/claims")
    page.get_by_role("link", name="Check a figure of your own").click()
    form = page.locator("form.own-check-form")
    form.get_by_label("Plan or run").select_option(rid)
    form.get_by_label("What to check").select_option("first_invoice_share")
    form.get_by_label("Firms", exact=True).select_option(["nvidia"])
    form.get_by_label("at least").check()
    form.get_by_label("Number").fill("60")
    form.get_by_label("The claim in your words").fill(words)
    form.get_by_role("button", name="Check this figure").click()
    page.wait_for_url("**/claims/check?**")
    result = page.locator("#own-result")
    # the headline is what was checked; the reader's words come below it, quoted
    assert result.get_by_role("heading", level=2).inner_text() == \
        "Share of the money paid directly (first invoices) to Nvidia is at least 60 %"
    assert words in result.locator(".reader-words").inner_text()
    assert "Typed by a reader" in result.inner_text()
    expected = api(server, "/api/v1/claims/check?" + urlencode(
        {"run": rid, "quantity": "first_invoice_share", "firms": "nvidia",
         "side": "at_least", "number": "60", "words": words}))
    verdict = expected["claim"]["verdict"]
    assert verdict in ("supported", "contradicted", "uncertain")
    shown = result.locator(".own-verdict .verdict").first.inner_text()
    assert shown.lower().startswith(verdict)
    assert "at least 60 %" in result.locator("table").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") == 1280
    assert problems == []
    context.close()
