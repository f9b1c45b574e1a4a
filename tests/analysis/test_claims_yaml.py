"""Claims and conditions files: every YAML failure is one line naming the file."""

import pytest

from moneytrail.errors import ScenarioError
from moneytrail.scenarios.conditions import load_conditions


@pytest.mark.parametrize("body, message", [
    ("- {metric: export_exposed_share, max: 0.1, on: 2025-02-30}\n", "day is out of range"),
    ("[\n", "malformed YAML"),
    ("- {metric: hhi_change, max: 100\n", "malformed YAML"),
])
def test_bad_yaml_in_a_conditions_file_is_one_line(tmp_path, body, message):
    path = tmp_path / "conditions.yaml"
    path.write_text(body)
    with pytest.raises(ScenarioError) as exc:
        load_conditions(path)
    assert exc.value.file.startswith(str(path)) and message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_a_conditions_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ScenarioError, match="is a folder, not a file"):
        load_conditions(tmp_path)
