"""Text from data on the terminal exactly as written: never read as rich markup or emoji codes.

A plan's title, a note, a ledger record, a file's content or an error's value may hold `[red]`,
`[link=...]` or `:x:`; a rich string renders those as a style, a terminal hyperlink (OSC 8)
or an emoji. `plain` makes such text a `rich.text.Text` (shown as written on any console),
`marked` reads markup the code itself writes (data in it escaped with `rich.markup.escape`),
never emoji codes, and `DataTable` is a rich table whose title, caption, headers and cells
are plain text. The CLI's consoles read no markup nor emoji codes either (cli.common).
Imports rich only: the CLI's start-up stays free of numpy and pandas.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.highlighter import ReprHighlighter
from rich.table import Table
from rich.text import Text

_HIGHLIGHT = ReprHighlighter()      # numbers and the like coloured, as rich does for a str


def plain(value: object, style: str = "") -> Text:
    """`value` as text shown as written (a Text is kept as it is)."""
    if isinstance(value, Text):
        return value
    return Text(str(value), style=style)


def marked(markup: str) -> Text:
    """Rich markup the code writes (`[green]ok[/green]`), with no emoji codes read; data put
    in it must be escaped (rich.markup.escape)."""
    return Text.from_markup(markup, emoji=False)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return _HIGHLIGHT(Text(value))
    return value


class DataTable(Table):
    """A rich table of data: its title, caption, column headers and str cells are plain text
    (`plain`), also when set after it is made (`table.caption = ...`); a cell the code
    colours is given as a Text (`marked`)."""

    @property
    def title(self) -> Text | None:
        return self._title

    @title.setter
    def title(self, value: object) -> None:
        self._title = plain(value, "table.title") if value is not None else None

    @property
    def caption(self) -> Text | None:
        return self._caption

    @caption.setter
    def caption(self, value: object) -> None:
        self._caption = plain(value, "table.caption") if value is not None else None

    def add_column(self, header: RenderableType = "", *args: Any, **options: Any) -> None:
        super().add_column(plain(header) if isinstance(header, str) else header,
                           *args, **options)

    def add_row(self, *renderables: Any, **options: Any) -> None:
        super().add_row(*(_cell(r) for r in renderables), **options)
