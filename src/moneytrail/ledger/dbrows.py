"""Records (CSV-shaped string dicts) to database rows and back.

A record's state, as kept in revisions, is its CSV columns plus `section` for sources (which
file it exports to) and `id` for claims (the content hash).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, Table, delete, insert, select, update

from moneytrail.ledger.models import TABLES, DealLink
from moneytrail.ledger.records import KINDS, Record, canonical, claim_id, key_of, split_list

STATE_EXTRAS = {"source": ("section",), "claim": ("id",)}
MAX_INTEGER = 2**31 - 1          # integer columns are 32-bit on PostgreSQL


def state(kind: str, record: Mapping | None) -> Record | None:
    """The part of a record that revisions store and compare (no bookkeeping columns)."""
    if record is None:
        return None
    out = canonical(KINDS[kind], record)
    if kind == "source":
        out["section"] = str(record.get("section") or record.get("_section") or "ledger")
    if kind == "claim":
        out["id"] = claim_id(out)
    return out


LINKS = ("part_of", "overlaps")        # deal columns kept in the deal_links table


def to_row(kind: str, record: Record, revision: int, seq: int) -> dict:
    spec = KINDS[kind]
    row: dict = {"revision": revision, "seq": seq}
    for column in spec.columns:
        if kind == "deal" and column in LINKS:
            continue
        value = record[column]
        if column in spec.numbers:
            row[column] = float(value)
        elif column in spec.integers:
            row[column] = int(value)
        else:
            row[column] = value
    for extra in STATE_EXTRAS.get(kind, ()):
        row[extra] = record[extra]
    return row


def from_row(kind: str, row: Mapping, links: Mapping[str, str] | None = None) -> Record:
    record = dict(row)
    if kind == "deal":
        record.update({link: (links or {}).get(link, "") for link in LINKS})
    out = state(kind, record)
    assert out is not None
    out["revision"] = str(row["revision"])
    out["seq"] = str(row["seq"])
    return out


def deal_links(conn: Connection, deal: str | None = None) -> dict[str, dict[str, str]]:
    """Per deal, its link columns as CSV text ('a;b' for several), in the order written."""
    query = select(DealLink.deal, DealLink.kind, DealLink.other).order_by(
        DealLink.deal, DealLink.kind, DealLink.ordinal)
    if deal is not None:
        query = query.where(DealLink.deal == deal)
    out: dict[str, dict[str, list[str]]] = {}
    for source, link, other in conn.execute(query).all():
        out.setdefault(source, {}).setdefault(link, []).append(other)
    return {d: {k: ";".join(v) for k, v in links.items()} for d, links in out.items()}


def read_all(conn: Connection, kind: str) -> list[Record]:
    """Every record of a kind in the order it was first written."""
    table = table_of(kind)
    links = deal_links(conn) if kind == "deal" else {}
    rows = conn.execute(select(table).order_by(table.c.seq)).mappings().all()
    return [from_row(kind, row, links.get(row["id"]) if kind == "deal" else None)
            for row in rows]


def key_values(kind: str, key: str) -> dict[str, object] | None:
    """Key columns of a readable key ('2025/USD'), or None if it cannot name any record.

    Parsed strictly, so a malformed key is 'not found' on every backend (PostgreSQL would
    otherwise refuse to compare text with an integer column, an out-of-range number, or text
    holding a NUL).
    """
    spec = KINDS[kind]
    if "\x00" in key:          # no key holds a NUL, and PostgreSQL cannot even compare one
        return None
    parts = key.split("/") if len(spec.key) > 1 else [key]
    if len(parts) != len(spec.key):
        return None
    values: dict[str, object] = {}
    for column, part in zip(spec.key, parts, strict=True):
        if column in spec.integers:
            if not (part.isascii() and part.isdigit()) or int(part) > MAX_INTEGER:
                return None
            values[column] = int(part)
        else:
            if len(part) > column_length(kind, column):
                return None
            values[column] = part
    return values


def column_length(kind: str, column: str) -> int:
    """Longest text the column holds (no limit: a very large number)."""
    length = getattr(table_of(kind).c[column].type, "length", None)
    return int(length) if length else 2**62


def read_one(conn: Connection, kind: str, key: str) -> Record | None:
    table = table_of(kind)
    values = key_values(kind, key)
    if values is None:
        return None
    query = select(table)
    for column, value in values.items():
        query = query.where(table.c[column] == value)
    row = conn.execute(query).mappings().first()
    if row is None:
        return None
    links = deal_links(conn, key).get(key) if kind == "deal" else None
    return from_row(kind, row, links)


def key_filter(kind: str, record: Mapping) -> list:
    spec = KINDS[kind]
    table = table_of(kind)
    return [table.c[column] == (int(record[column]) if column in spec.integers
                                else record[column]) for column in spec.key]


def table_of(kind: str) -> Table:
    """The Core table of a kind's ORM class (SQLAlchemy's stubs type `__table__` as any
    FromClause; a declarative class with columns always has a Table)."""
    table = TABLES[kind].__table__
    assert isinstance(table, Table)
    return table


def remove(conn: Connection, kind: str, record: Record) -> None:
    conn.execute(delete(table_of(kind)).where(*key_filter(kind, record)))
    if kind == "deal":
        conn.execute(delete(DealLink).where(DealLink.deal == record["id"]))


def write(conn: Connection, kind: str, record: Record, revision: int, seq: int) -> None:
    conn.execute(insert(table_of(kind)), to_row(kind, record, revision, seq))
    write_links(conn, kind, record)


def replace(conn: Connection, kind: str, record: Record, revision: int, seq: int) -> None:
    """Update a record in place (its key stays visible to every other transaction)."""
    conn.execute(update(table_of(kind)).where(*key_filter(kind, record))
                 .values(**to_row(kind, record, revision, seq)))
    if kind == "deal":
        conn.execute(delete(DealLink).where(DealLink.deal == record["id"]))
    write_links(conn, kind, record)


def write_links(conn: Connection, kind: str, record: Record) -> None:
    if kind != "deal":
        return
    rows = [{"deal": record["id"], "kind": link, "other": other, "ordinal": number}
            for link in LINKS for number, other in enumerate(split_list(record[link]))]
    if rows:
        conn.execute(insert(DealLink), rows)


def record_key(kind: str, record: Mapping) -> str:
    return key_of(KINDS[kind], record)
