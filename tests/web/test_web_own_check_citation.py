"""The "Cite as" line of a figure of your own (/claims/check) names its verdict, and a check
without one (too few draws, or a figure the model cannot give) is cited as "no verdict": it
read as a plain citation beside "Verdict: no verdict", inviting a reader to quote the figure as
if it were a finding. A fact-checker who quotes the figure still gets the run, draws and seed
to reproduce it, with "no verdict" in the same line."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

PLAN = "eu-ai-gigafactories"


def citation(html: str) -> str:
    found = re.search(r'<p class="citation"><span class="label">Cite as:</span>(.*?)</p>', html,
                      re.S)
    assert found, "a Cite as line"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def ask(rid: str) -> dict:
    return {"run": rid, "quantity": "first_invoice_share", "firms": ["nvidia"],
            "side": "at_least", "number": "10"}


@pytest.fixture(scope="module")
def client(module_app):
    with TestClient(module_app, base_url="https://testserver") as test_client:
        yield test_client


def page_address(client, cited: str) -> str:
    """The citation without the stored check's page address it ends with (absolute, under
    the address the request reached when MONEYTRAIL_PUBLIC_URL is unset), which must open
    that check."""
    words, _, address = cited.rpartition(" ")
    assert address.startswith("https://testserver/r/"), cited
    page = client.get(address.removeprefix("https://testserver"))
    assert page.status_code == 200, (address, page.status_code)
    return words


def test_a_check_without_a_verdict_is_cited_as_no_verdict(client):
    rid = finished(client, {"reference": PLAN, "draws": 50, "seed": 1})
    response = client.get("/claims/check", params=ask(rid))
    assert response.status_code == 200
    assert client.get("/api/v1/claims/check", params=ask(rid)).json()["verdict_withheld"]
    cited = page_address(client, citation(response.text))
    assert cited.endswith("50 draws, seed 1, data package "
                          f"{cited.split('data package ')[1].split(':')[0]}: no verdict; not a "
                          "reviewed claim."), cited
    assert f"against run {rid}" in cited


def test_a_check_with_a_verdict_is_cited_with_it(client):
    rid = finished(client, {"reference": PLAN, "draws": 200, "seed": 1})
    body = client.get("/api/v1/claims/check", params=ask(rid)).json()
    assert not body["verdict_withheld"]
    label = body["claim"]["verdict_label"]
    cited = page_address(client, citation(client.get("/claims/check", params=ask(rid)).text))
    assert cited.lower().endswith(f": {label}; not a reviewed claim."), (cited, label)
    assert "no verdict" not in cited
