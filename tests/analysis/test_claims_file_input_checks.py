"""A tester's findings on claims files: an unquoted date and time in `claimed_on` is shown as
typed (ISO text, not a Python repr); a control character in any text of a claim is refused at
load (file, claim id, field, the character escaped), as plan files and ledger tables already
refuse it; a `claimed_on` after today is refused; `moneytrail validate` given a claims file
says to use `moneytrail claims check`. Each error is one line, exit code 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from moneytrail.analysis.claims_schema import ClaimError, check_claim_list, parse_claims
from moneytrail.cli import main

CHECK = """    checks:
      - computation: lifecycle.value_remaining
        args: {years: 3}
        max: 0.5
"""


def claims_file(tmp_path: Path, *lines: str, claim: str = "AI hardware loses value fast.") \
        -> Path:
    path = tmp_path / "mine.yaml"
    extra = "".join(f"    {line}\n" for line in lines)
    path.write_text(f'claims:\n  - id: c1\n    claim: "{claim}"\n{extra}{CHECK}',
                    encoding="utf-8")
    return path


def run_main(capsys, *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    return info.value.code, capsys.readouterr().err


def one_claim(**fields) -> dict:
    return {"claims": [{"id": "c1", "claim": "AI hardware loses value fast.",
                        "checks": [{"computation": "lifecycle.value_remaining",
                                    "args": {"years": 3}, "max": 0.5}], **fields}]}


# -- 1. an unquoted date and time is shown as typed -------------------------------------------
def test_an_unquoted_date_and_time_is_shown_as_iso_text(capsys, tmp_path):
    path = claims_file(tmp_path, "claimed_on: 2025-01-21 10:00:00")
    code, err = run_main(capsys, "claims", "check", str(path))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "datetime" not in err
    assert f"{path}, field 'claims.0.claimed_on', value '2025-01-21 10:00:00'" in err
    assert "give a date (YYYY-MM-DD) or a month (YYYY-MM)" in err


# -- 2. control characters ----------------------------------------------------------------------
@pytest.mark.parametrize(("line", "field", "escaped"), [
    ('claimed_by: "Bob\\0 Smith"', "claimed_by", "\\x00"),
    ('claimed_in: "a_cma\\x01"', "claimed_in", "\\x01"),
    ('note: "fine\\x1b[31m"', "note", "\\x1b"),
    ('claimed_by: "Bob\\u202e"', "claimed_by", "\\u202e"),
    ('claimed_by: "two\\nlines"', "claimed_by", "\\n"),     # a name is one line
])
def test_a_control_character_in_a_claim_is_refused_at_load(capsys, tmp_path, line, field,
                                                           escaped):
    path = claims_file(tmp_path, line)
    code, err = run_main(capsys, "claims", "check", str(path), "--format", "csv")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err and f"field 'claims.0.{field}'" in err
    assert "claim 'c1'" in err and escaped in err
    assert "control character U+" in err


def test_a_control_character_in_the_claim_text_is_escaped_where_it_is(tmp_path):
    text = "x" * 100 + "\x00" + "y" * 100
    with pytest.raises(ClaimError) as caught:
        parse_claims(one_claim(claim=text), "mine.yaml")
    message = str(caught.value)
    assert "field 'claims.0.claim'" in message and "\\x00" in message
    assert "\x00" not in message and len(message) < 200


def test_a_control_character_in_a_key_or_a_check_argument_is_refused():
    with pytest.raises(ClaimError) as caught:
        parse_claims({"claims": [{"id": "c1", "cla\x07im": "x"}]}, "mine.yaml")
    assert "\\x07" in str(caught.value) and "\x07" not in str(caught.value)
    data = one_claim()
    data["claims"][0]["checks"][0]["describe"] = "share\x7f"
    with pytest.raises(ClaimError) as caught:
        parse_claims(data, "mine.yaml")
    assert "claims.0.checks.0.describe" in str(caught.value) and "\\x7f" in str(caught.value)


def test_line_breaks_and_tabs_stay_allowed_in_multi_line_text():
    claim = parse_claims(one_claim(claim="AI hardware\nloses value.\n",
                                   note="one\ttwo\r\nthree"), "f")[0]
    assert claim.note == "one\ttwo\r\nthree"


# -- 3. a claim made after today ------------------------------------------------------------------
TODAY = dt.date(2026, 3, 15)


@pytest.mark.parametrize("day", ["2026-03-16", "2026-04", "2030-01-01"])
def test_a_claim_made_after_today_is_refused(day):
    with pytest.raises(ClaimError) as caught:
        parse_claims(one_claim(claimed_on=day), "mine.yaml", today=TODAY)
    message = str(caught.value)
    assert "mine.yaml" in message and "claims.0.claimed_on" in message
    assert f"'{day}'" in message and "after today (2026-03-15)" in message
    assert "\n" not in message


@pytest.mark.parametrize("day", ["2026-03-15", "2026-03", "2025-01-21", ""])
def test_a_claim_made_today_or_before_is_accepted(day):
    assert parse_claims(one_claim(claimed_on=day), "f", today=TODAY)[0].claimed_on == day


def test_claims_given_as_objects_are_checked_against_today_too():
    claims = parse_claims(one_claim(claimed_on="2026-04-01"), "f", today=dt.date(2026, 5, 1))
    with pytest.raises(ClaimError):
        check_claim_list(claims, "<claims>", today=TODAY)


def test_a_future_claim_date_is_refused_by_the_command_line(capsys, tmp_path):
    path = claims_file(tmp_path, "claimed_on: 2999-01-01")     # today from the clock
    code, err = run_main(capsys, "claims", "check", str(path))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "field 'claims.0.claimed_on', value '2999-01-01'" in err
    assert f"after today ({dt.date.today().isoformat()})" in err


# -- 4. validate given a claims file --------------------------------------------------------------
def test_validate_given_a_claims_file_says_to_use_claims_check(capsys, tmp_path):
    path = claims_file(tmp_path)
    code, err = run_main(capsys, "validate", str(path))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err and f"moneytrail claims check {path}" in err
