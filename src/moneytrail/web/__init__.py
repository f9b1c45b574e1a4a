"""The moneytrail web app and HTTP API (FastAPI, Jinja2 pages, plotly charts).

    from moneytrail.web import create_app
    app = create_app(db="ledger.sqlite")

`moneytrail serve` runs it with uvicorn (see `server.serve`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(db: str | None = None, data: str | None = None, **options: Any) -> FastAPI:
    """See `moneytrail.web.app.create_app` (imported lazily: FastAPI is only needed here)."""
    from moneytrail.web.app import create_app as build

    return build(db=db, data=data, **options)


__all__ = ["create_app"]
