"""The debate's claims: shipped verdicts, and clear errors for bad claims files."""

import pytest

from moneytrail.analysis.claims import (
    ClaimError,
    check_claims,
    check_verdict,
    claim_verdict,
    load_claims,
)

EXPECTED = {
    "stargate-private-and-far-less-secured": "supported",
    "eu-2024-package-small": "supported",
    # two ways to spend the money, answered case by case (issue 15): chips no, cloud yes
    "public-money-to-nvidia-and-hyperscalers": "conditional",
    "nvidia-nearly-all-accelerators": "supported",
    "us-providers-dominate-eu-cloud": "supported",
    "ai-hardware-loses-value-fast": "uncertain",
    "deepseek-competitive-with-far-less-compute": "supported",
    # no member capped: the rule was rescinded before its caps bound (as the scorecard counts)
    "us-could-restrict-chips-to-eu-members": "supported",
    "public-money-pays-incumbents-high-prices": "supported",
    "public-money-cements-the-status-quo": "supported",
    # jobs at one time, not FTE-years: supported if the USD 100 bn is spent at the
    # announcement's pace, 0.8 years (200,264 FTE), contradicted if only it is spent, over the
    # programme's four years (40,053 FTE)
    "stargate-over-100000-us-jobs": "conditional",
    "ai-data-centre-co2-mostly-operational": "supported",
}


@pytest.fixture(scope="module")
def verdicts(claims_inputs):
    return check_claims(**claims_inputs, draws=400)


def test_shipped_claims_verdicts(verdicts):
    assert verdicts.groupby("claim")["verdict"].first().to_dict() == EXPECTED
    assert (verdicts["sources"].str.len() > 0).all()


def test_claim_figures(verdicts):
    by = verdicts.set_index("check")
    ratio = by.loc["EU AI innovation package / Stargate announcement", "p50"]
    # both at 2025 prices: the EUR 4 bn of 2024 deflated by the HICP (126.07 -> 128.75), the
    # USD 500 bn of 2025 at the 2025 rate (as `moneytrail ledger reality --price-year 2025`)
    assert ratio == pytest.approx(4e9 * 128.75 / 126.07 / (500e9 / 1.12998), rel=1e-6)
    assert by.loc["EU AI innovation package / Stargate announcement", "figure"] == \
        "EUR 4.1 bn / EUR 442.5 bn (2025 prices) = 0.9 %"
    assert by.loc["EU members placed under US export caps by a rule in force on 2025-03-01 "
                  "(binding or not)", "p50"] == 17
    assert by.loc["DeepSeek-V3 compute / Llama 3.1 405B compute", "p50"] == pytest.approx(
        3.41e24 / 3.8e25)


def test_each_check_keeps_its_own_verdict_and_a_conditional_claim_says_when(verdicts):
    rows = verdicts[verdicts["claim"] == "public-money-to-nvidia-and-hyperscalers"]
    own = dict(zip(rows["when"], rows["check_verdict"], strict=True))
    assert own == {"the money builds sites (buys chips)": "contradicted",
                   "the money rents cloud compute": "supported"}
    assert set(rows["combine"]) == {"conditional"}
    assert rows["verdict_text"].iloc[0] == ("contradicted if the money builds sites (buys "
                                            "chips); supported if the money rents cloud compute")
    # a check's verdict follows its own P(holds), never the claim's
    for _, row in verdicts.iterrows():
        assert row["check_verdict"] == check_verdict(row["p_holds"])


def test_the_jobs_claim_compares_jobs_at_one_time_with_a_count_of_jobs(verdicts):
    """A tester found 161,093 US FTE-years (a multi-year build's work) compared with 100,000
    jobs. The check now divides FTE-years by the years of spending, case by case: the
    announcement's pace (sourced) and a labelled slow case, never a default period."""
    rows = verdicts[verdicts["claim"] == "stargate-over-100000-us-jobs"].set_index("when")
    pace = rows.loc["the USD 100 bn is spent at the announcement's pace (USD 500 bn over four "
                    "years: USD 125 bn a year, so 0.8 years)"]
    slow = rows.loc["only the USD 100 bn is spent, over the programme's four years "
                    "(assumption: the rest of the pledge does not come)"]
    assert slow["p50"] == pytest.approx(pace["p50"] * 0.8 / 4)   # the same draws
    assert 100_000 < pace["p50"] < 300_000 and slow["p50"] < 100_000
    assert (pace["check_verdict"], slow["check_verdict"]) == ("supported", "contradicted")
    assert "FTE at one time" in slow["figure"] and "/ 4 years of spending" in slow["figure"]
    assert "/ 0.8 years of spending" in pace["figure"]
    assert "a_stargate_openai_2025_01" in pace["sources"]
    assert "a_assumption_stargate_tranche_four_years" in slow["sources"]
    assert "a_assumption_stargate_tranche_four_years" not in pace["sources"]
    assert slow["verdict_text"].startswith("supported if the USD 100 bn is spent at the "
                                           "announcement's pace")


def test_a_jobs_check_over_the_whole_budget_says_fte_years(tmp_path, claims_inputs):
    """`per: total` (the default) gives FTE-years (jobs x years), not FTE: its figure, bound
    and unit say so."""
    path = one_check(tmp_path, "{computation: trace.jobs, args: {scenario: stargate-style-us, "
                               "countries: [US], part: temporary}, min: 100000}")
    row = check_claims(path=path, **claims_inputs, draws=200).iloc[0]
    assert row["bound_text"] == "at least 100,000 FTE-years" and row["unit"] == "FTE-years"
    assert " FTE-years (temporary: jobs x years over the whole budget) in US" in row["figure"]
    assert " FTE (" not in row["figure"]


@pytest.mark.parametrize("args, message", [
    ("part: all, per: year", "applies to part: temporary only"),
    ("part: temporary, spend_years: 4", "spend_years applies with per: year only"),
])
def test_jobs_per_year_needs_temporary_work(tmp_path, args, message):
    path = one_check(tmp_path, "{computation: trace.jobs, args: {scenario: stargate-style-us, "
                               f"countries: [US], {args}}}, min: 1}}")
    with pytest.raises(ClaimError, match=message) as exc:
        load_claims(path)
    assert exc.value.field == "claims.0.checks.0.args" and "\n" not in str(exc.value)


def test_market_power_claims_state_their_bound_and_sources(verdicts):
    rent = verdicts[verdicts["claim"] == "public-money-pays-incumbents-high-prices"]
    assert set(rent["bound"]) == {"min 0.08"}
    assert rent["sources"].str.contains("a_deu_market_power_2020").all()
    assert rent["sources"].str.contains("cost_of_capital|k_damodaran", regex=True).all()
    assert ((rent["p5"] > 0) & (rent["p95"] < 1)).all()
    status = verdicts[verdicts["claim"] == "public-money-cements-the-status-quo"]
    assert status["sources"].str.contains("a_akzo_c62_86").all()
    assert (status["p50"] > 0.5).all()


@pytest.mark.parametrize("verdicts_, combine, expected", [
    (["supported", "contradicted"], "all", "contradicted"),
    (["supported", "uncertain"], "all", "uncertain"),
    (["supported", "contradicted"], "any", "supported"),
    (["contradicted", "contradicted"], "any", "contradicted"),
    (["uncertain", "contradicted"], "any", "uncertain"),
    (["supported", "contradicted"], "conditional", "conditional"),
    (["supported", "supported"], "conditional", "supported"),
])
def test_combining_rules(verdicts_, combine, expected):
    assert claim_verdict(verdicts_, combine) == expected


def test_a_conditional_claim_needs_each_case_named(tmp_path):
    path = write(tmp_path, "claims:\n  - id: x\n    claim: y\n    combine: conditional\n"
                           "    checks:\n      - {computation: lifecycle.value_remaining, "
                           "args: {years: 3}, max: 0.5}\n")
    with pytest.raises(ClaimError, match="names the case of every check"):
        load_claims(path)


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


def test_unknown_argument_value_is_named(tmp_path, claims_inputs):
    path = write(tmp_path, "claims:\n  - id: x\n    claim: y\n    checks:\n"
                           "      - {computation: ledger.ratio, args: {numerator: [nope], "
                           "denominator: [eu_ai_pkg_announced]}, max: 1}\n")
    with pytest.raises(ClaimError) as exc:
        check_claims(path=path, **claims_inputs, draws=10)
    assert "unknown ledger claim ref" in str(exc.value) and "'nope'" in str(exc.value)


# -- every computation's arguments are validated, against the schema and against the data ------

def one_check(tmp_path, check: str):
    return write(tmp_path, f"claims:\n  - id: x\n    claim: y\n    checks:\n      - {check}\n")


BAD_CHECKS = [
    # typos and types: refused by the computation's own argument model
    ("{computation: trace.share, args: {scenario: eu-ai-gigafactories, group: [us_big_tech]}, "
     "min: 0.5}", "claims.0.checks.0.args.group", None),
    ("{computation: ledger.ratio, args: {numerator: stargate_us_announced, "
     "denominator: [stargate_us_announced]}, max: 0.5}", "claims.0.checks.0.args.numerator",
     "stargate_us_announced"),
    ("{computation: market.share, args: {category: accelerators, buyer_region: EU, year: 2025, "
     "suppliers: nvidia}, min: 0.5}", "claims.0.checks.0.args.suppliers", "nvidia"),
    ("{computation: market.share, args: {category: accelerators, buyer_region: EU, year: x, "
     "suppliers: [nvidia]}, min: 0.5}", "claims.0.checks.0.args.year", "x"),
    ("{computation: lifecycle.value_remaining, args: {years: abc}, max: 0.5}",
     "claims.0.checks.0.args.years", "abc"),
    ("{computation: lifecycle.value_remaining, args: {years: -3}, max: 0.5}",
     "claims.0.checks.0.args.years", -3),
    ("{computation: lifecycle.value_remaining, args: {years: 3}, max: .nan}",
     "claims.0.checks.0.max", None),
    ("{computation: lifecycle.value_remaining, args: {years: 3}, min: -.inf}",
     "claims.0.checks.0.min", None),
    ("{computation: lifecycle.value_remaining, args: {years: 3}, max: '0.5'}",
     "claims.0.checks.0.max", "0.5"),
    ("{computation: export.members_exposed, args: {date: '2025-02-x'}, max: 5}",
     "claims.0.checks.0.args.date", "2025-02-x"),
    ("{computation: market.share, args: {category: accelerators, buyer_region: EU, year: 2025, "
     "suppliers: [nvidia], owner_country: US}, min: 0.5}", "claims.0.checks.0.args", None),
    ("{computation: trace.share, args: {scenario: eu-ai-gigafactories}, min: 0.5}",
     "claims.0.checks.0.args", None),
    # names the data lack: refused when the check runs, before any tracing
    ("{computation: trace.share, args: {scenario: eu-ai-gigafactories, groups: [nope]}, "
     "min: 0.5}", "claims.0.checks.0.args.groups.0", "nope"),
    ("{computation: trace.share, args: {scenario: eu-ai-gigafactories, entities: [nvidia, nope]},"
     " min: 0.5}", "claims.0.checks.0.args.entities.1", "nope"),
    ("{computation: trace.share, args: {scenario: nowhere, groups: [us_big_tech]}, min: 0.5}",
     "claims.0.checks.0.args.scenario", "nowhere"),
    ("{computation: market.share, args: {category: chips, buyer_region: EU, year: 2025, "
     "suppliers: [nvidia]}, min: 0.5}", "claims.0.checks.0.args.category", "chips"),
    ("{computation: market.share, args: {category: accelerators, buyer_region: Mars, "
     "year: 2025, suppliers: [nvidia]}, min: 0.5}", "claims.0.checks.0.args.buyer_region", "Mars"),
    ("{computation: market.share, args: {category: accelerators, buyer_region: EU, year: 1999, "
     "suppliers: [nvidia]}, min: 0.5}", "claims.0.checks.0.args.year", 1999),
    ("{computation: market.share, args: {category: cloud_compute, buyer_region: EU, year: 2024, "
     "owner_country: USA}, min: 0.5}", "claims.0.checks.0.args.owner_country", "USA"),
    ("{computation: ledger.deal_sector, args: {deal: l_stargate_us_2025_01, sector: privat}, "
     "min: 1}", "claims.0.checks.0.args.sector", "privat"),
    ("{computation: efficiency.compute_ratio, args: {model: gpt5, comparator: llama31_405b}, "
     "max: 1}", "claims.0.checks.0.args.model", "gpt5"),
]


@pytest.mark.parametrize("check, field, value", BAD_CHECKS)
def test_bad_arguments_name_file_field_and_value(tmp_path, claims_inputs, check, field,
                                                  value):
    path = one_check(tmp_path, check)
    with pytest.raises(ClaimError) as exc:
        check_claims(path=path, **claims_inputs, draws=10)
    assert exc.value.file == str(path) and exc.value.field == field
    if value is not None:
        assert exc.value.value == value
    assert "\n" not in str(exc.value)


def test_an_argument_typo_is_an_error_at_load_time(tmp_path):
    path = one_check(tmp_path, "{computation: trace.share, args: {scenario: eu-ai-gigafactories,"
                               " group: [us_big_tech]}, min: 0.5}")
    with pytest.raises(ClaimError, match="unknown argument of trace.share.*groups"):
        load_claims(path)


def test_dates_are_accepted_quoted_or_not(tmp_path, claims_inputs):
    for date in ("2025-03-01", "'2025-03-01'"):
        path = one_check(tmp_path, f"{{computation: export.members_exposed, args: "
                                   f"{{date: {date}}}, min: 1}}")
        row = check_claims(path=path, **claims_inputs, draws=10).iloc[0]
        # read as the date it is: the rule published on it would have capped 17 members
        assert row["p50"] == 0 and "capped on 2025-03-01" in row["figure"]
        assert "would have capped 17 of 27" in row["figure"]


def test_an_impossible_date_in_yaml_is_a_one_line_error(tmp_path):
    path = one_check(tmp_path, "{computation: export.members_exposed, args: {date: 2025-02-30},"
                               " max: 5}")
    with pytest.raises(ClaimError) as exc:
        load_claims(path)
    assert exc.value.file == str(path) and "day is out of range" in str(exc.value)


def test_an_empty_claims_file_is_a_clear_error(tmp_path):
    with pytest.raises(ClaimError, match="mapping with a 'claims' list"):
        load_claims(write(tmp_path, ""))


# -- random streams ---------------------------------------------------------------------------

def test_numerator_and_denominator_draw_independently(tmp_path, claims_inputs):
    path = one_check(tmp_path, "{computation: ledger.ratio, args: {numerator: "
                               "[fr_uae_campus_announced], denominator: [fr_uae_campus_announced]},"
                               " max: 1}")
    row = check_claims(path=path, **claims_inputs, draws=400).iloc[0]
    assert row["p5"] < 0.95 and row["p95"] > 1.05     # the same claim over itself is not 1


def test_streams_differ_by_check_and_do_not_collide_across_seeds(data):
    from moneytrail.analysis.claims_computations import Context

    def first(seed, *key, side=0, item=0):
        return Context(data, None, 10, seed).at(*key).stream(side, item).draw(
            lambda rng, size: rng.random(size), 1)[0]

    draws = {first(1, 0, 0), first(1, 0, 1), first(1, 1, 0), first(1, 0, 0, side=1),
             first(1, 0, 0, item=1), first(2, 0, 0), first(1, 0, 0, item=100),
             first(101, 0, 0)}
    assert len(draws) == 8


def test_a_check_lists_its_own_sources_in_its_row_only(tmp_path, claims_inputs):
    """Data 2.4.1: a check may cite sources of its own (the labelled assumption of one case);
    its row lists them after the claim's, the other checks' rows do not."""
    path = write(tmp_path, "claims:\n  - id: x\n    claim: y\n    sources: [a_lca_hesso_servers]\n"
                           "    checks:\n"
                           "      - {computation: lifecycle.value_remaining, args: {years: 3}, "
                           "max: 0.5, sources: [a_assumption_stargate_tranche_four_years]}\n"
                           "      - {computation: lifecycle.value_remaining, args: {years: 4}, "
                           "max: 0.5}\n")
    rows = check_claims(path=path, **claims_inputs, draws=10)
    first, second = (str(s).split("; ") for s in rows["sources"])
    assert first[:2] == ["a_lca_hesso_servers", "a_assumption_stargate_tranche_four_years"]
    assert "a_lca_hesso_servers" in second
    assert "a_assumption_stargate_tranche_four_years" not in second


def test_an_unknown_check_source_names_its_field(tmp_path, claims_inputs):
    path = write(tmp_path, "claims:\n  - id: x\n    claim: y\n    checks:\n"
                           "      - {computation: lifecycle.value_remaining, args: {years: 3}, "
                           "max: 0.5}\n"
                           "      - {computation: lifecycle.value_remaining, args: {years: 3}, "
                           "max: 0.5, sources: [a_nope]}\n")
    with pytest.raises(ClaimError) as exc:
        check_claims(path=path, **claims_inputs, draws=10)
    assert exc.value.field == "claims.0.checks.1.sources.0" and "'a_nope'" in str(exc.value)


def test_the_co2_claim_describes_its_one_check_as_computed(verdicts):
    """Two checks gave the same 25.3 %: one said 'firms without an intensity left out: a
    lower bound', the other 'at the covered firms' mean (assumption)', while each figure said
    every firm the money reaches has an intensity (finding h55.3)."""
    rows = verdicts[verdicts["claim"] == "ai-data-centre-co2-mostly-operational"]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert "every firm the money reaches has an intensity" in row["figure"]
    assert "lower bound" not in row["check"] and "covered firms' mean" not in row["check"]
    claim = next(c for c in load_claims() if c.id == row["claim"])
    assert "the first check is a lower bound" not in claim.note
    assert "covered firms' mean" not in claim.note
    assert "labelled assumptions" in claim.checks[0].describe


def numerator_refs(args) -> list[str]:
    """A ledger.ratio numerator's claim refs: as given, or those the ledger counts for the
    deal and stage it names (ledger.queries.counted_refs)."""
    if args.numerator is not None:
        return list(args.numerator)
    from moneytrail.analysis.claims import ledger_from_package
    from moneytrail.data.package import open_package
    from moneytrail.ledger import queries
    from moneytrail.service.workspace import Workspace

    tables = ledger_from_package(open_package())
    with Workspace.open() as ws:
        money = ws.analysis.money
    return queries.counted_refs({"deal": tables.deals, "claim": tables.claims}, money,
                                args.numerator_of.deal, args.numerator_of.stage)


def test_ledger_ratio_checks_call_each_stage_by_its_name():
    """A fact-checker's finding: the Stargate claim's 'far less was secured' rested on
    'reported equity commitments', while the ledger records those claims as announced (plans
    to commit). Every ledger.ratio check that says 'committed' divides committed or spent
    claims only, and one that divides announced claims never calls them commitments or
    secured money."""
    import csv
    from pathlib import Path

    import moneytrail

    path = Path(moneytrail.__file__).parent / "data" / "package" / "ledger" / "claims.csv"
    with path.open(encoding="utf-8") as handle:
        stage = {row["ref"]: row["stage"] for row in csv.DictReader(handle)}
    seen = 0
    for claim in load_claims():
        for check in claim.checks:
            if check.computation != "ledger.ratio":
                continue
            stages = {stage[c] for c in numerator_refs(check.args)}
            describe = (check.describe or "").lower()
            if "committed" in describe:
                assert stages <= {"committed", "spent"}, (claim.id, describe, stages)
            if "announced" in stages:        # plans, not money committed or secured
                numerator = describe.split(" / ")[0]
                assert not any(word in numerator.replace("not secured", "") for word in
                               ("commitment", "committed", "secured")), (claim.id, describe)
            seen += 1
    assert seen >= 3
    stargate = next(c for c in load_claims() if c.id == "stargate-private-and-far-less-secured")
    committed = [c for c in stargate.checks if c.computation == "ledger.ratio"
                 and {stage[i] for i in numerator_refs(c.args)} <= {"committed", "spent"}]
    assert committed, "the 'secured' claim needs a check on money recorded as committed"
