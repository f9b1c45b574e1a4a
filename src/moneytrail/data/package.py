"""A Frictionless data package on disk: its descriptor, version and resources as DataFrames."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from moneytrail.errors import DataPackageError

DESCRIPTOR = "datapackage.json"


def bundled_path() -> Path:
    """Folder of the data package shipped inside the installed moneytrail."""
    return Path(str(resources.files("moneytrail") / "data" / "package"))


@dataclass(frozen=True)
class DataPackage:
    root: Path
    descriptor: dict

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

    def path_of(self, name: str) -> Path:
        return self.root / self.resource(name)["path"]

    def table(self, name: str) -> pd.DataFrame:
        """Read a CSV resource as strings; callers convert the columns they need.

        An empty file, or a row with more or fewer fields than the header, is a one-line
        error naming file:line (pandas would raise, or silently pad a short row).
        """
        path = self.path_of(name)
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader, None)
                if not header:
                    raise DataPackageError("empty CSV file (no header row)", file=str(path))
                for row in reader:
                    if row and len(row) != len(header):
                        raise DataPackageError(
                            f"row has {len(row)} fields, the header has {len(header)}",
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


def open_package(path: str | Path | None = None) -> DataPackage:
    """Open a data package folder (or its datapackage.json); the bundled one by default."""
    root = Path(path) if path is not None else bundled_path()
    if root.is_file():
        root = root.parent
    descriptor_path = root / DESCRIPTOR
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataPackageError("no datapackage.json here", file=str(root)) from None
    except json.JSONDecodeError as exc:
        raise DataPackageError(f"invalid JSON ({exc.msg} at line {exc.lineno})",
                               file=str(descriptor_path)) from None
    return DataPackage(root=root, descriptor=descriptor)
