"""A journalist downloading the home page's pledge table (/api/v1/home?table=reality, CSV) or
the ledger's deal list could not cite a figure without opening each deal: the rows carried
the announced, committed and spent amounts but no source, date or reliability. Each stage's
figure now comes with the as-of date and source id of the claim it is read from
(`ledger list` too) and the reliability of that source; a stage without a figure has all
three empty."""

from __future__ import annotations

import csv
import io

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

STARGATE = "l_stargate_us_2025_01"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("pledge-sources") / "ledger.sqlite"
    with TestClient(create_app(db=str(db), start_reference_runs=False)) as test_client:
        yield test_client


def csv_rows(text: str) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


@pytest.mark.parametrize("url", ["/api/v1/home?format=csv&table=reality",
                                 "/api/v1/ledger?format=csv"])
def test_each_stage_figure_names_its_claim_source_date_and_reliability(client, url):
    rows = csv_rows(client.get(url).text)
    stargate = rows[STARGATE]
    # OpenAI's announcement of 21 Jan 2025 (a news reprint, labelled analyst)
    assert (stargate["announced_as_of"], stargate["announced_source"],
            stargate["announced_reliability"]) == ("2025-01-21", "l_stargate_openai_2025_01",
                                                   "analyst")
    # no committed claim of its own (its parts' amount is the in-parts column): all empty
    assert stargate["committed_central"] == ""
    assert (stargate["committed_as_of"], stargate["committed_source"],
            stargate["committed_reliability"]) == ("", "", "")
    for deal, row in rows.items():
        for stage in ("announced", "committed", "disbursed"):
            has_figure = row[f"{stage}_central"] != ""
            assert (row[f"{stage}_source"] != "") == has_figure, (deal, stage)
            assert (row[f"{stage}_reliability"] != "") == has_figure, (deal, stage)


def test_every_cited_source_opens(client):
    rows = csv_rows(client.get("/api/v1/home?format=csv&table=reality").text)
    cited = {row[f"{stage}_source"] for row in rows.values()
             for stage in ("announced", "committed", "disbursed")} - {""}
    assert len(cited) >= 5
    for source in sorted(cited):
        assert client.get(f"/api/v1/sources/{source}").status_code == 200, source


@pytest.mark.parametrize("url", ["/api/v1/home?format=csv&table=reality",
                                 "/api/v1/ledger?format=csv"])
def test_an_amount_in_parts_names_its_sources_and_their_weakest_label(client, url):
    """Stargate's committed EUR 13.27 bn is its parts' (the Abilene compute contract, read in a
    weak source): the row names that source and says weak."""
    rows = csv_rows(client.get(url).text)
    stargate = rows[STARGATE]
    assert stargate["committed_in_parts"] != ""
    assert stargate["committed_in_parts_sources"] == "l_stargate_abilene_compute"
    assert stargate["committed_in_parts_reliability"] == "weak"
    for deal, row in rows.items():
        for stage in ("committed", "disbursed"):
            has_parts = row[f"{stage}_in_parts"] != ""
            assert (row[f"{stage}_in_parts_sources"] != "") == has_parts, (deal, stage)
            assert (row[f"{stage}_in_parts_reliability"] != "") == has_parts, (deal, stage)
