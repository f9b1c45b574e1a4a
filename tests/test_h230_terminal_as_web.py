"""Testers' findings (h230): the terminal says what the web says, and two inputs are refused.

1. A breakdown row (the headline's 'US hyperscalers' in `moneytrail demo`) printed the median
   share beside the mean amount (0.370 % of EUR 20 bn as EUR 75.43 m), where the web run
   page shows the median amount (EUR 74.06 m): the terminal now prints the median amount.
2. A claim's combining rule read '(case by case)' in the terminal and '(answered case by
   case)' on the web; the terminal's weight line of a conditional claim lacked the web's
   'the claim's is the largest'. Both now come from analysis.verdicts.
3. `moneytrail -V trace` printed the version and silently dropped the command.
4. `moneytrail.trace(plan, draws="100")` took text for a number of draws.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from rich.console import Console

import moneytrail as mt
from cli_runs import ROOT, words
from moneytrail.errors import MoneytrailError
from moneytrail.report.terminal import rich_table
from moneytrail.report.units import money
from moneytrail.service.result import Table
from packages import miller_blair_plan


def rendered(table: Table) -> str:
    console = Console(record=True, width=300)
    console.print(rich_table(table))
    return words(console.export_text())


# -- 1. the amount beside a median share is the median amount --------------------------------

def headline_table() -> Table:
    """A headline row whose mean and median amounts differ (a skewed row, as US hyperscalers
    in the gigafactories' headline: median share 0.370 % of EUR 20 bn)."""
    frame = pd.DataFrame({"share_mean": [0.00377], "share_p5": [0.00269],
                          "share_p50": [0.003703], "share_p95": [0.00508],
                          "amount_mean": [75.43e6], "amount_p5": [53.8e6],
                          "amount_p50": [74.06e6], "amount_p95": [101.6e6]},
                         index=pd.Index(["us_big_tech"], name="headline"))
    return Table.from_frame("headline", frame, currency="EUR")


def test_a_breakdown_prints_the_median_amount_beside_the_median_share():
    text = rendered(headline_table())
    assert money(74.06e6, "EUR") == "EUR 74.06 m"
    assert "0.370 % 0.269–0.508 % EUR 74.06 m" in text      # share, interval, amount
    assert "EUR 75.43 m" not in text                          # the mean is not printed
    assert "amount (median)" in text and "amount (mean)" not in text


def test_a_breakdown_without_a_median_amount_says_it_prints_the_mean():
    table = headline_table()
    kept = [k for k, c in enumerate(table.columns) if c.name != "amount_p50"]
    bare = Table(name=table.name, title=table.title, index=table.index,
                 columns=tuple(table.columns[k] for k in kept),
                 rows=tuple(tuple(row[k] for k in kept) for row in table.rows))
    text = rendered(bare)
    assert "EUR 75.43 m" in text and "amount (mean)" in text


# -- 2. a claim's rule and weight line in the web's words ------------------------------------

def claims_table(verdict: str, combine: str, verdict_text: str,
                 checks: list[tuple[str, str, float]]) -> Table:
    """A claims table of one claim with `checks` (check verdict, case, weight p50)."""
    rows = [{"claim": "c1", "text": "A claim.", "verdict": verdict, "combine": combine,
             "verdict_text": verdict_text, "check": f"check {k}", "bound": "min 0.5",
             "bound_text": "at least 50 %", "figure": "a figure", "p_holds": 0.95,
             "check_verdict": own, "case": case, "when": "",
             "assumption_or_weak_p50": weight, "assumption_or_weak_p5": weight,
             "assumption_or_weak_p95": weight, "claim_assumption_or_weak_p50": 0.62,
             "claim_assumption_or_weak_p5": 0.57, "claim_assumption_or_weak_p95": 0.68,
             "sources": "s1"} for k, (own, case, weight) in enumerate(checks)]
    return Table.from_frame("claims", pd.DataFrame(rows), title="Claims")


def test_a_claim_answered_case_by_case_says_so_as_the_web_does():
    text = rendered(claims_table("supported", "conditional",
                                 "supported (answered case by case)",
                                 [("supported", "sites", 0.62), ("supported", "cloud", 0.3)]))
    assert "(answered case by case)" in text
    from moneytrail.analysis.verdicts import rule_words

    assert rule_words("supported", "supported (answered case by case)") == \
        "answered case by case"
    # a row stored without verdict_text: the same words from its rule
    assert rule_words("supported", None, "conditional") == "answered case by case"
    assert rule_words("uncertain", float("nan"), "any") == \
        "any one check is enough (alternatives)"


def test_a_conditional_claims_weight_line_says_the_claims_is_the_largest():
    text = rendered(claims_table("conditional", "conditional",
                                 "contradicted if a; supported if b",
                                 [("contradicted", "the gigafactories", 0.15),
                                  ("supported", "cloud rental", 1.0)]))
    assert ("verdict on assumption or weak rows (each case has its own, above: the claim's "
            "is the largest): 62 %") in text
    from moneytrail.analysis.verdicts import CASES_WEIGHT_WORDS

    # a claim that is not conditional has one weight: nothing said about cases
    single = rendered(claims_table("supported", "all", "supported (all checks must hold)",
                                   [("supported", "", 0.62)]))
    assert "verdict on assumption or weak rows:" in single
    assert CASES_WEIGHT_WORDS not in single and "(all checks must hold)" in single


def test_the_web_claims_page_uses_the_same_words():
    from moneytrail.analysis.verdicts import CASES_WEIGHT_WORDS, rule_words
    from moneytrail.web.app import templates

    env = templates()
    assert env.globals["rule_words"] is rule_words
    assert env.globals["cases_weight_words"] == CASES_WEIGHT_WORDS
    source = env.loader.get_source(env, "claims.html")[0]      # type: ignore[union-attr]
    assert "rule_words(claim.verdict, claim.verdict_text)" in source
    assert "{{ cases_weight_words }}" in source


# -- 3. --version takes no command -----------------------------------------------------------

def cli(*args: str) -> subprocess.CompletedProcess:
    code = ("import sys\nfrom moneytrail.cli import main\n"
            f"try:\n    main({list(args)!r})\nexcept SystemExit as exc:\n"
            "    print('exit', exc.code)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'pandas'}))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_followed_by_a_command_is_a_usage_error(flag):
    out = cli(flag, "trace", "reference")
    assert out.stdout.splitlines() == ["exit 2", "[]"], (out.stdout, out.stderr)
    error = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(error) == 1, out.stderr
    assert "--version" in error[0] and "takes no command" in error[0]
    assert "'trace'" in error[0]


def test_version_alone_still_prints_the_version():
    out = cli("-V")
    lines = out.stdout.splitlines()
    assert lines[0].startswith("moneytrail ") and lines[1:] == ["exit 0", "[]"], out.stdout


# -- 4. the Python API refuses text for a number of draws ------------------------------------

@pytest.fixture
def mb_model(mb_package):
    return mt.load_model(2025, path=mb_package)


@pytest.mark.parametrize("draws", ["100", "1_000"])
def test_trace_refuses_text_for_draws(mb_model, draws):
    plan = mt.parse_scenario(miller_blair_plan())
    with pytest.raises(MoneytrailError) as caught:
        mt.trace(plan, mb_model, draws=draws)
    message = str(caught.value)
    assert "\n" not in message
    assert caught.value.field == "draws" and caught.value.value == draws
    assert f"value {draws!r}" in message and "text" in message


def test_trace_still_takes_a_whole_number_of_draws(mb_model):
    plan = mt.parse_scenario(miller_blair_plan())
    assert mt.trace(plan, mb_model, draws=100).info["draws"] == 100
    with pytest.raises(MoneytrailError, match="draws must be a whole number"):
        mt.trace(plan, mb_model, draws=100.0)
