"""Who is asking: sessions (cookie), CSRF tokens, API keys (Bearer) and the write guards.

- Browser: a server-side session whose random id travels in the cookie `__Host-moneytrail`
  (HttpOnly, SameSite=Lax, Path=/, Secure) when the request came over HTTPS; over plain HTTP
  (a laptop, loopback) the cookie is `moneytrail` without Secure, because browsers refuse a
  `__Host-` cookie that is not Secure. Every form post carries the session's CSRF token
  (synchronizer token kept in the session row); the login form, before any session exists,
  carries a token bound by HMAC to a short-lived pre-session cookie.
- Scripts: `Authorization: Bearer mt_...` with an API key of scope read or write. A request
  with a key never uses cookies, so it needs no CSRF token. An Authorization header of
  another scheme (a reverse proxy's Basic) is no key: it is ignored.

`who(request)` resolves the caller once per request; `require_editor` / `require_admin` are
FastAPI dependencies for write endpoints (401 anonymous, 403 wrong role, scope or CSRF token).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Request, Response

from moneytrail.accounts.store import Accounts, Who

SECURE_COOKIE = "__Host-moneytrail"
PLAIN_COOKIE = "moneytrail"
PRE_COOKIE = "__Host-moneytrail-pre"
PLAIN_PRE_COOKIE = "moneytrail-pre"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SECRET_META = "web_secret"
ADMIN_PASSWORD_ENV = "MONEYTRAIL_ADMIN_PASSWORD"
ADMIN_NAME_ENV = "MONEYTRAIL_ADMIN_NAME"
log = logging.getLogger("moneytrail.web")


def install(app: FastAPI) -> None:
    """Attach the account store to the app and the helpers templates use."""
    ledger = app.state.web.ledger
    app.state.accounts = Accounts(ledger.engine)
    app.state.web_secret = web_secret(ledger)
    env = app.state.templates
    env.globals["current_user"] = who
    env.globals["csrf_token"] = csrf_for
    first_admin_from_env(app.state.accounts)

    @app.middleware("http")
    async def private_pages(request: Request, call_next: Callable) -> Response:
        """A response that depends on who is signed in is never stored by any cache: a page
        seen with a session (it holds the CSRF token and the account's name), and any
        response, JSON and CSV too, whose route asked who the caller is (`who`) on a request
        that carried a session cookie or an API key (a private saved plan's JSON)."""
        response = await call_next(request)
        private_run = getattr(request.state, "no_store", False)   # a private plan's run
        signed = bool(request.cookies.get(cookie_name(request))) or \
            "authorization" in request.headers
        asked = hasattr(request.state, "who")
        session_page = signed and "cache-control" not in response.headers and (
            asked or response.headers.get("content-type", "").startswith("text/html"))
        if private_run or session_page:
            response.headers["Cache-Control"] = "private, no-store"
        return response

    @app.middleware("http")
    async def keys_fail_closed(request: Request, call_next: Callable) -> Response:
        """A request that presents an API key (an `Authorization: Bearer` header) the store
        does not accept gets a 401 on every route, GET included (ASVS: fail closed), never
        the anonymous answer: a script with a revoked key sees why, not an empty list.
        Another scheme (a reverse proxy's `Basic`) is no key and is not checked. The lookup
        runs in the thread pool: a slow store (PostgreSQL's connect timeout in an outage)
        must not hold up the event loop, and every other request with it."""
        from sqlalchemy.exc import DBAPIError
        from starlette.concurrency import run_in_threadpool

        if presents_key(request):
            try:
                known = await run_in_threadpool(who, request)
            except DBAPIError as exc:    # a middleware's error skips the app's handlers: the
                # store's outage is the 503 (app.store_down) a route would give, never a 500
                return await request.app.exception_handlers[DBAPIError](request, exc)
            if known is None:
                return invalid_key(request)
        return await call_next(request)


def first_admin_from_env(store: Accounts) -> str | None:
    """`MONEYTRAIL_ADMIN_PASSWORD` (and optional `MONEYTRAIL_ADMIN_NAME`, default "admin"),
    read once when the app starts and removed from the environment: creates the first admin
    when the store has none; ignored when an admin exists. Returns the name created."""
    password = os.environ.pop(ADMIN_PASSWORD_ENV, None)
    name = os.environ.pop(ADMIN_NAME_ENV, None) or "admin"
    if not password or store.any_admin():
        return None
    store.add(name, password, role="admin", by=f"{ADMIN_PASSWORD_ENV} (serve)")
    log.warning("created the first admin account '%s' from %s", name, ADMIN_PASSWORD_ENV)
    return name


def web_secret(ledger: Any) -> bytes:
    """A random key for the login form's HMAC, kept in the store so that every worker and
    restart agrees on it (created on first use)."""
    value = ledger.meta(SECRET_META)
    if value is None:
        with ledger.writing() as conn:
            from sqlalchemy import select

            from moneytrail.ledger.models import Meta

            value = conn.execute(select(Meta.value).where(Meta.key == SECRET_META)).scalar()
            if value is None:
                value = secrets.token_hex(32)
                ledger.set_meta(conn, SECRET_META, value)
    return bytes.fromhex(value)


def accounts(request: Request) -> Accounts:
    return request.app.state.accounts


def https(request: Request) -> bool:
    return request.url.scheme == "https"


def cookie_name(request: Request) -> str:
    return SECURE_COOKIE if https(request) else PLAIN_COOKIE


def pre_cookie_name(request: Request) -> str:
    return PRE_COOKIE if https(request) else PLAIN_PRE_COOKIE


# -- a reset link's token, moved out of the address (docs/security.md, 14.2.1) ---------------
RESET_PATH = "/reset-password"
RESET_SECONDS = 30 * 60      # how long the reset page keeps the token after the link's GET


def reset_cookie_name(request: Request) -> str:
    """`__Secure-` over HTTPS (a `__Host-` cookie must have Path=/; this one is scoped to
    the reset page)."""
    return "__Secure-moneytrail-reset" if https(request) else "moneytrail-reset"


def set_reset_cookie(request: Request, response: Response, token: str) -> None:
    """Keep a reset link's token for RESET_SECONDS in an HttpOnly cookie sent only to
    RESET_PATH. SameSite=Lax, not Strict: the link is opened from another site (a mail or
    chat app), and browsers do not send a Strict cookie on the redirect of such a
    navigation, so the page would not find it; the form's post is guarded by the pre-session
    CSRF token (check_login_token) as the login form is."""
    response.set_cookie(reset_cookie_name(request), token, max_age=RESET_SECONDS,
                        path=RESET_PATH, httponly=True, samesite="lax",
                        secure=https(request))


def clear_reset_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(reset_cookie_name(request), path=RESET_PATH, httponly=True,
                           samesite="lax", secure=https(request))


def reset_cookie(request: Request) -> str:
    """The token the reset page keeps ("" without one; at most 100 characters)."""
    return (request.cookies.get(reset_cookie_name(request)) or "")[:100]


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def presents_key(request: Request) -> bool:
    """Whether the request's Authorization header is of the Bearer scheme (any case), the
    only one that carries an API key; other schemes (a proxy's Basic) are ignored."""
    scheme = request.headers.get("authorization", "").strip().partition(" ")[0]
    return scheme.lower() == "bearer"


def bearer(request: Request) -> str | None:
    """The API key of a Bearer header (None without one, or when it is empty)."""
    header = request.headers.get("authorization", "").strip()
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


INVALID_KEY = ("this API key is not valid: it was revoked or never existed (or its account "
               "is disabled); make a new one with {make}")
NOT_BEARER = "send the API key as `Authorization: Bearer mt_...` (make one with {make})"
# the key to make: one that can do what the request asked (a write needs scope write, which
# `users key` gives an editor or admin only: docs/security.md)
READ_KEY = "`moneytrail users key NAME --scope read`"
WRITE_KEY = ("`moneytrail users key NAME --scope write` (NAME an editor or admin: a read key, "
             "or a reader's key, cannot write)")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def invalid_key(request: Request) -> Response:
    """The 401 problem+json of a request whose Bearer header is no valid API key
    (`keys_fail_closed`), on pages and the API alike (a script sent it): one message for a
    revoked, unknown or disabled account's key, which the store does not tell apart."""
    from fastapi.responses import JSONResponse

    from moneytrail.web.app import with_security_headers

    make = READ_KEY if request.method in READ_METHODS else WRITE_KEY
    detail = (INVALID_KEY if bearer(request) else NOT_BEARER).format(make=make)
    response = JSONResponse({"type": "about:blank", "title": "Unauthorized", "status": 401,
                             "detail": detail, "instance": request.url.path[:200]},
                            status_code=401, media_type="application/problem+json",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"',
                                     "Cache-Control": "no-store"})
    return with_security_headers(request, response)


def who(request: Request) -> Who | None:
    """The caller: an API key's account, a session's account, or None (anonymous). A request
    with a Bearer header that is not a valid key is None here (its cookies ignored) and
    answered 401 before any route (`keys_fail_closed`); an Authorization header of another
    scheme is ignored (the session cookie decides, as without one)."""
    if hasattr(request.state, "who"):
        return request.state.who
    found: Who | None = None
    if presents_key(request):
        key = bearer(request)
        found = accounts(request).by_key(key) if key else None
    else:
        token = request.cookies.get(cookie_name(request))
        found = accounts(request).session(token) if token else None
    request.state.who = found
    return found


def csrf_for(request: Request) -> str:
    """The CSRF token to put in a form: the session's token ("" without a session)."""
    current = who(request)
    return current.csrf_token if current and current.via == "session" else ""


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(cookie_name(request), token, httponly=True, samesite="lax", path="/",
                        secure=https(request))


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(cookie_name(request), path="/", secure=https(request),
                           httponly=True, samesite="lax")


# -- login form CSRF (before a session exists) ---------------------------------------------
def login_token(request: Request, response: Response) -> str:
    """A pre-session token: a random cookie value, and its HMAC for the form's hidden field."""
    raw = request.cookies.get(pre_cookie_name(request)) or ""
    if len(raw) != 43:
        raw = secrets.token_urlsafe(32)
        response.set_cookie(pre_cookie_name(request), raw, httponly=True, samesite="strict",
                            path="/", secure=https(request), max_age=3600)
    return _mac(request, raw)


def _mac(request: Request, raw: str) -> str:
    return hmac.new(request.app.state.web_secret, b"login:" + raw.encode(),
                    hashlib.sha256).hexdigest()


def check_login_token(request: Request, token: str) -> None:
    raw = request.cookies.get(pre_cookie_name(request)) or ""
    if not raw or not token or not hmac.compare_digest(_mac(request, raw), token):
        raise HTTPException(403, "The form has expired or did not come from this site; "
                                 "reload the login page and try again.")


# -- guards --------------------------------------------------------------------------------
async def check_csrf(request: Request, current: Who) -> None:
    """A session-authenticated write must carry the session's CSRF token (form field or
    X-CSRF-Token header)."""
    if current.via != "session":
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    check_csrf_sent(current, sent)


def check_csrf_sent(current: Who, sent: str | None) -> None:
    """The token `sent` (a form field or header already read; None when missing) must be the
    session's, compared in constant time; a key's caller needs none. Raises HTTPException
    403 otherwise (a token of other characters than ASCII is wrong, not an error)."""
    if current.via != "session":
        return
    if not sent or not hmac.compare_digest(sent.encode("utf-8"),
                                           current.csrf_token.encode("utf-8")):
        raise HTTPException(403, "Missing or wrong CSRF token: reload the page and try again.")


def _caller(request: Request) -> Who:
    current = who(request)
    if current is None:
        raise HTTPException(401, "Log in (or send an API key) to change anything.",
                            headers={"WWW-Authenticate": "Bearer"})
    return current


async def require_editor(request: Request) -> Who:
    """Dependency: an editor or admin, with a write-scope key or a session + CSRF token. The
    caller's look-up (a session or key in the store) runs in the thread pool, so a slow store
    holds up this request only, not the event loop and every other request with it."""
    from starlette.concurrency import run_in_threadpool

    current = await run_in_threadpool(_caller, request)
    if current.scope != "write":
        raise HTTPException(403, "This API key may only read.")
    if current.role not in ("editor", "admin"):
        raise HTTPException(403, "Your account may read but not edit.")
    await check_csrf(request, current)
    return current


async def require_admin(request: Request) -> Who:
    """Dependency: an admin, with a write-scope key or a session + CSRF token."""
    current = await require_editor(request)
    if current.role != "admin":
        raise HTTPException(403, "Only an admin may do this.")
    return current


def safe_next(target: str | None) -> str:
    """Where to go after login: a local path only ("/" for anything else: no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target
