"""The terminal says a conditional claim's verdict case by case, as the web badge and the
`verdict_summary` column do (analysis.verdicts.verdict_summary, one wording): `moneytrail
claims check` and `moneytrail show <claims run id>` printed only "conditional — on weak
evidence", the claim's weight (the largest of its cases') hung on every case, and never
which case the check contradicts and which it supports."""

from __future__ import annotations

import json

import pytest

from cli_runs import CliStore, records, words

NVIDIA = "public-money-to-nvidia-and-hyperscalers"      # contradicted for one case, not the other
DRAWS = "200"


@pytest.fixture(scope="module")
def checked(cli_store: CliStore) -> dict:
    """The shipped claims checked once (200 draws, seed 1): the JSON's rows and run id, and
    the table as `claims check` and `show <run id>` print it (both read the stored run)."""
    done = cli_store.cli("claims", "check", "--draws", DRAWS, "--format", "json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    table = cli_store.cli("claims", "check", "--draws", DRAWS)
    assert table.returncode == 0, table.stderr
    shown = cli_store.cli("show", payload["run_id"])
    assert shown.returncode == 0, shown.stderr
    return {"rows": records(payload, "claims"), "check": words(table.stdout),
            "show": words(shown.stdout), "lines": table.stdout.splitlines()}


@pytest.mark.parametrize("command", ["check", "show"])
def test_the_table_names_each_case_with_its_own_verdict(checked, command):
    text = checked[command]
    first = {r["claim"]: r for r in checked["rows"]}
    nvidia = first[NVIDIA]
    assert nvidia["verdict"] == "conditional"
    # the cases by name, each with its own verdict and weight (15 % and 100 % weak rows)
    assert "conditional: for the gigafactories, contradicted (" in text
    assert "for cloud rental, supported \u2014 on weak evidence (100 % weak)" in text
    # the same words as the web badge and the CSV/JSON column, for every conditional claim
    conditional = [r for r in first.values() if r["verdict"] == "conditional"]
    assert len(conditional) >= 2
    for row in conditional:
        assert row["verdict_summary"].startswith("conditional: for ")
        assert row["verdict_summary"] in text, row["claim"]
    # the claim's weight no longer hangs one case's weakness on all of them
    assert "conditional \u2014 on weak evidence" not in text


def test_the_key_names_the_case_verdicts_shown_on_weak_evidence(checked):
    """The key under the table names the verdicts said on weak evidence: a case's, not the
    conditional claim's (no longer said so)."""
    key = [line for line in checked["lines"]
           if "at least half of the figure behind the verdict" in line]
    assert len(key) == 1
    named = key[0].split(": ", 1)[0]
    assert "supported \u2014 on weak evidence" in named
    assert "conditional" not in named
