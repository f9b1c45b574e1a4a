"""A claim checked against a run, and a reader's own check:

- the check page (/claims/<claim>/check?run=<id>) says, under the claim, what its evidence
  weight counts and the assumptions its rows cite that it does not count, for the run it was
  checked against (analysis.claims weight_reads and weight_leaves_out, as on /claims);
- the stored reader check's run page (/r/<check>) links the run it was checked against
  (/r/<run>), with a name that says what the link is, where it gave a bare id;
- the JSON twins of the check pages give the page's absolute address (`url`: under
  MONEYTRAIL_PUBLIC_URL, else the address the request reached, `web.app.request_origin`),
  and that address opens the page of the same check.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

PLAN = "eu-ai-gigafactories"
CLAIM = "public-money-to-nvidia-and-hyperscalers"     # traces eu-ai-gigafactories


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("claim-check-weight") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def run(client) -> str:
    """A run of the plan the claim traces, with other draws than the published check's."""
    return finished(client, {"reference": PLAN, "draws": 200, "seed": 1})


@pytest.fixture(scope="module")
def own(run) -> dict:
    return {"run": run, "quantity": "first_invoice_share", "firms": ["nvidia"],
            "side": "at_least", "number": "50"}


def service_rows(client, run: str) -> list[dict]:
    """The claim's check rows for the run, straight from the service."""
    from moneytrail.service.run_claims import check_against_run
    from moneytrail.web.runs import records

    app = client.app
    result = app.state.jobs.store.get(run).result
    checked = check_against_run(app.state.workspace, CLAIM, result, store=None)
    return [r for r in records(checked.checked, "claims") if r["claim"] == CLAIM]


def test_the_check_page_says_what_the_runs_evidence_weight_counts(client, run):
    rows = service_rows(client, run)
    assert len(rows) == 2
    html = client.get(f"/claims/{CLAIM}/check", params={"run": run}).text
    basis = re.search(r'<div class="weight-basis">(.*?)</div>', html, re.S)
    assert basis is not None, "no evidence-weight block on the check page"
    text = text_of(basis.group(1))
    for row in rows:
        assert row["weight_reads"]
        assert f"{row['check']}: {row['weight_reads']}" in text, (row["check"], text)
    assert "Not counted by the evidence weight" in text
    left = {s.strip() for row in rows for s in row["weight_leaves_out"].split(";") if s.strip()}
    linked = set(re.findall(r'href="/sources/([^"]+)"', basis.group(1)))
    assert "m_assumption_eu_same_global_market" in left
    assert "m_assumption_eu_same_global_market" in linked
    assert linked <= left, linked - left


def test_the_check_page_keeps_the_runs_figures(client, run):
    """The block adds words only: the check's figures and weight are the service's."""
    rows = service_rows(client, run)
    body = client.get(f"/api/v1/claims/{CLAIM}/check", params={"run": run}).json()
    for row, shown in zip(rows, body["claim"]["checks"], strict=True):
        for key in ("figure", "p_holds", "assumption_or_weak_p50"):
            assert shown[key] == row[key], key
        assert shown["weight_reads"] == row["weight_reads"]
        assert shown["weight_leaves_out"] == row["weight_leaves_out"]


def test_the_stored_reader_check_links_the_run_it_was_checked_against(client, run, own):
    check_run = client.get("/api/v1/claims/check", params=own).json()["check_run_id"]
    assert check_run
    html = client.get(f"/r/{check_run}").text
    facts = html[html.index('<dl class="facts">'):html.index("</dl>")]
    link = re.search(rf'<a href="/r/{run}"[^>]*>(.*?)</a>', facts, re.S)
    assert link is not None, facts
    label = re.search(r'aria-label="([^"]+)"', link.group(0))
    assert label is not None
    name = unescape(label.group(1))
    assert text_of(link.group(1)) in name            # the name starts from what is shown
    assert "checked against" in name and run in name
    assert run not in text_of(facts.replace(link.group(0), ""))     # no bare id beside it
    assert client.get(f"/r/{run}").status_code == 200


def opened(client, url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "http://testserver", url   # the address reached
    answer = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert answer.status_code == 200, (url, answer.status_code)
    return answer.text


def test_the_claim_checks_json_gives_its_pages_address(client, run):
    body = client.get(f"/api/v1/claims/{CLAIM}/check", params={"run": run}).json()
    assert body["url"] == f"http://testserver/claims/{CLAIM}/check?run={run}"
    html = opened(client, body["url"])
    assert unescape(re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)) == body["claim"]["text"]
    assert f"checked against run {run}" in text_of(html)
    app = client.app
    kept, app.state.public_url = app.state.public_url, "https://mt.example.org"
    try:
        body = client.get(f"/api/v1/claims/{CLAIM}/check", params={"run": run}).json()
    finally:
        app.state.public_url = kept
    assert body["url"] == f"https://mt.example.org/claims/{CLAIM}/check?run={run}"


def test_the_own_checks_json_gives_its_pages_address(client, own):
    body = client.get("/api/v1/claims/check", params=own).json()
    assert body["url"].startswith("http://testserver/claims/check?")
    html = opened(client, body["url"])
    own_result = html[html.index('id="own-result"'):]
    assert body["checked"] in unescape(own_result)
    assert body["claim"]["checks"][0]["figure"] in unescape(own_result)
    app = client.app
    kept, app.state.public_url = app.state.public_url, "https://mt.example.org"
    try:
        public = client.get("/api/v1/claims/check", params=own).json()["url"]
    finally:
        app.state.public_url = kept
    assert public == body["url"].replace("http://testserver", "https://mt.example.org", 1)
