"""moneytrail: follow the money of AI investment plans.

    import moneytrail as mt
    model = mt.load_model(year=2025)
    plan = mt.load_scenario("scenarios/eu-ai-gigafactories.yaml")
    result = mt.trace(plan, model=model, draws=10_000, seed=1)
    result.by("country")

Names are loaded on first use (PEP 562), so `import moneytrail` stays light: numpy, pandas
and scipy load only when a function that needs them is called.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from moneytrail.errors import MoneytrailError

if TYPE_CHECKING:
    from moneytrail import ledger as ledger
    from moneytrail.analysis.headline import headline as headline
    from moneytrail.analysis.scorecard import Scorecard as Scorecard
    from moneytrail.analysis.scorecard import scorecard as scorecard
    from moneytrail.engine.result import TraceResult as TraceResult
    from moneytrail.model import IOModel as IOModel
    from moneytrail.model import build_model as build_model
    from moneytrail.model import load_model as load_model
    from moneytrail.scenarios import Plan as Plan
    from moneytrail.scenarios import load_scenario as load_scenario
    from moneytrail.scenarios import parse_scenario as parse_scenario
    from moneytrail.scenarios.reference import reference_scenarios as reference_scenarios
    from moneytrail.service.tasks import trace as trace
    from moneytrail.service.workspace import Workspace as Workspace

_LAZY = {
    "headline": "moneytrail.analysis.headline",
    "Scorecard": "moneytrail.analysis.scorecard",
    "scorecard": "moneytrail.analysis.scorecard",
    "TraceResult": "moneytrail.engine.result",
    "trace": "moneytrail.service.tasks",    # engine.trace.trace after the plan checks
    "IOModel": "moneytrail.model",
    "build_model": "moneytrail.model",
    "load_model": "moneytrail.model",
    "Plan": "moneytrail.scenarios",
    "load_scenario": "moneytrail.scenarios",
    "parse_scenario": "moneytrail.scenarios",
    "reference_scenarios": "moneytrail.scenarios.reference",
    "Workspace": "moneytrail.service.workspace",
}

__all__ = ["IOModel", "MoneytrailError", "Plan", "Scorecard", "TraceResult", "Workspace",
           "build_model", "headline", "ledger", "load_model", "load_scenario",
           "parse_scenario", "reference_scenarios", "scorecard", "trace"]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from moneytrail.engine.result import code_version

        return code_version()
    if name == "ledger":
        return import_module("moneytrail.ledger")
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        return value
    raise AttributeError(f"module 'moneytrail' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
