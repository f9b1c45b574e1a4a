"""The ledger API names things one way: every per-deal table has the deal id in `deal` (`list`
keeps `id` too, the same value); the newest revision of the store and of a record can be asked
for; and `ledger history` / `ledger edit --revision` say which number is which (a tester passed
the store's newest revision to `edit --revision` and was told "latest revision is 244")."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import moneytrail.ledger
from moneytrail.cli import app
from moneytrail.errors import MoneytrailError
from moneytrail.ledger.errors import ConflictError, NotFoundError


def test_list_and_reality_share_the_deal_column(ledger):
    listing, reality = ledger.list(), ledger.reality()
    assert "deal" in listing.columns and "deal" in reality.columns
    assert list(listing["deal"]) == list(listing["id"])             # `id` kept, equal
    assert set(listing["deal"]) == set(reality["deal"])
    merged = listing.merge(reality, on="deal", suffixes=("", "_reality"))
    assert len(merged) == len(listing)


def test_latest_revision_of_the_store_and_of_a_record(ledger):
    store = ledger.latest_revision()
    assert store == int(ledger.history(limit=1)["revision"].iloc[0]) == ledger.state().revision
    record = ledger.latest_revision("deal", "d_gb")
    assert record == int(ledger.get("deal", "d_gb")["revision"]) <= store
    ledger.edit("deal", "d_gb", {"note": "first"}, author="a", expected_revision=record)
    assert ledger.latest_revision("deal", "d_gb") == ledger.latest_revision() > store
    assert int(ledger.history("deal", "d_gb")["revision"].max()) == \
        ledger.latest_revision("deal", "d_gb")


def test_latest_revision_refuses_half_a_record_and_a_missing_one(ledger):
    with pytest.raises(MoneytrailError, match="both kind and key"):
        ledger.latest_revision("deal")
    with pytest.raises(NotFoundError):
        ledger.latest_revision("deal", "no_such_deal")


def test_an_empty_store_is_at_revision_zero(store_url):
    with moneytrail.ledger.open(store_url, load_bundled=False) as empty:
        assert empty.latest_revision() == 0


def test_the_store_revision_given_to_edit_says_which_number_is_wanted(ledger):
    ledger.edit("deal", "d_us", {"note": "another record changes"}, author="a",
                reason="so the store moves on")
    mine, newest = ledger.latest_revision("deal", "d_gb"), ledger.latest_revision()
    assert newest > mine
    with pytest.raises(ConflictError) as refused:
        ledger.edit("deal", "d_gb", {"note": "x"}, author="a", expected_revision=newest)
    text = str(refused.value)
    assert f"record revision {mine}" in text and "not the store's newest" in text


@pytest.fixture
def cli(store_url, package, monkeypatch):
    monkeypatch.setenv("USER", "cli-user")
    moneytrail.ledger.open(store_url, load_bundled=False).close()
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(app, ["ledger", *args, "--db", store_url],
                               env={"COLUMNS": "250"})
        assert result.exit_code == 0, result.output
        return result.output

    invoke("import", str(package), "--reason", "fixture")
    return invoke


def test_history_labels_store_and_record_revisions(cli, store_url):
    with moneytrail.ledger.open(store_url, load_bundled=False) as ledger:
        mine, newest = ledger.latest_revision("deal", "d_gb"), ledger.latest_revision()
    whole = " ".join(cli("history", "--limit", "3").split())
    assert "store revision" in whole and f"the newest is {newest}" in whole
    assert "'ledger edit --revision' wants a record's revision" in whole
    one = " ".join(cli("history", "deal", "d_gb").split())
    assert f"deal 'd_gb' is at record revision {mine}" in one
    assert f"'ledger edit deal d_gb --revision {mine} ...'" in one
    history = json.loads(cli("history", "deal", "d_gb", "-f", "json"))
    assert history[0]["revision"] == mine                  # JSON keeps its column names


def test_edit_help_says_the_record_revision(cli, store_url):
    result = CliRunner().invoke(app, ["ledger", "edit", "--help"], env={"COLUMNS": "200"})
    text = " ".join(result.output.replace("│", " ").split())
    assert "the newest row of 'ledger history KIND KEY' (not the store's newest revision)" \
        in text


def test_list_json_has_the_deal_column(cli):
    rows = json.loads(cli("list", "-f", "json"))
    assert rows and all(row["deal"] == row["id"] for row in rows)
