"""Briefings rendered once per session: a reference plan as PDF and HTML, and a plan with a
hostile title and notes (markup, a very long word, right-to-left text)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))

from briefings import DRAWS, HOSTILE_NOTE, HOSTILE_TITLE, REFERENCE  # noqa: E402


@pytest.fixture(scope="session")
def ws(tmp_path_factory):
    from moneytrail.service.workspace import Workspace

    folder = tmp_path_factory.mktemp("report")
    workspace = Workspace.open(None, db=str(folder / "ledger.sqlite"))
    yield workspace
    workspace.close()


@pytest.fixture(scope="session")
def reference_result(ws):
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    return tasks.trace_plan(ws, load_scenario(REFERENCE), draws=DRAWS, seed=1)


@pytest.fixture(scope="session")
def reference_pdf(ws, reference_result, tmp_path_factory) -> Path:
    from moneytrail.report.briefing import render_briefing

    path = tmp_path_factory.mktemp("pdf") / "briefing.pdf"
    path.write_bytes(render_briefing(ws, [reference_result], fmt="pdf"))
    return path


@pytest.fixture(scope="session")
def reference_html(ws, reference_result) -> str:
    from moneytrail.report.briefing import render_briefing

    return render_briefing(ws, [reference_result], fmt="html").decode("utf-8")


@pytest.fixture(scope="session")
def hostile_result(ws, tmp_path_factory):
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    data = yaml.safe_load(REFERENCE.read_text())
    data["id"] = "hostile-plan"
    data["title"] = HOSTILE_TITLE
    data["description"] = HOSTILE_NOTE
    data["budget"]["note"] = HOSTILE_NOTE
    data["spend"]["facility"]["note"] = HOSTILE_NOTE
    path = tmp_path_factory.mktemp("hostile") / "hostile-plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return tasks.trace_plan(ws, load_scenario(path), draws=500, seed=3)


@pytest.fixture(scope="session")
def hostile_html(ws, hostile_result) -> str:
    from moneytrail.report.briefing import render_briefing

    return render_briefing(ws, [hostile_result], fmt="html",
                           sensitivity=False).decode("utf-8")


@pytest.fixture(scope="session")
def hostile_pdf(ws, hostile_result, tmp_path_factory) -> Path:
    from moneytrail.report.briefing import render_briefing

    path = tmp_path_factory.mktemp("hostile-pdf") / "hostile.pdf"
    path.write_bytes(render_briefing(ws, [hostile_result], fmt="pdf", sensitivity=False))
    return path
