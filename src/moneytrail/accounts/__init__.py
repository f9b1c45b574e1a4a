"""Accounts of the web app and the JSON API: who may write to the ledger (issue 12).

Roles: `reader` (the same rights as anyone anonymous: read), `editor` (add and edit ledger
records, save plans), `admin` (also manage accounts and revert changes). The tables live in the
ledger's database (migration 0004; saved plans and password resets: 0005); see `store.Accounts`
and `plans.SavedPlans`.
"""

from __future__ import annotations

from moneytrail.accounts.store import (
    ROLES,
    SCOPES,
    AccountError,
    Accounts,
    AuthError,
    Throttled,
    Who,
    check_password,
)

__all__ = ["ROLES", "SCOPES", "AccountError", "Accounts", "AuthError", "Throttled", "Who",
           "check_password"]
