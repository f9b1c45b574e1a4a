"""What a reader does with runs in a real browser (Playwright driving Debian's Chromium against
`moneytrail serve` on a free loopback port with a temporary SQLite store): build a plan from a
reference, see an error next to its field, fix it, run, watch progress, land on the run page,
open the share link in a fresh browser, download a table and compare it with the API."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from webserver import api, browser_marks, run_of, serious_violations

pytestmark = browser_marks()
sync_api = pytest.importorskip("playwright.sync_api")
PLAN = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def runs(server):
    first = run_of(server, {"reference": PLAN, "draws": 500, "seed": 2})
    second = run_of(server, {"reference": "stargate-style-us", "draws": 500, "seed": 2})
    return first, second


def run_pages(runs) -> list[tuple[str, str]]:
    first, second = runs
    return [("run", f"/r/{first}"), ("embed-run", f"/embed/r/{first}/location"),
            ("compare", f"/compare?runs={first},{second}"), ("build", f"/build?reference={PLAN}"),
            ("build-blank", "/build"),
            ("claim-check", f"/claims/public-money-to-nvidia-and-hyperscalers/check?run={first}"),
            ("embed-compare", f"/embed/compare?runs={first},{second}")]


def test_build_fix_run_share_download(server, browser, page, tmp_path):
    page.goto(f"{server}/build?reference={PLAN}")
    assert page.locator("h1").inner_text() == "Build a plan"
    page.locator("#spend-0-central").fill("0.35")          # shares now add up to 0.96
    page.locator("#f-draws").fill("20000")
    page.get_by_role("button", name="Run this plan").click()
    page.wait_for_url("**/build?plan=*check=1")
    error = page.locator("#spend-0-central-error")
    # the builder says it in words (h59): "the categories' shares add up to 96 %, not 100 %"
    assert error.is_visible() and "add up to 96 %, not 100 %" in error.inner_text()
    assert page.evaluate("document.activeElement.id") == "spend-0-central"
    described = page.locator("#spend-0-central").get_attribute("aria-describedby")
    assert "spend-0-central-error" in described
    assert page.get_by_role("alert").filter(has_text="add up to").count() == 1
    draft = page.url                                       # a shareable draft, before it runs

    page.locator("#spend-0-central").fill("0.39")
    page.get_by_role("button", name="Run this plan").click()
    page.wait_for_url("**/r/*")
    run_url = page.url
    rid = run_url.rsplit("/", 1)[-1]
    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:                  # the page reloads itself when the run is done
            state = page.evaluate("[(document.getElementById('run-bar') || {}).value, "
                                  "document.querySelector('h1').textContent]")
        except sync_api.Error:
            time.sleep(0.1)
            continue
        if state[0] is not None:
            seen.append(state[0])
        if state[1].startswith("Where the money of"):
            break
        time.sleep(0.1)
    assert seen, "the progress bar was never shown"
    page.locator("#first-chart .sankey-node").first.wait_for(timeout=20_000)
    assert page.locator("#first-chart .sankey-node").count() > 5
    headline = page.locator(".headline").inner_text()
    factor = page.locator("table.breakdown").first.inner_text()
    assert "spends EUR 20.00 bn" in headline and "20,000 Monte Carlo draws" in headline

    page.get_by_label("ownership (profits to the owners' country)").check()
    assert page.locator("#ownership-chart").is_visible()
    assert not page.locator("#location-chart").is_visible()

    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        other = fresh.new_page()
        other.goto(run_url, wait_until="networkidle")
        assert other.locator(".headline").inner_text() == headline
        assert other.locator("table.breakdown").first.inner_text() == factor
        other.goto(draft)
        assert other.locator("#spend-0-central").input_value() == "0.35"
    finally:
        fresh.close()

    with page.expect_download() as info:
        page.locator("#country-h + div + .downloads a", has_text="CSV").click()
    target = tmp_path / "country.csv"
    info.value.save_as(target)
    with Path(target).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    table = api(server, f"/api/v1/runs/{rid}")["result"]["tables"]["country"]
    names = [c["name"] for c in table["columns"]]
    assert len(rows) == len(table["rows"]) > 0
    for row, values in zip(rows, table["rows"], strict=True):
        want = dict(zip(names, values, strict=True))
        assert row["country"] == want["country"]
        # the CSV writes ten significant digits (service.result.CSV_DIGITS), the JSON all
        assert float(row["amount_p50"]) == pytest.approx(want["amount_p50"], rel=1e-9)
        assert float(row["share_p95"]) == pytest.approx(want["share_p95"], rel=1e-9)
    assert [p for p in page.problems if "status of 400" not in p] == []


def test_run_page_reload_while_running_recovers(server, page):
    body = {"reference": "stargate-style-us", "draws": 20000, "seed": 99}
    rid = api(server, "/api/v1/runs", body)["run_id"]
    page.goto(f"{server}/r/{rid}")
    page.reload()
    assert page.locator("#run-bar").count() == 1 or page.locator(".headline").count() == 1
    deadline = time.monotonic() + 180
    while not page.locator("h1").inner_text().startswith("Where"):
        assert time.monotonic() < deadline, "the page did not show the result"
        time.sleep(0.2)
    page.locator("#first-chart .sankey-node").first.wait_for(timeout=20_000)
    assert page.problems == []


def test_reference_headlines_on_home_and_plan(server, page):
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        page.goto(server + "/")
        if page.locator("a", has_text="Where the money goes").count() == 3:
            break
        time.sleep(1)
    link = page.locator("a", has_text="Where the money goes").first
    link.click()
    page.wait_for_url("**/r/*")
    assert page.locator("h1").inner_text().startswith("Where the money of")
    page.goto(f"{server}/plans/{PLAN}")
    assert page.get_by_role("link", name="See the whole trace").count() == 1


def test_compare_draws_the_chart(server, page, runs):
    page.goto(f"{server}/compare?runs={runs[0]},{runs[1]}", wait_until="networkidle")
    page.locator("#compare-chart svg.main-svg").first.wait_for(timeout=15_000)
    assert page.locator("#compare-chart .legendtext").count() == 2
    assert page.problems == []


def test_keyboard_reaches_run_and_builder_controls(server, page, runs):
    page.goto(f"{server}/r/{runs[0]}", wait_until="networkidle")
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim() || "
                                     "document.activeElement.value || ''"))
    assert "Edit this plan" in reached
    assert "location" in reached                          # the chart toggle (a radio)
    page.goto(f"{server}/build?reference={PLAN}")
    page.locator("#f-draws").focus()
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Run this plan":
            break
    assert page.evaluate("document.activeElement.textContent") == "Run this plan"


def test_new_pages_load_cleanly_and_fit_375px(server, browser, runs):
    for name, path in run_pages(runs):
        for width in (1280, 375):
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda e, problems=problems: problems.append(str(e)))
            try:
                response = page.goto(server + path, wait_until="networkidle")
                assert response.status == 200, name
                assert page.locator("h1").count() == 1
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, f"{path} is {scroll} px wide at {width} px"
                assert problems == [], (name, problems)
            finally:
                context.close()


def test_axe_on_the_new_pages(server, browser, runs):
    pages = run_pages(runs) + [("build-error", "/build?plan=" + error_draft(server))]
    for name, path in pages:
        for width in (1280, 375):
            bad = serious_violations(browser, server + path, width)
            assert bad == [], f"{name} at {width} px: {bad}"


def error_draft(server: str) -> str:
    """A draft whose spend shares do not add up (the builder shows the error)."""
    from moneytrail.web.runs import encode_draft

    plan = {"id": "broken", "title": "Broken", "year": 2025, "currency": "EUR",
            "buyer_region": "EU", "budget": {"amount": 1e9},
            "spend": {"accelerators": {"central": 0.5}}, "draws": 100, "seed": 1}
    return encode_draft(plan) + "&check=1"


OVERFLOWING = """() => Array.from(document.querySelectorAll('*')).filter(e => {
    const style = getComputedStyle(e);
    return e.scrollWidth > e.clientWidth + 1 && ['auto', 'scroll'].includes(style.overflowX);
  }).map(e => `${e.tagName}.${e.className} ${e.scrollWidth} > ${e.clientWidth}`)"""

OVERLAPPING_LABELS = """(chart) => {
    const boxes = Array.from(document.querySelectorAll(`#${chart} .node-label`))
      .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
    const hits = [];
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 &&
          b.top < a.bottom - 1) { hits.push([a.left, a.top, b.left, b.top]); }
    }));
    return [boxes.length, hits];
  }"""


def test_run_and_claims_pages_are_readable_at_375px_without_sideways_scroll(server, browser,
                                                                             runs):
    """Leftover of issue 11: at 375 px the Sankeys kept a 704 px minimum width and the claim
    tables scrolled sideways (P(holds) off-screen). Now no box scrolls sideways, the Sankeys
    fit with labels that do not overlap, and too-wide tables are cards showing every column;
    at 1280 px the tables stay tables."""
    first, _ = runs
    context = browser.new_context(viewport={"width": 375, "height": 900})
    page = context.new_page()
    try:
        for path in (f"/r/{first}", "/claims"):
            page.goto(server + path, wait_until="networkidle")
            assert page.evaluate(OVERFLOWING) == [], path
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
            # a card table's caption spans the box (it used to shrink to one word per line)
            narrow = page.evaluate("""Array.from(document.querySelectorAll(
                    'table.cards caption:not(.visually-hidden)'))
                .filter(c => c.getBoundingClientRect().width
                             < 0.8 * c.closest('.table-scroll').clientWidth)
                .map(c => c.textContent.trim().slice(0, 40))""")
            assert narrow == [], (path, narrow)
        page.goto(f"{server}/r/{first}", wait_until="networkidle")
        for chart in ("first-chart", "location-chart", "ownership-chart"):
            if chart == "ownership-chart":            # behind the location/ownership toggle
                page.get_by_label("ownership (profits to the owners' country)").check()
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                page.wait_for_timeout(500)
                assert page.evaluate(OVERFLOWING) == []
            page.locator(f"#{chart} .sankey-node").first.wait_for(timeout=20_000)
            width = page.evaluate(f"document.getElementById('{chart}').scrollWidth")
            assert width <= 375, (chart, width)
            count, hits = page.evaluate(OVERLAPPING_LABELS, chart)
            assert count >= 5 and hits == [], (chart, count, hits[:3])
        page.goto(f"{server}/claims", wait_until="networkidle")
        cells = page.locator("table.cards td[data-label='P(holds)']")
        assert cells.count() >= 10
        for i in range(cells.count()):
            box = cells.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert page.evaluate("getComputedStyle(document.querySelector("
                             "\"table.cards td[data-label='P(holds)']\"), '::before').content"
                             ) == '"P(holds)"'
    finally:
        context.close()
    wide = browser.new_context(viewport={"width": 1280, "height": 900})
    page = wide.new_page()
    try:
        page.goto(f"{server}/claims", wait_until="networkidle")
        assert page.locator("table.cards").count() == 0
        assert page.locator("th:has-text('P(holds)')").first.is_visible()
    finally:
        wide.close()
