"""Ledger errors, part of the one hierarchy in `moneytrail.errors` (see its exit codes).

`NotFoundError` exits 4 (HTTP 404), `ConflictError` 5 (409; `AlreadyUndone` too),
`StoreUnavailable` 3 (503: the store is read-only, locked or cannot be opened); the other
ledger errors are bad input (2, 422).
"""

from __future__ import annotations

from moneytrail import errors
from moneytrail.errors import MoneytrailError


class LedgerError(MoneytrailError):
    """Bad ledger input (a row breaks a rule) or a request the store cannot satisfy.

    `problems`: every problem the ledger's rules found (`validate.raise_first`: the message
    names the first and a few more), so a form can show each at its field; () otherwise."""

    problems: tuple = ()


class ConversionError(LedgerError):
    """An amount cannot be converted: unknown currency, or no FX/deflator value for a year."""


class ConflictError(LedgerError, errors.ConflictError):
    """A write was based on a stale revision: someone changed the record in between."""


class LaterChanges(ConflictError):
    """A revert refused because later revisions changed the same record (it would undo
    them too). The message says to revert those first; the command line adds its --force."""


class AlreadyUndone(ConflictError):
    """A revert refused because the record is already as it was before that revision (the
    revision was reverted already, or edited back): a conflict with the store's state
    (exit 5, HTTP 409), as when a page was shown before someone else reverted it."""


class NotFoundError(LedgerError, errors.NotFoundError):
    """No record with that key (deal, claim, source, revision)."""


class NotYetError(NotFoundError):
    """A record asked for at a past revision (Ledger.at) that a later revision added: its
    `kind`, `key` and the revision that `added` it, so a page can link to it as it is now."""

    def __init__(self, kind: str, key: str, revision: int, added: int) -> None:
        super().__init__(f"{kind} {key} did not exist yet at revision {revision}; it was "
                         f"added at revision {added}", field=kind, value=key)
        self.kind, self.key, self.added = kind, key, added


class StoreUnavailable(LedgerError, errors.ResourceError):
    """The store cannot be written or read: a read-only file, a lock held too long, a server
    that does not answer."""
