"""Data package + year -> IOModel."""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np
import pandas as pd

from moneytrail.data.valuechain import ValueChain, load_valuechain
from moneytrail.engine.parameters import CostParameters
from moneytrail.errors import ModelError, ScenarioError
from moneytrail.model.iomodel import IOModel


def check_year(chain: ValueChain, year: int, *, scenario: str | None = None) -> int:
    """`year` is one the data package has cost structures for (the one rule for every model
    build and every plan). Raises, naming the field `year`, its value and the years the data
    cover: ScenarioError naming `scenario` (a plan's file, else its id) when a plan asks for
    the year, else ModelError naming the data package."""
    if year in chain.years:
        return year
    available = ", ".join(str(y) for y in chain.years) or "none"
    error = ModelError if scenario is None else ScenarioError
    raise error(f"the data package has no data for this year (the data cover {available}): "
                "give one of these years", file=scenario or str(chain.package.root),
                field="year", value=year)


def build_model(chain: ValueChain, year: int) -> IOModel:
    """The model (IOModel) of one data year from an opened value chain (`chain`, e.g.
    `Workspace.open().valuechain`; `load_model` opens one for you), with the intervals Monte
    Carlo draws from. `year`: a whole number. Returns the IOModel; raises ModelError (field
    `year`) for a year without data (check_year)."""
    check_year(chain, year)
    entities = chain.entities.reset_index(drop=True)
    labels = tuple(entities["id"])
    index = {label: i for i, label in enumerate(labels)}
    owner = dict(zip(entities["id"], entities["owner_country"], strict=True))

    costs = chain.cost_structures[chain.cost_structures["year"] == year].reset_index(drop=True)
    is_input = (costs["kind"] == "input").to_numpy()
    va = costs[~is_input].reset_index(drop=True)
    flows = pd.DataFrame({
        "entity": va["entity"],
        "factor": va["kind"],
        "country": va["counterpart"],
        "owner_country": np.where(va["kind"] == "capital", va["entity"].map(owner),
                                  va["counterpart"]),
    })
    target = np.empty(len(costs), dtype=int)
    target[is_input] = costs.loc[is_input, "counterpart"].map(index).to_numpy()
    target[~is_input] = np.arange(len(va))
    rows = pd.DataFrame({"column": costs["entity"].map(index).to_numpy(), "is_input": is_input,
                         "target": target, "low": costs["low"], "central": costs["central"],
                         "high": costs["high"],
                         "reliability": costs["reliability"]})   # evidence weight
    params = CostParameters.from_rows(rows, n=len(labels), n_flows=len(va))
    A, revenue_weights = params.central()
    va_total = np.bincount(flows["entity"].map(index), weights=revenue_weights,
                           minlength=len(labels))
    flows["weight"] = revenue_weights / va_total[flows["entity"].map(index).to_numpy()]

    model = IOModel(
        labels=labels, A=A, entities=entities, flows=flows, year=year,
        data_version=chain.version, cost_parameters=params,
        markets=chain.markets[chain.markets["year"] == year].reset_index(drop=True),
        categories=chain.categories, eu_members=frozenset(chain.eu_members()),
        source=f"data package {chain.package.name} {chain.version}",
        package_root=str(chain.package.root),
    )
    model.check_productive(where=f"{chain.package.root} (year {year})")
    return model


def load_model(year: int = 2025, *, path: str | Path | None = None) -> IOModel:
    """The model (IOModel) of one data year, built from the bundled data package or the one
    at `path`.

    Arguments: `year`, a whole number (default 2025; the bundled data cover 2024 and 2025);
    `path`, a data package folder or its datapackage.json (str or Path; default the
    bundled package).

    Returns an IOModel over the package's entities (`model.labels`, `model.n` of them): its
    supplier shares, cost structures and value-added splits with the low/central/high
    intervals a trace draws from (`mt.trace(plan, model=model)`), in USD per USD of output
    (shares, no unit of their own).

    Raises ModelError (field `year`) for a year that is not a whole number or has no data,
    naming the years there are; DataPackageError for a path that is no readable, valid data
    package."""
    if isinstance(year, bool) or not isinstance(year, numbers.Integral):
        raise ModelError("year must be a whole number such as 2025", field="year", value=year)
    return build_model(load_valuechain(None if path is None else str(path)), int(year))
