"""The load script of `moneytrail bench --only load` (issue 12), short, on both stores: no
response >= 500 and no lost update; and its audit does catch a lost or a phantom update."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("httpx")
from moneytrail.web import loadtest  # noqa: E402


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres",
                                                         marks=pytest.mark.postgres)])
def test_short_load_has_no_5xx_and_no_lost_update(kind):
    if kind == "postgres" and not os.environ.get("MONEYTRAIL_TEST_POSTGRES_URL"):
        pytest.skip("MONEYTRAIL_TEST_POSTGRES_URL is not set")
    row = loadtest.run_load(kind, clients=8, seconds=8, mix=(0.05, 0.45))
    assert row["responses_5xx"] == 0 and row["unanswered"] == 0, row
    assert row["acked_edits"] > 0 and row["reads"] > 0, row
    assert (row["lost_updates"], row["refused_but_written"], row["unexplained"],
            row["inconsistent_records"]) == (0, 0, 0, 0), row
    assert row["ok"]


def test_audit_catches_lost_and_refused_but_written_edits(tmp_path):
    import moneytrail.ledger

    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    setup = loadtest.prepare(url)
    with moneytrail.ledger.open(url) as ledger:
        claim = loadtest.CLAIMS[0]
        ledger.edit("claim", claim, {"note": "load-written"}, author="x",
                    reason="load-written")
    tally = loadtest.Tally(acked={"load-acked-but-missing"}, refused={"load-written"})
    checks = loadtest.audit(url, setup, tally)
    assert checks["lost_updates"] == 1 and checks["refused_but_written"] == 1
    fine = loadtest.audit(url, setup, loadtest.Tally(acked={"load-written"}))
    assert fine == {"lost_updates": 0, "refused_but_written": 0, "unexplained": 0,
                    "inconsistent_records": 0}
