"""Errors on a form, shown the plan builder's way on every form (WCAG 3.3.1, 3.3.2, 4.1.2).

An error is a dict: `anchor` (the id of the input it belongs to, "" for one on the whole
form), `message` (in words, shown under the input), `line` (the summary's line: the field's
label before the message), `value` (the text as typed, quoted, or None) and, for an input
that shares another input's message, `message_id` (the id of that message). The templates'
macros in form_macros.html draw them: a summary (`error_summary`, role alert, each line a
link to its input) and each input with aria-invalid and aria-describedby pointing at its
own message; the first input in error gets the focus (`first_bad`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def entry(anchor: str, label: str, message: str, value: str | None = None
          ) -> dict[str, Any]:
    """One error on the input `anchor`, labelled `label` on the form ('' for none)."""
    text = message[:1].upper() + message[1:]
    line = f"{label}: {message}" if label else text
    return {"field": anchor or None, "anchor": anchor, "message": text, "line": line,
            "value": value or None}


def context(errors: list[dict[str, Any]], shared: Iterable[tuple[str, str]] = ()
            ) -> dict[str, Any]:
    """What a form's template needs to show `errors`: the list (the summary), each input's
    error by its id (`by_anchor`, the first per input) and the input to focus (`first_bad`).
    `shared`: (input, other input) pairs where `input` is marked in error with the message
    of `other` (login marks name and password with one message, not saying which is
    wrong; a claim's low/central/high order error marks all three)."""
    by_anchor: dict[str, dict[str, Any]] = {}
    for error in errors:
        if error["anchor"]:
            by_anchor.setdefault(error["anchor"], error)
    for anchor, other in shared:
        if other in by_anchor and anchor not in by_anchor:
            by_anchor[anchor] = {**by_anchor[other], "message_id": f"{other}-error"}
    first = next((e["anchor"] for e in errors if e["anchor"]), "")
    return {"errors": errors, "by_anchor": by_anchor, "first_bad": first}


def first_error(exc: Any, inputs: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The error of a form whose check stops at the first problem (a saved plan): `exc` (a
    MoneytrailError) at the input its field stands for, `inputs` mapping a field name to
    (input id, label); an error of another field is on the whole form. The value is never
    quoted (it may be a password; the input shows what was typed)."""
    anchor, label = inputs.get(exc.field or "", ("", ""))
    return entry(anchor, label, exc.detail)


def every_error(exc: Any, inputs: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """The errors of a form whose check reports every problem at once (the password forms:
    `exc.problems`, all the problems of the submission, or `exc` alone), each as first_error
    makes it, in the order found."""
    return [first_error(problem, inputs) for problem in getattr(exc, "problems", ()) or (exc,)]


# What a page says after a write that redirected to it: `?done=<key>` on the address picks
# one of these fixed messages (base.html shows it, role status, followed by the page's own
# `done_subject` block: a stored title, escaped). Any other value shows nothing, so no text
# can be put on a page through its address.
DONE_MESSAGES = {"saved": "Saved",
                 "identical": "Nothing new was saved: the plan you saved is identical (same "
                              "title, description, plan and visibility) to this saved plan "
                              "of yours, so it was not saved twice. To keep a copy, change "
                              "its title first"}


def done(url: str, key: str) -> str:
    """`url` with the flag that shows the `key` message of DONE_MESSAGES on its page."""
    if key not in DONE_MESSAGES:
        raise ValueError(f"no such message: {key}")
    return f"{url}{'&' if '?' in url else '?'}done={key}"

