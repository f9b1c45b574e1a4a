"""Where the store lives: `--db`/url argument, then MONEYTRAIL_DATABASE_URL, then a SQLite file
in the user's data directory (so a new user needs nothing installed)."""

from __future__ import annotations

import os
from pathlib import Path

ENV_URL = "MONEYTRAIL_DATABASE_URL"


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("moneytrail", appauthor=False)) / "ledger.sqlite"


def resolve_url(url: str | os.PathLike | None = None) -> str:
    """A SQLAlchemy URL; a plain path means a SQLite file, `postgresql://` means psycopg 3."""
    text = str(url) if url else os.environ.get(ENV_URL, "")
    if not text:
        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    for plain in ("postgresql://", "postgres://"):
        if text.startswith(plain):
            return "postgresql+psycopg://" + text[len(plain):]
    return text
