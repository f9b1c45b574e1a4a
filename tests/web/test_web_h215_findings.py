"""Findings of a journalist and a parliamentary budget officer on one run's page and its
reports (h215): a run's page and its PDF and HTML briefings read the ledger as it stood when
the run was made, so a later ledger edit changes none of them and they agree; the PDF names
the price year of its money, the export rules' date in words, the user's own inputs as the
rest of the tool labels them, no column names; both summaries say how many policy conditions
the plan meets; a plan whose currency differs from its title's warns in the PDF's summary."""

from __future__ import annotations

import re
import subprocess
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

PLAN_DRAWS = 50
APP_OPTIONS = {"run_limit": (1000, 100)}
DEAL = "l_eu_gigafactory_fund_2025_02"
# a committed claim on the plan's deal, added after the run was made (EUR 5.00 bn)
COMMITTED = {"deal": DEAL, "stage": "committed", "low": "5e9", "central": "5e9",
             "high": "5e9", "currency": "EUR", "price_year": "2025", "as_of": "2025-02-11",
             "source": "l_investai_ec_dsj", "ref": "h215_committed"}


def words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def pdf_words(data: bytes, folder) -> str:
    path = folder / "report.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         check=True, text=True).stdout
    return " ".join(out.split())


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app)


@pytest.fixture(scope="module")
def outputs(app, client, plan, tmp_path_factory) -> dict[str, str]:
    """A run of eu-ai-gigafactories, then a committed claim on its deal added to the ledger:
    the run page's, HTML briefing's and PDF briefing's words after that edit, and the store's
    revision before it."""
    run_id = finished(client, {**plan, "seed": 21501})
    before = app.state.web.ledger.state().revision
    app.state.web.ledger.add("claim", COMMITTED, author="eve", reason="a committed amount")
    assert app.state.web.ledger.state().revision == before + 1
    page = client.get(f"/r/{run_id}")
    html = client.get(f"/r/{run_id}/report.html")
    pdf = client.get(f"/r/{run_id}/report.pdf")
    for response in (page, html, pdf):
        assert response.status_code == 200, response.text[:300]
    return {"page": words(page.text), "html": words(html.text),
            "pdf": pdf_words(pdf.content, tmp_path_factory.mktemp("pdf")),
            "before": str(before), "run": run_id}


def how_real(text: str) -> str:
    found = re.search(r"Its budget source is also a source of the ledger deal.*?\)\.", text)
    assert found is not None, text[:500]
    return found.group(0)


def test_page_and_reports_read_the_ledger_as_the_run_was_made(outputs):
    said = {name: how_real(outputs[name]) for name in ("page", "html", "pdf")}
    for name, sentence in said.items():
        assert f"ledger revision {outputs['before']} of" in sentence, (name, sentence)
        assert "no committed amount recorded" in sentence, (name, sentence)
        assert "5.00 bn committed" not in sentence, (name, sentence)
        assert f"as it stood when run {outputs['run'][:8]} was made" in sentence, name
    # the same deal, amounts and ledger state in all three
    assert said["page"] == said["html"]
    assert said["pdf"] == said["html"]
