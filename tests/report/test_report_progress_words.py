"""`moneytrail report <stored run>` said "tracing <run id>" before reading the stored run
(and before refusing a claims run): a stored run is read, only a scenario file is traced."""

from __future__ import annotations

import pytest

from moneytrail.errors import MoneytrailError
from moneytrail.report.briefing import resolve_runs


def test_a_stored_run_is_read_not_traced(tmp_path):
    from moneytrail.service.workspace import Workspace

    said: list[str] = []
    with Workspace.open(None, db=str(tmp_path / "runs.sqlite")) as ws, \
            pytest.raises(MoneytrailError):
        resolve_runs(ws, ["0123456789abcdef"], progress=lambda text, *_: said.append(text))
    assert said == ["reading run 0123456789abcdef"]
