"""`moneytrail validate`: the Frictionless schema checks plus moneytrail's own rules."""

from __future__ import annotations

import os
import re
from pathlib import Path

from moneytrail.data.checks import Problem
from moneytrail.data.package import DataPackage, open_package
from moneytrail.data.valuechain import valuechain_problems
from moneytrail.errors import MoneytrailError


def frictionless_problems(root: Path) -> list[Problem]:
    """Types, required fields, enums, primary and foreign keys, per the package's schemas,
    each in words (`schema_words`), never Frictionless's codes."""
    from frictionless import validate  # heavy import, only for validation

    report = validate(str(root / "datapackage.json"))
    problems = []
    for task in report.tasks:
        for error in task.errors:
            line = getattr(error, "row_number", None)
            problems.append(Problem(str(root / task.place), line,
                                    getattr(error, "field_name", None),
                                    getattr(error, "cell", None),
                                    schema_words(error.type, error.note)))
    for error in report.errors:
        problems.append(Problem(str(root), None, None, None,
                                schema_words(error.type, error.note)))
    return problems


CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.DOTALL)
CONSTRAINT_WORDS = {
    "minimum": "must be at least {}",
    "maximum": "must be at most {}",
    "exclusiveMinimum": "must be more than {}",
    "exclusiveMaximum": "must be less than {}",
    "minLength": "must have at least {} characters",
    "maxLength": "must have at most {} characters",
    "required": "required value is missing",
    "unique": "must be unique in this column",
    "pattern": "is not written the way this column takes (see the column's description in the "
               "package's schema)",
    "enum": "must be one of: {}",
}
TYPE_WORDS = {
    "number": "must be a number", "integer": "must be a whole number",
    "date": "must be a date written YYYY-MM-DD", "year": "must be a year (four digits)",
    "boolean": "must be true or false", "datetime": "must be a date and time (ISO 8601)",
}
ERROR_WORDS = {
    "foreign-key": "refers to a row that does not exist",
    "primary-key": "repeats the key of another row",
    "unique-error": "repeats a value that must be unique",
    "missing-cell": "row has fewer cells than the header",
    "extra-cell": "row has more cells than the header",
    "blank-row": "blank row",
}


def schema_words(kind: str, note: str) -> str:
    """A Frictionless schema error in plain words: `constraint "minimum" is "0"` is 'must be
    at least 0', a type error 'must be a number'; other errors say what is wrong and keep
    Frictionless's detail."""
    if kind == "constraint-error":
        found = CONSTRAINT.fullmatch(note.strip())
        if found and found.group(1) in CONSTRAINT_WORDS:
            rule, value = found.groups()
            if rule == "enum":
                value = ", ".join(re.findall(r"'([^']*)'", value)) or value
            return CONSTRAINT_WORDS[rule].format(value)
    if kind == "type-error":
        found = re.search(r'type is "(\w+)', note)
        if found and found.group(1) in TYPE_WORDS:
            return TYPE_WORDS[found.group(1)]
    words = ERROR_WORDS.get(kind, kind.replace("-", " "))
    return f"{words}: {note}" if note else words


def one_per_cell(schema: list[Problem], own: list[Problem]) -> list[Problem]:
    """Every problem once, and one per bad cell (file, line, field): moneytrail's own rule
    for a cell (e.g. a GDP 'must be more than 0') is kept over the schema's for the same cell
    ('must be at least 0'), so one bad cell is one problem."""
    def cell(problem: Problem) -> tuple | None:
        if problem.line is None or not problem.field:
            return None
        return os.path.normpath(problem.file), problem.line, problem.field

    checked = {cell(p) for p in own} - {None}
    seen: set = set()
    unique = []
    for problem in [p for p in schema if cell(p) not in checked] + own:
        key = cell(problem) or str(problem)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def package_problems(path: str | Path | None = None) -> list[Problem]:
    """Every problem of a data package, one per bad cell; empty when it is valid."""
    package = open_package(path)
    schema = frictionless_problems(package.root)
    problems: list[Problem] = []
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
    return one_per_cell(schema, problems)


def rule_problems(package: DataPackage) -> list[Problem]:
    """Data 2.0.0 rules: primary references and junk domains (data/sourcing.py), categories
    against cost structures and accelerators' suppliers against entities
    (data/consistency.py)."""
    from moneytrail.data.consistency import accelerator_supplier_problems, exclusion_problems
    from moneytrail.data.sourcing import sourcing_problems

    # the ledger's own rules already check its sources' primary references
    skip = ("ledger-sources", "macro-sources") if package.has("ledger-claims") else ()
    try:
        return (sourcing_problems(package, skip=skip) + exclusion_problems(package)
                + accelerator_supplier_problems(package))
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


def shared_url_warnings(path: str | Path | None = None) -> list[Problem]:
    """Warnings: one per URL recorded under two or more source ids, naming the ids
    (data.sourcing.shared_url_notes). Not errors: each sub-package keeps its own row; ids of
    one URL that disagree on reliability or publication date are errors (`package_problems`)."""
    from moneytrail.data.sourcing import shared_url_notes

    return shared_url_notes(open_package(path))
