"""Output selectors: one number per draw, named by a short string, for sensitivity and reports.

Grammar: `MEASURE:[DIMENSION:]LABEL`

- MEASURE: `share` (of the plan's spending) or `amount` (in the plan's currency);
- DIMENSION: `group` (the default), `entity`, `country` (where value is added),
  `owner_country` (where it accrues), `factor` (labour, capital, tax), `tier`, `supplier`
  (first invoices), or `headline` (a row of `mt.headline`, by name or unique prefix);
- LABEL: the row, e.g. `us_big_tech`, `nvidia`, `TW`, `labour`, `Taxes`.

Examples: `share:us_big_tech`, `share:entity:nvidia`, `share:country:TW`,
`amount:factor:labour`, `share:headline:EU workers`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from moneytrail.engine.result import DIMENSIONS, TraceResult
from moneytrail.errors import MoneytrailError

MEASURES = ("share", "amount")


@dataclass(frozen=True)
class OutputSpec:
    measure: str
    dimension: str
    label: str

    @classmethod
    def parse(cls, text: str) -> OutputSpec:
        parts = [p.strip() for p in str(text).split(":", 2)]
        if len(parts) < 2 or parts[0] not in MEASURES or not parts[-1]:
            raise MoneytrailError("output must look like share:GROUP or "
                                  "share:DIMENSION:LABEL (e.g. share:country:TW)",
                                  field="output", value=text)
        if len(parts) == 2:
            return cls(parts[0], "group", parts[1])
        if parts[1] not in (*DIMENSIONS, "headline"):
            raise MoneytrailError(f"unknown dimension (use {', '.join(DIMENSIONS)}, headline)",
                                  field="output", value=text)
        return cls(*parts)

    def __str__(self) -> str:
        return f"{self.measure}:{self.dimension}:{self.label}"

    def values(self, result: TraceResult) -> np.ndarray:
        """This output in every draw of a trace (draws,)."""
        amounts = self.amounts(result)
        if self.measure == "amount":
            return amounts
        return amounts / result.draw_totals

    def amounts(self, result: TraceResult) -> np.ndarray:
        if self.dimension == "headline":
            return headline_amounts(result, self.label)
        values, names = result.amounts_by(self.dimension)
        if self.label not in names:
            known = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
            raise MoneytrailError(f"no {self.dimension} of this name (known: {known})",
                                  field="output", value=self.label)
        return values[:, names.index(self.label)]


def headline_amounts(result: TraceResult, label: str) -> np.ndarray:
    from moneytrail.analysis.headline import HEADLINES
    from moneytrail.engine.dimensions import headline_label

    label = headline_label(label)       # a row's former name ("EU-owned firms") still works
    matches = [(name, select) for name, select in HEADLINES
               if name.lower() == label.lower()] or \
              [(name, select) for name, select in HEADLINES
               if name.lower().startswith(label.lower())]
    if len(matches) != 1:
        known = "; ".join(name for name, _ in HEADLINES)
        raise MoneytrailError(f"no single headline row of this name (rows: {known})",
                              field="output", value=label)
    return result.select(matches[0][1](result.flow_labels, result.model.eu_members))
