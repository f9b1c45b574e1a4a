"""Reviewers' findings (h51) on a run's claims: one rule and one wording for verdicts withheld
over too few draws, the few-draws warning once on the run page, the run page's claims checked
once per run (rate-limited, not stored by a page read) and per ledger revision, and a run whose
plan was stored under older plan rules told clearly, without temporary file paths."""

from __future__ import annotations

import json
import re
import threading
import time
from html import unescape
from types import SimpleNamespace

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

PLAN = "eu-ai-gigafactories"
CLAIM = "public-money-to-nvidia-and-hyperscalers"     # traces eu-ai-gigafactories


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h51") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def run_50(client) -> str:
    return finished(client, {"reference": PLAN, "draws": 50, "seed": 4})


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def claims_section(html: str) -> str:
    return html[html.index('id="claims-h"'):html.index('id="evidence-h"')]


def stored_claims_runs(client) -> list[dict]:
    from sqlalchemy import select

    from moneytrail.ledger.models import Run

    with client.app.state.jobs.store.engine.connect() as conn:
        rows = conn.execute(select(Run.inputs).where(Run.kind == "claims")).scalars()
        return [json.loads(i) for i in rows]


def test_withheld_verdicts_have_one_wording(client, run_50):
    """The check rows carry analysis.claims' wording (not a second 'withheld (too few
    draws)'), the page's verdict label is derived from analysis.claims.WITHHELD_LABEL."""
    from moneytrail.analysis.claims import WITHHELD, WITHHELD_LABEL
    from moneytrail.service import run_claims
    from moneytrail.web.format import verdict_label

    state = client.app.state
    result = state.jobs.store.result(run_50)
    frame = run_claims.check_against_run(state.workspace, CLAIM, result).frame()
    assert set(frame["verdict"]) == {WITHHELD}
    assert set(frame["verdict_text"]) == {"no verdict: too few draws (50; at least 100 "
                                          "needed)"}
    assert verdict_label(WITHHELD).lower() == WITHHELD_LABEL
    for name in ("WITHHELD", "CLAIM_DRAWS", "CLAIM_SEED"):     # one constant, in analysis
        assert not hasattr(run_claims, name)


def test_run_page_warns_of_few_draws_once(client, run_50):
    html = client.get(f"/r/{run_50}").text
    text = text_of(html)
    assert text.count("This run has only 50 Monte Carlo draws") == 1
    section = text_of(claims_section(html))
    assert "This run has only 50" not in section                 # said at the top
    assert "No verdict: with only 50 draws" in section           # why there is no verdict
    assert "Verdict: No verdict (too few draws)" in section


def test_a_page_read_stores_no_claim_checks(client, run_50):
    client.get(f"/r/{run_50}")
    assert not [r for r in stored_claims_runs(client) if r["draws"] == 50]


def fake_request(client) -> SimpleNamespace:
    return SimpleNamespace(app=client.app, client=SimpleNamespace(host="h51-test"),
                           state=SimpleNamespace())


def test_simultaneous_first_reads_compute_once(client, run_50, monkeypatch):
    """Readers of a run page whose claims are being checked do not wait on a server thread
    (40 readers would hold every worker): they get a notice to reload, not kept; the one
    computing keeps its result for the next readers (reviewer C)."""
    from moneytrail.web import claims_runs, routes_claims

    state = client.app.state
    result = state.jobs.store.result(run_50)
    state.run_claims.clear()
    calls = []
    started = threading.Event()

    def slow(*args, **kwargs):
        calls.append(1)
        started.set()
        time.sleep(0.5)
        return {"claims": [], "note": "", "draws": 50, "seed": 4}

    monkeypatch.setattr(claims_runs, "plan_claims", slow)
    first: list[dict] = []
    worker = threading.Thread(target=lambda: first.append(
        routes_claims.run_page_claims(fake_request(client), result)))
    worker.start()
    assert started.wait(5)
    t0 = time.monotonic()
    busy = [routes_claims.run_page_claims(fake_request(client), result) for _ in range(3)]
    assert time.monotonic() - t0 < 0.4                # answered at once, not after the check
    assert all(b["retry"] and "being checked" in b["error"] for b in busy)
    worker.join()
    assert len(calls) == 1 and not first[0].get("retry")
    later = routes_claims.run_page_claims(fake_request(client), result)
    assert later is first[0] and len(calls) == 1       # kept: the next reader is served
    state.run_claims.clear()


def test_a_passing_store_error_is_not_kept(client, run_50, monkeypatch):
    """A locked database while checking (ResourceError) is a notice to reload, not kept: the
    next read computes again (it stayed on the page until the ledger changed; reviewer C)."""
    from moneytrail.errors import ResourceError
    from moneytrail.web import claims_runs, routes_claims

    state = client.app.state
    result = state.jobs.store.result(run_50)
    state.run_claims.clear()
    failures = [ResourceError("database is locked")]

    def flaky(*args, **kwargs):
        if failures:
            raise failures.pop()
        return {"claims": [], "note": "", "draws": 50, "seed": 4}

    monkeypatch.setattr(claims_runs, "plan_claims", flaky)
    first = routes_claims.run_page_claims(fake_request(client), result)
    assert first["retry"] and "locked" in first["error"] and not state.run_claims
    second = routes_claims.run_page_claims(fake_request(client), result)
    assert not second.get("retry") and second["error"] == ""
    state.run_claims.clear()


def test_the_computation_is_rate_limited(client, run_50, monkeypatch):
    from moneytrail.web import claims_runs, routes_claims

    state = client.app.state
    result = state.jobs.store.result(run_50)
    state.run_claims.clear()
    monkeypatch.setattr(claims_runs, "plan_claims", lambda *a, **k: pytest.fail("computed"))
    monkeypatch.setattr(state.limiter, "take", lambda client: 3.0)
    found = routes_claims.run_page_claims(fake_request(client), result)
    assert found["retry"] and "try again in 3 s" in found["error"]
    assert not state.run_claims                 # not kept: the next read computes


def test_claims_are_kept_per_ledger_revision(client, run_50, monkeypatch):
    """A ledger edit is a new revision: the claims are checked again, and 'Ledger figures
    as of revision N' follows."""
    from moneytrail.web import claims_runs, routes_claims

    state = client.app.state
    result = state.jobs.store.result(run_50)
    state.run_claims.clear()
    revision = [3]
    monkeypatch.setattr(routes_claims, "ledger_revision", lambda request: revision[0])
    monkeypatch.setattr(claims_runs, "published_ledger",
                        lambda ws, store: f"ledger revision {revision[0]}")
    first = routes_claims.run_page_claims(fake_request(client), result)
    revision[0] = 4
    second = routes_claims.run_page_claims(fake_request(client), result)
    assert (first["ledger"], second["ledger"]) == ("ledger revision 3", "ledger revision 4")
    state.run_claims.clear()


def test_the_run_page_follows_a_ledger_edit(client, run_50, monkeypatch):
    from moneytrail.web import claims_runs

    revision = [7]
    monkeypatch.setattr(client.app.state.workspace.ledger(), "state",
                        lambda: SimpleNamespace(revision=revision[0], time=None))
    monkeypatch.setattr(claims_runs, "published_ledger",
                        lambda ws, store: f"ledger revision {revision[0]}")
    assert "Ledger figures as of ledger revision 7" in text_of(client.get(f"/r/{run_50}").text)
    revision[0] = 8
    assert "Ledger figures as of ledger revision 8" in text_of(client.get(f"/r/{run_50}").text)
    client.app.state.run_claims.clear()


def test_a_failing_ledger_state_keeps_the_runs_claims(client, run_50, monkeypatch):
    from moneytrail.errors import ResourceError
    from moneytrail.web import claims_runs, routes_claims

    def broken(ws, store):
        raise ResourceError("the store is locked")

    state = client.app.state
    state.run_claims.clear()
    monkeypatch.setattr(claims_runs, "published_ledger", broken)
    found = routes_claims.run_page_claims(fake_request(client),
                                          state.jobs.store.result(run_50))
    assert found["claims"] and not found["error"] and found["ledger"] == ""
    state.run_claims.clear()


@pytest.fixture(scope="module")
def old_plan_run(client, run_50) -> str:
    """A run stored before today's plan rules: its plan's title is longer than 200
    characters."""
    from moneytrail.service.result import Result

    store = client.app.state.jobs.store
    data = store.result(run_50).to_dict()
    rid = "0123456789abcdef" * 2
    data["run_id"] = rid
    data["provenance"]["inputs"]["plan"]["title"] = "An old plan " + "x" * 240
    state = store.get(run_50)
    assert state is not None
    store.start(rid, kind="trace", label=PLAN, inputs=data["provenance"]["inputs"],
                data_version=state.data_version, data_hash="old", total=1)
    store.finish(Result.from_dict(data))
    return rid


def test_an_old_plan_is_refused_clearly_on_the_api(client, old_plan_run):
    response = client.get(f"/api/v1/claims/{CLAIM}/check?run={old_plan_run}")
    assert response.status_code == 400, response.text
    message = response.json()["detail"]
    assert "this run's plan was stored under older plan rules (field 'title': " in message
    assert message.endswith("run it again to check claims against it")
    assert "/tmp" not in message and "claim.yaml" not in message


def test_an_old_plan_is_a_notice_on_the_run_page(client, old_plan_run):
    html = client.get(f"/r/{old_plan_run}").text
    section = claims_section(html)
    assert "claims-error" in section
    text = text_of(section)
    assert "this run's plan was stored under older plan rules (field 'title': " in text
    assert "claim.yaml" not in text and "/tmp" not in text
