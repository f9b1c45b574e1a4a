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


def test_the_public_functions_say_their_arguments_returns_and_errors():
    """`help(mt.trace)` listed no draws, seed or keep_draws ("same arguments" as the engine's
    function): each function a researcher calls names every argument, what it returns and
    what it raises, and `mt.trace` takes the engine's arguments by name."""
    import inspect

    import moneytrail as mt

    trace = inspect.signature(mt.trace).parameters
    for name in ("draws", "seed", "tiers", "keep_draws", "evidence", "ws", "progress",
                 "scheduler", "chunk_size"):
        assert name in trace and trace[name].kind is inspect.Parameter.KEYWORD_ONLY
    doc = inspect.getdoc(mt.trace)
    for words in ("10,000", "default 4", "default False", "TraceResult", "FTE-years"):
        assert words in doc, words
    functions = [mt.trace, mt.load_model, mt.build_model, mt.load_scenario, mt.parse_scenario,
                 mt.headline, mt.scorecard, mt.reference_scenarios, mt.Workspace.open]
    for function in functions:
        doc = inspect.getdoc(function) or ""
        for name in inspect.signature(function).parameters:
            if name not in ("cls", "options"):
                assert f"`{name}`" in doc, (function.__qualname__, name)
        assert "Return" in doc and "Raise" in doc.replace("raise", "Raise"), \
            function.__qualname__


def test_cli_version_names_code_and_data_and_loads_no_numerics():
    """`moneytrail --version` and `-V` print the package's version and the bundled data
    package's (its descriptor's `version`), exit 0, and load no numerics (start-up stays fast)."""
    import json
    from importlib import resources
    from importlib.metadata import version

    descriptor = resources.files("moneytrail") / "data" / "package" / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))["version"]
    for flag in ("--version", "-V"):
        code = ("import sys\nfrom moneytrail.cli import main\n"
                f"try:\n    main([{flag!r}])\nexcept SystemExit as exc:\n"
                "    print('exit', exc.code)\n"
                "print(sorted({m.split('.')[0] for m in sys.modules} & "
                "{'numpy', 'pandas', 'scipy', 'pydantic', 'sqlalchemy', 'openpyxl'}))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
        assert out.stdout.splitlines() == [f"moneytrail {version('moneytrail')} (data {data})",
                                           "exit 0", "[]"], (flag, out.stdout, out.stderr)
