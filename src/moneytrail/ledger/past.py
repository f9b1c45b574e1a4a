"""The ledger as it was at a past revision: the same queries, read-only.

Every change of the store is a revision holding the record before and after it, so the state
at revision N is the store now with every later change undone: a record changed after N is
what its first later revision recorded as `before` (gone when that is nothing: it was added
after N); a record no later revision touched is as it is now. Nothing is written.

The macro series (MACRO: exchange rates, price indexes, population, GDP) are today's, not
revision N's: they are reference data for converting amounts and per-head or per-GDP shares,
not the claims a page cites, and a store often gets them after its deals (as one `moneytrail
demo` makes), so an early revision has none. The deals, claims and sources are as of N (with
today's sources of the macro rows added where N lacks them).

    ledger.at(12).list()        # the deals as they were at revision 12
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import Connection, Engine, select

from moneytrail.ledger import dbrows
from moneytrail.ledger.errors import LedgerError, NotFoundError, NotYetError
from moneytrail.ledger.models import Revision
from moneytrail.ledger.records import KINDS, Record
from moneytrail.ledger.store import (
    Ledger,
    LedgerState,
    check_kind,
    read_revision,
    records_frame,
    with_later_columns,
)
from moneytrail.text import shown_text

CHUNK = 500        # keys per IN (...) query (SQLite limits the parameters of one statement)
MACRO = ("fx", "deflator", "population", "gdp")    # read as today's at every revision


def records_at(conn: Connection, number: int) -> dict[str, list[Record]]:
    """Every record of every kind as it was at revision `number`, in the order each was
    first written (`seq`), each with the `revision` of its latest change up to `number`."""
    later = conn.execute(select(Revision.id, Revision.kind, Revision.key, Revision.before)
                         .where(Revision.id > number).order_by(Revision.id)).all()
    first_before: dict[tuple[str, str], Record | None] = {}
    for _, kind, key, before in later:
        first_before.setdefault((str(kind), str(key)), before)
    out: dict[str, list[Record]] = {}
    for kind in KINDS:
        current = {dbrows.record_key(kind, r): r for r in dbrows.read_all(conn, kind)}
        touched = {key: before for (k, key), before in first_before.items() if k == kind}
        kept = [record for key, record in current.items() if key not in touched]
        restored_keys = [key for key, before in touched.items() if before is not None]
        marks = bookkeeping(conn, kind, restored_keys, number)
        restored = []
        for key in restored_keys:
            state = dbrows.state(kind, with_later_columns(touched[key], current.get(key)))
            assert state is not None
            revision, seq = marks.get(key, (number, number))
            restored.append({**state, "revision": str(revision), "seq": str(seq)})
        out[kind] = sorted(kept + restored, key=lambda r: int(r["seq"]))
    return out


def with_todays_macro(conn: Connection, records: dict[str, list[Record]]
                      ) -> dict[str, list[Record]]:
    """`records` (of a past revision) with the store's current MACRO rows instead of their
    own, and the current sources those rows cite that `records` lacks."""
    today = {kind: dbrows.read_all(conn, kind) for kind in MACRO}
    cited = {str(row["source"]) for rows in today.values() for row in rows}
    have = {str(source["id"]) for source in records["source"]}
    missing = [source for source in dbrows.read_all(conn, "source")
               if source["id"] in cited - have]
    sources = sorted(records["source"] + missing, key=lambda r: int(r["seq"]))
    return {**records, **today, "source": sources}


def bookkeeping(conn: Connection, kind: str, keys: list[str], number: int
                ) -> dict[str, tuple[int, int]]:
    """Per record key, its (revision, seq) at revision `number`: its latest change up to
    `number`, and the revision that (last) added it, as the store numbers them."""
    out: dict[str, tuple[int, int]] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        rows = conn.execute(select(Revision.id, Revision.key, Revision.before)
                            .where(Revision.kind == kind, Revision.key.in_(chunk),
                                   Revision.id <= number).order_by(Revision.id)).all()
        for revision, key, before in rows:
            seq = int(revision) if before is None else out.get(key, (0, int(revision)))[1]
            out[str(key)] = (int(revision), seq)
    return out


class LedgerAt(Ledger):
    """The ledger as it was at revision `number` (Ledger.at): its records, tables, history
    and every query (list, show, reality, totals, ...) read that state, with today's macro
    series (exchange rates, price indexes, population, GDP: MACRO); writing is refused."""

    def __init__(self, engine: Engine, number: int, time: dt.datetime | None) -> None:
        super().__init__(engine)
        self.number = number
        self.time = time
        self._records: dict[str, list[Record]] | None = None

    def close(self) -> None:
        """Nothing to close: the engine is the store's (Ledger.at), still in use."""

    def snapshot(self) -> dict[str, list[Record]]:
        """The records at the revision, read once (a past revision never changes), with
        today's macro series (module docstring)."""
        if self._records is None:
            with self.engine.connect() as conn:
                self._records = with_todays_macro(conn, records_at(conn, self.number))
        return self._records

    def records(self, kind: str) -> list[Record]:
        check_kind(kind)
        return [dict(r) for r in self.snapshot()[kind]]

    def get(self, kind: str, key: str) -> Record:
        check_kind(kind)
        for record in self.snapshot()[kind]:
            if dbrows.record_key(kind, record) == key:
                return dict(record)
        raise self.not_yet(NotFoundError(f"no {kind} with this key at revision "
                                         f"{self.number}", field=KINDS[kind].key[0],
                                         value=shown_text(key)), kind, key)

    def added_later(self, kind: str, key: str) -> int | None:
        """The first revision after this one that added the record `key` of `kind` (its
        `before` empty), None when no later revision did."""
        with self.engine.connect() as conn:       # `before` read as JSON: null or SQL NULL
            later = conn.execute(select(Revision.id, Revision.before).where(
                Revision.id > self.number, Revision.kind == kind, Revision.key == key)
                .order_by(Revision.id)).all()
        return next((int(number) for number, before in later if before is None), None)

    def not_yet(self, exc: NotFoundError, kind: str, key: str) -> NotFoundError:
        """`exc` (no `key` of `kind` at this revision) as a NotYetError naming the revision
        that added it, when a later one did; else `exc` itself."""
        added = self.added_later(kind, key) if isinstance(key, str) else None
        return exc if added is None else NotYetError(kind, key, self.number, added)

    def show(self, deal: str, **options) -> dict[str, pd.DataFrame]:
        """Ledger.show at this revision; a deal added later is a NotYetError saying when."""
        try:
            return super().show(deal, **options)
        except NotYetError:
            raise
        except NotFoundError as exc:
            if exc.field != "deal":
                raise
            raise self.not_yet(exc, "deal", deal) from None

    def tables(self) -> dict[str, pd.DataFrame]:
        return {kind: records_frame(kind, self.records(kind)) for kind in KINDS}

    def state(self) -> LedgerState:
        return LedgerState(self.number, self.time)

    def newest(self) -> LedgerState:
        """The store's state now (its newest revision), not this revision's."""
        return super().state()

    def history(self, kind: str | None = None, key: str | None = None,
                limit: int | None = None, upto: int | None = None) -> pd.DataFrame:
        """The revisions up to this one, newest first (Ledger.history)."""
        upto = self.number if upto is None else min(upto, self.number)
        return super().history(kind, key, limit, upto=upto)

    def revision(self, number: int) -> dict:
        if int(number) > self.number:
            raise NotFoundError(f"no such revision at revision {self.number}",
                                field="revision", value=number)
        return super().revision(number)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        raise LedgerError(f"the ledger as of revision {self.number} is read-only; write to "
                          "the ledger itself", field="revision", value=self.number)
        yield  # pragma: no cover  (a generator, as Ledger.writing is)


def ledger_at(ledger: Ledger, number: int) -> LedgerAt:
    """`ledger` as it was at revision `number`: NotFoundError naming `revision` when the
    store has no such revision (they are numbered from 1 to its newest)."""
    newest = ledger.state().revision
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= newest:
        span = f"1 to {newest}" if newest else "none yet"
        raise NotFoundError(f"no such revision (this ledger's revisions: {span})",
                            field="revision", value=number)
    with ledger.engine.connect() as conn:
        time = read_revision(conn, number)["created_at"]
    return LedgerAt(ledger.engine, number, time)


def revision_at_time(ledger: Ledger, when: dt.datetime) -> int:
    """The newest revision of `ledger` made at or before `when` (a UTC time; a naive one is
    taken as UTC); 0 when the store had no revision yet. A stored run keeps when it was made
    to the second (`Provenance.created`), so a revision made in that same second counts as
    made before it: pass the end of that second."""
    from sqlalchemy import func

    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    with ledger.engine.connect() as conn:
        number = conn.execute(select(func.max(Revision.id))
                              .where(Revision.created_at <= when)).scalar()
    return int(number or 0)
