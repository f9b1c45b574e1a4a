"""Several runs of one plan side by side: the compare page, its chart and its tables name each
run by its plan's title and, where runs share a title, by what tells them apart (draws, seed,
else when it was stored), so a reader never sees two like columns or legend entries. The
chart's row labels and run names are wrapped onto lines, never cut with an ellipsis, on
wide screens and under 600 px (the figure's `narrow` form)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402
from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.charts import compare_figure  # noqa: E402

TITLE = "EU AI gigafactories (InvestAI's EUR 20 bn fund)"


def plan(stem: str):
    return load_scenario(next(p for p in reference_scenarios() if p.stem == stem))


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A store with the EU plan at 40 and at 30 draws, the same plan at 30 draws and seed 2,
    and the US plan at 30 draws: their run ids."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    db = str(tmp_path_factory.mktemp("names") / "ledger.sqlite")
    eu, us = plan("eu-ai-gigafactories"), plan("stargate-style-us")
    with Workspace.open(db=db) as ws:
        runs = {"eu40": tasks.trace_plan(ws, eu, draws=40, seed=1).run_id,
                "eu30": tasks.trace_plan(ws, eu, draws=30, seed=1).run_id,
                "eu30s2": tasks.trace_plan(ws, eu, draws=30, seed=2).run_id,
                "us30": tasks.trace_plan(ws, us, draws=30, seed=1).run_id}
    return db, runs


@pytest.fixture(scope="module")
def client(stored):
    app = create_app(db=stored[0], start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def figure_of(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="compare-data">(.*?)</script>',
                      html, re.S)
    assert found
    return json.loads(found.group(1))


def test_runs_of_one_plan_are_named_apart_in_headings_and_chart(client, stored):
    _, runs = stored
    page = client.get(f"/compare?runs={runs['eu40']},{runs['eu30']},{runs['us30']}")
    assert page.status_code == 200
    text = unescape(page.text)
    headers = [unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(
        r'<th scope="col" class="num" data-short="Plan \d"[^>]*>(.*?)</th>', page.text)]
    assert headers[:3] == [f"{TITLE} (40 draws)", f"{TITLE} (30 draws)",
                           "Stargate-style US AI data-centre build-out (USD 100 bn first "
                           "tranche)"]
    assert f"<dt>Plan 1</dt><dd><bdi>{TITLE} (40 draws)</bdi>" in text
    # a phone's cards label each figure with a short title that keeps what tells runs apart
    cards = re.findall(r'<th scope="col" class="num" data-short="Plan \d" data-card="([^"]*)"',
                       page.text)
    assert [unescape(c) for c in cards[:3]] == [
        "Plan 1 \u00b7 EU AI gigafactories (40 draws)",
        "Plan 2 \u00b7 EU AI gigafactories (30 draws)",
        "Plan 3 \u00b7 Stargate-style US AI\u2026"]
    names = [trace["name"].replace("<br>", " ") for trace in figure_of(page.text)["data"]]
    assert len(set(names)) == 3 and names[0] == f"{TITLE} (40 draws)"
    assert "Plans compared: " + f"{TITLE} (40 draws) vs {TITLE} (30 draws)" in text


def test_same_draws_other_seed_is_named_by_its_seed(client, stored):
    _, runs = stored
    page = client.get(f"/compare?runs={runs['eu30']},{runs['eu30s2']}")
    assert page.status_code == 200
    text = unescape(page.text)
    assert f"Difference: <bdi>{TITLE} (seed 2)</bdi> minus <bdi>{TITLE} (seed 1)</bdi>" \
        in text


@pytest.mark.parametrize("form", ["wide", "narrow"])
def test_chart_labels_and_names_are_wrapped_never_cut(form):
    rows = [{"label": "US hyperscalers (Amazon, Microsoft, Google)", "run1_p50": 0.1},
            {"label": "A very long supplier name that runs on past any line of the chart",
             "run1_p50": 0.2}]
    runs = [{"title": "Efficiency-first EU alternative (same EUR 20 bn, people and rented "
                      "European compute)", "name": None}]
    figure = compare_figure(runs, rows)
    trace = figure["data"][0] if form == "wide" else \
        {**figure["data"][0], **figure["narrow"]["traces"][0]}
    shown = [label.replace("<br>", " ") for label in trace["y"]]
    assert shown == [r["label"] for r in reversed(rows)]
    assert trace["name"].replace("<br>", " ") == runs[0]["title"]
    assert not any("\u2026" in t for t in [*trace["y"], trace["name"]])
    if form == "narrow":
        assert max(len(line) for label in trace["y"] for line in label.split("<br>")) <= 22


def test_card_labels_are_short_and_escaped(tmp_path):
    """The cards' label (data-card) is the title before its bracketed aside, cut short, and
    escaped like every text from data: a title with markup and quotes cannot end the
    attribute or add a tag."""
    import yaml

    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace
    from moneytrail.web.format import card_name

    assert card_name(TITLE, TITLE) == "EU AI gigafactories"
    assert card_name(TITLE, TITLE + " (40 draws)") == "EU AI gigafactories (40 draws)"
    data = yaml.safe_load(next(p for p in reference_scenarios()
                               if p.stem == "eu-ai-gigafactories").read_text())
    data.update(id="hostile-card", title='<b id="x">F</b> "A" & B (aside)')
    path = tmp_path / "hostile-card.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    db = str(tmp_path / "ledger.sqlite")
    with Workspace.open(db=db) as ws:
        ids = [tasks.trace_plan(ws, load_scenario(path), draws=30, seed=1).run_id,
               tasks.trace_plan(ws, plan("stargate-style-us"), draws=30, seed=1).run_id]
    app = create_app(db=db, start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        page = test_client.get("/compare?runs=" + ",".join(ids))
    assert page.status_code == 200
    cards = re.findall(r'data-card="([^"]*)"', page.text)
    assert cards and cards[0] == ("Plan 1 \u00b7 &lt;b id=&#34;x&#34;&gt;F&lt;/b&gt; "
                                  "&#34;A&#34; &amp; B"), cards[0]
    assert '<b id="x">' not in page.text
