"""h244: whole numbers with digit-group underscores. A plan file's quoted `draws: "2_00"`,
`seed: "1_0"` or `year: "2_025"` was refused in pydantic's 'Input should be a valid integer';
it now gets the decimal fields' kind of message, saying what to write. `moneytrail trace
--draws 1_000` (and `--seed`, `--year`, a revision) was read as 1000 by int(); it is refused
in one line naming the option and the value. One reader: numbers.read_whole."""

from __future__ import annotations

from pathlib import Path

import pytest

import moneytrail as mt
from cli_runs import one_line, run_main
from moneytrail.errors import ScenarioError
from moneytrail.numbers import NumberTextError, read_whole
from moneytrail.scenarios.schema import check_draws, check_seed

ROOT = Path(__file__).resolve().parents[1]
PLAN = "eu-ai-gigafactories"
TEXT = (ROOT / "scenarios" / f"{PLAN}.yaml").read_text(encoding="utf-8")


def plan_file(tmp_path: Path, key: str, written: str) -> Path:
    """The reference plan's file with `key: written` in place of its own line (if any)."""
    lines = [line for line in TEXT.splitlines() if not line.startswith(f"{key}:")]
    path = tmp_path / f"{PLAN}.yaml"
    path.write_text("\n".join([*lines, f"{key}: {written}"]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("key", "typed", "whole"), [
    ("draws", "2_00", "200"), ("seed", "1_0", "10"), ("year", "2_025", "2025"),
    ("price_year", "2_025", "2025"), ("horizon_years", "1_0", "10"),
    ("spend_years", "1_0", "10")])
def test_a_quoted_whole_number_with_underscores_says_what_to_write(tmp_path, key, typed,
                                                                   whole):
    path = plan_file(tmp_path, key, f'"{typed}"')
    with pytest.raises(ScenarioError) as info:
        mt.load_scenario(path)
    assert str(info.value) == (f"{path}, field '{key}', value '{typed}': not a number: write "
                               f'it without underscores or quotes ({whole}, not "{typed}")')


def test_a_mapping_from_python_gets_the_same_message():
    data = mt.parse_scenario(TEXT).model_dump(mode="json", exclude={"path"})
    with pytest.raises(ScenarioError, match=r"field 'draws', value '2_00': not a number: "
                       r'write it without underscores or quotes \(200, not "2_00"\)'):
        mt.parse_scenario({**data, "draws": "2_00"})


def test_yamls_own_integer_with_underscores_stays_accepted(tmp_path):
    assert mt.load_scenario(plan_file(tmp_path, "year", "2_025")).year == 2025
    assert mt.load_scenario(plan_file(tmp_path, "draws", "2_00")).draws == 200


@pytest.mark.parametrize(("typed", "number"), [("2025", 2025), (" -3 ", -3), ("+7", 7),
                                               ("1.5", None), ("abc", None), ("0x10", None),
                                               ("١٠", None), ("1e3", None), ("", None)])
def test_read_whole_reads_ascii_digits_only(typed, number):
    assert read_whole(typed) == number


@pytest.mark.parametrize(("typed", "said"), [
    ("1_000", "not a number: write it without underscores (1000, not 1_000)"),
    ("1_0.5", "not a number: write it without underscores (20000 or 20 000, not 20_000)")])
def test_read_whole_refuses_underscores_saying_what_to_write(typed, said):
    with pytest.raises(NumberTextError) as info:
        read_whole(typed)
    assert str(info.value) == said


def test_check_draws_and_check_seed_refuse_underscores():
    with pytest.raises(ScenarioError) as info:
        check_draws("1_000", field="--draws")
    assert str(info.value) == ("field '--draws', value '1_000': not a number: write it "
                               "without underscores (1000, not 1_000)")
    with pytest.raises(ScenarioError, match=r"\(10, not 1_0\)"):
        check_seed("1_0", field="--seed")
    assert (check_draws("300"), check_seed("7"), check_draws(300)) == (300, 7, 300)


@pytest.mark.parametrize(("args", "line"), [
    (("trace", f"scenarios/{PLAN}.yaml", "--draws", "1_000"),
     "error: moneytrail trace, field '--draws', value '1_000': invalid option value: not a "
     "number: write it without underscores (1000, not 1_000) (see 'moneytrail trace --help')"),
    (("trace", f"scenarios/{PLAN}.yaml", "--seed", "1_0"),
     "error: moneytrail trace, field '--seed', value '1_0': invalid option value: not a "
     "number: write it without underscores (10, not 1_0) (see 'moneytrail trace --help')"),
    (("claims", "check", "--draws", "2_000"),
     "error: moneytrail claims check, field '--draws', value '2_000': invalid option value: "
     "not a number: write it without underscores (2000, not 2_000) (see 'moneytrail claims "
     "check --help')"),
    (("ledger", "revert", "1_0", "--reason", "x"),
     "error: moneytrail ledger revert, field 'REVISION', value '1_0': invalid argument "
     "value: not a number: write it without underscores (10, not 1_0) (see 'moneytrail "
     "ledger revert --help')"),
    (("trace", f"scenarios/{PLAN}.yaml", "--draws", "١٠"),
     "error: moneytrail trace, field '--draws', value '١٠': invalid option value: expected a "
     "whole number (see 'moneytrail trace --help')"),
])
def test_the_command_line_refuses_whole_numbers_with_underscores_in_one_line(capsys, args,
                                                                           line):
    code, out, err = run_main(capsys, *args)
    assert (code, out) == (2, "")
    assert one_line(err) == line


def test_a_whole_number_of_thousands_of_digits_is_too_large_in_our_words() -> None:
    """int() refuses a 5,000-digit text naming sys.set_int_max_str_digits; read_whole says
    it is too large, with the count of digits."""
    from moneytrail.numbers import NumberTextError, read_whole

    with pytest.raises(NumberTextError, match=r"too large: a whole number of 5,000 digits"):
        read_whole("9" * 5000)
    assert read_whole("9" * 400) == int("9" * 400)


def test_a_5000_digit_option_is_named_by_its_first_digits_and_length() -> None:
    """The CLI echoed all 5,000 digits of `--draws 999...` in a 5,148-character line
    (tester61); it names the value as the API does: first digits and the count."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "moneytrail", "trace",
                           "scenarios/stargate-style-us.yaml", "--draws", "9" * 5000],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 2
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1 and len(line) < 300, line[:300]
    assert "(5,000 digits)" in line and "too large" in line
