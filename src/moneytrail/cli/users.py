"""`moneytrail users ...`: the accounts that may write through the web app and the JSON API.

There are no default accounts: the first admin is made with `moneytrail users add NAME --admin`
(or `MONEYTRAIL_ADMIN_PASSWORD` at the first `moneytrail serve`).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from moneytrail.cli.common import DbOpt, console, err

users_app = typer.Typer(no_args_is_help=True, help="Accounts: who may edit the ledger on the "
                        "web and through the API (admins create them; no open sign-up).")


def open_accounts(db: str | None):
    """The ledger store at `db` and its accounts."""
    import moneytrail.ledger
    from moneytrail.accounts import Accounts

    ledger = moneytrail.ledger.open(db)
    return ledger, Accounts(ledger.engine)


def read_password(from_stdin: bool) -> str:
    """The password from stdin (one line, kept exactly except its line break: LF, or CR LF
    as Windows tools write it) or a prompt."""
    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r") if line.endswith("\n") else line
    return typer.prompt("Password (12 characters or more)", hide_input=True,
                        confirmation_prompt=True)


@users_app.command("add")
def add(name: Annotated[str, typer.Argument(help="account name (lower case)")],
        admin: Annotated[bool, typer.Option("--admin", help="may manage accounts and revert")]
        = False,
        editor: Annotated[bool, typer.Option("--editor", help="may add and edit ledger "
                                             "records (the default)")] = False,
        reader: Annotated[bool, typer.Option("--reader", help="may only read")] = False,
        password_stdin: Annotated[bool, typer.Option(
            "--password-stdin", help="read the password from the first line of stdin")] = False,
        db: DbOpt = None) -> None:
    """Create an account (editor unless --admin or --reader)."""
    if admin + editor + reader > 1:
        raise typer.BadParameter("choose one of --admin, --editor, --reader")
    role = "admin" if admin else "reader" if reader else "editor"
    from moneytrail.accounts.store import check_name, check_password

    check_name(name)                        # before the password is typed (twice) for nothing
    ledger, accounts = open_accounts(db)
    with ledger:
        accounts.check_new_name(name)       # a taken name too; `add` checks again (a race)
        password = read_password(password_stdin)
        check_password(password, name)
        accounts.add(name, password, role=role)
    console.print(f"created {role} account '{name}'", highlight=False)


@users_app.command("disable")
def disable(name: str, db: DbOpt = None) -> None:
    """Disable an account: it cannot log in, its sessions end and its API keys are revoked."""
    ledger, accounts = open_accounts(db)
    with ledger:
        accounts.disable(name)
    console.print(f"disabled '{name}': sessions ended, API keys revoked", highlight=False)


@users_app.command("list")
def list_(fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
          db: DbOpt = None) -> None:
    """The accounts: name, role, disabled, created, live sessions, active API keys."""
    ledger, accounts = open_accounts(db)
    with ledger:
        rows = accounts.list()
    if fmt == "json":
        print(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    from moneytrail.report.units import stored_time

    table = Table("name", "role", "disabled", "created", "sessions", "API keys")
    for row in rows:
        table.add_row(row["name"], row["role"], "yes" if row["disabled"] else "",
                      stored_time(row["created_at"]), str(row["sessions"]),
                      str(row["api_keys"]))
    console.print(table)


@users_app.command("key")
def key(name: str,
        scope: Annotated[str, typer.Option("--scope", help="read or write")] = "read",
        db: DbOpt = None) -> None:
    """Create an API key for the account and print it once (only its hash is kept)."""
    ledger, accounts = open_accounts(db)
    with ledger:
        new = accounts.new_key(name, scope)
    print(new)
    err.print(f"API key for '{name}' (scope {scope}): shown once; send it as "
              "'Authorization: Bearer KEY'.", highlight=False)


@users_app.command("revoke-key")
def revoke_key(key_or_prefix: str, db: DbOpt = None) -> None:
    """Revoke an API key (give the key or its prefix, the part after `mt_`)."""
    ledger, accounts = open_accounts(db)
    with ledger:
        accounts.revoke_key(key_or_prefix)
    console.print("revoked", highlight=False)


LOCAL_URL = "http://127.0.0.1:8000"     # `moneytrail serve`'s own address by default


@users_app.command("reset-password")
def reset_password(
        name: str,
        base_url: Annotated[str | None, typer.Option(
            "--base-url", help="the web app's address, as users reach it (default: "
            "$MONEYTRAIL_PUBLIC_URL, else http://127.0.0.1:8000)")] = None,
        hours: Annotated[float, typer.Option(
            "--hours", help="how long the link works (at most 168)", min=0.02, max=168)] = 24,
        db: DbOpt = None) -> None:
    """Print a one-time password reset link for the account (no email is sent: hand it over
    yourself). Only its hash is stored; it works once, until it expires; earlier links die.
    Using it ends the account's sessions and revokes its API keys (make new ones with
    `moneytrail users key NAME --scope read` (or `--scope write`))."""
    import datetime as dt
    from urllib.parse import urlsplit

    from moneytrail.web.public import public_url

    if base_url is None:                # the site's public address, as `serve` reads it
        base_url = public_url() or LOCAL_URL
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise typer.BadParameter(f"--base-url must be an http(s) address, not {base_url!r}")
    ledger, accounts = open_accounts(db)
    with ledger:
        token = accounts.issue_reset(name, dt.timedelta(hours=hours))
    print(f"{base_url.rstrip('/')}/reset-password?token={token}")
    err.print(f"one-time reset link for '{name}', valid {hours:g} h: shown once. When it "
              f"is used, every session of '{name}' ends and all of its API keys are "
              f"revoked; make new ones with: moneytrail users key {name} --scope read "
              "(or --scope write)",
              highlight=False)
