"""What an announced amount is, as fields of the data, not as the wording of notes.

A claim's `basis` (`total` | `per_year`; empty: total) says whether its amount is a total or
a yearly figure; a deal's `scope` (`ai_only` | `not_ai_only`; empty: ai_only) whether its
money is for AI alone. Both are validated (`moneytrail validate`, every ledger write), filled
for every bundled row, carried by the store (migration 0010 fills the rows of an older store)
and read by the ledger's `qualifier` ('per year', 'not AI alone'): rewording a note no longer
changes it.
"""

from __future__ import annotations

import re
import shutil

import pytest
from ledgerdata import tables, write_ledger_package

import moneytrail.ledger
from moneytrail.data.package import bundled_path, open_package
from moneytrail.data.validate import package_problems
from moneytrail.ledger import connection, migrate
from moneytrail.ledger.errors import LedgerError
from moneytrail.ledger.validate import ledger_problems


def test_every_bundled_row_says_what_its_amount_is():
    package = open_package()
    claims = package.table("ledger-claims").set_index("ref")
    deals = package.table("ledger-deals").set_index("id")
    assert set(claims["basis"]) == {"total", "per_year"}            # no row left empty
    assert list(claims.index[claims["basis"] == "per_year"]) == ["draghi_need_per_year"]
    assert set(deals["scope"]) == {"ai_only", "not_ai_only"}
    assert (deals.loc[deals["purpose"] == "capex", "scope"] == "not_ai_only").all()
    for deal in ("l_draghi_report_2024_09", "l_jp_chips_ai_2024_11", "l_kr_growth_fund_2025_09",
                 "l_de_hightech_agenda_2025_07"):
        assert deals.at[deal, "scope"] == "not_ai_only", deal
    assert deals.at["l_openai_compute_2025_10", "scope"] == "ai_only"


def with_claim(**change):
    data = tables()
    data["ledger-claims"][6] = {**data["ledger-claims"][6], **change}    # us_ann, line 8
    return data


def with_deal(**change):
    data = tables()
    data["ledger-deals"][3] = {**data["ledger-deals"][3], **change}      # d_gb, line 5
    return data


@pytest.mark.parametrize(("data", "file", "line", "field", "value", "message"), [
    (with_claim(basis="yearly"), "claims.csv", 8, "basis", "yearly",
     "must be one of total, per_year (empty: total)"),
    (with_deal(scope="partly AI"), "deals.csv", 5, "scope", "partly AI",
     "must be one of ai_only, not_ai_only (empty: ai_only)"),
    (with_deal(purpose="capex", scope="ai_only"), "deals.csv", 5, "scope", "ai_only",
     "a deal of purpose capex is a firm's whole capital expenditure, not AI alone"),
])
def test_a_bad_value_is_one_line_naming_file_row_field_and_value(data, file, line, field,
                                                                   value, message, tmp_path,
                                                                   ledger):
    root = write_ledger_package(tmp_path / "bad", data)
    problems = ledger_problems(open_package(root))
    assert len(problems) == 1, problems
    first = problems[0]
    assert (first.file.endswith(file), first.line, first.field, first.value) == \
        (True, line, field, value)
    assert message in first.message
    revisions = len(ledger.history())
    with pytest.raises(LedgerError) as info:
        ledger.import_package(root, author="x")
    text = str(info.value)
    assert f"{file}:{line}, field '{field}', value '{value}': {message}" in text
    assert "\n" not in text and len(ledger.history()) == revisions


def test_validate_names_a_bad_basis_once_in_the_bundled_package(tmp_path):
    """`moneytrail validate` on a copy of the bundled package with one bad cell: one problem
    (the ledger's own rule, not the schema's enum as well), naming file, line, field, value."""
    root = tmp_path / "package"
    shutil.copytree(bundled_path(), root)
    path = root / "ledger" / "claims.csv"
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    number = next(i for i, row in enumerate(lines) if row.startswith("draghi_need_per_year,"))
    assert lines[number].endswith(",per_year")
    lines[number] = lines[number][:-len("per_year")] + "annual"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    problems = [p for p in package_problems(root) if p.field == "basis"]
    assert [str(p) for p in problems] == [
        f"{path}:{number + 1}, field 'basis', value 'annual': must be one of total, per_year "
        "(empty: total)"]


def test_writes_check_the_fields_and_take_any_case(ledger):
    with pytest.raises(LedgerError) as info:
        ledger.edit("claim", "gb_ann", {"basis": "per month"}, author="x")
    assert str(info.value).startswith("claim 'gb_ann', field 'basis', value 'per month': "
                                      "must be one of total, per_year")
    with pytest.raises(LedgerError, match="deal 'd_gb', field 'scope', value 'AI'"):
        ledger.edit("deal", "d_gb", {"scope": "AI"}, author="x")
    ledger.edit("claim", "gb_ann", {"basis": "Per_Year"}, author="x")
    ledger.edit("deal", "d_gb", {"scope": "NOT_AI_ONLY"}, author="x")
    assert ledger.get("claim", "gb_ann")["basis"] == "per_year"
    assert ledger.get("deal", "d_gb")["scope"] == "not_ai_only"


def qualifiers(ledger) -> dict[str, str]:
    listing = ledger.list()
    return dict(zip(listing["deal"], listing["qualifier"], strict=True))


def test_the_qualifier_reads_the_fields_not_the_notes(ledger):
    assert qualifiers(ledger)["d_gb"] == ""
    # notes that say it, fields that do not: no qualifier
    ledger.edit("claim", "gb_ann", {"note": "Per year, as the minister put it"}, author="x")
    ledger.edit("deal", "d_gb", {"note": "Not AI-only: also chips",
                                 "description": "not specific to AI"}, author="x")
    assert qualifiers(ledger)["d_gb"] == ""
    # fields that say it, notes that do not
    ledger.edit("claim", "gb_ann", {"basis": "per_year", "note": ""}, author="x")
    assert qualifiers(ledger)["d_gb"] == "per year"
    ledger.edit("deal", "d_gb", {"scope": "not_ai_only", "note": "", "description": ""},
                author="x")
    assert qualifiers(ledger)["d_gb"] == "per year; not AI alone"
    # a whole-capex deal is not AI alone whatever its (empty) scope says
    ledger.edit("deal", "d_us", {"purpose": "capex"}, author="x")
    assert qualifiers(ledger)["d_us"] == "not AI alone"


def test_rewording_the_bundled_notes_keeps_the_qualifier(tmp_path):
    with moneytrail.ledger.open(f"sqlite:///{tmp_path / 'store.sqlite'}") as ledger:
        draghi, chips = "l_draghi_report_2024_09", "l_jp_chips_ai_2024_11"
        assert qualifiers(ledger)[draghi] == "per year; not AI alone"
        assert qualifiers(ledger)[chips] == "not AI alone"
        note = ledger.get("claim", "draghi_need_per_year")["note"]
        ledger.edit("claim", "draghi_need_per_year",
                    {"note": "Yearly: " + note.removeprefix("Per year; ")}, author="x")
        for deal in (draghi, chips):
            record = ledger.get("deal", deal)
            reworded = {column: re.sub(r"not AI-(only|specific)", "beyond AI", record[column])
                        for column in ("note", "description")}
            assert reworded != {c: record[c] for c in reworded}
            assert not any(phrase in " ".join(reworded.values()).lower()
                           for phrase in ("not ai-only", "not ai only", "not ai-specific",
                                          "not specific to ai"))
            ledger.edit("deal", deal, reworded, author="x")
        assert qualifiers(ledger)[draghi] == "per year; not AI alone"
        assert qualifiers(ledger)[chips] == "not AI alone"


def test_migration_0010_fills_an_older_store_as_the_bundled_package_does(store_url):
    """A store with the bundled data, taken back to 0009 (the columns dropped) and upgraded
    again, gets every row's basis and scope from the notes as they read before the fields
    existed: the same values as the bundled package, so importing it changes nothing."""
    from alembic import command

    with moneytrail.ledger.open(store_url) as ledger:
        before = {kind: ledger.records(kind) for kind in ("deal", "claim")}
        assert {c["basis"] for c in before["claim"]} == {"total", "per_year"}
        assert {d["scope"] for d in before["deal"]} == {"ai_only", "not_ai_only"}
        engine = ledger.engine
        config = migrate.alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0009")
        assert migrate.current_revision(engine) == "0009"
    engine = connection.open_engine(store_url)
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()
    with moneytrail.ledger.open(store_url) as ledger:
        assert {kind: ledger.records(kind) for kind in ("deal", "claim")} == before
        result = ledger.import_package(author="x")
        assert (result.added, result.changed, result.removed) == (0, 0, 0)


def test_a_revision_written_before_the_fields_existed_can_still_be_reverted(ledger):
    """A revision stored before migration 0010 has no basis (or scope) in its before and
    after: reverting it keeps the record's current basis instead of calling the record
    changed since (a conflict) or blanking the field."""
    from sqlalchemy import select, update

    from moneytrail.ledger.models import Revision

    ledger.edit("claim", "gb_ann", {"basis": "per_year"}, author="x")
    number = ledger.edit("claim", "gb_ann", {"note": "reworded"}, author="x").revisions[0]
    with ledger.engine.begin() as conn:             # as an older moneytrail wrote it
        before, after = conn.execute(select(Revision.before, Revision.after)
                                     .where(Revision.id == number)).one()
        conn.execute(update(Revision).where(Revision.id == number).values(
            before={k: v for k, v in before.items() if k != "basis"},
            after={k: v for k, v in after.items() if k != "basis"}))
    ledger.revert(number, author="x")
    record = ledger.get("claim", "gb_ann")
    assert (record["note"], record["basis"]) == ("", "per_year")
    assert qualifiers(ledger)["d_gb"] == "per year"
