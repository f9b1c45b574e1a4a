"""Shares in a plan file may be written as percents, as the web builder reads them: `39%` is
0.39 in `spend`, `procurement` and `renewable_share` (bare or as an interval's parts). A budget
officer's `renewable_share: 39%` was refused as 'not a number'."""

from pathlib import Path

import pytest
import yaml

from moneytrail.errors import ScenarioError
from moneytrail.scenarios import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
GIGAFACTORIES = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"


def as_percents(value):
    """A bare share or an interval with each number written as a percent."""
    if isinstance(value, dict):
        return {k: f"{v * 100:g}%" if k in ("central", "low", "high") else v
                for k, v in value.items()}
    return f"{value * 100:g} %"


def test_a_plan_written_in_percents_is_the_same_plan(tmp_path):
    data = yaml.safe_load(GIGAFACTORIES.read_text())
    before = parse_scenario(data)
    changed = dict(data)
    changed["spend"] = {k: as_percents(v) for k, v in data["spend"].items()}
    changed["procurement"] = {c: {k: as_percents(v) for k, v in s.items()}
                              for c, s in data.get("procurement", {}).items()}
    changed["renewable_share"] = "39%"
    path = tmp_path / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(changed, sort_keys=False))
    after = load_scenario(path)
    assert after.spend == before.spend and after.procurement == before.procurement
    assert after.renewable_share is not None and after.renewable_share.central == 0.39


@pytest.mark.parametrize(("value", "words"), [
    ("150%", "must be a share between 0 and 1, got 1.5"),
    ("lots%", "renewable_share"),
])
def test_a_bad_percent_is_named(value, words):
    data = yaml.safe_load(GIGAFACTORIES.read_text())
    data["renewable_share"] = value
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, source="plan.yaml")
    message = str(info.value)
    assert "renewable_share" in message and words in message and "\n" not in message


def test_the_json_api_keeps_numbers_as_numbers():
    data = yaml.safe_load(GIGAFACTORIES.read_text())
    data["renewable_share"] = "39%"
    with pytest.raises(ScenarioError, match="renewable_share"):
        parse_scenario(data, strict=True)
