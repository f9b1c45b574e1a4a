"""Write PNGs of every page of the web app at 1280 and 375 px wide (for review).

    python scripts/screenshots.py [OUTPUT_FOLDER]      # default: screenshots/

Starts a real server on a free loopback port with a temporary SQLite store and drives Debian's
Chromium (no browser download).
"""

from __future__ import annotations

import sys
import tempfile
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
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            for name, path in PAGES:
                page.goto(base + path, wait_until="networkidle")
                target = out / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots")
