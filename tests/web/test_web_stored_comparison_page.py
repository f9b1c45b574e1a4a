"""The page of a stored comparison (/r/<id> of a run stored by `moneytrail compare` or
`moneytrail demo`) reads like the compare page: the plans by title in the h1, breadcrumb and
column headers; each plan's figure one cell, median with its 90 % interval; units in the
figures, not a `unit` column; a measure's evidence share under its figure, not a row of its
own; and, in a browser, a scorecard that fits a 1280 px page and phone cards that name the
plan beside each figure."""

from __future__ import annotations

import html
import os
import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.report import units  # noqa: E402
from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

PLANS = ("stargate-style-us", "eu-ai-gigafactories")


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A store with one comparison run, as `moneytrail demo` stores it (its plans traced with
    the evidence weight, so its scorecard has evidence rows)."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    db = tmp_path_factory.mktemp("stored-compare") / "ledger.sqlite"
    plans = [load_scenario(p) for p in reference_scenarios() if p.stem in PLANS]
    with Workspace.open(db=str(db)) as ws:
        compared = tasks.demo(ws, plans, draws=60, seed=1).comparison
    titles = {p.id: p.title for p in plans}
    return db, compared, titles


@pytest.fixture(scope="module")
def page(stored):
    app = create_app(db=str(stored[0]), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as client:
        response = client.get(f"/r/{stored[1].run_id}")
        assert response.status_code == 200, response.text[:300]
        yield response.text


def section(text: str, name: str) -> str:
    start = text.index(f'<section aria-labelledby="{name}-h">')
    return text[start:text.index("</section>", start)]


def header_cells(table: str) -> list[str]:
    head = table[table.index("<thead>"):table.index("</thead>")]
    return [html.unescape(re.sub(r"<[^>]+>", "", cell))
            for cell in re.findall(r"<th[^>]*>(.*?)</th>", head)]


def test_plans_by_title_in_the_h1_breadcrumb_and_headers(page, stored):
    titles = stored[2]
    h1 = html.unescape(re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", page).group(1)))
    assert h1 == " vs ".join(titles[p] for p in PLANS)
    crumb = html.unescape(re.search(r'<p class="breadcrumb">(.*?)</p>', page).group(1))
    assert titles["stargate-style-us"][:30] in crumb
    for name in ("headline", "scorecard"):
        heads = header_cells(section(page, name))
        assert heads[1:] == [titles[p] for p in PLANS], heads


def test_no_raw_statistic_columns_nor_unit_column(page):
    for name in ("headline", "scorecard", "tco"):
        heads = header_cells(section(page, name))
        assert not [h for h in heads if re.search(r"\b(p5|p50|p95|mean)$", h)], heads
        assert "unit" not in heads, heads
    assert "the means are in the downloads" in section(page, "scorecard")


def test_each_plan_is_one_cell_median_with_interval(page, stored):
    compared = stored[1]
    table = compared.tables["headline"]
    names = [c.name for c in table.columns]
    row = table.rows[0]                       # Nvidia's share in each plan
    got = section(page, "headline")
    first = got[got.index("<tbody>"):]
    cells = re.findall(r"<tr>(.*?)</tr>", first, re.S)[0]
    tds = [html.unescape(re.sub(r"<[^>]+>", "", td))
           for td in re.findall(r"<td[^>]*>(.*?)</td>", cells)]
    assert len(tds) == len(PLANS)             # one cell per plan
    for plan, td in zip(PLANS, tds, strict=True):
        p50, p5, p95 = (row[names.index(f"{plan}_{s}")] for s in ("p50", "p5", "p95"))
        assert td.startswith(units.percent(p50)), td
        assert f"({units.interval_text(p5, p95, 'share', p50)})" in td, td


def test_evidence_share_stands_under_its_measure(page, stored):
    from moneytrail.web.runs import EVIDENCE_SUFFIX

    table = stored[1].tables["scorecard"]
    assert any(str(r[0]).endswith(EVIDENCE_SUFFIX) for r in table.rows)   # stored as rows
    got = section(page, "scorecard")
    assert EVIDENCE_SUFFIX not in got
    body = got[got.index("<tbody>"):]
    measures = [r[0] for r in table.rows if not str(r[0]).endswith(EVIDENCE_SUFFIX)]
    assert len(re.findall(r"<tr>", body)) == len(measures)
    first = re.findall(r"<tr>(.*?)</tr>", body, re.S)[0]
    assert first.count('class="range range-below weak-rows">weak rows:') == len(PLANS)


def test_downloads_keep_the_stored_columns(stored):
    app = create_app(db=str(stored[0]), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as client:
        csv = client.get(f"/api/v1/runs/{stored[1].run_id}?format=csv&table=scorecard").text
    assert "stargate-style-us_p50" in csv.splitlines()[0]
    assert "stargate-style-us_mean" in csv.splitlines()[0]


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="no Debian Chromium")
def test_fits_1280_and_phone_cards_name_the_plan(stored, browser, tmp_path):
    from webserver import running_server

    from moneytrail.web.format import card_name

    titles = stored[2]
    with running_server(stored[0], tmp_path / "server.log") as base:
        wide = browser.new_page(viewport={"width": 1280, "height": 900})
        wide.goto(f"{base}/r/{stored[1].run_id}", wait_until="networkidle")
        fits = wide.evaluate("""[...document.querySelectorAll('.table-scroll')].filter(
            b => b.querySelector('#scorecard-caption')).map(b => [b.scrollWidth, b.clientWidth])""")
        assert fits and fits[0][0] <= fits[0][1] + 1, fits
        wide.close()
        phone = browser.new_page(viewport={"width": 375, "height": 800})
        phone.goto(f"{base}/r/{stored[1].run_id}", wait_until="networkidle")
        labels = phone.evaluate("""[...document.querySelectorAll(
            'section[aria-labelledby="scorecard-h"] tbody tr:first-child td')]
            .map(td => td.getAttribute('data-label'))""")
        assert labels == [card_name(titles[p], titles[p]) for p in PLANS], labels
        assert phone.evaluate("document.documentElement.scrollWidth") == 375
        phone.close()
