"""One store-wide write lock, so concurrent writers never act on a state they did not see.

Every write (add, edit, delete, revert, import, migration) runs in `write_transaction`: the lock
is taken when the transaction starts, and the writer then reads, checks the expected revision,
validates and writes while holding it. A second writer waits, then sees the first one's result.

- SQLite: pysqlite normally defers BEGIN until the first write, which lets two writers read the
  same state. `configure` turns that off (SQLAlchemy's documented recipe: driver autocommit plus
  our own BEGIN), and write transactions start with BEGIN IMMEDIATE, which takes the database's
  write lock at once (waiting up to the connection timeout).
- PostgreSQL: a transaction-scoped advisory lock keyed by the current schema, so stores in
  different schemas of one database do not block each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, event, text

WRITE_OPTION = "moneytrail_ledger_write"
LOCK_NAMESPACE = 7_716_001          # first key of the two-key advisory lock: "the ledger"


def configure(engine: Engine) -> None:
    """Make a SQLite engine begin transactions itself (so BEGIN IMMEDIATE is possible)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        writing = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the store-wide write lock from its first statement on."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("select pg_advisory_xact_lock(:space, "
                                  "hashtext(current_schema()))"),
                             {"space": LOCK_NAMESPACE})
            yield conn
