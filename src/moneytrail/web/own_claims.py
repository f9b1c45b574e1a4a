"""The claims page's form "Check a figure of your own" and its answer, `/claims/check` (and
`GET /api/v1/claims/check`): thin. The fields are read and the claim is built and checked by
the service (service.own_claims); here the query is read, the run looked up as every run page
does (its visibility, its status), a token of the run rate limit taken (a check traces the
run's plan again, as running a plan does) and the answer shaped for the page and the API.

Who may use it: as for running a plan, anyone (reading is open; a run made without an
account is stored and open to everyone): the check is stored like the debate's claims
checked against a run, except a check of a private saved plan's run, which is kept nowhere.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from moneytrail.errors import MoneytrailError
from moneytrail.web import formerrors

# the form's inputs: (field, input id, label) in the form's order; an error names its field
INPUTS: tuple[tuple[str, str, str], ...] = (
    ("run", "own-run", "Plan or run"),
    ("quantity", "own-quantity", "What to check"),
    ("firms", "own-firms", "Firms"),
    ("groups", "own-groups", "Groups of firms"),
    ("countries", "own-countries", "Countries"),
    ("side", "own-side", "At least or at most"),
    ("number", "own-number", "Number"),
    ("words", "own-words", "The claim in your words"),
)
LISTS = ("firms", "groups", "countries")       # fields that take several values
FIELDS = tuple(name for name, _, _ in INPUTS)


def fields_of(request: Request) -> dict[str, Any]:
    """The form's fields as the query gives them (a list for firms, groups, countries)."""
    query = request.query_params
    return {name: query.getlist(name) if name in LISTS else query.get(name)
            for name in FIELDS}


def asked(request: Request) -> bool:
    """Whether the form was sent (any of its fields in the query), else the empty form."""
    return any(name in request.query_params for name in FIELDS)


def labels(request: Request) -> dict[str, str]:
    """Words for the firm, group and country ids (the builder's: groups by what they hold)."""
    from moneytrail.web.builder import target_names

    names = target_names(request.app.state.workspace.valuechain)
    return {**names["country"], **names["group"], **names["entity"]}


def form_choices(request: Request) -> dict[str, Any]:
    """The menus of the form: the runs (grouped as on the claims page: reference runs first),
    the quantities, firms, groups and countries, each with its words."""
    from moneytrail.service.own_claims import QUANTITY, choices
    from moneytrail.web.builder import target_names
    from moneytrail.web.routes_runs import reference_run_ids
    from moneytrail.web.run_picker import RUN_GROUPS, picker_runs
    from moneytrail.web.saved import viewer

    ws = request.app.state.workspace
    found = choices(ws)
    names = target_names(ws.valuechain)
    runs = picker_runs(request.app.state.web.ledger.engine, viewer(request),
                       reference_run_ids(request.app))
    return {"runs": runs, "run_groups": list(RUN_GROUPS),
            "quantities": [{"key": k, "label": label, "unit": QUANTITY[k].unit,
                            "pick": QUANTITY[k].pick,
                            "explain": dict(found["explained"])[k]}
                           for k, label in found["quantities"]],
            "firms": found["firms"],
            "groups": [(g, names["group"].get(g, g)) for g, _ in found["groups"]],
            "countries": sorted(((c, names["country"].get(c, c)) for c, _ in
                                 found["countries"]), key=lambda c: c[1])}


def check(request: Request, fields: dict[str, Any]) -> dict[str, Any]:
    """The reader's claim checked against the chosen run: every field read first (nothing
    computed or stored for a bad one), then the run looked up (field `run`), then checked.
    The answer: the claim as the claims page shows one (claims_runs.grouped), the run, the
    draws and seed, the note on few draws, the check's stored run id, and `url`, the
    absolute address of the check's page (page_path under `handed_on_origin`:
    MONEYTRAIL_PUBLIC_URL when the site has one, else the address the request reached)."""
    from moneytrail.analysis.claims import draws_note
    from moneytrail.report.evidence import own_inputs_words
    from moneytrail.service.own_claims import OWN_CLAIM_ID, check_own_claim, read_own_claim
    from moneytrail.web.claims_runs import grouped
    from moneytrail.web.routes_runs import handed_on_origin, run_state, take_token
    from moneytrail.web.runs import evidence_view, records
    from moneytrail.web.views import text_param

    ws = request.app.state.workspace
    own = read_own_claim(ws, quantity=fields["quantity"], side=fields["side"],
                         number=fields["number"], words=fields["words"],
                         firms=fields["firms"], groups=fields["groups"],
                         countries=fields["countries"], labels=labels(request))
    run = text_param("run", fields["run"])
    if run is None:
        raise MoneytrailError("choose the plan or run to check the figure against",
                              field="run")
    state = run_state(request, run)
    if state.result is None:
        raise MoneytrailError(f"this run is {state.status}; check a figure once it is done",
                              field="run", value=state.id)
    take_token(request)                 # the check traces the run's plan again
    private = bool(getattr(request.state, "no_store", False))
    store = None if private else request.app.state.jobs.store
    done = check_own_claim(ws, own, state.result, store=store)
    claim = grouped(records(done.checked, "claims"), OWN_CLAIM_ID)
    result = state.result
    evidence = evidence_view(result)
    own_inputs = evidence["own"] if evidence else None     # the plan's own inputs' share
    return {"claim": claim, "typed_by_reader": True, "checked": own.checked(),
            "reader_words": own.words if own.typed_words else "",
            "not_reviewed": "Typed by a reader: not one of the reviewed claims of the debate.",
            "quantity": {"key": own.quantity.key, "label": own.label,
                         "unit": own.quantity.unit, "chosen": own.chosen},
            "bound": {"side": own.side, "number": own.number, "unit": own.quantity.unit},
            "run": {"run_id": result.run_id, "title": result.title, "draws": done.draws,
                    "seed": done.seed, "data_version": result.provenance.data_version,
                    "own_inputs": own_inputs, "own_inputs_text": own_inputs_words(own_inputs)},
            "note": draws_note(done.draws), "verdict_withheld": bool(done.withheld),
            "withheld_reason": done.withheld,
            "check_run_id": done.checked.run_id if done.kept else None,
            "url": handed_on_origin(request) + page_path(fields, result.run_id)}


def page_path(fields: dict[str, Any], run: str) -> str:
    """The address of the page of the reader's check of `fields` against `run` (its full
    id), from the site's root: the form's fields as sent, in the form's order."""
    from urllib.parse import urlencode

    sent = {**fields, "run": run}
    return "/claims/check?" + urlencode(
        [(name, value) for name in FIELDS for value in
         (sent[name] if name in LISTS else [sent[name]]) if value is not None])


def error_context(exc: MoneytrailError) -> dict[str, Any]:
    """The form's one error (formerrors): at the input of the field it names, with the
    value typed (escaped where shown), else on the whole form."""
    inputs = {name: (anchor, label) for name, anchor, label in INPUTS}
    field = "run" if exc.field == "run id" else exc.field or ""
    anchor, label = inputs.get(field, ("", ""))
    value = None if exc.value is None else str(exc.value)
    if value is not None and len(value) > 80:
        value = value[:79] + "\u2026"
    return formerrors.context([formerrors.entry(anchor, label, exc.detail,
                                                repr(value) if value is not None else None)])
