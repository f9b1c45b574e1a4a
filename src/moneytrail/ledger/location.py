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


def resolve_url(url: str | os.PathLike | None = None) -> str:
    """A SQLAlchemy URL; a plain path means a SQLite file, `postgresql://` means psycopg 3.

    The default store's folder is created; a path given by `url` or MONEYTRAIL_DATABASE_URL
    must be in an existing folder (LedgerError naming `--db` or the variable otherwise)."""
    text = str(url) if url else os.environ.get(ENV_URL, "")
    if not text:
        return sqlite_url(default_path())
    if text == ":memory:":
        return "sqlite://"              # SQLite's in-memory database, not a file of that name
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        if not path.parent.is_dir():        # a typo must not create folders and a new store
            from moneytrail.ledger.errors import LedgerError

            raise LedgerError("the folder of this ledger store does not exist (create it "
                              "first, or give a file in an existing folder)",
                              field="--db" if url else ENV_URL, value=str(path))
        return sqlite_url(path)
    for plain in ("postgresql://", "postgres://"):
        if text.startswith(plain):
            return "postgresql+psycopg://" + text[len(plain):]
    return text
