"""Strict scenario schema (unknown keys rejected) and loading with file/field/value errors.

Valid ranges of every field (anything outside is refused with the file, field and value):

- `id`: equals the file name (without .yaml) when loaded from a file; a plan given as a
  mapping (`parse_scenario`: from Python, the web app or the API) must use letters,
  digits and dashes, start with a letter or digit, and have at most MAX_PLAN_ID (64)
  characters, since it becomes a file name (`plan_file_stem`). `title`: text, not empty,
  at most MAX_TITLE (200) characters; `description`: at most MAX_DESCRIPTION (5,000).
- Text (`id`, `title`, `description`, notes, sources, labels, category and supplier names):
  no control or bidirectional formatting character (`moneytrail.text`: a U+202E in a title
  would reverse the text around it on the run page and in the PDF); tab and line breaks are
  allowed in `description` and `note` only. Free text (`title`, `description`, notes,
  labels) is kept without white space at either end and with line breaks as \\n
  (`free_text`), as the web builder reads it.
- `kind`: absent for a plan a government or firm announced (or one a user builds);
  `hypothetical` for a plan moneytrail made up to compare with (the efficiency-first
  reference plan), which must say why in `kind_note`. Both are for readers (the web pages
  say it beside the plan's title) and are no input of the trace: left out of the plan's
  canonical form, so they change no run id.
- Whole numbers (`year`, `price_year`, `draws`, `seed`, `horizon_years`, `spend_years`) are
  integers in every form: `year: "2025"`, `year: true` or `year: 2025.0` is refused; text
  with an underscore (`year: "2_025"`) says what to write (numbers.underscore_refusal),
  as the command line's whole-number options do (numbers.read_whole).
- `year`, `price_year`: 1990..2100 (whether the data cover the year is checked against the data
  package when the model is built; a price year after the newest year of the package's FX
  rates and deflators is refused by `service.tasks.check_fx`); `as_of`: a real date.
- `currency`: three letters (ISO 4217), read in any case as the builder reads them (`eur`
  is EUR, and `€` is EUR: numbers.currency_of_symbol); whether the FX table knows it is checked by
  `check_currency` where the table is at hand.
- `budget.amount`: positive and at most MAX_BUDGET = 1e17 in the plan's currency (a whole
  number of any length too, `BUDGET_CAP`; the message states the cap in units of the plan's
  currency, true in every currency). 1e17 is
  about a thousand times world GDP in USD or EUR, yet still covers the largest real plan in
  the currencies with the smallest unit (KRW 622 trillion = 6.2e14; 1e17 IDR or VND is a few
  trillion USD), so no real plan is refused while 1e30 and other typos are. Where the data
  are at hand, `service.tasks.check_budget` refuses a budget above the largest GDP in
  macro/gdp.csv (in USD at the price year).
- `spend`, `procurement`, `renewable_share`: shares in [0, 1] with low <= central <= high,
  as numbers or, in files, as percents (`39%` is 0.39, `shares_read`); central spend shares
  (and each category's supplier shares) add up to 1. Categories and suppliers are kept
  sorted by name (`canonical_order`): the order a plan lists them in changes neither its
  run id nor its numbers.
- `draws`: 1..MAX_DRAWS (10,000,000; `MONEYTRAIL_MAX_DRAWS` raises it, see `check_draws`).
- `seed`: 0..2**63 - 1 (numpy's seed sequence takes non-negative integers).
- `horizon_years`, `spend_years`: 1..30; `spend_years` at most `horizon_years` (the horizon
  counts the years of operation of what the plan buys). `site_country`: an ISO 3166 country
  code (two capital letters, officially assigned: `moneytrail.countries`; `XX` is refused) or
  EU.
- `buyer_region`: EU or US, required in a plan file (YAML file or text:
  `needs_buyer_region`); a plan given as a mapping (Python, the API) without it buys in the
  EU market (the model's default). `conditions`: see `Condition` (metric-specific ranges).
- Every number field refuses NaN and infinity (`.nan`, `.inf`, 'Infinity') with one
  message (`non_finite_message`): the models are built with `allow_inf_nan=False`. A number
  written in digits beyond any float (`1e400`, `1.0e+400` in YAML, a whole number of 400
  digits) gets the message of a number above the field's cap (`beyond_cap`: BUDGET_CAP, a
  share's 0..1, a condition metric's range, a whole-number field's range), as the ledger
  refuses 1e400 like 2e17.
- Numbers are read as the ledger reads its cells (data.checks.NUMBER_RE): text with an
  underscore (`"20_000"`, `"0_5"`) is 'not a number' (numbers.UNDERSCORE), and a non-zero
  number a float holds as 0 (`"1e-400"`; `1.0e-400` in YAML, yamlio) is 'too small to store
  (it rounds to 0)' (`number_text_value`), naming the field. The one exception is YAML's own
  number syntax: an unquoted `amount: 20_000_000_000` is read by YAML 1.1 as the integer
  20000000000 before the schema sees it, so a plan file accepts it as it accepts `2.0e10`
  (the schema gets a number, not text; quoted, `"20_000"` is text and refused).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import operator
import re
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from moneytrail.countries import SITE_CODES
from moneytrail.errors import LimitError, ScenarioError
from moneytrail.numbers import AMOUNT_CAP, AMOUNT_CAP_WORDS, currency_of_symbol
from moneytrail.scenarios import yamlio
from moneytrail.text import length_problem, shown_count, shown_text, text_problem, unix_lines

SHARE_TOLERANCE = 1e-6
MAX_BUDGET = AMOUNT_CAP      # 1e17, see the module docstring for why
# the refusals of a budget out of range; the cap counts units of the plan's currency,
# whatever it is, so the message compares it with no figure in one currency
BUDGET_CAP = (f"a budget can be at most {AMOUNT_CAP_WORDS} in the plan's currency, the "
              "upper bound (there to catch typos): check the amount and its size word")
BUDGET_FLOOR = "a budget must be more than zero: at least 1, one unit of the plan's currency"
MAX_DRAWS = 10_000_000
DRAWS_VARIABLE = "MONEYTRAIL_MAX_DRAWS"
MAX_SEED = 2 ** 63 - 1
YEARS = (1990, 2100)
MAX_PLAN_ID = 64             # characters of a plan id from the web app or the API
PLAN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
RELIABILITY = ("filing", "official", "analyst", "estimate", "weak", "assumption")
# a figure the user set in the plan builder (web.builder.own_row): no source, this label and a
# note starting with USER_NOTE. The evidence weight counts it as the plan's own input
# (engine.evidence.OWN), not as an assumption of the data.
USER_RELIABILITY = "assumption"
USER_NOTE = "Set by the user in the plan builder, not taken from a source."
MULTILINE = frozenset({"description", "note"})    # text fields that may hold line breaks
FREE_TEXT = frozenset({"title", "description", "note", "label"})   # see free_text
TEXT_ERROR = "control_character"                  # pydantic error type of a refused character
# every field of type int (Plan's), for Strict._whole_numbers; a test checks none is missing
INTEGER_FIELDS = ("year", "price_year", "draws", "seed", "horizon_years", "spend_years")


class Strict(BaseModel):
    # allow_inf_nan=False: every float field of the schema refuses NaN and infinity itself
    # (parse_scenario words the refusal with `non_finite_message`), so no list of number
    # fields elsewhere can fall behind the schema
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        """Refuse control and bidi formatting characters in every text field and in the
        names used as mapping keys (categories, suppliers); see `moneytrail.text`."""
        texts = [value] if isinstance(value, str) else \
            [key for key in value if isinstance(key, str)] if isinstance(value, dict) else []
        for text in texts:
            problem = text_problem(text, multiline=info.field_name in MULTILINE
                                   and text is value)
            if problem:
                raise PydanticCustomError(TEXT_ERROR, problem)
        if isinstance(value, str) and info.field_name in FREE_TEXT:
            return free_text(value)
        return value

    # the integer fields by name, not "*": a before-validator on a date field makes strict
    # JSON validation see its ISO text as a Python str and refuse it (`as_of`)
    @field_validator(*INTEGER_FIELDS, mode="before", check_fields=False)
    @classmethod
    def _whole_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """A whole number of another integer type (numpy's np.int64, read from an array or a
        DataFrame) as the int it stands for, so every integer field takes it as `draws` and
        `seed` do (strict fields refuse anything but int); a bool stays a bool (refused).
        Text with an underscore in a plan file or a Python mapping (`draws: "2_00"`, quoted;
        YAML reads an unquoted 2_00 as its own integer 200) is refused as a float field
        refuses `"20_000"`, saying what to write (numbers.underscore_refusal), not in
        pydantic's 'Input should be a valid integer'."""
        from moneytrail.numbers import underscore_refusal

        if isinstance(value, numbers.Integral) and not isinstance(value, int | bool):
            return operator.index(value)
        if isinstance(value, str) and "_" in value and info.mode == "python":
            raise PydanticCustomError(NUMBER_TEXT_ERROR, underscore_refusal(value, quoted=True))
        return value


def free_text(text: str) -> str:
    """Free text (title, description, notes, labels) as one canonical string: line breaks
    as \\n and no white space at either end. A YAML block scalar's final line break and a
    browser's CR LF line breaks (the builder strips what it reads) then give the same plan,
    and so the same run id."""
    return unix_lines(text).strip()


PART_ERROR = "interval_part"     # pydantic error type of an interval check naming one part
LENGTH_ERROR = "text_too_long"    # pydantic error type of a title or description over its limit
MAX_TITLE = 200                  # characters of a plan's title (a saved plan's title: the same)
MAX_DESCRIPTION = 5_000          # characters of a plan's description (likewise)
TEXT_LIMITS = {"title": MAX_TITLE, "description": MAX_DESCRIPTION}


def text_length_problem(field: str, value: str) -> str | None:
    """Why a plan's `title` or `description` is too long (TEXT_LIMITS), or None: a title heads
    every page, report and file name shown, a description sits under it; 100,000 characters
    is a pasted document, not a title."""
    return length_problem(value, TEXT_LIMITS[field])



def _part_error(part: str | None, message: str) -> PydanticCustomError:
    """An interval's check failing on one of its parts (`central`, `low`, `high`,
    `reliability`, `note`): parse_scenario adds `part` to the error's field, so the message
    names `spend.accelerators.high`, not `spend.accelerators` (None: the whole interval, a
    bare share such as `renewable_share: 2`)."""
    return PydanticCustomError(PART_ERROR, message,
                               {"part": part} if part else {})


NUMBER_TEXT_ERROR = "number_text"   # pydantic error type of number text refused as the ledger does


def number_text_value(value: Any, info: ValidationInfo) -> Any:
    """A float field's value given as text in a plan file or a Python mapping (not a strict
    JSON body, whose text is refused as text), read as the ledger reads a number cell
    (data.checks.NUMBER_RE): an underscore (`"20_000"`, which pydantic would read as 20000)
    or digits other than ASCII (`"１０"`) are 'not a number' (numbers.UNDERSCORE); a non-zero
    number a float holds as 0 (`"1e-400"`) is numbers.TOO_SMALL, not silently 0. Plain
    digits are returned as the float they stand for; any other text is left for the field's
    type check (pydantic's words, or `non_finite_message`, or the cap: `beyond_cap`)."""
    from moneytrail.numbers import PLAIN, TOO_SMALL, UNDERSCORE, rounds_to_zero

    if not isinstance(value, str) or info.mode != "python":
        return value
    text = value.strip()
    if "_" in text:
        raise PydanticCustomError(NUMBER_TEXT_ERROR, UNDERSCORE)
    if not text.isascii() and any(ch.isdigit() for ch in text):
        raise PydanticCustomError(NUMBER_TEXT_ERROR, "not a number: write it in the digits "
                                  "0 to 9, with a point for decimals")
    if PLAIN.fullmatch(text) and rounds_to_zero(text):
        raise PydanticCustomError(NUMBER_TEXT_ERROR, TOO_SMALL)
    return value


def is_user_input(source: Any, reliability: Any, note: Any) -> bool:
    """Whether a plan's share with this source, reliability and note is the user's own figure
    from the plan builder: no source, labelled USER_RELIABILITY, its note starting with
    USER_NOTE."""
    return (not source and reliability == USER_RELIABILITY
            and str(note or "").startswith(USER_NOTE))


class Interval(Strict):
    """A share with its 90 % interval and where it comes from."""

    central: float
    low: float | None = None
    high: float | None = None
    source: str | None = None
    reliability: str | None = None
    note: str | None = None

    @field_validator("central", "low", "high", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"a share must be a number, got {value}")
        return number_text_value(value, info)

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        low = self.central if self.low is None else self.low
        high = self.central if self.high is None else self.high
        bare = self.low is None and self.high is None
        for name, value in (("central", self.central), ("low", low), ("high", high)):
            if not math.isfinite(value) or value < 0 or value > 1:
                # a bare share (`renewable_share: 2`) has no low/high: name no part of it
                what = "must" if bare else f"{name} must"
                raise _part_error(None if bare else name, f"{what} be a share between 0 "
                                  f"and 1, got {number_text(value)}")
        if not low <= self.central <= high:
            # named on the part that is above its neighbour: low above central, else
            # central above high ('0.7 is above its high 0.46'); the builder reads the tail
            part, above, name, below = ("low", low, "central", self.central) \
                if low > self.central else ("central", self.central, "high", high)
            raise _part_error(part, f"{number_text(above)} is above its {name} "
                              f"{number_text(below)}: must satisfy low <= central <= high, "
                              f"got {low}/{self.central}/{high}")
        if self.reliability is not None and self.reliability not in RELIABILITY:
            raise _part_error("reliability",
                              f"reliability must be one of {', '.join(RELIABILITY)}")
        if self.reliability == "assumption" and not self.note:
            raise _part_error("note", "an assumption must explain its reasoning in note")
        return self

    @property
    def own(self) -> bool:
        """Whether this share is the user's own figure from the plan builder (is_user_input)."""
        return is_user_input(self.source, self.reliability, self.note)

    @property
    def bounds(self) -> tuple[float, float, float]:
        low = self.central if self.low is None else self.low
        high = self.central if self.high is None else self.high
        return low, self.central, high


class Budget(Strict):
    amount: float
    source: str | None = None
    note: str | None = None

    @field_validator("amount", mode="before")
    @classmethod
    def _a_number(cls, value: Any, info: ValidationInfo) -> Any:
        """true/false is no number; a whole number out of range is refused here, with the
        messages of `_positive`, since one too large for a float (400 digits, from a YAML
        file or a JSON body) would otherwise be pydantic's 'Input should be a valid number';
        text as `number_text_value` reads it."""
        if isinstance(value, bool):
            raise ValueError(f"budget must be a number, got {value}")
        if isinstance(value, int) and value > MAX_BUDGET:
            raise ValueError(BUDGET_CAP)
        if isinstance(value, int) and value < 1:
            raise ValueError(BUDGET_FLOOR)
        return number_text_value(value, info)

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: float) -> float:
        if not math.isfinite(value) or value < 1:
            raise ValueError(BUDGET_FLOOR)
        if value > MAX_BUDGET:
            raise ValueError(BUDGET_CAP)
        return value


# Metrics a condition can name, with the range a threshold must lie in (see analysis.conditions).
CONDITION_METRICS: dict[str, tuple[float, float]] = {
    "value_added_share": (0.0, 1.0),        # needs one of group / country / owner_country / entity
    "eu_value_added_share": (0.0, 1.0),
    "eu_labour_share": (0.0, 1.0),
    "labour_share": (0.0, 1.0),
    "hhi_change": (-10_000.0, 10_000.0),
    "single_supplier_share": (0.0, 1.0),     # first invoices
    "value_chain_single_supplier_share": (0.0, 1.0),     # value added, all tiers
    "export_exposed_share": (0.0, 1.0),
    "renewable_share": (0.0, 1.0),
    "closed_model_share": (0.0, 1.0),
    "open_weights_only": (0.0, 0.0),        # shorthand: closed_model_share at most 0
    "co2_tonnes": (0.0, math.inf),
    "residual_value_share": (0.0, 1.0),
    # market power (analysis.market_power); rent may be negative (an economic loss)
    "rent_share": (-1.0, 1.0),
    "dominant_rent_share": (0.0, 1.0),      # threshold: the share that counts as dominant
    "markup_share": (0.0, 1.0),
}
SELECTORS = ("group", "country", "owner_country", "entity")


class Condition(Strict):
    """A declarative rule: a metric of the plan and a bound it must respect (`max` or `min`)."""

    metric: str
    max: float | None = None
    min: float | None = None
    group: str | None = None
    country: str | None = None
    owner_country: str | None = None
    entity: str | None = None
    threshold: float | None = None          # single_supplier_share: the share that counts
    on: dt.date | None = None               # export_exposed_share: the date rules apply
    label: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _yaml_on_key(cls, value: Any) -> Any:
        """YAML 1.1 reads an unquoted `on:` key as boolean True: take it as `on`."""
        if isinstance(value, dict) and True in value:
            if "on" in value:
                raise ValueError("give the date once: `on` appears twice")
            value = {("on" if k is True else k): v for k, v in value.items()}
        return value

    @field_validator("max", "min", "threshold", mode="before")
    @classmethod
    def _number_text(cls, value: Any, info: ValidationInfo) -> Any:
        return number_text_value(value, info)

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, value: str) -> str:
        if value not in CONDITION_METRICS:
            raise ValueError(f"unknown metric {value!r} (known: {', '.join(CONDITION_METRICS)})")
        return value

    @field_validator("max", "min")
    @classmethod
    def _bound_in_range(cls, value: float | None, info: ValidationInfo) -> float | None:
        metric = info.data.get("metric")
        if value is None or metric is None:
            return value
        if metric == "open_weights_only":
            raise ValueError("open_weights_only takes no max or min")
        low, high = CONDITION_METRICS[metric]
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"threshold {value} is outside the range of {metric} "
                             f"[{low:g}, {high:g}]")
        return value

    @field_validator("threshold")
    @classmethod
    def _threshold_share(cls, value: float | None) -> float | None:
        if value is not None and not 0 < value <= 1:
            raise ValueError("threshold must be a share in (0, 1]")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Condition:
        selectors = [name for name in SELECTORS if getattr(self, name) is not None]
        if self.metric == "value_added_share" and len(selectors) != 1:
            raise ValueError("value_added_share needs exactly one of group, country, "
                             "owner_country or entity")
        if self.metric != "value_added_share" and selectors:
            raise ValueError(f"{selectors[0]} only applies to value_added_share")
        if self.metric != "open_weights_only" and (self.max is None) == (self.min is None):
            raise ValueError("give exactly one bound: max or min")
        return self

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        if self.metric == "open_weights_only":
            return "open-weight models only"
        which = next((f" ({getattr(self, s)})" for s in SELECTORS if getattr(self, s)), "")
        bound = f"<= {self.max:g}" if self.max is not None else f">= {self.min:g}"
        return f"{self.metric}{which} {bound}"


def _interval(value: Any) -> Any:
    """A bare share is the central value of an interval (a wrong type is then named as
    `central`'s, e.g. a string where a number belongs)."""
    return {"central": value} if isinstance(value, int | float | str) else value


class Plan(Strict):
    """A spending plan: what a buyer spends, on which categories, through which suppliers."""

    id: str
    title: str
    description: str = ""
    # what the plan is, for readers: None for a plan a government or firm announced (or one a
    # user builds); 'hypothetical' for a plan moneytrail itself made up to compare with (a
    # reference plan nobody announced), with `kind_note` saying why. Not an input of the
    # trace: left out of the plan's canonical form (its run id) and of plans saved from it.
    kind: Literal["hypothetical"] | None = Field(default=None, exclude=True)
    kind_note: str | None = Field(default=None, exclude=True)
    year: int = Field(ge=YEARS[0], le=YEARS[1], strict=True)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    price_year: int | None = Field(default=None, ge=YEARS[0], le=YEARS[1], strict=True)
    buyer_region: str = "EU"
    budget: Budget
    spend: dict[str, Interval]
    procurement: dict[str, dict[str, Interval]] = Field(default_factory=dict)
    draws: int = Field(default=10_000, ge=1, strict=True)
    seed: int = Field(default=1, ge=0, le=MAX_SEED, strict=True)
    conditions: list[Condition] = Field(default_factory=list)
    site_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    horizon_years: int = Field(default=5, ge=1, le=30, strict=True)
    # years the budget is spent over (default: horizon_years); market sizes are annual
    spend_years: int | None = Field(default=None, ge=1, le=30, strict=True)
    renewable_share: Interval | None = None
    as_of: dt.date | None = None
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

    @field_validator("renewable_share", mode="before")
    @classmethod
    def _renewable_interval(cls, value: Any) -> Any:
        return _interval(value)

    @field_validator("currency", mode="before")
    @classmethod
    def _currency_code(cls, value: Any) -> Any:
        """A currency code as the plan builder reads it (numbers.currency_of_symbol): any
        case and '€' for EUR, so a file's `currency: eur` is the builder's `eur`, EUR."""
        return currency_of_symbol(value) if isinstance(value, str) else value

    @field_validator("spend_years")
    @classmethod
    def _spent_within_the_horizon(cls, value: int | None, info: ValidationInfo) -> int | None:
        """The horizon counts the years of operation of what the plan buys (electricity over
        it, residual value at its end: docs/methods.md, 'Lifecycle cost and TCO'), so the
        budget is spent within it: buying for 10 years while counting 3 years of operation
        would count hardware bought after the horizon as run for all of it."""
        horizon = info.data.get("horizon_years")
        if value is None or not isinstance(horizon, int) or value <= horizon:
            return value
        raise ValueError(f"must be at most the horizon, horizon_years ({horizon} years): "
                         "the horizon counts the years of operation of what the "
                         f"plan buys; spend over at most {horizon} years or raise "
                         f"horizon_years to {value} or more")

    @field_validator("title")
    @classmethod
    def _title_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a plan needs a title (it heads every page and report)")
        return value

    @model_validator(mode="after")
    def _kind_says_why(self) -> Plan:
        if self.kind is not None and not (self.kind_note or "").strip():
            raise ValueError(f"a plan of kind {self.kind!r} says why in `kind_note`")
        return self

    @field_validator("title", "description")
    @classmethod
    def _text_length(cls, value: str, info: ValidationInfo) -> str:
        problem = text_length_problem(str(info.field_name), value)
        if problem:
            raise PydanticCustomError(LENGTH_ERROR, problem)
        return value

    @field_validator("draws")
    @classmethod
    def _draws_limit(cls, value: int) -> int:
        top = max_draws()
        if value > top:
            raise ValueError(f"{shown_count(value)} draws is more than the limit of "
                             f"{top:,} (set {DRAWS_VARIABLE} to raise it)")
        return value

    @field_validator("site_country")
    @classmethod
    def _site_is_a_country(cls, value: str | None) -> str | None:
        if value is not None and value not in SITE_CODES:
            raise ValueError("not an ISO 3166 country code (no country has this code): give "
                             "the site's two-letter code, such as FR or DE, or leave "
                             "site_country out to site the plan in its buyer region")
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
        value = canonical_order(value)
        total = sum(share.central for share in value.values())
        if abs(total - 1) > SHARE_TOLERANCE:
            raise ValueError(f"spend shares (central) add up to {total:.6g}, not 1")
        return value

    @field_validator("procurement")
    @classmethod
    def _procurement_sums_to_one(cls, value: dict[str, dict[str, Interval]]
                                 ) -> dict[str, dict[str, Interval]]:
        value = {category: canonical_order(shares)
                 for category, shares in canonical_order(value).items()}
        for category, shares in value.items():
            total = sum(share.central for share in shares.values())
            if abs(total - 1) > SHARE_TOLERANCE:
                raise ValueError(f"supplier shares for '{category}' add up to {total:.6g}, "
                                 "not 1")
        return value

    @property
    def total(self) -> float:
        return self.budget.amount


V = TypeVar("V")


def canonical_order(mapping: dict[str, V]) -> dict[str, V]:
    """A plan's categories (or a category's suppliers) in one order, sorted by name: the
    order a plan lists them in is no input (the run id hashes sorted keys), so it must not
    change the numbers either. The engine draws shares in this order (engine.demand), so any
    order of a plan's `spend` and `procurement` gives bit-identical results."""
    return dict(sorted(mapping.items()))


def number_text(value: float) -> str:
    """A number as a reader wrote it: 2 for 2.0, 0.35 for 0.35 (never 2.0 or 3.5e-01)."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


# Fields whose text must match a pattern, with the rule in words (never the raw regex).
PATTERN_WORDS = {
    "currency": "must be three capital letters, an ISO 4217 code such as EUR or USD",
    "site_country": "must be two capital letters, an ISO 3166 country code such as FR or DE",
}


def _yaml_boolean(field: str) -> str:
    """Why a text field holds true/false: YAML 1.1 reads unquoted yes/no/on/off/true/false
    (any case) as a boolean. Norway's code NO is the usual victim."""
    return (f"must be text, but YAML read the value as true/false (unquoted yes, no, on, off, "
            f"true and false are read that way): put it in quotes, e.g. {field}: 'NO'")


def _field_path(loc: tuple) -> str:
    return ".".join(str(part) for part in loc if part not in ("function-after",))


def _error_node(data: Any, loc: tuple) -> Any:
    """The value at an error's location (objects and arrays included); None if the path
    does not resolve."""
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif not isinstance(node, dict | list):
            return node          # a bare share read as an interval's central value
        else:
            return None
    return node


def _error_value(data: Any, loc: tuple) -> Any:
    """The value to name in an error message: the node at the location, None for an object
    or an array (they are described by their type, never printed)."""
    node = _error_node(data, loc)
    return node if not isinstance(node, dict | list) else None


# pydantic error types of a number field given something that is not a (finite) number
NUMBER_ERRORS = frozenset({"finite_number", "float_type", "float_parsing", "int_type",
                           "int_parsing", "int_from_float"})


def non_finite(value: Any) -> bool:
    """Whether `value` is NaN or infinite: a float, or text a reader typed ('nan', 'Infinity',
    '-inf', '1e400'), as the builder keeps it."""
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "").replace("_", ""))
        except ValueError:
            return False
    return isinstance(value, float) and not math.isfinite(value)


def non_finite_message(value: Any) -> str:
    """The one refusal of NaN and infinity in any number field of a plan (file, builder, API):
    spelled out ('nan', 'Infinity') it is not a finite number; written as digits (1e400) it
    is too large to be one."""
    if any(c.isalpha() and c not in "eE" for c in str(value)):
        return "not a finite number (NaN and infinity cannot be traced); give a number"
    return "a number too large to be finite; give a smaller number"


# the range of each whole-number field but draws (its own limit message names it), for
# beyond_cap: a whole number of 400 digits gets the range, not pydantic's words alone
WHOLE_RANGES = {"year": YEARS, "price_year": YEARS, "seed": (0, MAX_SEED),
                "horizon_years": (1, 30), "spend_years": (1, 30)}
RANGE_ERRORS = frozenset({"less_than_equal", "greater_than_equal"})


def beyond_cap(loc: tuple, data: Any, value: Any) -> str | None:
    """The refusal of a number beyond any float (`1e400` written as digits, infinite as a
    float; a whole number of 400 digits) in a plan's float field at `loc`: the message the
    field gives a finite number above its cap, as the ledger refuses 1e400 like 2e17
    (`ledger.validate.cap_message`). `budget.amount`: BUDGET_CAP (BUDGET_FLOOR below 0); a
    share: between 0 and 1; a condition's `max`/`min`: its metric's range; `threshold`:
    (0, 1]; a whole-number field (`year`, `seed`, ...): its range (WHOLE_RANGES). None for a
    field without a cap here (the caller keeps its message)."""
    negative = str(value).strip().startswith("-")
    field = str(loc[-1]) if loc else ""
    written = str(value).strip() if not isinstance(value, int) else \
        f"a whole number of {len(str(abs(value))):,} digits"
    if len(loc) == 1 and field in WHOLE_RANGES:
        low, high = WHOLE_RANGES[field]
        top = f"{high:,}" if high > 9999 else str(high)
        return f"must be a whole number from {low} to {top}, got {written}"
    if loc == ("budget", "amount"):
        return BUDGET_FLOOR if negative else BUDGET_CAP
    if loc and loc[0] in ("spend", "procurement", "renewable_share"):
        return f"must be a share between 0 and 1, got {written}"
    if len(loc) == 3 and loc[0] == "conditions" and field in ("max", "min"):
        condition = _error_node(data, loc[:2])
        metric = condition.get("metric") if isinstance(condition, dict) else None
        if isinstance(metric, str) and metric in CONDITION_METRICS:
            low_bound, high_bound = CONDITION_METRICS[metric]
            shown = f"({written})" if isinstance(value, int) else written
            return (f"threshold {shown} is outside the range of {metric} "
                    f"[{low_bound:g}, {high_bound:g}]")
    if len(loc) == 3 and loc[0] == "conditions" and field == "threshold":
        return "threshold must be a share in (0, 1]"
    return None


def beyond_a_float(value: Any) -> bool:
    """Whether `value` is a number written as digits that no float holds: text or a JSON
    number such as 1e400 (infinite as a float), or a whole number of 400 digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) > 2 ** 1024
    return non_finite(value) and not any(c.isalpha() and c not in "eE" for c in str(value))


AMOUNT_HINT = ("write the amount as digits (5000000000 or 5e9) or with a size word as the web "
               "builder reads it (5 bn, 750 m, 1.5 tn, EUR 5 bn)")


def amount_read(data: dict, source: str) -> dict:
    """`data` with a `budget.amount` written as text read as the web builder reads it
    (moneytrail.numbers.read_number with sizes: `5 bn`, `EUR 20 bn`, `750 m`, `20,000,000`),
    so a YAML file and the builder accept the same amounts. A currency named with the amount
    must be the plan's. Text that is no amount is left for the schema to refuse (with
    AMOUNT_HINT); text that could be read two ways (`20.000`) is a ScenarioError saying how
    to write it."""
    from moneytrail.numbers import NumberTextError, read_number

    budget = data.get("budget")
    if not isinstance(budget, dict) or not isinstance(budget.get("amount"), str):
        return data
    text = budget["amount"]
    currency = data.get("currency")
    try:
        number = read_number(text, sizes=True,
                             currency=currency if isinstance(currency, str) else None)
    except NumberTextError as exc:
        raise ScenarioError(str(exc), file=source, field="budget.amount",
                            value=shown_text(text)) from None
    if number is None:
        return data
    return {**data, "budget": {**budget, "amount": number}}


def shares_read(data: dict, source: str) -> dict:
    """`data` with shares written as percents read as the web builder reads them
    (moneytrail.numbers.read_number with percent: `39%` and `39 %` are 0.39) in `spend`,
    `procurement` and `renewable_share`, as bare shares or as an interval's central, low and
    high; so a YAML file and the builder accept the same shares. Other text is left for the
    schema to refuse, naming the field; a percent with a decimal comma (`39,5%`) is a
    ScenarioError saying to use a point."""
    from moneytrail.numbers import NumberTextError, read_number

    def share(value: Any, field: str) -> Any:
        if isinstance(value, dict):
            return {k: share(v, f"{field}.{k}") if k in ("central", "low", "high") else v
                    for k, v in value.items()}
        if not isinstance(value, str) or not value.strip().endswith("%"):
            return value
        try:
            number = read_number(value, percent=True)
        except NumberTextError as exc:
            raise ScenarioError(str(exc), file=source, field=field,
                                value=shown_text(value)) from None
        return value if number is None else number

    out = dict(data)
    if isinstance(out.get("spend"), dict):
        out["spend"] = {k: share(v, f"spend.{k}") for k, v in out["spend"].items()}
    if isinstance(out.get("procurement"), dict):
        out["procurement"] = {
            cat: ({k: share(v, f"procurement.{cat}.{k}") for k, v in suppliers.items()}
                  if isinstance(suppliers, dict) else suppliers)
            for cat, suppliers in out["procurement"].items()}
    if "renewable_share" in out:
        out["renewable_share"] = share(out["renewable_share"], "renewable_share")
    return out


def bundled_categories() -> set[str]:
    """The spending categories of the bundled data package (valuechain/categories.csv, read
    with the csv module: no pandas at this layer)."""
    import csv
    from importlib import resources

    path = resources.files("moneytrail") / "data" / "package" / "valuechain" / "categories.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["id"] for row in csv.DictReader(handle)}


def unknown_category_first(data: dict, message: str, source: str,
                           categories: Collection[str] | None = None) -> None:
    """Shares that do not add up to 1 beside a category the bundled data do not know
    (`spend.unicorns: 0.1`, a typo or a stray row): raise the unknown name first, as the
    engine and the web app would (engine.demand.market_rows), with the shares' sum after it,
    so the fault the user can see is named before its consequence. Nothing is raised when
    every name is known (the caller raises the sum error). `categories`: the known ones
    (None: the bundled data package's; empty: no check)."""
    spend, procurement = data.get("spend"), data.get("procurement")
    names = [("spend", str(k)) for k in (spend if isinstance(spend, dict) else ())]
    names += [("procurement", str(k))
              for k in (procurement if isinstance(procurement, dict) else ())]
    known = bundled_categories() if categories is None else set(categories)
    bundled = " in the bundled data" if categories is None else ""
    for where, name in names if known else ():
        if name not in known:
            raise ScenarioError(f"unknown spending category (known{bundled}: "
                                f"{', '.join(sorted(known))}); also, {message}",
                                file=source, field=f"{where}.{name}", value=name)


def missing_message(name: str, errors: list[Any], parent: tuple) -> str | None:
    """The message for a required key `name` left out where the same mapping (`parent`)
    holds unknown keys: a typo (`budgt:` for `budget:`) is named beside the key it stands
    for, "required; unknown key 'budgt' — did you mean 'budget'?". None without unknown keys
    there (pydantic's own "Field required" stands)."""
    import difflib

    extras = [str(e["loc"][-1]) for e in errors
              if e["type"] == "extra_forbidden" and tuple(e["loc"][:-1]) == parent]
    if not extras:
        return None
    close = difflib.get_close_matches(name, extras, n=1, cutoff=0.6)
    if close:
        return f"required; unknown key '{shown_text(close[0])}' — did you mean '{name}'?"
    named = ", ".join(f"'{shown_text(e)}'" for e in extras[:3])
    return f"required; unknown key {named} (not part of the scenario schema)"


def needs_buyer_region(data: Any, source: str) -> None:
    """A plan file must name its `buyer_region`: whose market shares it buys at decides
    where its money goes (EU or US), and the model's default (EU, kept for plans given as
    a mapping from Python or the API; the builder always sets it) would trace a US plan
    left without it in the EU market, silently. Raises ScenarioError naming `source` and
    the field, as for any other required field; called once the rest of the plan passed
    the schema, so other problems (a typo such as `buyer_regoin`) are named first."""
    if isinstance(data, dict) and "buyer_region" not in data:
        raise ScenarioError("required in a plan file: EU or US, whose market shares the plan "
                            "buys at", file=source, field="buyer_region")


def parse_scenario(data: dict[str, Any] | str, *, source: str = "<scenario>",
                   strict: bool = False, id_rule: bool = True,
                   categories: Collection[str] | None = None) -> Plan:
    """A Plan from `data`, a scenario mapping (a dict) or the YAML text of one (e.g.
    `mt.parse_scenario(open(path).read())`; `mt.load_scenario(path)` reads a file, and holds
    its id to the file name). Text gets every check a scenario file gets (size and node
    limits, duplicate keys, dates: `moneytrail.scenarios.yamlio`). Returns a validated Plan.
    Shares that do not add up to 1 beside a spending category the data do not know are
    reported as the unknown category first: `categories` are the known ones (default: the
    bundled data package's; pass another package's, or an empty set for no such check).
    Raises ScenarioError for the first problem, naming the field and value (LimitError for
    text over the limits). `source` names the input in error messages.

    A plan given as a mapping (from Python, the web app or the API) has an id that follows
    the plan id rule (`check_plan_id`: letters, digits and dashes), as it names the plan's
    YAML file when it is saved or downloaded. `id_rule` (default True) holds it to that
    rule; `id_rule=False` leaves the id free where
    another rule stands: a file's id must equal its file name (`load_scenario`), a plan the
    tasks relabelled (`x #1`, `plan+rules`) is checked again (`revalidated`), a run's stored
    plan is read back (`check_stored_plan`).

    With `strict` (default False; the HTTP API's JSON bodies) every value must have its JSON
    type: numbers as numbers, whole numbers (year, draws, seed, ...) as integers, text as
    strings; dates are ISO strings. `"year": "2025"` or `"seed": "1"` is refused naming the
    field and value. Without it (YAML files, Python) a number written as text is still read as a
    number."""
    given = data
    if isinstance(data, str):
        data = scenario_text(data, source)
    if not isinstance(data, dict):
        # what was given (the text, or the value's repr, shortened) and what it reads as
        what = (f"text that YAML reads as a {type(data).__name__}, not a mapping"
                if isinstance(given, str) else f"a value of type {type(given).__name__}")
        raise ScenarioError(f"expected a scenario: a mapping of keys to values, as YAML text "
                            f"(e.g. 'id: my-plan' and more 'key: value' lines) or a dict; got "
                            f"{what}; for a file use mt.load_scenario(path)",
                            file=source, value=shown_text(given if isinstance(given, str)
                                                          else repr(given), 60))
    try:
        if strict:
            import json

            try:
                text = json.dumps(data)
            except (TypeError, ValueError):
                raise ScenarioError("a strict scenario holds JSON values only (objects, "
                                    "arrays, text, numbers, true/false, null)",
                                    file=source) from None
            plan = Plan.model_validate_json(text, strict=True)
        else:
            plan = Plan.model_validate(shares_read(amount_read(data, source), source))
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(p for p in error["loc"] if not str(p).startswith("function"))
        if error["type"] == PART_ERROR and (error.get("ctx") or {}).get("part"):
            loc = (*loc, error["ctx"]["part"])     # the interval's part at fault
        message = error["msg"].removeprefix("Value error, ")
        if loc == ("budget", "amount") and error["type"] == "float_parsing":
            message = f"{message}: {AMOUNT_HINT}"
        if error["type"] == "missing" and loc:
            message = missing_message(str(loc[-1]), exc.errors(), loc[:-1]) or message
        if loc in (("spend",), ("procurement",)) and "add up to" in message:
            unknown_category_first(data, message, source, categories)
        if error["type"] == "extra_forbidden":
            # the field names the key (`budget.unit`); the value is what it was given
            message = "unknown key (not part of the scenario schema)"
            value = _error_value(data, loc)
            value = shown_text(value) if isinstance(value, str) else value
        elif error["type"] == TEXT_ERROR:
            value = None         # the message names the character; never echo it
        elif error["type"] == LENGTH_ERROR:
            value = shown_text(str(_error_value(data, loc)))
        else:
            value = _error_value(data, loc)
            if error["type"] in NUMBER_ERRORS | RANGE_ERRORS and beyond_a_float(value) \
                    and beyond_cap(loc, data, value):
                message = str(beyond_cap(loc, data, value))
            elif error["type"] in NUMBER_ERRORS and non_finite(value):
                message = non_finite_message(value)
            elif error["type"] == "string_type" and isinstance(value, bool) and not strict:
                message = _yaml_boolean(str(loc[-1]) if loc else "value")
            elif error["type"] == "string_pattern_mismatch" and loc \
                    and str(loc[-1]) in PATTERN_WORDS:
                message = PATTERN_WORDS[str(loc[-1])]
            elif error["type"].endswith("_type") and strict:
                message = f"{message} (got {json_type(_error_node(data, loc))})"
        raise ScenarioError(message, file=source, field=_field_path(loc) or None,
                            value=value) from None
    if isinstance(given, str):
        needs_buyer_region(data, source)          # YAML text is a plan file's content
    if id_rule:
        check_plan_id(plan.id, file=source)
    return plan.model_copy(update={"path": source})


def revalidated(plan: Any) -> Plan:
    """A Plan checked by the schema again, as `parse_scenario` checks a file: pydantic's
    `model_copy(update=...)` (and `model_construct`) skip every validator, so a plan changed
    in Python could carry a budget of -5e9 or spend shares adding up to 1.3 into the engine.
    `mt.trace` and every service task call this at entry (under a millisecond). The plan
    returned is `plan` itself when the schema leaves it as it is (else its canonical form:
    categories sorted, free text stripped); errors are ScenarioErrors naming the plan's file
    (or id), the field and the value."""
    if not isinstance(plan, Plan):
        raise ScenarioError("expected a plan (mt.load_scenario(path) or parse_scenario)",
                            field="plan", value=type(plan).__name__)
    path = plan.path
    source = path if isinstance(path, str) and path else str(plan.id)
    # the fields the plan set, as it set them: a field left to its default stays unset
    # (model_fields_set: service.footprints.spend_years_default tells horizon_years: 5
    # written in a plan from the default)
    data = {key: value for key, value in plan.model_dump(warnings=False).items()
            if key in plan.model_fields_set}
    checked = parse_scenario(data, source=source, id_rule=False)    # ids as `x #1` stay
    checked = checked.model_copy(update={"path": path})
    return plan if checked == plan else checked      # the plan itself when nothing changed


def check_plan_id(plan_id: Any, *, file: str | None = None) -> str:
    """A plan id from the web app or the API: letters, digits and dashes, starting with a
    letter or digit, at most MAX_PLAN_ID characters (it names the plan's YAML file, and a
    leading dash would read as a command-line option). Raises ScenarioError naming `id`."""
    if not isinstance(plan_id, str) or len(plan_id) > MAX_PLAN_ID \
            or not PLAN_ID.fullmatch(plan_id):
        shown = plan_id[:40] + "\u2026" if isinstance(plan_id, str) and len(plan_id) > 40 \
            else plan_id
        length = f" (this one has {len(plan_id):,})" if isinstance(plan_id, str) \
            and len(plan_id) > MAX_PLAN_ID else ""
        raise ScenarioError(f"a plan id uses letters, digits and dashes only, starts with a "
                            f"letter or digit and has at most {MAX_PLAN_ID} characters"
                            f"{length}", file=file, field="id", value=shown)
    return plan_id


def distinct_labels(ids: list[str]) -> list[str]:
    """One label per plan of a list: an id that repeats (two versions of one plan, one plan
    with two seeds) gets its position in the list as a suffix, `x #1` and `x #2`, so every
    column of a comparison or scorecard has its own label; other ids stay as they are."""
    return [f"{i} #{k + 1}" if ids.count(i) > 1 else i for k, i in enumerate(ids)]


def plan_file_stem(plan_id: Any) -> str:
    """A safe file name (without .yaml) for a plan id: the id itself when it follows the
    plan id rule, else its letters, digits and dashes (at most MAX_PLAN_ID; "plan" when
    none are left), so a stored plan never names a path such as ../../x."""
    text = plan_id if isinstance(plan_id, str) else ""
    if len(text) <= MAX_PLAN_ID and PLAN_ID.fullmatch(text):
        return text
    stem = re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-")[:MAX_PLAN_ID].strip("-")
    return stem or "plan"


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages about strict JSON bodies."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float) and not math.isfinite(value):
        return "a number too large to be finite"
    if isinstance(value, float):
        return "a number with a fraction" if not float(value).is_integer() else "a float"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def max_draws() -> int:
    """The largest draw count accepted: MAX_DRAWS, or MONEYTRAIL_MAX_DRAWS if set."""
    return yamlio.limit(DRAWS_VARIABLE, MAX_DRAWS)


def check_draws(draws: Any, *, field: str = "draws", file: str | None = None,
                strict: bool = False) -> int:
    """A draw count from any front end (CLI option, API argument) checked before work starts:
    a whole number in 1..max_draws(); above the limit a LimitError says how to raise it.
    `strict` (JSON bodies) takes integers only, not text such as "100"."""
    if strict and (isinstance(draws, bool) or not isinstance(draws, numbers.Integral)):
        raise ScenarioError(f"draws must be a whole number (got {json_type(draws)})",
                            file=file, field=field, value=draws)
    if isinstance(draws, bool) or not isinstance(draws, numbers.Real | str):
        raise ScenarioError("draws must be a whole number", file=file, field=field,
                            value=draws)
    number = _whole(draws, file=file, field=field)
    if number is None:
        raise ScenarioError("draws must be a whole number", file=file, field=field,
                            value=draws)
    if number < 1:
        raise ScenarioError("need at least one draw", file=file, field=field, value=number)
    top = max_draws()
    if number > top:
        raise LimitError(f"{shown_count(number)} draws is more than the limit of {top:,} "
                         f"(set {DRAWS_VARIABLE} to raise it)", file=file, field=field,
                         value=number)
    return number


def _whole(value: Any, *, file: str | None, field: str) -> int | None:
    """The whole number `value` (an integer, or text as numbers.read_whole reads it) stands
    for, or None; text with an underscore ('1_000', which int() reads as 1000) raises
    ScenarioError saying what to write, as the schema's whole-number fields do."""
    from moneytrail.numbers import NumberTextError, read_whole

    if isinstance(value, numbers.Integral):
        return operator.index(value)
    try:
        return read_whole(str(value))
    except NumberTextError as exc:
        raise ScenarioError(str(exc), file=file, field=field, value=value) from None


def check_seed(seed: Any, *, field: str = "seed", file: str | None = None,
               strict: bool = False) -> int:
    """A random seed from any front end: a whole number in 0..2**63 - 1. `strict` (JSON
    bodies) takes integers only, not text such as "1"."""
    if strict and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise ScenarioError(f"seed must be a whole number from 0 to 2**63 - 1 (got "
                            f"{json_type(seed)})", file=file, field=field, value=seed)
    number = _whole(seed, file=file, field=field) if not isinstance(seed, bool) else None
    if number is None or not 0 <= number <= MAX_SEED:
        raise ScenarioError("seed must be a whole number from 0 to 2**63 - 1", file=file,
                            field=field, value=seed)
    return number


def check_currency(plan: Plan, known: Iterable[str]) -> None:
    """Refuse a plan whose currency the FX table does not know (call it where the table is
    at hand: the schema alone only checks the ISO 4217 form)."""
    known = set(known)
    if plan.currency not in known:
        raise ScenarioError(f"unknown currency (known: {', '.join(sorted(known))})",
                            file=plan.path or plan.id, field="currency", value=plan.currency)


def scenario_text(text: str, source: str) -> Any:
    """The data of a scenario's YAML text (parse_scenario), with a scenario file's checks: at
    most the file size limit in UTF-8 bytes, then yamlio.parse_yaml's."""
    most = yamlio.limit(yamlio.BYTES_VARIABLE, yamlio.MAX_BYTES)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > most:
        raise LimitError(f"the scenario text is {size:,} bytes, more than the limit of "
                         f"{most:,} (set {yamlio.BYTES_VARIABLE} to raise it)", file=source)
    data = yamlio.parse_yaml(text, ScenarioError, source=source)
    if data is None:
        raise ScenarioError("the text is empty (or holds only comments): a scenario is a "
                            "mapping of keys to values (id, title, year, budget, spend, ...)",
                            file=source)
    return data


def load_scenario(path: str | Path, *, categories: Collection[str] | None = None) -> Plan:
    """A Plan from a scenario YAML file at `path` (a str or Path); the plan's `id` must equal
    the file name without `.yaml`. For a dict or YAML text use `mt.parse_scenario`.
    `categories`: the spending categories of the data package the plan is for (default the
    bundled one's), named first when one is unknown and the shares do not add up to 1.

    Returns a validated Plan (`plan.total` its budget in `plan.currency`, `plan.spend` its
    category shares, `plan.draws` and `plan.seed` the trace's defaults).

    Raises ScenarioError naming the file, the field and the value for a file that is
    missing, a folder, not UTF-8 text, malformed YAML, a claims file, or a plan the schema
    refuses; LimitError over the size (1 MB) and node (100,000) limits
    (MONEYTRAIL_MAX_SCENARIO_BYTES, MONEYTRAIL_MAX_YAML_NODES raise them); ResourceError for
    a file that cannot be read. All are checked before any work starts
    (`moneytrail.scenarios.yamlio`)."""
    if not isinstance(path, str | Path):
        raise ScenarioError("load_scenario takes the path of a YAML file (a str or Path; use "
                            "parse_scenario for a mapping)", field="path",
                            value=type(path).__name__)
    path = Path(path)
    data = yamlio.read_yaml(path, ScenarioError, what="scenario file")
    if data is None:                # an empty file, or one holding only comments
        raise ScenarioError("the file is empty (or holds only comments): a scenario is a "
                            "mapping of keys to values (id, title, year, budget, spend, ...)",
                            file=str(path))
    if isinstance(data, dict) and "claims" in data:       # what marks a claims file
        raise ScenarioError(f"this is a claims file (it has a top-level 'claims' list), not a "
                            f"scenario: check its claims with `moneytrail claims check "
                            f"{path}`", file=str(path))
    plan = parse_scenario(data, source=str(path), id_rule=False, categories=categories)
    needs_buyer_region(data, str(path))
    if plan.id != path.stem:
        raise ScenarioError(f"id must equal the file name '{path.stem}'", file=str(path),
                            field="id", value=plan.id)
    return plan
