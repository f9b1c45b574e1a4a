"""The web app: `/api/v1` JSON (OpenAPI at `/api/v1/openapi.json`) and HTML pages.

    from moneytrail.web import create_app
    app = create_app(db="sqlite:///ledger.sqlite")     # then serve it with uvicorn

Every page is a view (`views.py`) rendered two ways: as JSON (or CSV, `?format=csv&table=...`)
under `/api/v1/...`, and as an HTML page from a Jinja2 template. Nothing is kept in module
globals: shared objects live on `app.state`.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from moneytrail.errors import MoneytrailError
from moneytrail.versions import code_version
from moneytrail.web import views
from moneytrail.web.format import FILTERS
from moneytrail.web.public import PUBLIC_URL_ENV, public_url  # noqa: F401 (here before)
from moneytrail.web.query import plain_address, strict_json_body, strict_query
from moneytrail.web.secret_fields import is_secret
from moneytrail.web.state import WebState
from moneytrail.web.views import View

HERE = Path(__file__).parent
API = "/api/v1"
log = logging.getLogger("moneytrail.web")

CSP = ("default-src 'self'; script-src 'self'; "
       # plotly.js sets style attributes and injects its own <style> element
       "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors {frame}")


def plotly_js() -> Path:
    """plotly.min.js as shipped inside the plotly wheel (no CDN)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def claim_cutoffs() -> dict[str, str]:
    """The thresholds behind a claim's verdict, for the verdict key: P(holds) at least
    'supported' (90 %) or at most 'contradicted' (10 %), from analysis.stats.CLAIM_CUTOFFS,
    the fewest draws that give a verdict (analysis.verdicts.MIN_VERDICT_DRAWS) and the link
    to the methods section that defines them."""
    from moneytrail.analysis.stats import CLAIM_CUTOFFS
    from moneytrail.analysis.verdicts import MIN_VERDICT_DRAWS
    from moneytrail.report.methods import methods_link

    supported, contradicted = CLAIM_CUTOFFS
    return {"supported": f"{100 * supported:g} %", "contradicted": f"{100 * contradicted:g} %",
            "min_draws": f"{MIN_VERDICT_DRAWS:,}", "link": methods_link("Analyses")}


def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    from moneytrail.report.units import EU_FOOTNOTE, ROW_FOOTNOTE

    env.globals["eu_footnote"] = EU_FOOTNOTE
    from moneytrail.accounts.store import password_hint

    env.globals["password_hint"] = password_hint    # check_password's rules, in words
    from moneytrail.engine.dimensions import OWNERSHIP_NOTE

    env.globals["ownership_note"] = OWNERSHIP_NOTE    # under the run page's ownership table
    from moneytrail.web.formerrors import DONE_MESSAGES

    env.globals["done_messages"] = DONE_MESSAGES      # after a write (formerrors.done)
    env.globals["row_footnote"] = ROW_FOOTNOTE
    from moneytrail.web.views import deal_link_url, totals_link

    env.globals["totals_link"] = totals_link    # the totals page's links keep its choices
    env.globals["deal_link_url"] = deal_link_url    # deal links keep currency, price year
    from moneytrail.analysis.claims_schema import (
        NO_SINGLE_SPEAKER_LABEL,
        NO_SINGLE_SPEAKER_WHAT,
        RELATED_SOURCE_WORDS,
        no_single_speaker,
    )
    from moneytrail.analysis.verdicts import (
        CASES_WEIGHT_WORDS,
        WEAK_BASIS_KEY,
        WEAK_BASIS_SAME,
        rule_words,
        verdict_words,
        weak_basis,
    )
    from moneytrail.scenarios.reference import HYPOTHETICAL_LABEL

    env.globals["hypothetical_label"] = HYPOTHETICAL_LABEL      # a plan moneytrail made up
    env.globals["weak_basis"] = weak_basis      # a verdict on weak evidence says so
    env.globals["verdict_words"] = verdict_words
    env.globals["rule_words"] = rule_words     # the rule beside a verdict, as the terminal's
    env.globals["cases_weight_words"] = CASES_WEIGHT_WORDS
    from moneytrail.web.views import claim_pieces, shown_verdicts

    env.globals["claim_pieces"] = claim_pieces      # a claim's badge: claim_verdict macro
    env.globals["shown_verdicts"] = shown_verdicts  # the verdicts its key explains
    env.globals["weak_basis_key"] = WEAK_BASIS_KEY      # and the key says what that means
    env.globals["weak_basis_same"] = WEAK_BASIS_SAME
    env.globals["claim_cutoffs"] = claim_cutoffs()      # the verdict key's thresholds
    env.globals["no_single_speaker"] = no_single_speaker    # a claim nobody is named for
    env.globals["no_single_speaker_words"] = (NO_SINGLE_SPEAKER_LABEL, NO_SINGLE_SPEAKER_WHAT)
    env.globals["related_source_words"] = RELATED_SOURCE_WORDS
    from moneytrail.report.glossary import GLOSSARY
    from moneytrail.report.methods import methods_link

    # (term, words, link, section): the link's name says which section of the methods it opens
    env.globals["glossary"] = [(term, words, methods_link(section), section)
                               for term, words, section in GLOSSARY]
    return env


ALLOWED_HOSTS_ENV = "MONEYTRAIL_ALLOWED_HOSTS"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
HOST_NAME = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]{0,62}\.)*[a-z0-9-]{1,63}$|^\[[0-9a-f:.]+\]$")


def allowed_hosts(values: Sequence[str] | str | None = None) -> list[str]:
    """The host names the app answers to (the Host header; anything else gets 400), from
    `values` (names, each may hold several separated by commas), else the environment's
    MONEYTRAIL_ALLOWED_HOSTS, else the loopback names. `*.example.org` allows subdomains;
    an IPv6 address is written in brackets. `*`, a port, a scheme or a path are refused
    (MoneytrailError naming --allowed-host): links the app writes (share links, citations,
    reset links, redirects) use the Host header, so it must be one of ours."""
    if values is None:
        values = os.environ.get(ALLOWED_HOSTS_ENV, "")
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for raw in values:
        for item in (part.strip().lower() for part in str(raw).split(",")):
            if not item:
                continue
            if item.startswith("::") or (item.count(":") > 1 and not item.startswith("[")):
                item = f"[{item}]"                       # ::1 as the Host header writes it
            if not HOST_NAME.match(item):
                raise MoneytrailError(
                    "an allowed host is a name or address as in the Host header, without "
                    "port or scheme (example.org, *.example.org, 10.0.0.5, [::1]); '*' is "
                    "refused (any Host would be believed)", field="--allowed-host",
                    value=item)
            out.append(item)
    return out or list(LOOPBACK_HOSTS)


def with_public_host(names: list[str], public: str) -> list[str]:
    """The allowed host `names` plus the host name of the site's public address `public`
    (MONEYTRAIL_PUBLIC_URL, checked by `public_url`; '' when unset): `serve` prints that
    address, so a request reaching it must not get 400 Invalid host header. Its port is
    dropped (the Host header check compares names only)."""
    from urllib.parse import urlsplit

    name = (urlsplit(public).hostname or "") if public else ""
    if ":" in name:
        name = f"[{name}]"                      # an IPv6 address, as the Host header writes it
    if not name or name in names:
        return names
    return [*names, *allowed_hosts([name])]


def create_app(db: str | None = None, data: str | None = None, *,
               run_limit: tuple[float, float] = (20, 20 / 60), workers: int = 2,
               start_reference_runs: bool = True,
               hosts: Sequence[str] | None = None,
               public: str | None = None) -> FastAPI:
    """A new web app on the ledger store `db` (default: the user's store) and data package
    `data` (default: the bundled one). The store is opened now, so a bad `db` fails here.
    `hosts`: the Host header names it answers to (`allowed_hosts`: default
    MONEYTRAIL_ALLOWED_HOSTS, else the loopback names; plus the public address's host name,
    `with_public_host`); any other Host gets 400. `public`: the
    site's public address for links in briefings and reset links (`public_url`: default
    MONEYTRAIL_PUBLIC_URL, else none: the address each request reached, `request_origin`).

    Runs are traced on a pool of `workers` threads owned by the app (shut down with it);
    each client address may start `run_limit[0]` runs at once, refilled at `run_limit[1]`
    per second. At start-up the reference plans are queued, so Home shows their headline."""
    from moneytrail.service.runs import RunStore
    from moneytrail.service.workspace import Workspace
    from moneytrail.web.jobs import RunQueue, TokenBucket

    state = WebState.open(db, data)
    workspace = Workspace.open(data, db=db)
    queue = RunQueue(workspace, RunStore(state.ledger.engine), workers=workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if start_reference_runs:
            from moneytrail.web.routes_runs import start_reference_runs as start

            start(app)
        yield
        queue.shutdown()
        workspace.close()
        app.state.web.close()

    # the API's version (OpenAPI `info.version`) is the one every run is stamped with
    app = FastAPI(title="moneytrail", version=code_version(),
                  description="Follow the money of AI investment plans: the ledger of "
                  "announced, committed and spent money, sources, and the debate's claims "
                  "checked against the data. Errors are problem-details JSON "
                  "(application/problem+json) naming the field and value.",
                  # FastAPI's own docs pages load Swagger UI from a CDN, which the CSP and the
                  # project forbid: web.apidocs serves it from the swagger-ui-py package
                  # the description at /api/v1/openapi.json is web.openapi's route (FastAPI's
                  # own would skip the dependencies below)
                  openapi_url=None, docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  # unknown or repeated query parameters of /api/v1 routes, control
                  # characters in any address: 400 (web.query)
                  dependencies=[Depends(plain_address), Depends(strict_query),
                                Depends(strict_json_body)])
    state.workspace = workspace
    app.state.web = state
    app.state.workspace = workspace
    app.state.jobs = queue
    app.state.limiter = TokenBucket(*run_limit)
    app.state.templates = templates()
    app.state.templates.globals["source_info"] = state.source_info
    app.state.templates.globals["note_parts"] = state.note_parts
    app.state.templates.globals["one_per_document"] = state.one_per_document
    # a source link names its document by the one id every link of a page gives it
    app.state.templates.globals["document_id"] = state.document_id
    app.state.templates.globals["source_groups"] = state.source_groups
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    app.state.public_url = public_url(public)
    app.state.allowed_hosts = with_public_host(allowed_hosts(hosts), app.state.public_url)
    # OWASP host header injection: links and redirects are written from the Host header.
    # Added first, so it is the innermost middleware: its 400 still gets the security headers
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=app.state.allowed_hosts,
                       www_redirect=False)
    app.add_middleware(HostPorts, public=app.state.public_url)     # and only our ports
    add_security_headers(app)
    add_error_handlers(app)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_bundle() -> FileResponse:
        return FileResponse(plotly_js(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    from moneytrail.web.apidocs import add_docs_routes

    add_docs_routes(app)        # /static/swagger-ui/*: before /static, which would hide it
    app.mount("/static", Static(directory=HERE / "static"), name="static")
    add_routes(app)
    from moneytrail.web.routes_runs import add_run_routes

    add_run_routes(app)
    from moneytrail.web.routes_charts import add_chart_routes

    add_chart_routes(app)
    from moneytrail.web.routes_claims import add_claim_routes

    add_claim_routes(app)
    # issue 12: accounts (sessions, CSRF, API keys) and the write routes
    from moneytrail.web import account_history, accounts, auth, editing, saved

    auth.install(app)
    app.include_router(accounts.router)
    app.include_router(account_history.router)
    app.include_router(editing.router)
    app.include_router(saved.router)
    app.add_middleware(HeadAsGet)       # added last: the outermost layer
    from moneytrail.web import openapi

    openapi.install(app)                # the responses the API really gives (problem+json)
    return app


class Static(StaticFiles):
    """The static files, with the charset of SVG named (ASVS 4.1.1: XML is text; Starlette
    names it only for text/* types such as CSS and JavaScript)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        if response.headers.get("content-type") == "image/svg+xml":
            response.headers["content-type"] = "image/svg+xml; charset=utf-8"
        return response


DEFAULT_PORTS = {"http": 80, "https": 443}
# set in the ASGI scope of a request that arrived from a trusted reverse proxy
# (`web.server.behind_proxies`): its Host names the proxy's address, not ours
PROXIED = "moneytrail.proxied"
# set in the ASGI scope of a HEAD request answered as a GET (`HeadAsGet`): a route whose body
# is costly to make (a briefing not rendered yet) may answer with the headers only
HEAD = "moneytrail.head"


def request_origin(request: Request) -> str:
    """The address (scheme://host[:port][/root path], no trailing slash) this request
    reached the site at, for absolute links in what leaves the site (briefings, reset links)
    when no public address is set. The scheme and Host are the request's (the Host name and
    port are checked by TrustedHostMiddleware and HostPorts). A Host without a port, from a
    client that did not come through a trusted proxy, gets the port the server listens on
    unless that is the scheme's default: `Host: localhost` on port 8000 gives
    `http://localhost:8000`, not `http://localhost`, where nothing listens. Through a trusted
    proxy (`PROXIED`) a Host without a port stays so: the proxy listens on the scheme's
    default port. Host names are case-insensitive: the address is written in lower case, so
    `Host: LOCALHOST` links (and caches) as `localhost`. A Host naming the scheme's default
    port is written without it (`Host: localhost:80` on http gives `http://localhost`, on
    https `:443` is dropped; `:80` on https stays)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(str(request.base_url).rstrip("/"))
    parts = parts._replace(netloc=without_default_port(parts.netloc.lower(), parts.scheme))
    host = request.headers.get("host", "")      # none: Starlette wrote the server's address
    server = request.scope.get("server") or (None, None)
    if (not host or host_port(host) or request.scope.get(PROXIED)
            or not server[1] or server[1] == DEFAULT_PORTS.get(request.url.scheme)):
        return urlunsplit(parts)
    return urlunsplit(parts._replace(netloc=f"{parts.netloc}:{server[1]}"))


def without_default_port(netloc: str, scheme: str) -> str:
    """`netloc` (host[:port], as in a URL) without a port that is `scheme`'s default:
    ('localhost:80', 'http') -> 'localhost', ('[::1]:443', 'https') -> '[::1]',
    ('localhost:80', 'https') -> 'localhost:80' (unchanged)."""
    port = host_port(netloc)
    if port and port == str(DEFAULT_PORTS.get(scheme, "")):
        return netloc[:-len(port) - 1]
    return netloc


def host_port(host: str) -> str:
    """The port a Host header names ('' without one): `example.org:8000` -> '8000',
    `[::1]:8000` -> '8000', `[::1]` -> ''."""
    name, colon, port = host.rpartition(":")
    return port if colon and not port.endswith("]") and name else ""


class HostPorts:
    """A Host header naming a port the app does not answer at gets 400 `Invalid host
    header` (TrustedHostMiddleware compares the name only, and the app writes the Host into
    absolute links: reset links, share links, redirects). Allowed: no port, the scheme's
    default port (80, 443), the port the server listens on (the ASGI scope's `server`) and
    the port of the public address (MONEYTRAIL_PUBLIC_URL, `public`)."""

    def __init__(self, app: Any, public: str = "") -> None:
        from urllib.parse import urlsplit

        self.app = app
        self.public_port = str(urlsplit(public).port or "") if public else ""

    def allowed(self, scope: dict, port: str) -> bool:
        server = scope.get("server") or (None, None)
        return (not port or port in (self.public_port, str(server[1]))
                or port == str(DEFAULT_PORTS.get(scope.get("scheme", ""), "")))

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        from starlette.datastructures import Headers
        from starlette.responses import PlainTextResponse

        if scope["type"] in ("http", "websocket"):
            port = host_port(Headers(scope=scope).get("host", ""))
            if not self.allowed(scope, port):
                await PlainTextResponse("Invalid host header", status_code=400)(
                    scope, receive, send)
                return
        await self.app(scope, receive, send)


class HeadAsGet:
    """HEAD answered as the GET of the same address without its body (RFC 9110, 9.3.2):
    link checkers and uptime monitors send HEAD, and FastAPI's GET routes answer only GET.
    Headers (status, Content-Type, Content-Length, security headers) are the GET's. The
    scope is marked `HEAD`, so a route whose body takes seconds to make (a briefing) can
    skip making it (`is_head`)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: dict) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET", HEAD: True}, receive, without_body)


def is_head(request: Request) -> bool:
    """Whether `request` is a HEAD answered as a GET (`HeadAsGet`): its body is dropped."""
    return bool(request.scope.get(HEAD))


# -- headers and errors -------------------------------------------------------------------
def add_security_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable) -> Response:
        return with_security_headers(request, await call_next(request))


def with_security_headers(request: Request, response: Response) -> Response:
    """`response` with the security headers of every answer: set by the middleware, and by the
    handler of unhandled errors (`crash`), whose 500 Starlette sends from outside it."""
    embed = request.url.path.startswith("/embed/")
    response.headers["Content-Security-Policy"] = CSP.format(
        frame="*" if embed else "'none'")
    if not embed:
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # a page may ask for less (the reset page, whose address holds a token: no-referrer)
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.url.scheme == "https":       # behind TLS only: a year, as ASVS 3.4.1 asks
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API + "/") or request.url.path == API


SHOWN = 200      # characters of a field name, value or path an error response echoes


def problem(request: Request, status: int, title: str, detail: str,
            field: str | None = None, value: Any = None, heading: str | None = None,
            links: Sequence[tuple[str, str]] = ()) -> Response:
    """An error as problem-details JSON (API) or a friendly error page (pages), headed
    `heading` (default: the heading of its status in error.html), the page with `links`
    ((text, path within the site) each: where to go instead). The input it
    echoes (`field`, `value`, `instance`) is shortened to SHOWN characters each
    (schema.shown_text), so a 50,000-character key or claim id is not sent back whole, and
    a lone surrogate in it is written as an escape (text.escaped: it cannot be UTF-8)."""
    from moneytrail.errors import shown
    from moneytrail.scenarios.schema import shown_text
    from moneytrail.text import escaped

    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status,
                            "detail": escaped(detail),
                            "instance": shown_text(request.url.path, SHOWN)}
    if field is not None:
        body["field"] = escaped(shown_text(field, SHOWN))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 40:
        from moneytrail.web.query import short_number

        value = short_number(str(value))        # a 4,000-digit seed: its first digits
    if is_secret(field):
        value = None                    # ASVS 16.2.5: a password is never sent back
    if value is not None:
        finite = not isinstance(value, float) or math.isfinite(value)
        body["value"] = views.clean(value) if isinstance(value, int | float) and finite \
            else escaped(shown_text(shown(value, quote=False), SHOWN))  # 1e400 as written
    if is_api(request):
        return JSONResponse(body, status_code=status, media_type="application/problem+json")
    login_next = None
    if status == 401:           # an expired session reopening a form page: a way back in
        from moneytrail.web.auth import safe_next

        login_next = safe_next(request.url.path + (f"?{request.url.query}"
                                                   if request.url.query else ""))
    from moneytrail.text import visible

    written = {k: visible(v) if isinstance(v, str) else v for k, v in body.items()}
    page = request.app.state.templates.get_template("error.html").render(
        request=request, error=written, nav=None, login_next=login_next, heading=heading,
        links=links)
    response = HTMLResponse(page, status_code=status)
    if request.method not in ("GET", "HEAD"):
        response.headers["Cache-Control"] = "no-store"      # the answer to a form post
    return response


def form_page(request: Request) -> str:
    """The page a form posted to `request` came from: the Referer when it is a page of this
    site, else the page the form's address belongs to."""
    from urllib.parse import urlsplit

    from moneytrail.web.auth import safe_next

    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc == request.url.netloc:
        return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))
    path = request.url.path
    if re.fullmatch(r"/ledger/(edit|add)/[^/]+(/[^/]+)?|/saved/\d+/edit", path):
        return safe_next(path)
    if (found := re.fullmatch(r"(/saved/\d+)/(delete|run)", path)):
        return found.group(1)
    return {"/saved": "/build"}.get(path, "/saved" if path.startswith("/saved/") else "/")


async def session_ended(request: Request, detail: str,
                        headers: dict[str, str] | None = None) -> Response:
    """A form post refused because no one is signed in (the session ended while the form was
    open, or the visitor never signed in: the page says which, by the session cookie): 401
    with a login link back to the form's page and every non-secret field the user sent,
    escaped and read-only, so nothing typed is lost. The builder's Save (POST /saved) gets a
    login form instead, whose hidden field carries the builder's draft through the login
    back to a filled builder (web.draft_login), not ~140 raw boxes. Never stored."""
    from moneytrail.accounts.store import IDLE
    from moneytrail.web.auth import cookie_name, login_token

    fields: list[tuple[str, str]] = []
    draft = ""
    if request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            form = await request.form()
        except Exception:                  # an unreadable body: the page without the fields
            form = None
        if form is not None:
            fields = [(name, value) for name, value in form.multi_items()
                      if isinstance(value, str) and not is_secret(name)]
        if form is not None and request.url.path == "/saved":   # the builder's Save button
            from moneytrail.web.draft_login import builder_draft

            draft = builder_draft(dict(fields), request.app.state.workspace.valuechain)
    had_session = bool(request.cookies.get(cookie_name(request)))   # else never signed in
    cookies = HTMLResponse("")
    # the builder's draft: a login form on the page carries it (draft_login), never the raw
    # fields; any other form: its fields, read-only, and a link to the login page
    token = login_token(request, cookies) if draft else ""
    page = request.app.state.templates.get_template("session_ended.html").render(
        request=request, meta=None, nav=None, detail=detail,
        fields=[] if draft else fields, draft=draft, token=token,
        draft_pairs=parse_qsl(draft),
        draft_title=dict(fields).get("title", "").strip(), had_session=had_session,
        next=form_page(request), idle_minutes=int(IDLE.total_seconds() // 60))
    response = HTMLResponse(page, status_code=401, headers=dict(headers or {}))
    for header, value in cookies.raw_headers:
        if header == b"set-cookie":
            response.raw_headers.append((header, value))
    response.headers["Cache-Control"] = "no-store"
    return response


def as_value(value: Any) -> Any:
    """An offending input for an error body: scalars as they are, objects and lists as
    (shortened) JSON, never a Python repr."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 200 else text[:199] + "\u2026"


# paths whose bodies of the wrong shape (a key unknown or missing, a value of the wrong JSON
# type) are a 400, as POST /api/v1/runs answers every bad body, not FastAPI's 422
FOUR_HUNDRED_BODIES = (f"{API}/saved-plans",)
UNPROCESSABLE = "Unprocessable content"     # RFC 9110 section 15.5.21: well-formed, invalid
# problem-details titles: the status's reason phrase (RFC 9110 section 15)
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 413: "Payload too large",
          415: "Unsupported media type", 422: UNPROCESSABLE, 429: "Too many requests",
          503: "Service unavailable"}


async def answer(request: Request, status: int, title: str, detail: str,
                 field: str | None = None, value: Any = None, heading: str | None = None,
                 links: Sequence[tuple[str, str]] = ()) -> Response:
    """`problem` in the thread pool, for the async error handlers: an error page's render
    asks who is signed in (base.html's `current_user`, a store look-up of the session),
    which must not block the event loop (a slow or unreachable store: every request)."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(problem, request, status, title, detail, field, value,
                                   heading, links)


def later_links(exc: Any) -> list[tuple[str, str]]:
    """For a record asked for at a revision before it was added (ledger.errors.NotYetError):
    links to it as it is now and to its history (a deal's page; the history of any kind)."""
    from urllib.parse import quote

    key = quote(str(exc.key), safe="")
    now = [(f"The {exc.kind} now", f"/ledger/deals/{key}")] if exc.kind == "deal" else []
    return [*now, (f"Its history (added at revision {exc.added})",
                   f"/ledger/history/{quote(str(exc.kind), safe='')}/{key}")]


def add_error_handlers(app: FastAPI) -> None:
    from moneytrail.ledger.errors import AlreadyUndone, ConflictError, NotFoundError, NotYetError

    # error pages whose status's heading would not fit ("This changed in the meantime")
    headings: dict[type, str] = {AlreadyUndone: "This change is already undone",
                                 NotYetError: "Not in the ledger yet at that revision"}

    @app.exception_handler(MoneytrailError)
    async def bad_input(request: Request, exc: MoneytrailError) -> Response:
        status = 404 if isinstance(exc, NotFoundError) or exc.http_status == 404 else \
            409 if isinstance(exc, ConflictError) else \
            exc.http_status if exc.http_status in (401, 403, 409, 413, 415, 429, 503) else 400
        field = exc.field.lstrip("-") if exc.field else None
        title = TITLES.get(status, "Bad request")
        response = await answer(request, status, title, exc.detail, field, exc.value,
                                headings.get(type(exc)),
                                later_links(exc) if isinstance(exc, NotYetError) else ())
        retry = getattr(exc, "retry_after", None)
        if retry is not None:
            response.headers["Retry-After"] = str(max(1, math.ceil(retry)))
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        if first.get("type") == "json_invalid":
            where = first.get("loc", ("body", None))[-1]
            reason = (first.get("ctx") or {}).get("error", "malformed")
            return await answer(request, 400, "Bad request",
                                f"the body is not valid JSON: {reason} (at character {where})",
                                "body")
        loc = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body")]
        whole = [str(p) for p in first.get("loc", ())[:1]]      # e.g. a missing body
        field = ".".join(loc) or ".".join(whole) or None
        msg = str(first.get("msg", "invalid input"))
        # the saved plans answer a body of the wrong shape as POST /api/v1/runs does, and as
        # they answer a bad plan: 400 (FOUR_HUNDRED_BODIES); other bodies 422
        status, title = (400, "Bad request") if request.url.path.startswith(
            FOUR_HUNDRED_BODIES) else (422, UNPROCESSABLE)
        if first.get("type") == "missing":       # the input is the parent object: say the name
            return await answer(request, status, title,
                                f"{msg}: {field}" if field else msg, field)
        return await answer(request, status, title, msg, field,
                            as_value(first.get("input")))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 401 and not is_api(request) and request.method == "POST":
            return await session_ended(request, str(exc.detail), dict(exc.headers or {}))
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            # FastAPI could not read the body ("There was an error parsing the body", e.g. a
            # whole number of 5,000 digits): the strict parser says what and where
            from moneytrail.web.query import strict_json

            raw = getattr(request, "_body", None)
            try:
                if isinstance(raw, bytes):
                    strict_json(raw)
            except MoneytrailError as error:
                return await bad_input(request, error)
            return await answer(request, 400, "Bad request",
                                f"the body could not be read as JSON: {exc.__cause__}", "body")
        detail = "There is no page at this address." if exc.status_code == 404 \
            else str(exc.detail)
        response = await answer(request, exc.status_code, TITLES.get(exc.status_code, "Error"),
                                detail)
        for name, value in (exc.headers or {}).items():     # a 401's WWW-Authenticate (RFC
            response.headers.setdefault(name, value)         # 9110 11.6.1), a 405's Allow
        return response

    from sqlalchemy.exc import DBAPIError

    @app.exception_handler(DBAPIError)
    async def store_down(request: Request, exc: DBAPIError) -> Response:
        """The store refused a read or a write (read-only, full, locked, a database server
        restarting): 503 with one line saying why (`ledger.connection.unavailable_named`;
        the store itself is not named to the client) and that nothing was written."""
        from sqlalchemy.exc import DataError, InterfaceError, OperationalError

        from moneytrail.ledger.connection import first_line, unavailable_named

        if isinstance(exc, DataError):
            # a value the database cannot take (PostgreSQL: a NUL in text, a number out of
            # its column's range) is bad input that slipped past the checks, never a 500
            log.warning("store refused a value on %s: %s", request.url.path,
                        first_line(exc.orig))
            return await answer(request, 400, "Bad request",
                                f"the data store cannot take a value of this request "
                                f"({first_line(exc.orig)}): nothing was written; remove "
                                "control characters and out-of-range numbers from the input")
        known = unavailable_named("", exc)
        if known is None and not isinstance(exc, (OperationalError, InterfaceError)):
            # an integrity or programming error is a bug, not an outage: "try again" would
            # mislead (the generic 500, logged with its traceback)
            log.exception("store error on %s", request.url.path)
            return await answer(request, 500, "Internal error",
                                "Something went wrong on our side; the error was logged.")
        log.warning("store unavailable on %s: %s", request.url.path, str(exc).split("\n")[0])
        detail = known.detail if known is not None and "nothing was written" in known.detail \
            else "The data store cannot be reached right now (nothing was written); try " \
            "again shortly."
        response = await answer(request, 503, "Service unavailable", detail)
        response.headers["Retry-After"] = "2"
        return response

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        # Starlette answers an unhandled error outside every middleware (its
        # ServerErrorMiddleware): the headers the middleware gives other answers are set here
        response = with_security_headers(request, await answer(
            request, 500, "Internal error",
            "Something went wrong on our side; the error was logged."))
        if request.method == "HEAD":
            # outside HeadAsGet too, so its body is dropped here (RFC 9110, 9.3.2); the
            # headers, Content-Length included, stay those of the GET's 500
            response.body = b""
        return response


# -- rendering ----------------------------------------------------------------------------
Format = Annotated[str | None, Query(description="json (default) or csv")]
Table = Annotated[str | None, Query(description="one of the page's tables (its `tables`): "
                                    "the CSV's (needed when the page has several), or the "
                                    "JSON's only")]
Q = Annotated[str | None, Query()]
LedgerRevision = Annotated[str | None, Query(description="the ledger as it was at this "
                                             "revision (a whole number, as a page's "
                                             "citation names it); default: the newest")]
Search = Annotated[str | None, Query(description="only deals whose id, name, announcer "
                                     "or description holds this text, in any case")]
PriceYear = Annotated[str | None, Query(description="prices of this year (a whole number; "
                                        "default: the latest year the currency's deflator "
                                        "covers), as the CLI's --price-year")]


def as_api(view: View, fmt: str | None, table: str | None, *, name_filters: bool = False,
           subject: str | Sequence[str] = "") -> Response:
    """A view as JSON, or one of its tables as CSV (`table`, else its only one: CSV holds one
    table, so a view of several without `table` is a 400 naming them, as a run's CSV is).
    JSON with `table` is that table alone: {"meta", "table", "rows"} (never a parameter
    ignored); an unknown table is a 400 naming the view's tables. The CSV's file name
    (views.download_name) carries the page's `subject` when it is about one thing
    ('deal-<id>': a deal's claims are not the debate's; the plans compared), with
    `name_filters` the view's
    filters, and the ledger revision and download date (moneytrail-deals-EU-r728-2026-12-03
    .csv); its headers carry the view's provenance (views.download_headers)."""
    fmt = views.choice_param("format", fmt, ("json", "csv")) or "json"
    name = views.choice_param("table", table, tuple(view.tables))
    if fmt == "json":
        if name is None:
            return JSONResponse(dict(view))
        return JSONResponse({"meta": view["meta"], "table": name, "rows": view[name]})
    if name is None and len(view.tables) > 1:
        raise MoneytrailError(f"CSV holds one table and this page has {len(view.tables)}: "
                              f"choose one with table ({', '.join(view.tables)}), or use "
                              "format=json for all", field="table")
    name = name or view.tables[0]
    from moneytrail.web.routes_runs import csv_response

    filters = view.get("filters") if name_filters else None
    meta = view["meta"]
    return csv_response(view[name], views.download_name(name, filters or {}, subject=subject,
                                                        stamp=meta) + ".csv",
                        views.download_headers(meta))


def render(request: Request, template: str, view: View, nav: str, api_path: str | None = None,
           **extra: Any) -> HTMLResponse:
    """A view as an HTML page, with download links for each of its tables (carrying only the
    filters the page itself takes: the API refuses unknown parameters, see web.query). Its
    `origin` (the embed code, absolute links a reader copies) is
    `routes_runs.handed_on_origin`."""
    from moneytrail.web.query import declared
    from moneytrail.web.routes_runs import handed_on_origin

    takes, _ = declared(request.scope.get("route"))
    query = {k: v for k, v in request.query_params.items() if k in takes}
    if api_path is None:
        api_path = API + request.url.path.rstrip("/") if request.url.path != "/" \
            else API + "/home"

    def download(table: str, fmt: str) -> str:
        params = {**query, "format": fmt}
        if fmt == "csv":
            params["table"] = table
        return f"{api_path}?{urlencode(params)}"

    page = request.app.state.templates.get_template(template).render(
        request=request, view=view, meta=view["meta"], nav=nav, download=download,
        origin=handed_on_origin(request), **extra)
    return HTMLResponse(page)


def page_url(request: Request) -> str:
    """The page's address with only the query parameters its route takes (citations and the
    curl lines under /api/v1 must not carry tracking parameters the API would refuse)."""
    from moneytrail.web.query import declared

    takes, _ = declared(request.scope.get("route"))
    kept = [(k, v) for k, v in request.query_params.multi_items() if k in takes]
    if len(kept) == len(request.query_params.multi_items()):
        return str(request.url)
    return str(request.url.replace(query=urlencode(kept)))


def page_address(request: Request) -> dict[str, str]:
    """What a view is given to write the addresses a reader copies from its page or API
    answer (its citation, curl line, `meta.url`): `url`, the page's address
    (`routes_runs.handed_on_url`: `page_url` under the site's public address,
    MONEYTRAIL_PUBLIC_URL, else under the address the request reached, the default port
    dropped), and `origin` (`routes_runs.handed_on_origin`), the site's address the view's
    API and run addresses go under, as on the run and compare pages. Never the raw request
    URL: behind a proxy that is an internal address, and its Host is the client's to write."""
    from moneytrail.web.routes_runs import handed_on_origin, handed_on_url

    return {"url": handed_on_url(request), "origin": handed_on_origin(request)}


# -- routes -------------------------------------------------------------------------------
def add_routes(app: FastAPI) -> None:
    def web(request: Request) -> WebState:
        return request.app.state.web

    @app.get(f"{API}/home", tags=["pages"], summary="Home: reality check, claims, plans")
    def api_home(request: Request, format: Format = None, table: Table = None) -> Response:
        from moneytrail.web.routes_runs import reference_traces

        return as_api(views.home_view(web(request), traced=reference_traces(request),
                                      **page_address(request)), format, table)

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        from moneytrail.web.routes_runs import reference_traces

        traced = reference_traces(request)
        return render(request, "home.html",
                      views.home_view(web(request), traced=traced, **page_address(request)),
                      "home",
                      traced=traced)

    @app.get(f"{API}/charts/reality", tags=["ledger"],
             summary="The reality-check chart's data: largest pledges by stage")
    def api_reality(request: Request, format: Format = None, table: Table = None,
                    revision: LedgerRevision = None) -> Response:
        return as_api(views.reality_view(views.at_revision(web(request), revision),
                                         **page_address(request)), format, table)

    @app.get("/embed/reality", include_in_schema=False)
    def embed_reality(request: Request, revision: Q = None) -> HTMLResponse:
        """The only kind of page that other sites may frame (see the CSP middleware)."""
        return render(request, "embed_reality.html",     # its citation is copied elsewhere
                      views.reality_view(views.at_revision(web(request), revision),
                                         **page_address(request)), "",
                      api_path=f"{API}/charts/reality")

    @app.get(f"{API}/ledger", tags=["ledger"],
             summary="Deals with stages and reality ratios (filters: region, sector, year, kind; "
             "q: text search)")
    def api_ledger(request: Request, region: Q = None, sector: Q = None, year: Q = None,
                   kind: Q = None, currency: Q = None, price_year: PriceYear = None,
                   format: Format = None, table: Table = None,
                   revision: LedgerRevision = None, q: Search = None) -> Response:
        view = views.deals_view(views.at_revision(web(request), revision),
                               **page_address(request),
                                region=region, sector=sector,
                                year=year, kind=kind, currency=currency, price_year=price_year,
                                q=q)
        return as_api(view, format, table, name_filters=True)

    @app.get("/ledger", include_in_schema=False)
    def ledger(request: Request, region: Q = None, sector: Q = None, year: Q = None,
               kind: Q = None, currency: Q = None, price_year: Q = None,
               revision: Q = None, q: Q = None) -> HTMLResponse:
        view = views.deals_view(views.at_revision(web(request), revision),
                               **page_address(request),
                                region=region, sector=sector,
                                year=year, kind=kind, currency=currency, price_year=price_year,
                                q=q)
        return render(request, "ledger.html", view, "ledger")

    @app.get(f"{API}/ledger/totals", tags=["ledger"],
             summary="Totals by region (per capita and per GDP), or by the groupings "
             "`by` names as `ledger totals --by` does: region, sector, purpose, year "
             "(comma-separated, e.g. by=region,year)")
    def api_totals(request: Request, stage: Q = None, currency: Q = None, needs: Q = None,
                   price_year: PriceYear = None, by: Q = None, format: Format = None,
                   table: Table = None, revision: LedgerRevision = None) -> Response:
        view = views.totals_view(views.at_revision(web(request), revision),
                               **page_address(request),
                                 stage=stage,
                                 currency=currency, needs=needs, price_year=price_year, by=by)
        return as_api(view, format, table, name_filters=True)

    @app.get("/ledger/totals", include_in_schema=False)
    def totals(request: Request, stage: Q = None, currency: Q = None,
               needs: Q = None, price_year: Q = None, by: Q = None,
               revision: Q = None) -> HTMLResponse:
        # `by` as the API takes it (views.totals_by): an unknown grouping is a 400 page
        # naming it, never ignored with totals by region shown instead
        view = views.totals_view(views.at_revision(web(request), revision),
                               **page_address(request),
                                 stage=stage,
                                 currency=currency, needs=needs, price_year=price_year, by=by)
        return render(request, "totals.html", view, "totals")

    @app.get(f"{API}/ledger/deals/{{deal}}", tags=["ledger"],
             summary="A deal: claims, sources, overlaps and revision history")
    def api_deal(request: Request, deal: str, currency: Q = None,
                 price_year: PriceYear = None, format: Format = None,
                 table: Table = None, revision: LedgerRevision = None) -> Response:
        view = views.deal_view(views.at_revision(web(request), revision),
                               **page_address(request),
                               deal=deal, currency=currency,
                               price_year=price_year)
        return as_api(view, format, table, subject=f"deal-{deal}")

    @app.get("/ledger/deals/{deal}", include_in_schema=False)
    def deal_page(request: Request, deal: str, currency: Q = None,
                  price_year: Q = None, revision: Q = None) -> HTMLResponse:
        view = views.deal_view(views.at_revision(web(request), revision),
                               **page_address(request),
                               deal=deal, currency=currency,
                               price_year=price_year)
        return render(request, "deal.html", view, "ledger")

    @app.get(f"{API}/sources/{{source}}", tags=["sources"],
             summary="A source and every row that cites it")
    def api_source(request: Request, source: str, format: Format = None,
                   table: Table = None) -> Response:
        return as_api(views.source_view(web(request), source=source, **page_address(request)),
                      format,
                      table, subject=f"source-{source}")

    @app.get("/sources/{source}", include_in_schema=False)
    def source_page(request: Request, source: str) -> HTMLResponse:
        view = views.source_view(web(request), source=source, **page_address(request))
        return render(request, "source.html", view, "")

    @app.get(f"{API}/claims", tags=["claims"],
             summary="The debate's claims with verdict, figure, P(holds) and sources")
    def api_claims(request: Request, format: Format = None, table: Table = None) -> Response:
        from moneytrail.web.routes_runs import reference_run_ids
        from moneytrail.web.saved import viewer

        return as_api(views.claims_view(web(request), viewer=viewer(request),
                                        reference=reference_run_ids(request.app),
                                        **page_address(request)), format, table)

    @app.get("/claims", include_in_schema=False)
    def claims(request: Request) -> HTMLResponse:
        from moneytrail.web.own_claims import form_choices
        from moneytrail.web.routes_runs import reference_run_ids
        from moneytrail.web.saved import viewer

        return render(request, "claims.html", views.claims_view(
            web(request), viewer=viewer(request), reference=reference_run_ids(request.app),
            **page_address(request)),
            "claims", own=form_choices(request), values={}, by_anchor={}, first_bad="")

    @app.get(f"{API}/plans", tags=["plans"], summary="The reference plans")
    def api_plans(request: Request, format: Format = None, table: Table = None) -> Response:
        view = View(meta=views.meta(web(request), title="Reference plans",
                                    url=page_address(request)["url"]),
                    plans=views.plans_summary(), tables=["plans"])
        return as_api(view, format, table)

    @app.get(f"{API}/plans/{{plan}}", tags=["plans"],
             summary="A reference plan and its spending split")
    def api_plan(request: Request, plan: str, format: Format = None,
                 table: Table = None) -> Response:
        return as_api(views.plan_view(web(request), plan_id=plan, **page_address(request)),
                      format, table,
                      subject=f"plan-{plan}")

    @app.get("/methods", include_in_schema=False)
    def methods_route(request: Request) -> HTMLResponse:
        from markupsafe import Markup

        from moneytrail.report.methods import METHODS_TITLE, methods_page

        body, toc = methods_page()
        view = views.View(meta={"title": METHODS_TITLE, "data_version":
                                web(request).data_version, "ledger_revision": None},
                          toc=toc, body=Markup(body))    # markdown-it's output, its raw HTML off
        return render(request, "methods.html", view, "methods")

    @app.get("/plans/{plan}", include_in_schema=False)
    def plan_page(request: Request, plan: str) -> HTMLResponse:
        from moneytrail.web.routes_runs import names, reference_traces
        from moneytrail.web.saved import supplier_parts

        view = views.plan_view(web(request), plan_id=plan, **page_address(request))
        return render(request, "plan.html", view, "plans",
                      traced=reference_traces(request).get(view["plan"]["id"]),
                      supplier_parts=supplier_parts(view["scenario"], names(request)))
