"""A fact-checking tester's findings (h75) on the web's claims:

1. each claim's note (its thresholds and caveats: "... rescinded on 13 May 2025") is shown
   beside its verdict on /claims, the home page, a run's claims and the check against a run,
   escaped like all data, and is a column of /api/v1/claims (JSON and CSV);
2. a claim about one plan ("Stargate will create over 100,000 American jobs") is not
   applicable to a run of another plan: no "Contradicted ... 0 FTE" from the EU gigafactory
   fund, on the check page, its API and the run page; a run of that plan keeps its verdict,
   and claims about any plan are checked against every run;
3. P(holds) never reads 100.0 % unless every draw holds.
"""

from __future__ import annotations

import re
from html import unescape
from io import StringIO

import pandas as pd
import pytest
import yaml

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from markupsafe import escape  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

JOBS = "stargate-over-100000-us-jobs"          # about stargate-style-us
NVIDIA = "public-money-to-nvidia-and-hyperscalers"      # about any plan
CHIPS = "us-could-restrict-chips-to-eu-members"
RESCINDED = "it was rescinded on 13 May 2025"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h75") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def eu_run(client) -> str:
    return finished(client, {"reference": "eu-ai-gigafactories", "draws": 100, "seed": 4})


@pytest.fixture(scope="module")
def stargate_run(client) -> str:
    return finished(client, {"reference": "stargate-style-us", "draws": 100, "seed": 4})


@pytest.fixture(scope="module")
def notes() -> dict[str, str]:
    from moneytrail.analysis.claims import load_claims

    return {c.id: c.note for c in load_claims()}


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def shown(client, note: str) -> str:
    """A note as a reader sees it: ids the app knows by their names (state.note_parts, h101:
    a source id as its title, linked to its page), the rest as written."""
    parts = client.app.state.web.note_parts(note)
    return " ".join("".join(p.get("label") or p.get("text", "") for p in parts).split())


def escaped_in(client, note: str, html: str) -> bool:
    """The note's words in the page, each plain part HTML-escaped (never raw markup)."""
    plain = [p["text"] for p in client.app.state.web.note_parts(note)
             if not p.get("label") and p.get("text", "").strip()]
    def bare(text: str) -> str:            # tags leave spaces: "( methods )"
        return "".join(text.split())

    return bare(shown(client, note)) in bare(text_of(html)) and \
        all(str(escape(t)) in html for t in plain)


# -- 1. notes beside verdicts ----------------------------------------------------------------

def test_claims_page_shows_every_note_escaped(client, notes):
    html = client.get("/claims").text
    for cid, note in notes.items():
        article = html[html.index(f'<article class="claim" id="{cid}"'):]
        article = article[:article.index("</article>")]
        assert escaped_in(client, note, article), cid
    chips = text_of(html[html.index(f'id="{CHIPS}"'):])
    verdict_at = chips.index("Verdict:")
    assert RESCINDED in chips[verdict_at:chips.index("Sources", verdict_at)]


def test_home_page_shows_the_notes(client, notes):
    html = client.get("/").text
    section = html[html.index('id="claims-h"'):]
    assert escaped_in(client, notes[CHIPS], section)


def test_api_claims_has_the_note_in_json_and_csv(client, notes):
    body = client.get("/api/v1/claims").json()
    assert {c["id"]: c["note"] for c in body["claims"]} == notes
    assert {r["claim"]: r["note"] for r in body["checks"]} == notes
    response = client.get("/api/v1/claims?format=csv&table=checks")
    assert response.status_code == 200, response.text
    frame = pd.read_csv(StringIO(response.text), comment="#")
    assert frame.groupby("claim")["note"].first().to_dict() == notes


# -- 2. a claim about one plan ---------------------------------------------------------------

def test_claims_page_says_which_claim_is_about_one_plan(client):
    html = client.get("/claims").text
    jobs = html[html.index(f'id="{JOBS}"'):]
    jobs = text_of(jobs[:jobs.index("</article>")])
    assert "This claim is about one plan, stargate-style-us" in jobs
    nvidia = html[html.index(f'id="{NVIDIA}"'):]
    assert "about one plan" not in nvidia[:nvidia.index("</article>")]
    assert client.get("/api/v1/claims").json()["about"] == {JOBS: "stargate-style-us"}


def test_stargate_claim_is_not_applicable_to_the_eu_fund(client, eu_run, notes):
    html = client.get(f"/claims/{JOBS}/check?run={eu_run}").text
    assert escaped_in(client, notes[JOBS], html)
    text = text_of(html).split("What the claim's words are taken to mean")[0]   # not the note
    assert "Verdict for this run: Not applicable" in text
    assert "not about this run's plan" in text
    assert "Contradicted" not in text.split("As published")[0]
    assert "0 FTE" not in text and "tranche is spent" not in text
    body = client.get(f"/api/v1/claims/{JOBS}/check?run={eu_run}").json()
    assert body["applicable"] is False
    assert body["claim"]["verdict"] == "not applicable"
    assert body["claim"]["checks"] == []
    assert body["not_about"].startswith("Not applicable: this claim is about the plan")
    assert body["check_run_id"] is None
    assert body["published"]["verdict"] == "conditional"     # the reference plan's own


def test_stargate_claim_keeps_its_verdict_for_a_stargate_run(client, stargate_run, notes):
    body = client.get(f"/api/v1/claims/{JOBS}/check?run={stargate_run}").json()
    assert body.get("applicable") is True, body
    assert body["claim"]["verdict"] not in ("not applicable", "withheld")
    assert body["claim"]["note"] == notes[JOBS]
    html = client.get(f"/claims/{JOBS}/check?run={stargate_run}").text
    assert "Not applicable" not in html
    assert escaped_in(client, notes[JOBS], html)


def test_claims_about_any_plan_still_follow_the_run(client, stargate_run, eu_run):
    for run in (stargate_run, eu_run):
        body = client.get(f"/api/v1/claims/{NVIDIA}/check?run={run}").json()
        assert body["applicable"] is True
        assert body["claim"]["checks"]
        assert body["claim"]["verdict"] != "not applicable"


def test_run_page_says_a_claim_is_not_about_its_plan(client, notes):
    """A US plan of another id citing a source of the Stargate jobs claim for its budget: the
    claim concerns it (run page) but is not about it."""
    from moneytrail.scenarios.reference import reference_dir

    plan = yaml.safe_load((reference_dir() / "stargate-style-us.yaml").read_text())
    plan.update(id="other-us-build", title="Another US build-out")
    plan["budget"]["source"] = "a_stargate_whitehouse_2025_01"
    run = finished(client, {"scenario": plan, "draws": 100, "seed": 2})
    html = client.get(f"/r/{run}").text
    section = html[html.index('id="claims-h"'):html.index('id="evidence-h"')]
    text = text_of(section)
    assert f'id="claim-{JOBS}-h"' in section
    jobs = text[text.index("Stargate will create"):]
    # who made the claim (h114) comes between its words and its verdict
    assert jobs.startswith("Stargate will create over 100,000 American jobs almost "
                           "immediately. Claimed by Donald Trump")
    assert "Verdict for this run: Not applicable" in jobs[:jobs.index("not about this run")]
    assert "not about this run's plan, “Another US build-out” (other-us-build)" in jobs
    assert escaped_in(client, notes[JOBS], section)


def test_run_page_of_the_reference_plan_keeps_verdicts_and_shows_notes(client, stargate_run,
                                                                       notes):
    html = client.get(f"/r/{stargate_run}").text
    section = html[html.index('id="claims-h"'):html.index('id="evidence-h"')]
    assert "Not applicable" not in section
    assert f'id="claim-{JOBS}-h"' in section
    assert escaped_in(client, notes[JOBS], section)


# -- 3. P(holds) never 100 % unless every draw holds ------------------------------------------

def test_p_holds_filter_never_rounds_to_100():
    from moneytrail.web.format import FILTERS

    assert FILTERS["p_holds"](0.9995) == "> 99.9 %"
    assert FILTERS["p_holds"](1.0) == "100.0 %"


def test_claim_pages_write_p_holds_with_the_p_holds_filter():
    from pathlib import Path

    import moneytrail.web as web

    folder = Path(web.__file__).parent / "templates"
    for name in ("claims.html", "run.html", "claim_check.html"):
        template = (folder / name).read_text()
        assert "p_holds | percent" not in template, name


def test_claims_page_explains_every_verdict_it_can_show(client):
    """The lead said 'one of four' while pages also show withheld and not applicable
    (reviewer G): the key lists every verdict a page can show."""
    import re as _re

    from moneytrail.analysis.verdicts import VERDICTS

    html = client.get("/claims").text
    key = html[html.index('class="verdict-key"'):html.index("</ul>", html.index("verdict-key"))]
    shown = set(_re.findall(r'class="verdict verdict-([a-z-]+)"', key))
    assert shown >= {v.replace(" ", "-") for v in VERDICTS} | {"not-applicable"}
    assert "one of four" not in html
