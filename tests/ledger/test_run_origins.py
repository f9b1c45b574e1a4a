"""`run_origins` (migration 0011): a derived run records every run it derives from, directly
or through other derived runs, so it is hidden whenever any of them is
(accounts.plans.visible_runs_clause); SQLite and PostgreSQL. The upgrade from 0010 fills it
from `runs.checked_run_id` (the claim checks stored so far)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, inspect, select, update

from moneytrail.accounts.models import Account, SavedPlan, SavedPlanRun
from moneytrail.accounts.plans import run_visible
from moneytrail.ledger import connection, migrate
from moneytrail.ledger.models import OpenRun, Run, RunOrigin
from moneytrail.service.runs import RunStore

STAMP = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
PLAN_RUN = "a" * 32         # eve's public saved plan's run (not opened)
CHECK = "c" * 32            # a claim checked against it while public (opened)
OTHER = "d" * 32            # a trace run of the CLI


def fill(engine, runs: dict[str, str | None]) -> tuple[int, int]:
    """Account eve and her public plan with PLAN_RUN; `runs` (id -> the run it checked)
    stored done, every one but PLAN_RUN opened. (eve's id, the plan's id)."""
    with engine.begin() as conn:
        eve = conn.execute(insert(Account).values(
            name="eve", role="editor", password_hash="x", disabled=False, created_at=STAMP)
            .returning(Account.id)).scalar_one()
        plan = conn.execute(insert(SavedPlan).values(
            owner_id=eve, title="public", description="", visibility="public", plan="{}",
            revision=1, deleted=False, created_at=STAMP, updated_at=STAMP)
            .returning(SavedPlan.id)).scalar_one()
        for rid, checked in runs.items():
            values = {"checked_run_id": checked} if checked else {}
            conn.execute(insert(Run.__table__).values(
                id=rid, kind="claims" if checked else "trace", label="x", code_version="c",
                data_version="d", data_hash="h", inputs="{}", status="done", done=1,
                total=1, error="", result=None, created_at=STAMP, updated_at=STAMP, owner="",
                **values))
            if rid != PLAN_RUN:
                conn.execute(insert(OpenRun).values(run_id=rid, created_at=STAMP))
        conn.execute(insert(SavedPlanRun).values(plan_id=plan, run_id=PLAN_RUN, revision=1,
                                                 created_at=STAMP))
    return eve, plan


def make_private(engine, plan: int) -> None:
    with engine.begin() as conn:
        conn.execute(update(SavedPlan).where(SavedPlan.id == plan).values(
            visibility="private"))


def test_upgrade_from_0010_records_what_each_check_checked(store_url):
    from alembic import command

    engine = connection.open_engine(store_url)
    try:
        migrate.upgrade(engine, "0010")
        eve, plan = fill(engine, {PLAN_RUN: None, CHECK: PLAN_RUN, OTHER: None})
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:
            assert conn.execute(select(RunOrigin.run_id, RunOrigin.origin_id)).all() == \
                [(CHECK, PLAN_RUN)]
        assert run_visible(engine, CHECK, None)
        make_private(engine, plan)
        assert not run_visible(engine, CHECK, None) and run_visible(engine, CHECK, eve)
        assert run_visible(engine, OTHER, None)
        config = migrate.alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0010")
        assert "run_origins" not in inspect(engine).get_table_names()
        assert migrate.current_revision(engine) == "0010"
    finally:
        engine.dispose()


def start(store: RunStore, rid: str) -> None:
    assert store.start(rid, kind="trace", label="x", inputs={}, data_version="d",
                       data_hash="h", total=1)


def test_a_chain_of_derived_runs_is_hidden_with_its_first_run(store_url):
    """A rerun of a public plan's run, the rerun of that rerun and the tornado of the second
    are all opened (started while the plan was public), yet all hidden with the plan's run:
    each records every run before it. Before 0011 only a check's one step was followed."""
    engine = connection.open_engine(store_url)
    try:
        migrate.upgrade(engine)
        eve, plan = fill(engine, {PLAN_RUN: None})
        store = RunStore(engine)
        rerun, again, tornado = "1" * 32, "2" * 32, "3" * 32
        start(store.derived_from(PLAN_RUN), rerun)
        start(store.derived_from(rerun), again)
        start(store.derived_from(again), tornado)
        with engine.connect() as conn:
            origins = conn.execute(select(RunOrigin.origin_id).where(
                RunOrigin.run_id == tornado)).scalars().all()
        assert set(origins) == {PLAN_RUN, rerun, again}
        assert all(run_visible(engine, rid, None) for rid in (rerun, again, tornado))
        make_private(engine, plan)
        for rid in (rerun, again, tornado):
            assert not run_visible(engine, rid, None) and run_visible(engine, rid, eve)
        # asked for again on the back of a run: still derived (nothing forgotten)
        store.derived_from(PLAN_RUN).mark_open(again)
        assert not run_visible(engine, again, None)
        # computed on its own outside a saved plan (the builder, the API, the CLI): whoever
        # did holds its content, so it is public as every open run is
        store.mark_open(again)
        assert run_visible(engine, again, None)
        assert not run_visible(engine, tornado, None)        # it still derives from rerun
    finally:
        engine.dispose()


def test_a_forgotten_failed_run_forgets_what_it_derived_from(store_url):
    engine = connection.open_engine(store_url)
    try:
        migrate.upgrade(engine)
        fill(engine, {PLAN_RUN: None})
        store = RunStore(engine)
        failed = "4" * 32
        start(store.derived_from(PLAN_RUN), failed)
        store.fail(failed, "boom")
        store.forget_failed(failed)
        start(store, failed)                                   # computed again on its own
        with engine.connect() as conn:
            assert conn.execute(select(RunOrigin).where(
                RunOrigin.run_id == failed)).first() is None
        assert run_visible(engine, failed, None)
    finally:
        engine.dispose()
