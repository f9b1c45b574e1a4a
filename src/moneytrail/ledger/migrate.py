"""Bring a store's schema to the newest migration; users never need an alembic.ini.

A store already at the newest revision is recognised with one query, before Alembic (and the
SQL dialects it loads, PostgreSQL's among them) is imported: opening a current store costs no
migration machinery. A new, empty store is created at the newest revision in one step (the
models' tables, then Alembic's version table stamped with the head), again without Alembic;
tests/ledger/test_ledger_new_store_at_head.py checks that this schema is the one running every
migration gives. Any other store (an older revision) is migrated by Alembic.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from moneytrail.ledger.locking import write_transaction

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPTS = Path(__file__).parent / "migrations"
# Alembic's own version table, as its migration context creates it (alembic.runtime.migration)
VERSION_TABLE = Table("alembic_version", MetaData(),
                      Column("version_num", String(32), nullable=False),
                      PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))
_REVISION = re.compile(r'^(down_revision|revision)\s*=\s*(None|"([^"]*)"|\'([^\']*)\')', re.M)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    return config


def revision_graph(scripts: Path = SCRIPTS) -> tuple[set[str], set[str]]:
    """The shipped migrations' revisions and the revisions some other one follows, read from
    the scripts' `revision` / `down_revision` lines."""
    revisions, parents = set(), set()
    for path in (scripts / "versions").glob("*.py"):
        found = {m.group(1): m.group(3) or m.group(4) for m in
                 _REVISION.finditer(path.read_text(encoding="utf-8"))}
        if found.get("revision"):
            revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(found["down_revision"])
    return revisions, parents


def head_revision(scripts: Path = SCRIPTS) -> str | None:
    """The newest revision of the shipped migrations (the one no other revision follows);
    None when there is not exactly one (then Alembic decides)."""
    revisions, parents = revision_graph(scripts)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def check_known(engine: Engine, current: str | None) -> None:
    """Refuse a store at a revision these migrations do not hold: a newer moneytrail created
    or upgraded it, and this code can neither read its schema nor migrate it. One line naming
    the store and both revisions (`StoreUnavailable`, exit 3, HTTP 503); nothing is changed."""
    revisions, _ = revision_graph()
    if current is None or not revisions or current in revisions:
        return
    from moneytrail.ledger.connection import store_name
    from moneytrail.ledger.errors import StoreUnavailable

    newest = head_revision() or ", ".join(sorted(revisions))
    raise StoreUnavailable(f"the store was created or upgraded by a newer moneytrail (schema "
                           f"revision {current}; this moneytrail knows revisions up to "
                           f"{newest}): upgrade moneytrail to use it; nothing was changed",
                           file=store_name(engine))


def current_revision(engine: Engine) -> str | None:
    """The store's revision (Alembic's version table), None for a new store or when it cannot
    be read (then the upgrade runs and reports any error)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the shipped migrations in one transaction (a failed upgrade changes nothing).

    It holds the write lock, so two processes opening a new store do not both create it. A
    store already at the head revision is left as it is without loading Alembic; a new, empty
    store is created at the head revision in one step (`create_at_head`); a store at a
    revision this code does not know (made by a newer moneytrail) is refused (`check_known`).
    An explicit `revision` (not "head") always runs the migrations up to it.
    """
    current = current_revision(engine)
    if revision == "head" and current is not None and current == head_revision():
        return
    check_known(engine, current)
    with write_transaction(engine) as connection:
        if revision == "head" and current is None and create_at_head(connection):
            return
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def create_at_head(connection: Connection) -> bool:
    """Create a new store's schema at the head revision in one step: every model's table, and
    Alembic's version table holding the head (what `alembic stamp head` writes). Only for a
    database (PostgreSQL: schema) without any table and migrations with one head; returns
    False, having done nothing, otherwise (then the migrations run)."""
    head = head_revision()
    if head is None or inspect(connection).get_table_names():
        return False
    import moneytrail.accounts.models  # noqa: F401  (the account tables share Base)
    from moneytrail.ledger.models import Base

    Base.metadata.create_all(connection)
    VERSION_TABLE.create(connection)
    connection.execute(VERSION_TABLE.insert().values(version_num=head))
    return True
