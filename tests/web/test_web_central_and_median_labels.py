"""A journalist tester saw a plan's page give AI accelerators EUR 7.80 bn (the central share,
39 %, times the budget) and the plan's run page EUR 7.67 bn (the median of the draws) with
nothing saying the two are different things. The plan page now names its amount the central
estimate of the input, and the run page its amount the median of its draws, each saying why
the two differ."""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

BASE = "http://127.0.0.1"
REFERENCE = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def split_table(page: str, caption: str) -> str:
    """The words of the table whose caption starts with `caption` and the paragraphs before
    it, from its section's heading on."""
    start = page.index(caption)
    section = page.rfind("<h", 0, start)
    return text(page[section:page.index("</table>", start)])


def test_the_plan_page_names_its_amount_the_central_estimate(app):
    page = TestClient(app, base_url=BASE).get(f"/plans/{REFERENCE}").text
    words = split_table(page, "Spending split of")
    assert "EUR 7.80 bn" in words                    # 39 % of EUR 20 bn
    assert "Amount at the central share" in words
    assert "central estimate of the input" in words
    assert "median of the run's draws" in words       # why the run page shows another figure


def test_the_run_page_names_its_amount_the_median_of_the_draws(app):
    from moneytrail.web import builder

    client = TestClient(app, base_url=BASE)
    rid = finished(client, {**builder.reference_mapping(REFERENCE), "draws": 200})
    words = split_table(client.get(f"/r/{rid}").text, "Spending by category")
    assert "Median of 200 draws" in words
    assert "not the central estimate of the input" in words
    assert "central share times the budget" in words
