"""Links in a run's briefing (`/r/<run id>/report.pdf|html`), a document handed on and read
outside the site (a PDF opened from disk resolves no relative link): they use the site's public
address (MONEYTRAIL_PUBLIC_URL, `app.state.public_url`) when it is set, else the address the
request reached the server at (its scheme and checked Host, with the port the server listens
on when the Host names none: `web.app.request_origin`), so every link is absolute."""

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


def briefing(app, run_id: str, public: str, fmt: str = "html", base: str = LOCAL,
             headers: dict | None = None) -> bytes:
    kept, app.state.public_url = getattr(app.state, "public_url", ""), public
    try:
        response = TestClient(app, base_url=base).get(f"/r/{run_id}/report.{fmt}",
                                                      headers=headers or {})
    finally:
        app.state.public_url = kept
    assert response.status_code == 200, response.text[:300]
    return response.content


def briefing_html(app, run_id: str, public: str, **options) -> str:
    return briefing(app, run_id, public, **options).decode("utf-8")


def pdf_links(body: bytes) -> list[str]:
    """The addresses of every link annotation of a PDF."""
    import io

    pypdf = pytest.importorskip("pypdf")
    out = []
    for page in pypdf.PdfReader(io.BytesIO(body)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                out.append(str(action["/URI"]))
    return out


def test_without_a_public_address_links_use_the_address_reached(app, run_id):
    """Relative links ("/r/<id>") did nothing in a briefing opened from disk: without a
    public address they use the address the request reached (scheme, Host and port)."""
    html = briefing_html(app, run_id, "")
    assert f'href="{LOCAL}/methods#' in html             # the notes' citations of the methods
    assert f'<a href="{LOCAL}/methods">{LOCAL}/methods</a>.' in html
    page = f"{LOCAL}/r/{run_id}"
    assert f'<a href="{page}">{page}</a>.' in html
    assert "on the moneytrail web app" not in html
    assert not re.search(r'href="(?!#|https?://|data:|mailto:)', html)


def test_a_pdf_briefing_made_without_a_public_address_has_only_absolute_links(app, run_id):
    links = pdf_links(briefing(app, run_id, "", fmt="pdf"))
    assert f"{LOCAL}/r/{run_id}" in links and f"{LOCAL}/methods" in links
    assert all(re.match(r"(https?://|mailto:)", link) for link in links), \
        [link for link in links if not re.match(r"(https?://|mailto:)", link)]


def test_a_host_without_a_port_gets_the_port_the_server_listens_on(app, run_id):
    """`Host: localhost` reaching the server on port 8876 (the test client's address): the
    links name localhost:8876, not a portless localhost where nothing listens."""
    html = briefing_html(app, run_id, "", headers={"host": "localhost"})
    page = f"http://localhost:8876/r/{run_id}"
    assert f'<a href="{page}">{page}</a>.' in html
    assert "http://localhost/" not in html and "127.0.0.1" not in html


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
