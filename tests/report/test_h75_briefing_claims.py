"""A fact-checking tester's findings (h75) on the briefing's claims table: each claim's note
(thresholds, caveats) is printed beside its verdict; a claim about another plan is "not
applicable" to the run, not "contradicted"; P(holds) never reads 100.0 % unless every draw
holds."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from markupsafe import escape

JOBS = "stargate-over-100000-us-jobs"


def claims_section(ws, result) -> dict:
    from moneytrail.report.briefing.content import gather

    briefing = gather(ws, [result], sensitivity=False)
    return next(s for s in briefing.sections if s["kind"] == "claims")


@pytest.fixture(scope="module")
def notes() -> dict[str, str]:
    from moneytrail.analysis.claims import load_claims

    return {c.id: c.note for c in load_claims()}


@pytest.fixture(scope="module")
def stargate_run(ws):
    from moneytrail.scenarios import load_scenario
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.service import tasks

    return tasks.trace_plan(ws, load_scenario(reference_dir() / "stargate-style-us.yaml"),
                            draws=200, seed=1)


@pytest.fixture(scope="module")
def other_run(ws, tmp_path_factory):
    """A US plan of another id whose budget cites a source of the Stargate jobs claim: the
    claim concerns it (by that source) but is not about it."""
    from moneytrail.scenarios import load_scenario
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.service import tasks

    plan = yaml.safe_load((reference_dir() / "stargate-style-us.yaml").read_text())
    plan.update(id="other-us-build", title="Another US build-out")
    plan["budget"]["source"] = "a_stargate_whitehouse_2025_01"
    path = tmp_path_factory.mktemp("h75") / "other-us-build.yaml"
    path.write_text(yaml.safe_dump(plan))
    return tasks.trace_plan(ws, load_scenario(path), draws=200, seed=1)


def titles_as_ids(text: str) -> str:
    """A note as printed with each source shown by title ('“Title” [3]') marked '<source>'."""
    import re

    return re.sub(r"“[^”]*” \[\d+\]", "<source>", text)


def ids_marked(note: str) -> str:
    """A stored note with each source id (the package's prefixes) marked '<source>' (the
    notes say the package's fields and files in words themselves since data 2.5.5)."""
    import re

    return re.sub(r"\b[aclms]_[a-z0-9]+(?:_[a-z0-9]+)+\b", "<source>", note)


def test_each_claim_carries_its_note(ws, stargate_run, notes):
    section = claims_section(ws, stargate_run)
    assert not section["error"]
    claims = {c["id"]: c for c in section["claims"]}
    assert JOBS in claims
    for cid, claim in claims.items():       # source ids by title (h114): the words else
        assert titles_as_ids(claim["reading"]) == ids_marked(notes[cid])
    assert claims[JOBS]["verdict"] != "not applicable"


def test_briefing_html_prints_the_notes_and_no_bare_pointer(ws, stargate_run, notes):
    from moneytrail.report.briefing import render_briefing

    html = render_briefing(ws, [stargate_run], fmt="html").decode("utf-8")
    # (the briefing words the note's "docs/methods.md" as the methods' title, at its end)
    read = html[html.index("Read as: Jobs at one time") + len("Read as: "):]
    read = read[:read.index("</span>")]
    stored = ids_marked(str(escape(notes[JOBS]))).split("(docs/methods.md)")[0]
    assert titles_as_ids(read).startswith(stored)
    assert "are stated in the claims file." not in html
    assert "the claims file of data package" in html          # in words (h147), not its path


def test_a_claim_about_another_plan_is_not_applicable(ws, other_run):
    section = claims_section(ws, other_run)
    claims = {c["id"]: c for c in section["claims"]}
    jobs = claims[JOBS]
    assert jobs["verdict"] == "not applicable"
    assert jobs["checks"] == []
    assert jobs["against"].startswith("Not applicable: this claim is about the plan")
    assert "“Another US build-out” (other-us-build)" in jobs["against"]


def test_p_holds_of_1999_in_2000_draws_is_not_100_percent():
    from moneytrail.report.briefing.content import SourceBook, claim_entry
    from moneytrail.report.evidence import row_weight

    rows = pd.DataFrame([{"claim": "c", "text": "A claim", "check": "a check",
                          "bound": "min 0.5", "bound_text": "at least 50 %", "figure": "60 %",
                          "p_holds": p, "check_verdict": "supported", "verdict": "supported",
                          "note": "n", "sources": ""} for p in (0.9995, 1.0, 0.0005)])
    entry = claim_entry(rows, SourceBook(rows={}), "", "", row_weight)
    assert [k["p_holds"] for k in entry["checks"]] == ["> 99.9 %", "100.0 %", "< 0.1 %"]
