"""`moneytrail serve --trust-proxy`: behind a reverse proxy the login throttle counts the
client address the proxy forwards, but only when the request comes from a listed proxy; no
forwarded header is believed by default or from anyone else (docs/security.md, Deployment).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import PASSWORDS, make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web.server import behind_proxies, check_proxies  # noqa: E402

PROXY = "10.0.0.5"
WRONG = "guess guess guess"


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory):
    application = make_app(f"sqlite:///{tmp_path_factory.mktemp('proxy') / 'ledger.sqlite'}")
    yield application
    application.state.jobs.shutdown()
    application.state.web.close()


@pytest.fixture(autouse=True)
def no_throttle(plain_app):
    from sqlalchemy import text

    with plain_app.state.web.ledger.engine.begin() as conn:
        conn.execute(text("delete from login_throttle"))


def attempt(client: TestClient, password: str, forwarded: str | None = None,
            proto: str | None = None) -> int:
    """One login as rita through the form; the status (303 in, 401 wrong, 429 throttled)."""
    headers = {}
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    if proto is not None:
        headers["X-Forwarded-Proto"] = proto
    page = client.get("/login", headers=headers).text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return client.post("/login", headers=headers, follow_redirects=False,
                       data={"name": "rita", "password": password,
                             "csrf_token": token}).status_code


def test_a_trusted_proxy_forwards_each_clients_own_address(plain_app):
    """Behind the trusted proxy, 5 wrong passwords from one forwarded client throttle that
    client (the 6th try is 429) and rita logging in from another forwarded client gets in at
    once; without the option every client shares the proxy's address, so rita is locked out
    with the attacker."""
    trusted = TestClient(behind_proxies(plain_app, [PROXY]), base_url="https://testserver",
                         client=(PROXY, 40000))
    assert [attempt(trusted, WRONG, "198.51.100.7") for _ in range(6)] == [401] * 5 + [429]
    assert attempt(trusted, PASSWORDS["rita"], "198.51.100.7") == 429
    assert attempt(trusted, PASSWORDS["rita"], "203.0.113.5") == 303
    with plain_app.state.web.ledger.engine.connect() as conn:
        keys = {row[0] for row in conn.exec_driver_sql("select key from login_throttle")}
    assert any("198.51.100.7" in k for k in keys) and not any(PROXY in k for k in keys)


def test_without_the_option_every_client_shares_the_proxys_address(plain_app):
    proxied = TestClient(plain_app, base_url="https://testserver", client=(PROXY, 40000))
    assert [attempt(proxied, WRONG, "198.51.100.7") for _ in range(6)] == [401] * 5 + [429]
    assert attempt(proxied, PASSWORDS["rita"], "203.0.113.5") == 429


def test_forwarded_headers_from_anyone_else_are_ignored(plain_app):
    """A client that is not a listed proxy cannot choose the address it is counted under:
    a fresh X-Forwarded-For on every try still gets it throttled after 5, and an owner
    behind the real proxy is not affected."""
    wrapped = behind_proxies(plain_app, [PROXY, "192.168.0.0/16"])
    outsider = TestClient(wrapped, base_url="https://testserver", client=("192.0.2.9", 40000))
    statuses = [attempt(outsider, WRONG, f"198.51.100.{n}") for n in range(1, 7)]
    assert statuses == [401] * 5 + [429]
    assert attempt(outsider, PASSWORDS["rita"], "203.0.113.5") == 429
    inside = TestClient(wrapped, base_url="https://testserver", client=("192.168.3.4", 40000))
    assert attempt(inside, PASSWORDS["rita"], "203.0.113.5") == 303


def test_a_trusted_tls_proxy_gets_secure_host_prefixed_cookies(plain_app):
    """The proxy ends TLS and speaks plain HTTP to the app: with X-Forwarded-Proto: https
    from a listed proxy the login form's cookie is __Host- and Secure; from anyone else the
    header is ignored (plain HTTP: an unprefixed cookie without Secure)."""
    for client_host, secure in ((PROXY, True), ("192.0.2.9", False)):
        client = TestClient(behind_proxies(plain_app, [PROXY]), base_url="http://testserver",
                            client=(client_host, 40000))
        page = client.get("/login", headers={"X-Forwarded-Proto": "https"})
        cookies = [c for c in page.headers.get_list("set-cookie") if "moneytrail-pre=" in c]
        assert len(cookies) == 1, page.headers
        assert cookies[0].startswith("__Host-moneytrail-pre=") is secure
        assert ("; secure" in cookies[0].lower()) is secure


def test_bad_proxy_addresses_are_refused_in_one_line(tmp_path):
    assert check_proxies(["10.0.0.5, 10.1.0.0/16", "::1"]) == ["10.0.0.5", "10.1.0.0/16",
                                                                "::1"]
    assert check_proxies(["10.0.0.1/8", "fd00::1/32"]) == ["10.0.0.0/8", "fd00::/32"]
    for bad in ("*", "proxy.example.org", "10.0.0.300", "0.0.0.0/0", "::/0", "0.0.0.0/1",
                "128.0.0.0/1", "10.0.0.0/7", "fd00::/31"):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path),
               "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
        done = subprocess.run([sys.executable, "-m", "moneytrail", "serve", "--port", "1",
                               "--trust-proxy", bad], capture_output=True, text=True,
                              env=env, timeout=120)
        assert done.returncode == 2, (bad, done.stdout, done.stderr)
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "--trust-proxy" in lines[0] and bad in lines[0], lines


@pytest.mark.parametrize("trusted", ["127.0.0.1", "10.9.9.9"])
def test_moneytrail_serve_believes_forwarded_addresses_from_listed_proxies_only(
        tmp_path, trusted):
    """A real `moneytrail serve --trust-proxy ADDRESS` on a free port, reached from
    127.0.0.1: when 127.0.0.1 is the listed proxy, 5 wrong passwords forwarded for one
    client are counted under that client's address (and rita from another forwarded client
    logs in at once); when another address is listed, the header is ignored and they are
    counted under 127.0.0.1."""
    import httpx
    from webserver import SRC, running_server

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.pop("MONEYTRAIL_DATABASE_URL", None)
    added = subprocess.run([sys.executable, "-m", "moneytrail.cli", "users", "add", "rita",
                            "--reader", "--password-stdin", "--db", db],
                           input=PASSWORDS["rita"] + "\n", text=True, capture_output=True,
                           env=env, timeout=120)
    assert added.returncode == 0, added.stderr
    with running_server(db, tmp_path / "server.log", extra=("--trust-proxy", trusted)) as base:
        def login(password: str, forwarded: str) -> int:
            with httpx.Client(base_url=base) as client:
                headers = {"X-Forwarded-For": forwarded}
                page = client.get("/login", headers=headers).text
                token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
                return client.post("/login", headers=headers,
                                   data={"name": "rita", "password": password,
                                         "csrf_token": token}).status_code

        statuses = [login(WRONG, "198.51.100.7") for _ in range(5)]
        assert statuses == [401] * 5
        # the counters name the address the throttle saw (the delays themselves run on the
        # real clock here, so they are checked with TestClient above)
        from sqlalchemy import create_engine

        engine = create_engine(db)
        with engine.connect() as conn:
            keys = " ".join(row[0] for row in
                            conn.exec_driver_sql("select key from login_throttle"))
        engine.dispose()
        if trusted == "127.0.0.1":
            assert "198.51.100.7" in keys and "127.0.0.1" not in keys, keys
            assert login(PASSWORDS["rita"], "203.0.113.5") == 303   # another client: in
        else:
            assert "127.0.0.1" in keys and "198.51.100.7" not in keys, keys
    assert "trusting X-Forwarded-For" in (tmp_path / "server.log").read_text()
