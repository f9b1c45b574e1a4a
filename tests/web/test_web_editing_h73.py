"""h73: the ledger editor's findings (lost update on a conflict, errors on optional fields,
links to add deals and sources, codes in any case, country names, formatted amounts)."""

from __future__ import annotations

import html as markup
import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import login  # noqa: E402
from form_checks import invalid_inputs, parse  # noqa: E402
from test_web_ledger_form_errors import form_values as raw_values  # noqa: E402


def form_values(html: str, action: str) -> dict[str, str]:
    """The form's values as a browser sends them (entities read)."""
    return {k: markup.unescape(v) for k, v in raw_values(html, action).items()}

REF = "stargate_us_announced"
EDIT = f"/ledger/edit/claim/{REF}"


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def test_a_conflict_keeps_the_other_edit_and_applies_only_my_changes(app):
    ledger = app.state.web.ledger
    a, b = login(app, "eve"), login(app, "eve")
    form_a = form_values(a.get(EDIT).text, EDIT)
    form_b = form_values(b.get(EDIT).text, EDIT)
    old = ledger.get("claim", REF)
    high = str(int(float(old["high"])) + 1_000_000_000)
    central = str(int(float(old["central"])) + 1_000_000)
    saved = a.post(EDIT, data={**form_a, "high": high, "note": "A's note", "reason": "A"},
                   follow_redirects=False)
    assert saved.status_code == 303, saved.text
    conflict = b.post(EDIT, data={**form_b, "central": central, "reason": "B"})
    assert conflict.status_code == 409
    html = conflict.text
    merge = form_values(html, EDIT)
    assert merge["high"] == high and merge["note"] == "A's note" and merge["central"] == central
    rows = {m[0]: m[1] for m in re.findall(
        r'<tr><th scope="row">([^<]+)</th><td>(.*?)</td>', html)}
    assert rows["High"].startswith("the other edit") and rows["Note"].startswith("the other")
    assert rows["Central"].startswith("you")
    done = b.post(EDIT, data=merge, follow_redirects=False)
    assert done.status_code == 303, done.text
    now = ledger.get("claim", REF)
    assert (now["high"], now["note"], now["central"]) == (high, "A's note", central)


def test_a_field_both_changed_is_shown_as_a_conflict_to_choose(app):
    ledger = app.state.web.ledger
    a, b = login(app, "eve"), login(app, "eve")
    form_a = form_values(a.get(EDIT).text, EDIT)
    form_b = form_values(b.get(EDIT).text, EDIT)
    assert a.post(EDIT, data={**form_a, "note": "from A", "reason": "A"},
                  follow_redirects=False).status_code == 303
    conflict = b.post(EDIT, data={**form_b, "note": "from B", "reason": "B"})
    assert conflict.status_code == 409
    page = parse(conflict.text)
    assert invalid_inputs(page) == ["f-note"]
    assert "both: a conflict" in conflict.text
    assert form_values(conflict.text, EDIT)["note"] == "from B"
    assert ledger.get("claim", REF)["note"] == "from A"


def test_the_conflict_page_writes_amounts_with_thousands_commas(app):
    a, b = login(app, "eve"), login(app, "eve")
    form_a = form_values(a.get(EDIT).text, EDIT)
    form_b = form_values(b.get(EDIT).text, EDIT)
    assert a.post(EDIT, data={**form_a, "central": "1800000000", "low": "1000000000",
                              "high": "2000000000", "reason": "A"},
                  follow_redirects=False).status_code == 303
    conflict = b.post(EDIT, data={**form_b, "note": "B again", "reason": "B"})
    table = conflict.text.split("<table>")[1].split("</table>")[0]
    assert "1,800,000,000" in table and "1800000000" not in table


@pytest.mark.parametrize("central", ["lots", "750,5", "-5", ""])
def test_a_new_claims_empty_low_and_high_get_no_error_of_a_bad_central(app, central):
    client = login(app, "eve")
    html = client.get("/ledger/add/claim").text
    data = {**form_values(html, "/ledger/add/claim"), "ref": f"h73_new_claim_{len(central)}",
            "deal": "l_stargate_us_2025_01", "stage": "announced", "low": "", "central": central,
            "high": "", "currency": "USD", "price_year": "2025", "as_of": "2025-01-21",
            "source": "l_stargate_openai_2025_01", "reason": "test"}
    refused = client.post("/ledger/add/claim", data=data)
    assert refused.status_code == 400
    assert invalid_inputs(parse(refused.text)) == ["f-central"]


def test_an_editor_finds_links_to_add_deals_and_sources_and_source_ids(app):
    editor = login(app, "eve")
    ledger_page = editor.get("/ledger").text
    assert 'href="/ledger/add/deal"' in ledger_page
    assert 'href="/ledger/add/source"' in ledger_page
    assert 'href="/ledger/add/deal"' not in login(app, "rita").get("/ledger").text
    source = app.state.web.ledger.records("source")[0]
    for kind, field in (("deal", "sources"), ("claim", "source")):
        page = parse(editor.get(f"/ledger/add/{kind}").text)
        assert page.by_id[f"f-{field}"]["attrs"]["list"] == "source-ids"
        html = editor.get(f"/ledger/add/{kind}").text
        options = re.search(r'<datalist id="source-ids">(.*?)</datalist>', html, re.S).group(1)
        assert f'<option value="{source["id"]}">' in options
        assert 'href="/ledger/add/source" target="_blank"' in html


def test_the_edit_form_takes_codes_in_any_case_and_spent(app):
    client = login(app, "eve")
    data = form_values(client.get(EDIT).text, EDIT)
    saved = client.post(EDIT, data={**data, "currency": "usd", "stage": "Spent",
                                    "reason": "case"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    record = app.state.web.ledger.get("claim", REF)
    assert (record["currency"], record["stage"]) == ("USD", "disbursed")
    client.post(EDIT, data={**form_values(client.get(EDIT).text, EDIT), "stage": "announced",
                            "reason": "back"})


def test_a_deal_page_names_its_country_with_the_code(app):
    client = login(app, "rita")
    page = client.get("/ledger/deals/l_stargate_us_2025_01").text
    region = re.search(r"<dt>Region</dt><dd>(.*?)</dd>", page).group(1)
    assert region == "United States (US)"


def test_a_deals_horizon_before_its_announcement_is_one_clear_error(app):
    client = login(app, "eve")
    data = {**form_values(client.get("/ledger/add/deal").text, "/ledger/add/deal"),
            "id": "h73_deal", "name": "A deal", "region": "de", "sector": "public",
            "purpose": "compute", "announced": "2026-02-27", "horizon_end": "2019-06",
            "sources": "l_stargate_openai_2025_01", "reason": "test"}
    refused = client.post("/ledger/add/deal", data=data)
    assert refused.status_code == 400
    page = parse(refused.text)
    assert invalid_inputs(page) == ["f-horizon_end"]
    assert "before the announced date (2026-02-27)" in refused.text
    saved = client.post("/ledger/add/deal", data={**data, "horizon_end": "2030"},
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert app.state.web.ledger.get("deal", "h73_deal")["region"] == "DE"
