"""`moneytrail serve`: the web app under uvicorn."""

from __future__ import annotations


def serve(host: str = "127.0.0.1", port: int = 8000, db: str | None = None,
          data: str | None = None) -> None:
    """Serve the web app at http://host:port/ on the ledger store `db` (default: SQLite in the
    user's data directory; a `postgresql://` URL for a shared store)."""
    import uvicorn

    from moneytrail.web.app import create_app

    app = create_app(db=db, data=data)
    print(f"moneytrail web app: open http://{display_host(host)}:{port}/ (Ctrl+C stops it)",
          flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


def display_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
