"""The command line says what the web compare page and the PDF say beside figures that mislead
without it: what TCO counts, the count of GPT-4 runs the scorecard divides by, and that an
aggregate sector modelled as one row has no measured HHI."""

import json
from pathlib import Path

import pytest
import yaml

from moneytrail.cli import main

ROOT = Path(__file__).resolve().parents[1]
GIGAFACTORIES = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"


def run_main(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out = capsys.readouterr()
    assert info.value.code == 0, out.err
    return out.out


def test_compare_tco_table_says_its_caveats(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    plan = yaml.safe_load(GIGAFACTORIES.read_text())
    plan.update(id="smaller-longer", horizon_years=6)
    plan["budget"]["amount"] = 5_000_000_000
    other = tmp_path / "smaller-longer.yaml"
    other.write_text(yaml.safe_dump(plan))
    out = " ".join(run_main(capsys, "compare", GIGAFACTORIES, other, "--draws", "60",
                            "--table", "tco", "--no-procurement").split())
    assert "not the plan's lifetime cost" in out
    assert "staff, maintenance and building depreciation not included unless the budget " \
        "pays them" in out
    assert "The plans' horizons differ (over the 5-year horizon vs over the 6-year horizon)" \
        in out
    assert "The plans' budgets differ (EUR 20.00 bn vs EUR 5.00 bn)" in out


@pytest.fixture(scope="module")
def analysed():
    """`analyse` of the gigafactories plan: its efficiency, markets and market power, as the
    terminal prints them (no width limit) and as JSON."""
    import subprocess
    import sys

    def run(*args):
        out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "analyse", str(GIGAFACTORIES),
                              "--draws", "60", "--what", "efficiency", "--what", "markets",
                              "--what", "market_power", *args], cwd=ROOT, capture_output=True,
                             text=True, timeout=300, env={**__import__("os").environ,
                                                           "COLUMNS": "400"})
        assert out.returncode == 0, out.stderr
        return out.stdout

    return run(), json.loads(run("--format", "json"))


def section(text: str, title: str) -> str:
    """The lines of one table of `analyse` (its title to the next table's)."""
    start = text.index(f"eu-ai-gigafactories: {title}")
    end = text.find("eu-ai-gigafactories: ", start + 1)
    return text[start:end if end > 0 else None]


def test_efficiency_table_says_which_count_the_scorecard_divides_by(analysed):
    from moneytrail.analysis.scorecard import COMPUTE_ROW

    text = " ".join(section(analysed[0], "efficiency").split())
    assert f'The scorecard\'s "{COMPUTE_ROW}" divides the plan\'s whole budget by ' \
        "gpt4_level_capabilities" in text
    assert "not by runs_of_gpt4_original_compute" in text
    assert "runs_of_gpt4_original_compute: the plan's compute divided by the compute GPT-4 " \
        "itself was trained with" in text
    assert "reaches GPT-4's level in the plan's year" in text


def test_a_market_of_aggregate_sectors_alone_has_no_hhi_not_zero(analysed):
    text, payload = analysed
    table = payload["tables"]["markets"]
    names = [c["name"] for c in table["columns"]]
    rows = [dict(zip(names, r, strict=True)) for r in table["rows"]]
    power = next(r for r in rows if r["category"] == "electricity" and r["buyer_region"] == "EU")
    assert power["aggregate_share"] == 1.0
    assert all(power[k] is None for k in ("hhi", "hhi_p50", "cr1", "cr4"))
    assert power["ec_guidelines"] == power["us_2023_guidelines"] == \
        "not measured (aggregate sectors only)"
    chips = next(r for r in rows if r["category"] == "accelerators" and r["buyer_region"] == "EU"
                 and r["year"] == 2025)
    assert chips["hhi"] == pytest.approx(95.5 ** 2 + 4.2 ** 2 + 0.3 ** 2)   # unchanged
    shown = section(text, "markets")
    power_line = next(line for line in shown.splitlines() if "EU electricity" in line)
    assert power_line.rstrip(" │").split("│")[-1].strip() == "–"           # not 0
    assert "is not a monopoly: its HHI and CR-k are not measured" in " ".join(shown.split())
    # the footer lists what is left out, not the hhi column that is shown
    header = next(line for line in shown.splitlines() if "top_supplier" in line)
    left_out = shown[shown.index("Not shown here: "):].split("(--format")[0]
    heads = [h.strip() for h in header.strip("┃ \n").split("┃")]
    assert "hhi" in heads
    assert all(item.strip() not in heads for item in
               left_out.removeprefix("Not shown here: ").split(","))
    assert "hhi (median, 90 % interval)" in left_out


def test_markup_and_market_rows_name_firms_by_display_name(analysed):
    text = analysed[0]
    markups = section(text, "markups")
    assert "Schneider Electric" in markups and "schneider_electric" not in markups
    assert "│ Nvidia " in markups and "│ nvidia " not in markups
    assert "│ Schneider Electric " in section(text, "markets")


def test_readme_says_where_figures_print_with_a_power_of_ten():
    """The README says what the tables print: FLOP with a power of ten (as in_unit does), and
    the headline table without a CO2 column (its JSON columns end at the jobs)."""
    from moneytrail.report.units import in_unit

    readme = " ".join((ROOT / "README.md").read_text().split())
    flop = in_unit(2.42e28, "FLOP")
    assert flop == "2.42e28 FLOP"
    assert f"never in scientific notation, with one exception: compute in FLOP, a count far " \
        f"beyond any size word, prints with a power of ten ('{flop}'" in readme
    assert "tables show jobs (FTE-years" in readme
    assert "the headline table has no CO2 column" in readme


def test_headline_note_promises_no_co2_column(tmp_path):
    out = run_headline(tmp_path)
    names = [c["name"] for c in out["columns"]]
    assert not any(n.startswith("co2") for n in names)
    assert "CO2 (t CO2e) columns" not in out["note"]
    assert "Jobs column (FTE-years" in out["note"]


def run_headline(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "trace", str(GIGAFACTORIES),
                          "--draws", "60", "--format", "json"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["tables"]["headline"]
