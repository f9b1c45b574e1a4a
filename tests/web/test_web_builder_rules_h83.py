"""The builder applies procurement rules (h83): "what if we cap any supplier at 50 % and
prefer EU firms", asked by a parliamentary staffer, answered in /build without JavaScript.
"Apply these rules to the supplier shares" posts the form like "Check" does and comes back
to the checked builder with the supplier rows filled with the shares `compare` would use
(service.tasks.procured_shares), a message naming what changed, and the usual field errors
for a wrong cap or weight."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields, wait_done  # noqa: E402

from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.runs import decode_draft  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("builder-rules-h83") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def reference_form(client, plan: str = "eu-ai-gigafactories", **changes) -> dict[str, str]:
    """The builder's form of a reference plan as a browser sends it: no category ticked."""
    fields = {k: v for k, v in form_fields(client.get(f"/build?reference={plan}").text).items()
              if not k.startswith("rules-cat-")}
    return {**fields, **changes}


def apply(client, fields: dict[str, str]):
    """Press "Apply these rules"; (the page it leads to, the redirect's location)."""
    response = client.post("/build", data={**fields, "action": "rules"},
                           follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    return client.get(location), location


def draft_of(location: str) -> dict:
    return decode_draft(re.search(r"plan=([^&]+)", location).group(1))


def words(html: str, pattern: str) -> str:
    found = re.search(pattern, html, re.S)
    return " ".join(unescape(re.sub("<[^>]+>", " ", found.group(0))).split()) if found else ""


def test_the_rules_part_offers_compares_defaults(client):
    fields = form_fields(client.get("/build").text)
    assert fields["rules_cap"] == "50 %" and fields["rules_weight"] == "2"
    page = client.get("/build?reference=eu-ai-gigafactories").text
    assert 'name="action" value="rules"' in page
    assert "Apply these rules to the supplier shares" in page
    assert 'name="rules-cat-accelerators"' in page


def test_apply_fills_the_supplier_rows_with_the_ruled_shares(client):
    page, location = apply(client, reference_form(client))
    assert page.status_code == 200
    draft = draft_of(location)
    shares = draft["procurement"]
    # only the categories the rule changed (h85: the others keep their market-share rows)
    assert set(shares) == {"accelerators", "facility"}
    for category, suppliers in shares.items():
        assert sum(s["central"] for s in suppliers.values()) == pytest.approx(1.0), category
        assert all(s["central"] <= 0.5 + 1e-12 for k, s in suppliers.items()
                   if k not in ("eu_construction", "rest_of_world")), category
    nvidia = shares["accelerators"]["nvidia"]
    assert nvidia["central"] == pytest.approx(0.5) and nvidia["reliability"] == "assumption"
    assert nvidia["note"].startswith("Procurement rule (EU suppliers preferred (weight 2); "
                                     "no supplier above 50 % of a category)")
    assert draft["title"].endswith(" under procurement rules")
    # the rows are in the form, the rule's note carried with them
    fields = form_fields(page.text)
    rows = {(fields[f"proc-{i}-category"], fields[f"proc-{i}-supplier"]):
            fields[f"proc-{i}-central"] for i in range(40) if fields.get(f"proc-{i}-category")}
    assert float(rows[("accelerators", "nvidia")]) == pytest.approx(0.5)
    assert float(rows[("accelerators", "amd")]) > 0.042
    message = words(page.text, r'<div class="notice notice-ok"[^>]*id="rules-result".*?</div>')
    assert "Applied the rule: EU suppliers preferred (weight 2); no supplier above 50 % of a " \
           "category." in message
    assert "Supplier shares changed in: AI accelerators, Facility." in message
    assert "Too few suppliers" not in message
    assert "<details class=\"builder-more\" open>" in page.text


def test_the_filled_draft_checks_and_runs(client):
    _, location = apply(client, reference_form(client, draws="100"))
    assert draft_of(location)["procurement"]["accelerators"]["nvidia"]["central"] == 0.5
    fields = form_fields(client.get(location).text)
    response = client.post("/build", data={**fields, "action": "run"}, follow_redirects=False)
    assert response.headers["location"].startswith("/r/"), response.headers["location"]
    run = wait_done(client, response.headers["location"].rsplit("/", 1)[1])
    assert run["status"] == "done"


def test_a_category_with_one_supplier_cannot_meet_the_cap_and_the_page_says_so(client):
    page, location = apply(client, reference_form(client, "efficiency-first-eu"))
    message = words(page.text, r'<div class="notice notice-ok"[^>]*id="rules-result".*?</div>')
    assert "Too few suppliers to meet the cap in: Model licences" in message
    assert draft_of(location)["procurement"]["model_licences"]["mistral_ai"]["central"] == 1


def test_ticked_categories_only_are_ruled(client):
    _, location = apply(client, reference_form(client, **{"rules-cat-accelerators": "1"}))
    shares = draft_of(location)["procurement"]
    assert set(shares) == {"accelerators"}


@pytest.mark.parametrize("cap, weight, bad", [
    ("0", "2", ["f-rules_cap"]), ("150 %", "2", ["f-rules_cap"]),
    ("fifty", "2", ["f-rules_cap"]), ("50", "0.5", ["f-rules_weight"]),
    ("0 %", "many", ["f-rules_cap", "f-rules_weight"])])
def test_bad_rules_are_field_errors_not_500s_and_leave_the_rows(client, cap, weight, bad):
    page, location = apply(client, reference_form(client, rules_cap=cap, rules_weight=weight))
    assert page.status_code == 400
    assert "procurement" not in draft_of(location)
    for anchor in bad:
        assert re.search(rf'<input id="{anchor}"[^>]*aria-invalid="true"', page.text), anchor
        assert f'<a href="#{anchor}">' in page.text
    assert 'id="rules-result"' not in page.text
    assert "<details class=\"builder-more\" open>" in page.text
    assert form_fields(page.text)["rules_cap"] == cap       # kept as typed


def test_a_plan_with_problems_is_not_ruled_and_the_page_says_why(client):
    page, location = apply(client, reference_form(client, budget="-3"))
    assert page.status_code == 400
    assert "procurement" not in draft_of(location)
    assert "The procurement rules were not applied" in page.text


def test_enter_still_runs_the_plan(client):
    """Enter presses the form's first button, not the rules' one: action "enter", which
    runs an anonymous user's plan (an editor's only checks it: h214, held_run)."""
    page = client.get("/build").text
    form = page[page.index('<form method="post" action="/build"'):]
    first = re.search(r"<button [^>]*>", form).group(0)
    assert 'value="enter"' in first
    fields = {**form_fields(page), "title": "By Enter", "budget": "20 bn", "draws": "100",
              "action": "enter"}
    response = client.post("/build", data=fields, follow_redirects=False)
    assert re.fullmatch(r"/r/[0-9a-f]+", response.headers["location"])
