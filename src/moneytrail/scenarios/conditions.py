"""A conditions file: a YAML list of conditions (the schema of a scenario's `conditions`)."""

from __future__ import annotations

from pathlib import Path

from moneytrail.errors import ScenarioError
from moneytrail.scenarios.schema import Condition


def load_conditions(path: str | Path) -> list[Condition]:
    """Read and validate a conditions file; errors name the file, the item and the field."""
    from pydantic import ValidationError

    from moneytrail.analysis.claims_schema import read_yaml

    path = Path(path)
    items = read_yaml(path, ScenarioError)
    if not isinstance(items, list):
        raise ScenarioError("a conditions file is a list of conditions", file=str(path))
    out = []
    for k, item in enumerate(items):
        try:
            out.append(Condition.model_validate(item))
        except ValidationError as exc:
            error = exc.errors()[0]
            loc = ".".join(str(p) for p in error["loc"])
            raise ScenarioError(error["msg"].removeprefix("Value error, "), file=str(path),
                                field=f"{k}.{loc}" if loc else str(k)) from None
    return out


def demo_conditions_path() -> Path:
    """The conditions the demo holds every reference plan to."""
    from moneytrail.data.package import bundled_path

    return bundled_path() / "analysis" / "conditions_demo.yaml"
