"""Claims of the public debate, checked against the data: supported, contradicted or uncertain.

A claims file (YAML) lists claims; each has one or more checks naming a computation over the
ledger, the trace or an analysis, its arguments, and a bound (`max` or `min`). A check's verdict
comes from the probability over draws that the bound holds; a claim is supported when all its
checks are, contradicted when any is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from moneytrail.analysis.data import AnalysisData, load_analysis
from moneytrail.analysis.dependency import rules_in_force, tier_of
from moneytrail.analysis.stats import describe, draw_interval, rng_for
from moneytrail.data.package import bundled_path
from moneytrail.errors import MoneytrailError

SUPPORTED, CONTRADICTED = 0.9, 0.1      # P(bound holds) cut-offs for a check's verdict
DRAWS = 2000
STREAM = 6


class ClaimError(MoneytrailError):
    """A claims file is malformed or names something unknown."""


class Check(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    computation: str
    args: dict[str, Any] = Field(default_factory=dict)
    max: float | None = None
    min: float | None = None
    describe: str = ""

    @model_validator(mode="after")
    def _one_bound(self) -> Check:
        if (self.max is None) == (self.min is None):
            raise ValueError("give exactly one bound: max or min")
        return self


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    claim: str
    checks: list[Check] = Field(min_length=1)
    sources: list[str] = Field(default_factory=list)
    note: str = ""


class ClaimsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    claims: list[Claim]


def default_claims_path() -> Path:
    return bundled_path() / "analysis" / "claims.yaml"


def load_claims(path: str | Path | None = None) -> list[Claim]:
    """Read and validate a claims file; errors name the file and the field."""
    path = Path(path) if path is not None else default_claims_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClaimError("file not found", file=str(path)) from None
    except yaml.YAMLError as exc:
        raise ClaimError(f"malformed YAML ({getattr(exc, 'problem', exc)})",
                         file=str(path)) from None
    try:
        claims = ClaimsFile.model_validate(data).claims
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        message = "unknown key" if error["type"] == "extra_forbidden" else \
            error["msg"].removeprefix("Value error, ")
        raise ClaimError(message, file=str(path), field=field or None) from None
    for i, claim in enumerate(claims):
        for j, check in enumerate(claim.checks):
            if check.computation not in COMPUTATIONS:
                raise ClaimError(f"unknown computation (known: {', '.join(COMPUTATIONS)})",
                                 file=str(path), field=f"claims.{i}.checks.{j}.computation",
                                 value=check.computation)
    return claims


# -- computations: (context, args, where) -> (per-draw values, figure text, source ids) --------

class Context:
    """What computations read: analysis data, the ledger claims table, traced plans."""

    def __init__(self, data: AnalysisData, ledger_claims: pd.DataFrame, draws: int, seed: int):
        self.data, self.ledger, self.draws, self.seed = data, ledger_claims, draws, seed

    def rng(self, salt: int) -> np.random.Generator:
        return rng_for(self.seed + salt, STREAM)


def _arg(args: dict, name: str, where: str, default: Any = ...) -> Any:
    if name in args:
        return args[name]
    if default is ...:
        raise ClaimError("missing argument", file=where, field=f"args.{name}")
    return default


def _ledger_amount(ctx: Context, refs: list[str], where: str, field: str
                   ) -> tuple[np.ndarray, list[str]]:
    """Sum of ledger claims (by ref), in EUR at each claim's price-year ECB rate."""
    table = ctx.ledger.set_index("ref")
    total = np.zeros(ctx.draws)
    sources = []
    for k, ref in enumerate(refs):
        if ref not in table.index:
            raise ClaimError("unknown ledger claim ref", file=where, field=field, value=ref)
        row = table.loc[ref]
        values = draw_interval((float(row["low"]), float(row["central"]), float(row["high"])),
                               ctx.rng(k), ctx.draws, lower=0.0)
        total += ctx.data.convert(values, row["currency"], "EUR", int(row["price_year"]))
        sources.append(row["source"])
    return total, sources


def ledger_ratio(ctx: Context, args: dict, where: str):
    num, s1 = _ledger_amount(ctx, list(_arg(args, "numerator", where)), where, "args.numerator")
    den, s2 = _ledger_amount(ctx, list(_arg(args, "denominator", where)), where,
                             "args.denominator")
    ratio = num / den
    text = (f"EUR {np.median(num) / 1e9:,.1f} bn / EUR {np.median(den) / 1e9:,.1f} bn "
            f"= {np.median(ratio):.3f}")
    return ratio, text, s1 + s2


def ledger_deal_sector(ctx: Context, args: dict, where: str):
    deal, wanted = _arg(args, "deal", where), _arg(args, "sector", where)
    deals = ctx.ledger.attrs.get("deals")
    row = deals[deals["id"] == deal] if deals is not None else pd.DataFrame()
    if row.empty:
        raise ClaimError("unknown ledger deal", file=where, field="args.deal", value=deal)
    sector = row["sector"].iloc[0]
    return np.full(ctx.draws, float(sector == wanted)), f"sector of {deal}: {sector}", \
        row["sources"].iloc[0].split(";")


def market_share(ctx: Context, args: dict, where: str):
    from moneytrail.data.valuechain import load_valuechain
    from moneytrail.engine.sampling import PertSampler, renormalise

    chain = load_valuechain(str(ctx.data.package.root))
    m = chain.markets
    key = (_arg(args, "category", where), _arg(args, "buyer_region", where),
           int(_arg(args, "year", where)))
    market = m[(m["category"] == key[0]) & (m["buyer_region"] == key[1]) & (m["year"] == key[2])]
    if market.empty:
        raise ClaimError("no such market in the data", file=where, field="args", value=key)
    owner = chain.entities.set_index("id")["owner_country"]
    suppliers = _arg(args, "suppliers", where, None)
    if suppliers is not None:
        unknown = sorted(set(suppliers) - set(market["supplier"]))
        if unknown:
            raise ClaimError("supplier not in this market", file=where, field="args.suppliers",
                             value=unknown[0])
        chosen = market["supplier"].isin(suppliers).to_numpy()
    else:
        chosen = (market["supplier"].map(owner) == _arg(args, "owner_country", where)).to_numpy()
    shares = renormalise(PertSampler(market["low"], market["central"], market["high"], lower=0,
                                     upper=1).draw(ctx.rng(100), ctx.draws), np.array([0]))
    value = shares[:, chosen].sum(axis=1)
    sources = sorted({s for cell in market["sources"] for s in cell.split(";")})
    return value, f"share {np.median(value):.3f} of {'/'.join(map(str, key))}", sources


def trace_share(ctx: Context, args: dict, where: str):
    import moneytrail as mt
    from moneytrail.scenarios.reference import reference_dir

    scenario = _arg(args, "scenario", where)
    if isinstance(scenario, dict):
        plan = mt.parse_scenario(scenario, source=f"{where} args.scenario")
    else:
        path = reference_dir() / f"{scenario}.yaml"
        if not path.exists():
            raise ClaimError("unknown reference scenario", file=where, field="args.scenario",
                             value=scenario)
        plan = mt.load_scenario(path)
    model = mt.load_model(plan.year, path=ctx.data.package.root)
    result = mt.trace(plan, model, draws=ctx.draws, seed=ctx.seed)
    entities, groups = list(args.get("entities", [])), list(args.get("groups", []))
    table = model.entities.set_index("id")
    unknown = sorted(set(entities) - set(table.index))
    if unknown:
        raise ClaimError("unknown entity", file=where, field="args.entities", value=unknown[0])
    picked = [e for e in table.index if e in entities or set(table.loc[e, "group_list"])
              & set(groups)]
    basis = args.get("basis", "first_invoice")
    if basis == "first_invoice":
        idx = [model.index[e] for e in picked]
        value = result.demand[:, idx].sum(axis=1) / result.demand.sum(axis=1)
    elif basis == "value_added":
        value = result.select(result.flow_labels["entity"].isin(picked).to_numpy()) / \
            result.draw_totals
    else:
        raise ClaimError("basis must be first_invoice or value_added", file=where,
                         field="args.basis", value=basis)
    return value, f"{np.median(value):.3f} of {plan.id} ({basis}) to {', '.join(picked)}", \
        [plan.budget.source] if plan.budget.source else []


def value_remaining(ctx: Context, args: dict, where: str):
    years = float(_arg(args, "years", where))
    decline = draw_interval(ctx.data.param("value_decline_per_year"), ctx.rng(200), ctx.draws,
                            lower=0.0, upper=1.0)
    value = (1.0 - decline) ** years
    row = ctx.data["parameters"].set_index("id").loc["value_decline_per_year"]
    return value, f"{np.median(value):.2f} of the value left after {years:g} years", \
        row["sources"].split(";")


def _run(ctx: Context, name: str, where: str, field: str) -> pd.Series:
    runs = ctx.data["training_runs"].set_index("id")
    if name not in runs.index:
        raise ClaimError(f"unknown training run (known: {', '.join(runs.index)})", file=where,
                         field=field, value=name)
    return runs.loc[name]


def compute_ratio(ctx: Context, args: dict, where: str):
    a = _run(ctx, _arg(args, "model", where), where, "args.model")
    b = _run(ctx, _arg(args, "comparator", where), where, "args.comparator")
    fa = draw_interval((a["flop_low"], a["flop_central"], a["flop_high"]), ctx.rng(300),
                       ctx.draws, lower=0.0)
    fb = draw_interval((b["flop_low"], b["flop_central"], b["flop_high"]), ctx.rng(301),
                       ctx.draws, lower=0.0)
    ratio = fa / fb
    return ratio, (f"{a['model']} {a['flop_central']:.3g} FLOP vs {b['model']} "
                   f"{b['flop_central']:.3g}: ratio {np.median(ratio):.3f}"), \
        a["sources"].split(";") + b["sources"].split(";")


def capability_gap(ctx: Context, args: dict, where: str):
    a = _run(ctx, _arg(args, "model", where), where, "args.model")
    b = _run(ctx, _arg(args, "comparator", where), where, "args.comparator")
    gap = float(a["eci"] - b["eci"])
    return np.full(ctx.draws, gap), (f"ECI {a['model']} {a['eci']:g} vs {b['model']} "
                                     f"{b['eci']:g}: {gap:+.1f}"), ["a_epoch_eci"]


def members_exposed(ctx: Context, args: dict, where: str):
    on = dt.date.fromisoformat(str(_arg(args, "date", where)))
    rules = rules_in_force(ctx.data, on)
    members = sorted(ctx.data["eu_members"]["country"])
    exposed = [m for m in members if (tier_of(rules, m) or (1, 0))[0] >= 2]
    names = ", ".join(exposed) if exposed else "none"
    return np.full(ctx.draws, float(len(exposed))), \
        f"{len(exposed)} of {len(members)} EU members capped on {on} ({names})", \
        sorted({s for cell in rules["sources"] for s in cell.split(";")})


COMPUTATIONS: dict[str, Callable] = {
    "ledger.ratio": ledger_ratio, "ledger.deal_sector": ledger_deal_sector,
    "market.share": market_share, "trace.share": trace_share,
    "lifecycle.value_remaining": value_remaining, "efficiency.compute_ratio": compute_ratio,
    "efficiency.capability_gap": capability_gap, "export.members_exposed": members_exposed,
}


def check_verdict(probability: float) -> str:
    if probability >= SUPPORTED:
        return "supported"
    if probability <= CONTRADICTED:
        return "contradicted"
    return "uncertain"


def claim_verdict(verdicts: list[str]) -> str:
    if all(v == "supported" for v in verdicts):
        return "supported"
    if any(v == "contradicted" for v in verdicts):
        return "contradicted"
    return "uncertain"


def ledger_from_package(root: Path) -> pd.DataFrame:
    """The ledger's claims and deals as shipped in a data package (no database needed)."""
    from moneytrail.data.package import open_package

    package = open_package(root)
    claims = package.table("ledger-claims")
    claims.attrs["deals"] = package.table("ledger-deals")
    return claims


def ledger_from_store(url: str | None) -> pd.DataFrame:
    """The ledger's claims and deals as they stand in a store (user edits included)."""
    from moneytrail.ledger import open as open_ledger

    with open_ledger(url) as ledger:
        tables = ledger.tables()
    claims = tables["claim"]
    claims.attrs["deals"] = tables["deal"]
    return claims


def check_claims(claims: list[Claim] | None = None, *, path: str | Path | None = None,
                 data: AnalysisData | None = None, ledger: pd.DataFrame | None = None,
                 draws: int = DRAWS, seed: int = 1) -> pd.DataFrame:
    """One row per check, with the claim's overall verdict, figures and sources."""
    where = str(path or default_claims_path())
    claims = claims if claims is not None else load_claims(path)
    data = data if data is not None else load_analysis()
    ledger = ledger if ledger is not None else ledger_from_package(data.package.root)
    ctx = Context(data, ledger, draws, seed)
    rows = []
    for i, claim in enumerate(claims):
        verdicts = []
        for j, check in enumerate(claim.checks):
            here = f"{where} (claims.{i}.checks.{j})"
            if check.computation not in COMPUTATIONS:
                raise ClaimError(f"unknown computation (known: {', '.join(COMPUTATIONS)})",
                                 file=where, field=f"claims.{i}.checks.{j}.computation",
                                 value=check.computation)
            values, figure, sources = COMPUTATIONS[check.computation](ctx, check.args, here)
            ok = values <= check.max if check.max is not None else values >= check.min
            probability = float(np.mean(ok))
            verdicts.append(check_verdict(probability))
            stats = describe(values)
            rows.append({"claim": claim.id, "text": claim.claim, "check": check.describe or
                         check.computation, "bound": f"max {check.max:g}" if check.max
                         is not None else f"min {check.min:g}", "figure": figure,
                         "p50": stats["p50"], "p5": stats["p5"], "p95": stats["p95"],
                         "p_holds": probability, "check_verdict": verdicts[-1],
                         "sources": "; ".join(dict.fromkeys(claim.sources + list(sources)))})
        for row in rows[-len(claim.checks):]:
            row["verdict"] = claim_verdict(verdicts)
    return pd.DataFrame(rows)
