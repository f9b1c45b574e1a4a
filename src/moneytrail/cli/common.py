"""What every command shares: consoles, options, the workspace, a progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from moneytrail.service.workspace import Workspace

# pipes and CI logs get a wide fixed width instead of rich's 80-column default
console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 120)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="data package folder "
                                              "(default: the bundled one)")]
DbOpt = Annotated[str | None, typer.Option(
    "--db", help="database URL or SQLite file for the ledger and stored runs (default: "
    "$MONEYTRAIL_DATABASE_URL or the user data dir)")]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="Dask scheduler address (tcp://HOST:PORT) to run the draws on")]
DrawsOpt = Annotated[int | None, typer.Option(help="Monte Carlo draws (1 to 10,000,000)")]
SeedOpt = Annotated[int | None, typer.Option(help="random seed (0 to 2**63 - 1)")]


@contextmanager
def workspace(data: Path | None, db: str | None) -> Iterator[Workspace]:
    """The data package and stores, opened once for the command."""
    from moneytrail.service.workspace import Workspace

    ws = Workspace.open(data, db=db)
    try:
        yield ws
    finally:
        ws.close()


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """A progress callback drawing a bar on stderr for work over a few thousand draws."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(label), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                  TimeRemainingColumn(), console=err, transient=True,
                  disable=total < 5000 or not err.is_terminal) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, all_: bar.update(task, completed=done, total=all_)
