"""Issue 9 (remaining gaps): every usage error of every command is one line naming the command,
the option and the value given, exit code 2 (no usage box)."""

import pytest

from moneytrail.cli import main


def run_main(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


@pytest.mark.parametrize(("args", "expected"), [
    (["trace", "reference", "--draws", "abc"],
     "error: moneytrail trace, field '--draws', value 'abc': invalid option value: expected a "
     "whole number (see 'moneytrail trace --help')"),
    (["trace", "reference", "--draws=1.5"],
     "error: moneytrail trace, field '--draws', value '1.5': invalid option value: expected a "
     "whole number (see 'moneytrail trace --help')"),
    (["trace", "reference", "--seed", "abc"],
     "error: moneytrail trace, field '--seed', value 'abc': invalid option value: expected a "
     "whole number (see 'moneytrail trace --help')"),
    (["ledger", "list", "--year", "x"],
     "error: moneytrail ledger list, field '--year', value 'x': invalid option value: expected a"
     " whole number (see 'moneytrail ledger list --help')"),
    (["serve", "--port", "x"],
     "error: moneytrail serve, field '--port', value 'x': invalid option value: expected a "
     "whole number (see 'moneytrail serve --help')"),
    (["ledger", "revert", "abc"],
     "error: moneytrail ledger revert, field 'REVISION', value 'abc': invalid argument value: "
     "expected a whole number (see 'moneytrail ledger revert --help')"),
    (["ledger", "revert", "-1"],     # click reads '-1' as an option; named as the argument
     "error: moneytrail ledger revert, field 'REVISION', value '-1': invalid argument value: "
     "expected a whole number of 1 or more (see 'moneytrail ledger revert --help')"),
    (["ledger", "revert", "5", "--forse"],
     "error: moneytrail ledger revert, field '--forse': no such option; did you mean --force? "
     "(see 'moneytrail ledger revert --help')"),
    (["claims", "check", "--seed", "1e3"],
     "error: moneytrail claims check, field '--seed', value '1e3': invalid option value: "
     "expected a whole number (see 'moneytrail claims check --help')"),
    (["trace"],
     "error: moneytrail trace, field 'SCENARIO': missing argument (see 'moneytrail trace "
     "--help')"),
    (["trace", "reference", "--draw", "5"],
     "error: moneytrail trace, field '--draw': no such option; did you mean --data or --deal or"
     " --draws? (see 'moneytrail trace --help')"),
    (["ledger", "list", "--bogus"],
     "error: moneytrail ledger list, field '--bogus': no such option (see 'moneytrail ledger "
     "list --help')"),
    (["bogus"], "error: moneytrail: no such command 'bogus' (see 'moneytrail --help')"),
    (["trace", "a", "b"],
     "error: moneytrail trace: got unexpected extra argument(s) (b) (see 'moneytrail trace "
     "--help')"),
])
def test_usage_errors_are_one_line_naming_option_and_value(capsys, args, expected):
    code, out, err = run_main(capsys, *args)
    assert code == 2
    assert err.strip() == expected
    assert err.count("\n") == 1 and "╭" not in err and "Usage:" not in err


def test_markup_in_a_value_is_printed_as_typed(capsys):
    code, _, err = run_main(capsys, "trace", "reference", "--seed", "[red]x[/red]")
    assert code == 2 and "value '[red]x[/red]'" in err


def test_help_and_no_arguments_still_work(capsys):
    code, out, _ = run_main(capsys, "--help")
    assert code == 0 and "trace" in out
    code, out, _ = run_main(capsys)
    assert code == 2 and "trace" in out


@pytest.mark.parametrize("number", ["-1", "0"])
def test_revert_after_double_dash_says_revisions_start_at_1(capsys, number):
    code, _, err = run_main(capsys, "ledger", "revert", "--", number)
    assert code == 4
    assert err.strip() == (f"error: field 'revision', value {number}: no such revision "
                           "(revisions are numbered from 1)")
