"""The claims check traces its plans through the caller's workspace: no second workspace is
opened (its tables read again) per traced plan, and the figures are the same either way."""

import pandas as pd
import pytest

import moneytrail as mt
from moneytrail.analysis.claims import check_claims as run_checks
from moneytrail.service import tasks
from moneytrail.service.workspace import Workspace

DRAWS = 60          # few draws: the verdicts are withheld, the figures are still computed


@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


def test_checking_the_claims_opens_no_other_workspace(ws, monkeypatch):
    ws.analysis, ws.valuechain      # noqa: B018 (read before counting)
    opened = []
    real_open = Workspace.open.__func__

    def counting_open(cls, *args, **kwargs):
        opened.append(args)
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(Workspace, "open", classmethod(counting_open))
    result = tasks.check_claims(ws, draws=DRAWS, seed=3, store=None)
    assert len(result.table("claims")) > 0
    assert opened == []


def test_the_claims_traced_through_the_workspace_give_the_same_figures(ws):
    common = dict(data=ws.analysis, chain=ws.valuechain, ledger=ws.ledger_tables(),
                  model=ws.model, draws=DRAWS, seed=3)
    alone = run_checks(**common)
    shared = run_checks(**common, tracer=lambda plan, model, **options:
                        tasks.trace(plan, model, ws=ws, **options))
    pd.testing.assert_frame_equal(alone, shared)


def test_the_web_apps_claims_open_no_other_workspace(ws, tmp_path, monkeypatch):
    from moneytrail.web.state import WebState

    state = WebState.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    state.workspace = ws
    opened = []
    real_open = Workspace.open.__func__

    def counting_open(cls, *args, **kwargs):
        opened.append(args)
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(Workspace, "open", classmethod(counting_open))
    try:
        assert len(state.claims()) > 0
    finally:
        state.close()
    assert opened == []
