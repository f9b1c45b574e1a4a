"""h107: reader-facing text names what the data is, not its file names."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.state import readable_title  # noqa: E402

FILE_NAMES = re.compile(r"\b(?:capital|population|gdp)\.csv\b")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h107w") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False)
    with TestClient(app, base_url="http://localhost") as test_client:
        yield test_client


def visible(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_a_bare_file_of_a_copy_reads_as_the_series_it_copies():
    assert readable_title("gdp.csv", "datasets/gdp (GitHub, copy of World Bank "
                          "NY.GDP.MKTP.CD)") == \
        "World Bank NY.GDP.MKTP.CD (GitHub copy, datasets/gdp)"
    # a file with words of its own keeps them (h101's rule)
    assert readable_title("cpi_annual.json: CPI-U annual averages",
                          "PolicyEngine spm-calculator (copy of BLS series CUUR0000SA0)") == \
        "PolicyEngine spm-calculator (copy of BLS series CUUR0000SA0): CPI-U annual averages"


def test_the_gdp_source_page_heading_names_the_series(client):
    page = client.get("/sources/x_wb_gdp_2023")
    assert page.status_code == 200
    heading = visible(re.search(r"<h1.*?</h1>", page.text, re.S).group(0))
    assert "World Bank NY.GDP.MKTP.CD" in heading and ": Gdp" not in heading


@pytest.mark.parametrize("path", ["/", "/ledger/totals"])
def test_pages_name_no_data_files(client, path):
    page = client.get(path)
    assert page.status_code == 200
    assert FILE_NAMES.findall(visible(page.text)) == []
