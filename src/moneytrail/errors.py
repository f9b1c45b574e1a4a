"""One error type for bad input, so the CLI can print one clear line instead of a traceback."""

from __future__ import annotations


class MoneytrailError(ValueError):
    """Bad input: names the file, the field and the offending value."""

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None,
                 value: object = None) -> None:
        self.file = file
        self.field = field
        self.value = value
        self.detail = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.field:
            where.append(f"field '{self.field}'")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.detail}" if prefix else self.detail


class DataPackageError(MoneytrailError):
    """The data package breaks a rule (schema, foreign key, range, sum)."""


class ScenarioError(MoneytrailError):
    """A scenario file is malformed or inconsistent with the data."""


class ModelError(MoneytrailError):
    """The model cannot be built or solved (e.g. not productive, unknown year)."""
