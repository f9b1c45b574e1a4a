"""The lifecycle note (h110): it named its data files beside the sources ('US 2023
(analysis/electricity_prices.csv; sources ...)', 'analysis/parameters.csv'); reader text names
the data, not its files (h107: 'the GDP table of the data package'). The note now says the
tables in words, in the run page and the briefing alike, and a note stored before (with the
file names) reads the same way in both."""

from __future__ import annotations

import re
from html import unescape

import pytest

from moneytrail.scenarios.reference import reference_scenarios
from moneytrail.scenarios.schema import load_scenario

DRAWS = 200
FILES = re.compile(r"[\w/]+\.csv\b")


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def traced(ws):
    from moneytrail.service import tasks

    plan = load_scenario(next(p for p in reference_scenarios()
                              if p.stem == "stargate-style-us"))
    return tasks.trace_plan(ws, plan, draws=DRAWS, seed=4, store=None)


def lifecycle_note_of(html: bytes) -> str:
    table = re.search(r"Lifecycle cost of .*?</table>\s*</div>\s*(<p class=\"note\".*?</p>)",
                      html.decode("utf-8"), re.S)
    assert table, "no lifecycle table with a note"
    return text_of(table.group(1))


def test_the_lifecycle_note_names_its_tables_in_words(traced):
    from moneytrail.service.lifecycle import PARAMETER_TABLE, PRICE_TABLE

    note = traced.tables["lifecycle"].note
    assert FILES.findall(note) == []
    assert f"({PRICE_TABLE}; sources " in note
    assert f"; {PARAMETER_TABLE}; sources " in note
    assert PRICE_TABLE == "the electricity price table of the data package"


def test_the_briefing_says_the_tables_in_words_for_new_and_stored_notes(ws, traced):
    from moneytrail.report.briefing import render_briefing
    from moneytrail.service.lifecycle import PRICE_TABLE
    from moneytrail.service.result import Result

    new = lifecycle_note_of(render_briefing(ws, [traced], fmt="html", sensitivity=False))
    assert FILES.findall(new) == [] and PRICE_TABLE in new
    # a run stored before: its note names the files
    old = traced.to_dict()
    note = old["tables"]["lifecycle"]["note"]
    old["tables"]["lifecycle"]["note"] = note.replace(
        "the electricity price table of the data package", "analysis/electricity_prices.csv"
    ).replace("the parameter table of the data package", "analysis/parameters.csv")
    assert "analysis/electricity_prices.csv" in old["tables"]["lifecycle"]["note"]
    said = lifecycle_note_of(render_briefing(ws, [Result.from_dict(old)], fmt="html",
                                             sensitivity=False))
    assert said == new


def test_the_run_page_reads_a_stored_note_as_the_briefing_does():
    pytest.importorskip("fastapi")
    from moneytrail.service.lifecycle import note_in_words
    from moneytrail.web.runs import split_note

    stored = ("Electricity price: 0.08 USD/kWh central, US 2023 (analysis/electricity_prices"
              ".csv; sources x; reliability official). Hardware value lost a year: 28 % "
              "central (15 % to 40 %; analysis/parameters.csv; sources y).")
    assert split_note(stored)[0] == note_in_words(stored)
    assert FILES.findall(note_in_words(stored)) == []


def test_the_epoch_cost_model_is_named_by_what_it_is(ws, traced):
    """Its title was its file name, 'cost_analysis_standalone.py', and the briefing's note
    said 'sources “cost_analysis_standalone.py” [n]' (data 2.5.3: a descriptive title)."""
    from moneytrail.report.briefing import render_briefing

    row = ws.analysis.sources.set_index("id").loc["a_epoch_cost_model"]
    assert row["title"] == "Training cost trends: standalone cost analysis script"
    assert row["url"].endswith("/cost_analysis_standalone.py")         # the file: its link
    note = lifecycle_note_of(render_briefing(ws, [traced], fmt="html", sensitivity=False))
    assert "\u201cTraining cost trends: standalone cost analysis script\u201d [" in note
    assert ".py" not in note
