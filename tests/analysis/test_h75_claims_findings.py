"""A fact-checking tester's findings (h75) on the claims check, its CLI and its words:

1. each claim's note (the thresholds behind its words, its caveats) is a column of the checks
   and shown beside the verdict in the CLI table, escaped like all data;
2. a claim about one plan (`about`) names a plan its checks trace, and is not applicable to a
   run of another plan (service.run_claims.not_about_reason);
3. P(holds) never reads 100 % (or 0 %) unless every (or no) draw holds;
4. `moneytrail claims check --help` lists every verdict the check gives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTE = "'Small' = under a tenth <b>&amp; [red]not markup[/red]</b>."
CLAIMS = {"claims": [{
    "id": "eu-2024-package-small", "claim": "The EU's 2024 AI package was small.",
    "note": NOTE, "sources": ["l_eu_ai_pkg_scl"],
    "checks": [{"computation": "ledger.ratio",
                "args": {"numerator": ["eu_ai_pkg_announced"],
                         "denominator": ["stargate_us_announced"]},
                "max": 0.1, "describe": "EU AI innovation package / Stargate announcement"}]}]}


def cli(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp / 'runs.sqlite'}",
           "COLUMNS": "400"}
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def claims_file(tmp_path_factory) -> Path:
    import yaml

    path = tmp_path_factory.mktemp("h75") / "claims.yaml"
    path.write_text(yaml.safe_dump(CLAIMS, allow_unicode=True))
    return path


# -- 1. the note beside the verdict --------------------------------------------------------

def test_every_check_row_carries_its_claims_note(claims_inputs):
    from moneytrail.analysis.claims import check_claims, load_claims

    frame = check_claims(**claims_inputs, draws=200)
    notes = {c.id: c.note for c in load_claims()}
    assert "note" in frame.columns
    for claim, note in frame.groupby("claim")["note"].first().items():
        assert note == notes[claim]
    rescinded = frame.loc[frame["claim"] == "us-could-restrict-chips-to-eu-members", "note"]
    assert "rescinded on 13 May 2025" in rescinded.iloc[0]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_cli_csv_and_json_have_a_note_column(claims_file, tmp_path, fmt):
    done = cli("claims", "check", str(claims_file), "--draws", "100", "--format", fmt,
               tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    if fmt == "csv":
        frame = pd.read_csv(StringIO(done.stdout), comment="#")
        assert frame["note"].tolist() == [NOTE]
    else:
        table = json.loads(done.stdout)["tables"]["claims"]
        names = [c["name"] for c in table["columns"]]
        assert [dict(zip(names, r, strict=True))["note"] for r in table["rows"]] == [NOTE]


def test_cli_table_shows_the_note_as_written(claims_file, tmp_path):
    done = cli("claims", "check", str(claims_file), "--draws", "100", tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert "note" in text
    # printed as written: rich markup in data is not applied (nor dropped)
    assert "[red]not markup[/red]" in done.stdout.replace("\n", "").replace("│", "") \
        or "[red]not" in text


# -- 3. P(holds) never rounds to 100 % -----------------------------------------------------

@pytest.mark.parametrize(("p", "text"), [(1.0, "100.0 %"), (0.9995, "> 99.9 %"),
                                         (0.9991, "> 99.9 %"), (0.999, "99.9 %"),
                                         (0.5, "50.0 %"), (0.0005, "< 0.1 %"),
                                         (0.0, "0.0 %")])
def test_p_holds_text(p, text):
    from moneytrail.report.units import p_holds_text

    assert p_holds_text(p) == text


@pytest.mark.parametrize(("p", "text"), [(1.0, "1.00"), (0.9995, "> 0.99"), (0.99, "0.99"),
                                         (0.0005, "< 0.01"), (0.0, "0.00")])
def test_a_probability_column_never_reads_1_unless_every_draw_holds(p, text):
    """The terminal's generic tables (a trace's conditions: p_holds) write a probability
    with two decimals."""
    from moneytrail.report.units import in_unit

    assert in_unit(p, "probability") == text


def test_cli_table_p_holds_of_1999_draws_in_2000_is_not_100():
    from rich.console import Console

    from moneytrail.report.terminal import claims_table
    from moneytrail.service.result import Table

    frame = pd.DataFrame([{"claim": "c", "text": "A claim", "check": "a check",
                           "bound": "min 0.5", "bound_text": "at least 50 %",
                           "figure": "60 %", "p_holds": 0.9995,
                           "check_verdict": "supported", "verdict": "supported",
                           "combine": "all", "note": "n", "sources": "s"}])
    console = Console(file=StringIO(), width=300)
    console.print(claims_table(Table.from_frame("claims", frame, title="Claims")))
    out = console.file.getvalue()
    assert "> 99.9 %" in out
    assert "1.00" not in out and "100" not in out


# -- 4. help lists every verdict -----------------------------------------------------------

def test_claims_check_help_lists_every_verdict(tmp_path):
    from moneytrail.analysis.claims import VERDICTS

    done = cli("claims", "check", "--help", tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.replace("│", " ").split())
    for verdict in VERDICTS:
        assert verdict in text, verdict
    assert "conditional" in text


def test_docs_list_every_verdict():
    from moneytrail.analysis.claims import VERDICTS

    results = (ROOT / "docs" / "results.md").read_text()
    row = next(line for line in results.splitlines() if line.startswith("| claims |"))
    for verdict in VERDICTS:
        assert verdict in row, verdict


# -- 2. a claim about one plan -------------------------------------------------------------

def test_about_names_a_plan_the_claims_checks_trace():
    from moneytrail.analysis.claims import ClaimError
    from moneytrail.analysis.claims_schema import parse_claims

    claim = {"id": "x", "claim": "Stargate will ...", "about": "eu-ai-gigafactories",
             "checks": [{"computation": "trace.jobs", "args": {
                 "scenario": "stargate-style-us", "countries": ["US"]}, "min": 1}]}
    with pytest.raises(ClaimError) as caught:
        parse_claims({"claims": [claim]}, "c.yaml")
    assert caught.value.field == "claims.0"
    assert "stargate-style-us" in str(caught.value)
    claim["about"] = "stargate-style-us"
    assert parse_claims({"claims": [claim]}, "c.yaml")[0].about == "stargate-style-us"


def test_only_the_stargate_jobs_claim_is_about_one_plan():
    from moneytrail.analysis.claims import load_claims

    about = {c.id: c.about for c in load_claims() if c.about}
    assert about == {"stargate-over-100000-us-jobs": "stargate-style-us"}


def test_not_about_reason():
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.scenarios.yamlio import read_yaml
    from moneytrail.service.run_claims import debate_claims, not_about_reason

    claims = debate_claims()
    jobs = claims["stargate-over-100000-us-jobs"]
    plans = {p: read_yaml(reference_dir() / f"{p}.yaml") for p in
             ("stargate-style-us", "eu-ai-gigafactories", "efficiency-first-eu")}
    assert not_about_reason(jobs, plans["stargate-style-us"]) == ""
    # an edited copy keeps the id; a plan of the same announced money cites its source
    assert not_about_reason(jobs, {**plans["stargate-style-us"], "buyer_region": "EU"}) == ""
    assert not_about_reason(jobs, {**plans["stargate-style-us"], "id": "my-plan"}) == ""
    reason = not_about_reason(jobs, plans["eu-ai-gigafactories"])
    assert reason.startswith("Not applicable: this claim is about the plan “Stargate-style")
    assert "(eu-ai-gigafactories)" in reason
    # claims about any plan apply to every plan
    for cid in ("public-money-to-nvidia-and-hyperscalers", "public-money-cements-the-status-quo",
                "ai-data-centre-co2-mostly-operational"):
        for plan in plans.values():
            assert not_about_reason(claims[cid], plan) == ""
