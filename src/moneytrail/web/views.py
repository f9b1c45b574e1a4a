"""What each page shows, as plain data: the HTML page and its `/api/v1` JSON share one view.

A view is a dict with `meta` (data version, ledger revision, date, citation) and named parts;
the parts listed in `tables` are lists of flat rows that can also be downloaded as CSV.
The web layer computes nothing itself: it calls the ledger's queries, the claim checks and the
scenario loader, then reshapes their DataFrames into rows.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, quote, urlencode

import pandas as pd

from moneytrail.errors import MoneytrailError
from moneytrail.ledger.queries import (
    DEAL_KEY,
    NEEDS_NOTE,
    NOT_AI_ONLY_WORDS,
    TIE_RULE,
    TOTALS_NOTE,
    whole_capex,
)
from moneytrail.ledger.queries import ratio as ledger_ratio
from moneytrail.ledger.records import (
    DEAL_KINDS,
    KINDS,
    SECTORS,
    STAGES,
    split_list,
    typed_record,
)
from moneytrail.numbers import currency_of_symbol
from moneytrail.report.units import money, region_label
from moneytrail.web.state import WebState

if TYPE_CHECKING:
    from moneytrail.ledger.store import LedgerState
    from moneytrail.scenarios.schema import Plan

MAX_PARAM = 100          # longest query value accepted (ids, regions, currencies)
CHART_DEALS = 12         # deals drawn in the home page's reality-check chart


class View(dict):
    """A page's data: `meta`, named parts, and `tables` (the parts downloadable as CSV)."""

    @property
    def tables(self) -> list[str]:
        return list(self.get("tables", []))


def clean(value: Any) -> Any:
    """A JSON-safe scalar: NaN/NA become None, numpy numbers become Python numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def rows(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-safe dicts (optionally only some columns, in that order)."""
    if columns is not None:
        frame = frame[columns]
    return [{str(k): clean(v) for k, v in record.items()}
            for record in frame.to_dict("records")]


# what a view of a past revision (views.meta's `past`) reads as today's (ledger.past.MACRO)
PAST_MACRO = ("Its deals and claims are as of that revision; amounts are converted with "
              "today's exchange rates and price indexes, and per-head and per-GDP shares use "
              "today's population and GDP figures.")


def meta(state: WebState, *, title: str, url: str, read: LedgerState | None = None,
         pin: bool = False, cite: str | None = None, **extra: Any) -> dict[str, Any]:
    """Provenance of a view: what data it comes from, when, and how to cite it. `read`: the
    ledger state the view's figures were computed from (the claims page's checks), cited
    instead of the newest; when the ledger has changed since, `ledger_changed` says so.
    `pin`: the page takes `?revision=N` (at_revision), so its citation's address names the
    revision it cites and reproduces this view later. `cite`: the address to cite instead
    of the page's, one that reopens the same figures (the claims' stored run, /r/<run id>).
    A view of the ledger at a past revision (`state.ledger` a LedgerAt) has `past`: the
    revision, its date, the store's newest revision, the address of the current version and
    `macro` (PAST_MACRO: its amounts are converted with today's macro series, ledger.past),
    for the page's banner."""
    from moneytrail.ledger.past import LedgerAt

    ledger = state.ledger
    current = ledger.state()                      # the revision shown (one query)
    now = ledger.newest() if isinstance(ledger, LedgerAt) else current
    cited = read if read is not None else current
    updated = str(cited.time)[:10] if cited.time is not None else ""
    today = dt.date.today().isoformat()
    changed = "" if cited.revision == now.revision or isinstance(ledger, LedgerAt) else (
        f"Computed at ledger revision {cited.revision}; the ledger has changed since "
        f"(now revision {now.revision}).")
    cite_url = cite if cite else \
        with_revision(url, cited.revision) if pin and cited.revision else url
    citation = (f"moneytrail, \u201c{title}\u201d, data package {state.data_version}, "
                f"ledger revision {cited.revision}" + (f" of {updated}" if updated else "") +
                (f" (the ledger has changed since: now revision {now.revision})"
                 if changed else "") +
                f". Retrieved {today} from {cite_url}")
    past = {"revision": cited.revision, "date": updated, "newest": now.revision,
            "current_url": local(with_revision(url, None)), "macro": PAST_MACRO} \
        if isinstance(ledger, LedgerAt) else None
    return {"title": title, "data_version": state.data_version,
            "ledger_revision": cited.revision, "ledger_updated": updated,
            "ledger_changed": changed, "retrieved": today, "url": url, "cite_url": cite_url,
            "citation": citation, **({"past": past} if past else {}), **extra}


def with_revision(url: str, revision: int | None) -> str:
    """`url` with its `revision` query parameter set to `revision` (removed for None),
    the other parameters kept in order."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k != "revision"]
    if revision is not None:
        query.append(("revision", str(revision)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query),
                       parts.fragment))


def local(url: str) -> str:
    """An address of this site as a link within it: its path and query."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


NOT_A_REVISION = ("not a revision number (a whole number from 1, as a page's \u201cCite as\u201d "
                  "line gives it)")


def revision_param(value: str | None, name: str = "revision") -> int | None:
    """The `revision` query parameter of a ledger page (or another naming a revision, such
    as the history page's `reverted`): a whole number (the revision a citation names); the
    ledger then refuses one it does not have (Ledger.at). MoneytrailError naming `name`."""
    text = text_param(name, value)
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]+", text):      # ASCII digits, as a citation writes it
        raise MoneytrailError(NOT_A_REVISION, field=name, value=text)
    return int(text)


def at_revision(state: WebState, revision: str | None) -> WebState:
    """The app's state with the ledger as it was at `revision` (the query parameter,
    revision_param), or `state` itself when none is given: every ledger view then reads
    that revision. A revision the store does not have is a NotFoundError naming it."""
    number = revision_param(revision)
    if number is None:
        return state
    return state.with_ledger(state.ledger.at(number))


def reproduce(cli: list[str], python: str, api: str) -> dict[str, str]:
    """How to get the same numbers without the web app: a command, Python, and the API."""
    import shlex

    return {"cli": shlex.join(cli), "python": python, "api": api}


def reproduce_at(state: WebState, how: dict[str, str]) -> dict[str, str]:
    """`how` (reproduce) for a view of the ledger at a past revision: the command line, Python
    and the API read that revision (`--revision N`, Ledger.at, `?revision=N`). `how` itself
    for a view of the newest."""
    from moneytrail.ledger.past import LedgerAt

    if not isinstance(state.ledger, LedgerAt):
        return how
    number = state.ledger.number
    return {**how, "cli": f"{how['cli']} --revision {number}" if how["cli"] else "",
            "python": how["python"].replace("mt.ledger.open()",
                                            f"mt.ledger.open().at({number})"),
            "api": with_revision(how["api"], number)}


def options_cli(options: dict[str, Any]) -> list[str]:
    """Query options as the CLI's (`price_year` -> `--price-year 2024`)."""
    return [part for name, value in options.items() if value not in (None, "")
            for part in (f"--{name.replace('_', '-')}", str(value))]


# -- parameters ---------------------------------------------------------------------------
def text_param(name: str, value: str | None) -> str | None:
    """A query value, stripped; empty means not given; too long is refused."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > MAX_PARAM:
        raise MoneytrailError(f"too long (at most {MAX_PARAM} characters)", field=name,
                              value=value[:MAX_PARAM] + "\u2026")
    return value


def search_param(name: str, value: str | None) -> str | None:
    """A text search (`q`), as text_param reads it, refusing a control or bidi formatting
    character (an RTL override would be put invisibly into the page's title and caption)
    with the check plan titles get (moneytrail.text.text_problem): a MoneytrailError naming
    `name`."""
    from moneytrail.text import text_problem

    text = text_param(name, value)
    problem = text_problem(text)
    if problem:
        raise MoneytrailError(problem, field=name, value=text)
    return text


def year_param(value: str | None) -> int | None:
    text = text_param("year", value)
    if text is None:
        return None
    try:
        year = int(text)
    except ValueError:
        raise MoneytrailError("not a year (use four digits, e.g. 2025)", field="year",
                              value=text) from None
    if not 1900 <= year <= 2100:
        raise MoneytrailError("year out of range (1900 to 2100)", field="year", value=text)
    return year


def choice_param(name: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    """A query value that is one of `choices` (codes), read in any case and given back as
    the choice ('Committed' -> 'committed'); another is a MoneytrailError naming `name`, the
    value and the choices."""
    text = text_param(name, value)
    if text is None or text in choices:
        return text
    same = [choice for choice in choices if choice.casefold() == text.casefold()]
    if len(same) != 1:
        raise MoneytrailError(f"unknown {name} (use {', '.join(choices)})", field=name,
                              value=text)
    return same[0]


def price_year_param(value: str | None) -> int | None:
    """The `price_year` query parameter: a whole number, as `--price-year` takes (the
    ledger then refuses a year without a deflator or FX rate, naming `price_year`)."""
    text = text_param("price_year", value)
    if text is None:
        return None
    if not re.fullmatch(r"[+-]?[0-9]+", text):      # ASCII digits, as --price-year takes
        raise MoneytrailError("invalid value: expected a whole number (a year, e.g. 2024)",
                              field="price_year", value=text)
    return int(text)


def ledger_options(currency: str | None, price_year: str | None = None) -> dict[str, Any]:
    """The output money of a ledger query: `currency` and `price_year` when given; the
    currency as its ISO code ('eur' and '€' as EUR: numbers.currency_of_symbol, as the plan
    builder and the ledger queries read it), so the page's links and reproduce lines name it."""
    currency = text_param("currency", currency)
    year = price_year_param(price_year)
    return {**({"currency": currency_of_symbol(currency)} if currency else {}),
            **({"price_year": year} if year is not None else {})}


# -- ledger -------------------------------------------------------------------------------
def money_choices(state: WebState, currency: str) -> dict[str, list[Any]]:
    """What the money controls of a ledger page offer: the currencies of the macro data
    (Converter.currencies, the ones `currency` is checked against) and the price years
    amounts in `currency` (the page's) can be shown at (Converter.price_years)."""
    converter = state.ledger.converter()
    return {"currency": sorted(converter.currencies),
            "price_year": converter.price_years(currency)}


def deals_view(state: WebState, url: str, *, region: str | None = None,
               sector: str | None = None, year: str | None = None, kind: str | None = None,
               currency: str | None = None, price_year: str | None = None,
               q: str | None = None, origin: str | None = None) -> View:
    """Deals with the latest amount at each stage and the reality ratios, filtered; `q`:
    only deals whose id, name, announcer or description holds this text, in any case (the
    ledger's `search` filter, queries.select_deals)."""
    from moneytrail.ledger.queries import canonical, known_regions

    # codes in any case, shown and passed on as the ledger writes them ('us' -> 'US')
    region = text_param("region", region)
    sector = text_param("sector", sector)
    filters = {"region": region and canonical("region", region,
                                              known_regions(state.ledger.tables())),
               "sector": sector and canonical("sector", sector, SECTORS),
               "year": year_param(year), "search": search_param("q", q)}
    kind = choice_param("kind", kind, DEAL_KINDS)
    options = ledger_options(currency, price_year)
    listing = state.ledger.list(**filters, **options)
    reality = state.ledger.reality(**filters, **options).set_index("deal")
    if kind:
        listing = listing[listing["kind"].replace("", "pledge") == kind]
    for column in ("committed_ratio_central", "disbursed_ratio_central"):
        listing[column.replace("_central", "")] = listing["id"].map(reality[column])
    listing = listing.sort_values("announced_central", ascending=False, na_position="last")
    # as the home chart's CSV: `whole_capex` (a firm's whole capital expenditure, not AI
    # alone) and `inside` (why the deal is left out of the announced totals)
    marks = inside_marks(state)
    listing["whole_capex"] = listing["purpose"].map(whole_capex).astype(bool)
    listing["inside"] = [marks.get(str(d), "") for d in listing["id"]]
    left_out = sorted(left_out_of_totals(state))
    # the key columns of `moneytrail ledger list` too (`deal`: the id under the name every
    # per-deal table gives it; `part_of`, `overlaps`: the deals it is inside)
    columns = ["id", DEAL_KEY, "name", "kind", "region", "sector", "purpose", "announced",
               "part_of", "overlaps", "announced_central", "committed_central", "disbursed_central",
               "committed_ratio", "disbursed_ratio", "whole_capex", "inside", "our_reading",
               "qualifier", "committed_in_parts", "committed_in_parts_as_of", "disbursed_in_parts",
               "disbursed_in_parts_as_of", "currency", "price_year", *STAGE_SOURCE_COLUMNS]
    deals = rows(listing, columns)
    currency_used, year_used = unit_of(state, options)
    choices = filter_choices(state)
    given = {k: v for k, v in {**filters, **options}.items() if v is not None}
    python = "import moneytrail as mt\n" + \
        f"deals = mt.ledger.open().list({', '.join(f'{k}={v!r}' for k, v in given.items())})"
    if kind:
        python += f"\ndeals = deals[deals['kind'].replace('', 'pledge') == {kind!r}]"
    names = region_names(state, {d["region"] for d in deals} | set(choices["region"]))
    shown = deals_shown(filters, kind, names, len(deals))
    return View(meta=meta(state, title="AI investment deals: announced, committed, spent",
                          url=url, currency=currency_used, price_year=year_used, pin=True,
                          page_title=f"{shown}: announced, committed, spent"),
                reproduce=reproduce_at(state, reproduce(
                    ["moneytrail", "ledger", "list", *options_cli(given)], python,
                    api_url(url, "deals", origin))),
                filters={"region": filters["region"], "sector": filters["sector"],
                         "year": filters["year"], "kind": kind, "q": filters["search"],
                         "currency": options.get("currency"),
                         "price_year": options.get("price_year")},
                choices=choices, money_choices=money_choices(state, currency_used),
                deals=deals, tables=["deals"], shown=shown,
                region_names=names, left_out=left_out)


def download_name(table: str, filters: dict[str, Any], *,
                  subject: str | Sequence[str] = "",
                  stamp: Mapping[str, Any] | None = None) -> str:
    """A download's file name without extension: `moneytrail`, the page's `subject` when it
    is about one thing ('deal-l_x'; several parts for a comparison, web.runs.compare_subject:
    ('compare', 'eu-ai-gigafactories', 'vs', 'stargate-style-us')), the table, then the value
    of each filter given, in order ('moneytrail-deals-EU-2025'), then, with `stamp` (a view's
    meta), the ledger revision and the download date ('...-r728-2026-12-03'); each part kept
    to [A-Za-z0-9_-] (other characters become '_') and 40 characters, so the name is safe in
    a header and a file system."""
    parts = ["moneytrail"]
    subjects = [subject] if isinstance(subject, str) else list(subject)
    for value in (*subjects, table, *filters.values(), *download_stamp(stamp)):
        if value is None or value == "":
            continue
        safe = re.sub(r"[^A-Za-z0-9_-]+", "_", str(value)).strip("_")[:40]
        if safe:
            parts.append(safe)
    return "-".join(parts)


def download_stamp(meta: Mapping[str, Any] | None) -> list[str]:
    """The parts of a download's name that date it (download_name): 'r<ledger revision>'
    and the date it was retrieved, each when the view's meta has it."""
    if not meta:
        return []
    revision = meta.get("ledger_revision")
    return [*([f"r{revision}"] if revision is not None else []),
            *([str(meta["retrieved"])] if meta.get("retrieved") else [])]


# a view's meta in a table download's headers (as a run's, routes_runs.provenance_headers)
DOWNLOAD_HEADERS = {"data_version": "Data-Version", "ledger_revision": "Ledger-Revision",
                    "ledger_updated": "Ledger-Updated", "retrieved": "Retrieved",
                    "currency": "Currency", "price_year": "Price-Year"}


def download_headers(meta: Mapping[str, Any]) -> dict[str, str]:
    """What a downloaded page table needs to be cited, in `X-Moneytrail-*` response headers
    (a CSV body has no place for it): the data version, the ledger revision and the date of
    its last change, the date the table was retrieved, and its money unit when it has one;
    the table's JSON (format=json) carries the same in `meta`."""
    return {f"X-Moneytrail-{name}": str(meta[key]) for key, name in DOWNLOAD_HEADERS.items()
            if meta.get(key) not in (None, "")}


def deals_shown(filters: dict[str, Any], kind: str | None, names: dict[str, str],
                count: int) -> str:
    """What the ledger page lists, for its title and its table's caption: the filters on
    and the number of rows ('11 deals in European Union, announced in 2025')."""
    parts = []
    if filters["region"]:
        parts.append(f"in {names.get(str(filters['region']), filters['region'])}")
    if filters["sector"]:
        parts.append(f"of the {filters['sector']} sector")
    if filters["year"]:
        parts.append(f"announced in {filters['year']}")
    if kind:
        parts.append(f"of kind {kind}")
    if filters.get("search"):
        parts.append(f"matching \u201c{filters['search']}\u201d")
    return " ".join([f"{count:,} deal" + ("" if count == 1 else "s"), *parts])


def region_names(state: WebState, codes: Any) -> dict[str, str]:
    """Readable names of the ledger's region codes, as the rest of the app shows countries
    (ValueChain.country_names: 'US' -> 'United States', then report.units.country_name for
    codes the value chain does not model: 'GB' -> 'United Kingdom'); a code without a name
    stays the code. The tables and downloads keep the codes. The code -> name map is the
    app's own, built once (WebState.country_names)."""
    from moneytrail.report.units import country_name

    names = state.country_names
    return {str(code): country_name(code, names) for code in codes if code is not None}


def site_parts(url: str, origin: str | None = None) -> tuple[str, SplitResult]:
    """`url` (a page's address as a reader copies it, routes_runs.handed_on_url) as the
    site's address and the rest: `origin` (routes_runs.handed_on_origin, which may end in a
    path: MONEYTRAIL_PUBLIC_URL `https://mt.example.org/tool`) when `url` lies under it,
    else `url`'s scheme and host; the rest split (its path, from the site's root, and
    query)."""
    from urllib.parse import urlsplit

    base = (origin or "").rstrip("/")
    if not base or not (url == base or url.startswith(base + "/") or
                        url.startswith(base + "?")):
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
    return base, urlsplit(url[len(base):])


def api_url(url: str, table: str, origin: str | None = None) -> str:
    """The CSV address under /api/v1 of a page's table (for curl and spreadsheets), under
    the site's address (`site_parts`: `origin` when given)."""
    from urllib.parse import parse_qsl, urlencode

    base, parts = site_parts(url, origin)
    path = parts.path.rstrip("/") or "/home"
    path = path if path.startswith("/api/v1/") else "/api/v1" + path
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("format", "table")]
    query += [("format", "csv"), ("table", table)]
    return f"{base}{path}?{urlencode(query)}"


def unit_of(state: WebState, options: dict[str, Any]) -> tuple[str, int]:
    from moneytrail.ledger.queries import target

    return target(state.ledger.converter(), options.get("currency", "EUR"),
                  options.get("price_year"))


def filter_choices(state: WebState) -> dict[str, list[str]]:
    """Values the ledger filters offer (those present in the ledger)."""
    from moneytrail.ledger.records import SECTORS

    deals = state.ledger.records("deal")
    return {"region": sorted({d["region"] for d in deals}), "sector": list(SECTORS),
            "year": sorted({d["announced"][:4] for d in deals if d["announced"]}),
            "kind": list(DEAL_KINDS)}


def deal_view(state: WebState, url: str, deal: str, *, currency: str | None = None,
              price_year: str | None = None, origin: str | None = None) -> View:
    """A deal, its claims (normalised), sources, overlap links and full revision history."""
    deal = text_param("deal", deal) or ""
    options = ledger_options(currency, price_year)
    shown = state.ledger.show(deal, **options)
    # revision as an integer, as the record API (`/api/v1/ledger/record/deal/{id}`) gives it
    info = typed_record(KINDS["deal"], dict(zip(shown["deal"]["field"], shown["deal"]["value"],
                                                strict=True)))
    claims = shown["claims"]
    claim_rows = rows(claims, ["ref", "stage", "low", "central", "high", "currency",
                               "price_year", "as_of", "source", "supersedes", "superseded_by",
                               "used", "why", "source_reliability", "norm_low",
                               "norm_central", "norm_high", "norm_currency",
                               "norm_price_year", "note"])
    titles = dict(zip(shown["sources"]["id"], shown["sources"]["title"], strict=True))
    claim_rows = [{**c, "why_words": claim_in_words(c["why"], claim_rows, titles)}
                  for c in claim_rows]
    names = {d["id"]: d["name"] for d in state.ledger.records("deal")}
    links = [{**link, "name": names.get(link["deal"], "")} for link in rows(shown["links"])]
    history = [state.ledger.history(kind="deal", key=deal)]
    history += [state.ledger.history(kind="claim", key=ref) for ref in claims["ref"]]
    revisions = pd.concat(history, ignore_index=True).sort_values("revision", ascending=False)
    history_rows = [{**row, "diff": revision_diff(before, after)}
                    for row, before, after in zip(
                        rows(revisions, ["revision", "time", "author", "action", "kind", "key",
                                         "reason", "changes"]),
                        revisions["before"], revisions["after"], strict=True)]
    # a programme recording no claim of a stage itself: its parts' amounts, by the ledger's
    # rule (queries.counted_refs), as totals, claim checks and briefings count them
    in_parts = []
    for stage in ("committed", "disbursed"):
        if (claims["stage"] == stage).any():
            continue
        whole = state.ledger.programme_amount(deal, stage, **options)
        if whole["refs"]:
            in_parts.append({"stage": stage, "central": clean(whole["central"]),
                             "as_of": whole["as_of"], "refs": whole["refs"],
                             "deals": [{"deal": d, "name": names.get(d, d)}
                                       for d in whole["deals"]]})
    reality = state.ledger.reality(**options)
    ratios = reality[reality["deal"] == deal]
    ratio = rows(ratios, [c for c in ratios.columns if "ratio" in c or c == "warnings"]
                 )[0] if len(ratios) else {}
    if len(ratios):         # the parts' money over the announcement, as the ledger's ratios
        announced = pd.Series({f"norm_{b}": ratios.iloc[0][f"announced_{b}"]
                               for b in ("low", "central", "high")})
        for part in in_parts:
            whole = state.ledger.programme_amount(deal, part["stage"], **options)
            values = ledger_ratio(pd.Series({f"norm_{b}": whole[b]
                                             for b in ("low", "central", "high")}), announced)
            part.update({f"ratio_{b}": clean(v)
                         for b, v in zip(("low", "central", "high"), values, strict=True)})
    currency_used, year_used = unit_of(state, options)
    return View(meta=meta(state, title=f"Deal: {info.get('name', deal)}", url=url,
                          currency=currency_used, price_year=year_used, pin=True),
                reproduce=reproduce_at(state, reproduce(
                    ["moneytrail", "ledger", "show", deal, *options_cli(options)],
                    "import moneytrail as mt\n"
                    f"deal = mt.ledger.open().show({deal!r}" +
                    "".join(f", {k}={v!r}" for k, v in options.items()) + ")",
                    api_url(url, "claims", origin))),
                deal=info, ratios=ratio, claims=claim_rows, in_parts=in_parts,
                tie_rule=TIE_RULE,
                sources=[{**s, "title_lang": state.title_lang(s["id"], s["title"],
                                                              s["title_lang"])}
                         for s in rows(shown["sources"], ["id", "publisher", "title",
                                                          "title_lang", "url", "published",
                                                          "reliability"])],
                links=links, history=history_rows,
                # the reader's money, kept by the page's links to other ledger pages
                filters={"currency": options.get("currency"),
                         "price_year": options.get("price_year")},
                in_totals=totals_statement(state, info,
                                           bool((claims["stage"] == "announced").any()),
                                           names, links),
                region_names=region_names(state, [info.get("region")]),
                tables=["claims", "sources", "links", "history"])


def claim_in_words(why: str, claims: list[dict[str, Any]], titles: dict[str, str]) -> str:
    """`why` a claim is not used, with the other claim it names by ref said in words: its
    stage, amount and source (title, date), e.g. 'same date as the spent claim of USD
    131.00 bn (Amazon 10-K, as of 2025-12-31), whose source is more reliable'."""
    for other in claims:
        ref = str(other["ref"])
        if ref and re.search(rf"\b{re.escape(ref)}\b", why):
            stage = "spent" if other["stage"] == "disbursed" else other["stage"]
            words = (f"the {stage} claim of {money(other['central'], other['currency'])}"
                     f" ({titles.get(other['source'], other['source'])}, as of "
                     f"{other['as_of']})")
            why = re.sub(rf"\b{re.escape(ref)}\b", words.replace("\\", "\\\\"), why)
    return why


def totals_by(by: str | None) -> list[str]:
    """The `by` query parameter: the groupings of `moneytrail ledger totals --by`
    (queries.GROUPS), comma-separated (`region,year`); default region. Each is checked as
    the CLI checks it (the message names `by` and the groupings)."""
    from moneytrail.ledger.queries import GROUPS

    text = text_param("by", by)
    groups = list(dict.fromkeys(part.strip() for part in (text or "region").split(",")))
    for group in groups:
        if group not in GROUPS:
            raise MoneytrailError(f"unknown grouping (use {', '.join(GROUPS)})", field="by",
                                  value=group)
    return groups


def totals_view(state: WebState, url: str, *, stage: str | None = None,
                currency: str | None = None, needs: str | None = None,
                price_year: str | None = None, by: str | None = None,
                origin: str | None = None) -> View:
    """Sums of one stage by region (or the groupings `by` names, as `ledger totals --by`),
    with per-capita amounts and shares of GDP when grouped by region."""
    stage = choice_param("stage", stage, STAGES) or "announced"
    include = choice_param("needs", needs, ("yes", "no")) == "yes"
    groups = totals_by(by)
    options = ledger_options(currency, price_year)
    frame = state.ledger.totals(by=groups, stage=stage, include_needs=include, **options)
    frame = frame.sort_values("central", ascending=False)
    caveats = state.ledger.totals_caveats(stage=stage, include_needs=include, **options)
    records = state.ledger.records("deal")
    names = {d["id"]: d["name"] for d in records}
    # the pairs a link of the data names directly; any other overlap lies in a deal inside
    # one of the two (`through`, said on the page)
    named = {frozenset((str(d["id"]), other)) for d in records
             for other in split_list(d.get("part_of") or "") + split_list(d.get("overlaps") or "")}
    left_out = [{**row, "inside": [{"deal": d, "name": names.get(d, d), "relation": how,
                                    "through": how == "overlaps" and
                                    frozenset((str(row["deal"]), d)) not in named}
                                   for d, how in zip(split_list(row["inside"]),
                                                     split_list(row.pop("relation")),
                                                     strict=True)]}
                for row in rows(caveats[caveats["caveat"] == "left out"],
                                ["deal", "name", "kind", "region", "low", "central", "high",
                                 "inside", "relation"])]
    not_pledges = rows(caveats[caveats["caveat"] == "not a pledge"],
                       ["deal", "name", "kind", "region", "description", "low", "central",
                        "high"])
    currency_used, year_used = unit_of(state, options)
    deals = {str(d["id"]): d for d in state.ledger.records("deal")}
    frame["note"] = [totals_note(group_key(row, groups), left_out, not_pledges, currency_used,
                                 groups, deals)
                     for row in frame[groups].to_dict("records")]
    columns = [*groups, "low", "central", "high", "whole_capex_central", "whole_capex_share",
               "deals", "overlaps_excluded", "population",
               "population_year", "gdp", "gdp_year", "gdp_source", "gdp_reliability",
               "per_capita_low", "per_capita_central", "per_capita_high", "per_gdp_low",
               "per_gdp_central", "per_gdp_high", "stage", "currency", "price_year", "note"]
    columns = [c for c in columns if c in frame.columns]    # per head by region only
    cli = ["moneytrail", "ledger", "totals", *(p for g in groups for p in ("--by", g)),
           "--stage", stage, *options_cli(options), *(["--include-needs"] if include else [])]
    python = (f"import moneytrail as mt\ntotals = mt.ledger.open().totals(by={groups!r}, "
              f"stage={stage!r}" + "".join(f", {k}={v!r}" for k, v in options.items()) +
              (", include_needs=True" if include else "") + ")")
    what = stage + (", estimates of need included (not pledges)" if include else "")
    return View(meta=meta(state, title=f"Ledger totals by {', '.join(groups)} ({what}; "
                          "lower bounds: "
                          "deals inside others left out)", url=url,
                          currency=currency_used, price_year=year_used, pin=True,
                          note=TOTALS_NOTE + (" " + NEEDS_NOTE if include else "")),
                left_out=left_out, needs_included=not_pledges,
                reproduce=reproduce_at(state, reproduce(cli, python,
                                                          api_url(url, "totals", origin))),
                filters={"stage": stage, "currency": options.get("currency"),
                         "price_year": options.get("price_year"),
                         "needs": "yes" if include else None, "by": ",".join(groups)},
                stages=list(STAGES), totals=rows(frame, columns), tables=["totals"],
                money_choices=money_choices(state, currency_used),
                region_names=region_names(state, set(frame.get("region", [])) |
                                          {r["region"] for r in left_out + not_pledges}))


def totals_link(filters: Mapping[str, Any], path: str = "/ledger/totals",
                **changes: Any) -> str:
    """A link from the totals page that keeps the reader's choices (the view's `filters`:
    stage, by, needs, currency, price year), with `changes` made (None drops one):
    `totals_link(f, needs="no")` is the same totals without estimates of need. With another
    `path` (the ledger list), only the money choices are kept: currency and price year."""
    money_choices = {"currency": filters.get("currency"),
                     "price_year": filters.get("price_year")}
    if path != "/ledger/totals":
        params = {**changes, **money_choices}
    else:
        params = {"stage": filters.get("stage"),
                  "by": None if filters.get("by") == "region" else filters.get("by"),  # default
                  "needs": filters.get("needs"), **money_choices}
        params.update(changes)
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return path + ("?" + query if query else "")


def deal_link_url(deal: Any, filters: Mapping[str, Any] | None = None,
                  revision: Any = None) -> str:
    """A deal page's address from a page that links to it (the ledger, the totals, another
    deal, a record's history), keeping the reader's currency and price year (the page's
    `filters`, as `totals_link` keeps them) and the ledger `revision` shown, so the deal's
    amounts are in the same money."""
    return totals_link(filters or {}, f"/ledger/deals/{quote(str(deal), safe='')}",
                       revision=revision or None)


def group_key(values: Mapping[Any, Any], groups: list[str]) -> tuple[str, ...]:
    """A totals row's (or a deal's) values of the groupings, as text, in order."""
    return tuple(str(values.get(g, "")) for g in groups)


def deal_group_key(deal: dict[str, Any] | None, region: str, groups: list[str]
                   ) -> tuple[str, ...]:
    """The totals row a deal falls in (its region, sector, purpose and year announced, as
    queries.totals groups it); `region` from the caveat row."""
    deal = deal or {}
    values = {"region": region, "sector": deal.get("sector", ""),
              "purpose": deal.get("purpose", ""),
              "year": str(deal.get("announced", ""))[:4]}
    return group_key(values, groups)


def totals_note(key: tuple[str, ...], left_out: list[dict[str, Any]],
                needs: list[dict[str, Any]], currency: str, groups: list[str],
                deals: dict[str, dict[str, Any]]) -> str:
    """A totals row's caveats in words (its CSV `note`): the deals of the region left out as
    part of other deals or overlapping larger counted ones (each with its relation: "part
    of" or "overlaps", queries.totals_caveats), and the estimates of need counted in it."""
    def deal(row: dict[str, Any]) -> str:
        return f"{row['name']} ({money(row['central'], currency)})"

    parts = []
    def here(row: dict[str, Any]) -> bool:
        return deal_group_key(deals.get(str(row["deal"])), str(row["region"]), groups) == key

    out = [r for r in left_out if here(r)]
    if out:
        parts.append("lower bound; left out as part of other deals, or overlapping larger "
                     "counted deals: " +
                     "; ".join(deal(r) + " " + ", ".join(f"{i['relation']} {i['name']}"
                                                         for i in r["inside"]) for r in out))
    if "region" in groups and key and key[groups.index("region")] == "EU":
        parts.append(EU_SCOPE)
    counted = [r for r in needs if here(r)]
    if counted:
        parts.append("includes estimates of need, not pledges: " +
                     "; ".join(deal(r) for r in counted))
    return ". ".join(parts)


# what the EU row of the totals holds (its note, and the totals page)
EU_SCOPE = ("EU row: EU-wide deals only: EU programmes (Commission, EuroHPC, EIB) and "
            "EU-wide private pledges, which may be most of its money; member states' deals "
            "are in their own rows, not in it")


def reality_chart(state: WebState) -> list[dict[str, Any]]:
    """The largest pledges with their latest announced, committed and spent amounts. A pledge
    inside another pledge with an announced amount (part of it or overlapping it, directly or
    through other deals: the rule that leaves it out of the totals) is marked: `inside` says
    so in words ('part of Stargate Project (Stargate LLC)'), `label` is its name with that
    mark (the chart's), '' and the name for a pledge counted on its own."""
    listing = state.ledger.list()
    pledges = listing[(listing["kind"].replace("", "pledge") == "pledge")
                      & listing["announced_central"].notna()]
    top = pledges.sort_values("announced_central", ascending=False).head(CHART_DEALS)
    marks = inside_marks(state)
    out = rows(top, ["id", "name", "region", "purpose", "announced_central",
                     "committed_central", "disbursed_central", "committed_in_parts",
                     "committed_in_parts_as_of", "disbursed_in_parts",
                     "disbursed_in_parts_as_of", "currency", "price_year", "qualifier",
                     *STAGE_SOURCE_COLUMNS])
    for row in out:
        # a deal of purpose 'capex' is a firm's whole capital expenditure programme (all of
        # its investment, not AI alone): the chart's caption names these deals
        row["whole_capex"] = whole_capex(row["purpose"])
        # the ledger's qualifier, read from the deal's scope and purpose (queries.qualifier):
        # its money is not for AI alone; the chart hatches these deals' bars
        row["not_ai_alone"] = NOT_AI_ONLY_WORDS in str(row.pop("qualifier") or "").split("; ")
        row["inside"] = marks.get(str(row["id"]), "")
        row["label"] = f"{row['name']} ({row['inside']})" if row["inside"] else row["name"]
    return out


# where each stage's figure comes from, as `ledger list` gives it (queries.deal_list): the
# claim's as-of date, source id and reliability ('' when the deal has no claim at that stage),
# and for an amount in parts its parts' sources and the weakest of their labels
STAGE_SOURCE_COLUMNS = [*[f"{stage}_{c}" for stage in ("announced", "committed", "disbursed")
                          for c in ("as_of", "source", "reliability")],
                        *[f"{stage}_in_parts_{c}" for stage in ("committed", "disbursed")
                          for c in ("sources", "reliability")]]


def inside_marks(state: WebState) -> dict[str, str]:
    """Per pledge left out of the announced totals of the whole ledger (the totals' rule,
    queries.counted_set), why in words: 'part of Stargate Project (Stargate LLC)' or
    'overlaps OpenAI compute commitments (~30 GW)', '... and 2 more' when it names several
    deals. The home chart's and the ledger list's `inside` column."""
    caveats = state.ledger.totals_caveats(stage="announced")
    records = state.ledger.records("deal")
    names = {str(d["id"]): str(d["name"]) for d in records}
    out = {}
    for _, row in caveats[caveats["caveat"] == "left out"].iterrows():
        inside, how = split_list(row["inside"]), split_list(row["relation"])
        if inside:
            more = f" and {len(inside) - 1} more" if len(inside) > 1 else ""
            out[str(row["deal"])] = f"{how[0]} {names.get(inside[0], inside[0])}{more}"
    # a deal part of another that the announced totals do not leave out (it has no
    # announced amount of its own, e.g. a contract with a committed value only): still
    # inside that deal's headline, so marked with the deal it is part of
    for record in records:
        parents = split_list(record.get("part_of") or "")
        if parents and str(record["id"]) not in out:
            out[str(record["id"])] = f"part of {names.get(parents[0], parents[0])}"
    return out


def left_out_of_totals(state: WebState) -> set[str]:
    """The deals the announced totals of the whole ledger leave out (queries.counted_set)."""
    caveats = state.ledger.totals_caveats(stage="announced")
    return {str(d) for d in caveats.loc[caveats["caveat"] == "left out", "deal"]}


def totals_statement(state: WebState, info: Mapping[str, Any], has_announced: bool,
                     names: Mapping[str, str], links: list[dict[str, Any]]
                     ) -> dict[str, Any]:
    """What the announced totals do with a deal, for its page (the totals' own rule,
    queries.totals_caveats): `status` "counted" (with `instead`: the deals left out for it,
    each with its relation to it), "left out" (with `for`: the counted deals it is part of or
    overlaps, each marked `through` when no link names the two directly: the overlap lies in
    a deal inside one of them), "not a pledge" or "no amount"."""
    deal = str(info.get("id", ""))
    kind = str(info.get("kind") or "pledge")
    if kind != "pledge":
        return {"status": "not a pledge", "kind": kind}
    if not has_announced:
        return {"status": "no amount"}
    caveats = state.ledger.totals_caveats(stage="announced")
    left = caveats[caveats["caveat"] == "left out"]
    direct = {str(link["deal"]) for link in links}

    def named(other: str, how: str) -> dict[str, Any]:
        return {"deal": other, "name": names.get(other, other), "relation": how,
                "through": how == "overlaps" and other not in direct}

    mine = left[left["deal"] == deal]
    if len(mine):
        row = mine.iloc[0]
        return {"status": "left out",
                "for": [named(o, h) for o, h in zip(split_list(row["inside"]),
                                                     split_list(row["relation"]), strict=True)]}
    instead = []
    for _, row in left.iterrows():
        for other, how in zip(split_list(row["inside"]), split_list(row["relation"]),
                              strict=True):
            if other == deal:
                instead.append(named(str(row["deal"]), how))
    return {"status": "counted", "instead": instead}


def reality_reproduce(url: str, origin: str | None = None) -> dict[str, str]:
    """How to get the reality-check chart's numbers without the web app (its API address
    under the site's, `site_parts`)."""
    base, _ = site_parts(url, origin)
    return reproduce(["moneytrail", "ledger", "list", "--format", "csv"],
                     "import moneytrail as mt\n"
                     "deals = mt.ledger.open().list()   # announced_central, committed_central, "
                     "disbursed_central\n"
                     "pledges = deals[deals['kind'].replace('', 'pledge') == 'pledge']\n"
                     f"pledges.nlargest({CHART_DEALS}, 'announced_central')",
                     f"{base}/api/v1/charts/reality?format=csv"
                     "&table=reality")


def reality_view(state: WebState, url: str, *, origin: str | None = None) -> View:
    """The home page's reality-check chart on its own (for embedding and its data)."""
    return View(meta=meta(state, title="How real are the AI pledges? Announced, committed, "
                          "spent", url=url, pin=True), reality=reality_chart(state),
                reproduce=reproduce_at(state, reality_reproduce(url, origin)),
                tables=["reality"])


# -- sources ------------------------------------------------------------------------------
def source_record(state: WebState, source: str) -> tuple[dict[str, Any], str]:
    """The source row wherever it is kept (ledger store, value chain, analysis tables)."""
    from moneytrail.ledger.errors import NotFoundError

    for record in state.ledger.records("source"):
        if record["id"] == source:
            return {**typed_record(KINDS["source"], record),       # revision, seq: ints
                    "primary_ref": primary_ref(state, source),
                    "title_lang": state.title_lang(source, record["title"],
                                                   record.get("title_lang"))}, "ledger store"
    vc = state.valuechain.sources
    found = vc[vc["id"] == source]
    if len(found):
        return rows(found.drop(columns=["_file", "_line"], errors="ignore"))[0], "value chain"
    analysis = state.analysis_sources
    found = analysis[analysis["id"] == source]
    if len(found):
        return rows(found)[0], "analysis tables"
    raise NotFoundError("no source with this id", field="source", value=source)


def primary_ref(state: WebState, source: str) -> str:
    """The source's primary reference, where the store has that column (migration 0003)."""
    from sqlalchemy import select

    from moneytrail.ledger.models import Source

    if not hasattr(Source, "primary_ref"):
        return ""
    with state.ledger.engine.connect() as conn:
        value = conn.execute(select(Source.primary_ref).where(Source.id == source)).scalar()
    return value or ""


def cites(cell: Any, source: str) -> bool:
    return source in split_list(str(cell or ""))


def share_text(low: Any, central: Any, high: Any) -> str:
    """A share with its low–high interval as written in the data, in percent: '39 % (30–46
    %)' (37.75, not 37.8); the interval left out where it is the central value alone."""
    def pct(share: float) -> str:
        return f"{round(100 * float(share), 6):g}"

    value = f"{pct(central)} %"
    ends = [v for v in (low, high) if v is not None and not pd.isna(v)]
    if len(ends) == 2 and (low != central or high != central):
        value += f" ({pct(low)}–{pct(high)} %)"
    return value


def reliability_text(value: Any) -> str:
    """', reliability estimate' after a figure; '' where the row gives none."""
    return f", reliability {value}" if isinstance(value, str) and value else ""


def market_share_label(row: Any, names: dict[str, str]) -> str:
    """A market-share row of the value chain for readers: 'Market share of Dell in Storage,
    EU, 2025: 27 % (20–35 %), reliability analyst' (names as the reference-plan rows of a
    source page give them, `plan_citation_rows`)."""
    supplier, category = str(row["supplier"]), str(row["category"])
    reliability = reliability_text(row.get("reliability"))
    return (f"Market share of {names.get(supplier, supplier)} in "
            f"{names.get(category, category)}, {row['buyer_region']}, {row['year']}: "
            f"{share_text(row.get('low'), row['central'], row.get('high'))}{reliability}")


# what a cost-structure row of each kind is a share of a firm's revenue (valuechain)
COST_KINDS = {"labour": "Wages", "capital": "Profits and depreciation", "tax": "Taxes"}


def cost_structure_label(row: Any, names: dict[str, str],
                         countries: dict[str, str]) -> str:
    """A cost-structure row for readers, as a share of the firm's revenue: 'Purchases of
    Nvidia from TSMC, 2024: 7.5 % (4.5–10.5 %) of its revenue, reliability estimate';
    'Wages of Mistral AI paid in France, 2024: ...' (value added by where it is paid)."""
    entity, counterpart = str(row["entity"]), str(row["counterpart"])
    firm = names.get(entity, entity)
    if row["kind"] == "input":
        what = f"Purchases of {firm} from {names.get(counterpart, counterpart)}"
    else:
        where = region_label(counterpart, countries)
        what = f"{COST_KINDS.get(str(row['kind']), str(row['kind']))} of {firm} ({where})"
    reliability = reliability_text(row.get("reliability"))
    return (f"{what}, {row['year']}: {share_text(row.get('low'), row['central'], row.get('high'))}"
            f" of its revenue{reliability}")


# the value chain's tables as source pages have always named them; any other table is named
# from its resource name (`table_name`)
TABLE_NAMES = {"valuechain-markets": "market share",
               "valuechain-cost-structures": "cost structure", "valuechain-entities": "entity"}
# columns a package row's label leaves out of its details (`package_row_label`)
NOT_DETAILS = ("sources", "source", "reliability", "note", "description", "reason", "name",
               "low", "central", "high", "unit", "currency")


def table_name(resource: str) -> str:
    """A data package table for readers, from its resource name: 'analysis-electricity-prices'
    -> 'electricity price', 'analysis-parameters' -> 'parameter', 'macro-compensation' ->
    'macro compensation' (as 'macro fx'); the value chain's named as before (TABLE_NAMES)."""
    if resource in TABLE_NAMES:
        return TABLE_NAMES[resource]
    part, _, rest = resource.partition("-")
    words = rest.replace("-", " ") or part
    if words.endswith("s") and not words.endswith("ss"):
        words = words[:-1]
    return f"macro {words}" if part == "macro" else words


def number_or_none(cell: Any) -> float | None:
    """A cell as a number; None when empty or not a number."""
    try:
        value = float(str(cell).replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def plain_number(value: float) -> str:
    """A data value as written, without trailing zeros: 0.1128, 32,900, 2.1e+25."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{round(value, 6):g}"


def range_text(low: Any, central: Any, high: Any, unit: str = "", currency: str = "") -> str:
    """A value with its low–high interval as the data give it: '0.1128 EUR/kWh (0.108–0.1409)',
    '28 % (15–40 %) of value lost per year' (a unit 'share ...' in percent), 'EUR 61.00 bn
    (EUR 58.00 bn–EUR 64.00 bn)'; the interval left out where it is the central value."""
    mid = number_or_none(central)
    if mid is None:
        return str(central)
    lo, hi = number_or_none(low), number_or_none(high)
    if unit == "share" or unit.startswith("share "):
        rest = unit[len("share"):].strip()
        return share_text(lo, mid, hi) + (f" {rest}" if rest else "")
    if currency:
        def show(value: float) -> str:
            return money(value, currency)
    else:
        show = plain_number
    interval = (f" ({show(lo)}–{show(hi)})" if lo is not None and hi is not None
                and (lo != mid or hi != mid) else "")
    if currency:
        return f"{show(mid)}{interval}" + (f" {unit}" if unit else "")
    return f"{show(mid)}" + (f" {unit}" if unit else "") + interval


def key_words(row: Mapping[str, Any], key_columns: list[str], names: dict[str, str],
              countries: dict[str, str]) -> list[str]:
    """A package row's key for readers, one part per key column (`record_words`), where 'EU'
    is the whole union ('European Union'): a figure of a table by country (electricity price,
    grid, market size) for the EU is an EU27 figure, not value added left unsplit."""
    return ["European Union" if row[c] == "EU" else record_words([row[c]], names, countries)
            for c in key_columns]


def column_words(column: str, titles: Mapping[str, str]) -> str:
    """A data package column for readers: its schema title (`titles`, from
    DataPackage.field_titles: 'gco2_per_kwh' -> 'Grid carbon intensity (g CO2 per kWh)'),
    else its name in words ('gco2 per kwh'). The central column of a low/central/high group
    names the whole group: 'Price per accelerator (central)' -> 'Price per accelerator',
    'price_central' without a title -> 'price'."""
    title = titles.get(column, "").strip()
    if column.endswith("_central"):
        return title.removesuffix(" (central)") if title else column[:-len("_central")].replace(
            "_", " ")
    return title or column.replace("_", " ")


def package_row_label(entry: Mapping[str, Any], names: dict[str, str],
                      countries: dict[str, str]) -> str:
    """A row of a data package table for readers (`entry`: data.sourcing.citing_rows): what it
    is, its value with unit and low–high interval, and its reliability label. Market and cost
    shares and entities as before; any other table by its columns: 'Electricity price,
    European Union, 2024: 0.1128 EUR/kWh (0.108–0.1409), reliability estimate', 'Value
    decline per year: 28 % (15–40 %) of value lost per year, reliability weak', 'Nvidia H100
    SXM5 80GB: Power draw at TDP (W) 700, ..., Price per accelerator USD 30,000 (USD
    25,000–USD 36,000), ...'. Other columns by their schema titles (`column_words`, the
    entry's `titles`), a share ('renewable_share') in percent."""
    row, resource = dict(entry["row"]), str(entry["resource"])
    numbers = {c: number_or_none(row.get(c)) for c in ("low", "central", "high")}
    if resource == "valuechain-markets":
        return market_share_label({**row, **numbers}, names)
    if resource == "valuechain-cost-structures":
        return cost_structure_label({**row, **numbers}, names, countries)
    if resource == "valuechain-entities":
        return str(row.get("name"))
    key_columns = list(entry["key_columns"])
    if row.get("name"):
        what = str(row["name"])
    elif key_columns == ["id"]:
        what = str(row["id"]).replace("_", " ").capitalize()
    else:
        what = ", ".join([table_name(resource).capitalize(),
                          *key_words(row, key_columns, names, countries)])
    unit, currency = str(row.get("unit") or ""), str(row.get("currency") or "")
    values = []
    if "central" in row:
        values.append(range_text(row.get("low"), row["central"], row.get("high"), unit,
                                 currency))
    titles: Mapping[str, str] = entry.get("titles") or {}
    shown = set(key_columns) | set(NOT_DETAILS)
    for column in row:
        if column in shown or column.endswith(("_low", "_high")):
            continue
        if column.endswith("_central"):
            prefix = column[:-len("_central")]
            value = range_text(row.get(f"{prefix}_low"), row[column], row.get(f"{prefix}_high"),
                               currency=currency if prefix == "price" else "")
            values.append(f"{column_words(column, titles)} {value}")
        elif str(row[column]).strip():
            share = number_or_none(row[column]) if column.endswith("share") else None
            value = share_text(None, share, None) if share is not None else row[column]
            values.append(f"{column_words(column, titles)} {value}")
    label = f"{what}: {', '.join(values)}" if values else what
    return label + reliability_text(row.get("reliability"))


def record_words(parts: list[Any], names: dict[str, str], countries: dict[str, str]) -> str:
    """A data row's key for readers: each part by its name ('rest_of_world' -> 'Other firms
    and sectors abroad', 'FR' -> 'France'), kinds of cost-structure row in words ('input' ->
    'purchases'), parts joined by ' · '; the ids stay in the row's `key` (CSV, API)."""
    kinds = {"input": "purchases", **{k: v.lower() for k, v in COST_KINDS.items()}}
    out = []
    for part in parts:
        text = str(part)
        out.append(names.get(text) or kinds.get(text) or region_label(text, countries)
                   if text in names or text in kinds or text in countries
                   or text in ("EU", "US", "ROW") else text)
    return " · ".join(out)


def plan_citation_rows(state: WebState, source: str) -> list[dict[str, Any]]:
    """The bundled reference plans' figures that cite `source` (service.plans), as rows of
    the source page: the plan by its title, the figure with the value chain's names of its
    category and supplier, its value with the low–high interval and reliability."""
    names = state.chain_names
    out = []
    for row in state.reference_plan_citations:
        if row["source"] != source:
            continue
        if row["unit"] == "share":
            value = share_text(row["low"], row["central"], row["high"])
        else:
            value = money(row["central"], row["unit"])
        if row["supplier"]:
            what = (f"Procurement share of {names.get(row['supplier'], row['supplier'])} in "
                    f"{names.get(row['category'], row['category'])}")
        elif row["category"]:
            what = f"Spending share of {names.get(row['category'], row['category'])}"
        else:
            what = row["field"].capitalize()
        reliability = reliability_text(row["reliability"])
        out.append({"table": "reference plan", "key": row["plan_title"],
                    "label": f"{what}: {value}{reliability}", "deal": None,
                    **{k: row[k] for k in ("plan", "plan_title", "field", "category",
                                           "supplier", "unit", "low", "central", "high",
                                           "reliability")}})
    return out


def source_view(state: WebState, url: str, source: str, *,
                origin: str | None = None) -> View:
    """A source and every ledger, macro, value-chain and debate-claim row, and every figure of
    the bundled reference plans, that cites it; `same_document`: the other source ids of the
    data package with the same URL (one document recorded once per sub-package), each with
    its title, page and the rows citing it, so the page shows every use of the document."""
    source = text_param("source", source) or ""
    record, where = source_record(state, source)
    tables = state.ledger.tables()
    used = cited_by(state, source, tables)
    same = []
    for other in state.same_document(source, str(record.get("url") or "")):
        info = state.source_info(other) or {}
        same.append({"id": other, "title": info.get("title", ""),
                     "title_lang": info.get("lang", ""), "publisher": info.get("publisher", ""),
                     "published": info.get("published", ""), "href": f"/sources/{other}",
                     "used_by": cited_by(state, other, tables)})
    from moneytrail.web.state import readable_title

    # a title that is a file name is shown as its publisher and the file's words (h101)
    shown = readable_title(str(record.get("title") or ""), str(record.get("publisher") or ""))
    file = str(record.get("title") or "") if shown != record.get("title") else ""
    # the page title names the id too: one document under two ids has two pages (h90)
    return View(meta=meta(state, title=f"Source: {shown or source}", url=url,
                          page_title=f"Source: {shown} ({source})" if shown else None),
                reproduce={"api": api_url(url, "used_by", origin)}, title_shown=shown, file=file,
                source=record, kept_in=where, used_by=used, same_document=same,
                link=state.source_link(record.get("url")), tables=["used_by"])


def row_context(source: str, note: Any, cited: Any) -> dict[str, str]:
    """What a row citing `source` says beside its figure: its own `note` ('' when it has
    none) and `other_sources`, the other source ids it cites, ';'-joined as the data writes
    them ('' when `source` is its only one). A figure built from several sources says so in
    its note; without both a reader takes it for the one source's own."""
    text = "" if note is None or (isinstance(note, float) and note != note) else str(note)
    ids = cited if isinstance(cited, (list, tuple, set)) else split_list(str(cited or ""))
    others = [s for s in dict.fromkeys(str(i).strip() for i in ids)
              if s and s not in (source, "nan")]
    return {"note": text.strip(), "other_sources": ";".join(others)}


def cited_by(state: WebState, source: str,
             tables: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """Every row citing `source`: the ledger's deals, claims and macro series (`tables`, the
    store's, read once per page), the rows of every other table of the data package with a
    source column (`WebState.package_citations`: value chain, analysis and lifecycle tables,
    compensation), the debate's claims and the bundled reference plans' figures. Each row
    names its `resource` (the data package's table) and its `key`, with its note and other
    sources (`row_context`)."""
    used: list[dict[str, Any]] = []
    for deal in tables["deal"].to_dict("records"):
        if cites(deal["sources"], source):
            used.append({"table": "ledger deal", "key": deal["id"], "label": deal["name"],
                         "deal": deal["id"], "resource": KINDS["deal"].resource,
                         **row_context(source, deal.get("note"), deal["sources"])})
    for claim in tables["claim"].to_dict("records"):
        if claim["source"] == source:
            amount = money(float(claim["central"]), claim["currency"])
            used.append({"table": "ledger claim", "key": claim["ref"],
                         "label": f"{claim['stage']}: {amount} ({claim['price_year']} prices),"
                                  f" as of {claim['as_of']}", "deal": claim["deal"],
                         "resource": KINDS["claim"].resource,
                         **row_context(source, claim.get("note"), [])})
    for kind in ("fx", "deflator", "population", "gdp"):
        frame = tables[kind]
        for _, row in frame[frame["source"] == source].iterrows():
            key = "/".join(str(row[c]) for c in KINDS[kind].key)
            used.append({"table": f"macro {kind}", "key": key, "label": str(row.get("value",
                         row.get("units_per_eur", row.get("index", "")))), "deal": None,
                         "resource": KINDS[kind].resource,
                         **row_context(source, row.get("note"), [])})
    names, countries = state.chain_names, state.valuechain.country_names()
    for entry in state.package_citations.get(source, []):
        row, key_columns = entry["row"], entry["key_columns"]
        first = str(next(iter(row.values()), ""))
        if entry["resource"] in TABLE_NAMES:        # the value chain's, as before
            key_text = record_words([row[c] for c in key_columns], names, countries)
        else:
            key_text = " · ".join(key_words(row, key_columns, names, countries))
        used.append({"table": table_name(entry["resource"]), "key": entry["key"],
                     "label": package_row_label(entry, names, countries), "deal": None,
                     "key_text": key_text if key_columns else f"{first} ({entry['key']})",
                     "resource": entry["resource"], "file": entry["file"],
                     "line": entry["line"],
                     **row_context(source, row.get("note"), entry["sources"])})
    claims = state.claims()
    cited: dict[str, dict[str, None]] = {}     # claim -> the sources of all its checks
    for claim, cell in zip(claims["claim"], claims["sources"], strict=True):
        cited.setdefault(claim, {}).update(dict.fromkeys(s.strip() for s in str(cell).split(";")))
    for claim_row in claims.drop_duplicates("claim").to_dict("records"):
        if source in cited[claim_row["claim"]]:
            used.append({"table": "debate claim", "key": claim_row["claim"],
                         "label": claim_row["text"], "deal": None,
                         **row_context(source, claim_row.get("note"),
                                       list(cited[claim_row["claim"]]))})
    used += [{**row, **row_context(source, "", [])} for row in plan_citation_rows(state, source)]
    return used


# -- claims -------------------------------------------------------------------------------
# evidence weight of a check and of its claim's verdict (analysis.claims, issue 10)
WEIGHT_COLUMNS = ("assumption_or_weak_p50", "assumption_or_weak_p5", "assumption_or_weak_p95",
            "claim_assumption_or_weak_p50", "claim_assumption_or_weak_p5",
            "claim_assumption_or_weak_p95")
# what a check's evidence weight reads and the assumption or weak sources it leaves out
# (analysis.claims; the `weight_basis` block under a claim)
WEIGHT_BASIS = ("weight_reads", "weight_leaves_out")


def claim_basis(verdict: Any, weight: dict[str, Any]) -> dict[str, object]:
    """A claim's `weak_basis` and `verdict_label` from its verdict and evidence weight (the
    `weight` columns, WEIGHT_COLUMNS): analysis.verdicts.verdict_basis, as the CSV and JSON
    of `moneytrail claims check` have them."""
    from moneytrail.analysis.verdicts import verdict_basis

    return verdict_basis(verdict, weight.get("claim_assumption_or_weak_p50"))


def claim_pieces(claim: Mapping[str, Any]) -> list[dict[str, object]]:
    """The pieces of a claim's verdict badge (analysis.verdicts.badge_pieces), for the
    `claim_verdict` macro: `claim` as the pages hold it, {"verdict", "weight": its WEIGHT_COLUMNS
    (or the claim's weight itself, a share), "cases", "rests"} (analysis.verdicts.
    verdict_parts; a claim without them, as one not checked, has none)."""
    from moneytrail.analysis.verdicts import badge_pieces

    weight = claim.get("weight")
    if isinstance(weight, Mapping):
        weight = weight.get("claim_assumption_or_weak_p50")
    return badge_pieces(str(claim.get("verdict")), weight, claim)


def shown_verdicts(claims: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """The verdicts the badges of `claims` say (claim_pieces: a conditional claim's own and
    each case's), each once: {"shown", "weak": those said on weak evidence}, for the verdict
    key under them (analysis.verdicts.badge_verdicts)."""
    from moneytrail.analysis.verdicts import badge_verdicts

    return badge_verdicts(claim_pieces(c) for c in claims)


def claimant(row: dict[str, Any]) -> dict[str, str]:
    """Who made a claim, when and where (the claims file's `claimed_by`, `claimed_on`,
    `claimed_in`) and the source of a related concern (`related_source`), from one of its
    check rows; '' where not given (a row of a check stored before data 2.5.3 has none)."""
    from moneytrail.analysis.claims import CLAIMANT

    out = {}
    for key in CLAIMANT:
        value = row.get(key)
        out[key] = "" if value is None or value != value else str(value)
    return out


def claims_view(state: WebState, url: str, viewer: int | None = None,
                reference: Mapping[str, str] | None = None, *,
                origin: str | None = None) -> View:
    """The debate's claims with verdict, figures, P(holds) and sources, one row per check;
    `runs`, the stored trace runs a claim can be checked against, in the groups of
    `run_groups` (web.run_picker: the reference runs, `reference` being each reference
    plan's run id, routes_runs.reference_run_ids; `viewer`'s own; other runs anyone may
    see), lists only those `viewer` (an account id, None for anonymous) may see."""
    # the checks, their draws, seed, run id and the ledger state they read (cited)
    frame, run = state.claims_checked()
    from moneytrail.analysis.claims import draws_seed_text
    from moneytrail.analysis.verdicts import verdict_parts, verdict_summary
    from moneytrail.web.run_picker import RUN_GROUPS, picker_runs

    runs = picker_runs(state.ledger.engine, viewer, reference or {})
    # the reference runs listed below, with their own draws (the app's, not the plan files')
    reference_draws = [int(r["draws"]) for r in runs
                       if r["group"] == "reference" and r.get("draws")]
    checked = {"draws": run["draws"], "seed": run["seed"], "run_id": run["run_id"],
               "text": draws_seed_text(run["draws"], run["seed"],
                                       reference_draws=reference_draws),
               "ledger_text": claims_ledger_text(run)}
    # every column of the checks, in their order, as `moneytrail claims check --format
    # csv/json` writes them (the same frame): `unit` tells an FTE figure from a share
    checks = rows(frame)
    grouped: dict[str, dict[str, Any]] = {}
    for check in checks:
        claim = grouped.setdefault(check["claim"], {"id": check["claim"], "text": check["text"],
                                                    "verdict": check["verdict"], "checks": [],
                                                    "verdict_text": check.get("verdict_text")
                                                    or "", "note": check.get("note") or "",
                                                    **claimant(check),
                                                    "sources": [],
                                                    "weight": {k: check.get(k) for k in
                                                               WEIGHT_COLUMNS}})
        claim.update(claim_basis(claim["verdict"], claim["weight"]))
        claim["checks"].append(check)
        # the verdict's badge: each case of a conditional claim, the assumptions it rests on
        claim.update(verdict_parts(str(claim["verdict"]), claim["checks"]),
                     verdict_summary=verdict_summary(str(claim["verdict"]),
                                                     claim["weight"].get(
                                                         "claim_assumption_or_weak_p50"),
                                                     claim["checks"]))
        for source in str(check["sources"] or "").split(";"):
            if source.strip() and source.strip() not in claim["sources"]:
                claim["sources"].append(source.strip())
    python = ("import moneytrail as mt\nfrom moneytrail.service import tasks\n\n"
              "with mt.Workspace.open() as ws:   # the bundled ledger; the web app uses its store\n"
              "    checks = tasks.check_claims(ws).table('claims')")
    from moneytrail.service.run_claims import debate_claims
    from moneytrail.web.claims_runs import checkable_claims

    return View(meta=meta(state, title="Claims of the debate, checked against the data",
                          url=url, read=run["ledger"], cite=claims_run_url(url, run, origin)),
                checkable=[c["id"] for c in checkable_claims()],
                # claims about one plan (`about`): not applicable to other plans' runs
                about={c.id: c.about for c in debate_claims().values() if c.about},
                runs=runs, run_groups=list(RUN_GROUPS),
                reproduce=reproduce(["moneytrail", "claims", "check"], python,
                                    api_url(url, "checks", origin)),
                claims=list(grouped.values()), checks=checks, checked=checked,
                tables=["checks"])


def claims_ledger_text(run: Mapping[str, Any]) -> str:
    """Which ledger the claims run read, after its id on /claims (WebState.claims_checked's
    `run`): the data package's, which this store holds unchanged at its revision (so it is
    the run `moneytrail demo` and `moneytrail claims check` give on the bundled data), or
    this store's at a revision; '' without a run id."""
    if not run.get("run_id"):
        return ""
    revision = run["ledger"].revision
    if run.get("ledger_package"):
        return (f"It reads the ledger of data package {run['ledger_package']}, which this "
                f"store's ledger at revision {revision} holds unchanged: the same run that "
                "\u201cmoneytrail demo\u201d and \u201cmoneytrail claims check\u201d give on "
                "that data.")
    return (f"It reads this store's ledger at revision {revision}, which differs from the "
            "data package's, so its run id differs from the one \u201cmoneytrail demo\u201d "
            "prints for the package's ledger.")


def claims_run_url(url: str, run: Mapping[str, Any], origin: str | None = None
                   ) -> str | None:
    """The address of the claims' stored run on this site (the site's address,
    `site_parts`, then /r/<run id>): a page that never changes and shows the same verdicts,
    so a citation of the claims names it; None when the checks were not stored as a run."""
    run_id = str(run.get("run_id") or "")
    if not run_id:
        return None
    base, _ = site_parts(url, origin)
    return f"{base}/r/{quote(run_id, safe='')}"


# -- plans --------------------------------------------------------------------------------
def plan_paths() -> dict[str, Any]:
    from moneytrail.scenarios.reference import reference_scenarios

    return {path.stem: path for path in reference_scenarios()}


def plans_summary() -> list[dict[str, Any]]:
    from moneytrail.scenarios.schema import load_scenario

    out = []
    for plan_id, path in plan_paths().items():
        plan = load_scenario(path)
        out.append({"id": plan_id, "title": plan.title, "budget": plan.budget.amount,
                    "currency": plan.currency, "year": plan.year,
                    "buyer_region": plan.buyer_region, "categories": len(plan.spend),
                    "kind": plan.kind, "kind_note": plan.kind_note})
    return out


def plan_view(state: WebState, url: str, plan_id: str, *,
              origin: str | None = None) -> View:
    """A reference plan: its budget and spending split (low / central / high) with sources."""
    from moneytrail.ledger.errors import NotFoundError
    from moneytrail.scenarios.schema import load_scenario

    plan_id = text_param("plan", plan_id) or ""
    paths = plan_paths()
    if plan_id not in paths:
        raise NotFoundError(f"no reference plan with this id (use {', '.join(paths)})",
                            field="plan", value=plan_id)
    plan = load_scenario(paths[plan_id])
    names = dict(zip(state.valuechain.categories["id"], state.valuechain.categories["name"],
                     strict=True))
    split = []
    for category, share in plan.spend.items():
        low, central, high = share.bounds
        split.append({"category": category, "name": names.get(category, category),
                      "low": low, "central": central, "high": high,
                      "amount_central": central * plan.budget.amount,
                      "currency": plan.currency, "source": share.source,
                      "reliability": share.reliability, "note": share.note})
    info = {"id": plan_id, "title": plan.title, "description": plan.description,
            "year": plan.year, "currency": plan.currency, "price_year": plan.price_year,
            "buyer_region": plan.buyer_region, "site_country": plan.site_country,
            "budget": plan.budget.amount, "budget_source": plan.budget.source,
            "budget_note": plan.budget.note, "horizon_years": plan.horizon_years,
            "kind_note": plan.kind_note if plan.kind == "hypothetical" else ""}
    from moneytrail.service.tasks import plan_inputs
    from moneytrail.web.jobs import DEFAULT_WEB_DRAWS

    # `scenario`: the whole plan in the scenario schema; POST it, or this whole document,
    # to /api/v1/runs (web.jobs.run_request). Its draws are those the web app runs a
    # reference plan at (the file says 10,000), so posted back it is the reference run
    return View(meta=meta(state, title=f"Plan: {plan.title}", url=url), plan=info,
                scenario={**plan_inputs(plan), "draws": DEFAULT_WEB_DRAWS},
                reproduce=reproduce(["moneytrail", "trace", f"scenarios/{plan_id}.yaml",
                                     "--draws", "2000"],
                                    "import moneytrail as mt\n"
                                    f"plan = mt.load_scenario('scenarios/{plan_id}.yaml')\n"
                                    "result = mt.trace(plan, draws=2000, seed=1)",
                                    api_url(url, "spend", origin)),
                spend=split, tables=["spend"], how_real=plan_reality(state, plan))


def plan_reality(state: WebState, plan: Plan) -> dict[str, Any] | None:
    """How real a plan's money is (web.how_real: the briefing's sentence and deal), None
    without a workspace."""
    from moneytrail.web.how_real import kept_how_real

    return kept_how_real(state, plan)


# the home page's heading: its chart is the largest pledges, public and private (most of
# them are firms': OpenAI, Amazon, Alphabet, Meta), so the title must not say 'public'
HOME_TITLE = "Public and private AI pledges: how real they are and where the money goes"


def home_view(state: WebState, url: str,
              traced: dict[str, dict[str, Any]] | None = None, *,
              origin: str | None = None) -> View:
    """The ledger's reality check, the claims with verdicts, and the reference plans. With
    `traced` (routes_runs.reference_traces: each plan's reference run), each plan's row also
    has its run's id and status and the headline's numbers (runs.headline_numbers: shares of
    wages, profits and taxes, the largest countries, with their unit), empty until the run
    is done, as the home page shows them."""
    from moneytrail.web.runs import headline_columns

    claims_page = claims_view(state, url, origin=origin)
    claims = claims_page["claims"]
    plans = plans_summary()
    if traced is not None:
        for plan in plans:
            run = traced.get(plan["id"], {})
            plan.update({"run_id": run.get("run_id"), "run_status": run.get("status"),
                         **dict.fromkeys(headline_columns()), **run.get("numbers", {})})
    return View(meta=meta(state, title=HOME_TITLE, url=url),
                reality=reality_chart(state), reproduce_reality=reality_reproduce(url, origin),
                claims=[{k: c[k] for k in ("id", "text", "verdict", "weak_basis",
                                           "verdict_label", "verdict_summary", "cases",
                                           "rests", "note", "weight")}
                        for c in claims],
                # the claims table's citation: the claims' stored run, as /claims cites it
                claims_meta=claims_page["meta"],
                plans=plans, tables=["reality", "claims", "plans"])


def diff(before: dict | None, after: dict | None) -> list[dict]:
    """Field-by-field changes of one revision: field, old value, new value."""
    before, after = before or {}, after or {}
    names = list(dict.fromkeys([*after, *before]))
    return [{"field": n, "old": before.get(n, ""), "new": after.get(n, "")}
            for n in names if before.get(n, "") != after.get(n, "") and n != "id"]


def revision_diff(before: str | None, after: str | None) -> list[dict] | None:
    """A revision's changed fields from its stored JSON before and after; None when the
    record was created or deleted (the action says so)."""
    import json

    old, new = (json.loads(x) if x else None for x in (before, after))
    return diff(old, new) if old is not None and new is not None else None
