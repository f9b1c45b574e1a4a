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


def test_two_briefings_of_one_run_name_the_ledger_revision_each_read(own_ws):
    from moneytrail.report.briefing import render_briefing
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    result = tasks.trace_plan(own_ws, load_scenario(REFERENCE), draws=200, seed=1)
    ledger = own_ws.ledger()
    before = ledger.state()
    assert before.revision > 0 and before.time is not None
    first = render_briefing(own_ws, [result], fmt="html", sensitivity=False).decode()
    written = ledger.edit("claim", "gigafactory_fund_announced",
                          {"low": "35e9", "central": "35e9", "high": "35e9"}, author="tester",
                          reason="a later announcement")
    after = ledger.state()
    assert after.revision == written.revisions[-1] > before.revision
    second = render_briefing(own_ws, [result], fmt="html", sensitivity=False).decode()

    text = re.sub(r"<[^>]+>", " ", second)
    assert "EUR 35.00 bn announced" in text          # the edit shows...
    stamp = after.time.strftime("%Y-%m-%d %H:%M UTC")
    said = f"ledger revision {after.revision} of {stamp}"
    # ...and the briefing says which ledger state it read: in the reality sentence, the
    # header line, the colophon and the citation
    assert f"{said}, read when this briefing was made" \
        in " ".join(text.split())
    assert text.lower().count(f"ledger revision {after.revision}") >= 4
    assert f"ledger revision {before.revision}" in first
    assert f"ledger revision {after.revision}" not in first
