"""How real a plan's money is, for the plan page, the run page and their JSON twins.

The same words and deals as the briefing (report.briefing.content: `matching_deals` finds
the ledger deal whose sources include the plan's budget source, `reality_text` says it),
plus what a page can link: each stage's amount with the sources of the claims it rests on,
and the deal's ledger page. Nothing is computed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from moneytrail.report.units import ledger_state_text

if TYPE_CHECKING:
    from moneytrail.ledger.store import Ledger
    from moneytrail.report.briefing.content import DealReality
    from moneytrail.scenarios.schema import Plan
    from moneytrail.service.result import Result
    from moneytrail.service.workspace import Workspace
    from moneytrail.web.state import WebState

# the ledger's stages as a page names them
STAGE_WORDS = (("announced", "announced"), ("committed", "committed"), ("disbursed", "spent"))


def kept_how_real(state: WebState, plan: Plan, result: Result | None = None
                  ) -> dict[str, Any] | None:
    """`how_real` for a page, kept per plan and ledger revision (reading the ledger's deals,
    claims and sources takes half a second; an edit makes a new revision, so a page never
    shows an older ledger than the one it names). `result`: the stored run a run page shows,
    whose ledger is the store as it stood when the run was made (content.run_ledger, as its
    reports read it); None (a plan page) reads the store as it is now. None without a
    workspace. The answer is shared: read it, never change it."""
    ws = state.workspace
    if ws is None:
        return None
    from moneytrail.report.briefing.content import run_ledger
    from moneytrail.web.routes_runs import keep

    if result is not None:
        ledger, cited, stood = run_ledger(ws, result)
        revision: int | None = ledger.state().revision if ledger is not None else None
    else:
        stood = ""
        try:
            ledger = ws.ledger()
            revision = ledger.state().revision
            cited = ledger_state_text(revision, ledger.state().time)
        except Exception:      # no ledger store: how_real says nothing is assessed
            ledger, revision, cited = None, None, ""
    key = (plan.model_dump_json(), plan.kind, revision, stood)    # `kind` is not in the dump
    found = state.how_real_kept.get(key)
    if found is None:
        found = how_real(ws, plan, ledger, cited, stood)
        keep(state.how_real_kept, key, found)     # the app's small cache (oldest out first)
    return found


def how_real(ws: Workspace, plan: Plan, ledger: Ledger | None = None, cited: str = "",
             stood: str = "") -> dict[str, Any]:
    """{"text": the briefing's sentence, "tied": whether a ledger deal was found, "deals":
    [deal_entry, ...]} for `plan`, from `ledger` (None: the workspace's store now) whose state
    is cited as `cited` ('ledger revision 14 of ...'; '' without a store) and, for a run's
    ledger, `stood` ('as it stood when run 1a2b3c4d was made'; '': said as read when the page
    was made)."""
    from moneytrail.report.briefing.content import (
        SourceBook,
        matching_deals,
        reality_text,
    )

    deals = matching_deals(ws, plan, SourceBook.of(ws), ledger)
    text = reality_text(plan, deals, cited, made="this page was made", stood=stood)
    return {"text": text, "tied": bool(deals), "deals": [deal_entry(d) for d in deals]}


def deal_entry(deal: DealReality) -> dict[str, Any]:
    """A matched deal as a page shows it: its id, name, ledger page, the price year of its
    amounts, and per stage the amount (None when none is recorded), its date, the source
    ids of the claims it rests on (the ids those claims cite, as the deal's page links them)
    and each source's reliability label (id -> label, '' when unrecorded)."""
    row: dict[str, Any] = dict(deal)
    stages = []
    labels = dict(row.get("source_reliability") or {})
    for stage, words in STAGE_WORDS:
        sources = [s for s in str(row[f"{stage}_sources"]).split(";") if s]
        amount = str(row[stage])
        recorded = amount != "–"
        stages.append({"stage": stage, "words": words, "amount": amount if recorded else None,
                       "as_of": str(row[f"{stage}_as_of"]) if recorded else "",
                       "in_parts": str(row.get(f"{stage}_parts", "")),
                       "sources": sources,
                       "reliability": {s: labels.get(s, "") for s in sources}})
    return {"id": row["deal"], "name": row["name"],
            "url": f"/ledger/deals/{quote(str(row['deal']), safe='')}",
            "price_year": row["price_year"], "stages": stages}


def run_how_real(state: WebState, result: Result) -> dict[str, Any] | None:
    """`kept_how_real` for the plan a trace run was computed from; None for another run (an
    analysis, a comparison) or a trace without its plan."""
    from moneytrail.errors import MoneytrailError
    from moneytrail.service.tasks import stored_plan

    if result.kind != "trace":
        return None
    try:
        plan = stored_plan(result, to="say how real its money is")
    except (MoneytrailError, ValueError):     # a plan stored under older rules
        return None
    return kept_how_real(state, plan, result)
