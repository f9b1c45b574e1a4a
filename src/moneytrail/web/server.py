"""`moneytrail serve`: the web app under uvicorn."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from moneytrail.web.public import PUBLIC_URL_ENV


def serve(host: str = "127.0.0.1", port: int = 8000, db: str | None = None,
          data: str | None = None, trusted_proxies: Sequence[str] = (),
          hosts: Sequence[str] = ()) -> None:
    """Serve the web app at http://host:port/ on the ledger store `db` (default: SQLite in the
    user's data directory; a `postgresql://` URL for a shared store). `trusted_proxies`: the
    addresses (or networks, `10.0.0.0/8`) of reverse proxies whose `X-Forwarded-For` and
    `X-Forwarded-Proto` headers are believed (`behind_proxies`); none by default, so no
    forwarded header is believed. Raises ResourceError (exit code 3) naming --port or --host
    when the address cannot be listened on, MoneytrailError naming --trust-proxy for an
    address that is not one. `hosts`: the names the app answers to in the Host header
    (`--allowed-host`; default MONEYTRAIL_ALLOWED_HOSTS, else `default_hosts(host)`)."""
    import uvicorn

    from moneytrail.errors import ResourceError
    from moneytrail.web.app import create_app

    proxies = check_proxies(trusted_proxies)
    names = server_hosts(host, hosts)
    problem = port_problem(host, port)
    if problem:                    # before the address is printed: one line; exit code 3, as
        field, value = ("--host", host) if problem.startswith("cannot resolve") else \
            ("--port", port)       # uvicorn's own startup failure
        raise ResourceError(problem, field=field, value=value)
    app = create_app(db=db, data=data, hosts=names)
    print(f"moneytrail web app: open {address_line(host, port, names, app.state.public_url)} "
          "(Ctrl+C stops it)", flush=True)
    if proxies:
        print("trusting X-Forwarded-For and X-Forwarded-Proto from " + ", ".join(proxies),
              flush=True)
    print("answering to the host names " + ", ".join(app.state.allowed_hosts) +
          " (--allowed-host or "
          "MONEYTRAIL_ALLOWED_HOSTS for others)", flush=True)
    # uvicorn's own proxy handling stays off: it would trust $FORWARDED_ALLOW_IPS or
    # 127.0.0.1 without being asked; behind_proxies trusts the listed addresses only
    uvicorn.run(behind_proxies(app, proxies), host=host, port=port, log_level="warning",
                proxy_headers=False)


def server_hosts(host: str, hosts: Sequence[str]) -> list[str]:
    """The Host header names `moneytrail serve --host host` answers to: `hosts` if given,
    else MONEYTRAIL_ALLOWED_HOSTS, else `default_hosts(host)` (checked by allowed_hosts)."""
    import os

    from moneytrail.errors import MoneytrailError
    from moneytrail.web.app import ALLOWED_HOSTS_ENV, allowed_hosts

    chosen = list(hosts) or [os.environ.get(ALLOWED_HOSTS_ENV, "")]
    if not any(item.strip() for item in chosen):
        chosen = default_hosts(host)
    try:
        return allowed_hosts(chosen)
    except MoneytrailError as exc:
        if hosts:
            raise
        raise MoneytrailError(exc.detail, field=ALLOWED_HOSTS_ENV, value=exc.value) from None


def open_url(host: str, port: int, names: Sequence[str]) -> str:
    """The address to print: the listen address when it is an allowed host name, else the
    first allowed name that is not a wildcard (`--allowed-host mt.example.org` on 127.0.0.1:
    http://mt.example.org:8000/, since the listen address would get 400), saying why."""
    shown = display_host(host)
    if shown.lower() in names:
        return f"http://{shown}:{port}/"
    plain = [name for name in names if not name.startswith("*.")]
    if not plain:
        return (f"http://{shown}:{port}/ with a Host header matching {names[0]} (the listen "
                "address is not an allowed host name)")
    return (f"http://{plain[0]}:{port}/ (an allowed host name; {shown} is not one, so it "
            "would get 400 Invalid host header)")


def address_line(host: str, port: int, names: Sequence[str], public: str) -> str:
    """What `serve` says to open: the public address `public` (MONEYTRAIL_PUBLIC_URL, checked
    by `web.public.public_url`; behind a reverse proxy the listen address is not where users
    go) followed by the address it listens on, labelled; without one, `open_url`."""
    if not public:
        return open_url(host, port, names)
    return (f"{public}/ (the public address, {PUBLIC_URL_ENV}; listening on "
            f"http://{display_host(host)}:{port}/)")


def default_hosts(host: str) -> list[str]:
    """The loopback names (localhost, 127.0.0.1, [::1]), plus the listen address itself
    when it is one address (`--host 192.168.1.5`: http://192.168.1.5:8000/ works). On all
    addresses (0.0.0.0, ::) only the loopback names: other names must be listed."""
    from moneytrail.web.app import LOOPBACK_HOSTS

    names = list(LOOPBACK_HOSTS)
    if host not in ("0.0.0.0", "::", "") and display_host(host) not in names:
        names.append(display_host(host).lower())
    return names


WIDEST_PROXY_NETWORK = {4: 8, 6: 32}   # prefix lengths: a private /8, an organisation's /32


def check_proxies(values: Sequence[str]) -> list[str]:
    """The trusted proxy addresses (IPv4 or IPv6 addresses, or networks such as `10.0.0.0/8`,
    written as their network: `10.0.0.1/8` is `10.0.0.0/8`), checked: "*", anything that is
    not an address or network, and networks wider than a /8 (IPv4) or a /32 (IPv6) such as
    `0.0.0.0/0` or `0.0.0.0/1` are refused with one line naming --trust-proxy (trusting
    every sender would let any client choose the address the login throttle counts it
    under)."""
    import ipaddress

    from moneytrail.errors import MoneytrailError

    out = []
    for raw in values:
        for item in (part.strip() for part in str(raw).split(",")):
            if not item:
                continue
            try:
                if "/" in item:
                    network = ipaddress.ip_network(item, strict=False)
                else:
                    ipaddress.ip_address(item)
            except ValueError:
                raise MoneytrailError(
                    "a trusted proxy is an IP address or network (10.0.0.5, 10.0.0.0/8, "
                    "::1); forwarded headers are never trusted from everyone",
                    field="--trust-proxy", value=item) from None
            if "/" in item:
                widest = WIDEST_PROXY_NETWORK[network.version]
                if network.prefixlen < widest:
                    raise MoneytrailError(
                        f"a trusted proxy network may be at most a /{widest} (IPv"
                        f"{network.version}): a wider one trusts forwarded headers from "
                        "nearly everyone", field="--trust-proxy", value=item)
                item = str(network)
            out.append(item)
    return out


def behind_proxies(app: Any, proxies: Sequence[str]) -> Any:
    """`app` as it should run behind the reverse proxies `proxies` (checked addresses or
    networks): a request arriving from one of them gets its client address from
    `X-Forwarded-For` (the nearest address that is not itself a trusted proxy) and its scheme
    from `X-Forwarded-Proto` (uvicorn's ProxyHeadersMiddleware), so the login throttle counts
    the real client and cookies are `Secure` behind a TLS proxy; a request from any other
    address keeps its own address, whatever headers it sends. A request from a listed proxy
    is marked (`web.app.PROXIED` in its scope), so links written from its Host keep the
    proxy's port (`web.app.request_origin`). No proxies: `app` unchanged."""
    if not proxies:
        return app
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    from moneytrail.web.app import PROXIED

    forwarded = ProxyHeadersMiddleware(app, trusted_hosts=list(proxies))
    trusted = forwarded.trusted_hosts

    async def marked(scope: Any, receive: Any, send: Any) -> None:
        client = scope.get("client")
        if scope["type"] != "lifespan" and client and client[0] in trusted:
            scope = {**scope, PROXIED: True}
        await forwarded(scope, receive, send)

    return marked


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
