"""The claims page's "Check a figure of your own" (/claims/check, GET /api/v1/claims/check):
a reader picks a run, a quantity, at least / at most and a number, and gets the verdict as a
listed claim's is shown, from the same computation (worked out here directly from the plan's
trace with the run's draws and seed); bad input gives the form back with one line naming the
field and the value (4xx, nothing stored); the reader's words are escaped."""

from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.numbers import DECIMAL_COMMA  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

PLAN = "eu-ai-gigafactories"
DRAWS, SEED = 2000, 1
FIRMS, GROUPS = ["nvidia"], ["us_big_tech"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("own-figure") / "ledger.sqlite"
    return create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def run(client) -> str:
    return finished(client, {"reference": PLAN, "draws": DRAWS, "seed": SEED})


@pytest.fixture(scope="module")
def shares() -> np.ndarray:
    """Per draw, the share of the plan's first invoices going to Nvidia and the US
    hyperscalers: the trace.share computation, done here from the plan's trace."""
    import moneytrail as mt
    from moneytrail.scenarios.reference import reference_dir

    plan = mt.load_scenario(reference_dir() / f"{PLAN}.yaml")
    model = mt.load_model(year=plan.year)
    result = mt.trace(plan, model, draws=DRAWS, seed=SEED, keep_draws=True)
    picked = [e for e in model.entities["id"] if e in FIRMS
              or set(model.entities.set_index("id").loc[e, "group_list"]) & set(GROUPS)]
    idx = [model.index[e] for e in picked]
    return result.demand[:, idx].sum(axis=1) / result.demand.sum(axis=1)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def stored_runs(app) -> int:
    from sqlalchemy import func, select

    from moneytrail.ledger.models import Run

    with app.state.jobs.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Run)).scalar_one())


def ask(rid: str, **fields) -> dict:
    return {"run": rid, "quantity": "first_invoice_share", "firms": FIRMS, "groups": GROUPS,
            "side": "at_least", "number": "50", **fields}


def expected(shares: np.ndarray, side: str, percent: float) -> tuple[float, str]:
    from moneytrail.analysis.claims import check_verdict

    holds = shares >= percent / 100 if side == "at_least" else shares <= percent / 100
    return float(holds.mean()), check_verdict(float(holds.mean()))


def test_the_claims_page_offers_the_form(client, run):
    html = client.get("/claims").text
    form = html[html.index('id="own-check"'):]
    assert "Check a figure of your own" in form
    assert 'action="/claims/check"' in form and 'method="get"' in form
    assert f'<option value="{run}"' in form
    assert 'value="first_invoice_share"' in form and 'value="jobs_all"' in form
    assert '<option value="nvidia">Nvidia</option>' in form
    assert "at least" in form and "at most" in form
    assert "No account is needed" in form


def test_a_supported_figure_is_shown_as_a_listed_claim_is(client, run, shares):
    percent = round(100 * float(np.percentile(shares, 5))) - 5    # well below every draw
    p_holds, verdict = expected(shares, "at_least", percent)
    assert verdict == "supported"
    words = "The gigafactories pay Nvidia and US hyperscalers a lot"
    response = client.get("/claims/check", params=ask(run, number=str(percent), words=words))
    assert response.status_code == 200, text_of(response.text)[:400]
    html = response.text
    result = html[html.index('id="own-result"'):html.index('id="own-again"')]
    text = text_of(result)
    assert "Typed by a reader" in text and "not one of the reviewed claims" in text
    assert words in text
    assert "Verdict: Supported" in text
    assert f'href="/r/{run}"' in result and f"{DRAWS:,} draws, seed {SEED}" in text
    assert f"at least {percent} %" in text
    p50, p5, p95 = (np.percentile(shares, q) for q in (50, 5, 95))
    assert f"{100 * p50:.1f} % ({100 * p5:.1f}\u2013{100 * p95:.1f} %)" in text
    assert f"{100 * p_holds:.1f} %" in text
    assert "On assumption or weak rows" in text
    api = client.get("/api/v1/claims/check", params=ask(run, number=str(percent),
                                                         words=words)).json()
    assert api["typed_by_reader"] is True
    assert api["claim"]["verdict"] == "supported"
    check = api["claim"]["checks"][0]
    assert check["p_holds"] == pytest.approx(p_holds)
    assert check["p50"] == pytest.approx(p50)
    assert api["run"] == {"run_id": run, "title": api["run"]["title"], "draws": DRAWS,
                          "seed": SEED, "data_version": api["run"]["data_version"],
                          "own_inputs": None, "own_inputs_text": ""}    # a reference plan


def test_a_contradicted_figure(client, run, shares):
    percent = round(100 * float(np.percentile(shares, 95))) + 5   # above every draw
    p_holds, verdict = expected(shares, "at_least", percent)
    assert verdict == "contradicted"
    response = client.get("/claims/check", params=ask(run, number=f"{percent} %"))
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Verdict: Contradicted" in text
    # the words made from the fields when the reader types none
    assert ("Share of the money paid directly (first invoices) to Nvidia, US "
            "hyperscalers") in text and f"is at least {percent} % Checked against" in text
    # at most the same number: supported, the other side of the same draws
    p_most, most = expected(shares, "at_most", percent)
    assert most == "supported" and p_most == pytest.approx(1 - p_holds)
    assert "Verdict: Supported" in text_of(
        client.get("/claims/check", params=ask(run, number=str(percent), side="at_most")).text)


@pytest.mark.parametrize(("fields", "label", "value"), [
    ({"number": ""}, "Number", None),
    ({"number": "abc"}, "Number", "'abc'"),
    ({"number": "NaN"}, "Number", "'NaN'"),
    ({"number": "inf"}, "Number", "'inf'"),
    ({"number": "150"}, "Number", "'150'"),
    ({"quantity": "gdp_growth"}, "What to check", "'gdp_growth'"),
    ({"firms": ["acme"]}, "Firms", "'acme'"),
    ({"groups": ["cartel"]}, "Groups of firms", "'cartel'"),
    ({"side": "about"}, "At least or at most", "'about'"),
    ({"quantity": "jobs_all", "countries": ["XX"]}, "Countries", "'XX'"),
    ({"quantity": "jobs_all"}, "Countries", None),
    ({"run": "0" * 32}, "Plan or run", f"'{'0' * 32}'"),
    ({"run": "not-a-run"}, "Plan or run", "'not-a-run'"),
    ({"run": ""}, "Plan or run", None),
])
def test_bad_input_gives_the_form_back_with_one_line(app, client, run, fields, label, value):
    before = stored_runs(app)
    response = client.get("/claims/check", params=ask(run, **fields))
    assert response.status_code == 422, text_of(response.text)[:300]
    html = response.text
    assert 'action="/claims/check"' in html and 'id="own-result"' not in html
    summary = text_of(re.search(r'<div class="notice error-summary".*?</div>', html,
                                re.S).group(0))
    assert "There is a problem with this check" in summary
    assert f" {label}: " in f" {summary}"
    if value is not None:
        assert f"(you gave: {value})" in summary
    assert stored_runs(app) == before          # nothing traced, nothing stored
    api = client.get("/api/v1/claims/check", params=ask(run, **fields))
    assert 400 <= api.status_code < 500
    assert api.headers["content-type"].startswith("application/problem+json")
    assert stored_runs(app) == before


def test_the_form_keeps_what_was_typed(client, run):
    html = client.get("/claims/check", params=ask(run, number="abc", words="Nvidia wins")).text
    assert f'<option value="{run}" selected>' in html
    assert '<option value="first_invoice_share" selected>' in html
    assert '<option value="nvidia" selected>' in html
    assert 'value="abc"' in html and 'value="Nvidia wins"' in html
    number = re.search(r'<input id="own-number"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in number and "autofocus" in number   # the focus goes there
    assert 'aria-describedby="own-number-error own-number-hint"' in number
    assert "autofocus" not in re.search(r'<div class="notice error-summary"[^>]*>',
                                        html).group(0)


def test_everything_typed_is_escaped(client, run):
    script = "<script>alert('own')</script>"
    ok = client.get("/claims/check", params=ask(run, words=f"{script} pays Nvidia"))
    assert ok.status_code == 200
    assert script not in ok.text
    assert "&lt;script&gt;alert(&#39;own&#39;)&lt;/script&gt; pays Nvidia" in ok.text
    for fields in ({"number": script}, {"firms": [script]}, {"quantity": script},
                   {"run": script}):
        bad = client.get("/claims/check", params=ask(run, **fields))
        assert bad.status_code == 422
        assert "<script>alert" not in bad.text
    # a control character in the words: refused (the app refuses one in any query, 400)
    refused = client.get("/claims/check", params=ask(run, words="a\x00b"))
    assert refused.status_code in (400, 422)
    assert "control character U+0000" in text_of(refused.text)
    assert "words" in text_of(refused.text)


def test_a_private_run_is_checked_for_its_owner_only_and_not_stored(tmp_path):
    """A run of a private saved plan: its owner may check a figure against it (the run is in
    the owner's menu), and the check is kept nowhere; anyone else gets the form back, 'no
    run with this id', as for an unknown run."""
    from accounts_fixtures import HTTPS, bearer, count, login, make_app
    from runs_helpers import wait_done

    from moneytrail.web import builder

    application = make_app(f"sqlite:///{tmp_path / 'ledger.sqlite'}", run_limit=(1000, 100))
    try:
        eve = login(application, "eve")
        mapping = {**builder.reference_mapping(PLAN), "draws": 200}
        created = TestClient(application, base_url=HTTPS).post(
            "/api/v1/saved-plans", headers=bearer(application, "eve"),
            json={"title": "Own figure, private", "visibility": "private", "plan": mapping})
        pid = created.json()["id"]
        rid = eve.post(f"/api/v1/saved-plans/{pid}/runs",
                       headers={"X-CSRF-Token": eve.csrf}).json()["run_id"]
        assert wait_done(eve, rid)["status"] == "done"
        anonymous = TestClient(application, base_url=HTTPS)
        assert f'<option value="{rid}"' in eve.get("/claims").text
        assert f'<option value="{rid}"' not in anonymous.get("/claims").text
        before = count(application, "runs")
        mine = eve.get("/claims/check", params=ask(rid))
        assert mine.status_code == 200 and "Typed by a reader" in mine.text
        assert eve.get("/api/v1/claims/check", params=ask(rid)).json()["check_run_id"] is None
        assert count(application, "runs") == before          # kept nowhere
        theirs = anonymous.get("/claims/check", params=ask(rid))
        assert theirs.status_code == 422
        assert "Plan or run: no run with this id" in text_of(theirs.text)
    finally:
        application.state.jobs.shutdown()
        application.state.web.close()


STARGATE = "stargate-style-us"


@pytest.fixture(scope="module")
def stargate(client) -> str:
    return finished(client, {"reference": STARGATE, "draws": 200, "seed": SEED})


def jobs(rid: str, countries: list[str], number: str = "50", **fields) -> dict:
    return {"run": rid, "quantity": "jobs_lasting", "countries": countries,
            "side": "at_least", "number": number, **fields}


def test_jobs_the_plan_pays_nothing_for_get_no_verdict(client, stargate):
    """Stargate pays for no staff, electricity or cloud: its jobs running the sites are not
    modelled (every draw 0), so 'at least 50' is no 'Contradicted'; its jobs in all get one."""
    response = client.get("/claims/check", params=jobs(stargate, ["US"]))
    assert response.status_code == 200
    text = text_of(response.text)
    assert "not modelled: this plan pays for no running of the sites" in text
    assert "Contradicted" not in text and "Verdict: no verdict" in text
    api = client.get("/api/v1/claims/check", params=jobs(stargate, ["US"])).json()
    assert api["verdict_withheld"] is True and api["claim"]["verdict"] == "withheld"
    assert api["claim"]["checks"][0]["p50"] == 0
    assert api["check_run_id"] is None                 # not kept as a citable check
    built = client.get("/api/v1/claims/check",
                       params=jobs(stargate, ["US"], quantity="jobs_temporary")).json()
    assert built["verdict_withheld"] is False and built["claim"]["verdict"] != "withheld"


def test_a_member_state_the_data_do_not_split_gets_no_verdict(client, run):
    """The EU plan's jobs in Germany leave out the jobs the data count for the EU as a
    whole: no verdict, and the reason names the EU's figure; the EU itself gets one."""
    eu = client.get("/api/v1/claims/check",
                    params=jobs(run, ["EU"], quantity="jobs_all", number="1000")).json()
    assert eu["verdict_withheld"] is False
    whole = f"{eu['claim']['checks'][0]['p50']:,.0f}"
    params = jobs(run, ["DE"], quantity="jobs_all", number="1000")
    text = text_of(client.get("/claims/check", params=params).text)
    assert ("n/a: Germany is not split by member state: "
            f"{whole} FTE-years sit under 'EU, not split by member state'") in text
    assert "Contradicted" not in text and "Supported" not in text
    api = client.get("/api/v1/claims/check", params=params).json()
    assert api["claim"]["verdict"] == "withheld"
    assert api["withheld_reason"].startswith("n/a: Germany is not split by member state")


def test_the_headline_is_what_was_checked_not_the_readers_words(client, run):
    words = "moneytrail proves Nvidia takes everything"
    html = client.get("/claims/check", params=ask(run, number="10", words=words)).text
    checked = ("Share of the money paid directly (first invoices) to Nvidia, US hyperscalers "
               "(Amazon, Microsoft, Google) is at least 10 %")
    title = text_of(re.search(r"<title>(.*?)</title>", html, re.S).group(1))
    assert title.startswith(checked[:40]) and words not in title
    heading = text_of(re.search(r'<h2 id="own-result-h">(.*?)</h2>', html, re.S).group(1))
    assert heading == checked
    said = re.search(r'<p class="reader-words">(.*?)</p>', html, re.S).group(1)
    assert text_of(said).replace("\u201c ", "\u201c").replace(" \u201d", "\u201d") == \
        f"In the reader's words (not checked by moneytrail): \u201c{words}\u201d"


@pytest.mark.parametrize(("typed", "number"), [
    ("1,000", 1000), ("1,000,000", 1_000_000), ("2,500.5", 2500.5), ("1.000", 1.0),
    ("1000", 1000)])
def test_a_comma_separates_thousands_in_groups_of_three(typed, number):
    from moneytrail.service.own_claims import QUANTITY, read_number

    assert read_number(typed, QUANTITY["jobs_all"]) == (number, number)


@pytest.mark.parametrize(("typed", "message"), [
    ("12,5", DECIMAL_COMMA), ("0,500", DECIMAL_COMMA), ("1,5", DECIMAL_COMMA),
    ("1.234,5", DECIMAL_COMMA), ("1,00", DECIMAL_COMMA),
    ("1e308", "a number of jobs is at most 1,000,000,000,000 (FTE-years)"),
    ("2e12", "a number of jobs is at most 1,000,000,000,000 (FTE-years)")])
def test_other_commas_and_absurd_counts_are_refused(typed, message):
    from moneytrail.errors import MoneytrailError
    from moneytrail.service.own_claims import QUANTITY, read_number

    with pytest.raises(MoneytrailError) as refused:
        read_number(typed, QUANTITY["jobs_all"])
    assert refused.value.detail == message and refused.value.field == "number"
    with pytest.raises(MoneytrailError):
        read_number("1e308", QUANTITY["first_invoice_share"])


def test_wording_of_the_errors_and_the_claims_words(app, client, run):
    summary = text_of(client.get("/claims/check", params=jobs(run, ["de"])).text)
    assert "no country with this id" in summary and "countrie " not in summary
    from moneytrail.service.own_claims import read_own_claim

    own = read_own_claim(app.state.workspace, quantity="jobs_all", side="at_least",
                         number="1000", countries=["DE"])
    assert own.words == "The jobs paid for in DE are at least 1,000 FTE-years."
    assert own.checked() == "Jobs paid for in DE are at least 1,000 FTE-years"


def test_the_rate_limit_page_says_it_in_a_sentence(app, client, run):
    from moneytrail.web.jobs import TokenBucket

    limiter = app.state.limiter
    app.state.limiter = TokenBucket(0, 1e-9)
    try:
        response = client.get("/claims/check", params=ask(run))
    finally:
        app.state.limiter = limiter
    assert response.status_code == 429
    text = text_of(response.text)
    assert "Check client" not in text and "client ." not in text
    assert "wait a moment, then try again" in text


def test_a_bound_from_the_claims_file_has_the_right_article():
    from moneytrail.web.format import stored_bound

    assert stored_bound("max 0.5") == "in the claims file: an upper bound of 0.5"
    assert stored_bound("min 0.5") == "in the claims file: a lower bound of 0.5"


def test_jobs_at_one_time_of_a_plan_without_spend_years_agree_with_the_run_page(client, run):
    """The reference plan gives no years of spending: the own check spreads its FTE-years
    over the tool's default, as the run page does, with the same figure, and says so in the
    run page's words (service.footprints.spend_years_note)."""
    from moneytrail.service.footprints import spend_years_note

    rows = client.get(f"/api/v1/runs/{run}?table=jobs").json()["rows"]
    page = next(r for r in rows if str(r["measure"]).startswith("jobs at one time")
                and "construction" in str(r["measure"]))
    assert "/ 5 years of spending" in page["measure"]
    html = client.get("/claims").text
    form = html[html.index('id="own-check"'):]
    countries = sorted(set(re.findall(r'name="countries"[^>]*value="([A-Z]{2,3})"', form))
                       | set(re.findall(r'<option value="([A-Z]{2,3})"', form)))
    assert "US" in countries and "FR" in countries
    params = ask(run, quantity="jobs_at_once", countries=countries, firms=[], groups=[],
                 number="1000")
    api = client.get("/api/v1/claims/check", params=params)
    assert api.status_code == 200, api.text[:400]
    check = api.json()["claim"]["checks"][0]
    assert check["p50"] == pytest.approx(page["amount_p50"], rel=1e-9)
    assert "/ 5 years of spending" in check["figure"]
    assert spend_years_note(True) in check["figure"]
    assert "the tool's default spending period, an assumption" in check["figure"]
    shown = text_of(client.get("/claims/check", params=params).text)
    assert "the tool's default spending period, an assumption" in shown
