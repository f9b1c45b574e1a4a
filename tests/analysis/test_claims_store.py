"""Claims over the ledger can read a store, so a user's corrections change the verdict."""

import subprocess
import sys

import pytest

import moneytrail.ledger as ledger_api
from moneytrail.analysis.claims import ClaimError, check_claims, ledger_from_store
from moneytrail.service.workspace import Workspace


def verdict(frame, claim):
    return frame.loc[frame["claim"] == claim, "verdict"].iloc[0]


def test_a_corrected_claim_in_the_store_changes_the_verdict(tmp_path, claims_inputs):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with ledger_api.open(url) as store:
        store.edit("claim", "eu_ai_pkg_announced",
                   {"low": 90e9, "central": 100e9, "high": 110e9}, author="test",
                   reason="what-if: a much larger package")
    shipped = check_claims(**claims_inputs, draws=200)
    edited = check_claims(**{**claims_inputs, "ledger": ledger_from_store(url)}, draws=200)
    with Workspace.open(db=url) as ws:
        assert ws.ledger_tables().claims.equals(ledger_from_store(url).claims)
    assert verdict(shipped, "eu-2024-package-small") == "supported"
    assert verdict(edited, "eu-2024-package-small") == "contradicted"


@pytest.mark.parametrize("form", ["{path}", "sqlite:///{path}"])
def test_a_missing_store_is_an_error_not_a_new_store(tmp_path, form):
    path = tmp_path / "typo" / "ledger.db"
    db = form.format(path=path)
    with pytest.raises(ClaimError) as exc:
        ledger_from_store(db)
    assert exc.value.field == "--db" and exc.value.value == db
    assert not path.exists() and not path.parent.exists()


def test_cli_claims_check_refuses_a_mistyped_db(tmp_path):
    path = tmp_path / "typo.db"
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "claims", "check", "--db",
                          str(path)], capture_output=True, text=True)
    assert out.returncode == 2 and "no ledger store" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and not path.exists()
