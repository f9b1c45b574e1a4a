"""`moneytrail users ...`: the accounts that may write through the web app and the JSON API.

There are no default accounts: the first admin is made with `moneytrail users add NAME --admin`
(or `MONEYTRAIL_ADMIN_PASSWORD` at the first `moneytrail serve`). Every command that writes
ends with a line naming the store it wrote to (`store_line`): without --db or
MONEYTRAIL_DATABASE_URL that is the personal SQLite file, not a team's database.
Accounts are never renamed or deleted (a name is the author of its revisions): disable one.
Every change is kept in the accounts' history (`users history`) under `USER (command line)`
(`by`).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from moneytrail.cli.common import DbOpt, console, err

users_app = typer.Typer(no_args_is_help=True, help="Accounts: who may edit the ledger on the "
                        "web and through the API (admins create them; no open sign-up). "
                        "Accounts are not renamed or deleted (a name stays the author of "
                        "its revisions): disable one instead.")


def open_accounts(db: str | None, *, new: bool = False):
    """The ledger store at `db` and its accounts. Only `new` (users add) may create the
    store: the other commands refuse a SQLite file that does not exist (a typo would be an
    empty store: location.existing_url)."""
    import moneytrail.ledger
    from moneytrail.accounts import Accounts
    from moneytrail.ledger.location import existing_url

    ledger = moneytrail.ledger.open(db if new else existing_url(db))
    return ledger, Accounts(ledger.engine)


def by() -> str:
    """Who a change made here is recorded under in the accounts' history: `alice (command
    line)`, as the ledger's revisions name a CLI author (accounts.store.local_actor)."""
    from moneytrail.accounts.store import local_actor

    return local_actor("command line")


def store_line(ledger, db: str | None) -> str:
    """The line a writing command ends with: the store it wrote to (the SQLite file, or the
    URL with its password as ***: ledger.connection.store_name) and, when neither --db nor
    MONEYTRAIL_DATABASE_URL chose it, that it is the default personal store."""
    import os

    from moneytrail.ledger.connection import store_name
    from moneytrail.ledger.location import ENV_URL

    name = store_name(ledger.engine)
    where = f"the SQLite file {name}" if ledger.engine.url.get_backend_name() == "sqlite" \
        else f"the database {name}"
    if db is None and not os.environ.get(ENV_URL):
        where += (" (the default store: give --db URL or set MONEYTRAIL_DATABASE_URL to "
                  "manage a team's accounts)")
    return f"store: {where}"


def trimmed(value: str) -> str:
    """An account NAME (or API key) as the commands that look one up take it: without
    surrounding spaces, as `users add` keeps a new name (accounts.store.check_name trims
    it), so `users disable '  ann '` finds the account `users add '  ann '` made. A name
    still not found is one line naming it (NotFoundError, exit 4)."""
    return value.strip()


NameArg = Annotated[str, typer.Argument(help="account name (surrounding spaces are dropped, "
                                        "as users add drops them)", callback=trimmed)]
KeyArg = Annotated[str, typer.Argument(help="the API key or its prefix (surrounding spaces "
                                       "are dropped)", callback=trimmed)]


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
    from moneytrail.errors import ConflictError

    name = check_name(name)                 # before the password is typed (twice) for nothing
    ledger, accounts = open_accounts(db, new=True)
    with ledger:
        try:
            accounts.check_new_name(name)   # a taken name too; `add` checks again (a race)
            password = read_password(password_stdin)
            check_password(password, name)
            accounts.add(name, password, role=role, by=by())
        except ConflictError as exc:
            raise ConflictError(f"{exc.detail}; to change its role: moneytrail users role "
                                f"{name} {role}", field=exc.field, value=exc.value) from None
        where = store_line(ledger, db)
    console.print(f"created {role} account '{name}'", highlight=False)
    console.print(where, highlight=False, markup=False, soft_wrap=True)


# the commands' docstrings are one paragraph each: Typer reflows a docstring's first
# paragraph only and keeps the line breaks of later ones (broken lines at 80 columns)
@users_app.command("disable")
def disable(name: NameArg, db: DbOpt = None) -> None:
    """Disable an account: it cannot log in, its sessions end, its API keys are revoked and
    its unused reset links die for good. `moneytrail users enable NAME` lets it log in again.
    Accounts are never deleted (nor renamed): a name stays the author of its revisions."""
    ledger, accounts = open_accounts(db)
    with ledger:
        changed = accounts.disable(name, by=by())
        where = store_line(ledger, db)
    if changed:
        console.print(f"disabled '{name}': sessions ended, API keys revoked, reset links void",
                      highlight=False)
    else:
        console.print(f"'{name}' is already disabled: nothing changed", highlight=False)
    console.print(where, highlight=False, markup=False, soft_wrap=True)


@users_app.command("enable")
def enable(name: NameArg, db: DbOpt = None) -> None:
    """Let a disabled account log in again.

    Its API keys stay revoked: make new ones with `moneytrail users key NAME`."""
    ledger, accounts = open_accounts(db)
    with ledger:
        changed = accounts.enable(name, by=by())
        where = store_line(ledger, db)
    if changed:
        console.print(f"enabled '{name}': it may log in again; its old API keys stay revoked "
                      f"(new ones: moneytrail users key {name})", highlight=False)
    else:
        console.print(f"'{name}' is not disabled: nothing changed", highlight=False)
    console.print(where, highlight=False, markup=False, soft_wrap=True)


@users_app.command("role")
def set_role(name: NameArg,
             new_role: Annotated[str, typer.Argument(metavar="ROLE",
                                                     help="reader, editor or admin")],
             db: DbOpt = None) -> None:
    """Change an account's role: reader, editor or admin. It holds from the account's next
    request on: its open sessions and API keys keep working with the new role's rights (a
    demoted editor can no longer save; a write key of an account made a reader may only
    read). Its unused reset links die: issue a new one after the change."""
    ledger, accounts = open_accounts(db)
    with ledger:
        before = accounts.set_role(name, new_role, by=by())
        where = store_line(ledger, db)
    if before == new_role:
        console.print(f"'{name}' is already {article(new_role)}: nothing changed",
                      highlight=False)
    else:
        console.print(f"'{name}' is now {article(new_role)} (was {article(before)}); its open "
                      f"sessions and API keys have {article(new_role)}'s rights from their "
                      "next request", highlight=False)
    console.print(where, highlight=False, markup=False, soft_wrap=True)


def article(role_name: str) -> str:
    """'a reader', 'an editor', 'an admin'."""
    return f"{'an' if role_name[:1] in 'aeiou' else 'a'} {role_name}"


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
    from moneytrail.report.plain import DataTable
    from moneytrail.report.units import stored_time

    table = DataTable("name", "role", "disabled", "created", "sessions", "API keys")
    for row in rows:
        table.add_row(row["name"], row["role"], "yes" if row["disabled"] else "",
                      stored_time(row["created_at"]), str(row["sessions"]),
                      str(row["api_keys"]))
    console.print(table)


@users_app.command("history")
def history(name: Annotated[str | None, typer.Argument(help="one account (default: all)")]
            = None,
            fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")]
            = "table",
            db: DbOpt = None) -> None:
    """Who changed which account when, newest first: created, role_changed, disabled,
    enabled, key_created, key_revoked, reset_issued, password_reset, password_changed. Kept
    since the store's schema 0012 (changes made before are not known)."""
    if fmt not in ("table", "json"):
        raise typer.BadParameter(f"--format must be table or json, not {fmt!r}")
    ledger, accounts = open_accounts(db)
    with ledger:
        rows = accounts.history(name)
        where = store_line(ledger, db)
    if fmt == "json":                   # stdout stays JSON: the store line goes to stderr
        print(json.dumps(rows, indent=2))
        err.print(where, highlight=False, markup=False, soft_wrap=True)
        return
    if not rows:
        whose = f"of '{name}' " if name else ""
        console.print(f"no account changes {whose}recorded: the history starts when the "
                      "store was created or upgraded to schema 0012", highlight=False)
    else:
        import datetime as dt

        from moneytrail.accounts.store import utc_text
        from moneytrail.report.plain import DataTable

        table = DataTable("time (UTC)", "account", "event", "details", "by")
        for row in rows:            # text (DataTable): a `[` in $USER is shown, never markup
            table.add_row(utc_text(dt.datetime.fromisoformat(row["time"])).removesuffix(" UTC"),
                          row["account"], row["kind"], row["details"], row["actor"])
        console.print(table, highlight=False)
    console.print(where, highlight=False, markup=False, soft_wrap=True)


@users_app.command("key")
def key(name: NameArg,
        scope: Annotated[str, typer.Option("--scope", help="read or write")] = "read",
        db: DbOpt = None) -> None:
    """Create an API key for the account and print it once (only its hash is kept)."""
    ledger, accounts = open_accounts(db)
    with ledger:
        new = accounts.new_key(name, scope, by=by())
        where = store_line(ledger, db)
    print(new)
    err.print(f"API key for '{name}' (scope {scope}): shown once; send it as "
              "'Authorization: Bearer KEY'.", highlight=False)
    err.print(where, highlight=False, markup=False, soft_wrap=True)


@users_app.command("revoke-key")
def revoke_key(key_or_prefix: KeyArg, db: DbOpt = None) -> None:
    """Revoke an API key (give the key or its prefix, the part after `mt_`)."""
    ledger, accounts = open_accounts(db)
    with ledger:
        changed = accounts.revoke_key(key_or_prefix, by=by())
        where = store_line(ledger, db)
    console.print("revoked" if changed else "this key is already revoked: nothing changed",
                  highlight=False)
    console.print(where, highlight=False, markup=False, soft_wrap=True)


LOCAL_URL = "http://127.0.0.1:8000"     # `moneytrail serve`'s own address by default


@users_app.command("reset-password")
def reset_password(
        name: NameArg,
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
        token = accounts.issue_reset(name, dt.timedelta(hours=hours), by=by())
        where = store_line(ledger, db)
    print(f"{base_url.rstrip('/')}/reset-password?token={token}")
    err.print(f"one-time reset link for '{name}', valid {hours:g} h: shown once. When it "
              f"is used, every session of '{name}' ends and all of its API keys are "
              f"revoked; make new ones with: moneytrail users key {name} --scope read "
              "(or --scope write)",
              highlight=False)
    err.print(where, highlight=False, markup=False, soft_wrap=True)
