"""What the web app opens once per process and shares between requests (kept on `app.state`).

The ledger store is opened at start-up; the value-chain and analysis tables are read once; the
debate's claims are checked at the first request that needs them (a few seconds) and then kept.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

# NOTE_ID: one rule with the briefing (note_words)
from moneytrail.report.glossary import NOTE_ID

if TYPE_CHECKING:
    from moneytrail.data.valuechain import ValueChain
    from moneytrail.ledger.store import Ledger, LedgerState
    from moneytrail.service.workspace import Workspace


ABOUT_CHARS = 70
FILE_TITLE = re.compile(r"(?P<file>[\w.-]+\.(?:csv|xlsx?|ods|json|py|ipynb|r|pdf|zip|txt))"
                        r"(?P<rest>(?::\s|\s\().*)?", re.IGNORECASE)


def about(note: str) -> str:
    """The start of a modelling assumption's note, to tell assumptions titled alike apart:
    at most ABOUT_CHARS characters, cut at a word with '…'."""
    note = " ".join(note.split())
    if len(note) <= ABOUT_CHARS:
        return note.rstrip(".")
    return note[:ABOUT_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


# a publisher that is a copy of another's data: 'datasets/gdp (GitHub, copy of World Bank
# NY.GDP.MKTP.CD)' (holder, host, what it copies), as macro/sources.csv records them
COPY_OF = re.compile(r"(?P<holder>[^()]+?) \((?:(?P<host>[^,()]+), )?copy of (?P<what>[^()]+)\)")


def readable_title(title: str, publisher: str) -> str:
    """A source's title for readers: a title that is a file name ('cost_analysis_standalone.py',
    'World_Bank_Nominal_GDP_All_Countries_2024.xlsx', 'cpi_annual.json: CPI-U annual averages')
    becomes its publisher and the file's words ('Epoch AI (GitHub: ...): Cost analysis
    standalone'; the words after the file name when it has them); a bare file of a copy held
    elsewhere ('gdp.csv' by 'datasets/gdp (GitHub, copy of World Bank NY.GDP.MKTP.CD)')
    becomes the series it copies and whose copy it is ('World Bank NY.GDP.MKTP.CD (GitHub
    copy, datasets/gdp)'); other titles stay as they are. The file name stays on the source
    page (its link) and in the data."""
    found = FILE_TITLE.fullmatch(title.strip())
    if found is None:
        return title
    rest = found["rest"] or ""
    copy = COPY_OF.fullmatch(publisher.strip())
    if copy is not None and copy["host"] and not rest:
        # a bare data file of a copy: the series it copies, then whose copy it is (h107:
        # not 'datasets/gdp (GitHub, copy of ...): Gdp')
        return f"{copy['what']} ({copy['host']} copy, {copy['holder']})"
    if rest.startswith(":"):
        words = rest[1:].strip()
    else:
        stem = found["file"].rsplit(".", 1)[0].replace("_", " ").replace("-", " ")
        words = (stem[:1].upper() + stem[1:] + rest).strip()
    return f"{publisher}: {words}" if publisher else words


# the title every modelling assumption of the market data shares (valuechain/sources_markets.csv)
BARE_ASSUMPTION = "Modelling assumption"


def readable_info(info: dict[str, str]) -> dict[str, str]:
    """A source's `info` (WebState.source_info) with its title for readers (readable_title)
    and, when that differs, the title as recorded under `file`. A modelling assumption titled
    only 'Modelling assumption' takes the start of its note (`about`) into its title
    ('Modelling assumption: AMD does not disclose ...'), so a list of them tells them apart;
    its `about` is then empty (not said twice)."""
    if info.get("about") and info.get("title", "").strip() == BARE_ASSUMPTION:
        return {**info, "title": f"{BARE_ASSUMPTION}: {info['about']}", "about": ""}
    shown = readable_title(info.get("title", ""), info.get("publisher", ""))
    if shown == info.get("title", ""):
        return info
    return {**info, "title": shown, "file": info.get("title", "")}


@dataclass
class WebState:
    """Shared, read-mostly objects of one running web app."""

    ledger: Ledger
    data: Path | None = None
    workspace: Workspace | None = None       # set by create_app: models, value chain
    # the claims checked and their run (draws, seed, run id, ledger state): claims_checked
    _claims: tuple[pd.DataFrame, dict[str, Any]] | None = None
    _claims_lock: threading.Lock = field(default_factory=threading.Lock)
    _valuechain: ValueChain | None = None
    _analysis_sources: pd.DataFrame | None = None
    _source_titles: dict[str, dict[str, str]] | None = None
    _source_urls: dict[str, list[str]] | None = None
    _document_ids: dict[str, str] | None = None
    _flagged: dict[str, str] | None = None
    _country_names: dict[str, str] | None = None
    _ids: dict[str, str] | None = None
    _plan_citations: list[dict[str, Any]] | None = None
    _package_citations: dict[str, list[dict[str, Any]]] | None = None
    # how real plans' money is, per plan (its JSON and kind), ledger revision and whether
    # that is the ledger as a run was made (web.how_real.kept_how_real)
    how_real_kept: dict[tuple[str, str | None, int | None, str], dict[str, Any]] = field(
        default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, db: str | None = None, data: str | None = None) -> WebState:
        """Open (creating on first use) the ledger store at `db` (default: the user's store)."""
        from moneytrail.ledger import open as open_ledger

        return cls(ledger=open_ledger(db), data=Path(data) if data else None)

    def close(self) -> None:
        self.ledger.close()

    def with_ledger(self, ledger: Ledger) -> WebState:
        """This state reading `ledger` instead (the ledger at a past revision, Ledger.at):
        a shallow copy sharing the tables already read; its caches filled later stay its
        own."""
        import copy

        other = copy.copy(self)
        other.ledger = ledger
        other._claims = None            # the claims checked read the store's newest
        return other

    @property
    def data_version(self) -> str:
        """The data version as the pages print it (Workspace.data_label: "2.5.5, changed
        locally (hash ...)" for a package whose content is not the bundled one's)."""
        if self.workspace is not None:
            return self.workspace.data_label
        from moneytrail.data.package import data_label

        return data_label(self.valuechain.package)

    @property
    def valuechain(self) -> ValueChain:
        """The value-chain tables of the data package (read once)."""
        if self._valuechain is None:
            from moneytrail.data.valuechain import load_valuechain

            with self._lock:
                if self._valuechain is None:
                    self._valuechain = load_valuechain(str(self.data) if self.data else None)
        return self._valuechain

    @property
    def country_names(self) -> dict[str, str]:
        """Country (region) code -> name as the app shows places, built once per app: the
        value chain's names (ValueChain.country_names, e.g. 'US' -> 'United States'; none
        when the package has no countries table) over 'EU' -> 'European Union' and 'ROW' ->
        'Rest of the world'. Codes missing here go through report.units.country_name."""
        if self._country_names is None:
            from moneytrail.errors import MoneytrailError

            try:
                names = self.valuechain.country_names()
            except (MoneytrailError, OSError):      # a package without a countries table
                names = {}
            self._country_names = {"EU": "European Union", "ROW": "Rest of the world",
                                   **names}
        return self._country_names

    @property
    def analysis_sources(self) -> pd.DataFrame:
        """Sources of the analysis tables (hardware, efficiency, claims parameters)."""
        if self._analysis_sources is None:
            from moneytrail.data.package import open_package

            package = open_package(self.data)
            frame = package.table("analysis-sources") if package.has("analysis-sources") \
                else pd.DataFrame(columns=["id"])
            self._analysis_sources = frame
        return self._analysis_sources

    @property
    def reference_plan_citations(self) -> list[dict[str, Any]]:
        """Every sourced figure of the bundled reference plans (service.plans.plan_citations,
        in plan order), read once per app: a source page lists those citing its source."""
        if self._plan_citations is None:
            from moneytrail.service.plans import reference_plan_citations

            self._plan_citations = reference_plan_citations()
        return self._plan_citations

    @property
    def package_citations(self) -> dict[str, list[dict[str, Any]]]:
        """Source id -> the data package's rows citing it (data.sourcing.citing_rows: every
        table with a source column, analysis and lifecycle tables included), built once per
        app; the tables the ledger store keeps (deals, claims, macro series, which may be
        edited there) are left out: a source page reads those from the store."""
        if self._package_citations is None:
            from moneytrail.data.sourcing import citing_rows
            from moneytrail.ledger.records import KINDS

            stored = {kind.resource for kind in KINDS.values()}
            found: dict[str, list[dict[str, Any]]] = {}
            for entry in citing_rows(self.valuechain.package, skip=stored):
                for source in dict.fromkeys(entry["sources"]):
                    found.setdefault(source, []).append(entry)
            self._package_citations = found
        return self._package_citations

    def source_info(self, source: str) -> dict[str, str] | None:
        """A source's title, publisher and publication date for readers (`title`, `publisher`,
        `published`, and `lang`: the title's BCP 47 language when not English, else ''; None
        for an unknown id). Ledger and macro sources are read from the
        ledger store (they may be edited there, one query each); value-chain and analysis
        sources from the data package's tables (read once)."""
        package = self.package_sources()
        found = package.get(source)
        if found is not None and found["_table"] not in ("ledger-sources", "macro-sources"):
            return readable_info(found)
        from sqlalchemy import select

        from moneytrail.ledger.models import Source

        with self.ledger.engine.connect() as conn:
            row = conn.execute(select(Source.title, Source.publisher, Source.published,
                                      Source.title_lang, Source.url, Source.reliability)
                               .where(Source.id == source)).first()
        if row is not None:
            return readable_info({"title": row[0] or "", "publisher": row[1] or "",
                                  "published": row[2] or "",
                                  "lang": self.title_lang(source, row[0], row[3]),
                                  "url": row[4] or "", "reliability": row[5] or ""})
        return readable_info(found) if found is not None else None

    def title_lang(self, source: str, title: object, stored: object) -> str:
        """The language of a stored source title: the store's `title_lang`, else the data
        package's for the same id and the same title (a store not yet re-imported since data
        2.4.4 has the column empty); '' for English."""
        if stored:
            return str(stored)
        found = self.package_sources().get(source)
        return found["lang"] if found and found["title"] == str(title or "") else ""

    def package_sources(self) -> dict[str, dict[str, str]]:
        """Source id -> title, publisher, published, url, reliability, `lang`, `about` (a
        moneytrail source's note, shortened) and `_table` over every sources table of the data
        package (read once)."""
        if self._source_titles is None:
            from moneytrail.data.package import open_package

            package = open_package(self.data)
            found: dict[str, dict[str, str]] = {}
            for name in package.resource_names():
                if name.endswith("sources") or "-sources-" in name:
                    for record in package.table(name).fillna("").to_dict("records"):
                        found[str(record["id"])] = {
                            **{k: str(record.get(k, "")) for k in ("title", "publisher",
                                                                   "published", "url",
                                                                   "reliability")},
                            "lang": str(record.get("title_lang", "")),
                            "about": about(str(record.get("note", "")))
                            if str(record.get("publisher", "")) == "moneytrail" else "",
                            "_table": name}
            self._source_titles = found
        return self._source_titles

    def source_link(self, url: object) -> dict[str, str]:
        """How pages show a source's URL (data.sourcing.shown_link over the data package's
        flagged domains, read once): `linked` ('yes' or '': an address on a junk domain is
        text, never a link), `kind`, `domain` and `label` (what the address is, for readers;
        '' when its domain is not listed). Ledger-store sources get the same rule."""
        from moneytrail.data.sourcing import flagged_domains, shown_link

        if self._flagged is None:
            self._flagged = flagged_domains(self.valuechain.package)
        return shown_link(url, self._flagged)

    def same_document(self, source: str, url: str) -> list[str]:
        """The other source ids of the data package whose URL is `url` (compared as
        data.sourcing.url_key: without scheme, 'www.' or a trailing slash), in order of id: one
        document recorded once per sub-package that cites it ('m_ec_investai_2025' for
        'l_investai_ec_dsj'). The index of URLs is built once per app from the package's
        sources tables; `url` is the source's as shown (the ledger store's for its sources)."""
        from moneytrail.data.sourcing import url_key

        return [k for k in self.url_index()[0].get(url_key(url), []) if k != source]

    def url_index(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        """The data package's source ids by URL key (in order of id) and each id's document id
        (`document_id`'s rule), built once per app from the package's sources tables."""
        from moneytrail.data.sourcing import url_key

        if self._source_urls is None or self._document_ids is None:
            index: dict[str, list[str]] = {}
            for key, found in self.package_sources().items():
                if url_key(found["url"]):
                    index.setdefault(url_key(found["url"]), []).append(key)
            by_url = {k: sorted(ids) for k, ids in index.items()}
            documents = {}
            for ids in by_url.values():
                first = min(ids, key=lambda i: (not i.startswith("l_"), i))
                documents.update(dict.fromkeys(ids, first))
            self._source_urls, self._document_ids = by_url, documents
        return self._source_urls, self._document_ids

    def source_url(self, source: str) -> str:
        """A source's URL ('' for none): the data package's, else the ledger store's."""
        found = self.package_sources().get(source)
        if found is None:             # a source of the ledger store only
            found = self.source_info(source) or {}
        return str(found.get("url") or "")

    def document_id(self, source: str) -> str:
        """The one id every link of a page gives the document `source` records: the ledger's
        id when it has one (the id its deals' claims cite, as the deal pages and How real link
        it), else the first in order of id of those recording it (same_document), so no page
        links one title to two pages. A source without a URL is its own."""
        known = self.url_index()[1].get(source)
        if known is not None or source in self.package_sources():
            return known or source             # a package id: looked up, no query
        url = self.source_url(source)          # a source of the ledger store only
        ids = [source, *self.same_document(source, url)] if url else [source]
        return min(ids, key=lambda i: (not i.startswith("l_"), i))

    def one_per_document(self, ids: list[str]) -> list[str]:
        """Source ids with each document once (data.sourcing.one_per_document), each by its
        `document_id`: a claim citing the same page under a ledger and an analysis id lists it
        once, and two lists on one page give a document the same id."""
        from moneytrail.data.sourcing import one_per_document

        return one_per_document([self.document_id(s) for s in ids], self.source_url)

    def source_groups(self, ids: list[str]) -> dict[str, list[str]]:
        """A run's sources as its page lists them: each document once (one_per_document), the
        `documents` first, then the `assumptions` (reliability 'assumption': a choice made
        where no source gives the figure, explained in its note), each in their order."""
        groups: dict[str, list[str]] = {"documents": [], "assumptions": []}
        for source in self.one_per_document([s for s in ids if s]):
            found = self.package_sources().get(source)
            if found is None or found["_table"] in ("ledger-sources", "macro-sources"):
                found = self.source_info(source) or found or {}
            kind = "assumptions" if found.get("reliability") == "assumption" else "documents"
            groups[kind].append(source)
        return groups

    def note_parts(self, text: str, as_written: bool = False) -> list[dict[str, str]]:
        """A data note (a deal's, a claim's, a source's) split into parts for the page: plain
        `text`, or an id the app knows shown by its name: a source as its title with `href`
        to its page (its `document_id`'s, or the id as written when `as_written`: a source's
        own note naming its siblings of the same document), a spending category by its name
        ('cloud_compute' -> 'Cloud compute'), a firm or sector by its name. Unknown words stay
        as they are."""
        from moneytrail.report.methods import CITED, METHODS_TITLE, methods_link

        text = str(text or "")
        parts: list[dict[str, str]] = []
        last = 0
        for found in NOTE_ID.finditer(text):
            key = found[0]
            named = self.named_id(key, as_written)
            if named is None:
                continue
            parts.append({"text": text[last:found.start()]})
            parts.append(named)
            last = found.end()
        parts.append({"text": text[last:]})
        out: list[dict[str, str]] = []
        for part in parts:                 # "docs/methods.md, 'Market power'": a link
            rest = part.get("text", "")
            if part.get("label") or "docs/methods.md" not in rest:
                out.append(part)
                continue
            start = 0
            for cited in CITED.finditer(rest):
                out.append({"text": rest[start:cited.start()]})
                label = "methods" + (f": {cited[1]}" if cited[1] else "")
                out.append({"label": label, "href": methods_link(cited[1]),
                            "tip": METHODS_TITLE})
                start = cited.end()
            out.append({"text": rest[start:]})
        return [p for p in out if p.get("text") or p.get("label")]

    def named_id(self, key: str, as_written: bool = False) -> dict[str, str] | None:
        """An id of a data note by its name: {'label', 'href'} (None for a word the app does
        not know as an id); a source under its `document_id` unless `as_written`."""
        if key in self.package_sources() or key.startswith(("l_", "m_", "c_", "a_")):
            if not as_written:
                key = self.document_id(key)
            info = self.source_info(key)
            if info and info.get("title"):
                label = info["title"]
                if info.get("about"):
                    label += ": " + info["about"]
                return {"label": label, "href": f"/sources/{key}", "tip": f"source id: {key}",
                        "lang": info.get("lang", "")}
        names = self.chain_names
        if key in names:
            return {"label": names[key], "href": "", "tip": f"id: {key}"}
        return None

    @property
    def chain_names(self) -> dict[str, str]:
        """Display names of the value chain's categories and firms by id ('storage' ->
        'Storage', 'dell' -> 'Dell Technologies'), built once per app."""
        if self._ids is None:
            chain = self.valuechain
            ids = {str(k): str(v) for k, v in zip(chain.categories["id"],
                                                 chain.categories["name"], strict=True)}
            ids.update({str(k): str(v) for k, v in chain.entity_names().items()})
            self._ids = ids
        return self._ids

    def claims(self) -> pd.DataFrame:
        """The debate's claims checked against the data and this store's ledger
        (`claims_checked`)."""
        return self.claims_checked()[0]

    def claims_run(self) -> dict[str, Any]:
        """The draws, seed, run id ('' when not stored) and `ledger` state of the claims
        `claims` gives (`claims_checked`)."""
        return self.claims_checked()[1]

    def claims_checked(self) -> tuple[pd.DataFrame, dict[str, Any]]:
        """The debate's claims checked against the data and this store's ledger, and their
        run: {"draws", "seed", "run_id", "ledger", "ledger_package"}, `ledger` being the
        ledger state the checks read (ledger.store.LedgerState), so a page cites the revision
        its verdicts come from, and `ledger_package` the data package's version when the
        store holds that package's ledger unchanged, so the run is the package's (None
        otherwise). Checked once per ledger revision: after an edit, the next reader's call
        checks them again (a few seconds; readers meanwhile wait for that one check). The
        service's claims run (stored by run id, as `moneytrail claims check` stores it) when
        the workspace reads this store."""
        kept = self._claims
        if kept is None or kept[1]["ledger"].revision != self.ledger.state().revision:
            with self._claims_lock:
                now = self.ledger.state()
                kept = self._claims
                if kept is None or kept[1]["ledger"].revision != now.revision:
                    kept = self._claims = self.check_claims(now)
        return kept

    def check_claims(self, now: LedgerState) -> tuple[pd.DataFrame, dict[str, Any]]:
        """The claims checked against this store's ledger, whose newest state is `now`."""
        import datetime as dt
        from functools import partial

        from moneytrail.analysis.claims import DRAWS, SEED, check_claims, ledger_tables
        from moneytrail.ledger.store import LedgerState
        from moneytrail.service import tasks
        from moneytrail.service.workspace import Workspace

        ws = self.workspace or Workspace.open(self.data)
        if ws.db is not None or self.ledger.engine.url.get_backend_name() \
                .startswith("sqlite"):
            # this store's ledger (the workspace's own, or this SQLite file), checked as
            # `moneytrail claims check` does: a stored run, by id
            url = None if ws.db is not None else \
                self.ledger.engine.url.render_as_string(hide_password=False)
            result = tasks.check_claims(ws, draws=DRAWS, seed=SEED, ledger_db=url)
            # the ledger state the checks read, as the run keeps it
            revision = int(result.facts.get("ledger_revision", now.revision))
            time = result.facts.get("ledger_time") or None
            read = LedgerState(revision, dt.datetime.fromisoformat(time) if time else
                               now.time if revision == now.revision else None)
            # the data package's version when the run read the package's ledger (this
            # store holds it unchanged: the same run as the demo's), else None
            package = result.facts.get("ledger_package") or None
            return result.tables["claims"].frame(), {"draws": DRAWS, "seed": SEED,
                                                     "run_id": result.run_id, "ledger": read,
                                                     "ledger_package": package}
        # plans traced through this workspace (no workspace opened per plan)
        frame = check_claims(data=ws.analysis, chain=ws.valuechain,
                             ledger=ledger_tables(self.ledger), model=ws.model,
                             tracer=partial(tasks.trace, ws=ws))
        return frame, {"draws": DRAWS, "seed": SEED, "run_id": "", "ledger": now,
                       "ledger_package": None}
