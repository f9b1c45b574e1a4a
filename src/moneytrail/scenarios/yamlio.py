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
  its line: YAML would otherwise keep the last value silently) and no impossible date;
- no number is written in YAML 1.1's base 60 (`amount: 20:00:00` would read as 72,000,
  `year: 33:45` as 2025: refused, as text fields holding yes/no are, `schema._yaml_boolean`),
  and no whole number has more decimal digits than Python reads (MAX_INT_DIGITS; a `0x`,
  `0o`, `0b` or leading-`0` number counted by its value, not its characters): both errors name
  the field and the value (a long number shortened to its first digits and its length).
"""

from __future__ import annotations

import datetime as dt
import math
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


MAX_INT_DIGITS = 4300      # Python's own limit for reading a whole number (sys.int_info)


class NumberError(yaml.YAMLError):
    """A plain scalar YAML would read as a number it should not: a base-60 number (`base60`),
    a whole number too long to read (`huge`) or a non-zero float a float holds as 0
    (`tiny`: `1.0e-400`). Its field is found afterwards."""

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(kind, text)
        self.kind, self.text = kind, text


def decimal_digits(text: str) -> int:
    """About how many decimal digits the whole number YAML 1.1 reads from `text` has (at
    least as many as it really has): `0x` hexadecimal, `0b` binary, `0o` or a leading `0`
    octal, underscores ignored, so `0x` and 4,000 `f`s counts 4,817 digits, not 4,002."""
    body = text.strip().lstrip("+-").replace("_", "").lower()
    for prefix, base in (("0x", 16), ("0b", 2), ("0o", 8)):
        if body.startswith(prefix):
            return math.ceil(len(body[2:]) * math.log10(base))
    if len(body) > 1 and body.startswith("0"):
        return math.ceil(len(body[1:]) * math.log10(8))
    return len(body)


def check_number(text: str, whole: bool) -> None:
    """Refuse a number YAML 1.1 reads in base 60 (digits separated by colons) and a whole
    number of more than MAX_INT_DIGITS decimal digits in any base (NumberError)."""
    if ":" in text:
        raise NumberError("base60", text)
    if whole and decimal_digits(text) > MAX_INT_DIGITS:
        raise NumberError("huge", text)


class WrittenFloat(float):
    """A YAML float written in digits that no float holds (`1.0e+400`: infinite), shown as it
    was written, so a plan's refusal names the value typed and the field's cap
    (scenarios.schema.beyond_cap), not infinity spelled out."""

    text: str

    def __new__(cls, text: str) -> WrittenFloat:
        number = super().__new__(cls, float(text.replace("_", "")))
        number.text = text
        return number

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def tiny(text: str) -> bool:
    """Whether a YAML float written as `text` has a non-zero digit before its exponent but
    reads as 0.0 (`1.0e-400`): too small for a float."""
    body = text.replace("_", "")
    mantissa = re.split("[eE]", body)[0]
    try:
        return float(body) == 0 and any(digit in "123456789" for digit in mantissa)
    except ValueError:
        return False


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

        def construct_yaml_int(self, node: Node) -> int:
            check_number(str(node.value), whole=True)
            return super().construct_yaml_int(node)     # type: ignore[arg-type]

        def construct_yaml_float(self, node: Node) -> float:
            """A float as YAML 1.1 reads it; a non-zero one a float holds as 0 (`1.0e-400`)
            is refused (NumberError `tiny`), one written in digits beyond any float
            (`1.0e+400`) is a WrittenFloat (infinite, shown as written)."""
            text = str(node.value)
            check_number(text, whole=False)
            if tiny(text):
                raise NumberError("tiny", text)
            number: float = super().construct_yaml_float(node)   # type: ignore[arg-type]
            if math.isinf(number) and "inf" not in text.lower():
                return WrittenFloat(text)
            return number

    StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
    StrictLoader.add_constructor("tag:yaml.org,2002:float", StrictLoader.construct_yaml_float)
    return StrictLoader


_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")


def bad_dates(node: Any, where: tuple = (), seen: set[int] | None = None) \
        -> list[tuple[str, str]]:
    """(field, text) of every date-looking scalar that is not a real date, in file order.
    Each mapping and list is visited once (`seen`, by id()): aliases share them, so a small
    file of nested aliases is not expanded."""
    seen = set() if seen is None else seen
    if isinstance(node, (dict, list)):
        if id(node) in seen:
            return []
        seen.add(id(node))
    if isinstance(node, dict):
        return [hit for k, v in node.items() for hit in bad_dates(v, (*where, k), seen)]
    if isinstance(node, list):
        return [hit for k, v in enumerate(node) for hit in bad_dates(v, (*where, k), seen)]
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


def scalar_path(node: Any, text: str, where: tuple = (), seen: set[int] | None = None) \
        -> str | None:
    """The field (dotted path) of the first scalar written as `text` in a document read
    with yaml.BaseLoader (every scalar a string), keys included; None when there is none.
    Each mapping and list is visited once (`seen`, by id()): aliases share them, so the
    search takes as long as the file is, not as long as its aliases would expand."""
    seen = set() if seen is None else seen
    if isinstance(node, (dict, list)):
        if id(node) in seen:
            return None
        seen.add(id(node))
    if isinstance(node, dict):
        for key, value in node.items():
            if key == text:
                return ".".join(str(p) for p in (*where, key))
            found = scalar_path(value, text, (*where, key), seen)
            if found is not None:
                return found
    elif isinstance(node, list):
        for k, value in enumerate(node):
            found = scalar_path(value, text, (*where, k), seen)
            if found is not None:
                return found
    elif node == text:
        return ".".join(str(p) for p in where) or None
    return None


def short_number(text: str, keep: int = 20) -> str:
    """A long number as its first digits and its length (`99999…(5,000 digits)`; a number
    written in another base or with underscores: its length in characters)."""
    body = text.strip().lstrip("+-")
    if len(body) <= 2 * keep:
        return text
    unit = "digits" if body.isdigit() else "characters"
    return f"{text[:keep]}\u2026 ({len(body):,} {unit})"


def number_error(exc: NumberError, text: str, error_cls: type[MoneytrailError],
                 source: str) -> MoneytrailError:
    """The refusal of a base-60 or too long number, naming the file, field and value."""
    try:
        field = scalar_path(yaml.load(text, Loader=yaml.BaseLoader), exc.text)
    except (yaml.YAMLError, RecursionError):
        field = None
    if exc.kind == "tiny":
        from moneytrail.numbers import TOO_SMALL

        return error_cls(TOO_SMALL, file=source, field=field, value=exc.text)
    if exc.kind == "huge":
        digits = decimal_digits(exc.text)
        return error_cls(f"a whole number of {digits:,} digits is far too large for any "
                         "field: give a number in the field's range", file=source,
                         field=field, value=short_number(exc.text))
    read = base60(exc.text)
    as_read = f" (this one as {read})" if read else ""
    return error_cls("YAML 1.1 reads digits separated by colons as a base-60 number"
                     f"{as_read}: write the number in plain digits, or put text in quotes",
                     file=source, field=field, value=short_number(exc.text))


def base60(text: str) -> str | None:
    """The number YAML 1.1 reads a base-60 scalar as (`20:00:00`: '72,000'), None when the
    text is too long or not of that form."""
    body = text.strip().replace("_", "")
    if len(body) > 40:
        return None
    sign = -1 if body.startswith("-") else 1
    value: float = 0
    try:
        for part in body.lstrip("+-").split(":"):
            value = value * 60 + (float(part) if "." in part else int(part))
    except ValueError:
        return None
    return f"{sign * value:,}"


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
    except NumberError as exc:
        raise number_error(exc, text, error_cls, source) from None
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
