"""Where the store lives, light imports, and the Frictionless schemas of the ledger files."""

import subprocess
import sys

import pytest
from ledgerdata import tables, write_ledger_package

from moneytrail.ledger import location


def test_url_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv(location.ENV_URL, raising=False)
    monkeypatch.setattr(location, "default_path", lambda: tmp_path / "data" / "ledger.sqlite")
    assert location.resolve_url() == f"sqlite:///{tmp_path / 'data' / 'ledger.sqlite'}"
    monkeypatch.setenv(location.ENV_URL, "sqlite:///from-env.sqlite")
    assert location.resolve_url() == "sqlite:///from-env.sqlite"
    assert location.resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert location.resolve_url(":memory:") == "sqlite://"      # not a file named ':memory:'
    assert location.resolve_url(tmp_path / "x.sqlite") == f"sqlite:///{tmp_path / 'x.sqlite'}"


def test_default_store_is_in_the_user_data_dir():
    assert "moneytrail" in str(location.default_path())


def test_import_moneytrail_does_not_load_sqlalchemy():
    code = ("import sys, moneytrail, moneytrail.ledger, moneytrail.cli; "
            "print('sqlalchemy' in sys.modules, 'alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["False", "False"]


def frictionless_errors(root):
    from frictionless import validate

    report = validate(str(root / "datapackage.json"))
    return [(task.name, error.type) for task in report.tasks for error in task.errors]


def test_schemas_accept_the_fixture(package):
    assert frictionless_errors(package) == []


@pytest.mark.parametrize(("resource", "change", "error"), [
    ("ledger-claims", {"deal": "d_nowhere"}, "foreign-key"),
    ("ledger-claims", {"stage": "promised"}, "constraint-error"),
    ("ledger-claims", {"central": "lots"}, "type-error"),
    ("ledger-claims", {"as_of": "26/11/2026"}, "constraint-error"),
    ("ledger-deals", {"sector": "charity"}, "constraint-error"),
    ("macro-fx", {"currency": "usd"}, "constraint-error"),
])
def test_schemas_reject_bad_rows(tmp_path, resource, change, error):
    data = tables()
    data[resource][0] = {**data[resource][0], **change}
    errors = frictionless_errors(write_ledger_package(tmp_path / "bad", data))
    assert (resource, error) in errors, errors
