"""Which runs a briefing names, and which it refuses (tester findings 1 and 2)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from briefings import DRAWS, REFERENCE, ROOT  # noqa: E402


def text_of(html: bytes) -> str:
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html.decode("utf-8"))).split())
    return text.replace(" ,", ",")


def test_a_cli_trace_run_is_named_beside_the_run_computed_from_it(ws, reference_result):
    """`moneytrail report RUN_ID` of a run `moneytrail trace` stored (no analyses) wrote a
    briefing naming only the run traced again with analyses: the id asked for appeared
    nowhere. Both are named, with the reason."""
    from moneytrail.report.briefing import render_briefing, resolve_runs
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    stored = tasks.trace_plan(ws, load_scenario(REFERENCE), draws=DRAWS, seed=1,
                              analyses=False)
    results, asked = resolve_runs(ws, [stored.run_id])
    assert [r.run_id for r in results] == [reference_result.run_id] != [stored.run_id]
    assert asked[reference_result.run_id].run_id == stored.run_id
    text = text_of(render_briefing(ws, results, fmt="html", sensitivity=False, asked=asked))
    assert stored.run_id in text and reference_result.run_id in text
    assert f"Computed from run {stored.run_id}, the run asked for: it was stored without " \
           "analyses" in text
    assert f"moneytrail show {stored.run_id}" in text


def test_a_run_with_analyses_is_shown_as_it_is(ws, reference_result):
    from moneytrail.report.briefing import resolve_runs

    results, asked = resolve_runs(ws, [reference_result.run_id])
    assert [r.run_id for r in results] == [reference_result.run_id] and asked == {}


def test_the_same_plan_twice_is_refused_as_compare_refuses_it(ws, reference_result, tmp_path):
    """`moneytrail report S S` wrote "Comparison of 2 plans" of one plan; `compare S S`
    refuses it. Both refuse it with the one service check."""
    from moneytrail.errors import MoneytrailError
    from moneytrail.report.briefing import render_briefing

    with pytest.raises(MoneytrailError, match="the same plan is given twice"):
        render_briefing(ws, [reference_result, reference_result], fmt="html",
                        sensitivity=False)
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": ws.ledger().url}
    out = tmp_path / "y.html"
    done = subprocess.run([sys.executable, "-m", "moneytrail.cli", "report", str(REFERENCE),
                           str(REFERENCE), "--draws", str(DRAWS), "--seed", "1", "-o",
                           str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode != 0 and not out.exists()
    assert "the same plan is given twice" in " ".join(done.stderr.split())
