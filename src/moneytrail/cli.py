"""The `moneytrail` command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from moneytrail.analysis.commands import (
    claims_app,
    demo_conditions_path,
    show_claims,
    show_scorecard,
)
from moneytrail.errors import MoneytrailError
from moneytrail.ledger.cli import ledger_app

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Follow the money of AI investment plans.")
app.add_typer(ledger_app, name="ledger")
app.add_typer(claims_app, name="claims")
# pipes and CI logs get a wide fixed width instead of rich's 80-column default
console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 120)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="data package folder "
                                              "(default: the bundled one)")]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="Dask scheduler address (tcp://HOST:PORT) to run the draws on")]
BY_CHOICES = ("headline", "entity", "country", "owner_country", "group", "factor", "tier",
              "supplier")
TITLES = {
    "headline": "Where the money ends up (share of the spending as value added)",
    "entity": "Value added by firm or sector",
    "country": "Value added by country where it is generated (location)",
    "owner_country": "Value added by country where it accrues (ownership)",
    "group": "Value added by group (groups overlap)",
    "factor": "Wages, profits and taxes",
    "tier": "Value added by supply-chain tier",
    "supplier": "First invoices: direct spending by supplier",
}


def check_format(fmt: str) -> str:
    from moneytrail.report.text import FORMATS

    if fmt not in FORMATS:
        raise MoneytrailError(f"unknown format (use {', '.join(FORMATS)})", field="--format",
                              value=fmt)
    return fmt


def run_trace(plan, data: Path | None, draws: int | None, seed: int | None,
              scheduler: str | None = None, model=None):
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    import moneytrail as mt

    model = model if model is not None else mt.load_model(plan.year, path=data)
    total = plan.draws if draws is None else draws
    with Progress(TextColumn(f"tracing {plan.id}"), BarColumn(), TextColumn("{task.completed}"
                  "/{task.total} draws"), TimeRemainingColumn(), console=err, transient=True,
                  disable=total < 5000 or not err.is_terminal) as bar:
        task = bar.add_task("trace", total=total)
        return mt.trace(plan, model, draws=draws, seed=seed, scheduler=scheduler,
                        progress=lambda done, _: bar.update(task, completed=done))


def trace_all(plans: list, data: Path | None, draws: int | None, seed: int | None) -> list:
    """Trace several plans, building each year's model once (it takes ~0.4 s to build)."""
    import moneytrail as mt

    models = {year: mt.load_model(year, path=data) for year in {p.year for p in plans}}
    return [run_trace(plan, data, draws, seed, model=models[plan.year]) for plan in plans]


def tables_for(result, by: list[str]) -> dict:
    from moneytrail.analysis.headline import headline

    frames = {}
    for dimension in by:
        if dimension not in BY_CHOICES:
            raise MoneytrailError(f"unknown breakdown (use {', '.join(BY_CHOICES)})",
                                  field="--by", value=dimension)
        frames[dimension] = headline(result) if dimension == "headline" else \
            result.by(dimension)
    return frames


def print_reconciliation(result) -> None:
    from moneytrail.report.text import money

    gap = float(abs(result.draw_totals - result.total).max())
    console.print(f"[dim]{result.plan.title}: {money(result.total, result.currency)} "
                  f"traced over {result.draws:,} draws (seed {result.seed}); value added "
                  f"reconciles to the spending in every draw (largest gap "
                  f"{result.currency} {gap:.2g}). Data {result.model.data_version}.[/dim]\n",
                  soft_wrap=True)


@app.command()
def trace(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    draws: Annotated[int | None, typer.Option(help="Monte Carlo draws")] = None,
    seed: Annotated[int | None, typer.Option(help="random seed")] = None,
    by: Annotated[list[str] | None, typer.Option(help="breakdown(s): " + ", ".join(
        BY_CHOICES))] = None,
    fmt: FormatOpt = "table",
    data: DataOpt = None,
    deal: Annotated[str | None, typer.Option(help="trace this ledger deal's amount with the "
                                             "scenario's spending split")] = None,
    stage: Annotated[str, typer.Option(help="ledger stage for --deal")] = "committed",
    db: Annotated[str | None, typer.Option("--db", help="ledger database URL or SQLite file "
                                           "for --deal (default: $MONEYTRAIL_DATABASE_URL "
                                           "or the user data dir)")] = None,
    scheduler: SchedulerOpt = None,
) -> None:
    """Trace a plan's spending through the supply chain."""
    import moneytrail as mt

    check_format(fmt)
    plan = mt.load_scenario(scenario)
    if deal:
        from moneytrail.ledger import open as open_ledger
        from moneytrail.ledger.trace import plan_for_deal

        with open_ledger(db) as ledger:
            plan = plan_for_deal(plan, ledger, deal, stage)
    result = run_trace(plan, data, draws, seed, scheduler)
    frames = tables_for(result, by or ["headline"])
    from moneytrail.report.text import emit

    if fmt == "table":
        print_reconciliation(result)
    emit(frames, fmt=fmt, info=result.info, console=console, titles=TITLES)


@app.command()
def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="two or more scenario files")],
    draws: Annotated[int | None, typer.Option(help="Monte Carlo draws")] = None,
    seed: Annotated[int | None, typer.Option(help="random seed")] = None,
    fmt: FormatOpt = "table",
    data: DataOpt = None,
    conditions: Annotated[Path | None, typer.Option(help="hold every plan to the conditions "
                                                    "in this YAML file")] = None,
    table_name: Annotated[str, typer.Option("--table", help="for csv/json: headline or "
                                            "scorecard")] = "headline",
) -> None:
    """Put plans side by side: headline shares and the scorecard, median and 90 % interval."""
    import moneytrail as mt
    from moneytrail.analysis.commands import load_conditions
    from moneytrail.analysis.compare import compare_table, render_compare
    from moneytrail.analysis.scorecard import compare as scorecard
    from moneytrail.analysis.scorecard import render_scorecard

    check_format(fmt)
    if table_name not in ("headline", "scorecard"):
        raise MoneytrailError("unknown table (use headline or scorecard)", field="--table",
                              value=table_name)
    rules = load_conditions(conditions) if conditions is not None else None   # before tracing
    plans = [mt.load_scenario(path) for path in scenarios]
    results = trace_all(plans, data, draws, seed)
    if fmt == "table":
        console.print(render_compare(compare_table(results)))
        console.print(render_scorecard(scorecard(results, conditions=rules, data_path=data)))
        return
    table = compare_table(results) if table_name == "headline" else \
        scorecard(results, conditions=rules, data_path=data)
    if fmt == "csv":
        print(table.to_csv(), end="")
    else:
        tidy = table.stack(level=0, future_stack=True).reset_index()
        tidy.columns = [table.index.name or "label", "plan", *tidy.columns[2:]]
        print(tidy.to_json(orient="records", indent=2))


ANALYSES = ("concentration", "markets", "dependency", "jurisdictions", "exports", "lifecycle",
            "efficiency", "conditions")


def analysis_frames(plan, result, what: list[str], dates: list[str],
                    data_path: Path | None = None) -> dict:
    """The analyses a user asked for, each as a DataFrame (see moneytrail.analysis), all read
    from the same data package as the trace."""
    import datetime as dt

    from moneytrail.analysis import concentration, dependency, efficiency, lifecycle
    from moneytrail.analysis.conditions import check_conditions
    from moneytrail.analysis.data import load_analysis
    from moneytrail.analysis.metrics import Evaluation
    from moneytrail.data.valuechain import load_valuechain

    unknown = [name for name in what if name not in ANALYSES]
    if unknown:
        raise MoneytrailError(f"unknown analysis (use {', '.join(ANALYSES)})", field="--what",
                              value=unknown[0])
    try:
        on = [dt.date.fromisoformat(d) for d in dates] or [dependency.rules_date(plan)]
    except ValueError as exc:
        raise MoneytrailError(f"not a date ({exc})", field="--on",
                              value=", ".join(dates)) from None
    data = load_analysis(data_path)
    makers = {
        "concentration": lambda: concentration.plan_concentration(result, data),
        "markets": lambda: concentration.market_concentration(
            load_valuechain(str(data_path) if data_path else None), data=data),
        "dependency": lambda: dependency.dependency_table(result, data=data),
        "jurisdictions": lambda: dependency.jurisdiction_shares(result),
        "exports": lambda: dependency.export_table(result, on, data),
        "lifecycle": lambda: lifecycle.lifecycle(result, data),
        "efficiency": lambda: efficiency.efficiency(result, data),
        "conditions": lambda: check_conditions(Evaluation.of(result, data)),
    }
    return {name: makers[name]() for name in what}


@app.command()
def analyse(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    what: Annotated[list[str] | None, typer.Option(help="analysis: " + ", ".join(ANALYSES))
                    ] = None,
    on: Annotated[list[str] | None, typer.Option(help="date(s) for export rules, "
                                                 "YYYY-MM-DD (default: the plan's as_of, "
                                                 "else 1 July of its year)")] = None,
    draws: Annotated[int | None, typer.Option(help="Monte Carlo draws")] = None,
    seed: Annotated[int | None, typer.Option(help="random seed")] = None,
    fmt: FormatOpt = "table",
    data: DataOpt = None,
) -> None:
    """A plan's concentration, dependency, export exposure, lifecycle, efficiency and
    conditions, each with mean and p5 / p50 / p95 over draws."""
    import moneytrail as mt
    from moneytrail.report.text import frame_table, frames_to_csv, frames_to_json

    check_format(fmt)
    plan = mt.load_scenario(scenario)
    result = run_trace(plan, data, draws, seed)
    frames = analysis_frames(plan, result, what or ["concentration", "dependency",
                                                      "exports", "lifecycle", "efficiency",
                                                      "conditions"], on or [], data)
    if fmt == "csv":
        print(frames_to_csv(frames), end="")
    elif fmt == "json":
        print(frames_to_json(frames, result.info))
    else:
        print_reconciliation(result)
        for name, frame in frames.items():
            console.print(frame_table(frame, title=f"{plan.id}: {name}"))


@app.command()
def validate(
    path: Annotated[Path | None, typer.Argument(help="data package folder, or a scenario "
                                                "YAML file (default: the bundled data)")] = None,
    data: DataOpt = None,
) -> None:
    """Check a data package (schema, keys, ranges, sums, sources) or a scenario file."""
    if path is not None and path.suffix in (".yaml", ".yml"):
        import moneytrail as mt
        from moneytrail.engine.demand import demand_sampler

        plan = mt.load_scenario(path)
        demand_sampler(plan, mt.load_model(plan.year, path=data))
        console.print(f"[green]ok[/green] {path}: valid scenario for the {plan.year} data")
        return
    from moneytrail.data.package import open_package
    from moneytrail.data.validate import package_problems

    package = open_package(path)
    problems = package_problems(package.root)
    for problem in problems:
        err.print(f"[red]error[/red] {problem}", highlight=False, soft_wrap=True)
    if problems:
        err.print(f"{len(problems)} problem(s) in {package.root}")
        raise typer.Exit(2)
    from moneytrail.data.validate import interval_warnings

    for warning in interval_warnings(package.root):
        err.print(f"[yellow]warning[/yellow] {warning}", highlight=False, soft_wrap=True)
    console.print(f"[green]ok[/green] {package.root}: data package {package.name} "
                  f"{package.version} is valid")


@app.command()
def demo(
    draws: Annotated[int, typer.Option(help="Monte Carlo draws per plan")] = 10_000,
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
) -> None:
    """Trace the three reference plans on the bundled data and compare them."""
    import moneytrail as mt
    from moneytrail.analysis.compare import compare_table, render_compare
    from moneytrail.report.text import emit

    plans = [mt.load_scenario(path) for path in mt.reference_scenarios()]
    results = trace_all(plans, None, draws, seed)
    for result in results:
        print_reconciliation(result)
        emit({"headline": tables_for(result, ["headline"])["headline"]}, fmt="table",
             info=result.info, console=console,
             titles={"headline": f"{result.plan.title}: where the money ends up"})
        console.print()
    console.print(render_compare(compare_table(results)))
    show_scorecard(results, console, demo_conditions_path())
    show_claims(console)


@app.command()
def bench(
    draws: Annotated[int, typer.Option(help="Monte Carlo draws per reference plan")] = 10_000,
    sizes: Annotated[str, typer.Option(help="comma-separated table sizes")] = "1000,3000,6000",
    fmt: FormatOpt = "table",
) -> None:
    """Benchmarks against the baselines the issues name, as ratios measured in one run."""
    import json

    import pandas as pd
    from rich.table import Table

    from moneytrail.bench import bench_sections

    check_format(fmt)
    sections = bench_sections(draws, tuple(int(s) for s in sizes.split(",") if s))
    if fmt == "json":
        print(json.dumps(sections, indent=2, default=float))
        return
    if fmt == "csv":
        print(pd.concat([pd.DataFrame(r).assign(section=k) for k, r in sections.items()])
              .to_csv(index=False), end="")
        return
    for title, rows in sections.items():      # one column per case: fits a terminal
        table = Table(title=title, title_justify="left")
        table.add_column("case")
        for row in rows:
            table.add_column(str(row["case"]), justify="right", overflow="fold")
        for key in [k for k in rows[0] if k != "case"]:
            table.add_row(key, *[f"{row[key]:.4g}" if isinstance(row[key], float)
                                 else str(row[key]) for row in rows])
        console.print(table)


@app.command()
def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    output: Annotated[str, typer.Option(help="what to explain, e.g. share:us_big_tech, "
                                        "share:entity:nvidia, share:country:TW, "
                                        "share:factor:labour")] = "share:us_big_tech",
    method: Annotated[str, typer.Option(help="tornado or sobol")] = "tornado",
    top: Annotated[int, typer.Option(help="parameters shown (sobol: varied)")] = 15,
    samples: Annotated[int, typer.Option(help="sobol base samples (a power of 2)")] = 512,
    seed: Annotated[int, typer.Option(help="random seed (sobol)")] = 1,
    scheduler: SchedulerOpt = None,
    fmt: FormatOpt = "table",
    data: DataOpt = None,
) -> None:
    """Which assumptions drive a result: tornado (low/high one at a time) or Sobol indices."""
    import moneytrail as mt
    from moneytrail.analysis import sensitivity as sa
    from moneytrail.report.text import emit

    check_format(fmt)
    if method not in ("tornado", "sobol"):
        raise MoneytrailError("unknown method (use tornado or sobol)", field="--method",
                              value=method)
    plan = mt.load_scenario(scenario)
    model = mt.load_model(plan.year, path=data)
    if method == "tornado":
        table = sa.tornado(plan, model, output, top=top, scheduler=scheduler)
        title = (f"{plan.id}: {table.attrs['output']} (central {table.attrs['base']:.4g}) "
                 "with each parameter at its low and high end")
    else:
        table = sa.sobol(plan, model, output, top=top, samples=samples, seed=seed,
                         scheduler=scheduler)
        title = (f"{plan.id}: Sobol indices of {table.attrs['output']} "
                 f"({table.attrs['runs']:,} runs)")
    if fmt == "table":
        console.print(sa.render(table, title))
    else:
        emit({method: table.set_index("parameter")}, fmt=fmt, info=dict(table.attrs),
             console=console)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 8000,
    db: Annotated[str | None, typer.Option("--db", help="ledger store: a SQLite file or a "
                                           "postgresql:// URL (default: SQLite in the user "
                                           "data folder)")] = None,
    data: DataOpt = None,
) -> None:
    """Run the web app and HTTP API (open the address it prints in a browser)."""
    from moneytrail.web.server import serve as run

    run(host=host, port=port, db=db, data=str(data) if data else None)


def main() -> None:
    from typer._click.exceptions import ClickException as TyperClickException

    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except MoneytrailError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", getattr(exc, "code", 0))
        sys.exit(code or 0)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except TyperClickException as exc:      # usage errors: unknown option, bad value, ...
        exc.show()
        sys.exit(2)


if __name__ == "__main__":
    main()
