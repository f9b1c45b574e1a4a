"""Write PNGs of every page of the web app at 1280 and 375 px wide (for review).

    python scripts/screenshots.py [OUTPUT_FOLDER]      # default: screenshots/

Starts a real server on a free loopback port with a temporary SQLite store and drives Debian's
Chromium (no browser download).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "web"))

from webserver import PAGES, launch_chromium, running_server  # noqa: E402

WIDTHS = (1280, 375)


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, \
            running_server(Path(tmp) / "ledger.sqlite", Path(tmp) / "server.log") as base, \
            sync_playwright() as pw:
        browser = launch_chromium(pw)
        pages = PAGES + run_pages(base)
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            for name, path in pages:
                if name == "run-wait":           # a fresh, long run: caught while it runs
                    path = "/r/" + start_run(base, {"reference": "stargate-style-us",
                                                    "draws": 20000, "seed": 1000 + width})
                page.goto(base + path, wait_until="networkidle")
                target = out / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            context.close()
        browser.close()


def start_run(base: str, body: dict) -> str:
    request = urllib.request.Request(base + "/api/v1/runs", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["run_id"]


def finished_run(base: str, body: dict, timeout: float = 180) -> str:
    run = start_run(base, body)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/v1/runs/{run}", timeout=60) as response:
            if json.load(response)["status"] == "done":
                return run
        time.sleep(0.3)
    raise RuntimeError(f"run {run} did not finish")


def run_pages(base: str) -> list[tuple[str, str]]:
    """The pages built on runs: two finished runs, their embed and comparison, the builder
    (from a reference, blank, and showing an error), and a run in progress."""
    sys.path.insert(0, str(ROOT / "src"))
    from moneytrail.web.runs import encode_draft

    first = finished_run(base, {"reference": "eu-ai-gigafactories", "draws": 2000})
    second = finished_run(base, {"reference": "stargate-style-us", "draws": 2000})
    broken = {"id": "broken", "title": "A plan with an error", "year": 2025,
              "currency": "EUR", "buyer_region": "EU", "budget": {"amount": 1e9},
              "spend": {"accelerators": {"central": 0.5}, "facility": {"central": 0.3}},
              "draws": 2000, "seed": 1}
    return [("run", f"/r/{first}"), ("run-us", f"/r/{second}"),
            ("embed-run", f"/embed/r/{first}/first"),
            ("compare", f"/compare?runs={first},{second}"),
            ("embed-compare", f"/embed/compare?runs={first},{second}"),
            ("build", "/build?reference=eu-ai-gigafactories"), ("build-blank", "/build"),
            ("build-error", f"/build?plan={encode_draft(broken)}&check=1"),
            ("claim-check",
             f"/claims/public-money-to-nvidia-and-hyperscalers/check?run={first}"),
            ("run-wait", "")]


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots")
