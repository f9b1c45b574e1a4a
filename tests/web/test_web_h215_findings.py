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


# -- a plan the builder changed: USD instead of the title's EUR, its own storage share, and
# four policy conditions (two met, two not)
CONDITIONS = [{"metric": "eu_value_added_share", "min": 0.5},
              {"metric": "hhi_change", "max": 100},
              {"metric": "co2_tonnes", "max": 1e6},
              {"metric": "value_added_share", "group": "us_big_tech", "max": 0.3}]
OWN_ROW = "your own figure (the plan's own input, not sourced)"
HELD = ("Policy conditions: the plan sets 4 conditions; it meets 2 and fails 2 (EU value "
        "added share at least 50 %: met in 0.0 % of the draws; ")
STALE = "written for its budget of EUR 20.00 bn, while this plan's budget is USD 20.00 bn"


@pytest.fixture(scope="module")
def changed(client, plan, tmp_path_factory) -> dict[str, str]:
    """The changed plan's run: its page's, HTML briefing's and PDF briefing's words, the
    HTML briefing as it is, and the run id."""
    from moneytrail.scenarios.schema import USER_NOTE

    spend = {**plan["spend"], "storage": {"central": plan["spend"]["storage"]["central"],
                                          "reliability": "assumption", "note": USER_NOTE}}
    run_id = finished(client, {**plan, "id": "gf-usd-conditions", "currency": "USD",
                               "conditions": CONDITIONS, "spend": spend, "seed": 21502})
    page = client.get(f"/r/{run_id}")
    html = client.get(f"/r/{run_id}/report.html")
    pdf = client.get(f"/r/{run_id}/report.pdf")
    for response in (page, html, pdf):
        assert response.status_code == 200, response.text[:300]
    return {"page": words(page.text), "html": words(html.text), "raw": html.text,
            "pdf": pdf_words(pdf.content, tmp_path_factory.mktemp("pdf2")), "run": run_id}


def summary_of(pdf: str) -> str:
    """The PDF's title block and "1. Summary" (up to its section 2)."""
    return pdf[:pdf.index("2. What the plan buys")]


def test_the_pdf_names_the_price_year_of_its_money(outputs, changed):
    assert "spends EUR 20.00 bn at 2025 prices over 2025" in summary_of(outputs["pdf"])
    assert "spends USD 20.00 bn at 2025 prices over 2025" in summary_of(changed["pdf"])
    for caption in ("Table 1. What the plan buys: EU AI gigafactories (InvestAI's EUR 20 bn "
                    "fund) (amounts in EUR at 2025 prices)",
                    "not the plan's lifetime cost (amounts in EUR at 2025 prices)",
                    "weak rows where computed; money in EUR at 2025 prices)"):
        assert caption in outputs["pdf"], caption


def test_export_rules_are_dated_in_words_without_a_plan_id(outputs, changed):
    for text in (outputs["pdf"], changed["pdf"], outputs["page"], changed["page"]):
        assert "Export rules as of 1 July 2025 (a rule counts" in text
        assert "Export rules read on" not in text
        assert "eu-ai-gigafactories 2025" not in text and "gf-usd-conditions 2025" not in text
        assert "Conditions met for" not in text


def test_table_1_labels_the_users_own_share_as_the_summary_counts_it(changed):
    table = re.search(r'<table id="tab1".*?</table>', changed["raw"], re.S)
    assert table is not None
    row = words(re.search(r"Storage</th>(.*?)</tr>", table.group(0), re.S).group(1))
    assert OWN_ROW in row and "assumption" not in row
    # the PDF's table cell (its words wrap over lines, between the next cell's)
    assert re.search(r"Storage 1\.25 % \(1\.25 %\) USD [\d.]+ m your own figure ",
                     changed["pdf"])
    # the summary says the same of these inputs
    assert "they are not counted as assumption or weak rows" in summary_of(changed["pdf"])


def test_no_column_name_is_shown_to_readers(changed):
    for text in (changed["pdf"], changed["page"], changed["html"]):
        for name in ("p_holds", "share_p50", "amount_mean", "value_p50"):
            assert name not in text, name
    assert "(“Met in”: the share of draws where it holds)" in changed["pdf"]


def test_both_summaries_say_how_the_plan_fares_against_its_conditions(changed, outputs):
    assert HELD in summary_of(changed["pdf"])
    short = re.search(r"In short (.*?) Budget ", changed["page"])
    assert short is not None and HELD in short.group(1)
    # a plan without conditions says nothing of them there
    assert "Policy conditions:" not in outputs["pdf"] + outputs["page"]


def test_the_pdf_summary_warns_that_the_title_names_another_currency(changed):
    summary = summary_of(changed["pdf"])
    assert STALE in summary
    assert summary.index(STALE) < summary.index("Its budget source is also")


def test_the_workbook_is_readable_without_breaking_its_columns(client, changed):
    import io

    openpyxl = pytest.importorskip("openpyxl")
    response = client.get(f"/api/v1/runs/{changed['run']}?format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    about = [list(r) for r in book["About"].iter_rows(values_only=True)]
    units = {(r[1], r[2]): tuple(r[3:6]) for r in about if len(r) > 5 and r[4] is not None}
    assert units[("headline", "amount_p50")] == ("USD", "Amount, median", "USD at 2025 prices")
    assert units[("headline", "share_p5")][1] == \
        "Share of the plan's spending, 5th percentile (low end of the 90 % interval)"
    assert units[("headline", "share_p5")][2].startswith("fraction (0.39 = 39 %)")
    assert units[("evidence", "assumption_or_weak_mean")][1] == \
        "Share of the figure resting on assumption or weak rows, mean over the draws"
    assert units[("evidence", "own_input_mean")][1].startswith(
        "Share of the figure resting on the plan's own inputs")
    # sources with their titles beside their ids
    titled = {r[0]: r[1] for r in about if r and r[0] == "m_ec_investai_2025"}
    assert titled["m_ec_investai_2025"].startswith("Commission launches new InvestAI")
    # the sheets keep the stored names and the fractions; Excel shows them as percentages
    sheet = book["headline"]
    head = [c.value for c in sheet[1]]
    share = head.index("share_p50") + 1
    assert sheet.cell(row=2, column=share).number_format == "0.0%"
    assert 0 < sheet.cell(row=2, column=share).value < 1
    assert "Share of the plan's spending, median" in sheet.cell(row=1, column=share).comment.text
    year = head.index("price_year") + 1
    assert sheet.cell(row=2, column=year).value == 2025       # a number, not text
    assert dict(zip((r[0] for r in about), (r[1] for r in about), strict=True))[
        "price year"] == 2025
