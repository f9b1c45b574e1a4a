"""Jobs and CO2 beside the money, end to end: the CLI, the stored result, the web run page."""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from moneytrail.analysis.scorecard import EMBODIED_ROW

ROOT = Path(__file__).resolve().parents[1]
STORE = Path(tempfile.mkdtemp()) / "runs.sqlite"


def cli(*args):
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(STORE)}
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)


def records(payload: dict, table: str) -> list[dict]:
    names = [c["name"] for c in payload["tables"][table]["columns"]]
    return [dict(zip(names, row, strict=True)) for row in payload["tables"][table]["rows"]]


@pytest.fixture(scope="module")
def stargate_json():
    out = cli("trace", "scenarios/stargate-style-us.yaml", "--draws", "300", "--by", "country",
              "--by", "jobs", "--format", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_country_table_has_jobs_and_co2_beside_money(stargate_json):
    table = stargate_json["tables"]["country"]
    units = {c["name"]: c["unit"] for c in table["columns"]}
    assert units["jobs_fte_p50"] == "FTE-years" and units["co2_t_p50"] == "t CO2e"
    rows = {r["country"]: r for r in records(stargate_json, "country")}
    us = rows["US"]
    assert us["jobs_fte_p5"] <= us["jobs_fte_p50"] <= us["jobs_fte_p95"]
    assert us["jobs_fte_p50"] > 0
    # every new number carries its sources: the provenance cites the compensation sources
    assert any(s.startswith("s_bls") for s in stargate_json["provenance"]["sources"])


def test_jobs_table_adds_up_and_states_coverage(stargate_json):
    rows = {r["measure"]: r for r in records(stargate_json, "jobs")}
    total = rows["jobs (FTE-years), all"]["amount_mean"]
    parts = [r["amount_mean"] for m, r in rows.items() if m.startswith("jobs (FTE-years), ")
             and m != "jobs (FTE-years), all"]
    assert sum(parts) == pytest.approx(total, rel=1e-9)
    assert "of the plan's labour value added" in stargate_json["tables"]["jobs"]["note"]
    country = sum(r["jobs_fte_mean"] or 0.0 for r in records(stargate_json, "country"))
    assert country == pytest.approx(total, rel=1e-9)


def test_jobs_table_says_which_firms_rest_on_filings(stargate_json):
    """FTE from firms' filings and from national averages add up to the total; the note
    names the anchored firms (Nvidia among them) and each has an implied labour cost per
    FTE-year in the plan's currency; the share on averages is between 0 and 1."""
    rows = {r["measure"]: r for r in records(stargate_json, "jobs")}
    total = rows["jobs (FTE-years), all"]["amount_mean"]
    filings = rows["jobs (FTE-years) from firms' employees per revenue (filings)"]["amount_mean"]
    averages = rows["jobs (FTE-years) from national average compensation per FTE"]["amount_mean"]
    assert filings > 0 and filings + averages == pytest.approx(total, rel=1e-9)
    share = rows["share of the FTE from national average compensation per FTE"]
    assert share["unit"] == "share" and 0 < share["amount_p5"] <= share["amount_p95"] < 1
    pay = rows["implied labour cost per FTE-year, Nvidia (labour value added / FTE)"]
    assert pay["unit"] == "USD" and pay["amount_p5"] <= pay["amount_p50"] <= pay["amount_p95"]
    note = stargate_json["tables"]["jobs"]["note"]
    anchored = note.split("Firms anchored on their filings (")[1].split("): FTE")[0].split("; ")
    assert "Nvidia" in anchored and "US construction" not in anchored
    assert anchored == sorted(anchored, key=str.casefold)      # as read, not by id
    # the known bias of the anchored firms' country split is said where the figures are
    assert "too many of their FTE in low-wage countries" in note
    assert "its FTE exceed the staff it has" in note        # linear in the money: said
    assert all(f"implied labour cost per FTE-year, {firm} (labour value added / FTE)" in rows
               for firm in anchored)
    assert "s_nvidia_10k" in stargate_json["provenance"]["sources"]


def test_jobs_table_names_firms_not_ids(stargate_json):
    """The jobs table's rows and note show each firm by its display name (entities.csv
    `name`), never by its id: 'Schneider Electric', not 'schneider_electric'."""
    from moneytrail.data.valuechain import load_valuechain

    names = load_valuechain().entity_names()
    renamed = {i: n for i, n in names.items() if i != n}
    rows = [r["measure"] for r in records(stargate_json, "jobs")]
    pay = [m for m in rows if m.startswith("implied labour cost per FTE-year, ")]
    assert pay, rows
    shown = [m.removeprefix("implied labour cost per FTE-year, ")
             .removesuffix(" (labour value added / FTE)") for m in pay]
    assert set(shown) <= set(names.values()), shown
    assert "Schneider Electric" in shown
    note = stargate_json["tables"]["jobs"]["note"]
    for text in [*rows, note]:
        assert not [i for i in renamed if re.search(rf"\b{re.escape(i)}\b", text)
                    and "_" in i], text


def test_headline_rows_without_wages_have_no_jobs_figure(stargate_json):
    """Profits and taxes hold no labour value added: their jobs cell is empty (null), not 0,
    and the wages row's jobs equal the jobs table's total."""
    out = cli("trace", "scenarios/stargate-style-us.yaml", "--draws", "300", "--format", "json")
    assert out.returncode == 0, out.stderr
    headline = json.loads(out.stdout)
    rows = {r["where the money ends up"]: r for r in records(headline, "headline")}
    capital = next(r for name, r in rows.items() if name.startswith("Profits"))
    assert capital["jobs_fte_p50"] is None and rows["Taxes"]["jobs_fte_mean"] is None
    total = {r["measure"]: r for r in records(stargate_json, "jobs")}["jobs (FTE-years), all"]
    assert rows["Wages, all countries"]["jobs_fte_mean"] == pytest.approx(
        total["amount_mean"], rel=1e-9)
    assert "holds no wages" in headline["tables"]["headline"]["note"]


def test_terminal_table_shows_jobs_and_co2_columns_and_the_note():
    out = cli("trace", "scenarios/stargate-style-us.yaml", "--draws", "300", "--by", "country")
    assert out.returncode == 0, out.stderr
    assert "jobs, FTE" in out.stdout and "CO2 embodied" in out.stdout
    text = " ".join(out.stdout.split())
    assert "Jobs (FTE-years: jobs x years, over the whole spending) and CO2 (t CO2e) " \
        "columns: see the jobs and co2 tables" in text  # note
    taiwan = next(line for line in out.stdout.splitlines() if line.startswith("│ Taiwan "))
    assert " FTE" in taiwan and "n/a" not in taiwan       # data 2.1.1: TWD has a rate
    assert " CO2e" in taiwan


def test_by_jobs_and_co2_tables_in_the_plans_currency_without_scientific_notation():
    out = cli("trace", "scenarios/stargate-style-us.yaml", "--draws", "300", "--by", "jobs",
              "--by", "co2")
    assert out.returncode == 0, out.stderr
    assert "FTE-years per USD m" in out.stdout and "t CO2e per USD m" in out.stdout
    assert "EUR" not in out.stdout                         # a USD plan, per USD million
    assert "scope 1+2" in out.stdout
    assert not re.search(r"\de[+-]\d", out.stdout)       # no 1.313e+06
    # head counts with a size word (the total is near 1 m FTE: 'k FTE' or 'm FTE')
    assert "Mt CO2e" in out.stdout and re.search(r"\d (k|m) FTE", out.stdout)


def test_jobs_rows_carry_their_units(stargate_json):
    rows = {r["measure"]: r for r in records(stargate_json, "jobs")}
    assert rows["jobs (FTE-years), all"]["unit"] == "FTE-years"
    per = rows["jobs (FTE-years) per USD million spent"]
    assert per["unit"] == "FTE-years per USD million"
    plan_millions = 100_000.0                              # USD 100 bn
    assert per["amount_p50"] == pytest.approx(rows["jobs (FTE-years), all"]["amount_p50"]
                                              / plan_millions, rel=1e-9)


def test_scorecard_per_million_in_the_plans_currency_and_operational_co2_labelled():
    """A USD plan's scorecard reads per USD million (the same figure as per EUR million times
    the EUR value of a dollar at the price year); the horizon CO2 row says it is operational."""
    from moneytrail.analysis.footprints import fx_factor
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    plan = load_scenario(ROOT / "scenarios" / "stargate-style-us.yaml")
    with Workspace.open() as ws:
        result = tasks.trace_plan(ws, plan, draws=300, seed=3, store=None)
        frame = result.tables["scorecard"].frame()
        jobs = result.tables["jobs"].frame()
        factor = fx_factor(ws.analysis.money, "USD", int(plan.price_year or plan.year), "EUR")
    jobs_row = frame.loc["Jobs paid for per million spent (FTE-years)"]
    assert jobs_row["unit"] == "FTE-years per USD million"
    assert frame.loc[EMBODIED_ROW, "unit"] == "t CO2e per USD million"
    assert "Operational CO2 over the horizon (electricity)" in frame.index
    label = result.facts.get("plan", plan.id)
    per_usd = jobs_row[f"{label}_p50"]
    per_table = jobs.loc["jobs (FTE-years) per USD million spent", "amount_p50"]
    assert per_usd == pytest.approx(per_table, rel=1e-6)
    assert factor != 1.0


def test_unknown_by_is_one_clear_line():
    out = cli("trace", "scenarios/stargate-style-us.yaml", "--draws", "300", "--by", "jobz")
    assert out.returncode != 0
    assert "jobs" in out.stderr and "Traceback" not in out.stderr


def test_terminal_entity_table_with_jobs_and_co2_names_firms():
    """`trace --by entity` on the terminal: the firm rows (with their jobs and CO2 columns)
    carry display names; CSV keeps the ids for scripts."""
    out = cli("trace", "scenarios/stargate-style-us.yaml", "--draws", "300", "--by", "entity")
    assert out.returncode == 0, out.stderr
    rows = [line for line in out.stdout.splitlines() if line.startswith("│")]
    labels = [line.split("│")[1].strip() for line in rows]
    assert "Nvidia" in labels and "Schneider Electric" in labels
    assert "nvidia" not in labels and "schneider_electric" not in labels
    assert any("FTE" in line and "CO2e" in line for line in rows if "Nvidia" in line)
    csv = cli("trace", "scenarios/stargate-style-us.yaml", "--draws", "300", "--by", "entity",
              "--format", "csv")
    assert "\nnvidia," in csv.stdout


def test_piped_notes_are_not_wrapped_at_the_table_width():
    """Piped to a file, a table's note is one line under it: no firm name split across lines
    ('Dell' at the end of one line, 'Technologies' at the start of the next)."""
    out = cli("trace", "scenarios/eu-ai-gigafactories.yaml", "--draws", "100", "--by", "jobs")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    note = [line for line in lines if "Firms anchored on their filings (" in line]
    assert len(note) == 1 and "Dell Technologies" in note[0]
    assert "Every other entity (" in note[0]            # the whole note on that line
    assert not any(line.rstrip().endswith("Dell") for line in lines)


def test_compare_of_plans_in_two_currencies_says_the_per_million_unit_is_eur():
    """Plans in USD and EUR compared: the per-million rows stay per EUR million for every plan
    (the common unit) and the scorecard's note says so, naming the currencies (a reader saw
    'FTE per EUR m' under the USD plan with nothing to say why)."""
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    plans = [load_scenario(ROOT / "scenarios" / f"{name}.yaml")
             for name in ("stargate-style-us", "eu-ai-gigafactories")]
    with Workspace.open() as ws:
        results = [tasks.ws_trace(ws, plan, draws=200, seed=3) for plan in plans]
        table = tasks.scorecard_table(results, ws)
    frame = table.frame()
    assert frame.loc["Jobs paid for per million spent (FTE-years)", "unit"] == \
        "FTE-years per EUR million"
    assert ("The plans are in different currencies (EUR, USD), so figures per million spent "
            "are per EUR million for every plan") in table.note
    with Workspace.open() as ws:
        alone = tasks.scorecard_table([tasks.ws_trace(ws, plans[0], draws=200, seed=3)], ws)
    assert "per EUR million for every plan" not in alone.note


def test_country_table_warns_that_wages_over_fte_is_not_national_pay():
    """Gigafactories plan: France's and Germany's labour is all in firms anchored on their
    filings (Schneider Electric, Legrand; Siemens), whose filed staff is split over countries
    by labour value added / national pay, so labour value added / FTE-years there is about
    2.5x the national compensation per FTE (macro/compensation.csv FR/DE C27: EUR 79,300 /
    78,700). The country table's note must say not to read it as pay."""
    out = cli("trace", "scenarios/eu-ai-gigafactories.yaml", "--draws", "300", "--by",
              "country", "--by", "country_factor", "--format", "json")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    fte = {r["country"]: r["jobs_fte_mean"] for r in records(payload, "country")}
    wages = {r["country_factor"].split(" / ")[0]: r["amount_mean"]
             for r in records(payload, "country_factor") if r["country_factor"].endswith(
                 " / labour")}
    for country, pay in (("FR", 79_300), ("DE", 78_700)):
        assert wages[country] / fte[country] > 2 * pay     # far above national pay
    note = " ".join(payload["tables"]["country"]["note"].split())
    assert "Do not divide a country's wages" in note
    assert "not the national pay" in note or "national pay times the firm's own ratio" in note
