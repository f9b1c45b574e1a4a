"""Reading user YAML files safely: one clear error for every way a file can be wrong.

`read_yaml(path, ScenarioError)` (scenario files; claims files can use it too) checks, before
any work is done:

- the path is a readable file: a folder, a binary (not UTF-8) file → the caller's error class
  (bad input, exit code 2); a file that exists but cannot be read (permissions, I/O) →
  `ResourceError` (environment, exit code 3);
- its size is at most `max_bytes` (default 1 MB, `MONEYTRAIL_MAX_SCENARIO_BYTES` raises it): a
  reference plan is about 2 KB, so 1 MB leaves room for any hand-written plan;
- it holds at most `max_nodes` YAML nodes (default 100,000, `MONEYTRAIL_MAX_YAML_NODES`), so a
  small file of anchors and aliases cannot expand into gigabytes;
- the YAML is well formed, has no duplicate key in any mapping (the error names the key and
  its line: YAML would otherwise keep the last value silently) and no impossible date.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node

from moneytrail.errors import LimitError, MoneytrailError, ResourceError

MAX_BYTES = 1_000_000
MAX_NODES = 100_000
BYTES_VARIABLE = "MONEYTRAIL_MAX_SCENARIO_BYTES"
NODES_VARIABLE = "MONEYTRAIL_MAX_YAML_NODES"


def limit(variable: str, default: int) -> int:
    """A limit from the environment (a positive integer), else the default."""
    text = os.environ.get(variable, "").strip().replace("_", "")
    if not text:
        return default
    try:
        value = int(float(text))
    except ValueError:
        raise MoneytrailError("must be a positive whole number", field=variable,
                              value=text) from None
    if value < 1:
        raise MoneytrailError("must be a positive whole number", field=variable, value=text)
    return value


class DuplicateKeyError(yaml.YAMLError):
    """A mapping names the same key twice."""

    def __init__(self, key: str, line: int, first: int) -> None:
        super().__init__(key, line, first)
        self.key, self.line, self.first = key, line, first


class NodeLimitError(yaml.YAMLError):
    """The document has more nodes than allowed."""


def strict_loader(max_nodes: int) -> type[yaml.SafeLoader]:
    """A SafeLoader that refuses duplicate keys and stops composing after max_nodes nodes
    (aliases count every time they are used, so anchors cannot multiply the work)."""

    class StrictLoader(yaml.SafeLoader):
        nodes = 0

        def compose_node(self, parent: Node | None, index: Any) -> Node | None:
            self.nodes += 1
            if self.nodes > max_nodes:
                raise NodeLimitError(f"more than {max_nodes:,} YAML nodes")
            return super().compose_node(parent, index)

        def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict:
            if isinstance(node, MappingNode):
                self.flatten_mapping(node)
                seen: dict[Any, int] = {}
                for key_node, _ in node.value:
                    key = self.construct_object(key_node, deep=True)
                    try:
                        hash(key)
                    except TypeError:
                        continue        # the base class reports unhashable keys
                    line = key_node.start_mark.line + 1
                    if key in seen:
                        raise DuplicateKeyError(str(key_node.value), line, seen[key])
                    seen[key] = line
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")


def bad_dates(node: Any, where: tuple = ()) -> list[tuple[str, str]]:
    """(field, text) of every date-looking scalar that is not a real date, in file order."""
    if isinstance(node, dict):
        return [hit for k, v in node.items() for hit in bad_dates(v, (*where, k))]
    if isinstance(node, list):
        return [hit for k, v in enumerate(node) for hit in bad_dates(v, (*where, k))]
    text = str(node)
    if not _DATE.match(text):
        return []
    try:
        dt.date.fromisoformat(text[:10])
    except ValueError:
        return [(".".join(str(p) for p in where), text)]
    return []


def bad_date(text: str) -> tuple[str | None, str | None]:
    """Field and text of the first impossible date (re-read as plain strings, no dates built)."""
    hits = bad_dates(yaml.load(text, Loader=yaml.BaseLoader))
    return hits[0] if hits else (None, None)


def read_text(path: str | Path, error_cls: type[MoneytrailError] = MoneytrailError, *,
              max_bytes: int | None = None, what: str = "file") -> str:
    """The text of a small UTF-8 file, or one clear error (see the module docstring)."""
    path = Path(path)
    max_bytes = limit(BYTES_VARIABLE, MAX_BYTES) if max_bytes is None else max_bytes
    name = str(path)
    try:
        if path.is_dir():
            raise error_cls(f"is a folder, not a {what}", file=name)
        size = path.stat().st_size
    except FileNotFoundError:
        raise error_cls("file not found", file=name) from None
    except OSError as exc:
        raise ResourceError(f"cannot read the file ({exc.strerror or exc})", file=name) \
            from None
    if size > max_bytes:
        raise LimitError(f"the {what} is {size:,} bytes, more than the limit of {max_bytes:,} "
                         f"(set {BYTES_VARIABLE} to raise it)", file=name)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except IsADirectoryError:
        raise error_cls(f"is a folder, not a {what}", file=name) from None
    except OSError as exc:
        raise ResourceError(f"cannot read the file ({exc.strerror or exc})", file=name) \
            from None
    if len(data) > max_bytes:      # it grew, or it is a device/pipe without a size
        raise LimitError(f"the {what} is more than the limit of {max_bytes:,} bytes "
                         f"(set {BYTES_VARIABLE} to raise it)", file=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error_cls(f"not a text file (cannot be read as UTF-8 at byte {exc.start}); "
                        f"a {what} is YAML text", file=name) from None


def parse_yaml(text: str, error_cls: type[MoneytrailError] = MoneytrailError, *,
               source: str = "<yaml>", max_nodes: int | None = None) -> Any:
    """YAML text as Python data, refusing duplicate keys, too many nodes and bad dates."""
    max_nodes = limit(NODES_VARIABLE, MAX_NODES) if max_nodes is None else max_nodes
    loader = strict_loader(max_nodes)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 (a SafeLoader subclass)
    except NodeLimitError:
        raise LimitError(f"the file holds more than {max_nodes:,} YAML keys and values (set "
                         f"{NODES_VARIABLE} to raise the limit)", file=source) from None
    except DuplicateKeyError as exc:
        raise error_cls(f"duplicate key (first given on line {exc.first}; give each key "
                        "once)", file=f"{source}:{exc.line}", field=exc.key) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise error_cls(f"malformed YAML ({problem})", file=where) from None
    except ValueError as exc:        # PyYAML builds dates itself: 2025-02-30 raises ValueError
        field, value = bad_date(text)
        raise error_cls(f"not a valid date ({exc})", file=source, field=field,
                        value=value) from None
    except RecursionError:
        raise LimitError("the YAML is nested too deeply", file=source) from None


def read_yaml(path: str | Path, error_cls: type[MoneytrailError] = MoneytrailError, *,
              max_bytes: int | None = None, max_nodes: int | None = None,
              what: str = "file") -> Any:
    """Read a user's YAML file with every check of this module; errors name the file.

    `error_cls` is raised for bad content (e.g. `ScenarioError`); size and node limits raise
    `LimitError`, and a file that exists but cannot be read `ResourceError`."""
    text = read_text(path, error_cls, max_bytes=max_bytes, what=what)
    return parse_yaml(text, error_cls, source=str(path), max_nodes=max_nodes)
