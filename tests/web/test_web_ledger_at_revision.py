"""Ledger pages at a past revision (a journalist's finding: the ledger pages offer "Cite as ...
ledger revision N", but a reader following the citation later could not see the page as it
was: `?revision=N` was ignored by the pages and refused by the API). The ledger list, a deal,
the totals and the reality chart, and their /api/v1 twins, take `?revision=N`: they show the
ledger as it was then, say so at the top with a link to the current version, and cite N with
an address that gives that view again; a bad revision is a 4xx naming `revision`."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

CLAIM = "stargate_us_announced"
NEW_NAME = "Renamed for the revision test"
# the parts of each view that hold the ledger's data (the rest is meta and links)
DATA = {"/api/v1/ledger": ["deals"], "/api/v1/ledger/totals": ["totals", "left_out"],
        "/api/v1/charts/reality": ["reality"]}


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def text_of(html: str) -> str:
    """A page's words as read: tags gone, spaces collapsed, none before punctuation."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,.;:])", r"\1", text)


def citation(html: str) -> str:
    found = re.search(r'<p class="citation"><span class="label">Cite as:</span> (.*?)</p>',
                      html, re.S)
    assert found is not None
    return unescape(found.group(1))


@pytest.fixture(scope="module")
def edited(app):
    """The ledger before and after an editor renames a deal and raises its announced claim
    through the API: the revision before, the views read then, the deal and the values."""
    client = TestClient(app, base_url=HTTPS)
    claim = client.get(f"/api/v1/ledger/record/claim/{CLAIM}").json()
    deal = claim["deal"]
    before = app.state.web.ledger.state().revision
    old = {path: client.get(path).json() for path in DATA}
    old_deal = client.get(f"/api/v1/ledger/deals/{deal}").json()
    record = client.get(f"/api/v1/ledger/record/deal/{deal}").json()
    response = client.patch(f"/api/v1/ledger/deal/{deal}", headers=bearer(app, "eve"),
                            json={"changes": {"name": NEW_NAME}, "reason": "test rename",
                                  "expected_revision": record["revision"]})
    assert response.status_code == 200, response.text
    raised = claim["central"] * 2
    response = client.patch(f"/api/v1/ledger/claim/{CLAIM}", headers=bearer(app, "eve"),
                            json={"changes": {"central": raised, "high": raised * 1.1},
                                  "reason": "a later announcement",
                                  "expected_revision": claim["revision"]})
    assert response.status_code == 200, response.text
    after = app.state.web.ledger.state().revision
    assert after == before + 2
    return {"client": client, "before": before, "after": after, "deal": deal,
            "old_name": old_deal["deal"]["name"], "old_deal": old_deal, "old": old,
            "central": claim["central"], "raised": raised}


def test_the_deal_page_at_the_earlier_revision_shows_the_old_values(edited):
    client, before, deal = edited["client"], edited["before"], edited["deal"]
    response = client.get(f"/ledger/deals/{deal}?revision={before}")
    assert response.status_code == 200, response.text
    html, text = response.text, text_of(response.text)
    heading = re.search(r"<h1><bdi>(.*?)</bdi></h1>", html)
    assert heading is not None and unescape(heading.group(1)) == edited["old_name"]
    assert NEW_NAME not in text
    date = edited["client"].app.state.web.ledger.revision(before)["created_at"]
    assert (f"This page shows the ledger at revision {before} of {date:%Y-%m-%d}, a past "
            f"version: the ledger is now at revision {edited['after']}.") in text
    notice = re.search(r'<p class="notice notice-info past-revision".*?</p>', html, re.S)
    assert notice is not None and f'href="/ledger/deals/{deal}"' in notice.group(0)
    assert html.index("past-revision") < html.index("<h1>")      # at the top
    # its history ends at the revision shown; no edit links to a past version
    assert f"/ledger/edit/deal/{deal}" not in html
    # the citation cites the revision, and its address gives this same view again
    cited = citation(html)
    assert f"ledger revision {before} of {date:%Y-%m-%d}" in cited
    address = cited.rsplit(" from ", 1)[1]
    assert address.endswith(f"/ledger/deals/{deal}?revision={before}")
    again = client.get(address.removeprefix(HTTPS))
    assert again.status_code == 200 and citation(again.text) == cited


def test_the_current_deal_page_shows_the_new_values_and_cites_its_revision(edited):
    client, after, deal = edited["client"], edited["after"], edited["deal"]
    html = client.get(f"/ledger/deals/{deal}").text
    assert NEW_NAME in text_of(html) and "past-revision" not in html
    cited = citation(html)
    assert f"ledger revision {after}" in cited
    assert cited.endswith(f"/ledger/deals/{deal}?revision={after}")


def test_the_deal_api_at_the_earlier_revision_gives_the_old_values(edited):
    client, before, deal = edited["client"], edited["before"], edited["deal"]
    past = client.get(f"/api/v1/ledger/deals/{deal}", params={"revision": before}).json()
    now = client.get(f"/api/v1/ledger/deals/{deal}").json()
    claim = {c["ref"]: c for c in past["claims"]}[CLAIM]
    assert claim["central"] == edited["central"]
    assert {c["ref"]: c for c in now["claims"]}[CLAIM]["central"] == edited["raised"]
    assert past["deal"]["name"] == edited["old_name"] and now["deal"]["name"] == NEW_NAME
    assert past["claims"] == edited["old_deal"]["claims"]
    assert past["meta"]["ledger_revision"] == before
    assert past["meta"]["past"]["revision"] == before
    assert past["meta"]["past"]["newest"] == edited["after"]
    assert "past" not in now["meta"]
    assert max(h["revision"] for h in past["history"]) <= before
    assert f"mt.ledger.open().at({before})" in past["reproduce"]["python"]
    assert past["reproduce"]["cli"] == f"moneytrail ledger show {deal} --revision {before}"
    assert f"revision={before}" in past["reproduce"]["api"]


@pytest.mark.parametrize("path", list(DATA))
def test_ledger_totals_and_reality_apis_at_the_earlier_revision_are_as_read_then(
        edited, path):
    client, before = edited["client"], edited["before"]
    past = client.get(path, params={"revision": before}).json()
    now = client.get(path).json()
    for part in DATA[path]:
        assert past[part] == edited["old"][path][part], part
    assert any(now[part] != edited["old"][path][part] for part in DATA[path])
    assert past["meta"]["ledger_revision"] == before
    assert f"?revision={before}" in past["meta"]["citation"] or \
        f"&revision={before}" in past["meta"]["citation"]
    csv = client.get(path, params={"revision": before, "format": "csv",
                                   "table": DATA[path][0]})
    assert csv.status_code == 200 and csv.headers["X-Moneytrail-Ledger-Revision"] == \
        str(before)


@pytest.mark.parametrize("page", ["/ledger", "/ledger/totals", "/embed/reality"])
def test_ledger_pages_at_the_earlier_revision_say_so_and_cite_it(edited, page):
    client, before = edited["client"], edited["before"]
    html = client.get(page, params={"revision": before}).text
    text = text_of(html)
    assert f"This page shows the ledger at revision {before} of" in text
    if page != "/embed/reality":
        assert f"ledger revision {before}" in citation(html)
        # downloads and filters stay at the revision
        assert f"revision={before}" in re.search(r'class="downloads">.*?</p>', html,
                                                 re.S).group(0)
        assert f'<input type="hidden" name="revision" value="{before}">' in html
    if page == "/ledger":
        assert edited["old_name"] in text and NEW_NAME not in text
        assert f'/ledger/deals/{edited["deal"]}?revision={before}' in html
        current = client.get(page).text
        assert NEW_NAME in text_of(current) and "past-revision" not in current


@pytest.mark.parametrize(("value", "status", "words"), [
    ("abc", 400, "not a revision number"), ("1.5", 400, "not a revision number"),
    ("-3", 400, "not a revision number"), ("0", 404, "no such revision"),
    ("99999999", 404, "no such revision"), ("9" * 30, 404, "no such revision")])
@pytest.mark.parametrize("path", ["/ledger", "/api/v1/ledger", "/ledger/totals",
                                  "/api/v1/ledger/totals", "/api/v1/charts/reality",
                                  "/embed/reality", "/ledger/deals/{deal}",
                                  "/api/v1/ledger/deals/{deal}"])
def test_a_bad_revision_is_a_4xx_naming_it(edited, path, value, status, words):
    client = edited["client"]
    response = client.get(path.format(deal=edited["deal"]), params={"revision": value})
    assert response.status_code == status, response.text
    if path.startswith("/api/"):
        body = response.json()
        assert body["field"] == "revision" and str(body["value"]) == value
        assert words in body["detail"] and "\n" not in body["detail"]
    else:
        text = text_of(response.text)
        assert words in text and f"Check revision: you gave {value}" in text


def test_the_reality_image_at_the_earlier_revision_draws_the_old_values(edited, monkeypatch):
    """/charts/reality.svg?revision=N draws the chart of that revision (the figure handed to
    the image cache, whose drawing needs a browser, is checked here), its source line
    naming the revision and the embed page showing it."""
    import json

    client, before = edited["client"], edited["before"]
    drawn: dict[str, str] = {}

    class Images:
        def cached(self, key, fmt):          # nothing drawn yet: every image is drawn here
            return None

        def get_image(self, key, fmt, figure):
            drawn[key] = json.dumps(figure()).replace("<br>", " ")
            return b"<svg/>"

    monkeypatch.setattr(client.app.state, "charts", Images())
    for path in ("/charts/reality.svg", "/api/v1/charts/reality.svg"):
        assert client.get(path, params={"revision": before}).status_code == 200
    assert client.get("/charts/reality.svg").status_code == 200
    past = next(v for k, v in drawn.items() if k.startswith(f"reality/{before}/"))
    now = next(v for k, v in drawn.items() if k.startswith(f"reality/{edited['after']}/"))
    assert edited["old_name"] in past and NEW_NAME not in past
    assert NEW_NAME in now
    assert f"ledger revision {before} of" in past
    assert f"/embed/reality?revision={before}" in " ".join(past.split())
    bad = client.get("/api/v1/charts/reality.svg", params={"revision": "x1"})
    assert bad.status_code == 400 and bad.json()["field"] == "revision"


@pytest.fixture(scope="module")
def before_macro(app):
    """The revision just before the bundled macro series were imported (they come after the
    deals and claims, as in a store `moneytrail demo` makes): the store had no exchange rate
    or price index then."""
    history = app.state.web.ledger.history()
    first = int(history[history["kind"].isin(["fx", "deflator"])]["revision"].min())
    assert (history[history["kind"] == "claim"]["revision"] < first).any()
    return first - 1


@pytest.mark.parametrize("page", ["/ledger/totals", "/ledger", "/ledger/deals/{deal}",
                                  "/embed/reality"])
def test_a_revision_before_the_macro_series_shows_its_deals_with_todays_series(
        app, before_macro, page):
    """A tester's finding: every revision before the macro series were imported gave 400 "no
    hicp_ea deflator at all ... Check series: you gave hicp_ea", though no one gave a series.
    The series are reference data: the page shows that revision's deals, converted with
    today's exchange rates and price indexes, and says so."""
    client = TestClient(app, base_url=HTTPS)
    deal = app.state.web.ledger.at(before_macro).list()["deal"].iloc[0]
    response = client.get(page.format(deal=deal), params={"revision": before_macro})
    assert response.status_code == 200, response.text
    text = text_of(response.text)
    assert "hicp_ea" not in text
    assert f"This page shows the ledger at revision {before_macro} of" in text
    assert "amounts are converted with today's exchange rates and price indexes" in text


@pytest.mark.parametrize("path", list(DATA))
def test_the_apis_at_a_revision_before_the_macro_series_convert_with_todays(
        app, before_macro, path):
    """The API twins answer too: the same figures as at the revision that first had every
    macro series (the deals and claims did not change in between), and meta.past says so."""
    client = TestClient(app, base_url=HTTPS)
    history = app.state.web.ledger.history()
    macro = history["kind"].isin(["fx", "deflator", "population", "gdp"])
    with_macro = int(history[macro]["revision"].max())
    assert set(history[history["revision"].between(before_macro + 1, with_macro)]["kind"]) <= \
        {"fx", "deflator", "population", "gdp", "source"}
    early = client.get(path, params={"revision": before_macro})
    assert early.status_code == 200, early.text
    later = client.get(path, params={"revision": with_macro}).json()
    for part in DATA[path]:
        assert early.json()[part] == later[part], part
    assert early.json()[DATA[path][0]]                     # that revision's deals are there
    assert "today's exchange rates" in early.json()["meta"]["past"]["macro"]
