"""The builder's procurement rules, as a tester found them (h85): the rule's note says what
it started from, the cap reads like the other share fields, a blank weight shows its default,
a rule that changes nothing leaves the draft alone, a ruled reference plan gets its own id,
the run page shows the rule's note, and the form shows shares without float noise."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields, wait_done  # noqa: E402
from test_web_builder_rules_h83 import apply, draft_of, reference_form, words  # noqa: E402

from moneytrail.web import builder, create_app  # noqa: E402
from moneytrail.web.runs import decode_draft  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("builder-rules-h85") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def message_of(html: str) -> str:
    return words(html, r'<div class="notice notice-ok"[^>]*id="rules-result".*?</div>')


def proc_rows(fields: dict[str, str]) -> dict[tuple[str, str], str]:
    return {(fields[f"proc-{i}-category"], fields[f"proc-{i}-supplier"]):
            fields[f"proc-{i}-central"] for i in range(40) if fields.get(f"proc-{i}-category")}


def with_rows(fields: dict[str, str], rows: list[tuple[str, str, str]]) -> dict[str, str]:
    """The form with its supplier rows replaced by `rows` (category, supplier, central)."""
    out = {k: v for k, v in fields.items() if not k.startswith("proc-")}
    for i, (category, supplier, central) in enumerate(rows):
        out.update({f"proc-{i}-category": category, f"proc-{i}-supplier": supplier,
                    f"proc-{i}-central": central})
    return out


# -- 1: the note and the message say what the rule started from ------------------------------
def test_a_rule_on_the_market_shares_says_so(client):
    page, location = apply(client, reference_form(client, rules_cap="40 %"))
    note = draft_of(location)["procurement"]["accelerators"]["nvidia"]["note"]
    assert "applied to the market's central shares" in note
    assert "It started from the market's shares." in message_of(page.text)


def test_a_rule_on_the_drafts_own_rows_says_so(client):
    fields = with_rows(reference_form(client, rules_cap="50 %", rules_weight="1"),
                       [("accelerators", "nvidia", "0.7"), ("accelerators", "amd", "0.3")])
    page, location = apply(client, fields)
    shares = draft_of(location)["procurement"]["accelerators"]
    assert shares["nvidia"]["central"] == pytest.approx(0.5)
    assert "applied to the plan's own supplier shares" in shares["nvidia"]["note"]
    assert "market's" not in shares["nvidia"]["note"]
    assert "It started from the draft's own supplier rows in: AI accelerators" \
        in message_of(page.text)


# -- 2: the cap reads as the share fields do --------------------------------------------------
@pytest.mark.parametrize("typed, cap", [("0.5", 0.5), ("50", 0.5),
                                        ("50 %", 0.5), ("50%", 0.5), ("0.4", 0.4),
                                        ("1 %", 0.01), ("100 %", 1.0), ("", None)])
def test_the_cap_reads_a_fraction_or_a_percent(typed, cap):
    rules, errors = builder.read_rules({"cap": typed, "weight": "2"}, ["accelerators"])
    assert errors == []
    assert rules["cap"] == pytest.approx(cap) if cap is not None else rules["cap"] is None


@pytest.mark.parametrize("typed", ["1", "0", "0 %", "150", "150 %", "-0.5", "fifty",
                                   "0,5"])
def test_an_ambiguous_or_out_of_range_cap_is_a_field_error(typed):
    rules, errors = builder.read_rules({"cap": typed, "weight": "2"}, ["accelerators"])
    assert [e["anchor"] for e in errors] == ["f-rules_cap"]
    assert rules["cap"] is None


def test_a_fraction_cap_on_the_page_caps_at_half(client):
    _, location = apply(client, reference_form(client, rules_cap="0.5"))
    assert draft_of(location)["procurement"]["accelerators"]["nvidia"]["central"] \
        == pytest.approx(0.5)


# -- 3: the weight's default is shown ---------------------------------------------------------
def test_a_blank_weight_shows_its_default_in_the_field_and_the_help(client):
    page, _ = apply(client, reference_form(client, rules_weight=""))
    assert form_fields(page.text)["rules_weight"] == "2"
    assert "default, used when blank: 2" in page.text
    assert "1: no preference, the weight leaves the shares as they are" in page.text


# -- 4: a rule that changes nothing leaves the draft alone ------------------------------------
def test_a_rule_that_changes_nothing_leaves_rows_title_and_id(client):
    fields = reference_form(client, rules_cap="40 %", rules_weight="1",
                            **{"rules-cat-facility": "1"})
    page, location = apply(client, fields)
    assert "No supplier share changed." in message_of(page.text)
    draft = draft_of(location)
    assert "procurement" not in draft or "facility" not in draft["procurement"]
    assert not draft["title"].endswith(builder.RULED_TITLE)
    assert draft["id"] == "eu-ai-gigafactories"


def test_a_rule_changes_only_the_categories_it_changes(client):
    fields = with_rows(reference_form(client, rules_cap="50 %", rules_weight="1"),
                       [("accelerators", "nvidia", "0.7"), ("accelerators", "amd", "0.3"),
                        ("storage", "netapp", "0.5"), ("storage", "dell", "0.5")])
    fields["proc-2-note"] = "my own split"
    _, location = apply(client, {**fields, "rules-cat-storage": "1",
                                 "rules-cat-accelerators": "1"})
    shares = draft_of(location)["procurement"]
    assert shares["accelerators"]["nvidia"]["central"] == pytest.approx(0.5)
    # storage's own rows: the rule did not change them, so they are kept as typed
    assert shares["storage"]["netapp"]["central"] == pytest.approx(0.5)
    assert shares["storage"]["dell"]["central"] == pytest.approx(0.5)
    assert "Procurement rule" not in str(shares["storage"])


# -- 5: the ruled reference plan has its own id -----------------------------------------------
def test_a_ruled_reference_plan_gets_a_distinct_id(client):
    _, location = apply(client, reference_form(client))
    assert draft_of(location)["id"] == "eu-ai-gigafactories-rules"
    _, location = apply(client, reference_form(client, id="my-cap-plan"))
    assert draft_of(location)["id"] == "my-cap-plan"        # the user's own name stays


# -- 7 and 6: the form shows no float noise; the run page shows the rule's note ---------------
def test_shares_are_shown_without_float_noise_and_keep_their_label_on_resubmit(client):
    page, location = apply(client, reference_form(client, rules_cap="40 %", draws="100"))
    ruled = draft_of(location)["procurement"]
    fields = form_fields(page.text)
    for value in proc_rows(fields).values():
        assert len(value.replace("0.", "", 1)) <= 11, value
    assert any(len(repr(s["central"])) > 14 for shares in ruled.values()
               for s in shares.values())        # there was noise to hide
    response = client.post("/build", data={**fields, "action": "check"},
                           follow_redirects=False)
    again = decode_draft(re.search(r"plan=([^&]+)", response.headers["location"]).group(1))
    assert client.get(response.headers["location"]).status_code == 200   # sums still 1
    for category, shares in ruled.items():
        for supplier, share in shares.items():
            kept = again["procurement"][category][supplier]
            assert kept["reliability"] == "assumption", (category, supplier)
            assert kept["note"] == share["note"], (category, supplier)


def test_the_run_page_shows_the_rules_note(client):
    page, _ = apply(client, reference_form(client, rules_cap="40 %", draws="100"))
    fields = form_fields(page.text)
    response = client.post("/build", data={**fields, "action": "run"}, follow_redirects=False)
    run_id = response.headers["location"].rsplit("/", 1)[1]
    assert wait_done(client, run_id)["status"] == "done"
    html = client.get(f"/r/{run_id}").text
    table = html[html.index('class="plan-procurement"'):]
    table = table[:table.index("</table>")]
    assert "<th scope=\"col\">Note</th>" in table
    assert "Procurement rule (EU suppliers preferred (weight 2); no supplier above 40 % of a " \
           "category) applied to the market&#39;s central shares" in table
