"""A data journalist's findings (h87): a plan whose title names EUR 20 bn under a EUR 30 bn
budget went unflagged; the compare page printed rounding noise of two runs as differences
('-EUR 0.00000000070', '<0.01 points'); the jobs at one time rest on the tool's default five
years of spending without saying so; the CSV downloads named no currency and no FTE-years."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web.runs import encode_draft  # noqa: E402

DRAWS = 300


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("h87") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def reference(name: str, **changes) -> dict:
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.scenarios.yamlio import read_yaml

    plan = dict(read_yaml(reference_dir() / f"{name}.yaml", ValueError))
    plan.update(draws=DRAWS, seed=3, **changes)
    return plan


# the EU plan at EUR 30 bn, its title reworded but still naming the fund's EUR 20 bn
RENAMED = "EU AI gigafactories, scaled up (InvestAI's EUR 20 bn fund)"


@pytest.fixture(scope="module")
def base_run(client) -> str:
    return finished(client, reference("eu-ai-gigafactories"))


@pytest.fixture(scope="module")
def bigger_run(client) -> str:
    return finished(client, reference("eu-ai-gigafactories", id="gf-30", title=RENAMED,
                                      description="The fund at EUR 30 bn.",
                                      budget={"amount": 30e9}))


@pytest.fixture(scope="module")
def stargate_run(client) -> str:
    return finished(client, reference("stargate-style-us"))


# -- 2. a title naming a figure the budget no longer matches is flagged ----------------------
def test_the_builder_flags_a_title_naming_another_amount(client):
    plan = reference("eu-ai-gigafactories", title=RENAMED, description="Bigger.",
                     budget={"amount": 30e9})
    page = client.get(f"/build?plan={encode_draft(plan)}").text
    note = re.search(r'<p [^>]*id="f-inherited"[^>]*>(.*?)</p>', page, re.S)
    assert note, "no warning at the title"
    assert text_of(note[1]) == ("The title names EUR 20 bn; this plan's budget is EUR 30.00 "
                                "bn. Check that the title still describes your plan.")
    title = re.search(r'<input id="f-title"[^>]*>', page)
    described = re.search(r'aria-describedby="([^"]*)"', title[0]) if title else None
    assert described and "f-inherited" in described[1].split()   # beside the length hint
    assert 'value="EU AI gigafactories, scaled up (InvestAI&#39;s EUR 20 bn fund)"' in page \
        or "scaled up (InvestAI&#x27;s EUR 20 bn fund)" in page      # the text is kept
    same = reference("eu-ai-gigafactories", title="My EUR 30 bn gigafactories",
                     description="Bigger.", budget={"amount": 30e9})
    assert 'id="f-inherited"' not in client.get(f"/build?plan={encode_draft(same)}").text


def test_the_run_and_compare_pages_flag_the_title(client, base_run, bigger_run):
    page = client.get(f"/r/{bigger_run}").text
    note = re.search(r'<p [^>]*id="inherited-text"[^>]*>(.*?)</p>', page, re.S)
    assert note and "The title names EUR 20 bn, while this plan's budget is EUR 30.00 bn" \
        in text_of(note[1])
    compare = client.get(f"/compare?runs={base_run},{bigger_run}").text
    notes = [text_of(n) for n in re.findall(r'<p class="notice notice-info plan-text"[^>]*>'
                                            r'(.*?)</p>', compare, re.S)]
    assert notes == [f"Run {bigger_run[:8]} (“{RENAMED}”): The title names EUR 20 bn, while "
                     "this plan's budget is EUR 30.00 bn: the figures are of the budget, not "
                     "of the amount in the title."]


def test_the_compare_page_flags_a_reference_title_kept(client, base_run):
    kept = finished(client, reference("eu-ai-gigafactories", id="gf-30-kept",
                                      description="Mine.", budget={"amount": 30e9}))
    compare = client.get(f"/compare?runs={base_run},{kept}").text
    notes = [text_of(n) for n in re.findall(r'<p class="notice notice-info plan-text"[^>]*>'
                                            r'(.*?)</p>', compare, re.S)]
    assert len(notes) == 1 and "The title is the reference plan’s text, unchanged" in notes[0]


# -- 4. differences below the figures' precision are 0 -----------------------------------------
def test_compare_differences_of_rounding_noise_are_zero(client, base_run, bigger_run):
    page = client.get(f"/compare?runs={base_run},{bigger_run}").text
    cells = [text_of(c) for c in re.findall(r'<td class="num difference">(.*?)</td>', page,
                                            re.S)]
    assert cells
    assert not [c for c in cells if "<0.01" in c or "0.00000" in c], cells
    # the shares of a plan scaled up are the same: 0 points, as an exact zero prints
    assert cells.count("0 points") >= 5
    body = client.get(f"/api/v1/compare?runs={base_run},{bigger_run}&format=csv"
                      "&table=headline").text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and all(float(r["difference_p50"]) == 0.0 for r in rows)


def test_difference_value_snaps_noise_only():
    from moneytrail.report.units import difference_text, difference_value

    assert difference_value(0.4, 0.4 + 4e-17) == 0.0
    assert difference_value(20e9, 20e9 - 7e-10) == 0.0
    assert difference_text(difference_value(20e9, 20e9 - 7e-10), "EUR") == "EUR 0"  # h97
    assert difference_text(difference_value(0.4, 0.4 - 1e-15), "share") == "0 points"
    assert difference_value(0.4, 0.40001) == pytest.approx(1e-5)
    assert difference_text(difference_value(0.4, 0.40001), "share") == "<0.01 points"
    assert difference_value(None, 1.0) is None


# -- 3. the years of spending are the tool's default -------------------------------------------
def test_the_run_page_says_the_five_years_are_the_default(client, base_run):
    page = client.get(f"/r/{base_run}").text
    start = page.index('id="footprints-h"')
    words = text_of(page[start:page.index("</section>", start)])
    assert "The 5 years of spending are the tool's default spending period, an assumption " \
           "and not a figure of the plan" in words
    assert "can set its own years of spending (1 to 30, at most the horizon) to change it" \
        in words
    assert "spend_years" not in words                 # field names are said in words


def test_a_plan_with_its_own_years_has_no_default_note(client):
    own = finished(client, reference("eu-ai-gigafactories", id="gf-4y", spend_years=4))
    page = client.get(f"/r/{own}").text
    assert "default spending period" not in page
    assert "FTE-years / 4 years of spending" in text_of(page)


# -- 5. the CSV downloads name the currency and FTE-years ------------------------------------
def test_run_csv_names_currency_and_fte_years(client, stargate_run):
    body = client.get(f"/api/v1/runs/{stargate_run}?format=csv&table=country").text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and {r["currency"] for r in rows} == {"USD"}
    assert {r["jobs_fte_unit"] for r in rows} == {"FTE-years"}
    assert {r["co2_t_unit"] for r in rows} == {"t CO2e"}
    header = body.splitlines()[0].split(",")
    assert "jobs_fte_p50" in header and "amount_p50" in header      # names unchanged
    flows = client.get(f"/api/v1/runs/{stargate_run}?format=csv&table=flows_location").text
    assert {r["currency"] for r in csv.DictReader(io.StringIO(flows))} == {"USD"}
    jobs = client.get(f"/api/v1/runs/{stargate_run}?format=csv&table=jobs").text
    # rows carry their unit; the money rows also their currency and price year
    # (service.result.row_money_units), the other rows neither
    for row in csv.DictReader(io.StringIO(jobs)):
        unit = row["unit"].split(" (", 1)[0]
        money = unit == "USD" or unit.endswith(" per USD million")   # at its price year
        assert (row["currency"], row["price_year"] != "") == (
            ("USD", True) if money else ("", False)), row
