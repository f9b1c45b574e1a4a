"""Ledger queries on a snapshot of the store's tables; every result is a pandas DataFrame.

Amounts come out in one currency and price year (`currency=`, `price_year=`; default EUR at the
latest year the deflator covers), converted as `money.py` explains. For each deal and stage the
query uses the *latest non-superseded claim*: claims named by another claim's `supersedes` are
dropped, the latest `as_of` wins (a date of month or year precision counts from the first day
of its period), and claims with the same `as_of` are broken by their source's reliability
(`TIE_RULE`: filing, official, analyst, estimate, weak, assumption), then by the larger
central amount, then by ref.
"""

from __future__ import annotations

import inspect
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from moneytrail.data.checks import RELIABILITY, one_row
from moneytrail.ledger.errors import ConversionError, LedgerError, NotFoundError
from moneytrail.ledger.money import Converter, unknown_currency
from moneytrail.ledger.records import NOT_PLEDGES, SECTORS, STAGES, WHOLE_CAPEX, split_list
from moneytrail.numbers import currency_of_symbol

Tables = dict[str, pd.DataFrame]
BOUNDS = ("low", "central", "high")
GROUPS = ("region", "sector", "purpose", "year")
FILTERS = ("region", "sector", "purpose", "year", "stage", "search")  # what `**filters` take
SEARCHED = ("id", "name", "announcer", "description")    # the deal fields `search` looks in
DIGITS = re.compile(r"[+-]?[0-9]+")     # a whole number as text, as --year/--price-year take


def check_options(query: Callable, options: Mapping[str, object]) -> None:
    """The one argument check of the ledger's query methods (`Ledger.list`, `totals`, ...):
    every option is a keyword parameter of `query`, or one of the FILTERS where `query`
    takes `**filters`; an unknown one (a typo) is a LedgerError naming it and listing the
    parameters, not a TypeError from deep inside. The values are checked where they are
    used (`target`, `select_deals`, `texts`, `whole_year`, `check_stage`), so the CLI and
    the web app get the same checks."""
    params = inspect.signature(query).parameters.values()
    names = [p.name for p in params if p.kind == p.KEYWORD_ONLY]
    if any(p.kind == p.VAR_KEYWORD for p in params):
        names += [name for name in FILTERS if name not in names]
    for name, value in options.items():
        if name not in names:
            raise LedgerError(f"unknown parameter (use {', '.join(names)})", field=name,
                              value=value)


def whole_year(name: str, value: object, *, message: str) -> int:
    """A year given to a query as a whole number (an int, a numpy integer, or its text as
    the CLI and the HTTP API take it: "2024"); a float (2025.5, also 2025.0, as the HTTP API
    refuses it), a bool or other text is a LedgerError naming `name` with `message`, never
    truncated."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    raise LedgerError(message, field=name, value=value)


def texts(name: str, value: object) -> list[str] | None:
    """A filter or grouping given as one text or a list (any iterable) of texts; None, ""
    or an empty list is none. Anything else is a LedgerError naming `name`."""
    if value is None or isinstance(value, str):
        return [value] if value else None
    if isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = list(value)
        if all(isinstance(item, str) for item in items):
            return items or None
    example = "'region' or ['region', 'year']" if name == "by" else "'EU' or ['EU', 'US']"
    raise LedgerError(f"expected a text or a list of texts (e.g. {example})", field=name,
                      value=value)


def target(converter: Converter, currency: str, price_year: int | None) -> tuple[str, int]:
    """The output currency and price year, checked before any claim is converted (so a bad
    choice names the parameter `currency` or `price_year`, not some claim). Errors of these
    queries name their Python parameters (`by`, `stage`, `region`, `year`, ...): the CLI
    renames them to its options (cli.ledger.option_names), the web app's are the same."""
    if not isinstance(currency, str):
        raise ConversionError("expected a currency code as text (e.g. 'EUR' or 'USD')"
                              + (", not None" if currency is None else ""),
                              field="currency", value=currency)
    currency = currency_of_symbol(currency)        # 'eur' and '€' as EUR, as the builder
    if currency not in converter.currencies:
        raise ConversionError(unknown_currency(currency, converter.currencies),
                              field="currency", value=currency)
    if price_year is None:
        return currency, converter.default_price_year(currency)
    year = whole_year("price_year", price_year,
                      message="not a whole number (a year, e.g. 2024)")
    if year < 1:
        raise ConversionError("not a year", field="price_year", value=price_year)
    converter.check_target(currency, year)
    return currency, year


def date_key(text: str) -> str:
    """Sortable form of a YYYY, YYYY-MM or YYYY-MM-DD date (start of its period)."""
    parts = (str(text).split("-") + ["01", "01"])[:3]
    return "-".join(parts)


def date_end(text: str) -> str:
    """Sortable last day of a YYYY, YYYY-MM or YYYY-MM-DD period ('2024' -> '2024-12-31';
    days above a month's length sort the same, as strings)."""
    parts = str(text).split("-")
    return "-".join((parts + ["12", "31"][len(parts) - 1:])[:3])


def announcement_links(deals: pd.DataFrame) -> dict[str, tuple[str, list[str]]]:
    """Per deal id: its announcement date ('' when none) and the deals it is part of
    (`part_of`), read once for `announced_on`."""
    return {str(d["id"]): (str(d.get("announced", "") or ""),
                           split_list(str(d.get("part_of", "") or "")))
            for d in deals.to_dict("records")}


def announced_on(deals: pd.DataFrame, deal: str,
                 links: dict[str, tuple[str, list[str]]] | None = None) -> str:
    """The earliest announcement date (YYYY-MM-DD start of its period) of a deal and of the
    deals it is part of (`part_of`, followed up): a component deal split out of a headline
    shares the headline's announcement. '' when none is known. Pass `links` (`announcement_links`
    of the same deals) when asking for many deals: it is read from `deals` otherwise."""
    links = announcement_links(deals) if links is None else links
    dates, seen, todo = [], set(), [deal]
    while todo:
        current = todo.pop()
        if current in seen or current not in links:
            continue
        seen.add(current)
        announced, parents = links[current]
        if announced:
            dates.append(date_key(announced))
        todo += parents
    return min(dates) if dates else ""


DATE_CHECKED = ("announced", "committed")   # stages whose date may not precede the announcement


def before_announcement(stage: str, as_of: str, announced: str) -> str:
    """A warning when a claim of an `announced` or `committed` stage is dated (to the end of
    its period) before the deal's announcement (`announced_on`), '' otherwise. Not refused:
    a programme can re-label money committed earlier. Disbursed claims are not checked:
    spending is reported after the period it covers (capex programmes are announced with
    their results)."""
    if stage not in DATE_CHECKED or not as_of or not announced or date_end(as_of) >= announced:
        return ""
    return f"{stage} as of {as_of}, before the deal was announced ({announced})"


def claim_warnings(tables: Tables, ref: str) -> list[str]:
    """Warnings about one claim (`before_announcement`), for `ledger add` and `edit`."""
    claims = tables["claim"][tables["claim"]["ref"] == ref]
    out = []
    for _, claim in claims.iterrows():
        text = before_announcement(str(claim["stage"]), str(claim["as_of"]),
                                   announced_on(tables["deal"], str(claim["deal"])))
        if text:
            out.append(text)
    return out


def normalised(claims: pd.DataFrame, converter: Converter, currency: str,
               price_year: int) -> pd.DataFrame:
    """Claims with `norm_low/central/high` in the target currency and price year."""
    factors = []
    for ref, cur, year in zip(claims["ref"], claims["currency"], claims["price_year"],
                              strict=True):
        try:
            factors.append(converter.factor(cur, int(year), currency, price_year))
        except ConversionError as exc:
            raise ConversionError(exc.detail, file=f"claim '{ref}'", field=exc.field,
                                  value=exc.value) from None
    out = claims.copy()
    for bound in BOUNDS:
        out[bound] = out[bound].astype(float)
        out[f"norm_{bound}"] = out[bound] * pd.Series(factors, index=out.index, dtype=float)
    out["price_year"] = out["price_year"].astype(int)
    return out


def select_deals(tables: Tables, *, region: str | Sequence[str] | None = None,
                 sector: str | Sequence[str] | None = None,
                 purpose: str | Sequence[str] | None = None, year: int | None = None,
                 stage: str | None = None, search: str | None = None) -> pd.DataFrame:
    """Deals matching every filter given; `year` is the year announced, `stage` keeps deals
    with at least one claim of that stage, `search` (text) those whose id, name, announcer
    (the firms or governments behind it) or description holds it, in any case (SEARCHED)."""
    deals = tables["deal"]
    mask = pd.Series(True, index=deals.index)
    known = {"region": known_regions(tables), "sector": set(SECTORS), "purpose": None}
    for column, wanted in (("region", region), ("sector", sector), ("purpose", purpose)):
        values = texts(column, wanted)
        allowed = known[column]
        if values and allowed is not None:
            values = [canonical(column, value, allowed) for value in values]
        if values:
            mask &= deals[column].isin(values)
    if year is not None:
        announced = whole_year("year", year, message="not a year (use a whole number of four "
                               "digits, e.g. 2025)")
        if not 1900 <= announced <= 2100:
            raise LedgerError("year out of range (1900 to 2100)", field="year", value=year)
        mask &= deals["announced"].str[:4] == str(announced)
    if search is not None and not isinstance(search, str):
        raise LedgerError("expected a text to search for (e.g. 'nvidia')", field="search",
                          value=search)
    if search and search.strip():
        wanted = search.strip().casefold()
        mask &= deals[list(SEARCHED)].apply(
            lambda row: any(wanted in str(v).casefold() for v in row), axis=1).astype(bool)
    if isinstance(stage, str) and not stage:
        stage = None                    # "" is no filter, as a form left empty
    if stage is not None:
        check_stage(stage)
        claims = tables["claim"]
        mask &= deals["id"].isin(set(claims.loc[claims["stage"] == stage, "deal"]))
    return deals[mask]


def canonical(name: str, value: str, allowed: Iterable[str]) -> str:
    """`value` as the code of `allowed` it names: itself, else the one code equal to it in
    any case ('us' -> 'US', 'Public' -> 'public'). Anything else is a LedgerError naming
    `name`, the value and the codes to use."""
    known = set(allowed)
    if value in known:
        return value
    same = [code for code in known if code.casefold() == value.casefold()]
    if len(same) == 1:
        return same[0]
    raise LedgerError(f"unknown {name} (use {', '.join(sorted(known))})", field=name,
                      value=value)


def known_regions(tables: Tables) -> set[str]:
    """Regions a filter may name: those of deals, population or GDP rows."""
    return set(tables["deal"]["region"]) | set(tables["population"]["country"]) | \
        set(tables["gdp"]["country"])


def check_stage(stage: str) -> None:
    if not isinstance(stage, str) or stage not in STAGES:
        raise LedgerError(f"unknown stage (use {', '.join(STAGES)})", field="stage",
                          value=stage)


# how claims of one deal and stage with the same `as_of` are chosen between (said on the deal
# page and in docs/methods.md)
TIE_RULE = ("Of claims with the same as-of date, the one whose source is more reliable is used "
            "(filing, then official, analyst, estimate, weak, assumption: a company's filing "
            "before a press report of it); where the sources are equally reliable, the larger "
            "amount.")


# what every totals page, its citation and its download say, and `moneytrail ledger totals`
# (docs/methods.md, the ledger)
TOTALS_NOTE = ("Lower bounds: a deal that is part of another deal with a claim at this stage "
               "is left out (that headline holds its money); of two deals that overlap, the "
               "larger is counted and the smaller left out whole, so no money is counted "
               "twice; the smaller deal's money outside the overlap is not counted either.")
NEEDS_NOTE = ("Estimates of need are included: they are not pledges (some are yearly, "
              "economy-wide amounts), so these totals add them to multi-year pledges and are "
              "not money pledged.")


def reliability_rank(claims: pd.DataFrame, sources: pd.DataFrame | None) -> pd.Series:
    """Per claim, its source's place in RELIABILITY (0 = filing, the most reliable); a
    source without a known reliability (or no source table given) ranks after every label."""
    ranks = {label: i for i, label in enumerate(RELIABILITY)}
    by_source = {} if sources is None else dict(zip(sources["id"], sources["reliability"],
                                                    strict=True))
    return claims["source"].map(
        lambda s: ranks.get(str(by_source.get(s, "")), len(RELIABILITY))).astype(int)


def weakest(labels: Iterable[str]) -> str:
    """The least reliable of reliability `labels` (RELIABILITY order; an unknown label ranks
    after every known one); '' for none."""
    ranks = {label: i for i, label in enumerate(RELIABILITY)}
    return max(labels, key=lambda label: ranks.get(label, len(RELIABILITY)), default="")


def latest(claims: pd.DataFrame, stage: str, sources: pd.DataFrame | None) -> pd.DataFrame:
    """Per deal, the latest non-superseded claim of a stage (index: deal id); on the same
    `as_of`, the claim of the more reliable source (`sources`: the ledger's source table),
    then the larger central amount, then the first ref (`TIE_RULE`)."""
    superseded = set(claims["supersedes"]) - {""}
    rows = claims[(claims["stage"] == stage) & ~claims["ref"].isin(superseded)]
    rows = rows.assign(_date=rows["as_of"].map(date_key),
                       _rank=reliability_rank(rows, sources)).sort_values(
        ["deal", "_date", "_rank", "norm_central", "ref"],
        ascending=[True, False, True, False, True])
    return rows.drop_duplicates("deal").drop(columns=["_date", "_rank"]).set_index("deal")


# a claim whose note says the amount is counted toward the deal by the ledger's own reading
# (not the announcer's: SoftBank's OpenAI equity as spending of its US pledge)
OUR_READING = "our reading"
# what an amount is, shown beside the figure, as the data's fields say it (records.BASES,
# records.SCOPES; docs/data-format.md): a claim of basis per_year is a yearly amount, not a
# total (the Draghi report's need); a deal of scope not_ai_only covers more than AI
# (semiconductors, decarbonisation, defence), as does a firm's whole capital expenditure
PER_YEAR, NOT_AI_ONLY = "per_year", "not_ai_only"
PER_YEAR_WORDS, NOT_AI_ONLY_WORDS = "per year", "not AI alone"


def qualifier(deal: pd.Series, announced_basis: Any) -> str:
    """What the deal's announced amount is, from the fields of the data (never the wording
    of notes): 'per year' when the announced claim used has basis per_year (PER_YEAR), 'not
    AI alone' when the deal's scope is not_ai_only (NOT_AI_ONLY) or it is a firm's whole
    capital expenditure (`whole_capex`); both joined by '; ', '' for neither. An empty basis
    is a total, an empty scope AI alone."""
    words = []
    if announced_basis == PER_YEAR:
        words.append(PER_YEAR_WORDS)
    if deal.get("scope") == NOT_AI_ONLY or whole_capex(deal.get("purpose")):
        words.append(NOT_AI_ONLY_WORDS)
    return "; ".join(words)


def whole_capex(purpose: Any) -> bool:
    """Whether a deal of this purpose is a firm's whole capital expenditure (all of its
    investment, not AI alone): the ledger page's and home chart's "whole-company capex"
    mark, the totals' `whole_capex_central`, and "not AI alone" in `qualifier`."""
    return purpose == WHOLE_CAPEX


# the column naming the deal in every per-deal table of the ledger API (`list` keeps `id` too)
DEAL_KEY = "deal"


def deal_list(tables: Tables, converter: Converter, *, currency: str = "EUR",
              price_year: int | None = None, **filters) -> pd.DataFrame:
    """Deals with the central amount of their latest claim at each stage (`<stage>_central`,
    with that claim's `<stage>_as_of`, `<stage>_source` id and its `<stage>_reliability`, ''
    when none), and
    `our_reading`: the stages (`;`-separated) whose claim used says in its note that counting
    it toward the deal is the ledger's reading, not the announcer's (`OUR_READING`);
    `qualifier`: what the announced amount is, as the claim's `basis` and the deal's `scope`
    say ('per year; not AI alone', `qualifier`);
    `committed_in_parts`/`disbursed_in_parts` (and `..._as_of`, `..._sources`: the source ids
    of the parts' claims counted, ';'-joined, and `..._reliability`: the weakest of their
    labels): for a deal without a claim of its own at that stage, its parts' amount
    (`programme_amount`), else NaN ("")."""
    currency, price_year = target(converter, currency, price_year)
    deals = select_deals(tables, **filters)
    claims = normalised(tables["claim"][tables["claim"]["deal"].isin(deals["id"])],
                        converter, currency, price_year)
    out = deals[["id", "name", "kind", "region", "sector", "purpose", "announced", "part_of",
                 "overlaps"]].copy()
    reading: dict[str, list[str]] = {}
    label_of = {str(i): str(r or "") for i, r in zip(tables["source"]["id"],
                                                     tables["source"]["reliability"], strict=True)}
    for stage in STAGES:
        picked = latest(claims, stage, tables["source"])
        out[stage + "_central"] = out["id"].map(picked["norm_central"]).astype(float)
        # where that figure comes from: the claim's as-of date, source id and that source's
        # reliability ('' for none)
        out[stage + "_as_of"] = out["id"].map(picked["as_of"]).fillna("").astype(str)
        out[stage + "_source"] = out["id"].map(picked["source"]).fillna("").astype(str)
        out[stage + "_reliability"] = [label_of.get(s, "") for s in out[stage + "_source"]]
        for deal, note in picked["note"].items():
            if OUR_READING in str(note or "").lower():
                reading.setdefault(str(deal), []).append(stage)
    out["our_reading"] = [";".join(reading.get(str(d), [])) for d in out["id"]]
    announced_basis = latest(claims, "announced", tables["source"])["basis"]
    out["qualifier"] = [qualifier(deal, announced_basis.get(deal["id"]))
                        for _, deal in deals.iterrows()]
    # a programme without a claim of its own at a stage: its parts' amount, as the deal page
    # shows it (`programme_amount`), with the latest as-of date among them
    parents = {str(r["id"]): split_list(r["part_of"]) for _, r in tables["deal"].iterrows()}
    source_of = dict(zip(tables["claim"]["ref"], tables["claim"]["source"], strict=True))
    for stage in ("committed", "disbursed"):
        wholes: set[str] = set()       # deals with a part (at any depth) claiming the stage
        todo = list(tables["claim"].loc[tables["claim"]["stage"] == stage, "deal"])
        while todo:
            for parent in parents.get(str(todo.pop()), []):
                if parent not in wholes:
                    wholes.add(parent)
                    todo.append(parent)
        amounts, dates, sources = [], [], []
        for deal, own in zip(out["id"], out[stage + "_central"], strict=True):
            whole = programme_amount(tables, converter, str(deal), stage, currency=currency,
                                     price_year=price_year) \
                if deal in wholes and pd.isna(own) else {"refs": []}
            amounts.append(whole["central"] if whole["refs"] else math.nan)
            dates.append(whole["as_of"] if whole["refs"] else "")
            sources.append(";".join(dict.fromkeys(source_of.get(r, "") for r in whole["refs"])))
        out[stage + "_in_parts"], out[stage + "_in_parts_as_of"] = amounts, dates
        out[stage + "_in_parts_sources"] = sources
        # an amount in parts rests on several claims: the weakest of their sources' labels
        out[stage + "_in_parts_reliability"] = [
            weakest(label_of.get(s, "") for s in ids.split(";")) if ids else ""
            for ids in sources]
    out["currency"], out["price_year"] = currency, price_year
    # the deal id under the name every other per-deal table gives it (`reality`,
    # `totals_caveats`, the claims' own column); `id` stays, the same value, for older scripts
    out[DEAL_KEY] = out["id"]
    return out.reset_index(drop=True)


def show(tables: Tables, converter: Converter, deal: str, *, currency: str = "EUR",
         price_year: int | None = None) -> dict[str, pd.DataFrame]:
    """A deal, its claims (all of them, with the normalised amounts, their source's
    reliability and `why` each is used or not, `why_used`), sources and links."""
    currency, price_year = target(converter, currency, price_year)
    deals = tables["deal"]
    if deal not in set(deals["id"]):
        raise NotFoundError("no deal with this id", field="deal", value=deal)
    record = deals[deals["id"] == deal].iloc[0]
    info = pd.DataFrame({"field": record.index, "value": [str(v) for v in record.values]})
    claims = normalised(tables["claim"][tables["claim"]["deal"] == deal], converter, currency,
                        price_year)
    superseded_by = {row["supersedes"]: row["ref"] for _, row in tables["claim"].iterrows()
                     if row["supersedes"]}
    claims["superseded_by"] = claims["ref"].map(lambda r: superseded_by.get(r, ""))
    claims["source_reliability"] = claims["source"].map(
        dict(zip(tables["source"]["id"], tables["source"]["reliability"], strict=True))
    ).fillna("")
    picked = {stage: latest(claims, stage, tables["source"]) for stage in STAGES}
    chosen = {frame.loc[deal, "ref"] for frame in picked.values() if deal in frame.index}
    claims["used"] = claims["ref"].isin(chosen)
    claims["why"] = [why_used(claim, one_row(picked[claim["stage"]], deal)
                              if deal in picked[claim["stage"]].index else None)
                     for _, claim in claims.iterrows()]
    claims["_stage"] = claims["stage"].map(STAGES.index)
    claims["_date"] = claims["as_of"].map(date_key)
    claims = claims.sort_values(["_stage", "_date", "ref"]).drop(columns=["_stage", "_date"])
    claims["norm_currency"], claims["norm_price_year"] = currency, price_year
    cited = split_list(record["sources"]) + list(claims["source"])
    sources = tables["source"][tables["source"]["id"].isin(cited)]
    links = pd.DataFrame(deal_links(deals, deal), columns=["link", "deal"])
    return {"deal": info, "claims": claims.reset_index(drop=True),
            "sources": sources.reset_index(drop=True), "links": links}


def why_used(claim: pd.Series, used: pd.Series | None) -> str:
    """Why a claim of `show` is used or not, in words, against the claim used for its stage
    (`used`, None when none is): superseded, older, or a tie of dates broken by `TIE_RULE`."""
    if claim["superseded_by"]:
        return f"superseded by {claim['superseded_by']}"
    if used is None:
        return ""
    if used["ref"] == claim["ref"]:
        return "latest claim of its stage"
    if date_key(str(used["as_of"])) != date_key(str(claim["as_of"])):
        return f"older than {used['ref']}"
    if used["source_reliability"] != claim["source_reliability"]:
        return (f"same date as {used['ref']}, whose source is more reliable: "
                f"{used['source_reliability'] or 'unknown'} against "
                f"{claim['source_reliability'] or 'unknown'}")
    return f"same date and equally reliable source as {used['ref']}, which is larger"


def ratio(numerator: pd.Series, denominator: pd.Series) -> tuple[float, float, float]:
    """low/central/high of a ratio of two intervals: widest range the bounds allow."""
    def div(a: float, b: float) -> float:
        return a / b if b and not math.isnan(a) and not math.isnan(b) else math.nan

    return (div(numerator["norm_low"], denominator["norm_high"]),
            div(numerator["norm_central"], denominator["norm_central"]),
            div(numerator["norm_high"], denominator["norm_low"]))


def reality(tables: Tables, converter: Converter, *, currency: str = "EUR",
            price_year: int | None = None, **filters) -> pd.DataFrame:
    """Per deal: committed/announced and disbursed/announced, with ranges and as_of dates.

    Ratio ranges divide low by the announcement's high and high by its low. `warnings`
    (text, '' for none) flags what to check without refusing it: committed or disbursed
    above the amount announced (central ratio over 1: overruns happen), disbursed above the
    amount committed (a later commitment may be missing) and an announced or
    committed claim dated before the deal's announcement (`before_announcement`).
    """
    currency, price_year = target(converter, currency, price_year)
    deals = select_deals(tables, **filters)
    claims = normalised(tables["claim"][tables["claim"]["deal"].isin(deals["id"])],
                        converter, currency, price_year)
    chosen = {stage: latest(claims, stage, tables["source"]) for stage in STAGES}
    empty = pd.Series({"norm_low": math.nan, "norm_central": math.nan, "norm_high": math.nan,
                       "as_of": "", "ref": ""})
    links = announcement_links(tables["deal"])
    rows = []
    for _, deal in deals.iterrows():
        row: dict = {"deal": deal["id"], "name": deal["name"], "kind": kind_of(deal["kind"]),
                     "region": deal["region"], "sector": deal["sector"]}
        picked = {stage: chosen[stage].loc[deal["id"]] if deal["id"] in chosen[stage].index
                  else empty for stage in STAGES}
        for stage, claim in picked.items():
            for bound in BOUNDS:
                row[f"{stage}_{bound}"] = float(claim[f"norm_{bound}"])
            row[f"{stage}_as_of"] = claim["as_of"]
            row[f"{stage}_ref"] = claim["ref"]
        warnings = []
        announced = announced_on(tables["deal"], str(deal["id"]), links)
        for stage in DATE_CHECKED:
            text = before_announcement(stage, str(picked[stage]["as_of"]), announced)
            warnings += [text] if text else []
        for stage in ("committed", "disbursed"):
            values = ratio(picked[stage], picked["announced"])
            for bound, value in zip(BOUNDS, values, strict=True):
                row[f"{stage}_ratio_{bound}"] = value
            if values[1] > 1:        # overshoots happen (cost overruns): shown, not refused
                warnings.append(f"{stage} is {values[1] * 100:.1f} % of the amount announced")
            elif picked["announced"]["norm_central"] == 0 and \
                    picked[stage]["norm_central"] > 0:            # no ratio to a zero
                warnings.append(f"{stage} beside nothing announced")
        spent = ratio(picked["disbursed"], picked["committed"])[1]
        if spent > 1:            # paid out beyond the latest commitment: one may be missing
            warnings.append(f"disbursed is {spent * 100:.1f} % of the amount committed (a "
                            "later commitment may be missing from the ledger)")
        elif picked["committed"]["norm_central"] == 0 and \
                picked["disbursed"]["norm_central"] > 0:          # no ratio to a zero
            warnings.append("disbursed beside nothing committed (a later commitment may be "
                            "missing from the ledger)")
        row["warnings"] = "; ".join(warnings)
        rows.append(row)
    out = pd.DataFrame(rows, columns=reality_columns())
    out["currency"], out["price_year"] = currency, price_year
    return out


def kind_of(kind: object) -> str:
    """A deal's kind, 'pledge' where the column is empty (packages written before it)."""
    return str(kind or "") or "pledge"


def reality_columns() -> list[str]:
    columns = ["deal", "name", "kind", "region", "sector"]
    for stage in STAGES:
        columns += [f"{stage}_{b}" for b in BOUNDS] + [f"{stage}_as_of", f"{stage}_ref"]
    for stage in ("committed", "disbursed"):
        columns += [f"{stage}_ratio_{b}" for b in BOUNDS]
    return columns + ["warnings"]


def deal_links(deals: pd.DataFrame, deal: str) -> list[dict[str, str]]:
    """A deal's overlap links both ways: part_of/overlaps it names, includes/overlapped_by."""
    record = deals[deals["id"] == deal].iloc[0]
    out = [{"link": column, "deal": other} for column in ("part_of", "overlaps")
           for other in split_list(record[column])]
    for _, row in deals.iterrows():
        if deal in split_list(row["part_of"]):
            out.append({"link": "includes", "deal": row["id"]})
        if deal in split_list(row["overlaps"]):
            out.append({"link": "overlapped_by", "deal": row["id"]})
    return out


def overlapping(all_deals: pd.DataFrame, candidates: set[str]) -> set[str]:
    """Candidates whose money is already in the headline of another candidate.

    A deal is left out when any deal it is part of or overlaps, directly or through other
    deals (the links of *all* deals, so a middle deal that a filter removed still connects
    a child to its grandparent), is a candidate. Links never form cycles (validation), so the
    deals kept are exactly those with no candidate among their containers, and no money is
    counted twice.
    """
    containers = {str(row["id"]): split_list(row["part_of"]) + split_list(row["overlaps"])
                  for _, row in all_deals.iterrows()}
    out = set()
    for deal in candidates:
        stack, seen = list(containers.get(deal, [])), {deal}
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            if node in candidates:
                out.add(deal)
                break
            seen.add(node)
            stack.extend(containers.get(node, []))
    return out


def money_links(all_deals: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Per deal id, the deals it shares money with by the declared links of *all* deals
    (through deals a filter removed too), each with how, from the deal's side:
    "part of" (it is inside the other, through `part_of` links only), "contains" (the other
    is inside it) or "overlaps" (a declared overlap between the two, or between deals inside
    them: money inside a deal is in everything that deal is part of). Nothing else is
    inferred: two parts of one deal are separate money, and a part of a deal that overlaps a
    third deal is not taken to overlap it (the overlap may lie in another part; a part that
    holds it says so itself)."""
    parents = {str(row["id"]): split_list(row["part_of"]) for _, row in all_deals.iterrows()}
    declared = {str(row["id"]): split_list(row["overlaps"]) for _, row in all_deals.iterrows()}

    def self_and_up(deal: str) -> list[str]:
        out, todo = [deal], list(parents.get(deal, []))
        while todo:
            node = todo.pop(0)
            if node not in out:
                out.append(node)
                todo.extend(parents.get(node, []))
        return out

    links: dict[str, dict[str, str]] = {deal: {} for deal in parents}
    for deal in parents:
        for up in self_and_up(deal)[1:]:
            links[deal][up] = "part of"
            links.setdefault(up, {})[deal] = "contains"
    for deal, others in declared.items():
        for one in self_and_up(deal):
            for other in (o for d in others for o in self_and_up(d)):
                if one != other:
                    links.setdefault(one, {}).setdefault(other, "overlaps")
                    links.setdefault(other, {}).setdefault(one, "overlaps")
    return links


def counted_set(links: dict[str, dict[str, str]], amounts: Mapping[str, float]) -> set[str]:
    """Of the deals in `amounts` (deal id -> central amount), those counted in a total.

    A deal inside another deal in `amounts` ("part of", directly or through other parts) is
    left out: that headline holds its money (parts of one deal are not taken to be separate
    money from each other, so they never replace it). Of the rest, the larger is counted:
    largest first (then by id), a deal is counted unless it overlaps (`money_links`) a deal
    already counted. So a deal is never left out for a smaller one's sake."""
    rest = {d: a for d, a in amounts.items()
            if not any(how == "part of" and other in amounts
                       for other, how in links.get(d, {}).items())}
    counted: set[str] = set()
    for deal in sorted(rest, key=lambda d: (-rest[d], d)):
        if not any(other in counted for other in links.get(deal, {})):
            counted.add(deal)
    return counted


def is_need(deals: pd.DataFrame) -> pd.Series:
    """Deals that are not pledges (kinds need, expectation, cost): left out of totals."""
    return deals["kind"].isin(NOT_PLEDGES)


def nearest(series: pd.DataFrame, country: str, year: int) -> tuple[float, int] | None:
    """Value of a macro series for a country in the year closest to `year` (earlier on ties)."""
    rows = series[series["country"] == country]
    if rows.empty:
        return None
    years = rows["year"].astype(int)
    best = min(years, key=lambda y: (abs(y - year), y))
    return float(rows.loc[years == best, "value"].iloc[0]), int(best)


def totals(tables: Tables, converter: Converter, *,
           by: str | Sequence[str] | None = ("region",),
           stage: str = "announced", currency: str = "EUR", price_year: int | None = None,
           include_needs: bool = False, **filters) -> pd.DataFrame:
    """Sum of the latest claims of one stage, grouped; per capita and per GDP by region.

    A selected deal with a claim of the stage that is part of another such deal is left out
    (that headline holds its money); of deals that overlap (`money_links`), the larger is
    counted and the other left out (`counted_set`), so groups add up without double
    counting. Deals that are not pledges (kinds `need`, `expectation`, `cost`) are left out
    unless `include_needs`. `by` is one grouping (`"region"`) or several; none or `[]` is one
    total. `whole_capex_central`/`whole_capex_share`: the part of the central total that is
    firms' whole capital expenditure (deals of purpose `capex`, not AI alone). Population
    and GDP are of the group's year if grouped by year,
    else of the price year, or the nearest year available (`population_year`, `gdp_year`).
    A share of GDP (`per_gdp_*`) converts each claim to the GDP figure's own currency and
    year, so it is the same in every output currency (`gdp_shares`).
    """
    check_stage(stage)
    by = list(dict.fromkeys(texts("by", by) or []))     # "region" is one grouping, not six
    for column in by:
        if column not in GROUPS:
            raise LedgerError(f"unknown grouping (use {', '.join(GROUPS)})", field="by",
                              value=column)
    currency, price_year = target(converter, currency, price_year)
    frame, amounts = stage_frame(tables, converter, stage, currency, price_year,
                                 include_needs, filters)
    counted = frame[~frame["overlap"]]
    shares = [f"_gdp_{b}" for b in BOUNDS]
    if "region" in by:
        counted = counted.assign(**gdp_shares(counted, amounts, tables["gdp"], converter,
                                              price_year, by_year="year" in by))
    keys = by or (lambda _: "all")
    grouped = counted.groupby(keys, sort=True)
    out = grouped[list(BOUNDS)].sum()
    if "region" in by:
        out[shares] = grouped[shares].sum(min_count=1)
    out["deals"] = grouped.size()
    # how much of each total is firms' whole capital expenditure (purpose `capex`: all of
    # a firm's investment, not AI alone)
    is_capex = counted["purpose"].map(whole_capex).astype(bool)
    capex = counted.assign(_capex=counted["central"].where(is_capex, 0.0))
    out["whole_capex_central"] = capex.groupby(keys, sort=True)["_capex"].sum()
    out["whole_capex_share"] = out["whole_capex_central"] / out["central"].where(
        out["central"] != 0)
    skipped = frame[frame["overlap"]].groupby(keys).size() if len(frame) else pd.Series()
    out["overlaps_excluded"] = skipped.reindex(out.index).fillna(0).astype(int)
    out = out.reset_index()
    if not by:
        out = out.drop(columns="index", errors="ignore")
    if "region" in by:
        add_per_head(out, tables, converter, currency, price_year, by)
    out["stage"], out["currency"], out["price_year"] = stage, currency, price_year
    return out


def stage_frame(tables: Tables, converter: Converter, stage: str, currency: str,
                price_year: int, include_needs: bool, filters: dict
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The selected deals with a claim of `stage` (its latest claim's `low/central/high` in
    `currency` at `price_year`, `year` announced, and `overlap`: left out of totals because
    it shares money with larger counted deals, `counted_set`), and those claims."""
    if not isinstance(include_needs, bool):
        raise LedgerError("expected True or False", field="include_needs", value=include_needs)
    deals = select_deals(tables, **filters)
    if not include_needs:
        deals = deals[~is_need(deals)]
    claims = normalised(tables["claim"][tables["claim"]["deal"].isin(deals["id"])],
                        converter, currency, price_year)
    amounts = latest(claims, stage, tables["source"])
    central = {str(d): float(v) for d, v in amounts["norm_central"].items()}
    excluded = set(central) - counted_set(money_links(tables["deal"]), central)
    frame = deals.assign(year=deals["announced"].str[:4].astype(int))
    frame = frame[frame["id"].isin(amounts.index)]
    frame = frame.assign(**{b: frame["id"].map(amounts[f"norm_{b}"]).astype(float)
                            for b in BOUNDS}, overlap=frame["id"].isin(excluded))
    return frame, amounts


def totals_caveats(tables: Tables, converter: Converter, *, stage: str = "announced",
                   currency: str = "EUR", price_year: int | None = None,
                   include_needs: bool = False, **filters) -> pd.DataFrame:
    """What `totals` (same arguments) leaves out or adds that a reader must know, one row
    per deal: `caveat` "left out" for a deal dropped whole (`counted_set`; `inside`: the
    selected deals it is part of, else the counted deals at least as large that it overlaps
    (those it is left out for), largest first,
    `;`-separated; `relation`: for each, "part of" or "overlaps"), "not a pledge" for
    a deal of kind need, expectation or cost counted because `include_needs`. Columns:
    caveat, deal, name, kind, region, description, low, central, high, inside, relation,
    currency, price_year; largest amount first within each caveat."""
    check_stage(stage)
    currency, price_year = target(converter, currency, price_year)
    frame, _ = stage_frame(tables, converter, stage, currency, price_year, include_needs,
                           filters)
    counted = frame[~frame["overlap"]].sort_values("central", ascending=False)
    links = money_links(tables["deal"])
    rows = []
    for _, deal in frame.iterrows():
        caveat = "left out" if deal["overlap"] else \
            "not a pledge" if deal["kind"] in NOT_PLEDGES else ""
        if not caveat:
            continue
        mine = links.get(str(deal["id"]), {})
        inside = [str(c) for c in frame.sort_values("central", ascending=False)["id"]
                  if mine.get(str(c)) == "part of"]
        found = [(c, "part of") for c in inside] or \
            [(str(c), mine[str(c)]) for c, amount in zip(counted["id"], counted["central"],
                                                          strict=True)
             if str(c) in mine and amount >= deal["central"]]
        found = found if deal["overlap"] else []
        rows.append({"caveat": caveat, "deal": deal["id"], "name": deal["name"],
                     "kind": kind_of(deal["kind"]), "region": deal["region"],
                     "description": deal["description"],
                     **{b: float(deal[b]) for b in BOUNDS},
                     "inside": ";".join(c for c, _ in found),
                     "relation": ";".join(r for _, r in found)})
    columns = ["caveat", "deal", "name", "kind", "region", "description", *BOUNDS, "inside",
               "relation"]
    out = pd.DataFrame(rows, columns=columns)
    out = out.sort_values(["caveat", "central"], ascending=[True, False]).reset_index(drop=True)
    out["currency"], out["price_year"] = currency, price_year
    return out


def gdp_shares(deals: pd.DataFrame, amounts: pd.DataFrame, gdp: pd.DataFrame,
               converter: Converter, price_year: int, *, by_year: bool) -> dict[str, list]:
    """Per deal (rows of `deals`, with `id`, `region`, `year`), its latest claim's
    low/central/high as a share of its region's GDP: the claim converted from its own
    currency and price year to the GDP figure's own currency and year (macro/gdp.csv,
    nominal), divided by that figure. Neither side depends on the output currency, so a share
    of GDP is the same whatever currency the totals are shown in. The GDP is of the deal's
    year if `by_year`, else of `price_year` (the nearest year available). NaN without GDP
    data. Keys `_gdp_low/_central/_high`; ConversionError names the claim."""
    out: dict[str, list] = {f"_gdp_{b}": [] for b in BOUNDS}
    for deal, region, year in zip(deals["id"], deals["region"], deals["year"], strict=True):
        found = nearest(gdp, region, int(year) if by_year else price_year)
        claim = amounts.loc[deal]
        if found:
            value, gdp_year = found
            gdp_currency = str(gdp.loc[(gdp["country"] == region) &
                                       (gdp["year"].astype(int) == gdp_year),
                                       "currency"].iloc[0])
            try:
                factor = converter.factor(str(claim["currency"]), int(claim["price_year"]),
                                          gdp_currency, gdp_year)
            except ConversionError as exc:
                raise ConversionError(exc.detail, file=f"claim '{claim['ref']}'",
                                      field=exc.field, value=exc.value) from None
        for bound in BOUNDS:
            out[f"_gdp_{bound}"].append(float(claim[bound]) * factor / value if found
                                        else math.nan)
    return out


def add_per_head(out: pd.DataFrame, tables: Tables, converter: Converter, currency: str,
                 price_year: int, by: list[str]) -> None:
    """Per-capita amounts and shares of GDP for rows grouped by region (`out` has the
    `_gdp_*` sums of `gdp_shares`, replaced by `per_gdp_*`). The shares of GDP are computed
    in the GDP figure's own currency and year (`gdp_shares`), so they do not change with the
    output currency; the `gdp` column is the GDP in `currency` at `price_year` converted as
    the region's amounts are (central / per_gdp_central, so the columns agree), or directly
    (Converter.convert) where the region has no amount. `gdp_source` and `gdp_reliability`
    name the GDP figure's source and its reliability ('' without GDP data), so a share of GDP
    never hides a weak denominator."""
    population, gdp = tables["population"], tables["gdp"]
    reliability = dict(zip(tables["source"]["id"], tables["source"]["reliability"],
                           strict=True))
    columns: dict[str, list] = {k: [] for k in ("population", "population_year", "gdp",
                                                "gdp_year")}
    cited: dict[str, list[str]] = {"gdp_source": [], "gdp_reliability": []}
    for _, row in out.iterrows():
        year = int(row["year"]) if "year" in by else price_year
        pop = nearest(population, row["region"], year)
        columns["population"].append(pop[0] if pop else math.nan)
        columns["population_year"].append(pop[1] if pop else pd.NA)
        found = nearest(gdp, row["region"], year)
        source = ""
        if found:
            value, gdp_year = found
            figure = gdp.loc[(gdp["country"] == row["region"]) &
                             (gdp["year"].astype(int) == gdp_year)].iloc[0]
            gdp_currency, source = figure["currency"], str(figure["source"])
            try:
                value = converter.convert(value, gdp_currency, gdp_year, currency, price_year)
            except ConversionError as exc:
                raise ConversionError(exc.detail, file=f"gdp '{row['region']}/{gdp_year}'",
                                      field=exc.field, value=exc.value) from None
        columns["gdp"].append(value if found else math.nan)
        columns["gdp_year"].append(gdp_year if found else pd.NA)
        cited["gdp_source"].append(source)
        cited["gdp_reliability"].append(str(reliability.get(source, "")) if source else "")
    for name, values in columns.items():
        out[name] = pd.array(values, dtype="Int64") if name.endswith("_year") else \
            pd.Series(values, index=out.index, dtype=float)
    for name, texts in cited.items():
        out[name] = pd.Series(texts, index=out.index, dtype=object)
    for bound in BOUNDS:
        out[f"per_capita_{bound}"] = out[bound] / out["population"]
    for bound in BOUNDS:
        out[f"per_gdp_{bound}"] = out.pop(f"_gdp_{bound}").astype(float)
    # the GDP as the amounts are converted (so amount / gdp is the share shown): the figure
    # taken along the claims' own conversion; the direct conversion where there is no amount
    central, share = out["central"], out["per_gdp_central"]
    along = (central > 0) & (share > 0)
    out["gdp"] = (central / share.where(along)).where(along, out["gdp"])


def stage_amount(tables: Tables, converter: Converter, deal: str, stage: str, *,
                 currency: str = "EUR", price_year: int | None = None) -> dict:
    """The latest claim of one deal and stage, converted (for tracing a ledger amount)."""
    check_stage(stage)
    currency, price_year = target(converter, currency, price_year)
    if deal not in set(tables["deal"]["id"]):
        raise NotFoundError("no deal with this id in the ledger", field="deal", value=deal)
    claims = normalised(tables["claim"][tables["claim"]["deal"] == deal], converter,
                        currency, price_year)
    picked = latest(claims, stage, tables["source"])
    if deal not in picked.index:
        raise LedgerError(f"deal has no {stage} claim", field="stage", value=stage)
    claim = one_row(picked, deal)
    return {"deal": deal, "stage": stage, "ref": claim["ref"], "as_of": claim["as_of"],
            "source": claim["source"], "currency": currency, "price_year": price_year,
            **{bound: float(claim[f"norm_{bound}"]) for bound in BOUNDS}}


def counted_refs(tables: Tables, converter: Converter, deal: str, stage: str) -> list[str]:
    """The claims that make up a deal's amount at one stage, by the ledger's one rule: the
    deal's own latest non-superseded claim of that stage (`latest`, as `show`, `reality` and
    `stage_amount` pick it); a deal without one (a programme whose money is recorded in its
    components) adds up its parts (deals `part_of` it, followed down; needs, expectations
    and costs left out), each by the same rule, leaving out a part whose money is already in
    another part counted (`overlapping`), as `totals` adds deals, and a part that overlaps a
    deal outside the programme (its money is also another headline's: SoftBank's US pledge,
    part of Stargate, spent its money on OpenAI equity). Refs in deal order; [] when no claim
    of the stage is recorded."""
    check_stage(stage)
    deals = tables["deal"]
    if deal not in set(deals["id"]):
        raise NotFoundError("no deal with this id in the ledger", field="deal", value=deal)
    currency, price_year = target(converter, "EUR", None)
    parts: dict[str, list[str]] = {}
    overlaps: dict[str, list[str]] = {}
    for _, row in deals[~is_need(deals)].iterrows():
        overlaps[str(row["id"])] = split_list(str(row["overlaps"] or ""))
        for whole in split_list(str(row["part_of"] or "")):
            parts.setdefault(whole, []).append(str(row["id"]))
    inside, todo = {deal}, [deal]
    while todo:                                  # the programme and all its parts
        for part in parts.get(todo.pop(), []):
            if part not in inside:
                inside.add(part)
                todo.append(part)
    counted: list[str] = []
    todo, seen = [deal], set()
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.add(current)
        if current != deal and set(overlaps.get(current, [])) - inside:
            continue        # its money is also another headline's: not this programme's alone
        own = tables["claim"][tables["claim"]["deal"] == current]
        if (own["stage"] == stage).any():
            counted.append(current)
        else:
            todo += sorted(parts.get(current, []))
    counted = [d for d in counted if d not in overlapping(deals, set(counted))]
    claims = normalised(tables["claim"][tables["claim"]["deal"].isin(counted)], converter,
                        currency, price_year)
    picked = latest(claims, stage, tables.get("source"))
    return [str(picked.loc[d, "ref"]) for d in counted if d in picked.index]


def programme_amount(tables: Tables, converter: Converter, deal: str, stage: str, *,
                     currency: str = "EUR", price_year: int | None = None) -> dict:
    """A deal's amount at one stage by `counted_refs` (its own latest claim, else its parts'),
    converted: low/central/high summed, the refs and deals counted and the latest `as_of`
    among them; NaN amounts and no refs when nothing of the stage is recorded."""
    currency, price_year = target(converter, currency, price_year)
    refs = counted_refs(tables, converter, deal, stage)
    claims = normalised(tables["claim"][tables["claim"]["ref"].isin(refs)], converter,
                        currency, price_year)
    amounts = {b: float(claims[f"norm_{b}"].sum()) if refs else math.nan for b in BOUNDS}
    dates = sorted(claims["as_of"], key=date_key)
    return {"deal": deal, "stage": stage, "refs": refs, "deals": list(claims["deal"]),
            "as_of": dates[-1] if dates else "", "currency": currency,
            "price_year": price_year, **amounts}


def freshness(tables: Tables, *, today: str | None = None, **filters) -> pd.DataFrame:
    """How current the ledger is: one row for all selected deals (`region` = "all") and one
    per region, with the number of deals and claims, the newest and oldest claim `as_of`
    (a date of month or year precision counts from the first day of its period, as
    everywhere in the ledger), the ref and deal of the newest claim and, given `today`
    (YYYY-MM-DD), the days from the newest `as_of` to today. Filters as for `deal_list`.
    """
    deals = select_deals(tables, **filters)
    claims = tables["claim"][tables["claim"]["deal"].isin(deals["id"])]
    claims = claims.assign(region=claims["deal"].map(deals.set_index("id")["region"]),
                           _date=claims["as_of"].map(date_key))
    groups = [("all", deals, claims)] + [
        (region, deals[deals["region"] == region], claims[claims["region"] == region])
        for region in sorted(set(deals["region"]))]
    rows = []
    for region, group_deals, group_claims in groups:
        ordered = group_claims.sort_values(["_date", "ref"], ascending=[False, True])
        newest = ordered.iloc[0] if len(ordered) else None
        rows.append({
            "region": region, "deals": len(group_deals), "claims": len(group_claims),
            "newest_as_of": "" if newest is None else newest["as_of"],
            "newest_ref": "" if newest is None else newest["ref"],
            "newest_deal": "" if newest is None else newest["deal"],
            "oldest_as_of": "" if newest is None else ordered.iloc[-1]["as_of"]})
    out = pd.DataFrame(rows, columns=["region", "deals", "claims", "newest_as_of", "newest_ref",
                                      "newest_deal", "oldest_as_of"])
    if today is not None:
        now = pd.Timestamp(date_key(today))
        out["days_since_newest"] = [
            float((now - pd.Timestamp(date_key(text))).days) if text else math.nan
            for text in out["newest_as_of"]]
    return out


def claims_per_year(tables: Tables, *, by_region: bool = False, **filters) -> pd.DataFrame:
    """Number of claims per year of their `as_of` (and per region if `by_region`), oldest
    year first, for the selected deals (filters as for `deal_list`)."""
    deals = select_deals(tables, **filters)
    claims = tables["claim"][tables["claim"]["deal"].isin(deals["id"])]
    frame = pd.DataFrame({"year": claims["as_of"].str[:4].astype(int),
                          "region": claims["deal"].map(deals.set_index("id")["region"])})
    keys = ["year", "region"] if by_region else ["year"]
    columns = keys + ["claims"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return frame.groupby(keys).size().rename("claims").reset_index()[columns]
