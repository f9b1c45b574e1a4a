"""moneytrail: follow the money of AI investment plans.

    import moneytrail as mt
    model = mt.load_model(year=2025)
    plan = mt.load_scenario("scenarios/eu-ai-gigafactories.yaml")
    result = mt.trace(plan, model=model, draws=10_000, seed=1)
    result.by("country")
"""

from moneytrail.analysis.headline import headline
from moneytrail.analysis.scorecard import Scorecard, scorecard
from moneytrail.engine.result import TraceResult
from moneytrail.engine.trace import trace
from moneytrail.errors import MoneytrailError
from moneytrail.model import IOModel, build_model, load_model
from moneytrail.scenarios import Plan, load_scenario, parse_scenario
from moneytrail.scenarios.reference import reference_scenarios

__all__ = ["IOModel", "MoneytrailError", "Plan", "Scorecard", "TraceResult", "build_model",
           "headline", "load_model", "load_scenario", "parse_scenario", "reference_scenarios",
           "scorecard", "trace"]
