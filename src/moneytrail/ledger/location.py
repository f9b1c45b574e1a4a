"""Where the store lives: `--db`/url argument, then MONEYTRAIL_DATABASE_URL, then a SQLite file
in the user's data directory (so a new user needs nothing installed)."""

from __future__ import annotations

import os
from pathlib import Path

ENV_URL = "MONEYTRAIL_DATABASE_URL"


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("moneytrail", appauthor=False)) / "ledger.sqlite"


def sqlite_url(path: Path) -> str:
    """URL of a SQLite file, creating its folder; a folder that cannot be made is one line."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from moneytrail.ledger.errors import LedgerError

        raise LedgerError(f"cannot create the folder for the ledger store ({exc.strerror})",
                          field="--db", value=str(path)) from None
    return f"sqlite:///{path}"


def sqlite_file(url: str) -> str | None:
    """The file of a `sqlite:///FILE` URL (`sqlite:////abs/x.db` is /abs/x.db; query
    arguments dropped); None for other URLs, in-memory stores and `file:` URIs."""
    scheme, sep, rest = url.partition(":///")
    if not sep or scheme.split("+")[0] != "sqlite":
        return None
    file = rest.split("?", 1)[0]
    if not file or file == ":memory:" or file.startswith("file:"):
        return None
    return file


def check_folder(path: Path, field: str, shown: str) -> None:
    """A store file given by the user must be in an existing folder: a typo must not create
    folders and a new store (LedgerError naming `field` and the path as given, exit 2)."""
    if not path.parent.is_dir():
        from moneytrail.ledger.errors import LedgerError

        raise LedgerError("the folder of this ledger store does not exist (create it first, or "
                          "give a file in an existing folder)", field=field, value=shown)


def check_given(url: str | None) -> None:
    """A store a user names on the command line (`--db`, else MONEYTRAIL_DATABASE_URL; an
    empty variable is unset) must be one that keeps what is written: not blank, no leading or
    trailing space (a file named '   ' would be made) and not an in-memory SQLite store
    (`sqlite://`, `sqlite:///`, `:memory:`: lost when the command ends). The library itself
    (`resolve_url`) still opens in-memory stores. LedgerError naming `--db` or the variable
    (exit 2)."""
    from moneytrail.ledger.errors import LedgerError

    field = "--db" if url is not None else ENV_URL
    text = url if url is not None else os.environ.get(ENV_URL, "")
    if url is None and not text:
        return
    where = "" if url is not None else f" (from {ENV_URL}; --db overrides it)"
    if not text.strip():
        raise LedgerError("an empty store: give a SQLite file or a database URL (without "
                          f"--db the default store is used){where}", field=field, value=text)
    if text != text.strip():
        raise LedgerError("the store begins or ends with a space: give the file or URL "
                          f"without it{where}", field=field, value=text)
    memory = text == ":memory:"
    if "://" in text and text.split("://", 1)[0].split("+")[0] == "sqlite":
        file = text.split("://", 1)[1].removeprefix("/").split("?", 1)[0]
        memory = file in ("", ":memory:")
    if memory:
        raise LedgerError("an in-memory SQLite store is lost when the command ends: give a "
                          f"SQLite file (sqlite:///PATH) or a database URL{where}",
                          field=field, value=text)


def existing_url(url: str | None = None) -> str:
    """`resolve_url` for a command that only reads or changes what a store holds (`users
    list`, `users role`, ...): a SQLite file named by `url` or
    MONEYTRAIL_DATABASE_URL must exist, so a typo is not a new, empty store (the default
    store is still made on first use). LedgerError `no store at PATH` naming the field
    (exit 2)."""
    resolved = resolve_url(url)
    named = url is not None or bool(os.environ.get(ENV_URL, ""))
    file = sqlite_file(resolved)
    if named and file is not None and not Path(file).exists():
        from moneytrail.ledger.errors import LedgerError

        field = "--db" if url is not None else ENV_URL
        raise LedgerError(f"no store at {file}: check the path (a new store is made by "
                          "moneytrail demo, serve, users add or ledger import)",
                          field=field, value=str(url) if url is not None else
                          os.environ[ENV_URL])
    return resolved


def resolve_url(url: str | os.PathLike | None = None) -> str:
    """A SQLAlchemy URL; a plain path means a SQLite file, `postgresql://` means psycopg 3.

    The default store's folder is created; a path given by `url` or MONEYTRAIL_DATABASE_URL
    must be in an existing folder, and a URL one moneytrail can use (`connection.check_url`:
    SQLite or PostgreSQL, a valid port, a database name); LedgerError naming `--db` or the
    variable otherwise."""
    text = str(url) if url else os.environ.get(ENV_URL, "")
    if not text:
        return sqlite_url(default_path())
    if text == ":memory:":
        return "sqlite://"              # SQLite's in-memory database, not a file of that name
    field = "--db" if url else ENV_URL
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        check_folder(path, field, str(path))
        return sqlite_url(path)
    file = sqlite_file(text)
    if file is not None:                    # sqlite:///FILE: the same rule as a plain path
        check_folder(Path(file).expanduser().resolve(), field, text)
    given = text
    for plain in ("postgresql://", "postgres://"):
        if text.startswith(plain):
            text = "postgresql+psycopg://" + text[len(plain):]
            break
    from moneytrail.ledger.connection import check_url

    check_url(text, field, given)           # before connecting: no traceback, no wrong database
    return text
