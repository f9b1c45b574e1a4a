import pytest
from analysis_plans import DRAWS

import moneytrail as mt
from moneytrail.analysis.data import load_analysis


@pytest.fixture(scope="session")
def data():
    return load_analysis()


@pytest.fixture(scope="session")
def model():
    return mt.load_model(2025)


@pytest.fixture(scope="session")
def reference(model):
    """The three reference plans traced once (small draw count keeps the suite fast)."""
    out = {}
    for path in mt.reference_scenarios():
        plan = mt.load_scenario(path)
        out[plan.id] = mt.trace(plan, model, draws=DRAWS, seed=7, keep_draws=True)
    return out
