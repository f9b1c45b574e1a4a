"""An added record can be undone in the browser: its history page offers signed-in editors a
revert of the add while it is the record's latest revision; the revert removes the record as a
new revision (every revision kept), with the CSRF and permission checks of other writes."""

from __future__ import annotations

import itertools
import uuid

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import form_token, login  # noqa: E402

# an added test claim citing the bundled OpenAI announcement, on its date
CLAIM = {"deal": "l_stargate_us_2025_01", "stage": "committed", "low": "1", "central": "1",
         "high": "1", "currency": "USD", "price_year": "2025", "as_of": "2025-01-21",
         "source": "l_stargate_openai_2025_01"}
AMOUNTS = itertools.count(1)


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def added_claim(app) -> tuple[str, int]:
    tag = uuid.uuid4().hex[:8]
    amount = str(next(AMOUNTS))                # each test claim distinct from the others
    ref = f"test_{tag}"
    done = app.state.web.ledger.add("claim", {**CLAIM, "ref": ref, "low": amount,
                                              "central": amount, "high": amount}, author="eve",
                                    reason="a test claim")
    return ref, done.revisions[0]


def test_an_editor_reverts_the_add_of_a_claim_from_its_history_page(app):
    ref, number = added_claim(app)
    ledger = app.state.web.ledger
    editor = login(app, "eve")
    page = editor.get(f"/ledger/history/claim/{ref}").text
    assert f"Revert revision {number} (remove this claim)" in page
    token = form_token(page, f"/ledger/revert/{number}")
    done = editor.post(f"/ledger/revert/{number}",
                       data={"csrf_token": token, "reason": "a test claim"},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    assert ref not in {r["ref"] for r in ledger.records("claim")}
    history = ledger.history("claim", ref)
    assert list(history["action"]) == ["revert", "add"]           # both kept, newest first
    assert history.iloc[0]["author"] == "eve"
    shown = editor.get(done.headers["location"]).text
    assert "removed this claim" in shown
    assert "Revert revision" not in shown                          # nothing left to undo


def test_the_undo_needs_csrf_and_an_editor(app):
    ref, number = added_claim(app)
    ledger = app.state.web.ledger
    reader = login(app, "rita")
    assert "Revert revision" not in reader.get(f"/ledger/history/claim/{ref}").text
    refused = reader.post(f"/ledger/revert/{number}",
                          data={"csrf_token": reader.csrf, "reason": "x"},
                          headers={"X-CSRF-Token": reader.csrf}, follow_redirects=False)
    assert refused.status_code == 403
    editor = login(app, "eve")
    no_token = editor.post(f"/ledger/revert/{number}", data={"reason": "x"},
                           follow_redirects=False)
    assert no_token.status_code == 403
    assert ledger.get("claim", ref)["ref"] == ref


def test_an_editor_may_not_revert_an_edit(app):
    ref, _ = added_claim(app)
    ledger = app.state.web.ledger
    number = ledger.edit("claim", ref, {"note": "changed"}, author="eve",
                         reason="x").revisions[0]
    editor = login(app, "eve")
    page = editor.get(f"/ledger/history/claim/{ref}").text
    assert "Revert revision" not in page          # an edit: admins only; the add: not latest
    refused = editor.post(f"/ledger/revert/{number}",
                          data={"csrf_token": editor.csrf, "reason": "x"},
                          follow_redirects=False)
    assert refused.status_code == 403
    assert ledger.get("claim", ref)["note"] == "changed"


def test_reverting_a_revision_twice_is_a_conflict_page_saying_so(app):
    """h206: the second revert of one revision (a double submit, or a page shown before
    another admin reverted it) was a 400 headed "Something in this address is not right"."""
    ref, number = added_claim(app)
    editor = login(app, "eve")
    page = editor.get(f"/ledger/history/claim/{ref}").text
    token = form_token(page, f"/ledger/revert/{number}")
    for expected in (303, 409):
        done = editor.post(f"/ledger/revert/{number}",
                           data={"csrf_token": token, "reason": "a test claim"},
                           follow_redirects=False)
        assert done.status_code == expected, done.text
    assert "<h1>This change is already undone</h1>" in done.text
    assert "Something in this address is not right" not in done.text
    assert f"is already as it was before revision {number}" in done.text
    assert "there is nothing to revert" in done.text
