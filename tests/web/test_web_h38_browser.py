"""A tester's finding in a real browser: at 1280 px /ledger showed its 84 deals as cards (a
26,000 px page) and the compare scorecard became cards too. Cards are for phones: a desktop
gets real tables with scannable columns, and 375 px stays readable without sideways page
scrolling."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from webserver import browser_marks, visit

pytestmark = browser_marks()


def post_run(base: str, body: dict) -> str:
    request = urllib.request.Request(base + "/api/v1/runs", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"},
                                     method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        run_id = json.load(response)["run_id"]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/v1/runs/{run_id}", timeout=30) as response:
            status = json.load(response)["status"]
        if status in ("done", "error"):
            assert status == "done"
            return run_id
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} not done")


@pytest.fixture(scope="module")
def compare_path(server):
    """The three reference plans (EUR and USD) side by side, as the home page links them."""
    ids = [post_run(server, {"reference": plan, "draws": 100, "seed": 1})
           for plan in ("stargate-style-us", "eu-ai-gigafactories", "efficiency-first-eu")]
    return "/compare?runs=" + ",".join(ids)


def sizes(page) -> dict:
    return page.evaluate("""() => ({
        width: document.documentElement.scrollWidth,
        height: document.documentElement.scrollHeight,
        cards: document.querySelectorAll('table.cards').length,
        tables: document.querySelectorAll('.table-scroll > table').length})""")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_ledger_is_a_table_on_a_desktop_and_cards_on_a_phone(server, browser, width):
    context, page = visit(browser, server, "/ledger", width, settle_ms=150)
    try:
        found = sizes(page)
        assert found["width"] <= width, found            # no sideways page scroll
        deals = page.locator("table.deals")
        rows = deals.locator("tbody tr").count()
        assert rows > 50
        if width == 1280:
            assert found["cards"] == 0, found
            # a table: one row a line or three, columns side by side (not a 26,000 px page)
            assert found["height"] < 150 * rows, found
            head = deals.locator("thead th")
            tops = {round(head.nth(k).bounding_box()["y"]) for k in range(head.count())}
            assert len(tops) == 1 and head.count() == 9         # the headers on one line
            box = page.locator(".table-scroll").first
            assert box.evaluate("b => b.scrollWidth <= b.clientWidth + 1")  # fits its box
        else:
            assert page.locator("table.deals.cards").count() == 1
            label = page.evaluate("""getComputedStyle(document.querySelector(
                "table.deals.cards td[data-label='Announced']"), '::before').content""")
            assert "Announced" in label
        assert page.problems == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_compare_scorecard_is_a_table_on_a_desktop(server, browser, compare_path, width):
    context, page = visit(browser, server, compare_path, width, settle_ms=150)
    try:
        found = sizes(page)
        assert found["width"] <= width, found
        card = page.locator("#scorecard-caption").locator("xpath=..")
        if width == 1280:
            assert found["cards"] == 0, found
            assert "cards" not in (card.get_attribute("class") or "")
            head = card.locator("thead th")
            # measure + three runs side by side, each with its evidence weight
            assert head.count() == 7
            xs = [head.nth(k).bounding_box()["x"] for k in range(7)]
            assert xs == sorted(xs) and len(set(xs)) == 7
        else:
            assert "cards" in (card.get_attribute("class") or "")
        assert page.problems == []
    finally:
        context.close()
