"""A new, empty store is created at the newest schema in one step (the models' tables and
Alembic's version table, no migration run, Alembic not even imported), and that schema is the
one running every migration gives: tables, columns in order, types, nullability, server
defaults, primary keys, indexes, unique, foreign-key and check constraints, on SQLite and on
PostgreSQL. Existing stores are still migrated."""

from __future__ import annotations

import subprocess
import sys
from contextlib import nullcontext
from typing import Any

from sqlalchemy import Engine, inspect, text

from moneytrail.ledger import connection, migrate


def schema(engine: Engine) -> dict[str, Any]:
    """Everything the inspector reads about each table, in a comparable form."""
    found = inspect(engine)
    tables: dict[str, Any] = {}
    for name in sorted(found.get_table_names()):
        tables[name] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"], c.get("default"),
                         c.get("autoincrement")) for c in found.get_columns(name)],
            "primary_key": found.get_pk_constraint(name),
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                              for i in found.get_indexes(name)),
            "unique": sorted((u["name"] or "", tuple(u["column_names"]))
                             for u in found.get_unique_constraints(name)),
            "foreign_keys": sorted((f["name"] or "", tuple(f["constrained_columns"]),
                                    f["referred_table"], tuple(f["referred_columns"]))
                                   for f in found.get_foreign_keys(name)),
            "checks": sorted((c["name"] or "", c["sqltext"])
                             for c in found.get_check_constraints(name)),
        }
    with engine.connect() as conn:
        tables["alembic_version rows"] = conn.execute(
            text("SELECT version_num FROM alembic_version")).scalars().all()
    return tables


def test_a_new_store_at_head_has_the_schema_every_migration_gives(store_url, request):
    other = nullcontext(store_url.replace(".sqlite", "-migrated.sqlite")) \
        if store_url.startswith("sqlite") else \
        connection.scratch_schema(request.getfixturevalue("postgres_url"), "mt_test")
    with other as migrated_url:
        created = connection.open_engine(store_url)
        migrated = connection.open_engine(migrated_url)
        try:
            migrate.upgrade(created)                               # new store: one step
            migrate.upgrade(migrated, migrate.head_revision())     # every migration
            assert migrate.current_revision(created) == migrate.head_revision()
            assert schema(created) == schema(migrated)
        finally:
            created.dispose()
            migrated.dispose()


def test_a_new_store_is_created_without_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    code = ("import sys; from moneytrail.ledger import connection, migrate; "
            f"e = connection.open_engine({url!r}); migrate.upgrade(e); "
            "print(migrate.current_revision(e), "
            "any(m.split('.')[0] == 'alembic' for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300)
    assert out.stdout.split() == [migrate.head_revision(), "False"]


def test_an_old_store_is_still_migrated(tmp_path):
    engine = connection.open_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    try:
        migrate.upgrade(engine, "0007")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO runs (id, kind, label, code_version, data_version, "
                              "data_hash, inputs, status, created_at, updated_at) VALUES "
                              "('r1', 'trace', '', 'c', 'd', 'h', '{}', 'done', "
                              "'2026-01-01', '2026-01-01')"))
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:      # 0008's column, added to the row kept
            assert conn.execute(text("SELECT id, owner FROM runs")).all() == [("r1", "")]
    finally:
        engine.dispose()


def test_a_database_holding_other_tables_is_migrated_not_created(tmp_path):
    engine = connection.open_engine(f"sqlite:///{tmp_path / 'shared.sqlite'}")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY)"))
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert "notes" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
