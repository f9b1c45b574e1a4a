"""Strict query strings and JSON bodies for the JSON API.

Query strings: unknown or repeated parameters are refused.

A typo in a filter (`/api/v1/ledger?regoin=EU`) or a filter given twice (`?region=EU&region=US`)
would otherwise be ignored silently and answer with unfiltered (or half-filtered) data. Every
`/api/v1` route takes exactly the query parameters it declares, each at most once (a parameter
declared as a list may repeat); anything else is a 400 problem+json naming the parameter and
its value. HTML pages take the same rule on repeats (a page's parameter given twice is a 400
page naming it and its values: `/ledger?year=2025&year=2024` would otherwise show 2024
without a word), but stay lenient on unknown parameters, since links from elsewhere often
carry tracking parameters: the page renders (200), as without the parameter. Lenient is not
silent, though: a reader who typed `/ledger/totals?currrency=USD` would get EUR figures and
might quote them as dollars. So a page shows a notice above its heading naming the
parameters it did not use and those it takes (`unused_query`, put on `request.state` here
and shown by base.html); well-known tracking tags (TRACKING_PARAMETERS) are left out of it.

Bodies: a POST, PUT or PATCH to `/api/v1` with a body must be `application/json` (415 otherwise)
and strict JSON: UTF-8, no NaN or Infinity, no key given twice in an object (JSON parsers
would keep the last one silently), no lone UTF-16 surrogate in a string or key (`"\\ud800"`
without its pair: no character, it cannot be stored or sent back), at most MAX_JSON_BODY
bytes. The first problem is a 4xx problem+json naming it; the endpoint's own model then
checks the types (`StrictBody`).
"""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from fastapi import Request

from moneytrail.data.checks import rounds_to_zero
from moneytrail.errors import BodyTooLarge, MediaTypeError, MoneytrailError
from moneytrail.text import (
    code_point,
    control_character,
    short_number,
    shown_text,
    surrogate_path,
    surrogate_problem,
    visible,
)
from moneytrail.web.secret_fields import is_secret

API = "/api/v1"
MAX_JSON_BODY = 1_000_000
# characters of an address the app redirects to when it is built from what a client sent (a
# builder draft, a form's fields): uvicorn (h11) refuses a request whose line and headers pass
# 16 KiB, so a longer Location would lead the browser to a reset connection
MAX_LOCATION = 12_000


def declared(route: Any) -> tuple[set[str], set[str]]:
    """The query parameters a route takes, its dependencies' included: (all names, names
    that may repeat)."""
    names: set[str] = set()
    repeatable: set[str] = set()
    stack = [getattr(route, "dependant", None)]
    while stack:
        dependant = stack.pop()
        if dependant is None:
            continue
        for param in dependant.query_params:
            name = getattr(param, "alias", None) or param.name
            names.add(name)
            if _is_sequence(getattr(param.field_info, "annotation", None)):
                repeatable.add(name)
        stack.extend(dependant.dependencies)
    return names, repeatable


def _is_sequence(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return True
    return any(_is_sequence(arg) for arg in typing.get_args(annotation)
               if typing.get_origin(annotation) is not None and arg is not type(None))


# Query parameters that links from newsletters, social sites and ads add to count visits:
# a page ignores them without a notice (the API refuses them like any unknown parameter).
# Shell-style patterns, matched on the lower-cased name. `ref` is here because no route
# takes it (tests/web/test_web_pages_name_unused_parameters.py checks that no route takes
# any of these). The ad click ids after the first line, each where its vendor documents it:
#   msclkid    Microsoft Advertising auto-tagging (help.ads.microsoft.com/apex/index/3/en/60125)
#   dclid      Campaign Manager 360 / Display & Video 360 enhanced attribution
#              (support.google.com/campaignmanager/answer/9182069)
#   gbraid     Google Ads on iOS (support.google.com/analytics/answer/16297842)
#   wbraid     Google Ads on iOS, the web-event counterpart of gbraid (Google's Data Manager
#              API, AdIdentifiers.wbraid; listed with the others below by Simo Ahava)
#   li_fat_id  LinkedIn Insight Tag (learn.microsoft.com/en-us/linkedin/marketing/
#              conversions/enabling-first-party-cookies)
#   ttclid     TikTok (ads.tiktok.com/help/article/tiktok-click-id)
#   twclid     X, formerly Twitter (the click id table of simoahava.com/analytics/
#              common-mistakes-click-identifiers, which lists all of the above too)
TRACKING_PARAMETERS = ("utm_*", "fbclid", "gclid", "mc_cid", "mc_eid", "ref",
                       "msclkid", "dclid", "gbraid", "wbraid", "li_fat_id", "ttclid", "twclid")

# Query parameters a page reads in its template rather than in its route's signature, so
# `declared` does not see them: never named as unused, nor listed among what a page takes.
# By route path; "*" is every page (base.html's `done` after a write, formerrors.done).
READ_BY_TEMPLATES: dict[str, frozenset[str]] = {
    "*": frozenset({"done"}),
    "/build": frozenset({"saved", "rev", "unsaved"}),       # build.html, from web.saved
    "/account": frozenset({"password"}),                    # account.html: ?password=changed
}

UNUSED_SHOWN = 5        # unused parameters a page's notice names; the rest are counted
UNUSED_CHARS = 40       # characters of a name or value the notice shows (then an ellipsis)


def is_tracking(name: str) -> bool:
    """Whether a query parameter is a tracking tag (TRACKING_PARAMETERS: `utm_source`)."""
    return any(fnmatchcase(name.lower(), pattern) for pattern in TRACKING_PARAMETERS)


@dataclass(frozen=True)
class UnusedQuery:
    """The query parameters a page was given but does not use, as its notice shows them
    (base.html, `request.state.unused_query`).

    `given`: up to UNUSED_SHOWN of them in the order given, each `name=value` (the name
    alone when the value is empty or a secret), names and values shortened to UNUSED_CHARS
    characters with control, bidi and invisible characters escaped (text.visible); `more`:
    how many others were given; `takes`: the parameters the page takes, sorted."""

    given: tuple[str, ...]
    more: int
    takes: tuple[str, ...]


def unused_query(route_path: str, names: set[str],
                 items: list[tuple[str, str]]) -> UnusedQuery | None:
    """What a page's notice names of the query `items` (name, value pairs as given) that
    its route (path `route_path`, query parameters `names`) does not use: neither declared,
    nor read by its template (READ_BY_TEMPLATES), nor a tracking tag; None when all are."""
    read = READ_BY_TEMPLATES["*"] | READ_BY_TEMPLATES.get(route_path, frozenset())
    unused = [(name, value) for name, value in items
              if name not in names and name not in read and not is_tracking(name)]
    if not unused:
        return None

    def shown(name: str, value: str) -> str:
        text = visible(shown_text(name, UNUSED_CHARS))
        if value and not is_secret(name):
            text += "=" + visible(shown_text(value, UNUSED_CHARS))
        return text

    given = tuple(shown(name, value) for name, value in unused[:UNUSED_SHOWN])
    return UnusedQuery(given, len(unused) - len(given), tuple(sorted(names)))


# pages for a signed-in visitor only (their route paths): an anonymous visitor is sent to log
# in before a word is said about the query, so their repeated parameters are refused by the
# page itself after its sign-in check (`refuse_repeated_on_page`), not by `strict_query`
SIGNED_IN_PAGES = frozenset({"/account", "/accounts/history", "/accounts/{name}/history"})


async def strict_query(request: Request) -> None:
    """App-wide dependency: refuse unknown or repeated query parameters on `/api/v1` routes,
    and repeated ones (of the parameters the page takes) on pages, but for SIGNED_IN_PAGES;
    on a page asked for with GET, the parameters it does not use go to
    `request.state.unused_query` (an UnusedQuery, or None) for its notice."""
    path = request.url.path
    route = request.scope.get("route")
    names, repeatable = declared(route)
    items = request.query_params.multi_items()
    if not (path == API or path.startswith(API + "/")):
        if getattr(route, "path", None) not in SIGNED_IN_PAGES:
            refuse_repeated_on_page(request)
        if request.method == "GET":             # HEAD too (web.app.HeadAsGet); no form post
            request.state.unused_query = unused_query(getattr(route, "path", path), names,
                                                      items)
        return
    for name, value in items:
        if name not in names:
            takes = f"this address takes {', '.join(sorted(names))}" if names else \
                "this address takes no query parameters"
            raise MoneytrailError(f"unknown query parameter ({takes})", field=name,
                                  value=value)
    refuse_repeated(items, repeatable)


def refuse_repeated_on_page(request: Request) -> None:
    """A page's rule on repeats (`refuse_repeated`, every value named) for the query
    parameters its route takes: MoneytrailError (a 400 page) for one given twice."""
    names, repeatable = declared(request.scope.get("route"))
    refuse_repeated([(n, v) for n, v in request.query_params.multi_items() if n in names],
                    repeatable, all_values=True)


def refuse_repeated(items: list[tuple[str, str]], repeatable: set[str],
                    all_values: bool = False) -> None:
    """The rule on repeats, for the API and the pages alike: a query parameter not declared
    as a list is given at most once. A MoneytrailError names the first one given twice and
    lists its values; its `value` is the second value (the API's problem+json), or all of
    them (`all_values`: a page's "you gave" line)."""
    counts: dict[str, int] = {}
    for name, _ in items:
        counts[name] = counts.get(name, 0) + 1
        if counts[name] == 2 and name not in repeatable:
            given = [v for n, v in items if n == name]
            raise MoneytrailError(f"query parameter given {len(given)} times ("
                                  f"{', '.join(map(repr, given[:5]))}); give it once",
                                  field=name,
                                  value=", ".join(given[:5]) if all_values else given[1])


async def plain_address(request: Request) -> None:
    """App-wide dependency: a path parameter or query parameter (name or value) holding a
    control character (U+0000-U+001F, U+007F-U+009F: no record key, account name, id or
    filter has one) is a 400 naming the parameter, on every route and before any store
    look-up. PostgreSQL cannot take a NUL in text at all (a look-up of `claim/%00` failed
    with a 500 there while SQLite answered 404); refusing it here makes both stores answer
    alike."""
    items = [*request.path_params.items(), *request.query_params.multi_items()]
    for name, value in items:
        for text in (name, value):
            char = control_character(str(text))
            if char is not None:
                raise MoneytrailError(f"contains the control character {code_point(char)}; "
                                      "remove it", field=name, value=value)



class BigNumber(float):
    """A JSON number a float cannot hold as written: too large (1e400, infinite as a float)
    or non-zero but too small (1e-400, 0.0 as a float). Shown as it was written, so a
    refusal names the value the client sent (the ledger refuses both: web.accounts.
    typed_fields)."""

    text: str

    def __new__(cls, text: str) -> BigNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def json_float(text: str) -> float:
    """A JSON number with a fraction or exponent; a BigNumber when it overflows or when a
    non-zero number underflows to 0."""
    number = float(text)
    if not math.isfinite(number) or number == 0 and rounds_to_zero(text):
        return BigNumber(text)
    return number


MAX_INT_DIGITS = 4300      # Python's own limit for reading a whole number (sys.int_info)


class HugeInteger(Exception):
    """A JSON whole number of more than MAX_INT_DIGITS digits (Python refuses to read it;
    no field takes a number anywhere near that size). Its path is found afterwards."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def json_int(text: str) -> int:
    """A JSON whole number; HugeInteger when it has too many digits to read."""
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise HugeInteger(text)
    return int(text)


def huge_integer_error(text: str, exc: HugeInteger, what: str) -> MoneytrailError:
    """The refusal of a whole number too long to read, naming its path in the body (`seed`,
    `changes.low`) and the number shortened to its first digits and its length."""
    digits = len(exc.text.lstrip("-"))
    path = first_path(text, lambda node: isinstance(node, _Huge)) or what
    return MoneytrailError(f"a whole number of {digits:,} digits is far too large for any "
                           "field: give a number in the field's range", field=path,
                           value=short_number(exc.text))


class _Huge(str):
    """A too-long whole number kept as its text, to find where it stands in the body."""


def strict_json(raw: bytes, what: str = "body") -> Any:
    """A request body parsed as strict JSON, or a MoneytrailError naming the problem (line and
    column for syntax errors, the key for a duplicate, NaN/Infinity, encoding, depth)."""
    import json

    def no_constant(name: str) -> Any:
        raise MoneytrailError(f"the body is not valid JSON: {name} is not a JSON number "
                              "(give a finite number)", field=what, value=name)

    class Repeated(Exception):
        """A key given twice in one object (its full path is found afterwards)."""

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise Repeated(key)
            out[key] = value
        return out

    if not raw.strip():
        raise MoneytrailError("the body is empty: send a JSON object", field=what)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MoneytrailError(f"the body is not UTF-8 text (byte {exc.start})",
                              field=what) from None
    try:
        data = json.loads(text, parse_constant=no_constant, parse_float=json_float,
                          parse_int=json_int, object_pairs_hook=unique_keys)
    except HugeInteger as exc:
        raise huge_integer_error(text, exc, what) from None
    except Repeated as exc:
        path = repeated_key_path(text, json_float) or str(exc)
        raise MoneytrailError("the body gives a key twice in one object (give each key "
                              "once)", field=what, value=path) from None
    except json.JSONDecodeError as exc:
        raise MoneytrailError(f"the body is not valid JSON: {exc.msg} at line {exc.lineno} "
                              f"column {exc.colno}", field=what) from None
    except RecursionError:
        raise MoneytrailError("the body is nested too deeply", field=what) from None
    check_surrogates(data, what)
    return data


def check_surrogates(data: Any, what: str = "body") -> None:
    """Refuse JSON data holding a lone UTF-16 surrogate (`"\\ud800"` without its pair: JSON
    parsers accept the escape, but the text cannot be stored, logged or sent back as UTF-8),
    naming its path (`record.publisher`) and the text with the surrogate escaped."""
    found = surrogate_path(data)
    if found:
        path, char, shown = found
        raise MoneytrailError(surrogate_problem(char), field=path or what, value=shown)


class Pairs(list[Any]):
    """A JSON object read as its (key, value) pairs, repeated keys kept."""


def repeated_key_path(text: str, parse_float: Any) -> str | None:
    """The full dotted path (`plan.title`, `record.low`, `conditions.0.max`) of the first key
    given twice in one object of the JSON `text` (already known to parse but for that), so
    the error names which `title` it is; None when none is found."""
    return first_path(text, lambda node: False, parse_float, repeated=True)


def first_path(text: str, match: Any, parse_float: Any = float, *,
               repeated: bool = False) -> str | None:
    """The full dotted path of the first value of the JSON `text` that `match`es (or, with
    `repeated`, of the first key given twice in one object); None when none does (or the
    path is the whole body). Too-long whole numbers are read as `_Huge` texts."""
    import json

    def walk(node: Any, path: str) -> str | None:
        if match(node):
            return path or None
        if isinstance(node, Pairs):
            seen: set[str] = set()
            for key, value in node:
                where = f"{path}.{key}" if path else str(key)
                if repeated and key in seen:
                    return where
                seen.add(key)
                found = walk(value, where)
                if found:
                    return found
        elif isinstance(node, list):
            for i, value in enumerate(node):
                found = walk(value, f"{path}.{i}" if path else str(i))
                if found:
                    return found
        return None

    def read_int(digits: str) -> Any:
        return _Huge(digits) if len(digits.lstrip("-")) > MAX_INT_DIGITS else int(digits)

    try:
        return walk(json.loads(text, parse_float=parse_float, parse_int=read_int,
                               object_pairs_hook=Pairs), "")
    except (ValueError, RecursionError):
        return None


def too_large_path(text: str) -> str | None:
    """The full dotted path (`budget.amount`) of the first number of the JSON `text` too
    large for a float (a whole number of hundreds of digits, 1e400); None when none is."""
    import sys

    def too_large(node: Any) -> bool:
        if isinstance(node, _Huge):
            return True
        if isinstance(node, int) and not isinstance(node, bool):
            return abs(node) > sys.float_info.max
        return isinstance(node, float) and not math.isfinite(node)

    return first_path(text, too_large, json_float)


def is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/")
                                            and media.endswith("+json"))


def gated(route: Any) -> bool:
    """Whether a route requires a logged-in caller (its dependencies include `require_*` of
    web.auth): its body is checked after the caller is (`checked_json_body`), so an
    anonymous or CSRF-less request gets its 401/403 first."""
    stack = list(getattr(getattr(route, "dependant", None), "dependencies", []))
    while stack:
        dependant = stack.pop()
        if getattr(dependant.call, "__name__", "").startswith("require_"):
            return True
        stack.extend(dependant.dependencies)
    return False


async def strict_json_body(request: Request) -> None:
    """App-wide dependency: JSON bodies of `/api/v1` writes are JSON and strict (see module
    docstring). POST /api/v1/runs reads its own body (with a smaller limit) and only has its
    media type checked here; routes behind a login check it after the caller
    (`checked_json_body`)."""
    if not gated(request.scope.get("route")):
        await checked_json_body(request)


async def checked_json_body(request: Request) -> None:
    """The body checks of `strict_json_body`, as a route dependency placed after the caller's
    (`Depends(checked_json_body)` after `Depends(auth.require_editor)`)."""
    path = request.url.path
    if request.method not in ("POST", "PUT", "PATCH") or \
            not (path == API or path.startswith(API + "/")):
        return
    length = request.headers.get("content-length")
    has_body = (length is not None and length != "0") or \
        "chunked" in request.headers.get("transfer-encoding", "")
    content_type = request.headers.get("content-type", "")
    if not has_body and not content_type:
        return          # no body at all: the endpoint says whether it needs one
    if not is_json(content_type):
        raise MediaTypeError("the body must be JSON (Content-Type: application/json)",
                             field="Content-Type", value=content_type or None)
    if path == f"{API}/runs":
        return
    raw = await read_body(request, MAX_JSON_BODY)
    request._body = raw          # Starlette's cache: the endpoint parses the same bytes
    # kept for the endpoint: its numbers as sent (1e400 as a BigNumber, not inf)
    request.state.strict_body = strict_json(raw)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (BodyTooLarge, a 413 naming `body`) once it is larger than `limit`
    bytes: by its Content-Length before reading, else while it streams in."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise BodyTooLarge(f"the body is larger than {limit:,} bytes", field="body",
                         value=int(length))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"the body is larger than {limit:,} bytes", field="body",
                             value=size)
        chunks.append(chunk)
    return b"".join(chunks)


def fitting_location(location: str, sent: typing.Mapping[str, str]) -> str:
    """`location` (a redirect's address built from the fields `sent`, name -> value) when it
    has at most MAX_LOCATION characters; else a MoneytrailError (400) naming the longest
    field sent (`body` when none), as an address that long cannot be opened."""
    if len(location) <= MAX_LOCATION:
        return location
    field = max(sent, key=lambda name: len(sent[name])) if sent else "body"
    raise MoneytrailError(f"too long to carry in the page's address ({len(location):,} "
                          f"characters; at most {MAX_LOCATION:,}): shorten {field}",
                          field=field)
