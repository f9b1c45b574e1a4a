"""SQLAlchemy 2 models of the ledger store (the schema itself lives in the Alembic migrations;
a new store is created from these models at the newest migration, so they match the migrated
schema exactly, column order and constraint names included: migrate.create_at_head).

Every record table carries `revision`: the id of the last revision that wrote the row, which a
writer must quote back (optimistic locking) so that a stale edit is refused; and `seq`, the
revision that created it, so exports keep the order rows were written in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Double,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class Base(DeclarativeBase):
    pass


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored time as it leaves the store: aware, in UTC (+00:00). SQLite keeps UTC without a
    zone; PostgreSQL answers in the session's time zone (PGTZ, the database's `timezone`)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """`DateTime(timezone=True)` whose values are written and read as UTC on every backend
    (`as_utc`), so history, accounts, saved plans and runs print the same time on SQLite and
    on PostgreSQL whatever the session's time zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect
                           ) -> dt.datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect
                             ) -> dt.datetime | None:
        return None if value is None else as_utc(value)


class Meta(Base):
    """Store-level facts, e.g. which bundled data version was loaded on first use."""

    __tablename__ = "ledger_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Source(Base):
    __tablename__ = "sources"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    section: Mapped[str] = mapped_column(String(16))       # ledger | macro (file it exports to)
    publisher: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    published: Mapped[str] = mapped_column(String(10))
    accessed: Mapped[str] = mapped_column(String(10))
    reliability: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)              # creation order, kept on edits
    # added by migrations 0003 and 0007, so after `seq` (a new store has the migrated layout)
    primary_ref: Mapped[str] = mapped_column(Text, server_default="")
    title_lang: Mapped[str] = mapped_column(String(35), server_default="")   # BCP 47, '' English


class Deal(Base):
    __tablename__ = "deals"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(String(8), index=True)
    sector: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(64))
    announcer: Mapped[str] = mapped_column(Text)
    announced: Mapped[str] = mapped_column(String(10))
    horizon_end: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    sources: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)              # creation order, kept on edits
    # pledge | need; added by migration 0002, so after `seq` (a new store's layout = migrated)
    kind: Mapped[str] = mapped_column(String(16), server_default="")
    # ai_only | not_ai_only (records.SCOPES; '' is ai_only); added by migration 0010
    scope: Mapped[str] = mapped_column(String(16), server_default="")


class DealLink(Base):
    """An overlap between deals: `deal`'s money is (partly) inside `other`'s headline.

    kind `part_of` (one per deal) or `overlaps` (any number, in the order `ordinal`).
    """

    __tablename__ = "deal_links"
    deal: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    other: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)
    ordinal: Mapped[int] = mapped_column(Integer, server_default="0")

    # the key's name is the one migration 0002 gave it (built as deal_links_v2, then renamed)
    __table_args__ = (PrimaryKeyConstraint("deal", "kind", "other", name="pk_deal_links_v2"),)


class Claim(Base):
    """One sourced number. `id` hashes the key fields; `ref` is the readable handle."""

    __tablename__ = "claims"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    ref: Mapped[str] = mapped_column(String(200), unique=True)
    deal: Mapped[str] = mapped_column(String(200), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    low: Mapped[float] = mapped_column(Double)
    central: Mapped[float] = mapped_column(Double)
    high: Mapped[float] = mapped_column(Double)
    currency: Mapped[str] = mapped_column(String(3))
    price_year: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(200))
    supersedes: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)              # creation order, kept on edits
    # total | per_year (records.BASES; '' is total); added by migration 0010, so after `seq`
    basis: Mapped[str] = mapped_column(String(16), server_default="")


class Fx(Base):
    __tablename__ = "fx"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    units_per_eur: Mapped[float] = mapped_column(Double)
    source: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)              # creation order, kept on edits


class Deflator(Base):
    __tablename__ = "deflators"
    series: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    index: Mapped[float] = mapped_column(Double)
    base: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)              # creation order, kept on edits


class Population(Base):
    __tablename__ = "population"
    country: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[float] = mapped_column(Double)
    source: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)              # creation order, kept on edits


class Gdp(Base):
    __tablename__ = "gdp"
    country: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[float] = mapped_column(Double)
    currency: Mapped[str] = mapped_column(String(3))
    source: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)              # creation order, kept on edits


class Revision(Base):
    """One change of one record: who, when, why, and the record before and after."""

    __tablename__ = "revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))     # add | edit | delete | import | revert
    author: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    batch: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (Index("ix_revisions_kind_key", "kind", "key"),)


class Run(Base):
    """One run: its canonical inputs and, once done, its result (immutable from then on)."""

    __tablename__ = "runs"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(Text, server_default="")
    code_version: Mapped[str] = mapped_column(String(64))
    data_version: Mapped[str] = mapped_column(String(64))
    data_hash: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)   # queued|running|done|error
    done: Mapped[int] = mapped_column(Integer, server_default="0")
    total: Mapped[int] = mapped_column(Integer, server_default="0")
    error: Mapped[str] = mapped_column(Text, server_default="")
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # the process queueing or computing the run (host:pid:start, migration 0008); with
    # updated_at its lease: service.runs.lease_expired
    owner: Mapped[str] = mapped_column(String(128), server_default="")
    # a run derived from another (a claim checked against a trace run: service.run_claims,
    # service.own_claims; migration 0009): that run's id. Such a run is as visible as the
    # run it checked (accounts.plans.visible_runs_clause). Not a foreign key: the run
    # checked may have been computed in another store.
    checked_run_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class OpenRun(Base):
    """A run id computed at least once outside a saved plan (the CLI, the builder, the JSON
    API, a reference plan): visible to everyone whatever saved plans it was also started
    from (migration 0006; accounts.plans.visible_runs_clause). Runs made only from saved
    plans have no row here and are as visible as those plans."""

    __tablename__ = "open_runs"
    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RunOrigin(Base):
    """A run derived from another (a claim checked against a run, a run of the same plan
    again on newer code or data, a briefing's sensitivity run or trace again with analyses)
    and each run it derives from, directly or through other derived runs: one row per pair
    (migration 0011), written once when the derived run is stored (a stored run never
    changes, so neither do the runs it derives from). A derived run is visible only while
    every run it derives from is (accounts.plans.visible_runs_clause). Not foreign keys:
    those runs may have been computed in another store."""

    __tablename__ = "run_origins"
    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    origin_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


TABLES = {"source": Source, "deal": Deal, "claim": Claim, "fx": Fx, "deflator": Deflator,
          "population": Population, "gdp": Gdp}
