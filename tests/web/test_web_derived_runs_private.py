"""Runs derived from a saved plan's run (a reader's "check a figure of your own", a claim of
the debate checked against the run) are as visible as the run they checked: once the plan
is made private again, a check stored while it was public answers 404 to everyone but its
owner, page and downloads alike, as the plan's own run does (docs/security.md)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, login, make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import wait_done  # noqa: E402

PLAN = "eu-ai-gigafactories"
TITLE = "Gigafactory plan, soon private again"
CLAIM = "public-money-to-nvidia-and-hyperscalers"     # traces eu-ai-gigafactories


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """eve's public plan, its run, an anonymous reader's own-figure check and claim check
    against it; then eve makes the plan private. Yields (app, eve, run id, check ids)."""
    from moneytrail.web import builder

    folder = tmp_path_factory.mktemp("derived-private")
    application = make_app(f"sqlite:///{folder / 'ledger.sqlite'}", run_limit=(1000, 100))
    try:
        eve = login(application, "eve")
        mapping = {**builder.reference_mapping(PLAN), "draws": 200, "seed": 7}
        created = TestClient(application, base_url=HTTPS).post(
            "/api/v1/saved-plans", headers=bearer(application, "eve"),
            json={"title": TITLE, "visibility": "public", "plan": mapping}).json()
        rid = eve.post(f"/api/v1/saved-plans/{created['id']}/runs",
                       headers={"X-CSRF-Token": eve.csrf}).json()["run_id"]
        assert wait_done(eve, rid)["status"] == "done"
        anonymous = TestClient(application, base_url=HTTPS)
        own = anonymous.get("/api/v1/claims/check", params={
            "run": rid, "quantity": "first_invoice_share", "firms": ["nvidia"],
            "side": "at_least", "number": "50"}).json()["check_run_id"]
        claim = anonymous.get(f"/api/v1/claims/{CLAIM}/check?run={rid}").json()["check_run_id"]
        assert own and claim
        for check in (own, claim):                     # public while the plan is
            assert anonymous.get(f"/r/{check}").status_code == 200
        current = anonymous.get(f"/api/v1/saved-plans/{created['id']}").json()
        edited = TestClient(application, base_url=HTTPS).patch(
            f"/api/v1/saved-plans/{created['id']}", headers=bearer(application, "eve"),
            json={"expected_revision": current["revision"], "visibility": "private"})
        assert edited.status_code == 200, edited.text
        yield application, eve, rid, [own, claim]
    finally:
        application.state.jobs.shutdown()
        application.state.web.close()


DOWNLOADS = ("/r/{run}", "/api/v1/runs/{run}", "/api/v1/runs/{run}?format=csv&table=claims",
             "/api/v1/runs/{run}?format=xlsx", "/api/v1/runs/{run}?table=claims",
             "/r/{run}/report.pdf")


@pytest.mark.parametrize("which", [0, 1], ids=["own-figure", "debate-claim"])
def test_a_check_of_a_plan_made_private_is_not_found_for_others(checked, which):
    application, eve, rid, checks = checked
    anonymous = TestClient(application, base_url=HTTPS)
    assert anonymous.get(f"/r/{rid}").status_code == 404          # the plan's own run
    for address in DOWNLOADS:
        response = anonymous.get(address.format(run=checks[which]))
        assert response.status_code == 404, (address, response.status_code)
        assert TITLE not in response.text
    # the short id lists nothing either
    assert anonymous.get(f"/r/{checks[which][:8]}").status_code == 404
    mal = login(application, "mal")
    assert mal.get(f"/r/{checks[which]}").status_code == 404


def test_the_owner_still_sees_the_checks_and_they_are_not_cached(checked):
    application, eve, rid, checks = checked
    for check in checks:
        page = eve.get(f"/r/{check}")
        assert page.status_code == 200
        assert "no-store" in page.headers.get("cache-control", "")


def test_a_check_of_a_plan_made_private_is_listed_to_nobody_else(checked):
    """The short-id lookup, the runs store's lists and the run picker apply the rule in SQL
    (accounts.plans.visible_runs_clause): a check stored while the plan was public is in
    the store's open runs, yet it is as hidden as the run it checked (runs.checked_run_id,
    not its label). Before, a short id of it redirected to its full id (a 307 naming it)
    and the lists named it and its label."""
    from sqlalchemy import text

    from moneytrail.accounts.plans import visible_runs_clause
    from moneytrail.web.run_picker import picker_runs

    application, eve, rid, checks = checked
    engine = application.state.web.ledger.engine
    store = application.state.jobs.store
    with engine.connect() as conn:
        ids = {name: int(conn.execute(text("select id from accounts where name = :n"),
                                      {"n": name}).scalar_one()) for name in ("eve", "mal")}
    anonymous = TestClient(application, base_url=HTTPS)
    mal = login(application, "mal")
    for check in checks:
        for client in (anonymous, mal):
            for address in (f"/r/{check[:8]}", f"/api/v1/runs/{check[:8]}"):
                response = client.get(address, follow_redirects=False)
                assert response.status_code == 404, (address, response.status_code)
                assert check not in response.text and TITLE not in response.text
        got = eve.get(f"/r/{check[:8]}", follow_redirects=False)      # the owner's own
        assert got.status_code == 307 and got.headers["location"] == f"/r/{check}"
    for viewer in (None, ids["mal"]):
        def hidden(column, who=viewer):
            return visible_runs_clause(column, who)

        for check in checks:
            assert store.ids_starting(check[:8], visible=hidden) == []
        listed = {r["run_id"] for r in store.recent(kind="claims", limit=1000, visible=hidden)}
        assert not set(checks) & listed
        picked = {r["run_id"] for r in picker_runs(engine, viewer, {})}
        assert rid not in picked and not set(checks) & picked
    listed = {r["run_id"] for r in store.recent(
        kind="claims", limit=1000, visible=lambda column: visible_runs_clause(column, ids["eve"]))}
    assert set(checks) <= listed
