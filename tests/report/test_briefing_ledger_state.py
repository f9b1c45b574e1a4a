"""A briefing names the ledger state it read (issue: a stored run's briefing changed when the
ledger was edited, and nothing said why): the newest revision and its time, in the reality
sentence, the header, the colophon and the citation."""

from __future__ import annotations

import re

import pytest
from briefings import REFERENCE


@pytest.fixture()
def own_ws(tmp_path):
    from moneytrail.service.workspace import Workspace

    workspace = Workspace.open(None, db=str(tmp_path / "ledger.sqlite"))
    yield workspace
    workspace.close()


def test_ledger_state_is_the_newest_revision_and_its_time(own_ws):
    from moneytrail.report.units import stored_time

    ledger = own_ws.ledger()
    state = ledger.state()
    last = ledger.history(limit=1).iloc[0]
    assert state.revision == int(last["revision"]) > 0
    assert state.time is not None and state.time.tzinfo is not None       # UTC, named
    assert stored_time(state.time) == stored_time(last["time"])


def test_two_briefings_of_one_run_read_the_ledger_as_the_run_was_made(own_ws):
    """A run's briefings read the ledger as it stood when the run was made (h215: a run's
    page and PDF disagreed after an edit): one made after an edit says what the first said,
    and a run made after the edit reads the edited ledger."""
    from moneytrail.report.briefing import render_briefing
    from moneytrail.report.units import stored_time
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    result = tasks.trace_plan(own_ws, load_scenario(REFERENCE), draws=200, seed=1)
    ledger = own_ws.ledger()
    before = int(ledger.history(limit=1)["revision"].iloc[0])
    assert result.facts[tasks.LEDGER_REVISION] == before
    first = render_briefing(own_ws, [result], fmt="html", sensitivity=False).decode()
    written = ledger.edit("claim", "gigafactory_fund_announced",
                          {"low": "35e9", "central": "35e9", "high": "35e9"}, author="tester",
                          reason="a later announcement")
    last = ledger.history(limit=1).iloc[0]
    after = int(last["revision"])
    assert after == written.revisions[-1] > before
    second = render_briefing(own_ws, [result], fmt="html", sensitivity=False).decode()

    text = " ".join(re.sub(r"<[^>]+>", " ", second).split())
    assert "EUR 20.00 bn announced" in text and "EUR 35.00 bn announced" not in text
    # the briefing says which ledger state it read: in the reality sentence, the header
    # line, the colophon and the citation
    assert f"as it stood when run {result.run_id[:8]} was made)" in text
    assert text.lower().count(f"ledger revision {before}") >= 4
    assert f"ledger revision {after}" not in first + second
    assert "as it stood when the run was made" in text
    # a run made after the edit reads it
    later = tasks.trace_plan(own_ws, load_scenario(REFERENCE), draws=200, seed=2)
    third = " ".join(re.sub(r"<[^>]+>", " ", render_briefing(
        own_ws, [later], fmt="html", sensitivity=False).decode()).split())
    assert "EUR 35.00 bn announced" in third
    assert f"ledger revision {after} of {stored_time(last['time'])}, as it stood when run " \
        f"{later.run_id[:8]} was made" in third


def test_a_run_stored_without_its_revision_takes_the_one_before_it_was_made(own_ws):
    """A run stored before runs kept their ledger revision reads the newest revision made
    up to the second it was made; one made before the store had any revision, the store now,
    said as read when the briefing was made."""
    import dataclasses

    from moneytrail.report.briefing.content import run_ledger
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    result = tasks.trace_plan(own_ws, load_scenario(REFERENCE), draws=200, seed=3)
    facts = {k: v for k, v in result.facts.items() if k != tasks.LEDGER_REVISION}
    old = dataclasses.replace(result, facts=facts)
    ledger = own_ws.ledger()
    newest = ledger.state().revision
    store, cited, stood = run_ledger(own_ws, old)
    assert store is not None and store.state().revision == newest
    assert stood.startswith("as it stood when run")
    made = dataclasses.replace(old.provenance, created="2000-01-01T00:00:00+00:00")
    store, cited, stood = run_ledger(own_ws, dataclasses.replace(old, provenance=made))
    assert cited.startswith(f"ledger revision {newest} of") and stood == ""


def test_the_cli_briefing_of_a_trace_run_reads_the_ledger_as_that_run_was_made(own_ws):
    """`moneytrail report RUN` of a run `moneytrail trace` stored (without analyses) traces
    it again with them (a new run, made now): the briefing still reads the ledger as it stood
    when the run asked for was made, and says so with that run's id."""
    from moneytrail.report.briefing import render_briefing, resolve_runs
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    asked = tasks.trace_plan(own_ws, load_scenario(REFERENCE), draws=200, seed=4,
                             analyses=False)
    ledger = own_ws.ledger()
    before = ledger.state().revision
    ledger.edit("claim", "gigafactory_fund_announced",
                {"low": "35e9", "central": "35e9", "high": "35e9"}, author="tester",
                reason="a later announcement")
    results, why = resolve_runs(own_ws, [asked.run_id])
    assert results[0].run_id != asked.run_id and why[results[0].run_id].run_id == asked.run_id
    text = " ".join(re.sub(r"<[^>]+>", " ", render_briefing(
        own_ws, results, fmt="html", sensitivity=False, asked=why).decode()).split())
    assert "EUR 20.00 bn announced" in text and "EUR 35.00 bn announced" not in text
    assert f"ledger revision {before} of" in text
    assert f"as it stood when run {asked.run_id[:8]} was made" in text
