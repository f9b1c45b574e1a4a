"""A site country in an EU member state the value chain has no firm in (a tester's finding).

With `site_country: IT` the country table had no Italy row and no note (while FR, DE and NL
got the "understated" note): the value chain's `countries.csv` listed only the five member
states its firms add value in, so the model did not know Italy is in the EU. The claims
check's country list (the same file) lacked Italy, and the run page's facts box did not
show the site country. Now every EU-27 member is in `countries.csv` (`eu_member: true`,
as `analysis/eu_members.csv`), the country table's note says where an Italian site's value
added is counted, every site a web run accepts can be picked in the claims check, and the
facts box names the site.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from moneytrail.scenarios.reference import reference_scenarios
from moneytrail.scenarios.schema import load_scenario

DRAWS = 100
EU_ROW = "EU, not split by member state"


def reference(stem: str = "eu-ai-gigafactories"):
    return load_scenario(next(p for p in reference_scenarios() if p.stem == stem))


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def italian(module_ws):
    from moneytrail.service import tasks

    plan = reference().model_copy(update={"site_country": "IT"})
    return tasks.trace_plan(module_ws, plan, draws=DRAWS, seed=1)


def test_every_eu27_member_is_an_eu_member_of_the_value_chain(module_ws):
    members = set(module_ws.analysis["eu_members"]["country"])
    assert len(members) == 27
    assert members <= module_ws.valuechain.eu_members()
    assert members <= module_ws.model(2025).eu_members
    assert module_ws.valuechain.eu_members() - members == {"EU"}
    assert module_ws.valuechain.country_names()["IT"] == "Italy"


def test_an_italian_site_says_where_its_value_added_is_counted(italian):
    note = italian.tables["country"].note
    assert note.startswith("Site country Italy (IT): it has no row of its own here")
    assert "Facility (through EU construction)" in note
    assert f"is counted in '{EU_ROW}'" in note
    assert italian.facts["site_note"] and italian.facts["site_note"] in note
    assert "IT" not in italian.tables["country"].frame().index      # no figure is made up


def test_a_french_site_keeps_its_note(module_ws):
    from moneytrail.service import tasks

    plan = reference().model_copy(update={"site_country": "FR"})
    note = tasks.trace_plan(module_ws, plan, draws=DRAWS, seed=1).facts["site_note"]
    assert note.startswith("Site country France (FR): its own share here is understated.")


def test_a_site_with_no_row_and_no_eu_level_sector_still_says_so(module_ws):
    """A plan that buys only chips, sited in Italy: no sector of the EU as a whole behind it,
    and still no Italy row; the note says the data add no value in Italy."""
    from moneytrail.scenarios.schema import Interval
    from moneytrail.service import tasks

    base = reference()
    share = base.spend["accelerators"]
    only_chips = {"accelerators": Interval(low=1.0, central=1.0, high=1.0,
                                           source=share.source, reliability="assumption",
                                           note="test: chips only")}
    plan = base.model_copy(update={"site_country": "IT", "spend": only_chips})
    note = tasks.trace_plan(module_ws, plan, draws=DRAWS, seed=1).facts.get("site_note", "")
    assert note.startswith("Site country Italy (IT): it has no row of its own here")
    assert "no firm or sector" in note


def test_the_claims_check_lists_every_site_a_run_accepts(module_ws):
    from moneytrail.service.own_claims import choices

    data = module_ws.analysis
    sites = set(data["grid"]["country"]) & set(data["electricity_prices"]["country"])
    listed = {code for code, _ in choices(module_ws)["countries"]}
    assert {"IT", "ES", "PL", "PT", "SE", "CZ"} <= sites
    assert sites <= listed


def test_the_run_page_shows_the_site_and_the_note(module_db, italian, module_ws):
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    app = create_app(db=module_db, start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get(f"/r/{italian.run_id}")
        assert page.status_code == 200
        facts = page.text.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
        assert "Site country" in text_of(facts) and "Italy (IT)" in text_of(facts)
        assert "Site country Italy (IT): it has no row of its own here" in text_of(page.text)
        form = client.get("/claims/check")
        assert form.status_code == 200
        assert '<option value="IT">Italy</option>' in form.text
