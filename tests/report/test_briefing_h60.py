"""A parliamentary staffer's findings on the briefing (h60): conditions in words and units with
plain headers; the methods named as a page the reader can open; jargon explained."""

from __future__ import annotations

import re
from html import unescape

import pytest
import yaml
from briefings import REFERENCE

from moneytrail.report import units

CONDITIONS = [{"metric": "eu_value_added_share", "min": 0.5},
              {"metric": "hhi_change", "max": 100},
              {"metric": "co2_tonnes", "max": 1e6}]


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def conditions_result(ws, tmp_path_factory):
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    data = yaml.safe_load(REFERENCE.read_text())
    data.update(id="eu-gf-conditions", conditions=CONDITIONS)
    path = tmp_path_factory.mktemp("h60") / "eu-gf-conditions.yaml"
    path.write_text(yaml.safe_dump(data))
    return tasks.trace_plan(ws, load_scenario(path), draws=300, seed=2)


@pytest.fixture(scope="module")
def conditions_html(ws, conditions_result) -> str:
    from moneytrail.report.briefing import render_briefing

    return render_briefing(ws, [conditions_result], fmt="html",
                           sensitivity=False).decode("utf-8")


def test_conditions_table_reads_in_words_units_and_plain_headers(conditions_html,
                                                                 conditions_result):
    start = conditions_html.index("Conditions of ")
    table = conditions_html[conditions_html.rindex("<table", 0, start):
                            conditions_html.index("</table>", start)]
    head = re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", table)
    assert [unescape(h) for h in head] == ["Condition", "Verdict",
                                           "Median value (90 % interval)",
                                           "Met in (share of draws)"]
    text = text_of(table)
    assert "EU value added share at least 50 %" in text
    assert "Largest HHI rise (market concentration) among the markets bought in at most " \
           "100 points" in text
    assert "Operational CO2 over the horizon at most 1.00 Mt CO2e" in text
    for raw in ("eu_value_added_share", "hhi_change", "co2_tonnes", "value_p5", "p_holds",
                "rules_on", ">="):
        assert raw not in text
    frame = conditions_result.tables["conditions"].frame().reset_index()
    eu = frame[frame["metric"] == "eu_value_added_share"].iloc[0]
    assert f"{units.percent(eu['value_p50'])}" in text


def test_briefing_cites_the_methods_by_name_without_a_base_url(conditions_html):
    text = text_of(conditions_html)
    assert "docs/methods.md" not in text and "spend_years" not in text
    assert "the methods “Methods and modelling conventions”, “Market power”" in text
    assert "“Methods and modelling conventions”, on the methods page of the moneytrail web " \
           "app (/methods)" in text


def test_briefing_links_the_methods_page_when_the_app_is_known(ws, conditions_result):
    from moneytrail.report.briefing import render_briefing

    html = render_briefing(ws, [conditions_result], fmt="html", sensitivity=False,
                           base_url="https://moneytrail.example/").decode("utf-8")
    assert "docs/methods.md" not in text_of(html)
    assert ('<a href="https://moneytrail.example/methods#market-power-economic-profit-markups-'
            'and-procurement-rules">') in html
    assert '<a href="https://moneytrail.example/methods">https://moneytrail.example/methods' \
           '</a>' in html


def test_briefing_explains_its_jargon(conditions_html):
    start = conditions_html.index("Words used in this briefing")
    words = text_of(conditions_html[start:conditions_html.index("</dl>", start)])
    for term in ("HHI (Herfindahl–Hirschman index)", "–99 points",
                 "WACC (weighted average cost of capital)", "Tornado analysis",
                 "Years the budget is spent over"):
        assert term in words
    assert "explained under “Words used in this briefing”" in text_of(conditions_html)
