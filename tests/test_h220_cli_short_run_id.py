"""`moneytrail show` takes a run's first 8 (or more) hex digits, as the web app's /r/<digits>
does (one service function, service.runs.resolve_run_id, behind both): a unique prefix shows
the run, an ambiguous one lists the candidates in one line, an unknown one says no stored run
starts with it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from cli_runs import one_line  # noqa: E402
from moneytrail.service.runs import RunStore

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def traced(cli_store):
    return cli_store.trace("eu-ai-gigafactories")


def test_show_takes_the_first_8_digits_of_a_run_id(cli_store, traced):
    run = traced["run_id"]
    assert cli_store.show(run[:8]) == cli_store.show(run)
    assert cli_store.show(run[:12].upper())["run_id"] == run


def test_show_names_every_run_an_ambiguous_prefix_fits_in_one_line(cli_store, traced):
    store = RunStore(create_engine(f"sqlite:///{cli_store.path}"))
    ids = ["abcdef01" + "0" * 24, "abcdef01" + "1" * 24]
    for rid in ids:
        store.start(rid, kind="trace", label="a test run", inputs={}, data_version="t",
                    data_hash="t", total=1)
    out = cli_store.cli("show", "abcdef01")
    assert out.returncode == 2, out.stderr
    line = one_line(out.stderr)
    assert "2 runs have an id starting with these digits" in line
    assert all(rid in line for rid in ids) and "abcdef01" in line


def test_show_of_a_prefix_no_run_has_says_so(cli_store, traced):
    out = cli_store.cli("show", "12345678")
    assert out.returncode == 4, out.stderr
    line = one_line(out.stderr)
    assert "no stored run has an id starting with these digits" in line
    assert "12345678" in line and "32 hexadecimal" not in line


def test_show_of_text_that_is_no_run_id_names_both_forms(cli_store):
    out = cli_store.cli("show", "zz")
    assert out.returncode == 2
    assert "32 hexadecimal digits (0-9, a-f), or its first 8 or more" in one_line(out.stderr)
