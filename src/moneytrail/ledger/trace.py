"""Trace a ledger amount: a scenario's spending split applied to a deal's claimed amount."""

from __future__ import annotations

from pydantic import ValidationError

from moneytrail.ledger.errors import LedgerError
from moneytrail.ledger.store import Ledger
from moneytrail.scenarios.schema import Budget, Plan


def plan_for_deal(plan: Plan, ledger: Ledger, deal: str, stage: str = "committed") -> Plan:
    """The plan with its budget replaced by the deal's central amount at `stage`.

    The amount is the latest non-superseded claim of that stage, converted into the plan's
    currency and price year (its `price_year`, else its `year`). Everything else (spend
    split, procurement, draws) stays the scenario's.
    """
    amount = ledger.amount(deal, stage, currency=plan.currency,
                           price_year=plan.price_year or plan.year)
    note = (f"ledger deal {deal}, {stage}: claim {amount['ref']} as of {amount['as_of']}, "
            f"central value in {amount['currency']} at {amount['price_year']} prices "
            f"(range {amount['low']:.4g}-{amount['high']:.4g})")
    try:
        budget = Budget(amount=amount["central"], source=amount["source"], note=note)
    except ValidationError:
        raise LedgerError("the claimed amount is not positive, nothing to trace",
                          field="--deal", value=deal) from None
    return plan.model_copy(update={"budget": budget,
                                   "title": f"{plan.title}, traced with ledger deal {deal} "
                                            f"({stage})"})
