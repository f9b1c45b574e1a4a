"""Saved plans: plans editors keep from the builder, private or public (issue 12).

    plans = SavedPlans(ledger.engine)
    saved = plans.create(owner=7, title="Gigafactory, lean", description="", visibility="private",
                         plan={...the builder's plan mapping...})
    plans.edit(saved["id"], actor=7, expected_revision=1, visibility="public")

Rules (the object-level checks of the web pages and the JSON API rest on them):
- a private plan exists only for its owner: for anyone else `get`, `edit`, `delete` and
  `add_run` answer "not found" (so ids cannot be probed); a public plan can be read by anyone
  but changed only by its owner (`Forbidden`);
- the content of a plan's revisions (title, description, plan of each) is shown to its owner
  and admins only: everyone else sees a public plan's current content and, of its revisions,
  who did what when (`revisions`), so making a plan public does not publish its drafts;
- every change is a new row in `saved_plan_revisions` written in the same transaction as the
  plan (under the store-wide write lock) and must quote the revision it was based on, so a
  stale change is refused (`ConflictError`) rather than silently overwriting;
- a delete only marks the plan (and is a revision too): nothing is lost;
- a purge (of a deleted plan, by its owner or an admin) erases what the plan said (title,
  description, plan mapping, in the plan and in every revision) and keeps a tombstone: the id
  (never reused), owner, visibility, created time, every revision's number, author, action
  and time, the runs started from it, and a last revision "purge" naming who purged it and
  when. Runs themselves are results stored by run id (possibly shared with anyone who ran the
  same plan) and are not touched;
- a run computed outside a saved plan (`open_runs`, migration 0006: the CLI, the builder, the
  JSON API, reference plans) is public; a run made only from saved plans (`saved_plan_runs`:
  their runs, reruns and claim checks) is as visible as its plans: when none of them is
  public (and not deleted), only their owners see it (`run_visible`, `visible_runs_clause`);
  a run derived from others (a claim checked against a run, a rerun, a briefing's
  sensitivity run: `run_origins`) is, besides, no more visible than any run it derives from.

The plan mapping is stored as JSON text, unchecked here; the web layer checks it with the
scenario schema before saving (a saved plan can always be run).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    exists,
    false,
    insert,
    literal,
    not_,
    or_,
    select,
    update,
)

from moneytrail.accounts.models import Account, SavedPlan, SavedPlanRevision, SavedPlanRun
from moneytrail.accounts.store import AccountError, Clock, aware, utc_now
from moneytrail.errors import ConflictError, MoneytrailError, NotFoundError
from moneytrail.ledger import locking
from moneytrail.ledger.dbrows import MAX_INTEGER
from moneytrail.ledger.models import OpenRun, RunOrigin
from moneytrail.text import same_text, text_problem, unix_lines

VISIBILITIES = ("private", "public")
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_PLAN = 200_000            # characters of plan JSON (the web's body limit is lower)
PURGED_TITLE = "(purged)"     # what a purged plan and its revisions say instead of a title


class Forbidden(MoneytrailError):
    """Someone other than the owner tried to change a public plan."""

    http_status = 403


def check_fields(title: str | None, description: str | None, visibility: str | None
                 ) -> None:
    """One clear error per bad field (title 1-200 characters, description up to 5,000,
    visibility private or public; no control or bidi formatting character, see
    `moneytrail.text`: tab and line breaks are allowed in the description only)."""
    for field, text, multiline in (("title", title, False), ("description", description, True)):
        problem = text_problem(text, multiline=multiline)
        if problem:
            raise AccountError(problem, field=field)
    if title is not None and not 1 <= len(title.strip()) <= MAX_TITLE:
        raise AccountError(f"a saved plan needs a title of 1 to {MAX_TITLE} characters",
                           field="title", value=title[:80])
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise AccountError(f"a description has at most {MAX_DESCRIPTION} characters",
                           field="description", value=len(description))
    if visibility is not None and visibility not in VISIBILITIES:
        raise AccountError("visibility is private or public", field="visibility",
                           value=visibility)


def with_text(plan: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    """`plan` carrying the saved plan's `title` and `description` (an empty description
    removes the plan's own): a saved plan's title is its plan's title, so a renamed plan's
    runs, pages and briefings carry the new name (tester 40: they kept the old one)."""
    out = {k: v for k, v in plan.items() if k != "description"}
    out["title"] = title
    if description:
        out["description"] = description
    return out


def plan_json(plan: dict[str, Any]) -> str:
    if not isinstance(plan, dict):
        raise AccountError("the plan must be a mapping (the scenario schema)", field="plan")
    text = json.dumps(plan, sort_keys=True, ensure_ascii=False, allow_nan=False, default=str)
    if len(text) > MAX_PLAN:
        raise AccountError(f"the plan is larger than {MAX_PLAN:,} characters", field="plan",
                           value=len(text))
    return text


def is_number(text: str) -> bool:
    """1 to 12 ASCII digits (`str.isdigit` also accepts '²' and other digits int() refuses)."""
    return 1 <= len(text) <= 12 and text.isascii() and text.isdigit()


def check_id(value: Any) -> int:
    """A saved plan id from a URL: a positive integer (else a not-found error)."""
    text = str(value)
    if not is_number(text) or int(text) == 0:
        raise NotFoundError("no saved plan with this id", field="plan id", value=text[:40])
    return int(text)


def linked_runs_clause(run_id: Any, viewer: int | None) -> ColumnElement[bool]:
    """A SQL condition on a run id column: true when the run itself may be seen by `viewer`
    (an account id, None for anonymous): it was computed at least once outside a saved plan
    (`open_runs`: the CLI, the builder, the JSON API, a reference plan; a run id is a content
    hash, so whoever computes the same content gets the same run and must see it), or one
    saved plan it was started from is public and not deleted, or the viewer owns one it was
    started from. The whole rule, for runs derived from another, is `visible_runs_clause`."""
    opened = exists().where(OpenRun.run_id == run_id)
    shown = exists().where(
        SavedPlanRun.run_id == run_id, SavedPlan.id == SavedPlanRun.plan_id,
        or_(and_(SavedPlan.visibility == "public", SavedPlan.deleted.is_(False)),
            SavedPlan.owner_id == viewer if viewer is not None else false()))
    return or_(opened, shown)


def visible_runs_clause(run_id: Any, viewer: int | None) -> ColumnElement[bool]:
    """A SQL condition on a run id column: true when `viewer` (an account id, None for
    anonymous) may see the run: the run itself may be seen (`linked_runs_clause`) and, for
    a run derived from others (`run_origins`, migration 0011: a claim checked against a run,
    a rerun of a run's plan, a briefing's sensitivity run or trace again with analyses;
    service.runs.RunStore.derived_from), so may every run it derives from, directly or
    through other derived runs. So a run derived while a saved plan was public (a check, a
    rerun, the tornado of its briefing: they show the plan's title and figures) is hidden
    again with the plan's run when the plan is made private, deleted or purged, in every
    list as on its page. A run made only from private (or deleted) plans is "not found"
    for everyone else, admins included, as the plans themselves are; a run neither opened
    nor linked to a plan (a private plan's run or claim check being linked) is hidden from
    all."""
    origin_hidden = exists().where(
        RunOrigin.run_id == run_id, not_(linked_runs_clause(RunOrigin.origin_id, viewer)))
    return and_(linked_runs_clause(run_id, viewer), not_(origin_hidden))


def run_visible(engine: Engine, run_id: str, viewer: int | None) -> bool:
    """Whether `viewer` may see the run `run_id` (see `visible_runs_clause`)."""
    with engine.connect() as conn:
        return bool(conn.execute(select(visible_runs_clause(literal(run_id), viewer)))
                    .scalar())


def run_is_private(engine: Engine, run_id: str) -> bool:
    """Whether the run is hidden from anonymous readers (started from a saved plan that is
    not public): its responses must not be kept by shared caches."""
    return not run_visible(engine, run_id, None)


class SavedPlans:
    """Saved plans in the ledger's database (tables from migration 0005)."""

    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    # -- reading ----------------------------------------------------------------------------
    @staticmethod
    def _public(row: Any, owner: str) -> dict[str, Any]:
        return {"id": row.id, "owner": owner, "title": row.title,
                "description": row.description, "visibility": row.visibility,
                "plan": json.loads(row.plan), "revision": row.revision,
                "created_at": aware(row.created_at).isoformat(timespec="seconds"),
                "updated_at": aware(row.updated_at).isoformat(timespec="seconds")}

    def _row(self, conn, plan_id: int, viewer: int | None) -> Any:
        """The plan row if `viewer` may see it; not found otherwise (also when deleted)."""
        row = conn.execute(select(*SavedPlan.__table__.c, Account.name.label("owner_name"))
                           .join(Account, Account.id == SavedPlan.owner_id)
                           .where(SavedPlan.id == plan_id)).first()
        if row is None or row.deleted or (
                row.visibility != "public" and row.owner_id != viewer):
            raise NotFoundError("no saved plan with this id (or it is private)",
                                field="plan id", value=plan_id)
        return row

    def get(self, plan_id: int, viewer: int | None) -> dict[str, Any]:
        """A saved plan as a dict (id, owner, title, description, visibility, plan, revision,
        created_at, updated_at, is_owner); `NotFoundError` unless it is public or the viewer's."""
        with self.engine.connect() as conn:
            row = self._row(conn, plan_id, viewer)
        out = self._public(row, row.owner_name)
        out["is_owner"] = row.owner_id == viewer
        return out

    def relation(self, plan_id: int, account: int) -> str:
        """What saved plan `plan_id` is to `account`: 'owner' (theirs, not deleted),
        'deleted' (theirs, deleted or purged) or 'other' (another owner's, public or
        private, or no such plan: the two are not told apart, nothing of the plan is read)."""
        if not 0 < plan_id <= MAX_INTEGER:          # no such id (a 32-bit column)
            return "other"
        with self.engine.connect() as conn:
            row = conn.execute(select(SavedPlan.owner_id, SavedPlan.deleted)
                               .where(SavedPlan.id == plan_id)).first()
        if row is None or row.owner_id != account:
            return "other"
        return "deleted" if row.deleted else "owner"

    def owned_titled(self, owner: int, title: str) -> list[dict[str, Any]]:
        """The owner's saved plans (not deleted) titled `title` (spaces at its ends ignored),
        newest first, as `get` returns them (with the plan mapping)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*SavedPlan.__table__.c, Account.name.label("owner_name"))
                .join(Account, Account.id == SavedPlan.owner_id)
                .where(SavedPlan.owner_id == owner, SavedPlan.deleted.is_(False),
                       SavedPlan.title == title.strip())
                .order_by(SavedPlan.updated_at.desc(), SavedPlan.id.desc())).all()
        return [{**self._public(row, row.owner_name), "is_owner": True} for row in rows]

    def of_run(self, run_id: str, viewer: int | None) -> list[dict[str, Any]]:
        """The saved plans the run `run_id` is recorded on (run from the plan's page, or a
        rerun of such a run) that `viewer` (an account id, None for anonymous) may see: not
        deleted, and public or the viewer's own. Each as `get` returns it, plus
        `run_revision` (the plan's revision the run was recorded at); the viewer's own
        first, then the most recently changed."""
        seen = or_(SavedPlan.visibility == "public",
                   SavedPlan.owner_id == viewer if viewer is not None else false())
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*SavedPlan.__table__.c, Account.name.label("owner_name"),
                       SavedPlanRun.revision.label("run_revision"))
                .join(SavedPlanRun, SavedPlanRun.plan_id == SavedPlan.id)
                .join(Account, Account.id == SavedPlan.owner_id)
                .where(SavedPlanRun.run_id == run_id, SavedPlan.deleted.is_(False), seen)
                .order_by(SavedPlan.updated_at.desc(), SavedPlan.id.desc())).all()
        found = [{**self._public(row, row.owner_name), "is_owner": row.owner_id == viewer,
                  "run_revision": row.run_revision} for row in rows]
        return sorted(found, key=lambda saved: not saved["is_owner"])

    def identical(self, owner: int, title: str, description: str, plan: dict[str, Any],
                  visibility: str) -> dict[str, Any] | None:
        """The owner's saved plan (newest first) that `create` with these `title`,
        `description`, `plan` and `visibility` would only repeat: the same title,
        description, plan mapping as stored (`with_text`) and visibility (a plan saved
        "public" is not the private one of the same content: who asked for a public plan
        gets one); None when there is none."""
        title, description = title.strip(), unix_lines(description).strip()
        if not description and str(plan.get("description") or "").strip():
            description = unix_lines(str(plan["description"])).strip()
        stored = json.loads(plan_json(with_text(plan, title, description)))
        return next((saved for saved in self.owned_titled(owner, title)
                     if saved["description"] == description and saved["plan"] == stored
                     and saved["visibility"] == visibility),
                    None)

    def visible(self, viewer: int | None) -> list[dict[str, Any]]:
        """The viewer's own plans (any visibility), then everyone's public plans; newest
        first, without the plan mapping."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*SavedPlan.__table__.c, Account.name.label("owner_name"))
                .join(Account, Account.id == SavedPlan.owner_id)
                .where(SavedPlan.deleted.is_(False))
                .where((SavedPlan.visibility == "public") | (SavedPlan.owner_id == viewer))
                .order_by(SavedPlan.updated_at.desc(), SavedPlan.id.desc())).all()
        out = []
        for row in rows:
            item = self._public(row, row.owner_name)
            item.pop("plan")
            item["is_owner"] = row.owner_id == viewer
            out.append(item)
        return sorted(out, key=lambda p: not p["is_owner"])

    def revisions(self, plan_id: int, viewer: int | None, *, admin: bool = False
                  ) -> list[dict[str, Any]]:
        """Every revision of a plan the viewer may see, oldest first: number, action, author,
        visibility and time for everyone; what each revision said (title, description, plan)
        only for the owner, or an admin (`admin=True`). A plan made public shows its current
        content; its earlier revisions may hold what was written while it was private (a
        draft, a confidential note), so nobody else reads them."""
        with self.engine.connect() as conn:
            row = self._row(conn, plan_id, viewer)
            rows = conn.execute(
                select(*SavedPlanRevision.__table__.c, Account.name.label("author"))
                .join(Account, Account.id == SavedPlanRevision.author_id)
                .where(SavedPlanRevision.plan_id == plan_id)
                .order_by(SavedPlanRevision.number)).all()
        content = admin or (viewer is not None and row.owner_id == viewer)
        out = []
        for r in rows:
            item: dict[str, Any] = {"revision": r.number, "action": r.action,
                                    "author": r.author, "visibility": r.visibility,
                                    "time": aware(r.created_at).isoformat(timespec="seconds")}
            if content:
                item.update(title=r.title, description=r.description,
                            plan=json.loads(r.plan))
            out.append(item)
        return out

    def runs(self, plan_id: int, viewer: int | None) -> list[dict[str, Any]]:
        """The runs started from a plan the viewer may see: run id, revision, time; newest
        first."""
        with self.engine.connect() as conn:
            self._row(conn, plan_id, viewer)
            rows = conn.execute(select(SavedPlanRun).where(SavedPlanRun.plan_id == plan_id)
                                .order_by(SavedPlanRun.created_at.desc())).all()
        return [{"run_id": r.run_id, "revision": r.revision,
                 "time": aware(r.created_at).isoformat(timespec="seconds")} for r in rows]

    # -- writing ----------------------------------------------------------------------------
    def create(self, *, owner: int, title: str, description: str, visibility: str,
               plan: dict[str, Any]) -> dict[str, Any]:
        """Save a new plan (revision 1); returns it as `get` does."""
        check_fields(title, description, visibility)
        title, description = title.strip(), unix_lines(description).strip()
        text = plan_json(plan)                     # a mapping, not too large
        if not description and str(plan.get("description") or "").strip():
            description = unix_lines(str(plan["description"])).strip()   # the plan's own
            check_fields(None, description, None)
        text = plan_json(with_text(plan, title, description))
        now = self.clock()
        with locking.write_transaction(self.engine) as conn:
            values = {"title": title, "description": description,
                      "visibility": visibility, "plan": text}
            plan_id = conn.execute(insert(SavedPlan).values(
                owner_id=owner, revision=1, deleted=False, created_at=now, updated_at=now,
                **values).returning(SavedPlan.id)).scalar_one()
            conn.execute(insert(SavedPlanRevision).values(
                plan_id=plan_id, number=1, author_id=owner, action="create",
                created_at=now, **values))
        return self.get(plan_id, owner)

    def _owned(self, conn, plan_id: int, actor: int, expected_revision: int | None) -> Any:
        row = self._row(conn, plan_id, actor)
        if row.owner_id != actor:
            raise Forbidden("only the owner may change a saved plan", field="plan id",
                            value=plan_id)
        if expected_revision is not None and expected_revision != row.revision:
            raise ConflictError(f"the plan changed since you read it (revision "
                                f"{expected_revision}; it is now at {row.revision}): "
                                "reload it and apply your change again",
                                field="expected_revision", value=expected_revision)
        return row

    def edit(self, plan_id: int, *, actor: int, expected_revision: int,
             title: str | None = None, description: str | None = None,
             visibility: str | None = None, plan: dict[str, Any] | None = None
             ) -> dict[str, Any]:
        """Change some of title, description, visibility and plan (the owner only, at the
        revision they read). A change that changes nothing writes no revision."""
        check_fields(title, description, visibility)
        text = plan_json(plan) if plan is not None else None
        now = self.clock()
        with locking.write_transaction(self.engine) as conn:
            row = self._owned(conn, plan_id, actor, expected_revision)
            # a description that differs from the stored one only in its line breaks (a
            # browser's textarea sends CR LF) is unchanged: no revision records it
            values = {"title": row.title if title is None else title.strip(),
                      "description": row.description if description is None
                      or same_text(row.description, description.strip())
                      else unix_lines(description).strip(),
                      "visibility": row.visibility if visibility is None else visibility,
                      "plan": row.plan if text is None else text}
            # the plan carries the saved title and description (with_text); a new plan
            # given without a new title names the saved plan by its own title
            given = plan if isinstance(plan, dict) else {}
            if title is None and str(given.get("title") or "").strip():
                values["title"] = str(given["title"]).strip()
            if description is None and "description" in given:
                values["description"] = unix_lines(str(given["description"] or "")).strip()
            check_fields(values["title"], values["description"], None)
            values["plan"] = plan_json(with_text(json.loads(values["plan"]), values["title"],
                                                 values["description"]))
            if all(values[k] == getattr(row, k) for k in values):
                return self.get(plan_id, actor)
            only_visibility = all(values[k] == getattr(row, k) for k in values
                                  if k != "visibility")
            number = row.revision + 1
            done = conn.execute(update(SavedPlan).where(
                SavedPlan.id == plan_id, SavedPlan.revision == row.revision)
                .values(revision=number, updated_at=now, **values)).rowcount
            if done != 1:                       # cannot happen under the write lock
                raise ConflictError("the plan changed while saving; try again",
                                    field="expected_revision", value=expected_revision)
            conn.execute(insert(SavedPlanRevision).values(
                plan_id=plan_id, number=number, author_id=actor,
                action=f"make {values['visibility']}" if only_visibility else "edit",
                created_at=now, **values))
        return self.get(plan_id, actor)

    def delete(self, plan_id: int, *, actor: int, expected_revision: int | None = None
               ) -> None:
        """Delete a plan (the owner only): it disappears from pages and the API; its
        revisions and runs stay in the store (a revision records the delete)."""
        now = self.clock()
        with locking.write_transaction(self.engine) as conn:
            row = self._owned(conn, plan_id, actor, expected_revision)
            number = row.revision + 1
            conn.execute(update(SavedPlan).where(SavedPlan.id == plan_id).values(
                deleted=True, revision=number, updated_at=now))
            conn.execute(insert(SavedPlanRevision).values(
                plan_id=plan_id, number=number, author_id=actor, action="delete",
                title=row.title, description=row.description, visibility=row.visibility,
                plan=row.plan, created_at=now))

    # -- deleted plans: the owner's list, purge, the audit trail ----------------------------
    def deleted(self, owner: int) -> list[dict[str, Any]]:
        """The owner's deleted plans not yet purged (id, title, visibility, revision,
        deleted_at), newest first: what the owner may purge."""
        purged = select(SavedPlanRevision.plan_id).where(SavedPlanRevision.action == "purge")
        with self.engine.connect() as conn:
            rows = conn.execute(select(*SavedPlan.__table__.c).where(
                SavedPlan.owner_id == owner, SavedPlan.deleted.is_(True),
                SavedPlan.id.not_in(purged)).order_by(SavedPlan.updated_at.desc(),
                                                      SavedPlan.id.desc())).all()
        return [{"id": r.id, "title": r.title, "visibility": r.visibility,
                 "revision": r.revision,
                 "deleted_at": aware(r.updated_at).isoformat(timespec="seconds")}
                for r in rows]

    def _tombstone_row(self, conn, plan_id: int, actor: int, admin: bool) -> Any:
        """A plan row the actor may purge or audit: its owner's, or any for an admin; for
        anyone else "not found" (whatever the plan's visibility or state)."""
        row = conn.execute(select(*SavedPlan.__table__.c)
                           .where(SavedPlan.id == plan_id)).first()
        if row is None or (row.owner_id != actor and not admin):
            raise NotFoundError("no saved plan with this id (or it is not yours)",
                                field="plan id", value=plan_id)
        return row

    def purge(self, plan_id: int, *, actor: int, admin: bool = False,
              expected_revision: int | None = None) -> dict[str, Any]:
        """Erase a deleted plan's content for good, keeping its tombstone and audit trail
        (see the module docstring); the owner, or an admin (`admin=True`) for any deleted
        plan. One transaction under the write lock. Errors: `NotFoundError` (no such plan,
        not the actor's, or already purged), `ConflictError` (not deleted: delete it first;
        or a stale `expected_revision`). Returns `trail`."""
        now = self.clock()
        with locking.write_transaction(self.engine) as conn:
            row = self._tombstone_row(conn, plan_id, actor, admin)
            if self._purged(conn, plan_id):
                raise NotFoundError("this saved plan was purged already", field="plan id",
                                    value=plan_id)
            if not row.deleted:
                raise ConflictError("only a deleted plan can be purged: delete it first",
                                    field="plan id", value=plan_id)
            if expected_revision is not None and expected_revision != row.revision:
                raise ConflictError(f"the plan changed since you read it (revision "
                                    f"{expected_revision}; it is now at {row.revision})",
                                    field="expected_revision", value=expected_revision)
            erased = {"title": PURGED_TITLE, "description": "", "plan": "{}"}
            number = row.revision + 1
            conn.execute(update(SavedPlan).where(SavedPlan.id == plan_id).values(
                revision=number, updated_at=now, **erased))
            conn.execute(update(SavedPlanRevision).where(
                SavedPlanRevision.plan_id == plan_id).values(**erased))
            conn.execute(insert(SavedPlanRevision).values(
                plan_id=plan_id, number=number, author_id=actor, action="purge",
                visibility=row.visibility, created_at=now, **erased))
        return self.trail(plan_id, actor=actor, admin=admin)

    @staticmethod
    def _purged(conn, plan_id: int) -> bool:
        return conn.execute(select(SavedPlanRevision.number).where(
            SavedPlanRevision.plan_id == plan_id,
            SavedPlanRevision.action == "purge")).first() is not None

    def trail(self, plan_id: int, *, actor: int, admin: bool = False) -> dict[str, Any]:
        """The audit trail of a plan for its owner or an admin, without its content (so it
        is the same before and after a purge): id, owner, visibility, created_at, deleted,
        purged, revisions (number, action, author, time) and runs (run id, revision, time)."""
        with self.engine.connect() as conn:
            row = self._tombstone_row(conn, plan_id, actor, admin)
            owner = conn.execute(select(Account.name).where(
                Account.id == row.owner_id)).scalar_one()
            revisions = conn.execute(
                select(SavedPlanRevision.number, SavedPlanRevision.action,
                       SavedPlanRevision.created_at, Account.name.label("author"))
                .join(Account, Account.id == SavedPlanRevision.author_id)
                .where(SavedPlanRevision.plan_id == plan_id)
                .order_by(SavedPlanRevision.number)).all()
            runs = conn.execute(select(SavedPlanRun).where(SavedPlanRun.plan_id == plan_id)
                                .order_by(SavedPlanRun.created_at)).all()
        return {"id": row.id, "owner": owner, "visibility": row.visibility,
                "created_at": aware(row.created_at).isoformat(timespec="seconds"),
                "deleted": row.deleted,
                "purged": any(r.action == "purge" for r in revisions),
                "revisions": [{"revision": r.number, "action": r.action, "author": r.author,
                               "time": aware(r.created_at).isoformat(timespec="seconds")}
                              for r in revisions],
                "runs": [{"run_id": r.run_id, "revision": r.revision,
                          "time": aware(r.created_at).isoformat(timespec="seconds")}
                         for r in runs]}

    def add_run(self, plan_id: int, *, actor: int, run_id: str) -> None:
        """Record that the owner ran the plan (at its current revision); idempotent."""
        now = self.clock()
        with locking.write_transaction(self.engine) as conn:
            row = self._owned(conn, plan_id, actor, None)
            if conn.execute(select(SavedPlanRun.run_id).where(
                    SavedPlanRun.plan_id == plan_id, SavedPlanRun.run_id == run_id)).first():
                return
            conn.execute(insert(SavedPlanRun).values(plan_id=plan_id, run_id=run_id,
                                                     revision=row.revision, created_at=now))

    def add_rerun(self, source_run: str, *, actor: int, run_id: str) -> int:
        """Record `run_id` (the same plan run again on newer code or data, or a claim checked
        against it) on every plan of `actor` that `source_run` was started from, deleted ones
        included (the owner still sees a deleted plan's runs), so it stays as private as the
        run it derives from; the number of plans it was recorded on."""
        now = self.clock()
        with locking.write_transaction(self.engine) as conn:
            plans = conn.execute(
                select(SavedPlan.id, SavedPlan.revision)
                .join(SavedPlanRun, SavedPlanRun.plan_id == SavedPlan.id)
                .where(SavedPlanRun.run_id == source_run, SavedPlan.owner_id == actor)
                .distinct()).all()
            for plan in plans:
                if conn.execute(select(SavedPlanRun.run_id).where(
                        SavedPlanRun.plan_id == plan.id,
                        SavedPlanRun.run_id == run_id)).first() is None:
                    conn.execute(insert(SavedPlanRun).values(
                        plan_id=plan.id, run_id=run_id, revision=plan.revision,
                        created_at=now))
        return len(plans)
