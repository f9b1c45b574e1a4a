"""The `moneytrail` command line: thin commands over the service layer.

Errors: every `MoneytrailError` prints one line and exits with its class's `exit_code`
(2 for bad input); a store that refuses a read or a write (read-only, full, locked, down)
prints one line naming the store (`ledger.connection.store_failure`, exit 3: every write is
one transaction, so nothing was written); usage errors (an unknown option, a missing
argument, a value of the wrong type such as `--draws abc`) print one line naming the option
and the value and exit 2 (`cli.common.usage_error`); an interrupted command exits 130;
output cut short by a closed pipe (`| head`) ends quietly with exit 0.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated, Any

import typer

from moneytrail.cli import plans
from moneytrail.cli.claims import claims_app
from moneytrail.cli.common import (
    CLICK_ERRORS,
    err,
    one_line_helps,
    print_error,
    store_shown,
    usage_error,
)
from moneytrail.cli.ledger import ledger_app
from moneytrail.cli.users import users_app
from moneytrail.errors import MoneytrailError

VERSION_FLAGS = ("--version", "-V")


def command_after_version(args: list[str]) -> str | None:
    """The command given after --version / -V among the root options (`moneytrail -V trace
    plan.yaml` -> 'trace'), None when there is none or no version flag. The root options
    are flags (no values), so the first word that is not one is the command."""
    flags: list[str] = []
    for k, arg in enumerate(args):
        if arg == "--" or not arg.startswith("-"):
            rest = args[k + 1:] if arg == "--" else args[k:]
            return rest[0] if rest and set(flags) & set(VERSION_FLAGS) else None
        flags.append(arg)
    return None


class RootGroup(typer.core.TyperGroup):
    """The `moneytrail` group: --version is eager (it prints and stops before anything else
    loads), so a command after it would be dropped unseen; it is refused first."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Refuse `moneytrail --version COMMAND ...` (MoneytrailError, exit 2: one line naming
        the command), then parse as typer does."""
        command = command_after_version(args)
        if command is not None:
            raise MoneytrailError(f"takes no command: run 'moneytrail --version' alone, or "
                                  f"'moneytrail {command} ...' without it", file="moneytrail",
                                  field="--version", value=command)
        return super().parse_args(ctx, args)


app = typer.Typer(cls=RootGroup, add_completion=False, no_args_is_help=True,
                  help="Follow the money of AI investment plans.")
app.add_typer(ledger_app, name="ledger")
app.add_typer(claims_app, name="claims")
app.add_typer(users_app, name="users")  # issue 12: accounts
for command in (plans.trace, plans.compare, plans.analyse, plans.show, plans.validate,
                plans.demo, plans.sensitivity, plans.report, plans.bench, plans.serve):
    app.command()(command)
one_line_helps(app)


def version_line() -> str:
    """`moneytrail 0.5.9 (data 2.6.1)`: the installed package's version ('unknown' when it
    is not installed) and the bundled data package's (its descriptor's `version`), read
    without the data layer (which loads pandas), so `--version` stays as fast as `--help`."""
    import json
    from importlib import resources

    from moneytrail.versions import code_version

    code = code_version()
    descriptor = resources.files("moneytrail") / "data" / "package" / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8")).get("version", "unversioned")
    return f"moneytrail {code} (data {data})"


def show_version(value: bool) -> None:
    if value:
        print(version_line())
        raise typer.Exit()


@app.callback()
def options(version: Annotated[bool, typer.Option(
        "--version", "-V", is_eager=True, callback=show_version,
        help="Print the versions of moneytrail and its bundled data, then stop (alone: it "
             "takes no command).")] = False,
            ) -> None:
    """Follow the money of AI investment plans."""


def main(args: list[str] | None = None) -> None:
    """Run the app. Errors are one line on stderr: usage errors and bad input exit 2, other
    `MoneytrailError`s their class's exit code (see `moneytrail.errors`)."""
    try:
        code = app(args=args, prog_name="moneytrail", standalone_mode=False)
    except BrokenPipeError:
        closed_stdout()
    except SystemExit as exc:
        if exc.code == 1 and broken_pipe(exc):
            closed_stdout()             # rich's and click's own EPIPE handling exit 1
        raise
    except CLICK_ERRORS.ClickException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.exit(2)                 # the help was printed already
        problem = usage_error(exc, sys.argv[1:] if args is None else args)
        print_error(problem)
        sys.exit(problem.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(1)
    except MoneytrailError as exc:
        print_error(exc)
        sys.exit(exc.exit_code)
    except Exception as exc:
        store = sys.modules.get("sqlalchemy.exc")     # loaded only by commands using a store
        if store is None or not isinstance(exc, store.SQLAlchemyError):
            raise
        from moneytrail.ledger.connection import store_failure

        # a store that refused a read or a write: one line naming it, exit 3
        problem = store_failure(store_shown(sys.argv[1:] if args is None else args), exc)
        print_error(problem)
        sys.exit(problem.exit_code)
    except KeyboardInterrupt:
        err.print("aborted")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def broken_pipe(exc: BaseException) -> bool:
    """Whether an exit was raised while handling a closed pipe (EPIPE): rich's consoles and
    click exit 1 from inside their `except BrokenPipeError`."""
    cause = exc.__context__
    while cause is not None:
        if isinstance(cause, OSError) and cause.errno == errno.EPIPE:
            return True
        cause = cause.__context__
    return False


def closed_stdout() -> None:
    """The reader of our output went away (`moneytrail trace ... | head -1`): stop quietly
    with exit 0, as Unix tools do, with no traceback and no 'Exception ignored' line when
    Python flushes stdout at exit (later writes go to /dev/null)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):       # stdout without a file descriptor (tests, pipes)
        pass
    sys.exit(0)


__all__ = ["app", "main"]
