"""The headline row of EU-owned firms counts only the firms the data name one by one (EU
construction and services, which the data do not split by firm, are under "EU, not split by
member state"), so it is labelled "Named EU-owned firms" and explained in words under every
table, chart and briefing figure that shows it, and in docs/methods.md. Runs stored before
the rename ("EU-owned firms") are shown by the new name; the numbers do not change."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402

NEW, OLD = "Named EU-owned firms", "EU-owned firms"
SAID = ("EU construction and services and the other EU sectors the data do not split by firm "
        "are not in this row")
GIGA = next(p for p in reference_scenarios() if p.stem == "eu-ai-gigafactories")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """The EU plan at 30 draws with seeds 1 and 2: (store, run ids)."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    db = str(tmp_path_factory.mktemp("named-eu") / "ledger.sqlite")
    with Workspace.open(db=db) as ws:
        runs = [tasks.trace_plan(ws, load_scenario(GIGA), draws=30, seed=seed).run_id
                for seed in (1, 2)]
    return db, runs


@pytest.fixture(scope="module")
def client(stored):
    from moneytrail.web import create_app

    app = create_app(db=stored[0], start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def row_labels(html: str) -> list[str]:
    return [unescape(x) for x in re.findall(r'<th scope="row">([^<]+)</th>', html)]


def test_the_row_is_labelled_named_and_its_note_says_what_it_leaves_out():
    from moneytrail.engine.dimensions import HEADLINE_NOTES, HEADLINES

    labels = [label for label, _ in HEADLINES]
    assert NEW in labels and OLD not in labels
    assert SAID in HEADLINE_NOTES[NEW] and "EU, not split by member state" in HEADLINE_NOTES[NEW]


def test_compare_page_table_chart_and_note(client, stored):
    html = client.get(f"/compare?runs={','.join(stored[1])}").text
    section = html[html.index('id="headline-h"'):html.index('id="scorecard-h"')]
    assert NEW in row_labels(section) and OLD not in row_labels(section)
    figure = json.loads(re.search(r'id="compare-data">(.*?)</script>', section, re.S).group(1))
    assert NEW in json.dumps(figure).replace("<br>", " ")
    assert SAID in text_of(section)


def test_run_page_and_briefing_explain_the_row(client, stored):
    run = stored[1][0]
    page = text_of(client.get(f"/r/{run}").text)
    assert NEW in page and SAID in page
    briefing = client.get(f"/r/{run}/report.html")
    assert briefing.status_code == 200
    said = text_of(briefing.text)
    assert f"{NEW}:" in said and SAID in said and f" {OLD}:" not in said.replace(NEW, "")


def test_a_run_stored_before_the_rename_is_shown_by_the_new_name(stored):
    """A stored run never changes: its table keeps "EU-owned firms"; the compare view names
    the row as new runs do, so the two runs' rows are one row, with each run's own figure."""
    from moneytrail.data.valuechain import load_valuechain
    from moneytrail.service import tasks
    from moneytrail.service.result import Result
    from moneytrail.service.workspace import Workspace
    from moneytrail.web.runs import Names, compare_view

    with Workspace.open(db=stored[0]) as ws:
        new, other = (tasks.show_run(ws, run) for run in stored[1])
    data = json.loads(json.dumps(other.to_dict()).replace(f'"{NEW}"', f'"{OLD}"'))
    old = Result.from_dict(data)
    assert OLD in list(old.tables["headline"].frame().index)
    view = compare_view([new, old], Names(load_valuechain()), "http://127.0.0.1/compare")
    rows = {row["label"]: row for row in view["headline"]}
    assert OLD not in rows
    expected = other.tables["headline"].frame().loc[NEW, "share_p50"]
    assert rows[NEW]["run2_p50"] == pytest.approx(expected)
    assert any(SAID in note for note in view["headline_notes"])


def test_the_former_name_still_selects_the_row_as_an_output():
    import moneytrail as mt
    from moneytrail.engine.outputs import headline_amounts

    result = mt.trace(mt.load_scenario(GIGA), draws=20, seed=1, keep_draws=True)
    assert (headline_amounts(result, OLD) == headline_amounts(result, NEW)).all()


def test_methods_define_the_row_in_both_copies():
    methods = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    assert methods == (ROOT / "src" / "moneytrail" / "docs" / "methods.md").read_text(
        encoding="utf-8")
    flat = " ".join(methods.split())
    assert f"**{NEW}**" in flat and SAID in flat
