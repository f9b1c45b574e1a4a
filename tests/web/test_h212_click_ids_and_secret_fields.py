"""h212: a link from a Microsoft, Display & Video 360, iOS Google, LinkedIn, TikTok or X ad
carries that network's click id (`msclkid`, `dclid`, `gbraid`, `wbraid`, `li_fat_id`,
`ttclid`, `twclid`); a page named it as an unused parameter, as it would a typo. They are
tracking tags like `gclid` and `fbclid` now: no notice on a page, still a 400 from the API.

And web.query no longer reaches up into web.app for `is_secret`: both import it from
web.secret_fields, and importing web.query does not load the app module."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NOTICE = re.compile(r'<p class="notice notice-info unused-query"[^>]*>(.*?)</p>', re.S)
CLICK_IDS = ("msclkid", "dclid", "gbraid", "wbraid", "li_fat_id", "ttclid", "twclid")


@pytest.fixture(scope="module")
def client(module_app):
    with TestClient(module_app, base_url="https://testserver") as test_client:
        yield test_client


def notice(response) -> str | None:
    assert response.status_code == 200, response.text[:300]
    found = NOTICE.findall(response.text)
    return found[0] if found else None


@pytest.mark.parametrize("name", [*CLICK_IDS, "MSCLKID"])
def test_an_ad_click_id_shows_no_notice_and_the_api_still_refuses_it(client, name):
    assert notice(client.get(f"/ledger/totals?{name}=Example-123")) is None
    response = client.get(f"/api/v1/ledger/totals?{name}=Example-123")
    assert response.status_code == 400 and response.json()["field"] == name


def test_a_click_id_beside_a_typo_leaves_only_the_typo_named(client):
    text = notice(client.get("/ledger/totals?msclkid=abc&currrency=USD&ttclid=x"))
    assert text is not None and text.startswith(
        "This page does not use <code>currrency=USD</code> (ignored).")
    assert "msclkid" not in text and "ttclid" not in text


def test_names_that_merely_resemble_a_click_id_are_still_named(client):
    """Exact names only: `msclkid_x` or `clid` are not tracking tags."""
    text = notice(client.get("/ledger/totals?msclkid_x=1&clid=2"))
    assert text is not None and "<code>msclkid_x=1</code>" in text and "<code>clid=2</code>" in text


def test_is_secret_lives_below_the_app_and_behaves_as_before():
    from moneytrail.web import app, query, secret_fields

    assert query.is_secret is secret_fields.is_secret is app.is_secret
    secret = secret_fields.is_secret
    assert secret("password") and secret("body.new_password") and secret("API_KEY")
    assert secret("Authorization") and secret("csrf_token")
    assert not secret(None) and not secret("") and not secret("passwords")
    assert not secret("password.hint") and not secret("region")


def test_importing_the_query_checks_does_not_load_the_app_module():
    code = ("import sys, moneytrail.web.query; "
            "print('moneytrail.web.app' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
    source = (ROOT / "src" / "moneytrail" / "web" / "query.py").read_text(encoding="utf-8")
    assert "moneytrail.web.app" not in source
