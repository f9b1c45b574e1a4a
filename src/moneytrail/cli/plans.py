"""Commands on plans: trace, compare, analyse, sensitivity, report, demo, show, validate,
bench.

Each parses its options, calls one service function (`moneytrail.service.tasks`) and renders
the result (`moneytrail.report.terminal`). Nothing is computed here.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from moneytrail.cli.common import (
    DataOpt,
    DbOpt,
    DrawsOpt,
    FormatOpt,
    MetaOpt,
    SchedulerOpt,
    SeedOpt,
    as_options,
    console,
    country_labels,
    entity_labels,
    err,
    integer,
    plan_categories,
    progress_bar,
    workspace,
)
from moneytrail.draws import counted, draws_text
from moneytrail.errors import MoneytrailError
from moneytrail.report.units import whole_lines

BY_CHOICES = ("headline", "entity", "country", "owner_country", "group", "factor", "tier",
              "supplier", "country_factor", "owner_country_factor", "evidence", "jobs", "co2")


def reconciliation(result) -> str:
    """The line that says what was traced and that money is conserved in every draw."""
    from moneytrail.report.terminal import money
    from moneytrail.report.units import number, oversized_sentence, prices_text
    from moneytrail.service.tasks import facts_warnings

    facts = result.facts
    plan = result.provenance.inputs.get("plan") or {}
    prices = prices_text(facts.get("year", plan.get("year")), plan.get("price_year"))
    return (f"{facts['title']}: {money(facts['total'], facts['currency'])}{prices} traced over "
            f"{draws_text(facts['draws'], 'draw')} (seed {facts['seed']}); value added "
            f"reconciles to the spending in every draw (largest gap {facts['currency']} "
            f"{number(facts['conservation_gap'])}). Data {result.provenance.data_label}."
            + "".join(f"\nWarning: {oversized_sentence(row, facts['currency'])}"
                      for row in facts_warnings(facts)))


def print_warnings(warnings: list[dict], currency: str) -> None:
    """A plan's warnings (service.tasks.plan_warnings), one line each on stderr."""
    from rich.markup import escape

    from moneytrail.report.units import oversized_sentence

    for row in warnings:
        err.print(f"[yellow]warning[/yellow] {escape(oversized_sentence(row, currency))}",
                  markup=True, highlight=False, soft_wrap=True)


def check_by(by: list[str]) -> list[str]:
    """The breakdowns asked for, each once and in the order first given (`--by country --by
    country` prints one table)."""
    for dimension in by:
        if dimension not in BY_CHOICES:
            raise MoneytrailError(f"unknown breakdown (use {', '.join(BY_CHOICES)})",
                                  field="--by", value=dimension)
    return list(dict.fromkeys(by))


def trace(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    draws: DrawsOpt = None,
    seed: SeedOpt = None,
    by: Annotated[list[str] | None, typer.Option(help="breakdown(s): " + ", ".join(
        BY_CHOICES) + " (default headline; --format json without --by writes the whole "
        "run, with --by only these tables, naming all the run's under run_tables)")] = None,
    fmt: FormatOpt = "table",
    meta: MetaOpt = None,
    data: DataOpt = None,
    deal: Annotated[str | None, typer.Option(help="trace this ledger deal's amount with the "
                                             "scenario's spending split")] = None,
    stage: Annotated[str | None, typer.Option(
        help="ledger stage for --deal: announced, committed (default) or disbursed")] = None,
    db: DbOpt = None,
    scheduler: SchedulerOpt = None,
) -> None:
    """Trace a plan's spending through the supply chain (summaries stream from the draws)."""
    from moneytrail.report.terminal import check_format, emit
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    check_format(fmt, meta)
    names = check_by(by or ["headline"])
    if stage is not None and not deal:      # it would be ignored: say so before any work
        from moneytrail.errors import MoneytrailError

        raise MoneytrailError("--stage only applies with --deal (the ledger deal whose "
                              "amount at that stage is traced)", field="--stage", value=stage)
    plan = load_scenario(scenario, categories=plan_categories(data))
    with workspace(data, db) as ws:
        if deal:
            from moneytrail.cli.ledger import option_names
            from moneytrail.ledger.trace import plan_for_deal

            # the ledger names its parameters (deal, stage): here they are options
            with option_names({"deal": "--deal", "stage": "--stage"}):
                plan = plan_for_deal(plan, ws.ledger(), deal, stage or "committed")
        total = plan.draws if draws is None else draws
        with progress_bar(f"tracing {plan.id}", total) as step:
            result = tasks.trace_plan(ws, plan, draws=draws, seed=seed, analyses=False,
                                      scheduler=scheduler, progress=step)
        entities = entity_labels(ws, result, fmt, names)
        countries = country_labels(ws, result, fmt, names)
    if fmt != "table":      # the table's header line says it; JSON and CSV keep to the data
        print_warnings(tasks.facts_warnings(result.facts), result.facts["currency"])
    # JSON without --by is the whole run, as `show RUN --format json` gives it; the terminal
    # and CSV show the headline table by default
    emit(result, fmt, console, err, names=None if fmt == "json" and not by else names,
         header=reconciliation(result), entities=entities, countries=countries, meta=meta)


def load_plans(paths: list[Path], data: Path | None = None) -> list:
    """The plans of scenario files, for the data package at `data` (None: the bundled one)."""
    from moneytrail.scenarios import load_scenario

    categories = plan_categories(data)
    return [load_scenario(path, categories=categories) for path in paths]


def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="two or more scenario files")],
    draws: DrawsOpt = None,
    seed: SeedOpt = None,
    fmt: FormatOpt = "table",
    meta: MetaOpt = None,
    data: DataOpt = None,
    db: DbOpt = None,
    conditions: Annotated[Path | None, typer.Option(help="hold every plan to the conditions "
                                                    "in this YAML file")] = None,
    table_name: Annotated[str | None, typer.Option("--table", help="only this table: "
                                                   "headline, scorecard, tco, "
                                                   "rent_recipients or procurement (JSON: "
                                                   "names the others under "
                                                   "run_tables)")] = None,
    cap: Annotated[float | None, typer.Option(help="procurement rule: no firm above this "
                                              "share of a category (default: the data's "
                                              "single-supplier threshold, 0.5)")] = None,
    eu_weight: Annotated[float | None, typer.Option(help="procurement rule: weight on EU "
                                                    "suppliers' shares, 1 to 100 (default "
                                                    "2; 1: none)")] = None,
    procurement: Annotated[bool, typer.Option(help="show the plans under procurement "
                                              "rules")] = True,
) -> None:
    """Put plans side by side: headline shares, the scorecard (rent share included), each
    plan's total cost of ownership (TCO), the largest rent recipients and the plans under
    procurement rules, median and 90 % interval."""
    from moneytrail.report.terminal import check_format, emit
    from moneytrail.scenarios.conditions import load_conditions
    from moneytrail.service import tasks

    check_format(fmt, meta)
    tables = ("headline", "scorecard", "tco", "rent_recipients", "procurement")
    if table_name not in (None, *tables):
        raise MoneytrailError(f"unknown table (use {', '.join(tables)})", field="--table",
                              value=table_name)
    rules = load_conditions(conditions) if conditions is not None else None   # before tracing
    plans = load_plans(scenarios, data)
    with workspace(data, db) as ws:
        buying: object = None
        if procurement:
            buying = tasks.procurement_rules(ws, cap=cap, eu_weight=eu_weight)
        total = sum(p.draws if draws is None else draws for p in plans)
        with progress_bar("tracing", total) as step:
            result = tasks.compare_plans(ws, plans, draws=draws, seed=seed, conditions=rules,
                                         progress=step, procurement=buying)
        entities = entity_labels(ws, result, fmt, [table_name] if table_name else None)
        countries = country_labels(ws, result, fmt, [table_name] if table_name else None)
    if table_name is not None and table_name not in result.tables:
        why = ("the store holds this comparison from before comparisons kept each plan's "
               "TCO: moneytrail analyse PLAN --what lifecycle gives it" if table_name == "tco"
               else "the data package has no capital table, or --no-procurement")
        raise MoneytrailError(f"this comparison has no such table ({why})", field="--table",
                              value=table_name)
    emit(result, fmt, console, err, names=[table_name] if table_name else None,
         entities=entities, countries=countries, meta=meta)


def analyse(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    what: Annotated[list[str] | None, typer.Option(help="analysis: concentration, markets, "
                                                   "dependency, jurisdictions, exports, "
                                                   "lifecycle, efficiency, conditions, jobs, "
                                                   "co2, market_power, procurement")] = None,
    on: Annotated[list[str] | None, typer.Option(help="date(s) for export rules, "
                                                 "YYYY-MM-DD (default: the plan's as_of, "
                                                 "else 1 July of its year)")] = None,
    draws: DrawsOpt = None,
    seed: SeedOpt = None,
    fmt: FormatOpt = "table",
    meta: MetaOpt = None,
    data: DataOpt = None,
    db: DbOpt = None,
) -> None:
    """A plan's concentration, dependency, export exposure, lifecycle, efficiency and
    conditions, each with mean and p5 / p50 / p95 over draws."""
    from moneytrail.report.terminal import check_format, emit
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    check_format(fmt, meta)
    try:
        dates = list(dict.fromkeys(dt.date.fromisoformat(d) for d in on or []))
    except ValueError as exc:
        raise MoneytrailError(f"not a date ({exc})", field="--on",
                              value=", ".join(on or [])) from None
    plan = load_scenario(scenario, categories=plan_categories(data))
    with workspace(data, db) as ws, as_options("on", "what"):
        total = plan.draws if draws is None else draws
        with progress_bar(f"tracing {plan.id}", total) as step:
            result = tasks.analyse_plan(ws, plan, what, dates or None, draws=draws, seed=seed,
                                        progress=step)
        entities = entity_labels(ws, result, fmt)
        countries = country_labels(ws, result, fmt)
    emit(result, fmt, console, err, header=reconciliation(result), entities=entities,
         countries=countries, meta=meta)


def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    output: Annotated[str, typer.Option(
        help="what to explain, MEASURE:[DIMENSION:]LABEL with MEASURE share or amount: "
             "share:us_tech_giants (the default: US tech giants, Nvidia, Amazon, Microsoft, "
             "Google), share:us_big_tech (the three US hyperscalers Amazon, Microsoft, Google "
             "only, without Nvidia: a small share), "
             "share:entity:nvidia, share:country:TW (value added there), "
             "share:owner_country:US (accruing there), share:factor:labour, "
             "share:supplier:nvidia (first invoices)")] = "share:us_tech_giants",
    method: Annotated[str, typer.Option(help="tornado or sobol")] = "tornado",
    top: Annotated[int, typer.Option(help="parameters shown (sobol: varied)", parser=integer)] = 15,
    samples: Annotated[int, typer.Option(help="sobol base samples (a power of 2)",
                                         parser=integer)] = 512,
    seed: Annotated[int, typer.Option(help="random seed (sobol)", parser=integer)] = 1,
    scheduler: SchedulerOpt = None,
    fmt: FormatOpt = "table",
    meta: MetaOpt = None,
    data: DataOpt = None,
    db: DbOpt = None,
) -> None:
    """Which assumptions drive a result: tornado (low/high one at a time) or Sobol indices."""
    from moneytrail.report.terminal import check_format, emit
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    check_format(fmt, meta)
    plan = load_scenario(scenario, categories=plan_categories(data))
    with workspace(data, db) as ws, as_options("method"):
        result = tasks.sensitivity(ws, plan, output, method=method, top=top, samples=samples,
                                   seed=seed, scheduler=scheduler)
        names: dict[str, dict[str, str] | None] = {"entities": None, "countries": None,
                                                   "categories": None}
        if fmt == "table":               # CSV and JSON keep the ids
            categories = ws.valuechain.categories
            names = {"entities": ws.valuechain.entity_names(),
                     "countries": ws.valuechain.country_names(),
                     "categories": dict(zip(categories["id"], categories["name"],
                                            strict=True))}
    header = sensitivity_header(result, names)
    if fmt == "csv" and header:          # the CSV keeps the ids: its output in words apart
        err.print(header, highlight=False, soft_wrap=True)
    emit(result, fmt, console, err, header=header,
         entities=names["entities"], countries=names["countries"],
         categories=names["categories"], meta=meta)


def sensitivity_header(result: Any, names: dict[str, Any]) -> str | None:
    """The tornado's output with every parameter central, in its unit (report.units), and
    what a group output leaves out (report.sensitivity.output_hint: share:us_big_tech is the
    three US hyperscalers only)."""
    from moneytrail.report.sensitivity import output_hint, output_label
    from moneytrail.report.units import in_unit

    facts = result.facts or {}
    if "base" not in facts:
        return None
    output = str(facts.get("output", ""))
    label = output_label(output, names["entities"], names["countries"])
    hint = output_hint(output)
    return (f"{label[:1].upper()}{label[1:]}: {in_unit(facts['base'], facts.get('unit', ''))} "
            "with every parameter central" + (f" ({hint})" if hint else ""))


def report(
    items: Annotated[list[str], typer.Argument(metavar="PLAN_OR_RUN...",
                                               help="scenario YAML files or stored run ids "
                                               "(or their first 8 or more digits, as show "
                                               "takes them): one gives a plan briefing, "
                                               "several a comparison")],
    output: Annotated[Path, typer.Option("--output", "-o", help="briefing.pdf or "
                                         "briefing.html")],
    draws: DrawsOpt = None,
    seed: SeedOpt = None,
    data: DataOpt = None,
    db: DbOpt = None,
) -> None:
    """Write a briefing (A4 PDF or one offline HTML file) with a source under every figure."""
    import time

    from moneytrail.report.briefing import format_of, render_briefing, resolve_runs

    fmt = format_of(output)
    folder = output.expanduser().resolve().parent
    if not folder.is_dir():       # checked before any work starts; a typo: bad input, exit 2
        raise MoneytrailError("cannot write the report: the folder does not exist (create it "
                              "first, or give a file in an existing folder)",
                              field="--output", value=str(output))
    started = time.monotonic()

    def say(step: str, done: int, total: int) -> None:
        err.print(f"[{time.monotonic() - started:5.1f} s] {step}", highlight=False)

    with workspace(data, db) as ws:
        results, asked = resolve_runs(ws, items, draws=draws, seed=seed, progress=say)
        for rid, source in asked.items():
            err.print(f"run {source.run_id}: {source.why}; the briefing shows run {rid}",
                      highlight=False, soft_wrap=True)
        content = render_briefing(ws, results, fmt=fmt, progress=say, asked=asked)
    output.write_bytes(content)
    err.print(f"wrote {output} ({len(content):,} bytes, {time.monotonic() - started:.1f} s)",
              highlight=False)


FLOW_TABLES = ("flows_first", "flows_location", "flows_ownership")   # web.runs.FLOW_TITLES


def shown_tables(result, table: str | None, fmt: str) -> list[str] | None:
    """The tables `show` prints: `--table`'s one (refused, naming the run's tables, when the
    run has none of that name), else all (None); CSV holds one table, so CSV of a run with
    several without --table is refused with their names (trace gives one CSV table per
    breakdown, the API one per ?table=)."""
    available = list(result.tables)
    if table is not None:
        if table not in result.tables:
            # the web app's API also serves each chart's flows, derived from these tables
            flows = " (a chart's flows, flows_first, flows_location or flows_ownership, are " \
                "not stored tables: the web app's API derives them, ?table=" + table + ")" \
                if table in FLOW_TABLES else ""
            raise MoneytrailError(f"this run has no such table (its "
                                  f"{counted(len(available), 'table')}: "
                                  f"{', '.join(available)}){flows}", field="--table",
                                  value=table)
        return [table]
    if fmt == "csv" and len(available) > 1:
        raise MoneytrailError(f"CSV holds one table and this run has {len(available)}: "
                              f"choose one with --table ({', '.join(available)}), or use "
                              f"--format json for all", field="--table")
    return None


def show(
    run: Annotated[str, typer.Argument(help="run id (printed under every result)")],
    fmt: FormatOpt = "table",
    meta: MetaOpt = None,
    db: DbOpt = None,
    table_name: Annotated[str | None, typer.Option(
        "--table", help="only this table of the run (headline, entity, scorecard, ...: the "
        "names in its JSON); CSV holds one table, so a run with several needs it")] = None,
) -> None:
    """Print a stored run again, exactly as it was computed (--table: one of its tables)."""
    from moneytrail.report.terminal import check_format, emit
    from moneytrail.service import tasks

    check_format(fmt, meta)
    with workspace(None, db) as ws:
        result = tasks.show_run(ws, run)
        names = shown_tables(result, table_name, fmt)
        entities = entity_labels(ws, result, fmt, names)
        countries = country_labels(ws, result, fmt, names)
    header = reconciliation(result) if result.kind in ("trace", "analyse") else result.title
    emit(result, fmt, console, err, names=names, header=header, entities=entities,
         countries=countries, meta=meta)


def demo(
    draws: Annotated[int, typer.Option(help="Monte Carlo draws per plan", parser=integer)] = 10_000,
    seed: Annotated[int, typer.Option(help="random seed", parser=integer)] = 1,
    db: DbOpt = None,
) -> None:
    """Trace the three reference plans on the bundled data and compare them."""
    from moneytrail.ledger.location import ENV_URL
    from moneytrail.report.terminal import emit
    from moneytrail.scenarios.reference import reference_scenarios
    from moneytrail.service import tasks

    plans = load_plans(reference_scenarios())
    with workspace(None, db) as ws:
        demo_run = tasks.demo(ws, plans, draws=draws, seed=seed)
        entities = entity_labels(ws, demo_run.comparison, "table")
    for result in demo_run.traces:
        emit(result, "table", console, err, names=["headline"], header=reconciliation(result))
    emit(demo_run.comparison, "table", console, err, entities=entities)
    emit(demo_run.claims, "table", console, err)
    if demo_run.store is not None:
        given = db is not None or bool(os.environ.get(ENV_URL))
        for line in store_lines(demo_run.store, given=given):
            console.print(line, highlight=False, markup=False,
                          soft_wrap=whole_lines(console.width, console.is_terminal))


def store_lines(url: str, *, given: bool) -> list[str]:
    """The demo's last lines: where its runs are stored (the SQLite file of a SQLite `url`,
    else the URL with its password as ***: ledger.connection.url_name) and how to open that
    store in the web app: `moneytrail serve --db ...` when the store was chosen (`given`:
    --db or MONEYTRAIL_DATABASE_URL), else `make serve`, which opens the default store."""
    from shlex import quote

    from moneytrail.ledger.connection import url_name
    from moneytrail.ledger.location import sqlite_file

    name = url_name(url)
    where = f"the SQLite file {name}" if sqlite_file(url) else f"the database {name}"
    serve, hint = "make serve (or `moneytrail serve`)", ""
    if given:
        serve = f"moneytrail serve --db {quote(name)}"
        hint = " (with your password in place of ***)" if "***" in name else ""
    return [f"The runs are stored in {where}.",
            f"Open them in the web app: {serve}{hint}, then http://127.0.0.1:8000 in a "
            "browser."]


def validate(
    path: Annotated[Path | None, typer.Argument(help="data package folder, or a scenario "
                                                "YAML file (default: the bundled data)")] = None,
    data: DataOpt = None,
    summary: Annotated[bool, typer.Option("--summary", help="also print the data-quality "
                                          "targets (assumptions, weak sources, primary "
                                          "references) and whether they are met, and list "
                                          "documents recorded under several source "
                                          "ids")] = False,
) -> None:
    """Check a data package (schema, keys, ranges, sums, sources) or a scenario file."""
    if path is None and data is not None:        # `validate --data DIR` checks that package
        path = data
    if path is not None and path.suffix in (".yaml", ".yml"):
        from moneytrail.scenarios import load_scenario
        from moneytrail.service.tasks import plan_warnings, price_year_note, validate_plan

        plan = load_scenario(path, categories=plan_categories(data))
        with workspace(data, None) as ws:
            plan = validate_plan(ws, plan)
            prices = price_year_note(ws, plan)
            warnings = plan_warnings(ws, plan)
        from rich.markup import escape

        console.print(f"[green]ok[/green] {escape(str(path))}: valid scenario for the "
                      f"{plan.year} data" + (f" ({escape(prices)})" if prices else ""),
                      markup=True, highlight=False)
        print_warnings(warnings, plan.currency)
        return
    from rich.markup import escape  # a problem quotes the data: shown as written

    from moneytrail.data.package import open_package
    from moneytrail.data.validate import (
        footprint_gaps,
        interval_warnings,
        package_problems,
        shared_url_warnings,
    )

    package = open_package(path)
    problems = package_problems(package.root)
    for problem in problems:
        err.print(f"[red]error[/red] {escape(str(problem))}", markup=True, highlight=False,
                  soft_wrap=True)
    if problems:
        err.print(f"{len(problems)} problem(s) in {package.root}")
        raise typer.Exit(2)
    for warning in interval_warnings(package.root) + footprint_gaps(package.root):
        err.print(f"[yellow]warning[/yellow] {escape(str(warning))}", markup=True,
                  highlight=False, soft_wrap=True)
    shared = shared_url_warnings(package.root)      # allowed: listed, never an error
    for note in shared if summary else []:
        err.print(f"[cyan]note[/cyan] {escape(str(note))}", markup=True, highlight=False,
                  soft_wrap=True)
    if shared and not summary:
        err.print(f"[cyan]note[/cyan] {len(shared)} document(s) recorded under more than one "
                  "source id (allowed; their source pages link them; `validate --summary` "
                  "lists them)", markup=True, highlight=False, soft_wrap=True)
    console.print(f"[green]ok[/green] {escape(str(package.root))}: data package "
                  f"{escape(str(package.name))} {escape(str(package.version))} is valid",
                  markup=True)
    if summary:
        from moneytrail.data.summary import targets
        from moneytrail.report.plain import DataTable, plain

        table = DataTable(title="Data-quality targets (issue 10)", title_justify="left",
                      show_lines=True)
        for column in ("target", "value", "goal", "met", "detail"):
            table.add_column(column, overflow="fold")
        for target in targets(package):
            value = f"{100 * target.value:.1f} %" if target.unit == "share" else \
                f"{target.value:g}"
            goal = f"<= {100 * target.target:.0f} %" if target.unit == "share" else \
                f"<= {target.target:g}"
            table.add_row(target.name, value, goal, plain("yes", "green") if target.met else
                          plain("no", "red"), target.detail)
        console.print(table)


def bench(
    draws: Annotated[int, typer.Option(help="Monte Carlo draws per reference plan",
                                       parser=integer)] = 10_000,
    sizes: Annotated[str, typer.Option(help="comma-separated table sizes")] = "1000,3000,6000",
    repeat: Annotated[int, typer.Option(help="timed runs per side (medians)", min=1)] = 3,
    cluster_draws: Annotated[int, typer.Option(
        help="draws on a 2-worker LocalCluster (0: skip; the issue's target is 10000000)",
        min=0)] = 200_000,
    only: Annotated[str, typer.Option(
        help="comma-separated sections: startup, demo, trace, mrio, demand, perturbed, full, "
             "cluster, web, load")] = "",
    fmt: FormatOpt = "table",
) -> None:
    """Benchmarks against the targets of the issues, as ratios to yardsticks timed in the same
    run (medians of --repeat interleaved runs on both sides)."""
    import json

    import pandas as pd

    from moneytrail.bench import SECTIONS, bench_sections, check_sections
    from moneytrail.report.plain import DataTable
    from moneytrail.report.terminal import check_format

    check_format(fmt)
    chosen = tuple(s.strip() for s in only.split(",") if s.strip()) or SECTIONS
    try:
        check_sections(chosen)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--only") from None
    sections = bench_sections(draws, tuple(int(s) for s in sizes.split(",") if s),
                              repeat=repeat, cluster_draws=cluster_draws, only=chosen)
    if fmt == "json":
        print(json.dumps(sections, indent=2, default=float))
        return
    if fmt == "csv":
        print(pd.concat([pd.DataFrame(r).assign(section=k) for k, r in sections.items()])
              .to_csv(index=False), end="")
        return
    for title, rows in sections.items():      # one column per case: fits a terminal
        table = DataTable(title=title, title_justify="left")
        table.add_column("case")
        for row in rows:
            table.add_column(str(row["case"]), justify="right", overflow="fold")
        for key in [k for k in rows[0] if k != "case"]:
            table.add_row(key, *[f"{row.get(key):.4g}" if isinstance(row.get(key), float)
                                 else str(row.get(key, "-")) for row in rows])
        console.print(table)


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 8000,
    db: DbOpt = None,
    data: DataOpt = None,
    trust_proxy: Annotated[list[str] | None, typer.Option(
        "--trust-proxy", help="address or network of a reverse proxy whose X-Forwarded-For "
        "and X-Forwarded-Proto are believed (repeat it, or separate with commas; default: "
        "none, forwarded headers are ignored)")] = None,
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", help="a host name the app answers to in the Host header, as "
        "clients reach it (example.org, *.example.org; repeat it, or separate with commas; "
        "default: $MONEYTRAIL_ALLOWED_HOSTS, else localhost, 127.0.0.1, [::1] and the --host "
        "address); any other Host gets 400")] = None,
) -> None:
    """Run the web app and HTTP API (open the address it prints in a browser)."""
    from moneytrail.web.server import serve as run

    run(host=host, port=port, db=db, data=str(data) if data else None,
        trusted_proxies=trust_proxy or (), hosts=allowed_host or ())
