"""An option whose package comes with an extra of pyproject.toml (`--method sobol`: SALib,
the sensitivity extra; `--scheduler`: distributed, the dask extra) says in one line what to
install when the extra is missing, as `--db postgresql://...` does without psycopg. `make demo`
installs no extra: a 76- and a 107-line ModuleNotFoundError traceback before (tester 56)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import moneytrail as mt
from moneytrail.errors import MoneytrailError, ResourceError

PLAN = Path(mt.__file__).parent / "scenarios" / "reference" / "eu-ai-gigafactories.yaml"


def without(module: str, *args: str) -> subprocess.CompletedProcess:
    """`moneytrail ARGS` in a process where importing `module` fails, as it does when the
    extra that brings it is not installed."""
    code = (f"import sys; sys.modules[{module!r}] = None; "
            f"sys.argv = ['moneytrail', *{list(args)!r}]; "
            "from moneytrail.cli import main; main()")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize(("module", "args", "extra", "field"), [
    ("SALib.analyze", ["sensitivity", str(PLAN), "--method", "sobol"], "sensitivity",
     "--method"),
    ("distributed", ["trace", str(PLAN), "--draws", "100", "--scheduler",
                     "tcp://127.0.0.1:1"], "dask", "--scheduler"),
])
def test_a_missing_extra_is_one_line_naming_the_install(module, args, extra, field):
    done = without(module, *args)
    assert done.returncode == 3, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert field in lines[0]
    assert f"pip install -e '.[{extra}]'" in lines[0]
    assert module.split(".")[0] + " is not installed" in lines[0]


def test_the_python_api_raises_a_moneytrail_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    from moneytrail.engine.cluster import connect

    with pytest.raises(ResourceError, match=r"dask extra") as caught:
        connect("tcp://127.0.0.1:1")
    assert isinstance(caught.value, MoneytrailError)
    assert caught.value.field == "--scheduler"
