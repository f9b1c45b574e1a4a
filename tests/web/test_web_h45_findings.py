"""A tester's findings on the web app and API: a 5,000-digit whole number in a JSON body was
a 500 (runs) or a 400 naming nothing (saved plans, ledger); a blank ledger reason named no
field (and was a 422, where docs/errors.md makes a bad value a 400); a deal's `revision` was
text in the deal API but an integer in the record API."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

DEAL = "l_draghi_report_2024_09"
SOURCE = "l_draghi_politico"
BIG = "9" * 5000


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app, base_url=HTTPS, raise_server_exceptions=False)


def send(client, app, method: str, path: str, raw: str):
    headers = {**bearer(app, "eve"), "Content-Type": "application/json"}
    return client.request(method, path, content=raw.encode(), headers=headers)


@pytest.mark.parametrize("method, path, raw, field", [
    ("POST", "/api/v1/runs",
     '{"reference": "eu-ai-gigafactories", "draws": 100, "seed": %s}', "seed"),
    ("POST", "/api/v1/runs", '{"scenario": {"id": "x", "year": %s}}', "scenario.year"),
    ("PATCH", "/api/v1/saved-plans/some-plan",
     '{"title": "t", "expected_revision": %s}', "expected_revision"),
    ("PATCH", f"/api/v1/ledger/deal/{DEAL}",
     '{"changes": {"note": "n"}, "expected_revision": %s, "reason": "r"}',
     "expected_revision"),
    ("POST", "/api/v1/ledger/claim", '{"record": {"low": [1, %s]}, "reason": "r"}',
     "record.low.1"),
    ("POST", "/api/v1/runs", "%s", "body"),
])
def test_a_huge_whole_number_is_a_400_naming_its_field(client, app, method, path, raw, field):
    response = send(client, app, method, path, raw % BIG)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["field"] == field, body
    assert "5,000 digits" in body["detail"] and "parsing the body" not in body["detail"]
    assert body["value"] == "9" * 20 + "\u2026 (5,000 digits)"


def test_a_long_whole_number_in_range_of_reading_is_shown_shortened(client, app):
    response = send(client, app, "POST", "/api/v1/runs",
                    '{"reference": "eu-ai-gigafactories", "draws": 100, "seed": %s}'
                    % ("9" * 4000))
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["field"] == "seed" and "2**63" in body["detail"]
    assert body["value"] == "9" * 20 + "\u2026 (4,000 digits)"
    assert len(response.text) < 400


@pytest.mark.parametrize("path, extra", [
    (f"/api/v1/ledger/deal/{DEAL}", {"changes": {"note": "n"}, "expected_revision": 1}),
    ("/api/v1/ledger/revisions/1/revert", {}),
])
def test_a_blank_reason_is_a_400_naming_reason(app, path, extra):
    from accounts_fixtures import login

    root = login(app, "root")
    method = "PATCH" if "revert" not in path else "POST"
    response = root.request(method, path, json={**extra, "reason": "  "},
                            headers={"X-CSRF-Token": root.csrf})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["field"] == "reason" and body["value"] == "  "
    assert "a reason is required" in body["detail"]


def test_revision_is_an_integer_in_every_ledger_api(client):
    deal = client.get(f"/api/v1/ledger/deals/{DEAL}").json()["deal"]
    record = client.get(f"/api/v1/ledger/record/deal/{DEAL}").json()
    assert isinstance(deal["revision"], int) and deal["revision"] == record["revision"]
    source = client.get(f"/api/v1/sources/{SOURCE}").json()["source"]
    stored = client.get(f"/api/v1/ledger/record/source/{SOURCE}").json()
    assert isinstance(source["revision"], int) and isinstance(source["seq"], int)
    assert (source["revision"], source["seq"]) == (stored["revision"], stored["seq"])
    page = client.get(f"/ledger/deals/{DEAL}")
    assert page.status_code == 200


# -- chart images: the browser is looked up, and a missing one is the server's problem ---------
def fake_program(folder, name: str):
    path = folder / name
    path.write_text("#!/bin/sh\nexit 1\n")
    path.chmod(0o755)
    return path


def test_the_browser_is_found_on_path_or_by_its_variable(tmp_path, monkeypatch):
    from moneytrail.web import charts

    monkeypatch.delenv(charts.BROWSER_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert charts.find_browser() is None
    ubuntu = fake_program(tmp_path, "chromium-browser")
    assert charts.find_browser() == str(ubuntu)
    debian = fake_program(tmp_path, "chromium")
    assert charts.find_browser() == str(debian)
    elsewhere = fake_program(tmp_path.parent, "my-chrome-h45")
    monkeypatch.setenv(charts.BROWSER_ENV, str(elsewhere))
    assert charts.find_browser() == str(elsewhere)
    monkeypatch.setenv(charts.BROWSER_ENV, "no-such-browser")
    assert charts.find_browser() is None


@pytest.mark.parametrize("path, page", [("/charts/reality.svg", "(/)"),
                                        ("/api/v1/charts/reality.png", "(/)")])
def test_no_browser_is_a_503_saying_so_without_blaming_the_format(client, app, tmp_path,
                                                                  monkeypatch, path, page):
    from moneytrail.web import charts

    monkeypatch.delenv(charts.BROWSER_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    cache, app.state.charts = app.state.charts, charts.ImageCache(tmp_path / "images")
    try:
        response = client.get(path)
    finally:
        app.state.charts = cache
    assert response.status_code == 503, response.text
    text = response.text
    assert "Check" not in text and "format" not in text.replace("Content-Type", "")
    assert "cannot draw chart images" in text and "no Chromium browser installed" in text
    assert "downloads" in text and page in text and "MONEYTRAIL_CHROMIUM" in text
    if path.startswith("/api/"):
        assert "field" not in response.json()


# -- an unknown spending category is named before the shares are added up --------------------
def plan_mapping() -> dict:
    from moneytrail.errors import ScenarioError
    from moneytrail.scenarios.reference import reference_scenarios
    from moneytrail.scenarios.yamlio import read_yaml

    path = next(p for p in reference_scenarios() if p.stem == "eu-ai-gigafactories")
    return dict(read_yaml(path, ScenarioError, what="scenario file"))


@pytest.mark.parametrize("change, field, value", [
    (lambda m: m["spend"].update(unicorns=0.1), "spend.unicorns", "unicorns"),
    (lambda m: m.update(procurement={"unicorns": {"nvidia": 1.0}}), "procurement.unicorns",
     "unicorns"),
    (lambda m: m.update(procurement={"accelerators": {"nvidia": 0.5, "acme_chips": 0.6}}),
     "procurement.accelerators.acme_chips", "acme_chips"),
])
def test_an_unknown_name_is_refused_before_shares_are_added_up(client, change, field, value):
    plan = plan_mapping()
    change(plan)
    for body, prefix in ((plan, ""), ({"scenario": plan}, "scenario.")):
        response = client.post("/api/v1/runs", json=body)
        assert response.status_code == 400, response.text
        problem = response.json()
        assert (problem["field"], problem["value"]) == (prefix + field, value), problem
        assert "unknown" in problem["detail"] and "add up to" not in problem["detail"]


# -- the HHI change of a plan without procurement rules: a reason, not "+0 (+0 – +0)" ---------
@pytest.fixture(scope="module")
def runs(client):
    from runs_helpers import finished

    return {name: finished(client, {"reference": name, "draws": 20, "seed": 1})
            for name in ("eu-ai-gigafactories", "efficiency-first-eu")}


def hhi_row(html: str) -> str:
    import re
    from html import unescape

    def text_of(part: str) -> str:
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", part)).split())

    start = html.index("HHI change, the largest rise or fall among the markets bought in")
    return text_of(html[start:html.index("</tr>", start)])


def test_the_hhi_change_says_why_it_is_zero(client, runs):
    run = runs["eu-ai-gigafactories"]
    row = hhi_row(client.get(f"/r/{run}").text)
    assert "+0" not in row and "No change: with no procurement rules" in row, row
    ruled = hhi_row(client.get(f"/r/{runs['efficiency-first-eu']}").text)
    assert "No change" not in ruled and "points" in ruled, ruled
    both = f"{run},{runs['efficiency-first-eu']}"
    compared = hhi_row(client.get(f"/compare?runs={both}").text)
    assert "No change: with no procurement rules" in compared and "points" in compared
    assert "+0 points (+0 – +0 points)" not in compared


# -- the buyer region by name ---------------------------------------------------------------
def facts_row(html: str, label: str) -> str:
    start = html.index(f"<dt>{label}</dt>")
    return html[start:html.index("</div>", start)]


def test_the_buyer_region_is_named(client, runs):
    plan = client.get("/plans/stargate-style-us").text
    assert "<dd>United States</dd>" in facts_row(plan, "Buyer region")
    run = client.get(f"/r/{runs['eu-ai-gigafactories']}").text
    assert "<dd>European Union</dd>" in facts_row(run, "Buyer region")
    build = client.get("/build?reference=eu-ai-gigafactories").text
    assert ">European Union (EU)</option>" in build and ">United States (US)</option>" in build
