"""`Result.write_tables(folder, "xlsx")`: every table of a result in one Excel workbook (a
sheet "About" with the provenance, then one sheet per table with the columns and values of
the CSV file `write_tables(folder, "csv")` writes); text from data is written as text."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

openpyxl = pytest.importorskip("openpyxl")

RUN = "0123456789abcdef" * 2
FIRM = "Électricité de France — 20 € «ß»"


def made_result():
    from moneytrail.service.result import Column, Provenance, Result, Table

    entity = Table(name="entity", title="Value added by firm", index=("entity",),
                   columns=(Column("entity", "text"), Column("amount_p50", "EUR"),
                            Column("share_p50", "share")),
                   rows=((FIRM, 1_000_000.0, 0.5), ("=HYPERLINK(\"x\")", 2.5, None),
                         ("bell\x07 and tab\tinside", 0.0, 0.125)),
                   note="A note — with a dash")
    long_name = Table(name="a-table-name-much-longer-than-thirty-one", title="Long",
                      index=(), columns=(Column("text", "text"), Column("n", "number")),
                      rows=(("x" * 40_000, 7),))
    return Result(run_id=RUN, kind="trace", title="=1+1 plan",
                  provenance=Provenance(inputs={"plan": {"id": "p", "title": "=1+1 plan",
                                                         "currency": "EUR"}},
                                        code_version="1.2.3", data_version="4.5.6",
                                        data_hash="feed", created="2026-03-04T05:06:07+00:00",
                                        seed=7, draws=100),
                  tables={"entity": entity, long_name.name: long_name},
                  facts={"currency": "EUR", "warnings": [{"a": 1}]})


def test_write_tables_xlsx_writes_one_workbook_with_the_csv_files_values(tmp_path):
    result = made_result()
    written = result.write_tables(tmp_path / "book", "xlsx")
    assert written == [tmp_path / "book" / f"{RUN}.xlsx"]
    book = openpyxl.load_workbook(written[0])
    sheets = book.sheetnames
    assert sheets[0] == "About" and sheets[1] == "entity"
    assert sheets[2] == "a-table-name-much-longer-than-t" and len(sheets[2]) == 31
    files = {p.name: p for p in result.write_tables(tmp_path / "csv", "csv")}
    for name, sheet in zip(result.tables, sheets[1:], strict=True):
        expected = list(csv.reader(io.StringIO(files[f"{RUN}-{name}.csv"].read_text("utf-8"))))
        rows = [list(r) for r in book[sheet].iter_rows(values_only=True)]
        assert [str(h) for h in rows[0]] == expected[0]
        assert len(rows) == len(expected)
        for got, want in zip(rows[1:], expected[1:], strict=True):
            for value, text in zip(got, want, strict=True):
                if value is None:
                    assert text == ""
                elif isinstance(value, int | float):
                    assert float(text) == value
                elif name == "entity" and text.startswith("bell"):
                    assert value == text.replace("\x07", "")  # a workbook cannot hold it
                elif len(text) > 32_767:
                    assert value.startswith(text[:32_000]) and len(value) == 32_767
                else:
                    assert value == text.removeprefix("'")
    entity = book["entity"]
    assert entity["A2"].value == FIRM
    assert entity["A3"].value == "=HYPERLINK(\"x\")" and entity["A3"].data_type == "s"
    about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True) if r[0]}
    assert about["title"] == "=1+1 plan" and about["run id"] == RUN
    assert about["seed"] == 7 and about["data hash"] == "feed"
    assert about["citation"].startswith(f"moneytrail run {RUN}, \u201c=1+1 plan\u201d, "
                                        "100 draws, seed 7, code 1.2.3, data package 4.5.6")
    with zipfile.ZipFile(written[0]) as archive:
        assert not any(b"<f>" in archive.read(n) for n in archive.namelist())


def test_write_tables_xlsx_refuses_a_file_as_its_folder(tmp_path):
    from moneytrail.errors import MoneytrailError

    plain = tmp_path / "file"
    plain.write_text("x")
    with pytest.raises(MoneytrailError) as refused:
        made_result().write_tables(plain, "xlsx")
    assert refused.value.field == "folder"


def test_the_about_sheet_writes_a_plans_budget_with_grouped_digits():
    """A plan's budget reads '20,000,000,000 EUR' on the About sheet, not the stored float's
    '20000000000.0' (tester60); an amount with a fraction keeps it, grouped."""
    from moneytrail.service.workbook import grouped, inputs_summary

    plan = {"id": "p", "title": "P", "year": 2025,
            "budget": {"amount": 20_000_000_000.0, "currency": "EUR"}}
    (row,) = inputs_summary({"plan": plan})
    assert row == ["input: plan", "P (id p; budget 20,000,000,000 EUR; year 2025)"]
    assert grouped(1234.5) == "1,234.5" and grouped(7) == "7" and grouped(None) == "None"
