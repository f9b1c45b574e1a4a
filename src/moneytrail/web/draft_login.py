"""The builder's draft carried through a login (tester h219): "Save this plan" pressed after
the session ended (or by a visitor never logged in) is refused with 401 (web.app
`session_ended`); that page holds a login form whose hidden `draft` field carries the
builder's state, so after the login the editor is back on the builder with everything
filled in, not on an empty form.

The draft travels in the login form's POST body, not in the login page's address (a GET
`/login?next=/build?plan=...` would put the whole plan in the server's access log twice);
after the login the builder opens at its usual address (`/build?plan=...&check=1`, as its
"Check" button leads to). `builder_target` rebuilds that address from the builder's own keys
only, each value re-encoded, so the field cannot send anyone off the site.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

if TYPE_CHECKING:
    from fastapi import Request

    from moneytrail.accounts.store import Who

from moneytrail.errors import MoneytrailError

# the /build parameters a draft is made of (web.routes_runs.build_page), in address order
DRAFT_KEYS = ("plan", "typed", "shown", "dup", "rules", "vis", "saved", "rev")
VISIBILITIES = ("private", "public")     # the Save fieldset's choices (vis=; private default)
MAX_DRAFT_FIELD = 250_000       # characters of the login form's draft field


def builder_draft(form: Mapping[str, str], valuechain: Any) -> str:
    """The builder's state of its posted `form` (the fields of "Save this plan") as the
    query string of a /build address (`plan=...&typed=...&saved=3&rev=2`), read as the
    builder reads a post (builder.read_form); '' when the form is no builder form (it has
    no spending rows) or cannot be read."""
    from moneytrail.accounts.plans import is_number
    from moneytrail.web import builder
    from moneytrail.web.runs import decode_draft, encode_draft

    if not any(key.startswith("spend-") for key in form):
        return ""
    try:
        extra = decode_draft(form["extra"], "extra") if form.get("extra") else {}
        draft, typed, texts = builder.read_form(form, extra, builder.target_names(valuechain))
        duplicates = builder.duplicate_rows(form)
    except (MoneytrailError, ValueError, TypeError):
        return ""
    pairs = [("plan", encode_draft(draft))]
    pairs += [(key, encode_draft(value)) for key, value in
              (("typed", typed), ("shown", texts), ("dup", {"rows": duplicates}))
              if (value["rows"] if key == "dup" else value)]
    rules = builder.rules_inputs(form)
    if rules["cap"] or rules["weight"] or rules["categories"]:
        pairs.append(("rules", encode_draft(rules)))      # as typed, not applied yet
    pairs += [("vis", vis) for vis in [visibility_of(form)] if vis]
    pairs += [(key, form[field]) for key, field in (("saved", "saved_id"),
                                                     ("rev", "saved_revision"))
              if is_number(form.get(field, ""))]
    return urlencode(pairs)


def visibility_of(form: Mapping[str, str]) -> str:
    """The visibility a builder form chose for a new plan ('public'), as its address's
    `vis` value; '' for the default (private), a form revising a saved plan (which has no
    choice: the plan keeps its own) or an unknown value."""
    vis = form.get("visibility", "")
    return vis if vis == "public" and not form.get("saved_id") else ""


def builder_target(draft: str) -> str | None:
    """The builder's address for a login form's `draft` field (`builder_draft`): /build
    with the draft's own keys only, each once, re-encoded, and `check=1` (the form shows
    any problem next to its field); None for an empty or unusable field (the login then
    goes to its `next`)."""
    from moneytrail.accounts.plans import is_number

    if not draft or len(draft) > MAX_DRAFT_FIELD:
        return None
    pairs = parse_qsl(draft, keep_blank_values=False)
    keys = [key for key, _ in pairs]
    if "plan" not in keys or len(keys) != len(set(keys)) or not set(keys) <= set(DRAFT_KEYS):
        return None
    values = dict(pairs)
    if any(key in values and not is_number(values[key]) for key in ("saved", "rev")):
        return None
    if values.get("vis", "private") not in VISIBILITIES:
        return None
    ordered = [(key, values[key]) for key in DRAFT_KEYS if key in values]
    return "/build?" + urlencode([*ordered, ("check", "1")])


def for_account(request: Request, target: str, who: Who) -> str:
    """`builder_target`'s address for the account that just logged in: unchanged unless it
    revises a saved plan (`saved=`) that `who` does not own (another account logged in than
    the one that was editing it). Then the draft opens as a new plan of `who`'s: `saved`
    and `rev` dropped, `other=<id>` added so the builder says why (routes_runs.build_form);
    the other plan is not looked up beyond "is it yours", so nothing of it is shown."""
    from moneytrail.web.saved import relation

    parts = urlsplit(target)
    pairs = parse_qsl(parts.query, keep_blank_values=False)
    saved = dict(pairs).get("saved", "")
    if parts.path != "/build" or not saved or relation(request, saved, who) == "owner":
        return target
    kept = [(key, value) for key, value in pairs if key not in ("saved", "rev", "check")]
    return "/build?" + urlencode([*kept, ("other", saved), ("check", "1")])
