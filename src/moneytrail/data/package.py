"""A Frictionless data package on disk: its descriptor, version and resources as DataFrames."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from moneytrail.draws import counted
from moneytrail.errors import DataPackageError
from moneytrail.text import SUSPECT_MULTILINE, text_problem

DESCRIPTOR = "datapackage.json"
CACHE_ENV = "MONEYTRAIL_CACHE_DIR"


def bundled_path() -> Path:
    """Folder of the data package shipped inside the installed moneytrail."""
    return Path(str(resources.files("moneytrail") / "data" / "package"))


@dataclass(frozen=True)
class DataPackage:
    """One data package folder, opened once: each CSV is read at most once per instance (its
    tables are kept by the object; callers get copies), its content hash computed once."""

    root: Path
    descriptor: dict
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False,
                                             compare=False)
    _hash: list[str] = field(default_factory=list, init=False, repr=False, compare=False)

    def content_hash(self) -> str:
        """sha256 (hex) over the sorted relative paths and the bytes of every file in the
        package folder, descriptor included: any changed byte, added or removed file changes
        it. Computed once per instance."""
        if not self._hash:
            digest = hashlib.sha256()
            files = sorted((p for p in self.root.rglob("*") if p.is_file()),
                           key=lambda p: p.relative_to(self.root).as_posix())
            for path in files:
                rel = path.relative_to(self.root).as_posix().encode("utf-8")
                data = path.read_bytes()
                digest.update(len(rel).to_bytes(8, "big") + rel)
                digest.update(len(data).to_bytes(8, "big") + data)
            self._hash.append(digest.hexdigest())
        return self._hash[0]

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name", self.root.name))

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", "unversioned"))

    def resource(self, name: str) -> dict:
        for res in self.descriptor.get("resources", []):
            if res.get("name") == name:
                return res
        raise DataPackageError(f"no resource named '{name}'", file=str(self.root / DESCRIPTOR))

    def resource_names(self, prefix: str = "") -> list[str]:
        return [r["name"] for r in self.descriptor.get("resources", [])
                if r.get("name", "").startswith(prefix)]

    def has(self, name: str) -> bool:
        return name in self.resource_names()

    def schema(self, name: str) -> dict:
        """The resource's table schema (written inline or in the file its `schema` names);
        {} when it has none."""
        schema = self.resource(name).get("schema")
        if isinstance(schema, str):
            try:
                schema = json.loads((self.root / schema).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise DataPackageError(f"unreadable table schema ({exc})",
                                       file=str(self.root / schema)) from None
        return schema if isinstance(schema, dict) else {}

    def primary_key(self, name: str) -> list[str]:
        """The columns of the resource's primary key (its schema's `primaryKey`); [] when the
        schema names none."""
        key = self.schema(name).get("primaryKey") or []
        return [key] if isinstance(key, str) else [str(k) for k in key]

    def field_titles(self, name: str) -> dict[str, str]:
        """Column -> its title for readers (the `title` of each field of the resource's schema:
        'gco2_per_kwh' -> 'Grid carbon intensity (g CO2 per kWh)'); a field without a title is
        left out, {} for a resource the package does not have."""
        if not self.has(name):
            return {}
        return {str(f["name"]): str(f["title"]).strip()
                for f in self.schema(name).get("fields", [])
                if isinstance(f, dict) and "name" in f and str(f.get("title") or "").strip()}

    def field_title(self, name: str, column: str) -> str | None:
        """The title of `column` of resource `name` in its schema; None where it has none."""
        return self.field_titles(name).get(column)

    def path_of(self, name: str) -> Path:
        return self.root / self.resource(name)["path"]

    def table(self, name: str) -> pd.DataFrame:
        """Read a CSV resource as strings; callers convert the columns they need.

        The file is read once per DataPackage; each call returns a copy (`attrs["path"]` names
        the file). An empty file, or a row with more or fewer fields than the header, is a
        one-line error naming file:line (pandas would raise, or silently pad a short row).
        """
        if name not in self._tables:
            self._tables[name] = self._read(name)
        return self._tables[name].copy()

    def _read(self, name: str) -> pd.DataFrame:
        path = self.path_of(name)
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                # cells are checked one by one only when the file holds a suspect character
                suspect = SUSPECT_MULTILINE.search(handle.read()) is not None
                handle.seek(0)
                reader = csv.reader(handle)
                header = next(reader, None)
                if not header:
                    raise DataPackageError("empty CSV file (no header row)", file=str(path))
                for row in reader:
                    if suspect:
                        _check_cells(header, row, f"{path}:{reader.line_num}")
                    if row and len(row) != len(header):
                        raise DataPackageError(
                            f"row has {counted(len(row), 'field')}, the header has {len(header)}",
                            file=f"{path}:{reader.line_num}")
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
        except FileNotFoundError:
            raise DataPackageError("file listed in the descriptor is missing",
                                   file=str(path)) from None
        except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error,
                UnicodeDecodeError) as exc:
            raise DataPackageError(f"malformed CSV ({exc})", file=str(path)) from None
        frame.attrs["path"] = str(path)
        return frame.map(str.strip)


def data_label(package: DataPackage) -> str:
    """The data version as results print it: the package's own `version`, and for a package
    whose content differs from the bundled one's (an edited copy keeps its version label) what
    tells it apart, its content hash: "2.5.5, changed locally (hash 1a2b3c4d)" (a package of
    another version than the bundled one: "1.0, local package (hash ...)"). The bundled folder
    itself is not hashed again to decide (it is the bundled package)."""
    version = package.version
    bundled = bundled_path().resolve()
    if package.root.resolve() == bundled:
        return version
    shipped = open_package(bundled)
    digest = package.content_hash()
    if digest == shipped.content_hash():
        return version
    what = "changed locally" if version == shipped.version else "local package"
    return f"{version}, {what} (hash {digest[:8]})"


def open_package(path: str | Path | None = None) -> DataPackage:
    """Open a data package folder (or its datapackage.json); the bundled one by default.

    Raises DataPackageError naming the path given: a file other than datapackage.json, a
    missing path, a folder without datapackage.json, or a descriptor that is not a JSON
    object; ResourceError when the descriptor cannot be read (permissions)."""
    from moneytrail.errors import ResourceError

    expected = "a data package folder (one holding datapackage.json) is expected"
    root = Path(path) if path is not None else bundled_path()
    if root.is_file():
        if root.name != DESCRIPTOR:
            raise DataPackageError(f"this is a file, not a data package: {expected}",
                                   file=str(root))
        root = root.parent
    elif not root.exists():
        raise DataPackageError(f"this path does not exist (no such file or folder): "
                               f"{expected}", file=str(root))
    elif not root.is_dir():
        raise DataPackageError(f"not a folder: {expected}", file=str(root))
    descriptor_path = root / DESCRIPTOR
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataPackageError(f"no datapackage.json in this folder: {expected}",
                               file=str(root)) from None
    except IsADirectoryError:
        raise DataPackageError("datapackage.json is a folder, not a file",
                               file=str(descriptor_path)) from None
    except PermissionError:
        raise ResourceError("cannot read the file (permission denied)",
                            file=str(descriptor_path)) from None
    except UnicodeDecodeError as exc:
        raise DataPackageError(f"not UTF-8 text (byte {exc.start})",
                               file=str(descriptor_path)) from None
    except json.JSONDecodeError as exc:
        raise DataPackageError(f"invalid JSON ({exc.msg} at line {exc.lineno})",
                               file=str(descriptor_path)) from None
    except RecursionError:
        raise DataPackageError("invalid JSON (nested too deeply)",
                               file=str(descriptor_path)) from None
    if not isinstance(descriptor, dict):
        raise DataPackageError(f"a descriptor is a JSON object, not a {type(descriptor).__name__}",
                               file=str(descriptor_path))
    return DataPackage(root=root, descriptor=descriptor)


def cache_dir() -> Path:
    """moneytrail's cache folder: `$MONEYTRAIL_CACHE_DIR`, else the user cache dir."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("moneytrail"))


def _marker(package: DataPackage) -> Path:
    return cache_dir() / "validated" / package.content_hash()


def is_validated(package: DataPackage, part: str) -> bool:
    """Whether `part` ("valuechain", "analysis") of this exact package content passed its row
    checks in an earlier load (a marker `validated/<content hash>` in the cache dir lists the
    parts). An unreadable cache counts as not validated."""
    try:
        return part in _marker(package).read_text(encoding="utf-8").split()
    except OSError:
        return False


def mark_validated(package: DataPackage, part: str) -> None:
    """Record that `part` of this package content validated cleanly; an unwritable cache dir
    is skipped silently (caching is an optimisation, never an error)."""
    if is_validated(package, part):
        return
    try:
        marker = _marker(package)
        marker.parent.mkdir(parents=True, exist_ok=True)
        with marker.open("a", encoding="utf-8") as handle:
            handle.write(part + "\n")
    except OSError:
        return


def _check_cells(header: list[str], row: list[str], where: str) -> None:
    """Refuse a row holding a NUL (a binary file) or a control or bidi character in a cell
    (moneytrail.text), naming the file:line and the column."""
    if any("\x00" in cell for cell in row):
        raise DataPackageError("a cell holds a NUL character (is this a binary file?)",
                               file=where)
    for column, cell in zip(header, row, strict=False):
        problem = text_problem(cell, multiline=True)
        if problem:
            raise DataPackageError(problem, file=where, field=column)
