"""The currencies a plan's title check knows come from the caller (the workspace's data,
service.tasks.known_currencies), not from a global cache over the bundled FX file."""

from __future__ import annotations

import shutil

import pytest

import moneytrail as mt
from moneytrail.data.package import bundled_path
from moneytrail.errors import MoneytrailError
from moneytrail.report.units import plan_text_notes
from moneytrail.scenarios.reference import (
    bundled_currencies,
    stale_title_figure,
    title_figures,
)
from moneytrail.service.tasks import known_currencies


def test_the_bundled_workspace_knows_the_currencies_the_bundled_file_names():
    """For the bundled data the workspace's set is the one the title check always read."""
    with mt.Workspace.open() as ws:
        assert known_currencies(ws, check=False) == set(bundled_currencies())
    assert {"EUR", "USD", "GBP", "CHF"} <= bundled_currencies()


def test_the_title_check_uses_the_currencies_it_is_given():
    assert [f["currency"] for f in title_figures("CHF 2 bn", {"EUR", "CHF"})] == ["CHF"]
    assert title_figures("CHF 2 bn", {"EUR"}) == []
    assert stale_title_figure("A CHF 2 bn plan", 3e9, "CHF", {"EUR", "CHF"})["text"] == \
        "CHF 2 bn"
    assert stale_title_figure("A CHF 2 bn plan", 3e9, "CHF", {"EUR"}) is None
    assert plan_text_notes("A CHF 2 bn plan", "", 3e9, "CHF", currencies={"EUR"}) == ""
    assert plan_text_notes("A CHF 2 bn plan", "", 3e9, "CHF",
                           currencies={"EUR", "CHF"}).startswith("The title names CHF 2 bn")


def test_a_workspace_without_a_currency_names_no_amount_in_it(tmp_path):
    """A data package whose FX table lacks CHF: its workspace's titles name no CHF amount,
    and a broken FX cell fails a task's check but not the title check (a page converts
    nothing)."""
    copy = tmp_path / "package"
    shutil.copytree(bundled_path(), copy)
    fx = copy / "macro" / "fx.csv"
    lines = fx.read_text(encoding="utf-8").splitlines(keepends=True)
    fx.write_text("".join(line for line in lines if ",CHF," not in line), encoding="utf-8")
    with mt.Workspace.open(copy) as ws:
        assert "CHF" not in known_currencies(ws, check=False)
        assert title_figures("CHF 2 bn", known_currencies(ws, check=False)) == []
    fx.write_text("".join(lines).replace("1.10951", "not a rate", 1), encoding="utf-8")
    with mt.Workspace.open(copy) as ws:
        with pytest.raises(MoneytrailError):
            known_currencies(ws)
        assert "CHF" in known_currencies(ws, check=False)
