"""Strict scenario schema (unknown keys rejected) and loading with file/field/value errors."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from moneytrail.errors import ScenarioError

SHARE_TOLERANCE = 1e-6
RELIABILITY = ("filing", "official", "analyst", "estimate", "weak", "assumption")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Interval(Strict):
    """A share with its 90 % interval and where it comes from."""

    central: float
    low: float | None = None
    high: float | None = None
    source: str | None = None
    reliability: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        low = self.central if self.low is None else self.low
        high = self.central if self.high is None else self.high
        for name, value in (("low", low), ("central", self.central), ("high", high)):
            if not math.isfinite(value) or value < 0 or value > 1:
                raise ValueError(f"{name} must be a share between 0 and 1, got {value}")
        if not low <= self.central <= high:
            raise ValueError(f"must satisfy low <= central <= high, got {low}/{self.central}/"
                             f"{high}")
        if self.reliability is not None and self.reliability not in RELIABILITY:
            raise ValueError(f"reliability must be one of {', '.join(RELIABILITY)}")
        if self.reliability == "assumption" and not self.note:
            raise ValueError("an assumption must explain its reasoning in note")
        return self

    @property
    def bounds(self) -> tuple[float, float, float]:
        low = self.central if self.low is None else self.low
        high = self.central if self.high is None else self.high
        return low, self.central, high


class Budget(Strict):
    amount: float
    source: str | None = None
    note: str | None = None

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: float) -> float:
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"budget must be a positive amount, got {value}")
        return value


def _interval(value: Any) -> Any:
    return {"central": value} if isinstance(value, int | float) else value


class Plan(Strict):
    """A spending plan: what a buyer spends, on which categories, through which suppliers."""

    id: str
    title: str
    description: str = ""
    year: int
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    price_year: int | None = None
    buyer_region: str = "EU"
    budget: Budget
    spend: dict[str, Interval]
    procurement: dict[str, dict[str, Interval]] = Field(default_factory=dict)
    draws: int = Field(default=10_000, ge=1, le=10_000_000)
    seed: int = 1
    conditions: list[dict[str, Any]] = Field(default_factory=list)
    path: str | None = Field(default=None, exclude=True)

    @field_validator("spend", mode="before")
    @classmethod
    def _spend_intervals(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _interval(v) for k, v in value.items()}
        return value

    @field_validator("procurement", mode="before")
    @classmethod
    def _procurement_intervals(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {cat: ({k: _interval(v) for k, v in shares.items()}
                          if isinstance(shares, dict) else shares)
                    for cat, shares in value.items()}
        return value

    @field_validator("buyer_region")
    @classmethod
    def _region(cls, value: str) -> str:
        if value not in ("EU", "US"):
            raise ValueError(f"buyer_region must be EU or US, got {value!r}")
        return value

    @field_validator("spend")
    @classmethod
    def _spend_sums_to_one(cls, value: dict[str, Interval]) -> dict[str, Interval]:
        if not value:
            raise ValueError("a plan must spend on at least one category")
        total = sum(share.central for share in value.values())
        if abs(total - 1) > SHARE_TOLERANCE:
            raise ValueError(f"spend shares (central) add up to {total:.6g}, not 1")
        return value

    @field_validator("procurement")
    @classmethod
    def _procurement_sums_to_one(cls, value: dict[str, dict[str, Interval]]
                                 ) -> dict[str, dict[str, Interval]]:
        for category, shares in value.items():
            total = sum(share.central for share in shares.values())
            if abs(total - 1) > SHARE_TOLERANCE:
                raise ValueError(f"supplier shares for '{category}' add up to {total:.6g}, "
                                 "not 1")
        return value

    @property
    def total(self) -> float:
        return self.budget.amount


def _field_path(loc: tuple) -> str:
    return ".".join(str(part) for part in loc if part not in ("function-after",))


def _error_value(data: Any, loc: tuple) -> Any:
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            node = node[part]
        else:
            return None
    return node if not isinstance(node, dict | list) else None


def parse_scenario(data: Any, *, source: str = "<scenario>") -> Plan:
    """Validate a scenario mapping; the first problem becomes a ScenarioError."""
    if not isinstance(data, dict):
        raise ScenarioError("a scenario must be a mapping of keys to values", file=source)
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(p for p in error["loc"] if not str(p).startswith("function"))
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key (not part of the scenario schema)"
            value = loc[-1] if loc else None
        else:
            value = _error_value(data, loc)
        raise ScenarioError(message, file=source, field=_field_path(loc) or None,
                            value=value) from None
    return plan.model_copy(update={"path": source})


def load_scenario(path: str | Path) -> Plan:
    """Read a scenario YAML file; errors name the file, the field and the value."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("file not found", file=str(path)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ScenarioError(f"malformed YAML ({problem})", file=where) from None
    plan = parse_scenario(data, source=str(path))
    if plan.id != path.stem:
        raise ScenarioError(f"id must equal the file name '{path.stem}'", file=str(path),
                            field="id", value=plan.id)
    return plan
