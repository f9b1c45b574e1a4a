"""`moneytrail report` takes a run's first 8 (or more) hex digits, as `moneytrail show` does
(tester finding h241/1): both read a run id with service.tasks.show_run, so a unique prefix
gives the run and an unknown or ambiguous one gives show's error."""

from __future__ import annotations

import pytest

from moneytrail.errors import MoneytrailError
from moneytrail.service.runs import RunNotFound


def test_report_takes_the_first_8_digits_of_a_run_id(ws, reference_result):
    from moneytrail.report.briefing import resolve_runs

    results, asked = resolve_runs(ws, [reference_result.run_id[:8]])
    assert [r.run_id for r in results] == [reference_result.run_id] and asked == {}
    results, _ = resolve_runs(ws, [reference_result.run_id[:12].upper()])
    assert [r.run_id for r in results] == [reference_result.run_id]


def test_report_of_a_prefix_no_run_has_says_so_as_show_does(ws, reference_result):
    from moneytrail.report.briefing import resolve_runs

    with pytest.raises(RunNotFound, match="no stored run has an id starting with these "
                       "digits") as info:
        resolve_runs(ws, ["12345678"])
    assert info.value.exit_code == 4


def test_report_names_every_run_an_ambiguous_prefix_fits(ws, reference_result):
    from moneytrail.report.briefing import resolve_runs
    from moneytrail.service.tasks import default_store

    ids = ["fedcba01" + "0" * 24, "fedcba01" + "1" * 24]
    for rid in ids:
        default_store(ws).start(rid, kind="trace", label="a test run", inputs={},
                                data_version="t", data_hash="t", total=1)
    with pytest.raises(MoneytrailError, match="2 runs have an id starting with these "
                       "digits") as info:
        resolve_runs(ws, ["fedcba01"])
    assert all(rid in str(info.value) for rid in ids)


def test_report_of_text_that_is_no_run_id_names_both_forms(ws):
    from moneytrail.report.briefing import resolve_runs

    with pytest.raises(MoneytrailError, match=r"32 hexadecimal digits \(0-9, a-f\), or its "
                       "first 8 or more"):
        resolve_runs(ws, ["zz"])
