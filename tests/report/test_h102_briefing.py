"""A tester's findings (h102) on the briefing: the lifecycle table's TCO row and caption say
what TCO counts (not the lifetime cost); the jobs paragraph says why lasting (operations) work
is zero for a plan whose budget funds no operations, and what it counts for one that does; the
count of H100-equivalents says the price per H100-equivalent it assumes, with its sources."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape

import pytest

from moneytrail.scenarios.reference import reference_scenarios
from moneytrail.scenarios.schema import load_scenario

DRAWS = 300
SCOPE = ("budget plus electricity minus the resale value of the hardware at the end; staff, "
         "maintenance and building depreciation not included unless the budget pays them")


def plan(stem: str):
    return load_scenario(next(p for p in reference_scenarios() if p.stem == stem))


@pytest.fixture(scope="module")
def briefed(tmp_path_factory):
    from moneytrail.report.briefing import render_briefing
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    folder = tmp_path_factory.mktemp("h102")
    with Workspace.open(None, db=str(folder / "ledger.sqlite")) as ws:
        runs = [tasks.trace_plan(ws, plan(stem), draws=DRAWS, seed=1, store=None)
                for stem in ("eu-ai-gigafactories", "efficiency-first-eu")]
        html = render_briefing(ws, runs, fmt="html")
        pdf = folder / "briefing.pdf"
        pdf.write_bytes(render_briefing(ws, runs[:1], fmt="pdf"))
        chips = ws.analysis["accelerators"].set_index("id")
        chips.attrs["usd_per_eur"] = float(ws.analysis.money.factor("EUR", 2025, "USD", 2025))
        titles = dict(zip(ws.analysis.sources["id"], ws.analysis.sources["title"],
                          strict=True))
    said = " ".join(unescape(re.sub(r"<[^>]+>", " ", html.decode())).split())
    return said, pdf, chips, titles


def test_tco_row_and_caption_say_what_it_counts(briefed):
    said = briefed[0]
    assert "TCO as counted here (EUR) TCO as counted here: budget + electricity cost - " \
        "residual value" in said          # a short row label; its row says what it counts
    assert f"residual value and TCO as counted here ({SCOPE}); not the plan's lifetime cost" \
        in said
    assert "Total cost of ownership (TCO) (EUR)" not in said


def test_lasting_jobs_are_explained(briefed):
    said = briefed[0]
    assert ("Lasting (operations) work: 0 FTE-years. Zero because the plan's budget pays for "
            "no operations") in said
    assert "It does not mean the plan creates no lasting jobs" in said
    assert re.search(r"Lasting \(operations\) work: [\d.,]+ k FTE-years\. The work the plan's "
                     r"running spending pays for \([a-z ,-]+\) during the 5 years the budget "
                     r"is spent over: jobs paid from the budget for its spending years", said)


def test_h100_equivalents_say_their_price(briefed):
    said, _, chips, titles = briefed
    gb200, h100 = chips.loc["gb200"], chips.loc["h100"]
    per = float(gb200["price_central"]) * float(h100["bf16_tflops"]) / \
        float(gb200["bf16_tflops"]) / chips.attrs["usd_per_eur"]    # in the plan's EUR (h111)
    assert f"Counted at about EUR {per:,.0f} per H100-equivalent" in said
    assert said.count("per H100-equivalent") == 1        # not beside the lean plan's 0
    for source in str(gb200["sources"]).split(";"):
        assert f"“{titles[source]}” [" in said


def test_pdf_says_it_too(briefed):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (make system-deps installs poppler-utils)")
    done = subprocess.run(["pdftotext", str(briefed[1]), "-"], capture_output=True, text=True,
                          timeout=120)
    said = " ".join(done.stdout.split())
    assert "TCO as counted here (budget plus electricity minus the resale value" in said
    assert "Zero because the plan's budget pays for no operations" in said
    assert re.search(r"Counted at about EUR [\d,]+ per H100-?\s?equivalent", said)
