"""What a reader does in a real browser: Playwright driving Debian's Chromium against a real
`moneytrail serve` on a free loopback port with a temporary SQLite store.

Skipped (with the reason) only when Chromium is missing (webserver.CHROMIUM); `make test`
installs it.
"""

from __future__ import annotations

import csv
import json
import urllib.request
from pathlib import Path

import pytest
from webserver import PAGES, api, browser_marks, serious_violations

from moneytrail.web.charts import NOT_AI_ALONE_LEGEND, WHOLE_CAPEX_LEGEND

pytestmark = browser_marks()


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_loads_without_errors(server, page, name, path):
    response = page.goto(server + path, wait_until="networkidle")
    expected = 400 if name == "error" else 200
    assert response.status == expected
    assert page.locator("h1").count() == 1 and page.locator("h1").inner_text().strip()
    assert page.locator("main#main").count() == 1
    problems = [p for p in page.problems if "status of 400" not in p]
    assert problems == [], problems


def test_home_draws_the_reality_chart(server, page):
    page.goto(server + "/", wait_until="networkidle")
    chart = page.locator("#reality-chart")
    chart.locator("svg.main-svg").first.wait_for(timeout=15_000)
    bars = page.evaluate("""Array.from(document.querySelectorAll('#reality-chart g.point path'))
        .filter(p => p.getBBox().width > 0).length""")
    rows = json.loads(urllib.request.urlopen(server + "/api/v1/charts/reality").read())["reality"]
    # a stage's own figure, else its parts' (a pale bar, "in its parts")
    drawn = sum(1 for row in rows for stage in ("announced", "committed", "disbursed")
                if row[f"{stage}_central"] is not None
                or row.get(f"{stage}_in_parts") is not None)
    assert bars == drawn > 0
    legend = chart.locator(".legendtext").all_text_contents()
    expected = {"Announced", "Committed", "Spent"}
    expected |= {f"{name} in its parts" for stage, name in (("committed", "Committed"),
                                                             ("disbursed", "Spent"))
                 if any(r[f"{stage}_central"] is None and r[f"{stage}_in_parts"] is not None
                        for r in rows)}
    if any(r["not_ai_alone"] for r in rows):
        expected.add(WHOLE_CAPEX_LEGEND if all(r["whole_capex"] for r in rows
                                               if r["not_ai_alone"]) else NOT_AI_ALONE_LEGEND)
    assert set(legend) == expected
    assert page.problems == []


def test_follow_a_deal_link(server, page):
    page.goto(server + "/ledger")
    first = page.locator("table.deals tbody th a").first
    name = first.inner_text().strip()
    first.click()
    page.wait_for_url("**/ledger/deals/**")
    deal_id = page.url.rsplit("/", 1)[-1]
    assert page.locator("h1").inner_text().strip() == name
    assert api(server, f"/api/v1/ledger/deals/{deal_id}")["deal"]["name"] == name
    page.get_by_role("link", name="Ledger", exact=True).first.click()
    page.wait_for_url(server + "/ledger")


def test_filter_form_matches_the_api(server, page):
    page.goto(server + "/ledger")
    page.get_by_label("Region").select_option("EU")
    page.get_by_label("Sector").select_option("public")
    page.get_by_role("button", name="Show deals").click()
    page.wait_for_url("**/ledger?*region=EU*")
    shown = page.locator("table.deals tbody th a").all_inner_texts()
    expected = [d["name"] for d in api(server, "/api/v1/ledger?region=EU&sector=public")["deals"]]
    assert [s.strip() for s in shown] == expected and expected


def test_bad_filter_shows_the_field(server, page):
    response = page.goto(server + "/ledger?region=Atlantis")
    assert response.status == 400
    alert = page.get_by_role("alert")
    assert "region" in alert.inner_text() and "Atlantis" in alert.inner_text()


def test_csv_download_matches_the_api(server, page, tmp_path):
    page.goto(server + "/ledger?region=EU")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").first.click()
    target = tmp_path / "deals.csv"
    info.value.save_as(target)
    with Path(target).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    deals = api(server, "/api/v1/ledger?region=EU")["deals"]
    assert [r["id"] for r in rows] == [d["id"] for d in deals] and deals
    for row, deal in zip(rows, deals, strict=True):
        assert row["name"] == deal["name"]
        for column in ("announced_central", "committed_central", "disbursed_central"):
            if deal[column] is None:
                assert row[column] == ""
            else:
                assert float(row[column]) == pytest.approx(deal[column])


def test_keyboard_reaches_the_main_links(server, page):
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"                        # focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(server + "/")
    reached = []
    for _ in range(120):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.getAttribute('href') || "
                                     "document.activeElement.tagName"))
    for href in ("/", "/ledger", "/ledger/totals", "/claims"):
        assert href in reached
    assert "SUMMARY" in reached                        # the chart's data table opens by key
    assert any(h.startswith("/claims#") for h in reached)
    assert any(h.startswith("/plans/") for h in reached)
    page.locator("details.data-table summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith(
        "/ledger/deals/")
    page.goto(server + "/ledger")
    page.get_by_label("Region").focus()
    passed = []
    for _ in range(6):        # sector, year, kind, currency, prices of year, then the button
        page.keyboard.press("Tab")
        passed.append(page.evaluate("document.activeElement.name || "
                                    "document.activeElement.tagName"))
    assert passed[:5] == ["sector", "year", "kind", "currency", "price_year"], passed
    assert page.evaluate("document.activeElement.textContent") == "Show deals"


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_no_horizontal_scroll_at_375px(server, browser, name, path):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        page.goto(server + path, wait_until="networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width} px wide at a 375 px viewport"
    finally:
        context.close()


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_axe_has_no_serious_violations(server, browser, name, path):
    for width in (1280, 375):
        bad = serious_violations(browser, server + path, width)
        assert bad == [], f"{path} at {width} px: {bad}"
