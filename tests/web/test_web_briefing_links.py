"""Links in a run's briefing (`/r/<run id>/report.pdf|html`), a document handed on: they use
the site's public address (MONEYTRAIL_PUBLIC_URL, `app.state.public_url`) when it is set,
else relative paths with the run id in the text, never the address the request reached the
server at (http://127.0.0.1:8876 when the server is behind a proxy or run locally)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import wait_done  # noqa: E402

PLAN_DRAWS = 50
APP_OPTIONS = {"run_limit": (1000, 100)}
LOCAL = "http://127.0.0.1:8876"


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def run_id(app, plan):
    client = TestClient(app, base_url=LOCAL)
    started = client.post("/api/v1/runs", json={**plan, "seed": 17601})
    assert started.status_code == 202, started.text
    rid = started.json()["run_id"]
    assert wait_done(client, rid)["status"] == "done"
    return rid


def briefing_html(app, run_id: str, public: str) -> str:
    kept, app.state.public_url = getattr(app.state, "public_url", ""), public
    try:
        response = TestClient(app, base_url=LOCAL).get(f"/r/{run_id}/report.html")
    finally:
        app.state.public_url = kept
    assert response.status_code == 200, response.text[:300]
    return response.text


def test_without_a_public_address_links_are_relative(app, run_id):
    html = briefing_html(app, run_id, "")
    assert "127.0.0.1" not in html and "localhost" not in html
    assert 'href="/methods#' in html             # the notes' citations of the methods
    assert '<a href="/methods">/methods</a> on the moneytrail web app' in html
    page = f"/r/{run_id}"
    assert f'<a href="{page}">{page}</a> on the moneytrail web app' in html
    assert not re.search(r'href="(?!#|/|https?://(?!127\.0\.0\.1|localhost)|data:|mailto:)',
                         html)


def test_with_a_public_address_links_use_it(app, run_id):
    html = briefing_html(app, run_id, "https://mt.example.org/tool")
    assert "127.0.0.1" not in html and "localhost" not in html
    assert 'href="https://mt.example.org/tool/methods#' in html
    assert '<a href="https://mt.example.org/tool/methods">' in html
    page = f"https://mt.example.org/tool/r/{run_id}"
    assert f'<a href="{page}">{page}</a>.' in html


def test_the_public_address_setting_is_checked(monkeypatch):
    from moneytrail.errors import MoneytrailError
    from moneytrail.web.app import PUBLIC_URL_ENV, public_url

    monkeypatch.delenv(PUBLIC_URL_ENV, raising=False)
    assert public_url() == ""
    monkeypatch.setenv(PUBLIC_URL_ENV, " https://mt.example.org/ ")
    assert public_url() == "https://mt.example.org"
    assert public_url("http://10.0.0.5:8000/mt/") == "http://10.0.0.5:8000/mt"
    for bad in ("mt.example.org", "ftp://mt.example.org", "https://mt.example.org/?a=1",
                "https://user@mt.example.org", "https://mt.example.org/#x"):
        with pytest.raises(MoneytrailError) as refused:
            public_url(bad)
        assert refused.value.field == PUBLIC_URL_ENV
