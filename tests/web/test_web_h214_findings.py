"""A parliamentary budget officer's findings on the plan builder, by keyboard (helper h214):
Enter in the Budget field ran a plan marked "private: only you" in public, title included;
Back after a save showed a stale error page and a second save made a silent duplicate; only
the first of several spending rows wrong for the same reason was marked; the title's limit
was not said; a condition's "30" for a share got a message that 30 is not between 0 % and
100 %; a site country without grid data (AT) was refused without saying what to do."""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import bearer, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields, page_text  # noqa: E402

BASE = "https://testserver"
SECRET = "Minister's draft – CONFIDENTIAL"


@pytest.fixture(scope="module")
def app(module_app):
    """One app for all the tests of this module (tests/web/conftest.py)."""
    return module_app


text = page_text


def filled(client, **changes) -> dict[str, str]:
    """The blank builder's form as `client` gets it, filled in: EUR 10 bn of accelerators,
    100 draws, kept private (the visibility a browser sends by default)."""
    fields = form_fields(client.get("/build").text)
    fields.update({"title": SECRET, "budget": "10 bn", "spend-0-category": "accelerators",
                   "spend-0-central": "1", "draws": "100"})
    if "visibility" in fields:
        fields["visibility"] = "private"
    fields.update(changes)
    return fields


def submit(client, fields: dict[str, str], action: str) -> str:
    response = client.post("/build", data={**fields, "action": action},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def stored_titles(app) -> str:
    """Every stored run's inputs (queued, running or done), as one text."""
    from sqlalchemy import text as sql

    with app.state.web.ledger.engine.connect() as conn:
        return " ".join(row[0] or "" for row in conn.execute(sql("select inputs from runs")))


# -- 1: Enter (or a script) never publishes a plan marked private -------------------------------
def test_enter_in_an_editors_form_checks_and_never_runs(app):
    eve = login(app, "eve", base=BASE)
    location = submit(eve, filled(eve), "enter")      # the hidden first button: Enter
    assert location.startswith("/build?") and "held=enter" in location, location
    page = eve.get(location)
    assert page.status_code == 200
    words = text(page.text)
    assert "Enter only checked the plan: nothing was run and nothing was saved" in words
    assert "CONFIDENTIAL" not in stored_titles(app)


def test_run_while_the_form_says_private_is_held_and_can_be_confirmed(app):
    eve = login(app, "eve", base=BASE)
    fields = filled(eve)
    location = submit(eve, fields, "run")       # the Run button, or a script's post
    assert "held=private" in location and not location.startswith("/r/"), location
    page = eve.get(location).text
    assert "Not run: the form says this plan is private (only you)" in text(page)
    assert 'value="run_public"' in page and "Run publicly anyway" in page
    assert "CONFIDENTIAL" not in stored_titles(app)
    # the user who saw the notice and still wants a public run gets one
    location = submit(eve, {**fields, "title": "Public on purpose"}, "run_public")
    assert re.fullmatch(r"/r/[0-9a-f]+", location), location
    # and choosing public runs at once
    location = submit(eve, {**fields, "title": "Public too", "visibility": "public"}, "run")
    assert re.fullmatch(r"/r/[0-9a-f]+", location), location


def test_run_of_a_private_saved_plans_revision_is_held(app):
    from moneytrail.web import builder

    plan = {**builder.reference_mapping("eu-ai-gigafactories"), "draws": 100}
    response = TestClient(app, base_url=BASE).post(
        "/api/v1/saved-plans", headers=bearer(app, "eve"),
        json={"title": SECRET, "description": "", "visibility": "private", "plan": plan})
    assert response.status_code == 201, response.text
    saved = response.json()
    eve = login(app, "eve", base=BASE)
    fields = form_fields(eve.get(f"/build?saved={saved['id']}&rev={saved['revision']}").text)
    assert fields.get("saved_id") == str(saved["id"]) and "visibility" not in fields
    fields.update({"title": SECRET, "budget": "10 bn", "spend-0-category": "accelerators",
                   "spend-0-central": "1", "draws": "100"})
    location = submit(eve, fields, "run")
    assert "held=private" in location and f"saved={saved['id']}" in location, location
    assert "held=enter" in submit(eve, fields, "enter")


def test_anonymous_enter_still_runs(app):
    client = TestClient(app, base_url=BASE)
    fields = filled(client, title="Open plan")
    assert "visibility" not in fields
    assert re.fullmatch(r"/r/[0-9a-f]+", submit(client, fields, "enter"))


# -- 2: Back after a save; the same plan saved twice ---------------------------------------------
def save(client, fields: dict[str, str]):
    response = client.post("/saved", data={**fields, "action": "save",
                                           "csrf_token": client.csrf},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_the_forms_pages_are_never_kept_for_back_and_name_the_plan_saved(app):
    eve = login(app, "eve", base=BASE)
    fields = filled(eve, title="Back and forth", **{
        "spend-0-central": "70 %", "spend-1-category": "facility", "spend-1-central": "40 %"})
    refused = save(eve, fields)
    page = eve.get(refused)
    assert page.status_code == 400 and "add up to 110 %" in text(page.text)
    assert page.headers["cache-control"] == "no-store"      # Back asks for it again
    assert 'id="already-saved"' not in page.text
    done = save(eve, {**fields, "spend-0-central": "60 %"})
    assert re.fullmatch(r"/saved/\d+\?done=saved", done), done
    plan_id = done.split("?")[0].rsplit("/", 1)[1]
    assert "Saved: Back and forth, revision 1" in text(eve.get(done).text)
    # Back: the refused page, asked again, now says the plan is saved, with a link
    again = eve.get(refused).text
    note = re.search(r'<p class="notice notice-info" id="already-saved".*?</p>', again, re.S)
    assert note and f'href="/saved/{plan_id}"' in note.group(0)
    assert "You have saved a plan with this title already" in text(note.group(0))
    # another user's builder says nothing of eve's plans
    mal = login(app, "mal", base=BASE)
    assert 'id="already-saved"' not in mal.get(refused).text


def test_saving_the_same_plan_twice_makes_no_duplicate(app):
    eve = login(app, "eve", base=BASE)
    fields = filled(eve, title="Saved twice")
    first = save(eve, fields)
    assert re.fullmatch(r"/saved/\d+\?done=saved", first), first
    second = save(eve, fields)
    assert second == first.replace("done=saved", "done=identical"), second
    words = text(eve.get(second).text)
    assert "Nothing new was saved: the plan you saved is identical" in words
    mine = [p for p in TestClient(app, base_url=BASE).get(
        "/api/v1/saved-plans", headers=bearer(app, "eve")).json()["plans"]
        if p["title"] == "Saved twice"]
    assert len(mine) == 1, mine
    # a changed plan of the same title is a new plan, as before
    third = save(eve, {**fields, "budget": "11 bn"})
    assert third.split("?")[0] != first.split("?")[0] and third.endswith("done=saved")


# -- 3: every spending row wrong for the same reason is marked at once ---------------------------
def summary_lines(page: str) -> list[tuple[str, str]]:
    """The error summary's (input id, line) pairs, top to bottom."""
    box = re.search(r'<div class="notice error-summary".*?</div>', page, re.S)
    return [(a, text(t)) for a, t in
            re.findall(r'<a href="#([^"]+)">(.*?)</a>', box.group(0) if box else "", re.S)]


def input_value(page: str, anchor: str) -> str:
    found = re.search(rf'<input [^>]*id="{anchor}"[^>]*value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else ""


@pytest.mark.parametrize("shares, words", [
    (("60", "20", "20"), "if you mean {} percent, write {} %"),
    (("0,6", "0,2", "0,2"), "use a point for decimals"),
])
def test_every_wrong_spending_row_is_marked_in_one_round_trip(app, shares, words):
    client = TestClient(app, base_url=BASE)
    rows = {}
    for i, (category, share) in enumerate(zip(("accelerators", "facility", "cloud_compute"),
                                              shares, strict=True)):
        rows.update({f"spend-{i}-category": category, f"spend-{i}-central": share})
    # two supplier rows wrong the same way are both marked too
    rows.update({"proc-0-category": "cloud_compute", "proc-0-supplier": "ovhcloud",
                 "proc-0-central": "70", "proc-1-category": "cloud_compute",
                 "proc-1-supplier": "scaleway", "proc-1-central": "30"})
    page = client.get(submit(client, filled(client, **rows), "check"))
    assert page.status_code == 400
    lines = dict(summary_lines(page.text))
    for i, share in enumerate(shares):
        line = lines.get(f"spend-{i}-central", "")
        assert words.format(share, share) in line and f"(you gave: {share})" in line, lines
        assert input_value(page.text, f"spend-{i}-central") == share       # as typed
        assert f'id="spend-{i}-central-error"' in page.text              # its own message
    for i, share in enumerate(("70", "30")):
        assert f"write {share} %" in lines.get(f"proc-{i}-central", ""), lines
    # no made-up sums of the rows' stand-ins
    assert not any("add up to" in line for line in lines.values()), lines


# -- 5: a condition's share says what to type --------------------------------------------------
CONDITION = {"cond-0-metric": "value_added_share", "cond-0-bound": "max",
             "cond-0-selector": "group", "cond-0-target": "us_big_tech"}


def test_a_conditions_bare_30_for_a_share_says_write_30_percent(app):
    client = TestClient(app, base_url=BASE)
    page = client.get(submit(client, filled(client, **CONDITION, **{"cond-0-value": "30"}),
                             "check"))
    assert page.status_code == 400
    line = dict(summary_lines(page.text))["cond-0-value"]
    assert line == ("Condition 1, Value: for the measure value added share, write a share "
                    "between 0 and 1, or a percent from 0 % to 100 %; if you mean 30 percent, "
                    "write 30 % (or the fraction 0.3) (you gave: 30)"), line
    assert "must be between 0 % and 100 %" not in page.text
    assert input_value(page.text, "cond-0-value") == "30"
    # what the message says to type is taken
    for value in ("30 %", "0.3"):
        page = client.get(submit(client, filled(client, **CONDITION,
                                                **{"cond-0-value": value}), "check"))
        assert "cond-0-value" not in dict(summary_lines(page.text)), value


# -- 4: the title's limit is said, and a longer title is refused, not cut -------------------------
def test_the_titles_limit_is_said_and_a_longer_title_is_refused_whole(app):
    client = TestClient(app, base_url=BASE)
    page = client.get("/build").text
    title_input = re.search(r'<input id="f-title"[^>]*>', page).group(0)
    assert "maxlength" not in title_input        # a browser would cut a pasted title silently
    assert 'aria-describedby="f-title-hint' in title_input
    assert re.search(r'<span class="hint" id="f-title-hint">up to 200 characters</span>', page)
    long_title = "Budget line 4711: " + "x" * 232                     # 250 characters
    page = client.get(submit(client, filled(client, title=long_title), "check"))
    assert page.status_code == 400
    line = dict(summary_lines(page.text))["f-title"]
    assert line.startswith("Title: at most 200 characters (this one has 250); shorten it"), line
    assert input_value(page.text, "f-title") == long_title               # kept whole


# -- 6: a site country without grid data says what the user can do -------------------------------
def test_a_site_without_grid_data_says_to_leave_it_blank_for_the_eu_average(app):
    client = TestClient(app, base_url=BASE)
    page = client.get(submit(client, filled(client, site_country="AT"), "check"))
    assert page.status_code == 400
    line = dict(summary_lines(page.text))["f-site_country"]
    assert line.startswith("Site country: no grid intensity data for this site (known: "), line
    assert ("leave Site country empty to use the EU average of the buyer region EU, or give "
            "one of the countries listed (you gave: AT)") in line, line
    assert "\n" not in line
    # what it says works: blank checks, with the EU rows the lifecycle then reads
    page = client.get(submit(client, filled(client, site_country=""), "check"))
    assert "f-site_country" not in dict(summary_lines(page.text))
