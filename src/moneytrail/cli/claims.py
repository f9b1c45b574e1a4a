"""`moneytrail claims check`: claims of the debate, checked against the data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moneytrail.analysis.verdicts import verdicts_help
from moneytrail.cli.common import DataOpt, FormatOpt, console, err, integer, workspace

claims_app = typer.Typer(no_args_is_help=True, help="Check claims of the debate against the data.")


@claims_app.command("check", help=(
    f"Verdict per claim ({verdicts_help()}) with figures, P(holds), sources and the claim's "
    "note (what its words mean in numbers, and its caveats)."))
def claims_check(
    file: Annotated[Path | None, typer.Argument(help="claims YAML (default: the shipped "
                                                "claims of the debate)")] = None,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws per check", parser=integer)] = 2000,
    seed: Annotated[int, typer.Option(help="random seed", parser=integer)] = 1,
    fmt: FormatOpt = "table",
    db: Annotated[str | None, typer.Option(help="read ledger claims from this store (database "
                                           "URL or SQLite path) instead of the shipped data "
                                           "package")] = None,
    data: DataOpt = None,
) -> None:
    """Verdict per claim (analysis.verdicts.VERDICTS) with figures, sources and note."""
    from moneytrail.analysis.claims import require_existing_store
    from moneytrail.report.terminal import check_format, emit
    from moneytrail.service import tasks

    check_format(fmt)
    from moneytrail.scenarios.schema import check_draws, check_seed

    draws = check_draws(draws, field="--draws")       # limits before any work starts
    seed = check_seed(seed, field="--seed")
    if db is not None:
        require_existing_store(str(db))
    with workspace(data, db) as ws:
        result = tasks.check_claims(ws, file, draws=draws, seed=seed, ledger_db=db)
    emit(result, fmt, console, err)
