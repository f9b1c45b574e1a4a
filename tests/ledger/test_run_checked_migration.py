"""Migration 0009 (`runs.checked_run_id`) on SQLite and PostgreSQL: a store made at 0008
keeps working. A claims run checked against a run (service.run_claims, service.own_claims)
was told apart only by its label, "... run <id>"; the upgrade reads that label once and
stores the id, so from then on such a check is as visible as the run it checked in every
SQL list (accounts.plans.visible_runs_clause) as well as on its page (run_visible)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, inspect, select

from moneytrail.accounts.models import Account, SavedPlan, SavedPlanRun
from moneytrail.accounts.plans import run_visible, visible_runs_clause
from moneytrail.ledger import connection, migrate
from moneytrail.ledger.models import OpenRun, Run
from moneytrail.service.runs import RunStore

STAMP = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
PRIVATE = "a" * 32          # eve's private saved plan's trace run
PUBLIC = "b" * 32           # a trace run everyone sees
# run -> (kind, label, the run it checked as the upgrade must store it)
RUNS = {
    PRIVATE: ("trace", "eu-ai-gigafactories", None),
    PUBLIC: ("trace", "eu-ai-gigafactories", None),
    "c" * 32: ("claims", f"claim public-money with the plan of run {PRIVATE}", PRIVATE),
    "d" * 32: ("claims", f"a reader's claim checked against run {PRIVATE}", PRIVATE),
    "e" * 32: ("claims", f"claim public-money with the plan of run {PUBLIC}", PUBLIC),
    "f" * 32: ("claims", "claims.yaml", None),                 # the debate's claims file
    "0" * 32: ("claims", "my claims run 12345", None),         # not a run id
    "1" * 32: ("trace", f"a plan named run {PUBLIC}", None),   # a trace checks nothing
}


def fill_0008(engine) -> tuple[int, int]:
    """Accounts eve and mal, eve's private plan with its run, and the runs above, every one
    but the private plan's opened (stored by the CLI, or while the plan was public)."""
    with engine.begin() as conn:
        eve, mal = (conn.execute(insert(Account).values(
            name=name, role="editor", password_hash="x", disabled=False, created_at=STAMP)
            .returning(Account.id)).scalar_one() for name in ("eve", "mal"))
        plan = conn.execute(insert(SavedPlan).values(
            owner_id=eve, title="private", description="", visibility="private", plan="{}",
            revision=1, deleted=False, created_at=STAMP, updated_at=STAMP)
            .returning(SavedPlan.id)).scalar_one()
        for rid, (kind, label, _) in RUNS.items():
            conn.execute(insert(Run.__table__).values(
                id=rid, kind=kind, label=label, code_version="c", data_version="d",
                data_hash="h", inputs="{}", status="done", done=1, total=1, error="",
                result=None, created_at=STAMP, updated_at=STAMP, owner=""))
            if rid != PRIVATE:
                conn.execute(insert(OpenRun).values(run_id=rid, created_at=STAMP))
        conn.execute(insert(SavedPlanRun).values(plan_id=plan, run_id=PRIVATE, revision=1,
                                                 created_at=STAMP))
    return eve, mal


def test_upgrade_from_0008_stores_the_run_each_check_checked(store_url):
    from alembic import command

    engine = connection.open_engine(store_url)
    try:
        migrate.upgrade(engine, "0008")
        eve, mal = fill_0008(engine)
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:
            stored = dict(conn.execute(select(Run.id, Run.checked_run_id)).all())
        assert stored == {rid: checked for rid, (_, _, checked) in RUNS.items()}
        assert RunStore(engine).get("c" * 32).checked_run == PRIVATE
        # the labels are kept as they were
        assert RunStore(engine).get("d" * 32).label == RUNS["d" * 32][1]
        checks = {"c" * 32, "d" * 32}
        for viewer, sees in ((None, False), (mal, False), (eve, True)):
            for rid in checks:
                assert run_visible(engine, rid, viewer) is sees, (rid, viewer)
            listed = {r["run_id"] for r in RunStore(engine).recent(
                kind="claims", limit=100,
                visible=lambda column, who=viewer: visible_runs_clause(column, who))}
            assert listed == ({"e" * 32, "f" * 32, "0" * 32} | (checks if sees else set()))
        command_config = migrate.alembic_config()
        with engine.begin() as conn:
            command_config.attributes["connection"] = conn
            command.downgrade(command_config, "0008")
        assert "checked_run_id" not in {c["name"] for c in inspect(engine).get_columns("runs")}
        assert migrate.current_revision(engine) == "0008"
    finally:
        engine.dispose()
