"""A saved plan's fields in words: the conflict page of a stale save from the builder lists
every field in which the saved plan and the user's draft differ (budget, shares, suppliers,
settings), in words and escaped; the saved plan's page shows the settings that drive its
results, as the builder names them."""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import login  # noqa: E402
from test_web_saved_plans import assert_inert, builder_form  # noqa: E402


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def rows(page: str, caption: str) -> dict[str, tuple[str, ...]]:
    """The rows of the table captioned `caption`...: header cell -> the other cells' text."""
    table = re.search(rf"<caption>{re.escape(caption)}.*?</table>", page, re.S).group(0)
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        out[cells[0]] = tuple(cells[1:])
    return out


def test_a_stale_save_lists_every_field_that_differs_in_words(app, plan):
    eve = login(app, "eve")
    form = builder_form(plan, title="Budget officer", action="save", visibility="private")
    response = eve.post("/saved", data={**form, "csrf_token": eve.csrf},
                        follow_redirects=False)
    pid = int(response.headers["location"].removesuffix("?done=saved").rsplit("/", 1)[1])
    # revision 2: the budget changed in the builder
    second = {**form, "saved_id": str(pid), "saved_revision": "1", "budget": "2.4 Mrd €"}
    response = eve.post("/saved", data={**second, "csrf_token": eve.csrf},
                        follow_redirects=False)
    assert response.status_code == 303
    # from the older builder link (revision 1): accelerators 25 %, facility takes the rest
    stale = {**form, "saved_id": str(pid), "saved_revision": "1", "seed": "7",
             "horizon_years": "8", "site_country": "FR",
             "description": "<b>mine</b> <script>alert(1)</script>"}
    stale.update({"spend-0-low": "0.2", "spend-0-central": "0.25", "spend-0-high": "0.3",
                  "spend-4-central": "0.5175", "spend-4-high": "0.6"})
    response = eve.post("/saved", data={**stale, "csrf_token": eve.csrf},
                        follow_redirects=False)
    assert response.status_code == 409
    found = rows(response.text, "Saved now and yours")
    assert found["Budget"] == ("EUR 2.40 bn", "EUR 20.00 bn")
    assert found["Share of AI accelerators"] == ("39.0 % (30.0 % to 46.0 %)",
                                                 "25.0 % (20.0 % to 30.0 %)")
    assert found["Horizon: years of operation"] == ("5 years (the default)", "8 years")
    assert found["Random seed"] == ("1", "7")
    assert found["Site country"][1] == "France (FR)"
    assert "Title" not in found                       # the same in both: not listed
    table = re.search(r"<caption>Saved now.*?</table>", response.text, re.S).group(0)
    assert not re.search(r"horizon_years|site_country|budget\.amount|[{}]|\bspend\.", table)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert_inert(response.text)
    # nothing lost: the draft link carries the user's own shares
    retry = html.unescape(re.search(r'href="(/build\?plan=[^"]*)"', response.text).group(1))
    page = eve.get(retry)
    assert 'value="0.25"' in page.text and f'name="saved_id" value="{pid}"' in page.text


def test_the_saved_plan_page_shows_the_settings_that_drive_the_results(app, plan):
    eve = login(app, "eve")
    form = builder_form(plan, title="Settings shown", action="save", visibility="private",
                        horizon_years="7", site_country="DE", seed="42")
    response = eve.post("/saved", data={**form, "csrf_token": eve.csrf},
                        follow_redirects=False)
    page = eve.get(response.headers["location"]).text
    found = rows(page, "Settings that drive the results")
    assert found["Horizon: years of operation"] == ("7 years",)
    assert found["Years of spending"] == ("the horizon (the default)",)
    assert found["Site country"] == ("Germany (DE)",)
    assert found["Price year"] == ("2025",)
    assert found["Renewable share of the electricity"] == ("the site's grid mix (the default)",)
    assert found["Monte Carlo draws"] == ("100",)
    assert found["Random seed"] == ("42",)
