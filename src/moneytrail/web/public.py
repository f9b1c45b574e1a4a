"""The site's public address (MONEYTRAIL_PUBLIC_URL): the web app writes it into documents
that leave the site, `moneytrail serve` prints it, `moneytrail users reset-password` puts its
links under it. A module of its own, so the command line reads it without loading FastAPI."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from moneytrail.errors import MoneytrailError

PUBLIC_URL_ENV = "MONEYTRAIL_PUBLIC_URL"
# a host name (letters, digits, hyphens, dots), an IPv4 address, or an IPv6 one in brackets
HOST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]")


def public_url(value: str | None = None) -> str:
    """The site's public address for links in documents that leave the site (the PDF and
    HTML briefings), the address `serve` prints and reset links (`users reset-password`):
    `value`, else the environment's MONEYTRAIL_PUBLIC_URL, as
    `https://mt.example.org` or `https://example.org/moneytrail` (no trailing slash); ''
    when unset: the web app then writes the address each request reached it at
    (`web.app.request_origin`: behind a proxy that does not pass the Host on, 127.0.0.1 and
    the listening port) and `users reset-password` http://127.0.0.1:8000. Anything but an
    http(s) address without query or fragment, with a valid host and a port from 1 to 65535,
    is refused (MoneytrailError naming the variable)."""
    raw = (os.environ.get(PUBLIC_URL_ENV, "") if value is None else value).strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
            or parts.fragment or "@" in parts.netloc:
        raise MoneytrailError("the public address must be an http(s) address such as "
                              "https://mt.example.org (a path is allowed; no query, "
                              "fragment or user name)", field=PUBLIC_URL_ENV, value=raw)
    host = parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    try:
        port = parts.port
    except ValueError:                  # not a number, or above 65535
        port = -1
    if not HOST.fullmatch(host) or (port is not None and not 1 <= port <= 65535):
        raise MoneytrailError("the public address must have a valid host name and a port from "
                              "1 to 65535 (as in https://mt.example.org or "
                              "http://127.0.0.1:8000)", field=PUBLIC_URL_ENV, value=raw)
    return raw.rstrip("/")
