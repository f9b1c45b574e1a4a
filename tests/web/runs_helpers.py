"""Helpers shared by the web tests that start runs through the API."""

from __future__ import annotations

import re
import time
from html import unescape
from pathlib import Path


def wait_done(client, run_id: str, timeout: float = 240) -> dict:
    """Poll `/api/v1/runs/{run_id}` until the run is done or failed; return its last status body.
    Every poll must be a 200 with a known status and 0 <= done <= total."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(f"/api/v1/runs/{run_id}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] in ("queued", "running", "done", "error"), body
        assert 0 <= body["done"] <= body["total"], body
        if body["status"] in ("done", "error"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} not done within {timeout} s")


def finished(client, body: dict) -> str:
    """Start a run with `body` and wait until it is done (a failed run fails the test): its id.
    A client logged in through the login form (`.csrf`, accounts_fixtures.login) sends its
    session's CSRF token, as a browser page of that session does."""
    token = getattr(client, "csrf", None)
    response = client.post("/api/v1/runs", json=body,
                           headers={"X-CSRF-Token": token} if token else None)
    assert response.status_code in (200, 202), response.text
    run_id = response.json()["run_id"]
    status = wait_done(client, run_id)
    assert status["status"] == "done", status
    return run_id


def form_fields(html: str) -> dict[str, str]:
    """What a browser would submit: every input's value and every select's chosen option."""
    fields = {name: unescape(value) for name, value in
              re.findall(r'<input [^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)}
    for name, body in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', html,
                                 re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        fields[name] = unescape(chosen.group(1)) if chosen else ""
    return fields


def built_run(client, draws: int, seed: int) -> str:
    """A plan from the builder as a user leaves it (EUR 20 bn on the blank form's first row,
    the shares the plan's own inputs), run to the end: its run id."""
    fields = form_fields(client.get("/build").text)
    fields.update({"budget": "20 bn", "title": "My accelerators", "draws": str(draws),
                   "seed": str(seed), "action": "run"})
    response = client.post("/build", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/r/([0-9a-f]+)", response.headers["location"])
    assert found, response.headers["location"]
    assert wait_done(client, found.group(1))["status"] == "done"
    return found.group(1)


def run_page_and_tables(db: Path, body: dict, tables: tuple[str, ...]) -> tuple[str, dict]:
    """A run of `body` on a fresh web app over the store `db`: its run page's HTML and, by
    table name, the API's rows of each of `tables` (?table=NAME)."""
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as client:
        rid = finished(client, body)
        page = client.get(f"/r/{rid}")
        payload = {name: client.get(f"/api/v1/runs/{rid}?table={name}").json()
                   for name in tables}
    assert page.status_code == 200
    return page.text, payload


def page_text(page: str) -> str:
    """An HTML page's text as a reader sees it: tags dropped, entities decoded, spaces
    collapsed."""
    return unescape(" ".join(re.sub(r"<[^>]+>", "", page).split()))


class PublicAddress:
    """`app.state.public_url` set to `value` inside the block, as MONEYTRAIL_PUBLIC_URL."""

    def __init__(self, app, value: str) -> None:
        self.app, self.value = app, value

    def __enter__(self) -> None:
        self.kept, self.app.state.public_url = self.app.state.public_url, self.value

    def __exit__(self, *exc) -> None:
        self.app.state.public_url = self.kept
