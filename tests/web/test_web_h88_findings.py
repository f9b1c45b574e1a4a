"""A data journalist's findings on the scorecard of a plan built with procurement rules (h88):
the EU gigafactory plan with accelerators capped at 50 % a firm. The HHI change read +0 on the
run page, in the CSV and on the compare page (difference 0) though the accelerator market's
HHI falls; the compute row was named a final run's cost; the rent rows were lower bounds
without saying so."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

HHI = "HHI change, the largest rise or fall among the markets bought in"
COMPUTE = ("Whole plan budget divided by the GPT-4-level training runs its compute "
        "could make (not the cost of one run)")
RENT = "Economic profit (rent), share of the plan (lower bound)"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("h88") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def capped() -> dict:
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.scenarios.yamlio import read_yaml

    plan = dict(read_yaml(reference_dir() / "eu-ai-gigafactories.yaml", ValueError))
    plan.update(id="gf-capped", draws=300, seed=1,
                procurement={"accelerators": {"nvidia": {"central": 0.5},
                                              "amd": {"central": 0.5}}})
    return plan


@pytest.fixture(scope="module")
def runs(client) -> dict[str, str]:
    return {"capped": finished(client, capped()),
            "plain": finished(client, {"reference": "eu-ai-gigafactories", "draws": 300,
                                       "seed": 1})}


def row_of(html: str, label: str) -> str:
    return text_of(next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if label in r))


def test_the_run_page_shows_the_fall_in_its_market(client, runs):
    row = row_of(client.get(f"/r/{runs['capped']}").text, HHI)
    assert "in AI accelerators" in row and re.search(r"[−-]\d+ points", row), row
    assert "No rise" not in row


def test_the_csv_has_the_fall_and_its_market(client, runs):
    got = client.get(f"/api/v1/runs/{runs['capped']}?format=csv&table=scorecard")
    assert got.status_code == 200
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(got.text))}
    hhi = rows[HHI]
    assert float(hhi["gf-capped_p50"]) < -10
    assert hhi["market"] == "in AI accelerators"
    assert COMPUTE in rows and RENT in rows
    note = client.get(f"/api/v1/runs/{runs['capped']}?table=scorecard").json()["note"]
    assert "the rent share is a lower bound" in note and "not its compute alone" in note


def test_the_compare_page_differs_on_the_hhi_change(client, runs):
    page = client.get(f"/compare?runs={runs['plain']},{runs['capped']}").text
    row = row_of(page, HHI)
    assert "No change: with no procurement rules" in row      # the plan without rules
    assert "in AI accelerators" in row
    difference = re.findall(r'<td class="num difference">(.*?)</td>',
                            next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S)
                                 if HHI in r))[0]
    assert re.search(r"[−-]\d+", text_of(difference)), difference
    assert "Economic profit (rent) is a lower bound: Run" in text_of(page)


def test_the_run_page_says_the_rent_share_is_a_lower_bound(client, runs):
    page = client.get(f"/r/{runs['capped']}").text
    row_of(page, RENT)
    assert "Not split for lack of data" in text_of(page)
    assert "Final-run" not in page and COMPUTE in page
