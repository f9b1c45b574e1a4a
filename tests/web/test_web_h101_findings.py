"""A non-programmer tester's findings (h101) on the web app.

1. Raw source ids and file names were visible text: a plan's share note '(chip count:
   m_eubusiness_investai_2025)', claim notes on the home page ('m_assumption_eu_same_global_
   market'), the totals' GDP source 'World_Bank_Nominal_GDP_All_Countries_2024.xlsx', the
   run page's lifecycle note 'cost_analysis_standalone.py'. They are now shown by title (a
   title that is a file name by its publisher and the file's words), linked to the source's
   page, which keeps the id and the file name.
2. `/compare` without runs said "Check runs: you gave ." It now explains how to compare and
   lists recent runs with checkboxes; one run is a 400 with the same picker.
3. `/r/<8 hex digits>` (the short id the lists show) was a 400; it now redirects to the run
   when one run starts with it, lists the runs when several do, and is a 404 when none does.
4. A builder share whose central was set above its high put the error on High quoting a
   value the user never typed ('you gave: 0.46'); it is now on the input changed, in percent.
5. Wording: the builder's private-plan hint fits who is logged in; a deal's missing ratio says
   it is not reported (not a zero); the methods say plainly which market's HHI change shows.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, login, make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402

DRAWS = 200
ROOT = Path(__file__).resolve().parents[2]
# two stored runs sharing their first 8 digits, one more alone, one private (h101, 3)
TWIN_A, TWIN_B = "abcdef01" + "0" * 24, "abcdef01" + "1" * 24
HIDDEN = "fedcba98" + "2" * 24
HIDDEN_TITLE = "Eve's private hidden plan"      # a done trace of eve's private plan (h105, 2)


def plan(stem: str):
    return load_scenario(next(p for p in reference_scenarios() if p.stem == stem))


def text_of(html: str) -> str:
    """What a reader sees: the page without its tags (attributes such as title= go)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from sqlalchemy import create_engine

    from moneytrail.service import tasks
    from moneytrail.service.runs import RunStore
    from moneytrail.service.workspace import Workspace

    db = tmp_path_factory.mktemp("h101") / "ledger.sqlite"
    with Workspace.open(db=str(db)) as ws:
        eu = tasks.trace_plan(ws, plan("eu-ai-gigafactories"), draws=DRAWS, seed=1)
        us = tasks.trace_plan(ws, plan("stargate-style-us"), draws=DRAWS, seed=1)
    engine = create_engine(f"sqlite:///{db}")
    for rid, store in ((TWIN_A, RunStore(engine)), (TWIN_B, RunStore(engine))):
        store.start(rid, kind="trace", label="stand-in", inputs={}, data_version="x",
                    data_hash="x", total=1, status="queued")
    # the private run is a done trace with a plan title, as the picker lists (h105, 2)
    RunStore(engine, private=True).start(
        HIDDEN, kind="trace", label="stand-in", inputs={"plan": {"title": HIDDEN_TITLE}},
        data_version="x", data_hash="x", total=1, status="done")
    engine.dispose()
    application = make_app(f"sqlite:///{db}", run_limit=(1000, 100))
    from moneytrail.accounts.plans import SavedPlans

    eve = application.state.accounts.by_key(application.state.keys[("eve", "read")]).id
    saved = SavedPlans(application.state.web.ledger.engine)
    private = saved.create(owner=eve, title=HIDDEN_TITLE, description="", visibility="private",
                           plan={"title": HIDDEN_TITLE})
    saved.add_run(private["id"], actor=eve, run_id=HIDDEN)
    application.state.traced = {"eu": eu.run_id, "us": us.run_id}
    yield application
    application.state.jobs.shutdown()
    application.state.web.close()


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url=HTTPS, raise_server_exceptions=False) as test_client:
        yield test_client


# -- 1. sources by name, not by id or file name ---------------------------------------------
def test_a_plan_share_note_names_its_source_by_title(client):
    html = client.get("/plans/eu-ai-gigafactories").text
    assert "m_eubusiness_investai_2025" not in text_of(html)
    # linked under the one id the page gives that document: the ledger's copy of the page
    assert 'href="/sources/l_investai_eubusiness"' in html
    assert "chip count: " in text_of(html)


def test_home_page_claim_notes_name_sources_by_title(client):
    html = client.get("/").text
    shown = text_of(html)
    for source in ("m_assumption_eu_same_global_market", "a_lca_google_tpu_2025"):
        assert source not in shown
        assert f'href="/sources/{source}"' in html


def test_claims_page_notes_name_sources_by_title(client):
    html = client.get("/claims").text
    assert "m_assumption_eu_same_global_market" not in text_of(html)
    assert 'href="/sources/m_assumption_eu_same_global_market"' in html


def test_totals_name_the_gdp_source_not_its_file(client):
    html = client.get("/ledger/totals").text
    shown = text_of(html)
    assert "World_Bank_Nominal_GDP_All_Countries_2024.xlsx" not in shown
    assert "World Bank Nominal GDP All Countries 2024" in shown
    assert 'href="/sources/x_wb_gdp_2024"' in html
    # the CSV keeps the ids
    csv_text = client.get("/api/v1/ledger/totals?format=csv").text
    assert "x_wb_gdp_2024" in csv_text


def test_the_run_page_lifecycle_note_names_the_cost_model_not_its_file(app, client):
    html = client.get(f"/r/{app.state.traced['eu']}").text
    note = re.search(r'<section aria-labelledby="lifecycle-h">.*?</section>', html, re.S)
    assert note is not None
    assert "cost_analysis_standalone.py" not in text_of(note.group(0))
    assert "Epoch AI" in text_of(note.group(0))
    assert 'href="/sources/a_epoch_cost_model"' in note.group(0)


def test_a_source_page_titled_by_a_file_keeps_its_id_and_file(client):
    html = client.get("/sources/x_wb_gdp_2024").text
    heading = text_of(re.search(r"<h1>.*?</h1>", html, re.S).group(0))
    assert "World Bank Nominal GDP All Countries 2024" in heading
    assert ".xlsx" not in heading
    shown = text_of(html)
    assert "x_wb_gdp_2024" in shown and "World_Bank_Nominal_GDP_All_Countries_2024.xlsx" in shown


def test_readable_title_keeps_ordinary_titles():
    from moneytrail.web.state import readable_title

    assert readable_title("Electricity prices 2024-S1", "Eurostat") == \
        "Electricity prices 2024-S1"
    assert readable_title("cpi_annual.json: CPI-U annual averages", "PolicyEngine") == \
        "PolicyEngine: CPI-U annual averages"
    assert readable_title("cost_analysis_standalone.py", "Epoch AI") == \
        "Epoch AI: Cost analysis standalone"


# -- 2. /compare without runs ---------------------------------------------------------------
def test_compare_without_runs_explains_and_offers_recent_runs(app, client):
    response = client.get("/compare")
    assert response.status_code == 200
    shown = text_of(response.text)
    assert "you gave ." not in shown and "Check runs" not in shown
    assert "two or more" in shown
    for rid in app.state.traced.values():
        assert f'<input type="checkbox" name="runs" value="{rid}"' in response.text
        assert f'href="/r/{rid}"' in response.text
    assert TWIN_A not in response.text          # not a finished trace
    # a private plan's done trace: neither its id nor its title for anonymous readers or
    # another account; its owner sees it (h105, 2)
    for other in (client, login(app, "mal")):
        shown = other.get("/compare")
        assert HIDDEN not in shown.text and HIDDEN_TITLE not in text_of(shown.text)
    mine = login(app, "eve").get("/compare")
    assert f'value="{HIDDEN}"' in mine.text and HIDDEN_TITLE in text_of(mine.text)


def test_compare_with_one_run_is_a_400_with_the_picker(app, client):
    eu = app.state.traced["eu"]
    response = client.get(f"/compare?runs={eu}")
    assert response.status_code == 400
    assert f'value="{eu}" checked' in response.text
    assert "Pick at least two runs" in text_of(response.text)


def test_the_pickers_checkboxes_compare_the_runs(app, client):
    eu, us = app.state.traced["eu"], app.state.traced["us"]
    response = client.get(f"/compare?runs={eu}&runs={us}")
    assert response.status_code == 200
    assert "Plans compared" in response.text


def test_compare_with_a_bad_run_id_stays_a_clear_400(client):
    response = client.get("/compare?runs=zz,yy")
    assert response.status_code == 400
    assert "hexadecimal" in text_of(response.text)


# -- 3. short run ids -----------------------------------------------------------------------
def test_a_short_run_id_redirects_to_the_run(app, client):
    eu = app.state.traced["eu"]
    response = client.get(f"/r/{eu[:8]}", follow_redirects=False)
    assert response.status_code in (303, 307)
    assert response.headers["location"] == f"/r/{eu}"
    assert client.get(f"/r/{eu[:8].upper()}").status_code == 200
    api = client.get(f"/api/v1/runs/{eu[:10]}", follow_redirects=False)
    assert api.status_code in (303, 307)
    assert api.headers["location"] == f"/api/v1/runs/{eu}"
    twin = client.get(f"/r/{TWIN_B[:9]}", follow_redirects=False)
    assert twin.headers["location"] == f"/r/{TWIN_B}"


def test_a_short_id_of_several_runs_lists_them(client):
    response = client.get(f"/r/{TWIN_A[:8]}", follow_redirects=False)
    assert response.status_code == 400
    assert f'href="/r/{TWIN_A}"' in response.text and f'href="/r/{TWIN_B}"' in response.text
    api = client.get(f"/api/v1/runs/{TWIN_A[:8]}")
    assert api.status_code == 400
    assert TWIN_A in api.json()["detail"] and TWIN_B in api.json()["detail"]


def test_a_short_id_of_no_run_or_a_hidden_run_is_a_404(client):
    for prefix in ("12345678", HIDDEN[:8]):
        response = client.get(f"/r/{prefix}")
        assert response.status_code == 404
        assert "starting with these digits" in text_of(response.text)
    assert client.get("/r/1234567").status_code == 400      # too short: still a bad id


def test_ids_starting_escapes_like_wildcards(app):
    store = app.state.jobs.store
    assert store.ids_starting("abcdef01") == [TWIN_A, TWIN_B]
    assert store.ids_starting("abcdef0_") == []
    assert store.ids_starting("abcdef0%") == []


# -- 4. the builder's order error -----------------------------------------------------------
def test_a_central_share_above_high_is_marked_on_central_in_percent(client):
    fields = form_fields(client.get("/build?reference=eu-ai-gigafactories").text)
    assert fields["spend-0-high"] == "0.46"
    fields.update({"spend-0-central": "50 %", "action": "run"})
    response = client.post("/build", data=fields, follow_redirects=True)
    html = response.text
    assert 'id="spend-0-central" name="spend-0-central"' in html
    central = re.search(r'<input id="spend-0-central"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in central
    high = re.search(r'<input id="spend-0-high"[^>]*>', html).group(0)
    assert 'aria-invalid' not in high
    shown = text_of(html)
    assert "you gave: 0.46" not in shown
    assert "central 50 % is above high 46 %" in shown
    assert "(you gave: 50 %)" in shown


def test_a_high_share_below_central_stays_on_high(client):
    fields = form_fields(client.get("/build?reference=eu-ai-gigafactories").text)
    fields.update({"spend-0-high": "20 %", "action": "run"})
    html = client.post("/build", data=fields, follow_redirects=True).text
    high = re.search(r'<input id="spend-0-high"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in high
    assert "central 39 % is above high 20 %:" in text_of(html)
    assert "(you gave: 20 %)" in text_of(html)


# -- 5. wording -----------------------------------------------------------------------------
def hint(html: str) -> str:
    return text_of(re.search(r'<p class="hint" id="run-public">.*?</p>', html, re.S).group(0))


def test_the_private_plan_hint_fits_who_is_logged_in(app, client):
    assert "log in as an editor" in hint(client.get("/build").text)
    editor = hint(login(app, "eve").get("/build").text)
    assert "log in" not in editor and "save it below as a private plan" in editor
    reader = hint(login(app, "rita").get("/build").text)
    assert "log in" not in reader and "editor's account" in reader


def test_a_deal_says_a_missing_ratio_is_not_reported(client):
    html = client.get("/ledger/deals/l_alphabet_capex_2025").text
    row = re.search(r"<dt>Committed / announced</dt><dd>(.*?)</dd>", html, re.S).group(1)
    assert "not reported" in text_of(row) and "not a zero" in text_of(row)


def test_methods_say_plainly_which_markets_hhi_change_shows():
    from moneytrail.service.tasks import hhi_note

    for path in (ROOT / "docs" / "methods.md", ROOT / "src" / "moneytrail" / "docs" /
                 "methods.md"):
        text = " ".join(path.read_text(encoding="utf-8").split())
        assert "change of the largest size" not in text
        assert "whose HHI changes most (up or down)" in text
    note = hhi_note({}, None)  # type: ignore[arg-type]
    assert "largest size" not in note and "changes most (up or down)" in note


# -- h105: the picker's form, short ids and a bad id on /compare ----------------------------
def test_the_picker_form_lands_on_a_page_whose_downloads_work(app, client):
    """The form sends runs=A&runs=B; the page's JSON and CSV links kept only B (a 400)."""
    eu, us = app.state.traced["eu"], app.state.traced["us"]
    moved = client.get(f"/compare?runs={eu}&runs={us}", follow_redirects=False)
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/compare?runs={eu},{us}"
    response = client.get(f"/compare?runs={eu}&runs={us}")
    assert response.status_code == 200 and "Plans compared" in response.text
    links = {unescape(link) for link in re.findall(r'href="(/api/v1/compare[^"]*)"',
                                                   response.text)}
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_compare_takes_short_ids_and_keeps_other_parameters(app, client):
    eu, us = app.state.traced["eu"], app.state.traced["us"]
    moved = client.get(f"/compare?runs={eu[:8]},{us[:10]}&x=1", follow_redirects=False)
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/compare?runs={eu},{us}&x=1"
    one = client.get(f"/compare?runs={eu[:8]}", follow_redirects=False)
    assert one.headers["location"] == f"/compare?runs={eu}"


def test_compare_with_one_bad_run_id_says_what_a_run_id_is(client):
    response = client.get("/compare?runs=zz")
    assert response.status_code == 400
    assert "32 hexadecimal digits" in text_of(response.text)


def test_a_short_id_works_on_the_runs_report_address(app, client, monkeypatch):
    eu = app.state.traced["eu"]
    from moneytrail.web import routes_runs

    seen = []
    monkeypatch.setattr(routes_runs, "briefing_response",
                        lambda request, results, fmt, name: seen.append(results[0].run_id)
                        or routes_runs.Response(b"ok"))
    assert client.get(f"/r/{eu[:8]}/report.pdf").status_code == 200
    assert seen == [eu]


def test_a_bad_run_id_is_told_the_short_form_the_app_takes(client):
    """'3df4' on a claim check: the app takes a run's first 8 or more digits, so the message
    names that form too, not only the 32-digit id (tester 48)."""
    for url in ("/claims/stargate-over-100000-us-jobs/check?run=3df4",
                "/api/v1/claims/stargate-over-100000-us-jobs/check?run=3df4", "/r/zz"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "32 hexadecimal digits (0-9, a-f), or its first 8 or more" in \
            text_of(response.text), url
