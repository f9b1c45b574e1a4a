"""Migration 0008 (`runs.owner`, run leases) on SQLite and PostgreSQL: a store upgraded from
0007 keeps its runs; a queued or running run left by the older version has no owner and counts
as interrupted once its time stamp is older than the lease; downgrade drops the column."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, inspect

from moneytrail.ledger import connection, migrate
from moneytrail.ledger.models import Run
from moneytrail.service import runs

OLD = runs.now() - dt.timedelta(seconds=runs.LEASE_SECONDS + 30)


def test_upgrade_from_0007_gives_old_open_runs_an_expired_lease(store_url):
    from alembic import command

    engine = connection.open_engine(store_url)
    try:
        migrate.upgrade(engine, "0007")
        with engine.begin() as conn:
            for rid, status, stamp in (("a" * 32, "running", OLD), ("b" * 32, "done", OLD),
                                       ("c" * 32, "queued", runs.now())):
                conn.execute(insert(Run.__table__).values(
                    id=rid, kind="trace", label="p", code_version="c", data_version="d",
                    data_hash="h", inputs="{}", status=status, done=0, total=5, error="",
                    result=None, created_at=stamp, updated_at=stamp))
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        store = runs.RunStore(engine)
        old, done, fresh = (store.get(c * 32) for c in "abc")
        assert old.owner == done.owner == fresh.owner == ""
        assert runs.lease_expired(old) and not runs.lease_expired(done)
        assert not runs.lease_expired(fresh)
        assert store.interrupt("a" * 32) and not store.interrupt("c" * 32)
        assert store.get("a" * 32).status == "error"
        assert store.get("c" * 32).status == "queued"
        config = migrate.alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0007")
        assert "owner" not in {c["name"] for c in inspect(engine).get_columns("runs")}
        assert migrate.current_revision(engine) == "0007"
    finally:
        engine.dispose()
