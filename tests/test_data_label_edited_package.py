"""An edited copy of the bundled data package keeps its version label, so everything that
prints the data version says it was changed locally, with its content hash: the CLI's run
line and footer, the result's provenance (JSON), the web run page's citation and the
briefing. The bundled package's text stays as it was."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from moneytrail.data.package import bundled_path, open_package
from moneytrail.scenarios import load_scenario
from moneytrail.service import tasks
from moneytrail.service.result import Result
from moneytrail.service.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """A copy of the bundled package with one market share changed."""
    folder = tmp_path_factory.mktemp("mydata") / "package"
    shutil.copytree(bundled_path(), folder)
    markets = folder / "valuechain" / "markets.csv"
    text = markets.read_text(encoding="utf-8")
    for old, new in (("nvidia,0.93,0.955,0.98", "nvidia,0.93,0.95,0.98"),
                     ("amd,0.02,0.042,0.065", "amd,0.02,0.047,0.065")):   # still adds up to 1
        assert old in text
        text = text.replace(old, new, 1)
    markets.write_text(text, encoding="utf-8")
    return folder


def label_of(folder):
    package = open_package(folder)
    return f"{package.version}, changed locally (hash {package.content_hash()[:8]})"


def test_the_workspace_labels_an_edited_copy_and_not_the_bundled_package(edited):
    bundled = open_package()
    assert Workspace.open().data_label == bundled.version
    copy = Workspace.open(edited)
    assert copy.data_version == bundled.version          # the label it kept
    assert copy.data_label == label_of(edited)
    assert copy.data_hash[:8] in copy.data_label


def test_the_cli_run_line_footer_and_json_say_so(edited, tmp_path):
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}

    def trace(*args):
        out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "trace", str(PLAN),
                              "--draws", "60", *args], cwd=ROOT, capture_output=True,
                             text=True, timeout=300, env=env)
        assert out.returncode == 0, out.stderr
        return " ".join(out.stdout.split())

    label = label_of(edited)
    table = trace("--data", str(edited))
    assert f"Data {label}." in table and f"data {label} · code" in table
    payload = json.loads(trace("--data", str(edited), "--format", "json"))
    assert payload["provenance"]["data_label"] == label
    assert payload["provenance"]["data_version"] == open_package().version
    assert Result.from_json(json.dumps(payload)).provenance.data_label == label
    version = open_package().version
    bundled = trace()
    assert f"Data {version}. " in bundled + " " and f"data {version} · code" in bundled
    assert "changed locally" not in bundled


def test_a_result_stored_before_labels_by_its_version():
    document = {"inputs": {}, "code_version": "0", "data_version": "2.5.5", "data_hash": "x"}
    from moneytrail.service.result import Provenance

    assert Provenance.from_dict(document).data_label == "2.5.5"


def test_the_run_page_and_briefing_cite_the_changed_package(edited, tmp_path):
    from fastapi.testclient import TestClient

    from moneytrail.report.briefing import render_briefing
    from moneytrail.web import create_app

    db = str(tmp_path / "store.db")
    label = label_of(edited)
    with Workspace.open(edited, db=db) as ws:
        result = tasks.trace_plan(ws, load_scenario(PLAN), draws=60, seed=3)
        html = render_briefing(ws, [result], fmt="html", sensitivity=False).decode("utf-8")
    assert f"data {label}" in html
    with TestClient(create_app(db=db, data=str(edited), start_reference_runs=False)) as client:
        page = client.get(f"/r/{result.run_id}")
    assert page.status_code == 200
    assert f"data package {label}, computed" in page.text
