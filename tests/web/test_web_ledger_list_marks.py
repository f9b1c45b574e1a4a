"""The ledger list (/ledger, /api/v1/ledger JSON and CSV) says which rows overlap and which are
whole-company capex, with the home chart's columns (`inside`, `whole_capex`, same meaning: the
totals' rule), and marks a ratio that is the ledger's own reading (`our_reading`)."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("listmarks") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_list_csv_and_json_carry_the_chart_columns(client):
    response = client.get("/api/v1/ledger?format=csv")
    assert response.status_code == 200, response.text
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(response.text))}
    assert rows["l_stargate_us_sites_2025_09"]["inside"] == \
        "part of Stargate Project (Stargate LLC)"
    assert rows["l_openai_broadcom_2025_10"]["inside"] == \
        "part of OpenAI compute commitments (~30 GW)"
    assert rows["l_openai_compute_2025_10"]["inside"] == ""         # counted in the totals
    assert rows["l_amazon_capex_2025"]["whole_capex"] == "True"
    assert rows["l_openai_compute_2025_10"]["whole_capex"] == "False"
    # the same meaning as the home chart's columns
    chart = client.get("/api/v1/charts/reality").json()["reality"]
    for row in chart:
        assert rows[row["id"]]["inside"] == row["inside"], row["id"]
        assert (rows[row["id"]]["whole_capex"] == "True") == row["whole_capex"], row["id"]
    deals = {d["id"]: d for d in client.get("/api/v1/ledger").json()["deals"]}
    assert deals["l_stargate_us_2025_01"]["inside"] == \
        "overlaps OpenAI compute commitments (~30 GW)"
    assert deals["l_meta_capex_2026"]["whole_capex"] is True


def test_list_page_marks_overlaps_capex_and_our_reading(client):
    text = text_of(client.get("/ledger").text)
    assert re.search(r"Stargate US: selected sites \(planned investment\) \( ?part of Stargate "
                     r"Project \(Stargate LLC\) ?: left out of the totals\)", text)
    assert re.search(r"Amazon capex 2025 \(whole-company capex, not AI alone\)", text)
    # SoftBank's spent ratio is its OpenAI equity: the ledger's reading, not SoftBank's
    row = text[text.index("SoftBank USD 100 bn US investment pledge"):][:400]
    assert "28.1 % (our reading, not the announcer's)" in row


def test_list_our_reading_column(client):
    deals = {d["id"]: d for d in client.get("/api/v1/ledger").json()["deals"]}
    assert deals["l_softbank_us_2024_12"]["our_reading"] == "disbursed"
    assert deals["l_openai_compute_2025_10"]["our_reading"] == ""


def test_a_programme_committed_in_its_parts_says_so_in_the_list_and_chart(client):
    deals = {d["id"]: d for d in client.get("/api/v1/ledger").json()["deals"]}
    stargate = deals["l_stargate_us_2025_01"]
    assert stargate["committed_central"] is None
    abilene = deals["l_stargate_us_abilene"]["committed_central"]
    assert stargate["committed_in_parts"] == pytest.approx(abilene, rel=1e-12)
    assert stargate["committed_in_parts_as_of"] == "2025-06"
    assert deals["l_amazon_capex_2025"]["committed_in_parts"] is None
    text = text_of(client.get("/ledger").text)
    assert "(in its parts: EUR 13.27 bn, as of 2025-06)" in text
    home = text_of(client.get("/").text)
    assert "(in its parts: EUR 13.27 bn, as of 2025-06)" in home
    assert "A missing bar means no sourced figure" not in home


def test_the_list_says_a_need_is_per_year_and_not_ai_alone(client):
    """A journalist saw the Draghi report's EUR 775 bn 'need' top the ledger list with no word
    that it is per year and not AI alone, which the ledger's own data say: its announced
    claim's `basis` is per_year, its deal's `scope` not_ai_only. The marks come from those
    fields (`qualifier`), so other deals whose fields say so get them too."""
    deals = {d["id"]: d for d in client.get("/api/v1/ledger").json()["deals"]}
    assert deals["l_draghi_report_2024_09"]["qualifier"] == "per year; not AI alone"
    assert deals["l_jp_chips_ai_2024_11"]["qualifier"] == "not AI alone"  # not_ai_only
    assert deals["l_openai_compute_2025_10"]["qualifier"] == ""
    text = text_of(client.get("/ledger").text)
    row = text[text.index("Draghi report: EU investment need"):][:200]
    assert re.search(r"EUR \d+\.\d\d bn \(per year; not AI alone\)", row), row
