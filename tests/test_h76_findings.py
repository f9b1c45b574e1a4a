"""A fact-checking tester's findings on the evidence weight (helper h76, reworked by h82).

1. The Nvidia claim read 0 % although the EU accelerator shares are the global shares by
   assumption (`m_assumption_eu_same_global_market`). Rows citing real sources beside an
   assumption keep their authors' labels (a mass relabel made every value-chain weight 100 %
   and the measure told nothing apart); the claim's check says what it rests on instead. A
   narrow rule (data 2.5.0, validate): a row ALL of whose cited sources are weak or
   assumption is labelled no better than the best of them.
2. The value-decline row was `estimate` while its low and high come only from two `weak`
   sources, so "AI hardware loses value fast" weighed 0 %: the row is labelled weak.
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
import pytest

from moneytrail.data.package import bundled_path, open_package
from moneytrail.data.sourcing import WEAK_SOURCED, label_above_sources_problems

STARGATE = "l_stargate_us_2025_01"
ABILENE = "l_stargate_us_abilene"
NVIDIA_CHECK = ("Nvidia share of EU accelerator purchases, 2025 (the global shares, assumed "
                "to hold for EU buyers)")


def rewrite(path: Path, change) -> None:
    """Rewrite a CSV of a copied package, `change(rows)` editing its rows in place."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def weak_sourced_label_problems(package):
    """The rows of `label_above_sources_problems` whose cited sources are all labelled `weak`
    or `assumption` (the narrower rule of data 2.5.0)."""
    return [p for p in label_above_sources_problems(package)
            if p.message.startswith(WEAK_SOURCED.partition("(")[0])]


# --- 1. a row resting only on weak or assumption sources is labelled no better -------------
def test_no_bundled_row_resting_only_on_weak_sources_is_labelled_better():
    assert weak_sourced_label_problems(open_package()) == []


def test_rows_citing_a_real_source_beside_an_assumption_keep_their_labels():
    """The EU accelerator shares cite four real sources and the EU assumption: their authors
    labelled them from all of them (analyst, estimate), and validate accepts that."""
    markets = open_package().table("valuechain-markets")
    eu = markets[(markets["category"] == "accelerators") & (markets["buyer_region"] == "EU")]
    assert len(eu) == 6
    assert eu["sources"].str.contains("m_assumption_eu_same_global_market").all()
    assert set(eu["reliability"]) == {"analyst", "estimate"}


@pytest.fixture
def package_copy(tmp_path):
    root = tmp_path / "package"
    shutil.copytree(bundled_path(), root)
    return root


def test_validate_refuses_a_row_on_weak_sources_only_labelled_better(package_copy):
    def only_weak(rows):                             # model licences US 2024, line 26
        row = next(r for r in rows if r["category"] == "model_licences"
                   and r["year"] == "2024")
        row["reliability"] = "estimate"

    rewrite(package_copy / "analysis" / "market_sizes.csv", only_weak)
    problems = weak_sourced_label_problems(open_package(package_copy))
    assert [(p.line, p.field, p.value) for p in problems] == [(26, "reliability", "estimate")]
    assert "a_menlo_genai_2024" in problems[0].message
    assert "no better than the best of them, weak, not estimate" in problems[0].message


def test_the_best_of_weak_and_assumption_sources_is_weak(package_copy):
    """Eaton's 2025 cost rows cited only its weak results summary and assumptions while
    labelled estimate: they reuse the 2024 rows' shares and now cite the results those were
    read in. Without that citation the row would have to be weak (not assumption)."""
    def drop_filing(rows):
        row = next(r for r in rows if r["entity"] == "eaton" and r["year"] == "2025")
        row["sources"] = row["sources"].replace("c_eaton_fy2024;", "")

    rewrite(package_copy / "valuechain" / "cost_structures.csv", drop_filing)
    problems = weak_sourced_label_problems(open_package(package_copy))
    assert len(problems) == 1 and "best of them, weak, not estimate" in problems[0].message

    def weak_label(rows):
        row = next(r for r in rows if r["entity"] == "eaton" and r["year"] == "2025")
        row["reliability"] = "weak"

    rewrite(package_copy / "valuechain" / "cost_structures.csv", weak_label)
    assert weak_sourced_label_problems(open_package(package_copy)) == []


def test_a_row_on_assumptions_only_must_be_an_assumption(package_copy):
    def assumed(rows):
        rows[0]["sources"] = "m_assumption_eu_same_global_market"    # markets.csv line 2
        rows[0]["reliability"] = "weak"

    rewrite(package_copy / "valuechain" / "markets.csv", assumed)
    problems = weak_sourced_label_problems(open_package(package_copy))
    assert [(p.line, p.value) for p in problems] == [(2, "weak")]
    assert "best of them, assumption, not weak" in problems[0].message


def test_the_rows_the_rule_flagged_are_fixed():
    """On data 2.4.4 the rule flags 46 rows: 17 Eaton 2025 cost rows (cite the 2024 results
    their shares come from), two model-licence market sizes and the 27 EU members (weak)."""
    package = open_package()
    costs = package.table("valuechain-cost-structures")
    eaton = costs[(costs["entity"] == "eaton") & (costs["year"].astype(str) == "2025")]
    assert len(eaton) == 17
    assert eaton["sources"].str.startswith("c_eaton_fy2024;c_eaton_fy2024_summary;").all()
    assert eaton["sources"].str.endswith(";c_assumption_same_year").all()
    assert set(eaton["reliability"]) == {"estimate"}
    sizes = package.table("analysis-market-sizes")
    assert set(sizes.loc[sizes["category"] == "model_licences", "reliability"]) == {"weak"}
    assert set(package.table("analysis-eu-members")["reliability"]) == {"weak"}


# --- 2. the value decline rests on its weak bounds ------------------------------------------
def test_the_value_decline_row_is_labelled_weak():
    row = open_package().table("analysis-parameters").set_index("id").loc[
        "value_decline_per_year"]
    assert row["reliability"] == "weak"
    assert (float(row["low"]), float(row["central"]), float(row["high"])) == (0.15, 0.28, 0.4)
    assert "a_h100_residual_weak" in row["sources"] and "a_h100_rent_index" in row["sources"]


# --- claims -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def verdicts():
    from moneytrail.analysis.claims import check_claims
    from moneytrail.service.workspace import Workspace

    with Workspace.open() as ws:
        yield check_claims(data=ws.analysis, chain=ws.valuechain, ledger=ws.ledger_tables(),
                           model=ws.model, draws=200).set_index("check")


def test_the_nvidia_check_says_it_rests_on_the_eu_assumption(verdicts):
    from moneytrail.analysis.claims import load_claims

    claim = next(c for c in load_claims() if c.id == "nvidia-nearly-all-accelerators")
    assert "m_assumption_eu_same_global_market" in claim.note
    assert "the global shares" in claim.note and "does not count" in claim.note
    row = verdicts.loc[NVIDIA_CHECK]
    assert row["p50"] == pytest.approx(0.955, abs=0.02)         # the figure is unchanged
    assert row["check_verdict"] == "supported"
    # the rows keep their labels: the weight counts the global shares' sources, not the
    # EU assumption (the note says so)
    assert row["assumption_or_weak_p50"] == 0.0


def test_the_value_decline_claim_counts_its_weak_bounds(verdicts):
    row = verdicts.loc["share of the value left after 3 years"]
    assert row["check_verdict"] == "uncertain"             # as before: the weak high end
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
        plan = type("Plan", (), {"budget": type("Budget", (), {"amount": 100e9})(),
                                 "kind": None, "id": "stargate-style-us",
                                 "title": "Stargate-style plan"})()
        ledger = "ledger revision 1"
        ledger_stood = ""
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
