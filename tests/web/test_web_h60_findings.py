"""A parliamentary staffer's findings (h60): conditions in words and units, the methods page
and jargon explained, names instead of ids, the EU total in "In short", and a waiting page that
does not look finished before it starts."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.app import templates  # noqa: E402


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("h60") / "ledger.sqlite"
    return create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# -- 5. the waiting page ------------------------------------------------------------------------
@pytest.mark.parametrize(("status", "done", "label"), [
    ("queued", 0, "Monte Carlo draws: waiting to start"),
    ("running", 250, "Monte Carlo draws: 250 of 1,000 done")])
def test_waiting_page_labels_its_state_truthfully(status, done, label):
    state = {"id": "abc", "status": status, "done": done, "total": 1000, "error": ""}
    html = templates().get_template("run_wait.html").render(state=state, title="A plan")
    found = re.search(r'<label for="run-bar" id="run-bar-label">(.*?)</label>', html)
    assert found and found[1] == label
