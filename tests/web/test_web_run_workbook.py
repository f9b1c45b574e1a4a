"""A run as one Excel workbook (`GET /api/v1/runs/<id>?format=xlsx`), for readers who open
downloads in Excel: a UTF-8 CSV without a byte-order mark garbles "—", "€" and accented names
there. The workbook has a first sheet "About" with the run's provenance, then one sheet per
table with the columns and values of the table's CSV download; text from data stays text
(never a formula: OWASP CSV injection); the run pages link it."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytest.importorskip("fastapi")
openpyxl = pytest.importorskip("openpyxl")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRM = "Société Générale — Ørsted «Ünïcode» 5 €"
FORMULA = "=1+1"
CLAIMS_RUN = "e" * 32


@pytest.fixture(scope="module")
def db_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('workbook') / 'ledger.sqlite'}"


@pytest.fixture(scope="module")
def client(db_url):
    from moneytrail.web import create_app

    app = create_app(db=db_url, start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


@pytest.fixture(scope="module")
def trace_run(client) -> str:
    """A reference plan traced at 100 draws, with analyses, as the web app runs it."""
    return finished(client, {"reference": "eu-ai-gigafactories", "draws": 100, "seed": 1})


@pytest.fixture(scope="module")
def claims_run(client) -> str:
    """A stored claims run whose texts come from data: a claim that reads like a formula, a
    firm name with accents, a dash and a euro sign, and a title starting with '='."""
    from moneytrail.service.result import Column, Provenance, Result, Table

    table = Table(name="claims", title="Claims checked", index=("claim",),
                  columns=(Column("claim", "text"), Column("firm", "text"),
                           Column("share_p50", "share"), Column("amount_p50", "EUR")),
                  rows=((FORMULA, FIRM, 0.25, 1_500_000.0),
                        ("+SUM(A1:A2)", "@risk", None, -2.5)),
                  note="Claims from the data; “quotes” — and a dash")
    result = Result(run_id=CLAIMS_RUN, kind="claims", title=f"{FORMULA} claims",
                    provenance=Provenance(inputs={"claims": ["c1"]}, code_version="9.9.9",
                                          data_version="8.8.8", data_hash="abc123",
                                          created="2026-01-02T03:04:05+00:00", seed=3,
                                          draws=100, sources=("s1",)),
                    tables={"claims": table}, facts={"currency": "EUR"})
    store = client.app.state.jobs.store
    store.start(CLAIMS_RUN, kind="claims", label=result.title, inputs={}, data_version="8.8.8",
                data_hash="abc123", total=1)
    store.finish(result)
    return CLAIMS_RUN


def workbook(client, run: str):
    response = client.get(f"/api/v1/runs/{run}?format=xlsx")
    assert response.status_code == 200, response.text
    return response, openpyxl.load_workbook(io.BytesIO(response.content))


def about(book) -> dict[str, object]:
    """The About sheet's two-cell rows as {label: value}."""
    return {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)
            if row[0] is not None and row[1] is not None}


def csv_of(client, run: str, table: str) -> list[list[str]]:
    response = client.get(f"/api/v1/runs/{run}?format=csv&table={table}")
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text)))


def same_cell(text: str, value: object) -> bool:
    """Whether a workbook cell holds what the CSV's cell says: numbers as numbers, an empty
    CSV cell as an empty cell, text as the text (the CSV prefixes text that starts like a
    formula with an apostrophe; the workbook keeps it as text without one)."""
    from moneytrail.service.result import csv_cell

    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text == str(value)
    if isinstance(value, int | float):
        return float(text) == pytest.approx(float(value), rel=1e-15, abs=0)
    return csv_cell(value) == text


def check_sheets_equal_csv(client, run: str, book, tables: list[str]) -> None:
    sheets = [s for s in book.sheetnames if s != "About"]
    assert sheets == tables                  # these table names are valid sheet names
    for name in tables:
        rows = [list(r) for r in book[name].iter_rows(values_only=True)]
        expected = csv_of(client, run, name)
        assert [str(h) for h in rows[0]] == expected[0], name
        assert len(rows) == len(expected), name
        for got, want in zip(rows[1:], expected[1:], strict=True):
            assert len(got) == len(want)
            for value, text in zip(got, want, strict=True):
                assert same_cell(text, value), (name, text, value)


def test_the_workbook_comes_with_about_first_and_the_csv_provenance(client, trace_run):
    response, book = workbook(client, trace_run)
    assert response.headers["content-type"] == XLSX
    assert f'filename="moneytrail-{trace_run[:8]}.xlsx"' in \
        response.headers["content-disposition"]
    csv_headers = client.get(f"/api/v1/runs/{trace_run}?format=csv&table=headline").headers
    for key in ("x-moneytrail-run-id", "x-moneytrail-seed", "x-moneytrail-draws",
                "x-moneytrail-code-version", "x-moneytrail-data-version",
                "x-moneytrail-data-hash", "link"):
        assert response.headers[key] == csv_headers[key], key
    assert book.sheetnames[0] == "About"
    result = client.app.state.jobs.store.get(trace_run).result
    prov = result.provenance
    told = about(book)
    assert told["run id"] == trace_run and told["kind"] == "trace"
    assert told["seed"] == 1 and told["draws"] == 100          # numbers, not text
    assert told["code version"] == prov.code_version
    assert told["data version"] == prov.data_version
    assert told["data hash"] == prov.data_hash
    assert told["run page"] == f"http://127.0.0.1/r/{trace_run}"
    page = client.get(f"/r/{trace_run}").text
    citation = re.search(r'<p class="citation"><span class="label">Cite as:</span> (.*?)</p>',
                         page)
    from html import unescape

    assert citation is not None and told["citation"] == unescape(citation.group(1))
    # each column's unit, as the JSON has it
    units = {(r[1], r[2]): r[3] for r in book["About"].iter_rows(values_only=True)
             if r[0] is not None and r[3] is not None and r[0] != "sheet"}
    assert units[("headline", "share_p50")] == "share"
    assert units[("headline", "amount_p50")] == result.facts["currency"]
    assert units[("flows_first", "value")] == result.facts["currency"]
    # the tables' notes
    notes = [r[3] for r in book["About"].iter_rows(values_only=True) if r[1] == "lifecycle"]
    assert result.tables["lifecycle"].note in notes


def test_each_sheet_has_the_columns_and_values_of_the_tables_csv(client, trace_run):
    _, book = workbook(client, trace_run)
    result = client.app.state.jobs.store.get(trace_run).result
    tables = list(result.tables) + ["flows_first", "flows_location", "flows_ownership"]
    check_sheets_equal_csv(client, trace_run, book, tables)
    # numbers are numbers, not text
    rows = list(book["headline"].iter_rows(values_only=True))
    at = rows[0].index("share_p50")
    shares = [row[at] for row in rows[1:]]
    assert shares and all(isinstance(v, float) for v in shares)


def test_text_from_data_stays_text_and_accents_survive(client, claims_run):
    response, book = workbook(client, claims_run)
    sheet = book["claims"]
    assert sheet["A2"].value == FORMULA and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == FIRM and sheet["B2"].data_type == "s"
    assert sheet["A3"].value == "+SUM(A1:A2)" and sheet["B3"].value == "@risk"
    assert sheet["C2"].value == 0.25 and sheet["C3"].value is None and sheet["D3"].value == -2.5
    raw = response.content
    import zipfile

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                      if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml                         # no formula anywhere in the workbook
    told = about(book)
    assert told["title"] == f"{FORMULA} claims" and told["kind"] == "claims"
    assert told["run id"] == CLAIMS_RUN and told["code version"] == "9.9.9"
    assert told["data hash"] == "abc123"
    check_sheets_equal_csv(client, claims_run, book, ["claims"])


def test_sheet_names_are_valid_and_unique():
    from moneytrail.service.workbook import sheet_names

    names = sheet_names(["about", "x" * 40, "x" * 31 + "y", "a[1]:b*c?d/e\\f", "'quoted'",
                         "Headline", "headline"])
    assert names[0] != "about" and names[0].casefold() != "about"
    assert names[3] == "a_1__b_c_d_e_f" and names[4] == "quoted"
    assert len({n.casefold() for n in names} | {"about"}) == len(names) + 1
    for name in names:
        assert 0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
        assert not name.startswith("'") and not name.endswith("'")


def test_the_run_pages_link_the_workbook(client, trace_run, claims_run):
    for run in (trace_run, claims_run):
        page = client.get(f"/r/{run}").text
        section = page[page.index('id="cite-h"'):]
        link = f'<a href="/api/v1/runs/{run}?format=xlsx" download>All tables as an Excel ' \
            'workbook</a>'
        assert link in section, run


def test_one_table_as_a_workbook_and_unknown_formats(client, trace_run):
    one = client.get(f"/api/v1/runs/{trace_run}?format=xlsx&table=country")
    assert one.status_code == 200
    assert 'moneytrail-' in one.headers["content-disposition"] and \
        "-country.xlsx" in one.headers["content-disposition"]
    assert openpyxl.load_workbook(io.BytesIO(one.content)).sheetnames == ["About", "country"]
    bad = client.get(f"/api/v1/runs/{trace_run}?format=xlsx&table=planet")
    assert bad.status_code == 400 and bad.json()["field"] == "table"
    unknown = client.get(f"/api/v1/runs/{trace_run}?format=ods")
    assert unknown.status_code == 400
    assert unknown.json()["detail"] == "unknown format (use json, csv, parquet, xlsx)"


@pytest.fixture(scope="module")
def second_run(client) -> str:
    return finished(client, {"reference": "efficiency-first-eu", "draws": 100, "seed": 1})


def test_runs_compared_come_as_one_workbook_and_the_page_links_it(client, trace_run,
                                                                   second_run):
    ids = f"{trace_run},{second_run}"
    address = f"/api/v1/compare?runs={ids}&amp;format=xlsx"
    assert f'<a href="{address}" download>All tables as an Excel workbook</a>' in \
        client.get(f"/compare?runs={ids}").text
    response = client.get(f"/api/v1/compare?runs={ids}&format=xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    # named by the plans compared, as its CSVs (test_web_compare_download_names.py)
    assert re.search(r'filename="moneytrail-compare-eu-ai-gigafactories-vs-'
                     r'efficiency-first-eu-\d{4}-\d{2}-\d{2}\.xlsx"',
                     response.headers["content-disposition"])
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["About", "runs", "headline", "scorecard", "tco"]
    rows = list(book["About"].iter_rows(values_only=True))
    store = client.app.state.jobs.store
    for rid in (trace_run, second_run):
        prov = store.get(rid).result.provenance
        row = next(r for r in rows if r[0] == rid)
        assert row[4:9] == (1, 100, prov.code_version, prov.data_version, prov.data_hash)
    for name in ("runs", "headline", "scorecard", "tco"):
        got = [list(r) for r in book[name].iter_rows(values_only=True)]
        csv_response = client.get(f"/api/v1/compare?runs={ids}&format=csv&table={name}")
        want = list(csv.reader(io.StringIO(csv_response.text)))
        assert [str(h) for h in got[0]] == want[0], name
        assert len(got) == len(want), name
        for cells, texts in zip(got[1:], want[1:], strict=True):
            for value, text in zip(cells, texts, strict=True):
                assert same_cell(text, value), (name, text, value)


@pytest.mark.parametrize("public", ["https://that.example", ""])
def test_the_run_page_named_is_at_the_public_address_when_there_is_one(
        db_url, claims_run, monkeypatch, public):
    """A workbook is handed on: with MONEYTRAIL_PUBLIC_URL set its run page and citation
    name the run under that address (as the briefings do), not the address the request
    reached the server at; unset, the request's address, as before."""
    from moneytrail.web import create_app

    monkeypatch.setenv("MONEYTRAIL_PUBLIC_URL", public)
    app = create_app(db=db_url, start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1:8876") as local:
        _, book = workbook(local, claims_run)
    told = about(book)
    page = f"{public or 'http://127.0.0.1:8876'}/r/{claims_run}"
    assert told["run page"] == page
    assert str(told["citation"]).endswith(f" {page}")
    assert public or "that.example" not in str(told["citation"])
