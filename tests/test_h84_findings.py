"""Findings fixed by h84: huge hex numbers and alias-heavy files in user YAML, the briefing
citing the claims behind an amount "in its parts", the CLI totals' caveats."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.errors import MoneytrailError, ScenarioError
from moneytrail.scenarios import yamlio

STARGATE = "l_stargate_us_2025_01"


def test_the_briefing_cites_the_claims_behind_an_amount_in_its_parts(tmp_path, monkeypatch):
    import moneytrail as mt
    from moneytrail.report.briefing.content import SourceBook, matching_deals
    from moneytrail.service.workspace import Workspace

    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    plan = next(mt.load_scenario(p) for p in mt.reference_scenarios()
                if "stargate" in Path(p).name)
    with Workspace.open() as ws:
        deals = matching_deals(ws, plan, SourceBook.of(ws))
        price_year = plan.price_year or plan.year
        whole = ws.ledger().programme_amount(STARGATE, "committed", currency=plan.currency,
                                             price_year=price_year)
        claims = ws.ledger().tables()["claim"].set_index("ref")
    assert deals[0]["committed_parts"] and whole["refs"]
    cited = deals[0]["claim_refs"].split(";")
    sources = deals[0]["sources"].split(";")
    for ref in whole["refs"]:
        assert ref in cited
        assert claims.loc[ref, "source"] in sources


def huge_hex_plan(tmp_path: Path) -> Path:
    """A reference plan whose budget amount is `0x` and 4,000 `f`s (about 4,817 digits)."""
    import re

    import moneytrail as mt

    text = Path(mt.reference_scenarios()[0]).read_text()
    text, n = re.subn(r"(budget:\s*\n\s*amount:\s*)[^\n]+",
                      lambda m: m.group(1) + "0x" + "f" * 4000, text, count=1)
    assert n == 1
    path = tmp_path / "hex.yaml"
    path.write_text(text)
    return path


def test_a_huge_hexadecimal_number_is_refused_by_its_decimal_size(tmp_path):
    import moneytrail as mt

    path = huge_hex_plan(tmp_path)
    with pytest.raises(ScenarioError) as caught:
        mt.load_scenario(path)
    message = str(caught.value)
    assert str(path) in message and "budget.amount" in message
    assert "4,817 digits" in message and "\n" not in message


@pytest.mark.parametrize("text, digits", [("0x" + "f" * 4000, 4817), ("0b" + "1" * 9000, 2710),
                                          ("0" + "7" * 5000, 4516), ("1_000", 4),
                                          ("-0x1_0", 3), ("0o" + "7" * 5000, 4516)])
def test_decimal_digits_counts_the_value_in_any_base(text, digits):
    assert yamlio.decimal_digits(text) == digits
    if not text.startswith("0o"):           # YAML 1.1 reads 0o... as text
        assert yamlio.decimal_digits(text) >= decimal_length(text)


def decimal_length(text: str) -> int:
    """How many decimal digits PyYAML's whole number for `text` has."""
    import sys

    import yaml

    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return len(str(abs(yaml.safe_load(f"v: {text}")["v"])))
    finally:
        sys.set_int_max_str_digits(old)


def test_the_cli_refuses_a_huge_hexadecimal_amount_in_one_line(tmp_path, capsys):
    from moneytrail.cli import main

    path = huge_hex_plan(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(["trace", str(path)])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert "Traceback" not in err and "budget.amount" in err


def test_an_error_never_fails_to_show_a_huge_whole_number():
    huge = 16 ** 4000 - 1
    error = MoneytrailError("too large", file="p.yaml", field="budget.amount", value=huge)
    assert "a whole number of about 4,817 digits" in str(error)
    assert error.to_dict()["value"] == "a whole number of about 4,817 digits"
    listed = MoneytrailError("bad", value=[huge])
    assert "list too large to show" in str(listed)
    assert MoneytrailError("bad", value=12).to_dict()["value"] == "12"
    assert "value 'x'" in str(MoneytrailError("bad", value="x"))


def nested_aliases(levels: int, width: int = 10) -> str:
    """A small file whose aliases expand to width ** levels scalars, then a base-60 year."""
    lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    lines.append("year: 33:45")
    return "\n".join(lines)


def counting(monkeypatch, name: str) -> list[int]:
    """Count the calls of yamlio's `name` (its recursive calls included)."""
    calls = [0]
    function = getattr(yamlio, name)

    def counted(*args, **kwargs):
        calls[0] += 1
        return function(*args, **kwargs)

    monkeypatch.setattr(yamlio, name, counted)
    return calls


def test_finding_a_bad_number_visits_each_container_once(monkeypatch):
    calls = counting(monkeypatch, "scalar_path")
    with pytest.raises(MoneytrailError) as caught:
        yamlio.parse_yaml(nested_aliases(4), source="bomb.yaml")
    assert "field 'year'" in str(caught.value) and "base-60" in str(caught.value)
    assert calls[0] < 200       # the file's 50-odd containers and scalars, not 123,457 visits


def test_finding_a_bad_date_visits_each_container_once(monkeypatch):
    calls = counting(monkeypatch, "bad_dates")
    text = nested_aliases(4).replace("year: 33:45", "when: 2025-02-30")
    with pytest.raises(MoneytrailError) as caught:
        yamlio.parse_yaml(text, source="dates.yaml")
    assert "field 'when'" in str(caught.value) and "dates.yaml" in str(caught.value)
    assert calls[0] < 200


def test_the_reviewers_deep_alias_file_is_refused_naming_the_field():
    # 10 ** 7 scalars if expanded: took 22 s before each container was visited once
    with pytest.raises(MoneytrailError) as caught:
        yamlio.parse_yaml(nested_aliases(7), source="bomb.yaml")
    assert "bomb.yaml" in str(caught.value) and "field 'year'" in str(caught.value)
