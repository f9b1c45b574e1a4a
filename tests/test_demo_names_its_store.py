"""`moneytrail demo` ends by naming the store its runs went to (the SQLite file, or the
database URL with its password hidden) and how to open that same store in the web app."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_names_its_sqlite_file_and_the_serve_command_for_it(tmp_path):
    store = tmp_path / "demo store.sqlite"
    env = {k: v for k, v in os.environ.items() if k != "MONEYTRAIL_DATABASE_URL"}
    out = subprocess.run([sys.executable, "-m", "moneytrail", "demo", "--draws", "300",
                          "--db", str(store)], cwd=ROOT, capture_output=True, text=True,
                         timeout=900, env={**env, "PYTHONPATH": str(ROOT / "src"),
                                           "COLUMNS": "300"})
    assert out.returncode == 0, out.stderr
    last = " ".join(out.stdout.strip().splitlines()[-3:])
    assert f"The runs are stored in the SQLite file {store}" in last
    # the same store in the web app, the path quoted for the shell (it has a space)
    assert f"moneytrail serve --db '{store}'" in last
    assert "http://127.0.0.1:8000" in last


def test_the_store_lines_hide_a_database_password():
    from moneytrail.cli.plans import store_lines

    text = " ".join(store_lines("postgresql://ana:s3cret@db.example.org/moneytrail",
                                given=True))
    assert "s3cret" not in text
    assert "the database postgresql://ana:***@db.example.org/moneytrail" in text
    assert "moneytrail serve --db 'postgresql://ana:***@db.example.org/moneytrail'" \
        in text and "your password in place of ***" in text


def test_the_default_store_is_opened_by_make_serve(tmp_path):
    from moneytrail.cli.plans import store_lines

    text = " ".join(store_lines(f"sqlite:///{tmp_path}/ledger.sqlite", given=False))
    assert f"The runs are stored in the SQLite file {tmp_path}/ledger.sqlite" in text
    assert "make serve" in text and "--db" not in text
