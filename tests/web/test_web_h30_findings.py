"""Tester findings: the compare briefing of runs in different currencies uses the compare
page's common unit (per EUR million) and note; a ledger record read by GET goes back
unchanged through PATCH; the ledger edit form reads size words and the claim's currency."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.yamlio import read_yaml  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

PLAN = "eu-ai-gigafactories"
JOBS = "Jobs paid for per million spent (FTE-years)"


def mapping() -> dict:
    from moneytrail.errors import ScenarioError

    path = next(p for p in reference_scenarios() if p.stem == PLAN)
    return dict(read_yaml(path, ScenarioError, what="scenario file"))


def test_compare_briefing_restates_per_million_like_the_page(tmp_path):
    from moneytrail.report.briefing.text import in_unit

    app = create_app(db=str(tmp_path / "ledger.sqlite"), start_reference_runs=False,
                     run_limit=(1000, 100))
    with TestClient(app) as client:
        eur = finished(client, {"reference": PLAN, "draws": 200, "seed": 3})
        usd = finished(client, {**mapping(), "id": "gf-usd", "currency": "USD",
                                "draws": 200, "seed": 3})
        body = client.get(f"/api/v1/compare?runs={eur},{usd}").json()
        row = next(r for r in body["scorecard"] if r["metric"] == JOBS)
        assert row["unit"] == "FTE-years per EUR million"
        response = client.get(f"/compare/report.html?runs={eur},{usd}")
        assert response.status_code == 200
        html = unescape(response.text)
    assert "per USD m" not in html
    assert "per EUR million for every run" in html and body["scorecard_note"]
    for k in (1, 2):
        assert in_unit(row[f"run{k}_p50"], row["unit"]) in html, (k, row)


def test_ledger_edit_form_reads_size_words_and_the_claims_currency(tmp_path):
    """'450 bn' and 'USD 450 bn' were "not a number" in the ledger edit form while the plan
    builder read them; another currency's code is refused in one line."""
    from accounts_fixtures import login, make_app

    app = make_app(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    client = login(app, "eve")
    claim = "stargate_us_announced"
    assert app.state.web.ledger.get("claim", claim)["currency"] == "USD"
    html = client.get(f"/ledger/edit/claim/{claim}").text
    form = re.search(r'<form method="post" action="/ledger/edit/.*?</form>', html, re.S).group(0)
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    values.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form))
    values.update(low="450 bn", central="USD 475.5 bn", reason="size words")
    saved = client.post(f"/ledger/edit/claim/{claim}", data=values, follow_redirects=False)
    assert saved.status_code == 303, unescape(saved.text)[-2000:]
    stored = app.state.web.ledger.get("claim", claim)
    assert (stored["low"], stored["central"]) == ("450000000000", "475500000000")
    values = {**values, "expected_revision": stored["revision"], "low": "EUR 450 bn",
              "reason": "other currency"}
    refused = client.post(f"/ledger/edit/claim/{claim}", data=values, follow_redirects=False)
    assert refused.status_code == 400
    text = unescape(refused.text).replace("\u2019", "'")
    assert "the amount is in EUR but the claim's currency is USD" in text
    assert "(you gave: EUR 450 bn)" in text
    assert app.state.web.ledger.get("claim", claim)["low"] == "450000000000"
