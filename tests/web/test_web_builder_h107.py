"""h107: a huge budget in a builder draft link is printed short (note and field alike) and
marked over the cap as soon as the draft loads."""

from __future__ import annotations

import base64
import json
import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.builder import reference_mapping  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h107") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, base_url="http://localhost") as test_client:
        yield test_client


def draft_link(amount: float) -> str:
    plan = reference_mapping("eu-ai-gigafactories")
    plan["budget"] = {"amount": amount}
    return "/build?plan=" + base64.urlsafe_b64encode(json.dumps(plan).encode()).decode()


def budget_value(html: str) -> str:
    found = re.search(r'<input id="f-budget" name="budget" type="text" value="([^"]*)"', html)
    assert found
    return unescape(found.group(1))


def test_a_huge_budget_prints_short_and_alike_in_note_and_field(client):
    html = client.get(draft_link(1e300)).text
    note = unescape(re.search(r'id="f-inherited" role="note">([^<]*)<', html).group(1))
    assert "this plan's budget is EUR 1e+300." in note
    assert len(note) < 300
    assert budget_value(html) == "1e+300"


@pytest.mark.parametrize(("amount", "says"), [
    (1e300, "A budget can be at most 100,000 tn"),
    (5e13, "more than the GDP of the largest economy"),
])
def test_a_budget_over_the_cap_is_marked_when_the_draft_loads(client, amount, says):
    page = client.get(draft_link(amount))
    assert page.status_code == 400
    error = re.search(r'id="f-budget-error">(.*?)</span>\s*(.*?)</span>', page.text, re.S)
    assert error and says in unescape(error.group(2))
    assert f"(you gave: {budget_value(page.text)})" in unescape(error.group(2))
    assert 'aria-invalid="true"' in re.search(r'<input id="f-budget"[^>]*>', page.text).group(0)


def test_a_budget_within_the_cap_loads_unchecked(client):
    page = client.get(draft_link(2e10))
    assert page.status_code == 200
    assert "f-budget-error" not in page.text
