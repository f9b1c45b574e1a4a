"""The price per H100-equivalent beside a run's count of accelerators (the lifecycle table's
'Accelerators owned'), in words, from the price stored with the run on that row
(service.lifecycle.PRICE_COLUMNS): the run page and the briefing say the same sentence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from moneytrail.report.units import finite
from moneytrail.service.lifecycle import PRICE_COLUMNS


def h100e_price(row: Mapping[str, Any] | pd.Series, currency: str) -> dict[str, Any] | None:
    """The stored price per H100-equivalent of the lifecycle row `accelerators_h100e` (a
    record or a frame's row) of a run in `currency` (the plan's): its sentence (`text`) and
    the source ids it rests on (`sources`; a page links them, the briefing names them). None
    for a run stored without it (before the run kept its price) or without a price."""
    values: dict[str, Any] = {key: row.get(column) for key, column in PRICE_COLUMNS.items()}
    if not all(finite(values[k]) for k in ("low", "central", "high", "per_chip")):
        return None
    per_chip = float(values["per_chip"])
    head = (f"Counted at about {currency} {float(values['central']):,.0f} per H100-equivalent "
            f"({float(values['low']):,.0f} to {float(values['high']):,.0f}), the accelerator "
            f"spending divided by this price: the {values['chip']} price")
    if per_chip != 1.0:
        head += (f" divided by the {per_chip:.2f} H100-equivalents one such chip counts (its "
                 "dense BF16 TFLOP/s over the H100's)")
    text = (f"{head}, in the plan's money (its currency at its price year, converted as the "
            "count converts the spending; the table of accelerators, reliability "
            f"{values['reliability'] or 'not given'}).")
    sources = [s.strip() for s in str(values["sources"] or "").split(";") if s.strip()]
    return {"text": text, "sources": sources}
