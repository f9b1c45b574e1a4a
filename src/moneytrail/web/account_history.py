"""The history of an account's changes on the web (`account_events`, migration 0012).

Pages: the signed-in account's own history is on `GET /account` (its newest HISTORY_PAGE
events; `?before=ID` shows the ones older than the event ID, as the "Older changes" link
gives it); an admin reads any account's at `GET /accounts/{name}/history` and every
account's at `GET /accounts/history` (both with `?before=`). Everyone else asking for an
account's history other than their own gets the same 404 as for a name that does not exist,
so the page never says whether an account exists; an anonymous visitor is sent to log in.

The events come from `Accounts.history`, the function `moneytrail users history` prints;
this module only checks the query, asks who may see what and puts the stored words
(EVENT_KINDS, the details, who made the change) into plain sentences. Every page is
`Cache-Control: no-store` (web.accounts.page) and every stored text is autoescaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from moneytrail.accounts.store import MAX_EVENT_ID, RESET_LINK, Who
from moneytrail.errors import MoneytrailError
from moneytrail.web import auth

router = APIRouter()
HISTORY_PAGE = 20             # events on one page of an account's history
NOT_FOUND = "There is no page at this address."     # the app's own 404 wording

# each account event kind (accounts.store.EVENT_KINDS) as a reader says it
KIND_WORDS = {"created": "Account created", "role_changed": "Role changed",
              "disabled": "Account disabled", "enabled": "Account enabled",
              "key_created": "API key created", "key_revoked": "API key revoked",
              "reset_issued": "Password reset link issued",
              "password_reset": "Password set with a reset link",
              "password_changed": "Password changed"}
# where a change made outside the web app came from (accounts.store.local_actor's places)
PLACE_WORDS = {"command line": "on the command line", "Python": "from a Python script",
               "serve": "when the server started"}
SCOPE_WORDS = {"read": "read-only", "write": "read-and-write"}
STORED_SECONDS = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d):\d\d UTC")


def before_param(value: str | None) -> int | None:
    """The `before` query parameter: the id of the oldest event of the page before, as the
    "Older changes" link writes it, a whole number from 1 to MAX_EVENT_ID in ASCII digits;
    empty or absent means the newest events. MoneytrailError naming `before` (a 400 page)
    for anything else."""
    text = (value or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{1,12}", text) or not 1 <= int(text) <= MAX_EVENT_ID:
        shown = text if len(text) <= 40 else text[:40] + "\u2026"
        raise MoneytrailError("not a page of this history: give the whole number from 1 "
                              "that the \u201cOlder changes\u201d link gives",
                              field="before", value=shown)
    return int(text)


def kind_words(kind: str) -> str:
    """'API key created' for 'key_created'; an unknown kind as stored."""
    return KIND_WORDS.get(kind, kind)


def detail_words(kind: str, details: str) -> str:
    """An event's stored details as a sentence: 'editor -> admin' is 'From editor to
    admin', 'prefix ab12, scope read' 'Read-only key mt_ab12_…', times to the minute as
    the page writes them; text of another shape as stored (first letter capitalised)."""
    details = STORED_SECONDS.sub(r"\1 UTC", details.strip())
    if kind == "role_changed" and (found := re.fullmatch(r"(\w+) -> (\w+)", details)):
        return f"From {found.group(1)} to {found.group(2)}"
    if kind == "created" and (found := re.fullmatch(r"role (\w+)", details)):
        return f"With the role {found.group(1)}"
    if kind in ("key_created", "key_revoked") and (
            found := re.fullmatch(r"prefix (\S+), scope (read|write)", details)):
        return f"{SCOPE_WORDS[found.group(2)].capitalize()} key mt_{found.group(1)}_\u2026"
    if kind == "reset_issued" and details.startswith("link valid until "):
        return "The link is valid until " + details.removeprefix("link valid until ")
    return details[:1].upper() + details[1:]


def actor_words(actor: str, me: str) -> str:
    """Who made a change, as a reader says it: 'you' for the account reading the page
    (`me`), 'whoever held the reset link', 'alice, on the command line' for
    'alice (command line)'; an account name as it is."""
    if actor == me:
        return "you"
    if actor == RESET_LINK:
        return "whoever held the reset link"
    found = re.fullmatch(r"(.*?) ?\(([^()]*)\)", actor)
    if found and found.group(2) in PLACE_WORDS:
        who = found.group(1).strip() or "someone"
        return f"{who}, {PLACE_WORDS[found.group(2)]}"
    return actor


@dataclass(frozen=True)
class HistoryPage:
    """One page of account events, newest first, in words: `events` (dicts with `id`,
    `account`, `kind`, `what`, `details`, `by`, `time` ISO 8601 UTC), `before` (the
    `before` this page was asked with, or None for the newest), `older` (the `before` of
    the next page, None when this one reaches the first event)."""

    events: list[dict]
    before: int | None
    older: int | None


def history_page(request: Request, name: str | None, before: int | None,
                 reader: Who) -> HistoryPage:
    """The events of the account `name` (every account: None) older than `before`, at most
    HISTORY_PAGE, worded for `reader`. NotFoundError when there is no such account."""
    rows = auth.accounts(request).history(name, before=before, limit=HISTORY_PAGE + 1)
    shown = rows[:HISTORY_PAGE]
    events = [{**row, "what": kind_words(row["kind"]),
               "details": detail_words(row["kind"], row["details"]),
               "by": actor_words(row["actor"], reader.name)} for row in shown]
    older = shown[-1]["id"] if len(rows) > HISTORY_PAGE else None
    return HistoryPage(events, before, older)


def to_login(request: Request) -> RedirectResponse:
    """A 303 to the login page, which leads back to this page (its query kept)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": auth.safe_next(target)}, safe="/"),
                            status_code=303)


def account_history(request: Request, name: str | None, before: str | None) -> Response:
    """An account's history page (`name`; every account's: None) for an admin, or for the
    account itself; 404 for anyone else whether or not the account exists."""
    from moneytrail.web.accounts import page
    from moneytrail.web.query import refuse_repeated_on_page

    current = auth.who(request)
    if current is None:
        return to_login(request)        # before any word on the query (query.SIGNED_IN_PAGES)
    if not current.is_admin and (name is None or name != current.name):
        raise HTTPException(404, NOT_FOUND)    # the same answer for every name
    refuse_repeated_on_page(request)
    history = history_page(request, name, before_param(before), current)
    return page(request, "account_history.html", user=current, account=name,
                history=history)


@router.get("/accounts/history", include_in_schema=False)
def every_history(request: Request, before: str | None = None) -> Response:
    """Every account's changes, newest first (admins): `users history` without a name."""
    return account_history(request, None, before)


@router.get("/accounts/{name}/history", include_in_schema=False)
def one_history(request: Request, name: str, before: str | None = None) -> Response:
    """One account's changes, newest first (admins, or the account itself)."""
    return account_history(request, name, before)
