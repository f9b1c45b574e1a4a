"""Market power: how much of a plan ends as economic profit (rent), to whom, and the markups.

The trace splits each firm's value added into labour, taxes and `capital` (the cost structures'
residual: operating profit after income tax, for some firms plus depreciation not booked as an
input). Here each firm's capital value added is split, per Monte Carlo draw, into

- a **normal return**: its cost of capital (WACC, share a year) x its invested capital per unit
  of revenue, times the firm's output in the trace (`engine.output`); for an aggregate sector
  with only a return on invested capital (ROIC) benchmark, WACC / ROIC of its capital value
  added (the same thing when capital value added is NOPAT);
- **economic profit** (rent): the rest. It may be negative (a firm earning less than its cost of
  capital): then it is shown as a negative amount, and sums over firms net it out.

Capital value added of an entity with no cost of capital, or neither invested capital nor a
ROIC in the data, stays **not split** (shown as its own row, never guessed); so does that of
aggregate sectors by default, whose capital value added is gross operating surplus, not NOPAT
(`split_rents(..., sectors=True)` splits them too, an upper bound). Normal return +
economic profit + not split = capital value added, in every draw, so the trace's conservation
(value added = spending) still holds.

Inputs come from `valuechain/capital.csv` (entity, year, measure, low, central, high, unit,
sources, reliability, note; amounts USD million in the firm's fiscal year, shares as shares):
measures revenue, operating_income, income_tax_rate, invested_capital, depreciation,
rd_expense, cost_of_capital, gross_margin, and for sectors invested_capital_per_revenue or
roic. Each (low, central, high) becomes a PERT drawn from stream "market_power", keyed by the
entity's position in the model and the measure, independent of every other stream.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from moneytrail.analysis.concentration import spend_years
from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.dependency import dominant_firms, single_supplier_threshold
from moneytrail.analysis.purchases import Purchases, plan_purchases
from moneytrail.analysis.stats import STATS, Stream, describe, draw_interval
from moneytrail.draws import counted
from moneytrail.engine.output import CHUNK
from moneytrail.engine.result import TraceResult
from moneytrail.errors import DataPackageError

STREAM = "market_power"
RESOURCE = "valuechain-capital"
CAPITAL_PATH = "valuechain/capital.csv"
COLUMNS = ("entity", "year", "measure", "low", "central", "high", "unit", "sources",
           "reliability", "note")
MEASURES = ("revenue", "operating_income", "income_tax_rate", "invested_capital",
            "depreciation", "rd_expense", "cost_of_capital", "gross_margin",
            "invested_capital_per_revenue", "roic", "product_margin", "return_on_capital")
SHARES = ("income_tax_rate", "cost_of_capital", "gross_margin", "product_margin")
PRODUCT_CATEGORIES = ("accelerators",)   # a product's price-cost margin (teardowns) applies
TOP = 5                       # largest rent recipients shown
# a recipient's rent is shown as a share of its own economic profit only when that profit is
# positive in at least this share of the draws (else n/a: a ratio over the few draws where it
# is positive, e.g. Broadcom's 199 % from 1 draw in 2000, says nothing)
MIN_POSITIVE_PROFIT = 0.9
PARTS = ("normal return", "economic profit (rent)",
         "capital not split (aggregate sectors, or no data)")

__all__ = ["CapitalDraws", "Markups", "RentSplit", "capital_draws", "capital_table",
           "dominant_rent_share", "has_capital_data", "markup_draws", "markup_table", "markups",
           "rent_recipients", "rent_share", "rent_table", "split_rents", "unsplit_firms",
           "unsplit_note"]


# -- data ----------------------------------------------------------------------------------
def _capital_path(data: AnalysisData) -> Path | None:
    package = data.package
    if package.has(RESOURCE):
        return package.path_of(RESOURCE)
    path = package.root / CAPITAL_PATH
    return path if path.is_file() else None


def has_capital_data(data: AnalysisData) -> bool:
    """Whether the data package has the capital table (valuechain/capital.csv)."""
    return _capital_path(data) is not None


def capital_table(data: AnalysisData) -> pd.DataFrame:
    """The capital table, typed (year int, low/central/high float); DataPackageError naming
    file, line and field for a missing column, an unknown measure, a number that is not one,
    low > central > high, a share outside [0, 1], a row without sources or citing a source id
    the package does not have."""
    path = _capital_path(data)
    if path is None:
        raise DataPackageError("this data package has no capital table (needed for economic "
                               "profit)", file=str(data.package.root / CAPITAL_PATH))
    frame = (data.package.table(RESOURCE) if data.package.has(RESOURCE)
             else pd.read_csv(path, dtype=str, keep_default_na=False))
    package = data.package
    names = [n for n in package.resource_names() if n.endswith("sources") or "-sources-" in n]
    known = {source for name in names for source in package.table(name)["id"]}
    return checked_capital(frame, str(path), known)


def checked_capital(frame: pd.DataFrame, file: str, sources: set[str] | None = None
                    ) -> pd.DataFrame:
    """A capital table (strings) checked and typed; see `capital_table`. With `sources` (the
    package's source ids) every cited id must be one of them."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataPackageError("missing column", file=file, field=missing[0])
    out = frame.copy()
    # row by row over the columns' values (no Series per row)
    for i, measure, cited, low_text, central_text, high_text, year in zip(
            out.index, out["measure"], out["sources"], out["low"], out["central"], out["high"],
            out["year"], strict=True):
        line = f"{file}:{int(str(i)) + 2}"
        if measure not in MEASURES:
            raise DataPackageError(f"unknown measure (known: {', '.join(MEASURES)})",
                                   file=line, field="measure", value=measure)
        if not str(cited).strip():
            raise DataPackageError("a row without sources", file=line, field="sources")
        unknown = [c for c in str(cited).split(";")
                   if sources is not None and c.strip() and c.strip() not in sources]
        if unknown:
            raise DataPackageError("unknown source id (not in any sources table of the data "
                                   "package)", file=line, field="sources", value=unknown[0])
        try:
            low, central, high = (float(v) for v in (low_text, central_text, high_text))
            int(year)
        except ValueError:
            raise DataPackageError("not a number", file=line,
                                   field="low/central/high/year",
                                   value=f"{low_text}/{central_text}/{high_text}") from None
        if not (low <= central <= high) or not np.isfinite([low, central, high]).all():
            raise DataPackageError("need low <= central <= high (finite)", file=line,
                                   field="central", value=central)
        if measure in SHARES and not (low >= 0 and high <= 1):
            raise DataPackageError("a share must lie in [0, 1]", file=line,
                                   field=str(measure), value=high)
    for column in ("low", "central", "high"):
        out[column] = out[column].astype(float)
    out["year"] = out["year"].astype(int)
    return out


def measures_of(table: pd.DataFrame, entity: str, year: int) -> dict[str, pd.Series]:
    """Each measure's row for `entity`: the given year, else the latest earlier year, else
    the earliest later one (fiscal years; the row says which year was used)."""
    rows = table[table["entity"] == entity]
    measures, years = rows["measure"].to_numpy(), rows["year"].to_numpy()
    out = {}
    for measure in dict.fromkeys(measures):          # in order of first appearance
        mask = measures == measure
        found = years[mask]
        earlier = found[found <= year]
        pick = earlier.max() if earlier.size else found.min()
        out[str(measure)] = rows.iloc[int(np.flatnonzero(mask & (years == pick))[0])]
    return out


def entity_rows(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The capital table's rows of each entity (for `measures_of`: the same rows as the whole
    table gives, without filtering it for every entity)."""
    return {str(e): rows for e, rows in table.groupby("entity", sort=False)}


def _bounds(row: pd.Series) -> tuple[float, float, float]:
    return float(row["low"]), float(row["central"]), float(row["high"])


# -- the split -----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RentSplit:
    """Per-draw split of a trace's capital value added (arrays (draws, flows), plan currency).

    `normal + rent + unsplit` equals the capital value added of every flow in every draw; other
    flows (labour, taxes) are 0 in all three. `basis` has one row per entity with capital value
    added: how its normal return was found (`wacc x invested capital / revenue`,
    `wacc / roic` or `not split`), the fiscal years and the sources.
    """

    result: TraceResult
    normal: np.ndarray
    rent: np.ndarray
    unsplit: np.ndarray
    basis: pd.DataFrame
    wacc: dict[str, np.ndarray]        # entity -> per-draw cost of capital drawn
    capital: pd.DataFrame              # the capital table the split read
    drawn: CapitalDraws | None = None  # the capital inputs drawn (reusable by another split)

    @property
    def total(self) -> np.ndarray:
        """(draws,) the plan's spending in each draw (its value added)."""
        return self.result.draw_totals

    def share(self) -> np.ndarray:
        """(draws,) economic profit as a share of the plan's spending (net over firms); NaN in
        a draw where none of the plan's capital value added could be split (no data: a rent
        share of 0 would be a claim the data cannot make)."""
        split = row_sums(self.normal, self.rent)
        rent = self.rent.sum(axis=1) / self.total
        return np.where(np.abs(split) > 0, rent, np.nan)

    def coverage(self) -> np.ndarray:
        """(draws,) share of the plan's capital value added that was split (the rest had no
        cost of capital or invested capital in the data)."""
        split = row_sums(self.normal, self.rent)
        total = split + self.unsplit.sum(axis=1)
        return np.divide(split, total, out=np.full(split.shape, np.nan), where=total != 0)

    @cached_property
    def unsplit_by_entity(self) -> tuple[np.ndarray, list[str], np.ndarray]:
        """The unsplit capital value added by entity (draws, entities, read-only), the
        entities, and the plan's capital value added per draw (read-only): summed once per
        split, as a trace run's facts, each scorecard and the market-power tables all name the
        firms not split (`unsplit_note`)."""
        values, entities = self.by_entity(self.unsplit)
        capital = row_sums(self.normal, self.rent, self.unsplit)
        values.flags.writeable = False
        capital.flags.writeable = False
        return values, entities, capital

    def by_entity(self, values: np.ndarray | None = None) -> tuple[np.ndarray, list[str]]:
        """(draws, entities) of `values` (default: rent) summed per entity, model order."""
        return self.by("entity", values)

    def by(self, dimension: str, values: np.ndarray | None = None
           ) -> tuple[np.ndarray, list[str]]:
        """(draws, labels) of `values` (default: rent) by a flow dimension (entity,
        owner_country, country, group, factor). The rent's are summed once per dimension
        and kept read-only (a plan's scorecard, rent table and rent recipients all read
        the rent by entity)."""
        if values is None:
            if dimension not in self._rent_by:
                summed, labels = self.by(dimension, self.rent)
                summed.flags.writeable = False
                self._rent_by[dimension] = (summed, labels)
            summed, labels = self._rent_by[dimension]
            return summed, list(labels)
        dim = self.result.dimension(dimension)     # the trace's own (or built once for it)
        return values @ dim.matrix, list(dim.labels)

    @cached_property
    def _rent_by(self) -> dict[str, tuple[np.ndarray, list[str]]]:
        """The rent by dimension, as `by` sums it (filled on first use)."""
        return {}


def row_sums(*arrays: np.ndarray) -> np.ndarray:
    """(draws,) each row of the arrays' elementwise sum (added left to right) summed: CHUNK
    draws at a time, each row on its own, so the same numbers, bit for bit, as
    `(a + b + ...).sum(axis=1)` in one pass, without its full-size (draws, flows) temporary."""
    first = arrays[0]
    out = np.empty(first.shape[0])
    for start in range(0, first.shape[0], CHUNK):
        at = slice(start, start + CHUNK)
        total = first[at] + arrays[1][at] if len(arrays) > 1 else first[at].copy()
        for more in arrays[2:]:
            total += more[at]
        out[at] = total.sum(axis=1)
    return out


@dataclass(frozen=True, eq=False)
class EntityCapital:
    """One entity's capital inputs for the split, drawn per draw from stream "market_power"
    (key: its model position and the measure): how its normal return is found (`method`), the
    capital-table rows used, and the per-draw values (`values`: measure -> (draws,))."""

    method: str
    rows: list[pd.Series]
    values: dict[str, np.ndarray]


@dataclass(frozen=True, eq=False)
class CapitalDraws:
    """The capital inputs of every entity split for one model, seed and draw count (they do
    not depend on the plan: a plan and the same plan under other procurement rules split their
    rents with the same draws). `entities`: entity -> EntityCapital (None: an aggregate
    sector, not split)."""

    seed: int
    draws: int
    year: int
    sectors: bool
    entities: dict[str, EntityCapital | None]

    def fits(self, result: TraceResult, year: int, sectors: bool) -> bool:
        return (self.seed, self.draws, self.year, self.sectors) == \
            (result.seed, result.draws, year, sectors)


RETURN_MEASURES = ("roic", "return_on_capital")     # drawn with a lower bound of 1e-6


def capital_draws(result: TraceResult, table: pd.DataFrame, entities: list[str], year: int,
                  *, sectors: bool = False) -> CapitalDraws:
    """Draw the capital inputs of `entities` (see `split_rents`) for the model, seed and draw
    count of `result`."""
    draws = result.draws
    if not entities:        # e.g. every entity's inputs already drawn for another split
        return CapitalDraws(seed=result.seed, draws=draws, year=year, sectors=sectors,
                            entities={})
    index = result.model.index
    stream = Stream(result.seed, STREAM)
    kinds = result.model.entities.set_index("id")["kind"]
    by_entity = entity_rows(table)
    empty = table.iloc[:0]
    out: dict[str, EntityCapital | None] = {}
    for entity in entities:
        k = index[entity]
        if kinds.get(entity, "firm") == "sector" and not sectors:
            out[entity] = None
            continue
        measures = measures_of(by_entity.get(entity, empty), entity, year)

        def draw(measure: str, lower: float = 0.0, k: int = k,
                 measures: dict[str, pd.Series] = measures) -> np.ndarray:
            return draw_interval(_bounds(measures[measure]),
                                 stream.at(k, MEASURES.index(measure)), draws, lower=lower)

        method, used = "not split (no data)", []
        values: dict[str, np.ndarray] = {}
        if "cost_of_capital" in measures:
            returns = [m for m in RETURN_MEASURES if m in measures]
            if "invested_capital_per_revenue" in measures:   # preferred: no FX in the ratio
                method = "wacc x invested capital per revenue"
                used = ["cost_of_capital", "invested_capital_per_revenue"]
            elif {"revenue", "invested_capital"} <= set(measures):
                method = "wacc x invested capital / revenue"
                used = ["cost_of_capital", "invested_capital", "revenue"]
            elif returns:
                method = f"wacc / {returns[0]} x capital value added"
                used = ["cost_of_capital", returns[0]]
            for measure in used:
                values[measure] = draw(measure, lower=1e-6 if measure in returns else 0.0)
        out[entity] = EntityCapital(method=method, rows=[measures[m] for m in used],
                                    values=values)
    return CapitalDraws(seed=result.seed, draws=draws, year=year, sectors=sectors,
                        entities=out)


def split_rents(result: TraceResult, data: AnalysisData, capital: pd.DataFrame | None = None,
                *, sectors: bool = False, drawn: CapitalDraws | None = None) -> RentSplit:
    """Split every firm's capital value added in each draw of a traced plan (per-draw values
    kept) into normal return and economic profit; see the module docstring. `capital` is the
    capital table (default: the package's, `capital_table(data)`). `drawn`: capital inputs
    already drawn for the same model, seed, draws and year (`capital_draws`, e.g. those of
    another split, `RentSplit.drawn`); entities it lacks are drawn here.

    Aggregate sectors (entity kind `sector`: the rest of the world, other services,
    construction, electricity ...) are not split unless `sectors=True`: their capital value
    added is gross operating surplus (depreciation and, abroad, the mixed income of the
    self-employed included), not NOPAT, so the rest would count capital consumption as rent
    (an upper bound at best).

    Raises DataPackageError when the package has no capital table; ValueError when `drawn`
    is of another seed, draw count, year or sector rule.
    """
    from moneytrail.engine.output import entity_output

    table = capital_table(data) if capital is None else capital
    year = result.plan.year if result.plan is not None else int(result.model.year or 0)
    flows = result.flows
    labels = result.flow_labels
    is_capital = (labels["factor"] == "capital").to_numpy()
    entity_of = result.model.flows_entity_index
    index = result.model.index
    output = entity_output(result)
    draws = result.draws
    normal = np.zeros_like(flows)
    capital_flows = np.where(is_capital[None, :], flows, 0.0)
    unsplit = capital_flows.copy()
    static = result.model.flows["weight"].to_numpy(float)
    entities = list(dict.fromkeys(labels.loc[is_capital, "entity"]))
    if drawn is not None and not drawn.fits(result, year, sectors):
        raise ValueError("capital draws of another seed, draw count, year or sector rule")
    missing = [e for e in entities if drawn is None or e not in drawn.entities]
    more = capital_draws(result, table, missing, year, sectors=sectors)
    found = {**(drawn.entities if drawn is not None else {}), **more.entities}
    rows, waccs = [], {}
    for entity in entities:
        k = index[entity]
        inputs = found[entity]
        if inputs is None:
            rows.append({"entity": entity, "method": "not split (aggregate sector: gross "
                         "operating surplus)", "years": "", "reliability": "", "sources": ""})
            continue
        columns = np.flatnonzero(is_capital & (entity_of == k))
        entity_flows = flows[:, columns]            # gathered once (the same values twice)
        capital_va = entity_flows.sum(axis=1)
        method, value = inputs.method, inputs.values
        entity_normal = None
        if method == "wacc x invested capital per revenue":
            entity_normal = value["cost_of_capital"] * value["invested_capital_per_revenue"] \
                * output[:, k]
        elif method == "wacc x invested capital / revenue":
            revenue = value["revenue"]
            ratio = np.divide(value["invested_capital"], revenue, out=np.zeros(draws),
                              where=revenue > 0)
            entity_normal = value["cost_of_capital"] * ratio * output[:, k]
        elif method.startswith("wacc / "):
            roic = value[method.split()[2]]
            entity_normal = capital_va * value["cost_of_capital"] / roic
        if entity_normal is not None:
            waccs[entity] = value["cost_of_capital"]
            weights = static[columns] / static[columns].sum()
            part = np.divide(entity_flows, capital_va[:, None],
                             out=np.broadcast_to(weights, (draws, columns.size)).copy(),
                             where=capital_va[:, None] != 0)
            normal[:, columns] = entity_normal[:, None] * part
            unsplit[:, columns] = 0.0
        picked = inputs.rows
        rows.append({"entity": entity, "method": method,
                     "years": ";".join(sorted({str(r["year"]) for r in picked})),
                     "reliability": ";".join(dict.fromkeys(str(r["reliability"])
                                                           for r in picked)),
                     "sources": ";".join(dict.fromkeys(
                         s for r in picked for s in str(r["sources"]).split(";") if s))})
    # capital value added - normal - unsplit, in place (no full-size temporaries)
    rent = capital_flows
    rent -= normal
    rent -= unsplit
    return RentSplit(result=result, normal=normal, rent=rent, unsplit=unsplit, capital=table,
                     basis=pd.DataFrame(rows).set_index("entity") if rows else
                     pd.DataFrame(columns=["method", "years", "reliability", "sources"]),
                     wacc=waccs, drawn=CapitalDraws(seed=result.seed, draws=draws, year=year,
                                                    sectors=sectors, entities=found))


def unsplit_firms(split: RentSplit) -> pd.DataFrame:
    """Firms (not aggregate sectors) whose capital value added stayed unsplit for lack of data
    (no cost of capital, or neither invested capital nor a return on capital), rows by entity,
    largest first: `share_of_capital` (median over draws of the firm's share of the plan's
    capital value added) and `share_of_spending` (median share of the plan's spending). Their
    rent, if any, is missing from the rent share, which is then a lower bound for it. Empty
    when every firm could be split."""
    names = _not_split(split)
    if not names:
        return pd.DataFrame(columns=["share_of_capital", "share_of_spending"],
                            index=pd.Index([], name="entity"))
    return _unsplit_firms(split, names, *_unsplit_by_entity(split))


def _not_split(split: RentSplit) -> list[str]:
    """The firms whose capital value added is not split for lack of data."""
    return [str(e) for e, m in split.basis["method"].items() if str(m) == "not split (no data)"]


def _unsplit_by_entity(split: RentSplit) -> tuple[np.ndarray, list[str], np.ndarray]:
    """The unsplit capital value added by entity (draws, entities), the entities, and the
    plan's capital value added per draw (`RentSplit.unsplit_by_entity`: summed once)."""
    return split.unsplit_by_entity


def _unsplit_firms(split: RentSplit, names: list[str], values: np.ndarray,
                   entities: list[str], capital: np.ndarray) -> pd.DataFrame:
    """unsplit_firms of the firms `names` (at least one), from `_unsplit_by_entity`."""
    columns = ["share_of_capital", "share_of_spending"]
    rows = {}
    for name in names:
        k = entities.index(name)
        of_capital = np.divide(values[:, k], capital, out=np.zeros_like(capital),
                               where=capital != 0)
        rows[name] = (float(np.median(of_capital)), float(np.median(values[:, k] / split.total)))
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    frame.index.name = "entity"
    return frame.sort_values("share_of_capital", ascending=False, kind="stable")


def unsplit_note(split: RentSplit, limit: int = 8, names: Mapping[str, str] | None = None
                 ) -> str:
    """One sentence naming the firms whose capital value added is not split for lack of data
    and the share of the plan's capital value added they hold (the `limit` largest by name if
    their share rounds to at least 0.1 %, the rest counted); "" when there are none. Firms are
    named by `names` (id -> display name, ValueChain.entity_names; the id without one)."""
    names_not_split = _not_split(split)
    if not names_not_split:
        return ""
    values, entities, capital = _unsplit_by_entity(split)      # once for both
    frame = _unsplit_firms(split, names_not_split, values, entities, capital)
    frame = frame[frame["share_of_capital"] > 0]
    if frame.empty:
        return ""
    shown = frame["share_of_capital"].head(limit)
    shown = shown[shown >= 0.0005]          # named only where the share rounds to >= 0.1 %
    named = [f"{(names or {}).get(str(e), str(e))} {100 * v:.1f} %" for e, v in shown.items()]
    rest = len(frame) - len(named)
    below = f"{counted(rest, 'firm')} below 0.1 %" + (" each" if rest > 1 else "")
    more = (f" and {rest} more" if named else below) if rest else ""
    columns = [entities.index(str(e)) for e in frame.index]
    total = 100 * float(np.median(np.divide(values[:, columns].sum(axis=1), capital,
                                            out=np.zeros_like(capital), where=capital != 0)))
    return (f"Not split for lack of data (firms, median share of the plan's capital value "
            f"added): {', '.join(named)}{more}; {total:.1f} % in all. Their rent is left out "
            "of the rent share, which is a lower bound if they earn above their cost of "
            "capital.")


# -- metrics -------------------------------------------------------------------------------
def rent_share(result: TraceResult, data: AnalysisData, split: RentSplit | None = None
               ) -> np.ndarray:
    """(draws,) share of the plan's spending ending as economic profit (from `split`, the
    trace's rent split, when given); NaN in every draw when the data package has no capital
    table."""
    if split is None:
        if not has_capital_data(data):
            return np.full(result.draws, np.nan)
        split = split_rents(result, data)
    return split.share()


def dominant_rent_share(result: TraceResult, data: AnalysisData,
                        threshold: float | None = None, split: RentSplit | None = None
                        ) -> np.ndarray:
    """(draws,) share of the plan's positive economic profit (summed over firms with rent > 0
    in the draw) that goes to firms already holding more than `threshold` (default: the
    data's single-supplier threshold, the EU presumption of dominance at 50 %) of some market
    in the data (`dependency.dominant_firms`). NaN where no firm earns a rent or without a
    capital table."""
    if split is None:
        if not has_capital_data(data):
            return np.full(result.draws, np.nan)
        split = split_rents(result, data)
    threshold = single_supplier_threshold(data) if threshold is None else threshold
    values, names = split.by_entity()
    positive = np.maximum(values, 0.0)
    dominant = np.isin(names, dominant_firms(result, threshold))
    total = positive.sum(axis=1)
    return np.divide(positive[:, dominant].sum(axis=1), total, out=np.full(result.draws, np.nan),
                     where=total > 0)


def _stat_columns(prefix: str, values: np.ndarray) -> dict[str, float]:
    return {f"{prefix}_{s}": v for s, v in describe(values).items()}


def rent_table(split: RentSplit, dimensions: tuple[str, ...] = ("owner_country", "group",
                                                                "entity")) -> pd.DataFrame:
    """Rows (dimension, label): the plan's capital value added split into its parts (dimension
    `total`), then economic profit by owner country, group and firm; share of the spending,
    mean / p5 / p50 / p95 over draws (negative: an economic loss)."""
    total = split.total
    rows = []
    for part, values in zip(PARTS, (split.normal, split.rent, split.unsplit), strict=True):
        rows.append({"dimension": "total", "label": part,
                     **_stat_columns("share", values.sum(axis=1) / total)})
    for dimension in dimensions:
        values, names = split.by(dimension)
        order = np.argsort(-np.median(values, axis=0), kind="stable")
        for k in order:
            if not np.any(values[:, k]):
                continue
            rows.append({"dimension": dimension, "label": names[k],
                         **_stat_columns("share", values[:, k] / total)})
    return pd.DataFrame(rows).set_index(["dimension", "label"])


def rent_recipients(split: RentSplit, data: AnalysisData, top: int = TOP) -> pd.DataFrame:
    """The `top` firms receiving the most economic profit from the plan (median): the rent
    (plan currency) and its share of the spending; the plan's rent per year (the rent over
    the plan's spend years) as a share of the firm's annual economic profit (NOPAT - WACC x
    invested capital, from its filings) and of its R&D budget; NaN when the data lack the
    figure or the firm's own economic profit is not positive in at least MIN_POSITIVE_PROFIT of
    the draws (then a share is meaningless).
    Amounts are restated in USD of the plan year, as the filings are nominal
    (`AnalysisData.plan_money_nominal`: the price year's ECB rate, then the US deflator from
    the price year to the plan year; the plan year's rate when the two years are one)."""
    result = split.result
    plan = result.require_plan()
    table = split.capital
    values, names = split.by_entity()
    order = [k for k in np.argsort(-np.median(values, axis=0), kind="stable")
             if np.median(values[:, k]) > 0][:top]
    to_usd_million = float(data.plan_money_nominal(1.0, plan, "USD")) / 1e6
    years = spend_years(plan)
    index = result.model.index
    stream = Stream(result.seed, STREAM)
    rows = []
    by_entity = entity_rows(table)
    for k in order:
        entity = names[k]
        rent = values[:, k]
        annual = rent * to_usd_million / years
        measures = measures_of(by_entity.get(str(entity), table.iloc[:0]), entity, plan.year)
        j = index[entity]
        # what the split drew already (invested capital, revenue ...: the same interval, key
        # and bound), read instead of drawn again
        kept = split.drawn
        inputs = kept.entities.get(entity) if kept is not None and kept.fits(
            result, plan.year, kept.sectors) else None
        drawn = {} if inputs is None else {
            m: (_bounds(row), inputs.values[m])
            for m, row in zip(inputs.values, inputs.rows, strict=True)
            if m not in RETURN_MEASURES}

        def draw(measure: str, lower: float = 0.0, j: int = j,
                 measures: dict[str, pd.Series] = measures,
                 drawn: dict[str, tuple[tuple[float, float, float], np.ndarray]] = drawn
                 ) -> np.ndarray | None:
            if measure not in measures:
                return None
            bounds = _bounds(measures[measure])
            if lower == 0.0 and measure in drawn and drawn[measure][0] == bounds:
                return drawn[measure][1]
            return draw_interval(bounds, stream.at(j, MEASURES.index(measure)), result.draws,
                                 lower=lower)

        profit_share = np.full(result.draws, np.nan)
        oi, tax, ic = draw("operating_income", -np.inf), draw("income_tax_rate"), \
            draw("invested_capital")
        if ic is None and "invested_capital_per_revenue" in measures:
            per_revenue, revenue = draw("invested_capital_per_revenue"), draw("revenue")
            ic = None if revenue is None or per_revenue is None else per_revenue * revenue
        if oi is not None and tax is not None and ic is not None and entity in split.wacc:
            profit = oi * (1 - tax) - split.wacc[entity] * ic
            if np.mean(profit > 0) >= MIN_POSITIVE_PROFIT:
                profit_share = np.divide(annual, profit, out=np.full(result.draws, np.nan),
                                         where=profit > 0)
        rd = draw("rd_expense")
        rd_share = np.full(result.draws, np.nan) if rd is None else np.divide(
            annual, rd, out=np.full(result.draws, np.nan), where=rd > 0)
        used = [measures[m] for m in ("operating_income", "income_tax_rate",
                                      "invested_capital", "invested_capital_per_revenue",
                                      "revenue", "rd_expense") if m in measures]
        sources = [s for s in str(split.basis.loc[entity, "sources"]).split(";") if s]
        sources += [s for r in used for s in str(r["sources"]).split(";") if s]
        rows.append({"entity": entity, **_stat_columns("rent", rent),
                     **_stat_columns("share", rent / split.total),
                     **_stat_columns("of_economic_profit", profit_share),
                     **_stat_columns("of_rd", rd_share),
                     "fiscal_year": ";".join(sorted({str(r["year"]) for r in used})),
                     "sources": ";".join(dict.fromkeys(sources))})
    columns = (["entity"] + [f"{p}_{s}" for p in ("rent", "share", "of_economic_profit",
                                                   "of_rd") for s in STATS]
               + ["fiscal_year", "sources"])
    return pd.DataFrame(rows, columns=columns).set_index("entity")


@dataclass(frozen=True, eq=False)
class Markups:
    """A trace's markups (`markups`): `amounts` (draws, purchases rows) paid above the
    supplier's cost, `rows` the purchases rows with their margin (see `markup_draws`), and
    `margins` the per-draw margins drawn ((supplier, measure) -> (draws,); they do not depend
    on the plan, so another trace of the same model, seed and draws can reuse them)."""

    amounts: np.ndarray
    rows: pd.DataFrame
    margins: dict[tuple[str, str], np.ndarray]
    seed: int
    draws: int


def markups(result: TraceResult, data: AnalysisData, purchases: Purchases | None = None,
            capital: pd.DataFrame | None = None, drawn: Markups | None = None) -> Markups:
    """The markups of a traced plan (see `markup_draws`); margins already in `drawn` (the
    markups of another trace of the same model, seed and draws) are reused, not redrawn.
    ValueError when `drawn` is of another seed or draw count."""
    if drawn is not None and (drawn.seed, drawn.draws) != (result.seed, result.draws):
        raise ValueError("margins of another seed or draw count")
    purchases = purchases if purchases is not None else plan_purchases(result)
    plan = result.require_plan()
    table = capital if capital is not None else (
        capital_table(data) if has_capital_data(data) else None)
    rows = purchases.rows.copy()
    out = np.zeros_like(purchases.amounts)
    index = result.model.index
    stream = Stream(result.seed, STREAM)
    margins: dict[tuple[str, str], np.ndarray] = {}
    info = []
    by_entity = {} if table is None else entity_rows(table)
    for r, (category, supplier) in enumerate(zip(rows["category"], rows["supplier"],
                                                 strict=True)):
        measures = {} if table is None else measures_of(
            by_entity.get(str(supplier), table.iloc[:0]), supplier, plan.year)
        kind = "product_margin" if category in PRODUCT_CATEGORIES and \
            "product_margin" in measures else "gross_margin"
        row = measures.get(kind)
        if row is None:
            info.append((np.nan, np.nan, np.nan, "", "", ""))
            continue
        if (supplier, kind) not in margins:
            margins[supplier, kind] = drawn.margins[supplier, kind] \
                if drawn is not None and (supplier, kind) in drawn.margins else \
                draw_interval(_bounds(row), stream.at(index[supplier], MEASURES.index(kind)),
                              result.draws, lower=0.0, upper=1.0)
        out[:, r] = purchases.amounts[:, r] * margins[supplier, kind]
        info.append((*_bounds(row), kind, str(row["year"]), str(row["sources"])))
    rows[["margin_low", "margin_central", "margin_high", "margin", "fiscal_year",
          "sources"]] = pd.DataFrame(info, index=rows.index)
    return Markups(amounts=out, rows=rows, margins=margins, seed=result.seed,
                   draws=result.draws)


def markup_draws(result: TraceResult, data: AnalysisData, purchases: Purchases | None = None,
                 capital: pd.DataFrame | None = None) -> tuple[np.ndarray, pd.DataFrame]:
    """Per draw and purchases row (draws, rows): the amount paid above the supplier's cost
    (purchase x margin), for suppliers with a sourced margin (other rows 0); with the rows
    (category, supplier, margin interval, which margin, fiscal year, sources). The margin is
    the product's price-cost margin (`product_margin`, teardown cost vs price) for
    accelerators where the data have one, else the firm's gross margin (price over cost of
    goods sold, company-wide)."""
    found = markups(result, data, purchases, capital)
    return found.amounts, found.rows


def markup_share(result: TraceResult, data: AnalysisData, purchases: Purchases | None = None,
                 found: Markups | None = None) -> np.ndarray:
    """(draws,) share of the plan's spending paid above its suppliers' cost of goods sold,
    where a gross margin is sourced (NaN without a capital table or when no supplier has
    one). `found`: the trace's markups, when already computed."""
    if found is None:
        if not has_capital_data(data):
            return np.full(result.draws, np.nan)
        found = markups(result, data, purchases)
    amounts, rows = found.amounts, found.rows
    if rows["margin_central"].isna().all():
        return np.full(result.draws, np.nan)      # no gross margin sourced for any supplier
    return amounts.sum(axis=1) / result.draw_totals


def markup_table(result: TraceResult, data: AnalysisData, purchases: Purchases | None = None,
                 capital: pd.DataFrame | None = None, found: Markups | None = None
                 ) -> pd.DataFrame:
    """Rows (category, supplier) with a sourced margin (see `markup_draws`): which margin and
    its central value, the price over cost (1 / (1 - margin)), the amount paid above that
    cost (plan currency) and its share of the spending (mean / p5 / p50 / p95); for
    accelerators, the reference accelerator's implied cost per unit (USD). `found`: the
    trace's markups, when already computed."""
    from moneytrail.analysis.hardware import reference_accelerator

    if found is None:
        found = markups(result, data, purchases, capital)
    amounts, rows = found.amounts, found.rows
    plan = result.require_plan()
    out = []
    for r, row in rows.iterrows():
        if np.isnan(row["margin_central"]):
            continue
        values = amounts[:, int(str(r))]
        unit_cost = np.nan
        if row["category"] == "accelerators":
            chip = reference_accelerator(data, plan.year)
            unit_cost = float(chip["price_central"]) * (1 - row["margin_central"])
        out.append({"category": row["category"], "supplier": row["supplier"],
                    "margin": row["margin"], "margin_central": row["margin_central"],
                    "price_over_cost": 1 / (1 - row["margin_central"])
                    if row["margin_central"] < 1 else np.inf,
                    **_stat_columns("markup", values),
                    **_stat_columns("share", values / result.draw_totals),
                    "unit_cost_usd": unit_cost, "fiscal_year": row["fiscal_year"],
                    "sources": row["sources"]})
    columns = (["category", "supplier", "margin", "margin_central", "price_over_cost"]
               + [f"{p}_{s}" for p in ("markup", "share") for s in STATS]
               + ["unit_cost_usd", "fiscal_year", "sources"])
    return pd.DataFrame(out, columns=columns).set_index(["category", "supplier"])
