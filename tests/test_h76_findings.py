"""A fact-checking tester's findings on the evidence weight (helper h76).

1. Rows citing an assumption source were labelled better (the EU accelerator shares cite
   `m_assumption_eu_same_global_market` but were `estimate`), so the Nvidia claim read 0 %.
2. The value-decline row is `estimate` while its low and high come only from two `weak`
   sources: the claim's weight ignored them (a labelled row's cited sources were never read).
3. Stargate's committed money: the claim added Oracle's chip order to Abilene's financing
   while the deal page (the ledger's rule: the latest claim of a deal and stage) uses the
   financing only, and the briefing said "no committed amount recorded" for the headline,
   whose committed money is recorded in its part.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from moneytrail.analysis.evidence_weight import row_label
from moneytrail.data.package import bundled_path, open_package
from moneytrail.data.sourcing import assumption_label_problems

STARGATE = "l_stargate_us_2025_01"
ABILENE = "l_stargate_us_abilene"


# --- 1. a row on an assumption source is an assumption --------------------------------------
def test_no_bundled_row_citing_an_assumption_source_is_labelled_better():
    assert assumption_label_problems(open_package()) == []


def test_the_eu_accelerator_shares_are_labelled_assumption():
    markets = open_package().table("valuechain-markets")
    eu = markets[(markets["category"] == "accelerators") & (markets["buyer_region"] == "EU")]
    assert len(eu) == 6
    assert eu["sources"].str.contains("m_assumption_eu_same_global_market").all()
    assert set(eu["reliability"]) == {"assumption"}


def test_validate_refuses_a_row_on_an_assumption_labelled_better(tmp_path):
    root = tmp_path / "package"
    shutil.copytree(bundled_path(), root)
    path = root / "valuechain" / "markets.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    rows[4]["reliability"] = "estimate"             # EU 2025 AMD, line 6
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    problems = assumption_label_problems(open_package(root))
    assert len(problems) == 1
    problem = problems[0]
    assert problem.line == 6 and problem.field == "reliability" and problem.value == "estimate"
    assert "m_assumption_eu_same_global_market" in problem.message
    assert "labelled assumption" in problem.message


# --- 2. a labelled row is no stronger than a weak source it cites ---------------------------
def test_a_labelled_row_citing_a_weak_source_counts_as_weak():
    sources = pd.Series({"good": "analyst", "calc": "weak", "guess": "assumption"})
    assert row_label({"reliability": "estimate", "sources": "good;calc"}, sources) == "weak"
    assert row_label({"reliability": "estimate", "sources": "good;guess"},
                     sources) == "assumption"
    assert row_label({"reliability": "filing", "sources": "good"}, sources) == "filing"
    # a row without a label keeps the strongest of its sources (ledger claims, deals)
    assert row_label({"sources": "good;calc"}, sources) == "analyst"


# --- claims -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def verdicts():
    from moneytrail.analysis.claims import check_claims
    from moneytrail.service.workspace import Workspace

    with Workspace.open() as ws:
        yield check_claims(data=ws.analysis, chain=ws.valuechain, ledger=ws.ledger_tables(),
                           model=ws.model, draws=200).set_index("check")


def test_the_nvidia_claim_rests_on_the_eu_assumption(verdicts):
    row = verdicts.loc["Nvidia share of EU accelerator purchases, 2025"]
    assert row["assumption_or_weak_p50"] == 1.0
    assert row["p50"] == pytest.approx(0.955, abs=0.02)         # the figure is unchanged


def test_the_value_decline_claim_counts_its_weak_bounds(verdicts):
    row = verdicts.loc["share of the value left after 3 years"]
    assert row["assumption_or_weak_p50"] == 1.0
    assert row["claim_assumption_or_weak_p50"] == 1.0


# --- 3. one rule for Stargate's committed money -------------------------------------------
COMMITTED_CHECK = ("money the ledger records as committed to Stargate US (its parts' latest "
                   "committed claims: Abilene's project financing) / announced")


def test_the_claim_counts_what_the_deal_page_uses(verdicts, tmp_path):
    import moneytrail.ledger as mt_ledger

    ledger = mt_ledger.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        claims = ledger.show(ABILENE, price_year=2025)["claims"]
        used = claims[claims["used"] & (claims["stage"] == "committed")]
        whole = ledger.programme_amount(STARGATE, "committed", price_year=2025)
    finally:
        ledger.close()
    assert list(used["ref"]) == ["stargate_us_abilene_financing"]
    assert whole["refs"] == ["stargate_us_abilene_financing"]
    assert whole["deals"] == [ABILENE]
    assert whole["central"] == pytest.approx(float(used["norm_central"].iloc[0]))
    row = verdicts.loc[COMMITTED_CHECK]
    assert row["figure"] == (f"EUR {whole['central'] / 1e9:,.1f} bn / EUR 442.5 bn (2025 "
                             f"prices) = {100 * whole['central'] / (500e9 / 1.12998):.1f} %")
    assert row["figure"] == "EUR 13.3 bn / EUR 442.5 bn (2025 prices) = 3.0 %"
    assert row["check_verdict"] == "supported"
    # all of the committed money rests on a weak source; the headline is an exact amount
    assert row["assumption_or_weak_p50"] == 1.0


def test_an_uncertain_denominator_still_weighs_both_sides():
    from moneytrail.analysis.evidence_weight import ratio_weight

    weight = ratio_weight(np.array([100.0]), 1.0, np.array([400.0]), 0.25)
    assert weight[0] == pytest.approx(0.4)


def test_the_briefing_names_the_committed_money_of_the_parts(tmp_path):
    from moneytrail.report.briefing.content import reality_sentence

    class Brief:
        plan = type("Plan", (), {"budget": type("Budget", (), {"amount": 100e9})()})()
        ledger = "ledger revision 1"
        reality = [{"deal": STARGATE, "name": "Stargate Project (Stargate LLC)",
                    "announced": "USD 500 bn", "announced_as_of": "2025-01-21",
                    "committed": "USD 15 bn", "committed_as_of": "2025-06",
                    "committed_parts": "Stargate US: Abilene (Texas) flagship site",
                    "disbursed": "–", "disbursed_as_of": "", "disbursed_parts": "",
                    "announced_value": 500e9, "sources": "", "claim_refs": "",
                    "price_year": 2025}]

    text = reality_sentence(Brief())                   # type: ignore[arg-type]
    assert "USD 15 bn committed in its parts (Stargate US: Abilene (Texas) flagship site) " \
           "(as of 2025-06)" in text
    assert "no committed amount recorded" not in text


def test_the_briefing_reads_the_programme_amount_from_the_ledger(tmp_path, monkeypatch):
    import moneytrail as mt
    from moneytrail.report.briefing.content import SourceBook, matching_deals
    from moneytrail.service.workspace import Workspace

    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    plan = next(mt.load_scenario(p) for p in mt.reference_scenarios()
                if "stargate" in Path(p).name)
    with Workspace.open() as ws:
        deals = matching_deals(ws, plan, SourceBook.of(ws))
    assert deals and deals[0]["deal"] == STARGATE
    assert deals[0]["committed"] != "–"
    assert deals[0]["committed_parts"] == "Stargate US: Abilene (Texas) flagship site"
    assert deals[0]["committed_as_of"] == "2025-06"
