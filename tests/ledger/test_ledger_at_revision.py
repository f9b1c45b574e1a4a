"""`Ledger.at(N)`: the ledger as it was at a past revision (ledger.past), so a page that cites
"ledger revision N" can be shown again as it was. Every record, table and query read at N
equals what the store held when N was its newest revision, through edits, adds, deletes and
reverts; nothing is written; a revision the store does not have is refused naming
`revision`."""

from __future__ import annotations

import pytest

from moneytrail.ledger.errors import LedgerError, NotFoundError

BN = 1e9


def snapshot(ledger) -> dict:
    """What a reader of the ledger sees now: every kind's records and the deals list."""
    from moneytrail.ledger.records import KINDS

    # as JSON text: NaN (an amount a deal does not have) equals NaN there
    return {"records": {kind: ledger.records(kind) for kind in KINDS},
            "list": ledger.list().to_json(orient="records"),
            "totals": ledger.totals(by=["region"], stage="announced").to_json(orient="records")}


def test_every_past_revision_reads_as_the_store_held_it(ledger):
    seen = {ledger.state().revision: snapshot(ledger)}
    ledger.edit("claim", "eu_com", {"low": 45 * BN, "central": 50 * BN, "high": 55 * BN},
                author="t", reason="a later report")
    seen[ledger.state().revision] = snapshot(ledger)
    ledger.add("deal", {"id": "d_fr", "name": "Deal fr", "kind": "pledge", "region": "FR",
                        "sector": "public", "purpose": "compute", "announcer": "Someone",
                        "announced": "2024-05-01", "horizon_end": "2030",
                        "description": "A test deal", "sources": "s_a"},
               author="t", reason="new")
    seen[ledger.state().revision] = snapshot(ledger)
    ledger.delete("claim", "gb_ann", author="t", reason="withdrawn")
    deleted = ledger.state().revision
    seen[deleted] = snapshot(ledger)
    ledger.edit("deal", "d_us", {"name": "Deal us renamed"}, author="t", reason="rename")
    seen[ledger.state().revision] = snapshot(ledger)
    ledger.revert(deleted, author="t", reason="not withdrawn after all")   # re-added
    seen[ledger.state().revision] = snapshot(ledger)
    ledger.edit("claim", "eu_com", {"central": 42 * BN, "low": 42 * BN, "high": 42 * BN},
                author="t", reason="again")
    for number, expected in seen.items():
        assert snapshot(ledger.at(number)) == expected, number
    # the figure edited twice reads as it was at each revision
    first = min(seen)
    old = ledger.at(first).list().set_index("deal").loc["d_eu", "committed_central"]
    new = ledger.list().set_index("deal").loc["d_eu", "committed_central"]
    assert old != new


def test_a_past_revision_has_its_own_state_history_and_refuses_writes(ledger):
    before = ledger.state()
    ledger.edit("claim", "eu_com", {"central": 50 * BN, "high": 55 * BN}, author="t",
                reason="a later report")
    past = ledger.at(before.revision)
    assert past.state() == before
    assert past.get("claim", "eu_com")["central"] == "40000000000"
    assert past.history(kind="claim", key="eu_com")["revision"].max() <= before.revision
    assert len(ledger.history()) == len(past.history()) + 1
    with pytest.raises(LedgerError) as error:
        past.edit("claim", "eu_com", {"central": 1}, author="t", reason="no")
    assert error.value.field == "revision"
    assert ledger.get("claim", "eu_com")["central"] == "50000000000"   # nothing written


@pytest.mark.parametrize("number", [0, -1, 10**6, True])
def test_a_revision_the_store_does_not_have_is_refused_naming_it(ledger, number):
    with pytest.raises(NotFoundError) as error:
        ledger.at(number)
    assert error.value.field == "revision"
    assert f"1 to {ledger.state().revision}" in error.value.detail


def test_the_command_line_reads_a_past_revision(ledger, store_url):
    """`ledger list`, `show` and `totals` take `--revision N` (the line a past web page gives
    to reproduce its numbers); one the store does not have is refused naming the option."""
    import json

    from typer.testing import CliRunner

    from moneytrail.cli import app

    before = ledger.state().revision
    ledger.edit("claim", "eu_com", {"central": 50 * BN, "high": 55 * BN}, author="t",
                reason="a later report")
    runner = CliRunner()

    def read(*args: str) -> object:
        result = runner.invoke(app, ["ledger", *args, "-f", "json", "--db", store_url])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def committed(*more: str) -> float:
        deals = read("list", "--region", "EU", *more)
        return next(d["committed_central"] for d in deals if d["deal"] == "d_eu")

    assert committed("--revision", str(before)) == pytest.approx(40 * BN)
    assert committed() == pytest.approx(50 * BN)
    shown = read("show", "d_eu", "--revision", str(before))
    assert {c["ref"]: c["central"] for c in shown["claims"]}["eu_com"] == pytest.approx(40 * BN)
    def eu_committed(*more: str) -> float:        # d_eu_part is inside d_eu: left out
        totals = read("totals", "--stage", "committed", *more)
        return next(r for r in totals if r["region"] == "EU")["central"]

    assert eu_committed("--revision", str(before)) == pytest.approx(40 * BN)
    assert eu_committed() == pytest.approx(50 * BN)
    bad = runner.invoke(app, ["ledger", "list", "--revision", "999", "--db", store_url])
    assert isinstance(bad.exception, NotFoundError)       # the CLI's main prints it
    assert bad.exception.field == "--revision" and bad.exception.value == 999


def test_a_past_revision_converts_with_todays_exchange_rates_and_price_indexes(ledger):
    """The macro series are reference data for converting amounts, not the claims a page
    cites: a revision from before they were imported (they come after the deals, as in a store
    `moneytrail demo` makes) reads its own deals and claims, converted with the store's
    current exchange rates and price indexes, never "no hicp_ea deflator at all"."""
    history = ledger.history()
    first_macro = int(history[history["kind"].isin(["fx", "deflator"])]["revision"].min())
    assert int(history[history["kind"].isin(["deal", "claim"])]["revision"].max()) < first_macro
    early = ledger.at(first_macro - 1)
    assert early.history(kind="deflator").empty         # the store had no price index then
    totals = {"by": ["region"], "stage": "announced"}
    assert early.totals(**totals).to_json(orient="records") == \
        ledger.totals(**totals).to_json(orient="records")
    assert early.show("d_us")["claims"].to_json(orient="records") == \
        ledger.show("d_us")["claims"].to_json(orient="records")
    # a rate corrected later converts the past view too: it is today's, not the revision's
    before, then = ledger.state().revision, ledger.list().to_json(orient="records")
    ledger.edit("fx", "2024/USD", {"units_per_eur": 1.0}, author="t", reason="corrected rate")
    assert ledger.at(before).list().to_json(orient="records") == \
        ledger.list().to_json(orient="records")
    assert ledger.list().to_json(orient="records") != then       # the rate is used
    assert ledger.at(before).records("fx") == ledger.records("fx")
