"""A real moneytrail web server on a free loopback port, and Debian's Chromium to drive it.

Used by the browser tests and by `scripts/screenshots.py`. Never downloads a browser: it
launches the Chromium the app itself uses (`moneytrail.web.charts.find_browser`:
`MONEYTRAIL_CHROMIUM`, else `chromium` or `chromium-browser` on PATH; Debian's is
/usr/bin/chromium) through Playwright's `executable_path`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from moneytrail.web.charts import find_browser

SRC = Path(__file__).resolve().parents[2] / "src"
CHROMIUM = find_browser() or "/usr/bin/chromium"     # the path a skip message names
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
# every page a reader can reach without a run: (name, path)
PAGES = [
    ("home", "/"),
    ("ledger", "/ledger"),
    ("ledger-eu", "/ledger?region=EU"),
    ("totals", "/ledger/totals"),
    ("deal", "/ledger/deals/l_stargate_us_2025_01"),
    ("source", "/sources/l_stargate_2025_01_center"),
    ("claims", "/claims"),
    ("plan", "/plans/eu-ai-gigafactories"),
    ("embed", "/embed/reality"),
    ("error", "/ledger?year=abc"),
]


# the first admin `moneytrail serve` makes from MONEYTRAIL_ADMIN_NAME / _PASSWORD
ADMIN = ("boss", "first admin from the environment")


def free_port() -> int:
    """A free local port: the first free one of MONEYTRAIL_TEST_PORTS (comma-separated, for
    a machine where tests may use only some ports), else any the system gives."""
    allowed = [int(p) for p in os.environ.get("MONEYTRAIL_TEST_PORTS", "").split(",") if p]
    for port in allowed:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)     # as the server
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    if allowed:
        raise RuntimeError(f"none of MONEYTRAIL_TEST_PORTS is free: {allowed}")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(db: Path | str, log: Path, timeout: float = 90.0,
                   extra: tuple[str, ...] = ()) -> Iterator[str]:
    """`moneytrail serve` on a fresh port with the store `db` (and `extra` options); yields
    its base URL."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.pop("MONEYTRAIL_DATABASE_URL", None)
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "moneytrail.cli", "serve", "--host",
                                 "127.0.0.1", "--port", str(port), "--db", str(db),
                                 *extra],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, proc, log, timeout)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def admin_in_environment(name: str = ADMIN[0], password: str = ADMIN[1]) -> Iterator[None]:
    """MONEYTRAIL_ADMIN_NAME and MONEYTRAIL_ADMIN_PASSWORD set (a server started inside makes
    that first admin), as they were afterwards."""
    saved = {k: os.environ.get(k) for k in ("MONEYTRAIL_ADMIN_PASSWORD",
                                            "MONEYTRAIL_ADMIN_NAME")}
    os.environ["MONEYTRAIL_ADMIN_NAME"], os.environ["MONEYTRAIL_ADMIN_PASSWORD"] = name, password
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def visit(browser, server: str, path: str, width: int, settle_ms: int = 200):
    """A fresh context `width` px wide on `server + path` (it must answer 200), given
    `settle_ms` for tables.js to measure after load: (context, page); close the context.
    `page.problems` collects uncaught exceptions."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    assert page.goto(server + path, wait_until="networkidle").status == 200
    page.wait_for_timeout(settle_ms)
    return context, page


def log_in(page, server: str, name: str, password: str, next: str = "/account") -> None:
    """Log `name` in through the login form of `server`, which then leads to `next`."""
    page.goto(f"{server}/login?next={next}")
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def serious_violations(browser, url: str, width: int) -> list[tuple]:
    """axe-core's serious and critical violations on `url` at `width` px with every
    <details> open: (rule id, impact, the first three targets) each."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(url, wait_until="networkidle")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        violations = Axe().run(page).response["violations"]
    finally:
        context.close()
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in violations if v["impact"] in ("serious", "critical")]


def wait_until_up(base: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/api/v1/plans", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{log.read_text()}")


def browser_marks() -> list:
    """The `pytestmark` of a browser test module: `pytestmark = browser_marks()`. Skips the
    whole module when Playwright is not installed; marks its tests `browser` and skips them
    when Debian's Chromium is missing."""
    import pytest

    pytest.importorskip("playwright.sync_api")
    return [pytest.mark.browser,
            pytest.mark.skipif(not os.path.exists(CHROMIUM),
                               reason=f"Debian's Chromium is not installed at {CHROMIUM} "
                                      "(make system-deps installs it)")]


def launch_chromium(playwright):
    """Debian's Chromium, headless, with nothing fetched from the network."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True)


def api(server: str, path: str, body: dict | None = None, timeout: float = 120) -> dict:
    """GET `path` (or POST `body` as JSON) on the server at `server`: the JSON answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server + path, data=data, headers={
        "Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def run_of(server: str, body: dict, timeout: float = 180) -> str:
    """Start a run with `body` through the API and wait until it is done: its id."""
    rid = api(server, "/api/v1/runs", body)["run_id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if api(server, f"/api/v1/runs/{rid}")["status"] == "done":
            return rid
        time.sleep(0.2)
    raise AssertionError(f"run {rid} not done")
