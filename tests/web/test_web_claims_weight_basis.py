"""The claims page says, under each claim, what its evidence weight counts and which
assumptions its rows cite that the weight does not count (analysis.claims weight_reads and
weight_leaves_out): the Nvidia claim's 0 % does not hide the EU-buying-mix assumption."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.analysis.claims_computations import WEIGHT_READS  # noqa: E402


@pytest.fixture(scope="module")
def page(module_app):
    with TestClient(module_app, base_url="https://testserver") as client:
        answer = client.get("/claims")
    assert answer.status_code == 200
    return answer.text


def article(html: str, claim: str) -> str:
    found = re.search(rf'<article class="claim" id="{claim}".*?</article>', html, re.S)
    assert found is not None
    return found.group(0)


def test_the_nvidia_claim_says_what_its_weight_does_not_count(page):
    nvidia = article(page, "nvidia-nearly-all-accelerators")
    basis = re.search(r'<div class="weight-basis">(.*?)</div>', nvidia, re.S)
    assert basis is not None
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", basis.group(1))).split())
    assert WEIGHT_READS["market.share"] in text
    assert "Not counted by the evidence weight" in text
    assert "/sources/m_assumption_eu_same_global_market" in basis.group(1)


def test_every_claim_says_what_its_weight_counts(page):
    for claim in re.findall(r'<article class="claim" id="([^"]+)"', page):
        assert 'class="weight-basis"' in article(page, claim), claim
