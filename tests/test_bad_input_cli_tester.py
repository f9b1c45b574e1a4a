"""A fresh tester's command-line findings: each is now one line naming the option or field and
the value, with the exit code of its error class, before any work starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from moneytrail.cli import main

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
STARGATE = str(ROOT / "scenarios" / "stargate-style-us.yaml")


def run_main(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("stage", ["bogus", "committed"])
def test_stage_without_deal_is_refused(capsys, stage):
    code, out, err = run_main(capsys, "trace", STARGATE, "--draws", "301", "--stage", stage)
    assert code == 2
    assert one_line(err) == (f"error: field '--stage', value '{stage}': --stage only applies "
                             "with --deal (the ledger deal whose amount at that stage is "
                             "traced)")
    assert not out.strip()


def test_history_of_an_unknown_record_is_not_found(capsys, tmp_path):
    db = str(tmp_path / "ledger.sqlite")
    code, out, err = run_main(capsys, "ledger", "history", "deal", "nosuch", "--db", db)
    assert code == 4
    assert one_line(err) == ("error: field 'deal', value 'nosuch': no deal with this key (it "
                             "has no revisions)")
    code, out, _ = run_main(capsys, "ledger", "history", "deal", "l_stargate_us_2025_01",
                            "--db", db)
    assert code == 0 and "l_stargate_us_2025_01" in out


def test_db_in_a_missing_folder_is_refused_and_nothing_is_created(capsys, tmp_path):
    path = tmp_path / "nonexistent" / "dir" / "x.db"
    code, _, err = run_main(capsys, "ledger", "list", "--db", str(path))
    assert code == 2
    assert one_line(err) == (f"error: field '--db', value '{path}': the folder of this ledger "
                             "store does not exist (create it first, or give a file in an "
                             "existing folder)")
    assert not (tmp_path / "nonexistent").exists()


def test_the_default_store_folder_is_still_created(monkeypatch, tmp_path):
    from moneytrail.ledger import location

    default = tmp_path / "data" / "moneytrail" / "ledger.sqlite"
    monkeypatch.delenv(location.ENV_URL, raising=False)
    monkeypatch.setattr(location, "default_path", lambda: default)
    assert location.resolve_url() == f"sqlite:///{default}"
    assert default.parent.is_dir()
    monkeypatch.setenv(location.ENV_URL, str(tmp_path / "gone" / "x.db"))
    with pytest.raises(Exception) as info:
        location.resolve_url()
    assert info.value.field == location.ENV_URL


def test_missing_postgres_driver_says_how_to_install_it(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)     # as after `make demo`: no driver
    code, _, err = run_main(capsys, "ledger", "list", "--db", "postgresql://u@127.0.0.1:1/db")
    assert code == 2
    line = one_line(err)
    assert line.startswith("error: field '--db', value 'postgresql+psycopg://u@127.0.0.1:1/db'"
                           ": the database driver is not installed (")
    assert ".venv/bin/pip install -e '.[postgres]'" in line
    readme = (ROOT / "README.md").read_text()
    offer = readme.index('SERVE_ARGS="--db postgresql://')
    assert ".venv/bin/pip install -e '.[postgres]'" in readme[offer:offer + 300]
    assert 'postgres = ["psycopg' in (ROOT / "pyproject.toml").read_text()


def test_serve_on_a_busy_port_is_one_line_before_the_address(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(SRC),
               "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}"}
        out = subprocess.run([sys.executable, "-m", "moneytrail", "serve", "--port", str(port)],
                             capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 3                  # uvicorn's startup failure code, as before
    assert "open http" not in out.stdout
    assert one_line(out.stderr) == (f"error: field '--port', value {port}: the port is already "
                                    "in use on 127.0.0.1 (another server runs there: stop it "
                                    "or choose another --port)")


def write_plan(tmp_path, name: str, **changes) -> str:
    import yaml

    data = yaml.safe_load((ROOT / "scenarios" / "eu-ai-gigafactories.yaml").read_text())
    data.update(id=name, **changes)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def test_a_price_year_without_fx_rates_is_refused_before_the_trace(capsys, tmp_path):
    path = write_plan(tmp_path, "old-prices", price_year=1990)
    code, out, err = run_main(capsys, "trace", path, "--draws", "50")
    assert code == 2
    assert one_line(err).startswith(f"error: {path}, field 'price_year', value 1990: no FX "
                                    "rates to convert EUR to USD")
    assert not out.strip()


@pytest.mark.parametrize("command", [("trace",), ("compare",), ("analyse",),
                                     ("sensitivity",)])
def test_a_price_year_after_the_newest_fx_and_deflator_year_is_refused(capsys, tmp_path,
                                                                       command):
    """The data reach 2026: prices of 2030 would be converted at 2026 rates as if nothing
    had changed. One line naming the file, price_year, the value and the newest year."""
    path = write_plan(tmp_path, "future-prices", price_year=2030)
    draws = () if command == ("sensitivity",) else ("--draws", "50")
    code, out, err = run_main(capsys, *command, path, *draws)
    assert code == 2, err
    assert one_line(err) == (
        f"error: {path}, field 'price_year', value 2030: price year later than the newest "
        "year of the data package's FX rates and deflators (2026, macro/fx.csv and "
        "macro/deflators.csv); give a price_year of 2026 or earlier")
    assert not out.strip()
    code, _, err = run_main(capsys, "trace", write_plan(tmp_path, "now-prices",
                                                        price_year=2026), "--draws", "50")
    assert code == 0, err                               # the newest year itself is fine


def test_an_empty_title_is_refused(capsys, tmp_path):
    path = write_plan(tmp_path, "untitled", title="  ")
    code, _, err = run_main(capsys, "trace", path, "--draws", "50")
    assert code == 2
    assert one_line(err) == (f"error: {path}, field 'title', value '  ': a plan needs a title "
                             "(it heads every page and report)")


def test_a_file_id_keeps_the_file_rule(capsys, tmp_path):
    """Files are not held to the web's id rule: the id equals the file name, as before."""
    path = write_plan(tmp_path, "my_plan")
    code, out, _ = run_main(capsys, "trace", path, "--draws", "50")
    assert code in (0, None) and "value added reconciles" in out
