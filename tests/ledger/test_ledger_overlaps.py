"""Totals never count money twice: part_of chains (through filtered deals), many overlaps per
deal, and deals that are needs rather than pledges."""

import pytest

import moneytrail.ledger
from moneytrail.ledger.errors import LedgerError

BN = 1e9


def add_deal(ledger, id_, sector, *, part_of="", overlaps="", kind="pledge", amount=10 * BN,
             region="FR"):
    ledger.add("deal", {"id": id_, "name": id_, "kind": kind, "region": region,
                        "sector": sector, "purpose": "compute", "announced": "2024-05",
                        "part_of": part_of, "overlaps": overlaps, "sources": "s_a"},
               author="t")
    ledger.add("claim", {"ref": f"{id_}_ann", "deal": id_, "stage": "announced",
                         "central": str(amount), "currency": "EUR", "price_year": "2024",
                         "as_of": "2024-05", "source": "s_a"}, author="t")


def region_row(frame, region):
    rows = frame[frame["region"] == region]
    assert len(rows) == 1, frame
    return rows.iloc[0]


def test_filtered_middle_deal_still_links_child_to_grandparent(ledger):
    add_deal(ledger, "d_top", "private", amount=100 * BN)
    add_deal(ledger, "d_mid", "mixed", part_of="d_top", amount=30 * BN)
    add_deal(ledger, "d_leaf", "private", part_of="d_mid", amount=10 * BN)
    for sector in (None, "private"):
        fr = region_row(ledger.totals(by=["region"], sector=sector), "FR")
        assert fr["central"] == pytest.approx(100 * BN), sector
        assert fr["deals"] == 1
    fr = region_row(ledger.totals(by=["region"], sector="mixed"), "FR")
    assert fr["central"] == pytest.approx(30 * BN)        # its parent is not selected


def test_a_deal_overlapping_several_deals_counts_only_alone(ledger):
    add_deal(ledger, "d_a", "private", amount=40 * BN)
    add_deal(ledger, "d_b", "public", amount=20 * BN)
    add_deal(ledger, "d_ab", "private", overlaps="d_a;d_b", amount=50 * BN)
    assert ledger.get("deal", "d_ab")["overlaps"] == "d_a;d_b"
    # the largest, d_ab, is counted; d_a and d_b overlap it and are left out
    assert region_row(ledger.totals(), "FR")["central"] == pytest.approx(50 * BN)
    assert region_row(ledger.totals(), "FR")["overlaps_excluded"] == 2
    private = region_row(ledger.totals(sector="private"), "FR")
    assert private["central"] == pytest.approx(50 * BN)   # the larger d_ab counted, not d_a
    links = ledger.show("d_a")["links"]
    assert ("overlapped_by", "d_ab") in set(zip(links["link"], links["deal"], strict=True))


def test_needs_are_left_out_unless_asked_for(ledger):
    add_deal(ledger, "d_need", "public", kind="need", amount=700 * BN)
    add_deal(ledger, "d_pledge", "public", amount=5 * BN)
    assert region_row(ledger.totals(), "FR")["central"] == pytest.approx(5 * BN)
    both = region_row(ledger.totals(include_needs=True), "FR")
    assert both["central"] == pytest.approx(705 * BN)


@pytest.mark.parametrize(("changes", "message"), [
    ({"overlaps": "d_eu_part"}, "cycle"),          # d_eu_part is part_of d_eu
    ({"overlaps": "d_us;d_us"}, "linked twice"),
    ({"overlaps": "d_nowhere"}, "dangling overlaps"),
    ({"overlaps": "d_eu"}, "cannot be part of or overlap itself"),
    ({"kind": "wish"}, "must be one of pledge, need"),
])
def test_bad_links_and_kinds_are_refused(ledger, changes, message):
    with pytest.raises(LedgerError, match=message):
        ledger.edit("deal", "d_eu", changes, author="t")


def test_overlaps_and_kind_round_trip(ledger, tmp_path):
    ledger.edit("deal", "d_gb", {"overlaps": "d_us;d_eu", "kind": "need"}, author="t")
    exported = ledger.export_package(tmp_path / "out")
    with moneytrail.ledger.open(tmp_path / "second.sqlite", load_bundled=False) as second:
        second.import_package(exported, author="t")
        record = second.get("deal", "d_gb")
    assert (record["overlaps"], record["kind"]) == ("d_us;d_eu", "need")


def test_bundled_overlaps_and_needs(store_url):
    with moneytrail.ledger.open(store_url) as ledger:
        assert ledger.get("deal", "l_draghi_report_2024_09")["kind"] == "need"
        assert "l_openai_round_2026_02" in ledger.get(
            "deal", "l_nvidia_openai_loi_2025_09")["overlaps"]
        compute = ledger.get("deal", "l_openai_compute_2025_10")["overlaps"]
        assert "l_stargate_us_sites_2025_09" in compute
        eu = ledger.totals(region="EU")
        with_needs = ledger.totals(region="EU", include_needs=True)
        assert with_needs["central"].sum() > eu["central"].sum()


def test_migration_keeps_part_of_links(tmp_path):
    from sqlalchemy import text

    from moneytrail.ledger import connection, migrate

    engine = connection.open_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("insert into deal_links (deal, kind, other) values "
                          "('d_child', 'part_of', 'd_parent')"))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("select deal, kind, other, ordinal from deal_links")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("d_child", "part_of", "d_parent", 0)]
