"""Timing of a briefing, in `moneytrail bench`'s row shape (issue 13: the PDF of a reference
plan in under 10 s, against a yardstick timed in the same run).

The yardstick is the trace of the same plan (10,000 draws, nothing stored); the briefing is
timed end to end on a fresh store: trace with analyses, tornado, claims, HTML and PDF.
`moneytrail.bench.bench_sections` can list it as `"PDF briefing": bench_report()`.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path


def bench_report(plan_path: str | Path | None = None, draws: int = 10_000) -> list[dict]:
    """One row: seconds for the PDF briefing of a reference plan, and the yardstick's."""
    from moneytrail.report.briefing import render_briefing
    from moneytrail.scenarios import load_scenario
    from moneytrail.scenarios.reference import reference_scenarios
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    path = Path(plan_path) if plan_path else next(
        p for p in reference_scenarios() if Path(p).stem == "eu-ai-gigafactories")
    plan = load_scenario(path)
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace.open(None, db=str(Path(folder) / "bench.sqlite"))
        try:
            ws.model(plan.year)                                  # warm: load the data once
            start = time.perf_counter()
            tasks.trace_plan(ws, plan, draws=draws, seed=1, analyses=False, store=None)
            yardstick = time.perf_counter() - start
            start = time.perf_counter()
            result = tasks.trace_plan(ws, plan, draws=draws, seed=1)
            pdf = render_briefing(ws, [result], fmt="pdf")
            seconds = time.perf_counter() - start
        finally:
            ws.close()
    return [{"case": f"PDF briefing {plan.id}", "draws": draws, "seconds": seconds,
             "yardstick_trace_s": yardstick, "ratio": seconds / yardstick,
             "bytes": len(pdf), "target": "< 10 s", "met": seconds < 10.0}]


__all__ = ["bench_report"]
