"""What a briefing says, gathered from results and the workspace (no rendering here).

`gather(ws, results)` returns a `Briefing`: per plan its summary paragraph (written from the
numbers by templates, no language model), the Sankey and interval charts, the tables of where
the money ends up, the scorecard and conditions, the claims of the debate that concern it,
the tornado of what drives the answer, and one numbered list of every source cited.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

import pandas as pd

from moneytrail.analysis.claims_schema import Claim
from moneytrail.data.checks import RELIABILITY
from moneytrail.engine.dimensions import (
    OWNERSHIP_NOTE,
    OWNERSHIP_TITLE,
    headline_label,
    headline_notes,
)
from moneytrail.errors import MoneytrailError
from moneytrail.ledger.store import Ledger
from moneytrail.report.briefing import charts
from moneytrail.report.briefing.charts import short
from moneytrail.report.briefing.text import (
    count_phrase,
    finite,
    humanise,
    in_unit,
    interval,
    money,
    pct,
    ref_ranges,
)
from moneytrail.report.evidence import weak_figure_words
from moneytrail.report.glossary import NOTE_ID
from moneytrail.report.inputs import (
    OWN_FIGURE,
    OWN_FIGURE_LABEL,
    OWN_FIGURES_WHY,
    budgets_differ_note,
    input_differences,
    own_figures_note,
    plan_labels,
    procurement_rows,
    procurement_text,
    withheld_difference_reason,
)
from moneytrail.report.units import (
    EU_FOOTNOTE,
    HHI_UNMOVED,
    PER_BUDGET,
    REGION_LABELS,
    base_unit,
    condition_selectors,
    condition_threshold,
    condition_unit,
    condition_words,
    conditions_summary,
    conservation_text,
    counted,
    difference_text,
    difference_value,
    draws_text,
    export_rules_on,
    export_rules_text,
    group_label,
    hhi_no_market_moves,
    hhi_rules_no_rise,
    is_money,
    is_total,
    largest_place_lead,
    ledger_state_text,
    lower_first,
    no_money_text,
    oversized_sentence,
    p_holds_text,
    place_in_sentence,
    plain_plan_note,
    plan_text_notes,
    prices_text,
    readable_note,
    rough_draws_text,
    spend_period_text,
    stored_spend_years,
    total_per_budget,
    with_article,
)
from moneytrail.scenarios.schema import Plan
from moneytrail.service.footprints import stored_spend_years_default
from moneytrail.service.result import Result
from moneytrail.service.tasks import LEDGER, StoreChoice, known_currencies
from moneytrail.service.workspace import Workspace

Progress = Callable[[str, int, int], None]
TOP_ROWS = 10
HHI_PREFIX = "HHI change"       # analysis.scorecard.HHI_ROW
REASONING_CHARS = 160      # an assumption's reasoning under a figure (in full under Sources)
OTHER = "Other countries"
FOOTPRINT_GROUP = "Jobs (pay per FTE, firms' employees per revenue) and CO2 intensities"


# -- sources ---------------------------------------------------------------------------------
@dataclass
class SourceBook:
    """Every source the workspace knows, numbered in the order a briefing cites them."""

    rows: dict[str, dict[str, str]]
    order: list[str] = field(default_factory=list)
    compact: set[str] = field(default_factory=set)   # listed short (jobs and CO2 sources)
    numbers: dict[str, int] = field(default_factory=dict)   # document -> number
    ids: dict[int, list[str]] = field(default_factory=dict)  # number -> ids cited under it
    # the package's flagged domains (data.sourcing.flagged_domains): a URL on a junk domain
    # is printed as text, never a link (data.sourcing.shown_link)
    flagged: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, ws: Workspace) -> SourceBook:
        from moneytrail.data.sourcing import flagged_domains

        rows: dict[str, dict[str, str]] = {}
        frames = [ws.valuechain.sources, ws.analysis.sources]
        try:
            frames.append(ws.ledger().tables()["source"])
        except Exception:      # a briefing still renders without a ledger store
            frames.append(pd.DataFrame())
        for frame in frames:
            for record in frame.to_dict("records"):
                sid = str(record.get("id") or "")
                if sid and sid not in rows:
                    rows[sid] = {str(k): "" if pd.isna(v) else str(v)
                                 for k, v in record.items() if not str(k).startswith("_")}
        return cls(rows=rows, flagged=flagged_domains(ws.valuechain.package))

    def document(self, sid: str) -> str:
        """The document an id records: its URL as data.sourcing.url_key compares URLs, or the
        id itself when it has no URL (a modelling assumption)."""
        from moneytrail.data.sourcing import url_key

        return url_key(self.rows.get(sid, {}).get("url", "")) or f"id:{sid}"

    def first(self, sid: str) -> str:
        """The id a document is listed under: the first of its ids the briefing cited."""
        return self.order[self.number(sid) - 1]

    def number(self, sid: str) -> int:
        """A source's number in the Sources list: one number per document, so every id of
        the same page (a ledger and an analysis copy of one announcement) gets the number of
        the first one cited."""
        key = self.document(sid)
        if key not in self.numbers:
            self.order.append(sid)
            self.numbers[key] = len(self.order)
        found = self.numbers[key]
        self.ids.setdefault(found, [])
        if sid not in self.ids[found]:
            self.ids[found].append(sid)
        return found

    def reliability(self, sid: str) -> str:
        return (self.rows.get(sid, {}).get("reliability") or "unknown").strip() or "unknown"

    def distinct(self, ids: list[str]) -> list[str]:
        """`ids` with each document once (its first id), as the Sources list numbers them:
        a page recorded under a ledger and an analysis id counts as one source."""
        return documents([s for s in ids if s], self)

    def counts(self, ids: list[str]) -> dict[str, int]:
        """Distinct documents among `ids` by reliability label (`distinct`)."""
        counter = Counter(self.reliability(s) for s in self.distinct(ids))
        ordered = {k: counter[k] for k in RELIABILITY if counter.get(k)}
        ordered.update({k: v for k, v in counter.items() if k not in ordered})
        return ordered

    def entry(self, sid: str) -> dict[str, Any]:
        """A document's entry, as listed under the first id cited for it (`first`); `ids` are
        all its ids the briefing cites."""
        from moneytrail.data.sourcing import shown_link

        number = self.number(sid)
        sid = self.first(sid)
        row = self.rows.get(sid, {})
        link = shown_link(row.get("url", ""), self.flagged)
        return {"number": number, "id": sid, "ids": list(self.ids.get(number, [sid])),
                "publisher": str(row.get("publisher", "")),
                "title": row.get("title", ""),
                "title_lang": row.get("title_lang", ""),     # BCP 47 when not English
                "published": row.get("published", ""), "accessed": row.get("accessed", ""),
                "url": row.get("url", ""), "primary_ref": row.get("primary_ref", ""),
                "href": row.get("url", "") if link["linked"] and str(
                    row.get("url", "")).lower().startswith(("https://", "http://")) else "",
                # what a listed domain's address is ('copy on an unvetted site', ...), and
                # whether it is shown as text only (a junk domain)
                "copy_label": link["label"], "copy_domain": link["domain"],
                "not_linked": bool(link["kind"]) and not link["linked"],
                "reliability": self.reliability(sid), "known": bool(row),
                # an assumption's reasoning: in full in the Sources list, and cut at a word
                # boundary in the notes under figures (which point to the full text)
                "reasoning": " ".join(str(row.get("note", "")).split())
                if self.reliability(sid) == "assumption" else "",
                "reasoning_short": short(str(row.get("note", "")), REASONING_CHARS)
                if self.reliability(sid) == "assumption" else "",
                "compact": all(s in self.compact for s in self.ids.get(number, [sid])),
                "domain": str(row.get("url", "")).split("//", 1)[-1].split("/", 1)[0]}

    def entries(self) -> list[dict[str, Any]]:
        return [self.entry(sid) for sid in list(self.order)]


@dataclass
class SourceNote:
    """The note under a figure or table: sources in full, then groups by reference number.
    A note that repeats an earlier one names it (`same_as`) and is printed short."""

    full: list[dict[str, Any]]
    groups: list[dict[str, str]]
    weight: str
    key: tuple[str, ...] = ()
    same_as: str = ""
    total: int = 0          # distinct sources behind the note (what `weight` tallies)

    @classmethod
    def build(cls, book: SourceBook, full: list[str], groups: list[tuple[str, list[str]]]
              ) -> SourceNote:
        full = [s for s in dict.fromkeys(full) if s]
        entries = [book.entry(s) for s in documents(full, book)]      # numbered first
        every = list(full)
        out_groups = []
        for label, ids in groups:
            ids = [s for s in dict.fromkeys(ids) if s and s not in full]
            if not ids:
                continue
            every += ids
            numbers = [book.number(s) for s in ids]
            out_groups.append({"label": label, "refs": ref_ranges(numbers),
                               "count": str(len(book.distinct(ids))),
                               "weight": count_phrase(book.counts(ids))})
        return cls(full=entries, groups=out_groups, weight=count_phrase(book.counts(every)),
                   key=tuple(full) + ("|",) + tuple(sorted(every)),
                   total=len(book.distinct(every)))

    @property
    def full_refs(self) -> str:
        return ref_ranges([int(e["number"]) for e in self.full])


def mark_repeats(sections: list[dict[str, Any]]) -> None:
    """Print each distinct source note in full once; later copies name the first."""
    seen: dict[tuple[str, ...], str] = {}
    for section in sections:
        items = [(f"Figure {f.number}", f) for f in section.get("figures", [])] + \
                [(f"Table {t.number}", t) for t in section.get("tables", [])]
        for label, item in items:
            note = item.sources
            if note is None:
                continue
            if note.key in seen:
                note.same_as = seen[note.key]
            else:
                seen[note.key] = label


# -- one plan --------------------------------------------------------------------------------
@dataclass
class Cell:
    """A table cell: main text and an optional second line (the 90 % interval)."""

    main: str
    sub: str = ""
    numeric: bool = True


@dataclass
class TableView:
    """A numbered table as the template draws it."""

    number: int
    caption: str
    head: list[str]
    rows: list[tuple[str, list[Cell]]]
    note: str = ""
    sources: SourceNote | None = None
    id: str = ""
    wide: bool = False
    intro: str = ""
    css: str = ""           # a class of its own (column widths: briefing.css)


@dataclass
class FigureView:
    """A numbered figure: inline SVG, caption, note and sources."""

    number: int
    caption: str
    svg: str
    note: str = ""
    sources: SourceNote | None = None
    id: str = ""


class DealReality(TypedDict):
    """A ledger deal whose sources include the plan's budget source: its amounts per stage
    in the plan's currency at the plan's price year (formatted, with the date each is as
    of), the announced amount as a number, its sources and claim refs (';'-joined), and the
    price year the amounts are restated to. A stage the deal records no claim of is the sum
    of its parts' claims where they record one (ledger.queries.programme_amount, the rule of
    `ledger totals`), and `committed_parts` / `disbursed_parts` name those parts.
    `announced_sources` ... `disbursed_sources`: the sources (';'-joined ids) of the claims
    each stage's amount rests on ('' for a stage with none); `source_reliability`: the
    ledger's reliability label of each of those sources (id -> label, '' when unrecorded)."""

    deal: str
    name: str
    announced: str
    announced_as_of: str
    committed: str
    committed_as_of: str
    disbursed: str
    disbursed_as_of: str
    committed_parts: str        # '' or the part deals whose claims make up the amount
    disbursed_parts: str
    announced_value: float
    sources: str
    claim_refs: str
    price_year: int
    announced_sources: str
    committed_sources: str
    disbursed_sources: str
    source_reliability: dict[str, str]


@dataclass
class PlanBrief:
    """Everything a briefing needs about one traced plan."""

    result: Result
    plan: Plan
    name: str
    summary: list[str] = field(default_factory=list)
    reality: list[DealReality] = field(default_factory=list)
    tornado: Result | None = None
    tornado_error: str = ""
    direct_sources: list[str] = field(default_factory=list)
    market_sources: list[str] = field(default_factory=list)
    cost_sources: list[str] = field(default_factory=list)
    footprint_sources: list[str] = field(default_factory=list)   # jobs and CO2 (issue 14)
    # rows per million of the run's own currency restated in the unit all compared runs
    # share (service.tasks.stored_scorecards_in_common_unit); empty: shown as stored
    per_million: dict[str, float] = field(default_factory=dict)
    # the ledger state `reality` was read at ('ledger revision 14 of 2026-12-01 10:31 UTC';
    # ledger_read): the ledger is not part of the run, so a later briefing may read another
    ledger: str = ""
    # '' when `ledger` is the store as it is now; else when it stood so ('as it stood when
    # run 1a2b3c4d was made': run_ledger, as the run's page reads it)
    ledger_stood: str = ""

    @property
    def currency(self) -> str:
        return str(self.result.facts.get("currency", self.plan.currency))

    def table(self, name: str) -> pd.DataFrame | None:
        return self.result.table(name) if name in self.result.tables else None

    @property
    def price_year(self) -> int:
        """The year whose prices the run's money is at (its fact, else the plan's
        `price_year`, else its `year`)."""
        return int(self.result.facts.get("price_year") or self.plan.price_year or self.plan.year)

    @property
    def money_unit(self) -> str:
        """What the run's amounts are counted in, as the run page says it: 'EUR at 2025
        prices'."""
        return f"{self.currency} at {self.price_year} prices"

    @property
    def stated(self) -> dict[str, Any]:
        """The plan as a mapping, as the run holds it (report.inputs reads plans so)."""
        plan = self.result.provenance.inputs.get("plan")
        return plan if isinstance(plan, dict) else self.plan.model_dump(mode="json")


@dataclass(frozen=True)
class Asked:
    """A run the reader asked for that the briefing could not use as it is, and why: a trace
    stored without analyses (as `moneytrail trace` stores it) is traced again with them, a
    comparison run gives a trace run per plan. The briefing names both runs. `run`: the run
    asked for, when known: the briefing reads the ledger as it stood when that run was made
    (`run_ledger`), not when it was traced again."""

    run_id: str
    why: str
    run: Result | None = field(default=None, compare=False, repr=False)


@dataclass
class Briefing:
    """A plan briefing (one plan) or a comparison briefing (several)."""

    title: str
    short_title: str
    kind: str
    plans: list[PlanBrief]
    sections: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    meta: dict[str, Any]


def plan_of(result: Result, *, to: str = "brief it") -> Plan:
    """The plan a trace result was computed from (`service.tasks.stored_plan`)."""
    from moneytrail.service.tasks import stored_plan

    return stored_plan(result, to=to)


def entity_names(ws: Workspace) -> dict[str, str]:
    return ws.valuechain.entity_names()


def entity_kinds(ws: Workspace) -> dict[str, str]:
    frame = ws.valuechain.entities
    return {str(i): str(k) for i, k in zip(frame["id"], frame["kind"], strict=True)}


def country_names(ws: Workspace) -> dict[str, str]:
    names = ws.valuechain.country_names()
    names.update(REGION_LABELS)     # "EU, not split by member state", "Rest of the world"
    return names


def row_at(frame: pd.DataFrame, label: str) -> pd.Series:
    """The row of a result table labelled `label` (labels of a result table are unique)."""
    row = frame.loc[label]
    if not isinstance(row, pd.Series):
        raise MoneytrailError("a result table has more than one row with this label",
                              field="row", value=label)
    return row


def category_names(ws: Workspace) -> dict[str, str]:
    frame = ws.valuechain.categories
    return {str(i): str(n) for i, n in zip(frame["id"], frame["name"], strict=True)}


def footprint_source_ids(ws: Workspace) -> set[str]:
    """Source ids behind jobs and CO2 (compensation per FTE, satellite intensities)."""
    from moneytrail.data.footprints import footprint_tables

    tables = footprint_tables(ws.package)
    ids: set[str] = set()
    for frame in (tables.compensation, tables.satellites):
        if len(frame) and "sources" in frame:
            ids |= {x.strip() for cell in frame["sources"] for x in str(cell).split(";")
                    if x.strip()}
    return ids


def split_sources(plan: Plan, result: Result) -> tuple[list[str], list[str], list[str]]:
    """The plan's own sources, its markets' and the cost structures' (by id prefix)."""
    own = [plan.budget.source or ""] + [i.source or "" for i in plan.spend.values()]
    own += [i.source or "" for shares in plan.procurement.values() for i in shares.values()]
    own = [s for s in dict.fromkeys(own) if s]
    rest = [s for s in result.provenance.sources if s not in own]
    costs = [s for s in rest if s.startswith("c_")]
    markets = [s for s in rest if not s.startswith("c_")]
    return own, markets, costs


# -- how real is it --------------------------------------------------------------------------
def normal_url(url: str) -> str:
    url = str(url or "").strip().lower()
    for prefix in ("https://", "http://", "www."):
        url = url.removeprefix(prefix)
    return url.rstrip("/")


def ledger_read(ws: Workspace) -> str:
    """The state of the ledger store a briefing reads its deals from, as cited: 'ledger
    revision 14 of 2026-12-01 10:31 UTC' (units.ledger_state_text); '' without a store.
    The ledger is not part of a run (its id hashes the plan, code and data), so a briefing
    names the state it read: two briefings of one run at two states differ and say why."""
    try:
        state = ws.ledger().state()
    except Exception:      # a briefing still renders without a ledger store
        return ""
    return ledger_state_text(state.revision, state.time)


def run_ledger(ws: Workspace, result: Result) -> tuple[Ledger | None, str, str]:
    """The ledger store as it stood when the stored run `result` was made, that state as
    cited, and when: (the store at revision 14 (ledger.past.LedgerAt; the store itself while
    14 is its newest), 'ledger revision 14 of 2026-12-01 10:31 UTC', 'as it stood when run
    1a2b3c4d was made'). So a run's page and its reports, made on any later day, say the same
    deals and amounts. The run's revision is the one it recorded (its fact
    tasks.LEDGER_REVISION); a run stored before runs recorded it takes the newest revision
    made up to the end of the second it records (`Provenance.created`,
    ledger.past.revision_at_time). A run of another store (a revision this store does not
    have), or made before the store had any revision, reads the store as it is now: '' for
    when (the caller says 'read when ... was made'); (None, '', '') without a store."""
    from moneytrail.ledger.past import revision_at_time
    from moneytrail.service.tasks import LEDGER_REVISION

    try:
        ledger = ws.ledger()
        now = ledger.state()
    except Exception:      # a briefing and a page still render without a ledger store
        return None, "", ""
    recorded = result.facts.get(LEDGER_REVISION)
    if isinstance(recorded, int) and not isinstance(recorded, bool):
        number = recorded if 1 <= recorded <= now.revision else 0
    else:
        try:
            created: dt.datetime | None = dt.datetime.fromisoformat(result.provenance.created)
        except ValueError:
            created = None
        number = revision_at_time(ledger, created + dt.timedelta(seconds=1)) \
            if created is not None and now.revision else 0
    if not number:
        return ledger, ledger_state_text(now.revision, now.time), ""
    at = ledger if number == now.revision else ledger.at(number)
    state = at.state()
    return (at, ledger_state_text(state.revision, state.time),
            f"as it stood when run {result.run_id[:8]} was made")


def matching_deals(ws: Workspace, plan: Plan, book: SourceBook,
                   ledger: Ledger | None = None) -> list[DealReality]:
    """Ledger deals that cite the plan's budget source (by id or URL), closest amount first:
    their announced, committed and disbursed amounts in the plan's currency at the plan's
    price year (`price_year`, else `year`, as ledger.trace restates a plan's budget), so the
    amounts compare with the budget as written. `ledger`: the store to read (`run_ledger`: as
    it stood when a run was made); None reads the workspace's store as it is now."""
    budget_source = plan.budget.source or ""
    if not budget_source:
        return []
    price_year = plan.price_year or plan.year
    try:
        ledger = ws.ledger() if ledger is None else ledger
        tables = ledger.tables()
        reality = ledger.reality(currency=plan.currency, price_year=price_year)
    except Exception:
        return []
    url = normal_url(book.rows.get(budget_source, {}).get("url", ""))
    same = {budget_source}
    if url:
        same |= {str(r["id"]) for r in tables["source"].to_dict("records")
                 if normal_url(r.get("url", "")) == url}
    deals = tables["deal"]
    hits = [str(d["id"]) for d in deals.to_dict("records")
            if same & set(str(d.get("sources") or "").split(";"))]
    rows = reality[reality["deal"].isin(hits)]
    if rows.empty:
        return []

    def distance(announced: float) -> float:
        if not (announced and math.isfinite(announced)) or plan.budget.amount <= 0:
            return math.inf
        return abs(math.log(announced / plan.budget.amount))

    rows = rows.assign(_d=[distance(float(v)) for v in rows["announced_central"]])
    rows = rows.sort_values("_d")
    out: list[DealReality] = []
    for record in rows.head(1).to_dict("records"):
        stages = {}
        parts = {"committed": "", "disbursed": ""}
        part_refs: list[str] = []      # the parts' claims an amount "in its parts" rests on
        stage_refs: dict[str, list[str]] = {}     # the claims each stage's amount rests on
        for stage in ("announced", "committed", "disbursed"):
            central = record.get(f"{stage}_central")
            as_of = str(record.get(f"{stage}_as_of") or "")
            ref = record.get(f"{stage}_ref")
            stage_refs[stage] = [ref] if isinstance(ref, str) and ref else []
            if stage in parts and not (isinstance(central, float) and math.isfinite(central)):
                whole = ledger.programme_amount(str(record["deal"]), stage,
                                                currency=plan.currency, price_year=price_year)
                if whole["refs"]:
                    central, as_of = whole["central"], str(whole["as_of"])
                    names = deals.set_index("id")["name"]
                    parts[stage] = "; ".join(str(names.get(d, d)) for d in whole["deals"])
                    part_refs += [str(r) for r in whole["refs"]]
                    stage_refs[stage] = [str(r) for r in whole["refs"]]
            stages[stage] = (money(central, plan.currency), as_of)
        deal_row = deals[deals["id"] == record["deal"]].iloc[0]
        refs = [s for s in str(deal_row.get("sources") or "").split(";") if s]
        claims = tables["claim"]
        own_refs = [str(r) for r in claims[claims["deal"] == record["deal"]]["ref"]]
        cited = list(dict.fromkeys(own_refs + part_refs))
        claim_sources = list(claims.set_index("ref").loc[cited, "source"]) if cited else []
        source_of = {str(r): str(v or "") for r, v in zip(claims["ref"], claims["source"],
                                                           strict=True)}
        stage_sources = {stage: ";".join(dict.fromkeys(source_of[r] for r in refs
                                                        if source_of.get(r)))
                         for stage, refs in stage_refs.items()}
        label_of = {str(i): str(v or "") for i, v in zip(tables["source"]["id"],
                                                        tables["source"]["reliability"],
                                                        strict=True)}
        reliability = {source: label_of.get(source, "") for ids in stage_sources.values()
                       for source in ids.split(";") if source}
        out.append({"deal": str(record["deal"]), "name": str(record["name"]),
                    "announced": stages["announced"][0], "announced_as_of":
                    stages["announced"][1], "committed": stages["committed"][0],
                    "committed_as_of": stages["committed"][1],
                    "disbursed": stages["disbursed"][0],
                    "disbursed_as_of": stages["disbursed"][1],
                    "committed_parts": parts["committed"],
                    "disbursed_parts": parts["disbursed"],
                    "announced_value": float(record.get("announced_central") or math.nan),
                    "sources": ";".join(dict.fromkeys(refs + [str(s) for s in claim_sources
                                                              if s])),
                    "claim_refs": ";".join(cited),
                    "price_year": int(record.get("price_year") or price_year),
                    "announced_sources": stage_sources["announced"],
                    "committed_sources": stage_sources["committed"],
                    "disbursed_sources": stage_sources["disbursed"],
                    "source_reliability": reliability})
    return out


def reality_sentence(brief: PlanBrief) -> str:
    """How real the plan's money is (`reality_text`), as the briefing says it."""
    return reality_text(brief.plan, brief.reality, brief.ledger, stood=brief.ledger_stood)


def is_hypothetical(plan: Plan) -> bool:
    """Whether `plan` is moneytrail's own hypothetical plan, not an announced one: its `kind`,
    or (a plan read back from a run, which does not keep `kind`) the id and title of the
    reference plan of kind 'hypothetical' (scenarios.reference.hypothetical_note)."""
    from moneytrail.scenarios.reference import hypothetical_note

    return plan.kind == "hypothetical" or bool(hypothetical_note(plan.id, plan.title))


# what `reality_text` says of a plan no ledger deal is matched to (the web pages say it too)
NOT_TIED = "This plan is not tied to a recorded announcement"


def reality_text(plan: Plan, reality: list[DealReality], ledger: str,
                 made: str = "this briefing was made", stood: str = "") -> str:
    """How real the plan's money is, from the ledger deal whose sources include the plan's
    budget source (a shared source, not a claim that the plan is that deal; `matching_deals`);
    amounts at the plan's price year, which the sentence names. `ledger`: the state of the
    ledger read (`ledger_read`), '' without a store; `made`: what was made when it was read
    (the briefing, or a web page); `stood`: instead, when the state read was the ledger as
    a run was made ('as it stood when run 1a2b3c4d was made', `run_ledger`). A plan without
    a budget source, or moneytrail's own hypothetical plan (`is_hypothetical`, which only
    borrows its budget's size), says so."""
    from moneytrail.scenarios.reference import HYPOTHETICAL_LABEL

    said = f"{ledger}, {stood}" if stood else f"{ledger}, read when {made}"
    read = f" ({said})" if ledger else ""
    if not reality and not plan.budget.source:
        return ("The plan gives no source for its budget (the amount was set by hand), so it "
                "is not tied to a recorded announcement, and how much of its money has been "
                "committed or spent is not assessed here.")
    if not reality:
        return (f"{NOT_TIED}: no deal in the ledger{read} cites the plan's budget source, so "
                "how much of its money has been committed or spent is not assessed here.")
    deal = reality[0]
    part = ""
    value = deal["announced_value"]
    if isinstance(value, float) and math.isfinite(value) and value > 0:
        ratio = plan.budget.amount / value
        part = (" (about the same amount as the plan's budget)" if abs(ratio - 1) <= 0.02 else
                f" (the plan's budget is {pct(ratio)} of it)")
    def in_parts(stage: str) -> str:
        names = str(deal.get(f"{stage}_parts", ""))
        return f" in its parts ({names})" if names else ""

    committed = (f"{deal['committed']} committed{in_parts('committed')} (as of "
                 f"{deal['committed_as_of']})"
                 if deal["committed"] != "–" else "no committed amount recorded")
    disbursed = (f"{deal['disbursed']} spent{in_parts('disbursed')} (as of "
                 f"{deal['disbursed_as_of']})"
                 if deal["disbursed"] != "–" else "no money recorded as spent")
    tie = (f"This is {HYPOTHETICAL_LABEL}: it only "
           f"borrows the size of its budget from the ledger deal “{deal['name']}” (the "
           f"plan's budget source is one of the deal's sources): " if is_hypothetical(plan) else
           f"Its budget source is also a source of the ledger deal “{deal['name']}”: ")
    return (f"{tie}{deal['announced']} announced (as of {deal['announced_as_of']}){part}; "
            f"{committed}; {disbursed} (the deal's amounts at {deal['price_year']} prices; "
            f"{said if ledger else f'the ledger, read when {made}'}).")


# -- summaries -------------------------------------------------------------------------------
EU_ALL = "the EU (all member states)"


def region_share(brief: PlanBrief, ws: Workspace) -> tuple[str, float, float, float] | None:
    """The share of value added generated in the buyer region (median, p5, p95): for the EU the
    scorecard's 'EU value added (location)'; else the region's row of the country table when
    that row is the whole region (the US; the EU when no member state's value added is split
    out of its 'EU, not split by member state' row). None when the EU's value added is spread
    over several rows of a run without scorecard: their medians and percentiles do not add
    up (`region_mean` gives the exact mean instead)."""
    region = brief.plan.buyer_region
    card = brief.table("scorecard")
    if region == "EU" and card is not None and "EU value added (location)" in card.index:
        row = row_at(card, "EU value added (location)")
        name = brief.result.facts.get("plan", brief.plan.id)
        return (EU_ALL, float(row[f"{name}_p50"]), float(row[f"{name}_p5"]),
                float(row[f"{name}_p95"]))
    country = brief.table("country")
    if country is None or region not in country.index or region_members(brief, ws):
        return None
    row = row_at(country, region)
    label = EU_ALL if region == "EU" else with_article(country_names(ws).get(region, region))
    return (label, float(row["share_p50"]), float(row["share_p5"]), float(row["share_p95"]))


# where the briefing shows a figure's evidence weight (report.evidence.weak_figure_words)
BRIEFING_SEE = "see its evidence weight in the scorecard"


def region_weight(brief: PlanBrief) -> float | None:
    """The median evidence weight of the scorecard's 'EU value added (location)' (the share
    of it resting on assumption or weak rows), which `region_share` gives for an EU plan;
    None for another plan or a run without it."""
    card = brief.table("scorecard")
    row_name = "EU value added (location)" + EVIDENCE_SUFFIX
    if brief.plan.buyer_region != "EU" or card is None or row_name not in card.index:
        return None
    name = brief.result.facts.get("plan", brief.plan.id)
    return float(row_at(card, row_name)[f"{name}_p50"])


def region_members(brief: PlanBrief, ws: Workspace) -> list[str]:
    """For an EU plan's country table: the member states that receive value added as rows of
    their own (beside the 'EU' row, the EU's value added not split by member state)."""
    country = brief.table("country")
    if brief.plan.buyer_region != "EU" or country is None:
        return []
    members = ws.valuechain.eu_members() - {"EU"}     # the set holds the "EU" row too
    shares = country[["share_mean", "share_p5", "share_p95"]]
    return [str(c) for c in country.index
            if c in members and bool((shares.loc[c] != 0).any())]


def region_mean(brief: PlanBrief, ws: Workspace) -> tuple[str, float, list[str]] | None:
    """When `region_share` has no median for the EU (a run without scorecard whose country
    table splits the EU's value added into member states and the 'EU' row): the mean share of
    all value added generated in the EU, the sum of those rows' means (means add up, medians
    and percentiles do not), and the member states summed."""
    members = region_members(brief, ws)
    country = brief.table("country")
    if not members or country is None:
        return None
    rows = [*members, "EU"] if "EU" in country.index else members
    return EU_ALL, float(country.loc[rows, "share_mean"].sum()), members


def largest_firm(brief: PlanBrief, ws: Workspace) -> tuple[str, str, pd.Series] | None:
    """The single firm with the largest median share of value added."""
    entity = brief.table("entity")
    if entity is None or entity.empty:
        return None
    kinds = entity_kinds(ws)
    firms = entity[[kinds.get(str(i)) == "firm" for i in entity.index]]
    frame = firms if not firms.empty else entity
    eid = str(frame["share_p50"].idxmax())
    return eid, entity_names(ws).get(eid, eid), row_at(frame, eid)


def summary(brief: PlanBrief, ws: Workspace, book: SourceBook) -> list[str]:
    """The plain-language paragraph, one sentence per item of issue 13."""
    plan, facts = brief.plan, brief.result.facts
    currency = brief.currency
    period = spend_period_text(plan.year, stored_spend_years(facts, plan),
                               stored_spend_years_default(brief.result))
    # the price year is named where the briefing first gives an amount, even when it is the
    # plan's own year (a reader quoting the figure needs it)
    sentences = [f"“{plan.title}” spends {money(facts.get('total', plan.budget.amount), currency)}"
                 f" at {brief.price_year} prices {period}"
                 f", bought in the {plan.buyer_region} market and traced through the supply "
                 f"chain over {draws_text(facts.get('draws', 0))}."]
    # a title or description naming another budget than the plan spends (a reference plan
    # whose currency or amount was changed in the builder): warned where the title is read,
    # as the run page does, not only above Table 1
    stale = plan_text_notes(plan.title, plan.description, plan.budget.amount, plan.currency,
                            currencies=known_currencies(ws, check=False))
    if stale:
        sentences.append(stale)
    cats, firms = category_names(ws), entity_names(ws)
    suppliers = procurement_text(brief.stated, lambda c: cats.get(c, humanise(c)),
                                 lambda e: firms.get(e, e))
    if suppliers:              # the plan's own supplier split (its `procurement`)
        sentences.append(f"The plan sets its own suppliers: {suppliers}.")
    rough = rough_draws_text(facts.get("draws", 0))
    if rough:
        sentences.append(rough)
    titles = {sid: row.get("title", "") for sid, row in book.rows.items()}
    sentences += [oversized_sentence(row, currency, titles)
                  for row in facts.get("oversized_markets", [])]
    unused = facts.get("unused_electricity")      # bought power its hardware does not use
    if isinstance(unused, dict):
        sentences.append(oversized_sentence(unused, currency))
    sentences.append(reality_sentence(brief))
    # how it fares against its policy conditions, where a reader of the summary sees it (the
    # conditions table comes pages later)
    held = conditions_summary(condition_records(brief, {**country_names(ws),
                                                        **entity_names(ws)}))
    if held:
        sentences.append(held)
    country = brief.table("country")
    owner = brief.table("owner_country")
    factor = brief.table("factor")
    top_place: tuple[float, float, float] | None = None      # the largest place's p50, p5, p95
    if country is not None and owner is not None and not country.empty:
        names = country_names(ws)
        c_top, o_top = str(country["share_p50"].idxmax()), str(owner["share_p50"].idxmax())
        row = row_at(country, c_top)
        if c_top == plan.buyer_region:
            top_place = (float(row["share_p50"]), float(row["share_p5"]), float(row["share_p95"]))
        lead = largest_place_lead(c_top, row["share_p50"])
        sentences.append(f"{lead} {place_in_sentence(c_top, names)}: "
                         f"{pct(row['share_p50'])} of the spending (90 % interval "
                         f"{interval(row['share_p5'], row['share_p95'])}) is value added "
                         f"generated there. {owner_sentence(brief, owner, o_top, names)}")
    if factor is not None and {"capital", "labour", "tax"} <= set(factor.index):
        sentences.append(f"Of the whole spending, {pct(factor.loc['capital', 'share_p50'])} "
                         "becomes profits and depreciation (the firms' gross operating "
                         f"surplus), {pct(factor.loc['labour', 'share_p50'])} wages "
                         f"and {pct(factor.loc['tax', 'share_p50'])} taxes.")
    region = region_share(brief, ws)
    mean = region_mean(brief, ws) if region is None else None
    if region is not None and tuple(region[1:]) != top_place:   # not said just above
        label, p50, p5, p95 = region
        weak = weak_figure_words(region_weight(brief), BRIEFING_SEE)
        sentences.append(f"The share of the spending that stays in {label} as value added is "
                         f"{pct(p50)} ({interval(p5, p95)}){weak}.")
    elif mean is not None:
        label, value, members = mean
        names = country_names(ws)
        places = [with_article(names.get(c, c)) for c in members]
        summed = " and ".join([", ".join(places[:-1]), places[-1]] if len(places) > 1
                              else places)
        sentences.append(f"On average, {pct(value)} of the spending stays in {label} as value "
                         f"added (the sum of the means for {summed} and for the EU's value "
                         "added not split by member state); this run has no scorecard, so no "
                         "median or 90 % interval is given for the EU as a whole.")
    firm = largest_firm(brief, ws)
    if firm is not None:
        eid, name, row = firm
        supplier = brief.table("supplier")
        first = ""
        if supplier is not None and eid in supplier.index:
            first = (f", and it receives {pct(supplier.loc[eid, 'share_p50'])} of the first "
                     "invoices")
        sentences.append(f"The largest dependency is on {name}: it keeps "
                         f"{pct(row['share_p50'])} of the spending as value added "
                         f"({interval(row['share_p5'], row['share_p95'])}){first}.")
    footprint = footprint_sentence(brief)
    if footprint:
        sentences.append(footprint)
        sentences.extend(jobs_reading_sentences(brief))
    lasting = lasting_sentence(brief)
    if lasting:
        sentences.append(lasting)
    sentences.append(assumption_sentence(brief, book))
    return sentences


def owner_sentence(brief: PlanBrief, owner: pd.DataFrame, top: str,
                   names: dict[str, str]) -> str:
    """Where value added accrues (the `owner_country` view: profits counted in the owners'
    country, wages and taxes where they are paid), said as value added, not as profits: the
    profits alone (from `owner_country_factor`, '<country> / capital') when the run has them."""
    place = place_in_sentence(top, names)
    text = (f"Counting profits in the country of the firms' owners, "
            f"{pct(owner.loc[top, 'share_p50'])} of the spending is value added (wages, "
            f"profits and taxes) accruing to {place}")
    by_factor = brief.table("owner_country_factor")
    key = f"{top} / capital"
    if by_factor is not None and key in by_factor.index \
            and finite(by_factor.loc[key, "share_p50"]):
        text += (f"; profits and depreciation to owners there are "
                 f"{pct(by_factor.loc[key, 'share_p50'])} of the spending")
    return text + "."


def footprint_sentence(brief: PlanBrief) -> str:
    """Jobs (FTE-years, and FTE at one time) and embodied CO2 of the plan, from its `jobs`
    and `co2` tables (issue 14); empty when the run has none."""
    from moneytrail.report.jobs_reading import region_text

    jobs, co2 = brief.table("jobs"), brief.table("co2")
    if jobs is None or jobs.empty:
        return ""
    region = ""
    row = jobs.iloc[0]
    p50 = row["amount_p50"]
    unit = str(row.get("unit", "FTE")) or "FTE"
    spread = interval(row["amount_p5"], row["amount_p95"], unit, p50)
    if unit == "FTE-years":
        text = (f"It pays for about {in_unit(p50, unit)} of work through the supply chain "
                f"(full-time-equivalent jobs x years, 90 % interval {spread})")
        once = next((m for m in jobs.index if str(m).startswith("jobs at one time")
                     and str(m).endswith(", all")), None)
        if once is not None and finite(jobs.loc[once, "amount_p50"]):
            years = str(once).split("/ ", 1)[1].split(" of spending", 1)[0]
            text += (f": about {in_unit(jobs.loc[once, 'amount_p50'], 'FTE')} at one time over "
                     f"the {years} the money is spent")
            default = stored_spend_years_default(brief.result)
            if default:                  # the tool's default, not the plan's years
                text += (f" ({years}: the tool's default spending period, an assumption, as "
                         "the plan does not say over how many years it spends)")
            elif default is None:        # a run stored before the plan's choice was kept
                text += f" ({years}: the plan's horizon, the tool's default unless the plan " \
                        "sets it)"
        region = region_text(brief.result.tables,
                             (getattr(brief.result, "facts", None) or {}).get("buyer_region"))
        if region:                         # 'Of which in the EU: ...' beside the total
            text += "; " + region[:1].lower() + region[1:].removesuffix(".")
    else:                                  # a run stored before FTE-years were named
        text = (f"It pays for about {in_unit(p50, 'FTE')} (full-time-equivalent jobs) through "
                f"the supply chain (90 % interval {spread}; FTE-years where the money is spent "
                "once)")
    on_averages = [m for m in jobs.index if str(m).startswith("share of the FTE from")]
    if on_averages and finite(jobs.loc[on_averages[0], "amount_p50"]):
        whom = "all the FTE-years" if region else "them"     # not the region's alone
        text += (f"; {in_unit(jobs.loc[on_averages[0], 'amount_p50'], 'share')} of {whom} are "
                 "estimated from national average pay by country and industry, the rest from "
                 "firms' employees per revenue in their filings")
    if co2 is not None and not co2.empty:
        c = co2.iloc[0]
        text += (f", and the firms it reaches emit about {in_unit(c['amount_p50'], 't CO2e')} "
                 "(scope 1 and 2 of every firm it reaches: its report or national "
                 "statistics where read, else "
                 f"a labelled assumption from its peers or sector; 90 % interval "
                 f"{interval(c['amount_p5'], c['amount_p95'], 't CO2e', c['amount_p50'])})")
    return text + "."


def jobs_reading_sentences(brief: PlanBrief) -> list[str]:
    """How to read the jobs figures (report.jobs_reading): the skew of their draws and the
    rest of the world's share, each a paragraph of the summary (beside the footprint's, one
    paragraph was too long to read); a comparison restating figures per million in one
    currency (brief.per_million) leaves out the run's own-currency ones."""
    from moneytrail.report.jobs_reading import rest_of_world_text, skew_text

    tables = brief.result.tables
    return [t for t in (skew_text(tables, per_million=not brief.per_million),
                        rest_of_world_text(tables)) if t]


def lasting_sentence(brief: PlanBrief) -> str:
    """'Lasting (operations) work: 0 FTE-years. Zero because the plan's budget pays for no
    operations ...' (service.footprints.lasting_note), or '' for a run without the row."""
    from moneytrail.report.units import spend_years_text
    from moneytrail.service.footprints import WORK, lasting_note

    key = f"{WORK}, lasting (operations)"
    jobs = brief.table("jobs")
    if jobs is None or key not in jobs.index or not finite(jobs.loc[key, "amount_p50"]):
        return ""
    years = spend_years_text(brief.result.facts, jobs.index)
    return (f"Lasting (operations) work: {in_unit(jobs.loc[key, 'amount_p50'], 'FTE-years')}"
            f". {lasting_note(brief.plan, years)}")


def beside(median: str, spread: str) -> str:
    """' (90 % interval)' to write after a median, or '' when the interval is missing or
    prints as the median itself (its ends alike: '100.0 % ... (100.0 %)' says it twice)."""
    return f" ({spread})" if spread and spread != median else ""


def assumption_sentence(brief: PlanBrief, book: SourceBook) -> str:
    """How much of the figures rests on assumptions: the reliability labels of the sources
    behind them, and of the plan's spending split."""
    ids = brief.direct_sources + brief.market_sources + brief.cost_sources
    counts = book.counts(ids)
    weak = counts.get("assumption", 0) + counts.get("weak", 0)
    spend_labels = Counter(OWN_FIGURE if getattr(i, "own", False) else    # Interval.own
                           (i.reliability or book.reliability(i.source or ""))
                           for i in brief.plan.spend.values())
    # "2 your own figures": the own-figure label takes the plural (a data label stays as is)
    parts = [f"{n} {label}s" if label == OWN_FIGURE and n > 1 else f"{n} {label}"
             for label, n in spend_labels.most_common()]
    split_rows = sum(spend_labels.values())
    only = next(iter(spend_labels))
    labelled = ("have no reliability label (no source given)" if only == "unknown" else
                "are your own figures (set in the plan builder, no source)"
                if only == OWN_FIGURE else f"are labelled {only}")
    split = (f"all {split_rows} {labelled}" if len(spend_labels) == 1 else
             "the labels are " + ", ".join(parts[:-1]) + " and " + parts[-1])
    split_sentence = (f"Of the {split_rows} rows of the plan's spending split, {split}. "
                      if split_rows > 1
                      else "The plan's spending split has one row, which "
                      + labelled.replace("have no", "has no").replace("are labelled",
                                                                      "is labelled")
                      .replace("are your own figures", "is your own figure") + ". ")
    cited = book.distinct(ids)
    total = len(cited)
    seen = {book.document(s) for s in cited}
    footprint = [s for s in book.distinct(brief.footprint_sources)
                 if book.document(s) not in seen]
    weight = ""
    evidence = brief.table("evidence")
    if evidence is not None:
        rows = evidence.reset_index()
        everything = rows[rows["dimension"] == "total"]
        if not everything.empty:
            row = everything.iloc[0]
            median = pct(row["assumption_or_weak_p50"])
            weight = (f"Traced path by path (each euro takes the weakest label on its way "
                      f"through the supply chain), {median} of the value added rests on "
                      "assumption or weak rows"
                      + beside(median, interval(row["assumption_or_weak_p5"],
                                                row["assumption_or_weak_p95"])) + ". ")
            own = row.get("own_input_mean")      # engine.evidence.OWN; none in old runs
            if isinstance(own, int | float) and own > 0:
                weight += (f"{pct(own)} rests on the plan's own inputs (shares set in the "
                           "plan builder), which the tool does not source: they are not "
                           "counted as assumption or weak rows. ")
    more = (f" The jobs and CO2 figures rest on {counted(len(footprint), 'further source')} "
            f"({count_phrase(book.counts(footprint))}): {total + len(footprint)} in all "
            "under this plan's figures."
            if footprint else "")
    return (weight + f"The shares of the spending rest on {counted(total, 'source')} "
            f"({count_phrase(counts)}; distinct sources); {weak} of them "
            f"({pct(weak / max(total, 1))}) are modelling assumptions or weak sources."
            f"{more} "
            f"{split_sentence}"
            "Figures "
            "resting on assumptions are model estimates to be read with their intervals, not "
            "measurements.")


# -- tables ----------------------------------------------------------------------------------
def share_cell(row: pd.Series | None) -> Cell:
    if row is None:
        return Cell("–")
    return Cell(pct(row["share_p50"]), interval(row["share_p5"], row["share_p95"]))


def top_labels(frames: list[pd.DataFrame | None], limit: int) -> tuple[list[str], int]:
    """Labels with the largest median share in any frame, and how many were left out."""
    best: dict[str, float] = {}
    for frame in frames:
        if frame is None:
            continue
        for label, value in frame["share_p50"].items():
            best[str(label)] = max(best.get(str(label), -1.0), float(value))
    ordered = sorted(best, key=lambda k: -best[k])
    return ordered[:limit], max(len(ordered) - limit, 0)


def zero_labels(frames: list[pd.DataFrame | None]) -> list[str]:
    """Labels whose amount is zero in every draw of every frame (mean, 5th and 95th
    percentile all 0): no money reaches them."""
    seen: dict[str, bool] = {}
    for frame in frames:
        if frame is None:
            continue
        for label, row in frame.iterrows():
            zero = all(float(row.get(c, 0) or 0) == 0
                       for c in ("amount_mean", "share_p5", "share_p95"))
            seen[str(label)] = seen.get(str(label), True) and zero
    return [k for k, zero in seen.items() if zero]


def share_table(number: int, caption: str, columns: list[tuple[str, pd.DataFrame | None]],
                label: str, names: dict[str, str] | None = None, limit: int = TOP_ROWS,
                note: str = "", countries: bool = False, difference: bool = False
                ) -> TableView:
    """Rows: labels; one column per (heading, breakdown): median over its 90 % interval.
    `countries`: rows zero in every draw are left out and named in the note ("No money
    reaches: ..."), and the EU row (not split by member state) is explained there.
    `difference` (two columns of two plans): a last column, the second median minus the
    first, in percentage points."""
    frames = [f for _, f in columns]
    zero = zero_labels(frames) if countries else []
    if zero:
        frames = [f.drop(index=[k for k in zero if k in f.index]) if f is not None else None
                  for f in frames]
    labels, left_out = top_labels(frames, limit)
    if countries:
        extra = [EU_FOOTNOTE if "EU" in labels else "",
                 no_money_text([(names or {}).get(k, k) for k in zero])]
        note = " ".join(n for n in [note, *extra] if n)
    rows = []
    for key in labels:
        found = [row_at(frame, key) if frame is not None and key in frame.index else None
                 for _, frame in columns]
        cells = [share_cell(row) for row in found]
        if difference:
            first, second = found
            cells.append(Cell(difference_text(difference_value(first["share_p50"],
                                                         second["share_p50"], "share"), "share")
                              if first is not None and second is not None else "–"))
        rows.append(((names or {}).get(key, key), cells))
    if left_out:
        note = (note + " " if note else "") + (f"{left_out} smaller rows are left out here; "
                                               "every row is in the run's JSON.")
    if difference:
        note = (note + " " if note else "") + DIFFERENCE_NOTE
    head = [label] + [h for h, _ in columns] + (
        [difference_head()] if difference else [])
    return TableView(number=number, caption=caption, head=head, rows=rows, note=note)


def difference_head() -> str:
    """The difference column's heading, naming which plan is taken from which by the labels
    the briefing's key gives them ('Plan 2 minus Plan 1'; both full titles made a heading of
    some 25 words)."""
    first, second = plan_labels(2)
    return f"Difference: {second} minus {first}"


def plan_heads(briefs: list[PlanBrief]) -> list[str]:
    """Column headings of a comparison's tables: each plan's label and title ('Plan 1:
    Stargate-style ...'), as the key in the summary lists them."""
    return [f"{label}: {b.plan.title}"
            for label, b in zip(plan_labels(len(briefs)), briefs, strict=True)]


DIFFERENCE_NOTE = ("The difference is the second plan's median minus the first's, in the "
                   "row's unit (percentage points for shares); it is not the median of the "
                   "difference.")


EVIDENCE_SUFFIX = ": evidence, on assumption or weak rows"   # service.tasks.EVIDENCE_ROW


def scorecard_rows(briefs: list[PlanBrief], categories: dict[str, str] | None = None,
                   *, per_budget: bool = False) -> list[tuple[str, list[Cell]]]:
    """One row per scorecard metric, a cell per plan: median, and below it the 90 % interval
    and, where the run has it, the metric's evidence weight (its evidence row folded in).
    Rows per million of a run's own currency are restated by the brief's `per_million`
    factors (the compare page's common unit, service.tasks.restate_per_million). Rows of runs
    stored under a label since renamed take the new one (service.tasks.stored_scorecard_row),
    so they line up with newer runs' rows. An HHI change of +0 in every draw says why
    (report.units.HHI_UNMOVED, hhi_rules_no_rise; `categories`: ids -> names), as the run
    page does. With `per_budget` (the plans' budgets differ) a total (report.units.is_total:
    CO2 over the horizon) also says its figure per million of its plan's budget, and the
    difference column the difference of those."""
    from moneytrail.analysis.scorecard import HHI_ROW as LARGEST_HHI_ROW
    from moneytrail.analysis.scorecard import missing_said
    from moneytrail.report.evidence import weight_text
    from moneytrail.service.tasks import hhi_market_words, restate_per_million

    cards = [current_scorecard(b.table("scorecard")) for b in briefs]
    # plans at different price years: each amount of money says its own (not restated)
    mixed = len({b.plan.price_year or b.plan.year for b in briefs}) > 1
    labels = list(dict.fromkeys(str(i) for card in cards if card is not None
                                for i in card.index if not str(i).endswith(EVIDENCE_SUFFIX)))
    two = len(briefs) == 2
    # money at one price year is subtracted: in EUR when the currencies differ (restated
    # by restate_per_million, as the compare page shows it)
    alike = two and not mixed
    # why money at two price years is not subtracted (as the compare page says)
    withheld = withheld_difference_reason(
        [b.plan.price_year or b.plan.year for b in briefs]) if two else ""
    rows = []
    for label in labels:
        cells = []
        medians: list[tuple[float, str] | None] = []
        budgeted: list[tuple[float, str] | None] = []    # a total per million of budget
        for k, (brief, card) in enumerate(zip(briefs, cards, strict=True)):
            name = brief.result.facts.get("plan", brief.plan.id)
            medians.append(None)
            budgeted.append(None)
            if card is None or label not in card.index:
                cells.append(Cell("–"))
                continue
            row = card.loc[label]
            stored = str(row.get("unit", "share"))
            unit, p50 = restate_per_million(stored, row.get(f"{name}_p50"), brief.per_million)
            if not isinstance(p50, float | int) or not math.isfinite(float(p50)):
                # 'Conditions met' (no conditions set, or none applies) and the budget per
                # training run (the share of the budget that buys compute), as the note says
                said = missing_said(str(brief.result.tables["scorecard"].note), label,
                                    str(name))
                # a reason in words wraps in its column (a figure's cell does not)
                cells.append(Cell(said, numeric=False) if said else Cell("not applicable"))
                continue
            p5 = restate_per_million(stored, row.get(f"{name}_p5"), brief.per_million)[1]
            p95 = restate_per_million(stored, row.get(f"{name}_p95"), brief.per_million)[1]
            sub = interval(p5, p95, unit, p50)
            market = brief.result.facts.get("hhi_market")
            if label == LARGEST_HHI_ROW and p5 == p50 == p95 == 0:
                sub = hhi_no_market_moves(bool(brief.plan.procurement))
            elif label == LARGEST_HHI_ROW and isinstance(market, dict):
                category = str(market.get("category"))
                sub = (f"{sub}, in " if sub else "in ") + hhi_market_words(
                    category, float(market.get("share") or 0.0),
                    name=(categories or {}).get(category) or market.get("name"))
            elif label.startswith(HHI_PREFIX) and p5 == p50 == p95 == 0:
                rules = list(brief.plan.procurement)     # a run stored before: largest rise
                sub = hhi_rules_no_rise([(categories or {}).get(c, c) for c in rules]) \
                    if rules else HHI_UNMOVED
            if label + EVIDENCE_SUFFIX in card.index:
                weight = card.loc[label + EVIDENCE_SUFFIX]
                said = weight_text(weight.get(f"{name}_p50"), weight.get(f"{name}_p5"),
                                   weight.get(f"{name}_p95"))
                if said != "–":
                    # what it leaves out (the plan's own inputs) is said once, in the note
                    said = f"{said} on assumption or weak rows"
                    sub = f"{sub}; {said}" if sub else said
            if mixed and is_money(unit):
                prices = f"at {brief.plan.price_year or brief.plan.year} prices"
                sub = f"{sub}; {prices}" if sub else prices
            if per_budget and is_total(stored):
                per, value = restate_per_million(*total_per_budget(
                    row.get(f"{name}_p50"), stored, brief.result.facts.get("total"),
                    brief.currency), brief.per_million)
                if value is not None:
                    said = f"{in_unit(value, per)} {PER_BUDGET}"
                    sub = f"{sub}; {said}" if sub else said
                    budgeted[k] = (float(value), per)
            cells.append(Cell(in_unit(p50, unit), sub))
            medians[k] = (float(p50), unit)
        if two:
            first, second = medians
            same_unit = first is not None and second is not None and first[1] == second[1] \
                and (alike or not is_money(first[1]))
            one, other = budgeted
            by_budget = ""          # per million of budget: money, as rows per million
            if alike and one is not None and other is not None and one[1] == other[1]:
                gap = difference_value(one[0], other[0], one[1])
                by_budget = f"{difference_text(gap, one[1])} {PER_BUDGET}"
            if same_unit and first is not None and second is not None:
                cells.append(Cell(difference_text(difference_value(first[0], second[0],
                                                                   first[1]), first[1]),
                                  by_budget))
            elif first is not None and second is not None and is_money(first[1]) \
                    and not alike and withheld:
                cells.append(Cell(withheld, numeric=False))
            else:
                cells.append(Cell("–", by_budget))
        rows.append((label, cells))
    return rows


SPREAD_FLOOR = 0.005    # a share whose medians differ by less than half a point is not named
LARGEST_DIFFERENCES = 3


def plan_figures(briefs: list[PlanBrief], label: str, *, restate: bool = True
                 ) -> list[tuple[float, str]] | None:
    """Each plan's median of the scorecard row `label` with its unit (rows per million of a
    run's currency restated as the scorecard table shows them); None unless every plan has
    a finite one."""
    from moneytrail.service.tasks import restate_per_million

    out = []
    for brief in briefs:
        card = current_scorecard(brief.table("scorecard"))
        if card is None or label not in card.index:
            return None
        row = card.loc[label]
        name = brief.result.facts.get("plan", brief.plan.id)
        value: Any = row.get(f"{name}_p50")
        unit = str(row.get("unit", "share"))
        if restate:
            unit, value = restate_per_million(unit, value, brief.per_million)
        if not finite(value):
            return None
        out.append((float(value), unit))
    return out


def comparison_headline(briefs: list[PlanBrief], budget_note: str = "") -> list[str]:
    """The answer a comparison opens with, from the runs' own figures: where the money ends
    up differs most (the shares of the spending whose medians lie furthest apart: the
    headline table's rows and the EU's and US owners' value added); when the budgets differ
    (`budget_note`, inputs.budgets_differ_note, is not empty) per million of budget the jobs
    and CO2 (a total divided by its plan's budget) and the TCO as a share of the budget, then
    `budget_note`. Plans of one budget (amount and currency) leave the figures per budget out:
    they would only restate the totals each plan's summary and the scorecard give."""
    from moneytrail.analysis.scorecard import JOBS_ROW, ROWS
    from moneytrail.service.tasks import restate_per_million

    two = len(briefs) == 2
    label_of = {(metric, tuple(sorted(kw.items()))): label for label, metric, kw, _ in ROWS}
    located = label_of[("eu_value_added_share", ())]
    owned = label_of[("value_added_share", (("owner_country", "US"),))]
    operational = label_of[("co2_tonnes", ())]
    embodied = label_of[("co2_embodied_per_eur_million", ())]
    shares: dict[str, list[Any]] = {}
    for k, brief in enumerate(briefs):
        frame = brief.table("headline")
        for label, row in (frame.iterrows() if frame is not None else []):
            shares.setdefault(headline_label(str(label)), [None] * len(briefs))[k] = \
                row.get("share_p50")
    for label in (located, owned):
        figures = plan_figures(briefs, label)
        if figures is not None:
            shares[label] = [value for value, _ in figures]
    apart = sorted(((max(v) - min(v), label, v) for label, v in shares.items()
                    if all(finite(x) for x in v)), key=lambda t: -t[0])
    lead = "In short (medians; the plans in the order listed above): "
    said = []
    named = [(label, values) for spread, label, values in apart
             if spread >= SPREAD_FLOOR][:LARGEST_DIFFERENCES]
    if named:
        said.append(lead + "where the money ends up differs most in " + "; ".join(
            f"{lower_first(label)}, {' vs '.join(pct(v) for v in values)} of the spending"
            + (f" ({difference_text(difference_value(values[0], values[1], 'share'), 'share')})"
               if two else "") for label, values in named) + ".")
    elif apart:
        said.append(lead + "where the money ends up is alike: no share of the spending "
                    f"differs by {100 * SPREAD_FLOOR:g} points or more between the plans.")
        lead = ""
    if not budget_note:         # one budget: per budget is the totals over again
        return said
    parts = []
    jobs = plan_figures(briefs, JOBS_ROW)
    if jobs is not None:
        parts.append("jobs paid for " + " vs ".join(in_unit(v, u) for v, u in jobs))
    co2 = plan_figures(briefs, operational, restate=False)
    if co2 is not None:
        per = [restate_per_million(*total_per_budget(value, unit, b.result.facts.get("total"),
                                                     b.currency), b.per_million)
               for (value, unit), b in zip(co2, briefs, strict=True)]
        if all(value is not None for _, value in per):
            parts.append("CO2 of the electricity over the horizon " + " vs ".join(
                in_unit(value, unit) for unit, value in per))
    supply = plan_figures(briefs, embodied)
    if supply is not None:
        parts.append("CO2 of the supply chain (scope 1+2) " + " vs ".join(
            in_unit(v, u) for v, u in supply))
    if parts:
        said.append("Per million of budget: " + "; ".join(parts) + ".")
    tco = [t for t in (tco_share(b) for b in briefs) if t is not None]
    if len(tco) == len(briefs):
        said.append(tco_sentence(tco))
    said.append(budget_note)
    return said


def tco_sentence(tco: list[tuple[float, str]]) -> str:
    """The plans' TCO as shares of their budgets, with the period they cover: once when the
    plans share it ('TCO over the 5-year horizon: 100.0 % vs 97.0 % of the budget'), else
    beside each plan's figure, since the plans' horizons differ."""
    periods = {period for _, period in tco}
    if len(periods) == 1:
        period = periods.pop()
        return (f"TCO{' ' + period if period else ''}: "
                + " vs ".join(pct(share) for share, _ in tco) + " of the budget.")
    return ("TCO: " + " vs ".join(pct(share) + (f" ({period})" if period else "")
                                  for share, period in tco) + " of the budget.")


def tco_share(brief: PlanBrief) -> tuple[float, str] | None:
    """The plan's TCO (its lifecycle table's median) as a share of its budget, with the TCO's
    period ('over the 5-year horizon'); None without a lifecycle table or TCO in the plan's
    currency."""
    from moneytrail.report.units import share_of_budget

    frame = brief.table("lifecycle")
    if frame is None or "tco" not in frame.index:
        return None
    row = frame.loc["tco"]
    share = share_of_budget(row.get("p50"), str(row.get("unit") or ""),
                            brief.result.facts.get("total"), brief.currency)
    return None if share is None else (share, str(row.get("period") or ""))


LIFECYCLE_HEAD = ["Measure (unit)", "What it counts", "Median (90 % interval)", "Mean"]
LIFECYCLE_MISSING = ("The run of {plans} was stored before runs kept the lifecycle table "
                     "(TCO); moneytrail analyse --what lifecycle gives it.")


def lifecycle_table(number: int, brief: PlanBrief, book: SourceBook) -> TableView | None:
    """The run's lifecycle table (service.lifecycle): each row's measure with its unit, what
    it counts and its period, median with the 90 % interval, and mean; its note names the
    horizon and the electricity price with their sources. The count of accelerators says the
    price per H100-equivalent it was made at, as stored with the run (report.accelerators),
    with its sources. None for a run stored without it (an older version's)."""
    from moneytrail.report.accelerators import h100e_price
    from moneytrail.service.lifecycle import LABELS, TCO_SCOPE, note_in_words

    frame = brief.table("lifecycle")
    if frame is None or frame.empty:
        return None
    rows = []
    for metric, row in frame.iterrows():
        unit = str(row.get("unit") or "")
        shown = base_unit(unit)
        counts = str(row.get("counts") or "").strip()
        period = str(row.get("period") or "")
        text = f"{counts} Period: {period}." if period else counts
        h100e = h100e_price(row, brief.currency) \
            if metric == "accelerators_h100e" else None
        if h100e and finite(row.get("p50")) and float(row["p50"]) > 0:
            text += " " + h100e["text"] + " Sources: " + "; ".join(
                note_words(s, book, {}) for s in h100e["sources"]) + "."
        rows.append((f"{LABELS.get(str(metric), str(metric))} ({shown})", [
            Cell(text, numeric=False),
            Cell(in_unit(row.get("p50"), unit), interval(row.get("p5"), row.get("p95"), unit,
                                                         like=row.get("p50"))),
            Cell(in_unit(row.get("mean"), unit))]))
    note = note_words(note_in_words(brief.result.tables["lifecycle"].note), book, {})
    return TableView(number=number, caption=f"Lifecycle cost of {brief.plan.title}: hardware, "
                     f"electricity, residual value and TCO as counted here ({TCO_SCOPE}); not the "
                     f"plan's lifetime cost (amounts in {brief.money_unit})",
                     head=LIFECYCLE_HEAD, rows=rows, note=note, css="lifecycle")


def own_figures_sentence(briefs: list[PlanBrief], categories: dict[str, str]) -> str:
    """' The evidence weight of “<plan>” does not count your own figures, the plan's own
    inputs: ...' for each plan with shares typed in the plan builder, and what that means;
    ''."""
    said = [f"the evidence weight of “{b.plan.title}” "
            + own_figures_note(b.stated, lambda c: categories.get(c, humanise(c)))
            for b in briefs if own_figures_note(b.stated, str)]
    if not said:
        return ""
    return " " + "; ".join(said)[:1].upper() + "; ".join(said)[1:] + ". " + OWN_FIGURES_WHY


def current_scorecard(card: pd.DataFrame | None) -> pd.DataFrame | None:
    """A stored run's scorecard with its rows under the labels (and units) the scorecard
    uses now (service.tasks.stored_scorecard_row); None stays None."""
    from moneytrail.service.tasks import stored_scorecard_row

    if card is None:
        return None
    units = card["unit"] if "unit" in card.columns else pd.Series("share", index=card.index)
    rows = [stored_scorecard_row(str(label), str(unit))
            for label, unit in zip(card.index, units, strict=True)]
    out = card.copy()
    out.index = pd.Index([label for label, _ in rows], name=card.index.name)
    if "unit" in out.columns:
        out["unit"] = [unit for _, unit in rows]
    return out


TERMS_NOTE = ("HHI, WACC, tornado analysis and other terms are explained under “Words used "
              "in this briefing” in the Methods section.")
CONDITION_HEAD = ["Condition", "Verdict", "Median value (90 % interval)",
                  "Met in (share of draws)"]


def condition_records(brief: PlanBrief, names: dict[str, str] | None = None
                      ) -> list[dict[str, Any]]:
    """The run's conditions, each a record of its table with `words`: the condition in words
    with its bound in its unit (report.units.condition_words) and `unit`: its metric's unit.
    `names`: country and firm ids -> names; [] for a run without conditions."""
    frame = brief.table("conditions")
    if frame is None or frame.empty:
        return []
    given = list(brief.plan.conditions)
    records = frame.reset_index().to_dict("records")
    out = []
    for k, record in enumerate(records):
        stated = given[k] if len(given) == len(records) else None
        selectors = condition_selectors(stated) if stated else None
        words = condition_words({str(k): v for k, v in record.items()}, names, selectors,
                                condition_threshold(stated) if stated else None)
        out.append({**{str(k): v for k, v in record.items()}, "words": words,
                    "unit": condition_unit(str(record.get("metric")))})
    return out


def conditions_rows(brief: PlanBrief, names: dict[str, str] | None = None
                    ) -> list[tuple[str, list[Cell]]]:
    """The plan's conditions for readers (CONDITION_HEAD): each in words with its bound in its
    unit (`condition_records`), the verdict, the median value with its 90 % interval in the
    metric's unit, and the share of draws in which it holds. `names`: country and firm ids ->
    names."""
    out = []
    for record in condition_records(brief, names):
        unit = record["unit"]
        out.append((record["words"], [
            Cell(str(record.get("verdict") or "–"), numeric=False),
            Cell(in_unit(record.get("value_p50"), unit),
                 interval(record.get("value_p5"), record.get("value_p95"), unit,
                          like=record.get("value_p50"))),
            Cell(p_holds_text(record.get("p_holds")))]))
    return out


def concerning_claims(ws: Workspace, brief: PlanBrief) -> list[str]:
    """Ids of the debate's claims that concern the brief's plan: by plan id, matched deal,
    its ledger claims or the budget source (words of the claim, its checks or sources)."""
    from moneytrail.service.run_claims import debate_claims

    keys = {brief.plan.id, brief.plan.budget.source or ""}
    for deal in brief.reality:
        keys |= {deal["deal"], *deal["claim_refs"].split(";")}
    keys.discard("")
    concerning = []
    for claim in debate_claims().values():
        text = json.dumps(claim.model_dump(mode="json"))
        words = set(text.replace('"', " ").replace(",", " ").replace("[", " ")
                    .replace("]", " ").replace(":", " ").split())
        if keys & words:
            concerning.append(claim.id)
    return concerning


def claims_for(ws: Workspace, briefs: list[PlanBrief], book: SourceBook
               ) -> tuple[list[dict[str, Any]], list[str], str]:
    """The claims of the debate that concern the plans (`concerning_claims`), with verdicts,
    checks, sources and what they were checked against (`against`): a claim whose checks
    trace a plan is checked against the brief's run (its plan, draws and seed:
    service.run_claims, so its figures are the run's, and no verdict under
    analysis.claims.MIN_VERDICT_DRAWS draws, `note` says why and warns of few draws); a claim
    on ledger or market data only is the debate's published check (the same for every run).
    The run's checks are not stored (a private plan's run would show through them)."""
    from moneytrail.analysis.claims import DRAWS, SEED, draws_note
    from moneytrail.report.evidence import row_weight
    from moneytrail.service import tasks
    from moneytrail.service.run_claims import check_against_run, debate_claims, plan_dependent

    several = len(briefs) > 1
    out: list[dict[str, Any]] = []
    sources: list[str] = []
    published: pd.DataFrame | None = None
    published_run = ""          # its run id
    listed: set[str] = set()
    try:
        claims = debate_claims()
        for brief in briefs:
            run = brief.result
            traces: dict[str, Any] = {}     # the run's plan traced once for all its claims
            for cid in concerning_claims(ws, brief):
                if plan_dependent(claims[cid]):
                    checked = check_against_run(ws, cid, run, store=None, traces=traces)
                    if checked.checked is None:     # about another plan: not checked
                        out.append(not_applicable_entry(claims[cid], checked.not_about,
                                                        book))
                        sources += documents(list(claims[cid].sources), book)
                        sources += [x for x in (claims[cid].claimed_in,
                                                claims[cid].related_source) if x]
                        continue
                    rows = checked.frame()
                    # said once beside the claim, not in each check's name
                    rows["check"] = rows["check"].str.replace(
                        r": this run's plan in place of [\w-]+$", "", regex=True)
                    # one plan: the table's caption and note say so once
                    against = (f"Checked against the run of “{brief.plan.title}” (run "
                               f"{run.run_id[:8]}, {draws_text(checked.draws, noun='draw')}"
                               f", seed {checked.seed}), in place of "
                               f"{', '.join(dict.fromkeys(r for _, r in checked.followed))}."
                               if several else "")
                    note = draws_note(checked.draws)
                elif cid in listed:
                    continue
                else:
                    if published is None:
                        done = tasks.check_claims(ws, draws=DRAWS, seed=SEED)
                        frame = done.table("claims")
                        published = frame.reset_index() if frame.index.name else frame
                        published_run = done.run_id
                    rows = published[published["claim"] == cid]
                    against = ("The same for every run (ledger and market data only): "
                               f"the debate's check (run {published_run}), "
                               f"{draws_text(DRAWS, noun='draw')}, seed {SEED}.")
                    note = ""
                listed.add(cid)
                if rows.empty:
                    continue
                out.append(claim_entry(rows, book, against, note, row_weight))
                sources += documents([s for cell in rows["sources"]
                                      for s in str(cell).split("; ") if s], book)
                claimed = out[-1]["claimed"]
                sources += [claimed[key] for key in ("source", "related")
                            if claimed.get(key)]
    except MoneytrailError as exc:      # the briefing says why instead (no file paths)
        return [], [], f"The claims could not be checked: {exc.detail.rstrip('.')}."
    # each document once over all the claims (two claims may cite one page under two ids:
    # the jobs claim's announcement, the CO2 claim's plan budget source)
    return out, documents(sources, book), ""


def not_applicable_entry(claim: Claim, reason: str, book: SourceBook) -> dict[str, Any]:
    """A claim about another plan than the run's (service.run_claims.not_about_reason), for
    the claims table: verdict 'not applicable', the sentence saying why, no checks."""
    from moneytrail.analysis.claims import NOT_APPLICABLE

    return {"id": claim.id, "text": claim.claim, "verdict": NOT_APPLICABLE, "weight": "",
            "weak": False, "pieces": [], "cases": False, "against": reason, "note": "",
            "claimed": claimed_entry(claim.claimed_by, claim.claimed_on, claim.claimed_in,
                                     book, claim.related_source),
            "reading": reading_words(claim.note, book), "checks": [],
            "refs": ref_ranges([book.number(s) for s in documents(claim.sources, book)])}


def documents(ids: list[str], book: SourceBook) -> list[str]:
    """Source ids with each document once (data.sourcing.one_per_document: the same page
    under a ledger and an analysis id is cited once)."""
    from moneytrail.data.sourcing import one_per_document

    return one_per_document(dict.fromkeys(ids), lambda s: book.rows.get(s, {}).get("url", ""))


def reading_words(note: str, book: SourceBook) -> str:
    """A claim's note ("Read as") for readers, as the web pages show it: source ids as the
    source's title with its number in the Sources list (note_words)."""
    return note_words(str(note or ""), book, {})


def claimed_entry(by: Any, on: Any, where: Any, book: SourceBook,
                  related: Any = "") -> dict[str, Any]:
    """Who made a claim, when and where (claims file `claimed_by`, `claimed_on`,
    `claimed_in`), for the claims table: `by` in words (analysis.claims_schema
    NO_SINGLE_SPEAKER_WORDS for a claim with no single speaker, and `alone` true), `on` in
    words ('21 January 2025'), and the recording source's `title`, `number` in the Sources
    list; the source of a related concern (`related_source`) as `related`, `related_title`,
    `related_number`; {} when none is given."""
    from moneytrail.analysis.claims_schema import (
        NO_SINGLE_SPEAKER_WORDS,
        RELATED_SOURCE_WORDS,
        no_single_speaker,
    )
    from moneytrail.report.units import claim_date

    def text(value: Any) -> str:
        return "" if value is None or value != value else str(value).strip()

    by, on, where, related = text(by), text(on), text(where), text(related)
    if not by and not where and not related:
        return {}
    alone = no_single_speaker(by)
    found = book.rows.get(where, {}) if where else {}
    return {"by": NO_SINGLE_SPEAKER_WORDS if alone else by, "alone": alone,
            "named": bool(by or where), "on": claim_date(on), "source": where,
            "title": found.get("title", "") or where,
            "number": book.number(where) if where else None,
            "related": related, "related_words": RELATED_SOURCE_WORDS,
            "related_title": book.rows.get(related, {}).get("title", "") or related,
            "related_number": book.number(related) if related else None}


def claim_entry(rows: pd.DataFrame, book: SourceBook, against: str, note: str,
                row_weight: Callable[..., str]) -> dict[str, Any]:
    """One claim of the briefing's claims table from its check rows."""
    first = rows.iloc[0]
    ids = [s for cell in rows["sources"] for s in str(cell).split("; ") if s]
    verdict = str(first["verdict"])

    from moneytrail.analysis.claims import WITHHELD, WITHHELD_LABEL
    from moneytrail.analysis.verdicts import badge_pieces, verdict_parts, weak_basis
    from moneytrail.report.evidence import own_input_check_words

    basis = first.get("claim_assumption_or_weak_p50")
    records = rows.to_dict("records")
    # the verdict as the web badge and the terminal say it (analysis.verdicts.badge_pieces):
    # 'supported — on weak evidence' when it rests mostly on weak rows; a conditional
    # claim's cases each with its own verdict and weight (issue 15, h228); the assumptions
    # it rests on
    parts = verdict_parts(verdict, records)
    pieces = [] if verdict == WITHHELD else badge_pieces(verdict, basis, parts)
    shown = WITHHELD_LABEL if verdict == WITHHELD else "".join(str(p["text"]) for p in pieces)
    return {"id": str(first["claim"]), "text": str(first["text"]),
            "verdict": shown,
            # the verdict in pieces: each verdict it says in its own style ("weak")
            "pieces": pieces, "cases": bool(parts["cases"]),
            # whether a verdict it says rests on weak evidence (a case's, for a conditional
            # claim: the claim's own weight is no case's)
            "weak": any(p["weak"] for p in pieces) if pieces else weak_basis(verdict, basis),
            "weight": row_weight(first, "claim_"),       # evidence weight (issue 10)
            "against": against, "note": note,
            "claimed": claimed_entry(first.get("claimed_by"), first.get("claimed_on"),
                                     first.get("claimed_in"), book,
                                     first.get("related_source")),
            # the claim's note: what its words are taken to mean in numbers, its caveats,
            # source ids in it by title (as on the web pages)
            "reading": reading_words(str(first.get("note") or ""), book)
            if "note" in rows.columns else "",
            "checks": [{"check": str(r["check"]), "figure": str(r["figure"]),
                        "bound": str(r.get("bound_text") or r["bound"]),
                        "verdict": WITHHELD_LABEL if str(r["check_verdict"]) == WITHHELD
                        else str(r["check_verdict"]),
                        # "3.0 %" of draws; never 100 % unless every draw holds
                        "p_holds": p_holds_text(r["p_holds"]),
                        "weight": row_weight(r),
                        # the share on the plan's own inputs (a built plan's run), in words
                        "own": own_input_check_words(r)}
                       for r in records],
            "refs": ref_ranges([book.number(s) for s in documents(ids, book)])}


def sankey_data(brief: PlanBrief, ws: Workspace, limit: int = 7) -> charts.Sankey | None:
    """Means (they add up) of categories, location countries and factors."""
    cats, country = brief.table("categories"), brief.table("country")
    cf = brief.table("country_factor")
    if cats is None or country is None or cf is None:
        return None
    names, cat_names = country_names(ws), category_names(ws)
    categories = [charts.Node(cat_names.get(str(k), humanise(str(k))), float(v))
                  for k, v in cats["amount_mean"].items() if float(v) > 0]
    ordered = country["amount_mean"].sort_values(ascending=False)
    keep = [str(k) for k in ordered.index[:limit]]
    share = ordered / max(ordered.sum(), 1e-9)
    keep = [k for k in keep if share[k] >= 0.015] or keep[:1]
    short = {"EU": "EU, not split", "ROW": "Rest of world"}
    label = {k: short.get(k) or (names.get(k, k) if len(names.get(k, k)) <= 16 else k)
             for k in keep}
    countries = [charts.Node(label[k], float(ordered[k])) for k in keep]
    other = float(ordered.drop(keep).sum())
    if other > 0:
        countries.append(charts.Node(OTHER, other))
    flows: dict[tuple[str, str], float] = {}
    factor_totals: dict[str, float] = {}
    factor_label = {"labour": "Wages", "capital": "Profits and depreciation", "tax": "Taxes"}
    for key, value in cf["amount_mean"].items():
        code, _, factor = str(key).partition(" / ")
        fl = factor_label.get(factor, factor)
        node = label.get(code, OTHER)
        flows[(node, fl)] = flows.get((node, fl), 0.0) + float(value)
        factor_totals[fl] = factor_totals.get(fl, 0.0) + float(value)
    factors = [charts.Node(k, v) for k, v in factor_totals.items() if v > 0]
    total = float(brief.result.facts.get("total", sum(n.amount for n in categories)))
    return charts.Sankey(categories=categories, plan=charts.Node(brief.plan.title, total),
                         countries=countries, factors=factors, flows=flows)


def parameter_label(name: str, entities: dict[str, str], categories: dict[str, str]) -> str:
    """A sensitivity parameter in words: 'cost nvidia<-tsmc 2025' -> 'Nvidia: share of
    revenue paid to TSMC' (unknown forms are returned as they are)."""
    import re

    def ent(key: str) -> str:
        return entities.get(key, humanise(key))

    def cat(key: str) -> str:
        return lower_first(categories.get(key, humanise(key)))

    factor = {"labour": "wages in", "capital": "profits and depreciation to owners in",
              "tax": "taxes in"}
    if m := re.fullmatch(r"spend (\S+)", name):
        return f"Share of the budget spent on {cat(m[1])}"
    if m := re.fullmatch(r"cost (\S+)<-(\S+) \d{4}", name):
        return f"{ent(m[1])}: share of revenue paid to {ent(m[2])}"
    if m := re.fullmatch(r"cost (\S+) (labour|capital|tax):(\S+) \d{4}", name):
        return f"{ent(m[1])}: {factor[m[2]]} {m[3]} (share of revenue)"
    if m := re.fullmatch(r"market (\S+)/(\S+) (\S+)", name):
        return f"{ent(m[3])}: share of the {m[2]} {cat(m[1])} market"
    if m := re.fullmatch(r"procurement (\S+) (\S+)", name):
        return f"{ent(m[2])}: share of the plan's {cat(m[1])}"
    return name


def median_text(brief: PlanBrief, ws: Workspace) -> str:
    """', not the median over the draws (31.3 %) printed elsewhere' for the tornado's
    output (the largest firm's share), or '' when the trace has no such median."""
    firm = largest_firm(brief, ws)
    if firm is None or not finite(firm[2].get("share_p50")):
        return ""
    return (f", not the median over the draws printed elsewhere "
            f"({pct(firm[2]['share_p50'])}), for which every parameter varies at once")


def tornado_output(brief: PlanBrief, ws: Workspace) -> tuple[str, str]:
    """What the tornado explains: the share of the largest dependency."""
    firm = largest_firm(brief, ws)
    if firm is None:
        from moneytrail.report.units import group_label

        return "share:us_big_tech", (f"the share of {group_label('us_big_tech')} only, not "
                                     "Nvidia nor the other US tech giants")
    eid, name, _ = firm
    return f"share:entity:{eid}", f"{name}'s share of the value added"


# -- assembling ------------------------------------------------------------------------------
def gather(ws: Workspace, results: list[Result], *, progress: Progress | None = None,
           sensitivity: bool = True, asked: dict[str, Asked] | None = None,
           store: StoreChoice = LEDGER) -> Briefing:
    """The content of a briefing for one trace result (a plan briefing) or several (a
    comparison briefing; the same plan twice is refused, as `compare` refuses it).
    `asked` (run id of a result -> the run the reader named, resolve_runs) names the run
    each result was computed from, where that is another run. `store`: where the tornado's
    sensitivity runs are kept (render_briefing)."""
    from moneytrail.service import tasks

    if not results:
        raise MoneytrailError("a briefing needs at least one run", field="runs", value=0)
    for result in results:
        if result.kind != "trace":
            raise MoneytrailError("a briefing is made of trace runs", field="run",
                                  value=f"{result.run_id} ({result.kind})")
    steps = 2 + (len(results) if sensitivity else 0)
    done = 0

    def step(label: str) -> None:
        nonlocal done
        if progress is not None:
            progress(label, done, steps)
        done += 1

    book = SourceBook.of(ws)
    briefs = []
    for result in results:
        plan = plan_of(result)
        # the ledger as it stood when the run was made, as the run's page reads it
        named = (asked or {}).get(result.run_id)
        as_made, read, stood = run_ledger(ws, named.run if named and named.run else result)
        brief = PlanBrief(result=result, plan=plan, name=str(result.facts.get("plan", plan.id)),
                          ledger=read, ledger_stood=stood)
        brief.direct_sources, brief.market_sources, brief.cost_sources = \
            split_sources(plan, result)
        footprint = footprint_source_ids(ws)
        brief.footprint_sources = [s for s in brief.market_sources if s in footprint]
        brief.market_sources = [s for s in brief.market_sources if s not in footprint]
        book.compact |= set(brief.footprint_sources)
        brief.reality = matching_deals(ws, plan, book, as_made)
        briefs.append(brief)
    ledger = "; ".join(dict.fromkeys(b.ledger for b in briefs if b.ledger))
    if len(briefs) > 1:
        tasks.check_distinct([b.plan for b in briefs])
    asked = asked or {}
    # runs stored apart in different currencies: the compare page's common unit and note
    factors, unit_note = tasks.stored_scorecards_in_common_unit(ws, results)
    for brief, per in zip(briefs, factors, strict=True):
        brief.per_million = per
    for brief in briefs:
        if sensitivity:
            step(f"sensitivity of {brief.plan.id}")
            output, _ = tornado_output(brief, ws)
            try:
                # derived from the plan's run: no more visible than it (a public plan's
                # tornado shows its title and budget; hidden again when the plan is)
                brief.tornado = tasks.sensitivity(
                    ws, brief.plan, output, method="tornado", top=8,
                    store=tasks.derived_store(ws, store, brief.result.run_id))
            except MoneytrailError as exc:
                brief.tornado_error = str(exc)
    step("claims of the debate")
    claims, claim_sources, claims_error = claims_for(ws, briefs, book)
    step("assembling")
    sections = build_sections(ws, briefs, book, claims, claim_sources, claims_error,
                              unit_note=unit_note)
    kind = "plan" if len(briefs) == 1 else "comparison"
    title = briefs[0].plan.title if kind == "plan" else f"Comparison of {len(briefs)} plans"
    each = max(12, (70 - len("Comparison: ")) // len(briefs) - 3)    # titles, not plan ids
    short_title = short(title if kind == "plan" else
                        "Comparison: " + " · ".join(short(b.plan.title, each) for b in briefs),
                        70)
    first = results[0].provenance
    from moneytrail.service.tasks import plan_file_names

    files = plan_file_names([b.plan.id for b in briefs], [b.result.run_id for b in briefs])
    meta = {"kind": kind, "date": dt.date.today().isoformat(),
            "runs": [{"plan": b.plan.title, "id": b.plan.id, "run_id": b.result.run_id,
                      "created": b.result.provenance.created, "draws": b.result.facts.get(
                          "draws"), "seed": b.result.facts.get("seed"),
                      "gap": b.result.facts.get("conservation_gap"),
                      "gap_text": conservation_text(b.result.facts.get("conservation_gap") or 0,
                                                    b.currency),
                      "currency": b.currency, "file": file,
                      "asked": asked[b.result.run_id].run_id
                      if b.result.run_id in asked else "",
                      "asked_why": asked[b.result.run_id].why
                      if b.result.run_id in asked else ""}
                     for b, file in zip(briefs, files, strict=True)],
            "code_version": first.code_version, "data_version": first.data_label,
            "data_hash": first.data_hash, "ledger": ledger,
            "ledger_stood": ("" if not all(b.ledger_stood for b in briefs) else
                             "as it stood when the run was made" if len(briefs) == 1 else
                             "as it stood when each run was made")}
    return Briefing(title=title, short_title=short_title, kind=kind, plans=briefs,
                    sections=sections, sources=book.entries(), meta=meta)


def trace_note(brief: PlanBrief, book: SourceBook) -> SourceNote:
    return SourceNote.build(book, brief.direct_sources,
                            [("Market shares and other parameters", brief.market_sources),
                             ("Cost structures of the firms and sectors",
                              brief.cost_sources),
                             (FOOTPRINT_GROUP, brief.footprint_sources)])


def trace_notes(briefs: list[PlanBrief], book: SourceBook) -> SourceNote:
    full = [s for b in briefs for s in b.direct_sources]
    markets = [s for b in briefs for s in b.market_sources]
    costs = [s for b in briefs for s in b.cost_sources]
    footprint = [s for b in briefs for s in b.footprint_sources]
    return SourceNote.build(book, full, [("Market shares and other parameters", markets),
                                         ("Cost structures of the firms and sectors", costs),
                                         (FOOTPRINT_GROUP, footprint)])


def build_sections(ws: Workspace, briefs: list[PlanBrief], book: SourceBook,
                   claims: list[dict[str, Any]], claim_sources: list[str],
                   claims_error: str, *, unit_note: str = "") -> list[dict[str, Any]]:
    """The numbered sections with their figures and tables, in reading order; `unit_note`
    (stored_scorecards_in_common_unit) joins the scorecard's note."""
    fig = iter(range(1, 1000))
    tab = iter(range(1, 1000))
    several = len(briefs) > 1
    two = len(briefs) == 2          # a difference column: the second plan minus the first
    sections: list[dict[str, Any]] = []
    names = country_names(ws)
    entities = entity_names(ws)

    # 1. summary (and the reality of the budget)
    for brief in briefs:
        brief.summary = summary(brief, ws, book)
    differ: list[str] = []
    alike: list[str] = []
    # the list of what differs names the plans 'Plan 1', 'Plan 2' as the compare page does,
    # under a key with their titles (each sentence naming both full titles filled 1.5 pages)
    labels = plan_labels(len(briefs))
    if several:
        cats = category_names(ws)
        differ, alike = input_differences(
            [b.stated for b in briefs], [b.plan.title for b in briefs],
            [(int(b.result.facts.get("draws", 0)), int(b.result.facts.get("seed", 0)))
             for b in briefs], lambda c: cats.get(c, humanise(c)),
            lambda e: entities.get(e, e), labels=labels)
    # plans of different budgets: totals differ with the budget alone (the scorecard gives
    # each total per million of budget; the summary opens with figures per budget)
    budgets = [(b.result.facts.get("total"), b.currency) for b in briefs]
    budget_note = budgets_differ_note(
        budgets, "beside each total in the scorecard; the TCO as a share of the budget above") \
        if several else ""
    sections.append({"id": "summary", "title": "Summary", "kind": "summary",
                     "plans": briefs, "differ": differ, "same": alike,
                     "key": list(zip(labels, [b.plan.title for b in briefs], strict=True)),
                     "headline": comparison_headline(briefs, budget_note) if several else []})

    # 2. what the plan buys, and the Sankey
    figures = []
    spend_tables = [spend_table(next(tab), brief, ws, book) for brief in briefs]
    for brief in briefs:
        data = sankey_data(brief, ws)
        if data is None:
            continue
        n = next(fig)
        fmt = money_short(brief.currency)
        svg = charts.sankey_svg(data, fmt, label_id=f"fig{n}",
                                title=f"Where the money of {brief.plan.title} goes")
        figures.append(FigureView(
            number=n, id=f"fig{n}",
            caption=f"Where the money goes: {brief.plan.title}",
            svg=svg, sources=trace_note(brief, book),
            note="From what the plan buys (left) to the country where value is added and to "
                 "wages, profits and taxes (right). Band widths and amounts are means over "
                 "the draws (means add up; medians do not); the tables give medians and 90 % "
                 "intervals. Countries under 1.5 % are grouped as other countries."))
    sections.append({"id": "flows", "title": "What the plan buys and where the money goes",
                     "kind": "figures", "figures": figures, "tables": spend_tables,
                     "tables_first": True})

    # 3. where it ends up
    figures, tables = [], []
    for brief in briefs:
        headline = brief.table("headline")
        if headline is None:
            continue
        n = next(fig)
        intervals = [charts.Interval(headline_label(str(k)), float(r["share_p50"]),
                                     float(r["share_p5"]), float(r["share_p95"]))
                     for k, r in headline.iterrows()]
        figures.append(FigureView(
            number=n, id=f"fig{n}", caption=f"Where the money ends up: {brief.plan.title}",
            svg=charts.interval_svg(intervals, pct, spread=interval, label_id=f"fig{n}",
                                    title=f"Where the money of {brief.plan.title} ends up",
                                    axis="share of the spending as value added (dot: median;"
                                         " line: 90 % interval)"),
            note=" ".join(["Share of the plan's spending that ends up as value added (wages, "
                           "profits and taxes) with each recipient. Each row answers its own "
                           "question and rows overlap (Nvidia's wages count under Nvidia and "
                           "under wages), so they do not add up.",
                           *headline_notes(headline.index)]),
            sources=trace_note(brief, book)))
    note_all = trace_notes(briefs, book)
    # a comparison's columns: 'Plan 1: <title>' (the summary's key); one plan's: its share
    spend_heads = plan_heads(briefs) if several else ["Share of the spending"]
    country_note = f"Location: the country where the value is produced. {OWNERSHIP_NOTE}"
    # a named site in a region the data do not split (service.tasks.site_country_note)
    site_notes = [(f"{h}: " if several else "") + str(b.result.facts["site_note"])
                  for h, b in zip(spend_heads, briefs, strict=True)
                  if b.result.facts.get("site_note")]
    country_note = " ".join([country_note, *site_notes])
    if several:
        groups = [("Value added by country where it is generated (location; median, 90 % "
                   "interval)", [(h, b.table("country"))
                                for h, b in zip(spend_heads, briefs, strict=True)]),
                  (f"{OWNERSHIP_TITLE} (median, 90 % interval)", [(h, b.table("owner_country"))
                                for h, b in zip(spend_heads, briefs, strict=True)])]
    else:
        groups = [("Value added by country: location and ownership (median, 90 % interval)",
                   [("Where it is generated (location)", briefs[0].table("country")),
                    ("Profits counted in the owners' country (ownership)",
                     briefs[0].table("owner_country"))])]
    for caption, columns in groups:
        t = share_table(next(tab), caption, columns, "Country", names, note=country_note,
                        countries=True, difference=two)
        t.sources, t.id = note_all, f"tab{t.number}"
        tables.append(t)
    t = share_table(next(tab), "Value added by group of firms (median, 90 % interval)",
                    [(h, b.table("group")) for h, b in zip(spend_heads, briefs, strict=True)],
                    "Group", difference=two, names=
                    {k: group_label(k) for b in briefs if b.table("group") is not None
                     for k in b.table("group").index},  # type: ignore[union-attr]
                    note="Groups overlap (a firm can be in several), so the rows do not add "
                         "up.")
    t.sources, t.id = note_all, f"tab{t.number}"
    tables.append(t)
    t = share_table(next(tab), "Wages, profits and depreciation, and taxes (median, 90 % "
                    "interval)",
                    [(h, b.table("factor")) for h, b in zip(spend_heads, briefs, strict=True)],
                    "Factor",
                    {"labour": "Wages (labour)", "capital": "Profits and depreciation (capital)",
                     "tax": "Taxes"}, difference=two)
    t.sources, t.id = note_all, f"tab{t.number}"
    tables.append(t)
    t = share_table(next(tab), "The largest recipients: firms and sectors (median, 90 % "
                    "interval)",
                    [(h, b.table("entity")) for h, b in zip(spend_heads, briefs, strict=True)],
                    "Firm or sector", entities, limit=8,
                    difference=two)
    t.sources, t.id = note_all, f"tab{t.number}"
    tables.append(t)
    sections.append({"id": "ends-up", "title": "Where the money ends up", "kind": "figures",
                     "figures": figures, "tables": tables})

    # 4. scorecard and conditions
    tables = []
    card_rows = scorecard_rows(briefs, category_names(ws), per_budget=bool(budget_note))
    notes = scorecard_notes(briefs)
    if unit_note:
        notes = (notes + ". " if notes else "") + unit_note.rstrip(". ")
    t = TableView(number=next(tab), caption="Scorecard (median, 90 % interval; share resting on "
                  "assumption or weak rows where computed"
                  + (f"; money in {briefs[0].money_unit}" if not several else "") + ")",
                  head=["Metric"] + (plan_heads(briefs) if several else ["Value"])
                  + ([difference_head()] if two else []),
                  rows=card_rows, note=(notes + ". " if notes else "")
                  + (budgets_differ_note(budgets, "beside each total; the TCO as a share of "
                                         "the budget in the summary") + " "
                     if budget_note else "") +
                  "“Not applicable”: the metric does not apply to the plan (for example no "
                  "conditions set, or no hardware bought). " + TERMS_NOTE
                  + own_figures_sentence(briefs, category_names(ws))
                  + (" " + DIFFERENCE_NOTE if two else ""))
    t.sources, t.id = note_all, f"tab{t.number}"
    tables.append(t)
    for brief in briefs:
        cond_rows = conditions_rows(brief, {**names, **entities})
        if not cond_rows:
            continue
        t = TableView(number=next(tab), caption=f"Conditions of {brief.plan.title}",
                      head=CONDITION_HEAD, rows=cond_rows, sources=trace_note(brief, book),
                      note=readable_note(str(brief.result.tables["conditions"].note or "")))
        t.id = f"tab{t.number}"
        tables.append(t)
    missing_lifecycle: list[str] = []
    for brief in briefs:
        frame = brief.table("lifecycle")
        cost = None if frame is None or frame.empty else lifecycle_table(
            next(tab), brief, book)
        if cost is None:
            missing_lifecycle.append(brief.plan.title)
            continue
        cost.sources = trace_note(brief, book)
        cost.id = f"tab{cost.number}"
        tables.append(cost)
    if not any(b.table("conditions") is not None for b in briefs):
        empty_note = "The plan sets no policy conditions of its own." if not several else \
            "None of the plans sets policy conditions of its own."
    else:
        empty_note = ""
    if missing_lifecycle:
        empty_note = " ".join(part for part in (empty_note, LIFECYCLE_MISSING.format(
            plans=", ".join(f"“{t}”" for t in missing_lifecycle))) if part)
    sections.append({"id": "scorecard", "title": "Scorecard, lifecycle cost and conditions",
                     "kind": "figures", "figures": [], "tables": tables,
                     "intro": empty_note})

    # 5. claims
    claim_note = SourceNote.build(book, [], [("Ledger and data sources of the claims",
                                             claim_sources)]) if claim_sources else None
    claim_notes = list(dict.fromkeys(c["note"] for c in claims if c.get("note")))
    facts = briefs[0].result.facts
    counted = draws_text(facts.get("draws"), noun="draw")
    checked_with = (f"this run's plan, draws and seed ({counted}, seed {facts.get('seed')}) "
                    "in place of the plan they name" if len(briefs) == 1 else
                    "each run's plan, draws and seed")
    sections.append({"id": "claims", "title": "Claims of the debate", "kind": "claims",
                     "claims": claims, "number": next(tab), "sources": claim_note,
                     "error": claims_error, "notes": claim_notes,
                     "checked_with": checked_with})

    # 6. what drives the answer
    figures = []
    errors = []
    for brief in briefs:
        if brief.tornado is None:
            if brief.tornado_error:
                errors.append(f"{brief.plan.id}: {brief.tornado_error}")
            continue
        frame = brief.tornado.table("tornado").head(8)
        _, what = tornado_output(brief, ws)
        base = float(brief.tornado.facts.get("base", math.nan))
        cats = category_names(ws)
        swings = [charts.Swing(parameter_label(str(k), entities, cats),
                               float(r["output_low"]), float(r["output_high"]))
                  for k, r in frame.iterrows()]
        n = next(fig)
        figures.append(FigureView(
            number=n, id=f"fig{n}",
            caption=f"What drives {what}: {brief.plan.title}",
            svg=charts.tornado_svg(swings, base, pct, label_id=f"fig{n}",
                                   title=f"What drives {what} in {brief.plan.title}",
                                   axis=what),
            note=f"Each assumption set to the low and the high end of its 90 % interval, all "
                 f"others at their central values (a tornado analysis, run "
                 f"{brief.tornado.run_id}; {lower_first(TERMS_NOTE).rstrip('.')}). The bars "
                 "start from the result with every "
                 f"parameter at its central value ({pct(base)}){median_text(brief, ws)}. "
                 "The longer the bars, the more the answer rests on that assumption; the "
                 "parameter names are in the run's JSON.",
            sources=trace_note(brief, book)))
    sections.append({"id": "drivers", "title": "What drives the answer", "kind": "figures",
                     "figures": figures, "tables": [],
                     "intro": "; ".join(errors)})
    mark_repeats(sections)
    return sections


def scorecard_notes(briefs: list[PlanBrief]) -> str:
    """The briefing's note under its scorecard: the export-rules dates of every plan's run
    in one sentence (report.units.export_rules_text, from each run's fact or a legacy
    note), then the runs' notes merged (merged_note), with no plan id inside a sentence
    (plans by their titles: plain_plan_note); no trailing full stop, '' for none."""
    read = [export_rules_on(str(b.result.tables["scorecard"].note or ""), b.result.facts)
            for b in briefs if "scorecard" in b.result.tables]
    titles = {str(b.result.facts.get("plan", b.plan.id)): b.plan.title for b in briefs}
    notes = " ".join(part for part in (
        export_rules_text([pair for dates, _ in read for pair in dates], titles),
        merged_note([rest for _, rest in read if rest])) if part).rstrip(". ")
    return plain_plan_note(notes, titles)


def merged_note(notes: list[str]) -> str:
    """The scorecard notes of several runs as one: each sentence once, in first-seen order
    ('' for no notes; no trailing full stop). The export-rules dates are not in them
    (report.units.export_rules_on takes them out, export_rules_text says them)."""
    sentences: list[str] = []
    for note in notes:
        for sentence in re.split(r"(?<=\.)\s+(?=[A-Z“])", note.strip()):
            if sentence and sentence not in sentences:
                sentences.append(sentence)
    return " ".join(sentences).rstrip(". ")


def spend_table(number: int, brief: PlanBrief, ws: Workspace, book: SourceBook) -> TableView:
    """The plan as specified: each category's share of the budget (central, low–high), its
    median amount, the source and reliability behind the share, and the plan's note."""
    plan = brief.plan
    names = category_names(ws)
    cats = brief.table("categories")
    rows = []
    for category, item in plan.spend.items():
        low = item.low if item.low is not None else item.central
        high = item.high if item.high is not None else item.central
        amount = cats.loc[category, "amount_p50"] if cats is not None and \
            category in cats.index else math.nan
        source = item.source or ""
        basis = OWN_FIGURE_LABEL if item.own else (f"[{book.number(source)}] " if source
                                                   else "") + \
            (item.reliability or (book.reliability(source) if source else "no source"))
        rows.append((names.get(category, humanise(category)),
                     [Cell(pct(item.central), interval(low, high)),
                      Cell(money(amount, plan.currency)),
                      Cell(basis, numeric=False),
                      Cell(note_words(item.note or "", book, {**names, **entity_names(ws)}),
                           numeric=False)]))
    firms = entity_names(ws)
    bought = procurement_rows(brief.stated, lambda c: names.get(c, humanise(c)),
                              lambda e: firms.get(e, e))
    # the plan's own supplier split (procurement) under its category's row
    order = list(plan.spend)
    placed = [(order.index(r["category"]) if r["category"] in order else len(order), k, r)
              for k, r in enumerate(bought)]
    for at, _, r in sorted(placed, key=lambda t: (t[0], t[1]), reverse=True):
        basis = (f"[{book.number(r['source'])}] " if r["source"] else "") + (
            OWN_FIGURE_LABEL if r["own"] else
            r["reliability"] or (book.reliability(r["source"]) if r["source"] else
                                 "no source"))
        spread = "" if r["low"] == r["central"] == r["high"] else interval(r["low"], r["high"])
        rows.insert(at + 1, (f"{r['category_label']}: from {r['supplier_label']}",
                             [Cell(f"{pct(r['central'])} of {r['category_label']}", spread),
                              Cell("–"), Cell(basis, numeric=False),
                              Cell("" if r["own"] else note_words(r["note"] or "", book,
                                                                  {**names, **firms}),
                                   numeric=False)]))
    budget = plan.budget
    note = (f"Budget {money(budget.amount, plan.currency)}"
            + prices_text(plan.year, plan.price_year)
            + (f" [{book.number(budget.source)}]" if budget.source else "")
            + (f": {note_words(budget.note, book, names)}" if budget.note else ".")
            + " Shares are of the budget (central value, 90 % interval); amounts are medians "
              "over the draws. Numbers in brackets refer to the Sources at the end. "
            + RELIABILITY_NOTE
            + (" " + OWN_FIGURES_WHY if any(i.own for i in plan.spend.values())
               or any(r["own"] for r in bought) else "")
            + (" Rows “from” a supplier are the plan's own supplier split (procurement): "
               "shares of that category's spending, in place of the buyer region's market "
               "shares." if bought else ""))
    table = TableView(number=number, caption=f"What the plan buys: {plan.title} "
                      f"(amounts in {brief.money_unit})",
                      head=["Category", "Share of the budget", "Amount (median)",
                            "Source, reliability of the figure", "Note"], rows=rows,
                      note=note, id=f"tab{number}", wide=True)
    table.intro = plan.description.strip()
    said = plan_text_notes(plan.title, plan.description, budget.amount, plan.currency,
                           currencies=known_currencies(ws, check=False))
    if said:
        table.intro = f"{said} {table.intro}".strip()
    return table


# Table 1's reliability is the row's (how the figure was obtained); the Sources list gives
# each source's (what kind of document it is): the two differ, e.g. an estimate resting on
# an analyst's report (docs/methods.md, "Sources and their labels").
RELIABILITY_NOTE = ("The reliability after a source's number is the figure's own: how this "
                    "share was obtained (estimate: worked out from the source, not read in it "
                    "as published; assumption: a choice made for the plan). The Sources list "
                    "gives each source's reliability, the kind of document it is (filing, "
                    "official, analyst, ...), so a figure labelled estimate can rest on an "
                    "analyst source.")


def note_words(text: str, book: SourceBook, names: dict[str, str]) -> str:
    """A plan's note for readers: a source id in it ('chip count: m_eubusiness_investai_2025')
    as the source's title in quotes with its number in the Sources list ('“InvestAI ...”
    [2]'), as web pages show a source by its title; a category or firm id by its name
    (`names`). Other words unchanged."""
    def named(found: re.Match[str]) -> str:
        key = found[0]
        title = book.rows.get(key, {}).get("title", "")
        if title:
            return f"“{title}” [{book.number(key)}]"
        return names.get(key, key)

    return NOTE_ID.sub(named, str(text))


def money_short(currency: str) -> Callable[[float], str]:
    """Amounts in a chart: 'EUR 7.5 bn' (two significant digits beyond the unit)."""
    def fmt(value: float) -> str:
        if not math.isfinite(value):
            return "–"
        for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
            if abs(value) >= size:
                scaled = value / size
                digits = 1 if abs(scaled) < 100 else 0
                return f"{currency} {scaled:,.{digits}f} {suffix}"
        return f"{currency} {value:,.0f}"
    return fmt


__all__ = ["Briefing", "PlanBrief", "SourceBook", "gather", "plan_of"]
