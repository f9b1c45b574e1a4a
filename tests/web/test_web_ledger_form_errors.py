"""The ledger editor's forms tell what is wrong the way the plan builder does (h68, WCAG 2.1
3.3.1, 3.3.2, 2.4.6, 4.1.2): every field has a label in words and a hint tied to it, required
fields say so, and a refused save lists every problem in a summary linking to its field, each
field marked invalid and described by its own message, the first one focused, the store
unchanged and the typed values kept."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import login  # noqa: E402
from form_checks import autofocused, invalid_inputs, message_of, parse, summary  # noqa: E402

# the tester's seven bad values (and a blank reason)
BAD_DEAL = {"id": "new_deal_h68", "name": "A deal", "kind": "zz", "region": "Germany",
            "sector": "gov", "purpose": "compute", "announced": "2025-01-011",
            "horizon_end": "soon", "part_of": "no_such_deal", "overlaps": "nor_this_one",
            "sources": "no_such_source", "reason": ""}
BAD_FIELDS = ("f-kind", "f-region", "f-sector", "f-announced", "f-horizon_end", "f-part_of",
              "f-overlaps", "f-sources", "f-reason")


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def form_values(html: str, action: str) -> dict[str, str]:
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html,
                     re.S).group(0)
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    values.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form))
    return values


def test_every_field_has_a_label_in_words_and_a_hint_it_is_described_by(app):
    client = login(app, "eve")
    for kind in ("deal", "claim", "source"):
        page = parse(client.get(f"/ledger/add/{kind}").text)
        inputs = [i for i in page.by_id if i.startswith("f-") and not i.endswith("-hint")]
        assert len(inputs) > 5
        for input_id in inputs:
            label = page.labels[input_id]
            assert "_" not in label and label != input_id[2:], (kind, input_id, label)
    # the edit form of a source too (a field added to sources, title_lang, had no label: 500)
    edit = client.get("/ledger/edit/source/l_stargate_openai_2025_01")
    assert edit.status_code == 200, edit.text[:300]
    assert parse(edit.text).labels["f-title_lang"] == "Language of the title"
    deal = parse(client.get("/ledger/add/deal").text)
    assert deal.labels["f-horizon_end"] == "Horizon end" and deal.labels["f-part_of"] == "Part of"
    for input_id, words in (("f-announced", "YYYY-MM-DD"), ("f-kind", "pledge, need, expectation"),
                            ("f-sector", "public, private, mixed"), ("f-reason", "history")):
        described = deal.by_id[input_id]["attrs"]["aria-describedby"].split()
        assert f"{input_id}-hint" in described
        assert words in " ".join(deal.by_id[f"{input_id}-hint"]["text"].split())
    claim = parse(client.get("/ledger/add/claim").text)
    assert "EUR" in claim.by_id["f-currency-hint"]["text"]
    # required: the attribute and a visible mark; optional fields have neither
    for page, required, optional in ((deal, "f-name", "f-part_of"), (claim, "f-currency",
                                                                     "f-supersedes")):
        assert "required" in page.by_id[required]["attrs"]
        assert page.labels[required].endswith("(required)")
        assert "required" not in page.by_id[optional]["attrs"]
        assert "(required)" not in page.labels[optional]


def test_a_refused_deal_shows_every_problem_at_its_field_and_changes_nothing(app):
    client = login(app, "eve")
    before = len(app.state.web.ledger.records("deal"))
    html = client.get("/ledger/add/deal").text
    data = {**form_values(html, "/ledger/add/deal"), **BAD_DEAL}
    refused = client.post("/ledger/add/deal", data=data)
    assert refused.status_code == 400
    assert refused.headers["Cache-Control"] == "no-store"
    assert len(app.state.web.ledger.records("deal")) == before          # store unchanged
    page = parse(refused.text)
    assert sorted(invalid_inputs(page)) == sorted(BAD_FIELDS)
    heading, links = summary(refused.text)
    assert heading == f"There are {len(BAD_FIELDS)} problems with this deal"
    assert [target for target, _ in links] == list(BAD_FIELDS)        # in the form's order
    for (_, line), input_id in zip(links, BAD_FIELDS, strict=True):
        message = message_of(page, input_id)
        label = page.labels[input_id].removesuffix(" (required)")
        assert line.startswith(f"{label}: "), (line, label)
        assert message.split(" (you gave")[0].lower() in line.lower()
    text = " ".join(line for _, line in links)
    assert "and 1 more" not in refused.text and "(also" not in refused.text
    assert "store is unchanged" not in text
    for raw in ("part_of", "horizon_end", "announced:", "kind '"):
        assert raw not in text, raw
    assert "Kind: must be one of pledge, need, expectation, cost" in text
    assert "Announced on: at most 10 characters" in text
    assert "Part of: unknown deal (dangling part of link)" in text
    assert autofocused(refused.text) == ["f-kind"]                    # the first problem
    for name, value in BAD_DEAL.items():                              # the typed values kept
        assert page.by_id[f"f-{name}"]["attrs"].get("value", "") == value, name


def test_an_edited_claim_shows_its_form_errors_and_the_ledger_rules_together(app):
    client = login(app, "eve")
    ledger = app.state.web.ledger
    ref = "stargate_us_announced"
    before = ledger.get("claim", ref)
    action = f"/ledger/edit/claim/{ref}"
    data = form_values(client.get(action).text, action)
    data.update(low="750,5", stage="promised", currency="usx", reason="")
    refused = client.post(action, data=data)
    assert refused.status_code == 400
    assert ledger.get("claim", ref)["revision"] == before["revision"]
    page = parse(refused.text)
    assert "Use a point for decimals" in message_of(page, "f-low")
    assert "Must be one of announced, committed, disbursed" in message_of(page, "f-stage")
    assert "Unknown currency" in message_of(page, "f-currency")
    assert message_of(page, "f-reason") == "Say why (kept in the history)"
    heading, links = summary(refused.text)
    targets = [t for t, _ in links]
    assert targets == ["f-stage", "f-low", "f-currency", "f-reason"], links
    assert any(line.startswith("Low: ") and "(you gave: 750,5)" in line for _, line in links)
    # the order of low, central and high marks all three with one message
    data.update(low="3", central="2", high="1", stage=before["stage"],
                currency=before["currency"], reason="wrong order")
    refused = client.post(action, data=data)
    page = parse(refused.text)
    shared = message_of(page, "f-low")
    assert "low <= central <= high" in shared
    assert message_of(page, "f-central") == message_of(page, "f-high") == shared
    assert summary(refused.text)[1][0][1].startswith("Low, central and high: ")
    assert ledger.get("claim", ref)["revision"] == before["revision"]


def test_check_only_applies_every_rule_and_writes_nothing(app):
    from moneytrail.ledger.errors import LedgerError, NotFoundError

    ledger = app.state.web.ledger
    revisions = len(ledger.history())
    with pytest.raises(LedgerError) as refused:
        ledger.add("deal", {k: v for k, v in BAD_DEAL.items() if k != "reason"},
                   author="eve", reason="test", check_only=True)
    fields = {p.field for p in refused.value.problems}
    assert {"kind", "region", "sector", "announced", "horizon_end", "part_of"} <= fields
    good = {**ledger.get("deal", "l_stargate_us_2025_01"), "id": "h68_check_only"}
    result = ledger.add("deal", {k: v for k, v in good.items() if k != "revision"},
                        author="eve", reason="test", check_only=True)
    assert result.revisions == () and len(ledger.history()) == revisions
    with pytest.raises(NotFoundError):
        ledger.get("deal", "h68_check_only")
