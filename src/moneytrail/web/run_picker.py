"""The stored runs a reader picks from: the claims page's "check this claim against a stored
run" list and the compare page's checkboxes.

Anyone may run a plan (the builder, the JSON API, the CLI), and every such run is open to
everyone, so a list of all visible runs fills with unnamed, unreviewed runs beside the tool's
reference runs, and a journalist cannot tell which is which (a user test found just that).
The pickers list runs in three groups (`RUN_GROUPS`), in this order:

1. `reference`: the reference runs, the runs of the reference plans the home page shows and
   compares (`web.routes_runs.reference_run_ids`: the store's best finished run of each),
   in the plans' order;
2. `own`: the signed-in reader's runs: runs of the saved plans they own (not deleted),
   newest first (a builder run made without saving the plan is recorded as nobody's);
3. `others`: every other run anyone may see (started outside a saved plan, or from a public
   saved plan), newest first, under a label that says they were made by anyone and not
   reviewed; each names its plan's title, budget, draws, seed and date. They are kept, not
   dropped: without an account a reader's own builder run is one of them, and the check
   page names the run a claim was checked against.

A run of another account's private saved plan is in no group (`others` lists what an
anonymous reader may see: accounts.plans.visible_runs_clause with no viewer).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from moneytrail.report.units import draws_text, money, stored_time

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.sql.elements import ColumnElement

MAX_RUNS_LISTED = 60

# (id, label) of the pickers' groups, in their order (the pages' group headings)
RUN_GROUPS: tuple[dict[str, str], ...] = (
    {"id": "reference", "label": "Reference runs: the tool's reference plans"},
    {"id": "own", "label": "Your runs (of your saved plans)"},
    {"id": "others", "label": "Other runs stored here, made by anyone (not reviewed)"},
)


def picker_runs(engine: Engine, viewer: int | None, reference: Mapping[str, str],
                limit: int = MAX_RUNS_LISTED) -> list[dict[str, Any]]:
    """The finished trace runs a reader picks from, grouped (see the module): each row as
    `trace_rows` makes it, with `group` ('reference', 'own' or 'others', RUN_GROUPS), the
    groups in their order. `reference` is each reference plan's run id by plan
    (routes_runs.reference_run_ids), listed when finished and visible to `viewer` (an
    account id, None for anonymous); `own` and `others` hold at most `limit` runs each."""
    from sqlalchemy import exists

    from moneytrail.accounts.models import SavedPlan, SavedPlanRun
    from moneytrail.accounts.plans import visible_runs_clause
    from moneytrail.ledger.models import Run

    wanted = list(dict.fromkeys(reference.values()))
    listed = trace_rows(engine, [Run.id.in_(wanted), visible_runs_clause(Run.id, viewer)],
                        limit=len(wanted)) if wanted else []
    rows = [{**row, "group": "reference"}
            for row in sorted(listed, key=lambda row: wanted.index(row["run_id"]))]
    not_reference = Run.id.not_in(wanted)
    others = [visible_runs_clause(Run.id, None), not_reference]
    if viewer is not None:
        owned = exists().where(SavedPlanRun.run_id == Run.id,
                               SavedPlan.id == SavedPlanRun.plan_id,
                               SavedPlan.owner_id == viewer, SavedPlan.deleted.is_(False))
        rows += [{**row, "group": "own"}
                 for row in trace_rows(engine, [owned, not_reference], limit)]
        others.append(~owned)
    rows += [{**row, "group": "others"} for row in trace_rows(engine, others, limit)]
    distinct_labels(rows)
    return rows


def trace_rows(engine: Engine, conditions: list[ColumnElement[bool]],
               limit: int) -> list[dict[str, Any]]:
    """The newest finished trace runs of the store meeting `conditions` (SQL conditions on
    the runs table), at most `limit`: `run_id`, `plan` (its id), `title` (the plan's title,
    else its id), `draws`, `seed`, `created` ('2026-11-30 23:05 UTC', report.units.
    stored_time) and `label`, the words a reader tells runs apart by: 'title, budget EUR
    20.00 bn, 2,000 draws, seed 1, 2026-11-30 23:05 UTC' (the budget as the app writes money,
    report.units.money), which `distinct_labels` finishes (the run id's first eight digits,
    so no two runs read alike)."""
    import json

    from sqlalchemy import select

    from moneytrail.ledger.models import Run
    from moneytrail.scenarios.reference import hypothetical_note

    with engine.connect() as conn:
        rows = conn.execute(select(Run.id, Run.label, Run.inputs, Run.created_at)
                            .where(Run.kind == "trace", Run.status == "done", *conditions)
                            .order_by(Run.created_at.desc(), Run.id).limit(limit)).all()
    out = []
    for r in rows:
        try:
            inputs = json.loads(r.inputs or "{}")
        except ValueError:
            inputs = {}
        inputs = inputs if isinstance(inputs, dict) else {}
        found = inputs.get("plan")
        plan: dict[str, Any] = found if isinstance(found, dict) else {}
        title = str(plan.get("title") or r.label or r.id[:8])
        draws, seed = inputs.get("draws"), inputs.get("seed")
        created = stored_time(r.created_at)
        words = [title]
        budget = budget_text(plan)
        if budget:
            words.append(budget)
        if isinstance(draws, int):
            words.append(draws_text(draws, noun="draw"))
        if isinstance(seed, int):
            words.append(f"seed {seed}")
        out.append({"run_id": r.id, "plan": r.label or "", "title": title,
                    # a reference plan moneytrail made up: the picker says so
                    "hypothetical": hypothetical_note(plan.get("id"), plan.get("title")),
                    "draws": draws, "seed": seed, "created": created,
                    "label": ", ".join([*words, created]), "_alike": ", ".join(words),
                    "_plan": plan})
    return out


def budget_text(plan: dict[str, Any]) -> str:
    """'budget EUR 20.00 bn': a plan's budget as the app writes money (report.units.money),
    '' when the plan has no number for it."""
    budget = plan.get("budget")
    amount = budget.get("amount") if isinstance(budget, dict) else budget
    if isinstance(amount, bool) or not isinstance(amount, int | float) \
            or not math.isfinite(amount):
        return ""
    return f"budget {money(amount, str(plan.get('currency') or '')).strip()}"


def plan_words(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, words) a reader can tell two runs of like-titled plans apart by, in the order
    they are added to a label: currency ('USD'), price year ('prices of 2024'; the plan's year
    when it gives none), plan year ('plan year 2026')."""
    year = plan.get("year")
    return [("currency", str(plan.get("currency") or "")),
            ("price_year", f"prices of {plan.get('price_year') or year}"),
            ("year", f"plan year {year}")]


def distinct_labels(rows: list[dict[str, Any]]) -> None:
    """Make like labels (runs listed as the same title, budget, draws and seed, whatever
    their times: a reader does not tell runs apart by the minute) distinct in place: add the
    plan fields that differ among them (currency, price year, plan year: 'title, ...,
    2026-11-30 23:05 UTC, EUR, prices of 2024'), then end every label with the run id's first
    eight digits ('run 1a2b3c4d'), which tells apart even runs alike in all of these (the
    same plan twice, another code or data version)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row.get("_alike", row["label"]), []).append(row)
    for same in groups.values():
        if len(same) > 1:
            words = [dict(plan_words(row["_plan"])) for row in same]
            differing = [field for field, _ in plan_words({})
                         if len({w[field] for w in words}) > 1]
            for row, own in zip(same, words, strict=True):
                row["label"] = ", ".join([row["label"], *(own[f] for f in differing
                                                          if own[f])])
    for row in rows:
        row["label"] = f"{row['label']}, run {row['run_id'][:8]}"
        del row["_plan"]
        row.pop("_alike", None)
