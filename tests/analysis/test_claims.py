"""The debate's claims: shipped verdicts, and clear errors for bad claims files."""

import pytest

from moneytrail.analysis.claims import ClaimError, check_claims, load_claims

EXPECTED = {
    "stargate-private-and-far-less-secured": "supported",
    "eu-2024-package-small": "supported",
    "public-money-to-nvidia-and-hyperscalers": "contradicted",
    "nvidia-nearly-all-accelerators": "supported",
    "us-providers-dominate-eu-cloud": "supported",
    "ai-hardware-loses-value-fast": "uncertain",
    "deepseek-competitive-with-far-less-compute": "supported",
    "us-could-restrict-chips-to-eu-members": "supported",
}


@pytest.fixture(scope="module")
def verdicts(data):
    return check_claims(data=data, draws=400)


def test_shipped_claims_verdicts(verdicts):
    assert verdicts.groupby("claim")["verdict"].first().to_dict() == EXPECTED
    assert (verdicts["sources"].str.len() > 0).all()


def test_claim_figures(verdicts):
    by = verdicts.set_index("check")
    ratio = by.loc["EU AI innovation package / Stargate announcement", "p50"]
    assert ratio == pytest.approx(4e9 / (500e9 / 1.12998), rel=1e-6)   # USD at the 2025 rate
    assert by.loc["EU members under caps on 2025-03-01", "p50"] == 17
    assert by.loc["DeepSeek-V3 compute / Llama 3.1 405B compute", "p50"] == pytest.approx(
        3.41e24 / 3.8e25)


def write(tmp_path, text):
    path = tmp_path / "claims.yaml"
    path.write_text(text)
    return path


def test_unknown_computation_names_file_and_field(tmp_path):
    path = write(tmp_path, "claims:\n  - id: x\n    claim: y\n    checks:\n"
                           "      - {computation: ledger.magic, max: 1}\n")
    with pytest.raises(ClaimError) as exc:
        load_claims(path)
    assert str(path) in str(exc.value) and "claims.0.checks.0.computation" in str(exc.value)


@pytest.mark.parametrize("body, field", [
    ("claims:\n  - {id: x, claim: y, checks: [{computation: market.share}]}\n",
     "claims.0.checks.0"),
    ("claims:\n  - {id: x, claim: y, checks: [], colour: 1}\n", "claims.0"),
])
def test_malformed_claims(tmp_path, body, field):
    with pytest.raises(ClaimError) as exc:
        load_claims(write(tmp_path, body))
    assert field in str(exc.value)


def test_unknown_argument_value_is_named(tmp_path, data):
    path = write(tmp_path, "claims:\n  - id: x\n    claim: y\n    checks:\n"
                           "      - {computation: ledger.ratio, args: {numerator: [nope], "
                           "denominator: [eu_ai_pkg_announced]}, max: 1}\n")
    with pytest.raises(ClaimError) as exc:
        check_claims(path=path, data=data, draws=10)
    assert "unknown ledger claim ref" in str(exc.value) and "'nope'" in str(exc.value)
