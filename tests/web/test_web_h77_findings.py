"""A fact-checker's findings (h77): the totals page hid that overlapping deals are dropped
whole (lower bounds) and, with needs=yes, that it adds Draghi's yearly economy-wide need to
multi-year AI pledges; the deal page did not say how claims of the same date are chosen; the
home chart listed a pledge and its own part as if separate; the plans CSV lacked the
headline numbers; the 2024 GDP source had no primary reference."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("h77") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False)
    with TestClient(app) as test_client:
        yield test_client


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


# -- 1. totals: lower bounds, and needs named ------------------------------------------------

def test_totals_page_says_lower_bound_and_names_what_was_left_out(client):
    text = text_of(client.get("/ledger/totals").text)
    assert "These totals are lower bounds" in text
    # the largest deal left out, by name and amount, and the table of all of them
    assert "the largest Stargate Project (Stargate LLC) (EUR 442.49 bn, United States)" \
        in text
    assert "Deals left out as inside others" in text
    assert "Stargate US: selected sites (planned investment) United States EUR 398.24 bn part of " \
        "Stargate Project (Stargate LLC)" in text
    # the larger of overlapping deals is counted (OpenAI's compute commitments, not Stargate)
    assert re.search(r"United States EUR 1\.46 tn \(EUR 1\.45–1\.48 tn\) \(of which [^)]+\) "
                     r"12 \(\+8 inside others, left out\)", text)
    assert "Estimates of need are included" not in text


def test_totals_citation_and_csv_carry_the_caveats(client):
    api = client.get("/api/v1/ledger/totals").json()
    assert "lower bounds" in api["meta"]["title"] and "lower bounds" in api["meta"]["citation"]
    assert api["meta"]["note"].startswith("Lower bounds:")
    assert api["left_out"][0]["deal"] == "l_stargate_us_2025_01"
    rows = {r["region"]: r for r in csv_rows(client.get(
        "/api/v1/ledger/totals?format=csv&table=totals"))}
    assert rows["US"]["note"].startswith("lower bound; left out as part of other deals, or "
                                         "overlapping larger counted deals: Stargate Project "
                                         "(Stargate LLC) (EUR 442.49 bn)")
    assert rows["JP"]["note"] == ""                     # nothing left out there
    assert float(rows["US"]["central"]) == pytest.approx(1.4641183706362612e12, rel=1e-12)


def test_totals_with_needs_warn_and_name_it_in_the_title(client):
    text = text_of(client.get("/ledger/totals?needs=yes").text)
    assert "Estimates of need are included: these totals are not money pledged." in text
    assert "Draghi report: EU investment need (European Union (member state not specified), " \
        "estimate of need): EUR 810.24 bn: Estimated extra annual investment" in text
    assert "(incl. 2 not pledges)" in text                  # the EU row
    api = client.get("/api/v1/ledger/totals?needs=yes").json()
    assert api["meta"]["title"] == ("Ledger totals by region (announced, estimates of need "
                                    "included (not pledges); lower bounds: deals inside "
                                    "others left out)")
    assert "Estimates of need are included" in api["meta"]["note"]
    eu = next(r for r in api["totals"] if r["region"] == "EU")
    assert "includes estimates of need, not pledges: Draghi report: EU investment need " \
        "(EUR 810.24 bn)" in eu["note"]
    # next data version: the gigafactory expressions of interest (an expectation) are counted
    # in place of the AI Continent plan, and EuroHPC AI Factories with them
    assert eu["per_gdp_central"] == pytest.approx(0.05831809392670316, rel=1e-12)
    without = client.get("/api/v1/ledger/totals").json()
    assert "need" not in without["meta"]["title"]


# -- 2. same-date claims: the rule, on the deal page ------------------------------------------

def test_deal_page_states_the_tie_rule_and_why_a_claim_is_not_used(client):
    text = text_of(client.get("/ledger/deals/l_amazon_capex_2025").text)
    assert "Of claims with the same as-of date, the one whose source is more reliable is " \
        "used" in text
    assert "(same date as the spent claim of USD 131.00 bn (Amazon (AMZN) capital expenditures " \
        "by quarter, as of 2025-12), whose source is more reliable: filing against analyst)" \
        in text
    claims = {c["ref"]: c for c in client.get(
        "/api/v1/ledger/deals/l_amazon_capex_2025").json()["claims"]}
    assert claims["amzn_2025_actual_131"]["used"] and \
        claims["amzn_2025_actual_131"]["source_reliability"] == "filing"
    assert not claims["amzn_2025_actual_125"]["used"]


def test_methods_page_states_the_tie_rule(client):
    text = text_of(client.get("/methods").text)
    assert "the larger amount wins" not in text.replace("\n", " ")
    assert "one whose source is more reliable wins" in text


# -- 3. the home chart marks parts and overlaps -----------------------------------------------

def test_reality_chart_marks_a_part_of_another_pledge(client):
    rows = {r["id"]: r for r in client.get("/api/v1/charts/reality").json()["reality"]}
    sites = rows["l_stargate_us_sites_2025_09"]
    assert sites["inside"] == "part of Stargate Project (Stargate LLC)"
    assert sites["label"] == ("Stargate US: selected sites (planned investment) (part of "
                              "Stargate Project (Stargate LLC))")
    # as the totals count them: the larger OpenAI compute commitments, not Stargate
    assert rows["l_openai_compute_2025_10"]["inside"] == ""
    assert rows["l_stargate_us_2025_01"]["inside"] == \
        "overlaps OpenAI compute commitments (~30 GW)"
    home = text_of(client.get("/").text)
    assert re.search(r"Stargate US: selected sites \(planned investment\) \( ?part of "
                     r"Stargate Project \(Stargate LLC\) ?\)", home)
    assert "is wholly or partly inside another pledge's headline, so the bars must not be " \
        "added up" in home
    figure = client.get("/charts/reality.svg")
    assert figure.status_code == 200
    lines = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", unescape(figure.text)))
    assert "Stargate US: selected sites (planned investment) (part of Stargate Project " \
        "(Stargate LLC))" in lines


# -- 5. the 2024 GDP copy names the World Bank series it copies --------------------------------

def test_wb_gdp_2024_has_the_world_bank_indicator_as_primary_reference(client):
    from moneytrail.data.package import bundled_path

    with (bundled_path() / "macro" / "sources.csv").open(encoding="utf-8") as handle:
        source = next(r for r in csv.DictReader(handle) if r["id"] == "x_wb_gdp_2024")
    assert source["primary_ref"] == (
        "World Bank, World Development Indicators, series NY.GDP.MKTP.CD (GDP, current US$), "
        "2024; indicator page https://data.worldbank.org/indicator/NY.GDP.MKTP.CD")
    assert source["reliability"] == "estimate"          # still read in a copy
    with (bundled_path() / "macro" / "gdp.csv").open(encoding="utf-8") as handle:
        us = next(r for r in csv.DictReader(handle)
                  if r["country"] == "US" and r["year"] == "2024")
    assert (us["value"], us["source"]) == ("29184900000000", "x_wb_gdp_2024")   # unchanged
    text = text_of(client.get("/sources/x_wb_gdp_2024").text)
    assert "Primary reference World Bank, World Development Indicators, series " \
        "NY.GDP.MKTP.CD" in text


# -- 4. the plans table of /api/v1/home carries the headline's numbers --------------------------

@pytest.fixture(scope="module")
def traced_client(tmp_path_factory):
    """An app whose reference plans are traced at start-up, with few draws (fast)."""
    import time

    from moneytrail.web import create_app, routes_runs

    patch = pytest.MonkeyPatch()
    patch.setattr(routes_runs, "REFERENCE_DRAWS", 40)
    db = tmp_path_factory.mktemp("h77_traced") / "ledger.sqlite"
    app = create_app(db=str(db))
    try:
        with TestClient(app) as test_client:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                plans = test_client.get("/api/v1/home?table=plans").json()["rows"]
                if all(p["run_status"] == "done" for p in plans):
                    break
                time.sleep(1)
            yield test_client
    finally:
        patch.undo()


def test_home_plans_csv_has_the_headline_numbers_with_units(traced_client):
    rows = csv_rows(traced_client.get("/api/v1/home?format=csv&table=plans"))
    assert [r["run_status"] for r in rows] == ["done"] * len(rows) and rows
    for row in rows:
        for name in ("wages", "profits_and_depreciation", "taxes",
                     "largest_value_added_country", "largest_owner_country"):
            low, mid, high = (float(row[f"{name}_share_{s}"]) for s in ("p5", "p50", "p95"))
            assert 0 <= low <= mid <= high <= 1, (row["id"], name)
        assert row["largest_value_added_country"] and row["largest_owner_country"]
        assert row["share_unit"].startswith("fraction of the plan's spending (0.39 = 39 %)")
        assert (row["eu_value_added_share_p50"] != "") == (row["buyer_region"] == "EU")
    # the same numbers as the home page's sentences
    from moneytrail.web.runs import percent

    home = text_of(traced_client.get("/").text)
    for row in rows:
        for name, words in (("wages", "wages"), ("profits_and_depreciation",
                                                 "profits and depreciation")):
            share = percent(float(row[f"{name}_share_p50"]))
            assert f"{words} {share} (90 % interval " \
                f"{percent(float(row[f'{name}_share_p5']))}" in home, (row["id"], name)
        assert percent(float(row["largest_value_added_country_share_p50"])) in home


def test_home_plans_before_the_runs_are_done_have_the_columns_empty(client):
    rows = csv_rows(client.get("/api/v1/home?format=csv&table=plans"))
    assert rows and all(r["wages_share_p50"] == "" and r["share_unit"] == "" for r in rows)
