"""A tester's findings on the plan builder, playing a parliamentary staffer (h59): a plan built
and run in the builder opens again with "Edit this plan" and checks and runs to the same run
(no field holds the text "None"); Check refuses what the run would refuse (an unknown group
or country of a condition) and takes groups and countries by the names the form offers; the
hint names a group by what it holds; a repeated category row is kept and marked; a condition
bound reads "30 %"; messages name fields by their labels; every wrong field is shown at once.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields, wait_done  # noqa: E402

from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.runs import decode_draft, encode_draft  # noqa: E402

HYPERSCALERS = "US hyperscalers (Amazon, Microsoft, Google)"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("builder-h59") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def cloud_form(client, **changes) -> dict[str, str]:
    """The blank builder's form filled in as the tester did: EUR 10 bn of cloud compute
    bought half from OVHcloud, half from Scaleway."""
    fields = form_fields(client.get("/build").text)
    fields.update({"title": "Sovereign cloud", "budget": "10 bn",
                   "spend-0-category": "cloud_compute", "spend-0-central": "1",
                   "proc-0-category": "cloud_compute", "proc-0-supplier": "ovhcloud",
                   "proc-0-central": "50 %", "proc-1-category": "cloud_compute",
                   "proc-1-supplier": "scaleway", "proc-1-central": "50 %", "draws": "100",
                   **changes})
    return fields


def post(client, fields: dict[str, str], action: str = "check"):
    """Post the builder's form; (the page it leads to, the redirect's location)."""
    response = client.post("/build", data={**fields, "action": action},
                           follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    return client.get(location), location


def summary(html: str) -> list[tuple[str, str]]:
    """The error summary's (input id, line) pairs, top to bottom."""
    box = re.search(r'<div class="notice error-summary".*?</div>', html, re.S)
    if not box:
        return []
    return [(a, " ".join(unescape(re.sub("<[^>]+>", "", t)).split()))
            for a, t in re.findall(r'<a href="#([^"]+)">(.*?)</a>', box.group(0), re.S)]


def draft_of(location: str) -> dict:
    return decode_draft(re.search(r"plan=([^&]+)", location).group(1))


# -- 1: a plan built here opens again and runs to the same run ---------------------------------
def test_a_plan_built_and_run_here_edits_checks_and_reruns_to_the_same_run(client):
    response = client.post("/build", data={**cloud_form(client), "action": "run"},
                           follow_redirects=False)
    assert response.headers["location"].startswith("/r/"), "the run was not started"
    run_id = response.headers["location"].rsplit("/", 1)[1]
    assert wait_done(client, run_id)["status"] == "done"
    page = client.get(f"/r/{run_id}").text
    link = unescape(re.search(r'href="(/build\?plan=[^"]+)">Edit this plan', page).group(1))
    fields = form_fields(client.get(link).text)
    assert "None" not in fields.values(), {k: v for k, v in fields.items() if v == "None"}
    checked, _ = post(client, fields)
    assert checked.status_code == 200, summary(checked.text)
    assert "The plan is valid" in checked.text
    _, location = post(client, fields, "run")
    assert location == f"/r/{run_id}"


def test_no_builder_field_shows_none_for_a_draft_holding_nulls(client):
    """A run's plan keeps unset keys as null: each field is empty, hidden ones too."""
    draft = {"id": None, "title": "T", "description": None, "year": 2025, "currency": "EUR",
             "price_year": None, "buyer_region": None, "site_country": None,
             "budget": {"amount": 1000, "source": None, "note": None},
             "spend": {"accelerators": {"central": 1.0, "low": None, "high": None,
                                        "source": None, "reliability": None, "note": None}},
             "conditions": [{"metric": "labour_share", "max": 0.5, "label": None,
                             "group": None}],
             "draws": None, "seed": None, "horizon_years": None, "spend_years": None,
             "renewable_share": None, "as_of": None}
    page = client.get(f"/build?plan={encode_draft(draft)}").text
    assert ">None<" not in page and 'value="None"' not in page
    fields = form_fields(page)
    checked, _ = post(client, fields)
    assert checked.status_code == 200, summary(checked.text)


# -- 2: Check refuses what the run refuses; names are read -------------------------------------
@pytest.mark.parametrize(("selector", "typed"), [("group", "US big tech"),
                                                 ("country", "Atlantis")])
def test_check_refuses_a_condition_target_the_run_would_refuse(client, selector, typed):
    fields = cloud_form(client, **{"cond-0-metric": "value_added_share", "cond-0-value": "0.3",
                                   "cond-0-selector": selector, "cond-0-target": typed})
    page, location = post(client, fields, "run")
    assert location.startswith("/build?"), "a run was started"
    assert page.status_code == 400
    assert [a for a, _ in summary(page.text)] == ["cond-0-target"]
    assert 'id="cond-0-target-error"' in page.text


def test_the_api_refuses_an_unknown_group_before_the_run(client):
    body = {"id": "p", "title": "T", "year": 2025, "currency": "EUR",
            "budget": {"amount": 1000}, "spend": {"accelerators": 1.0}, "draws": 50,
            "conditions": [{"metric": "value_added_share", "max": 0.3, "group": "US big tech"}]}
    response = client.post("/api/v1/runs", json=body)
    assert response.status_code == 400, response.text
    assert (response.json()["field"], response.json()["value"]) == ("conditions.0.group",
                                                                    "US big tech")
    assert response.json()["detail"].startswith("unknown group (known: ai_lab")


@pytest.mark.parametrize(("selector", "typed", "stored"), [
    ("group", HYPERSCALERS, "us_big_tech"), ("group", "us_big_tech", "us_big_tech"),
    ("country", "France", "FR"), ("country", "fr", "FR"), ("country", "FR", "FR"),
    ("owner_country", "United States", "US")])
def test_groups_and_countries_are_taken_by_their_names(client, selector, typed, stored):
    fields = cloud_form(client, **{"cond-0-metric": "value_added_share", "cond-0-value": "0.3",
                                   "cond-0-selector": selector, "cond-0-target": typed})
    page, location = post(client, fields)
    assert page.status_code == 200, summary(page.text)
    assert draft_of(location)["conditions"][0][selector] == stored
    shown = form_fields(page.text)["cond-0-target"]     # shown again by its name
    assert shown == {"us_big_tech": HYPERSCALERS, "FR": "France",
                     "US": "United States"}[stored]


def test_the_builder_offers_groups_and_countries_by_name(client):
    page = client.get("/build?reference=eu-ai-gigafactories").text
    options = re.search(r'<datalist id="cond-targets">(.*?)</datalist>', page, re.S).group(1)
    values = re.findall(r'<option value="([^"]+)"', unescape(options))
    assert HYPERSCALERS in values and "US tech giants (Nvidia, Amazon, Microsoft, Google)" in values
    assert "France" in values and "Germany" in values
    assert 'list="cond-targets"' in page


# -- 3: a group is named by what it holds -------------------------------------------------------
def test_the_condition_hint_names_the_group_by_what_it_holds(client):
    page = unescape(client.get("/build?reference=eu-ai-gigafactories").text)
    hint = re.search(r"<legend>(?:<h3[^>]*>)?Conditions the plan must meet(?:</h3>)?</legend>"
                     r"\s*<p class=\"hint\">"
                     r"(.*?)</p>", page, re.S).group(1)
    assert "us_big_tech" not in hint
    assert HYPERSCALERS in hint and "US tech giants (Nvidia, Amazon, Microsoft, Google)" in hint
    assert "e.g. us_big_tech" not in page


# -- 4: a repeated category row is kept and marked ----------------------------------------------
def test_a_repeated_category_row_is_kept_and_marked(client):
    fields = cloud_form(client, **{"spend-0-category": "accelerators",
                                   "spend-0-central": "50 %",
                                   "spend-1-category": "accelerators",
                                   "spend-1-central": "50 %",
                                   "proc-0-category": "", "proc-0-supplier": "",
                                   "proc-1-category": "", "proc-1-supplier": ""})
    page, location = post(client, fields, "run")
    assert location.startswith("/build?"), "a run was started"
    assert page.status_code == 400
    lines = summary(page.text)
    assert [a for a, _ in lines] == ["spend-1-category"]
    assert "AI accelerators is already in row 1" in lines[0][1]
    assert "add up to" not in " ".join(line for _, line in lines)
    again = form_fields(page.text)
    assert (again["spend-1-category"], again["spend-1-central"]) == ("accelerators", "50 %")
    assert 'id="spend-1-category-error"' in page.text


def test_a_repeated_supplier_row_is_kept_and_marked(client):
    fields = cloud_form(client, **{"proc-1-supplier": "ovhcloud"})
    page, _ = post(client, fields)
    lines = summary(page.text)
    assert [a for a, _ in lines] == ["proc-1-supplier"]
    assert "OVHcloud for Cloud compute is already in row 1" in lines[0][1]
    assert form_fields(page.text)["proc-1-supplier"] == "ovhcloud"


# -- 5: condition bounds read like shares -------------------------------------------------------
@pytest.mark.parametrize(("typed", "read"), [("30 %", 0.3), ("30%", 0.3), ("0.3", 0.3)])
def test_a_condition_bound_reads_a_percent(client, typed, read):
    fields = cloud_form(client, **{"cond-0-metric": "value_added_share", "cond-0-value": typed,
                                   "cond-0-selector": "group", "cond-0-target": HYPERSCALERS})
    page, location = post(client, fields)
    assert page.status_code == 200, summary(page.text)
    assert draft_of(location)["conditions"][0]["max"] == pytest.approx(read)


def test_an_empty_at_least_asks_for_a_value(client):
    fields = cloud_form(client, **{"cond-0-metric": "value_added_share", "cond-0-bound": "min",
                                   "cond-0-value": "", "cond-0-selector": "country",
                                   "cond-0-target": "France"})
    page, _ = post(client, fields)
    assert summary(page.text) == [("cond-0-value",
                                   "Enter a value for 'at least' (Condition 1)")]
    assert re.search(r'id="cond-0-value-error">.*?Enter a value for &#39;at least&#39;</span>',
                     page.text)


# -- 6: messages for people, fields by their labels ---------------------------------------------
@pytest.mark.parametrize(("changes", "anchor", "line"), [
    ({"spend-0-central": "50"}, "spend-0-central",
     "Category 1 (Cloud compute), Share: write a share between 0 and 1, or a percent from "
     "0 % to 100 %; if you mean 50 percent, write 50 % (you gave: 50)"),
    ({"spend-0-low": "0.9", "spend-0-high": "0.5"}, "spend-0-high",
     "Category 1 (Cloud compute), High: central 100 % is above high 50 %: the low value must "
     "not be above the central one, nor the central one above the high one (low 90 %, central "
     "100 %, high 50 %) (you gave: 0.5)"),
    ({"year": "1800"}, "f-year", "Year: write 1990 or later (you gave: 1800)"),
    ({"id": "a b"}, "f-id", "Short name: a short name uses letters, digits and dashes only"),
    ({"site_country": "XX"}, "f-site_country", "or leave Site country empty to site the plan"),
    ({"proc-0-central": "60 %", "proc-1-central": "60 %"}, "proc-0-category",
     "Suppliers: the supplier shares of Cloud compute add up to 120 %, not 100 % (you gave: "
     "OVHcloud 60 %; Scaleway (Iliad group) 60 %)"),
    ({"cond-0-metric": "value_added_share", "cond-0-value": "lots",
      "cond-0-selector": "country", "cond-0-target": "FR"}, "cond-0-value",
     "Condition 1, Value: write a number such as 0.3 or 30 % (you gave: lots)")])
def test_builder_messages_name_fields_by_their_labels(client, changes, anchor, line):
    page, _ = post(client, cloud_form(client, **changes))
    lines = summary(page.text)
    assert len(lines) == 1, lines
    assert lines[0][0] == anchor
    assert lines[0][1].startswith(line) or line in lines[0][1], lines[0][1]
    for code_word in ("spend.", "procurement.", "conditions.", "site_country", "plan id",
                      "Input should", "<="):
        assert code_word not in lines[0][1]


def test_the_api_keeps_its_messages(client):
    body = {"id": "p", "title": "T", "year": 1800, "currency": "EUR",
            "budget": {"amount": 1000}, "spend": {"accelerators": 50}, "draws": 50}
    detail = client.post("/api/v1/runs", json=body).json()
    assert detail["field"] in ("year", "spend.accelerators")
    assert "Input should be" in detail["detail"] or "got 50" in detail["detail"]


# -- 7: every wrong field at once ---------------------------------------------------------------
def test_every_wrong_field_is_shown_at_once(client):
    fields = cloud_form(client, title="", budget="", year="abc",
                        **{"spend-0-central": "50"})
    page, _ = post(client, fields)
    assert page.status_code == 400
    lines = summary(page.text)
    assert [a for a, _ in lines] == ["f-title", "f-budget", "f-year", "spend-0-central"]
    assert "4 problems" in page.text
    for anchor, _ in lines:
        tag = re.search(rf'<input id="{anchor}"[^>]*>', page.text).group(0)
        assert 'aria-invalid="true"' in tag
        assert f'id="{anchor}-error"' in page.text
    assert page.text.count(" autofocus") == 1


def test_a_condition_shows_its_bound_and_its_target_errors_together(client):
    fields = cloud_form(client, **{"cond-0-metric": "value_added_share", "cond-0-bound": "min",
                                   "cond-0-value": "", "cond-0-selector": "group",
                                   "cond-0-target": "US big tech", "year": "next year"})
    page, _ = post(client, fields)
    assert [a for a, _ in summary(page.text)] == ["f-year", "cond-0-value", "cond-0-target"]
