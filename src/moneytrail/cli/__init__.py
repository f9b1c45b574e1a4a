"""The `moneytrail` command line: thin commands over the service layer.

Errors: every `MoneytrailError` prints one line and exits with its class's `exit_code`
(2 for bad input); usage errors exit 2; an interrupted command exits 130.
"""

from __future__ import annotations

import sys

import typer

from moneytrail.cli import plans
from moneytrail.cli.claims import claims_app
from moneytrail.cli.common import err
from moneytrail.cli.ledger import ledger_app
from moneytrail.cli.users import users_app
from moneytrail.errors import MoneytrailError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Follow the money of AI investment plans.")
app.add_typer(ledger_app, name="ledger")
app.add_typer(claims_app, name="claims")
app.add_typer(users_app, name="users")  # issue 12: accounts
for command in (plans.trace, plans.compare, plans.analyse, plans.show, plans.validate,
                plans.demo, plans.sensitivity, plans.report, plans.bench, plans.serve):
    app.command()(command)


def main() -> None:
    """Run the app; typer itself reports usage errors (unknown option, bad value: exit 2)."""
    try:
        app(prog_name="moneytrail")
    except MoneytrailError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        err.print("aborted")
        sys.exit(130)


__all__ = ["app", "main"]
