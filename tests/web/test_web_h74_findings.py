"""A budget officer's findings: the builder kept the reference plan's budget source after the
budget was changed; a run's claim check worded the reference plan's amount as the run's;
'20.000' was read as 20 without a word; the compare page lacked the run page's few-draws
warning and its 'on assumption or weak rows' column; source pages listed market-share rows
as internal codes."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields  # noqa: E402

from moneytrail.web.builder import USER_NOTE  # noqa: E402
from moneytrail.web.runs import decode_draft  # noqa: E402

PLAN = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("h74") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False)
    with TestClient(app) as test_client:
        yield test_client


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def checked_draft(client, **changes: str) -> dict:
    """The gigafactory plan's builder form with `changes`, checked: the draft it leads to."""
    fields = form_fields(client.get(f"/build?reference={PLAN}").text)
    fields.update(changes)
    response = client.post("/build", data={**fields, "action": "check"},
                           follow_redirects=False)
    assert response.status_code == 303
    return decode_draft(re.search(r"plan=([^&]+)", response.headers["location"]).group(1))


# -- 1. a changed budget is the user's own, not the reference plan's sourced figure ---------

def test_a_changed_budget_drops_the_reference_source_and_note(client):
    budget = checked_draft(client, budget="1.5 bn")["budget"]
    assert budget["amount"] == 1.5e9
    assert "source" not in budget
    assert budget["note"] == (USER_NOTE + " The data gave 20 bn, source m_ec_investai_2025.")
    assert "gigafactory fund" not in budget["note"]


def test_an_unchanged_budget_keeps_its_source_and_note(client):
    budget = checked_draft(client)["budget"]
    assert budget["amount"] == 20e9
    assert budget["source"] == "m_ec_investai_2025"
    assert budget["note"].startswith("The EUR 20 bn gigafactory fund")
    # the same amount written otherwise is unchanged too
    assert checked_draft(client, budget="20000000000")["budget"]["source"] == \
        "m_ec_investai_2025"


def test_a_budget_set_by_the_user_stays_the_users_when_checked_again(client):
    first = checked_draft(client, budget="1.5 bn")
    from moneytrail.web.runs import encode_draft

    fields = form_fields(client.get(f"/build?plan={encode_draft(first)}").text)
    response = client.post("/build", data={**fields, "budget": "2 bn", "action": "check"},
                           follow_redirects=False)
    again = decode_draft(re.search(r"plan=([^&]+)", response.headers["location"]).group(1))
    assert again["budget"] == {"amount": 2e9, "note": first["budget"]["note"]}


# -- 2. a run's claim check is worded with the run's own budget ---------------------------

CLAIM = "public-money-to-nvidia-and-hyperscalers"     # traces eu-ai-gigafactories


@pytest.fixture(scope="module")
def small_run(client) -> str:
    """The gigafactory plan with a budget of EUR 1.5 bn (no source: the user's own)."""
    from runs_helpers import finished

    from moneytrail.scenarios.reference import reference_scenarios
    from moneytrail.scenarios.yamlio import read_yaml

    path = next(p for p in reference_scenarios() if p.stem == PLAN)
    plan = dict(read_yaml(path, ValueError, what="scenario file"))
    plan["budget"] = {"amount": 1.5e9, "note": USER_NOTE}
    return finished(client, {"scenario": plan, "draws": 200, "seed": 3})


def test_the_same_money_as_cloud_rental_is_the_runs_budget(client, small_run):
    page = text_of(client.get(f"/r/{small_run}").text)
    claims = page[page.index("Claims of the public debate that concern this plan"):]
    assert "EUR 20 bn of public money" not in claims
    assert ("the same money as cloud rental: first invoices to Amazon, Google, Microsoft: "
            "this run's budget, EUR 1.5 bn, in place of the claim's EUR 20 bn") in claims
    assert "of this run's budget (EUR 1.5 bn) spent on cloud compute at EU market shares " \
        "(first invoices) to" in claims
    body = client.get(f"/api/v1/claims/{CLAIM}/check?run={small_run}").json()
    checks = [c["check"] for c in body["claim"]["checks"]]
    assert any("this run's budget, EUR 1.5 bn" in c for c in checks)
    # the published check keeps the claim's own EUR 20 bn plan
    assert not any("this run's budget" in c["check"] for c in body["published"]["checks"])


# -- 3. '20.000' in an amount field is refused as ambiguous, not read as 20 -------------------

def error_line(html: str) -> str:
    """The error summary's first line, after the id of the input it links to."""
    found = re.search(r'<div class="notice error-summary".*?<p><a href="#([^"]+)">(.*?)</a>',
                      html, re.S)
    assert found, "no error summary"
    return found.group(1) + " " + " ".join(unescape(found.group(2)).split())


@pytest.mark.parametrize(("typed", "line"), [
    ("20.000", "f-budget Budget: 20.000 could be 20000 with a dot between thousands or 20.0 "
     "with a decimal point: write 20000 (or 20 000) or 20.0 (you gave: 20.000)"),
    ("1.500", "f-budget Budget: 1.500 could be 1500 with a dot between thousands or 1.5 "
     "with a decimal point: write 1500 (or 1 500) or 1.5 (you gave: 1.500)"),
    ("EUR 20.000", "f-budget Budget: 20.000 could be 20000 with a dot between thousands or "
     "20.0 with a decimal point: write 20000 (or 20 000) or 20.0 (you gave: EUR 20.000)")])
def test_a_budget_with_one_dot_before_three_digits_is_refused(client, typed, line):
    fields = form_fields(client.get(f"/build?reference={PLAN}").text)
    response = client.post("/build", data={**fields, "budget": typed, "action": "check"})
    assert error_line(response.text) == line


def test_amounts_that_are_not_ambiguous_are_still_read():
    from moneytrail.web.numbers import amount_text, read_number

    assert read_number("20.0", sizes=True) == 20.0
    assert read_number("20.000.000", sizes=True) == 20_000_000
    assert read_number("1.125 bn", sizes=True) == 1_125_000_000
    assert read_number("0.500", sizes=True) == 0.5
    assert read_number("20.000") == 20.0                       # not an amount: unchanged
    assert read_number("12.500", percent=True) == 12.5        # a share field keeps its reading
    assert amount_text(123.456) == "123.4560"                 # written so it reads back
    assert read_number(amount_text(123.456), sizes=True) == 123.456


def test_a_share_field_keeps_a_point_before_three_digits(client):
    draft = checked_draft(client, **{"spend-0-central": "0.390", "spend-0-low": "0.300"})
    assert draft["spend"]["accelerators"]["central"] == 0.39


def test_the_ledger_refuses_an_ambiguous_claim_amount():
    from moneytrail.web.editing import form_numbers

    _, errors = form_numbers("claim", {"low": "1.500", "central": "2 bn", "currency": "EUR"})
    assert [(e.field, e.value) for e in errors] == [("low", "1.500")]
    assert "write 1500 (or 1 500) or 1.5" in str(errors[0])


# -- 4. the compare page warns of few draws and shows the evidence weight ------------------

@pytest.fixture(scope="module")
def compared(client) -> tuple[str, str, str]:
    """The compare page of a 1,000-draw and a 500-draw run of the gigafactory plan."""
    from runs_helpers import finished

    full = finished(client, {"reference": PLAN, "draws": 1000, "seed": 2})
    rough = finished(client, {"reference": PLAN, "draws": 500, "seed": 2})
    response = client.get(f"/compare?runs={full},{rough}")
    assert response.status_code == 200
    return response.text, full, rough


def test_the_compare_page_warns_of_a_run_with_few_draws(compared):
    html, full, rough = compared
    notes = [text_of(n).strip() for n in
             re.findall(r'<p class="notice notice-info rough-draws"[^>]*>(.*?)</p>', html, re.S)]
    title = "EU AI gigafactories (InvestAI's EUR 20 bn fund)"
    assert notes == [f"Run {rough[:8]} (“{title}”) has only 500 Monte Carlo draws, so the "
                     "90 % intervals are rough. Run the plan again with at least 1,000 draws "
                     "for intervals to rely on."]


def test_the_compare_scorecard_has_the_run_pages_evidence_weight_column(client, compared):
    html, full, rough = compared
    table = re.search(r'<caption id="scorecard-caption">.*?</table>', html, re.S).group(0)
    heads = [text_of(h).strip() for h in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>",
                                                     table, re.S)]
    title = "EU AI gigafactories (InvestAI's EUR 20 bn fund)"
    # two runs of one plan are named apart by their draws (h129)
    first, second = f"{title} (1,000 draws)", f"{title} (500 draws)"
    assert heads == ["Measure", first, f"On assumption or weak rows: {first}", second,
                     f"On assumption or weak rows: {second}",
                     f"Difference: {second} minus {first} (median)"]    # findings h80, h86
    # the same figures as the run page's column, row by row
    run_page = client.get(f"/r/{full}").text
    run_table = re.search(r'<caption id="scorecard-caption">.*?</table>', run_page,
                          re.S).group(0)
    cells = {}
    for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", run_table, re.S):
        parts = [text_of(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row,
                                                        re.S)]
        cells[parts[0]] = parts[-1]
    assert any(v not in ("–", "") for v in cells.values())
    for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", table, re.S):
        parts = [text_of(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row,
                                                        re.S)]
        if parts[0] in cells:
            assert parts[2] == cells[parts[0]], parts
    assert "is the share of a measure resting on rows labelled assumption or weak" in html


# -- 5. a source page writes market-share rows with names and units -------------------------

def test_a_source_page_writes_market_shares_for_readers(client):
    body = client.get("/api/v1/sources/m_bernstein_gw_capex_2025").json()
    shares = {u["key"]: u for u in body["used_by"] if u["table"] == "market share"}
    dell = shares["storage/EU/2025/dell"]                         # the key is kept
    assert dell["label"] == ("Market share of Dell Technologies in Storage, EU, 2025: 27 % "
                             "(18–37 %), reliability estimate")
    assert not any(u["label"].startswith("central ") for u in shares.values())
    page = text_of(client.get("/sources/m_bernstein_gw_capex_2025").text)
    assert "Market share of Dell Technologies in Storage, EU, 2025: 27 % (18–37 %)" in page
    assert "central 0.27" not in page


def test_a_source_page_writes_cost_structures_for_readers(client):
    """Cost-structure rows read 'central 0.12': now what share of which firm's revenue goes
    where, with the interval and reliability (keys unchanged)."""
    rows = {u["key"]: u["label"] for u in
            client.get("/api/v1/sources/c_mistral_staff").json()["used_by"]
            if u["table"] == "cost structure"}
    assert rows["mistral_ai/2024/input/microsoft"] == (
        "Purchases of Mistral AI from Microsoft (Azure), 2024: 12 % (4.8–19.2 %) of its "
        "revenue, reliability assumption")
    labour = [label for key, label in rows.items() if "/labour/" in key]
    assert labour and all(label.startswith("Wages of Mistral AI (") for label in labour)
    assert not [label for label in rows.values() if label.startswith("central ")]
