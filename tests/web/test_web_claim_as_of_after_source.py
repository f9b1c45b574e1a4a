"""The add-claim form refuses a claim dated after its source's published date, at the as_of
field, naming both dates and the source id; the store is unchanged."""

from __future__ import annotations

import html as markup

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import login  # noqa: E402
from form_checks import invalid_inputs, parse  # noqa: E402
from test_web_ledger_form_errors import form_values  # noqa: E402


def test_the_form_refuses_an_as_of_after_the_sources_date(app):
    client = login(app, "eve")
    html = client.get("/ledger/add/claim").text
    data = {**form_values(html, "/ledger/add/claim"), "ref": "after_its_source",
            "deal": "l_stargate_us_2025_01", "stage": "committed", "low": "1", "central": "1",
            "high": "1", "currency": "USD", "price_year": "2025", "as_of": "2026-06-02",
            "source": "l_stargate_openai_2025_01", "reason": "test"}
    refused = client.post("/ledger/add/claim", data=data)
    assert refused.status_code == 400
    assert invalid_inputs(parse(refused.text)) == ["f-as_of"]
    text = markup.unescape(refused.text)
    assert "after the published date of its source 'l_stargate_openai_2025_01' (2025-01-21)" \
        in text and "2026-06-02" in text
    assert "after_its_source" not in {r["ref"] for r in app.state.web.ledger.records("claim")}
