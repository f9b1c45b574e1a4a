"""Analysis tables on the terminal read in their units (tester finding 3): years as years, an
interval in the scale of its median or its larger end, qualified units as their unit, FLOP in
powers of ten, firms by name, an empty table with a sentence."""

from __future__ import annotations

import pandas as pd
from rich.console import Console

from moneytrail.report.terminal import rich_table
from moneytrail.report.units import base_unit, in_unit, median_interval
from moneytrail.service.result import Table


def rendered(table: Table, entities: dict[str, str] | None = None) -> str:
    console = Console(record=True, width=250)
    console.print(rich_table(table, entities))
    return console.export_text()


def test_years_print_as_years_not_thousands():
    frame = pd.DataFrame({"metric": ["energy_mwh"], "p50": [1.0], "data_year": [2024]})
    table = Table.from_frame("lifecycle", frame)
    assert table.unit("data_year") == "year" and in_unit(2024, "year") == "2024"
    assert "2024" in rendered(table) and "2,024" not in rendered(table)
    assert Table.from_frame("x", pd.DataFrame({"plan_per_year": [2.0]})).unit(
        "plan_per_year") == "number"


def test_an_interval_is_in_one_format_beside_its_median():
    assert median_interval(0, 0, 2_105_980_429, "EUR") == "EUR 0 (EUR 0.00–2.11 bn)"
    assert median_interval(2.28e6, 1.5e6, 3.4e6, "t CO2e (supply chain, scope 1+2)") == \
        "2.28 Mt CO2e (1.50–3.40 Mt CO2e)"
    assert base_unit("MWh (rented compute)") == "MWh" and base_unit("EUR") == "EUR"
    assert median_interval(2.39e28, 1.32e28, 3.64e28, "FLOP") == \
        "2.39e28 FLOP (1.32e28–3.64e28 FLOP)"
    assert median_interval(1.95e6, 273_542, 8.27e6, "number") == "1.95 m (0.27–8.27 m)"
    assert median_interval(1.95e6, 273_542, 8.27e6, "EUR") == "EUR 1.95 m (EUR 0.27–8.27 m)"
    assert median_interval(17.5e6, 11.7e6, 27.5e6, "MWh") == "17.5 TWh (11.7–27.5 TWh)"
    # medians in the scale of their interval stay as they were
    assert median_interval(2.47e9, 0.98e9, 5.57e9, "EUR") == "EUR 2.47 bn (EUR 0.98–5.57 bn)"
    assert median_interval(1010, 432, 3120, "number") == "1,010 (432 – 3,120)"


def test_rows_of_a_table_read_in_their_own_units():
    frame = pd.DataFrame({"metric": ["compute_flop", "co2_embodied_tonnes", "co2_tonnes"],
                          "unit": ["FLOP", "t CO2e (supply chain, scope 1+2)", "t CO2e"],
                          "mean": [2.4e28, 2.3e6, 3.7e6], "p5": [1.32e28, 1.6e6, 2.5e6],
                          "p50": [2.39e28, 2.28e6, 3.73e6], "p95": [3.64e28, 3.4e6, 5.9e6]})
    text = rendered(Table.from_frame("efficiency", frame))
    assert "2.39e28 FLOP" in text and "23,900" not in text
    assert "2.28 Mt CO2e (1.60–3.40 Mt CO2e)" in text and "2.28 m" not in text


def test_firms_are_named_and_an_empty_conditions_table_says_why():
    frame = pd.DataFrame({"category": ["facility"], "spend_share_p50": [0.37],
                          "largest_supplier": ["schneider_electric"]})
    text = rendered(Table.from_frame("dependency", frame),
                    {"schneider_electric": "Schneider Electric"})
    assert "Schneider Electric" in text and "schneider_electric" not in text
    empty = Table.from_frame("conditions", pd.DataFrame({"condition": pd.Series([], dtype=str),
                                                          "p_holds": pd.Series([], dtype=float)}))
    assert "This plan states no conditions" in " ".join(rendered(empty).split())


def test_the_cli_names_firms_of_the_dependency_table():
    from moneytrail.cli.common import entity_labels

    class Ws:
        class valuechain:          # noqa: N801 - stands in for the workspace's value chain
            @staticmethod
            def entity_names() -> dict[str, str]:
                return {"schneider_electric": "Schneider Electric"}

    class Run:
        tables = {"dependency": None}

    assert entity_labels(Ws(), Run(), "table") == {"schneider_electric": "Schneider Electric"}
