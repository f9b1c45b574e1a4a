"""A verdict on weak evidence (analysis.verdicts.weak_basis) is told apart wherever the web app
gives claim verdicts, not only on /claims: the API's claims (`/api/v1/claims`, the home page's
JSON, a claim checked against a run, a claims run's tables) carry `weak_basis` and
`verdict_label` beside the unchanged `verdict`, and the page of a stored claims run
(`moneytrail claims check`, /r/<id>) shows "Supported — on weak evidence" and its key, as
/claims does."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

WEAK = "public-money-pays-incumbents-high-prices"    # supported, 100 % on weak rows (data 2.5.3)
SOUND = "eu-2024-package-small"                      # supported, 0 % on weak rows
PLAN = "eu-ai-gigafactories"                         # the plan WEAK's first check traces
LABEL = "supported \u2014 on weak evidence"
PAGE_LABEL = "Supported \u2014 on weak evidence"
KEY = "at least half of the figure behind the verdict"


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A store holding two claims runs as `moneytrail claims check` stores them: the shipped
    claims (2,000 draws, seed 1) and a file of the sound claim alone."""
    from moneytrail.analysis.claims import load_claims
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    db = str(tmp_path_factory.mktemp("weak-basis") / "ledger.sqlite")
    with Workspace.open(db=db) as ws:
        every = tasks.check_claims(ws, draws=2000, seed=1)
        sound = tasks.check_claims(ws, claims=[c for c in load_claims() if c.id == SOUND],
                                   name="the sound claim", draws=2000, seed=1)
    return db, every, sound


@pytest.fixture(scope="module")
def client(stored):
    app = create_app(db=stored[0], start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_api_claims_has_weak_basis_per_claim_and_per_check(client):
    body = client.get("/api/v1/claims").json()
    claims = {c["id"]: c for c in body["claims"]}
    assert claims[WEAK]["verdict"] == "supported"
    assert claims[WEAK]["weak_basis"] is True and claims[WEAK]["verdict_label"] == LABEL
    assert claims[SOUND]["weak_basis"] is False
    assert claims[SOUND]["verdict_label"] == "supported"
    rows = [r for r in body["checks"] if r["claim"] == WEAK]
    assert rows and all(r["weak_basis"] is True and r["verdict_label"] == LABEL for r in rows)
    csv = client.get("/api/v1/claims?format=csv&table=checks").text
    assert "weak_basis" in csv.splitlines()[0] and LABEL in csv


def test_api_home_claims_have_weak_basis(client):
    claims = {c["id"]: c for c in client.get("/api/v1/home").json()["claims"]}
    assert claims[WEAK]["weak_basis"] is True and claims[WEAK]["verdict_label"] == LABEL
    assert claims[SOUND]["weak_basis"] is False


def test_api_claim_check_against_a_run_has_weak_basis(client):
    run = finished(client, {"reference": PLAN, "draws": 2000, "seed": 1})
    body = client.get(f"/api/v1/claims/{WEAK}/check?run={run}").json()
    for said in (body["claim"], body["published"]):
        assert said["verdict"] == "supported"
        assert said["weak_basis"] is True and said["verdict_label"] == LABEL


def test_api_of_a_stored_claims_run_has_weak_basis(client, stored):
    rows = client.get(f"/api/v1/runs/{stored[1].run_id}?table=claims").json()["rows"]
    weak = next(r for r in rows if r["claim"] == WEAK)
    assert weak["verdict"] == "supported" and weak["weak_basis"] is True
    assert weak["verdict_label"] == LABEL


def test_stored_claims_run_page_shows_the_label_and_its_key(client, stored):
    response = client.get(f"/r/{stored[1].run_id}")
    assert response.status_code == 200
    html = response.text
    row = next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if f">{WEAK}<" in r)
    assert 'class="verdict verdict-weak-basis"' in row and PAGE_LABEL in unescape(row)
    sound = next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if f">{SOUND}<" in r)
    assert "verdict-supported" in sound and "weak evidence" not in sound
    key = re.findall(r'<ul class="verdict-key">.*?</ul>', html, re.S)
    # the key's line names the verdicts shown on weak evidence, this one among them
    line = next(li for li in re.findall(r"<li>(.*?)</li>", unescape(key[0]), re.S) if KEY in li)
    assert len(key) == 1 and f"{PAGE_LABEL}</span>" in line and f"</span>: {KEY}" in line
    assert text_of(html).count(KEY) == 1


def test_stored_claims_run_page_has_no_weak_key_without_such_a_verdict(client, stored):
    html = client.get(f"/r/{stored[2].run_id}").text
    assert "verdict-supported" in html
    assert "on weak evidence" not in html and KEY not in text_of(html)


def test_a_plan_run_page_explains_its_weak_verdicts(client):
    """The run page's "Claims about this plan" labelled a verdict "on weak evidence" with no
    key saying what that means: the key of the verdicts shown sits above the claims."""
    run = finished(client, {"reference": PLAN, "draws": 2000, "seed": 1})
    html = client.get(f"/r/{run}").text
    section = html[html.index('id="claims-h"'):]
    section = section[:section.index("</section>")]
    assert PAGE_LABEL in unescape(section)
    key = re.search(r'<ul class="verdict-key">(.*?)</ul>', section, re.S)
    assert key and KEY in text_of(key[1])
    assert section.index('class="verdict-key"') < section.index('<article class="claim"')


def test_home_page_gives_the_key_of_the_verdicts_it_shows(client):
    """The home page's claims table shows "Supported — on weak evidence": the key under its
    heading says what that means in the page (a tooltip is lost on touch and in print), with
    a line for each verdict the table shows and none for a verdict it does not show."""
    html = client.get("/").text
    section = html[html.index('id="claims-h"'):]
    section = section[:section.index("</section>")]
    table = section[section.index("<table"):]
    key = section[:section.index("<table")]
    assert 'class="verdict-key"' in key
    assert PAGE_LABEL in text_of(table)
    assert KEY in text_of(key) and PAGE_LABEL in text_of(key)
    shown = set(re.findall(r'class="verdict verdict-([a-z-]+)"', table))
    keyed = set(re.findall(r'class="verdict verdict-([a-z-]+)"', key))
    assert keyed == shown, (keyed, shown)
