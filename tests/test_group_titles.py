"""Group titles come from the data (valuechain/groups.csv, data 2.5.6) and name the members where
an id could mislead: `us_big_tech` is the three US hyperscalers only (no Nvidia), which a
reader took for all of US big tech, so a condition on it "met" at 0.3 % read as a finding."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from moneytrail.data.package import bundled_path
from moneytrail.data.valuechain import load_valuechain, valuechain_problems
from moneytrail.scenarios.schema import Condition

GROUPS = Path("valuechain") / "groups.csv"


def members(group: str) -> set[str]:
    """Display names of the bundled entities in `group` (entities.csv)."""
    chain = load_valuechain()
    return {str(n) for n, gs in zip(chain.entities["name"], chain.entities["group_list"],
                                    strict=True) if group in gs}


def test_the_data_give_every_group_a_title():
    chain = load_valuechain()
    titles = chain.group_titles()
    used = {g for gs in chain.entities["group_list"] for g in gs}
    assert used and set(titles) == used
    assert all(titles.values())


@pytest.mark.parametrize("group", ["us_big_tech", "us_tech_giants"])
def test_the_two_us_groups_name_their_members(group):
    from moneytrail.report.units import group_label

    title = load_valuechain().group_titles()[group]
    assert group_label(group) == title                     # what every page shows
    for name in members(group):                            # 'Amazon (AWS)' -> 'Amazon'
        assert name.split(" (")[0] in title
    assert ("Nvidia" in title) == (group == "us_tech_giants")


def test_a_condition_on_a_group_names_it_in_the_service_notes():
    from moneytrail.service.tasks import condition_text

    big = condition_text(Condition(metric="value_added_share", group="us_big_tech", max=0.3))
    giants = condition_text(Condition(metric="value_added_share", group="us_tech_giants",
                                      max=0.3))
    assert big != giants                                   # both read 'value_added_share <= 0.3'
    assert "US hyperscalers (Amazon, Microsoft, Google)" in big and "Nvidia" not in big
    assert "Nvidia" in giants


def test_the_builder_summary_names_the_group():
    from moneytrail.web.plan_words import condition_text

    text = condition_text({"metric": "value_added_share", "group": "us_big_tech", "max": 0.3})
    assert "US hyperscalers (Amazon, Microsoft, Google)" in text and "us_big_tech" not in text


def rewrite_groups(root: Path, change) -> None:
    path = root / GROUPS
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "title", "note"])
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(("change", "message"), [
    (lambda rows: [r for r in rows if r["id"] != "us_big_tech"], "no row (and so no title)"),
    (lambda rows: [{**r, "title": ""} if r["id"] == "us_big_tech" else r for r in rows],
     "needs a title"),
    (lambda rows: [*rows, {"id": "nobody", "title": "Nobody", "note": ""}], "no entity"),
])
def test_validate_refuses_a_group_without_a_proper_title(tmp_path, change, message):
    root = tmp_path / "package"
    shutil.copytree(bundled_path(), root)
    rewrite_groups(root, change)
    problems = valuechain_problems(str(root))
    assert any(message in p.message for p in problems), problems


def test_conditions_table_on_the_terminal_names_the_group(cli_store, tmp_path):
    giga = Path(__file__).resolve().parents[1] / "scenarios" / "eu-ai-gigafactories.yaml"
    text = giga.read_text(encoding="utf-8").replace("id: eu-ai-gigafactories", "id: giga")
    text += ("conditions:\n- {metric: value_added_share, group: us_big_tech, max: 0.3}\n"
             "- {metric: value_added_share, group: us_tech_giants, max: 0.3}\n")
    plan = tmp_path / "giga.yaml"
    plan.write_text(text, encoding="utf-8")
    out = cli_store.cli("analyse", str(plan), "--what", "conditions", "--draws", "100")
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stdout.splitlines() if "at most 30 %" in line]
    assert any("US hyperscalers (Amazon, Microsoft, Google)" in line for line in lines)
    assert any("US tech giants (Nvidia, Amazon, Microsoft, Google)" in line for line in lines)
    assert "(us_big_tech)" not in out.stdout
    csv_out = cli_store.cli("analyse", str(plan), "--what", "conditions", "--draws", "100",
                            "--format", "csv")
    assert "value_added_share (us_big_tech) <= 0.3" in csv_out.stdout   # CSV keeps the ids
