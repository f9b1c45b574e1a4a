"""`moneytrail claims check` tells a verdict on weak evidence apart, as the web pages and the
briefing do ("supported — on weak evidence", analysis.verdicts.weak_basis): the terminal table
shows that label and, only when such a verdict is shown, a one-line key under the table; CSV
and JSON keep `verdict` as computed and add `weak_basis` (true/false) and `verdict_label`. A
claims run stored before its rows had them gets them as it is read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
WEAK = "public-money-pays-incumbents-high-prices"    # supported, 100 % on weak rows (data 2.5.3)
SOUND = "eu-2024-package-small"                      # supported, 0 % on weak rows
LABEL = "supported \u2014 on weak evidence"
KEY = "at least half of the figure behind the verdict"


def cli(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{store}", "COLUMNS": "400"}
    return subprocess.run([sys.executable, "-m", "moneytrail", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, str]:
    """The shipped claims checked once (2,000 draws, seed 1), printed in every format (the
    second and third read the stored run)."""
    store = tmp_path_factory.mktemp("weak-basis") / "runs.sqlite"
    out = {}
    for fmt in ("json", "csv", "table"):
        done = cli(store, "claims", "check", "--format", fmt)
        assert done.returncode == 0, done.stderr
        out[fmt] = done.stdout
    return out


def first_rows(frame: pd.DataFrame) -> dict[str, dict]:
    """Each claim's first check row, by claim id."""
    return {str(k): row for k, row in
            frame.drop_duplicates("claim").set_index("claim").to_dict("index").items()}


def test_csv_has_weak_basis_and_the_label_beside_the_verdict(outputs):
    from moneytrail.analysis.verdicts import weak_basis

    frame = pd.read_csv(StringIO(outputs["csv"]), comment="#")
    claims = first_rows(frame)
    assert claims[WEAK]["claim_assumption_or_weak_p50"] >= 0.5
    assert claims[WEAK]["verdict"] == "supported"              # machine readable as before
    assert bool(claims[WEAK]["weak_basis"]) is True
    assert claims[WEAK]["verdict_label"] == LABEL
    assert not claims[SOUND]["weak_basis"] and claims[SOUND]["verdict_label"] == "supported"
    # one rule: the column is analysis.verdicts.weak_basis of each row's verdict and weight
    for _, row in frame.iterrows():
        assert bool(row["weak_basis"]) == weak_basis(row["verdict"],
                                                     row["claim_assumption_or_weak_p50"])


def test_json_has_weak_basis_as_a_boolean(outputs):
    table = json.loads(outputs["json"])["tables"]["claims"]
    names = [c["name"] for c in table["columns"]]
    rows = [dict(zip(names, r, strict=True)) for r in table["rows"]]
    weak = next(r for r in rows if r["claim"] == WEAK)
    sound = next(r for r in rows if r["claim"] == SOUND)
    assert weak["verdict"] == "supported" and weak["weak_basis"] is True
    assert weak["verdict_label"] == LABEL
    assert sound["weak_basis"] is False and sound["verdict_label"] == "supported"


def test_table_shows_the_label_and_a_one_line_key(outputs):
    text = outputs["table"]
    assert LABEL in text
    key_lines = [line for line in text.splitlines() if KEY in line]
    assert len(key_lines) == 1 and key_lines[0].startswith(LABEL)
    # the key names the verdicts the table shows on weak evidence, each as shown
    named = key_lines[0].split(": ", 1)[0].split(", ")
    assert all(label.endswith("on weak evidence") and label in text.replace(key_lines[0], "")
               for label in named), named


def test_table_has_no_key_without_a_verdict_on_weak_evidence(tmp_path):
    import yaml

    claims = {"claims": [{
        "id": SOUND, "claim": "The EU's 2024 AI package was small.",
        "sources": ["l_eu_ai_pkg_scl"],
        "checks": [{"computation": "ledger.ratio",
                    "args": {"numerator": ["eu_ai_pkg_announced"],
                             "denominator": ["stargate_us_announced"]},
                    "max": 0.1, "describe": "EU AI innovation package / Stargate"}]}]}
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(claims))
    done = cli(tmp_path / "runs.sqlite", "claims", "check", str(path), "--draws", "200")
    assert done.returncode == 0, done.stderr
    assert "supported" in done.stdout
    assert "on weak evidence" not in done.stdout and KEY not in done.stdout


def test_a_claims_run_stored_before_gets_the_fields_as_it_is_read():
    """A run stored without `weak_basis` (code 0.5.4) is read with it, from its own rows."""
    from moneytrail.service.result import Provenance, Result, Table
    from moneytrail.service.tasks import claims_with_basis

    frame = pd.DataFrame([
        {"claim": "a", "text": "A", "verdict": "supported", "claim_assumption_or_weak_p50": 0.8},
        {"claim": "b", "text": "B", "verdict": "contradicted",
         "claim_assumption_or_weak_p50": 0.1},
        {"claim": "c", "text": "C", "verdict": "uncertain", "claim_assumption_or_weak_p50": 1.0}])
    old = Result(run_id="0" * 32, kind="claims", title="Claims",
                 provenance=Provenance(inputs={}, code_version="0.5.4", data_version="2.5.3",
                                       data_hash="x"),
                 tables={"claims": Table.from_frame("claims", frame, title="Claims")})
    read = claims_with_basis(old).table("claims")
    assert read["weak_basis"].tolist() == [True, False, True]     # the rule for every verdict
    assert read["verdict_label"].tolist() == [LABEL, "contradicted",
                                              "uncertain \u2014 on weak evidence"]
    assert read["verdict"].tolist() == ["supported", "contradicted", "uncertain"]
    assert "weak_basis" not in old.table("claims").columns          # the stored run as it was
