"""A fresh tester's findings in a real browser: /api/v1/docs (and /docs, /redoc) was a 404;
at 375 px /ledger said "scroll it sideways" after its table had become cards."""

from __future__ import annotations

import pytest
from webserver import browser_marks

pytestmark = browser_marks()


def open_page(browser, server, path, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.problems = []           # console errors and uncaught exceptions (CSP violations too)
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    response = page.goto(server + path, wait_until="networkidle")
    return context, page, response


@pytest.mark.parametrize("width", [1280, 375])
def test_the_api_docs_page_lists_the_endpoints(server, browser, width):
    context, page, response = open_page(browser, server, "/api/v1/docs", width)
    try:
        assert response.status == 200
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe-eval" not in csp
        # Swagger UI, from the installed package, drew the operations
        page.wait_for_selector("#swagger-ui .opblock", timeout=30_000)
        paths = page.locator("#swagger-ui .opblock-summary-path").all_inner_texts()
        assert any(p.replace("\u200b", "").strip() == "/api/v1/runs" for p in paths), paths
        assert page.problems == [], page.problems
        scripts = page.evaluate("[...document.scripts].map(s => s.src)")
        assert all(s.startswith(server) for s in scripts), scripts       # no CDN
        assert page.evaluate("[...document.scripts].every(s => s.src)")  # no inline script
        if width == 375:
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()


def test_docs_and_redoc_lead_to_the_api_docs(server, browser):
    for path in ("/docs", "/redoc"):
        context, page, response = open_page(browser, server, path, 1280)
        try:
            assert response.status == 200 and page.url.endswith("/api/v1/docs"), path
        finally:
            context.close()


def test_the_footer_links_the_api_docs(server, browser):
    context, page, _ = open_page(browser, server, "/", 1280)
    try:
        page.locator("footer a", has_text="HTTP API reference").click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/api/v1/docs")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/ledger", "/ledger/deals/l_stargate_us_2025_01"])
def test_no_sideways_scroll_hint_once_tables_are_cards(server, browser, path):
    context, page, _ = open_page(browser, server, path, 375)
    try:
        assert page.locator("table.cards").count() >= 1
        hints = page.locator(".scroll-hint")
        assert hints.count() >= 1
        for k in range(hints.count()):
            assert not hints.nth(k).is_visible(), hints.nth(k).inner_text()
    finally:
        context.close()
