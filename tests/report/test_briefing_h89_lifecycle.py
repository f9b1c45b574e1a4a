"""A tester's finding (h89): the PDF briefing had no lifecycle cost (TCO, electricity,
hardware capex, residual value); it now has the run's lifecycle table, with TCO as
`moneytrail analyse --what lifecycle` gives it for the same draws and seed."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from moneytrail.scenarios.reference import reference_scenarios
from moneytrail.scenarios.schema import load_scenario

DRAWS = 300


@pytest.fixture(scope="module")
def briefed(tmp_path_factory):
    from moneytrail.report.briefing import render_briefing
    from moneytrail.service import tasks
    from moneytrail.service.result import Result
    from moneytrail.service.workspace import Workspace

    folder = tmp_path_factory.mktemp("h89")
    plan = load_scenario(next(p for p in reference_scenarios()
                              if p.stem == "eu-ai-gigafactories"))
    with Workspace.open(None, db=str(folder / "ledger.sqlite")) as ws:
        run = tasks.trace_plan(ws, plan, draws=DRAWS, seed=1, store=None)
        analysed = tasks.analyse_plan(ws, plan, "lifecycle", draws=DRAWS, seed=1, store=None)
        pdf = folder / "briefing.pdf"
        pdf.write_bytes(render_briefing(ws, [run], fmt="pdf"))
        old = run.to_dict()
        old["tables"].pop("lifecycle", None)                 # a run an older version stored
        html = render_briefing(ws, [Result.from_dict(old)], fmt="html")
    return pdf, analysed, html


def pdf_text(pdf) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (make system-deps installs poppler-utils)")
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return " ".join(done.stdout.split())


def test_pdf_has_the_lifecycle_table(briefed):
    from moneytrail.report.units import in_unit

    pdf, analysed, _ = briefed
    said = pdf_text(pdf)
    assert "Lifecycle cost of EU AI gigafactories" in said
    assert "TCO as counted here (budget plus electricity minus" in said     # h102
    tco = analysed.tables["lifecycle"].frame().loc["tco"]
    assert in_unit(tco["p50"], "EUR") in said and in_unit(tco["mean"], "EUR") in said
    for row in ("Electricity cost (EUR)", "Residual value (EUR)", "Hardware capex (EUR)"):
        assert row in said
    assert "Horizon: 5 years" in said
    assert "Electricity price: 0.1128 EUR/kWh" in said
    # the note may run over a page break (h102: the longer TCO label moved it), its page
    # header and footer between its words
    assert re.search(r"TCO = budget \+ (.{0,300} )?electricity cost - residual value", said)


def test_briefing_of_an_older_run_without_the_table(briefed):
    html = briefed[2]
    text = html.decode() if isinstance(html, bytes) else str(html)
    assert "stored before runs kept the lifecycle table" in text
