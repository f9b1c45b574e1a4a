"""Jobs per million spent name the price year they are at (tester finding h31): the same
plan in EUR and in USD shows a few per cent apart in FTE per EUR million because pay per FTE
is converted at its own year's exchange rates and not deflated; money at another price year is
restated to the plan year first (h55). The CLI's jobs table and the compare scorecard say so,
with the year each plan's own price year gives (never a year written into code)."""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
STORE = Path(tempfile.mkdtemp()) / "runs.sqlite"
PLAN = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"


def cli(*args):
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(STORE)}
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    """The reference plan (EUR), the same plan in USD at the newest price year the data
    reach, and the EUR plan under another id (same currency and price year)."""
    from moneytrail.service.tasks import newest_money_year
    from moneytrail.service.workspace import Workspace

    folder = tmp_path_factory.mktemp("h31-plans")
    base = yaml.safe_load(PLAN.read_text())
    with Workspace.open() as ws:
        newest = newest_money_year(ws.analysis.money)
    assert newest is not None and newest != (base.get("price_year") or base["year"])
    usd = folder / "gf-usd.yaml"
    usd.write_text(yaml.safe_dump({**base, "id": "gf-usd", "currency": "USD",
                                   "price_year": newest}))
    twin = folder / "gf-twin.yaml"
    twin.write_text(yaml.safe_dump({**base, "id": "gf-twin",
                                    "budget": {**base["budget"], "amount": 1e10}}))
    return {"eur": PLAN, "usd": usd, "twin": twin, "newest": newest,
            "base_year": base.get("price_year") or base["year"]}


def jobs_note(path) -> str:
    out = cli("trace", path, "--draws", "200", "--by", "jobs", "--format", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["tables"]["jobs"]["note"]


def test_jobs_table_names_the_plans_price_year(plans):
    note = jobs_note(plans["eur"])
    assert (f"Jobs per EUR million are at {plans['base_year']} prices, the plan's price year"
            in note), note
    assert re.search(r"pay per full-time job \(20\d\d figures\) is converted into EUR at that "
                     r"year's exchange rates and not deflated", note), note
    note = jobs_note(plans["usd"])
    assert f"Jobs per USD million are at {plans['newest']} prices" in note, note
    # the plan year (2025) is not its price year: pay is taken as the plan year's money and
    # the plan's money restated to it (tester finding h55)
    assert f"not deflated to {plans['base_year']}, the plan year" in note, note
    assert f"restated from {plans['newest']} to {plans['base_year']} prices" in note, note


def test_terminal_jobs_table_footnote_says_it(plans):
    out = cli("trace", plans["usd"], "--draws", "200", "--by", "jobs")
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert f"Jobs per USD million are at {plans['newest']} prices" in text


def scorecard_note(*paths) -> str:
    out = cli("compare", *paths, "--draws", "200", "--format", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["tables"]["scorecard"]["note"]


def test_compare_in_two_currencies_names_each_price_year(plans):
    note = scorecard_note(plans["eur"], plans["usd"])
    assert (f"Jobs per EUR million are at each plan's price year (eu-ai-gigafactories: "
            f"{plans['base_year']}, gf-usd: {plans['newest']})") in note, note
    assert "not deflated" in note


def test_compare_in_one_currency_and_price_year_needs_no_such_note(plans):
    assert "each plan's price year (" not in scorecard_note(plans["eur"], plans["twin"])


def test_the_sentence_follows_its_inputs():
    from moneytrail.service.footprints import jobs_price_compare_note, jobs_price_note

    assert jobs_price_note("JPY", 2024, [2023, 2024]).startswith(
        "Jobs per JPY million are at 2024 prices, the plan's price year; pay per full-time "
        "job (2023, 2024 figures) is converted into JPY at those years' exchange rates")
    assert "figures of the year they were measured in" in jobs_price_note("EUR", 2025)
    assert jobs_price_compare_note(["a", "b"], ["EUR", "EUR"], [2025, 2025], "EUR") == ""
    assert "(a: 2024, b: 2025)" in jobs_price_compare_note(["a", "b"], ["EUR", "EUR"],
                                                           [2024, 2025], "EUR")
