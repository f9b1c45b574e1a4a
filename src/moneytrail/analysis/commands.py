"""CLI pieces of the analyses: `moneytrail claims check`, and the scorecard printed by
`moneytrail compare` and `moneytrail demo` (the lead's commands call these)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from moneytrail.errors import ScenarioError

if TYPE_CHECKING:
    import pandas as pd

    from moneytrail.analysis.data import AnalysisData
    from moneytrail.service.workspace import Workspace

claims_app = typer.Typer(no_args_is_help=True, help="Check claims of the debate against the data.")


def load_conditions(path: str | Path) -> list:
    """A YAML list of conditions (same schema as a scenario's `conditions`)."""
    from pydantic import ValidationError

    from moneytrail.analysis.claims_schema import read_yaml
    from moneytrail.scenarios.schema import Condition

    path = Path(path)
    items = read_yaml(path, ScenarioError)
    if not isinstance(items, list):
        raise ScenarioError("a conditions file is a list of conditions", file=str(path))
    out = []
    for k, item in enumerate(items):
        try:
            out.append(Condition.model_validate(item))
        except ValidationError as exc:
            error = exc.errors()[0]
            loc = ".".join(str(p) for p in error["loc"])
            raise ScenarioError(error["msg"].removeprefix("Value error, "), file=str(path),
                                field=f"{k}.{loc}" if loc else str(k)) from None
    return out


def demo_conditions_path() -> Path:
    from moneytrail.data.package import bundled_path

    return bundled_path() / "analysis" / "conditions_demo.yaml"


def show_scorecard(results: list, console: Any, conditions: str | Path | None = None, *,
                   data: AnalysisData) -> None:
    """Print the scorecard of traced plans (optionally all held to one conditions file),
    read against the analysis tables `data`."""
    from moneytrail.analysis.scorecard import render_scorecard, scorecard

    rules = load_conditions(conditions) if conditions is not None else None
    console.print(render_scorecard(scorecard(results, data=data, conditions=rules)))


def show_claims(console: Any, path: str | Path | None = None, draws: int = 2000,
                seed: int = 1, db: str | None = None, *,
                workspace: Workspace | None = None) -> None:
    """Print the claims' verdicts (see claims_frame)."""
    from rich.table import Table

    frame = claims_frame(path, draws, seed, db, workspace=workspace)
    table = Table(title="Claims of the debate, checked against the data", title_justify="left",
                  show_lines=True)
    for column in ("claim", "verdict", "check", "figure (median)", "P(holds)", "sources"):
        table.add_column(column, overflow="fold")
    colour = {"supported": "green", "contradicted": "red", "uncertain": "yellow"}
    for _, row in frame.iterrows():
        table.add_row(row["text"], f"[{colour[row['verdict']]}]{row['verdict']}[/]",
                      f"{row['check']} ({row['bound']})", row["figure"],
                      f"{row['p_holds']:.2f}", row["sources"])
    console.print(table)


def claims_frame(path: str | Path | None, draws: int, seed: int, db: str | None, *,
                 workspace: Workspace | None = None) -> pd.DataFrame:
    """The claims check over `workspace` (default: the bundled data, with the ledger of the
    store `db` when given, else the package's)."""
    from moneytrail.analysis.claims import check_claims
    from moneytrail.service.workspace import Workspace

    if workspace is None:
        with Workspace.open(db=db) as ws:
            return claims_frame(path, draws, seed, db, workspace=ws)
    return check_claims(path=path, draws=draws, seed=seed, data=workspace.analysis,
                        chain=workspace.valuechain, ledger=workspace.ledger_tables(),
                        model=workspace.model)


@claims_app.command("check")
def claims_check(
    file: Annotated[Path | None, typer.Argument(help="claims YAML (default: the shipped "
                                                "claims of the debate)")] = None,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws per check")] = 2000,
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
    db: Annotated[str | None, typer.Option(help="read ledger claims from this store (database "
                                           "URL or SQLite path) instead of the shipped data "
                                           "package")] = None,
) -> None:
    """Verdict per claim (supported | contradicted | uncertain) with figures and sources."""
    from rich.console import Console

    if fmt == "table":
        show_claims(Console(width=None if sys.stdout.isatty() else 120), file, draws, seed, db)
        return
    frame = claims_frame(file, draws, seed, db)
    if fmt == "csv":
        print(frame.to_csv(index=False), end="")
    elif fmt == "json":
        print(frame.to_json(orient="records", indent=2))
    else:
        raise ScenarioError("unknown format (use table, csv, json)", field="--format",
                            value=fmt)
