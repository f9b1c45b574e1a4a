"""Jobs at one time divide FTE-years by a spending period that says where it comes from (a
journalist's finding: the Stargate jobs claim's contradicted case used the plan's five-year
horizon as a default, with no source and no assumption label). A check's own period needs its
sources; a check with no period of its own needs a plan that sets one."""

from __future__ import annotations

import pytest

from moneytrail.analysis.claims import ClaimError, check_claims, load_claims


def write(tmp_path, check: str):
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n  - id: jobs\n    claim: Many jobs.\n    checks:\n"
                    f"      - {check}\n")
    return path


def test_a_period_of_the_check_needs_its_sources(tmp_path):
    path = write(tmp_path, "{computation: trace.jobs, args: {scenario: stargate-style-us, "
                           "countries: [US], part: temporary, per: year, spend_years: 2}, "
                           "min: 1}")
    with pytest.raises(ClaimError, match="spend_years needs the check's sources") as exc:
        load_claims(path)
    assert exc.value.field == "claims.0.checks.0"


def test_no_period_and_none_in_the_plan_is_an_error_not_the_horizon(tmp_path, claims_inputs):
    path = write(tmp_path, "{computation: trace.jobs, args: {scenario: stargate-style-us, "
                           "countries: [US], part: temporary, per: year}, min: 1}")
    with pytest.raises(ClaimError, match="need the years the budget is spent over") as exc:
        check_claims(path=path, **claims_inputs, draws=100)
    assert exc.value.field == "claims.0.checks.0.args.spend_years"


def test_a_sourced_fraction_of_a_year_is_a_period(tmp_path, claims_inputs):
    path = write(tmp_path, "{computation: trace.jobs, args: {scenario: stargate-style-us, "
                           "countries: [US], part: temporary, per: year, spend_years: 0.8}, "
                           "min: 1, sources: [a_stargate_openai_2025_01]}")
    row = check_claims(path=path, **claims_inputs, draws=100).iloc[0]
    assert "/ 0.8 years of spending" in row["figure"]
    assert "a_stargate_openai_2025_01" in row["sources"]


def test_a_readers_check_without_spend_years_spreads_over_the_horizon(tmp_path, claims_inputs):
    """horizon_if_unset (a reader's own check, service.own_claims): the plan's horizon, as the
    run page's jobs at one time, named as the horizon in the figure."""
    path = write(tmp_path, "{computation: trace.jobs, args: {scenario: stargate-style-us, "
                           "countries: [US], part: temporary, per: year, "
                           "horizon_if_unset: true}, min: 1}")
    row = check_claims(path=path, **claims_inputs, draws=100).iloc[0]
    assert "/ 5 years of spending, the plan's horizon" in row["figure"]


def test_a_readers_check_of_a_plan_with_spend_years_uses_them(tmp_path, claims_inputs):
    import yaml

    from moneytrail.scenarios.reference import reference_dir

    plan = yaml.safe_load((reference_dir() / "stargate-style-us.yaml").read_text())
    plan = {**{k: v for k, v in plan.items() if not isinstance(v, str) or "\n" not in v},
            "spend_years": 2}
    check = {"computation": "trace.jobs", "min": 1,
             "args": {"scenario": plan, "countries": ["US"], "part": "temporary",
                      "per": "year", "horizon_if_unset": True}}
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump({"claims": [{"id": "jobs", "claim": "Many jobs.",
                                                "checks": [check]}]}))
    row = check_claims(path=path, **claims_inputs, draws=100).iloc[0]
    assert "/ 2 years of spending, the plan's period" in row["figure"]
