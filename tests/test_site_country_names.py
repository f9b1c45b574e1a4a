"""How a plan's site country is named when the data package's countries.csv has no name for
it (a tester's finding): a data-centre site in the United Kingdom (`site_country: GB`, which
the CLI accepts: the trace reads no grid data) printed "Site country GB (GB)". A country the
data do not name now takes its ISO 3166 short name (report.units.ISO_COUNTRY_NAMES, now
moneytrail.countries); a code no table names is shown once ("AD"), never "AD (AD)", in the
country table's note (CLI, run page, briefing) and in the run page's facts box."""

from __future__ import annotations

import re
from html import unescape

import pytest

from moneytrail.scenarios.reference import reference_scenarios
from moneytrail.scenarios.schema import load_scenario

DRAWS = 50


def reference():
    return load_scenario(next(p for p in reference_scenarios()
                              if p.stem == "eu-ai-gigafactories"))


def sited_trace(ws, site: str):
    from moneytrail.service import tasks

    return tasks.trace_plan(ws, reference().model_copy(update={"site_country": site}),
                            draws=DRAWS, seed=1, analyses=False)    # as `moneytrail trace`


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def british(module_ws):
    return sited_trace(module_ws, "GB")


@pytest.fixture(scope="module")
def andorran(module_ws):
    """A site in a real country that neither the data nor the ISO name table names."""
    return sited_trace(module_ws, "AD")


def test_the_data_and_the_iso_table_name_the_test_sites_as_expected(module_ws):
    from moneytrail.countries import ISO_3166, ISO_COUNTRY_NAMES

    names = module_ws.valuechain.country_names()
    assert "GB" not in names and "AD" not in names            # the data name neither
    assert ISO_COUNTRY_NAMES["GB"] == "United Kingdom" and "AD" not in ISO_COUNTRY_NAMES
    assert {"GB", "AD"} <= ISO_3166


def test_a_british_site_is_named_in_the_country_note(british):
    from moneytrail.report.terminal import breakdown_table

    note = british.tables["country"].note
    assert note.startswith("Site country United Kingdom (GB): it has no row of its own "
                           "here, as no firm or sector of the data adds value in the "
                           "United Kingdom.")
    assert "GB (GB)" not in note and british.facts["site_note"] in note
    assert "Site country United Kingdom (GB)" in str(breakdown_table(
        british.tables["country"]).caption)                 # as the CLI prints it


def test_a_site_no_table_names_shows_its_code_once(andorran, module_db):
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    note = andorran.tables["country"].note
    assert note.startswith("Site country AD: it has no row of its own here, as no firm or "
                           "sector of the data adds value in AD.")
    assert "AD (AD)" not in note
    app = create_app(db=module_db, start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as client:
        page = client.get(f"/r/{andorran.run_id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Site country AD" in text and "AD (AD)" not in text


def test_the_named_code_helper():
    from moneytrail.countries import named_code

    assert named_code("GB") == "United Kingdom (GB)"
    assert named_code("DE", {"DE": "Germany"}) == "Germany (DE)"
    assert named_code("AD") == "AD"
    assert named_code("XY", {"XY": "XY"}) == "XY"
