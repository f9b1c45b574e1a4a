import pytest
from analysis_plans import DRAWS

import moneytrail as mt
from moneytrail.service.workspace import Workspace


@pytest.fixture(scope="session")
def workspace():
    """One workspace over the bundled data for the analysis tests."""
    with Workspace.open() as ws:
        yield ws


@pytest.fixture(scope="session")
def data(workspace):
    return workspace.analysis


@pytest.fixture(scope="session")
def model(workspace):
    return workspace.model(2025)


@pytest.fixture(scope="session")
def claims_inputs(workspace):
    """check_claims' data keyword arguments, from the workspace."""
    return {"data": workspace.analysis, "chain": workspace.valuechain,
            "ledger": workspace.ledger_tables(), "model": workspace.model}


@pytest.fixture(scope="session")
def reference(model):
    """The three reference plans traced once (small draw count keeps the suite fast)."""
    out = {}
    for path in mt.reference_scenarios():
        plan = mt.load_scenario(path)
        out[plan.id] = mt.trace(plan, model, draws=DRAWS, seed=7, keep_draws=True)
    return out
