"""h226: the reset link an admin gets from `POST /api/v1/accounts/{name}/password-reset`
names the site as it is reached. A request with `Host: localhost` (no port) to a server
listening on port 8876 got `http://localhost/reset-password?...`, where nothing listens: the
link now takes the port the server listens on when the Host names none and the request did
not come through a trusted proxy (`web.app.request_origin`); the public address
(MONEYTRAIL_PUBLIC_URL) still wins when it is set."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import PASSWORDS, form_token, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

LOCAL = "http://127.0.0.1:8876"


def reset_link(client, host: str | None = None) -> str:
    headers = {"X-CSRF-Token": client.csrf, **({"host": host} if host else {})}
    response = client.post("/api/v1/accounts/eve/password-reset", json={"hours": 1},
                           headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["link"]


@pytest.mark.parametrize("host", ["localhost", "localhost:8876"])
def test_a_reset_link_names_the_port_the_server_listens_on(app, host):
    root = login(app, "root", base=LOCAL)
    assert reset_link(root, host).startswith("http://localhost:8876/reset-password?token=")
    assert reset_link(root).startswith(f"{LOCAL}/reset-password?token=")


def test_on_the_default_port_a_host_without_a_port_stays_without_one(app):
    root = login(app, "root", base="http://127.0.0.1")
    assert reset_link(root, "localhost").startswith("http://localhost/reset-password?token=")


def test_with_a_public_address_reset_links_use_it_whatever_the_host(app):
    app.state.public_url = "https://mt.example.org/tool"
    root = login(app, "root", base=LOCAL)
    for host in ("localhost", "localhost:8876"):
        assert reset_link(root, host).startswith(
            "https://mt.example.org/tool/reset-password?token=")


def test_through_a_trusted_proxy_a_host_without_a_port_is_the_proxys_address(app):
    """Behind a TLS proxy that sends `Host: $host` (no port), the site is reached at the
    proxy's default port, not at the port the app listens on behind it."""
    from moneytrail.web.server import behind_proxies

    proxied = behind_proxies(app, ["127.0.0.1"])
    # https in the address too: the test client sends the Secure cookie over https only
    client = TestClient(proxied, base_url="https://127.0.0.1:8876", client=("127.0.0.1", 40000),
                        headers={"host": "localhost", "x-forwarded-proto": "https",
                                 "x-forwarded-for": "203.0.113.9"})
    token = form_token(client.get("/login").text, "/login")
    answer = client.post("/login", data={"name": "root", "password": PASSWORDS["root"],
                                         "csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    client.csrf = form_token(client.get("/account").text, "/logout")
    assert reset_link(client).startswith("https://localhost/reset-password?token=")
    # a client that is not a listed proxy gets the listening port whatever it forwards
    direct = login(app, "root", base=LOCAL)
    assert reset_link(direct, "localhost").startswith("http://localhost:8876/")


def test_request_origin_names_each_port_once():
    """No Host header (HTTP/1.0): Starlette writes the server's address with its port, which
    gets no second port; an IPv6 Host and a root path keep their form."""
    from starlette.requests import Request

    from moneytrail.web.app import PROXIED, request_origin

    def origin(host: str | None, **scope) -> str:
        headers = [(b"host", host.encode())] if host is not None else []
        return request_origin(Request({"type": "http", "scheme": "http", "path": "/",
                                       "root_path": "", "query_string": b"",
                                       "server": ("127.0.0.1", 8876), "headers": headers,
                                       **scope}))

    assert origin(None) == "http://127.0.0.1:8876"
    assert origin("[::1]") == "http://[::1]:8876"
    assert origin("localhost", root_path="/mt") == "http://localhost:8876/mt"
    assert origin("localhost", **{PROXIED: True}) == "http://localhost"


@pytest.mark.parametrize("host", ["LOCALHOST", "LocalHost:8876"])
def test_a_host_in_capitals_links_in_lower_case(app, host):
    """Host names are case-insensitive: `Host: LOCALHOST` gave
    `http://LOCALHOST:8876/reset-password?...` and a briefing cache entry of its own per
    spelling (tester 57)."""
    root = login(app, "root", base=LOCAL)
    assert reset_link(root, host).startswith("http://localhost:8876/reset-password?token=")
