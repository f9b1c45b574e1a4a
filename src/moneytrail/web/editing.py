"""Editing the ledger in the browser (issue 12): forms for editors, conflicts, history, revert.

- `GET/POST /ledger/edit/{kind}/{key}`: edit a source, deal or claim. The form carries the
  revision it was loaded at; a stale save gets a conflict page (409) with both versions side by
  side and the form again, filled with the editor's values and based on the current revision,
  so the editor merges by hand and saves again.
- `GET/POST /ledger/add/{kind}`: add one.
- `GET /ledger/history/{kind}/{key}`: every change of a record as a field-by-field diff;
  admins get a revert button (`POST /ledger/revert/{number}`) for every revision but the
  first; editors and admins get one for a record's add while it is the record's latest
  revision (reverting it removes the record: the removal is a new revision, none is deleted),
  so an added record can be undone in the browser.

Every write calls `Ledger.add/edit/revert` with the account name as author and a required
reason; the same rules as the CLI apply. A refused save shows the form again, as the plan
builder does (web.formerrors): every problem at once, in a summary linking to its field and at
the field itself, named by its label (LEDGER_FIELDS), the values as typed and the store
unchanged.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from moneytrail.accounts.store import Who
from moneytrail.data.checks import RELIABILITY
from moneytrail.errors import MoneytrailError
from moneytrail.ledger.errors import ConflictError, LedgerError
from moneytrail.ledger.records import DEAL_KINDS, KINDS, SECTORS, STAGES
from moneytrail.ledger.store import line_breaks
from moneytrail.ledger.validate import REQUIRED, SLUG_RULE, TOO_SMALL, normalised_fields
from moneytrail.web import auth, formerrors
from moneytrail.web.format import ledger_value
from moneytrail.web.views import (
    deal_link_url,
    diff,
    ledger_options,
    revision_param,
    totals_link,
    unit_of,
)

router = APIRouter(include_in_schema=False)
NOT_A_NUMBER = "not a number"       # the ledger's own words (data.checks.number_problem)
WRITABLE = ("source", "deal", "claim")
LONG = ("note", "description", "title")
CITED = {("deal", "sources")}          # required by a rule of its own: a deal cites a source
REASON = ("Reason for this change", "kept in the history with your account name")

# what each ledger column is called on the editor's forms, and the hint under it (its format,
# its allowed values); the ledger's own rules (ledger/validate.py) decide, these only explain
DATE_HINT = "a date: YYYY-MM-DD (or YYYY-MM, or YYYY)"
LEDGER_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "source": {
        "id": ("Source id", f"{SLUG_RULE}, e.g. l_stargate_2025_01; it cannot be "
               "changed later"),
        "publisher": ("Publisher", "who published it, e.g. Reuters"),
        "title": ("Title", "the document's own title"),
        "title_lang": ("Language of the title", "a language tag such as fr, de or pt-BR when "
                       "the title is not in English; empty for English"),
        "url": ("Web address", "an http:// or https:// link; may be left empty only when the "
                "reliability is assumption"),
        "published": ("Published on", f"{DATE_HINT}, not in the future"),
        "accessed": ("Accessed on", f"{DATE_HINT}, not in the future"),
        "reliability": ("Reliability", "one of " + ", ".join(RELIABILITY)),
        "note": ("Note", "an assumption must explain itself here"),
        "primary_ref": ("Primary document", "needed for a filing or official source: the "
                        "primary document behind it"),
    },
    "deal": {
        "id": ("Deal id", f"{SLUG_RULE}, e.g. l_stargate_us_2025_01; it cannot "
               "be changed later"),
        "name": ("Name", "the deal's name, e.g. Stargate Project"),
        "kind": ("Kind", "one of " + ", ".join(DEAL_KINDS) + "; empty means pledge"),
        "region": ("Region", "a two-letter country code (ISO 3166, e.g. US, DE), EU or ROW; "
                   "any case"),
        "sector": ("Sector", "one of " + ", ".join(SECTORS)),
        "purpose": ("Purpose", "one word, e.g. infrastructure, compute, models, research"),
        "announcer": ("Announced by", "who announced it; several separated by ;"),
        "announced": ("Announced on", f"{DATE_HINT}, not in the future"),
        "horizon_end": ("Horizon end", f"{DATE_HINT}: when the money is to be spent by"),
        "part_of": ("Part of", "the id of the one deal whose headline includes this one"),
        "overlaps": ("Overlaps", "ids of other deals whose headlines include part of this "
                     "one's money, separated by ;"),
        "description": ("Description", ""),
        "sources": ("Sources", "source ids, separated by ; (at least one); typing a "
                    "source's id or title suggests it"),
        "note": ("Note", ""),
        "scope": ("What the money is for", "ai_only (AI alone) or not_ai_only (more than "
                  "AI, e.g. chips or a firm's whole capital expenditure); empty means ai_only"),
    },
    "claim": {
        "ref": ("Claim reference", f"{SLUG_RULE}, unique; it cannot be changed "
                "later"),
        "deal": ("Deal id", "the id of the deal this amount belongs to"),
        "stage": ("Stage", "one of " + ", ".join(STAGES) + " (spent: disbursed); any case"),
        "low": ("Low", "the amount's low end, e.g. 450 bn or 450000000000; left empty on a "
                "new claim, the central amount"),
        "central": ("Central", "the amount, e.g. 500 bn or USD 500 bn"),
        "high": ("High", "the amount's high end (low, central and high in order); left empty "
                 "on a new claim, the central amount"),
        "currency": ("Currency", "a three-letter code with FX rates, e.g. EUR or USD; any case"),
        "price_year": ("Price year", "the year the amount's prices are of, e.g. 2025"),
        "as_of": ("As of", f"{DATE_HINT}: when the source said it, not in the future"),
        "source": ("Source id", "the id of the source that states the amount; typing a "
                   "source's id or title suggests it"),
        "supersedes": ("Supersedes", "the reference of a claim of the same deal and stage "
                       "that this one replaces"),
        "note": ("Note", ""),
        "basis": ("What the amount is", "total, or per_year for a yearly amount (not a "
                  "total); empty means total"),
    },
}


def kind_of(kind: str) -> str:
    if kind not in WRITABLE:
        raise HTTPException(404, "There is no page at this address.")
    return kind


class FormNumberError(MoneytrailError):
    """A number field of a ledger form that cannot be read (form_numbers): its text is kept,
    so what the ledger's checks say about that text ('not a year', no exchange rate for
    '2_025') follows from this error and is not shown beside it (form_errors)."""


def form_numbers(kind: str, values: dict[str, str], currency: str = ""
                 ) -> tuple[dict[str, str], list[MoneytrailError]]:
    """`values` with the kind's number fields read as the plan builder reads them
    (web.numbers.read_number: a point for decimals, commas only between groups of three
    digits or spaces, so '20,000,000' and '20 000 000' are stored as 20000000); amounts
    (a claim's low, central, high) also take size words and a currency code or symbol
    ('450 bn', 'USD 450 bn', '$450bn' stored as
    450000000000), the code equal to the record's currency (`values['currency']`, else
    `currency`). Text that is no number at all is left for the ledger's check to name.
    The errors: one MoneytrailError per field naming it and the text as typed for a decimal
    comma ('750,5'), another currency's code or a non-zero number too small for a float
    ('1e-400', which would be stored as 0), and 'not a number' for digits other than ASCII
    ones ('１０', '١٠', as data.checks.read_float refuses them) or an underscore ('20_000',
    numbers.UNDERSCORE; in a year, '2_025', what to write: numbers.read_whole); such a field
    keeps its text (no number to the ledger either). The errors are FormNumberErrors:
    form_errors shows them alone on their field."""
    from moneytrail.ledger.records import format_number
    from moneytrail.numbers import read_whole
    from moneytrail.web.numbers import PLAIN, NumberTextError, read_number

    out = dict(values)
    errors: list[MoneytrailError] = []
    spec = KINDS[kind]
    own = (out.get("currency") or currency).strip().upper() or None
    for field in (*spec.numbers, *spec.integers):
        text = out.get(field, "")
        if not text.strip():
            continue
        amount = kind == "claim" and field in spec.numbers
        if any(ch.isdigit() and not ch.isascii() for ch in text):
            # '１０', '١٠': Python's float reads other scripts' digits, the ledger's command
            # line, CSV files and API do not (data.checks.NUMBER_RE: ASCII digits only)
            errors.append(FormNumberError(NOT_A_NUMBER, field=field, value=text.strip()))
            continue
        try:
            if field in spec.integers:          # a year: '2_025' is to be written 2025
                read_whole(text)
            number = read_number(text, sizes=amount, currency=own, owner=kind) if amount \
                else read_number(text)
        except NumberTextError as exc:
            errors.append(FormNumberError(str(exc), field=field, value=text.strip()))
            continue
        if number == 0 and re.search("[1-9]", re.sub("[eE][+-]?[0-9]+", "", text)):
            errors.append(FormNumberError(TOO_SMALL, field=field, value=text.strip()))
            continue                    # '1e-400', '1e-400 bn': a float holds them as 0
        if number is not None and (amount or not PLAIN.fullmatch(text.strip())):
            out[field] = format_number(float(number))
    return out, errors


def in_words(kind: str, message: str) -> str:
    """A ledger message with the columns it names by their labels on the form ('dangling
    part of link', 'a filing source needs primary document')."""
    message = message.replace("part_of/overlaps links", "part of and overlaps links")
    for column, (label, _) in LEDGER_FIELDS[kind].items():
        if "_" in column:
            message = re.sub(rf"\b{column}\b", label.lower(), message)
    return message.replace("reliability=assumption", "reliability assumption")


def field_text(kind: str, adding: bool) -> dict[str, dict[str, Any]]:
    """Each field's label, hint and whether it is required (a new claim's low and high may
    be left empty: they are then the central amount)."""
    return {column: {"label": label, "hint": hint,
                     "required": (column in REQUIRED[kind] or (kind, column) in CITED)
                     and not (adding and kind == "claim" and column in ("low", "high"))}
            for column, (label, hint) in LEDGER_FIELDS[kind].items()}


def problem_list(exc: MoneytrailError) -> list[tuple[str, str, object]]:
    """(field, message, value) of every problem `exc` reports on the record saved (a
    LedgerError of the ledger's rules has them all; others have one)."""
    problems = exc.problems if isinstance(exc, LedgerError) else ()
    if not problems:
        return [((exc.field or "").lstrip("-"), exc.detail, exc.value)]
    first = problems[0]
    return [(p.field or "", p.message, p.value) for p in problems
            if (p.file, p.line) == (first.file, first.line)]


def form_errors(kind: str, failures: list[MoneytrailError], typed: dict[str, str],
                fields: list[str]) -> list[dict[str, Any]]:
    """The errors of a refused save as the form shows them (web.formerrors): one per field
    (several problems of a field joined), in the order of the form, each message in words
    naming the field's label; the value as the user typed it for the kind's number fields
    (`typed`, the fields before form_numbers read them: '-1,000', not -1000; the ledger's
    'low/central/high' joins the three), the value the ledger names otherwise."""
    spec = KINDS[kind]
    labels = {c: label for c, (label, _) in LEDGER_FIELDS[kind].items()}
    labels["reason"] = REASON[0]
    labels["low/central/high"] = "Low, central and high"
    found: dict[str, list[tuple[str, str | None]]] = {}
    unread = {exc.field for exc in failures if isinstance(exc, FormNumberError)}
    for exc in failures:
        for field, message, value in problem_list(exc):
            if field in unread and not isinstance(exc, FormNumberError) or \
                    field in found and message == "not a number":
                continue                     # form_numbers named it already
            parts = field.split("/")
            if field and all(p in typed and p in (*spec.numbers, *spec.integers)
                             for p in parts):
                value = "/".join(typed.get(p, "").strip() for p in parts)
            text = None if value is None or str(value) == "" else str(value)
            found.setdefault(field, []).append((in_words(kind, message), text))
    order = [*fields, "reason"]
    errors = []
    for field in sorted(found, key=lambda f: order.index(f.split("/")[0])
                        if f.split("/")[0] in order else -1):
        shown = field.split("/")[0] if field.split("/")[0] in order else ""
        anchor = f"f-{shown}" if shown else ""
        label = labels.get(field, "")
        problems = found[field]
        if len(problems) == 1:
            errors.append(formerrors.entry(anchor, label, *problems[0]))
        else:
            errors.append(formerrors.entry(anchor, label, "; ".join(
                f"{m} (you gave: {v})" if v else m for m, v in problems)))
    return errors


def error_page(request: Request, errors: list[dict[str, Any]], **common: Any) -> HTMLResponse:
    shared = [("f-central", "f-low"), ("f-high", "f-low")] \
        if any(e["line"].startswith("Low, central and high") for e in errors) else []
    return page(request, "edit.html", 400, **formerrors.context(errors, shared), **common)


def editable(kind: str) -> list[str]:
    """The fields an editor may change (the key is fixed once a record exists)."""
    return [c for c in KINDS[kind].columns if c not in KINDS[kind].key]


def display_name(request: Request, kind: str, record: dict | None) -> str:
    """A record's name for a reader (h91): a deal's name, a source's title, a claim's deal
    name and stage; "" for other kinds or a record not found (pages then show the id)."""
    if not record:
        return ""
    if kind == "deal":
        return str(record.get("name") or "")
    if kind == "source":
        return str(record.get("title") or "")
    if kind == "claim":
        try:
            deal = request.app.state.web.ledger.get("deal", str(record.get("deal") or ""))
        except MoneytrailError:
            deal = {}
        name = str(deal.get("name") or record.get("deal") or "")
        return f"{name}, {record.get('stage') or 'claim'}" if name else ""
    return ""


def stored_name(request: Request, kind: str, key: str | None) -> str:
    """The display name of the stored record `kind`/`key` ("" when there is none)."""
    if not key or kind not in WRITABLE:
        return ""
    try:
        return display_name(request, kind, request.app.state.web.ledger.get(kind, key))
    except MoneytrailError:
        return ""


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    kind = context.get("kind", "")
    if "name" not in context:
        context["name"] = stored_name(request, kind, context.get("key"))
    if kind in WRITABLE and "field_text" not in context:
        context["field_text"] = field_text(kind, adding=not context.get("key"))
    if kind in ("deal", "claim") and "source_options" not in context:
        context["source_options"] = source_options(request)
    context.setdefault("errors", [])
    context.setdefault("by_anchor", {})
    context.setdefault("first_bad", "")
    html = request.app.state.templates.get_template(template).render(
        request=request, meta=None, nav="ledger", long_fields=LONG, reason_text=REASON,
        **context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def source_options(request: Request) -> list[tuple[str, str]]:
    """(id, title) of every source, by id: the suggestions of a deal's Sources and a
    claim's Source id field (a datalist), so an editor finds a source's id by its title."""
    return sorted((str(s["id"]), str(s.get("title") or s.get("publisher") or ""))
                  for s in request.app.state.web.ledger.records("source"))


def view_url(kind: str, record: dict, money: dict[str, Any] | None = None) -> str:
    """Where a record is shown: its source page, its deal's page, or the deal page; a deal
    page in the reader's `money` (views.ledger_options: currency, price year) when given."""
    if kind == "source":
        return f"/sources/{record['id']}"
    return deal_link_url(record["deal"] if kind == "claim" else record["id"], money)


def editor_page(request: Request) -> Who:
    """The logged-in editor of a form page (a form is only shown to someone who may save it)."""
    current = auth.who(request)
    if current is None:
        raise HTTPException(401, "Log in as an editor to change the ledger.")
    if not current.can_edit:
        raise HTTPException(403, "Your account may read but not edit.")
    return current


async def form_fields(request: Request, kind: str, fields: list[str]) -> dict[str, str]:
    form = await request.form()
    return {f: str(form.get(f, "")) for f in fields}


async def form_text(request: Request, name: str) -> str:
    value = (await request.form()).get(name, "")
    return value if isinstance(value, str) else ""


def reader_money(request: Request, currency: str | None, price_year: str | None
                 ) -> dict[str, Any]:
    """The reader's money of a form opened from a deal page (`?currency=USD&price_year=
    2024`), read and checked as the deal page checks it (views.ledger_options, unit_of: a
    400 naming an unknown currency or a price year without rates); {} when not given."""
    money = ledger_options(currency, price_year)
    if money:
        unit_of(request.app.state.web, money)
    return money


def with_money(path: str, money: dict[str, Any]) -> str:
    """`path` with the reader's `money` (reader_money) as its query, so a form's action,
    its History link and the page after saving keep it."""
    return totals_link(money, path)


# -- edit -----------------------------------------------------------------------------------
@router.get("/ledger/edit/{kind}/{key}")
def edit_form(request: Request, kind: str, key: str, currency: str | None = None,
              price_year: str | None = None) -> HTMLResponse:
    """The edit form of a record; `currency` and `price_year` (the deal page's, when its
    edit link is followed) are kept by the form's action, its History link and the deal
    page it returns to after saving."""
    editor_page(request)
    record = request.app.state.web.ledger.get(kind_of(kind), key)
    money = reader_money(request, currency, price_year)
    return page(request, "edit.html", kind=kind, key=key, fields=editable(kind),
                values=record, revision=record["revision"], reason="",
                action=with_money(f"/ledger/edit/{kind}/{key}", money),
                history=with_money(f"/ledger/history/{kind}/{key}", money))


def reason_errors(reason: str) -> list[MoneytrailError]:
    return [] if reason else [MoneytrailError("say why (kept in the history)",
                                              field="reason")]


@router.post("/ledger/edit/{kind}/{key}")
async def edit_save(request: Request, kind: str, key: str,
                    who: Annotated[Who, Depends(auth.require_editor)],
                    currency: str | None = None, price_year: str | None = None) -> Response:
    fields = editable(kind_of(kind))
    values = await form_fields(request, kind, fields)
    reason = (await form_text(request, "reason")).strip()
    based_on = await form_text(request, "expected_revision")
    # the ledger's reads and write in the thread pool: a slow store holds up this request
    # only, never the event loop
    return await run_in_threadpool(save_edit, request, kind, key, who, fields, values,
                                   reason, based_on, (currency, price_year))


def save_edit(request: Request, kind: str, key: str, who: Who, fields: list[str],
              values: dict[str, str], reason: str, based_on: str,
              reader: tuple[str | None, str | None] = (None, None)) -> Response:
    """`edit_save`'s work once the form is read: the edit, or the form again with its
    errors, or the conflict page of a stale edit. `reader`: the form's currency and price
    year (edit_form), kept by the form shown again and the page after saving."""
    ledger = request.app.state.web.ledger
    money = reader_money(request, *reader)
    common = {"kind": kind, "key": key, "fields": fields, "values": values,
              "action": with_money(f"/ledger/edit/{kind}/{key}", money), "reason": reason,
              "history": with_money(f"/ledger/history/{kind}/{key}", money)}
    if not (based_on.isascii() and based_on.isdigit() and len(based_on) <= 12):
        if not reason:
            return error_page(request, form_errors(kind, reason_errors(reason), values,
                                                         fields), revision=based_on, **common)
        raise HTTPException(400, "The form has no revision; reload it.")
    current = ledger.get(kind, key)
    # a textarea's CR LF as the store keeps it (store.line_breaks), so an untouched note is
    # neither a change nor, on a conflict page, a field that differs
    values.update(line_breaks(values, current))
    stored, failures = form_numbers(kind, values, str(current.get("currency", "")))
    failures += reason_errors(reason)
    changes = {f: v for f, v in stored.items() if v != current.get(f, "")}
    try:
        # with errors of the form's own, the ledger's rules are asked too, writing nothing
        ledger.edit(kind, key, changes, author=who.name, reason=reason or "-",
                    expected_revision=int(based_on), check_only=bool(failures))
    except ConflictError:
        current = ledger.get(kind, key)
        return conflict_page(request, kind, current, values, stored, int(based_on), common)
    except MoneytrailError as exc:
        failures.append(exc)
    if failures:
        return error_page(request, form_errors(kind, failures, values, fields),
                          revision=based_on, **common)
    return RedirectResponse(formerrors.done(view_url(kind, ledger.get(kind, key), money),
                                            "saved"), status_code=303)


def started_from(request: Request, kind: str, key: str, number: int,
                 current: dict) -> dict:
    """The record as the editor's form showed it: the state after revision `number` (the
    form's expected_revision, the record's revision when the form was loaded); the current
    record when the store has no such revision of this record."""
    try:
        rev = request.app.state.web.ledger.revision(number)
    except MoneytrailError:
        return current
    if rev["kind"] != kind or rev["key"] != key or rev["after"] is None:
        return current
    return dict(rev["after"])


def conflict_page(request: Request, kind: str, current: dict, values: dict[str, str],
                  stored: dict[str, str], based_on: int, common: dict[str, Any]
                  ) -> HTMLResponse:
    """A stale save's page (409): the form starts from the saved version with only the
    fields this editor changed (their value differs from the version their form started
    from) put on top, so the other edit's changes are kept; the table says who changed
    which field, and a field both changed to different values is a conflict the editor
    chooses (the form holds their value, the saved one shown beside it)."""
    key = common["key"]
    base = started_from(request, kind, key, based_on, current)
    fields = common["fields"]
    stored = normalised_fields(kind, stored)     # 'usd' is no change of USD

    def was(f: str) -> str:
        return str(base.get(f, "") or "")

    def now(f: str) -> str:
        return str(current.get(f, "") or "")

    mine = [f for f in fields if stored.get(f, "") != was(f)]
    theirs = [f for f in fields if now(f) != was(f)]
    both = [f for f in mine if f in theirs and stored.get(f, "") != now(f)]
    merged = {f: values[f] if f in mine else now(f) for f in fields}
    rows = [{"field": f, "was": was(f), "now": now(f), "mine": stored.get(f, ""),
             "who": "both" if f in both else "you" if f in mine else "other"}
            for f in fields if f in mine or f in theirs]
    notes = {f"f-{f}": {"message": f"Changed in both versions: saved now "
                        f"{ledger_value(now(f), f)}; the form holds yours "
                        f"({ledger_value(stored.get(f, ''), f)}). Choose one.",
                        "value": None} for f in both}
    return page(request, "conflict.html", 409, **{
        **common, "values": merged, "current": current, "rows": rows, "both": both,
        "by_anchor": notes, "revision": current["revision"], "based_on": based_on})


# -- add ------------------------------------------------------------------------------------
@router.get("/ledger/add/{kind}")
def add_form(request: Request, kind: str, deal: str | None = None) -> HTMLResponse:
    editor_page(request)
    values = {"deal": deal} if kind_of(kind) == "claim" and deal else {}
    return page(request, "edit.html", kind=kind, key=None, fields=list(KINDS[kind].columns),
                values=values, revision="", reason="", action=f"/ledger/add/{kind}")


@router.post("/ledger/add/{kind}")
async def add_save(request: Request, kind: str,
                   who: Annotated[Who, Depends(auth.require_editor)]) -> Response:
    fields = list(KINDS[kind_of(kind)].columns)
    values = await form_fields(request, kind, fields)
    reason = (await form_text(request, "reason")).strip()
    # the ledger's checks and write in the thread pool (never blocking the event loop)
    return await run_in_threadpool(save_add, request, kind, who, fields, values, reason)


def save_add(request: Request, kind: str, who: Who, fields: list[str],
             values: dict[str, str], reason: str) -> Response:
    """`add_save`'s work once the form is read: the new record, or the form again with its
    errors."""
    ledger = request.app.state.web.ledger
    common = {"kind": kind, "key": None, "fields": fields, "values": values, "revision": "",
              "action": f"/ledger/add/{kind}", "reason": reason}
    stored, failures = form_numbers(kind, values)
    failures += reason_errors(reason)
    try:
        # with errors of the form's own, the ledger's rules are asked too, writing nothing
        ledger.add(kind, {f: v for f, v in stored.items() if v != ""}, author=who.name,
                   reason=reason or "-", check_only=bool(failures))
    except MoneytrailError as exc:
        failures.append(exc)
    if failures:
        return error_page(request, form_errors(kind, failures, values, fields),
                          **common)
    key = stored[KINDS[kind].key[0]]
    return RedirectResponse(formerrors.done(f"/ledger/history/{kind}/{key}", "saved"),
                            status_code=303)


# -- history and revert ---------------------------------------------------------------------
@router.get("/ledger/history/{kind}/{key}")
def history_page(request: Request, kind: str, key: str, reverted: str | None = None,
                 currency: str | None = None, price_year: str | None = None) -> HTMLResponse:
    """A record's every change as a diff. `currency` and `price_year` (the deal page's, when
    its history link is followed) are read and checked as the deal page checks them (an
    unknown currency or a price year without rates is a 400 naming it) and kept by the
    link back to the deal, so the reader returns to the amounts in the money they chose.
    `reverted` (set by `revert`) is a revision number, checked as `?revision=` is."""
    ledger = request.app.state.web.ledger
    kind_of(kind)
    revision_param(reverted, "reverted")
    money = ledger_options(currency, price_year)
    if money:
        unit_of(request.app.state.web, money)      # the deal page's check (queries.target)
    frame = ledger.history(kind, key)
    if frame.empty:
        raise HTTPException(404, "There is no page at this address.")
    changes = [{**row, "diff": diff(json.loads(row["before"]), json.loads(row["after"]))}
               for row in frame.to_dict("records")]
    current = auth.who(request)
    try:
        record = ledger.get(kind, key)
        back = view_url(kind, record, money)
    except MoneytrailError:
        record, back = None, None
    last = changes[0]            # newest first: a deleted record is named as it last was
    named = record or json.loads(last["after"] or "null") or json.loads(last["before"] or "null")
    return page(request, "history.html", kind=kind, key=key, changes=changes, back=back,
                name=display_name(request, kind, named),
                record=record, can_edit=bool(current and current.can_edit and record),
                can_revert=bool(current and current.is_admin),
                can_remove=bool(current and current.can_edit and record),
                message=revert_message(request, kind, key, reverted))


@router.post("/ledger/revert/{number}")
async def revert(request: Request, number: int,
                 who: Annotated[Who, Depends(auth.require_editor)]) -> Response:
    reason = (await form_text(request, "reason")).strip()
    # the ledger's read and write in the thread pool (never blocking the event loop)
    return await run_in_threadpool(revert_with, request, number, who, reason)


def revert_with(request: Request, number: int, who: Who, reason: str) -> Response:
    """`revert`'s work once the form is read."""
    ledger = request.app.state.web.ledger
    rev = ledger.revision(number)
    target = f"/ledger/history/{rev['kind']}/{rev['key']}"
    if not who.is_admin and rev["action"] != "add":
        raise HTTPException(403, "Only an admin may revert this revision (an editor may "
                                 "revert the add of a record, which removes it).")
    if not reason:
        raise HTTPException(400, "Say why the change is reverted (kept in the history).")
    done = ledger.revert(number, author=who.name, reason=reason)
    # the history page says what the revert did (read back from its revision)
    return RedirectResponse(f"{target}?reverted={done.revisions[0]}" if done.revisions
                            else target, status_code=303)


def revert_message(request: Request, kind: str, key: str, reverted: str | None
                   ) -> str | None:
    """What the revert revision `reverted` (the history page's `?reverted=N`, set by
    `revert`) did to this record: removed it (a revert of its add), restored it, or changed
    it back; None when `reverted` is no revert of this record."""
    if not reverted or not (reverted.isascii() and reverted.isdigit()) or len(reverted) > 12:
        return None
    try:
        rev = request.app.state.web.ledger.revision(int(reverted))
    except MoneytrailError:
        return None
    if rev["action"] != "revert" or rev["kind"] != kind or rev["key"] != key:
        return None
    did = "removed" if rev["after"] is None else "restored" if rev["before"] is None \
        else "changed back"
    return f"Revision {rev['id']} {did} this {kind} ({rev['reason']})."
