"""`moneytrail serve`: the web app under uvicorn."""

from __future__ import annotations


def serve(host: str = "127.0.0.1", port: int = 8000, db: str | None = None,
          data: str | None = None) -> None:
    """Serve the web app at http://host:port/ on the ledger store `db` (default: SQLite in the
    user's data directory; a `postgresql://` URL for a shared store). Raises ResourceError
    (exit code 3) naming --port or --host when the address cannot be listened on."""
    import uvicorn

    from moneytrail.errors import ResourceError
    from moneytrail.web.app import create_app

    problem = port_problem(host, port)
    if problem:                    # before the address is printed: one line; exit code 3, as
        field, value = ("--host", host) if problem.startswith("cannot resolve") else \
            ("--port", port)       # uvicorn's own startup failure
        raise ResourceError(problem, field=field, value=value)
    app = create_app(db=db, data=data)
    print(f"moneytrail web app: open http://{display_host(host)}:{port}/ (Ctrl+C stops it)",
          flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


def display_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def port_problem(host: str, port: int) -> str:
    """Why uvicorn could not listen on host:port (e.g. another server has the port), or ""
    when a socket binds there now. Binds as uvicorn does (SO_REUSEADDR), then lets go."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"cannot resolve the address to listen on ({exc.strerror})"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"the port is already in use on {display_host(host)} (another "
                        "server runs there: stop it or choose another --port)")
            return f"cannot listen on {display_host(host)}:{port} ({exc.strerror})"
    return ""
