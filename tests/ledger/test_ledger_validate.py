"""Bad input: a clear error naming row and field, and the store unchanged.

Each case breaks the fixture package in one place; `ledger_problems` must name it, and
importing it into a store must raise without changing anything.
"""

import datetime as dt

import pytest
from ledgerdata import claim, deal, tables, write_ledger_package

from moneytrail.data.package import open_package
from moneytrail.ledger.errors import LedgerError
from moneytrail.ledger.validate import ledger_problems

BN = 1e9
# a week ahead, not tomorrow: the cases are built at collection, and a run that passes
# midnight would find "tomorrow" to be today
TOMORROW = (dt.date.today() + dt.timedelta(days=7)).isoformat()


def claims_with(**change):
    data = tables()
    data["ledger-claims"][6] = {**data["ledger-claims"][6], **change}    # us_ann, line 8
    return data


def deals_with(**change):
    data = tables()
    data["ledger-deals"][3] = {**data["ledger-deals"][3], **change}      # d_gb, line 5
    return data


def extra_claim(row):
    data = tables()
    data["ledger-claims"].append(row)                                     # line 12
    return data


CASES = {
    "unknown currency": (claims_with(currency="XYZ"), "claims.csv", 8, "currency",
                         "unknown currency"),
    "lowercase currency": (claims_with(currency="usd"), "claims.csv", 8, "currency",
                           "unknown currency"),
    "no FX rate for the price year": (claims_with(price_year=2019), "claims.csv", 8,
                                      "price_year", "no exchange rate for USD in 2019"),
    "missing source": (claims_with(source=""), "claims.csv", 8, "source",
                       "required value is missing"),
    "unknown source": (claims_with(source="s_nowhere"), "claims.csv", 8, "source",
                       "unknown source id"),
    "deal without sources": (deals_with(sources=""), "deals.csv", 5, "sources",
                             "no source cited"),
    "low > high": (claims_with(low=60 * BN), "claims.csv", 8, "low/central/high",
                   "low <= central <= high"),
    "negative amount": (claims_with(low=-1), "claims.csv", 8, "low", "negative amount"),
    "not a number": (claims_with(central="lots"), "claims.csv", 8, "central", "not a number"),
    "as_of in the future": (claims_with(as_of=TOMORROW), "claims.csv", 8, "as_of",
                            "in the future"),
    "malformed date": (claims_with(as_of="2024-13-01"), "claims.csv", 8, "as_of",
                       "not a date"),
    "duplicate ref": (extra_claim(claim("us_ann", "d_gb", "committed", 1 * BN, "GBP", 2024,
                                        "2024-05")), "claims.csv", 12, "ref",
                      "duplicate ref"),
    "duplicate claim content": (extra_claim(claim("gb_copy", "d_gb", "announced", 8 * BN,
                                                  "GBP", 2024, "2024-01-15")),
                                "claims.csv", 12, "ref", "same claim"),
    "duplicate deal id": (tables(ledger_deals=tables()["ledger-deals"] + [
        deal("d_gb", "GB", "public", "x", "2024")]), "deals.csv", 6, "id", "duplicate id"),
    "unknown deal in a claim": (claims_with(deal="d_nowhere"), "claims.csv", 8, "deal",
                                "unknown deal"),
    "dangling part_of": (deals_with(part_of="d_nowhere"), "deals.csv", 5, "part_of",
                         "dangling part_of"),
    "part_of cycle": (tables(ledger_deals=[
        {**d, "part_of": "d_eu_part"} if d["id"] == "d_eu" else d
        for d in tables()["ledger-deals"]]), "deals.csv", 2, "part_of", "cycle"),
    "dangling supersedes": (claims_with(supersedes="nothing"), "claims.csv", 8, "supersedes",
                            "dangling supersedes"),
    "unknown stage": (claims_with(stage="promised"), "claims.csv", 8, "stage",
                      "must be one of"),
    "unknown sector": (deals_with(sector="charity"), "deals.csv", 5, "sector",
                       "must be one of"),
    "no deflator for the price year": (
        tables(macro_fx=tables()["macro-fx"] + [{"year": 2022, "currency": "USD",
                                                 "units_per_eur": 1.05, "source": "m_fx"}],
               ledger_claims=claims_with(price_year=2022)["ledger-claims"]),
        "claims.csv", 8, "price_year", "no price index for 2022"),
    "fx without source": (tables(macro_fx=[{**tables()["macro-fx"][0], "source": "x"}] +
                                 tables()["macro-fx"][1:]), "fx.csv", 2, "source",
                          "unknown source id"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_ledger_problems_name_row_and_field(case, tmp_path):
    data, file, line, field, message = CASES[case]
    problems = ledger_problems(open_package(write_ledger_package(tmp_path / "bad", data)))
    assert problems, case
    first = problems[0]
    assert first.file.endswith(file) and first.line == line and first.field == field, first
    assert message in first.message, first


@pytest.mark.parametrize("case", ["unknown currency", "low > high", "unknown deal in a claim",
                                  "duplicate ref", "as_of in the future", "dangling part_of",
                                  "no FX rate for the price year"])
def test_bad_import_leaves_store_unchanged(case, ledger, tmp_path):
    data, file, line, field, message = CASES[case]
    before = ledger.tables()
    revisions = len(ledger.history())
    with pytest.raises(LedgerError) as info:
        ledger.import_package(write_ledger_package(tmp_path / "bad", data), author="x")
    text = str(info.value)
    assert f"{file}:{line}" in text and f"field '{field}'" in text and message in text
    assert "\n" not in text
    assert len(ledger.history()) == revisions
    after = ledger.tables()
    for kind, frame in before.items():
        assert frame.equals(after[kind]), kind


def test_malformed_csv(ledger, tmp_path):
    root = write_ledger_package(tmp_path / "bad")
    path = root / "ledger" / "claims.csv"
    path.write_text(path.read_text() + 'broken,"unterminated\n')
    assert ledger_problems(open_package(root))
    revisions = len(ledger.history())
    with pytest.raises(LedgerError, match="claims.csv"):
        ledger.import_package(root, author="x")
    assert len(ledger.history()) == revisions


def test_missing_and_unknown_columns(tmp_path):
    root = write_ledger_package(tmp_path / "bad")
    path = root / "ledger" / "deals.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0].replace("sector", "sektor")] + lines[1:]) + "\n")
    problems = ledger_problems(open_package(root))
    assert {(p.field, p.message) for p in problems} >= {
        ("sector", "required column is missing"),
        ("sektor", "unknown column (the ledger would drop it)")}


def test_fixture_and_bundled_packages_are_checked(package):
    assert ledger_problems(open_package(package)) == []
    assert ledger_problems(open_package()) == []


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"currency": "XYZ"}, "currency", "unknown currency"),
    ({"price_year": "2019", "currency": "USD"}, "price_year", "no exchange rate"),
    ({"low": "9e9"}, "low/central/high", "low <= central <= high"),
    ({"low": "-1"}, "low", "negative amount"),
    ({"as_of": TOMORROW}, "as_of", "in the future"),
    ({"deal": "d_nowhere"}, "deal", "unknown deal"),
    ({"source": "s_nowhere"}, "source", "unknown source id"),
    ({"supersedes": "nothing"}, "supersedes", "dangling supersedes"),
    ({"supersedes": "gb_ann_other_stage"}, "supersedes", "another stage"),
])
def test_bad_edit_is_refused(ledger, fields, field, message):
    ledger.add("claim", {"ref": "gb_ann_other_stage", "deal": "d_gb", "stage": "committed",
                         "central": "1e9", "currency": "GBP", "price_year": "2024",
                         "as_of": "2024-02", "source": "s_a"}, author="x")
    revisions = len(ledger.history())
    with pytest.raises(LedgerError) as info:
        ledger.edit("claim", "gb_ann", fields, author="x")
    text = str(info.value)
    assert text.startswith("claim 'gb_ann'") and f"field '{field}'" in text and message in text
    assert len(ledger.history()) == revisions
    assert ledger.get("claim", "gb_ann")["currency"] == "GBP"


def test_bad_add_is_refused(ledger):
    with pytest.raises(LedgerError, match="claim 'new', field 'currency'"):
        ledger.add("claim", {"ref": "new", "deal": "d_gb", "stage": "committed",
                             "central": "1", "currency": "ABC", "price_year": "2024",
                             "as_of": "2024", "source": "s_a"}, author="x")
    with pytest.raises(LedgerError, match="deal 'd_new', field 'sources'"):
        ledger.add("deal", {"id": "d_new", "name": "n", "region": "FR", "sector": "public",
                            "purpose": "x", "announced": "2024"}, author="x")


def test_deleting_a_referenced_deal_is_refused(ledger):
    with pytest.raises(LedgerError, match="stored claim .*unknown deal"):
        ledger.delete("deal", "d_gb", author="x")


def test_a_currency_must_be_an_iso_4217_code(tmp_path):
    """An FX table that names ABC made a claim in ABC pass: three capitals were enough.
    Now both the FX row and the claim are refused (moneytrail.currencies)."""
    data = claims_with(currency="ABC", price_year=2024)
    data["macro-fx"] += [{"year": year, "currency": "ABC", "units_per_eur": 2.0,
                          "source": "m_fx"} for year in (2023, 2024)]
    problems = ledger_problems(open_package(write_ledger_package(tmp_path / "bad", data)))
    currency = [p for p in problems if p.field == "currency"]
    assert sorted((p.file.rsplit("/", 1)[-1], p.value) for p in currency) == [
        ("claims.csv", "ABC"), ("fx.csv", "ABC"), ("fx.csv", "ABC")]
    assert all(p.message == "unknown currency: not an ISO 4217 currency code"
               for p in currency)
    assert "value 'ABC': unknown currency: not an ISO 4217 currency code" in str(currency[0])
