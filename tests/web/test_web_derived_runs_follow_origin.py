"""Runs the web app stores on the back of a public saved plan's run are exactly as visible as
that run (docs/security.md, "Runs of a private plan are private"): the sensitivity run a
briefing (`/r/{run}/report.html`) computes for its tornado, and the rerun an anonymous reader
starts with `POST /r/{run}/rerun`, were stored public and stayed public (200 with the plan's
title) after the plan was made private, deleted or purged. Now each records the run it
derives from (`run_origins`, migration 0011) and answers 404 to everyone but the owner, on
its pages, its short id, the compare page and the run lists. "Run it again" also checks a
signed-in browser's CSRF token, as every other form does."""

from __future__ import annotations

import copy
import json

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, form_token, login, make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import wait_done  # noqa: E402

PLAN = "eu-ai-gigafactories"
CHANGES = ("private", "delete", "purge")


def account_id(application, name: str) -> int:
    from sqlalchemy import text

    with application.state.web.ledger.engine.connect() as conn:
        return int(conn.execute(text("select id from accounts where name = :n"),
                                {"n": name}).scalar_one())


def store_as_old(application, result: dict, fake_id: str, *, seed: int,
                 private: bool) -> None:
    """`result` stored under `fake_id` as if an older code version had computed it with
    another seed (so its rerun is a new run); `private`: not opened to everyone."""
    from sqlalchemy import update

    from moneytrail.ledger.models import Run

    result = copy.deepcopy(result)
    result["provenance"]["code_version"] = "0.0.1-old"
    result["run_id"] = fake_id
    result["provenance"]["seed"] = result["provenance"]["inputs"]["seed"] = seed
    store = application.state.jobs.store
    store = store.as_private() if private else store
    store.start(fake_id, kind="trace", label="old", inputs=result["provenance"]["inputs"],
                data_version="old", data_hash="old", total=1)
    with store.engine.begin() as conn:
        conn.execute(update(Run).where(Run.id == fake_id).values(
            status="done", result=json.dumps(result)))


def sensitivity_runs(application, title: str) -> list[str]:
    """The stored sensitivity runs of the plan titled `title` (their inputs hold the plan)."""
    from sqlalchemy import select

    from moneytrail.ledger.models import Run

    with application.state.web.ledger.engine.connect() as conn:
        return [str(r) for r in conn.execute(select(Run.id).where(
            Run.kind == "sensitivity", Run.inputs.contains(title))).scalars()]


@pytest.fixture(scope="module")
def derived(tmp_path_factory):
    """For each change (made private, deleted, purged): eve's public plan, its run, an old
    version of that run linked to the plan, the tornado run of the run's briefing and the
    rerun an anonymous reader started from the old run, all fetched once while public.
    Yields (app, {change: {plan, title, run, old, tornado, rerun}})."""
    from moneytrail.accounts.plans import SavedPlans
    from moneytrail.web import builder

    folder = tmp_path_factory.mktemp("derived-origin")
    application = make_app(f"sqlite:///{folder / 'ledger.sqlite'}", run_limit=(1000, 100))
    try:
        eve = login(application, "eve")
        anonymous = TestClient(application, base_url=HTTPS)
        cases = {}
        for n, change in enumerate(CHANGES):
            title = f"Public plan, later {change}"
            mapping = {**builder.reference_mapping(PLAN), "draws": 200, "seed": 7,
                       "description": f"Budget note for the plan later {change}"}
            created = anonymous.post(
                "/api/v1/saved-plans", headers=bearer(application, "eve"),
                json={"title": title, "visibility": "public", "plan": mapping}).json()
            rid = eve.post(f"/api/v1/saved-plans/{created['id']}/runs",
                           headers={"X-CSRF-Token": eve.csrf}).json()["run_id"]
            body = wait_done(eve, rid)
            assert body["status"] == "done"
            # the plan's run as an older version computed it (with its own seed), linked
            # to the plan as the plan's runs are: "Run it again" shows on its page
            old = f"{n + 1:x}" * 32
            store_as_old(application, body["result"], old, seed=70 + n, private=True)
            SavedPlans(application.state.web.ledger.engine).add_run(
                created["id"], actor=account_id(application, "eve"), run_id=old)
            report = anonymous.get(f"/r/{rid}/report.html")
            assert report.status_code == 200, report.text[:300]
            tornado = sensitivity_runs(application, title)
            assert len(tornado) == 1
            moved = anonymous.post(f"/r/{old}/rerun", follow_redirects=False)
            assert moved.status_code == 303, moved.text
            rerun = moved.headers["location"].removeprefix("/r/")
            assert rerun not in (old, rid)
            assert wait_done(anonymous, rerun)["status"] == "done"
            for derived_run in (tornado[0], rerun):      # public while the plan is
                assert anonymous.get(f"/r/{derived_run}").status_code == 200
            cases[change] = {"plan": created["id"], "title": title, "run": rid, "old": old,
                             "tornado": tornado[0], "rerun": rerun}
        yield application, cases
    finally:
        application.state.jobs.shutdown()
        application.state.web.close()


def change_plan(application, case: dict, change: str) -> None:
    """eve makes the plan private, deletes it, or deletes and purges it (through the API),
    once per case (so each test of a case may run alone)."""
    if case.get("changed"):
        return
    case["changed"] = True
    headers = bearer(application, "eve")
    client = TestClient(application, base_url=HTTPS)
    address = f"/api/v1/saved-plans/{case['plan']}"
    current = client.get(address, headers=headers).json()
    if change == "private":
        response = client.patch(address, headers=headers, json={
            "expected_revision": current["revision"], "visibility": "private"})
        assert response.status_code == 200, response.text
        return
    assert client.delete(address, headers=headers).status_code in (200, 204)
    if change == "purge":
        response = client.post(f"{address}/purge", headers=headers)
        assert response.status_code == 200, response.text


ADDRESSES = ("/r/{run}", "/api/v1/runs/{run}", "/api/v1/runs/{run}?format=xlsx",
             "/api/v1/runs/{run}/plan.yaml")


@pytest.mark.parametrize("change", CHANGES)
def test_derived_runs_of_a_public_plan_go_with_the_plan(derived, change):
    """After the change, the tornado run and the anonymous rerun are 404 for anonymous
    readers and another account, everywhere, short ids and the compare page included;
    before the fix both stayed 200 with the plan's title."""
    from moneytrail.accounts.plans import visible_runs_clause
    from moneytrail.web.run_picker import picker_runs

    application, cases = derived
    case = cases[change]
    change_plan(application, case, change)
    anonymous = TestClient(application, base_url=HTTPS)
    mal = login(application, "mal")
    assert anonymous.get(f"/r/{case['run']}").status_code == 404      # the plan's own run
    for kind in ("tornado", "rerun"):
        run = case[kind]
        for client in (anonymous, mal):
            for address in ADDRESSES:
                response = client.get(address.format(run=run), follow_redirects=False)
                assert response.status_code == 404, (kind, address, response.status_code)
                assert case["title"] not in response.text
            for address in (f"/r/{run[:8]}", f"/api/v1/runs/{run[:8]}",
                            f"/compare?runs={run[:8]},{case['run'][:8]}"):
                response = client.get(address, follow_redirects=False)
                assert response.status_code == 404, (kind, address, response.status_code)
                assert run not in response.text and run not in response.headers.get(
                    "location", "")
    # a rerun of the rerun (its page's button) cannot be started by others either
    assert anonymous.post(f"/r/{case['rerun']}/rerun").status_code == 404
    engine = application.state.web.ledger.engine
    store = application.state.jobs.store
    for viewer in (None, account_id(application, "mal")):
        def visible(column, who=viewer):
            return visible_runs_clause(column, who)

        listed = {r["run_id"] for kind in ("trace", "sensitivity")
                  for r in store.recent(kind=kind, limit=1000, visible=visible)}
        assert not {case["tornado"], case["rerun"]} & listed
        picked = {r["run_id"] for r in picker_runs(engine, viewer, {})}
        assert case["rerun"] not in picked


@pytest.mark.parametrize("change", CHANGES)
def test_the_owner_still_sees_the_derived_runs(derived, change):
    """eve owns the plan: its derived runs stay hers to read (not kept by shared caches)."""
    application, cases = derived
    case = cases[change]
    change_plan(application, case, change)
    eve = login(application, "eve")
    for kind in ("tornado", "rerun"):
        page = eve.get(f"/r/{case[kind]}")
        assert page.status_code == 200, (kind, page.status_code)
        assert "no-store" in page.headers.get("cache-control", "")


def test_a_derived_run_is_public_again_with_its_plan(derived):
    """Visibility follows the plan both ways: made public again, the plan shows its derived
    runs again (they were hidden, not lost)."""
    application, cases = derived
    case = cases["private"]
    headers = bearer(application, "eve")
    client = TestClient(application, base_url=HTTPS)
    address = f"/api/v1/saved-plans/{case['plan']}"
    change_plan(application, case, "private")
    current = client.get(address, headers=headers).json()
    assert client.get(f"/r/{case['rerun']}").status_code == 404
    response = client.patch(address, headers=headers, json={
        "expected_revision": current["revision"], "visibility": "public"})
    assert response.status_code == 200, response.text
    for kind in ("tornado", "rerun"):
        assert client.get(f"/r/{case[kind]}").status_code == 200


def test_the_same_content_run_in_the_builder_is_public(derived):
    """A rerun is a content hash, as every run: whoever computes the same plan, draws and
    seed outside a saved plan (the JSON API here) holds it and sees the stored run, which is
    then public as every open run is (RunStore.mark_open forgets what it derived from)."""
    from moneytrail.accounts.plans import run_visible

    application, cases = derived
    case = cases["purge"]
    engine = application.state.web.ledger.engine
    change_plan(application, case, "purge")
    assert not run_visible(engine, case["rerun"], None)
    anonymous = TestClient(application, base_url=HTTPS)
    plan = anonymous.get(f"/api/v1/runs/{case['run']}", headers=bearer(
        application, "eve")).json()["result"]["provenance"]["inputs"]["plan"]
    response = anonymous.post("/api/v1/runs", json={**plan, "seed": 72})
    assert response.status_code in (200, 202), response.text
    assert response.json()["run_id"] == case["rerun"]
    assert anonymous.get(f"/r/{case['rerun']}").status_code == 200


@pytest.fixture(scope="module")
def outdated(tmp_path_factory):
    """An app with an outdated public run (the reference plan, stored as if an older code
    version had computed it, opened to everyone) and the current run it was copied from."""
    folder = tmp_path_factory.mktemp("rerun-csrf")
    application = make_app(f"sqlite:///{folder / 'ledger.sqlite'}", run_limit=(1000, 100))
    try:
        client = TestClient(application, base_url=HTTPS)
        rid = client.post("/api/v1/runs", json={"reference": PLAN, "draws": 200,
                                                "seed": 4}).json()["run_id"]
        body = wait_done(client, rid)
        old = "e" * 32
        store_as_old(application, body["result"], old, seed=81, private=False)
        yield application, old
    finally:
        application.state.jobs.shutdown()
        application.state.web.close()


def test_rerun_needs_the_csrf_token_of_a_signed_in_browser(outdated):
    """A signed-in POST without the session's token is refused (403, as every form post
    of a session: web.auth.check_csrf) and starts nothing; the page's form carries the token,
    and with it the rerun starts. Before, the token was not checked."""
    from moneytrail.accounts.plans import run_visible

    application, old = outdated
    eve = login(application, "eve")
    refused = eve.post(f"/r/{old}/rerun", follow_redirects=False)
    assert refused.status_code == 403, refused.status_code
    refused = eve.post(f"/r/{old}/rerun", data={"csrf_token": "x" * 43},
                       follow_redirects=False)
    assert refused.status_code == 403, refused.status_code
    page = eve.get(f"/r/{old}").text
    token = form_token(page, f"/r/{old}/rerun")
    assert token == eve.csrf
    started = eve.post(f"/r/{old}/rerun", data={"csrf_token": token}, follow_redirects=False)
    assert started.status_code == 303, started.text
    rerun = started.headers["location"].removeprefix("/r/")
    assert wait_done(eve, rerun)["status"] == "done"
    # the old run is open to everyone, so its rerun is too
    assert run_visible(application.state.web.ledger.engine, rerun, None)


def test_rerun_stays_open_to_anonymous_readers_and_api_keys(outdated):
    """Anyone who may read a run may run it again (a computation that changes no record,
    rate-limited): an anonymous form post has no session and no token to send, and a request
    with an API key ignores cookies; both land on the same rerun."""
    application, old = outdated
    anonymous = TestClient(application, base_url=HTTPS)
    first = anonymous.post(f"/r/{old}/rerun", follow_redirects=False)
    assert first.status_code == 303, first.text
    keyed = TestClient(application, base_url=HTTPS).post(
        f"/r/{old}/rerun", headers=bearer(application, "rita", "read"),
        follow_redirects=False)
    assert keyed.status_code == 303, keyed.text
    assert keyed.headers["location"] == first.headers["location"]
