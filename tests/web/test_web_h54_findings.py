"""A run `moneytrail trace` stored (without analyses) seen through the web app (tester h54):
its report download is the briefing `moneytrail report` writes of the same run id (traced
again with analyses, both runs named), not a thinner one of the stored run; and its run page's
"Reproduce these numbers" commands give the run ids they say, for runs stored with and
without analyses (the commands are run here)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
DRAWS = 300


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()).replace(" ,", ",")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("h54") / "ledger.sqlite"
    return create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def cli_trace(app, name: str) -> str:
    """A run stored as `moneytrail trace` stores it (analyses=False) in the app's store."""
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    ws = app.state.workspace
    return tasks.trace_plan(ws, load_scenario(SCENARIOS / f"{name}.yaml"), draws=DRAWS, seed=1,
                            analyses=False).run_id


@pytest.fixture(scope="module")
def cli_run(app, client) -> str:
    return cli_trace(app, "eu-ai-gigafactories")


def without_dates(text: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\d[ T][\d:.]+(\+00:00| UTC)?", "DATE", text)


def test_web_report_of_a_cli_run_is_the_cli_briefing(app, client, cli_run):
    """/r/R/report.html used the stored run as it is: no scorecard, so the EU share was the
    'EU, not split by member state' row alone (20.1 % where the EU keeps 22.7 %), no category
    amounts, no Sankey. It is now the briefing `moneytrail report R` writes."""
    from moneytrail.report.briefing import render_briefing, resolve_runs

    ws = app.state.workspace
    results, asked = resolve_runs(ws, [cli_run])
    analysed = results[0].run_id
    assert analysed != cli_run
    # the web's briefing links the site's public address (MONEYTRAIL_PUBLIC_URL), or when it
    # is unset the address the request reached (h226: a briefing's links must work from a file)
    cli = text_of(render_briefing(ws, results, fmt="html", asked=asked,
                                  base_url=app.state.public_url or "http://testserver"
                                  ).decode("utf-8"))
    response = client.get(f"/r/{cli_run}/report.html")
    assert response.status_code == 200, response.text
    web = text_of(response.text)
    assert f"Computed from run {cli_run}, the run asked for: it was stored without " \
           "analyses" in web
    assert analysed in web
    assert "EU, not split by member state as value added" not in web
    assert without_dates(web) == without_dates(cli)
    pdf = client.get(f"/r/{cli_run}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_web_comparison_report_of_cli_runs_names_both_runs_of_each(app, client, cli_run):
    us = cli_trace(app, "stargate-style-us")
    response = client.get(f"/compare/report.html?runs={cli_run},{us}")
    assert response.status_code == 200, response.text
    text = text_of(response.text)
    for rid in (cli_run, us):
        assert f"Computed from run {rid}, the run asked for" in text


def reproduce_section(client, rid: str) -> tuple[str, str, str, str]:
    """The run page's reproduce note, CLI command, Python snippet and plan file name."""
    page = client.get(f"/r/{rid}").text
    start = page.index("Reproduce these numbers")
    section = page[start:page.index("</details>", start)]
    note = text_of(re.findall(r"<p>(.*?)</p>", section, re.S)[0])
    cli, python = (unescape(code) for code in
                   re.findall(r"<pre><code>(.*?)</code></pre>", section, re.S)[:2])
    file = re.search(r"<code>([^<]+\.yaml)</code>", section).group(1)
    return note, cli, python, file


def run_printed(client, rid: str, folder: Path) -> tuple[str, str, str, str]:
    """Save the run's plan as the page says, run its CLI command and Python snippet on a
    fresh store: (note, the snippet's run id comment, the CLI's run id, the snippet's)."""
    note, cli, python, file = reproduce_section(client, rid)
    folder.mkdir()
    (folder / file).write_bytes(client.get(f"/api/v1/runs/{rid}/plan.yaml").content)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"),
                                                        os.environ.get("PYTHONPATH", "")]),
           "MONEYTRAIL_DATABASE_URL": f"sqlite:///{folder / 'store.sqlite'}"}
    args = shlex.split(cli)
    assert args[0] == "moneytrail"
    done = subprocess.run([sys.executable, "-m", "moneytrail", *args[1:]], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    cli_id = re.findall(r"run ([0-9a-f]{32})", done.stdout)[-1]
    done = subprocess.run([sys.executable, "-c", python], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    comment = re.search(r"# ([0-9a-f]{32}) on the same code and data", python).group(1)
    return note, comment, cli_id, done.stdout.split()[0]


def test_reproduce_commands_of_a_cli_run_give_that_run(client, cli_run, tmp_path):
    """The page said the CLI command's 'run id differs because moneytrail trace leaves out
    the scorecard', but for a run `moneytrail trace` stored it gives that very run; the Python
    snippet, commented with the run's id, printed the id of the run with analyses."""
    note, comment, cli_id, python_id = run_printed(client, cli_run, tmp_path / "cli")
    assert cli_id == cli_run and python_id == cli_run and comment == cli_run
    assert "differs" not in note and cli_run in note


def test_reproduce_commands_of_a_web_run_say_what_they_give(client, tmp_path):
    rid = finished(client, {"reference": "eu-ai-gigafactories", "draws": DRAWS, "seed": 2})
    note, comment, cli_id, python_id = run_printed(client, rid, tmp_path / "web")
    assert python_id == rid and comment == rid
    assert cli_id != rid and "its run id differs" in note
