"""Pages refuse a query parameter given twice, as the API does (web.query.refuse_repeated):
`/ledger?year=2025&year=2024` showed 2024 without a word. A 400 page names the parameter and
its values; unknown parameters (tracking tags) stay allowed, and parameters a page takes as a
list (the own-figure form's firms, the compare picker's runs) may repeat."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client(module_app):
    with TestClient(module_app, base_url="https://testserver") as test_client:
        yield test_client


@pytest.mark.parametrize(("url", "name", "values"), [
    ("/ledger?year=2025&year=2024", "year", ("2025", "2024")),
    ("/ledger?region=US&utm_source=news&region=EU", "region", ("US", "EU")),
    ("/ledger/totals?stage=committed&stage=announced", "stage", ("committed", "announced")),
    ("/claims/check?run=abc&quantity=total&side=at_least&number=1&number=2", "number",
     ("1", "2")),
    ("/build?reference=eu-ai-gigafactories&reference=us-stargate", "reference",
     ("eu-ai-gigafactories", "us-stargate")),
])
def test_a_page_parameter_given_twice_is_a_400_page_naming_it(client, url, name, values):
    response = client.get(url)
    assert response.status_code == 400, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    text = response.text
    given = ", ".join(f"&#39;{v}&#39;" for v in values)
    assert f"query parameter given 2 times ({given}); give it once" in text
    assert f"Check <strong>{name}</strong>: you gave <code>{', '.join(values)}</code>" in text


def test_the_api_and_the_page_refuse_the_same_repeat(client):
    api = client.get("/api/v1/ledger?year=2025&year=2024")
    assert api.status_code == 400
    assert api.json()["field"] == "year" and api.json()["value"] == "2024"
    assert api.json()["detail"] in client.get("/ledger?year=2025&year=2024").text.replace(
        "&#39;", "'")


def test_unknown_and_list_parameters_stay_allowed_on_pages(client):
    assert client.get("/ledger?region=US&utm_source=a&utm_source=b").status_code == 200
    # the own-figure form sends one `firms` per ticked firm: refused only for its own reasons
    own = client.get("/claims/check?run=abc&firms=nvidia&firms=tsmc")
    assert own.status_code != 400 or "given 2 times" not in own.text
    # the compare picker's form sends one `runs` per ticked run: joined into one address
    # (ids that are not run ids at all get their own 400, saying what a run id is)
    compare = client.get(f"/compare?runs={'a' * 32}&runs={'b' * 32}", follow_redirects=False)
    assert compare.status_code == 303
    assert compare.headers["location"] == f"/compare?runs={'a' * 32},{'b' * 32}"
    bad = client.get("/compare?runs=aaaa&runs=bbbb", follow_redirects=False)
    assert bad.status_code == 400 and "given 2 times" not in bad.text
