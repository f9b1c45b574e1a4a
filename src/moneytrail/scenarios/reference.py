"""The reference plans shipped with moneytrail."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

ORDER = ("stargate-style-us", "eu-ai-gigafactories", "efficiency-first-eu")


def reference_dir() -> Path:
    return Path(str(resources.files("moneytrail") / "scenarios" / "reference"))


def reference_scenarios() -> list[Path]:
    """Paths of the bundled reference scenario files, in presentation order."""
    paths = {p.stem: p for p in reference_dir().glob("*.yaml")}
    return [paths[k] for k in ORDER if k in paths] + sorted(
        p for k, p in paths.items() if k not in ORDER)
