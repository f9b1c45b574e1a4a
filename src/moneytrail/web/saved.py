"""Saved plans on the web (issue 12): editors save plans from the builder, private or public.

Pages: `GET /saved` (your plans and everyone's public ones), `POST /saved` (the builder's
"Save" button: a new plan, or a new revision of the plan named by `saved_id`), `GET /saved/{id}`
(the plan, its runs and revisions), `GET/POST /saved/{id}/edit` (title, description,
visibility), `POST /saved/{id}/run`, `POST /saved/{id}/delete`, `POST /saved/{id}/purge`
(a deleted plan: `/saved` lists the owner's, each with a Purge button); delete and purge show
a confirmation page first and act only on a post with `confirm=yes`.
JSON (`/api/v1/saved-plans`): `GET` list, `POST` create, `GET/PATCH/DELETE /{id}`,
`GET /{id}/revisions`, `GET/POST /{id}/runs`, `POST /{id}/purge` and `GET /{id}/trail` (the
owner, or an admin: the audit trail a purge keeps, see accounts.plans).

Every change needs an editor (session plus CSRF token, or an API key of scope write), quotes
the revision it was based on (a stale one gets 409), and is checked by `SavedPlans`: a private
plan is "not found" for everyone but its owner, a public one may be changed by its owner only
(403). Plans are checked with the scenario schema before they are saved. Titles and
descriptions are only ever rendered through Jinja2's autoescaping (no markup, no links).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from moneytrail.accounts.plans import SavedPlans, check_id, is_number, with_text
from moneytrail.accounts.store import Who
from moneytrail.errors import ConflictError, MoneytrailError
from moneytrail.scenarios.schema import MAX_DESCRIPTION, MAX_TITLE
from moneytrail.web import auth, formerrors
from moneytrail.web.accounts import CheckedBody, StrictBody
from moneytrail.web.plan_words import Namer, differing_fields, plan_fields, setting_rows
from moneytrail.web.query import fitting_location

router = APIRouter()
API = "/api/v1/saved-plans"


def store(request: Request) -> SavedPlans:
    state = request.app.state
    if getattr(state, "saved_plans", None) is None:
        state.saved_plans = SavedPlans(state.web.ledger.engine)
    return state.saved_plans


def relation(request: Request, plan_id: str, who: Who | None) -> str:
    """What the saved plan `plan_id` (digits) is to `who`, for the builder's Save
    (accounts.plans.SavedPlans.relation): 'owner' (an editor may make a new revision of
    it), 'deleted' (theirs, deleted) or 'other' (anyone else's, or no such plan, alike);
    'other' too for anyone who cannot edit and for an id that is no number."""
    if who is None or not who.can_edit or not is_number(plan_id):
        return "other"
    return store(request).relation(int(plan_id), who.id)


def viewer(request: Request) -> int | None:
    current = auth.who(request)
    return current.id if current else None


def revisions_of(request: Request, plan_id: int) -> list[dict[str, Any]]:
    """A plan's revisions as the caller may see them: with what each said for its owner and
    admins, who did what when for everyone else (accounts.plans.SavedPlans.revisions)."""
    current = auth.who(request)
    return store(request).revisions(plan_id, current.id if current else None,
                                    admin=current is not None and current.is_admin)


# the edit form's inputs by the field an error names: (input id, label)
SAVED_INPUTS = {"title": ("title", "Title"), "description": ("description", "Description"),
                "visibility": ("visibility", "Visibility")}


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    for key, default in formerrors.context([]).items():
        context.setdefault(key, default)
    html = request.app.state.templates.get_template(template).render(
        request=request, meta={"title": context.pop("title", "Saved plans"),
                               "data_version": request.app.state.workspace.data_version,
                               "ledger_revision": None},
        nav="build", **context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def checked_plan(request: Request, plan: Any, where: str | None = None) -> dict[str, Any]:
    """The plan mapping if the scenario schema and the data accept it (else its error; with
    `where`, the key the plan came under in a JSON body, the error names the field's full
    path: `plan.title`, never `title`, which is the saved plan's own title)."""
    from moneytrail.scenarios.schema import amount_read
    from moneytrail.web.jobs import plan_error_under, plan_from_mapping

    try:
        # a JSON body (`where`) is strict, as POST /api/v1/runs: numbers as JSON numbers
        plan_from_mapping(request.app.state.workspace, plan, strict=where is not None)
    except MoneytrailError as exc:
        if where is None:
            raise
        raise plan_error_under(exc, where) from None
    # kept as read: a budget typed as text ('5 bn') is stored as the number the check read,
    # so a run of the saved plan (parsed strictly, as JSON) takes what the save accepted
    return amount_read(plan, "plan") if isinstance(plan, dict) else plan


def run_saved(request: Request, plan_id: int, who: Who,
              options: dict[str, int] | None = None) -> tuple[str, str, int, int]:
    """Queue a run of the owner's saved plan and record it on the plan: (run id, status,
    draws, seed). The plan's own draws and seed, unless `options` (web.jobs.run_options,
    checked already) say others."""
    from moneytrail.web.routes_runs import take_token

    saved = store(request).get(plan_id, who.id)
    if not saved["is_owner"]:
        raise HTTPException(403, "Only the owner may run a saved plan from its page; open "
                                 "it in the builder to run a copy.")
    from moneytrail.web.jobs import run_request

    jobs = request.app.state.jobs
    plan, draws, seed = run_request(jobs.ws, with_text(saved["plan"], saved["title"],
                                                       saved["description"]))
    take_token(request)                 # once the plan is checked: a refusal costs none
    draws, seed = (options or {}).get("draws", draws), (options or {}).get("seed", seed)
    # a private submission is never opened to everyone, so the run is hidden from all until
    # it is recorded on the plan; then its visibility follows the plan's (accounts.plans)
    rid, status = jobs.submit(plan, draws, seed, private=True)
    store(request).add_run(plan_id, actor=who.id, run_id=rid)
    return rid, status, draws, seed


async def run_options_of(request: Request) -> dict[str, int]:
    """The checked options of a saved plan's run from its JSON body (web.jobs.run_options):
    none for no body (or an empty one); 415 for a body that is not JSON, 400 for one that is
    not strict JSON or holds anything but `draws` and `seed`."""
    from moneytrail.errors import MediaTypeError
    from moneytrail.web.jobs import MAX_BODY, run_options
    from moneytrail.web.query import is_json, read_body, strict_json

    raw = await read_body(request, MAX_BODY)
    if not raw.strip():
        return {}
    content_type = request.headers.get("content-type", "")
    if not is_json(content_type):
        raise MediaTypeError("the body must be JSON (Content-Type: application/json)",
                             field="Content-Type", value=content_type or None)
    return run_options(strict_json(raw))


def run_rows(request: Request, plan_id: int, who_id: int | None) -> list[dict[str, Any]]:
    rows = store(request).runs(plan_id, who_id)
    jobs = request.app.state.jobs
    for row in rows:
        state = jobs.store.get(row["run_id"])
        row["status"] = state.status if state else "missing"
    return rows


def draft_link(saved: dict[str, Any], with_revision: bool) -> str:
    from moneytrail.web.runs import encode_draft

    plan = with_text(saved["plan"], saved["title"], saved["description"])
    link = f"/build?plan={encode_draft(plan)}"
    return link + (f"&saved={saved['id']}&rev={saved['revision']}" if with_revision else "")


# -- pages ----------------------------------------------------------------------------------
@router.get("/saved", include_in_schema=False)
def saved_list(request: Request) -> HTMLResponse:
    current = auth.who(request)
    plans = store(request).visible(current.id if current else None)
    deleted = store(request).deleted(current.id) if current and current.can_edit else []
    return page(request, "saved_list.html", plans=plans, user=current, deleted=deleted)


# characters of the builder's Save fields that are not the plan's own (checked by the plan's
# schema): the saved plan's id and revision (whole numbers) and its visibility
SAVE_FIELD_LIMITS = {"title": MAX_TITLE, "description": MAX_DESCRIPTION, "saved_id": 20,
                     "saved_revision": 20, "visibility": 20}


def check_form_lengths(form: dict[str, str]) -> None:
    """Refuse a Save whose title, description, saved_id, saved_revision or visibility is
    longer than SAVE_FIELD_LIMITS: a 400 naming the field (MoneytrailError), before the
    plan is read, as such a field would otherwise be sent back in the builder's address."""
    from moneytrail.text import length_problem

    for field, limit in SAVE_FIELD_LIMITS.items():
        problem = length_problem(form.get(field, ""), limit)
        if problem:
            raise MoneytrailError(problem, field=field)


@router.post("/saved", include_in_schema=False)
async def save_from_builder(request: Request,
                            who: Annotated[Who, Depends(auth.require_editor)]) -> Response:
    """The builder's Save button: the whole builder form plus visibility (new plans) or
    saved_id and saved_revision (a new revision of an existing plan)."""
    from moneytrail.web import builder
    from moneytrail.web.draft_login import visibility_of
    from moneytrail.web.runs import decode_draft, encode_draft

    form = await form_of(request)          # parsed (and size-limited) by the CSRF check
    check_form_lengths(form)
    extra: dict[str, Any] = {}
    if form.get("extra"):             # the form's hidden draft of fields it has no input for
        extra = decode_draft(form["extra"], "extra")      # damaged: a 400 naming it
    from moneytrail.web.routes_runs import typed_param

    names = builder.target_names(request.app.state.workspace.valuechain)
    draft, typed, texts = builder.read_form(form, extra, names)
    duplicates = builder.duplicate_rows(form)
    token = encode_draft(draft) + (
        f"&dup={encode_draft({'rows': duplicates})}" if duplicates else "")
    saved_id = form.get("saved_id", "")
    back = f"/build?plan={token}&check=1&unsaved=1{typed_param(typed, texts)}" + (
        f"&saved={saved_id}&rev={form.get('saved_revision', '')}" if saved_id else
        "&vis=public" if visibility_of(form) else "")
    if duplicates:                  # a repeated row the plan would drop: shown, not saved
        return RedirectResponse(fitting_location(back, form), status_code=303)
    try:
        await run_in_threadpool(checked_plan, request, draft)
    except MoneytrailError:                                   # the builder shows the error
        return RedirectResponse(fitting_location(back, form), status_code=303)
    # the store's writes in the thread pool: a slow store holds up this request only
    return await run_in_threadpool(save_draft, request, who, form, draft,
                                   token + typed_param(typed))


def save_draft(request: Request, who: Who, form: dict[str, str], draft: dict[str, Any],
               token: str) -> Response:
    """`save_from_builder`'s write of a checked draft: a new plan, or a new revision of
    the plan the form names (the conflict page when it changed since)."""
    saved_id = form.get("saved_id", "")
    title = str(draft.get("title") or draft.get("id") or "")
    description = str(draft.get("description") or "")
    plans = store(request)
    if not saved_id:
        # the same plan saved again (Back, then Save; a second press): no second plan that
        # nobody could tell apart; the page of the one saved says so (formerrors.DONE_MESSAGES)
        visibility = form.get("visibility", "private")
        same = plans.identical(who.id, title, description, draft, visibility)
        if same is not None:
            return RedirectResponse(formerrors.done(f"/saved/{same['id']}", "identical"),
                                    status_code=303)
        saved = plans.create(owner=who.id, title=title, description=description,
                             visibility=visibility, plan=draft)
        return RedirectResponse(formerrors.done(f"/saved/{saved['id']}", "saved"),
                                status_code=303)
    plan_id = check_id(saved_id)
    revision = form.get("saved_revision", "")
    if not is_number(revision):
        raise HTTPException(400, "The form has no revision; open the plan again.")
    try:
        plans.edit(plan_id, actor=who.id, expected_revision=int(revision), title=title,
                   description=description, plan=draft)
    except ConflictError:
        current = plans.get(plan_id, who.id)
        namer = plan_namer(request)
        saved_now = plan_fields(current.get("plan"), current["title"],
                                current["description"], namer)
        yours = plan_fields(draft, title, description, namer)
        return page(request, "saved_conflict.html", 409, current=current, title="Conflict",
                    mine={"title": title, "description": description},
                    differences=differing_fields(saved_now, yours),
                    retry=f"/build?plan={token}&saved={plan_id}&rev={current['revision']}")
    return RedirectResponse(formerrors.done(f"/saved/{plan_id}", "saved"), status_code=303)


@router.get("/saved/{plan_id}", include_in_schema=False)
def saved_page(request: Request, plan_id: str) -> HTMLResponse:
    from moneytrail.service.tasks import known_currencies
    from moneytrail.web.routes_runs import names
    from moneytrail.web.runs import inherited_note, plan_condition_words

    current = auth.who(request)
    pid = check_id(plan_id)
    saved = store(request).get(pid, current.id if current else None)
    owner = saved["is_owner"] and current is not None and current.can_edit
    # the page shows the saved title and description: the note is about them, as the
    # builder's and the compare page's are (report.units.plan_text_notes)
    shown = {**(saved.get("plan") or {}), "title": saved["title"],
             "description": saved["description"]}
    inherited = inherited_note(shown, currencies=known_currencies(
        request.app.state.workspace, check=False))
    return page(request, "saved_plan.html", saved=saved, title=saved["title"],
                inherited=inherited,
                runs=run_rows(request, pid, current.id if current else None),
                revisions=revisions_of(request, pid),
                owner=owner, builder_link=draft_link(saved, with_revision=owner),
                copy_link=draft_link(saved, with_revision=False),
                categories=names(request).categories,
                supplier_parts=supplier_parts(saved.get("plan"), names(request)),
                conditions=plan_condition_words(saved.get("plan"), names(request)),
                settings=setting_rows(saved.get("plan"), plan_namer(request)),
                # "Saved: <title>" (?done=saved) only for whoever could have just saved it
                done_messages=formerrors.DONE_MESSAGES if saved["is_owner"] else {})


def plan_namer(request: Request) -> Namer:
    """The app's names of categories, firms and countries for `plan_words`."""
    from moneytrail.web.routes_runs import names

    known = names(request)
    return Namer(known.categories, known.entities, known.countries)


def supplier_parts(plan: Any, names: Any) -> list[str]:
    """The suppliers a plan (mapping) sets, one line per category, as the compare page lists
    them (report.inputs.procurement_parts); [] when it sets none (market shares)."""
    from moneytrail.report.inputs import procurement_parts

    return procurement_parts(plan if isinstance(plan, dict) else None, names.category,
                             names.entity)


@router.get("/saved/{plan_id}/edit", include_in_schema=False)
def edit_form(request: Request, plan_id: str) -> HTMLResponse:
    current = auth.who(request)
    if current is None or not current.can_edit:
        raise HTTPException(401 if current is None else 403,
                            "Log in as an editor to change a saved plan.")
    saved = store(request).get(check_id(plan_id), current.id)
    if not saved["is_owner"]:
        raise HTTPException(403, "Only the owner may change a saved plan.")
    return page(request, "saved_edit.html", saved=saved, values=saved,
                revision=saved["revision"], title=f"Edit {saved['title']}")


async def form_of(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/saved/{plan_id}/edit", include_in_schema=False)
async def edit_save(request: Request, plan_id: str,
                    who: Annotated[Who, Depends(auth.require_editor)]) -> Response:
    pid = check_id(plan_id)
    form = await form_of(request)
    # the store's calls in the thread pool (never blocking the event loop)
    return await run_in_threadpool(save_plan_edit, request, pid, who, form)


def save_plan_edit(request: Request, pid: int, who: Who, form: dict[str, str]) -> Response:
    """`edit_save`'s work once the form is read."""
    revision = form.get("expected_revision", "")
    if not is_number(revision):
        raise HTTPException(400, "The form has no revision; reload it.")
    values = {k: form.get(k) for k in ("title", "description", "visibility")}
    plans = store(request)
    try:
        plans.edit(pid, actor=who.id, expected_revision=int(revision), title=values["title"],
                   description=values["description"], visibility=values["visibility"])
    except ConflictError:
        current = plans.get(pid, who.id)
        return page(request, "saved_edit.html", 409, saved=current, values=values,
                    revision=current["revision"], title="Conflict", conflict=True,
                    **formerrors.context([formerrors.entry(
                        "", "", "someone changed this plan since you opened the "
                        "form; its current state is below, your values are in the form: "
                        "save again to keep them")]))
    except MoneytrailError as exc:
        if exc.http_status in (403, 404):
            raise
        current = plans.get(pid, who.id)
        return page(request, "saved_edit.html", 400, saved=current, values=values,
                    revision=revision, title="Edit",
                    **formerrors.context([formerrors.first_error(exc, SAVED_INPUTS)]))
    return RedirectResponse(formerrors.done(f"/saved/{pid}", "saved"), status_code=303)


@router.post("/saved/{plan_id}/run", include_in_schema=False)
async def rerun(request: Request, plan_id: str,
                who: Annotated[Who, Depends(auth.require_editor)]) -> Response:
    rid, *_ = await run_in_threadpool(run_saved, request, check_id(plan_id), who)
    return RedirectResponse(f"/r/{rid}", status_code=303)


def confirm_page(request: Request, plan_id: int, title: str, revision: str,
                 purge: bool) -> HTMLResponse:
    """The step between the Delete (Purge) button and the change: what will happen, a form
    that posts again with confirm=yes, and a way back. No JavaScript needed."""
    return page(request, "saved_confirm.html", plan_id=plan_id, plan_title=title,
                revision=revision, purge=purge,
                title=f"{'Purge' if purge else 'Delete'} {title}?")


def form_revision(revision: str) -> int | None:
    """A delete or purge form's expected revision: None when the form sends none (no stale
    check), its number, or 400 when it is there but not a revision number (the stale check
    must not be skipped on a mangled form)."""
    if revision == "":
        return None
    if not is_number(revision):
        raise HTTPException(400, "The form's revision is not a revision number; open the "
                                 "plan again.")
    return int(revision)


@router.post("/saved/{plan_id}/delete", include_in_schema=False)
async def delete(request: Request, plan_id: str,
                 who: Annotated[Who, Depends(auth.require_editor)]) -> Response:
    """Asks first (confirm page) unless the form says confirm=yes."""
    pid = check_id(plan_id)
    form = await form_of(request)
    # the store's calls in the thread pool (never blocking the event loop)
    return await run_in_threadpool(delete_with, request, pid, who, form)


def delete_with(request: Request, pid: int, who: Who, form: dict[str, str]) -> Response:
    """`delete`'s work once the form is read."""
    revision = form.get("expected_revision", "")
    if form.get("confirm") != "yes":
        saved = store(request).get(pid, who.id)         # 404 for others' private plans
        if not saved["is_owner"]:
            raise HTTPException(403, "Only the owner may delete a saved plan.")
        return confirm_page(request, pid, saved["title"], revision, purge=False)
    store(request).delete(pid, actor=who.id, expected_revision=form_revision(revision))
    return RedirectResponse("/saved", status_code=303)


@router.post("/saved/{plan_id}/purge", include_in_schema=False)
async def purge(request: Request, plan_id: str,
                who: Annotated[Who, Depends(auth.require_editor)]) -> Response:
    """Asks first (confirm page) unless the form says confirm=yes: a purge cannot be undone."""
    pid = check_id(plan_id)
    form = await form_of(request)
    # the store's calls in the thread pool (never blocking the event loop)
    return await run_in_threadpool(purge_with, request, pid, who, form)


def purge_with(request: Request, pid: int, who: Who, form: dict[str, str]) -> Response:
    """`purge`'s work once the form is read."""
    revision = form.get("expected_revision", "")
    if form.get("confirm") != "yes":
        trail = store(request).trail(pid, actor=who.id, admin=who.role == "admin")
        if trail["purged"]:                         # 404 for others, as the purge says
            raise HTTPException(404, "This plan was purged already.")
        if not trail["deleted"]:
            raise ConflictError("delete the plan first; only a deleted plan can be purged",
                                field="plan_id", value=pid)
        mine = [p for p in store(request).deleted(who.id) if p["id"] == pid]
        title = mine[0]["title"] if mine else f"plan {pid}"     # an admin: no content
        return confirm_page(request, pid, title, revision, purge=True)
    store(request).purge(pid, actor=who.id, admin=who.role == "admin",
                         expected_revision=form_revision(revision))
    return RedirectResponse("/saved", status_code=303)


# -- JSON API -------------------------------------------------------------------------------
class SavedPlanCreateBody(StrictBody):
    """A plan to save: the scenario schema's mapping, a title, a description, visibility.
    The title's and description's lengths are checked by `check_lengths`, as POST
    /api/v1/runs checks a plan's (a 400 that shows the text shortened)."""

    title: str = Field(min_length=1)
    description: str = ""
    visibility: str = "private"
    plan: dict[str, Any]


class SavedPlanEditBody(StrictBody):
    """Fields to change, and the revision they are based on (a stale one gets 409)."""

    expected_revision: int
    title: str | None = None            # lengths: check_lengths
    description: str | None = None
    visibility: str | None = None
    plan: dict[str, Any] | None = None


def check_lengths(body: SavedPlanCreateBody | SavedPlanEditBody) -> None:
    """Refuse a body whose `title` or `description` is longer than a plan's may be
    (schema.text_length_problem: MAX_TITLE, MAX_DESCRIPTION): a 400 naming the field, with
    the text shortened (text.shown_text), the words and value POST /api/v1/runs gives for a
    plan's own title (web.jobs), never the whole text sent back."""
    from moneytrail.scenarios.schema import text_length_problem
    from moneytrail.text import shown_text

    for key in ("title", "description"):
        text = getattr(body, key)
        problem = text_length_problem(key, text) if isinstance(text, str) else None
        if problem:
            raise MoneytrailError(problem, field=key, value=shown_text(text))


@router.get(API, tags=["saved plans"],
            summary="Saved plans: the caller's own (any visibility) and everyone's public ones")
def api_list(request: Request) -> JSONResponse:
    return JSONResponse({"plans": store(request).visible(viewer(request))})


@router.post(API, tags=["saved plans"], status_code=201,
             summary="Save a plan (editors; API key of scope write)")
def api_create(request: Request, body: SavedPlanCreateBody,
               who: Annotated[Who, Depends(auth.require_editor)],
               _body: CheckedBody) -> JSONResponse:
    check_lengths(body)
    plan = checked_plan(request, body.plan, "plan")
    saved = store(request).create(owner=who.id, title=body.title,
                                  description=body.description, visibility=body.visibility,
                                  plan=plan)
    return JSONResponse(saved, status_code=201,
                        headers={"Location": f"{API}/{saved['id']}"})


@router.get(API + "/{plan_id}", tags=["saved plans"],
            summary="A saved plan (public, or the caller's own)")
def api_get(request: Request, plan_id: str) -> JSONResponse:
    return JSONResponse(store(request).get(check_id(plan_id), viewer(request)))


@router.patch(API + "/{plan_id}", tags=["saved plans"],
              summary="Change a saved plan (its owner; quote expected_revision)")
def api_edit(request: Request, plan_id: str, body: SavedPlanEditBody,
             who: Annotated[Who, Depends(auth.require_editor)],
             _body: CheckedBody) -> JSONResponse:
    check_lengths(body)
    plan = checked_plan(request, body.plan, "plan") if body.plan is not None else None
    return JSONResponse(store(request).edit(
        check_id(plan_id), actor=who.id, expected_revision=body.expected_revision,
        title=body.title, description=body.description, visibility=body.visibility,
        plan=plan))


@router.delete(API + "/{plan_id}", tags=["saved plans"], status_code=204,
               summary="Delete a saved plan (its owner; its revisions are kept)")
def api_delete(request: Request, plan_id: str,
               who: Annotated[Who, Depends(auth.require_editor)],
               expected_revision: int | None = None) -> Response:
    store(request).delete(check_id(plan_id), actor=who.id,
                          expected_revision=expected_revision)
    return Response(status_code=204)


@router.get(API + "/{plan_id}/revisions", tags=["saved plans"],
            summary="Every revision of a saved plan (public, or the caller's own): number, "
            "action, author, visibility and time; what each said (title, description, plan) "
            "for its owner and admins only")
def api_revisions(request: Request, plan_id: str) -> JSONResponse:
    return JSONResponse({"revisions": revisions_of(request, check_id(plan_id))})


@router.get(API + "/{plan_id}/runs", tags=["saved plans"],
            summary="The runs started from a saved plan")
def api_runs(request: Request, plan_id: str) -> JSONResponse:
    return JSONResponse({"runs": run_rows(request, check_id(plan_id), viewer(request))})


@router.post(API + "/{plan_id}/runs", tags=["saved plans"], status_code=202,
             summary="Run a saved plan again (its owner); poll the run's URL",
             description="No body (or {}) runs the plan with its own draws and seed; a JSON "
             "object may set `draws` (1 to 20,000) and `seed`, checked as POST /api/v1/runs "
             "checks them; any other key is refused. Answers 202 with the run id, its status "
             "and the draws and seed it uses.",
             openapi_extra={"requestBody": {"required": False, "content": {
                 "application/json": {"schema": {
                     "type": "object", "additionalProperties": False,
                     "properties": {"draws": {"type": "integer", "minimum": 1,
                                              "maximum": 20_000},
                                    "seed": {"type": "integer", "minimum": 0}}}}}}})
async def api_rerun(request: Request, plan_id: str,
                    who: Annotated[Who, Depends(auth.require_editor)]) -> JSONResponse:
    pid = check_id(plan_id)
    options = await run_options_of(request)       # after the caller's check
    rid, status, draws, seed = await run_in_threadpool(run_saved, request, pid, who, options)
    return JSONResponse({"run_id": rid, "status": status, "draws": draws, "seed": seed,
                         "url": f"/r/{rid}", "api": f"/api/v1/runs/{rid}"},
                        status_code=202, headers={"Location": f"/api/v1/runs/{rid}"})


@router.post(API + "/{plan_id}/purge", tags=["saved plans"],
             summary="Erase a deleted plan's content (its owner, or an admin); the audit "
             "trail stays")
def api_purge(request: Request, plan_id: str,
              who: Annotated[Who, Depends(auth.require_editor)],
              expected_revision: int | None = None) -> JSONResponse:
    return JSONResponse(store(request).purge(check_id(plan_id), actor=who.id,
                                             admin=who.role == "admin",
                                             expected_revision=expected_revision))


@router.get(API + "/{plan_id}/trail", tags=["saved plans"],
            summary="A saved plan's audit trail without its content (its owner, or an admin)")
def api_trail(request: Request, plan_id: str) -> JSONResponse:
    current = auth.who(request)
    if current is None:
        raise HTTPException(401, "Log in (or send an API key) to read a plan's trail.")
    return JSONResponse(store(request).trail(check_id(plan_id), actor=current.id,
                                             admin=current.role == "admin"))
