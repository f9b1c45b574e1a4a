"""A data journalist's findings on the briefing (h87): 'Most of the money ends up in the
United States: 40.7 %' (under half is not most); a title naming EUR 20 bn under a EUR 30 bn
budget went unflagged; the compare briefing printed rounding noise as '<0.01 points'; the jobs
at one time rest on the tool's default five years of spending without saying so."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"
DRAWS = 300
RENAMED = "EU AI gigafactories, scaled up (InvestAI's EUR 20 bn fund)"


def text_of(html: bytes) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html.decode("utf-8"))).split())


def trace(ws, tmp_path: Path, name: str, **changes):
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    data = yaml.safe_load(REFERENCE.read_text())
    data.update(changes)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return tasks.trace_plan(ws, load_scenario(path), draws=DRAWS, seed=2)


@pytest.fixture(scope="module")
def base(ws, tmp_path_factory):
    return trace(ws, tmp_path_factory.mktemp("h87"), "eu-ai-gigafactories")


@pytest.fixture(scope="module")
def bigger(ws, tmp_path_factory):
    return trace(ws, tmp_path_factory.mktemp("h87"), "gf-30", id="gf-30", title=RENAMED,
                 description="The fund at EUR 30 bn.", budget={"amount": 30e9})


@pytest.fixture(scope="module")
def compared(ws, base, bigger) -> str:
    from moneytrail.report.briefing import render_briefing

    return text_of(render_briefing(ws, [base, bigger], fmt="html", sensitivity=False))


# -- 1. 'most' only over half --------------------------------------------------------------
def test_largest_place_lead_says_most_only_over_half():
    from moneytrail.report.units import largest_place_lead

    assert largest_place_lead("US", 0.407) == "The largest share of the money ends up in"
    assert largest_place_lead("US", 0.5) == "The largest share of the money ends up in"
    assert largest_place_lead("US", 0.51) == "Most of the money ends up in"
    assert largest_place_lead("EU", 0.7) == "The largest single place is"


def test_the_summary_of_a_plan_under_half_says_largest_share(compared, base):
    country = base.tables["country"].frame()
    top = float(country["share_p50"].max())
    assert top < 0.5                          # the United States: about 40 %
    assert "Most of the money ends up in" not in compared
    assert compared.count("The largest share of the money ends up in the United States") == 2


# -- 2. the title's figure ------------------------------------------------------------------
def test_the_briefing_flags_a_title_naming_another_amount(compared):
    # once in the plan's summary (h215: a reader of the first page sees it) and once above
    # its Table 1, beside the description it warns of; the two notes never both
    assert compared.count("The title names EUR 20 bn, while this plan's budget is EUR 30.00 "
                          "bn") == 2


# -- 4. noise is 0 ----------------------------------------------------------------------------
def test_the_compare_briefing_shows_noise_as_zero(compared):
    assert "<0.01 points" not in compared and ">-0.01 points" not in compared
    assert not re.search(r"[+-]EUR 0\.0", compared)
    assert compared.count(" 0 points") >= 5


# -- 3. the default years of spending -------------------------------------------------------
def test_the_jobs_sentence_says_the_years_are_the_default(ws, base, tmp_path):
    from moneytrail.report.briefing import render_briefing

    said = text_of(render_briefing(ws, [base], fmt="html", sensitivity=False))
    assert ("at one time over the 5 years the money is spent (5 years: the tool's default "
            "spending period, an assumption, as the plan does not say over how many years it "
            "spends)") in said
    note = base.tables["jobs"].note
    assert "The 5 years of spending are the tool's default spending period" in note
    own = trace(ws, tmp_path, "gf-4y", id="gf-4y", spend_years=4)
    own_said = text_of(render_briefing(ws, [own], fmt="html", sensitivity=False))
    assert "at one time over the 4 years the money is spent" in own_said
    assert "default spending period" not in own_said
    assert "default spending period" not in own.tables["jobs"].note
