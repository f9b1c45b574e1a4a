"""Routes of issue 12: log in and out, the account page, and the JSON write API.

Pages: `GET /login`, `POST /login`, `POST /logout`, `GET /account` (with the account's own
history; web.account_history has an admin's pages of any account's). JSON writes (an API key
of scope write, or a session plus the `X-CSRF-Token` header): `POST /api/v1/ledger/{kind}`
adds a source, deal or claim; `PATCH /api/v1/ledger/{kind}/{key}` edits one (quoting the
revision it was read at); `POST /api/v1/ledger/revisions/{number}/revert` (admins). Every write
goes through `Ledger.add/edit/revert` with the account's name as author and a required reason,
so it is validated like the CLI and kept in the history.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from moneytrail.accounts.store import MAX_PASSWORD, AccountError, AuthError, Throttled, Who
from moneytrail.errors import MoneytrailError
from moneytrail.web import auth, formerrors
from moneytrail.web.draft_login import MAX_DRAFT_FIELD, builder_target, for_account
from moneytrail.web.query import checked_json_body

router = APIRouter()
WRITABLE = ("source", "deal", "claim")
# after the caller's check, so anonymous or CSRF-less writes get their 401/403 first
CheckedBody = Annotated[None, Depends(checked_json_body)]


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    for key, default in formerrors.context([]).items():
        context.setdefault(key, default)
    html = request.app.state.templates.get_template(template).render(
        request=request, meta=None, nav="account", **context)
    return HTMLResponse(html, status_code=status,
                        headers={"Cache-Control": "no-store"})


# -- log in and out ------------------------------------------------------------------------
@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    """The login form, with a pre-session CSRF token."""
    response = HTMLResponse("")
    token = auth.login_token(request, response)
    rendered = page(request, "login.html", next=auth.safe_next(next), token=token)
    for header, value in response.raw_headers:
        if header == b"set-cookie":
            rendered.raw_headers.append((header, value))
    return rendered


@router.post("/login", include_in_schema=False)
def login(request: Request, name: Annotated[str, Form(max_length=200)] = "",
          password: Annotated[str, Form()] = "",
          csrf_token: Annotated[str, Form(max_length=200)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/",
          draft: Annotated[str, Form(max_length=MAX_DRAFT_FIELD)] = "") -> Response:
    """Check the password and start a new session (a fresh id: rotated at login). `draft`:
    the builder's draft of a refused save (web.draft_login), which the login leads back to
    instead of `next`; kept in the form when the login fails."""
    auth.check_login_token(request, csrf_token)
    target = builder_target(draft) or auth.safe_next(next)
    draft = draft if builder_target(draft) else ""
    old = request.cookies.get(auth.cookie_name(request))
    if len(password) > MAX_PASSWORD:    # no account has such a password: say why, by its input
        return login_again(request, next, name, draft, 400, [formerrors.entry(
            "password", "Password", f"a password has at most {MAX_PASSWORD:,} characters "
            f"(this one has {len(password):,})")])
    try:
        session = auth.accounts(request).login(name, password, client=auth.client_of(request),
                                               replaces=old)
    except (AuthError, Throttled) as exc:
        # a wrong name or password marks both inputs with one message: which one is
        # wrong is not said; throttling is about the attempts, on the whole form
        errors = [formerrors.entry("" if isinstance(exc, Throttled) else "name", "",
                                   exc.detail)]
        rendered = login_again(request, next, name, draft,
                               429 if isinstance(exc, Throttled) else 401, errors,
                               [("password", "name")])
        if isinstance(exc, Throttled):
            rendered.headers["Retry-After"] = str(exc.retry_after)
        return rendered
    if draft:          # a draft revising a saved plan: bound to it only for its owner
        target = for_account(request, target, session.who)
    redirect = RedirectResponse(target, status_code=303)
    auth.set_session_cookie(request, redirect, session.token)
    redirect.delete_cookie(auth.pre_cookie_name(request), path="/",
                           secure=auth.https(request))
    return redirect


def login_again(request: Request, next: str, name: str, draft: str, status: int,
                errors: list[dict[str, Any]], shared: list[tuple[str, str]] | None = None
                ) -> HTMLResponse:
    """The login form again with `errors` (formerrors.context's `shared` pairs), a fresh
    pre-session CSRF token, the name and the builder draft kept."""
    blank = HTMLResponse("")
    token = auth.login_token(request, blank)
    return page(request, "login.html", status=status, next=auth.safe_next(next), token=token,
                name=name, draft=draft, **formerrors.context(errors, shared or []))


@router.post("/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    """End the session on the server and delete the cookie (needs the CSRF token). The
    store's calls run in the thread pool (never blocking the event loop)."""
    current = await run_in_threadpool(auth.who, request)
    if current is None or current.via != "session":
        response = RedirectResponse("/", status_code=303)
        auth.clear_session_cookie(request, response)
        return response
    await auth.check_csrf(request, current)
    token = request.cookies.get(auth.cookie_name(request), "")
    await run_in_threadpool(auth.accounts(request).logout, token)
    response = RedirectResponse("/", status_code=303)
    auth.clear_session_cookie(request, response)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@router.get("/account", include_in_schema=False)
def account_page(request: Request, before: str | None = None) -> Response:
    """Who you are logged in as (or a link to log in), and the newest changes to your
    account (`before`: the older ones, web.account_history)."""
    from moneytrail.web.account_history import before_param, history_page, to_login
    from moneytrail.web.query import refuse_repeated_on_page

    current = auth.who(request)
    if current is None:
        return to_login(request)        # before any word on the query (query.SIGNED_IN_PAGES)
    refuse_repeated_on_page(request)
    history = history_page(request, current.name, before_param(before), current)
    return page(request, "account.html", user=current, history=history)


# -- passwords: change (logged in) and reset (admin-issued one-time link) ------------------
@router.get("/account/password", include_in_schema=False)
def password_form(request: Request) -> Response:
    current = auth.who(request)
    if current is None or current.via != "session":
        return RedirectResponse("/login?next=/account/password", status_code=303)
    return page(request, "password.html", user=current)


@router.post("/account/password", include_in_schema=False)
async def password_change(request: Request) -> Response:
    """Needs the session, its CSRF token and the current password; every session of the
    account ends and this browser gets a new session id. The store's calls (hashing, the
    strength check) run in the thread pool: a slow one holds up this request only."""
    current = await run_in_threadpool(auth.who, request)
    if current is None or current.via != "session":
        raise HTTPException(401, "Log in to change your password.")
    await auth.check_csrf(request, current)
    form = await request.form()
    old, new = str(form.get("current_password", "")), str(form.get("new_password", ""))
    token = request.cookies.get(auth.cookie_name(request), "")
    repeated = form.get("repeat_password")
    try:
        session = await run_in_threadpool(partial(
            auth.accounts(request).change_password, token, old, new,
            client=auth.client_of(request), repeated=None if repeated is None
            else str(repeated)))
    except (AuthError, Throttled, AccountError) as exc:
        # every problem at once (a throttled attempt: the new password's, the rules being
        # public); the first raised says the status
        status = 429 if isinstance(exc, Throttled) else 400
        errors = required_fields(formerrors.every_error(exc, PASSWORD_INPUTS), form,
                                 ("current_password", "new_password", "repeat_password"))
        response = page(request, "password.html", status=status, user=current,
                        **formerrors.context(errors))
        if isinstance(exc, Throttled):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    redirect = RedirectResponse("/account?password=changed", status_code=303)
    auth.set_session_cookie(request, redirect, session.token)
    return redirect


# the password forms' inputs by the field an error names (the store's rules name `password`)
PASSWORD_INPUTS = {"current_password": ("current_password", "Current password"),
                   "password": ("new_password", "New password"),
                   "new_password": ("new_password", "New password"),
                   "repeat_password": ("repeat_password", "New password again")}


def required_fields(errors: list[dict[str, Any]], form: Any, inputs: tuple[str, ...]
                    ) -> list[dict[str, Any]]:
    """A password form's `errors` with each of its `inputs` that was sent empty marked
    'required' in place of what the store said of it (an empty new password is not 'too
    short', an empty repeat does not 'differ'), in the form's order after the form-wide
    errors; an input the form did not send at all is left to the store (an API client
    without a repeat field)."""
    empty = {name for name in inputs if name in form and not str(form.get(name))}
    if not empty:
        return errors
    out = [error for error in errors if not error["anchor"]]
    for name in inputs:
        if name in empty:
            out.append(formerrors.entry(name, PASSWORD_INPUTS[name][1], "required"))
        else:
            out += [error for error in errors if error["anchor"] == name]
    return out


def reset_page(request: Request, token: str, status: int = 200,
               errors: list[dict[str, Any]] | None = None,
               done: str | None = None) -> HTMLResponse:
    blank = HTMLResponse("")
    name = auth.accounts(request).reset_account(token) if not done else None
    rendered = page(request, "reset.html", status=status if done or name else 400,
                    name=name, done=done,
                    **formerrors.context(errors or []),
                    form_token=auth.login_token(request, blank))
    for header, value in blank.raw_headers:
        if header == b"set-cookie":
            rendered.raw_headers.append((header, value))
    rendered.headers["Referrer-Policy"] = "no-referrer"     # the link's address held a token
    rendered.headers["Cache-Control"] = "no-store"
    return rendered


@router.get("/reset-password", include_in_schema=False)
def reset_form(request: Request, token: str = "") -> Response:
    """The form of an admin-issued reset link (showing it does not use the token up). The
    link's GET (`?token=`) moves a live token into a cookie scoped to this page
    (auth.set_reset_cookie; a dead one clears it) and redirects (303) to this page without
    it, so the token leaves the address bar and the browser's history; the page then reads
    it from the cookie."""
    if token:
        response = RedirectResponse(auth.RESET_PATH, status_code=303)
        if auth.accounts(request).reset_account(token[:100]):
            auth.set_reset_cookie(request, response, token[:100])
        else:
            auth.clear_reset_cookie(request, response)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response
    return reset_page(request, auth.reset_cookie(request))


@router.post("/reset-password", include_in_schema=False)
async def reset_submit(request: Request, token: Annotated[str, Form(max_length=100)] = "",
                       new_password: Annotated[str, Form()] = "",
                       repeat_password: Annotated[str | None, Form()] = None,
                       csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    auth.check_login_token(request, csrf_token)
    if repeat_password is None and "repeat_password" in await request.form():
        repeat_password = ""        # sent empty (FastAPI reads that as not sent): checked
    # the store's calls (hashing, the strength check, the token's look-up) in the thread
    # pool: a slow one holds up this request only, never the event loop
    # the token the page keeps in its cookie; a `token` field (scripts, older pages) wins
    token = token or auth.reset_cookie(request)
    return await run_in_threadpool(reset_with, request, token, new_password, repeat_password)


def reset_with(request: Request, token: str, new_password: str,
               repeat_password: str | None) -> Response:
    """`reset_submit`'s work once the form is read: set the password, or the form again
    with every problem."""
    try:
        name = auth.accounts(request).reset_password(token, new_password,
                                                     repeated=repeat_password)
    except (AuthError, AccountError) as exc:
        return reset_page(request, token, status=400,
                          errors=required_fields(
                              formerrors.every_error(exc, PASSWORD_INPUTS),
                              {"new_password": new_password, **({} if repeat_password is None
                                                                else {"repeat_password":
                                                                      repeat_password})},
                              ("new_password", "repeat_password")))
    done = reset_page(request, "", done=name)
    auth.clear_reset_cookie(request, done)              # the token is spent
    return done


class StrictBody(BaseModel):
    """JSON bodies are strict: each value in its JSON type ("expected_revision": "3" and
    unknown keys are refused with a 422 naming the field and value)."""

    model_config = ConfigDict(strict=True, extra="forbid")


class PasswordResetBody(StrictBody):
    """How long the link works: a JSON number of hours (1 minute to 7 days; 24 if left
    out). Strict like every JSON body: "24" or an unknown key is refused (422, the body's
    shape); a number out of that range is a 400 naming `hours` (accounts.store.
    reset_validity), too small or too large alike, as docs/errors.md has values out of
    their range."""

    hours: float = Field(default=24, description="1 minute to 7 days (1/60 to 168 hours)")


@router.post("/api/v1/accounts/{name}/password-reset", tags=["accounts"], status_code=201,
             summary="Issue a one-time password reset link for an account (admins); using the link "
             "ends the account's sessions and revokes its API keys")
def issue_reset(request: Request, name: str, body: PasswordResetBody,
                who: Annotated[Who, Depends(auth.require_admin)],
                _body: CheckedBody) -> JSONResponse:
    from moneytrail.accounts.store import reset_validity
    from moneytrail.web.app import request_origin

    token = auth.accounts(request).issue_reset(name, reset_validity(body.hours), by=who.name)
    # the site's public address when set (as `users reset-password`): behind a reverse
    # proxy the address this request reached is not where the account's owner goes; else
    # that address, with the port the server listens on when the Host names none
    base = request.app.state.public_url or request_origin(request)
    link = f"{base}/reset-password?token={token}"
    return JSONResponse({"account": name, "link": link, "valid_hours": body.hours},
                        status_code=201, headers={"Cache-Control": "no-store"})


@router.get("/api/v1/me", tags=["accounts"], summary="The caller's account and role, and "
            "whether it may write now")
def me(request: Request) -> JSONResponse:
    """`scope` is an API key's scope as issued ("write" for a session); `can_write` says
    whether the caller may write ledger records now: the account's current role and the
    scope together (a write key of an account made a reader since: false). Anonymous:
    account null, role reader, can_write false."""
    current = auth.who(request)
    if current is None:
        return JSONResponse({"account": None, "role": "reader", "can_write": False})
    return JSONResponse({"account": current.name, "role": current.role, "via": current.via,
                         "scope": current.scope, "can_write": current.can_edit})


# -- JSON writes ---------------------------------------------------------------------------
class LedgerAddBody(StrictBody):
    """A new record and why it is added."""

    record: dict[str, Any]              # JSON values; typed_fields checks each one
    reason: str = Field(min_length=1, max_length=2000)


class LedgerEditBody(StrictBody):
    """Changed fields, why, and the revision the editor read (stale edits are refused)."""

    changes: dict[str, Any]
    reason: str = Field(min_length=1, max_length=2000)
    expected_revision: int = Field(ge=1, le=2 ** 63 - 1)


class LedgerRevertBody(StrictBody):
    reason: str = Field(min_length=1, max_length=2000)


def writable(kind: str) -> str:
    if kind not in WRITABLE:
        raise HTTPException(404, f"There is nothing to write at this address ({', '.join(WRITABLE)}"
                                 " can be written).")
    return kind


def typed_fields(kind: str, fields: dict[str, Any], what: str,
                 sent: Any = None) -> dict[str, Any]:
    """Ledger cells from a JSON body, each in its JSON type: amounts (low, central, high) as
    numbers, years as integers, text as strings (null clears an optional cell). The ledger's
    own rules (ranges, foreign keys, the amount cap) run afterwards, as for the CLI: a number
    a float cannot hold goes to them as sent (`sent`: the body's `what` mapping as
    query.strict_json read it, query.BigNumber), so 1e400 is refused as beyond the cap
    naming '1e400' (not 'inf') and 1e-400 as too small to store (not stored as 0), as
    `central=1e400` and `central=1e-400` are on the command line."""
    from moneytrail.errors import MoneytrailError
    from moneytrail.ledger.records import KINDS
    from moneytrail.ledger.store import check_known_fields, derived
    from moneytrail.scenarios.schema import json_type
    from moneytrail.web.query import BigNumber

    spec = KINDS[kind]
    fields = dict(fields)
    # an unknown field is named as such before any value's type ({"bogus": 1})
    check_known_fields(kind, [name for name in fields if name not in derived(kind)], what)
    for name, value in fields.items():
        if value is None:
            continue
        if name in spec.integers or name in ("revision", "seq"):   # as GET returns them
            ok, expected = isinstance(value, int) and not isinstance(value, bool), "an integer"
        elif name in spec.numbers:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            expected = "a number"
            as_sent = sent.get(name) if isinstance(sent, dict) else None
            if ok and isinstance(as_sent, BigNumber):
                fields[name] = as_sent
        else:
            ok, expected = isinstance(value, str), "a string"
        if not ok:
            raise MoneytrailError(f"must be {expected} (got {json_type(value)})",
                                  field=f"{what}.{name}", value=value)
    return fields


def sent_part(request: Request, key: str) -> Any:
    """The body's `key` as query.checked_json_body read it (numbers as sent), or None."""
    body = getattr(request.state, "strict_body", None)
    return body.get(key) if isinstance(body, dict) else None


@contextmanager
def fields_under(where: str, fields: dict[str, Any]) -> Iterator[None]:
    """Errors of the ledger's own rules on a cell sent in the body's `where` mapping name the
    cell's full path there (`record.low`, `changes.low/central/high`), as typed_fields does;
    other errors (a conflict, an unknown record) pass unchanged."""
    from moneytrail.errors import MoneytrailError

    try:
        yield
    except MoneytrailError as exc:
        named = str(exc.field or "")
        if named and not named.startswith(f"{where}.") and \
                any(part in fields for part in named.split("/")):
            raise exc.under(where) from None
        raise




def written(result: Any) -> dict:
    """What a write did: its revisions and how many records it added, changed and removed
    (a revert of an add removes the record)."""
    return {"revisions": list(result.revisions), "added": result.added,
            "changed": result.changed, "removed": result.removed}


def reason_of(text: str) -> str:
    """The reason of a ledger write; a blank one is bad input (400, as the edit form's),
    naming `reason`: the body's shape is right, its value is not (docs/errors.md)."""
    if not text.strip():
        raise MoneytrailError("a reason is required (it is kept in the history): say why "
                              "the ledger changes", field="reason", value=text)
    return text.strip()


@router.get("/api/v1/ledger/record/{kind}/{key}", tags=["ledger"],
            summary="One source, deal or claim as stored, with its current revision (quote it "
            "as expected_revision when editing)")
def get_record(request: Request, kind: str, key: str) -> dict:
    """The record with amounts and years as JSON numbers and `revision` and `seq` as
    integers, the types an edit (PATCH) takes, so a record read, changed and sent back whole
    is accepted (its key and bookkeeping fields unchanged are ignored)."""
    from moneytrail.ledger.records import KINDS, typed_record

    kind = writable(kind)
    return typed_record(KINDS[kind], request.app.state.web.ledger.get(kind, key))


@router.post("/api/v1/ledger/{kind}", tags=["ledger"], status_code=201,
             summary="Add a source, deal or claim (editors; API key of scope write)")
def add_record(request: Request, kind: str, body: LedgerAddBody,
               who: Annotated[Who, Depends(auth.require_editor)],
               _body: CheckedBody) -> dict:
    ledger = request.app.state.web.ledger
    kind = writable(kind)
    with fields_under("record", body.record):
        return written(ledger.add(kind, typed_fields(kind, body.record, "record",
                                                     sent_part(request, "record")),
                                  author=who.name, reason=reason_of(body.reason)))


@router.patch("/api/v1/ledger/{kind}/{key}", tags=["ledger"],
              summary="Edit a source, deal or claim (editors; quote expected_revision)")
def edit_record(request: Request, kind: str, key: str, body: LedgerEditBody,
                who: Annotated[Who, Depends(auth.require_editor)],
               _body: CheckedBody) -> dict:
    ledger = request.app.state.web.ledger
    kind = writable(kind)
    with fields_under("changes", body.changes):
        return written(ledger.edit(kind, key, typed_fields(kind, body.changes, "changes",
                                                           sent_part(request, "changes")),
                                   author=who.name, reason=reason_of(body.reason),
                                   expected_revision=body.expected_revision))


@router.post("/api/v1/ledger/revisions/{number}/revert", tags=["ledger"],
             summary="Revert one revision (admins)")
def revert_revision(request: Request, number: str, body: LedgerRevertBody,
                    who: Annotated[Who, Depends(auth.require_admin)],
                    _body: CheckedBody) -> dict:
    """`number`: a revision number, checked as a ledger page's `?revision=` is (a 400 in the
    project's words naming `number` and the text, not pydantic's 422)."""
    from moneytrail.web.views import NOT_A_REVISION, revision_param

    revision = revision_param(number, "number")
    if revision is None:                        # blank ('%20')
        raise MoneytrailError(NOT_A_REVISION, field="number", value=number)
    ledger = request.app.state.web.ledger
    return written(ledger.revert(revision, author=who.name, reason=reason_of(body.reason)))
