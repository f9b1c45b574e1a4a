"""Import and export of data packages (the ledger and macro CSVs), lossless both ways.

An import is one transaction: every row is validated against the state it would produce, then
each new or changed record becomes one revision; rows already in the store change nothing, so
re-importing the same package is a no-op. Records the package does not mention are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import uuid
from pathlib import Path

from sqlalchemy import Connection, func, select

from moneytrail.data.package import DESCRIPTOR, bundled_path, open_package
from moneytrail.ledger import dbrows, validate
from moneytrail.ledger.models import Revision
from moneytrail.ledger.records import KINDS, MACRO_SOURCES, Kind
from moneytrail.ledger.store import Changes, Ledger, RowHook, WriteResult

USER_ACTIONS = ("add", "edit", "delete", "revert")     # revisions made by hand, not imports


def import_package(ledger: Ledger, path: str | Path | None = None, *, author: str | None,
                   reason: str = "", overwrite: bool = False,
                   hook: RowHook | None = None) -> WriteResult:
    """Upsert every ledger and macro row of a package (the bundled one by default).

    A record whose latest revision was made by hand (add, edit, delete, revert) is not
    overwritten by a different package row: it is skipped and reported in `skipped`, unless
    `overwrite=True`. `hook(rows_written)` is called after each written row (tests use it to
    stop the process mid-import).
    """
    package = open_package(path)
    tables, problems = validate.read_package_rows(package)
    validate.raise_first(problems, hint="; the store is unchanged")
    duplicates = [p for name, rows in tables.items()
                  for p in validate.basic_problems(KINDS[name], rows)
                  if p.message.startswith("duplicate")]
    validate.raise_first(duplicates, hint="; the store is unchanged")
    changes: Changes = {}
    locations: dict = {}
    for kind, rows in tables.items():
        for row in rows:
            state = dbrows.state(kind, row)
            assert state is not None
            key = dbrows.record_key(kind, state)
            changes.setdefault(kind, {})[key] = state
            locations[(kind, key)] = (row["_file"], row["_line"])
    why = reason or f"import of data package {package.name} {package.version}"
    with ledger.writing() as conn:
        skipped = () if overwrite else hand_edited(conn, changes)
        for kind, key in skipped:
            del changes[kind][key]
        result = ledger._commit(conn, changes, action="import", author=author, reason=why,
                                locations=locations, batch=uuid.uuid4().hex[:12], hook=hook,
                                skipped=tuple(f"{kind} {key}" for kind, key in skipped))
        Ledger.set_meta(conn, "data_version", package.version)
    return result


def hand_edited(conn: Connection, changes: Changes) -> list[tuple[str, str]]:
    """(kind, key) of incoming rows that differ from a record last changed by hand."""
    last = select(func.max(Revision.id)).group_by(Revision.kind, Revision.key)
    by_hand = {(kind, key) for kind, key in conn.execute(
        select(Revision.kind, Revision.key).where(Revision.id.in_(last),
                                                  Revision.action.in_(USER_ACTIONS))).all()}
    out = []
    for kind, items in changes.items():
        if not any(k == kind for k, _ in by_hand):
            continue
        current = {dbrows.record_key(kind, r): dbrows.state(kind, r)
                   for r in dbrows.read_all(conn, kind)}
        out += [(kind, key) for key, new in items.items()
                if (kind, key) in by_hand and current.get(key) != new]
    return out


def write_rows(path: Path, kind: Kind, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(kind.columns), lineterminator="\n",
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)


def export_package(ledger: Ledger, path: str | Path) -> Path:
    """Write the store's ledger and macro tables as a Frictionless data package folder."""
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    bundled = open_package()
    sources = ledger.records("source")
    files = {"ledger-sources": (KINDS["source"], [s for s in sources
                                                  if s["section"] != "macro"]),
             "macro-sources": (MACRO_SOURCES, [s for s in sources if s["section"] == "macro"])}
    for kind in KINDS.values():
        if kind.name != "source":
            files[kind.resource] = (kind, ledger.records(kind.name))
    resources = []
    for name, (kind, records) in files.items():
        write_rows(root / kind.path, kind, records)
        spec = dict(bundled.resource(name)) if bundled.has(name) else {
            "name": name, "path": kind.path, "profile": "tabular-data-resource",
            "format": "csv", "encoding": "utf-8"}
        spec["path"] = kind.path
        schema = spec.get("schema")
        if isinstance(schema, str) and (bundled_path() / schema).exists():
            (root / schema).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(bundled_path() / schema, root / schema)
        resources.append(spec)
    descriptor = {
        "name": "moneytrail-ledger-export",
        "title": "moneytrail ledger export",
        "version": ledger.meta("data_version") or "unversioned",
        "created": dt.date.today().isoformat(),
        "description": f"Ledger and macro tables exported from {ledger.url}.",
        "licenses": bundled.descriptor.get("licenses", []),
        "resources": resources,
    }
    (root / DESCRIPTOR).write_text(json.dumps(descriptor, indent=1) + "\n", encoding="utf-8")
    return root


def holds_package(ledger: Ledger, path: str | Path | None = None) -> bool:
    """Whether the store holds exactly the ledger and macro records of a data package (the
    bundled one by default): the same keys with the same contents, kind by kind, nothing
    added, changed or deleted since (as after the first-use load of that package, however
    many revisions that took). Then anything read from the store's ledger reads the
    package's records, and a result computed from either is the same (service.tasks: one
    claims run for both). False for a package with problems."""
    package = open_package(path)
    tables, problems = validate.read_package_rows(package)
    if problems:
        return False
    with ledger.engine.connect() as conn:
        for kind in KINDS:
            rows = tables.get(kind, [])
            want: dict[str, object] = {}
            for row in rows:
                state = dbrows.state(kind, row)
                if state is not None:
                    want[dbrows.record_key(kind, state)] = state
            have = {dbrows.record_key(kind, record): dbrows.state(kind, record)
                    for record in dbrows.read_all(conn, kind)}
            if want != have:
                return False
    return True
