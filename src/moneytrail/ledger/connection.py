"""Turn a database URL into an engine, and any failure to reach the store into one clear line.

A bad `--db` is a user error (a typo, a missing driver, a file that is not a database, a server
that is down), so it must read as one line naming the URL, never as a traceback.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from moneytrail.ledger import locking
from moneytrail.ledger.errors import LedgerError, StoreUnavailable
from moneytrail.text import shown_text

# how a checkout made by `make demo` / `make serve` (which install `-e .` only) adds psycopg
POSTGRES_INSTALL = ".venv/bin/pip install -e '.[postgres]'"


# the URL forms a store may be given as (the message of every refused URL lists them)
ACCEPTED_URLS = ("a SQLite file path, sqlite:///PATH, postgresql://USER@HOST:PORT/DATABASE or "
                 "postgresql+psycopg://USER@HOST:PORT/DATABASE")
PASSWORD = re.compile(r"(://[^:/@]*:)[^@/]*@")


def authority(url: str) -> str:
    """The part of a URL between `://` and the path or query (`user:password@host:port`);
    '' when there is no `://`."""
    _, sep, rest = url.partition("://")
    return re.split(r"[/?]", rest, maxsplit=1)[0] if sep else ""


def shown(url: str) -> str:
    """The URL as it may be printed (no password), also when SQLAlchemy cannot read it
    (`postgresql://u:secret@h:notaport/db`: the password replaced by ***) and when the
    password holds a bare `@` (everything between the user's `:` and the last `@` is
    replaced: SQLAlchemy would end the password at the first `@` and show the rest)."""
    where = authority(url)
    if where.count("@") > 1:
        login, host = where.rsplit("@", 1)
        user = login.split(":", 1)[0] + (":***" if ":" in login else "")
        return url.replace(where, f"{user}@{host}", 1)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return PASSWORD.sub(r"\1***@", url)


def check_url(url: str, field: str = "--db", given: str | None = None) -> URL:
    """The parsed URL of a store moneytrail can use, checked before any connection: a
    SQLite or PostgreSQL URL (another database, `mysql://`, is not supported), and for
    PostgreSQL a port from 1 to 65535 and a database name (without one the server's
    maintenance database, `postgres`, would be used); a single `@` before the host (a
    password's own `@` is written %40). Raises LedgerError naming `field`
    (`--db`, or MONEYTRAIL_DATABASE_URL when the URL came from there) and the URL as `given`
    (default `url`) without its password (exit 2)."""
    where = "" if field == "--db" else f" (from {field}; --db overrides it)"

    def refused(message: str) -> LedgerError:
        return LedgerError(message + where, field=field, value=shown(given or url))

    if authority(url).count("@") > 1:     # SQLAlchemy would take a part of it as the host
        raise refused("more than one @ before the host: a password containing @ must be "
                      "written %40 (as in postgresql://USER:p%40ss@HOST:PORT/DATABASE)")
    try:
        parsed = make_url(url)
    except ValueError:                  # a port that is not a number (`host:notaport`)
        raise refused("the port must be a whole number from 1 to 65535 (as in "
                      "postgresql://USER@HOST:5432/DATABASE)") from None
    except ArgumentError:
        raise refused(f"not a database URL (use {ACCEPTED_URLS})") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise refused(f"only SQLite and PostgreSQL stores are supported, not {backend} "
                      f"(use {ACCEPTED_URLS})")
    if backend == "postgresql":
        if parsed.port is not None and not 1 <= parsed.port <= 65535:
            raise refused("the port must be a whole number from 1 to 65535 (as in "
                          "postgresql://USER@HOST:5432/DATABASE)")
        if not parsed.database and "dbname" not in parsed.query:
            raise refused("a PostgreSQL URL must name its database "
                          "(postgresql://USER@HOST:PORT/DATABASE): without one the server's "
                          "maintenance database would be used")
    return parsed


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def open_engine(url: str) -> Engine:
    """An engine for the URL, configured for the store's write lock."""
    parsed = check_url(url)
    try:
        # a server store checks a pooled connection before use, so a restarted PostgreSQL
        # costs no failed request (issue 12's fault tests)
        kwargs: dict = {"connect_args": {"timeout": 30}} if parsed.get_backend_name() == \
            "sqlite" else {"pool_pre_ping": True}
        engine = create_engine(parsed, **kwargs)
    except NoSuchModuleError:
        raise LedgerError(f"unknown database type (use {ACCEPTED_URLS})", field="--db",
                          value=shown(url)) from None
    except ImportError as exc:
        hint = ""
        if parsed.get_backend_name() == "postgresql":
            hint = (f"; PostgreSQL needs the postgres extra: {POSTGRES_INSTALL} (from the "
                    "moneytrail folder; pip install 'moneytrail[postgres]' for an installed "
                    "package)")
        raise LedgerError(f"the database driver is not installed ({one_line(exc)}){hint}",
                          field="--db", value=shown(url)) from None
    except (ArgumentError, ValueError) as exc:
        raise LedgerError(f"not a database URL ({one_line(exc)})", field="--db",
                          value=shown(url)) from None
    locking.configure(engine)
    return engine


def store_name(engine: Engine) -> str:
    """The store as it may be printed: the file of a SQLite store, else the URL (no password)."""
    return url_name(engine.url)


def url_name(url: str | URL) -> str:
    """`store_name` of a database URL (a URL that cannot be read: `shown`)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return shown(str(url))
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database.removeprefix("file:").split("?", 1)[0]
    return parsed.render_as_string(hide_password=True)


READ_ONLY = ("readonly database", "read-only", "read only")
LOCKED = ("database is locked", "lock timeout", "could not obtain lock", "deadlock")
FULL = ("database or disk is full", "disk i/o error", "no space left", "disk full",
        "could not extend file")
# a server that cannot be reached, whatever the reason (down, unknown host, no route, a
# timeout, a refused login): the environment (exit 3, HTTP 503), as docs/errors.md says
UNREACHABLE = ("unable to open database", "could not connect", "connection refused",
               "server closed the connection", "connection to server", "connection failed",
               "failed to resolve host", "could not translate host name",
               "name or service not known", "no route to host", "network is unreachable",
               "timeout expired", "connection timed out")


def unavailable(engine: Engine, exc: BaseException) -> StoreUnavailable | None:
    """The environment problem behind a store error (read-only, locked, full, unreachable),
    or None when the error is something else."""
    return unavailable_named(store_name(engine), exc)


def unavailable_named(name: str, exc: BaseException) -> StoreUnavailable | None:
    """`unavailable` for a store known by its printable name (`store_name`, `shown`)."""
    reason = exc.orig if isinstance(exc, DBAPIError) else exc
    text = one_line(reason).lower()
    if any(word in text for word in READ_ONLY):
        return StoreUnavailable("the ledger store is read-only: nothing was written (make the "
                                "file or database writable, or use another --db)", file=name)
    if any(word in text for word in LOCKED):
        return StoreUnavailable("the ledger store is locked by another writer: nothing was "
                                "written (try again when it has finished)", file=name)
    if any(word in text for word in FULL):
        return StoreUnavailable(f"cannot write to the ledger store ({first_line(reason)}; is "
                                "its disk full?): nothing was written (free some space, or "
                                "use another --db)", file=name)
    if any(word in text for word in UNREACHABLE):
        return StoreUnavailable(f"cannot open the ledger store ({first_line(reason)})",
                                file=name)
    return None


def first_line(reason: object) -> str:
    """A driver's message in one short line (PostgreSQL adds DETAIL and HINT lines)."""
    lines = str(reason).strip().splitlines()
    return shown_text(one_line(lines[0] if lines else reason), 200)


def store_failure(name: str, exc: SQLAlchemyError) -> StoreUnavailable:
    """One line for any store error that reaches a front end (the command line's `main`,
    the web app's error handler): what `unavailable_named` says, else the driver's first line;
    a write was one transaction, so nothing was written."""
    problem = unavailable_named(name, exc)
    if problem is not None:
        return problem
    reason = exc.orig if isinstance(exc, DBAPIError) else exc
    return StoreUnavailable(f"the ledger store failed ({first_line(reason)}): nothing was "
                            "written", file=name)


def store_error(engine: Engine, exc: SQLAlchemyError) -> LedgerError:
    """One line for a store that cannot be opened or read."""
    problem = unavailable(engine, exc)
    if problem is not None:
        return problem
    reason = exc.orig if isinstance(exc, DBAPIError) else exc
    return LedgerError(f"cannot open the ledger store ({one_line(reason)})",
                       file=engine.url.render_as_string(hide_password=True))


def write_error(engine: Engine, exc: SQLAlchemyError) -> LedgerError:
    """One line for a write the store refused for a reason outside the input."""
    problem = unavailable(engine, exc)
    if problem is not None:
        return problem
    reason = exc.orig if isinstance(exc, DBAPIError) else exc
    return StoreUnavailable(f"cannot write to the ledger store ({one_line(reason)})",
                            file=store_name(engine))


@contextmanager
def scratch_schema(base: str, prefix: str = "mt_scratch") -> Iterator[str]:
    """A URL of the PostgreSQL at `base` whose search_path is a new, empty schema (named
    `prefix`_<12 hex>), dropped on exit. For tests and the load bench: each run gets its own store
    on one server."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'create schema "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'drop schema "{schema}" cascade'))
        engine.dispose()
