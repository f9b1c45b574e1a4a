"""A process killed in the middle of an import leaves the store exactly as it was."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from ledgerdata import claim, tables, write_ledger_package

SCRIPT = Path(__file__).with_name("import_with_hook.py")


@pytest.fixture
def big_change(tmp_path):
    """A package that changes every claim's note and adds 50 claims: many rows to write."""
    data = tables()
    for row in data["ledger-claims"]:
        row["note"] = "revised"
    data["ledger-claims"] += [claim(f"extra_{i}", "d_gb", "committed", 1e9 + i, "GBP", 2024,
                                    "2024-06") for i in range(50)]
    return write_ledger_package(tmp_path / "big", data)


def snapshot(ledger):
    return ledger.tables(), ledger.history()


def assert_unchanged(ledger, before):
    tables_before, history_before = before
    tables_after, history_after = snapshot(ledger)
    for kind, frame in tables_before.items():
        assert frame.equals(tables_after[kind]), kind
    assert history_before.equals(history_after)


def run(url, package, hook):
    return subprocess.Popen([sys.executable, str(SCRIPT), url, str(package), hook],
                            stderr=subprocess.PIPE, text=True)


def test_abrupt_exit_mid_import(ledger, store_url, big_change):
    before = snapshot(ledger)
    process = run(store_url, big_change, "exit:25")
    assert process.wait(timeout=120) == 17     # os._exit from the hook, after 25 rows
    assert_unchanged(ledger, before)
    # and the same import, not interrupted, then goes through
    assert ledger.import_package(big_change, author="k").added == 50


def test_sigkill_mid_import(ledger, store_url, big_change):
    before = snapshot(ledger)
    process = run(store_url, big_change, "pause:30")
    line = process.stderr.readline()
    assert "import paused after 30 rows" in line, line + process.stderr.read()
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL
    assert_unchanged(ledger, before)
