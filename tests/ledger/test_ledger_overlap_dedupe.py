"""How totals choose which linked deals to leave out (queries.counted_set): a part gives way
to its headline; of two overlapping deals the larger is counted; only declared links (and
money inside a deal being in its headline) count as overlaps, and the reason named is a deal
actually linked."""

import pytest
from test_ledger_overlaps import BN, add_deal, region_row

import moneytrail.ledger
from moneytrail.ledger.queries import money_links


def left_out(ledger, **options):
    caveats = ledger.totals_caveats(**{"region": "FR", **options})
    rows = caveats[caveats["caveat"] == "left out"]
    return {r["deal"]: (r["inside"], r["relation"]) for _, r in rows.iterrows()}


def test_larger_deal_is_counted_whichever_side_names_the_overlap(ledger):
    add_deal(ledger, "d_small", "private", amount=10 * BN)
    add_deal(ledger, "d_big", "private", overlaps="d_small", amount=200 * BN)
    assert region_row(ledger.totals(), "FR")["central"] == pytest.approx(200 * BN)
    assert left_out(ledger) == {"d_small": ("d_big", "overlaps")}


def test_a_part_of_a_deal_overlapping_another_is_not_dropped_for_it(ledger):
    # d_part is inside d_whole (no claim at this stage); d_whole overlaps d_site: d_part's
    # money is not known to be d_site's (the overlap may be in another part)
    add_deal(ledger, "d_site", "private", amount=10 * BN)
    ledger.add("deal", {"id": "d_whole", "name": "d_whole", "kind": "pledge", "region": "FR",
                        "sector": "private", "purpose": "compute", "announced": "2024-05",
                        "overlaps": "d_site", "sources": "s_a"}, author="t")
    add_deal(ledger, "d_part", "private", part_of="d_whole", amount=200 * BN)
    add_deal(ledger, "d_other", "private", overlaps="d_part", amount=5 * BN)
    fr = region_row(ledger.totals(), "FR")
    assert fr["central"] == pytest.approx(210 * BN)
    assert left_out(ledger) == {"d_other": ("d_part", "overlaps")}


def test_money_inside_a_deal_is_in_its_headline_too(ledger):
    # d_x overlaps d_part, d_part is part of d_top: so d_x overlaps d_top, and d_top
    # overlaps d_x (links are inferred both ways, nothing more)
    add_deal(ledger, "d_top", "private", amount=100 * BN)
    add_deal(ledger, "d_part", "private", part_of="d_top", amount=30 * BN)
    add_deal(ledger, "d_x", "private", overlaps="d_part", amount=50 * BN)
    assert region_row(ledger.totals(), "FR")["central"] == pytest.approx(100 * BN)
    assert left_out(ledger) == {"d_part": ("d_top", "part of"), "d_x": ("d_top", "overlaps")}
    links = money_links(ledger.tables()["deal"])
    assert links["d_top"]["d_x"] == "overlaps" and links["d_part"]["d_top"] == "part of"


def test_bundled_us_committed_total_by_hand(store_url):
    with moneytrail.ledger.open(store_url) as ledger:
        us = region_row(ledger.totals(stage="committed", price_year=2025), "US")
        listing = ledger.list(region="US", price_year=2025)
        amount = dict(zip(listing["id"], listing["committed_central"], strict=True))
        counted = ["l_openai_oracle_2025_09", "l_openai_azure_2025_10",
                   "l_anthropic_aws_2026_04", "l_openai_aws_2025_11",
                   "l_nvidia_openai_loi_2025_09", "l_stargate_us_abilene",
                   "l_openai_round_2025_03"]
        assert us["central"] == pytest.approx(sum(amount[d] for d in counted))
        assert us["central"] / BN == pytest.approx(652.16, abs=0.01)
        out = left_out(ledger, stage="committed", price_year=2025, region="US")
        assert out == {"l_openai_round_2026_02": ("l_nvidia_openai_loi_2025_09", "overlaps"),
                       "l_amazon_anthropic_2026_04": ("l_anthropic_aws_2026_04", "overlaps")}


@pytest.mark.parametrize("stage", ["announced", "committed", "disbursed"])
def test_bundled_every_left_out_deal_names_a_linked_deal_not_smaller(store_url, stage):
    with moneytrail.ledger.open(store_url) as ledger:
        links = money_links(ledger.tables()["deal"])
        caveats = ledger.totals_caveats(stage=stage)
        central = dict(zip(caveats["deal"], caveats["central"], strict=True))
        listing = ledger.list()
        amount = dict(zip(listing["id"], listing[f"{stage}_central"], strict=True))
        for _, row in caveats[caveats["caveat"] == "left out"].iterrows():
            named = row["inside"].split(";")
            assert named and named[0], row["deal"]
            for other, how in zip(named, row["relation"].split(";"), strict=True):
                assert links[row["deal"]][other] == how, (row["deal"], other)
            if row["relation"].split(";")[0] == "overlaps":
                assert max(amount[d] for d in named) >= central[row["deal"]], row["deal"]
