"""h248: text from data and user files (a plan's title, an error's value, a ledger record, a
claim, a table cell or caption) is printed on the terminal exactly as written: rich markup in
it (`[bold red]`, `[link=...]`) is neither applied nor dropped, an emoji code (`:x:`) is not
replaced by an emoji, and no terminal hyperlink (OSC 8, `ESC ]8;`) can be injected, also on a
forced terminal (FORCE_COLOR)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from cli_runs import ROOT

TITLE = "Plan :x: :rocket: [bold red]BOLD[/bold red] [link=http://evil]x[/link]"
DATA = "[red]Red[/red] :x: [link=http://evil]x[/link]"
OSC8 = "\x1b]8;"
EMOJI = ("\u274c", "\U0001f680")            # what :x: and :rocket: became
SGR = re.compile(r"\x1b\[[0-9;]*m")         # colours and bold: not part of the text


def cli(*args: str, store: Path, forced: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(store),
           "PYTHONPATH": str(ROOT / "src"), "USER": "h248"}
    env.pop("FORCE_COLOR", None)
    env.pop("NO_COLOR", None)
    if forced:
        env["FORCE_COLOR"] = "1"            # rich writes to the pipe as to a terminal
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)


def as_read(text: str) -> str:
    """`text` without its colours, each line's table borders and padding kept."""
    return SGR.sub("", text)


def safe(text: str) -> None:
    assert OSC8 not in text
    assert not any(e in text for e in EMOJI), text


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory) -> Path:
    import yaml

    plan = yaml.safe_load((ROOT / "scenarios" / "efficiency-first-eu.yaml").read_text())
    plan.update(id="rich-test", title=TITLE)
    path = tmp_path_factory.mktemp("h248") / "rich-test.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False))
    return path


@pytest.mark.parametrize("forced", [False, True])
def test_trace_prints_a_plans_title_as_written(plan_file, tmp_path, forced):
    done = cli("trace", str(plan_file), "--draws", "50", store=tmp_path / "runs.sqlite",
               forced=forced)
    assert done.returncode == 0, done.stderr
    assert TITLE in as_read(done.stdout)
    assert ("\x1b[" in done.stdout) is forced       # the forced terminal is in colour
    safe(done.stdout + done.stderr)


@pytest.mark.parametrize("forced", [False, True])
def test_an_errors_value_keeps_its_emoji_codes_and_markup(tmp_path, forced):
    path = tmp_path / "passwd"
    path.write_text("root:x:0:0:root:/root:/bin/bash [b]x[/b]\n")
    done = cli("trace", str(path), store=tmp_path / "runs.sqlite", forced=forced)
    assert done.returncode == 2
    line = as_read(done.stderr)
    assert line.startswith("error: ") and "'root:x:0:0:root:/root:/bin/bash [b]x[/b]'" in line
    safe(done.stderr)


def test_a_ledger_table_cell_is_shown_as_written(tmp_path):
    store = tmp_path / "ledger.sqlite"
    added = cli("ledger", "add", "deal", "id=l_h248", f"name={DATA}", "region=EU",
                "sector=public", "purpose=compute", "announced=2025-01-01",
                "sources=l_stargate_2025_01_center", "--reason", "h248", store=store,
                forced=True)
    assert added.returncode == 0, added.stderr
    listed = cli("ledger", "list", store=store, forced=True)
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in as_read(listed.stdout).splitlines() if "l_h248" in line)
    assert DATA in row
    safe(listed.stdout)


def rendered(table) -> str:
    """`table` printed on a console with rich's defaults (markup and emoji codes read) on a
    forced terminal: the report's tables are text whatever console prints them."""
    console = Console(file=StringIO(), width=400, force_terminal=True)
    console.print(table)
    out = console.file.getvalue()
    safe(out)
    return as_read(out)


def test_ledger_tables_title_caption_and_cells_are_text():
    from moneytrail.report.ledger import history_caption, rich_table

    frame = pd.DataFrame({"revision": [3], "note": [DATA]})
    text = rendered(rich_table(frame, title=f"Deal {DATA}",
                               caption=history_caption(frame, "deal", DATA, 3)))
    assert f"Deal {DATA}" in text
    assert f"│ {DATA} │" in text
    said = " ".join(text.split())                   # the caption wraps at the table's width
    assert f"deal '{DATA}' is at record revision 3" in said
    assert f"'ledger edit deal {DATA} --revision 3 ...'" in said


def test_a_result_tables_cells_title_and_note_are_text():
    from moneytrail.report.terminal import rich_table
    from moneytrail.service.result import Table

    frame = pd.DataFrame({"firm": [DATA], "detail": [f"see {DATA}"]})
    table = Table.from_frame("things", frame, title=f"Things {DATA}", note=f"Note {DATA}")
    text = rendered(rich_table(table))
    assert f"Things {DATA}" in text and f"Note {DATA}" in text
    assert f"│ {DATA} │ see {DATA} │" in text


def test_a_claims_table_cell_is_text_its_verdicts_coloured():
    from moneytrail.report.terminal import claims_table
    from moneytrail.service.result import Table

    frame = pd.DataFrame([{"claim": "c", "text": f"Claim {DATA}", "check": f"check {DATA}",
                           "bound": "min 0.5", "bound_text": "at least 50 %",
                           "figure": "60 %", "p_holds": 0.9, "check_verdict": "supported",
                           "verdict": "supported", "combine": "all", "note": f"n {DATA}",
                           "sources": f"s {DATA}"}])
    console = Console(file=StringIO(), width=600, force_terminal=True)
    console.print(claims_table(Table.from_frame("claims", frame, title="Claims")))
    out = console.file.getvalue()
    safe(out)
    text = " ".join(as_read(out).split())
    for cell in (f"Claim {DATA}", f"check {DATA} (at least 50 %)", f"n {DATA}", f"s {DATA}"):
        assert cell in text
    assert "\x1b[32msupported" in out                  # the code's own colour stays


def test_the_clis_consoles_read_no_markup_nor_emoji_codes_and_errors_colour_their_label(
        capsys):
    from moneytrail.cli.common import console, err, print_error
    from moneytrail.errors import MoneytrailError

    console.print(DATA)
    print_error(MoneytrailError("bad [b]value[/b]", field="f", value=":x:"))
    out = capsys.readouterr()
    assert out.out.strip() == DATA
    assert out.err.strip() == "error: field 'f', value ':x:': bad [b]value[/b]"
    assert not console._markup and not console._emoji and not err._emoji
