"""The reference run pages and their briefings in readers' words (a journalist's findings):
no field or file names of the data package ("spend_years", "analysis.jobs",
"valuechain/satellites.csv", "stored as min 100000", ...); the EU value added quoted in
"In short" and in the briefing's summary says right beside it when it rests mostly on
assumption or weak rows (the rule of a verdict "on weak evidence"); the sources sentence
names every kind of source it counts (jobs and CO2 too)."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

# code names a reader of the run page or the briefing must not meet
CODE_NAMES = ("analysis.jobs", "spend_years", "horizon_years", "stored as min",
              "stored as max", "valuechain/satellites.csv", "macro/fx.csv",
              "analysis/claims.yaml")
WEAK_WORDS = "rests mostly on modelling assumptions"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("reader-words") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def runs(client) -> dict[str, str]:
    return {name: finished(client, {"reference": name, "draws": 200, "seed": 1})
            for name in ("stargate-style-us", "eu-ai-gigafactories")}


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize("name", ["stargate-style-us", "eu-ai-gigafactories"])
def test_run_page_and_briefing_name_no_code_fields_or_files(client, runs, name):
    for path in (f"/r/{runs[name]}", f"/r/{runs[name]}/report.html"):
        response = client.get(path)
        assert response.status_code == 200, path
        page = text_of(response.text)
        for code in CODE_NAMES:
            assert code not in page, (path, code)


def test_stargate_claim_notes_are_in_words(client, runs):
    page = text_of(client.get(f"/r/{runs['stargate-style-us']}").text)
    assert "the jobs model: firms with employees per revenue" in page
    # (each note says it so itself since data 2.5.5; the page shows it as stored)
    # (data 2.5.4: the claim's slow case is a labelled four-year assumption, no longer "the
    # plan's five-year horizon_years", h146)
    assert "the jobs and CO2 footprint table of the data package" in page
    assert "in the claims file: a lower bound of 100000" in page
    brief = text_of(client.get(f"/r/{runs['stargate-style-us']}/report.html").text)
    assert "in the claims file, its case spending the tranche over four years" in brief


def test_eu_value_added_says_it_rests_on_assumptions(client, runs):
    page = client.get(f"/r/{runs['eu-ai-gigafactories']}").text
    short = text_of(page.split('id="headline-h"', 1)[1].split("</section>", 1)[0])
    said = re.search(r"In all, value added in the EU .*? is [\d.]+ % \(90 % interval [^)]*\)"
                     r"( \(it rests mostly[^)]*\))?\.", short)
    assert said is not None, short
    assert said[1] and WEAK_WORDS in said[1], short
    brief = text_of(client.get(f"/r/{runs['eu-ai-gigafactories']}/report.html").text)
    said = re.search(r"stays in the EU \(all member states\) as value added is [\d.]+ % "
                     r"\([^)]*\)( \(it rests mostly[^)]*\))?\.", brief)
    assert said is not None
    assert said[1] and WEAK_WORDS in said[1], said[0]


def test_weak_figure_words_use_the_weak_verdict_rule():
    from moneytrail.analysis.verdicts import WEAK_BASIS
    from moneytrail.report.evidence import weak_figure_words

    assert weak_figure_words(WEAK_BASIS, "see X").endswith(": see X)")
    assert weak_figure_words(WEAK_BASIS - 0.01, "see X") == ""
    assert weak_figure_words(None, "see X") == ""
    assert weak_figure_words(float("nan"), "see X") == ""


def test_sources_sentence_names_the_jobs_and_co2_sources_it_counts(client, runs):
    page = text_of(client.get(f"/r/{runs['stargate-style-us']}").text)
    said = page.split("Sources behind these figures", 1)[1]
    assert re.match(r" The \d+ sources of the plan's split, the markets it buys in, the cost "
                    r"structures of 2025 and the jobs and CO2 figures: ", said), said[:300]
