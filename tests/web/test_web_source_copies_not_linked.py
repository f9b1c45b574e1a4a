"""A source read on a junk host is never a link (h217, data 2.6.1): the source page shows the
address as text, "copy on an unvetted site", with the primary document (the briefings:
tests/report/test_briefing_source_copies.py). A repository copy (a code host) stays a
link, labelled."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

JUNK = {"s_eia_retail_revenue_2024": "tsgdht.cn", "m_intel_gaudi_2024": "vuink.com",
        "m_ft_eu_electricals_2025": "tadycrypto.com",
        "l_msft_fy26_flatquarters_copy": "gokawiil.com"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h217-copies") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def links(html: str) -> list[str]:
    return re.findall(r'<a\b[^>]*\bhref="([^"]*)"', html)


@pytest.mark.parametrize("source", sorted(JUNK))
def test_a_source_on_a_junk_host_is_shown_as_text_with_its_primary(client, source):
    response = client.get(f"/sources/{source}")
    assert response.status_code == 200
    html = response.text
    host = JUNK[source]
    assert not [href for href in links(html) if host in href]
    link = re.search(r"<dt>Link</dt><dd>(.*?)</dd>", html, re.S).group(1)
    assert '<span class="copy-url">https://' in link and host in link
    assert "copy on an unvetted site" in link and "not linked; primary: " in link
    assert "primary: not identified" not in link     # every one names its primary


def test_the_api_says_the_address_is_not_linked(client):
    body = client.get("/api/v1/sources/m_intel_gaudi_2024").json()
    assert body["link"] == {"linked": "", "kind": "junk", "domain": "vuink.com",
                            "label": "copy on an unvetted site"}


def test_a_repository_extraction_stays_a_link_labelled_as_a_copy(client):
    html = client.get("/sources/s_esg_parse_nvidia").text
    assert [href for href in links(html) if "github.com/imanzaf" in href]
    link = re.search(r"<dt>Link</dt><dd>(.*?)</dd>", html, re.S).group(1)
    assert "repository copy or machine extraction: github.com" in link
    assert "not linked" not in link


def test_an_ordinary_source_is_a_plain_link(client):
    html = client.get("/sources/s_eia_faq_co2_kwh").text
    link = re.search(r"<dt>Link</dt><dd>(.*?)</dd>", html, re.S).group(1)
    assert 'class="external"' in link and "copy" not in link
