"""The runs a briefing of a stored run stores (the run traced again with analyses when it
was stored without them, the tornado's sensitivity run) derive from that run: each records
it, and the runs it derives from (`run_origins`), so none is more visible than the run the
briefing was asked for (accounts.plans.visible_runs_clause; docs/security.md)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"


def origins(ws, run: str) -> set[str]:
    from moneytrail.ledger.models import RunOrigin

    with ws.ledger().engine.connect() as conn:
        return set(conn.execute(select(RunOrigin.origin_id).where(
            RunOrigin.run_id == run)).scalars())


def test_a_briefings_runs_derive_from_the_run_it_briefs(module_ws):
    from moneytrail.report.briefing import resolve_stored
    from moneytrail.report.briefing.content import gather
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    ws = module_ws
    stored = tasks.trace_plan(ws, load_scenario(REFERENCE), draws=200, seed=3,
                              analyses=False)                # as `moneytrail trace` stores it
    assert origins(ws, stored.run_id) == set()
    resolved, asked = resolve_stored(ws, [stored])
    again = resolved[0]
    assert again.run_id != stored.run_id and asked[again.run_id].run_id == stored.run_id
    assert origins(ws, again.run_id) == {stored.run_id}
    briefing = gather(ws, resolved)
    tornado = briefing.plans[0].tornado
    assert tornado is not None and tornado.kind == "sensitivity"
    assert origins(ws, tornado.run_id) == {again.run_id, stored.run_id}
