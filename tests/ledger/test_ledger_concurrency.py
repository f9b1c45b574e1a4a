"""Concurrent writers are serialised by the store-wide write lock (on both backends).

Each test slows down validation (between reading the state and writing it), which is where two
unserialised writers would both act on the same stale state.
"""

import threading
import time

from moneytrail.ledger import validate
from moneytrail.ledger.errors import ConflictError, LedgerError

NEW_SOURCE = {"id": "s_tmp", "publisher": "p", "title": "t", "url": "https://example.org/t",
              "accessed": "2025-01-01", "reliability": "official",
              "primary_ref": "Test agency, report 2025, table 1"}
NEW_CLAIM = {"ref": "gb_com_new", "deal": "d_gb", "stage": "committed", "central": "1e9",
             "currency": "GBP", "price_year": "2024", "as_of": "2024-06", "source": "s_tmp"}


def slow_validation(monkeypatch, seconds: float = 0.6) -> None:
    original = validate.table_problems

    def slow(*args, **kwargs):
        problems = original(*args, **kwargs)
        time.sleep(seconds)
        return problems

    monkeypatch.setattr(validate, "table_problems", slow)


def run_together(*jobs) -> list[object]:
    """Run the jobs in threads started at once; each result is 'ok' or the exception."""
    results: list[object] = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(number, job):
        barrier.wait()
        try:
            job()
            results[number] = "ok"
        except Exception as exc:  # the test inspects what each writer got
            results[number] = exc

    threads = [threading.Thread(target=run, args=item) for item in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_edits_quoting_one_revision(ledger, monkeypatch):
    start = int(ledger.get("claim", "gb_ann")["revision"])
    slow_validation(monkeypatch)
    results = run_together(*(lambda v=v: ledger.edit(
        "claim", "gb_ann", {"note": v}, author=v, expected_revision=start)
        for v in ("first", "second")))
    assert results.count("ok") == 1, results
    (error,) = [r for r in results if r != "ok"]
    assert isinstance(error, ConflictError), repr(error)
    assert "changed since revision" in str(error)
    history = ledger.history("claim", "gb_ann")
    assert len(history) == 2 and history.iloc[0]["author"] == ledger.get(
        "claim", "gb_ann")["note"]


def test_delete_source_while_a_claim_cites_it(ledger, monkeypatch):
    ledger.add("source", NEW_SOURCE, author="t")
    slow_validation(monkeypatch)
    results = run_together(lambda: ledger.delete("source", "s_tmp", author="a"),
                           lambda: ledger.add("claim", NEW_CLAIM, author="b"))
    assert results.count("ok") == 1, results
    assert all(r == "ok" or isinstance(r, LedgerError) for r in results), results
    sources = set(ledger.tables()["source"]["id"])
    assert set(ledger.tables()["claim"]["source"]) <= sources
