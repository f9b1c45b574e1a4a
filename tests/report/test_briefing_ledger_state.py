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


def test_two_briefings_of_one_run_name_the_ledger_revision_each_read(own_ws):
    from moneytrail.report.briefing import render_briefing
    from moneytrail.report.units import stored_time
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    result = tasks.trace_plan(own_ws, load_scenario(REFERENCE), draws=200, seed=1)
    ledger = own_ws.ledger()
    before = int(ledger.history(limit=1)["revision"].iloc[0])
    first = render_briefing(own_ws, [result], fmt="html", sensitivity=False).decode()
    written = ledger.edit("claim", "gigafactory_fund_announced",
                          {"low": "35e9", "central": "35e9", "high": "35e9"}, author="tester",
                          reason="a later announcement")
    last = ledger.history(limit=1).iloc[0]
    after = int(last["revision"])
    assert after == written.revisions[-1] > before
    second = render_briefing(own_ws, [result], fmt="html", sensitivity=False).decode()

    text = re.sub(r"<[^>]+>", " ", second)
    assert "EUR 35.00 bn announced" in text          # the edit shows...
    said = f"ledger revision {after} of {stored_time(last['time'])}"
    # ...and the briefing says which ledger state it read: in the reality sentence, the
    # header line, the colophon and the citation
    assert f"{said}, read when this briefing was made" \
        in " ".join(text.split())
    assert text.lower().count(f"ledger revision {after}") >= 4
    assert f"ledger revision {before}" in first
    assert f"ledger revision {after}" not in first
