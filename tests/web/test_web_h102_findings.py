"""A non-programmer tester's findings (h102) on the run, compare, saved-plan and reference-plan
pages:

1. "Total cost of ownership ... EUR 19.75 bn against a budget of EUR 20.00 bn" read as the
   lifetime cost; the label and the lead sentence now say in the same line what TCO counts
   (budget plus electricity minus the hardware's resale value; no staff, maintenance or
   building depreciation unless the budget pays them), the figures unchanged;
2. "lasting (operations) 0 FTE-years" read as "creates no lasting jobs": the row now says it
   is zero because the budget pays for no operations, and what it counts for a plan that does;
3. a saved plan's page (and a reference plan's) did not show the suppliers the plan sets;
4. the count of H100-equivalents had no price per H100-equivalent beside it.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402

DRAWS = 300
SCOPE = ("budget plus electricity minus the resale value of the hardware at the end; staff, "
         "maintenance and building depreciation not included unless the budget pays them")


def plan(stem: str):
    return load_scenario(next(p for p in reference_scenarios() if p.stem == stem))


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """Web-style traces of the gigafactory plan (capex only) and the efficiency-first plan
    (staff, grants, rented compute), in the store of an app with accounts."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    path = tmp_path_factory.mktemp("h102") / "ledger.sqlite"
    with Workspace.open(db=str(path)) as ws:
        runs = {"giga": tasks.trace_plan(ws, plan("eu-ai-gigafactories"), draws=DRAWS, seed=1),
                "lean": tasks.trace_plan(ws, plan("efficiency-first-eu"), draws=DRAWS,
                                         seed=1)}
    app = make_app(f"sqlite:///{path}")
    yield app, runs
    app.state.jobs.shutdown()
    app.state.web.close()


@pytest.fixture(scope="module")
def client(stored):
    with TestClient(stored[0], base_url=HTTPS, raise_server_exceptions=False) as test_client:
        yield test_client


def run_page(client, run) -> str:
    page = client.get(f"/r/{run.run_id}")
    assert page.status_code == 200, page.text[:2000]
    return page.text


def row_of(html: str, marker: str) -> str:
    """The table row (<tr>...</tr>) of `html` holding `marker`."""
    at = html.index(marker)
    return html[html.rindex("<tr", 0, at + 3):html.index("</tr>", at)]


def test_tco_says_what_it_counts_beside_the_figure(client, stored):
    from moneytrail.report.units import in_unit

    run = stored[1]["giga"]
    html = run_page(client, run)
    tco = run.tables["lifecycle"].frame().loc["tco"]
    lead = html[html.index('<p class="lead lifecycle-lead">'):]
    lead = text_of(lead[:lead.index("</p>")])
    # the scope is in the same sentence as the figure, before it; the figure is unchanged
    assert lead.startswith(f"TCO as counted here over the 5-year horizon ({SCOPE}): "
                           f"{in_unit(tco['p50'], 'EUR')} (median;")
    assert "It is not the plan's lifetime cost." in lead
    assert "Total cost of ownership (TCO) over" not in text_of(html)
    row = text_of(row_of(html, '<tr class="total">'))
    # a short row label; the row's own cell says what it counts (the lead gives the scope)
    assert row.startswith("TCO as counted here (EUR) TCO as counted here: budget + "
                          "electricity cost - residual value (the hardware's resale value")
    assert in_unit(tco["p50"], "EUR") in row and in_unit(tco["mean"], "EUR") in row


def test_compare_page_tco_line_says_what_it_counts(client, stored):
    from moneytrail.report.units import in_unit

    a, b = stored[1]["giga"], stored[1]["lean"]
    said = text_of(client.get(f"/compare?runs={a.run_id},{b.run_id}").text)
    tco = a.tables["lifecycle"].frame().loc["tco"]
    assert (f"TCO as counted here over the 5-year horizon ({SCOPE}): "
            f"{in_unit(tco['p50'], 'EUR')} (median;") in said
    assert said.count("not the plan's lifetime cost") == 2


def test_methods_say_the_same_of_tco():
    from moneytrail.report.methods import methods_text

    section = methods_text().split("## Lifecycle cost and TCO", 1)[1].split("\n## ", 1)[0]
    assert " ".join(SCOPE.split()) in " ".join(section.split())
    assert "not the plan's lifetime cost" in " ".join(section.split())


def test_lasting_jobs_of_a_capex_plan_say_why_they_are_zero(client, stored):
    html = run_page(client, stored[1]["giga"])
    row = text_of(row_of(html, "jobs (FTE-years), lasting (operations)"))
    assert row.endswith("0 FTE-years 0 FTE-years")                 # the figure, unchanged
    assert "Zero because the plan's budget pays for no operations" in row
    assert "It does not mean the plan creates no lasting jobs" in row
    once = text_of(row_of(html, "5 years of spending), lasting (operations)"))
    assert "Zero for the same reason." in once


def test_lasting_jobs_of_a_plan_with_running_spending_say_what_they_count(client, stored):
    html = run_page(client, stored[1]["lean"])
    row = text_of(row_of(html, "jobs (FTE-years), lasting (operations)"))
    assert "Zero because" not in row
    named = re.search(r"The work the plan's running spending pays for \((.+?)\) during the "
                      r"5 years the budget is spent over: jobs paid from the budget for its "
                      r"spending years", row)
    assert named, row
    assert set(named[1].split(", ")) == {"staff", "research grants", "cloud compute",
                                         "start-up grants", "model licences"}
    assert "not jobs kept after the plan" in row


def test_h100_equivalents_show_the_price_they_assume(client, stored):
    from moneytrail.service.workspace import Workspace

    with Workspace.open() as ws:
        chips = ws.analysis["accelerators"].set_index("id")
        # USD of 2025 per EUR of 2025: the plan's money (h111: the price is in it)
        usd_per_eur = float(ws.analysis.money.factor("EUR", 2025, "USD", 2025))
    gb200, h100 = chips.loc["gb200"], chips.loc["h100"]   # the 2025 reference chip, the unit
    per_chip = float(gb200["bf16_tflops"]) / float(h100["bf16_tflops"])
    per = {k: float(gb200[f"price_{k}"]) / per_chip / usd_per_eur
           for k in ("low", "central", "high")}
    html = run_page(client, stored[1]["giga"])
    cell = row_of(html, "Accelerators owned")
    said = text_of(cell)
    assert (f"Counted at about EUR {per['central']:,.0f} per H100-equivalent "
            f"({per['low']:,.0f} to {per['high']:,.0f})") in said
    assert f"the {gb200['name']} price divided by the {per_chip:.2f} H100-equivalents" in said
    assert "reliability weak" in said
    for source in str(gb200["sources"]).split(";"):
        assert f'href="/sources/{source}"' in cell
    # a plan that owns no accelerators gets no price beside its 0
    lean = run_page(client, stored[1]["lean"])
    assert "per H100-equivalent" not in text_of(row_of(lean, "Accelerators owned"))


def test_saved_plan_page_lists_the_suppliers_it_sets(client, stored):
    from moneytrail.web import builder

    app = stored[0]
    mapping = builder.reference_mapping("eu-ai-gigafactories")
    mapping["procurement"] = {"accelerators": {"nvidia": {"central": 0.6},
                                               "amd": {"central": 0.4}}}
    made = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                       json={"title": "Two chip makers", "visibility": "public",
                             "plan": mapping})
    assert made.status_code == 201, made.text
    page = client.get(f"/saved/{made.json()['id']}")
    assert page.status_code == 200
    said = text_of(page.text)
    assert "Suppliers set by the plan" in said
    assert "AI accelerators: Nvidia 60.0 %, Advanced Micro Devices 40.0 %" in said
    plain = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                        json={"title": "At market shares", "visibility": "public",
                              "plan": builder.reference_mapping("eu-ai-gigafactories")})
    said = text_of(client.get(f"/saved/{plain.json()['id']}").text)
    assert "the plan sets none, so each category is bought at the buyer region's market " \
           "shares" in said


def test_reference_plan_page_lists_the_suppliers_it_sets(client):
    said = text_of(client.get("/plans/efficiency-first-eu").text)
    assert "Suppliers set by the plan" in said
    assert "OVHcloud 25.0 %" in said and "Mistral AI 100.0 %" in said
    said = text_of(client.get("/plans/eu-ai-gigafactories").text)
    assert "the plan sets none" in said
