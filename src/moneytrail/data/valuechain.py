"""The value-chain part of a data package: sources, countries, entities, markets, costs."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from moneytrail.data import checks
from moneytrail.data.checks import Problem
from moneytrail.data.package import (
    DataPackage,
    is_validated,
    mark_validated,
    open_package,
)
from moneytrail.errors import DataPackageError

BUYER_REGIONS = ("EU", "US")
COST_KINDS = ("input", "labour", "capital", "tax")

SOURCE_COLUMNS = ["id", "publisher", "title", "url", "published", "accessed", "reliability",
                  "note"]
COLUMNS = {
    "countries": ["code", "name", "eu_member"],
    "entities": ["id", "name", "kind", "owner_country", "groups"],
    "categories": ["id", "name", "description"],
    "markets": ["category", "buyer_region", "year", "supplier", "low", "central", "high",
                "sources", "reliability", "note"],
    "cost_structures": ["entity", "year", "kind", "counterpart", "low", "central", "high",
                        "sources", "reliability", "note"],
}
NUMERIC = ("low", "central", "high")


@dataclass(frozen=True)
class ValueChain:
    """Validated tables; numbers as floats, years as ints."""

    package: DataPackage
    sources: pd.DataFrame
    countries: pd.DataFrame
    entities: pd.DataFrame
    categories: pd.DataFrame
    markets: pd.DataFrame
    cost_structures: pd.DataFrame
    years: tuple[int, ...] = field(default=())
    # groups.csv (data 2.5.6): id, title, note; None for a package without the file
    groups: pd.DataFrame | None = None

    @property
    def version(self) -> str:
        return self.package.version

    def eu_members(self) -> set[str]:
        return set(self.countries.loc[self.countries["eu_member"], "code"])

    def entity_names(self) -> dict[str, str]:
        """Display name of every entity by id (entities.csv `name`), e.g.
        {'schneider_electric': 'Schneider Electric'}; the one lookup the web pages, the
        briefing and the service's tables use to show firms by name."""
        frame = self.entities
        return {str(i): str(n) for i, n in zip(frame["id"], frame["name"], strict=True)}

    def group_titles(self) -> dict[str, str]:
        """Title of every group by id (groups.csv `title`, data 2.5.6), e.g. {'us_big_tech':
        'US hyperscalers (Amazon, Microsoft, Google)'}; empty for a package without
        groups.csv (then report.units.group_label writes the id in words)."""
        frame = self.groups
        if frame is None:
            return {}
        return {str(i): str(t) for i, t in zip(frame["id"], frame["title"], strict=True)}

    def country_names(self) -> dict[str, str]:
        """Name of every country by code (countries.csv `name`), e.g. {'TW': 'Taiwan'}; the
        one lookup the web pages, the briefing and the terminal tables use."""
        frame = self.countries
        return {str(c): str(n) for c, n in zip(frame["code"], frame["name"], strict=True)}


def bundled_country_names() -> dict[str, str]:
    """Name of every country by code in the bundled data package's countries.csv (as
    ValueChain.country_names of a workspace on it), read once per process (the table only:
    no value-chain checks)."""
    return dict(_bundled_country_names())


@cache
def _bundled_country_names() -> tuple[tuple[str, str], ...]:
    frame = open_package(None).table("valuechain-countries")
    return tuple((str(c), str(n)) for c, n in zip(frame["code"], frame["name"], strict=True))


def read_sources(package: DataPackage, prefix: str) -> pd.DataFrame:
    """Concatenate every `sources*` resource under a prefix (one file per author is allowed)."""
    frames = []
    for name in package.resource_names(prefix):
        frame = package.table(name)
        path = frame.attrs["path"]
        frame = frame.assign(_file=path, _line=np.asarray(frame.index, dtype=int) + 2)
        frames.append(frame)
    if not frames:
        raise DataPackageError(f"no '{prefix}*' resource", file=str(package.root))
    merged = pd.concat(frames, ignore_index=True)
    merged.attrs["path"] = ", ".join(sorted({f.attrs.get("path", "") for f in frames}))
    return merged


def source_problems(sources: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    for col in SOURCE_COLUMNS:
        if col not in sources.columns:
            problems.append(Problem(sources.attrs.get("path", "?"), 1, col, None,
                                    "required column is missing"))
    if problems:
        return problems
    duplicate = sources["id"].duplicated(keep="first").to_numpy()
    firsts = sources.loc[~duplicate]
    first_in = dict(zip(firsts["id"], firsts["_file"] + ":" + firsts["_line"].astype(str),
                        strict=True))
    reliability = sources["reliability"]
    assumption = (reliability == "assumption").to_numpy()
    bad = duplicate | ~reliability.isin(list(checks.RELIABILITY)).to_numpy()
    bad |= assumption & (sources["note"] == "").to_numpy()
    bad |= ~assumption & ~sources["url"].astype(str).str.startswith(
        ("http://", "https://")).to_numpy()
    duplicates = set(sources.index[duplicate])
    for i, row in checks.flagged_rows(sources, bad):
        where = (row["_file"], row["_line"])
        if i in duplicates:
            problems.append(Problem(*where, "id", row["id"],
                                    f"duplicate source id (first in {first_in[row['id']]})"))
        problems += checks.source_row_problems(row, *where)
    for col in ("published", "accessed"):
        dates = sources[col]
        wrong = checks.per_value(dates, lambda v: bool(v) and not checks.DATE_RE.match(v),
                                 bool)
        for _, row in checks.flagged_rows(sources, wrong):
            problems.append(Problem(row["_file"], row["_line"], col, row[col],
                                    "not a date (YYYY, YYYY-MM or YYYY-MM-DD)"))
    return problems


def table_problems(tables: dict[str, pd.DataFrame], sources: pd.DataFrame) -> list[Problem]:
    """Every rule of docs/data-format.md for the value-chain tables."""
    problems: list[Problem] = []
    for name, cols in COLUMNS.items():
        problems += checks.require_columns(tables[name], cols)
    if problems:
        return problems
    source_ids = set(sources["id"])
    countries, entities = tables["countries"], tables["entities"]
    categories, markets, costs = tables["categories"], tables["markets"], tables["cost_structures"]
    country_codes, entity_ids = set(countries["code"]), set(entities["id"])

    problems += checks.check_unique(countries, ["code"])
    problems += checks.check_member(countries, "eu_member", {"true", "false"}, "boolean")
    problems += checks.check_unique(entities, ["id"])
    problems += checks.check_member(entities, "kind", {"firm", "sector"}, "entity kind")
    problems += checks.check_member(entities, "owner_country", country_codes, "country code")
    if "sources" in entities.columns:
        problems += [p for p in checks.check_sourced(entities, source_ids,
                                                     reliability_column=None)
                     if p.message != "no source cited"]
    problems += checks.check_unique(categories, ["id"])

    problems += checks.check_member(markets, "category", set(categories["id"]), "category")
    problems += checks.check_member(markets, "buyer_region", set(BUYER_REGIONS), "buyer region")
    problems += checks.check_member(markets, "supplier", entity_ids, "entity")
    problems += checks.check_year(markets)
    problems += checks.check_unique(markets, ["category", "buyer_region", "year", "supplier"])
    problems += checks.check_intervals(markets, lower=0.0, upper=1.0)
    problems += checks.check_sourced(markets, source_ids)
    problems += checks.check_group_sums(markets, ["category", "buyer_region", "year"])

    problems += checks.check_member(costs, "entity", entity_ids, "entity")
    problems += checks.check_year(costs)
    problems += checks.check_member(costs, "kind", set(COST_KINDS), "cost kind")
    problems += checks.check_unique(costs, ["entity", "year", "kind", "counterpart"])
    problems += checks.check_intervals(costs, lower=0.0, upper=1.0)
    problems += checks.check_sourced(costs, source_ids)
    problems += checks.check_group_sums(costs, ["entity", "year"])
    path = costs.attrs.get("path", "?")
    is_input = (costs["kind"] == "input").to_numpy()
    known = np.where(is_input, costs["counterpart"].isin(list(entity_ids)),
                     costs["counterpart"].isin(list(country_codes)))
    unknown = costs["kind"].isin(list(COST_KINDS)).to_numpy() & ~known
    for i, row in checks.flagged_rows(costs, unknown):
        what = "entity" if row["kind"] == "input" else "country code"
        problems.append(Problem(path, checks.line_of(costs, i), "counterpart",
                                row["counterpart"], f"unknown {what}"))
    inputs = costs[costs["kind"] == "input"]
    input_sums = pd.to_numeric(inputs["central"], errors="coerce").groupby(
        [inputs["entity"], inputs["year"]]).sum()
    for (entity, year), total in zip(input_sums.index.tolist(), input_sums.tolist(),
                                     strict=True):
        if total >= 1:
            problems.append(Problem(path, None, "central", round(float(total), 6),
                                    f"inputs of {entity}/{year} add up to {total:.4g} >= 1: "
                                    "no value added is left and the input-output matrix "
                                    "is not productive"))
    years = sorted(set(markets["year"]) | set(costs["year"]))
    have = set(zip(costs["entity"], costs["year"], strict=True))
    for entity in sorted(entity_ids):
        for year in years:
            if (entity, year) not in have:
                problems.append(Problem(path, None, "entity", entity,
                                        f"no cost structure for year {year}"))
    return problems


def group_problems(groups: pd.DataFrame, entities: pd.DataFrame) -> list[Problem]:
    """groups.csv (data 2.5.6): one row per group with a title; every group an entity names
    has a row, and every row is a group some entity is in (a title is what users read in
    place of the id, so a group without one would show as a bare id)."""
    problems = checks.require_columns(groups, ["id", "title"])
    if problems or "groups" not in entities.columns:
        return problems
    path = groups.attrs.get("path", "?")
    problems += checks.check_unique(groups, ["id"])
    for i, row in groups.iterrows():
        if not row["title"]:
            problems.append(Problem(path, checks.line_of(groups, i), "title", row["id"],
                                    "a group needs a title (what users read for it)"))
    used = {g for cell in entities["groups"] for g in checks.split_list(cell)}
    for i, group in groups["id"].items():
        if group not in used:
            problems.append(Problem(path, checks.line_of(groups, i), "id", group,
                                    "no entity is in this group (entities.csv groups)"))
    for group in sorted(used - set(groups["id"])):
        problems.append(Problem(entities.attrs.get("path", "?"), None, "groups", group,
                                "group has no row (and so no title) in valuechain/groups.csv"))
    return problems


def read_groups(package: DataPackage) -> pd.DataFrame | None:
    """groups.csv of a package, None when it has none (packages before data 2.5.6)."""
    return package.table("valuechain-groups") if package.has("valuechain-groups") else None


def _typed(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for col in NUMERIC:
            if col in frame.columns:
                frame[col] = frame[col].astype(float)
        if "year" in frame.columns:
            frame["year"] = frame["year"].astype(int)
        out[name] = frame
    out["countries"]["eu_member"] = out["countries"]["eu_member"] == "true"
    out["entities"]["group_list"] = out["entities"]["groups"].map(checks.split_list)
    return out


def read_valuechain(package: DataPackage) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    tables = {name: package.table(f"valuechain-{name.replace('_', '-')}") for name in COLUMNS}
    return tables, read_sources(package, "valuechain-sources")


def valuechain_problems(path: str | None = None) -> list[Problem]:
    """Every row problem of the value-chain tables of the package at `path` (bundled by
    default); empty when they are valid. Never uses the validation cache."""
    package = open_package(path)
    tables, sources = read_valuechain(package)
    groups = read_groups(package)
    own = [] if groups is None else group_problems(groups, tables["entities"])
    return source_problems(sources) + table_problems(tables, sources) + own


def raise_first(problems: list[Problem]) -> None:
    """Raise the first problem as a DataPackageError (noting how many more there are)."""
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems; run 'moneytrail validate')" \
            if len(problems) > 1 else ""
        raise DataPackageError(first.message + more, file=f"{first.file}:{first.line}"
                               if first.line else first.file, field=first.field,
                               value=first.value)


def valuechain_of(package: DataPackage) -> ValueChain:
    """The checked, typed value-chain tables of an open package.

    The row checks run unless this exact package content passed them before (see
    `package.is_validated`); after a clean check the package is marked validated.
    Raises DataPackageError with the first problem otherwise.
    """
    tables, sources = read_valuechain(package)
    groups = read_groups(package)
    if not is_validated(package, "valuechain"):
        own = [] if groups is None else group_problems(groups, tables["entities"])
        raise_first(source_problems(sources) + table_problems(tables, sources) + own)
        mark_validated(package, "valuechain")
    typed = _typed(tables)
    years = tuple(sorted(set(typed["cost_structures"]["year"])))
    return ValueChain(package=package, sources=sources, years=years, groups=groups, **typed)


def load_valuechain(path: str | None = None) -> ValueChain:
    """Read and check the value-chain tables; the first problem is raised as a clear error."""
    return valuechain_of(open_package(path))
