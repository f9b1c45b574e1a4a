"""A figure of a reader's own, checked against a stored trace run: the claims page's form
"Check a figure of your own" (and `GET /api/v1/claims/check`).

A reader picks a run (a reference plan's run or any other stored trace run), a quantity from
`QUANTITIES` (what the claims machinery, analysis.claims_computations, already computes for a
traced plan, in plain words), "at least" or "at most", a number in the quantity's unit and,
optionally, the claim's words. `read_own_claim` checks every field and builds the claim (the
claims file's schema, analysis.claims_schema); `check_own_claim` checks it with the run's plan,
draws and seed through `tasks.derived_claims_run`, as a claim of the debate is checked against a run
(service.run_claims), so its verdict, figure, interval, P(holds) and evidence weight come out
in the very same rows. Nothing is computed or stored before every field is read: a bad field
is a MoneytrailError naming it and the value typed.

Such a claim is typed by a reader: it is not one of the reviewed claims of the claims file,
and cites no source of its own (its figure's sources are the data's, as for any check).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from moneytrail.errors import MoneytrailError
from moneytrail.service.result import Result, Table

if TYPE_CHECKING:
    from moneytrail.analysis.claims import Claim
    from moneytrail.service.tasks import StoreChoice
    from moneytrail.service.workspace import Workspace

OWN_CLAIM_ID = "reader-check"       # the id of a reader's claim in its claims run
MAX_WORDS = 300                     # characters of a reader's claim text
MAX_PICKED = 60                     # firms, groups or countries one claim may name
SIDES = {"at_least": "at least", "at_most": "at most"}
PERCENT = "%"
MAX_JOBS = 1e12                     # more FTE than there are people: a typing slip


@dataclass(frozen=True)
class Quantity:
    """One quantity a reader may check: how a sentence says it (`says`), its menu `label`,
    the `unit` the number is typed in ('%' for a share, else FTE-years or FTE), the claim
    computation and its fixed arguments, what the reader picks for it (`pick`: 'firms'
    (firms and/or groups), 'countries' or '') and what it is (`explain`)."""

    key: str
    says: str           # the quantity in a sentence: '{chosen}' the reader's picks
    label: str
    unit: str
    computation: str
    args: dict[str, Any] = field(default_factory=dict)
    pick: str = ""
    explain: str = ""   # what the quantity is, in a sentence for the form

    @property
    def verb(self) -> str:
        """'are' after a count of jobs ('The jobs paid for in Germany are'), else 'is'."""
        return "is" if self.unit == PERCENT else "are"


QUANTITIES: tuple[Quantity, ...] = (
    Quantity("first_invoice_share",
             "The share of the money paid directly (first invoices) to {chosen}",
             "Share paid directly to chosen firms or groups", PERCENT, "trace.share",
             {"basis": "first_invoice"}, "firms",
             explain="the plan's money paid straight to the firms you choose (their first "
             "invoices), before they pay their own suppliers"),
    Quantity("value_added_share",
             "The share of the money that ends up as income (value added) of {chosen}",
             "Share ending up as income of chosen firms or groups", PERCENT, "trace.share",
             {"basis": "value_added"}, "firms",
             explain="the part of the plan's money that ends up as the firms' own income "
             "(wages, profit and taxes: value added), following the money through the "
             "whole supply chain"),
    Quantity("jobs_all", "The jobs paid for in {chosen}", "Jobs in chosen countries, all",
             "FTE-years", "trace.jobs", {"part": "all"}, "countries",
             explain="full-time jobs the plan's money pays for, counted in FTE-years: one "
             "full-time job for one year"),
    Quantity("jobs_temporary", "The construction and equipment jobs paid for in {chosen}",
             "Jobs in chosen countries, building and equipping", "FTE-years", "trace.jobs",
             {"part": "temporary"}, "countries",
             explain="the jobs that build the sites and make the equipment, in FTE-years"),
    Quantity("jobs_lasting", "The operations jobs paid for in {chosen}",
             "Jobs in chosen countries, running the sites", "FTE-years", "trace.jobs",
             {"part": "lasting"}, "countries",
             explain="the lasting jobs that run the sites, in FTE-years"),
    Quantity("jobs_at_once",
             "The construction and equipment jobs at one time during the build in {chosen}",
             "Jobs in chosen countries at one time during the build", "FTE", "trace.jobs",
             {"part": "temporary", "per": "year"}, "countries",
             explain="building and equipment jobs at any one time: FTE-years divided by the "
             "years the money is spent over (the plan's years of spending, else its horizon, "
             "as on the run page: the tool's default when the plan gives neither)"),
    Quantity("profit_share", "The economic profit, as a share of the spending,",
             "Economic profit, share of the spending", PERCENT, "trace.rent",
             {"measure": "rent_share"},
             explain="profit above a normal return on the capital the firms use, through "
             "the whole supply chain, as a share of the plan's money"),
    Quantity("dominant_profit_share",
             "The share of the economic profit going to firms above {threshold} of a market",
             "Economic profit going to firms above {threshold} of a market", PERCENT,
             "trace.rent", {"measure": "dominant_rent_share"},
             explain="the share of the economic profit that goes to firms already holding "
             "more than {threshold} of a market they sell in (the data's single-supplier "
             "threshold)"),
    Quantity("markup_share", "The share of the spending paid above suppliers' cost of goods",
             "Paid above suppliers' cost of goods (markups)", PERCENT, "trace.rent",
             {"measure": "markup_share"},
             explain="the share of the plan's money paid above what its suppliers' goods "
             "cost them"),
    Quantity("embodied_co2_share",
             "The share of the plan's lifetime CO2 from making its hardware and building it",
             "CO2 from making hardware and building, share of lifetime CO2", PERCENT,
             "lifecycle.embodied_share",
             explain="of the plan's CO2 over its life, the share from making its hardware "
             "and building its sites; the rest comes from the electricity to run them"),
)
QUANTITY = {q.key: q for q in QUANTITIES}


@dataclass(frozen=True)
class OwnClaim:
    """A reader's claim, every field read: the quantity, the side ('at_least' or
    'at_most'), the number as typed in the quantity's unit and the bound it makes (a share
    as a fraction), the chosen firms, groups and countries (ids), and the claim's words
    (the reader's, else made from the fields)."""

    quantity: Quantity
    side: str
    number: float
    bound: float
    firms: tuple[str, ...]
    groups: tuple[str, ...]
    countries: tuple[str, ...]
    words: str
    typed_words: bool
    chosen: str = ""        # what the reader chose, in words ('Nvidia, US hyperscalers')
    label: str = ""         # the quantity's label with the data's figures (label_of)
    says: str = ""          # the quantity in a sentence, with the reader's picks

    def claim(self, plan: dict[str, Any]) -> Claim:
        """The claim with `plan` (a plan mapping) as the plan its check traces."""
        from moneytrail.analysis.claims_schema import parse_claims

        args: dict[str, Any] = {**self.quantity.args, "scenario": plan}
        if args.get("per") == "year":        # no spend_years: the horizon, as the run page
            args["horizon_if_unset"] = True
        if self.quantity.pick == "firms":
            args.update(entities=list(self.firms), groups=list(self.groups))
        elif self.quantity.pick == "countries":
            args["countries"] = list(self.countries)
        limit = "min" if self.side == "at_least" else "max"
        check = {"computation": self.quantity.computation, "args": args,
                 limit: self.bound, "describe": self.describe()}
        data = {"claims": [{"id": OWN_CLAIM_ID, "claim": self.words, "checks": [check],
                            "note": TYPED_NOTE}]}
        return parse_claims(data, "a reader's claim")[0]

    def checked(self) -> str:
        """What is checked, in a sentence made from the fields alone (never the reader's
        words): 'Share of the money paid directly (first invoices) to Nvidia is at least
        10 %'."""
        return (f"{self.describe()} {self.quantity.verb} {SIDES[self.side]} "
                f"{number_text(self.number, self.quantity.unit)}")

    def describe(self) -> str:
        """The check's name in the result: the quantity, and what the reader chose."""
        said = self.says or self.label or self.quantity.label
        return said.removeprefix("The ")[:1].upper() + said.removeprefix("The ")[1:] \
            .rstrip(",")


def is_reader_check(result: Result) -> bool:
    """Whether `result` is a reader's own check stored as a run (check_own_claim): a claims
    run whose only claim is the reader's (OWN_CLAIM_ID), not the debate's reviewed claims."""
    table = result.tables.get("claims") if result.kind == "claims" else None
    if table is None or not table.rows:
        return False
    names = [c.name for c in table.columns]
    if "claim" not in names:
        return False
    at = names.index("claim")
    return all(row[at] == OWN_CLAIM_ID for row in table.rows)


TYPED_NOTE = ("Typed by a reader on the claims page and checked against the data as it is: "
              "not one of the reviewed claims of the debate, and nobody has checked that the "
              "words match the figure chosen.")


def label_of(quantity: Quantity, ws: Workspace, text: str | None = None) -> str:
    """A quantity's label (or `text`, e.g. its `says`) with the data's figures in it (the
    single-supplier threshold)."""
    text = quantity.label if text is None else text
    if "{threshold}" not in text:
        return text
    from moneytrail.analysis.dependency import single_supplier_threshold

    return text.replace("{threshold}", f"{100 * single_supplier_threshold(ws.analysis):g} %")


def field_error(message: str, name: str, value: object = None) -> MoneytrailError:
    return MoneytrailError(message, field=name, value=value)


def read_number(text: str | None, quantity: Quantity) -> tuple[float, float]:
    """The number typed and the bound it makes (a share: the percentage / 100). A share is
    0 to 100 (a '%' after it is allowed), a count of jobs 0 or more; `abc`, NaN, infinity
    and an empty field are refused naming the field `number` and the text. Commas as
    moneytrail.numbers.read_number reads them, as everywhere: thousands only (`1,000`,
    `2,500.5`); `12,5` is refused saying to use a point for decimals."""
    from moneytrail.numbers import NumberTextError
    from moneytrail.numbers import read_number as read

    typed = (text or "").strip()
    if not typed:
        raise field_error(f"type the number the figure must reach (in {quantity.unit})",
                          "number")
    body = typed[:-1].strip() if quantity.unit == PERCENT and typed.endswith("%") else typed
    try:
        value = read(body)
    except NumberTextError as exc:
        raise field_error(str(exc), "number", typed) from None
    if value is None or isinstance(value, bool) or not math.isfinite(value):
        raise field_error(f"not a number (type digits, e.g. {example(quantity)})", "number",
                          typed)
    number = float(value) + 0.0         # -0 is 0
    if quantity.unit == PERCENT:
        if not 0 <= number <= 100:
            raise field_error("a share is between 0 and 100 %", "number", typed)
        return number, number / 100
    if number < 0:
        raise field_error(f"a number of jobs is 0 or more ({quantity.unit})", "number", typed)
    if number > MAX_JOBS:
        raise field_error(f"a number of jobs is at most {MAX_JOBS:,.0f} ({quantity.unit})",
                          "number", typed)
    return number, number


def example(quantity: Quantity) -> str:
    return "60 for 60 %" if quantity.unit == PERCENT else "100000"


def number_text(number: float, unit: str) -> str:
    """The bound as the reader typed it, for the claim's words: '60 %', '100,000 FTE-years'."""
    shown = f"{number:,.6f}".rstrip("0").rstrip(".")
    return f"{shown} {unit}"


def choices(ws: Workspace) -> dict[str, list[tuple[str, str]]]:
    """What a reader may pick, by id with the data's name (the web labels groups and
    countries in its own words): 'firms' (the value chain's entities), 'groups' and
    'countries' (the countries where value is added)."""
    entities = ws.valuechain.entities
    firms = sorted(((str(i), str(n)) for i, n in zip(entities["id"], entities["name"],
                                                     strict=True)), key=lambda f: f[1].lower())
    groups = sorted({str(g) for gs in entities["group_list"] for g in gs})
    countries = ws.valuechain.countries
    return {"quantities": [(q.key, label_of(q, ws)) for q in QUANTITIES],
            "explained": [(q.key, label_of(q, ws, q.explain)) for q in QUANTITIES],
            "firms": firms, "groups": [(g, g) for g in groups],
            "countries": [(str(c), str(c)) for c in countries["code"]]}


ONE = {"firms": "firm", "groups": "group", "countries": "country"}


def _picked(values: list[str] | None, known: dict[str, str], name: str, what: str
            ) -> tuple[str, ...]:
    chosen = [v.strip() for v in values or [] if v.strip()]
    if len(chosen) > MAX_PICKED:
        raise field_error(f"choose at most {MAX_PICKED} {what}", name, len(chosen))
    for value in chosen:
        if value not in known:
            raise field_error(f"no {ONE.get(what, what)} with this id in the data", name, value)
    return tuple(dict.fromkeys(chosen))


def read_own_claim(ws: Workspace, *, quantity: str | None, side: str | None,
                   number: str | None, words: str | None = None,
                   firms: list[str] | None = None, groups: list[str] | None = None,
                   countries: list[str] | None = None,
                   labels: dict[str, str] | None = None) -> OwnClaim:
    """A reader's claim from the form's fields, every one checked (a MoneytrailError naming
    the field and the value: an unknown quantity, side, firm, group or country, a number
    that is missing, not a number, NaN or infinite or out of range, words too long or with a
    control character). `labels`: the words for a firm, group or country id in the claim's
    words and check (the web's; else the data's firm names and the ids). Nothing is
    computed."""
    from moneytrail.text import text_problem

    key = (quantity or "").strip()
    if not key:
        raise field_error("choose what to check", "quantity")
    if key not in QUANTITY:
        raise field_error(f"no such quantity (known: {', '.join(QUANTITY)})", "quantity", key)
    chosen = QUANTITY[key]
    way = (side or "").strip()
    if way not in SIDES:
        raise field_error("choose 'at least' or 'at most'", "side", way or None)
    value, bound = read_number(number, chosen)
    names = choices(ws)
    picked_firms = _picked(firms, dict(names["firms"]), "firms", "firms")
    picked_groups = _picked(groups, dict(names["groups"]), "groups", "groups")
    picked_countries = _picked(countries, dict(names["countries"]), "countries", "countries")
    if chosen.pick == "firms" and not picked_firms and not picked_groups:
        raise field_error("choose at least one firm or group", "firms")
    if chosen.pick == "countries" and not picked_countries:
        raise field_error("choose at least one country", "countries")
    typed = (words or "").strip()
    if len(typed) > MAX_WORDS:
        raise field_error(f"too long (at most {MAX_WORDS} characters)", "words",
                          typed[:60] + "\u2026")
    problem = text_problem(typed, multiline=True)
    if problem:
        raise field_error(problem, "words")
    words_of = {**dict(names["firms"]), **(labels or {})}
    picked = {"firms": [*picked_firms, *picked_groups],
              "countries": list(picked_countries)}.get(chosen.pick, [])
    own = OwnClaim(quantity=chosen, side=way, number=value, bound=bound,
                   firms=picked_firms if chosen.pick == "firms" else (),
                   groups=picked_groups if chosen.pick == "firms" else (),
                   countries=picked_countries if chosen.pick == "countries" else (),
                   words=typed, typed_words=bool(typed),
                   chosen=", ".join(words_of.get(p, p) for p in picked),
                   label=label_of(chosen, ws))
    own = replace(own, says=label_of(chosen, ws, chosen.says).replace("{chosen}", own.chosen))
    if not typed:
        own = replace(own, words=f"{own.says} {chosen.verb} {SIDES[way]} "
                                 f"{number_text(value, chosen.unit)}.")
    return own


@dataclass(frozen=True)
class OwnCheck:
    """A reader's claim checked against a run: the claims result (table "claims", one
    row), the claim, the run's draws and seed, and why there is no verdict ('' when there is
    one: analysis.claims.withheld_verdict_reason)."""

    checked: Result
    own: OwnClaim
    draws: int
    seed: int
    withheld: str
    kept: bool = True       # False: the check is stored nowhere (no verdict the model can give)


def check_own_claim(ws: Workspace, own: OwnClaim, result: Result, *,
                    store: StoreChoice = None) -> OwnCheck:
    """`own` checked with the run's plan, draws and seed (tasks.derived_claims_run; kept in
    `store` as any claims check is, None: nowhere). Raises MoneytrailError (field `run`)
    for a run that is not a finished trace, or whose stored plan breaks today's plan rules.
    Jobs at one time of a plan that does not give the years its money is spent over spread
    over its horizon, as the run page does, and say so (with_years_said). A figure the model
    cannot give (not_checked_reason) gets its figure but no verdict, and the check is kept
    nowhere."""
    from moneytrail.analysis.claims import DRAWS, withheld_verdict_reason
    from moneytrail.service import tasks
    from moneytrail.service.run_claims import check_stored_plan
    from moneytrail.service.runs import checked_against

    plan = result.provenance.inputs.get("plan") if result.kind == "trace" else None
    if not isinstance(plan, dict):
        raise field_error("a figure is checked against a finished trace run (a plan's run)",
                          "run", result.run_id)
    check_stored_plan(plan, result.run_id, to="check a figure against it")
    draws, seed = int(result.provenance.draws or DRAWS), int(result.provenance.seed or 0)
    traces: dict[str, Any] = {}
    reason = not_checked_reason(ws, own, plan, draws=draws, seed=seed, traces=traces)
    name = checked_against("a reader's claim checked against", result.run_id)
    checked = tasks.derived_claims_run(ws, claims=[own.claim(plan)], name=name,
                                       draws=draws, seed=seed,
                                       store=None if reason else store, traces=traces,
                                       derived_from=result.run_id)
    if reason:
        checked = withheld(checked, reason)
    checked = with_years_said(checked, own, plan, result)
    return OwnCheck(checked=checked, own=own, draws=draws, seed=seed,
                    withheld=reason or withheld_verdict_reason(draws),
                    kept=store is not None and not reason)


UNSPLIT_LABEL = {"EU": "EU, not split by member state"}   # as service.tasks.site_country_note
NOT_RUN = {"lasting": "no running of the sites",
           "temporary": "no building or equipping of the sites"}


def not_checked_reason(ws: Workspace, own: OwnClaim, plan: dict[str, Any], *, draws: int,
                       seed: int, traces: dict[str, Any]) -> str:
    """Why the model cannot give `own`'s figure for `plan`, so it gets no verdict ('' when
    it can), read from the data:

    - jobs of one duration (running the sites, or building and equipping them) of a plan
      that spends nothing of that kind (analysis.jobs.DURATION): every draw is exactly 0
      because nothing of it is modelled, not because there are none;
    - jobs in a member state of a region whose sectors the data give only for the region as
      a whole (model.eu_members, flows in the 'EU' row), when that row holds jobs of the
      plan: the country's own figure leaves out an unknown part of them (the conditions'
      site-country rule, analysis.conditions.withheld_reason)."""
    from moneytrail.analysis.jobs import DURATION, LASTING, TEMPORARY
    from moneytrail.scenarios.schema import parse_scenario

    if own.quantity.computation != "trace.jobs":
        return ""
    parsed = parse_scenario(plan, id_rule=False)
    part = str(own.quantity.args.get("part", "all"))
    if part in NOT_RUN:
        duration = {"temporary": TEMPORARY, "lasting": LASTING}[part]
        spent = {c for c, share in parsed.spend.items() if share.bounds[2] > 0}
        if not any(DURATION.get(c) == duration for c in spent):
            return f"not modelled: this plan pays for {NOT_RUN[part]}"
    region = "EU"
    model = ws.model(parsed.year)
    members = [c for c in own.countries if c in model.eu_members]
    if not members or region in own.countries or \
            not bool((model.flows["country"] == region).any()):
        return ""
    from moneytrail.service import tasks

    whole = replace(own, countries=(region,))
    figure = tasks.check_claims(ws, claims=[whole.claim(plan)], name="the region's jobs",
                                draws=draws, seed=seed, store=None, traces=traces)
    p50 = float(figure.tables["claims"].frame()["p50"].iloc[0])
    if not p50 > 0:
        return ""
    names = ws.valuechain.country_names()
    countries = ", ".join(names.get(c, c) for c in members)
    verb = "is" if len(members) == 1 else "are"
    return (f"n/a: {countries} {verb} not split by member state: {p50:,.0f} "
            f"{own.quantity.unit} sit under '{UNSPLIT_LABEL.get(region, region)}'")


def with_years_said(checked: Result, own: OwnClaim, plan: dict[str, Any],
                    result: Result) -> Result:
    """The claims result of jobs at one time of a plan that sets no spend_years, its figure
    followed by where its years come from, in the run page's words
    (service.footprints.spend_years_note: the tool's default, an assumption, when the plan
    left them to it); any other check as it is."""
    from moneytrail.service.footprints import spend_years_note, stored_spend_years_default

    if own.quantity.args.get("per") != "year" or plan.get("spend_years") is not None:
        return checked
    said = spend_years_note(stored_spend_years_default(result))
    table = checked.tables["claims"]
    frame = table.frame().copy()
    if not said or "figure" not in frame:
        return checked
    frame["figure"] = [f"{figure} {said}" for figure in frame["figure"]]
    units = {c.name: c.unit for c in table.columns}
    kept = Table.from_frame("claims", frame, title=table.title, units=units, note=table.note)
    return replace(checked, tables={**checked.tables, "claims": kept})


def withheld(checked: Result, reason: str) -> Result:
    """The claims result with its verdicts withheld (analysis.claims.WITHHELD) for `reason`,
    its figures and P(holds) as they are."""
    from moneytrail.analysis.claims import WITHHELD

    table = checked.tables["claims"]
    frame = table.frame().copy()
    for column in ("check_verdict", "verdict"):
        if column in frame:
            frame[column] = WITHHELD
    if "verdict_label" in frame:
        frame["verdict_label"] = WITHHELD
    if "weak_basis" in frame:
        frame["weak_basis"] = False
    if "verdict_text" in frame:
        frame["verdict_text"] = reason
    units = {c.name: c.unit for c in table.columns}
    kept = Table.from_frame("claims", frame, title=table.title, units=units, note=table.note)
    return replace(checked, tables={**checked.tables, "claims": kept})


__all__ = ["OWN_CLAIM_ID", "QUANTITIES", "QUANTITY", "SIDES", "OwnCheck", "OwnClaim",
           "Quantity", "check_own_claim", "choices", "read_own_claim"]
