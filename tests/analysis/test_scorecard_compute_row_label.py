"""The scorecard's compute row is the plan's whole budget divided by the GPT-4-level training
runs its compute could make (analysis.efficiency, docs/methods.md): the same EUR 3.47 m for a
EUR 20 bn and a EUR 200 bn plan, and easy to misquote as the cost of one run. Its label and
note say what it is; runs stored under its former labels line up with new ones by label."""

from __future__ import annotations

from moneytrail.analysis.scorecard import COMPUTE_ROW, RENAMED_ROWS
from moneytrail.service.tasks import COMPUTE_NOTE, stored_scorecard_row

FORMER = "Whole plan budget per GPT-4-level training run its compute could make"


def test_the_label_says_a_division_and_not_the_cost_of_a_run():
    assert "divided by the GPT-4-level training runs" in COMPUTE_ROW
    assert "not the cost of one run" in COMPUTE_ROW
    assert "per GPT-4-level training run" not in COMPUTE_ROW
    assert COMPUTE_NOTE.startswith(f"{COMPUTE_ROW.split(' (not')[0]}: ")
    assert "not the cost of one training run" in COMPUTE_NOTE


def test_runs_stored_under_the_former_labels_take_the_new_one():
    assert RENAMED_ROWS[FORMER] == COMPUTE_ROW
    assert stored_scorecard_row(FORMER, "EUR") == (COMPUTE_ROW, "EUR")
    assert stored_scorecard_row(f"{FORMER}: evidence, on assumption or weak rows",
                                "share")[0] == \
        f"{COMPUTE_ROW}: evidence, on assumption or weak rows"
    assert stored_scorecard_row("Final-run compute cost per GPT-4-level model",
                                "EUR")[0] == COMPUTE_ROW
