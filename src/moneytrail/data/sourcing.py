"""Sources that are what their label says.

Two rules over every sources table of a data package (value chain, ledger, macro, analysis):

- a source labelled `filing` or `official` names its primary document in `primary_ref` (issuer
  or agency, document, period, page or table), so anyone can check the figure at the source even
  when the URL is a reprint;
- a `filing` or `official` source is not read from a `junk` domain, nor from a `code_host`
  (code-hosting or extraction hosts such as github.com, raw.githubusercontent.com or
  huggingface.co, where a figure is a machine extraction or copy, not the issuer's document).
  Mirror, aggregator, junk and code-host domains are listed in the package itself
  (`valuechain/flagged_domains.csv`); mirror and aggregator URLs are allowed (the URL is where
  the figure was read) and counted. An `issuer_account` entry (`host/account`, e.g.
  `huggingface.co/deepseek-ai`) marks an issuer's own account on a code host: its pages are the
  issuer's publications and are not flagged.

A source's optional `title_lang` (data 2.4.4) is the language of a title not in English, as a
BCP 47 tag (`fr`, `de`, `pt-BR`): the web app and briefings mark such titles with `lang` so
screen readers speak them in their language (WCAG 3.1.2). Empty means English.

A third rule (data 2.4.0) spans the tables: one URL has one reliability. The same page cited by
two tables (say a consultancy's summary as `analyst` in the ledger and `official` in the value
chain) must carry the same label in both; URLs are compared without scheme, `www.`, case of
the host and a trailing slash.

A fourth rule (data 2.6.0) ties a row to its sources: a row (market share, cost share,
parameter, electricity price, ...) claims no higher reliability than the best of the sources it
cites (LABEL_ORDER; `label_above_sources_problems`). Data 2.5.0 held only rows ALL of whose
sources are `weak` or `assumption` to it (now the part of the rule for those rows, worded
WEAK_SOURCED); the EU electricity price said `official` on two `estimate` sources. A
row citing a real source beside an assumption is labelled by its author from all its sources
(its note says what was assumed), at most as high as the real source.

A source read on a `junk` domain names its primary document in `primary_ref` (data 2.6.1,
`unvetted_copy_problems`): the web pages and briefings never show such an address as a link
(`shown_link`), but as text, "copy on an unvetted site", beside the primary document.

A fifth rule (data 2.5.x) is about one document recorded under several ids. Each sub-package
(ledger, value chain, macro, analysis) keeps its own sources table, so one page cited by two of
them has two rows, say `l_investai_ec_dsj` and `m_ec_investai_2025`. That is allowed and
`moneytrail validate` counts such groups in one note and `validate --summary` names each
(`shared_url_notes`; the web app's
source pages link the ids of one document to each other). The rows must agree on what the
document is: one reliability (the third rule) and, since data 2.6.0, one title, one publisher
and one publication date, written the same way (`metadata_conflicts`; `2025` and `2025-10` are
two dates: write the one that is right in both rows). The accessed date may differ: it is when
each row's author read the page.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from moneytrail.data.checks import Problem
from moneytrail.data.package import DataPackage

PRIMARY_REQUIRED = ("filing", "official")
FLAG_KINDS = ("mirror", "aggregator", "junk", "code_host")
# kinds a filing/official source must not be read from, with the advice validate gives
BLOCKING_KINDS = {
    "junk": ("a source labelled {reliability} read from a junk domain (listed in "
             "valuechain/flagged_domains.csv): use a proper copy of the document or lower the "
             "reliability"),
    "code_host": ("a source labelled {reliability} read on a code-hosting or extraction host "
                  "(listed in valuechain/flagged_domains.csv): a repository copy or machine "
                  "extraction is "
                  "not the issuer's document; read the figure at the issuer or label it "
                  "estimate or weak with a note"),
}
# listed kinds whose URLs pages never show as links (shown_link), and what a reader is told
# each listed kind of address is
NOT_LINKED = ("junk",)
COPY_LABELS = {
    "junk": "copy on an unvetted site",
    "mirror": "reprint on another site",
    "aggregator": "aggregator's copy or summary",
    "code_host": "repository copy or machine extraction",
}
NO_PRIMARY_FOR_COPY = ("source '{id}' is read on {domain}, a junk domain (listed in "
                       "valuechain/flagged_domains.csv): pages show its address as text, not "
                       "a link, with the primary document; name that document in primary_ref "
                       "(publisher or issuer, title, date), or say it is not identified and "
                       "what was searched")
ISSUER_ACCOUNT = "issuer_account"
FLAGGED_RESOURCE = "valuechain-flagged-domains"
SOURCES_SCHEMA = "schemas/sources.json"
SOURCE_COLUMNS = ("sources", "source")          # the column a data row cites its sources in
NO_PRIMARY_REF = ("a {reliability} source needs primary_ref: the primary document behind it "
                  "(issuer or agency, document, period, page or table)")
# a BCP 47 tag as written in the data: language (2-3 lower-case letters), then optionally a
# script (Latn) and a region (BR, 419)
TITLE_LANG = re.compile(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?")
BAD_TITLE_LANG = ("title_lang is the language of the title as a BCP 47 tag such as fr, de or "
                  "pt-BR (language in lower case, region in capitals); leave it empty for "
                  "English")


def title_lang_problem(value: object) -> str | None:
    """Why a source's title language is not a BCP 47 tag, or None (empty is fine: English;
    shared with ledger writes)."""
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    if text and not TITLE_LANG.fullmatch(text):
        return BAD_TITLE_LANG
    return None


def primary_ref_problem(reliability: object, primary_ref: object) -> str | None:
    """Why a source's primary reference is missing, or None (shared with ledger writes)."""
    if str(reliability) in PRIMARY_REQUIRED and not str(primary_ref or "").strip():
        return NO_PRIMARY_REF.format(reliability=reliability)
    return None


def source_resources(package: DataPackage) -> list[str]:
    """Names of the package's sources tables (every resource using the sources schema)."""
    return [r["name"] for r in package.descriptor.get("resources", [])
            if r.get("schema") == SOURCES_SCHEMA]


def citing_resources(package: DataPackage) -> list[tuple[str, str]]:
    """(resource name, source column) for every table whose rows cite sources: each resource
    of the descriptor, sources tables aside, with a `sources` or `source` column in its
    schema (in its header when it has no schema), in the descriptor's order. A table added to
    the package is found here without any list in the code to extend."""
    skip = set(source_resources(package))
    out = []
    for resource in package.descriptor.get("resources", []):
        name = str(resource.get("name", ""))
        if not name or name in skip:
            continue
        fields = [str(f.get("name")) for f in package.schema(name).get("fields", [])]
        if not fields:
            fields = list(package.table(name).columns)
        column = next((c for c in SOURCE_COLUMNS if c in fields), None)
        if column is not None:
            out.append((name, column))
    return out


def cited_ids(cell: object) -> list[str]:
    """The source ids of a `sources` cell ('a;b' -> ['a', 'b']), in order, blanks left out."""
    text = "" if cell is None or (isinstance(cell, float) and cell != cell) else str(cell)
    return [s.strip() for s in text.split(";") if s.strip()]


def citing_rows(package: DataPackage, skip: Iterable[str] = ()) -> list[dict[str, Any]]:
    """One entry per row that cites a source, over every table of `citing_resources` but those
    named in `skip`: `resource`, `file` (relative to the package root), `line`, `key` (the
    row's primary key joined by '/', 'line N' in a table without one), `key_columns`, `row`
    (its cells as text), `sources` (the ids it cites, in order) and `titles` (column -> its
    schema title, `DataPackage.field_titles`; one dict shared by the rows of a table)."""
    left_out = set(skip)
    out: list[dict[str, Any]] = []
    for name, column in citing_resources(package):
        if name in left_out:
            continue
        frame = package.table(name)
        if column not in frame.columns:
            continue
        key_columns = [c for c in package.primary_key(name) if c in frame.columns]
        file = str(package.resource(name).get("path", name))
        titles = package.field_titles(name)
        for index, record in zip(frame.index, frame.to_dict("records"), strict=True):
            cited = cited_ids(record[column])
            if not cited:
                continue
            line = int(index) + 2
            key = ("/".join(str(record[c]) for c in key_columns) if key_columns
                   else f"line {line}")
            out.append({"resource": name, "file": file, "line": line, "key": key,
                        "key_columns": key_columns, "row": record, "sources": cited,
                        "titles": titles})
    return out


def all_sources(package: DataPackage) -> pd.DataFrame:
    """Every source row of the package with `resource`, `_file` and `_line`; a table written
    before data 2.0.0 has an empty `primary_ref`."""
    frames = []
    for name in source_resources(package):
        frame = package.table(name)
        if "primary_ref" not in frame.columns:
            frame = frame.assign(primary_ref="")
        if "title_lang" not in frame.columns:        # a table written before data 2.4.4
            frame = frame.assign(title_lang="")
        frames.append(frame.assign(resource=name, _file=frame.attrs["path"],
                                   _line=[int(i) + 2 for i in frame.index]))
    if not frames:
        return pd.DataFrame(columns=["id", "url", "reliability", "primary_ref", "title_lang",
                                     "resource", "_file", "_line"])
    return pd.concat(frames, ignore_index=True)


def flagged_domains(package: DataPackage) -> dict[str, str]:
    """Domain (or `host/account` for an issuer's account) -> kind (mirror | aggregator | junk |
    code_host | issuer_account) from the package's list; empty without one."""
    if not package.has(FLAGGED_RESOURCE):
        return {}
    table = package.table(FLAGGED_RESOURCE)
    return dict(zip(table["domain"].str.lower(), table["kind"], strict=True))


def host_of(url: str) -> str:
    """Host of a URL, lower case, without a leading 'www.'; '' if there is none."""
    host = (urlparse(str(url)).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def flag_of(url: str, flagged: dict[str, str]) -> tuple[str, str] | None:
    """(listed domain, kind) when the URL's host is a listed domain or one of its subdomains;
    the most specific listed domain wins. None when nothing is listed, or when the URL is
    under an `issuer_account` entry (`host/account`: the issuer's own pages on a code host)."""
    host = host_of(url)
    account = urlparse(str(url)).path.strip("/").partition("/")[0].lower()
    if host and account and flagged.get(f"{host}/{account}") == ISSUER_ACCOUNT:
        return None
    while host:
        if flagged.get(host, ISSUER_ACCOUNT) != ISSUER_ACCOUNT:
            return host, flagged[host]
        host = host.partition(".")[2]
    return None


def shown_link(url: object, flagged: dict[str, str]) -> dict[str, str]:
    """How the web pages and briefings show a source's URL (data 2.6.1): `linked` ('yes' or
    ''), `kind` and `domain` of the listed domain it is on ('' when not listed) and `label`,
    for readers saying what the address is ('' when not listed). A URL on a `junk`
    domain (NOT_LINKED: scrapers, spam hosts, mirror hosts of paywalled pages) is never a
    link: pages print it as text, 'copy on an unvetted site', beside the primary document
    (`primary_ref`). A mirror, aggregator or code host stays a link, labelled as the copy it is.
    Whether the address is a safe http(s) link is still the page's own check."""
    text = "" if url is None or (isinstance(url, float) and url != url) else str(url).strip()
    found = flag_of(text, flagged) if text else None
    if found is None:
        return {"linked": "yes" if text else "", "kind": "", "domain": "", "label": ""}
    domain, kind = found
    return {"linked": "" if kind in NOT_LINKED else "yes", "kind": kind, "domain": domain,
            "label": COPY_LABELS.get(kind, "")}


def unvetted_copy_problems(package: DataPackage) -> list[Problem]:
    """One problem per source, in any sources table, read on a `junk` domain (NOT_LINKED)
    without a `primary_ref`: its page shows the address as text and names the primary document
    instead, so the row must name it (or say it is not identified and what was searched)."""
    problems = []
    for _, row in source_flags(package).iterrows():
        if row["flag"] in NOT_LINKED and not row["has_primary_ref"]:
            problems.append(Problem(row["_file"], int(row["_line"]), "primary_ref", "",
                                    NO_PRIMARY_FOR_COPY.format(id=row["id"],
                                                               domain=row["domain"])))
    return problems


def source_flags(package: DataPackage) -> pd.DataFrame:
    """One row per source: id, resource, reliability, flagged domain and its kind ('' if not
    listed), and whether it has a primary reference."""
    sources, flagged = all_sources(package), flagged_domains(package)
    flags = [flag_of(url, flagged) or ("", "") for url in sources["url"]]
    return pd.DataFrame({
        "id": sources["id"], "resource": sources["resource"],
        "reliability": sources["reliability"],
        "domain": [f[0] for f in flags], "flag": [f[1] for f in flags],
        "has_primary_ref": sources["primary_ref"].str.strip() != "",
        "_file": sources["_file"], "_line": sources["_line"]})


def sourcing_counts(package: DataPackage) -> pd.DataFrame:
    """Counts of sources by reliability: all, on each kind of flagged domain, with and
    without a primary reference (what `validate --summary` prints)."""
    flags = source_flags(package)
    rows = []
    for reliability, group in flags.groupby("reliability", sort=False):
        row = {"reliability": reliability, "sources": len(group)}
        for kind in FLAG_KINDS:
            row[kind] = int((group["flag"] == kind).sum())
        row["primary_ref"] = int(group["has_primary_ref"].sum())
        rows.append(row)
    order = {r: i for i, r in enumerate(("filing", "official", "analyst", "estimate", "weak",
                                         "assumption"))}
    frame = pd.DataFrame(rows, columns=["reliability", "sources", *FLAG_KINDS, "primary_ref"])
    return frame.sort_values("reliability", key=lambda s: s.map(order).fillna(99),
                             ignore_index=True)


def url_key(url: str) -> str:
    """A URL as compared for the one-reliability rule: host (lower case, no 'www.'), path
    without a trailing slash, and query; '' for an empty URL."""
    text = str(url or "").strip()
    if not text:
        return ""
    parsed = urlparse(text)
    query = f"?{parsed.query}" if parsed.query else ""
    return f"{host_of(text)}{parsed.path.rstrip('/')}{query}"


def one_per_document(ids: Iterable[str], url_of: Callable[[str], str]) -> list[str]:
    """Source ids with each document once: the first id of every URL (compared as url_key;
    `url_of` gives an id's URL, '' when it has none), in their order. One document recorded
    under two ids (a ledger and an analysis copy of the same announcement) is listed once; ids
    without a URL (a modelling assumption) each stay, repeated ids go."""
    seen: set[str] = set()
    out: list[str] = []
    for sid in ids:
        key = url_key(url_of(sid)) or f"id:{sid}"
        if key not in seen:
            seen.add(key)
            out.append(sid)
    return out


def reliability_conflicts(package: DataPackage) -> list[Problem]:
    """One problem per source row whose URL another source (in any sources table) gives a
    different reliability; the message names the other ids and their labels."""
    sources = all_sources(package)
    keys = [url_key(url) for url in sources["url"]]
    labels: dict[str, dict[str, list[str]]] = {}
    for key, source_id, reliability in zip(keys, sources["id"], sources["reliability"],
                                           strict=True):
        if key:
            labels.setdefault(key, {}).setdefault(str(reliability), []).append(str(source_id))
    problems = []
    for (_, row), key in zip(sources.iterrows(), keys, strict=True):
        if len(labels.get(key, {})) < 2:
            continue
        others = "; ".join(f"{', '.join(ids)} = {label}"
                           for label, ids in sorted(labels[key].items())
                           if label != row["reliability"])
        problems.append(Problem(
            row["_file"], int(row["_line"]), "reliability", row["reliability"],
            f"source '{row['id']}': the same URL has another reliability elsewhere ({others}); "
            "one page has one reliability in every sources table"))
    return problems


def shared_url_groups(package: DataPackage) -> list[pd.DataFrame]:
    """The source rows (of every sources table, as `all_sources`) whose URLs are one document
    (`url_key`), one frame of two or more rows per URL, in order of URL, rows in order of id;
    rows without a URL are left out."""
    sources = all_sources(package)
    keys = sources["url"].map(url_key)
    sources = sources.assign(url_key=keys)[keys != ""]
    return [group.sort_values("id") for _, group in sources.groupby("url_key", sort=True)
            if len(group) > 1]


def where_of(row: pd.Series, root: object) -> str:
    """A source row's place for messages: 'ledger/sources.csv:28' (relative to the package
    root when it is inside it)."""
    path = Path(str(row["_file"]))
    with contextlib.suppress(ValueError):          # a file outside the root: its full path
        path = path.resolve().relative_to(Path(str(root)).resolve())
    return f"{path.as_posix()}:{int(row['_line'])}"


# what ids of one URL must agree on (the reliability has its own rule above); not `accessed`
SAME_DOCUMENT_FIELDS = ("title", "publisher", "published")


def metadata_conflicts(package: DataPackage) -> list[Problem]:
    """One problem per URL (`url_key`) and field where the source ids of that URL give the
    document different titles, publishers or publication dates (compared as written, spaces
    collapsed: `2025` and `2025-10` differ). The problem sits at the first id's row; its message
    names every id with its place and value. Accessed dates are not compared: they say when
    each row's author read the page, and two readings may fall on two days."""
    problems = []
    for group in shared_url_groups(package):
        for field in SAME_DOCUMENT_FIELDS:
            values = [" ".join(str(value).split()) for value in group[field]]
            if len(set(values)) < 2:
                continue
            listed = "; ".join(f"{row['id']} ({where_of(row, package.root)}) = {value or '(empty)'}"
                               for (_, row), value in zip(group.iterrows(), values, strict=True))
            first = group.iloc[0]
            problems.append(Problem(
                str(first["_file"]), int(first["_line"]), field, first[field],
                f"source ids {', '.join(group['id'])} share one URL but give different "
                f"{field} values ({listed}); one document has one title, publisher and "
                "publication date in every sources table (accessed dates may differ)"))
    return problems


def shared_url_notes(package: DataPackage) -> list[Problem]:
    """Warnings, one per URL recorded under two or more source ids: the ids with their files
    and lines (one document, one row per sub-package that cites it; allowed, but a reader of
    one id's rows misses the other's)."""
    notes = []
    for group in shared_url_groups(package):
        first = group.iloc[0]
        ids = ", ".join(f"{row['id']} ({where_of(row, package.root)})"
                        for _, row in group.iterrows())
        message = (f"one document under {len(group)} source ids: {ids}; allowed (each "
                   "sources table keeps its own rows), the web app's source pages link them "
                   "to each other")
        notes.append(Problem(str(first["_file"]), int(first["_line"]), "url",
                             str(first["url"]), message))
    return notes


# reliability labels, strongest first (as engine.evidence.LABELS)
LABEL_ORDER = ("filing", "official", "analyst", "estimate", "weak", "assumption")
WEAK_LABELS = ("weak", "assumption")
WEAK_SOURCED = ("cites only sources labelled weak or assumption ({ids}): a row is labelled no "
                "better than the best of them, {best}, not {label} (cite the source the values "
                "were read in, or lower the label)")


ABOVE_SOURCES = ("labelled {label} while the best of the sources it cites ({cited}) is "
                 "{best}: a row claims no higher reliability than the best of them (cite the "
                 "source the values were read in, or lower the label to {best})")


def label_above_sources_problems(package: DataPackage) -> list[Problem]:
    """One problem per data row (any table with a source column and `reliability`, sources
    tables aside) labelled better than the best of the sources it cites (LABEL_ORDER; data
    2.6.0): the EU electricity price said `official` while its sources, machine copies of the
    Eurostat table, are `estimate`. The message names the row's label and each source's.
    Rows whose sources are all `weak` or `assumption` keep the wording of data 2.5.0
    (WEAK_SOURCED). Rows citing no source, or a label outside LABEL_ORDER, are left alone;
    unknown source ids are another check's (check_sourced)."""
    sources = all_sources(package)
    label_of = dict(zip(sources["id"].astype(str), sources["reliability"].astype(str),
                        strict=True))
    rank = {label: k for k, label in enumerate(LABEL_ORDER)}
    problems = []
    for name, column in citing_resources(package):
        frame = package.table(name)
        if not {column, "reliability"} <= set(frame.columns):
            continue
        for index, cell, label in zip(frame.index, frame[column], frame["reliability"],
                                      strict=True):
            cited = [s for s in cited_ids(cell) if label_of.get(s) in rank]
            if not cited or str(label) not in rank:
                continue
            labels = [label_of[s] for s in cited]
            best = min(labels, key=rank.__getitem__)
            if rank[str(label)] >= rank[best]:
                continue
            if all(lab in WEAK_LABELS for lab in labels):
                message = WEAK_SOURCED.format(ids=", ".join(cited), best=best, label=label)
            else:
                listed = ", ".join(f"{s} = {lab}" for s, lab in zip(cited, labels,
                                                                  strict=True))
                message = ABOVE_SOURCES.format(label=label, cited=listed, best=best)
            problems.append(Problem(frame.attrs.get("path", name), int(index) + 2,
                                    "reliability", label, message))
    return problems


def sourcing_problems(package: DataPackage, *, skip: tuple[str, ...] = ()) -> list[Problem]:
    """`filing`/`official` sources without a primary reference or read from a junk domain or a
    code-hosting/extraction host (BLOCKING_KINDS), title languages that are not BCP 47 tags,
    URLs given two reliabilities (`reliability_conflicts`) or two titles, publishers or
    publication dates (`metadata_conflicts`) and rows labelled better than the best of the
    sources they cite (`label_above_sources_problems`).

    `skip` names source resources whose primary reference and title language another rule
    already checks (the ledger's, checked on every ledger write); the junk-domain rule covers
    every table.
    """
    problems = []
    sources = all_sources(package)
    for _, source in sources[~sources["resource"].isin(skip)].iterrows():
        wrong = title_lang_problem(source["title_lang"])
        if wrong:
            problems.append(Problem(source["_file"], int(source["_line"]), "title_lang",
                                    source["title_lang"], wrong))
    for _, row in source_flags(package).iterrows():
        reliability = row["reliability"]
        if reliability not in PRIMARY_REQUIRED:
            continue
        where = (row["_file"], int(row["_line"]))
        if row["resource"] not in skip and not row["has_primary_ref"]:
            problems.append(Problem(*where, "primary_ref", "",
                                    NO_PRIMARY_REF.format(reliability=reliability)))
        if row["flag"] in BLOCKING_KINDS:
            problems.append(Problem(*where, "url", row["domain"],
                                    BLOCKING_KINDS[row["flag"]].format(reliability=reliability)))
    return (problems + unvetted_copy_problems(package) + reliability_conflicts(package)
            + metadata_conflicts(package) + label_above_sources_problems(package))
