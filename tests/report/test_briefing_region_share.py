"""The buyer region's share of value added in a briefing of a run without scorecard (tester
h54): the EU's share was the country table's 'EU, not split by member state' row alone, leaving
out France, Germany, the Netherlands and Ireland (20.1 % where the EU keeps 22.7 %)."""

from __future__ import annotations

import re
import sys
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from briefings import DRAWS, REFERENCE, ROOT  # noqa: E402


def text_of(html: bytes) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html.decode("utf-8"))).split())


def briefing_text(ws, result) -> str:
    from moneytrail.report.briefing import render_briefing

    return text_of(render_briefing(ws, [result], fmt="html", sensitivity=False))


def test_eu_share_without_scorecard_sums_the_member_states(ws):
    from moneytrail.report.briefing.text import pct
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    stored = tasks.trace_plan(ws, load_scenario(REFERENCE), draws=DRAWS, seed=1,
                              analyses=False)
    country = stored.table("country")
    members = ws.valuechain.eu_members()
    eu_rows = [c for c in country.index if c in members]
    assert "EU" in eu_rows and {"FR", "DE", "NL", "IE"} <= set(eu_rows)
    text = briefing_text(ws, stored)
    assert "EU, not split by member state as value added" not in text
    expected = pct(country.loc[eu_rows, "share_mean"].sum())
    assert expected != pct(country.loc["EU", "share_mean"])
    assert (f"On average, {expected} of the spending stays in the EU (all member states) as "
            "value added (the sum of the means for France, Germany, the Netherlands and "
            "Ireland and for the EU's value added not split by member state)") in text


def test_region_of_one_country_row_is_said_once(ws):
    """The US plan's largest place is the US: its share opens the paragraph and the buyer
    region's sentence, with the same figures, is not repeated after it (it was, word for
    word, until 0.5.4)."""
    from moneytrail.report.briefing.text import interval, pct
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    stored = tasks.trace_plan(ws, load_scenario(ROOT / "scenarios" / "stargate-style-us.yaml"),
                              draws=DRAWS, seed=1, analyses=False)
    row = stored.table("country").loc["US"]
    text = briefing_text(ws, stored)
    assert (f"in the United States: {pct(row['share_p50'])} of the spending (90 % interval "
            f"{interval(row['share_p5'], row['share_p95'])}) is value added generated "
            "there") in text
    assert "stays in the United States as value added is" not in text


def test_capital_share_is_profits_and_depreciation(ws):
    """The capital share of value added is gross operating surplus: profits and depreciation,
    as the web app labels it. The briefing said 'becomes profits' and 'Profits (capital)', so
    a reader would overstate profits (tester 34)."""
    from moneytrail.report.briefing.text import pct
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    stored = tasks.trace_plan(ws, load_scenario(ROOT / "scenarios" / "stargate-style-us.yaml"),
                              draws=DRAWS, seed=1, analyses=False)
    share = pct(stored.table("factor").loc["capital", "share_p50"])
    text = briefing_text(ws, stored)
    assert f"{share} becomes profits and depreciation (the firms' gross operating surplus)" \
        in text
    assert "Profits and depreciation (capital)" in text
    assert "becomes profits," not in text and "Profits (capital)" not in text
