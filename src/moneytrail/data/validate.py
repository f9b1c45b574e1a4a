"""`moneytrail validate`: the Frictionless schema checks plus moneytrail's own rules."""

from __future__ import annotations

from pathlib import Path

from moneytrail.data.checks import Problem
from moneytrail.data.package import DataPackage, open_package
from moneytrail.data.valuechain import valuechain_problems
from moneytrail.errors import MoneytrailError


def frictionless_problems(root: Path) -> list[Problem]:
    """Types, required fields, enums, primary and foreign keys, per the package's schemas."""
    from frictionless import validate  # heavy import, only for validation

    report = validate(str(root / "datapackage.json"))
    problems = []
    for task in report.tasks:
        for error in task.errors:
            line = getattr(error, "row_number", None)
            problems.append(Problem(str(root / task.place), line,
                                    getattr(error, "field_name", None),
                                    getattr(error, "cell", None), f"{error.type}: {error.note}"))
    for error in report.errors:
        problems.append(Problem(str(root), None, None, None, f"{error.type}: {error.note}"))
    return problems


def package_problems(path: str | Path | None = None) -> list[Problem]:
    """Every problem of a data package; empty when it is valid."""
    package = open_package(path)
    problems = frictionless_problems(package.root)
    try:
        problems += valuechain_problems(str(package.root))
    except MoneytrailError as exc:
        problems.append(Problem(exc.file or str(package.root), None, exc.field, exc.value,
                                exc.detail))
    if package.has("ledger-claims"):
        from moneytrail.ledger.validate import ledger_problems

        problems += ledger_problems(package)
    problems += rule_problems(package)
    from moneytrail.data.footprints import footprint_problems

    problems += footprint_problems(package)      # jobs and footprint tables (issue 14)
    if package.has("analysis-sources"):
        from moneytrail.analysis.data import analysis_problems

        problems += analysis_problems(package)
    seen, unique = set(), []
    for problem in problems:
        key = str(problem)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def rule_problems(package: DataPackage) -> list[Problem]:
    """Data 2.0.0 rules: primary references and junk domains (data/sourcing.py), categories
    against cost structures (data/consistency.py)."""
    from moneytrail.data.consistency import exclusion_problems
    from moneytrail.data.sourcing import sourcing_problems

    # the ledger's own rules already check its sources' primary references
    skip = ("ledger-sources", "macro-sources") if package.has("ledger-claims") else ()
    try:
        return sourcing_problems(package, skip=skip) + exclusion_problems(package)
    except MoneytrailError as exc:
        return [Problem(exc.file or str(package.root), None, exc.field, exc.value, exc.detail)]


INTERVAL_MISS = 0.10   # report intervals whose drawn 5th/95th percentiles miss by over 10 %


def interval_warnings(path: str | Path | None = None) -> list[Problem]:
    """Shares whose stated 90 % interval a PERT bounded to [0, 1] cannot reproduce (the draws
    will be narrower than the data say). Warnings, not errors: the data stay usable."""
    from moneytrail.data.valuechain import load_valuechain
    from moneytrail.engine.sampling import percentile_miss

    chain = load_valuechain(None if path is None else str(path))
    warnings = []
    for frame in (chain.markets, chain.cost_structures):
        miss = percentile_miss(frame["low"], frame["central"], frame["high"], lower=0.0,
                               upper=1.0)
        for i in frame.index[miss > INTERVAL_MISS]:
            warnings.append(Problem(frame.attrs.get("path", "?"), int(i) + 2,
                                    "low/central/high",
                                    "/".join(str(frame.at[i, c])
                                             for c in ("low", "central", "high")),
                                    f"a share bounded to [0, 1] cannot have this 90 % interval "
                                    f"(percentiles miss by {miss[i]:.0%} of its width)"))
    return warnings


def footprint_gaps(path: str | Path | None = None) -> list[Problem]:
    """Warnings: labour value added without compensation per FTE, compensation currencies
    without FX rates (data.footprints.footprint_warnings)."""
    from moneytrail.data.footprints import footprint_warnings

    package = open_package(path)
    currencies = None
    if package.has("macro-fx"):
        currencies = set(package.table("macro-fx")["currency"].astype(str))
    return footprint_warnings(package, currencies)
