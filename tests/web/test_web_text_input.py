"""A fresh tester's findings on free text (content spoofing) and the saved-plans API.

Control characters (C0, DEL, C1) and bidirectional formatting characters (U+202A-U+202E,
U+2066-U+2069, U+200E, U+200F, U+061C) are refused in every free-text field a user writes:
plans through the API, the builder and YAML files on the command line, saved plans, ledger
writes and data package CSVs, with one line naming the field and the code point (never a 5xx,
exit 2 on the command line). Titles in Arabic, Hebrew, Greek and CJK are accepted and shown,
isolated in `<bdi>` on the pages. `/api/v1/saved-plans` bodies are capped (413) and unknown
keys are refused naming the key.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, form_token, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields  # noqa: E402

from moneytrail.text import forbidden_character, text_problem  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = "eu-ai-gigafactories"
PLAN_DRAWS = 50
APP_OPTIONS = {"run_limit": (1000, 100)}
CHARS = ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068",
         "\u2069", "\u200e", "\u200f", "\u061c", "\x00", "\x07", "\x1b", "\x7f", "\x85",
         "\x9b", "\u2028", "\u2029", "\u200b", "\u2060", "\ufeff"]
SOME = ["\u202e", "\u2067", "\u200f", "\x00", "\x1b", "\x9b"]      # the slower paths
TITLES = ["خطة الاستثمار في الذكاء الاصطناعي", "תוכנית השקעה בבינה מלאכותית",
          "Σχέδιο επενδύσεων ΤΝ", "人工智能投资计划"]


def code(char: str) -> str:
    return f"U+{ord(char):04X}"


def message(char: str) -> str:
    return f"contains the control character {code(char)}; remove it"


# -- the rule ------------------------------------------------------------------------------
@pytest.mark.parametrize("char", CHARS)
def test_every_control_and_bidi_character_is_named(char):
    assert forbidden_character(f"EUR 20 bn{char} plan") == char
    assert text_problem(f"a{char}b") == message(char)
    assert text_problem(f"a{char}b", multiline=True) == message(char)


def test_line_breaks_only_in_multi_line_text_and_every_script_passes():
    assert text_problem("one\r\ntwo\tthree", multiline=True) is None
    for char in "\t\n\r":
        assert text_problem(f"a{char}b") == message(char)
    for title in TITLES + ["Zürich – 20 € bn", "emoji 👩‍💻 (ZWJ kept)",
                           "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 (Persian, ZWNJ kept)"]:
        assert text_problem(title) is None
    assert text_problem(None) is None and text_problem(3) is None


# -- plans: API, builder, command line --------------------------------------------------------
@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.mark.parametrize("char", CHARS)
@pytest.mark.parametrize("field", ["title", "id", "description", "budget.note"])
def test_api_run_refuses_the_character(app, plan, char, field):
    body = json.loads(json.dumps(plan))
    if field == "budget.note":
        body["budget"]["note"] = f"figure{char}note"
    else:
        body[field] = f"lean{char}plan"
    response = TestClient(app, base_url=HTTPS).post("/api/v1/runs", json=body)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["field"] == field and problem.get("value") is None
    assert problem["detail"].endswith(message(char)), problem["detail"]
    assert char not in problem["detail"]


def test_api_run_keeps_line_breaks_in_the_description(app, plan):
    body = {**plan, "id": "multi-line", "description": "first line\r\nsecond\tline"}
    response = TestClient(app, base_url=HTTPS).post("/api/v1/runs", json=body)
    assert response.status_code in (200, 202), response.text


@pytest.mark.parametrize("char", SOME)
def test_builder_refuses_the_character_next_to_the_title(app, char):
    client = login(app, "eve")
    fields = form_fields(client.get(f"/build?reference={REFERENCE}").text)
    fields.update({"draws": "100", "action": "run", "title": f"Spends EUR 20 bn{char}!"})
    response = client.post("/build", data=fields, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/build?plan="), "a run was started"
    page = client.get(response.headers["location"])
    assert page.status_code == 400
    assert message(char) in page.text
    assert '<span class="error-message" id="f-title-error">' in page.text


@pytest.mark.parametrize("char", SOME)
def test_cli_refuses_a_yaml_plan_with_the_character(tmp_path, capsys, char):
    from moneytrail.cli import main

    data = yaml.safe_load((ROOT / "scenarios" / f"{REFERENCE}.yaml").read_text())
    data["title"] = f"Spends EUR 20 bn{char}"
    path = tmp_path / f"{REFERENCE}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=False))   # escaped: YAML reads it
    with pytest.raises(SystemExit) as info:
        main(["analyse", str(path), "--draws", "50"])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert err == f"error: {path}, field 'title': {message(char)}\n"


# -- saved plans ------------------------------------------------------------------------------
@pytest.mark.parametrize("char", SOME)
@pytest.mark.parametrize("field", ["title", "description"])
def test_saved_plan_api_refuses_the_character(app, plan, char, field):
    client = TestClient(app, base_url=HTTPS)
    body = {"title": "Lean", "description": "ok", "plan": plan, field: f"x{char}y"}
    created = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"), json=body)
    assert created.status_code == 400, created.text      # as every bad saved plan
    assert created.json()["field"] == field
    assert created.json()["detail"] == message(char)
    good = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                       json={"title": "Lean", "plan": plan})
    assert good.status_code == 201
    saved = good.json()
    edit = client.patch(f"/api/v1/saved-plans/{saved['id']}", headers=bearer(app, "eve"),
                        json={"expected_revision": saved["revision"], field: f"x{char}y"})
    assert edit.status_code == 400 and edit.json()["detail"] == message(char)
    assert client.get(f"/api/v1/saved-plans/{saved['id']}",
                      headers=bearer(app, "eve")).json()["revision"] == saved["revision"]


def test_saved_plan_form_refuses_the_character(app, plan):
    client = TestClient(app, base_url=HTTPS)
    saved = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                        json={"title": "Form", "plan": plan}).json()
    editor = login(app, "eve")
    page = editor.get(f"/saved/{saved['id']}/edit")
    fields = form_fields(page.text)
    fields["title"] = "Form\u202eplan"
    response = editor.post(f"/saved/{saved['id']}/edit", data=fields)
    assert response.status_code in (400, 422)
    assert message("\u202e") in response.text


@pytest.mark.parametrize("title", TITLES)
def test_non_latin_titles_are_accepted_and_shown_isolated(app, plan, title):
    client = TestClient(app, base_url=HTTPS)
    created = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                          json={"title": title, "description": title, "plan": plan,
                                "visibility": "public"})
    assert created.status_code == 201, created.text
    page = login(app, "eve").get(f"/saved/{created.json()['id']}")
    assert f"<h1><bdi>{title}</bdi></h1>" in page.text
    run = client.post("/api/v1/runs", json={**plan, "id": "non-latin", "title": title})
    assert run.status_code == 202, run.text
    assert title in client.get(run.json()["url"]).text


# -- saved plans: strict bodies ---------------------------------------------------------------
@pytest.mark.parametrize("key", ["visibilty", "owner", "titel"])
def test_saved_plan_bodies_refuse_unknown_keys(app, plan, key):
    client = TestClient(app, base_url=HTTPS)
    created = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                          json={"title": "Typo", "plan": plan, key: "public"})
    assert created.status_code == 400, created.text   # as POST /api/v1/runs (h242)
    assert created.json()["field"] == key
    saved = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                        json={"title": "Typo", "plan": plan}).json()
    edit = client.patch(f"/api/v1/saved-plans/{saved['id']}", headers=bearer(app, "eve"),
                        json={"expected_revision": saved["revision"], key: "typo"})
    assert edit.status_code == 400, edit.text
    assert edit.json()["field"] == key
    after = client.get(f"/api/v1/saved-plans/{saved['id']}", headers=bearer(app, "eve")).json()
    assert after["title"] == "Typo" and after["revision"] == saved["revision"]


@pytest.mark.parametrize("method", ["post", "patch"])
def test_saved_plan_bodies_are_capped(app, plan, method):
    from moneytrail.web.query import MAX_JSON_BODY

    client = TestClient(app, base_url=HTTPS)
    body = json.dumps({"title": "Big", "description": "x" * (MAX_JSON_BODY + 10),
                       "plan": plan, "expected_revision": 1})
    path = "/api/v1/saved-plans" + ("/1" if method == "patch" else "")
    response = client.request(method.upper(), path, content=body, headers={
        **bearer(app, "eve"), "Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == "body"


# -- ledger -----------------------------------------------------------------------------------
@pytest.mark.parametrize("char", CHARS)
def test_ledger_patch_refuses_the_character(app, char):
    ledger = app.state.web.ledger
    claim = ledger.records("claim")[0]
    client = TestClient(app, base_url=HTTPS)
    response = client.patch(f"/api/v1/ledger/claim/{claim['ref']}", headers=bearer(app, "eve"),
                            json={"changes": {"note": f"EUR 20 bn{char}"}, "reason": "test",
                                  "expected_revision": int(claim["revision"])})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "changes.note"     # its full path in the body
    assert response.json()["detail"] == message(char)
    assert ledger.get("claim", claim["ref"])["note"] == claim["note"]


def test_ledger_reason_is_checked_too(app):
    ledger = app.state.web.ledger
    claim = ledger.records("claim")[1]
    response = TestClient(app, base_url=HTTPS).patch(
        f"/api/v1/ledger/claim/{claim['ref']}", headers=bearer(app, "eve"),
        json={"changes": {"note": "fine"}, "reason": "why\u202e",
              "expected_revision": int(claim["revision"])})
    assert response.status_code == 400, response.text
    assert (response.json()["field"], response.json()["detail"]) == ("reason", message("\u202e"))
    assert ledger.get("claim", claim["ref"])["revision"] == claim["revision"]


def test_ledger_note_keeps_line_breaks_but_not_in_a_name(app):
    ledger = app.state.web.ledger
    deal = ledger.records("deal")[0]
    client = TestClient(app, base_url=HTTPS)
    ok = client.patch(f"/api/v1/ledger/deal/{deal['id']}", headers=bearer(app, "eve"),
                      json={"changes": {"note": "first\nsecond"}, "reason": "test",
                            "expected_revision": int(deal["revision"])})
    assert ok.status_code == 200, ok.text
    bad = client.patch(f"/api/v1/ledger/deal/{deal['id']}", headers=bearer(app, "eve"),
                       json={"changes": {"name": "first\nsecond"}, "reason": "test",
                             "expected_revision": int(deal["revision"]) + 1})
    assert bad.status_code == 400 and bad.json()["detail"] == message("\n")


def test_data_package_csv_with_the_character_is_refused(tmp_path):
    from moneytrail.data.package import open_package
    from moneytrail.errors import DataPackageError

    package = open_package()
    copy = tmp_path / "package"
    shutil.copytree(package.root, copy)
    path = copy / package.path_of("ledger-deals").relative_to(package.root)
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[1][rows[0].index("name")] += "\u202e"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(DataPackageError) as info:
        open_package(copy).table("ledger-deals")
    assert str(info.value) == f"{path}:2, field 'name': {message(chr(0x202E))}"


def test_ledger_revert_to_text_stored_before_the_rule_is_refused(app):
    """A revision stored before the rule existed may hold a bidi override; reverting to it
    through the API or the history page's form is refused like any write (4xx, the field and
    the code point named, no revision written)."""
    from sqlalchemy import update

    from moneytrail.ledger.models import Revision

    ledger = app.state.web.ledger
    deal = ledger.records("deal")[-1]
    (number,) = ledger.edit("deal", deal["id"], {"note": "checked"}, author="eve").revisions
    old = {**ledger.revision(number)["before"], "note": "EUR 20 bn\u202e plan"}
    with ledger.engine.begin() as conn:
        conn.execute(update(Revision).where(Revision.id == number).values(before=old))
    revisions = len(ledger.history())
    admin = login(app, "root")
    response = admin.post(f"/api/v1/ledger/revisions/{number}/revert",
                          headers={"X-CSRF-Token": admin.csrf}, json={"reason": "undo"})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["field"] == "note"
    assert "U+202E" in response.json()["detail"] and "\u202e" not in response.text
    page = admin.get(f"/ledger/history/deal/{deal['id']}").text
    form = admin.post(f"/ledger/revert/{number}", follow_redirects=False, data={
        "csrf_token": form_token(page, f"/ledger/revert/{number}"), "reason": "undo"})
    assert 400 <= form.status_code < 500 and "U+202E" in form.text, form.status_code
    assert ledger.get("deal", deal["id"])["note"] == "checked"
    assert len(ledger.history()) == revisions


def test_ledger_pages_isolate_stored_text_in_table_cells(app):
    """Stored ledger text in right-to-left scripts is isolated in `<bdi>` wherever a ledger
    page shows it: the deal list's name cells, the deal page's heading, claim notes, sources
    and history, the history page's diff cells, and the source page's 'used by' cells."""
    from markupsafe import escape

    ledger = app.state.web.ledger
    deal = ledger.records("deal")[0]
    name, note = TITLES[0], TITLES[1]
    claim = next(c for c in ledger.records("claim") if c["deal"] == deal["id"])
    ledger.edit("deal", deal["id"], {"name": name, "purpose": TITLES[2]}, author="eve",
                reason=TITLES[3])
    ledger.edit("claim", claim["ref"], {"note": note}, author="eve")
    client = TestClient(app, base_url=HTTPS)
    listing = client.get("/ledger").text
    assert f'{deal["id"]}"><bdi>{name}</bdi></a>' in listing
    page = client.get(f"/ledger/deals/{deal['id']}").text
    assert f"<h1><bdi>{name}</bdi></h1>" in page
    assert f"<dd><bdi>{TITLES[2]}</bdi></dd>" in page
    assert f'<td class="note-cell"><bdi>{note}</bdi></td>' in page
    assert f"<td><bdi>{TITLES[3]}</bdi></td>" in page              # the revision's reason
    assert f"name <bdi>{escape(deal['name'])}</bdi> \u2192 <bdi>{name}</bdi>" in page
    history = client.get(f"/ledger/history/claim/{claim['ref']}").text
    assert f"<ins><bdi>{note}</bdi></ins>" in history
    source = client.get(f"/sources/{claim['source']}").text
    assert f"<bdi>{name}</bdi></a>" in source or f"<bdi>{claim['ref']}</bdi>" in source
    for text in (name, note, TITLES[2]):          # never shown bare in a cell of these pages
        for html in (listing, page, history):
            assert f"<td>{text}" not in html and f'"note-cell">{text}' not in html
