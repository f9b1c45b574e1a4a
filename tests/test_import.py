"""`import moneytrail` stays light: no plotting, cluster, web or sensitivity libraries."""

import subprocess
import sys

HEAVY = ("plotly", "dask", "distributed", "fastapi", "SALib", "pymrio", "sqlalchemy",
         "frictionless", "matplotlib", "numpy", "pandas", "scipy", "pydantic", "rich",
         "zxcvbn", "argon2", "openpyxl", "pyarrow")


def test_import_moneytrail_loads_no_heavy_module():
    code = (f"import sys, moneytrail; heavy = {HEAVY!r}; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_cli_help_loads_no_numerics():
    """`moneytrail --help` imports the command line only (typer and rich), not the engine."""
    code = ("import sys, moneytrail.cli; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'numpy', 'pandas', 'scipy', 'pydantic', 'sqlalchemy', 'openpyxl'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_public_api_names_exist():
    import moneytrail as mt

    for name in ("load_model", "load_scenario", "trace", "IOModel", "headline", "scorecard",
                 "Workspace", "ledger"):
        assert hasattr(mt, name)
    assert callable(mt.ledger.open)
    assert hasattr(mt.IOModel, "from_pymrio") and hasattr(mt.IOModel, "solve")
    assert hasattr(mt.TraceResult, "by") and hasattr(mt.TraceResult, "total")
