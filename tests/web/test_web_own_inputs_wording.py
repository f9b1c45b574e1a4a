"""A tester's wording findings on a plan built in the plan builder (the plan's own inputs,
engine.evidence.OWN): the briefing said "2 your own figure"; its scorecard repeated "(does not
count your own figures, the plan's own inputs)" on every row; the run page, public or shared,
told every reader "They are your inputs ... check them yourself"; and the run page put the
median share on assumption or weak rows beside the mean share on the plan's own inputs, so
the two seemed to add to over 100 %."""

from __future__ import annotations

import re
from html import unescape
from types import SimpleNamespace

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import built_run  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

DRAWS, SEED = 200, 4


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("own-wording") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def built(client) -> str:
    return built_run(client, DRAWS, SEED)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_several_own_figures_take_the_plural():
    from moneytrail.report.briefing.content import SourceBook, assumption_sentence

    spend = {f"e{k}": SimpleNamespace(reliability="estimate", source=None, own=False)
             for k in range(3)}
    spend |= {f"o{k}": SimpleNamespace(reliability="assumption", source=None, own=True)
              for k in range(2)}
    brief = SimpleNamespace(direct_sources=[], market_sources=[], cost_sources=[],
                            footprint_sources=[], plan=SimpleNamespace(spend=spend),
                            table=lambda name: None)
    said = assumption_sentence(brief, SourceBook(rows={}))     # type: ignore[arg-type]
    assert "the labels are 3 estimate and 2 your own figures." in said, said
    one = {**{k: v for k, v in spend.items() if k != "o1"}}
    brief.plan = SimpleNamespace(spend=one)
    said = assumption_sentence(brief, SourceBook(rows={}))     # type: ignore[arg-type]
    assert "the labels are 3 estimate and 1 your own figure." in said, said


def test_the_briefings_scorecard_says_once_what_its_weights_leave_out(client, built):
    report = text_of(client.get(f"/r/{built}/report.html").text)
    assert report.count("does not count your own figures") == 1, \
        report.count("does not count your own figures")
    assert "on assumption or weak rows (does not count" not in report


def test_the_run_page_words_the_own_inputs_for_any_reader(client, built):
    page = text_of(client.get(f"/r/{built}").text)
    assert "check them yourself" not in page and "They are your inputs" not in page
    assert "They are the plan's own inputs, set by whoever built the plan; the tool does not " \
        "source them." in page


def test_the_run_page_gives_both_shares_as_means(client, built):
    rows = client.get(f"/api/v1/runs/{built}?table=evidence").json()["rows"]
    total = next(r for r in rows if r["dimension"] == "total")
    page = text_of(client.get(f"/r/{built}").text)
    weak = f"{total['assumption_or_weak_mean'] * 100:.1f} %"
    assert f"{weak} of the value added (mean" in page
    assert "rests on rows labelled assumption or weak" in page
    assert "On assumption or weak rows (mean)" in page
    head = page[page.index("Evidence weight"):]
    assert f"All value added {total['assumption_or_weak_p50'] * 100:.1f} %" in head
