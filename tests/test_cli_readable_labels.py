"""Where readers look (terminal tables and their notes), firms, groups and countries are named,
not given as ids or codes; CSV and JSON keep the ids."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import moneytrail as mt

STORE = Path(tempfile.mkdtemp()) / "runs.sqlite"
GIGA = next(p for p in mt.reference_scenarios() if p.stem == "eu-ai-gigafactories")


def cli(*args):
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(STORE),
           "PYTHONPATH": str(Path(mt.__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=600, env=env)


def first_cells(stdout: str) -> list[str]:
    return [line.split("│")[1].strip() for line in stdout.splitlines()
            if line.startswith("│") and len(line.split("│")) > 2]


@pytest.fixture(scope="module")
def traced():
    out = cli("trace", GIGA, "--draws", "100", "--by", "country", "--by", "group",
              "--by", "evidence")
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_country_rows_and_footnote_name_countries(traced):
    cells = first_cells(traced)
    assert "Taiwan" in cells and "United States" in cells
    assert not {"TW", "US", "IL", "FI"} & set(cells)
    assert "No money reaches: Finland." in " ".join(traced.split())


def test_group_rows_have_readable_labels(traced):
    cells = first_cells(traced)
    assert "US tech giants (Nvidia, Amazon, Microsoft, Google)" in cells
    assert "Electrical and cooling equipment" in cells
    assert not any(c in ("us_tech_giants", "electrical_cooling", "us tech giants")
                   for c in cells)


def test_evidence_rows_name_firms_and_sectors(traced):
    cells = first_cells(traced)
    assert "Schneider Electric" in cells and "US other services (and goods)" in cells
    assert not any(c.startswith("entity:") for c in cells)


def test_show_labels_as_the_trace_did(traced):
    run = traced.strip().splitlines()[-1].split()[1]
    out = cli("show", run)
    assert out.returncode == 0, out.stderr
    cells = first_cells(out.stdout)
    assert "Schneider Electric" in cells and "Taiwan" in cells
    assert "US tech giants (Nvidia, Amazon, Microsoft, Google)" in cells


def test_json_keeps_ids_and_codes():
    out = cli("trace", GIGA, "--draws", "100", "--by", "country", "--by", "group",
              "--format", "json")
    payload = json.loads(out.stdout)
    keys = {row[0] for row in payload["tables"]["country"]["rows"]}
    groups = {row[0] for row in payload["tables"]["group"]["rows"]}
    assert "TW" in keys and "us_tech_giants" in groups


def test_unsplit_note_of_market_power_names_firms():
    out = cli("compare", *mt.reference_scenarios()[:2], "--draws", "100", "--table",
              "rent_recipients")
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert "Not split for lack of data" in text
    assert "Eaton " in text and "eaton " not in text


def test_analyse_market_power_rows_are_named():
    """`analyse --what market_power`: owner countries, groups and firms by name on the
    terminal; the JSON keeps codes and ids."""
    out = cli("analyse", GIGA, "--what", "market_power", "--draws", "50")
    assert out.returncode == 0, out.stderr
    rows = [[c.strip() for c in line.split("│")[1:3]] for line in out.stdout.splitlines()
            if line.startswith("│") and len(line.split("│")) > 3]
    labels = {(d, label) for d, label in rows if d in ("owner_country", "group", "entity")}
    assert ("entity", "Nvidia") in labels and ("owner_country", "United States") in labels
    assert ("group", "US tech giants (Nvidia, Amazon, Microsoft, Google)") in labels
    assert not {("entity", "nvidia"), ("owner_country", "US"), ("group", "us_tech_giants")} \
        & labels
    payload = json.loads(cli("analyse", GIGA, "--what", "market_power", "--draws", "50",
                             "--format", "json").stdout)
    assert ["entity", "nvidia"] in [row[:2] for row in payload["tables"]["market_power"]["rows"]]


def test_breakdown_shares_read_as_in_the_comparison():
    """The terminal's breakdown tables give shares as report.units does everywhere else (the
    comparison, the briefing, the run pages): two decimals below 1 %, the interval's ends
    with the sign once. Before, the plan's headline said '0.4 %' and '0.3 % – 0.5 %' where
    the comparison of the same run said '0.36 % (0.26–0.50 %)'; a firm with 0.04 % read
    '0.0 %'."""
    from moneytrail.data.valuechain import load_valuechain
    from moneytrail.report import units

    args = ("trace", GIGA, "--draws", "200", "--by", "headline", "--by", "entity")
    table, as_json = cli(*args), cli(*args, "-f", "json")
    assert table.returncode == 0 and as_json.returncode == 0, table.stderr + as_json.stderr
    rows = {line.split("│")[1].strip(): line for line in table.stdout.splitlines()
            if line.startswith("│")}
    names = load_valuechain().entity_names()
    checked = small = 0
    for stored in json.loads(as_json.stdout)["tables"].values():
        columns = [c["name"] for c in stored["columns"]]
        for values in stored["rows"]:
            row = dict(zip(columns, values, strict=True))
            label = str(row[columns[0]])
            line = rows.get(names.get(label, label))
            if line is None:
                continue
            cells = [c.strip() for c in line.split("│")[1:-1]]
            assert cells[1] == units.percent(row["share_p50"]), (label, cells)
            assert cells[2] == units.interval_text(row["share_p5"], row["share_p95"],
                                                   "share"), (label, cells)
            checked += 1
            small += 0 < row["share_p50"] < 0.01
    assert checked >= 20 and small >= 5


def test_headline_countries_are_named_as_in_the_country_tables():
    """The headline said 'Value added in Korea' where the country table of the same run said
    'South Korea': each 'Value added in ...' row names its country as countries.csv does."""
    from moneytrail.data.valuechain import load_valuechain
    from moneytrail.engine.dimensions import HEADLINES

    names = set(load_valuechain().country_names().values())
    places = [label.removeprefix("Value added in ").removeprefix("the ")
              for label, _ in HEADLINES if label.startswith("Value added in ")]
    assert len(places) == 3
    assert set(places) <= names, set(places) - names
