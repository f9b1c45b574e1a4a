"""Every page's footer names the data package (and the ledger revision where the page has
one) or says nothing: the compare picker printed "Data package , ledger revision ." with
both values missing (tester 33)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

BLANK = re.compile(r"Data package\s*,|ledger revision\s*\.|Data package\s*\.")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('footer') / 'store.db'}"
    with TestClient(make_app(url), base_url="http://127.0.0.1") as c:
        yield c


@pytest.mark.parametrize("path", ["/compare", "/compare?runs=" + "a" * 32, "/r/abcdef01",
                                  "/", "/ledger", "/methods"])
def test_no_footer_with_blank_values(client, path):
    html = client.get(path).text
    assert not BLANK.search(html), path



def test_the_compare_picker_names_the_data_package(client):
    from moneytrail.data.package import open_package

    html = client.get("/compare").text
    assert f"Data package {open_package(None).version}" in html
