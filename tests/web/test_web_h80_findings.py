"""A tester's findings on a variant of the gigafactory plan (EUR 10 bn, accelerators bought
60 % from Nvidia and 40 % from AMD, the user's own figures): the supplier split was stated
nowhere but in the purchases CSV; the comparison did not say which inputs differ, had no
difference column, named its CSV columns run1_p50 and its PDF columns by plan id; briefings
downloaded as moneytrail-<run>.pdf; the PDF summary was one long paragraph."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.report.inputs import USER_NOTE  # noqa: E402
from moneytrail.report.units import difference_text  # noqa: E402

PLAN = "eu-ai-gigafactories"
VARIANT = "eu-gigafactories-half-cap"
TITLE = "EU AI gigafactories at EUR 10 bn, 60/40 Nvidia/AMD"
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
OWN = {"reliability": "assumption", "note": USER_NOTE}


def variant_plan() -> dict:
    plan = yaml.safe_load((SCENARIOS / f"{PLAN}.yaml").read_text())
    plan.update(id=VARIANT, title=TITLE, budget={"amount": 10e9, "note": USER_NOTE},
                procurement={"accelerators": {"nvidia": {"central": 0.6, **OWN},
                                              "amd": {"central": 0.4, **OWN}}})
    return plan


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("h80") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def runs(client) -> tuple[str, str]:
    """The reference plan and the variant, 300 draws each, seed 1."""
    from runs_helpers import finished

    first = finished(client, {"reference": PLAN, "draws": 300, "seed": 1})
    second = finished(client, {"scenario": variant_plan(), "draws": 300, "seed": 1})
    return first, second


def text_of(html: str) -> str:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


# -- 1. the plan's own supplier split is stated -----------------------------------------------

def test_the_run_page_states_the_plans_supplier_split(client, runs):
    page = client.get(f"/r/{runs[1]}").text
    text = text_of(page)
    assert "The plan sets its own suppliers: AI accelerators: Nvidia 60.0 %, Advanced Micro " \
           "Devices 40.0 % (your own figures, the plan's own inputs)." in text
    table = re.search(r'<table class="plan-procurement">(.*?)</table>', page, re.S)
    assert table is not None
    rows = [text_of(r).strip() for r in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)]
    own = "Set by the user in the plan builder, not taken from a source."   # note (h85)
    assert rows[1:] == [
        f"AI accelerators Nvidia 60.0 % 60.0 % to 60.0 % your own figure assumption {own}",
        "AI accelerators Advanced Micro Devices 40.0 % 40.0 % to 40.0 % your own figure "
        f"assumption {own}"]
    # a plan without its own suppliers shows no such table
    assert "plan-procurement" not in client.get(f"/r/{runs[0]}").text


def test_the_compare_page_names_each_plans_suppliers_and_own_figures(client, runs):
    text = text_of(client.get(f"/compare?runs={runs[0]},{runs[1]}").text)
    assert "Suppliers: the buyer region's market shares." in text
    assert "Suppliers: set by the plan, AI accelerators: Nvidia 60.0 %, Advanced Micro " \
           "Devices 40.0 % (your own figures, the plan's own inputs)." in text
    # the plan's own inputs are not in its share on assumption or weak rows (h187)
    assert (f"For {TITLE} it does not count your own figures, the plan's own inputs: the "
            "suppliers of AI accelerators.") in text
    assert "(does not count your own figures, the plan's own inputs)" in text


# -- 2. what differs, and by how much ---------------------------------------------------------

def test_the_compare_page_says_which_inputs_differ(client, runs):
    text = text_of(client.get(f"/compare?runs={runs[0]},{runs[1]}").text)
    ref = "EU AI gigafactories (InvestAI's EUR 20 bn fund)"
    assert "What differs between the plans" in text
    # the page's list names the plans "Plan 1", "Plan 2" under a key with their titles
    # (finding h104); the API, as the briefings, keeps the quoted titles
    assert f"Plan 1 {ref} Plan 2 {TITLE} Budget: EUR 20.00 bn in Plan 1; EUR 10.00 bn, your " \
           "own figure in Plan 2." in text
    assert ("Suppliers set by the plan: none (the buyer region's market shares) in Plan 1; "
            "AI accelerators: Nvidia 60.0 %") in text
    assert "The same in both: spending shares, conditions, draws and seed." in text
    differ = client.get(f"/api/v1/compare?runs={runs[0]},{runs[1]}").json()["differ"]
    assert (f"Budget: EUR 20.00 bn in \u201c{ref}\u201d; EUR 10.00 bn, your own figure in "
            f"\u201c{TITLE}\u201d.") in differ


def test_the_compare_page_has_a_difference_column(client, runs):
    ids = f"{runs[0]},{runs[1]}"
    view = client.get(f"/api/v1/compare?runs={ids}").json()
    nvidia = next(r for r in view["headline"] if r["label"] == "Nvidia")
    assert nvidia["difference_p50"] == nvidia["run2_p50"] - nvidia["run1_p50"]
    page = client.get(f"/compare?runs={ids}").text
    assert re.search(r"Difference: <bdi>[^<]+</bdi> minus <bdi>[^<]+</bdi> \(median\)", page)
    row = re.search(r'<tr><th scope="row">Nvidia</th>(.*?)</tr>', page, re.S).group(1)
    shown = text_of(re.findall(r'<td class="num difference">(.*?)</td>', row)[0]).strip()
    assert shown == difference_text(nvidia["difference_p50"], "share")
    assert shown.startswith("-") and shown.endswith(" points")


def test_the_compare_csv_names_its_columns_after_the_plans(client, runs):
    ids = f"{runs[0]},{runs[1]}"
    body = client.get(f"/api/v1/compare?runs={ids}&format=csv&table=headline").text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == ["label", f"{PLAN}_p50", f"{PLAN}_p5", f"{PLAN}_p95",
                             f"{VARIANT}_p50", f"{VARIANT}_p5", f"{VARIANT}_p95",
                             "difference_p50"]
    view = client.get(f"/api/v1/compare?runs={ids}").json()
    nvidia = next(r for r in rows if r["label"] == "Nvidia")
    stored = next(r for r in view["headline"] if r["label"] == "Nvidia")
    assert float(nvidia[f"{VARIANT}_p50"]) == stored["run2_p50"]          # bit for bit
    assert float(nvidia["difference_p50"]) == stored["difference_p50"]
    card = client.get(f"/api/v1/compare?runs={ids}&format=csv&table=scorecard").text
    assert f"{PLAN}_weight_p50" in card.splitlines()[0]


def test_two_runs_of_one_plan_id_keep_distinct_csv_columns(client, runs):
    from runs_helpers import finished

    again = finished(client, {"scenario": variant_plan(), "draws": 300, "seed": 2})
    body = client.get(f"/api/v1/compare?runs={runs[1]},{again}&format=csv&table=headline").text
    head = body.splitlines()[0].split(",")
    assert f"{VARIANT}-{runs[1][:8]}_p50" in head and f"{VARIANT}-{again[:8]}_p50" in head
    text = text_of(client.get(f"/compare?runs={runs[1]},{again}").text)
    assert "Draws and seed: 300 draws, seed 1 in" in text
    assert "The same in both: budget, spending shares, suppliers, conditions." in text


# -- 2, 3, 4. the briefings ---------------------------------------------------------------------

def test_briefings_are_named_after_their_plans(client, runs):
    one = client.get(f"/r/{runs[1]}/report.html")
    assert one.headers["content-disposition"] == \
        f'attachment; filename="{VARIANT}-{runs[1][:8]}.html"'
    both = client.get(f"/compare/report.html?runs={runs[0]},{runs[1]}")
    assert both.headers["content-disposition"] == (
        f'attachment; filename="{PLAN}-{runs[0][:8]}-vs-{VARIANT}-{runs[1][:8]}.html"')


def test_the_briefing_summary_is_short_paragraphs_and_table_1_has_the_suppliers(client, runs):
    html = client.get(f"/r/{runs[1]}/report.html").text
    summary = re.search(r'<div class="summary">(.*?)</div>', html, re.S).group(1)
    paragraphs = re.findall(r"<p dir=\"auto\">(.*?)</p>", summary, re.S)
    assert len(paragraphs) >= 6
    assert max(len(text_of(p)) for p in paragraphs) < 900
    assert any(text_of(p).startswith("The plan sets its own suppliers: AI accelerators: "
                                      "Nvidia 60.0 %") for p in paragraphs)
    table = re.search(r'<table id="tab1".*?</table>', html, re.S).group(0)
    labels = [text_of(h).strip() for h in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', table)]
    at = labels.index("AI accelerators")
    assert labels[at + 1: at + 3] == ["AI accelerators: from Nvidia",
                                      "AI accelerators: from Advanced Micro Devices"]
    row = re.search(r"AI accelerators: from Nvidia</th>(.*?)</tr>", table, re.S).group(1)
    assert "60.0 % of AI accelerators" in text_of(row)
    # the plan's own input, as the evidence weight counts it, never "assumption" (h215)
    assert "your own figure (the plan's own input, not sourced)" in text_of(row)
    assert "assumption" not in text_of(row)


def test_the_comparison_briefing_names_plans_by_title_and_shows_differences(client, runs):
    html = client.get(f"/compare/report.html?runs={runs[0]},{runs[1]}").text
    heads = [text_of(h).strip() for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html)]
    assert VARIANT not in heads and PLAN not in heads
    named = [h for h in heads if h.startswith("Difference: ") and " minus " in h]
    # each plan's column: its key label and title ('Plan 1: ...'); the difference column
    # names the plans by those labels
    assert sum(h.endswith(f": {TITLE}") and h.startswith("Plan ") for h in heads) >= 5
    assert len(named) >= 5 and set(named) == {"Difference: Plan 2 minus Plan 1"}
    text = text_of(html)
    assert "What differs between the plans" in text
    assert "Budget: EUR 20.00 bn in" in text
    assert (f"The evidence weight of \u201c{TITLE}\u201d does not count your own figures, the "
            "plan's own inputs: the suppliers of AI accelerators.") in text


# -- reviewer G: a headline row only one run has, a plan called `difference` ------------------

def test_a_headline_row_only_one_run_has_gets_no_difference(client, runs):
    """A run stored before a headline row was renamed ("Value added in Korea" -> "... in
    South Korea") lacks the other run's label: the difference column raised KeyError (a 500
    on /compare, its API and briefings); the row now shows no difference."""
    import dataclasses

    from moneytrail.web.runs import Names, compare_view

    store = client.app.state.jobs.store
    first, second = (store.get(rid).result for rid in runs)
    table = first.tables["headline"]
    label = table.rows[0][0]
    renamed = dataclasses.replace(table, rows=((f"{label} (old name)", *table.rows[0][1:]),
                                               *table.rows[1:]))
    old = dataclasses.replace(first, tables={**first.tables, "headline": renamed})
    view = compare_view([old, second], Names(client.app.state.workspace.valuechain),
                        "http://testserver/compare")
    rows = {row["label"]: row for row in view["headline"]}
    assert rows[f"{label} (old name)"]["difference_p50"] is None
    assert rows[label]["difference_p50"] is None
    assert rows[label]["run2_p50"] is not None


def test_a_plan_called_difference_keeps_its_csv_column(client, runs):
    from runs_helpers import finished

    plan = {**variant_plan(), "id": "difference"}
    named = finished(client, {"scenario": plan, "draws": 300, "seed": 1})
    body = client.get(f"/api/v1/compare?runs={runs[0]},{named}&format=csv&table=headline").text
    head = body.splitlines()[0].split(",")
    assert len(head) == len(set(head))
    assert "difference-plan_p50" in head and "difference_p50" in head


def test_a_tiny_share_difference_is_not_printed_as_zero():
    from moneytrail.report.units import difference_text

    assert difference_text(0.00001, "share") == "<0.01 points"
    assert difference_text(-0.00001, "share") == ">-0.01 points"
    assert difference_text(0.052, "share") == "+5.2 points"
    assert difference_text(0.0, "share") == "0 points"      # finding h86
