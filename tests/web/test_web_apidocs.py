"""/api/v1/docs: Swagger UI from the installed package (no CDN, no inline script), and a plain
reference of every endpoint rendered by our template (the whole page without the package)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import apidocs, create_app  # noqa: E402


def client_for(tmp_path):
    app = create_app(db=str(tmp_path / "ledger.sqlite"), start_reference_runs=False)
    return TestClient(app)


def test_the_docs_page_serves_swagger_ui_from_the_package(tmp_path):
    assert apidocs.swagger_ui_dir() is not None, "swagger-ui-py is a dependency"
    with client_for(tmp_path) as client:
        page = client.get("/api/v1/docs")
        assert page.status_code == 200
        assert "script-src 'self';" in page.headers["content-security-policy"]
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
        assert scripts and all('src="/' in attrs and not body.strip()
                               for attrs, body in scripts)          # local files only
        for asset in ("swagger-ui.css", "swagger-ui-bundle.js"):
            response = client.get(f"/static/swagger-ui/{asset}")
            assert response.status_code == 200 and len(response.content) > 10_000
        assert client.get("/static/swagger-ui/swagger-editor.js").status_code == 404
        for old in ("/docs", "/redoc"):
            moved = client.get(old, follow_redirects=False)
            assert moved.status_code == 308 and moved.headers["location"] == "/api/v1/docs"
        assert '<a href="/api/v1/docs">HTTP API reference</a>' in client.get("/").text


def test_the_plain_reference_lists_endpoints_with_parameters_and_curl(tmp_path, monkeypatch):
    monkeypatch.setattr(apidocs, "swagger_ui_dir", lambda: None)       # package missing
    with client_for(tmp_path) as client:
        page = client.get("/api/v1/docs").text
        assert "swagger-ui-bundle.js" not in page
        assert '<details id="plain-reference" class="plain-reference" open>' in page
        assert "<code>/api/v1/runs</code>" in page
        assert "curl &#39;http://testserver/api/v1/ledger&#39;" in page
        ledger = page.split("<code>/api/v1/ledger</code>", 1)[1].split("</section>", 1)[0]
        assert "<code>region</code> (query)" in ledger
