"""Records (CSV-shaped string dicts) to database rows and back.

A record's state, as kept in revisions, is its CSV columns plus `section` for sources (which
file it exports to) and `id` for claims (the content hash).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, delete, insert, select

from moneytrail.ledger.models import TABLES, DealLink
from moneytrail.ledger.records import KINDS, Record, canonical, claim_id, key_of

STATE_EXTRAS = {"source": ("section",), "claim": ("id",)}


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


def to_row(kind: str, record: Record, revision: int, seq: int) -> dict:
    spec = KINDS[kind]
    row: dict = {"revision": revision, "seq": seq}
    for column in spec.columns:
        if kind == "deal" and column == "part_of":
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


def from_row(kind: str, row: Mapping, part_of: str = "") -> Record:
    record = dict(row)
    if kind == "deal":
        record["part_of"] = part_of
    out = state(kind, record)
    assert out is not None
    out["revision"] = str(row["revision"])
    out["seq"] = str(row["seq"])
    return out


def read_all(conn: Connection, kind: str) -> list[Record]:
    """Every record of a kind in the order it was first written."""
    table = TABLES[kind].__table__
    links = {}
    if kind == "deal":
        links = dict(conn.execute(select(DealLink.deal, DealLink.other)
                                  .where(DealLink.kind == "part_of")).all())
    rows = conn.execute(select(table).order_by(table.c.seq)).mappings().all()
    return [from_row(kind, row, links.get(row["id"], "") if kind == "deal" else "")
            for row in rows]


def read_one(conn: Connection, kind: str, key: str, *, lock: bool = False) -> Record | None:
    spec = KINDS[kind]
    table = TABLES[kind].__table__
    values = key.split("/") if len(spec.key) > 1 else [key]
    if len(values) != len(spec.key):
        return None
    query = select(table)
    for column, value in zip(spec.key, values, strict=True):
        query = query.where(table.c[column] == (int(value) if column in spec.integers
                                                 and value.isdigit() else value))
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        return None
    part_of = ""
    if kind == "deal":
        part_of = conn.execute(select(DealLink.other).where(
            DealLink.deal == key, DealLink.kind == "part_of")).scalar() or ""
    return from_row(kind, row, part_of)


def remove(conn: Connection, kind: str, record: Record) -> None:
    spec = KINDS[kind]
    table = TABLES[kind].__table__
    query = delete(table)
    for column in spec.key:
        value = record[column]
        query = query.where(table.c[column] == (int(value) if column in spec.integers
                                                 else value))
    conn.execute(query)
    if kind == "deal":
        conn.execute(delete(DealLink).where(DealLink.deal == record["id"]))


def write(conn: Connection, kind: str, record: Record, revision: int, seq: int) -> None:
    conn.execute(insert(TABLES[kind].__table__).values(**to_row(kind, record, revision, seq)))
    if kind == "deal" and record["part_of"]:
        conn.execute(insert(DealLink).values(deal=record["id"], kind="part_of",
                                             other=record["part_of"]))


def record_key(kind: str, record: Mapping) -> str:
    return key_of(KINDS[kind], record)
