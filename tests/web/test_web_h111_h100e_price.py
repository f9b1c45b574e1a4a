"""A reviewer's findings (h111) on the price per H100-equivalent beside the lifecycle table's
count of accelerators (run page, briefing):

1. it was recomputed from the data package loaded now, not taken from the run: with another
   GB200 price in the data, a stored run's page and briefing said a price its count was not
   made at. It is now stored with the run (the `accelerators_h100e` row's `h100e_*`
   columns) and read from there; a run stored before shows the count without a price;
2. the price in the plan's money compared only the currency: a USD plan with price year 2015
   was said to be counted at the 2025 USD price, while the count deflates its money;
3. the briefing cache was keyed by the data version, not the data package's content hash.
"""

from __future__ import annotations

import re
import shutil
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.data.package import bundled_path  # noqa: E402
from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402

DRAWS = 200
CHANGED_PRICE = 45000.0          # GB200 central price in the changed data (within low-high)


def plan(stem: str):
    return load_scenario(next(p for p in reference_scenarios() if p.stem == stem))


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def count_row(html: str) -> str:
    """The text of the lifecycle table's row 'Accelerators owned'."""
    at = html.index("Accelerators owned")
    return text_of(html[html.rindex("<tr", 0, at):html.index("</tr>", at)])


def price_per_h100e(ws, currency: str, price_year: int, year: int = 2025) -> float:
    """The GB200's central price per H100-equivalent in `currency` of `price_year`, from the
    workspace's data (chip price x H100 TFLOP/s / GB200 TFLOP/s / plan money's factor)."""
    chips = ws.analysis["accelerators"].set_index("id")
    gb200, h100 = chips.loc["gb200"], chips.loc["h100"]
    usd = float(gb200["price_central"]) * float(h100["bf16_tflops"]) / \
        float(gb200["bf16_tflops"])
    return usd / float(ws.analysis.money.factor(currency, price_year, "USD", year))


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """Traces stored with the bundled data (an EU plan, a US plan at 2015 prices, and the EU
    run as a run stored before the price was kept), a copy of the data package whose GB200
    price is changed, and the prices expected from the bundled data."""
    from sqlalchemy import create_engine

    from moneytrail.service import tasks
    from moneytrail.service.result import Result
    from moneytrail.service.runs import RunStore
    from moneytrail.service.workspace import Workspace

    folder = tmp_path_factory.mktemp("h111")
    db = str(folder / "ledger.sqlite")
    us_2015 = plan("stargate-style-us").model_copy(update={"price_year": 2015})
    with Workspace.open(db=db) as ws:
        runs = {"eu": tasks.trace_plan(ws, plan("eu-ai-gigafactories"), draws=DRAWS, seed=1),
                "us_2015": tasks.trace_plan(ws, us_2015, draws=DRAWS, seed=1)}
        expected = {"eu": price_per_h100e(ws, "EUR", 2025),
                    "us_2015": price_per_h100e(ws, "USD", 2015),
                    "usd_2025": price_per_h100e(ws, "USD", 2025)}
    old = runs["eu"].to_dict()
    table = old["tables"]["lifecycle"]
    keep = [i for i, c in enumerate(table["columns"]) if not c["name"].startswith("h100e_")]
    table["columns"] = [table["columns"][i] for i in keep]
    table["rows"] = [[row[i] for i in keep] for row in table["rows"]]
    older = Result.from_dict({**old, "run_id": "d" * 32})
    store = RunStore(create_engine(f"sqlite:///{db}"))
    store.start(older.run_id, kind="trace", label="older", inputs=old["provenance"]["inputs"],
                data_version="x", data_hash="x", total=1)
    store.finish(older)
    runs["older"] = older
    package = folder / "package"
    shutil.copytree(bundled_path(), package)
    chips = package / "analysis" / "accelerators.csv"
    lines = chips.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith("gb200,"):
            assert ",30000,37000,47400,USD," in line
            lines[i] = line.replace(",30000,37000,47400,USD,",
                                    f",30000,{CHANGED_PRICE:.0f},47400,USD,", 1)
    chips.write_text("\n".join(lines), encoding="utf-8")
    return db, package, runs, expected


def app_on(db: str, package=None):
    from moneytrail.web import create_app

    return create_app(db=db, data=None if package is None else str(package),
                      start_reference_runs=False, run_limit=(1000, 100))


@pytest.fixture(scope="module")
def changed(stored):
    """The web app on the store, with the changed data package loaded."""
    with TestClient(app_on(stored[0], stored[1]), raise_server_exceptions=False) as client:
        yield client


def test_the_changed_package_has_another_price(stored, changed):
    from moneytrail.service.workspace import Workspace

    with Workspace.open(stored[1]) as ws:
        assert ws.data_version == changed.app.state.workspace.data_version
        assert price_per_h100e(ws, "USD", 2025) > 1.2 * stored[3]["usd_2025"]


def test_page_shows_the_price_stored_with_the_run(stored, changed):
    run, expected = stored[2]["eu"], stored[3]["eu"]
    page = changed.get(f"/r/{run.run_id}")
    assert page.status_code == 200, page.text[:2000]
    said = count_row(page.text)
    assert f"Counted at about EUR {expected:,.0f} per H100-equivalent" in said, said
    assert said.count("per H100-equivalent") == 1
    assert "USD" not in said and "data package now loaded" not in said


def test_briefing_shows_the_price_stored_with_the_run(stored, changed):
    run, expected = stored[2]["eu"], stored[3]["eu"]
    got = changed.get(f"/r/{run.run_id}/report.html")
    assert got.status_code == 200, got.text[:2000]
    said = text_of(got.text)
    assert f"Counted at about EUR {expected:,.0f} per H100-equivalent" in said
    assert said.count("per H100-equivalent") == 1


def test_price_is_in_the_plans_money_at_its_price_year(stored, changed):
    run, expected = stored[2]["us_2015"], stored[3]["us_2015"]
    assert expected < 0.8 * stored[3]["usd_2025"]          # 2015 dollars buy more
    said = count_row(changed.get(f"/r/{run.run_id}").text)
    assert f"Counted at about USD {expected:,.0f} per H100-equivalent" in said, said
    assert f"{stored[3]['usd_2025']:,.0f}" not in said
    frame = run.tables["lifecycle"].frame()
    assert frame.loc["accelerators_h100e", "h100e_price_central"] == pytest.approx(expected)


def test_a_run_stored_before_shows_the_count_without_a_price(stored, changed):
    older = stored[2]["older"]
    page = changed.get(f"/r/{older.run_id}")
    assert page.status_code == 200, page.text[:2000]
    said = count_row(page.text)
    count = older.tables["lifecycle"].frame().loc["accelerators_h100e", "p50"]
    assert count > 0 and "per H100-equivalent" not in said
    briefing = changed.get(f"/r/{older.run_id}/report.html")
    assert briefing.status_code == 200, briefing.text[:2000]
    assert "per H100-equivalent" not in text_of(briefing.text)


class KeySpy:
    """A briefing cache that records the keys asked for and holds every briefing."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def cached(self, key: str, suffix: str) -> bytes:
        self.keys.append(key)
        return b"<html>kept</html>"


def test_briefing_cache_key_is_the_data_packages_hash(stored, changed):
    run = stored[2]["eu"]
    with TestClient(app_on(stored[0]), raise_server_exceptions=False) as bundled:
        keys = []
        for client in (bundled, changed):
            spy, kept = KeySpy(), client.app.state.briefings
            client.app.state.briefings = spy
            try:
                assert client.get(f"/r/{run.run_id}/report.html").status_code == 200
            finally:
                client.app.state.briefings = kept
            assert client.app.state.workspace.data_hash in spy.keys[0]
            keys.append(spy.keys[0])
    assert keys[0] != keys[1]          # one data version, two packages: two briefings
