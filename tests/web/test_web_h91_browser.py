"""An accessibility tester's findings (h91) that need a real browser: colours on the API
reference page (/api/v1/docs, Swagger UI) and the focus style of the account forms."""

from __future__ import annotations

import pytest
from webserver import browser_marks

pytestmark = browser_marks()

ACCENT = "rgb(11, 83, 148)"       # site.css --accent
FOCUS = "rgb(255, 191, 71)"       # site.css --focus
OPERATIONS = ("#operations-claims-api_claims_api_v1_claims_get",                  # GET
              "#operations-runs-api_create_run_api_v1_runs_post",                  # POST
              "#operations-saved_plans-api_edit_api_v1_saved_plans__plan_id__patch")  # PATCH


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_api_docs_colours_pass_4_5_to_1_and_site_buttons_do_not_leak(server, page):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(server + "/api/v1/docs", wait_until="networkidle")
    page.wait_for_selector("#swagger-ui .opblock", timeout=30_000)
    for operation in OPERATIONS:          # open one of each method: "(query)", bodies
        page.locator(operation + " .opblock-summary-control").click()
    page.wait_for_selector("#swagger-ui .parameters-container")
    accordion = page.locator("#swagger-ui .models .json-schema-2020-12-accordion").first
    accordion.click()                     # a schema opened: its keywords and constraints
    page.wait_for_timeout(300)
    # our `button { background: var(--accent) }` no longer paints Swagger's buttons
    backgrounds = page.evaluate("""[...document.querySelectorAll('#swagger-ui button')]
        .map(b => getComputedStyle(b).backgroundColor)""")
    assert backgrounds and ACCENT not in backgrounds, backgrounds
    violations = Axe().run(page).response["violations"]
    contrast = [(n["target"], n["any"][0]["message"][:90] if n["any"] else "")
                for v in violations if v["id"] == "color-contrast" for n in v["nodes"]]
    assert contrast == [], contrast
    # our own header and footer keep the site's look on this page
    assert page.evaluate("getComputedStyle(document.querySelector('footer a')).color") == ACCENT


@pytest.mark.parametrize("kind", ["text", "password"])
def test_account_form_text_boxes_get_the_site_focus_style(server, page, kind):
    page.goto(server + "/login", wait_until="networkidle")
    box = page.locator(f".account-form input[type={kind}]").first
    box.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")            # reached by keyboard: :focus-visible
    style = box.evaluate("""e => { const s = getComputedStyle(e);
        return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow]; }""")
    assert style[:3] == ["solid", "3px", FOCUS], style
    assert style[3] != "none", style


def test_links_get_the_same_focus_style(server, page):
    page.goto(server + "/login", wait_until="networkidle")
    page.keyboard.press("Tab")            # the skip link
    page.keyboard.press("Tab")            # the brand link
    style = page.evaluate("""(() => { const s = getComputedStyle(document.activeElement);
        return [document.activeElement.tagName, s.outlineStyle, s.outlineColor]; })()""")
    assert style == ["A", "solid", FOCUS], style
