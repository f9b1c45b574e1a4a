"""A reviewer's findings (h118) on the claims pages: a claim with no single speaker reads "No
single speaker: a position in the public debate (paraphrased)"; a source recording only a
related concern is "A related concern: <title>", not ", in <title>"; the verdict label comes
from analysis.verdicts.verdict_words (one rule); the key explains "on weak evidence" only when
a verdict shown is on weak evidence."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402
from test_web_claims_h114 import article, text_of  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

SOUND = "eu-2024-package-small"                      # supported, 0 % on weak rows
JOBS = "stargate-over-100000-us-jobs"                # conditional
CMA_CLAIM = "public-money-pays-incumbents-high-prices"
WEAK_LINE = "at least half of the figure"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("claims-h118") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def claims_page(client) -> str:
    response = client.get("/claims")
    assert response.status_code == 200
    return response.text


def macros():
    from moneytrail.web.app import templates

    return templates().get_template("macros.html").module


def test_no_single_speaker_is_said_so(claims_page):
    said = text_of(article(claims_page, SOUND))
    assert "No single speaker: a position in the public debate (paraphrased)" in said
    assert "Claimed by" not in said
    assert "Claimed by a position" not in text_of(claims_page)


def test_a_related_concern_is_not_where_the_claim_was_made(claims_page):
    mine = article(claims_page, CMA_CLAIM)
    line = re.search(r'<p class="claimed-by">.*?</p>', mine, re.S)[0]
    # the link's publisher is for screen readers only (distinct link names): not shown
    said = text_of(re.sub(r'<span class="visually-hidden">.*?</span>', "", line, flags=re.S))
    assert said == ("No single speaker: a position in the public debate (paraphrased). "
                    "A related concern: CMA outlines growing concerns in markets for AI "
                    "Foundation Models")
    assert 'href="/sources/a_cma_fm_update_2024"' in line and ", in " not in said


def test_the_claims_download_has_the_related_source_column(client):
    checks = client.get("/api/v1/claims").json()["checks"]
    row = next(r for r in checks if r["claim"] == CMA_CLAIM)
    assert row["related_source"] == "a_cma_fm_update_2024" and row["claimed_in"] == ""
    assert row["claimed_by"] == "no single speaker"


def test_the_verdict_label_is_verdict_words(monkeypatch):
    """The label is analysis.verdicts.verdict_words's, not a second copy of its rule."""
    from moneytrail.web.app import templates

    env = templates()
    env.globals["verdict_words"] = lambda verdict, weight, label=None: f"<{label}|{weight}>"
    html = str(env.get_template("macros.html").module.verdict("supported", 0.7))  # type: ignore[attr-defined]
    assert "&lt;Supported|0.7&gt;" in html


def test_the_key_explains_weak_evidence_only_when_a_verdict_shown_is_weak():
    key = macros().verdict_key                                  # type: ignore[attr-defined]
    assert WEAK_LINE not in text_of(str(key(["supported", "contradicted"])))
    assert WEAK_LINE in text_of(str(key(["supported"], weak=["supported"])))


def test_the_claims_page_key_explains_weak_evidence(claims_page):
    """Four claims of the debate are supported on weak evidence: the key says what it means."""
    key = claims_page[claims_page.index('<ul class="verdict-key">'):]
    assert WEAK_LINE in text_of(key[:key.index("</ul>")])


def test_a_conditional_verdict_on_weak_rows_is_flagged_and_explained(client):
    """The jobs claim is conditional, and its cases rest mostly (about 79 %) on assumption or
    weak rows: since one weak-evidence rule holds for every verdict, its label says so and the
    key explains the label it shows (it used to be shown unflagged). Each case is flagged by
    its own weight, as on /claims (h216, h228), not the claim by the largest of them."""
    run = finished(client, {"reference": "stargate-style-us", "draws": 200, "seed": 1})
    html = client.get(f"/claims/{JOBS}/check?run={run}").text
    key = html[html.index('<ul class="verdict-key">'):]
    key = text_of(key[:key.index("</ul>")])
    assert "Supported: every check holds" in key.replace(" :", ":")
    # the run's verdict is a line of its own (h234), its weight on the next
    line = text_of(re.search(r"<dt>Verdict for this run:</dt>\s*<dd>.*?</dd>", html,
                             re.S).group(0))
    assert re.fullmatch(r"Verdict for this run: Conditional : for spending [^;]*, \w+ \u2014 on "
                        r"weak evidence \(\d+ % weak\); for spending [^;]*, \w+ \u2014 on weak "
                        r"evidence \(\d+ % weak\)", line), line
    assert "Conditional \u2014 on weak evidence" not in text_of(html) and WEAK_LINE in key
