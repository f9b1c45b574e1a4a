"""A hybrid model: firm-level entities whose supply chain continues through a sector table.

The firm model keeps its entities, intervals and markets; the table's sectors are appended as a
fixed block. A link {entity: {sector: weight}} makes the entity spend `weight` of its revenue on
that sector, and scales the entity's own inputs and value added by 1 - sum(weights), so every
column still adds up to 1 (inputs + value added = revenue) and value added equals spending.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from moneytrail.errors import ModelError
from moneytrail.model.iomodel import IOModel
from moneytrail.model.satellites import stack_satellites


def link_matrix(model: IOModel, table: IOModel, links: dict[str, dict[str, float]]
                ) -> sp.csr_array:
    """W (table sectors x model entities): the share of each entity's revenue spent on each
    sector."""
    index, sectors = model.index, table.index
    rows, cols, vals = [], [], []
    for entity, weights in links.items():
        if entity not in index:
            raise ModelError("unknown entity to link", field="links", value=entity)
        for sector, weight in weights.items():
            if sector not in sectors:
                raise ModelError("unknown table sector", field=f"links.{entity}", value=sector)
            if not (np.isfinite(weight) and weight >= 0):
                raise ModelError("link weights must be non-negative", field=f"links.{entity}",
                                 value=weight)
            rows.append(sectors[sector])
            cols.append(index[entity])
            vals.append(float(weight))
        total = sum(weights.values())
        if total > 1.0 + 1e-12:
            raise ModelError(f"link weights add up to {total:.4g} > 1",
                             field=f"links.{entity}", value=total)
    return sp.csr_array((vals, (rows, cols)), shape=(table.n, model.n))


def link_models(model: IOModel, table: IOModel, links: dict[str, dict[str, float]]) -> IOModel:
    """`model` (firm entities first) + `table` (sectors after), joined by `links`."""
    if table.cost_parameters is not None:
        raise ModelError("the linked table must have fixed coefficients", field="table")
    clash = sorted(set(model.labels) & set(table.labels))
    if clash:
        raise ModelError("entity labels appear in both models", field="labels", value=clash[0])
    W = link_matrix(model, table, links)
    scale = 1.0 - np.asarray(W.sum(axis=0)).ravel()
    firm = sp.csr_array(model.A) @ sp.diags_array(scale)
    A = sp.csr_array(sp.block_array([[firm, None], [W, sp.csr_array(table.A)]], format="csr"))
    params = model.cost_parameters
    if params is not None:
        previous = params.column_scale if params.column_scale is not None else 1.0
        params = replace(params, column_scale=previous * scale)
    hybrid = IOModel(
        labels=model.labels + table.labels, A=A,
        entities=pd.concat([model.entities, table.entities], ignore_index=True),
        flows=pd.concat([model.flows, table.flows], ignore_index=True),
        year=model.year, data_version=model.data_version, cost_parameters=params,
        markets=model.markets, categories=model.categories, eu_members=model.eu_members,
        source=f"{model.source} linked to {table.source}", noise=table.noise,
        satellites=stack_satellites(model.satellites, model.n, table.satellites, table.n),
        package_root=model.package_root)
    hybrid.check_productive(where="hybrid model")
    return hybrid
