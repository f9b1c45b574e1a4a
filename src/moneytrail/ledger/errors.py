"""Ledger errors: all are MoneytrailError, so the CLI prints one line and exits with code 2."""

from __future__ import annotations

from moneytrail.errors import MoneytrailError


class LedgerError(MoneytrailError):
    """Bad ledger input (a row breaks a rule) or a request the store cannot satisfy."""


class ConversionError(LedgerError):
    """An amount cannot be converted: unknown currency, or no FX/deflator value for a year."""


class ConflictError(LedgerError):
    """A write was based on a stale revision: someone changed the record in between."""


class NotFoundError(LedgerError):
    """No record with that key (deal, claim, source, revision)."""
