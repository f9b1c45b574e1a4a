"""A page given a query parameter it does not take says so (web.query.unused_query): a reader
who typed `/ledger/totals?currrency=USD` got the EUR totals without a word and could quote
them as dollars. The page still renders (200) with the figures of the page without the
parameter, and a notice above its heading names what was not used and what the page takes.
Tracking tags (web.query.TRACKING_PARAMETERS) are ignored without a notice; the API still
refuses any unknown parameter (400)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

NOTICE = re.compile(r'<p class="notice notice-info unused-query"[^>]*>(.*?)</p>', re.S)
TOTALS_TAKES = "It takes: by, currency, needs, price_year, revision, stage."


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


def notice(response) -> str | None:
    """The text of the page's unused-parameter notice, or None when it shows none."""
    assert response.status_code == 200, response.text[:300]
    found = NOTICE.findall(response.text)
    assert len(found) <= 1
    return found[0] if found else None


def test_a_mistyped_parameter_is_named_with_what_the_page_takes(client):
    text = notice(client.get("/ledger/totals?currrency=USD"))
    assert text == ("This page does not use <code>currrency=USD</code> (ignored). "
                    + TOTALS_TAKES)


def test_the_notice_stands_above_the_heading(client):
    page = client.get("/ledger?regoin=EU").text
    main = page[page.index('<main id="main"'):]
    assert main.index('class="notice notice-info unused-query"') < main.index("<h1>")
    assert "<code>regoin=EU</code>" in main
    assert "It takes: currency, kind, price_year, q, region, revision, sector, year." in main


def test_the_figures_are_those_of_the_page_without_the_parameter(client):
    plain = client.get("/ledger/totals").text
    typo = client.get("/ledger/totals?currrency=USD").text
    assert NOTICE.search(typo)
    assert NOTICE.sub("", typo) == plain
    assert "Amounts in EUR" in plain


def test_several_unused_parameters_are_all_named(client):
    text = notice(client.get("/ledger/totals?currrency=USD&stages=spent&utm_medium=mail"))
    assert text.startswith("This page does not use <code>currrency=USD</code>, "
                           "<code>stages=spent</code> (ignored).")
    assert "utm_medium" not in text


@pytest.mark.parametrize("query", [
    "utm_source=x", "utm_campaign=spring&utm_medium=mail", "UTM_Source=x", "fbclid=abc",
    "gclid=abc", "mc_cid=1&mc_eid=2", "ref=newsletter",
])
def test_tracking_tags_show_no_notice(client, query):
    assert notice(client.get(f"/ledger/totals?{query}")) is None
    assert client.get(f"/api/v1/ledger/totals?{query}").status_code == 400


@pytest.mark.parametrize("url", [
    "/ledger/totals?currency=USD", "/ledger/totals?stage=committed&by=region",
    "/ledger?region=EU&year=", "/ledger", "/claims", "/methods",
    # read by the templates rather than declared by the route (web.query.READ_BY_TEMPLATES)
    "/ledger?done=saved", "/build?unsaved=1&saved=3&rev=2",
])
def test_a_page_given_only_what_it_takes_shows_no_notice(client, url):
    assert notice(client.get(url)) is None


def test_the_account_page_reads_its_password_flag(app):
    from accounts_fixtures import login

    with login(app, "rita") as rita:
        assert notice(rita.get("/account?password=changed")) is None
        assert "<code>x=1</code>" in notice(rita.get("/account?x=1"))


def test_a_page_that_takes_nothing_says_so(client):
    assert notice(client.get("/claims?verdict=holds")) == (
        "This page does not use <code>verdict=holds</code> (ignored). "
        "It takes no query parameters.")


def test_names_and_values_are_escaped(client):
    query = urlencode({"<script>n</script>": "<script>alert(1)</script>"})
    response = client.get(f"/ledger/totals?{query}")
    text = notice(response)
    assert text.startswith("This page does not use <code>&lt;script&gt;n&lt;/script&gt;="
                           "&lt;script&gt;alert(1)&lt;/script&gt;</code>")
    assert "<script>alert" not in response.text and "<script>n" not in response.text


def test_long_values_and_many_parameters_are_shortened(client):
    many = "&".join(f"p{i}=v" for i in range(8))
    text = notice(client.get(f"/ledger/totals?note={'9' * 5000}&{many}"))
    assert "9" * 41 not in text
    assert "<code>note=" + "9" * 40 + "\u2026</code>" in text
    assert "<code>p3=v</code>" in text and "p4=v" not in text
    assert "and 4 more (ignored)" in text


def test_a_secret_is_named_but_not_shown(client):
    text = notice(client.get("/ledger/totals?password=hunter2&token=abc"))
    assert "<code>password</code>, <code>token</code> (ignored)" in text
    assert "hunter2" not in text and "abc" not in text


def test_error_pages_show_no_notice(client):
    response = client.get("/ledger/deals/no_such_deal?currrency=USD")
    assert response.status_code == 404
    assert not NOTICE.search(response.text)
    repeated = client.get("/ledger/totals?stage=a&stage=b&currrency=USD")
    assert repeated.status_code == 400 and "given 2 times" in repeated.text
    assert not NOTICE.search(repeated.text)


def test_the_api_still_refuses_unknown_parameters(client):
    response = client.get("/api/v1/ledger/totals?currrency=USD")
    assert response.status_code == 400
    assert response.json()["field"] == "currrency"


def test_a_form_post_is_not_affected(app):
    """A form post answered with a page (a wrong password: the login form again, 401) shows
    no notice about its address."""
    from accounts_fixtures import HTTPS, form_token

    with TestClient(app, base_url=HTTPS) as fresh:
        token = form_token(fresh.get("/login").text, "/login")
        response = fresh.post("/login?currrency=USD", data={
            "name": "rita", "password": "not her password", "csrf_token": token})
    assert response.status_code == 401 and 'action="/login"' in response.text
    assert not NOTICE.search(response.text)


def test_no_route_takes_a_tracking_parameter(app):
    """The tracking tags are ignored on every page: no route may take one as a filter."""
    from moneytrail.web.query import declared, is_tracking

    def routes(items):
        for route in items:
            inner = getattr(route, "original_router", None)       # an included router
            yield from routes(inner.routes) if inner is not None else [route]

    found = [(route.path, name) for route in routes(app.routes)
             for name in declared(route)[0] if is_tracking(name)]
    assert len(list(routes(app.routes))) > 50
    assert found == []
