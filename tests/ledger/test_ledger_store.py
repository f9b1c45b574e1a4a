"""The store: lossless round trip, idempotent import, revisions, revert, conflicts, schema."""

import json

import pytest
from ledgerdata import TABLES, read_csv_rows, tables, write_ledger_package

import moneytrail.ledger
from moneytrail.ledger.errors import ConflictError, LedgerError, NotFoundError
from moneytrail.ledger.records import KINDS, claim_id

FILES = ["ledger/sources.csv", "ledger/deals.csv", "ledger/claims.csv", "macro/sources.csv",
         "macro/fx.csv", "macro/deflators.csv", "macro/population.csv", "macro/gdp.csv"]


def revision_count(ledger) -> int:
    return len(ledger.history())


def test_import_counts_and_revisions(ledger):
    history = ledger.history()
    total = sum(len(rows) for rows in TABLES.values())
    assert len(history) == total
    assert set(history["author"]) == {"fixture"} and set(history["action"]) == {"import"}
    assert history["batch"].nunique() == 1


def test_reimport_adds_nothing(ledger, package):
    before = ledger.tables()
    result = ledger.import_package(package, author="again")
    assert result.revisions == () and result.added == 0
    assert result.unchanged == sum(len(rows) for rows in TABLES.values())
    after = ledger.tables()
    for kind in KINDS:
        assert before[kind].equals(after[kind]), kind


def test_round_trip_is_lossless(ledger, package, tmp_path, store_url):
    exported = ledger.export_package(tmp_path / "out")
    for name in FILES:
        assert read_csv_rows(exported / name) == read_csv_rows(package / name), name
    descriptor = json.loads((exported / "datapackage.json").read_text())
    assert descriptor["version"] == "test-1"
    from moneytrail.data.package import open_package
    from moneytrail.ledger.validate import ledger_problems

    assert ledger_problems(open_package(exported)) == []
    # export -> import into a second store -> export again: identical files
    second_url = str(tmp_path / "second.sqlite")
    with moneytrail.ledger.open(second_url, load_bundled=False) as second:
        assert second.import_package(exported, author="t").added == revision_count(ledger)
        again = second.export_package(tmp_path / "again")
    for name in FILES:
        assert (again / name).read_text() == (exported / name).read_text(), name


def test_changed_package_updates_only_what_changed(ledger, tmp_path):
    data = tables()
    data["ledger-claims"][0]["note"] = "corrected note"
    data["ledger-claims"].append({**data["ledger-claims"][0], "ref": "eu_ann_other",
                                  "central": 101e9, "high": 101e9, "note": "conflicting"})
    result = ledger.import_package(write_ledger_package(tmp_path / "v2", data), author="b")
    assert (result.added, result.changed) == (1, 1)
    claims = ledger.tables()["claim"]
    assert set(claims.loc[claims["ref"].str.startswith("eu_ann"), "ref"]) == {
        "eu_ann", "eu_ann_raise", "eu_ann_other"}   # conflicting claims coexist


def test_claim_id_is_a_hash_of_key_fields(ledger):
    record = ledger.get("claim", "us_com")
    assert record["id"] == claim_id(record)
    assert claim_id({**record, "note": "other"}) == record["id"]
    assert claim_id({**record, "central": "2.5e10"}) == record["id"]   # canonical numbers
    assert claim_id({**record, "central": "26000000000"}) != record["id"]


def test_edit_history_and_revert(ledger):
    start = int(ledger.get("claim", "eu_com")["revision"])
    result = ledger.edit("claim", "eu_com", {"central": "45e9", "high": "55e9"},
                         author="alice", reason="new source", expected_revision=start)
    (number,) = result.revisions
    record = ledger.get("claim", "eu_com")
    assert record["central"] == "45000000000" and int(record["revision"]) == number
    history = ledger.history("claim", "eu_com")
    assert list(history["revision"]) == [number, start]
    latest = history.iloc[0]
    assert (latest["author"], latest["reason"], latest["action"]) == ("alice", "new source",
                                                                      "edit")
    assert json.loads(latest["before"])["central"] == "40000000000"
    assert json.loads(latest["after"])["central"] == "45000000000"
    assert "central: '40000000000' -> '45000000000'" in latest["changes"]
    ledger.revert(number, author="bob", reason="source retracted")
    assert ledger.get("claim", "eu_com")["central"] == "40000000000"
    last = ledger.history("claim", "eu_com").iloc[0]
    assert last["action"] == "revert" and "revision " + str(number) in last["reason"]
    with pytest.raises(LedgerError, match="already as it was"):
        ledger.revert(number, author="bob")


def test_stale_revision_is_refused(ledger):
    start = int(ledger.get("deal", "d_gb")["revision"])
    ledger.edit("deal", "d_gb", {"note": "first"}, author="a", expected_revision=start)
    before = revision_count(ledger)
    with pytest.raises(ConflictError, match="changed since revision"):
        ledger.edit("deal", "d_gb", {"note": "second"}, author="b", expected_revision=start)
    assert ledger.get("deal", "d_gb")["note"] == "first"
    assert revision_count(ledger) == before


def test_add_delete_and_revert_of_add(ledger):
    result = ledger.add("claim", {"ref": "gb_com", "deal": "d_gb", "stage": "committed",
                                  "central": "2e9", "currency": "GBP", "price_year": "2024",
                                  "as_of": "2024-06", "source": "s_a"},
                        author="carol", reason="budget line")
    record = ledger.get("claim", "gb_com")
    assert (record["low"], record["high"]) == ("2000000000", "2000000000")
    with pytest.raises(LedgerError, match="already exists"):
        ledger.add("claim", {**record}, author="carol")
    ledger.revert(result.revisions[0], author="carol")
    with pytest.raises(NotFoundError):
        ledger.get("claim", "gb_com")
    deletion = ledger.delete("claim", "us_com_low", author="dan", reason="duplicate")
    ledger.revert(deletion.revisions[0], author="dan")
    assert ledger.get("claim", "us_com_low")["central"] == "20000000000"


def test_writes_need_an_author(ledger):
    with pytest.raises(LedgerError, match="needs an author"):
        ledger.edit("deal", "d_gb", {"note": "x"}, author="")


def test_edit_refuses_unknown_fields_and_keys(ledger):
    with pytest.raises(LedgerError, match="unknown field"):
        ledger.edit("deal", "d_gb", {"colour": "red"}, author="a")
    with pytest.raises(LedgerError, match="key cannot be edited"):
        ledger.edit("claim", "gb_ann", {"ref": "other"}, author="a")
    with pytest.raises(LedgerError, match="unknown record kind"):
        ledger.edit("planet", "x", {}, author="a")


def test_macro_series_are_records_too(ledger):
    ledger.edit("fx", "2024/USD", {"units_per_eur": "1.2"}, author="a", reason="typo")
    assert ledger.converter().rate("USD", 2024) == 1.2
    assert ledger.history("fx", "2024/USD").iloc[0]["author"] == "a"


def test_bundled_package_loads_on_first_use_only(store_url, monkeypatch):
    calls = []
    from moneytrail.ledger import packageio

    monkeypatch.setattr(packageio, "import_package",
                        lambda ledger, path, **kw: calls.append(path))
    moneytrail.ledger.open(store_url).close()
    moneytrail.ledger.open(store_url).close()
    assert len(calls) == 1


def test_schema_from_migrations_matches_models(store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import moneytrail.accounts.models  # noqa: F401  (the account tables share Base)
    from moneytrail.ledger import connection, migrate
    from moneytrail.ledger.models import Base

    engine = connection.open_engine(store_url)      # every migration (a new store would be
    migrate.upgrade(engine, migrate.head_revision())    # created from the models themselves)
    engine.dispose()
    with moneytrail.ledger.open(store_url, load_bundled=False) as ledger, \
            ledger.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert context.get_current_revision() == "0009"
        diff = [d for d in compare_metadata(context, Base.metadata)
                if not (isinstance(d, tuple) and d[0] in ("add_index", "remove_index",
                                                          "add_constraint",
                                                          "remove_constraint"))]
        assert diff == []


def test_revert_refuses_when_a_later_revision_changed_the_record(ledger):
    first = ledger.edit("claim", "eu_com", {"note": "first"}, author="a").revisions[0]
    second = ledger.edit("claim", "eu_com", {"note": "second"}, author="b").revisions[0]
    with pytest.raises(ConflictError, match=f"by revision {second} \\(edit by b\\)"):
        ledger.revert(first, author="c")
    assert ledger.get("claim", "eu_com")["note"] == "second"
    ledger.revert(first, author="c", force=True)
    assert ledger.get("claim", "eu_com")["note"] == ""


def test_import_keeps_records_edited_by_hand(ledger, package):
    ledger.edit("claim", "eu_com", {"note": "checked by hand"}, author="a")
    ledger.delete("claim", "us_com_low", author="a")
    result = ledger.import_package(package, author="b")
    assert set(result.skipped) == {"claim eu_com", "claim us_com_low"}
    assert result.revisions == ()
    assert ledger.get("claim", "eu_com")["note"] == "checked by hand"
    with pytest.raises(NotFoundError):
        ledger.get("claim", "us_com_low")
    result = ledger.import_package(package, author="b", overwrite=True)
    assert (result.changed, result.added, result.skipped) == (1, 1, ())
    assert ledger.get("claim", "eu_com")["note"] == ""


@pytest.mark.parametrize("field, char", [("note", "\u202e"), ("note", "\x00"),
                                         ("name", "\n"), ("description", "\u2067")])
def test_revert_to_text_stored_before_the_character_rule_is_refused(ledger, field, char):
    """A revision written before control/bidi characters were refused may hold one; a revert
    is a write, so it is checked like any other: one line naming the field and the code point,
    nothing written, every revision kept."""
    from sqlalchemy import update

    from moneytrail.ledger.models import Revision

    start = ledger.get("deal", "d_gb")
    (number,) = ledger.edit("deal", "d_gb", {field: "clean text"}, author="a").revisions
    old = {k: v for k, v in ledger.revision(number)["before"].items()}
    old[field] = f"EUR 20 bn{char} plan"               # as an older release stored it
    with ledger.engine.begin() as conn:
        conn.execute(update(Revision).where(Revision.id == number).values(before=old))
    history = ledger.history()
    for force in (False, True):
        with pytest.raises(LedgerError) as info:
            ledger.revert(number, author="b", reason="undo", force=force)
        message = str(info.value)
        assert message.startswith(f"field '{field}': revision {number} holds text with the "
                                  f"control character U+{ord(char):04X}"), message
        assert "\n" not in message and char not in message
    assert ledger.get("deal", "d_gb")[field] == "clean text"
    assert ledger.history().equals(history)            # nothing written, nothing lost
    assert start[field] != "clean text"


def test_revert_to_clean_text_still_works_and_keeps_line_breaks(ledger):
    (first,) = ledger.edit("deal", "d_gb", {"note": "line one\r\nline two"},
                           author="a").revisions
    (second,) = ledger.edit("deal", "d_gb", {"note": "short"}, author="a").revisions
    ledger.revert(second, author="b")
    # the line break is kept, written as LF (store.line_breaks: forms send CR LF)
    assert ledger.get("deal", "d_gb")["note"] == "line one\nline two"
    assert first < second
