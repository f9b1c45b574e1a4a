"""A tester's findings (h86): the run page's compare link put the user's run first, so the
difference column read reference minus run; the difference heading did not say which minus
which; an HHI difference of nothing read '0' with no unit; the claim check page repeated a
plan id and had no verdict key; ledger totals did not place every deal left out; a
programme's deal page had no ratio for the money of its parts; a deal page named a competing
claim by its internal id."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

PLAN = "eu-ai-gigafactories"
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "moneytrail" / "web" / "templates"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("h86") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def reference_run(client) -> str:
    return finished(client, {"reference": PLAN, "draws": 300, "seed": 1})


@pytest.fixture(scope="module")
def variant_run(client) -> str:
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.scenarios.yamlio import read_yaml

    plan = dict(read_yaml(reference_dir() / f"{PLAN}.yaml", ValueError))
    plan.update(id="gf-h86", title="Gigafactories, AMD half", draws=300, seed=1,
                procurement={"accelerators": {"nvidia": {"central": 0.5},
                                              "amd": {"central": 0.5}}})
    return finished(client, plan)


# -- 1. the run page compares against the reference first; the heading says which minus which
def test_run_page_link_puts_the_other_run_first():
    run = (TEMPLATES / "run.html").read_text()
    assert '/compare?runs={{ t.run_id }},{{ meta.run_id }}' in run
    assert '/compare?runs={{ meta.run_id }},{{ t.run_id }}' not in run


def test_compare_difference_heading_names_the_plans(client, reference_run, variant_run):
    page = client.get(f"/compare?runs={reference_run},{variant_run}")
    assert page.status_code == 200
    said = text_of(page.text)
    assert "second minus first" not in said
    heading = ("Difference: Gigafactories, AMD half minus EU AI gigafactories (InvestAI's "
               "EUR 20 bn fund) (median)")
    assert said.count(heading) == 2
    assert "the median of Gigafactories, AMD half minus that of EU AI gigafactories" in said


def test_briefing_difference_heading_names_the_plans():
    """The briefing names the plans by the labels of its key ('Plan 1', 'Plan 2'), in the
    difference column and in each plan's column, not by both full titles (a heading of some
    25 words in the comparison PDF)."""
    from types import SimpleNamespace

    from moneytrail.report.briefing.content import difference_head, plan_heads

    assert difference_head() == "Difference: Plan 2 minus Plan 1"
    briefs = [SimpleNamespace(plan=SimpleNamespace(title=t)) for t in ("A plan", "B plan")]
    assert plan_heads(briefs) == ["Plan 1: A plan", "Plan 2: B plan"]  # type: ignore[arg-type]


# -- 7. a difference of nothing says its unit, on page and PDF alike --------------------------
def test_zero_difference_has_its_unit():
    from moneytrail.report.units import difference_text

    assert difference_text(0, "points") == "0 points"
    assert difference_text(0.3, "points") == "0 points"
    assert difference_text(12, "points") == "+12 points"
    assert difference_text(-12, "points") == "-12 points"
    assert difference_text(0, "share") == "0 points"
    assert difference_text(0.02, "share") == "+2.0 points"


def test_compare_page_hhi_row_difference_in_points(client, reference_run, variant_run):
    page = client.get(f"/compare?runs={reference_run},{variant_run}")
    assert page.status_code == 200
    rows = [r for r in re.findall(r"<tr>.*?</tr>", page.text, re.S) if "HHI" in r]
    assert rows
    for row in rows:
        cells = re.findall(r'<td class="num difference">(.*?)</td>', row, re.S)
        assert len(cells) == 1 and re.fullmatch(r"(0|[+-][\d,]+) points", cells[0]), row


# -- 6. the claim check page names each followed plan once; 2. it has a verdict key ---------
def test_claim_check_page_lists_a_plan_once_and_keys_its_verdicts(client, reference_run):
    source = (TEMPLATES / "claim_check.html").read_text()
    assert "{% for f in check.followed %}" not in source
    page = client.get("/claims/public-money-to-nvidia-and-hyperscalers/check",
                      params={"run": reference_run})
    assert page.status_code == 200
    said = text_of(page.text)
    assert f"use this run's plan instead ({PLAN})" in said
    assert 'class="verdict-key"' in page.text
    assert "Conditional : the answer depends on how the money is spent" in said


def test_not_applicable_check_page_keys_its_verdict(client, reference_run):
    page = client.get("/claims/stargate-over-100000-us-jobs/check",
                      params={"run": reference_run})
    assert page.status_code == 200
    said = text_of(page.text)
    assert "Not applicable" in said
    key = page.text[page.text.index('class="verdict-key"'):]
    assert "checked against a run of a plan the claim is not about" in text_of(key)


# -- 3. totals place every deal left out -----------------------------------------------------
def test_totals_say_where_a_left_out_deal_without_a_row_is(client):
    page = client.get("/ledger/totals").text
    said = text_of(page)
    left = int(re.search(r"(\d+) deals left out this way", said).group(1))
    counted = sum(int(n) for n in re.findall(r"\(\+(\d+) inside others, left out\)", said))
    rowless = re.search(r"(\d+) of the (\d+) deals left out (?:is|are) in ([^.]*?), which ",
                        said)
    assert rowless, said
    assert int(rowless.group(2)) == left
    assert counted + int(rowless.group(1)) == left
    assert "Netherlands" in rowless.group(3)


# -- 4. a programme's deal page: the parts' money over the announcement -----------------------
def test_programme_deal_page_shows_the_ratio_in_its_parts(client):
    said = text_of(client.get("/ledger/deals/l_stargate_us_2025_01").text)
    found = re.search(r"Committed / announced ([\d.]+) % in its parts", said)
    assert found, said[:2000]
    whole = client.get("/api/v1/ledger/deals/l_stargate_us_2025_01").json()
    parts = next(p for p in whole["in_parts"] if p["stage"] == "committed")
    assert parts["ratio_central"] == pytest.approx(float(found.group(1)) / 100, abs=0.0006)
    assert 0 < parts["ratio_low"] <= parts["ratio_central"] <= parts["ratio_high"]


# -- 5. a competing claim is named in words, not by id ---------------------------------------
def test_deal_page_names_the_competing_claim_in_words(client):
    said = text_of(client.get("/ledger/deals/l_amazon_capex_2025").text)
    assert "same date as amzn_2025_actual_131" not in said
    assert ("(same date as the spent claim of USD 131.00 bn (Amazon (AMZN) capital "
            "expenditures by quarter, as of 2025-12), whose source is more reliable: filing "
            "against analyst)") in said
