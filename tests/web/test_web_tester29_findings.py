"""Tester 29's findings: an HTML error page echoed a NUL, ESC or CR LF from the address as
the raw character; the lifecycle table's download links were named "CSV of " and "JSON of "
(no table named)."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("tester29") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.mark.parametrize("typed, escape", [("%00", "\\u0000"), ("a%1Bb", "\\u001b"),
                                           ("x%0D%0Ay", "\\u000d\\u000a")])
def test_an_error_page_writes_control_characters_as_escapes(client, typed, escape):
    page = client.get(f"/ledger/deals/{typed}", headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", page.text)
    assert "\r\n" not in page.text.replace("\n", "") and "\ry" not in page.text
    assert escape in unescape(page.text)


def test_the_lifecycle_download_links_name_their_table(client):
    from runs_helpers import finished

    run = finished(client, {"reference": "eu-ai-gigafactories", "draws": 200, "seed": 1})
    page = client.get(f"/r/{run}").text
    names = [unescape(re.sub(r"<[^>]+>", "", link)).strip()
             for link in re.findall(r'<a [^>]*href="[^"]*table=lifecycle[^"]*"[^>]*>(.*?)</a>',
                                    page, re.S)]
    downloads = [n for n in names if n.startswith(("CSV", "JSON"))]
    assert downloads == ["CSV of Lifecycle cost", "JSON of Lifecycle cost"], names


def test_two_ids_of_one_document_have_distinct_page_titles(client):
    titles = [re.search(r"<title>(.*?)</title>", client.get(f"/sources/{sid}").text, re.S)
              .group(1) for sid in ("m_ec_investai_2025", "l_investai_ec_dsj")]
    assert titles[0] != titles[1]
    assert "(m_ec_investai_2025)" in titles[0] and "(l_investai_ec_dsj)" in titles[1]


def test_a_run_pages_scorecard_note_gives_the_export_rules_date_without_the_plan_id(client):
    """The run page shows the scorecard's note (h88); its 'Export rules read on: <plan id>
    <date>' named the id, which on a run page of one plan says nothing and may be unsafe in
    runs stored before ids were checked (test_web_plan_checks)."""
    from runs_helpers import finished

    run = finished(client, {"reference": "eu-ai-gigafactories", "draws": 200, "seed": 1})
    note = re.search(r'<p class="note scorecard-note">(.*?)</p>', client.get(f"/r/{run}").text,
                     re.S)
    assert note is not None
    # the date in words (h215: 'Export rules read on: national-ai-compute 2025-07-01')
    assert "Export rules as of 1 July 2025 (a rule counts" in unescape(note.group(1))
