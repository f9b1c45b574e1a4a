"""The README's examples run as written (from the repository root)."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
COMMANDS = [line[2:] for block in re.findall(r"```console\n(.*?)```", README, flags=re.S)
            for line in block.splitlines() if line.startswith("$ moneytrail ")]


def test_readme_has_examples():
    assert len(PYTHON_BLOCKS) >= 2 and len(COMMANDS) >= 3


@pytest.mark.parametrize("code", PYTHON_BLOCKS, ids=[f"python-{i}" for i in
                                                     range(len(PYTHON_BLOCKS))])
def test_python_examples(code):
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_examples(command, tmp_path):
    args = shlex.split(command)
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}"}
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", *args[1:]], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()


def test_readme_service_example_is_the_cli_run(tmp_path):
    """The README's `tasks.trace_plan` example and `moneytrail trace` on the same plan, draws
    and seed are one run: the same run id (the CLI then reads the example's stored run)."""
    import json

    block = next(b for b in PYTHON_BLOCKS if "tasks.trace_plan(" in b)
    call = re.search(r"tasks\.trace_plan\(ws, plan, draws=([\d_]+), seed=(\d+)", block)
    scenario = re.search(r'load_scenario\("([^"]+)"\)', block)
    assert call and scenario, block
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}"}
    example = subprocess.run([sys.executable, "-c", block], cwd=ROOT, capture_output=True,
                             text=True, timeout=300, env=env)
    assert example.returncode == 0, example.stderr
    example_id = example.stdout.split()[0]
    cli = subprocess.run([sys.executable, "-m", "moneytrail.cli", "trace", scenario.group(1),
                          "--draws", call.group(1).replace("_", ""), "--seed", call.group(2),
                          "--format", "json"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, env=env)
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["run_id"] == example_id


def web_app_section() -> str:
    """The README's "Web app" section up to its first bold-titled part."""
    section = README.split("\n## Web app\n", 1)[1]
    return section.split("\n**", 1)[0]


def test_the_web_app_part_reads_as_short_numbered_steps():
    """It was one paragraph of 36 lines: it is numbered steps (start, open the address, what
    is where), and no paragraph or step of it is longer than a dozen lines."""
    section = web_app_section()
    steps = re.findall(r"^(\d)\. \*\*([^*]+)\*\*", section, flags=re.M)
    assert [n for n, _ in steps] == ["1", "2", "3"], steps
    assert steps[0][1].startswith("Start") and steps[1][1].startswith("Open the address")
    blocks = re.split(r"\n(?=\d\. |- )|\n\n", section)
    assert max(len(block.strip().splitlines()) for block in blocks) <= 12
    # the commands stay as they were, and what the section says stays said
    text = " ".join(section.split())
    assert "`make serve` runs `moneytrail serve [--host 127.0.0.1] [--port 8000] [--db URL] " \
        "[--trust-proxy ADDRESS] [--allowed-host NAME]`" in text
    for said in ("given up after 60 seconds without a heartbeat", "`/embed/reality`",
                 "`X-Moneytrail-*` response headers", "one `Problem` schema for errors",
                 "an example `curl` line each"):
        assert said in text
    assert "make demo    # creates .venv" in README and "make test    # same set-up" in README


def test_readme_ledger_at_a_revision_example_lists_deals(tmp_path):
    """The README's `L.at(12).list()` gave an empty list (a fresh store loads sources first,
    deals and claims after revision 130 or so): its example takes a revision from the history
    and lists the deals with an amount there."""
    block = next((b for b in PYTHON_BLOCKS if "L.at(" in b), None)
    assert block is not None, "no Python example of L.at(revision)"
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}"}
    out = subprocess.run([sys.executable, "-c", block], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    found = re.search(r"revision (\d+) of (\d+): (\d+) deals with an amount", out.stdout)
    assert found and int(found.group(3)) > 0 and int(found.group(1)) <= int(found.group(2))
    assert "l_" in out.stdout                      # deal ids listed
