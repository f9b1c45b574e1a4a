"""The errors a user can meet: one hierarchy, so every front end reports one clear line.

Every user-facing error is a `MoneytrailError` carrying the file, the field and the offending
value. Each class says how the command line exits (`exit_code`) and which status the HTTP API
answers (`http_status`):

=========  ==========  ======================================================================
exit code  HTTP        meaning
=========  ==========  ======================================================================
0          200         success
2          422         usage or bad input: a malformed scenario, table, data package, option
                       or value out of its documented range (`MoneytrailError` and most
                       subclasses: `ScenarioError`, `DataPackageError`, `ModelError`,
                       `LimitError`)
2          413 / 415   a request body that is too large, or not JSON (`BodyTooLarge`, a
                       `LimitError`; `MediaTypeError`)
3          503         environment: a file that cannot be read, a database that is locked or
                       read-only, a cluster that cannot be reached (`ResourceError`)
4          404         not found: no record with that key (`NotFoundError`)
5          409         conflict: a write based on a stale revision (`ConflictError`)
=========  ==========  ======================================================================

`MoneytrailError` stays a `ValueError` so code written against earlier versions keeps working.
"""

from __future__ import annotations

import copy
import datetime as dt

SHOWN_INT_BITS = 128     # about 39 decimal digits: longer whole numbers are shortened


def shown(value: object, quote: bool = True) -> str:
    """A value as an error shows it (`repr`, or `str` without `quote`), never failing: a
    whole number of hundreds of digits is shown by its first digits and its length, or by its
    size alone past what Python writes (4,300 digits; `text.shown_count`), also inside a list
    or mapping, and a value that cannot be written (e.g. a list holding a number past what
    Python writes) by its type. A date or a date and time (what YAML makes of an unquoted
    `2025-01-21 10:00:00`) is shown as its ISO text, as it was typed, not as a Python repr."""
    if isinstance(value, dt.date):
        text = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
        return repr(text) if quote else text
    if isinstance(value, int) and not isinstance(value, bool) \
            and value.bit_length() > SHOWN_INT_BITS:
        from moneytrail.text import shown_count

        return shown_count(value)
    try:
        text = repr(value) if quote else str(value)
    except ValueError:
        return f"a {type(value).__name__} too large to show"
    if isinstance(value, str):
        return text
    from moneytrail.text import LONG_DIGITS, short_number  # a list holding a long number

    return LONG_DIGITS.sub(lambda found: short_number(found.group()), text)


class MoneytrailError(ValueError):
    """Bad input: names the file, the field and the offending value."""

    exit_code: int = 2
    http_status: int = 422

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None,
                 value: object = None) -> None:
        self.file = None if file is None else str(file)
        self.field = field
        self.value = value
        self.detail = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.field:
            where.append(f"field '{self.field}'")
        if self.value is not None:
            where.append(f"value {shown(self.value)}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.detail}" if prefix else self.detail

    def under(self, prefix: str) -> MoneytrailError:
        """The same error (same class, message and value) with its field named by its full
        path inside a request body: `prefix.field` (an error on a saved plan's `title` sent
        under `plan` names `plan.title`, not the saved plan's own `title`), or `prefix` alone
        when it names no field."""
        return self.renamed(f"{prefix}.{self.field}" if self.field else prefix)

    def renamed(self, field: str) -> MoneytrailError:
        """The same error (same class, message and value) naming `field` instead."""
        moved = copy.copy(self)
        moved.field = field
        moved.args = (moved._format(),)
        return moved

    def to_dict(self) -> dict[str, object]:
        """The error as the HTTP API reports it (JSON-safe: the value is shown as text)."""
        return {"error": type(self).__name__, "message": str(self), "file": self.file,
                "field": self.field,
                "value": None if self.value is None else shown(self.value, quote=False),
                "exit_code": self.exit_code, "http_status": self.http_status}


class DataPackageError(MoneytrailError):
    """The data package breaks a rule (schema, foreign key, range, sum)."""


class ScenarioError(MoneytrailError):
    """A scenario file is malformed or inconsistent with the data."""


class ModelError(MoneytrailError):
    """The model cannot be built or solved (e.g. not productive, unknown year), or its input
    (a final-demand vector, an input-output table) is malformed."""


class LimitError(MoneytrailError):
    """An input is larger than a documented limit (file size, YAML nodes, draws); the message
    says the limit and how to raise it. Checked before any work starts."""


class BodyTooLarge(LimitError):
    """A request body larger than the endpoint takes: HTTP 413 (Payload Too Large), refused
    before it is parsed."""

    http_status = 413


class MediaTypeError(MoneytrailError):
    """A request body that is not of the media type the endpoint takes (JSON)."""

    http_status = 415


class UnknownNameError(MoneytrailError, KeyError):
    """A name (a result's table, a table's column) that is not one of the names there; the
    message lists them. Also a `KeyError`, so code written when a lookup raised KeyError
    keeps working."""

    def __str__(self) -> str:         # the message as it is (KeyError would quote it)
        return str(self.args[0]) if self.args else ""


class ResourceError(MoneytrailError):
    """The environment, not the input, is at fault: a file that cannot be read, a database
    that is locked or read-only, a cluster that cannot be reached."""

    exit_code = 3
    http_status = 503


EnvironmentProblem = ResourceError   # the name used in issue 9


def missing_extra(exc: ImportError, extra: str, field: str, value: object) -> ResourceError:
    """The error for an optional feature whose package is not installed (`exc`, from its
    import): one line naming the option and how to install the extra of pyproject.toml that
    brings it (`make demo` installs none of them; `make test` installs all)."""
    what = (exc.name or "a package").split(".")[0]
    return ResourceError(f"{what} is not installed: this needs the {extra} extra: "
                         f".venv/bin/pip install -e '.[{extra}]' (from the moneytrail folder; "
                         f"pip install 'moneytrail[{extra}]' for an installed package)",
                         field=field, value=value)


class NotFoundError(MoneytrailError):
    """No record with that key (deal, claim, source, revision, run)."""

    exit_code = 4
    http_status = 404


class ConflictError(MoneytrailError):
    """A write was based on a stale revision: someone changed the record in between."""

    exit_code = 5
    http_status = 409
