"""A reviewer's finding (h117): `is_money` used an ISO 4217 list, but the formatters of
report.units and service.result's unit columns still took any three capital letters for a
currency ('CO2 1'). Every one now asks the one rule (moneytrail.currencies), and the list
holds the replaced currencies (pre-euro, redenominated) an FX table of past years may hold."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

REPLACED = ("ATS", "BEF", "DEM", "ESP", "FIM", "FRF", "GRD", "IEP", "ITL", "LUF", "NLG", "PTE",
            "TRL", "ROL", "ZMK", "GHC", "MZM", "VEB")


@pytest.mark.parametrize("code", REPLACED)
def test_replaced_currencies_are_money(code):
    from moneytrail.report.units import is_money

    assert is_money(code)
    assert is_money(f"FTE per {code} million")


def test_report_re_exports_the_one_rule():
    from moneytrail import currencies
    from moneytrail.report import units

    assert units.is_money is currencies.is_money
    assert units.CURRENCY_CODES is currencies.CURRENCY_CODES


@pytest.mark.parametrize("unit", ["CO2", "GPU", "KWH", "ABC"])
def test_three_capitals_that_are_not_money_print_as_numbers(unit):
    from moneytrail.report.units import (
        change_text,
        difference_text,
        difference_value,
        in_unit,
        interval_text,
        number,
    )

    assert in_unit(1.25, unit) == number(1.25) == "1.25"
    assert difference_text(-1.25, unit) == "-1.25"
    assert not interval_text(1.0, 2.0, unit).startswith(unit)
    assert interval_text(1.0, 2.0, unit) == interval_text(1.0, 2.0, "")
    assert change_text(1.5, 1.0, 2.0, unit) == change_text(1.5, 1.0, 2.0, "")
    assert change_text(2e300, 1e300, 3e300, unit) == change_text(2e300, 1e300, 3e300, "")
    # rounding noise of money (below a millionth of a unit) is a change in other units
    assert difference_value(1.0, 1.0 + 1e-9, unit) != 0.0


@pytest.mark.parametrize("code", ["EUR", "USD", "JPY", "DEM"])
def test_money_prints_as_before(code):
    from moneytrail.report.units import (
        change_text,
        difference_text,
        difference_value,
        in_unit,
        interval_text,
    )

    assert in_unit(6.25e9, code) == f"{code} 6.25 bn"
    assert in_unit(1.25, code) == f"{code} 1"
    assert difference_text(-1e10, code) == f"-{code} 10.00 bn"
    assert interval_text(1e9, 2e9, code) == f"{code} 1.00–2.00 bn"
    assert change_text(1.5e9, 1e9, 2e9, code).startswith(f"+{code} 1.50")
    assert "e+300" in change_text(2e300, 1e300, 3e300, code)
    assert difference_value(1.0, 1.0 + 1e-9, code) == 0.0


def test_csv_currency_column_names_only_currencies():
    from moneytrail.service.result import Column, csv_unit_values

    table = SimpleNamespace(columns=(Column("amount", "USD"), Column("level", "CO2"),
                                     Column("old", "DEM")))
    result = SimpleNamespace(tables={"t": table}, facts={},
                             money_context=lambda: (None, None))     # no plan: no price year
    assert csv_unit_values(result, "t", ["amount", "level", "old"])["currency"] == "DEM; USD"


def test_the_service_does_not_import_report():
    import ast
    from pathlib import Path

    import moneytrail.service.result as result

    tree = ast.parse(Path(result.__file__).read_text())
    modules = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(m.startswith("moneytrail.report") for m in modules)
