"""The claims file: its schema, one strict argument model per computation, and loading.

Each computation has its own argument model (unknown keys refused, types strict), so a typo such
as `group:` for `groups:` is an error naming the field instead of a silent 'contradicted'.
Checks against the data (unknown group, market, ledger ref ...) happen when the check runs, in
`claims_computations`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from moneytrail.data.package import bundled_path
from moneytrail.errors import MoneytrailError
from moneytrail.text import shown_around, text_problem, unsafe_character


class ClaimError(MoneytrailError):
    """A claims file is malformed or names something unknown."""


# -- argument models -----------------------------------------------------------------------

def _iso_date(value: Any) -> Any:
    """YAML gives a date for 2025-03-01 and a string for "2025-03-01": accept both, nothing else."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"give a date (YYYY-MM-DD), not a date and time (write "
                         f"{value.date().isoformat()})")
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _scenario(value: Any) -> Any:
    if isinstance(value, str | dict):
        return value
    raise ValueError("give a reference scenario id or an inline scenario (a mapping)")


CLAIMED_ON = re.compile(r"\d{4}-\d{2}(-\d{2})?")


def _claimed_on(value: Any) -> Any:
    """When a claim was made: a day (YYYY-MM-DD, quoted or not) or a month (YYYY-MM), a real
    one; '' when not known. Kept as text, so a month stays a month."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"give a date (YYYY-MM-DD) or a month (YYYY-MM), not a date and time "
                         f"(write {value.date().isoformat()})")
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError("give a date (YYYY-MM-DD) or a month (YYYY-MM) as text")
    text = value.strip()
    if not text:
        return ""
    if not CLAIMED_ON.fullmatch(text):
        raise ValueError("give a date (YYYY-MM-DD) or a month (YYYY-MM)")
    try:
        dt.date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        raise ValueError("no such date (give YYYY-MM-DD or YYYY-MM)") from None
    return text


Names = Annotated[list[str], Field(min_length=1)]
Year = Annotated[int, Field(ge=0)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class DealStage(Args):
    """A deal's amount at one stage, by the ledger's rule (ledger.queries.counted_refs): its
    own latest claim of the stage, else the sum of its parts'."""
    deal: str
    stage: Literal["announced", "committed", "disbursed"]


class LedgerRatioArgs(Args):
    """Sum of ledger claims (refs) over another sum, both in EUR. A side given as
    `numerator_of` / `denominator_of` (a deal and a stage) counts the claims the ledger itself
    counts for that deal and stage (as its deal page and totals do)."""
    numerator: Names | None = None
    denominator: Names | None = None
    numerator_of: DealStage | None = None
    denominator_of: DealStage | None = None

    @model_validator(mode="after")
    def _one_form_per_side(self) -> LedgerRatioArgs:
        for side in ("numerator", "denominator"):
            if (getattr(self, side) is None) == (getattr(self, f"{side}_of") is None):
                raise ValueError(f"give exactly one of {side} (claim refs) or {side}_of "
                                 "(a deal and a stage)")
        return self


class DealSectorArgs(Args):
    """1 when the ledger deal's sector is `sector`, else 0."""
    deal: str
    sector: str


class MarketShareArgs(Args):
    """Share of one market held by named suppliers, or by suppliers owned in one country."""
    category: str
    buyer_region: str
    year: Year
    suppliers: Names | None = None
    owner_country: str | None = None

    @model_validator(mode="after")
    def _one_selection(self) -> MarketShareArgs:
        if (self.suppliers is None) == (self.owner_country is None):
            raise ValueError("give exactly one of suppliers or owner_country")
        return self


class TraceShareArgs(Args):
    """Share of a traced plan going to named entities and/or groups."""
    scenario: Annotated[Any, AfterValidator(_scenario)]
    basis: Literal["first_invoice", "value_added"] = "first_invoice"
    entities: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something_picked(self) -> TraceShareArgs:
        if not self.entities and not self.groups:
            raise ValueError("give entities or groups (or both)")
        return self


class ValueRemainingArgs(Args):
    """Share of hardware value left after `years`."""
    years: float = Field(ge=0, allow_inf_nan=False)


class RunPairArgs(Args):
    """Two training runs of the efficiency table."""
    model: str
    comparator: str


class MembersExposedArgs(Args):
    """EU members under export caps on a date: `caps: binding` (default) counts caps that bind
    on the date, as the scorecard does; `caps: published` counts the caps of every rule in
    force on the date (published and not rescinded), whether or not they bind yet: what the US
    has shown it can impose, for a claim that it "could" restrict."""
    date: IsoDate
    caps: Literal["binding", "published"] = "binding"


class RentArgs(Args):
    """Economic profit (rent) of a traced plan (analysis.market_power): `rent_share` (of the
    spending), `dominant_rent_share` (share of the positive rent going to firms above
    `threshold` of some market; default the data's single-supplier threshold) or
    `markup_share` (paid above suppliers' cost of goods)."""
    scenario: Annotated[Any, AfterValidator(_scenario)]
    measure: Literal["rent_share", "dominant_rent_share", "markup_share"] = "rent_share"
    threshold: Annotated[float, Field(gt=0, le=1)] | None = None
class TraceJobsArgs(Args):
    """Jobs (FTE-years) a traced plan pays for in some countries, all or one duration
    (analysis.jobs): `part` is all, temporary (construction and equipment) or lasting
    (operations).
    `per: year` (temporary only) gives FTE at one time: FTE-years / years of spending."""
    scenario: Annotated[Any, AfterValidator(_scenario)]
    countries: list[str] = Field(min_length=1)
    part: Literal["all", "temporary", "lasting"] = "all"
    # `per: year` turns temporary FTE-years into FTE at one time (jobs): FTE-years / the years
    # the budget is spent over (`spend_years` here, which the check's `sources` must back: the
    # source of a pace or a labelled assumption; else the plan's own spend_years), an average
    # over the build. Never the plan's horizon as a silent default. A fraction of a year is
    # allowed (USD 100 bn at USD 125 bn a year is 0.8 years).
    per: Literal["total", "year"] = "total"
    spend_years: Annotated[float, Field(gt=0, le=30)] | None = None
    # a reader's own check (service.own_claims) of a plan without spend_years spreads over
    # the plan's horizon, as the run page's jobs do (analysis.concentration.spend_years); its
    # caller says in the result whether that is the tool's default. Listed claims never do.
    horizon_if_unset: bool = False

    @model_validator(mode="after")
    def _per_year_of_temporary(self) -> TraceJobsArgs:
        if self.per == "year" and self.part != "temporary":
            raise ValueError("per: year divides FTE-years by the years of spending; it applies "
                             "to part: temporary only")
        if self.spend_years is not None and self.per != "year":
            raise ValueError("spend_years applies with per: year only")
        if self.horizon_if_unset and self.per != "year":
            raise ValueError("horizon_if_unset applies with per: year only")
        return self


class EmbodiedShareArgs(Args):
    """A reference scenario (by id) or an inline plan; `uncovered` says what firms without a
    CO2 intensity count for: nothing (`excluded`: a lower bound) or the covered firms' mean
    intensity per unit of output (`at_covered_mean`: an assumption)."""
    scenario: Annotated[Any, AfterValidator(_scenario)]
    uncovered: Literal["excluded", "at_covered_mean"] = "excluded"


ARGUMENTS: dict[str, type[Args]] = {
    "ledger.ratio": LedgerRatioArgs, "ledger.deal_sector": DealSectorArgs,
    "market.share": MarketShareArgs, "trace.share": TraceShareArgs,
    "lifecycle.value_remaining": ValueRemainingArgs, "efficiency.compute_ratio": RunPairArgs,
    "efficiency.capability_gap": RunPairArgs, "export.members_exposed": MembersExposedArgs,
    "trace.rent": RentArgs,
    "trace.jobs": TraceJobsArgs, "lifecycle.embodied_share": EmbodiedShareArgs,
}

# -- checks: one model per computation, chosen by the `computation` key --------------------

Bound = Annotated[float | None, Field(strict=True, allow_inf_nan=False)]


class RestsOn(BaseModel):
    """A labelled modelling assumption a check's verdict rests on while its evidence weight
    does not count it (the rows it reads carry a stronger label of their own): `source`, the
    id of the assumption's row (a source labelled `assumption`, checked when the claims are
    checked), `says`, what it assumes in a few words, shown with the verdict ("rests on an
    assumption: EU buyers face the global supplier mix"), and `why`, why the check rests on
    it (shown under the claim)."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str = Field(min_length=1)
    says: str = Field(min_length=1, max_length=120)
    why: str = Field(min_length=1)


class CheckBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    max: Bound = None
    min: Bound = None
    describe: str = ""
    when: str = ""      # a conditional claim: the case this check answers ("the money rents
    #                     cloud compute"), shown as "holds if ..."
    # source ids behind this check only (e.g. the labelled assumption of one case), listed
    # with the claim's own sources in this check's row (data 2.4.1)
    sources: list[str] = Field(default_factory=list)
    # a conditional claim: the case in a few words ("the gigafactories"), for the verdict's
    # summary ("for the gigafactories, contradicted"); empty: the case is said by its `when`
    case: str = Field(default="", max_length=60)
    # the labelled modelling assumption the check rests on, which its weight does not count
    rests_on: RestsOn | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> CheckBase:
        if (self.max is None) == (self.min is None):
            raise ValueError("give exactly one bound: max or min")
        return self


class LedgerRatioCheck(CheckBase):
    computation: Literal["ledger.ratio"]
    args: LedgerRatioArgs


class DealSectorCheck(CheckBase):
    computation: Literal["ledger.deal_sector"]
    args: DealSectorArgs


class MarketShareCheck(CheckBase):
    computation: Literal["market.share"]
    args: MarketShareArgs


class TraceShareCheck(CheckBase):
    computation: Literal["trace.share"]
    args: TraceShareArgs


class ValueRemainingCheck(CheckBase):
    computation: Literal["lifecycle.value_remaining"]
    args: ValueRemainingArgs


class ComputeRatioCheck(CheckBase):
    computation: Literal["efficiency.compute_ratio"]
    args: RunPairArgs


class CapabilityGapCheck(CheckBase):
    computation: Literal["efficiency.capability_gap"]
    args: RunPairArgs


class MembersExposedCheck(CheckBase):
    computation: Literal["export.members_exposed"]
    args: MembersExposedArgs


class RentCheck(CheckBase):
    computation: Literal["trace.rent"]
    args: RentArgs
class TraceJobsCheck(CheckBase):
    computation: Literal["trace.jobs"]
    args: TraceJobsArgs

    @model_validator(mode="after")
    def _period_has_a_source(self) -> TraceJobsCheck:
        if self.args.spend_years is not None and not self.sources:
            raise ValueError("spend_years needs the check's sources to say where the period "
                             "comes from: the source of a pace, or an assumption row with "
                             "its reasoning")
        return self


class EmbodiedShareCheck(CheckBase):
    computation: Literal["lifecycle.embodied_share"]
    args: EmbodiedShareArgs


Check = Annotated[
    LedgerRatioCheck | DealSectorCheck | MarketShareCheck | TraceShareCheck
    | ValueRemainingCheck | ComputeRatioCheck | CapabilityGapCheck | MembersExposedCheck
    | RentCheck | TraceJobsCheck | EmbodiedShareCheck,
    Field(discriminator="computation")]

# How a claim's checks combine into its verdict (analysis.claims.claim_verdict):
# all - every check must hold (supported when all are, contradicted when any is);
# any - the checks are alternatives, one holding is enough (supported when any is,
#       contradicted when all are);
# conditional - each check answers one case (`when`): the verdict is per case ("supported if
#       the money rents cloud compute; contradicted if it builds sites"), a single verdict only
#       when all cases agree.
COMBINE = ("all", "any", "conditional")


# `claimed_by` of a claim that paraphrases a position of the debate with no single speaker,
# and how pages and briefings say it (not "Claimed by ...": nobody is named)
NO_SINGLE_SPEAKER = "no single speaker"
NO_SINGLE_SPEAKER_LABEL = "No single speaker"
NO_SINGLE_SPEAKER_WHAT = "a position in the public debate (paraphrased)"
NO_SINGLE_SPEAKER_WORDS = f"{NO_SINGLE_SPEAKER_LABEL}: {NO_SINGLE_SPEAKER_WHAT}"
RELATED_SOURCE_WORDS = "A related concern"     # how `related_source` is introduced


def no_single_speaker(claimed_by: object) -> bool:
    """Whether a claim's `claimed_by` says it has no single speaker (NO_SINGLE_SPEAKER, any
    case, blanks around it ignored)."""
    return isinstance(claimed_by, str) and claimed_by.strip().lower() == NO_SINGLE_SPEAKER


MAX_CLAIM_ID = 120
CLAIM_ID = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_.\-]{{0,{MAX_CLAIM_ID - 1}}}")


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    claim: str = Field(min_length=1)
    checks: list[Check] = Field(min_length=1)
    combine: Literal["all", "any", "conditional"] = "all"
    sources: list[str] = Field(default_factory=list)
    note: str = ""
    # the reference plan (id) the claim is about ("Stargate will create ..."): checked against
    # a run only when the run's plan is that plan (service.run_claims.not_about_reason); ''
    # for a claim about any plan ("public money for AI infrastructure ...")
    about: str = ""
    # who made the claim, when and where (data 2.5.3): `claimed_by` in words ("Donald Trump,
    # US President, at the White House"), or NO_SINGLE_SPEAKER for a paraphrased position of
    # the debate; `claimed_on` a day or a month ('' when not known); `claimed_in` the source
    # id of the package that records the statement itself. `related_source` (data 2.5.3): the
    # source id of a related concern that a paraphrased position rests on, which does not
    # record the claim itself. Both source ids are checked with the claim's sources.
    claimed_by: str = ""
    claimed_on: Annotated[str, BeforeValidator(_claimed_on)] = ""
    claimed_in: str = ""
    related_source: str = ""

    @field_validator("claimed_in")
    @classmethod
    def _statement_recorded(cls, value: str, info: ValidationInfo) -> str:
        if value.strip() and no_single_speaker(info.data.get("claimed_by")):
            raise ValueError(f"a claim with {NO_SINGLE_SPEAKER!r} has no source recording its "
                             f"statement: give the source of a related concern as "
                             f"`related_source`")
        return value

    @field_validator("id")
    @classmethod
    def _id_words(cls, value: str) -> str:
        if not CLAIM_ID.fullmatch(value):
            raise ValueError(f"a claim id uses letters, digits, dashes (-), underscores (_) "
                             f"and dots only, starts with a letter or digit and has at most "
                             f"{MAX_CLAIM_ID} characters (no spaces)")
        return value

    @model_validator(mode="after")
    def _cases_named(self) -> Claim:
        if self.combine == "conditional":
            for k, check in enumerate(self.checks):
                if not check.when.strip():
                    raise ValueError(f"a conditional claim names the case of every check "
                                     f"(`when`; missing in check {k})")
        named = [getattr(check.args, "scenario", None) for check in self.checks]
        traced = [plan for plan in named if isinstance(plan, str)]
        if self.about and self.about not in traced:
            known = ", ".join(dict.fromkeys(traced)) or "none: no check traces a plan"
            raise ValueError(f"`about` names the reference plan the claim's checks trace "
                             f"(here: {known}), not {self.about!r}")
        return self


# check keys added in data 2.6.0 (later), left out of a claim's inputs (the run id) when not
# given, so a claims file that does not use them keeps its run id
OPTIONAL_CHECK_KEYS = {"case": "", "rests_on": None}


def claim_inputs(claim: Claim) -> dict[str, Any]:
    """A claim as the inputs of a claims run (its run id): `model_dump(mode="json")`, without
    the check keys of OPTIONAL_CHECK_KEYS left at their defaults."""
    data = claim.model_dump(mode="json")
    for check in data["checks"]:
        for key, default in OPTIONAL_CHECK_KEYS.items():
            if check.get(key, default) == default:
                check.pop(key, None)
    return data


class ClaimsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    claims: list[Claim]


# -- loading -------------------------------------------------------------------------------

def default_claims_path() -> Path:
    return bundled_path() / "analysis" / "claims.yaml"


def read_yaml(path: Path, error: type[MoneytrailError]) -> Any:
    """Parse a YAML file with the package-wide reading rules (size and node limits, duplicate
    keys, folders, binary files, impossible dates: one line each, see scenarios.yamlio)."""
    from moneytrail.scenarios.yamlio import read_yaml as read

    return read(path, error)


def validation_error(exc: ValidationError, file: str) -> ClaimError:
    """The first pydantic error as a ClaimError naming `claims.N.checks.M.args.X`."""
    error = exc.errors()[0]
    loc = [p for p in error["loc"] if p not in ARGUMENTS]      # drop the union's tag
    field = ".".join(str(p) for p in loc)
    value = None if isinstance(error.get("input"), dict) else error.get("input")
    kind = error["type"]
    if kind == "union_tag_invalid":
        return ClaimError(f"unknown computation (known: {', '.join(ARGUMENTS)})", file=file,
                          field=f"{field}.computation", value=error["ctx"]["tag"])
    if kind == "union_tag_not_found":
        return ClaimError("missing computation", file=file, field=f"{field}.computation")
    if kind == "extra_forbidden":
        return ClaimError(_unknown_key(error["loc"]), file=file, field=field)
    if kind == "missing":
        value = None
    return ClaimError(error["msg"].removeprefix("Value error, "), file=file,
                      field=field or None, value=value)


def _unknown_key(loc: tuple) -> str:
    if len(loc) >= 2 and loc[-2] == "args" and len(loc) >= 3 and loc[-3] in ARGUMENTS:
        known = ", ".join(ARGUMENTS[loc[-3]].model_fields)
        return f"unknown argument of {loc[-3]} (known: {known})"
    return "unknown key"


def parse_claims(data: Any, file: str, *, today: dt.date | None = None) -> list[Claim]:
    """Validated claims of a claims mapping: at least one claim, ids unique (letters, digits,
    `_ . -`), each with at least one check, no control character in any text, none made
    after `today` (default: today's date from the clock); the first problem is a ClaimError
    naming the file, the field (`claims.N.id`) and the value."""
    if not isinstance(data, dict):
        what = "the file is empty" if data is None else f"found a {type(data).__name__}"
        raise ClaimError(f"a claims file is a mapping with a 'claims' list ({what})", file=file)
    check_text(data, file)
    try:
        claims = ClaimsFile.model_validate(data).claims
    except ValidationError as exc:
        raise validation_error(exc, file) from None
    return check_claim_list(claims, file, today=today)


def check_claim_list(claims: list[Claim], file: str | None, *,
                     today: dt.date | None = None) -> list[Claim]:
    """Refuse an empty list of claims, one whose ids repeat (naming the id and both places)
    or a claim made after `today` (`claimed_on`; default: today's date from the clock); the
    claims otherwise."""
    if not claims:
        raise ClaimError("a claims file must hold at least one claim (the 'claims' list is "
                         "empty)", file=file, field="claims")
    today = today if today is not None else dt.date.today()
    first: dict[str, int] = {}
    for i, claim in enumerate(claims):
        if claim.id in first:
            raise ClaimError(f"duplicate claim id (first at claims.{first[claim.id]}): each "
                             "claim needs its own id", file=file, field=f"claims.{i}.id",
                             value=claim.id)
        first[claim.id] = i
        if claim.claimed_on and first_day(claim.claimed_on) > today:
            raise ClaimError(f"claim {claim.id!r} cannot have been made after today "
                             f"({today.isoformat()}): give the day or month it was made",
                             file=file, field=f"claims.{i}.claimed_on", value=claim.claimed_on)
    return claims


def first_day(claimed_on: str) -> dt.date:
    """The day a `claimed_on` (a day, or a month: its first day) starts."""
    return dt.date.fromisoformat(claimed_on if len(claimed_on) == 10 else f"{claimed_on}-01")


# text of a claim that may run over several lines (tab, line feed and carriage return allowed)
MULTILINE = frozenset({"claim", "note", "describe", "when", "why"})


def check_text(data: dict, file: str) -> None:
    """Refuse a control or bidi formatting character (`moneytrail.text`) in any text of a
    claims file, keys included (it would reach CSV, terminals and pages): one line naming the
    file, the field, the claim id and the text around the character, escaped ('Bob\\x00')."""
    claims = data.get("claims")
    for i, claim in enumerate(claims) if isinstance(claims, list) else ():
        cid = claim.get("id") if isinstance(claim, dict) else None
        who = f"claim {cid!r} " if isinstance(cid, str) and not unsafe_character(cid) else ""
        _check_node(claim, ("claims", i), who, file)
    _check_node({k: v for k, v in data.items() if k != "claims"}, (), "", file)


def _check_node(node: Any, path: tuple, who: str, file: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            problem = text_problem(key)
            if isinstance(key, str) and problem:
                _refuse(key, f"{who}has a key that {problem}" if who else f"a key {problem}",
                        path, file)
            _check_node(value, (*path, key), who, file)
    elif isinstance(node, list):
        for k, value in enumerate(node):
            _check_node(value, (*path, k), who, file)
    elif isinstance(node, str):
        multiline = bool(path) and path[-1] in MULTILINE
        problem = text_problem(node, multiline=multiline)
        if problem:
            _refuse(node, f"{who}{problem}", path, file, multiline=multiline)


def _refuse(text: str, problem: str, path: tuple, file: str, *,
            multiline: bool = False) -> None:
    """The ClaimError for `text` at `path`, its value the text around the character (shown
    escaped, as every error value is: `repr`)."""
    char = unsafe_character(text, multiline=multiline)
    field = ".".join(str(p) for p in path)
    raise ClaimError(problem, file=file, field=field or None,
                     value=shown_around(text, text.index(char)) if char else text)


def load_claims(path: str | Path | None = None, *, today: dt.date | None = None) \
        -> list[Claim]:
    """Read and validate a claims file (`parse_claims`); errors name the file and the
    field."""
    path = Path(path) if path is not None else default_claims_path()
    return parse_claims(read_yaml(path, ClaimError), str(path), today=today)
