"""Claims of the public debate, checked against the data: supported, contradicted, uncertain,
conditional (case by case) or withheld (too few draws); see VERDICTS.

A claims file (YAML, `claims_schema`) lists claims; each has one or more checks naming a
computation over the ledger, the trace or an analysis (`claims_computations`), its arguments,
and a bound (`max` or `min`). A check's verdict comes from the probability over draws that the
bound holds. A claim's `combine` rule says how its checks make its verdict: `all` (the
default: supported when all checks are, contradicted when any is), `any` (the checks are
alternatives: supported when one is, contradicted when all are) or `conditional` (each check
answers one case, named by its `when`: "supported if the money rents cloud compute;
contradicted if it builds sites"). Every row carries its check's own verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from moneytrail.analysis.claims_computations import (
    WEIGHT_READS,
    Context,
    LedgerTables,
    Where,
    compute,
)
from moneytrail.analysis.claims_schema import (
    Check,
    Claim,
    ClaimError,
    check_claim_list,
    default_claims_path,
    load_claims,
)
from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.evidence_weight import claim_weight
from moneytrail.analysis.stats import CLAIM_CUTOFFS, describe
from moneytrail.analysis.stats import probability as stats_probability
from moneytrail.analysis.verdicts import (  # the verdicts' words, in one light module
    BASIS_COLUMNS,
    COMBINE_TEXT,
    MIN_VERDICT_DRAWS,
    NOT_APPLICABLE,
    VERDICTS,
    WITHHELD,
    WITHHELD_LABEL,
    verdict_basis,
    verdict_summary,
)
from moneytrail.data.package import DataPackage
from moneytrail.data.valuechain import ValueChain
from moneytrail.model.iomodel import IOModel

if TYPE_CHECKING:
    from moneytrail.ledger.store import Ledger

SUPPORTED, CONTRADICTED = CLAIM_CUTOFFS   # P(bound holds) cut-offs (see analysis/stats.py)
DRAWS, SEED = 2000, 1       # the debate's published check (`moneytrail claims check`)
__all__ = ["DRAWS", "MIN_VERDICT_DRAWS", "NOT_APPLICABLE", "SEED", "VERDICTS", "WITHHELD",
           "WITHHELD_LABEL", "Check", "Claim",
           "ClaimError", "LedgerTables",
           "check_claims", "claim_verdict", "check_verdict", "default_claims_path",
           "ledger_from_package",
           "ledger_from_store", "ledger_tables", "load_claims", "withheld_verdict_reason",
           "withhold_verdicts", "with_verdict_basis", "draws_note", "draws_seed_text"]


def check_verdict(probability: float) -> str:
    if probability >= SUPPORTED:
        return "supported"
    if probability <= CONTRADICTED:
        return "contradicted"
    return "uncertain"


def withheld_verdict_reason(draws: int) -> str:
    """Why a check over `draws` Monte Carlo draws gives no verdict ('' when it gives one:
    at least MIN_VERDICT_DRAWS draws): one sentence for readers."""
    if draws >= MIN_VERDICT_DRAWS:
        return ""
    if draws <= 1:
        how = (f"with only {max(draws, 0):,} draw, P(holds) can only be 0 or 100 %, which "
               "cannot tell a supported claim from an uncertain one")
    else:
        how = (f"with only {draws:,} draws, P(holds) is too rough to tell a supported claim "
               f"from an uncertain one (below {MIN_VERDICT_DRAWS} draws its sampling error "
               f"near the {SUPPORTED * 100:.0f} % cut-off is more than 6 points either way)")
    return (f"No verdict: {how}. A run with at least {MIN_VERDICT_DRAWS} draws gets one.")


def claim_verdict(verdicts: list[str], combine: str = "all") -> str:
    """A claim's verdict from its checks' verdicts under its combining rule (all, any or
    conditional; a conditional claim whose cases disagree is `conditional`)."""
    if combine == "any":
        if any(v == "supported" for v in verdicts):
            return "supported"
        if all(v == "contradicted" for v in verdicts):
            return "contradicted"
        return "uncertain"
    if combine == "conditional":
        return verdicts[0] if len(set(verdicts)) == 1 else "conditional"
    if all(v == "supported" for v in verdicts):
        return "supported"
    if any(v == "contradicted" for v in verdicts):
        return "contradicted"
    return "uncertain"


def verdict_text(verdict: str, verdicts: list[str], combine: str, whens: list[str]) -> str:
    """The claim's verdict in words: "supported if X; contradicted if Y" for a conditional
    claim whose cases disagree, else the verdict and its combining rule."""
    if combine == "conditional" and verdict == "conditional":
        return "; ".join(f"{v} if {w}" for v, w in zip(verdicts, whens, strict=True))
    return f"{verdict} ({COMBINE_TEXT[combine]})"


def ledger_from_package(package: DataPackage | str | Path) -> LedgerTables:
    """The ledger's claims and deals as shipped in a data package (no database needed)."""
    from moneytrail.data.package import open_package

    if not isinstance(package, DataPackage):
        package = open_package(package)
    return LedgerTables(claims=package.table("ledger-claims"),
                        deals=package.table("ledger-deals"),
                        sources=package.table("ledger-sources")
                        if package.has("ledger-sources") else None)


def ledger_tables(ledger: Ledger) -> LedgerTables:
    """The claims and deals of an open ledger store, one consistent snapshot."""
    tables = ledger.tables()
    return LedgerTables(claims=tables["claim"], deals=tables["deal"],
                        sources=tables.get("source"))


def require_existing_store(url: str) -> None:
    """Refuse a store that does not exist yet: opening it would create a new one, filled with
    the bundled data, and a mistyped path would silently check the claims against that.

    Only SQLite can be checked without connecting; a server URL (PostgreSQL) is opened as is.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if "://" in url:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ClaimError("not a database URL", field="--db", value=url) from None
        if not parsed.get_backend_name().startswith("sqlite"):
            return
        database = parsed.database or ""
        if database in ("", ":memory:"):
            raise ClaimError("an in-memory SQLite store holds no ledger", field="--db",
                             value=url)
        path = Path(database)
    else:
        path = Path(url)
    if not path.expanduser().is_file():
        raise ClaimError("no ledger store at this path (`moneytrail ledger list --db PATH` "
                         "creates one from the bundled data)", field="--db", value=url)


def ledger_from_store(url: str | None) -> LedgerTables:
    """The ledger's claims and deals as they stand in a store (user edits included).

    `url` None means the default store (created on first use); a named store must exist."""
    from moneytrail.ledger import open as open_ledger

    if url is not None:
        require_existing_store(str(url))
    with open_ledger(url) as ledger:
        return ledger_tables(ledger)


# who made a claim, when and where (claims file, data 2.5.3), and the source of a related
# concern (`related_source`, data 2.5.3): columns after the claim's text
CLAIMANT = ("claimed_by", "claimed_on", "claimed_in", "related_source")
WEIGHT = "assumption_or_weak"       # evidence weight columns: <WEIGHT>_<p50|p5|p95>


def weight_stats(weak: np.ndarray | None, prefix: str = "") -> dict[str, float]:
    """Median and 90 % interval of a per-draw evidence weight (NaN when not defined)."""
    stats = describe(weak) if weak is not None else {}
    return {f"{prefix}{WEIGHT}_{s}": float(stats.get(s, np.nan)) for s in ("p50", "p5", "p95")}


OWN_INPUT = "own_input"     # the share on the plan's own inputs: <OWN_INPUT>_<p50|p5|p95>


def own_input_stats(own: np.ndarray | None) -> dict[str, float]:
    """Median and 90 % interval of a check's per-draw share resting on the plan's own inputs
    (shares set in the plan builder, engine.evidence.OWN); NaN when the check reads no plan."""
    stats = describe(own) if own is not None else {}
    return {f"{OWN_INPUT}_{s}": float(stats.get(s, np.nan)) for s in ("p50", "p5", "p95")}


SHARES = {"ledger.ratio", "market.share", "trace.share", "lifecycle.value_remaining",
          "trace.rent", "lifecycle.embodied_share"}      # figures that are shares of a whole
UNITS = {"efficiency.capability_gap": " ECI points", "efficiency.compute_ratio": " (ratio)"}


def jobs_unit(check: Check) -> str:
    """The unit of a trace.jobs check's figure: FTE-years (jobs x years over the whole
    budget), or FTE (jobs at one time) with `per: year`."""
    return "FTE" if getattr(check.args, "per", "total") == "year" else "FTE-years"


def bound_text(check: Check) -> str:
    """A check's bound for readers: "at least 50 %", "at most 0.25 (ratio)", "must be true"
    (a yes/no figure such as a deal's sector); the `bound` column keeps "min 0.5"."""
    limit = check.max if check.max is not None else check.min
    assert limit is not None
    side = "at most" if check.max is not None else "at least"
    if check.computation == "ledger.deal_sector":
        return "must be true" if check.min is not None else "must be false"
    if check.computation in SHARES:
        return f"{side} {100 * limit:g} %"
    if check.computation == "export.members_exposed":
        return f"{side} {limit:,g} EU member{'' if limit == 1 else 's'}"
    if check.computation == "trace.jobs":
        return f"{side} {limit:,g} {jobs_unit(check)}"
    return f"{side} {limit:,g}{UNITS.get(check.computation, '')}"


def figure_unit(check: Check) -> str:
    """The unit of a check's figure for readers' formatting: "share" (a share of a whole),
    "FTE-years" (jobs over the whole budget), "FTE" (jobs at one time), or "" (a plain
    number: ratios, ECI points, counts, yes/no)."""
    if check.computation in SHARES:
        return "share"
    return jobs_unit(check) if check.computation == "trace.jobs" else ""


def _row(claim: Claim, check: Check, values: np.ndarray, figure: str,
         sources: list[str], weak: np.ndarray | None = None,
         own: np.ndarray | None = None) -> dict:
    values = np.asarray(values, dtype=float)
    ok = values <= check.max if check.max is not None else values >= check.min
    # draws where the figure is undefined (NaN, e.g. no rent in a draw) are not counted
    probability = stats_probability(np.where(np.isnan(values), np.nan, ok.astype(float)))
    stats = describe(values)
    return {"claim": claim.id, "text": claim.claim, "check": check.describe or
            check.computation, "bound": f"max {check.max:g}" if check.max is not None
            else f"min {check.min:g}", "bound_text": bound_text(check), "figure": figure,
            "unit": figure_unit(check), "p50": stats["p50"],
            "p5": stats["p5"], "p95": stats["p95"], "p_holds": probability,
            "check_verdict": check_verdict(probability), "when": check.when,
            "case": check.case, **rests_on_columns(check), **weight_stats(weak),
            **own_input_stats(own),
            "sources": "; ".join(dict.fromkeys(claim.sources + check.sources + list(sources)))}


RESTS_ON = ("rests_on", "rests_on_says", "rests_on_why")   # a check's labelled assumption


def rests_on_columns(check: Check) -> dict[str, str]:
    """A check's `rests_on` (claims_schema.RestsOn) as its row's columns: the assumption's
    source id, what it assumes and why the check rests on it; '' each without one."""
    given = check.rests_on
    return dict(zip(RESTS_ON, (given.source, given.says, given.why) if given is not None
                    else ("", "", ""), strict=True))


def source_labels(package: DataPackage, ledger: LedgerTables | None = None) -> pd.Series:
    """Source id -> reliability label over every sources table of a data package and the
    ledger's own sources (a store's sources override the package's)."""
    names = [n for n in package.resource_names() if n.endswith("sources") or "-sources-" in n]
    frames = [package.table(name)[["id", "reliability"]] for name in names]
    if ledger is not None and ledger.sources is not None and "reliability" in ledger.sources:
        frames.append(ledger.sources[["id", "reliability"]])
    table = pd.concat(frames, ignore_index=True).drop_duplicates("id", keep="last")
    return table.set_index("id")["reliability"]


def package_source_ids(package: DataPackage) -> set[str]:
    """Every source id of a data package (value chain, ledger, macro and analysis sources)."""
    names = [n for n in package.resource_names() if n.endswith("sources") or "-sources-" in n]
    return {source for name in names for source in package.table(name)["id"]}


def check_sources(claims: list[Claim], package: DataPackage, file: str) -> None:
    """Every source a claim or one of its checks cites, the source recording the claim
    (`claimed_in`) and the source of a related concern (`related_source`) exists in the data
    package (a ClaimError naming it)."""
    known = package_source_ids(package)
    for i, claim in enumerate(claims):
        cited = [(f"claims.{i}.sources.{k}", s) for k, s in enumerate(claim.sources)]
        for field in ("claimed_in", "related_source"):
            if getattr(claim, field):
                cited.append((f"claims.{i}.{field}", getattr(claim, field)))
        cited += [(f"claims.{i}.checks.{j}.sources.{k}", s)
                  for j, check in enumerate(claim.checks) for k, s in enumerate(check.sources)]
        rests = [(f"claims.{i}.checks.{j}.rests_on.source", check.rests_on.source)
                 for j, check in enumerate(claim.checks) if check.rests_on is not None]
        for field, source in cited + rests:
            if source not in known:
                raise ClaimError("unknown source id (not in any sources table of the data "
                                 "package)", file=file, field=field, value=source)
        if rests:
            labels = source_labels(package)
            for field, source in rests:
                if labels.get(source) != "assumption":
                    raise ClaimError("rests_on names a modelling assumption: a source "
                                     f"labelled assumption (this one is "
                                     f"{labels.get(source)!s})", file=file, field=field,
                                     value=source)


def check_claims(claims: list[Claim] | None = None, *, path: str | Path | None = None,
                 data: AnalysisData, chain: ValueChain, ledger: LedgerTables,
                 model: Callable[[int], IOModel], draws: int = DRAWS, seed: int = SEED,
                 traces: dict[str, Any] | None = None,
                 tracer: Callable[..., Any] | None = None) -> pd.DataFrame:
    """One row per check: the check's own verdict (`check_verdict`, from its P(holds)) and
    case (`when`), the claim's verdict (`verdict`: one of VERDICTS), its combining rule
    (`combine`), the verdict in words (`verdict_text`), the claim's `note` (what its words
    mean in numbers, and its caveats: shown wherever the verdict is), who made the claim,
    when and where (`claimed_by`, `claimed_on`: a day or a month, `claimed_in`: the source id
    recording the statement, `related_source`: the source id of a related concern; '' where
    the claims file gives none),
    figures and sources, and the evidence weight (analysis.evidence_weight): the share of the
    check's figure resting on `assumption` or `weak` rows (`assumption_or_weak_p50|p5|p95`),
    what that weight reads (`weight_reads`, claims_computations.WEIGHT_READS) and the
    assumption or weak sources its rows cite that it does not count, a row's own stronger
    label winning (`weight_leaves_out`, source ids joined by '; '; claims_computations.uncounted),
    and of the claim's verdict (`claim_assumption_or_weak_p50|p5|p95`: per draw the largest
    of its checks').

    `claims` (or the claims file at `path`, default the shipped claims) are checked against
    the analysis tables `data`, the value chain `chain`, the ledger's claims and deals
    `ledger` and the models `model(year)` (e.g. `Workspace.model`), over `draws` Monte Carlo
    draws from stream "claims" with `seed`. `traces`: the plans already traced with these
    draws and seed (plan content -> trace; filled as plans are traced), for a caller checking
    several claims one by one against the same plan (a run page): a trace does not depend on
    the check, so sharing it changes no number. `tracer`: how a plan is traced (with
    moneytrail.trace's arguments; default moneytrail.trace, which opens a workspace for its
    plan checks each time), e.g. moneytrail.trace through the caller's workspace. Raises
    ClaimError for bad draws/seed or a check that names unknown data.
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ClaimError("draws must be a positive whole number", field="draws", value=draws)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ClaimError("seed must be a whole number >= 0", field="seed", value=seed)
    from moneytrail.errors import LimitError
    from moneytrail.scenarios.schema import DRAWS_VARIABLE, max_draws

    if draws > max_draws():
        raise LimitError(f"{draws:,} draws is more than the limit of {max_draws():,} (set "
                         f"{DRAWS_VARIABLE} to raise it)", field="draws", value=draws)
    file = str(path or default_claims_path())
    claims = check_claim_list(list(claims), "<claims>") if claims is not None \
        else load_claims(path)
    check_sources(claims, data.package, file)
    context = Context(data, ledger, draws, seed, chain=chain, model=model,
                      labels=source_labels(data.package, ledger),
                      traces={} if traces is None else traces, tracer=tracer)
    rows: list[dict[str, Any]] = []
    for i, claim in enumerate(claims):
        first = len(rows)
        weights = []
        for j, check in enumerate(claim.checks):
            found = compute(context.at(i, j), check.computation, check.args,
                            Where(file, f"claims.{i}.checks.{j}"))
            weak = found.weak
            rows.append({**_row(claim, check, found.values, found.text, found.sources, weak,
                                found.own),
                         "weight_reads": WEIGHT_READS[check.computation],
                         "weight_leaves_out": "; ".join(found.left_out)})
            weights.append(np.full(draws, np.nan) if weak is None else weak)
        verdicts = [row["check_verdict"] for row in rows[first:]]
        verdict = claim_verdict(verdicts, claim.combine)
        text = verdict_text(verdict, verdicts, claim.combine,
                            [row["when"] for row in rows[first:]])
        combined = weight_stats(claim_weight(weights), "claim_")
        for row in rows[first:]:
            # the claim's note (the thresholds behind its words, caveats), beside its verdict
            row.update(verdict=verdict, combine=claim.combine, verdict_text=text,
                       note=claim.note, claimed_by=claim.claimed_by,
                       claimed_on=claim.claimed_on, claimed_in=claim.claimed_in,
                       related_source=claim.related_source, **combined)
    frame = pd.DataFrame(rows)
    if len(frame):      # who made the claim, when and where: beside its words
        lead = ["claim", "text", *CLAIMANT]
        frame = frame[lead + [c for c in frame.columns if c not in lead]]
    return with_verdict_basis(withhold_verdicts(frame, draws))


def with_verdict_basis(frame: pd.DataFrame) -> pd.DataFrame:
    """The checked claims with, last, each row's claim verdict on weak evidence told apart
    (analysis.verdicts.verdict_basis, from `verdict` and `claim_assumption_or_weak_p50`):
    `weak_basis` (true or false) and `verdict_label` ('supported — on weak evidence', else
    the verdict as it is); `verdict` stays as computed. A frame without a verdict (no rows)
    is returned as it is."""
    if "verdict" not in frame.columns:
        return frame
    weights = frame["claim_assumption_or_weak_p50"] if "claim_assumption_or_weak_p50" in \
        frame.columns else pd.Series([None] * len(frame), index=frame.index)
    said = [verdict_basis(v, w) for v, w in zip(frame["verdict"], weights, strict=True)]
    frame = frame.drop(columns=[c for c in (*BASIS_COLUMNS, SUMMARY) if c in frame.columns])
    for column in BASIS_COLUMNS:
        frame[column] = pd.Series([s[column] for s in said], index=frame.index)
    # each claim's verdict in one line (analysis.verdicts.verdict_summary), from its rows
    summary: dict[object, str] = {}
    if "claim" in frame.columns:
        records = frame.to_dict("records")
        for key in dict.fromkeys(frame["claim"]):
            rows = [r for r in records if r["claim"] == key]
            summary[key] = verdict_summary(str(rows[0]["verdict"]),
                                           rows[0].get("claim_assumption_or_weak_p50"), rows)
        frame[SUMMARY] = pd.Series([summary[k] for k in frame["claim"]], index=frame.index)
    return frame


SUMMARY = "verdict_summary"     # a claim's verdict in one line, as its badge says it


def withhold_verdicts(frame: pd.DataFrame, draws: int) -> pd.DataFrame:
    """The checked claims with every verdict WITHHELD when `draws` is under MIN_VERDICT_DRAWS
    (withheld_verdict_reason says why; the figures and P(holds) stay): the one rule the CLI,
    the JSON, the API and the web pages share."""
    reason = withheld_verdict_reason(draws)
    if not reason or not len(frame):
        return frame
    frame = frame.copy()
    for column in ("check_verdict", "verdict"):
        if column in frame:
            frame[column] = WITHHELD
    if "verdict_text" in frame:
        frame["verdict_text"] = f"no verdict: too few draws ({draws:,}; at least " \
                                f"{MIN_VERDICT_DRAWS} needed)"
    return frame


def draws_note(draws: int) -> str:
    """What a claims check over `draws` draws says about them: the warning under
    moneytrail.draws.ROUGH_DRAWS (intervals rough) and, under MIN_VERDICT_DRAWS, why there is
    no verdict; '' from ROUGH_DRAWS draws on."""
    from moneytrail.draws import rough_draws_text

    return " ".join(p for p in (rough_draws_text(draws), withheld_verdict_reason(draws)) if p)


def draws_seed_text(draws: int, seed: int, run_id: str = "",
                    reference_draws: Sequence[int] | None = None) -> str:
    """Which draws a claims check used, for readers (the claims page, the API, the CLI
    table's caption, the briefing): 'Checked over 2,000 Monte Carlo draws with seed 1 (run
    <id>): quote these figures for the claims. ...', and why the same figure on a plan's
    run page differs slightly (its own draws and seed: Monte Carlo error). The reference
    plans' draws said there are their files' 10,000, or, given `reference_draws` (the draws
    of the reference runs a reader is shown, as the web app's), those: '2,000 draws', '2,000
    to 10,000 draws', nothing when there are none."""
    run = f" (run {run_id})" if run_id else ""
    if reference_draws is None:
        theirs = " (10,000 draws for the reference plans)"
    elif not reference_draws:
        theirs = ""
    else:
        low, high = min(reference_draws), max(reference_draws)
        span = f"{low:,}" if low == high else f"{low:,} to {high:,}"
        theirs = f" ({span} draws for the reference plans)"
    return (f"Checked over {draws:,} Monte Carlo draws with seed {seed}{run}: quote these "
            "figures for the claims. A plan's run page traces the plan with its own draws "
            f"and seed{theirs}, so the same figure there "
            "differs slightly: that is Monte Carlo error, not a different answer.")
