"""A fresh tester's findings on error wording: messages name what the user gave (a bare share
is not a `low`), say the real limit of a plan id, describe id rules in words (never a regex),
explain YAML's NO -> false, name the scenario file (not the data package) for a year without
data, and say when a path does not exist."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import moneytrail as mt
from moneytrail.analysis.claims_schema import ClaimError, load_claims
from moneytrail.data.package import open_package
from moneytrail.errors import DataPackageError, ScenarioError

GOOD = """\
id: plan
title: Test plan
year: 2025
currency: EUR
budget: {amount: 1000}
spend:
  accelerators: 0.4
  staff: 0.6
procurement:
  accelerators: {nvidia: 0.7, amd: 0.3}
draws: 50
"""


def write(tmp_path, text, name="plan.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def refused(tmp_path, text) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        mt.load_scenario(write(tmp_path, text))
    return info.value


@pytest.mark.parametrize(("change", "field"), [
    (("draws: 50", "draws: 50\nrenewable_share: 2"), "renewable_share"),
    (("nvidia: 0.7", "nvidia: 2"), "procurement.accelerators.nvidia"),
    (("staff: 0.6", "staff: -3"), "spend.staff"),
])
def test_a_bare_share_out_of_range_is_named_as_given(tmp_path, change, field):
    error = refused(tmp_path, GOOD.replace(*change))
    assert error.field == field
    given = change[1].rsplit(": ", 1)[1]
    assert error.detail == f"must be a share between 0 and 1, got {given}"
    assert "low" not in str(error)


def test_a_range_still_names_its_bad_part(tmp_path):
    error = refused(tmp_path, GOOD.replace("staff: 0.6", "staff: {low: 0.5, central: 0.6, "
                                           "high: 1.5}"))
    assert (error.field, error.detail) == ("spend.staff.high",
                                           "high must be a share between 0 and 1, got 1.5")


@pytest.mark.parametrize("key", ["buyer_region", "site_country"])
def test_yaml_no_read_as_false_says_to_quote_it(tmp_path, key):
    error = refused(tmp_path, GOOD + f"{key}: NO\n")
    assert error.field == key
    assert "read the value as true/false" in error.detail
    assert f"{key}: 'NO'" in error.detail
    assert "Input should be a valid string" not in str(error)


def test_a_quoted_no_is_checked_as_text(tmp_path):
    error = refused(tmp_path, GOOD + "buyer_region: 'NO'\n")
    assert error.detail == "buyer_region must be EU or US, got 'NO'"


def test_currency_pattern_in_words(tmp_path):
    error = refused(tmp_path, GOOD.replace("currency: EUR", "currency: euro"))
    assert error.field == "currency" and "three capital letters" in error.detail
    assert "pattern" not in error.detail and "^" not in error.detail


def test_a_bad_claim_id_says_which_characters_are_allowed(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(textwrap.dedent("""\
        claims:
          - id: "my claim!"
            claim: Something
            checks:
              - computation: value_added_share
                args: {plan: eu-ai-gigafactories, group: EU}
                expect: {max: 0.5}
        """), encoding="utf-8")
    with pytest.raises(ClaimError) as info:
        load_claims(path)
    assert info.value.field == "claims.0.id"
    assert "letters, digits, dashes" in info.value.detail
    assert "pattern" not in info.value.detail and "[A-Za-z" not in info.value.detail


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "moneytrail", *map(str, args)],
                          capture_output=True, text=True, timeout=600)


def test_a_year_without_data_names_the_scenario_file_and_the_years(tmp_path):
    path = write(tmp_path, GOOD.replace("year: 2025", "year: 1995") + "buyer_region: EU\n")
    result = run_cli("validate", path)
    assert result.returncode == 2, result.stderr
    line = " ".join(result.stderr.split())
    assert f"{path}, field 'year', value 1995" in line
    assert "data/package" not in line
    assert "2024, 2025" in line


def test_validate_a_missing_path_says_it_does_not_exist(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(DataPackageError, match="this path does not exist"):
        open_package(missing)
    result = run_cli("validate", missing)
    assert result.returncode == 2
    assert "this path does not exist" in " ".join(result.stderr.split())


def test_an_unknown_category_is_named_before_the_shares_sum(tmp_path):
    """`spend.unicorns: 0.1` beside shares adding up to 1.1 said only "spend shares (central)
    add up to 1.1, not 1": the unknown name comes first, the sum after it."""
    error = refused(tmp_path, GOOD.replace("staff: 0.6", "staff: 0.6\n  unicorns: 0.1"))
    assert (error.field, error.value) == ("spend.unicorns", "unicorns")
    assert error.detail.startswith("unknown spending category (known in the bundled data: ")
    assert "accelerators" in error.detail and error.detail.endswith("add up to 1.1, not 1")
    bad = GOOD.replace("draws: 50", "").replace("procurement:\n  accelerators",
                                                "procurement:\n  unicorns")
    error = refused(tmp_path, bad.replace("staff: 0.6", "staff: 0.5"))
    assert (error.field, error.value) == ("procurement.unicorns", "unicorns")
    # every name known: the sum alone, as before
    error = refused(tmp_path, GOOD.replace("staff: 0.6", "staff: 0.7"))
    assert (error.field, error.detail) == ("spend", "spend shares (central) add up to 1.1, "
                                                    "not 1")


@pytest.mark.parametrize("share, field, detail", [
    ("{low: 0.3, central: 0.7, high: 0.46}", "spend.accelerators.central",
     "0.7 is above its high 0.46"),
    ("{low: 0.5, central: 0.4, high: 0.46}", "spend.accelerators.low",
     "0.5 is above its central 0.4")])
def test_a_share_out_of_order_names_the_pair(tmp_path, share, field, detail):
    """A central 0.7 above its high 0.46 was blamed on `spend.accelerators.high` ("must
    satisfy low <= central <= high"): the part above its neighbour is named, with both."""
    error = refused(tmp_path, GOOD.replace("accelerators: 0.4", f"accelerators: {share}"))
    assert error.field == field
    assert error.detail.startswith(f"{detail}: must satisfy low <= central <= high, got ")
