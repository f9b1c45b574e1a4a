"""Pages say what happened in their title and a status line (WCAG 3.3.1, 4.1.3, 2.4.2):
a form sent back with errors says so first in its <title> ("Error: " or "Fix N problems: ");
a successful save lands on a page with a status line "Saved: <title>" (a fixed message and
the stored title, escaped; nothing from the address shows); the ledger's title and table
caption name the filter on and the number of rows."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields  # noqa: E402


def title(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))


def status(html: str) -> list[str]:
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", body)).split()) for body in
            re.findall(r'<div class="notice notice-ok" role="status" id="done-status">(.*?)'
                       r"</div>", html, re.S)]


def test_a_failed_log_in_says_error_in_the_title(app):
    client = TestClient(app, base_url=HTTPS)
    page = client.get("/login").text
    assert title(page) == "Log in · moneytrail"
    token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
    refused = client.post("/login", data={"name": "eve", "password": "wrong",
                                          "csrf_token": token})
    assert refused.status_code == 401
    assert title(refused.text) == "Error: Log in · moneytrail"


def test_a_refused_deal_counts_its_problems_in_the_title(app):
    eve = login(app, "eve")
    assert title(eve.get("/ledger/add/deal").text) == "Add a deal · moneytrail"
    refused = eve.post("/ledger/add/deal", data={
        "csrf_token": eve.csrf, "id": "new_deal_titles", "name": "A deal", "kind": "zz",
        "region": "Germany", "announced": "soon", "reason": ""})
    assert refused.status_code == 400
    count = len(re.findall(r'aria-invalid="true"', refused.text))
    assert count > 1
    assert re.fullmatch(r"Fix \d+ problems: Add a deal · moneytrail", title(refused.text))


def test_a_builder_form_with_an_error_says_error_in_the_title(app):
    client = TestClient(app, base_url=HTTPS)
    fields = form_fields(client.get("/build?reference=eu-ai-gigafactories").text)
    fields.update(action="check", budget="lots")
    checked = client.post("/build", data=fields, follow_redirects=False)
    page = client.get(checked.headers["location"]).text
    assert 'class="notice error-summary"' in page
    assert title(page) == "Error: Build a plan · moneytrail"


def test_saving_a_plan_shows_a_status_with_its_stored_title(app):
    eve = login(app, "eve")
    fields = form_fields(eve.get("/build?reference=eu-ai-gigafactories").text)
    fields.update(action="save", visibility="private", title="Mine <b>& yours</b>",
                  csrf_token=eve.csrf)
    saved = eve.post("/saved", data=fields, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/saved/")
    page = eve.get(saved.headers["location"]).text
    assert status(page) == ["Saved: Mine <b>& yours</b>, revision 1"]
    assert "Mine &lt;b&gt;&amp; yours&lt;/b&gt;" in page
    plain = saved.headers["location"].split("?")[0]
    assert status(eve.get(plain).text) == []                      # only after the save
    for junk in ("x", "Hacked <b>", "saved<script>"):             # no text from the address
        assert status(eve.get(f"{plain}?done={junk}").text) == []
        assert "Hacked" not in eve.get(f"{plain}?done={junk}").text


def test_adding_a_deal_shows_a_status_naming_it(app):
    eve = login(app, "eve")
    added = eve.post("/ledger/add/deal", follow_redirects=True, data={
        "csrf_token": eve.csrf, "id": "status_deal", "name": "Status & deal", "kind": "pledge",
        "region": "EU", "sector": "public", "purpose": "compute", "announced": "2025-01-01",
        "sources": "l_stargate_openai_2025_01", "reason": "a test deal"})
    assert added.status_code == 200, re.search(r"error-summary.*?</div>", added.text, re.S)[0]
    assert status(added.text) == ["Saved: deal \u201cStatus & deal\u201d"]


def test_the_ledger_title_and_caption_name_the_filter_and_the_rows(app):
    client = TestClient(app, base_url=HTTPS)
    page = client.get("/ledger?region=EU").text
    rows = len(re.findall(r"<tr>", page.split('id="deals-caption"')[1].split("</table>")[0]))
    shown = rows - 1                                                 # the header's row
    caption = unescape(re.search(r'<caption id="deals-caption">(.*?)</caption>', page).group(1))
    assert shown > 0
    region = "European Union (member state not specified)"    # as the filter's menu says
    assert caption == f"{shown} deals in {region}, largest announcement first"
    assert title(page) == f"{shown} deals in {region}: announced, committed, spent · moneytrail"
    whole = client.get("/ledger").text
    caption = re.search(r'<caption id="deals-caption">(.*?)</caption>', whole).group(1)
    assert re.fullmatch(r"\d+ deals, largest announcement first", caption)
