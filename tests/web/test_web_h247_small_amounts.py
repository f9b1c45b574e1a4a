"""h247, a tester's findings on tiny and huge figures in the web app:

1. The builder's EU preference weight took 1e308 ("weight 1e+308"); the ruled supplier share
   fields then held 300+ characters ('0.0000...0006097560976') and the run page printed
   'Vertiv EUR 0.000...00064' (307 characters) in its text and its Sankey labels. Now the
   weight is at most analysis.procurement.MAX_EU_WEIGHT (100), a share field holds at most
   ten significant digits and twelve decimals, and `money` prints an amount below a
   millionth of a unit as 'under EUR 0.000001'.
2. A deal page printed 'Committed / announced 1500000000000000.0 %' for a claim of tiny
   parts; `percent` now writes whole percents with thousands separators from 1,000 %.
"""

from __future__ import annotations

import html as markup
import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import login  # noqa: E402
from runs_helpers import form_fields  # noqa: E402
from test_web_builder_rules_h83 import apply, draft_of, reference_form, words  # noqa: E402
from test_web_ledger_form_errors import form_values as raw_values  # noqa: E402

from moneytrail.analysis.procurement import MAX_EU_WEIGHT, ProcurementRules  # noqa: E402
from moneytrail.errors import ScenarioError  # noqa: E402
from moneytrail.report.units import (  # noqa: E402
    interval_text,
    money,
    money_in_range,
    money_range,
    percent,
)
from moneytrail.web import builder, charts  # noqa: E402

TINY = 6.4e-305           # Vertiv's first-invoice amount under weight 1e308 (the tester's run)


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


# -- 1: the EU preference weight has an upper bound -------------------------------------------
@pytest.mark.parametrize("typed", ["1e308", "101", "1000"])
def test_a_weight_above_the_bound_is_a_field_error_saying_why(typed):
    rules, errors = builder.read_rules({"cap": "50 %", "weight": typed}, ["accelerators"])
    assert [e["anchor"] for e in errors] == ["f-rules_weight"]
    assert "at most 100" in errors[0]["message"]
    assert "EU-only rule" in errors[0]["message"]


@pytest.mark.parametrize("typed, weight", [("1", 1.0), ("2", 2.0), ("100", 100.0)])
def test_weights_up_to_the_bound_are_taken(typed, weight):
    rules, errors = builder.read_rules({"cap": "50 %", "weight": typed}, ["accelerators"])
    assert errors == [] and rules["eu_weight"] == weight


def test_the_rules_refuse_a_weight_above_the_bound_for_the_cli_too():
    assert MAX_EU_WEIGHT == 100
    ProcurementRules(eu_weight=MAX_EU_WEIGHT)
    with pytest.raises(ScenarioError, match="from 1 .none. to 100"):
        ProcurementRules(eu_weight=1e308)


def test_the_builder_refuses_1e308_and_names_the_bound(client):
    page, location = apply(client, reference_form(client, rules_weight="1e308"))
    assert "weight 1e+308" not in page.text
    assert "procurement" not in draft_of(location) or not any(
        "1e+308" in str(row) for row in draft_of(location)["procurement"].values())
    assert "write a number of at most 100" in markup.unescape(page.text)
    assert "from 1 to 100" in markup.unescape(page.text)     # the field's hint


def test_the_builder_applies_the_largest_weight_with_short_share_fields(client):
    page, location = apply(client, reference_form(client, rules_weight="100"))
    assert "weight 100" in words(page.text, r'id="rules-result".*?</div>')
    shares = {k: v for k, v in form_fields(page.text).items()
              if re.fullmatch(r"proc-\d+-(low|central|high)", k) and v}
    assert shares and max(len(v) for v in shares.values()) <= 14, shares


@pytest.mark.parametrize("share, shown", [
    (6.097560976e-310, "0"), (0.1999999999999999, "0.2"), (1e-7, "0.0000001"),
    (0.000123456789012345, "0.000123456789"), (6e-13, "0.000000000001"), (4e-13, "0")])
def test_a_share_field_holds_bounded_digits(share, shown):
    assert builder.shown_share(share) == shown


# -- 1: amounts far below one unit print compactly, everywhere money is printed ----------------
@pytest.mark.parametrize("amount, text", [
    (TINY, "under EUR 0.000001"), (-TINY, "above EUR -0.000001"),
    (9.9e-7, "under EUR 0.000001"), (1e-6, "EUR 0.0000010"), (3.8e-6, "EUR 0.0000038"),
    (0.00088, "EUR 0.00088"), (0.0038, "EUR 0.0038"), (0.4, "EUR 0.40"), (0, "EUR 0")])
def test_money_below_a_millionth_is_one_short_phrase(amount, text):
    assert money(amount, "EUR") == text


def test_money_ranges_of_tiny_amounts_stay_short():
    assert money_range(0, TINY, "EUR") == "EUR 0 – under EUR 0.000001"
    assert money_range(TINY, 1e-5, "EUR") == "EUR 0.000000–0.000010"
    assert money_in_range(TINY, 0, 2 * TINY, "EUR") == "under EUR 0.000001"
    assert interval_text(TINY, 2 * TINY, "EUR", like=TINY) == "under EUR 0.000001"
    assert len(money_range(TINY, 0.005, "EUR")) < 25


def test_the_sankey_labels_and_hover_texts_stay_short():
    data = {"currency": "EUR", "nodes": ["Plan", "Accelerators", "Vertiv"],
            "links": [{"source": "Plan", "target": "Accelerators", "value": 2e10},
                      {"source": "Accelerators", "target": "Vertiv", "value": TINY}]}
    chart = charts.sankey_figure(data)
    trace = chart["data"][0]
    texts = [*trace["node"]["label"], *trace["node"]["customdata"],
             *trace["link"]["customdata"], *chart["narrow"]["traces"][0]["node"]["label"]]
    assert any("Vertiv" in t and "under EUR 0.000001" in t for t in texts), texts
    assert max(len(t) for t in texts) < 60, texts


# -- 2: a ratio of any size prints as a percent -------------------------------------------------
@pytest.mark.parametrize("ratio, text", [
    (15.0, "1,500 %"), (1.5e13, "1,500,000,000,000,000 %"), (9.9996, "1,000 %"),
    (9.99949, "999.9 %"), (0.25, "25.0 %"), (1.0, "100.0 %"), (-15.0, "-1,500 %")])
def test_percent_groups_thousands_and_never_prints_a_float(ratio, text):
    assert percent(ratio) == text


REF = "stargate_us_announced"
EDIT = f"/ledger/edit/claim/{REF}"
DEAL = "/ledger/deals/l_stargate_us_2025_01"


def test_a_deal_of_tiny_claim_parts_prints_its_ratio_and_amounts_readably(app):
    eve = login(app, "eve")
    form = {k: markup.unescape(v) for k, v in raw_values(eve.get(EDIT).text, EDIT).items()}
    saved = eve.post(EDIT, data={**form, "low": "0.001", "central": "0.001", "high": "0.001",
                                 "reason": "h247 tiny parts"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    text = " ".join(markup.unescape(re.sub("<[^>]+>", " ", eve.get(DEAL).text)).split())
    ratio = re.search(r"Committed / announced (\S+ %)", text)
    assert ratio, text[:2000]
    assert re.fullmatch(r"\d{1,3}(,\d{3})* %", ratio.group(1)), ratio.group(1)
    assert ".0 %" not in ratio.group(1)
    assert not re.search(r"\d{5,}", text.split("Committed / announced", 1)[1][:200])
