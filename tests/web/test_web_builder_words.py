"""A web tester's findings on the plan builder's numbers (h39): amounts written the ways people
write them are read (20.000.000.000, 20 000 000 000 with any thousands space, 20 Mrd, 20 Md,
€20bn, $20 bn in a USD plan, 20bn), shares as percents (39 %), and every refusal says in plain
words what the field expects ("Enter a budget", "Budget: write an amount such as 20 bn, ...",
"A budget must be more than zero"), with the input marked that holds the wrong value (an
interval's `high`, not its row). Reference plans are pre-filled as a person types ("20 bn")
and read back to the very same numbers."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields  # noqa: E402

from moneytrail.errors import ScenarioError  # noqa: E402
from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.yamlio import read_yaml  # noqa: E402
from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.numbers import NumberTextError, amount_text, read_number  # noqa: E402
from moneytrail.web.runs import decode_draft  # noqa: E402

PLAN = "eu-ai-gigafactories"            # a EUR plan
BN20 = 20_000_000_000
NNBSP, NBSP, THIN = "\u202f", "\u00a0", "\u2009"


# -- the reader ---------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", [
    "20.000.000.000", "20 000 000 000", f"20{NNBSP}000{NNBSP}000{NNBSP}000",
    f"20{NBSP}000{NBSP}000{NBSP}000", f"20{THIN}000{THIN}000{THIN}000", "20 Mrd", "20 Mrd.",
    "20 Md", "20 mrd", "€20bn", "€ 20 bn", "20 bn €", "20 Mrd. €", "EUR 20bn", "eur 20 bn",
    "20bn", "20 000 m", "20 000 Mio"])
def test_common_ways_to_write_twenty_billion_are_read(typed):
    value = read_number(typed, sizes=True, currency="EUR")
    assert value == BN20 and type(value) is int


@pytest.mark.parametrize(("typed", "expected"), [
    ("1 234.5", 1234.5), ("1.5 Mrd", 1_500_000_000), ("2.5 Md", 2_500_000_000),
    ("20.0", 20.0), ("1.2345", 1.2345), ("0.250", 0.25)])    # one dot is a decimal point
def test_other_forms_keep_their_one_reading(typed, expected):
    assert read_number(typed, sizes=True, currency="EUR") == expected


@pytest.mark.parametrize("typed", ["20.000", "1.234"])
def test_one_dot_before_three_digits_stays_a_decimal_point_outside_amounts(typed):
    """An amount refuses it (a thousands dot?), other number fields read a decimal point."""
    assert read_number(typed) == float(typed)
    with pytest.raises(NumberTextError, match="with a dot between thousands"):
        read_number(typed, sizes=True, currency="EUR")


@pytest.mark.parametrize("typed", ["$20 bn", "$20bn", "20 bn $", "USD 20 bn"])
def test_a_symbol_of_the_plans_currency_is_read(typed):
    assert read_number(typed, sizes=True, currency="USD") == BN20


@pytest.mark.parametrize(("typed", "currency", "says"), [
    ("€20bn", "USD", "€ does not match the plan's currency USD"),
    ("$20 bn", "EUR", "$ does not match the plan's currency EUR"),
    ("20 Mrd €", "GBP", "€ does not match the plan's currency GBP"),
    ("USD 20 bn", "EUR", "the amount is in USD but the plan's currency is EUR"),
    ("20,5", "EUR", "use a point for decimals"),        # a comma only separates thousands
    ("1.234,5", "EUR", "use a point for decimals"),
    ("20.000 Mio", "EUR", "one dot before three digits with Mio, Mrd or Md"),
    ("1.500 Mrd", "EUR", "one dot before three digits with Mio, Mrd or Md")])
def test_what_cannot_be_read_without_guessing_is_refused(typed, currency, says):
    with pytest.raises(NumberTextError, match=re.escape(says)):
        read_number(typed, sizes=True, currency=currency)


@pytest.mark.parametrize("typed", ["12345 678", "1 23 456", "20.00.000", "20 Mrd Mrd",
                                   "EUR 20 EUR", "twenty", "20 bnn"])
def test_no_number_is_guessed(typed):
    assert read_number(typed, sizes=True, currency="EUR") is None


@pytest.mark.parametrize(("typed", "share"), [
    ("39%", 0.39), ("39 %", 0.39), ("100%", 1.0), ("0%", 0.0), ("12.5 %", 0.125),
    ("0.5 %", 0.005), ("0.39", 0.39)])
def test_percents_in_a_share_field(typed, share):
    value = read_number(typed, percent=True)
    assert value == share and isinstance(value, float)


def test_a_percent_is_no_number_elsewhere():
    assert read_number("39%") is None
    assert read_number("%", percent=True) is None and read_number("5%%", percent=True) is None


@pytest.mark.parametrize(("value", "text"), [
    (BN20, "20 bn"), (2e10, "20 bn"), (1.5e9, "1.5 bn"), (750e6, "750 m"), (2.5e12, "2.5 tn"),
    (500e9, "500 bn"), (1e17, "100000 tn"), (123_456_789, "123456789"), (1234.5, "1234.5")])
def test_amount_text_writes_what_a_person_types(value, text):
    assert amount_text(value) == text
    assert read_number(text, sizes=True) == value


@given(st.one_of(st.integers(1, 10 ** 17), st.floats(1, 1e17, allow_nan=False)))
def test_amount_text_reads_back_to_the_same_number(value):
    assert read_number(amount_text(value), sizes=True, currency="EUR") == value


# -- the builder ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h39") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def submit(client, plan: str = PLAN, **changes: str):
    """The builder form of a reference plan with `changes`, checked: the page and the draft."""
    fields = form_fields(client.get(f"/build?reference={plan}").text)
    fields.update(changes, action="check")
    response = client.post("/build", data=fields, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    return client.get(location), decode_draft(parse_qs(urlsplit(location).query)["plan"][0])


def summary(html: str) -> str:
    """The error summary's line, after the id of the input it links to."""
    found = re.search(r'<div class="notice error-summary".*?<p><a href="#([^"]+)">(.*?)</a>',
                      html, re.S)
    assert found, "no error summary"
    return found.group(1) + " " + unescape(found.group(2))


@pytest.mark.parametrize(("typed", "line"), [
    ("abc", "f-budget Budget: write an amount such as 20 bn, 20,000,000,000 or 1.5 tn "
     "(you gave: abc)"),
    ("20 bn bn", "f-budget Budget: write an amount such as 20 bn, 20,000,000,000 or 1.5 tn "
     "(you gave: 20 bn bn)"),
    ("", "f-budget Enter a budget"),
    ("   ", "f-budget Enter a budget"),
    ("-5 bn", "f-budget A budget must be more than zero: at least 1, one unit of the plan's "
     "currency (you gave: -5 bn)"),
    ("0", "f-budget A budget must be more than zero: at least 1, one unit of the plan's "
     "currency (you gave: 0)"),
    ("1e30", "f-budget A budget can be at most 100,000 tn in the plan's currency, the "
     "upper bound (there to catch typos): check the amount and its size word "
     "(you gave: 1e30)"),
    ("$20 bn", "f-budget Budget: $ does not match the plan's currency EUR: give the amount in "
     "EUR or change the currency (you gave: $20 bn)")])
def test_budget_errors_in_plain_words(client, typed, line):
    page, _ = submit(client, budget=typed)
    assert page.status_code == 400
    said = summary(page.text)
    assert said == line
    for jargon in ("Input should be", "parse", "budget.amount", "e+", ".0"):
        assert jargon not in said.replace("(you gave: 1e30)", "")


@pytest.mark.parametrize("typed", ["20.000.000.000", "20 000 000 000",
                                   f"20{NNBSP}000{NNBSP}000{NNBSP}000", "20 Mrd", "20 Mrd.",
                                   "20 Md", "€20bn", "EUR 20bn", "20bn"])
def test_builder_reads_common_amounts(client, typed):
    page, draft = submit(client, budget=typed)
    assert page.status_code == 200, summary(page.text)
    assert draft["budget"]["amount"] == BN20


def test_builder_reads_a_dollar_budget_in_a_usd_plan(client):
    page, draft = submit(client, "stargate-style-us", budget="$20 bn")
    assert page.status_code == 200, summary(page.text)
    assert draft["budget"]["amount"] == BN20


def test_builder_reads_shares_as_percents(client):
    fields = form_fields(client.get(f"/build?reference={PLAN}").text)
    central = {k: v for k, v in fields.items() if re.fullmatch(r"spend-\d+-central", k) and v}
    percents = {k: f"{Decimal(v) * 100:f} %" for k, v in central.items()}
    lows = {k.replace("central", "low"): "" for k in central}
    highs = {k.replace("central", "high"): "" for k in central}
    page, draft = submit(client, **percents, **lows, **highs)
    assert page.status_code == 200, summary(page.text)
    for key, text in central.items():
        category = fields[key.replace("central", "category")]
        assert draft["spend"][category]["central"] == pytest.approx(float(text), abs=1e-15)
    first = next(iter(central)).replace("central", "")
    others = {k: "" for k in central if not k.startswith(first)}
    cats = {k.replace("central", "category"): "" for k in others}
    page, draft = submit(client, **{f"{first}central": "100%"}, **cats, **lows, **highs)
    assert page.status_code == 200, summary(page.text)
    assert [row["central"] for row in draft["spend"].values()] == [1.0]


def test_a_share_that_is_no_number_says_what_it_expects(client):
    page, _ = submit(client, **{"spend-0-central": "lots"})
    assert summary(page.text) == ("spend-0-central Category 1 (AI accelerators), Share: write "
                                  "a share such as 0.39 or 39 % (you gave: lots)")


@pytest.mark.parametrize(("field", "typed", "anchor", "says"), [
    ("spend-0-high", "1.5", "spend-0-high",
     "Category 1 (AI accelerators), High: write a share between 0 and 1, or a percent from "
     "0 % to 100 %; if you mean 1.5 percent, write 1.5 % (you gave: 1.5)"),
    ("spend-0-low", "0.9", "spend-0-low", "Category 1 (AI accelerators), Low: low 90 % is "
     "above central 39 %: the low value must not be above the central one"),
    ("spend-0-high", "0.01", "spend-0-high", "Category 1 (AI accelerators), High: central "
     "39 % is above high 1 %: the low value must not be above the central one"),
    ("spend-0-central", "-0.1", "spend-0-central",
     "Category 1 (AI accelerators), Share: write a share between 0 and 1, or a percent from "
     "0 % to 100 % (you gave: -0.1)")])
def test_interval_errors_mark_the_input_at_fault(client, field, typed, anchor, says):
    page, _ = submit(client, **{field: typed})
    line = summary(page.text)
    assert line.startswith(f"{anchor} {says}"), line
    assert f'<input id="{anchor}" name="{field}" type="text" value="{typed}"' in page.text
    assert f'id="{anchor}-error"' in page.text


@pytest.mark.parametrize("plan_id", [p.stem for p in reference_scenarios()])
def test_reference_plans_prefill_in_words_that_read_back_exactly(client, plan_id):
    path = next(p for p in reference_scenarios() if p.stem == plan_id)
    plan = read_yaml(path, ScenarioError, what="scenario file")
    fields = form_fields(client.get(f"/build?reference={plan_id}").text)
    assert fields["budget"] == amount_text(plan["budget"]["amount"])
    assert re.fullmatch(r"\d+(\.\d{1,3})? (m|bn|tn)", fields["budget"]), fields["budget"]
    page, draft = submit(client, plan_id)
    assert page.status_code == 200, summary(page.text)
    assert draft["budget"]["amount"] == plan["budget"]["amount"]
    for category, share in plan["spend"].items():
        share = share if isinstance(share, dict) else {"central": share}
        for part in ("low", "central", "high"):
            assert draft["spend"][category].get(part) == share.get(part), (category, part)
    for category, suppliers in (plan.get("procurement") or {}).items():
        for supplier, share in suppliers.items():
            share = share if isinstance(share, dict) else {"central": share}
            for part in ("low", "central", "high"):
                assert draft["procurement"][category][supplier].get(part) == share.get(part)


# -- the command line: one line naming file and the interval's part ------------------------------
def test_cli_names_the_part_of_an_interval(tmp_path):
    source = next(p for p in reference_scenarios() if p.stem == PLAN)
    plan = read_yaml(source, ScenarioError, what="scenario file")
    plan["spend"]["accelerators"] = {"central": 0.39, "low": 0.3, "high": 1.5}
    target = tmp_path / f"{PLAN}.yaml"
    import yaml

    target.write_text(yaml.safe_dump(dict(plan), sort_keys=False), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "moneytrail", "trace", str(target),
                          "--draws", "10"], capture_output=True, text=True,
                         env={**__import__("os").environ,
                              "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")})
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert str(target) in lines[0] and "field 'spend.accelerators.high'" in lines[0]
    assert "value 1.5" in lines[0]
