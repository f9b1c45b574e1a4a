"""A parliamentary staffer's findings on a built variant (h81): the EU gigafactory plan at EUR
10 bn, accelerators bought 60 % Nvidia / 40 % AMD, two conditions. The HHI change read +0 with
no word of why; a condition misnamed its measure; a group's display name was refused; the
builder kept the reference plan's text under another budget without a word; source pages and
the methods page showed internal names."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished, form_fields  # noqa: E402

from moneytrail.web.runs import decode_draft  # noqa: E402

PLAN = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("h81") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def variant() -> dict:
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.scenarios.yamlio import read_yaml

    plan = dict(read_yaml(reference_dir() / f"{PLAN}.yaml", ValueError))
    plan.update(id="gf-variant", budget={"amount": 10e9}, draws=300, seed=3,
                procurement={"accelerators": {"nvidia": {"central": 0.6},
                                              "amd": {"central": 0.4}}},
                conditions=[{"metric": "single_supplier_share", "max": 0.3},
                            {"metric": "value_added_share", "group": "us_big_tech",
                             "max": 0.3}])
    return plan


@pytest.fixture(scope="module")
def run_id(client) -> str:
    return finished(client, variant())


@pytest.fixture(scope="module")
def run_page(client, run_id) -> str:
    return client.get(f"/r/{run_id}").text


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


# -- 1. the HHI change under supplier rules shows the fall and its market (h88) ---------------
def test_the_hhi_change_under_rules_shows_the_fall_in_its_market(client, run_id, run_page):
    card = section(run_page, 'id="scorecard-h"', 'id="conditions-h"')
    row = next(r for r in re.findall(r"<tr>.*?</tr>", card, re.S) if "HHI change" in r)
    said = text_of(row)
    assert "HHI change, the largest rise or fall among the markets bought in" in said
    assert "+0 – +0" not in said and "No rise" not in said
    assert "in AI accelerators" in said and "points" in said
    compare = client.get(f"/compare?runs={run_id},{run_id}")
    if compare.status_code == 200:
        assert "in AI accelerators" in text_of(compare.text)


# -- 2. the single-supplier condition says what it measures ----------------------------------
def test_the_single_supplier_condition_says_what_it_measures(run_page):
    table = text_of(section(run_page, 'id="conditions-h"', "</table>"))
    assert "Share of spending in categories where one firm supplies more than half at most " \
           "30 %" in table
    assert "first invoices to a single supplier" not in table


def test_the_builder_lists_measures_in_words(client):
    page = client.get("/build").text
    select = re.search(r'<select [^>]*name="cond-0-metric"[^>]*>(.*?)</select>', page, re.S)[1]
    options = [unescape(o) for o in re.findall(r"<option [^>]*>([^<]*)</option>", select)]
    for code in ("hhi change", "co2 tonnes", "eu value added share", "single supplier share"):
        assert code not in options
    for words in ("Largest HHI rise (market concentration) among the markets bought in",
                  "Operational CO2 over the horizon", "EU value added share",
                  "Share of spending in categories where one firm supplies more than half"):
        assert words in options


# -- 3. groups by their names ----------------------------------------------------------------
def checked_draft(client, reference: str = PLAN, **changes: str) -> dict:
    page = client.get(f"/build?reference={reference}").text
    fields = form_fields(page)
    for name, body in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page,
                                 re.S):
        fields[name] = unescape(body)          # as a browser sends it (form_fields has none)
    fields.update(changes)
    response = client.post("/build", data={**fields, "action": "check"},
                           follow_redirects=False)
    assert response.status_code == 303, text_of(response.text)[:600]
    return decode_draft(re.search(r"plan=([^&]+)", response.headers["location"]).group(1))


@pytest.mark.parametrize(("typed", "group"), [
    ("US hyperscalers", "us_big_tech"), ("us hyperscalers", "us_big_tech"),
    ("US tech giants", "us_tech_giants"),
    ("US hyperscalers (Amazon, Microsoft, Google)", "us_big_tech"),
    ("us_big_tech", "us_big_tech")])
def test_a_condition_takes_a_group_by_its_display_name_or_a_short_form(client, typed, group):
    draft = checked_draft(client, **{"cond-0-metric": "value_added_share",
                                     "cond-0-value": "0.3", "cond-0-selector": "group",
                                     "cond-0-target": typed})
    assert draft["conditions"][0]["group"] == group


def test_an_ambiguous_short_form_names_no_group():
    from moneytrail.report.units import group_label
    from moneytrail.web.builder import target_id

    names = {"group": {g: group_label(g) for g in ("us_big_tech", "us_tech_giants")}}
    assert target_id("group", "US", names) == "US"            # both start with 'US'
    assert target_id("group", "US hyperscalers", names) == "us_big_tech"


def test_the_conditions_csv_names_the_group(client, run_id):
    response = client.get(f"/api/v1/runs/{run_id}?format=csv&table=conditions")
    assert response.status_code == 200
    header, *rows = response.text.splitlines()
    assert header.split(",")[:3] == ["condition", "condition_text", "metric"]
    assert any("Value added share to US hyperscalers (Amazon, Microsoft, Google) at most 30 %"
               in row for row in rows)
    assert any(row.startswith("value_added_share (us_big_tech) <= 0.3,") for row in rows)


# -- 5. the reference plan's text under another budget ---------------------------------------
def test_the_builder_warns_that_title_and_description_were_written_for_another_budget(client):
    from moneytrail.web.runs import encode_draft

    draft = checked_draft(client, budget="10 bn")
    assert draft["title"] == "EU AI gigafactories (InvestAI's EUR 20 bn fund)"   # not rewritten
    page = client.get(f"/build?plan={encode_draft(draft)}").text
    note = re.search(r'<p [^>]*id="f-inherited"[^>]*>(.*?)</p>', page, re.S)
    assert note, "no warning at the title and description"
    assert text_of(note[1]) == (
        "The title and description come from the reference plan “EU AI gigafactories "
        "(InvestAI's EUR 20 bn fund)”, written for its budget of EUR 20.00 bn; this plan's "
        "budget is EUR 10.00 bn. Check that they still describe your plan.")
    assert 'aria-describedby="f-inherited"' in page
    same = client.get(f"/build?plan={encode_draft(checked_draft(client))}").text
    assert 'id="f-inherited"' not in same


def test_the_run_page_marks_the_reference_text(run_page):
    note = re.search(r'<p [^>]*id="inherited-text"[^>]*>(.*?)</p>', run_page, re.S)
    assert note and "The title and description are the reference plan’s text, unchanged" \
        in text_of(note[1])
    assert "EUR 20.00 bn, while this plan's budget is EUR 10.00 bn" in text_of(note[1])


# -- 4. names, not codes ---------------------------------------------------------------------
def test_a_source_page_names_the_records_it_lists(client):
    page = client.get("/sources/c_assumption_odm_bom").text
    table = section(page, 'id="used-h"', "</table>")
    keys = " ".join(re.findall(r'<td class="key-cell">(.*?)</td>', table, re.S))
    assert "rest_of_world" not in text_of(keys)
    assert "Other firms and sectors abroad" in text_of(keys)
    assert "Nvidia · 2024 · purchases · Other firms and sectors abroad" in text_of(keys)


def test_the_methods_page_reads_in_words_with_code_in_notes_for_developers(client):
    page = client.get("/methods").text
    body = page[page.index("<main"):]
    start = body.index('id="for-developers"')
    words = text_of(body[:start])
    for code in ("analysis/market_power.py", "web.runs.HHI_UNMOVED",
                 "engine.sampling.InverseTable", "tests/test_evidence.py"):
        assert code not in words
        assert code in text_of(body[start:])
    assert "The model measures it per Monte Carlo draw" in words
