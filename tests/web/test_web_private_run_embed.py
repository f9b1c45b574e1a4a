"""A run of a private saved plan opens only for its owner, so its charts' embed code (an
iframe whose address answers 404 to everyone else) is not offered on its run page nor on a
compare page that includes it: one line says why instead. Public runs keep their embed code."""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import run_private_plan  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

BASE = "http://127.0.0.1"
REFERENCE = "eu-ai-gigafactories"
WHY = "Only public runs can be embedded: this one is of a private saved plan"


@pytest.fixture(scope="module")
def app(module_app):
    """One app for all the tests of this module (tests/web/conftest.py)."""
    return module_app


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)))


@pytest.fixture(scope="module")
def private_run(app):
    """A run of eve's private saved plan, with eve's signed-in client."""
    from moneytrail.web import builder

    plan = {**builder.reference_mapping(REFERENCE), "draws": 100, "seed": 123}
    return run_private_plan(app, plan, "Private embed", base=BASE)


@pytest.fixture(scope="module")
def public_runs(app):
    client = TestClient(app, base_url=BASE)
    return [finished(client, {"reference": REFERENCE, "draws": 100, "seed": s})
            for s in (124, 125)]


def test_a_private_run_page_offers_no_embed_code_and_says_why(app, private_run):
    eve, rid = private_run
    assert TestClient(app, base_url=BASE).get(f"/embed/r/{rid}/first").status_code == 404
    page = eve.get(f"/r/{rid}").text
    assert "/embed/r/" not in page and "&lt;iframe" not in page
    words = text(page)
    assert words.count(WHY) == 3                  # under each of the three charts
    assert "make the plan public to embed its charts" in words
    # the downloads and the citation stay: they work for the owner
    assert f"/r/{rid}/chart/first.svg" in page and "Cite as:" in words


def test_a_public_run_page_keeps_its_embed_code(app, public_runs):
    page = TestClient(app, base_url=BASE).get(f"/r/{public_runs[0]}").text
    assert f"{BASE}/embed/r/{public_runs[0]}/first" in page
    assert page.count("&lt;iframe") == 3
    assert WHY not in text(page)


def test_a_comparison_with_a_private_run_offers_no_embed_code(app, private_run, public_runs):
    eve, rid = private_run
    page = eve.get(f"/compare?runs={public_runs[0]},{rid}").text
    assert "/embed/compare" not in page and "&lt;iframe" not in page
    words = text(page)
    assert ("Only public runs can be embedded: one of these runs is of a private saved plan"
            in words)
    assert "make the plan public to embed" in words
    assert f"/compare/chart.svg?runs={public_runs[0]},{rid}" in page   # images stay


def test_a_comparison_of_public_runs_keeps_its_embed_code(app, public_runs):
    ids = ",".join(public_runs)
    page = TestClient(app, base_url=BASE).get(f"/compare?runs={ids}").text
    assert f"{BASE}/embed/compare?runs={ids}" in page
    assert "Only public runs can be embedded" not in text(page)
