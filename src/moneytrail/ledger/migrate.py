"""Bring a store's schema to the newest migration; users never need an alembic.ini.

A store already at the newest revision is recognised with one query, before Alembic (and the
SQL dialects it loads, PostgreSQL's among them) is imported: opening a current store costs no
migration machinery.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from moneytrail.ledger.locking import write_transaction

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPTS = Path(__file__).parent / "migrations"
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
    store already at the head revision is left as it is without loading Alembic; a store at a
    revision this code does not know (made by a newer moneytrail) is refused (`check_known`).
    """
    current = current_revision(engine)
    if revision == "head" and current is not None and current == head_revision():
        return
    check_known(engine, current)
    from alembic import command

    config = alembic_config()
    with write_transaction(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
