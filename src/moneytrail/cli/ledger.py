"""`moneytrail ledger ...`: read, query and change the ledger store from the command line.

Imports stay light (typer only) so `moneytrail --help` is fast; the store is opened per command.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from moneytrail.cli.common import console, err, given_store, integer
from moneytrail.errors import MoneytrailError
from moneytrail.ledger.errors import LedgerError

ledger_app = typer.Typer(no_args_is_help=True, help="The ledger: announced, committed and "
                         "disbursed amounts, every one sourced; every change kept.")

DbOpt = Annotated[str | None, typer.Option("--db", help="database URL or SQLite file (default: "
                                            "$MONEYTRAIL_DATABASE_URL or the user data dir)",
                                            callback=given_store)]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json")]
CurrencyOpt = Annotated[str, typer.Option("--currency", help="ISO currency of the output")]
PriceYearOpt = Annotated[int | None, typer.Option("--price-year", help="prices of this year "
                                                   "(default: latest deflator year)",
                                                   parser=integer)]
RegionOpt = Annotated[list[str] | None, typer.Option("--region", help="region code(s)")]
SectorOpt = Annotated[str | None, typer.Option("--sector", help="public, private or mixed")]
PurposeOpt = Annotated[str | None, typer.Option("--purpose", help="e.g. compute, capex")]
YearOpt = Annotated[int | None, typer.Option("--year", help="year the deal was announced",
                                              parser=integer)]
StageOpt = Annotated[str | None, typer.Option("--stage", help="only deals with a claim of "
                                              "this stage")]
AuthorOpt = Annotated[str | None, typer.Option("--author", help="who makes the change "
                                               "(default: $USER)")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="why (kept in the history; "
                                        "required)")]
ImportReasonOpt = Annotated[str, typer.Option(
    "--reason", help="why (kept in the history; default: 'import of data package NAME "
    "VERSION')")]
RevisionOpt = Annotated[int | None, typer.Option(
    "--revision", help="the ledger as it was at this store revision (as a web page's "
    "citation names it; see 'ledger history'); default: the newest", parser=integer)]
COMMAND_LINE = " (command line)"     # after the author of a write made here (see author_of)


def open_ledger(db: str | None):
    import moneytrail.ledger

    return moneytrail.ledger.open(db)


@contextmanager
def reading(db: str | None, revision: int | None) -> Iterator:
    """The ledger store to read, as it was at `revision` when given (Ledger.at)."""
    with open_ledger(db) as ledger:
        yield ledger if revision is None else ledger.at(revision)


# the ledger queries' parameters (named by their errors) and the options that set them
OPTION_NAMES = {"by": "--by", "stage": "--stage", "region": "--region", "sector": "--sector",
                "purpose": "--purpose", "year": "--year", "currency": "--currency",
                "price_year": "--price-year", "include_needs": "--include-needs",
                "revision": "--revision"}


@contextmanager
def option_names(names: dict[str, str] | None = None) -> Iterator[None]:
    """Errors of the ledger queries inside name the CLI option, not the Python parameter
    (`field 'by'` -> `field '--by'`): the service names its parameters, the CLI its
    options."""
    names = OPTION_NAMES if names is None else names
    try:
        yield
    except MoneytrailError as exc:
        if exc.field in names:
            raise exc.renamed(names[exc.field]) from None
        raise


def author_of(author: str | None) -> str | None:
    """The author a write made here is kept under: --author (default: $USER) followed by
    COMMAND_LINE, so the history tells `alice (command line)` from alice's signed-in web
    edits (account names never hold a space or a bracket)."""
    from moneytrail.ledger.store import AUTHOR_LENGTH
    from moneytrail.text import length_problem, shown_text

    name = (author or os.environ.get("USER") or "").strip()
    problem = length_problem(name, AUTHOR_LENGTH - len(COMMAND_LINE))
    if problem:
        raise LedgerError(problem, field="author", value=shown_text(name))
    return name + COMMAND_LINE if name else None


def reason_of(reason: str) -> str:
    """A write's --reason: required and not blank, as the web forms and the API ask."""
    if not reason.strip():
        raise MoneytrailError("a reason is required (it is kept in the history): say why "
                              "the ledger changes with --reason", field="--reason",
                              value=reason if reason else None)
    return reason.strip()


def parse_fields(pairs: list[str]) -> dict[str, str]:
    fields = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise LedgerError("expected FIELD=VALUE", field="fields", value=pair)
        if name.strip() in fields:
            raise LedgerError("field given twice (give each field once)", field=name.strip(),
                              value=value)
        fields[name.strip()] = value
    return fields


def filters(region, sector, purpose, year, stage) -> dict:
    return {"region": region or None, "sector": sector, "purpose": purpose, "year": year,
            "stage": stage}


def emit(frames, fmt: str, **kwargs) -> None:
    from moneytrail.report.ledger import check_format
    from moneytrail.report.ledger import emit as emit_frames

    emit_frames(frames, fmt=check_format(fmt), console=console, **kwargs)


def unit(frame) -> str:
    if frame.empty or "currency" not in frame.columns:
        return ""
    return f"amounts in {frame['currency'].iloc[0]} at {frame['price_year'].iloc[0]} prices"


def said(result, what: str) -> None:
    numbers = result.revisions
    revisions = "none" if not numbers else ", ".join(map(str, numbers)) if len(numbers) < 6 \
        else f"{numbers[0]}..{numbers[-1]}"
    err.print(f"{what}: {result.added} added, {result.changed} changed, {result.removed} "
              f"removed, {result.unchanged} unchanged (revisions {revisions})", highlight=False)


def warn(warnings: tuple[str, ...], what: str) -> None:
    """One 'warning:' line on stderr per thing to check in a record just written (kept)."""
    for text in warnings:
        err.print(f"warning: {what}: {text}; kept (check the date or the deal)",
                  highlight=False, markup=False)


@ledger_app.command("list")
def list_(region: RegionOpt = None, sector: SectorOpt = None, purpose: PurposeOpt = None,
          year: YearOpt = None, stage: StageOpt = None, currency: CurrencyOpt = "EUR",
          price_year: PriceYearOpt = None, db: DbOpt = None, fmt: FormatOpt = "table",
          revision: RevisionOpt = None,
          search: Annotated[str | None, typer.Option(
              "--search", help="only deals whose id, name, announcer or description holds "
              "this text (any case)")] = None) -> None:
    """Deals with the central amount of their latest claim at each stage."""
    from moneytrail.ledger.records import STAGES

    with option_names(), reading(db, revision) as ledger:
        frame = ledger.list(currency=currency, price_year=price_year,
                            **filters(region, sector, purpose, year, stage),
                            **({"search": search} if search else {}))
    if frame.empty and fmt == "table":      # CSV and JSON keep their headers for scripts
        given = [f"{name} {','.join(map(str, value)) if isinstance(value, list) else value}"
                 for name, value in (("--region", region), ("--sector", sector),
                                     ("--purpose", purpose), ("--year", year),
                                     ("--stage", stage)) if value]
        given += [f"--search {search!r}"] if search else []
        console.print(f"No deals match {', '.join(given)}." if given
                      else "The ledger holds no deals.", highlight=False, markup=False)
        return
    # the terminal table leaves out `id` (`deal` again) and each stage's as-of date and
    # source id (in the CSV and JSON; `ledger show DEAL` prints them)
    view = frame.drop(columns=["currency", "price_year", "id",
                               *[f"{s}_{c}" for s in STAGES
                                 for c in ("as_of", "source", "reliability")],
                               *[f"{s}_in_parts_{c}" for s in STAGES[1:]
                                 for c in ("sources", "reliability")]])
    emit({"deals": frame}, fmt, titles={"deals": "Deals"}, caption=unit(frame),
         views={"deals": view[["deal", *[c for c in view.columns if c != "deal"]]]})


@ledger_app.command()
def status(region: RegionOpt = None, sector: SectorOpt = None, purpose: PurposeOpt = None,
           year: YearOpt = None, stage: StageOpt = None, db: DbOpt = None,
           fmt: FormatOpt = "table") -> None:
    """How current the ledger is: newest and oldest as-of date, overall and per region, and
    claims per as-of year; then the store, its schema revision and the code's version (CSV
    and JSON: the table `store`)."""
    import datetime as dt

    from moneytrail.ledger import queries

    with open_ledger(db) as ledger:
        tables = ledger.tables()
        store = store_facts(ledger)
    chosen = filters(region, sector, purpose, year, stage)
    today = dt.date.today().isoformat()
    with option_names():
        frames = {"freshness": queries.freshness(tables, today=today, **chosen),
                  "claims_per_year": queries.claims_per_year(tables, **chosen)}
    titles = {"freshness": f"How current the ledger is (today {today})",
              "claims_per_year": "Claims by the year their figure refers to (as_of)"}
    if fmt != "table":                  # CSV and JSON: the store is one more table
        import pandas as pd

        emit({**frames, "store": pd.DataFrame([store])}, fmt, titles=titles)
        return
    from moneytrail.report.ledger import store_line

    emit(frames, fmt, titles=titles)
    console.print(store_line(store), highlight=False, markup=False, soft_wrap=True)


def store_facts(ledger) -> dict[str, object]:
    """What `ledger status` says of the store itself: `store` (its SQLite file, or its URL
    with the password as ***: ledger.connection.store_name), `schema_revision` (Alembic's,
    e.g. '0011'), `newest_schema_revision` (the newest migration this code ships; None when
    its migrations have no single head), `schema_is_newest`, `code_version` (the installed
    moneytrail) and `data_version` (the data package last imported into the store; None
    when none was)."""
    import moneytrail
    from moneytrail.ledger.connection import store_name
    from moneytrail.ledger.migrate import head_revision

    revision, newest = ledger.schema_revision(), head_revision()
    return {"store": store_name(ledger.engine), "schema_revision": revision,
            "newest_schema_revision": newest,
            "schema_is_newest": revision is not None and revision == newest,
            "code_version": moneytrail.__version__, "data_version": ledger.meta("data_version")}


@ledger_app.command()
def show(deal: Annotated[str, typer.Argument(help="deal id")], currency: CurrencyOpt = "EUR",
         price_year: PriceYearOpt = None, db: DbOpt = None, fmt: FormatOpt = "table",
         revision: RevisionOpt = None) -> None:
    """A deal with all its claims (used ones marked), sources and overlap links."""
    with option_names(), reading(db, revision) as ledger:
        frames = ledger.show(deal, currency=currency, price_year=price_year)
    from moneytrail.report.ledger import claims_view

    emit(frames, fmt, views={"claims": claims_view(frames["claims"]), "sources": frames[
        "sources"][["id", "publisher", "title", "reliability", "url"]]},
        titles={"deal": f"Deal {deal}", "claims": "Claims (used = latest non-superseded of "
                "its stage)", "sources": "Sources", "links": "Overlap links"})


KIND_NOTE = ("; kind need, expectation or cost: not a pledge (an estimate of what is needed, "
             "an expected investment, a disclosed cost), left out of totals")


@ledger_app.command()
def reality(region: RegionOpt = None, sector: SectorOpt = None, purpose: PurposeOpt = None,
            year: YearOpt = None, stage: StageOpt = None, currency: CurrencyOpt = "EUR",
            price_year: PriceYearOpt = None, db: DbOpt = None,
            fmt: FormatOpt = "table") -> None:
    """How real is it: committed/announced and disbursed/announced per deal, with dates."""
    from moneytrail.report.ledger import reality_view

    with option_names(), open_ledger(db) as ledger:
        frame = ledger.reality(currency=currency, price_year=price_year,
                               **filters(region, sector, purpose, year, stage))
    emit({"reality": frame}, fmt, views={"reality": reality_view(frame)},
         titles={"reality": "Announced, committed, disbursed (latest non-superseded claim "
                 "of each stage)"}, caption=unit(frame) + KIND_NOTE)


@ledger_app.command()
def totals(by: Annotated[list[str] | None, typer.Option(
               "--by", help="region, sector, purpose, year (repeat; default region)")] = None,
           stage: Annotated[str, typer.Option("--stage", help="stage to add up")] =
           "announced",
           region: RegionOpt = None, sector: SectorOpt = None, purpose: PurposeOpt = None,
           year: YearOpt = None, currency: CurrencyOpt = "EUR",
           price_year: PriceYearOpt = None,
           include_needs: Annotated[bool, typer.Option(
               "--include-needs", help="also add up deals of kind need (estimates of what is "
               "needed, e.g. the Draghi report), which are not pledges")] = False,
           db: DbOpt = None, fmt: FormatOpt = "table", revision: RevisionOpt = None) -> None:
    """Totals of one stage by region/sector/year, per capita and per GDP; no double counting."""
    from moneytrail.report.ledger import totals_notes, totals_view

    options = {"stage": stage, "currency": currency, "price_year": price_year,
               "include_needs": include_needs, "region": region or None, "sector": sector,
               "purpose": purpose, "year": year}
    with option_names(), reading(db, revision) as ledger:
        frame = ledger.totals(by=by or ["region"], **options)
        caveats = ledger.totals_caveats(**options)
        names = {str(d["id"]): str(d["name"]) for d in ledger.records("deal")}
    emit({"totals": frame}, fmt, views={"totals": totals_view(frame)},
         titles={"totals": f"Totals of {stage} amounts"},
         caption=unit(frame) + "; deals inside or overlapping another counted deal's "
         "headline (part_of, overlaps) are not counted twice" +
         ("" if include_needs else "; needs (kind need) left out"))
    for note in totals_notes(caveats, include_needs, names):     # on stderr: stdout stays data
        err.print(note, highlight=False, markup=False, soft_wrap=True)


@ledger_app.command()
def add(kind: Annotated[str, typer.Argument(help="claim, deal, source, fx, deflator, "
                                            "population or gdp")],
        fields: Annotated[list[str], typer.Argument(help="FIELD=VALUE pairs")],
        author: AuthorOpt = None, reason: ReasonOpt = "", db: DbOpt = None) -> None:
    """Add a record (a claim's low/high default to its central)."""
    reason = reason_of(reason)
    with open_ledger(db) as ledger:
        record = parse_fields(fields)
        result = ledger.add(kind, record, author=author_of(author), reason=reason)
        warnings = ledger.claim_warnings(str(record.get("ref", ""))) if kind == "claim" else ()
    said(result, f"added {kind}")
    warn(warnings, f"claim '{record.get('ref', '')}'")


@ledger_app.command()
def edit(kind: Annotated[str, typer.Argument(help="record kind")],
         key: Annotated[str, typer.Argument(help="its key (claim ref, deal id, 2025/USD...)")],
         fields: Annotated[list[str], typer.Argument(help="FIELD=VALUE pairs")],
         revision: Annotated[int | None, typer.Option(
             "--revision", help="the record's revision your change is based on: the revision "
             "of its latest change, the newest row of 'ledger history KIND KEY' (not the "
             "store's newest revision); refused if the record changed since",
             parser=integer)] = None,
         author: AuthorOpt = None, reason: ReasonOpt = "", db: DbOpt = None) -> None:
    """Change fields of a record; a stale --revision (the record's, see 'ledger history KIND
    KEY') is refused with a conflict error."""
    reason = reason_of(reason)
    with open_ledger(db) as ledger:
        result = ledger.edit(kind, key, parse_fields(fields), author=author_of(author),
                             reason=reason, expected_revision=revision)
        warnings = ledger.claim_warnings(key) if kind == "claim" else ()
    said(result, f"edited {kind} {key}")
    warn(warnings, f"claim '{key}'")


@ledger_app.command()
def history(kind: Annotated[str | None, typer.Argument(help="record kind")] = None,
            key: Annotated[str | None, typer.Argument(help="record key")] = None,
            limit: Annotated[int, typer.Option(help="newest N revisions", parser=integer)] = 50,
            db: DbOpt = None, fmt: FormatOpt = "table") -> None:
    """Every change: who, when, why, what changed. Revision numbers count up across the
    whole ledger (store revisions); a record's revision, which 'ledger edit --revision'
    wants, is the number of its latest change: the newest row of 'ledger history KIND KEY'."""
    from moneytrail.report.ledger import history_caption

    with open_ledger(db) as ledger:
        frame = ledger.history(kind, key, limit=limit)
        newest = ledger.latest_revision()
    if key and frame.empty:          # every record has revisions (the bundled load is one)
        from moneytrail.ledger.errors import NotFoundError

        raise NotFoundError(f"no {kind} with this key (it has no revisions)", field=kind,
                            value=key)
    view = frame.drop(columns=["before", "after", "batch"]).rename(
        columns={"revision": "store revision"})
    emit({"history": frame}, fmt, titles={"history": "Revisions (newest first)"},
         caption=history_caption(frame, kind, key, newest), views={"history": view})


@ledger_app.command()
def revert(revision: Annotated[int, typer.Argument(
        help="number of the revision to undo (1 or more; see 'moneytrail ledger history')",
        parser=integer)],
           author: AuthorOpt = None, reason: ReasonOpt = "",
           force: Annotated[bool, typer.Option(
               "--force", help="revert even if a later revision changed the record (that "
               "change is undone too)")] = False,
           db: DbOpt = None) -> None:
    """Restore the record a revision changed to its state before it (a new revision)."""
    from moneytrail.ledger.errors import LaterChanges

    with open_ledger(db) as ledger:
        ledger.revision(revision)           # no such revision: said before a missing reason
        reason = reason_of(reason)
        try:
            result = ledger.revert(revision, author=author_of(author), reason=reason,
                                   force=force)
        except LaterChanges as exc:         # the store's words, and the way out only here
            raise LaterChanges(f"{exc.detail}, or use --force to undo them too",
                               field=exc.field, value=exc.value) from None
    said(result, f"reverted revision {revision}")


@ledger_app.command("import")
def import_(path: Annotated[Path | None, typer.Argument(
                help="data package folder (default: the bundled one)")] = None,
            author: AuthorOpt = None, reason: ImportReasonOpt = "",
            overwrite: Annotated[bool, typer.Option(
                "--overwrite", help="also replace records whose latest change was made by "
                "hand (add, edit, delete, revert)")] = False,
            db: DbOpt = None) -> None:
    """Import a data package's ledger and macro tables (one transaction; idempotent: an
    import that changes nothing writes no revision, so it needs no --author)."""
    with open_ledger(db) as ledger:
        result = ledger.import_package(path, author=author_of(author), reason=reason,
                                       overwrite=overwrite)
    said(result, f"imported {path or 'bundled data package'}")
    if result.skipped:
        shown = ", ".join(result.skipped[:10]) + (" ..." if len(result.skipped) > 10 else "")
        err.print(f"kept {len(result.skipped)} record(s) changed by hand since (use "
                  f"--overwrite to replace them): {shown}", highlight=False)


@ledger_app.command()
def export(path: Annotated[Path, typer.Argument(help="folder to write the package to")],
           db: DbOpt = None) -> None:
    """Write the ledger and macro tables as a data package (re-importable, lossless)."""
    with open_ledger(db) as ledger:
        root = ledger.export_package(path)
    err.print(f"exported to {root}", highlight=False)
