"""The claims page's verdict key states the thresholds that make a verdict supported or
contradicted (P(holds) at least 90 % / at most 10 %) and the draws below which none is given,
read from the constants the code decides with (analysis.stats.CLAIM_CUTOFFS,
analysis.verdicts.MIN_VERDICT_DRAWS), and links the methods that define them."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.analysis import stats  # noqa: E402
from moneytrail.analysis.verdicts import MIN_VERDICT_DRAWS  # noqa: E402
from moneytrail.web.app import claim_cutoffs  # noqa: E402


def key_lines(html: str) -> str:
    key = re.search(r'<ul class="verdict-key">(.*?)</ul>', html, re.S)
    assert key is not None
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", key.group(1))).split())


@pytest.fixture(scope="module")
def client(module_app):
    with TestClient(module_app, base_url="https://testserver") as test_client:
        yield test_client


def test_the_claims_page_states_the_thresholds_the_code_uses(client):
    page = client.get("/claims")
    assert page.status_code == 200
    supported, contradicted = stats.CLAIM_CUTOFFS
    key = key_lines(page.text)
    assert f"at least {100 * supported:g} % of them" in key
    assert f"at most {100 * contradicted:g} % of them" in key
    assert f"fewer than {MIN_VERDICT_DRAWS:,} draws" in key
    methods = re.search(r'<ul class="verdict-key">.*?<a href="(/methods#[^"]+)">Verdicts',
                        page.text, re.S)
    assert methods is not None
    section = client.get(methods.group(1).split("#")[0]).text
    assert f'id="{methods.group(1).split("#")[1]}"' in section


def test_the_thresholds_follow_the_constants(monkeypatch):
    monkeypatch.setattr(stats, "CLAIM_CUTOFFS", (0.8, 0.25))
    said = claim_cutoffs()
    assert (said["supported"], said["contradicted"]) == ("80 %", "25 %")
