"""The ledger totals say how much of each total is firms' whole capital expenditure (not AI
alone) and what the EU row holds, on the page and in the JSON/CSV."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

CAPEX_US = ("l_amazon_capex_2025", "l_amazon_capex_2026", "l_alphabet_capex_2025",
            "l_alphabet_capex_2026", "l_meta_capex_2025", "l_meta_capex_2026",
            "l_msft_capex_fy2025", "l_amazon_capex_2024", "l_alphabet_capex_2024",
            "l_meta_capex_2024")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("capexscope") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


def test_totals_carry_the_whole_capex_part_by_hand(client):
    body = client.get("/api/v1/ledger/totals").json()
    us = next(r for r in body["totals"] if r["region"] == "US")
    listing = {d["id"]: d for d in client.get("/api/v1/ledger?region=US").json()["deals"]}
    # the capex deals counted in the US total (none is left out as inside another)
    capex = [d for d in listing.values() if d["whole_capex"] and not d["inside"]
             and d["announced_central"] is not None]
    assert {d["id"] for d in capex} <= set(CAPEX_US) | {"l_msft_capex_fy2026"}
    assert us["whole_capex_central"] == pytest.approx(
        sum(d["announced_central"] for d in capex), rel=1e-12)
    assert us["whole_capex_share"] == pytest.approx(
        us["whole_capex_central"] / us["central"], rel=1e-12)
    assert 0.5 < us["whole_capex_share"] < 1
    rows = {r["region"]: r for r in csv.DictReader(io.StringIO(
        client.get("/api/v1/ledger/totals?format=csv&table=totals").text))}
    assert float(rows["US"]["whole_capex_share"]) == pytest.approx(us["whole_capex_share"])
    assert float(rows["FR"]["whole_capex_central"]) == 0


def test_totals_page_and_note_say_capex_and_eu_scope(client):
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ",
                                                    client.get("/ledger/totals").text)))
    assert re.search(r"\(of which EUR [0-9.,]+ bn, [0-9.]+ %, is whole-company capex, not AI "
                     r"alone\)", text)
    assert ("(EU-wide deals only: EU programmes and EU-wide private pledges; member states' "
            "deals are in their own rows)") in text
    body = client.get("/api/v1/ledger/totals").json()
    eu = next(r for r in body["totals"] if r["region"] == "EU")
    assert "EU-wide deals only" in eu["note"]
    fr = next(r for r in body["totals"] if r["region"] == "FR")
    assert "EU-wide deals" not in fr["note"]
