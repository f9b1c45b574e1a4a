"""Issue 9, kinds 5-7: every user-facing error is a MoneytrailError with an exit code and an
HTTP status; scenario fields have documented ranges; sizes are limited before work starts."""

import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

import moneytrail as mt
import moneytrail.ledger
from moneytrail import errors
from moneytrail.errors import LimitError, MoneytrailError, ResourceError, ScenarioError
from moneytrail.ledger import errors as ledger_errors
from moneytrail.scenarios import yamlio
from moneytrail.scenarios.schema import check_currency, check_draws, check_seed

GOOD = """\
id: plan
title: Test plan
year: 2025
currency: EUR
budget: {amount: 1000}
spend:
  food: 0.4
  goods: 0.6
draws: 50
buyer_region: EU
"""


def write(tmp_path, text, name="plan.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=env)


# -- kind 5: one hierarchy, exit codes, HTTP statuses ------------------------------------------
def test_every_error_class_has_its_exit_code_and_http_status():
    codes = {cls.__name__: (cls.exit_code, cls.http_status) for cls in (
        MoneytrailError, errors.ScenarioError, errors.DataPackageError, errors.ModelError,
        LimitError, ResourceError, errors.NotFoundError, errors.ConflictError,
        ledger_errors.LedgerError, ledger_errors.StoreUnavailable)}
    assert codes == {"MoneytrailError": (2, 422), "ScenarioError": (2, 422),
                     "DataPackageError": (2, 422), "ModelError": (2, 422),
                     "LimitError": (2, 422), "ResourceError": (3, 503),
                     "NotFoundError": (4, 404), "ConflictError": (5, 409),
                     "LedgerError": (2, 422), "StoreUnavailable": (3, 503)}
    # the ledger's classes keep their names and join the shared ones
    assert issubclass(ledger_errors.NotFoundError, errors.NotFoundError)
    assert ledger_errors.NotFoundError.exit_code == 4
    assert issubclass(ledger_errors.ConflictError, errors.ConflictError)
    assert ledger_errors.ConflictError.http_status == 409
    assert errors.EnvironmentProblem is ResourceError
    error = ScenarioError("bad", file="p.yaml", field="seed", value=-1)
    assert error.to_dict() == {"error": "ScenarioError", "message": "p.yaml, field 'seed', "
                               "value -1: bad", "file": "p.yaml", "field": "seed",
                               "value": "-1", "exit_code": 2, "http_status": 422}


def test_a_folder_is_not_a_scenario(tmp_path):
    with pytest.raises(ScenarioError) as info:
        mt.load_scenario(tmp_path)
    assert str(info.value) == f"{tmp_path}: is a folder, not a scenario file"
    assert info.value.exit_code == 2


def test_a_binary_file_is_not_a_scenario(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    with pytest.raises(ScenarioError) as info:
        mt.load_scenario(path)
    assert str(info.value) == (f"{path}: not a text file (cannot be read as UTF-8 at byte 0); "
                               "a scenario file is YAML text")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ScenarioError, match="file not found") as info:
        mt.load_scenario(tmp_path / "nope.yaml")
    assert info.value.file == str(tmp_path / "nope.yaml")


def test_an_unreadable_file_is_an_environment_problem(tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(pathlib.Path, "open", refuse)    # root reads any file: simulate
    with pytest.raises(ResourceError) as info:
        mt.load_scenario(path)
    assert str(info.value) == f"{path}: cannot read the file (Permission denied)"
    assert info.value.exit_code == 3 and info.value.http_status == 503


@pytest.mark.parametrize("name", ["folder", "binary"])
def test_the_cli_prints_one_line_for_a_folder_or_a_binary_file(tmp_path, name):
    target = tmp_path / "plans"
    target.mkdir()
    if name == "binary":
        target = tmp_path / "plan.yaml"
        target.write_bytes(bytes(range(128, 256)))
    out = run_cli("trace", target)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(target) in lines[0]


def test_a_read_only_store_is_one_line_naming_the_file(tmp_path, monkeypatch):
    path = tmp_path / "ledger.sqlite"
    moneytrail.ledger.open(path, load_bundled=False).close()
    url = f"sqlite:///file:{path}?mode=ro&uri=true"   # read-only even for root
    source = {"id": "s1", "publisher": "p", "title": "t", "url": "https://example.org",
              "published": "2024-01-01", "accessed": "2024-02-01", "reliability": "official",
                              "primary_ref": "Eurostat, table nama_10_gdp, 2023"}
    with moneytrail.ledger.open(url, load_bundled=False) as ledger, \
            pytest.raises(ledger_errors.StoreUnavailable) as info:
        ledger.add("source", source, author="tester")
    assert str(info.value) == (f"{path}: the ledger store is read-only: nothing was written "
                               "(make the file or database writable, or use another --db)")
    assert info.value.exit_code == 3
    monkeypatch.setenv("USER", "tester")
    out = run_cli("ledger", "add", "source", *[f"{k}={v}" for k, v in source.items()],
                  "--reason", "r", "--db", url)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert " ".join(out.stderr.split()) == f"error: {info.value}"


# -- kind 6: documented ranges -----------------------------------------------------------------
@pytest.mark.parametrize(("change", "field", "message"), [
    (("amount: 1000", "amount: 1e30"), "budget.amount",
     "a budget can be at most 100,000 tn in the plan's currency, the upper bound "
     "(there to catch typos): check the amount and its size word"),
    (("draws: 50", "draws: 50\nseed: -1"), "seed", "Input should be greater than or equal to 0"),
    (("draws: 50", f"draws: 50\nseed: {2 ** 63}"), "seed",
     "Input should be less than or equal to 9223372036854775807"),
    (("draws: 50", "draws: 0"), "draws", "Input should be greater than or equal to 1"),
    (("draws: 50", "draws: 10000001"), "draws",
     "10,000,001 draws is more than the limit of 10,000,000 (set MONEYTRAIL_MAX_DRAWS to "
     "raise it)"),
    (("year: 2025", "year: 1800"), "year", "Input should be greater than or equal to 1990"),
    (("currency: EUR", "currency: euro"), "currency", "must be three capital letters"),
])
def test_fields_outside_their_range_are_refused(tmp_path, change, field, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ScenarioError) as info:
        mt.load_scenario(path)
    assert info.value.field == field
    assert info.value.detail.startswith(message)


def test_the_largest_real_budgets_are_accepted(tmp_path):
    plan = mt.load_scenario(write(tmp_path, GOOD.replace("amount: 1000", "amount: 6.22e14")
                                  .replace("currency: EUR", "currency: KRW")))
    assert plan.total == 6.22e14


def test_duplicate_keys_are_an_error_naming_key_and_line(tmp_path):
    path = write(tmp_path, GOOD.replace("  goods: 0.6", "  goods: 0.6\n  food: 0.6"))
    with pytest.raises(ScenarioError) as info:
        mt.load_scenario(path)
    assert str(info.value) == (f"{path}:9, field 'food': duplicate key (first given on "
                               "line 7; give each key once)")
    path = write(tmp_path, GOOD + "draws: 60\n")
    with pytest.raises(ScenarioError, match="first given on line 9") as info:
        mt.load_scenario(path)
    assert info.value.field == "draws"


def test_read_yaml_serves_other_files_with_their_own_error_class(tmp_path):
    class ClaimsError(MoneytrailError):
        pass

    path = write(tmp_path, "claims:\n  - id: a\n    id: b\n", name="claims.yaml")
    with pytest.raises(ClaimsError, match="duplicate key"):
        yamlio.read_yaml(path, ClaimsError)
    assert yamlio.read_yaml(write(tmp_path, "a: [1, 2]\n", "ok.yaml")) == {"a": [1, 2]}


def test_check_currency_names_the_field(tmp_path):
    plan = mt.load_scenario(write(tmp_path, GOOD.replace("currency: EUR", "currency: XYZ")))
    with pytest.raises(ScenarioError) as info:
        check_currency(plan, {"EUR", "USD"})
    assert str(info.value) == (f"{tmp_path / 'plan.yaml'}, field 'currency', value 'XYZ': "
                               "unknown currency (known: EUR, USD)")
    check_currency(plan.model_copy(update={"currency": "USD"}), {"EUR", "USD"})


def test_seed_and_draws_from_any_front_end():
    assert check_seed("7") == 7 and check_seed(2 ** 63 - 1) == 2 ** 63 - 1
    for bad in (-1, 2 ** 63, "x", 1.5, True):
        with pytest.raises(ScenarioError, match="seed must be a whole number"):
            check_seed(bad, field="--seed")
    assert check_draws("10000") == 10_000
    with pytest.raises(ScenarioError, match=r"without underscores \(10000, not 10_000\)"):
        check_draws("10_000")            # as a plan file's "10_000" (h244): int() read it
    with pytest.raises(ScenarioError, match="need at least one draw"):
        check_draws(0)


# -- kind 7: limits before work ----------------------------------------------------------------
def test_draws_above_the_limit_say_how_to_raise_it(monkeypatch):
    with pytest.raises(LimitError) as info:
        check_draws(1_000_000_000, field="--draws")
    assert str(info.value) == ("field '--draws', value 1000000000: 1,000,000,000 draws is more "
                               "than the limit of 10,000,000 (set MONEYTRAIL_MAX_DRAWS to "
                               "raise it)")
    monkeypatch.setenv("MONEYTRAIL_MAX_DRAWS", "2_000_000_000")
    assert check_draws(1_000_000_000) == 1_000_000_000


def big_yaml(path, size):
    lines, total, k = [], 0, 0
    while total < size:
        line = f"key_{k:07d}: {k}\n"
        lines.append(line)
        total += len(line)
        k += 1
    path.write_text(GOOD + "".join(lines))
    return path


def test_a_2mb_scenario_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    path = big_yaml(tmp_path / "plan.yaml", 2_000_000)
    parsed = []
    monkeypatch.setattr(yamlio, "parse_yaml", lambda *a, **k: parsed.append(1))
    with pytest.raises(LimitError) as info:
        mt.load_scenario(path)
    size = path.stat().st_size
    assert str(info.value) == (f"{path}: the scenario file is {size:,} bytes, more than the "
                               "limit of 1,000,000 (set MONEYTRAIL_MAX_SCENARIO_BYTES to "
                               "raise it)")
    assert parsed == []


def test_too_many_yaml_nodes_are_refused_with_the_limit(tmp_path, monkeypatch):
    path = big_yaml(tmp_path / "plan.yaml", 2_000_000)
    monkeypatch.setenv("MONEYTRAIL_MAX_SCENARIO_BYTES", "10000000")
    with pytest.raises(LimitError) as info:
        mt.load_scenario(path)
    assert str(info.value) == (f"{path}: the file holds more than 100,000 YAML keys and "
                               "values (set MONEYTRAIL_MAX_YAML_NODES to raise the limit)")
    monkeypatch.setenv("MONEYTRAIL_MAX_YAML_NODES", "0")
    with pytest.raises(MoneytrailError, match="must be a positive whole number"):
        mt.load_scenario(path)


def test_the_limit_error_reaches_the_cli_as_one_line(tmp_path):
    path = big_yaml(tmp_path / "plan.yaml", 2_000_000)
    out = run_cli("trace", path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "MONEYTRAIL_MAX_SCENARIO_BYTES" in out.stderr


def test_a_read_only_postgresql_store_is_one_line():
    base = os.environ.get("MONEYTRAIL_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("MONEYTRAIL_TEST_POSTGRES_URL is not set (run `make test`)")
    moneytrail.ledger.open(base, load_bundled=False).close()
    url = base + "?options=-c%20default_transaction_read_only%3Don"
    with moneytrail.ledger.open(url, load_bundled=False) as ledger, \
            pytest.raises(ledger_errors.StoreUnavailable, match="the ledger store is read-only"):
        ledger.add("source", {"id": "ro_source", "publisher": "p", "title": "t",
                              "url": "https://example.org", "published": "2024-01-01",
                              "accessed": "2024-02-01", "reliability": "official",
                              "primary_ref": "Eurostat, table nama_10_gdp, 2023"},
                   author="tester")


@pytest.mark.parametrize(("reason", "message"), [
    ("database is locked", "the ledger store is locked by another writer: nothing was written "
                           "(try again when it has finished)"),
    ("attempt to write a readonly database", "the ledger store is read-only: nothing was "
                                             "written (make the file or database writable, "
                                             "or use another --db)"),
    ("disk I/O error", "cannot write to the ledger store (disk I/O error; is its disk full?): "
                       "nothing was written (free some space, or use another --db)"),
])
def test_store_write_errors_map_to_one_environment_line(tmp_path, reason, message):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from moneytrail.ledger import connection

    engine = connection.open_engine(f"sqlite:///{tmp_path / 'l.sqlite'}")
    error = connection.write_error(engine, OperationalError("BEGIN", {},
                                                           sqlite3.OperationalError(reason)))
    assert isinstance(error, ledger_errors.StoreUnavailable) and error.exit_code == 3
    assert str(error) == f"{tmp_path / 'l.sqlite'}: {message}"


# -- found by a hostile tester after the first fixes ------------------------------------------

def test_budget_and_draws_refuse_booleans_and_tiny_amounts(tmp_path):
    import moneytrail as mt

    data = mt.load_scenario(mt.reference_scenarios()[1]).model_dump(mode="json",
                                                                      exclude={"path"})
    for patch, field in (({"budget": {"amount": True}}, "budget.amount"),
                         ({"budget": {"amount": 1e-300}}, "budget.amount"),
                         ({"draws": True}, "draws"), ({"seed": "1"}, "seed")):
        with pytest.raises(ScenarioError) as info:
            mt.parse_scenario({**data, **patch})
        assert info.value.field == field


def test_unknown_source_ids_in_a_plan_are_refused():
    import moneytrail as mt
    from moneytrail.service import tasks

    plan = mt.load_scenario(mt.reference_scenarios()[1])
    odd = plan.model_copy(update={"budget": plan.budget.model_copy(
        update={"source": "m_does_not_exist"})})
    with mt.Workspace.open() as ws, pytest.raises(ScenarioError) as info:
        tasks.trace_plan(ws, odd, draws=100, store=None)
    assert info.value.field == "budget.source" and info.value.value == "m_does_not_exist"


def test_final_demand_adding_to_zero_and_overflow_are_refused():
    import numpy as np
    import pymrio

    import moneytrail as mt
    from moneytrail.errors import ModelError

    table = mt.IOModel.from_pymrio(pymrio.load_test())
    with pytest.raises(ModelError, match="adds up to 0"):
        mt.trace(np.zeros(table.n), table)
    assert mt.trace(np.ones(table.n), table, draws=np.int64(2)).draws == 2


def test_cli_refuses_bad_scheduler_missing_report_folder_and_huge_claim_draws(tmp_path):
    scenario = pathlib.Path(__file__).parents[1] / "scenarios" / "eu-ai-gigafactories.yaml"
    out = run_cli("trace", scenario, "--draws", "50", "--scheduler", "garbage")
    assert out.returncode == 2 and "not a Dask scheduler address" in out.stderr
    out = run_cli("report", scenario, "-o", tmp_path / "missing" / "x.html", "--draws", "50")
    assert out.returncode == 2 and "folder does not exist" in out.stderr
    out = run_cli("claims", "check", "--draws", "1000000000")
    assert out.returncode == 2 and "10,000,000" in out.stderr
