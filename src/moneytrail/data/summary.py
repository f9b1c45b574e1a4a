"""How much of the data package rests on assumptions: the targets of data 2.0.0.

`targets(package)` computes the figures `moneytrail validate --summary` prints, each with its
target and whether it is met:

- market rows labelled `assumption`, weighted by share x market size (target <= 20 %);
- ledger claims citing `weak` sources (target <= 20 %);
- `filing`/`official` sources without a primary reference or read from a junk domain or a
  code-hosting/extraction host (target 0);
- for each headline driver (Nvidia, TSMC and hyperscaler cost structures; accelerator and cloud
  shares), the share of its weight resting on `assumption` or `weak` rows (target <= 20 %), with
  the reliability of its rows listed in `detail`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from moneytrail.data.checks import RELIABILITY
from moneytrail.data.package import DataPackage, open_package
from moneytrail.data.sourcing import BLOCKING_KINDS, PRIMARY_REQUIRED, source_flags
from moneytrail.draws import counted

SHARE_TARGET = 0.20
WEAK_LABELS = ("assumption", "weak")


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    target: float
    met: bool
    detail: str
    unit: str = "share"          # share (0-1) or count

    def as_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "target": self.target,
                "met": self.met, "detail": self.detail, "unit": self.unit}


def _numbers(frame: pd.DataFrame, column: str = "central") -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").fillna(0.0)


def market_weights(package: DataPackage) -> pd.DataFrame:
    """Market rows with `weight` = central share x the market's size in EUR (analysis
    market_sizes.csv, converted at the year's macro/fx.csv rate); rows of markets without a
    size get no weight."""
    markets = package.table("valuechain-markets")
    if not package.has("analysis-market-sizes"):
        return markets.assign(weight=0.0)
    sizes = package.table("analysis-market-sizes")
    rate = {}
    if package.has("macro-fx"):
        fx = package.table("macro-fx")
        rate = {(r["year"], r["currency"]): float(r["units_per_eur"]) for _, r in fx.iterrows()}
    size_eur = {}
    for _, row in sizes.iterrows():
        per_eur = 1.0 if row["currency"] == "EUR" else rate.get((row["year"], row["currency"]))
        if per_eur:
            size_eur[(row["category"], row["buyer_region"], row["year"])] = \
                float(row["central"]) / per_eur
    size = [size_eur.get((r["category"], r["buyer_region"], r["year"]), 0.0)
            for _, r in markets.iterrows()]
    return markets.assign(weight=_numbers(markets).to_numpy() * pd.Series(size).to_numpy())


def _breakdown(labels: pd.Series, weights: pd.Series) -> str:
    """'estimate 62 %, assumption 38 % (14 rows)'-style text, strongest label first."""
    total = float(weights.sum())
    parts = []
    for label in RELIABILITY:
        mask = labels == label
        if mask.any():
            share = float(weights[mask].sum()) / total if total else 0.0
            parts.append(f"{label} {share:.0%} ({counted(int(mask.sum()), 'row')})")
    return ", ".join(parts)


def assumption_market_target(package: DataPackage) -> Target:
    frame = market_weights(package)
    sized = frame[frame["weight"] > 0]
    total = float(sized["weight"].sum())
    value = float(sized.loc[sized["reliability"] == "assumption", "weight"].sum()) / total \
        if total else 0.0
    unsized = sorted(set(frame.loc[frame["weight"] <= 0, "category"]))
    by_category = (sized[sized["reliability"] == "assumption"].groupby("category")["weight"]
                   .sum() / total).sort_values(ascending=False)
    worst = ", ".join(f"{c} {v:.0%}" for c, v in by_category.items() if v >= 0.005)
    detail = (f"weighted by share x market size (EUR) over {len(sized)} rows of sized markets; "
              f"assumption weight by category: {worst or 'none'}; markets without a size "
              f"(not weighted): {', '.join(unsized) or 'none'}")
    return Target("market rows labelled assumption (share x market size)", value, SHARE_TARGET,
                  value <= SHARE_TARGET, detail)


def weak_claims_target(package: DataPackage) -> Target:
    claims = package.table("ledger-claims")
    sources = package.table("ledger-sources")
    reliability = claims["source"].map(dict(zip(sources["id"], sources["reliability"],
                                                strict=True)))
    weak = reliability == "weak"
    value = float(weak.mean()) if len(claims) else 0.0
    detail = f"{int(weak.sum())} of {len(claims)} claims cite a weak source"
    return Target("ledger claims citing weak sources", value, SHARE_TARGET,
                  value <= SHARE_TARGET, detail)


def primary_ref_target(package: DataPackage) -> Target:
    flags = source_flags(package)
    primary = flags[flags["reliability"].isin(PRIMARY_REQUIRED)]
    missing = ~primary["has_primary_ref"]
    junk = primary["flag"] == "junk"
    code_host = primary["flag"] == "code_host"
    bad = int((missing | primary["flag"].isin(list(BLOCKING_KINDS))).sum())
    on_copies = int(primary["flag"].isin(["mirror", "aggregator"]).sum())
    lower = flags[~flags["reliability"].isin(PRIMARY_REQUIRED) & (flags["flag"] == "code_host")]
    detail = (f"{len(primary)} filing/official sources: {int(missing.sum())} without "
              f"primary_ref, {int(junk.sum())} on a junk domain, {int(code_host.sum())} on a "
              f"code-hosting/extraction host; {on_copies} read from a mirror or aggregator "
              f"(allowed with a primary reference); {len(lower)} sources of other labels read "
              f"on a code host")
    return Target("filing/official sources without primary reference or on a junk domain or "
                  "code host", float(bad), 0.0, bad == 0, detail, unit="count")


def _driver(name: str, rows: pd.DataFrame, weights: pd.Series) -> Target:
    total = float(weights.sum())
    weak = rows["reliability"].isin(WEAK_LABELS).to_numpy()
    value = float(weights[weak].sum()) / total if total else 0.0
    return Target(f"driver: {name}", value, SHARE_TARGET, value <= SHARE_TARGET,
                  _breakdown(rows["reliability"].reset_index(drop=True),
                             weights.reset_index(drop=True)))


def driver_targets(package: DataPackage) -> list[Target]:
    """Share of each headline driver's weight resting on `assumption` or `weak` rows: cost
    structures weighted by their central shares, market shares by share x market size."""
    costs = package.table("valuechain-cost-structures")
    entities = package.table("valuechain-entities")
    hyperscalers = {e for e, g in zip(entities["id"], entities["groups"], strict=True)
                    if "hyperscaler" in g.split(";")}
    out = []
    for name, mask in (("Nvidia cost structure", costs["entity"] == "nvidia"),
                       ("TSMC cost structure", costs["entity"] == "tsmc"),
                       ("hyperscaler cost structures", costs["entity"].isin(hyperscalers))):
        rows = costs[mask]
        out.append(_driver(name, rows, _numbers(rows)))
    markets = market_weights(package)
    for name, category in (("accelerator shares", "accelerators"),
                           ("cloud shares", "cloud_compute")):
        rows = markets[markets["category"] == category]
        out.append(_driver(name, rows, rows["weight"]))
    return out


def targets(package: DataPackage | str | None = None) -> list[Target]:
    """Every data 2.0.0 target of a data package (the bundled one by default)."""
    if not isinstance(package, DataPackage):
        package = open_package(package)
    out = [assumption_market_target(package)]
    if package.has("ledger-claims"):
        out.append(weak_claims_target(package))
    out.append(primary_ref_target(package))
    out += driver_targets(package)
    return out


def targets_frame(package: DataPackage | str | None = None) -> pd.DataFrame:
    """The targets as a table (one row each) for `validate --summary --format csv|json`."""
    return pd.DataFrame([t.as_dict() for t in targets(package)])
