"""SQLAlchemy models of the account tables (schema: migration 0004_accounts; saved plans and
password resets: 0005; account events: 0012).

They share the ledger's `Base`, so `alembic` sees one schema and the models-match-migrations
test covers them too.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from moneytrail.ledger.models import Base, UTCDateTime


class Account(Base):
    """Someone who may log in; `role` is reader, editor or admin."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(8))
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Session(Base):
    """A browser session; `id_hash` is the SHA-256 of the cookie's random id."""

    __tablename__ = "sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ApiKey(Base):
    """A key for scripts: found by `prefix`, checked against `key_hash` (SHA-256)."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(8))
    revoked: Mapped[bool] = mapped_column(Boolean, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LoginThrottle(Base):
    """Failed logins for one key (each attempt is counted before its password is checked,
    and a right one takes its count back: accounts.store.Accounts._attempt):
    `pair:NAME@CLIENT` (one account name from one client) or `client:CLIENT` (all names from
    one client); CLIENT is the address, an IPv6 one by its /64 (accounts.store.client_key).
    Rows `account:NAME` written by earlier versions (an account-wide counter, a lock-out risk)
    are no longer read."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, server_default="0")
    last_failure: Mapped[dt.datetime] = mapped_column(UTCDateTime())


# -- migration 0005: saved plans and password resets -----------------------------------------
class SavedPlan(Base):
    """A plan an editor saved from the builder: its current state (`revision` is the number of
    its latest row in `saved_plan_revisions`; nothing is overwritten without a revision)."""

    __tablename__ = "saved_plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    visibility: Mapped[str] = mapped_column(String(8))          # private | public
    plan: Mapped[str] = mapped_column(Text)                     # the plan mapping as JSON
    revision: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SavedPlanRevision(Base):
    """Every state a saved plan had: created, edited, made public or private, deleted."""

    __tablename__ = "saved_plan_revisions"
    plan_id: Mapped[int] = mapped_column(ForeignKey("saved_plans.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    action: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    visibility: Mapped[str] = mapped_column(String(8))
    plan: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SavedPlanRun(Base):
    """A run started from a saved plan (at one of its revisions)."""

    __tablename__ = "saved_plan_runs"
    plan_id: Mapped[int] = mapped_column(ForeignKey("saved_plans.id"), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PasswordReset(Base):
    """A one-time password reset issued by an admin; `token_hash` is the SHA-256 of the token."""

    __tablename__ = "password_resets"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


# -- migration 0012: the history of account changes -------------------------------------------
class AccountEvent(Base):
    """One change of an account, written in the transaction that makes it (accounts.store):
    `kind` one of accounts.store.EVENT_KINDS, `details` what changed in words ("editor ->
    admin", an API key's prefix; never a secret, token or hash), `actor` who did it (the
    admin's account name on the web and the API, `USER (command line)` from the CLI).
    `account` is the name (accounts are never renamed or deleted); rows are never changed."""

    __tablename__ = "account_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    details: Mapped[str] = mapped_column(Text, server_default="")
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
