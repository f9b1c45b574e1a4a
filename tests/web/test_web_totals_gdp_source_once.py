"""The totals page names each GDP source's publisher once: a source title that already begins
with its publisher ('World Bank (WDI), in a GitHub copy (Famimot/AMIS_Normalization_Tool):
World Bank Nominal GDP All Countries 2024') is not
followed by the publisher again, seen or hidden; the World Bank series comes first (data
2.6.6), the copy it is read in second."""
from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("gdpsource") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


def gdp_lines(page: str) -> set[str]:
    """The text of every GDP source line of the totals table, tags removed."""
    spans = re.findall(r'<span class="range gdp-source">(.*?)</td>', page, flags=re.S)
    return {" ".join(html.unescape(re.sub(r"<[^>]+>", "", s)).split()) for s in spans}


def test_each_gdp_source_line_names_its_publisher_once(client):
    lines = gdp_lines(client.get("/ledger/totals").text)
    assert lines, "the totals page shows GDP source lines"
    famimot = [line for line in lines if "Famimot" in line]
    assert famimot, lines
    for line in famimot:
        assert line.count("Famimot/AMIS_Normalization_Tool") == 1
        assert line.startswith("(GDP 2024: World Bank (WDI), in a GitHub copy"), line
        assert "World Bank Nominal GDP All Countries 2024" in line
    for line in lines:        # the EU's: 'OECD Economic Surveys: ...' by OECD
        if "OECD Economic Surveys" in line:
            assert line.count("OECD") == 1, line
