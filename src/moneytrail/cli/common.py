"""What every command shares: consoles, options, the workspace, a progress bar."""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from moneytrail.errors import MoneytrailError
from moneytrail.report.units import PIPE_WIDTH, lower_first
from moneytrail.text import LONG_DIGITS, short_number

if TYPE_CHECKING:
    from moneytrail.service.workspace import Workspace

# Output to a pipe or a file (not a terminal) is laid out without a width limit: every
# cell and line arrives whole (a long firm name or source title is neither cut nor wrapped),
# each table as wide as its content. A terminal gets its own width (rich wraps cells there).
# MONEYTRAIL_WIDTH in the environment (`MONEYTRAIL_WIDTH=100 moneytrail demo > f.txt`) is
# the width of piped output, for a file a person reads rather than a program
# (report.units.PIPE_WIDTH otherwise). COLUMNS is not read for pipes: shells and tools
# export it for their own terminal, and a program reading the pipe wants whole lines.
WIDTH_ENV = "MONEYTRAIL_WIDTH"
MIN_WIDTH = 40          # a smaller MONEYTRAIL_WIDTH is read as this (tables need room)


def pipe_width(environ: Mapping[str, str]) -> int:
    """The width of output to a pipe or a file: WIDTH_ENV from `environ` when it is a whole
    number (at least MIN_WIDTH; a smaller one is raised to it), PIPE_WIDTH (no limit)
    when it is unset, empty or not a whole number."""
    text = environ.get(WIDTH_ENV, "").strip()
    if not text.isascii() or not text.isdigit():
        return PIPE_WIDTH
    return max(MIN_WIDTH, min(int(text), PIPE_WIDTH))


def one_line_helps(app: typer.Typer) -> None:
    """Give each command of `app` (and of its sub-apps) a one-line summary for the command
    listing of `--help`: its docstring's first paragraph with the line breaks joined (Typer
    lists the paragraph with the docstring's own line breaks, which cut it mid-sentence).
    A command's own `--help` still prints its whole docstring."""
    for info in app.registered_commands:
        doc = info.callback.__doc__ if info.callback else None
        if info.short_help is None and doc:
            info.short_help = " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())
    for group in app.registered_groups:
        if group.typer_instance is not None:
            one_line_helps(group.typer_instance)


def make_console(stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr): the terminal's width on a terminal, no width
    limit (PIPE_WIDTH) when the stream is a pipe or a file, unless MONEYTRAIL_WIDTH says a
    width (`pipe_width`). It reads no rich markup and no emoji codes: what it prints is text
    from data and files (a plan's title, an error's value, a ledger note), shown as written
    (`[bold]`, `[link=...]` and `:x:` too); a line the code colours passes `markup=True`
    with its data escaped (rich.markup.escape), a table cell is a Text
    (report.plain.DataTable)."""
    stream = sys.stderr if stderr else sys.stdout
    tty = hasattr(stream, "isatty") and stream.isatty()
    return Console(stderr=stderr, width=None if tty else pipe_width(os.environ),
                   markup=False, emoji=False)


console = make_console()
err = make_console(stderr=True)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json")]
MetaOpt = Annotated[Path | None, typer.Option(
    "--meta", help="with --format csv: also write the CSV's run id, currency, price year and "
    "column units to this JSON file (W3C CSV on the Web metadata; name it "
    "<file>.csv-metadata.json)")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="data package folder "
                                              "(default: the bundled one)")]
def given_store(value: str | None) -> str | None:
    """The `--db` option's check (every command that has one): a store that keeps what is
    written (ledger.location.check_given, also for MONEYTRAIL_DATABASE_URL when --db is not
    given); LedgerError, exit 2."""
    from moneytrail.ledger.location import check_given

    check_given(value)
    return value


DbOpt = Annotated[str | None, typer.Option(
    "--db", help="database URL or SQLite file for the ledger and stored runs (default: "
    "$MONEYTRAIL_DATABASE_URL or the user data dir)", callback=given_store)]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="Dask scheduler address (tcp://HOST:PORT) to run the draws on")]


def integer(value: object) -> int:
    """The reading of every whole-number option and argument (`--draws`, `--seed`, `--year`,
    `ledger revert REVISION`; typer's `parser`, named so that --help still shows INTEGER):
    digits 0 to 9 with an optional sign, read by numbers.read_whole as the plan schema reads
    its whole-number fields. click's own INT calls int(), which reads `1_000` as 1000 and
    `١٠` as 10; here `1_000` is refused saying what to write ('not a number: write it
    without underscores (1000, not 1_000)'), other text as 'not a valid integer'
    (usage_error: 'expected a whole number'). A ValueError: click names the option."""
    from moneytrail.numbers import NumberTextError, read_whole

    if isinstance(value, int) and not isinstance(value, bool):
        return value                                   # a default
    try:
        number = read_whole(str(value))
    except NumberTextError as exc:
        raise ValueError(str(exc)) from None
    if number is None:
        raise ValueError(f"{value!r} is not a valid integer")
    return number

DrawsOpt = Annotated[int | None, typer.Option(help="Monte Carlo draws (1 to 10,000,000)",
                                              parser=integer)]
SeedOpt = Annotated[int | None, typer.Option(help="random seed (0 to 2**63 - 1)",
                                             parser=integer)]


@contextmanager
def workspace(data: Path | None, db: str | None) -> Iterator[Workspace]:
    """The data package and stores, opened once for the command."""
    from moneytrail.service.workspace import Workspace

    ws = Workspace.open(data, db=db)
    try:
        yield ws
    finally:
        ws.close()


def plan_categories(data: Path | None) -> frozenset[str] | None:
    """The spending categories of the data package `--data` names, for reading a plan
    (`load_scenario(path, categories=...)`: an unknown one is named before shares that do not
    add up); None for the bundled package (the default); empty (no such check) when the
    package cannot be read here: opening it for the command says why."""
    if data is None:
        return None
    from moneytrail.data.package import open_package

    try:
        return frozenset(str(c) for c in open_package(data).table("valuechain-categories")["id"])
    except (MoneytrailError, KeyError):
        return frozenset()


def entity_labels(ws: Workspace, result: object, fmt: str,
                  names: Sequence[str] | None = None) -> dict[str, str] | None:
    """Display names of the entities (ValueChain.entity_names) when a terminal table will
    list entities (`entity`/`supplier` tables, or tables with a column of them, shown), else
    None (CSV and JSON keep ids; the value chain is not read for nothing)."""
    from moneytrail.report.terminal import ENTITY_COLUMN_TABLES, ENTITY_TABLES

    tables = getattr(result, "tables", {})
    shown = list(names) if names is not None else list(tables)
    if fmt != "table" or not set(shown) & {*ENTITY_TABLES, *ENTITY_COLUMN_TABLES}:
        return None
    return ws.valuechain.entity_names()


def country_labels(ws: Workspace, result: object, fmt: str,
                   names: Sequence[str] | None = None) -> dict[str, str] | None:
    """Country names by code (countries.csv `name`) when a terminal table or a CSV will list
    countries (report.units.COUNTRY_TABLES shown; a CSV keeps the codes and adds the names
    beside them), else None (JSON keeps codes)."""
    from moneytrail.report.terminal import DIMENSION_TABLES
    from moneytrail.report.units import COUNTRY_TABLES

    tables = getattr(result, "tables", {})
    shown = list(names) if names is not None else list(tables)
    wanted = {*COUNTRY_TABLES, *DIMENSION_TABLES} if fmt == "table" else \
        set(COUNTRY_TABLES) if fmt == "csv" else set()
    if not set(shown) & wanted:
        return None
    return ws.valuechain.country_names()


@contextmanager
def as_options(*names: str) -> Iterator[None]:
    """Errors the service raises naming one of its arguments (`on`, `what`, `method`: the
    Python names) name the command's option instead (`--on`, `--what`, `--method`)."""
    try:
        yield
    except MoneytrailError as exc:
        if exc.field in names:
            raise exc.renamed(f"--{exc.field.replace('_', '-')}") from None
        raise


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """A progress callback drawing a bar on stderr for work over a few thousand draws."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(label.replace("{", "{{").replace("}", "}}"), markup=False),
                  BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                  TimeRemainingColumn(), console=err, transient=True,
                  disable=total < 5000 or not err.is_terminal) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, all_: bar.update(task, completed=done, total=all_)


# typer vendors click since 0.24 (typer._click); older versions use click itself. The module
# that defines typer.BadParameter holds the exception classes either way.
CLICK_ERRORS = sys.modules[typer.BadParameter.__module__]


def store_shown(args: Sequence[str]) -> str:
    """The store a command used, as it may be printed (a SQLite file, else the URL with its
    password as ***): its `--db`, else MONEYTRAIL_DATABASE_URL, else the default file."""
    from moneytrail.ledger.connection import shown, url_name
    from moneytrail.ledger.location import resolve_url

    db = None
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            db = args[i + 1]
        elif arg.startswith("--db="):
            db = arg[len("--db="):]
    try:
        url = resolve_url(db)
    except MoneytrailError:
        return shown(db or "")
    return url_name(url)


def print_error(exc: MoneytrailError) -> None:
    """One line on stderr: `error: <file>, field '<f>', value '<v>': <what is wrong>`."""
    from rich.markup import escape

    err.print(f"[red]error:[/red] {escape(str(exc))}", markup=True, highlight=False,
              soft_wrap=True)


def usage_error(exc: Exception, args: Sequence[str]) -> MoneytrailError:
    """A click/typer usage error (unknown command or option, missing argument, a value of the
    wrong type such as `--draws abc`) as one `MoneytrailError` naming the command, the option
    and the value given: `moneytrail trace, field '--draws', value 'abc': ...` (exit 2)."""
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "moneytrail"
    message = " ".join(str(getattr(exc, "message", exc)).split()).rstrip(".")
    param = getattr(exc, "param", None)
    hint = f" (see '{command} --help')"
    kind = type(exc).__name__
    if kind == "NoSuchOption" and _NEGATIVE.fullmatch(str(getattr(exc, "option_name", ""))):
        number = _number_argument(ctx)
        if number is not None:      # `ledger revert -1`: click reads '-1' as an option
            return MoneytrailError(f"invalid argument value: expected a whole number of 1 or "
                                   f"more{hint}", file=command, field=number,
                                   value=getattr(exc, "option_name", None))
    if kind == "NoSuchOption":
        possibilities = sorted(getattr(exc, "possibilities", None) or [])
        maybe = f"; did you mean {' or '.join(possibilities[:3])}?" if possibilities else ""
        return MoneytrailError(f"no such option{maybe}{hint}", file=command,
                               field=getattr(exc, "option_name", None))
    if param is None:
        return MoneytrailError(f"{lower_first(message)}{hint}", file=command)
    opts = list(getattr(param, "opts", None) or [])
    is_option = bool(opts) and opts[0].startswith("-")
    name = ([o for o in opts if o.startswith("--")] or opts)[0] if is_option else \
        str(getattr(param, "name", "") or "").upper()
    what = "option" if is_option else "argument"
    if kind == "MissingParameter":
        return MoneytrailError(f"missing {what}{hint}", file=command, field=name)
    given = _given_value(exc, opts, args)
    if isinstance(given, str) and LONG_DIGITS.fullmatch(given.lstrip("+-")):
        given = short_number(given)         # '99999… (5,000 digits)', as the API says it
    return MoneytrailError(f"invalid {what} value: {_plain(message)}{hint}", file=command,
                           field=name, value=given)


_NEGATIVE = re.compile(r"-[0-9][0-9_.]*")


def _number_argument(ctx: object) -> str | None:
    """The name (e.g. 'REVISION') of the command's first numeric positional argument, if any."""
    for param in getattr(getattr(ctx, "command", None), "params", ()):
        opts = list(getattr(param, "opts", None) or [])
        annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
        numeric = annotation in (int, float) or \
            getattr(getattr(param, "type", None), "name", "") in ("integer", "float")
        if opts and not opts[0].startswith("-") and numeric:
            return str(getattr(param, "name", "") or "").upper()
    return None


def _plain(message: str) -> str:
    """pydantic's wording of a type error, said plainly; a parser's own words (`integer`)
    without pydantic's 'Value error, ' before them."""
    if "valid integer" in message:
        return "expected a whole number"
    if "valid number" in message:
        return "expected a number"
    return lower_first(message.removeprefix("Value error, "))


def _given_value(exc: Exception, opts: Sequence[str], args: Sequence[str]) -> object:
    """The text the user typed for the option: from the validation error, else from argv."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
        except (IndexError, TypeError):
            first = {}
        if "input" in first:
            return first["input"]
    found = None
    for i, arg in enumerate(args):
        for opt in opts:
            if arg == opt and i + 1 < len(args):
                found = args[i + 1]
            elif opt.startswith("--") and arg.startswith(opt + "="):
                found = arg[len(opt) + 1:]
    return found
