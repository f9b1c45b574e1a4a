"""A parliamentary staffer's findings on the briefing of a built variant (h81): the EU
gigafactory plan at EUR 10 bn (the builder's own budget), accelerators bought 60 % Nvidia /
40 % AMD, two conditions. The HHI change read +0 with a glossary that said it means buying at
market shares; a condition misnamed its measure; notes showed source ids; the reference plan's
text stood under another budget unmarked; the run's conservation check read as a stray amount;
Table 1 and the Sources list used 'reliability' for two different things."""

from __future__ import annotations

import re
from html import unescape

import pytest
import yaml
from briefings import REFERENCE


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def variant_result(ws, tmp_path_factory):
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks
    from moneytrail.web.builder import own_budget

    data = yaml.safe_load(REFERENCE.read_text())
    budget = own_budget({"amount": 10e9, "source": data["budget"]["source"],
                         "note": data["budget"]["note"]}, repr(data["budget"]["amount"]))
    data.update(id="gf-variant", budget=budget,
                procurement={"accelerators": {"nvidia": {"central": 0.6},
                                              "amd": {"central": 0.4}}},
                conditions=[{"metric": "single_supplier_share", "max": 0.3},
                            {"metric": "value_added_share", "group": "us_big_tech",
                             "max": 0.3}])
    path = tmp_path_factory.mktemp("h81") / "gf-variant.yaml"
    path.write_text(yaml.safe_dump(data))
    return tasks.trace_plan(ws, load_scenario(path), draws=300, seed=2)


@pytest.fixture(scope="module")
def html(ws, variant_result) -> str:
    from moneytrail.report.briefing import render_briefing

    return render_briefing(ws, [variant_result], fmt="html",
                           sensitivity=False).decode("utf-8")


def row_of(html: str, label: str) -> str:
    return text_of(next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if label in r))


def test_the_hhi_change_under_supplier_rules_shows_the_fall_and_its_market(html):
    """Under 60/40 supplier shares the accelerator market's HHI falls: the row shows the fall
    (the change of the largest size, h88) and names its market, not "+0" with a reason."""
    row = row_of(html, "HHI change, the largest rise or fall among the markets bought in")
    assert "in AI accelerators" in row and "points" in row
    assert "−" in row or "-" in row
    assert "No rise" not in row and "+0" not in row


def test_the_glossary_says_the_hhi_change_is_the_largest_rise_or_fall(html):
    text = text_of(html)
    assert "+0 means the plan buys at market shares." not in text
    assert "is the largest rise or fall the plan's purchases make to this index among the " \
           "markets it buys in" in text
    assert "A condition on the HHI change bounds the largest rise instead." in text


def test_the_single_supplier_condition_says_what_it_measures(html):
    text = text_of(html)
    assert "Share of spending in categories where one firm supplies more than half at most " \
           "30 %" in text
    assert "Share of first invoices to a single supplier" not in text
    assert "Value added share to US hyperscalers (Amazon, Microsoft, Google) at most 30 %" \
        in text


def test_notes_name_sources_by_title_not_id(html):
    start = html.index("What the plan buys:")
    table = text_of(html[start:html.index("</table>", start)] +
                    html[html.index("</table>", start):html.index("</figure>", start)])
    for sid in ("m_eubusiness_investai_2025", "m_ec_investai_2025"):
        assert sid not in table
    assert "The data gave 20 bn, source “" in table


def test_the_reference_text_is_marked_under_another_budget(html):
    text = text_of(html)
    assert ("The title and description are the reference plan’s text, unchanged (“EU AI "
            "gigafactories (InvestAI's EUR 20 bn fund)”): written for its budget of EUR 20.00 "
            "bn, while this plan's budget is EUR 10.00 bn. The European Commission's") in text


def test_the_two_reliabilities_are_told_apart(html):
    text = text_of(html)
    assert "Source, reliability of the figure" in text
    assert "The reliability after a source's number is the figure's own" in text
    assert "Source reliability (kind of document): analyst" in text


def test_the_conservation_check_reads_in_words(html):
    text = text_of(html)
    assert "conservation check (money in equals value added out): adds up to the cent" in text
    assert "largest conservation gap" not in text


def test_the_claims_name_the_group_by_its_display_name():
    from moneytrail.service.run_claims import debate_claims

    checks = [c.describe for claim in debate_claims().values() for c in claim.checks]
    assert "gigafactory fund: first invoices to Nvidia + US hyperscalers (Amazon, Microsoft, " \
           "Google)" in checks
    assert not any("US big tech" in (c or "") for c in checks)
