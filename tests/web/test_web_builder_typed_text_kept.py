"""A tester's finding on the plan builder: after a refused check the form showed the numbers
it had read, not the text typed ('-20 bn' came back as -20000000000, '99999999 tn' as
9.9999999e+19, draws '1e9' as 1000000000.0 with "write a whole number"). Now every input of a
form with errors shows exactly what was typed, each message says what is wrong with that
value ("at most 20,000 draws (you gave: 1e9)"), no input's value is in exponent form, and a
valid form shown again shows its numbers in plain digits."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields  # noqa: E402
from test_web_builder_words import submit  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

LABOUR = {"cond-0-metric": "labour_share", "cond-0-bound": "max"}
SUPPLIER = {"proc-0-category": "accelerators", "proc-0-supplier": "nvidia"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(db=str(tmp_path_factory.mktemp("typed") / "ledger.sqlite"),
                     start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def message(html: str, anchor: str) -> str:
    """The error message shown at the input `anchor` (with its '(you gave: ...)')."""
    found = re.search(rf'<span class="error-message" id="{anchor}-error"><span '
                      r'class="visually-hidden">Error: </span>(.*?)</span>', html, re.S)
    assert found, f"no error at {anchor}"
    return unescape(found.group(1))


def exponent_values(html: str, typed: dict[str, str] | None = None) -> list[str]:
    """Every input value attribute in exponent form ('1e+20', '1e-07'), but for the text
    the user typed ('1e9')."""
    values = [unescape(v) for v in re.findall(r'<input [^>]*value="([^"]*)"', html)]
    return [v for v in values if re.search(r"\de[+-]?\d", v, re.I) and v not in
            (typed or {}).values()]


@pytest.mark.parametrize(("changes", "name", "says"), [
    ({"budget": "-20 bn"}, "budget",
     "A budget must be more than zero: at least 1, one unit of the plan's currency "
     "(you gave: -20 bn)"),
    ({"budget": "99999999 tn"}, "budget",
     "A budget can be at most 100,000 tn in the plan's currency, the upper bound "
     "(there to catch typos): check the amount and its size word (you gave: "
     "99999999 tn)"),
    ({"draws": "1e9"}, "draws",
     "the web app runs at most 20,000 draws (use the command line for more) (you gave: 1e9)"),
    ({"seed": "1e30"}, "seed", "write 9,223,372,036,854,775,807 or less (you gave: 1e30)"),
    ({"seed": "1e19"}, "seed", "write 9,223,372,036,854,775,807 or less (you gave: 1e19)"),
    ({"year": "1e4"}, "year", "write 2100 or earlier (you gave: 1e4)"),
    ({"price_year": "1e5"}, "price_year", "write 2100 or earlier (you gave: 1e5)"),
    ({"horizon_years": "1e3"}, "horizon_years", "write 30 or less (you gave: 1e3)"),
    ({"spend-0-central": "1e3"}, "spend-0-central",
     "write a share between 0 and 1, or a percent from 0 % to 100 % (you gave: 1e3)"),
    ({"spend-0-high": "-2e5"}, "spend-0-high",
     "write a share between 0 and 1, or a percent from 0 % to 100 % (you gave: -2e5)"),
    ({"spend-0-central": "0.0000001"}, "spend-0-central",
     "low 30 % is above central 0.00001 %: the low value must not be above the central one, "
     "nor the central one above the high one (low 30 %, central 0.00001 %, high 46 %) "
     "(you gave: 0.0000001)"),
    ({**SUPPLIER, "proc-0-central": "1e20"}, "proc-0-central",
     "write a share between 0 and 1, or a percent from 0 % to 100 % (you gave: 1e20)"),
    ({**LABOUR, "cond-0-value": "1e9"}, "cond-0-value",
     "for the measure labour share, write a share between 0 and 1, or a percent from 0 % to "
     "100 % (you gave: 1e9)"),
    ({"site_country": "fra"}, "site_country",
     "must be two capital letters, an ISO 3166 country code such as FR or DE (you gave: fra)"),
    ({"currency": "eurx"}, "currency",
     "must be three capital letters, an ISO 4217 code such as EUR or USD (you gave: eurx)"),
])
def test_a_refused_value_is_shown_as_typed_with_what_is_wrong_with_it(client, changes, name,
                                                                      says):
    page, _ = submit(client, **changes)
    assert page.status_code == 400
    assert form_fields(page.text)[name] == changes[name]
    anchor = name if name.startswith(("spend-", "proc-", "cond-")) else f"f-{name}"
    assert message(page.text, anchor) == says
    assert "whole number" not in message(page.text, anchor)
    assert exponent_values(page.text, changes) == []


def test_every_other_input_keeps_its_text_when_one_is_refused(client):
    typed = {"budget": "1500000000", "spend-0-central": "0.50", "spend-0-low": "40 %",
             "spend-0-high": "0.6", "year": "2025.0", "seed": "7", "title": "  Mine  ",
             **SUPPLIER, "proc-0-central": "1.0", **LABOUR, "cond-0-value": "30.0 %",
             "cond-0-selector": "country", "cond-0-target": "fr", "draws": "1e9"}
    page, _ = submit(client, **typed)
    assert page.status_code == 400
    shown = form_fields(page.text)
    assert {name: shown[name] for name in typed if name != "title"} == \
        {name: text for name, text in typed.items() if name != "title"}
    assert shown["title"] == "Mine"               # spaces around a title are not kept
    assert message(page.text, "f-draws").endswith("(you gave: 1e9)")
    assert exponent_values(page.text, typed) == []


def test_a_repeated_category_leaves_the_first_rows_text_alone(client):
    first = form_fields(client.get("/build?reference=eu-ai-gigafactories").text)
    category = first["spend-0-category"]
    page, _ = submit(client, **{"spend-0-central": "0.5", "spend-7-category": category,
                                "spend-7-central": "0.2"})
    shown = form_fields(page.text)
    assert page.status_code == 400 and shown["spend-0-central"] == "0.5"
    rows = [i for i in range(20) if shown.get(f"spend-{i}-category") == category]
    assert [shown[f"spend-{i}-central"] for i in rows] == ["0.5", "0.2"]


def test_a_valid_form_shown_again_has_plain_numbers(client):
    """A valid form may show a number as read ('2e3' draws: 2000), never in exponent form."""
    rows = {"spend-0-low": "", "spend-0-central": "0.9999999", "spend-0-high": "",
            "spend-1-low": "", "spend-1-central": "0.0000001", "spend-1-high": "",
            **{f"spend-{i}-category": "" for i in (2, 3, 4)}}
    page, draft = submit(client, draws="2e3", renewable_share="0.00001 %", **rows)
    assert page.status_code == 200 and "The plan is valid" in page.text
    assert draft["draws"] == 2000
    shown = form_fields(page.text)
    assert shown["draws"] == "2000"
    assert shown["spend-1-central"] == "0.0000001"
    assert shown["renewable_share"] == "0.00001 %"
    assert exponent_values(page.text) == []


@pytest.mark.parametrize(("changes", "anchor", "says"), [
    ({**LABOUR, "cond-0-value": "30 %", "cond-0-selector": "country", "cond-0-target": "fr"},
     "cond-0-selector", "'For' applies to the measure value added share only: choose that "
     "measure, or set 'For' to (all)"),
    ({"cond-0-metric": "value_added_share", "cond-0-value": "30 %"}, "cond-0-selector",
     "value added share needs a group, country or firm: choose one under 'For' and write it "
     "under 'Which'")])
def test_a_condition_missing_or_misusing_for_quotes_no_other_inputs_value(client, changes,
                                                                          anchor, says):
    """The problem is the 'For' input, not the bound: no '(you gave: max 30 %)'."""
    page, _ = submit(client, **changes)
    assert page.status_code == 400
    assert message(page.text, anchor) == says
    assert form_fields(page.text)["cond-0-value"] == "30 %"
