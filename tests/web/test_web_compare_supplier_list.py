"""The compare page lists a plan's own suppliers one category per line when it sets more than
one (the efficiency-first plan: cloud compute and model licences); at 375 px the split read
as one long sentence of about 17 lines. One category stays a sentence (test_web_h80_findings)."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> str:
    from runs_helpers import finished

    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("supplier-list") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False)
    with TestClient(app) as client:
        runs = [finished(client, {"reference": plan, "draws": 200, "seed": 1})
                for plan in ("eu-ai-gigafactories", "efficiency-first-eu")]
        return client.get(f"/compare?runs={','.join(runs)}").text


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def test_two_categories_of_own_suppliers_are_a_list(page):
    lists = re.findall(r'<ul class="plan-suppliers">(.*?)</ul>', page, re.S)
    assert len(lists) == 1                       # the efficiency-first plan's only
    items = [text_of(i) for i in re.findall(r"<li>(.*?)</li>", lists[0], re.S)]
    assert len(items) == 2
    assert items[0].startswith("Cloud compute: ") and items[0].endswith(";"), items
    assert items[1] == "Model licences: Mistral AI 100.0 %.", items
    assert "OVHcloud 25.0 %" in items[0]
    assert "Suppliers set by the plan:" in text_of(page)


def test_a_plan_without_own_suppliers_keeps_its_sentence(page):
    assert "Suppliers: the buyer region's market shares." in text_of(page)
