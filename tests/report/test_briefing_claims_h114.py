"""A fact-checker's findings (h114) on the briefing's claims table: each claim says who made
it, when and where (the recording source by title, numbered in the Sources list); "Read as"
names sources by title, not by id, as the web pages do; a claim cites each document once; a
supported verdict resting mostly on assumption or weak rows says so in its label."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest

JOBS = "stargate-over-100000-us-jobs"
ASSUMPTION = "a_assumption_stargate_tranche_four_years"
# one Storyboard18 page: the claim's own source and the Stargate plan's budget source
SAME_PAGE = ("a_stargate_openai_2025_01", "l_stargate_openai_2025_01", "m_stargate_openai_2025")


@pytest.fixture(scope="module")
def stargate_run(ws):
    from moneytrail.scenarios import load_scenario
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.service import tasks

    return tasks.trace_plan(ws, load_scenario(reference_dir() / "stargate-style-us.yaml"),
                            draws=200, seed=1)


@pytest.fixture(scope="module")
def checked(ws, stargate_run):
    from moneytrail.report.briefing.content import SourceBook, claims_for

    book = SourceBook.of(ws)
    brief = SimpleNamespace(plan=SimpleNamespace(id="stargate-style-us",
                                                 budget=SimpleNamespace(source="")),
                            reality=[], result=stargate_run)
    claims, sources, error = claims_for(ws, [brief], book)    # type: ignore[list-item]
    assert error == ""
    return {c["id"]: c for c in claims}, sources, book


def test_the_jobs_claim_says_who_made_it_when_and_where(checked):
    claims, sources, book = checked
    said = claims[JOBS]["claimed"]
    assert said["by"].startswith("Donald Trump") and "White House" in said["by"]
    assert said["on"] == "21 January 2025"
    assert said["title"] == ("Remarks on Artificial Intelligence Infrastructure Development "
                             "and an Exchange With Reporters")       # the transcript (data 2.5.4)
    assert said["number"] == book.number("a_stargate_whitehouse_2025_01")
    assert "a_stargate_whitehouse_2025_01" in sources


def test_read_as_names_sources_by_title_not_by_id(checked):
    claims, _, book = checked
    reading = claims[JOBS]["reading"]
    assert ASSUMPTION not in reading and "m_stargate_announcement_2025" not in reading
    title = book.rows[ASSUMPTION]["title"]
    assert f"“{title}” [{book.number(ASSUMPTION)}]" in reading
    for claim in claims.values():
        assert not re.search(r"\b[alm]_[a-z0-9]+_[a-z0-9_]+\b", claim["reading"]), claim["id"]


def test_the_jobs_claim_cites_the_openai_announcement_once(checked):
    claims, sources, book = checked
    refs = expand(claims[JOBS]["refs"])
    numbered = [book.number(s) for s in SAME_PAGE if s in book.order]
    assert len(set(refs) & set(numbered)) == 1
    assert sum(s in sources for s in SAME_PAGE) == 1


def test_a_supported_verdict_on_weak_rows_says_so():
    from moneytrail.report.briefing.content import SourceBook, claim_entry
    from moneytrail.report.evidence import row_weight

    def entry(weight: float) -> dict:
        rows = pd.DataFrame([{"claim": "c", "text": "A claim", "check": "a check",
                              "bound": "min 0.5", "bound_text": "at least 50 %",
                              "figure": "60 %", "p_holds": 1.0, "check_verdict": "supported",
                              "verdict": "supported", "note": "", "sources": "",
                              "claim_assumption_or_weak_p50": weight,
                              "claim_assumption_or_weak_p5": weight,
                              "claim_assumption_or_weak_p95": weight}])
        return claim_entry(rows, SourceBook(rows={}), "", "", row_weight)

    weak = entry(1.0)
    assert weak["verdict"] == "supported \u2014 on weak evidence" and weak["weak"]
    assert entry(0.5)["weak"]
    sound = entry(0.2)
    assert sound["verdict"] == "supported" and not sound["weak"]


def test_the_briefing_prints_the_claimant_and_the_weak_verdict(ws, stargate_run):
    from moneytrail.report.briefing import render_briefing

    html = render_briefing(ws, [stargate_run], fmt="html").decode("utf-8")
    table = html[html.index('<table class="claim"'):]
    table = table[:table.index("</table>")]
    found = re.search(r'Claimed by Donald Trump, US President, announcing Stargate at the '
                      r'White House \(Roosevelt Room\), 21 January 2025, in <a href="#src-'
                      r'(\d+)">“Remarks on Artificial Intelligence Infrastructure Development '
                      r'and an Exchange With Reporters”</a> \[\1\]', table)
    assert found, table[:3000]
    assert f'id="src-{found[1]}"' in html
    assert ASSUMPTION not in table
    weak = re.findall(r'<span class="verdict weak-basis">([^<]*)</span>', table)
    assert "supported \u2014 on weak evidence" in weak


def expand(refs: str) -> set[int]:
    """'1–3, 7' -> {1, 2, 3, 7}."""
    out: set[int] = set()
    for part in refs.split(", "):
        low, _, high = part.partition("–")
        out |= set(range(int(low), int(high or low) + 1))
    return out


def test_a_published_check_names_its_draws_seed_and_run(ws, stargate_run, monkeypatch):
    """A claim on ledger data only is the debate's published check: the briefing names its
    draws, seed and run id, so a reader can cite it and tell it from the run's figures."""
    from moneytrail.report.briefing import content
    from moneytrail.report.briefing.content import SourceBook, claims_for

    monkeypatch.setattr(content, "concerning_claims", lambda ws, brief: ["eu-2024-package-small"])
    brief = SimpleNamespace(plan=SimpleNamespace(id="stargate-style-us",
                                                 budget=SimpleNamespace(source="")),
                            reality=[], result=stargate_run)
    claims, _, error = claims_for(ws, [brief], SourceBook.of(ws))   # type: ignore[list-item]
    assert error == "" and [c["id"] for c in claims] == ["eu-2024-package-small"]
    found = re.search(r"the debate's check \(run ([0-9a-f]{32})\), 2,000 draws, seed 1\.",
                      claims[0]["against"])
    assert found, claims[0]["against"]
