"""A journalist tester found run CSVs (the web app's `/api/v1/runs/<id>?format=csv`, `moneytrail
show RUN --format csv`, `Result.write_tables`) with money columns that did not say their
price year and floats in 16 significant digits (1234.5678901234567). A CSV of a run table now
has a `price_year` column beside its `currency`, and writes numbers in six significant
digits; the workbook's sheets equal the CSV cell for cell; JSON keeps full precision."""

from __future__ import annotations

import csv
import io

import pytest

RUN = "0123456789abcdef" * 2
LONG = 1234.5678901234567


def made_result():
    from moneytrail.service.result import Column, Provenance, Result, Table

    entity = Table(name="entity", title="Value added by firm", index=("entity",),
                   columns=(Column("entity", "text"), Column("amount_p50", "EUR"),
                            Column("share_p50", "share")),
                   rows=(("Nvidia", 7_672_345_678.912345, 0.38361728394561728),
                         ("Tiny", LONG, 1.234567890123e-07)))
    plan = {"id": "p", "title": "A plan", "currency": "EUR", "year": 2025,
            "price_year": 2024}
    return Result(run_id=RUN, kind="trace", title="A plan",
                  provenance=Provenance(inputs={"plan": plan}, code_version="1",
                                        data_version="2", data_hash="h",
                                        created="2026-03-04T05:06:07+00:00", seed=1, draws=10),
                  tables={"entity": entity},
                  facts={"currency": "EUR", "price_year": 2024})


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


EXPECTED = [{"entity": "Nvidia", "amount_p50": "7672345679.0", "share_p50": "0.3836172839",
             "currency": "EUR", "price_year": "2024"},
            {"entity": "Tiny", "amount_p50": "1234.56789", "share_p50": "1.23456789e-07",
             "currency": "EUR", "price_year": "2024"}]


def test_write_tables_csv_has_the_price_year_and_ten_digits(tmp_path):
    [path] = made_result().write_tables(tmp_path, "csv")
    assert rows_of(path.read_text("utf-8")) == EXPECTED


def test_the_command_lines_csv_has_the_price_year_and_ten_digits():
    from moneytrail.report.terminal import result_csv

    assert rows_of(result_csv(made_result(), ["entity"])) == EXPECTED


def test_the_web_apis_csv_rows_have_the_price_year_and_ten_digits():
    from moneytrail.service.result import csv_unit_columns

    result = made_result()
    table = result.tables["entity"]
    rows = [dict(zip([c.name for c in table.columns], row, strict=True)) for row in table.rows]
    got = csv_unit_columns(result, "entity", rows)
    assert [{k: str(v) for k, v in row.items()} for row in got] == EXPECTED


def test_the_workbook_equals_the_csv_and_json_keeps_every_digit(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from moneytrail.service.result import Result

    result = made_result()
    [book] = result.write_tables(tmp_path, "xlsx")
    sheet = openpyxl.load_workbook(book)["entity"]
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert cells[0] == ["entity", "amount_p50", "share_p50", "currency", "price_year"]
    assert cells[2][:3] == ["Tiny", 1234.56789, 1.23456789e-07]
    assert str(cells[1][4]) == "2024"
    back = Result.from_json(result.to_json())
    assert back.tables["entity"].rows[1][1] == LONG       # JSON: full precision


def made_scorecard_result():
    """A run whose scorecard rows carry their unit: money rows in EUR, a share, a count."""
    from moneytrail.service.result import Column, Table

    result = made_result()
    card = Table(name="scorecard", title="Scorecard", index=("metric",),
                 columns=(Column("metric", "text"), Column("unit", "text"),
                          Column("p50", "by row"), Column("p5", "by row")),
                 rows=(("Value added in the EU", "EUR", 4.03e9, 3.9e9),
                       ("Share to the EU", "share", 0.201, 0.19),
                       ("Rent to Nvidia", "EUR (as counted here)", 1.5e9, 1.2e9),
                       ("HHI change", "points", 12.0, 3.0)))
    return type(result)(run_id=result.run_id, kind=result.kind, title=result.title,
                        provenance=result.provenance, tables={"scorecard": card},
                        facts=result.facts)


# the scorecard CSV: its money rows say their currency and price year, the others neither
SCORECARD_UNITS = [("EUR", "2024"), ("", ""), ("EUR", "2024"), ("", "")]


def test_the_scorecards_csv_gives_the_price_year_of_its_money_rows(tmp_path):
    from moneytrail.report.terminal import result_csv
    from moneytrail.service.result import csv_unit_columns

    result = made_scorecard_result()
    table = result.tables["scorecard"]
    rows = [dict(zip([c.name for c in table.columns], row, strict=True)) for row in table.rows]
    web = csv_unit_columns(result, "scorecard", rows)                     # the web API's CSV
    assert [(r["currency"], r["price_year"]) for r in web] == SCORECARD_UNITS
    for text in (result_csv(result, ["scorecard"]),                      # --format csv
                 result.write_tables(tmp_path, "csv")[0].read_text("utf-8")):
        got = rows_of(text)
        assert [(r["currency"], r["price_year"]) for r in got] == SCORECARD_UNITS
        assert got[0]["unit"] == "EUR" and got[0]["p50"] == "4030000000.0"
