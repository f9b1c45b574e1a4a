"""Editing the ledger in the browser (issue 12): forms for editors, conflicts, history, revert.

- `GET/POST /ledger/edit/{kind}/{key}`: edit a source, deal or claim. The form carries the
  revision it was loaded at; a stale save gets a conflict page (409) with both versions side by
  side and the form again, filled with the editor's values and based on the current revision,
  so the editor merges by hand and saves again.
- `GET/POST /ledger/add/{kind}`: add one.
- `GET /ledger/history/{kind}/{key}`: every change of a record as a field-by-field diff;
  admins get a revert button (`POST /ledger/revert/{number}`).

Every write calls `Ledger.add/edit/revert` with the account name as author and a required
reason; the same rules as the CLI apply, and an invalid value shows the form again with the
field named.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from moneytrail.accounts.store import Who
from moneytrail.errors import MoneytrailError
from moneytrail.ledger.errors import ConflictError
from moneytrail.ledger.records import KINDS
from moneytrail.ledger.store import line_breaks
from moneytrail.web import auth
from moneytrail.web.views import diff

router = APIRouter(include_in_schema=False)
WRITABLE = ("source", "deal", "claim")
LONG = ("note", "description", "title")


def kind_of(kind: str) -> str:
    if kind not in WRITABLE:
        raise HTTPException(404, "There is no page at this address.")
    return kind


def form_numbers(kind: str, values: dict[str, str], currency: str = "") -> dict[str, str]:
    """`values` with the kind's number fields read as the plan builder reads them
    (web.numbers.read_number: a point for decimals, commas only between groups of three
    digits or spaces, so '20,000,000' and '20 000 000' are stored as 20000000); amounts
    (a claim's low, central, high) also take size words and a currency code or symbol
    ('450 bn', 'USD 450 bn', '$450bn' stored as
    450000000000), the code equal to the record's currency (`values['currency']`, else
    `currency`). Text that is no number at all is left for the ledger's check to name.
    Raises MoneytrailError naming the field and the text as typed for a decimal comma
    ('750,5') or another currency's code (form_error quotes it)."""
    from moneytrail.ledger.records import format_number
    from moneytrail.web.numbers import PLAIN, NumberTextError, read_number

    out = dict(values)
    spec = KINDS[kind]
    own = (out.get("currency") or currency).strip() or None
    for field in (*spec.numbers, *spec.integers):
        text = out.get(field, "")
        if not text.strip():
            continue
        amount = kind == "claim" and field in spec.numbers
        try:
            number = read_number(text, sizes=amount, currency=own, owner=kind) if amount \
                else read_number(text, whole=field in spec.integers)
        except NumberTextError as exc:
            raise MoneytrailError(str(exc), field=field, value=text.strip()) from None
        if number is not None and (amount or not PLAIN.fullmatch(text.strip())):
            out[field] = format_number(float(number))
    return out


def form_error(kind: str, exc: MoneytrailError, typed: dict[str, str]
               ) -> dict[str, str | None]:
    """What the form says about an error of its fields: the field, the message and, for the
    kind's number fields, the value as the user typed it in the form (`typed`, the fields
    before form_numbers read them: '-1,5', not -1.5; the ledger's 'low/central/high' joins
    the three), None for other fields."""
    spec = KINDS[kind]
    field = (exc.field or "").lstrip("-")
    parts = field.split("/")
    value = "/".join(typed.get(p, "").strip() for p in parts) \
        if field and all(p in typed and p in (*spec.numbers, *spec.integers)
                         for p in parts) else None
    return {"field": field, "detail": exc.detail, "value": value or None}


def editable(kind: str) -> list[str]:
    """The fields an editor may change (the key is fixed once a record exists)."""
    return [c for c in KINDS[kind].columns if c not in KINDS[kind].key]


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = request.app.state.templates.get_template(template).render(
        request=request, meta=None, nav="ledger", long_fields=LONG, **context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def view_url(kind: str, record: dict) -> str:
    """Where a record is shown: its source page, its deal's page, or the deal page."""
    if kind == "source":
        return f"/sources/{record['id']}"
    return f"/ledger/deals/{record['deal'] if kind == 'claim' else record['id']}"


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


# -- edit -----------------------------------------------------------------------------------
@router.get("/ledger/edit/{kind}/{key}")
def edit_form(request: Request, kind: str, key: str) -> HTMLResponse:
    editor_page(request)
    record = request.app.state.web.ledger.get(kind_of(kind), key)
    return page(request, "edit.html", kind=kind, key=key, fields=editable(kind),
                values=record, revision=record["revision"], reason="", error=None,
                action=f"/ledger/edit/{kind}/{key}")


@router.post("/ledger/edit/{kind}/{key}")
async def edit_save(request: Request, kind: str, key: str,
                    who: Annotated[Who, Depends(auth.require_editor)]) -> Response:
    ledger = request.app.state.web.ledger
    fields = editable(kind_of(kind))
    values = await form_fields(request, kind, fields)
    reason = (await form_text(request, "reason")).strip()
    based_on = await form_text(request, "expected_revision")
    common = {"kind": kind, "key": key, "fields": fields, "values": values,
              "action": f"/ledger/edit/{kind}/{key}", "reason": reason}
    if not reason:
        return page(request, "edit.html", 400, revision=based_on, error={
            "field": "reason", "detail": "say why (kept in the history)"}, **common)
    if not (based_on.isascii() and based_on.isdigit() and len(based_on) <= 12):
        raise HTTPException(400, "The form has no revision; reload it.")
    current = ledger.get(kind, key)
    # a textarea's CR LF as the store keeps it (store.line_breaks), so an untouched note is
    # neither a change nor, on a conflict page, a field that differs
    values.update(line_breaks(values, current))
    try:
        stored = form_numbers(kind, values, str(current.get("currency", "")))
        changes = {f: v for f, v in stored.items() if v != current.get(f, "")}
        ledger.edit(kind, key, changes, author=who.name, reason=reason,
                    expected_revision=int(based_on))
    except ConflictError:
        current = ledger.get(kind, key)
        return page(request, "conflict.html", 409, current=current, mine=values,
                    revision=current["revision"], based_on=based_on, error=None, **common)
    except MoneytrailError as exc:
        return page(request, "edit.html", 400, revision=based_on,
                    error=form_error(kind, exc, values), **common)
    return RedirectResponse(view_url(kind, ledger.get(kind, key)), status_code=303)


# -- add ------------------------------------------------------------------------------------
@router.get("/ledger/add/{kind}")
def add_form(request: Request, kind: str, deal: str | None = None) -> HTMLResponse:
    editor_page(request)
    values = {"deal": deal} if kind_of(kind) == "claim" and deal else {}
    return page(request, "edit.html", kind=kind, key=None, fields=list(KINDS[kind].columns),
                values=values, revision="", reason="", error=None,
                action=f"/ledger/add/{kind}")


@router.post("/ledger/add/{kind}")
async def add_save(request: Request, kind: str,
                   who: Annotated[Who, Depends(auth.require_editor)]) -> Response:
    ledger = request.app.state.web.ledger
    fields = list(KINDS[kind_of(kind)].columns)
    values = await form_fields(request, kind, fields)
    reason = (await form_text(request, "reason")).strip()
    common = {"kind": kind, "key": None, "fields": fields, "values": values, "revision": "",
              "action": f"/ledger/add/{kind}", "reason": reason}
    if not reason:
        return page(request, "edit.html", 400, error={
            "field": "reason", "detail": "say why (kept in the history)"}, **common)
    try:
        stored = form_numbers(kind_of(kind), values)
        ledger.add(kind, {f: v for f, v in stored.items() if v != ""}, author=who.name,
                   reason=reason)
    except MoneytrailError as exc:
        return page(request, "edit.html", 400, error=form_error(kind, exc, values), **common)
    key = stored[KINDS[kind].key[0]]
    return RedirectResponse(f"/ledger/history/{kind}/{key}", status_code=303)


# -- history and revert ---------------------------------------------------------------------
@router.get("/ledger/history/{kind}/{key}")
def history_page(request: Request, kind: str, key: str,
                 reverted: str | None = None) -> HTMLResponse:
    ledger = request.app.state.web.ledger
    kind_of(kind)
    frame = ledger.history(kind, key)
    if frame.empty:
        raise HTTPException(404, "There is no page at this address.")
    changes = [{**row, "diff": diff(json.loads(row["before"]), json.loads(row["after"]))}
               for row in frame.to_dict("records")]
    current = auth.who(request)
    try:
        record = ledger.get(kind, key)
        back = view_url(kind, record)
    except MoneytrailError:
        record, back = None, None
    return page(request, "history.html", kind=kind, key=key, changes=changes, back=back,
                record=record, can_edit=bool(current and current.can_edit and record),
                can_revert=bool(current and current.is_admin),
                message=revert_message(request, kind, key, reverted))


@router.post("/ledger/revert/{number}")
async def revert(request: Request, number: int,
                 who: Annotated[Who, Depends(auth.require_admin)]) -> Response:
    ledger = request.app.state.web.ledger
    reason = (await form_text(request, "reason")).strip()
    rev = ledger.revision(number)
    target = f"/ledger/history/{rev['kind']}/{rev['key']}"
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
