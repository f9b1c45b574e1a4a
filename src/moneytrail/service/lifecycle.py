"""The lifecycle table of a traced plan: what its compute costs over the plan's horizon
(hardware, electricity, residual value, total cost of ownership), its energy and CO2, each
row with its unit, what it counts and over which period, and a note stating the horizon and
the electricity price with their sources and reliability labels (docs/methods.md,
'Lifecycle cost and TCO')."""

from __future__ import annotations

from typing import Any

import pandas as pd

from moneytrail.service.result import Table

TITLE = "Lifecycle cost over the plan's horizon: hardware, electricity, residual value, TCO"
STATS = ("mean", "p5", "p50", "p95")

# what each row counts, and the period it covers ({h}: the horizon in years)
COUNTS: dict[str, tuple[str, str]] = {
    "budget": ("once (the plan's budget)", "The plan's whole budget: hardware, facility, cloud "
               "and every other category it buys."),
    "hardware_capex": ("once, at purchase", "Hardware bought: the budget's accelerators, "
                       "servers, networking and storage."),
    "other_spending": ("once (the plan's budget)", "The rest of the budget (facility, cloud "
                       "compute, licences, staff and the like): budget minus hardware capex. "
                       "No running cost other than electricity is added."),
    "electricity_cost": ("over the {h}", "Electricity bill of the hardware the plan owns: "
                         "its energy from the year each part is bought to the end of the "
                         "horizon times the site's large-consumer price. "
                         "Rented compute's electricity is in its rent (other spending)."),
    "residual_value": ("at the end of the {h}", "What the hardware is still worth at the end "
                       "of the horizon: each year's purchases x (1 - yearly value decline)^"
                       "(years from purchase to the end of the horizon). Subtracted from "
                       "TCO."),
    "tco": ("over the {h}", "TCO as counted here: budget + electricity cost - residual "
            "value (the hardware's resale value at the end). Not the lifetime cost: staff, "
            "maintenance and other running costs are not included unless the budget pays "
            "them, and a building counts at its price in the budget, not depreciated. Below "
            "the budget when the residual value exceeds the electricity bill."),
    "residual_value_share": ("at the end of the {h}", "Residual value as a share of the "
                             "hardware capex."),
    "book_value_straight_line": ("at the end of the {h}", "Book value of the hardware if "
                                 "each year's purchases are written off straight-line over "
                                 "their useful life from the year they are bought (for "
                                 "comparison; not used in TCO)."),
    "accelerators_h100e": ("owned over the {h}", "Accelerators the plan owns, in H100-"
                           "equivalents (by purchase value)."),
    "energy_mwh": ("over the {h}", "Electricity used by the owned hardware (with the site's "
                   "cooling overhead, PUE) from the year each part is bought to the end of "
                   "the horizon, plus that of rented compute."),
    "energy_mwh_rented": ("over the {h}", "Of which: rented compute (the cloud compute "
                          "spending as H100-hours)."),
    "co2_tonnes": ("over the {h}", "CO2 of that electricity at the site's grid intensity "
                   "(location-based): the plan's renewable share (e.g. power purchase "
                   "agreements) does not lower it; a market-based figure (GHG Protocol) "
                   "would, and is not computed here."),
    "co2_tonnes_rented": ("over the {h}", "Of which: rented compute."),
    "co2_embodied_tonnes": ("once (made with the budget's purchases)", "Embodied CO2 of the "
                            "supply chain (scope 1+2 of every firm the money reaches)."),
    "co2_embodied_share": ("over the {h}", "Embodied CO2 as a share of embodied plus "
                           "operational CO2."),
}

LABELS = {"budget": "Budget", "hardware_capex": "Hardware capex",
          "other_spending": "Other spending in the budget",
          "electricity_cost": "Electricity cost", "residual_value": "Residual value",
          "tco": "TCO as counted here",
          "residual_value_share": "Residual value share",
          "book_value_straight_line": "Book value (straight-line)",
          "accelerators_h100e": "Accelerators owned", "energy_mwh": "Energy",
          "energy_mwh_rented": "Energy of rented compute", "co2_tonnes": "Operational CO2",
          "co2_tonnes_rented": "Operational CO2 of rented compute",
          "co2_embodied_tonnes": "Embodied CO2 (supply chain)",
          "co2_embodied_share": "Embodied share of CO2"}

# added to a row's "what it counts" when the plan buys electricity in its budget and that
# covers part of its hardware's use (analysis.lifecycle.own_electricity)
OWN_ELECTRICITY_COUNTS = {
    "electricity_cost": " Less the electricity the plan's own electricity category buys for "
                        "that hardware (in each year, up to what it uses that year): the "
                        "budget already pays for it.",
    "energy_mwh": " Including what the plan's own electricity purchases cover.",
    "co2_tonnes": " Every MWh the hardware uses counts here, including those the plan's own "
                  "electricity purchases cover.",
    "co2_embodied_tonnes": " Leaves out the covered share of the first invoice of the plan's "
                           "own electricity purchase (its supplier's scope 1+2 on it): "
                           "operational CO2 counts those MWh.",
}

# what TCO counts, said in the same line as its figure (run page lead, briefing caption,
# compare page); the table's row says it in its "what it counts" cell
TCO_SCOPE = ("budget plus electricity minus the resale value of the hardware at the end; "
             "staff, maintenance and building depreciation not included unless the budget "
             "pays them")


def lifecycle_table(ws: Any, result: Any) -> Table:
    """The lifecycle table of a trace that kept its draws, reusing its evaluation (the
    scorecard's lifecycle draws and the jobs and CO2 footprints already computed for it: no
    further trace or replay). Rows: metric; columns: unit, period, counts, mean / p5 / p50 /
    p95, data_year, and the price per H100-equivalent the count was made at (PRICE_COLUMNS,
    on the `accelerators_h100e` row), stored with the run so its pages say that price."""
    from moneytrail.analysis.hardware import h100e_price
    from moneytrail.analysis.lifecycle import lifecycle
    from moneytrail.analysis.metrics import Evaluation

    evaluation = Evaluation.of(result, ws.analysis)
    embodied = evaluation.footprint("co2_embodied_tonnes") if evaluation.jobs() is not None \
        else None
    frame = lifecycle(result, ws.analysis, evaluation.purchases, draws=evaluation.lifecycle(),
                      embodied=embodied, budget_rows=True)
    horizon = int(result.require_plan().horizon_years)
    h = f"{horizon}-year horizon" if horizon != 1 else "1-year horizon"
    frame.insert(1, "period", [COUNTS[k][0].format(h=h) if k in COUNTS else ""
                               for k in frame.index])
    draws = evaluation.lifecycle()
    extra = OWN_ELECTRICITY_COUNTS if own_electricity_covers(draws) else {}
    frame.insert(2, "counts", [COUNTS[k][1] + extra.get(k, "") if k in COUNTS else ""
                               for k in frame.index])
    add_h100e_price(frame, h100e_price(ws.analysis, result.require_plan()))
    units = {"unit": "text", "period": "text", "counts": "text", "data_year": "year",
             **dict.fromkeys(STATS, "by row"), **price_units(result.currency)}
    return Table.from_frame("lifecycle", frame, title=TITLE, units=units,
                            note=lifecycle_note(ws, result, draws))


# the price per H100-equivalent the count of accelerators was made at (analysis.hardware.
# h100e_price), stored on the `accelerators_h100e` row (empty on the others): low / central /
# high in the plan's money, the reference chip, the H100-equivalents one such chip counts, its
# reliability and the source ids of the chip's and the H100's rows (';'-joined)
PRICE_COLUMNS = {"low": "h100e_price_low", "central": "h100e_price_central",
                 "high": "h100e_price_high", "chip": "h100e_chip", "per_chip": "h100e_per_chip",
                 "reliability": "h100e_price_reliability", "sources": "h100e_price_sources"}


def add_h100e_price(frame: pd.DataFrame, price: dict[str, Any]) -> None:
    """Add the price columns (PRICE_COLUMNS) to the lifecycle frame, in place."""
    on_count = frame.index == "accelerators_h100e"
    for key, column in PRICE_COLUMNS.items():
        value = price[key]
        empty: Any = "" if isinstance(value, str) else float("nan")
        frame[column] = [value if here else empty for here in on_count]


def price_units(currency: str) -> dict[str, str]:
    """The units of the price columns: the price in the plan's currency."""
    return {column: currency if key in ("low", "central", "high") else
            "number" if key == "per_chip" else "text" for key, column in PRICE_COLUMNS.items()}


# the data tables the note draws on, named as reader text names data (h107: the data, not
# its files); notes stored before name the files, which `note_in_words` puts in these words
PRICE_TABLE = "the electricity price table of the data package"
PARAMETER_TABLE = "the parameter table of the data package"
STORED_NOTE_FILES = {"analysis/electricity_prices.csv": PRICE_TABLE,
                     "analysis/parameters.csv": PARAMETER_TABLE}


def note_in_words(note: str) -> str:
    """A lifecycle note as readers get it: the data files a note stored before named
    ('analysis/electricity_prices.csv') as the tables they are, as the note says them now.

    >>> note_in_words("US 2023 (analysis/electricity_prices.csv; sources x)")
    'US 2023 (the electricity price table of the data package; sources x)'
    """
    for path, words in STORED_NOTE_FILES.items():
        note = note.replace(path, words)
    return note


def lifecycle_note(ws: Any, result: Any, draws: dict[str, Any] | None = None) -> str:
    """The horizon, electricity price and value decline the lifecycle rests on, each with
    where it comes from (the plan, or the data package's row: its sources and reliability
    label), what the plan's own electricity purchases cover (`own_electricity_text`; `draws`:
    the trace's lifecycle_draws when already computed), and what TCO counts."""
    from moneytrail.analysis.dependency import site_of
    from moneytrail.analysis.site import site_row

    plan = result.require_plan()
    data = ws.analysis
    horizon = int(plan.horizon_years)
    given = "horizon_years" in plan.model_fields_set
    horizon_text = (f"Horizon: {horizon} year{'s' if horizon != 1 else ''} ("
                    + ("set by the plan" if given else
                       "the default, an assumption: the plan sets no horizon") + ").")
    price = site_row(data["electricity_prices"], site_of(result), plan.year,
                     "electricity price")
    price_text = (f"Electricity price: {price['central']:g} {price['unit']} central "
                  f"({price['low']:g} to {price['high']:g}), {price['country']} {price['year']} "
                  f"({PRICE_TABLE}; sources {sources_text(price['sources'])}; "
                  f"reliability {price['reliability']}).")
    decline = parameter_row(data, "value_decline_per_year")
    decline_text = "" if decline is None else (
        f"Hardware value lost a year: {pct(decline['central'])} central "
        f"({pct(decline['low'])} to {pct(decline['high'])}; {PARAMETER_TABLE}; sources "
        f"{sources_text(decline['sources'])}; reliability {decline['reliability']}).")
    return " ".join(part for part in (
        horizon_text, spending_text(plan), price_text, decline_text,
        own_electricity_text(ws, result, draws), co2_basis_text(plan),
        "TCO = budget + electricity cost - residual value: the residual value (what the "
        "hardware is worth at the end of the horizon) is subtracted, so TCO is below the "
        "budget when it exceeds the electricity bill. No running cost other than electricity "
        "is added (staff, maintenance or cloud rent count only as far as the budget holds "
        "them). Mean and p5 / p50 / p95 over the draws; percentiles of parts do not add up "
        "to the percentiles of TCO. docs/methods.md, 'Lifecycle cost and TCO'.") if part)


def own_electricity_covers(draws: dict[str, Any]) -> bool:
    """Whether the plan's own electricity purchases cover part of its hardware's use in any
    draw (analysis.lifecycle.own_electricity)."""
    import numpy as np

    covered = draws.get("own_electricity_covered_mwh")
    return covered is not None and bool(np.any(covered > 0))


def own_electricity_text(ws: Any, result: Any, draws: dict[str, Any] | None = None) -> str:
    """When the plan buys electricity in its budget and that covers part of its hardware's
    use: how much (medians), and how the lifecycle counts it; '' otherwise, so a plan without
    an electricity category reads as before."""
    import numpy as np

    from moneytrail.analysis.conditions import money_words
    from moneytrail.analysis.lifecycle import ELECTRICITY, lifecycle_draws

    plan = result.require_plan()
    if ELECTRICITY not in plan.spend:
        return ""
    draws = draws if draws is not None else lifecycle_draws(result, ws.analysis)
    if not own_electricity_covers(draws):
        return ""
    spend = float(np.median(draws["own_electricity_spend"]))
    covered = float(np.median(draws["own_electricity_covered_mwh"]))
    used = float(np.median(draws["energy_mwh"] - draws["energy_mwh_rented"]))
    bought = float(np.median(draws["own_electricity_mwh"]))
    return (f"The plan's own electricity purchases ({money_words(spend, plan.currency)}, "
            f"{bought:,.0f} MWh at the price above) cover {covered:,.0f} of the {used:,.0f} "
            "MWh its hardware uses over the horizon (medians; power bought in a year runs "
            "only that year's hardware). The electricity cost adds only the rest; operational "
            "CO2 counts every MWh the hardware uses, and embodied CO2 leaves out the covered "
            "share of the purchase's first invoice, so no MWh is counted twice.")


def spending_text(plan: Any) -> str:
    """When the plan's hardware is bought and so how long it runs within the horizon
    (analysis.lifecycle.vintages): all in the first year, or evenly over its years of
    spending, each year's purchases losing value and using power from then on."""
    from moneytrail.analysis.concentration import spend_years
    from moneytrail.analysis.lifecycle import operating_years

    years = spend_years(plan)
    if years == 1:
        return ("Hardware bought in the first year (the plan's years of spending: 1): it runs "
                "for the whole horizon.")
    whose = ("the plan's years of spending" if plan.spend_years is not None else
             "the horizon: the plan sets no years of spending")
    return (f"Hardware bought evenly over {years} years ({whose}), at the start of each year: "
            "each year's purchases lose value and use electricity from then to the end of the "
            f"horizon, {operating_years(plan):g} years on average.")


def co2_basis_text(plan: Any) -> str:
    """What the operational CO2 counts: location-based (the site's grid intensity), so the
    plan's stated renewable share (its `renewable_share`, named when it states one) does not
    lower it; a market-based figure (GHG Protocol scope 2) would, and is not computed here."""
    share = ""
    if plan.renewable_share is not None:
        low, central, high = plan.renewable_share.bounds
        share = f" ({pct(central)}" + ("" if low == high else
                                       f" central, {pct(low)} to {pct(high)}") + ")"
    return ("Operational CO2 is location-based: the electricity used times the site's grid "
            f"intensity. The plan's renewable share{share}, e.g. from power purchase "
            "agreements, does not lower it; the GHG Protocol's market-based figure would "
            "count such contracts, and is not computed here.")


def with_note(frame: pd.DataFrame, note: str) -> pd.DataFrame:
    """`frame` with `note` as its table note (analyse_plan reads attrs['note'])."""
    frame.attrs["note"] = note
    return frame


def parameter_row(data: Any, name: str) -> pd.Series | None:
    frame = data["parameters"]
    rows = frame[frame["id"] == name]
    return None if rows.empty else rows.iloc[0]


def pct(value: Any) -> str:
    return f"{100 * float(value):g} %"


def sources_text(value: Any) -> str:
    return ", ".join(s.strip() for s in str(value or "").split(";") if s.strip()) or "none given"
