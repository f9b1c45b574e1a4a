"""Migration 0006 (`open_runs`) on SQLite and PostgreSQL: a store upgraded from 0005 keeps
the visibility every run had (runs no saved plan was started from: everyone's; runs of
private or deleted plans: their owners' only; runs of public plans: everyone's), and from
then on a run computed outside a saved plan is everyone's even when a private plan was
started from it (docs/security.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, inspect

from moneytrail.accounts.models import Account, SavedPlan, SavedPlanRun
from moneytrail.accounts.plans import run_visible
from moneytrail.ledger import connection, migrate
from moneytrail.ledger.models import Run
from moneytrail.service.runs import RunStore

STAMP = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
# run -> (anonymous, eve the owner, mal another account) under 0005's rule
BEFORE = {"a" * 32: (True, True, True),      # no saved plan
          "b" * 32: (False, True, False),    # eve's private plan
          "c" * 32: (True, True, True),      # eve's public plan
          "d" * 32: (False, True, False),    # eve's deleted (once public) plan
          "e" * 32: (True, True, True)}      # eve's private plan and mal's public one


def fill_0005(engine) -> tuple[int, int]:
    """Accounts eve and mal, four saved plans and five runs, written at revision 0005."""
    with engine.begin() as conn:
        ids = [conn.execute(insert(Account).values(
            name=name, role="editor", password_hash="x", disabled=False, created_at=STAMP)
            .returning(Account.id)).scalar_one() for name in ("eve", "mal")]
        plans = {}
        for key, owner, visibility, deleted in (("private", ids[0], "private", False),
                                                ("public", ids[0], "public", False),
                                                ("deleted", ids[0], "public", True),
                                                ("mal", ids[1], "public", False)):
            plans[key] = conn.execute(insert(SavedPlan).values(
                owner_id=owner, title=key, description="", visibility=visibility, plan="{}",
                revision=1, deleted=deleted, created_at=STAMP, updated_at=STAMP)
                .returning(SavedPlan.id)).scalar_one()
        for rid in BEFORE:
            conn.execute(insert(Run).values(
                id=rid, kind="trace", label="p", code_version="c", data_version="d",
                data_hash="h", inputs="{}", status="done", done=1, total=1, error="",
                result=None, created_at=STAMP, updated_at=STAMP))
        for rid, plan in (("b", "private"), ("c", "public"), ("d", "deleted"),
                          ("e", "private"), ("e", "mal")):
            conn.execute(insert(SavedPlanRun).values(
                plan_id=plans[plan], run_id=rid * 32, revision=1, created_at=STAMP))
    return ids[0], ids[1]


def seen(engine, eve: int, mal: int) -> dict[str, tuple[bool, bool, bool]]:
    return {rid: (run_visible(engine, rid, None), run_visible(engine, rid, eve),
                  run_visible(engine, rid, mal)) for rid in BEFORE}


def test_upgrade_from_0005_keeps_every_runs_visibility(store_url):
    engine = connection.open_engine(store_url)
    try:
        migrate.upgrade(engine, "0005")
        eve, mal = fill_0005(engine)
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert seen(engine, eve, mal) == BEFORE
        # the private plan's run computed again outside it (the CLI, the builder): everyone's
        RunStore(engine).mark_open("b" * 32)
        assert run_visible(engine, "b" * 32, None) and run_visible(engine, "b" * 32, mal)
        # a private store (a saved plan's own runs) opens nothing
        RunStore(engine, private=True).mark_open("d" * 32)
        assert not run_visible(engine, "d" * 32, None)
        migrate.upgrade(engine)                   # at head: nothing happens
        assert run_visible(engine, "b" * 32, None)
    finally:
        engine.dispose()


def test_downgrade_to_0005_drops_open_runs(store_url):
    from alembic import command

    engine = connection.open_engine(store_url)
    try:
        migrate.upgrade(engine)
        assert "open_runs" in inspect(engine).get_table_names()
        config = migrate.alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0005")
        assert "open_runs" not in inspect(engine).get_table_names()
        assert migrate.current_revision(engine) == "0005"
    finally:
        engine.dispose()
