"""The run pickers (the claims page's "check this claim against a stored run" list and the
compare page's checkboxes) group their runs (web.run_picker): the reference runs first under
their own label, then the signed-in reader's own runs, then everyone else's runs in a group
labelled as made by anyone and not reviewed. A user test found every anonymous visitor's
builder run listed beside the reference runs, so a journalist could not tell which were the
tool's reference runs; and 60 newer anonymous runs pushed the reference runs off the list.
Another account's private run is in no group."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

CLAIM = "public-money-to-nvidia-and-hyperscalers"     # a claim that traces a plan
ANON = "a0a0a0a0" + "1" * 24                           # an anonymous visitor's builder run
ANON_TITLE = "Someone's <b>draft</b> & co"
HIDDEN = "b0b0b0b0" + "2" * 24                         # a run of eve's private saved plan
HIDDEN_TITLE = "Eve's private plan"
REFERENCE_LABEL = "Reference runs: the tool's reference plans"
OTHERS_LABEL = "Other runs stored here, made by anyone (not reviewed)"
OWN_LABEL = "Your runs (of your saved plans)"


def stand_in(app, run_id: str, title: str, *, draws: int = 200, private: bool = False,
             label: str = "stand-in") -> None:
    """A finished trace as the pickers read it (its inputs; no result is read)."""
    from moneytrail.service.runs import RunStore

    RunStore(app.state.web.ledger.engine, private=private).start(
        run_id, kind="trace", label=label, inputs={"plan": {"title": title},
                                                   "draws": draws, "seed": 1},
        data_version="x", data_hash="x", total=draws, status="done")


@pytest.fixture
def references(app) -> dict[str, str]:
    """The reference runs the home page shows (routes_runs.reference_run_ids) stored as
    finished traces, then an anonymous run and a run of eve's private saved plan, both newer."""
    from moneytrail.accounts.plans import SavedPlans
    from moneytrail.web.routes_runs import reference_run_ids

    ids = reference_run_ids(app)
    titles = app.state.reference_titles
    for stem, rid in ids.items():
        stand_in(app, rid, titles[stem], draws=2000, label=stem)
    stand_in(app, ANON, ANON_TITLE)
    stand_in(app, HIDDEN, HIDDEN_TITLE, private=True)
    eve = app.state.accounts.by_key(app.state.keys[("eve", "read")]).id
    saved = SavedPlans(app.state.web.ledger.engine)
    plan = saved.create(owner=eve, title=HIDDEN_TITLE, description="", visibility="private",
                        plan={"title": HIDDEN_TITLE})
    saved.add_run(plan["id"], actor=eve, run_id=HIDDEN)
    return ids


def claim_groups(html: str) -> list[tuple[str, list[str]]]:
    """The claim's run list as (group label, run ids) in page order."""
    form = re.search(rf'<form class="claim-check" method="get" action="/claims/{CLAIM}/check">'
                     r'(.*?)</form>', html, re.S)
    assert form, "no run list for the claim"
    return [(unescape(label), re.findall(r'<option value="([0-9a-f]+)"', body))
            for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>',
                                          form.group(1), re.S)]


def compare_groups(html: str) -> list[tuple[str, list[str]]]:
    """The compare picker's checkboxes as (group legend, run ids) in page order."""
    return [(unescape(legend), re.findall(r'name="runs" value="([0-9a-f]+)"', body))
            for legend, body in re.findall(r"<fieldset[^>]*>\s*<legend>(.*?)</legend>(.*?)"
                                           r"</fieldset>", html, re.S)]


def test_claims_picker_lists_the_reference_runs_first_in_their_own_group(app, references):
    with TestClient(app, base_url=HTTPS) as client:
        response = client.get("/claims")
    groups = claim_groups(response.text)
    assert [label for label, _ in groups] == [REFERENCE_LABEL, OTHERS_LABEL]
    assert groups[0][1] == list(references.values())        # in the home page's order
    assert groups[1][1] == [ANON]                          # not mixed in with them
    # the anonymous run's title is escaped, and what the groups mean is said
    assert "Someone&#39;s &lt;b&gt;draft&lt;/b&gt; &amp; co" in response.text
    assert "<b>draft" not in response.text
    assert "not reviewed" in response.text
    runs = client.get("/api/v1/claims").json()["runs"]
    assert [(r["run_id"], r["group"]) for r in runs] == \
        [(rid, "reference") for rid in references.values()] + [(ANON, "others")]


def test_compare_picker_lists_the_reference_runs_first_in_their_own_group(app, references):
    with TestClient(app, base_url=HTTPS) as client:
        groups = compare_groups(client.get("/compare").text)
    assert groups == [(REFERENCE_LABEL, list(references.values())),
                      (f"{OTHERS_LABEL}, newest first", [ANON])]


@pytest.mark.parametrize("path", ["/claims", "/compare"])
def test_another_accounts_private_run_is_in_no_group(app, references, path):
    """Eve's private plan's run: in eve's own group, nowhere for mal or anonymous readers."""
    pick = claim_groups if path == "/claims" else compare_groups
    with TestClient(app, base_url=HTTPS) as anonymous:
        for client in (anonymous, login(app, "mal")):
            html = client.get(path).text
            assert HIDDEN not in html and HIDDEN_TITLE not in unescape(html)
            assert f'value="{ANON}"' in html
    groups = pick(login(app, "eve").get(path).text)
    own = OWN_LABEL if path == "/claims" else f"{OWN_LABEL}, newest first"
    others = OTHERS_LABEL if path == "/claims" else f"{OTHERS_LABEL}, newest first"
    assert groups == [(REFERENCE_LABEL, list(references.values())), (own, [HIDDEN]),
                      (others, [ANON])]


def test_many_newer_runs_do_not_push_the_reference_runs_off_the_claims_list(app, references):
    """The list held the 60 newest runs, so 60 anonymous runs hid every reference run."""
    for n in range(61):
        stand_in(app, f"c0c0{n:04d}" + "3" * 24, f"Draft {n}")
    with TestClient(app, base_url=HTTPS) as client:
        html = client.get("/claims").text
    form = html[html.index(f'action="/claims/{CLAIM}/check"'):]
    form = form[:form.index("</form>")]
    for rid in references.values():
        assert f'<option value="{rid}"' in form
    groups = dict(claim_groups(html))
    assert groups[REFERENCE_LABEL] == list(references.values())
    assert len(groups[OTHERS_LABEL]) == 60
