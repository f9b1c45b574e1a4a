"""A reviewer's finding: a workspace over a ledger store read its claims and deals once, and
the claims check named the ledger "package" in its run id, so after a ledger edit a
long-lived process (the web app) kept checking claims against the old ledger and served the
stale stored check. Now the tables are read again at each new revision and the check's run
id names the revision it read."""

from __future__ import annotations

import pytest


@pytest.fixture()
def own_ws(tmp_path):
    from moneytrail.service.workspace import Workspace

    workspace = Workspace.open(None, db=str(tmp_path / "ledger.sqlite"))
    yield workspace
    workspace.close()


def announced(ws) -> float:
    claims = ws.ledger_tables().claims
    row = claims[claims["ref"] == "gigafactory_fund_announced"]
    return float(row["central"].iloc[0])


def test_a_ledger_edit_reaches_the_claims_check(own_ws):
    from moneytrail.service import tasks

    before = tasks.check_claims(own_ws, draws=100, seed=1)
    assert announced(own_ws) == pytest.approx(20e9)
    revision = own_ws.ledger().state().revision
    # the store holds the package's ledger unchanged: the package's run (h216: one run id
    # for the same ledger, the demo's), which says so
    assert before.provenance.inputs["ledger"] == "package"
    assert before.facts["ledger_package"] == own_ws.data_version
    own_ws.ledger().edit("claim", "gigafactory_fund_announced",
                         {"low": "35e9", "central": "35e9", "high": "35e9"}, author="tester",
                         reason="a later announcement")
    assert announced(own_ws) == pytest.approx(35e9)          # read again, not the old copy
    after = tasks.check_claims(own_ws, draws=100, seed=1)
    assert after.run_id != before.run_id                       # not the stale stored check
    assert after.facts["ledger_revision"] == own_ws.ledger().state().revision > revision
    assert after.provenance.inputs["ledger"] == "store"
    # the same revision again: the stored check, the same id
    assert tasks.check_claims(own_ws, draws=100, seed=1).run_id == after.run_id
