"""Browser test modules skip and mark themselves with the shared `webserver.browser_marks()`
(Playwright missing: the module is skipped; Debian's Chromium missing: its tests are, with
one reason naming the path and `make system-deps`), not with a Chromium skip block of their
own that drifts from it (two modules had one, with their own reasons)."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
OWN_SKIP = re.compile(r"skipif\(\s*not os\.path\.exists\(\s*CHROMIUM")


def browser_modules() -> list[Path]:
    return sorted(TESTS.rglob("test_*_browser.py"))


def test_every_browser_module_uses_the_shared_marks():
    modules = browser_modules()
    assert len(modules) >= 20
    own = [p.relative_to(TESTS).as_posix() for p in modules
           if "pytestmark = browser_marks()" not in p.read_text(encoding="utf-8")]
    assert own == [], f"browser modules without pytestmark = browser_marks(): {own}"


def test_no_module_keeps_its_own_chromium_skip_block():
    own = [p.relative_to(TESTS).as_posix() for p in sorted(TESTS.rglob("*.py"))
           if p.name != "webserver.py" and re.search(
               r"^pytestmark = \[[^\]]*" + OWN_SKIP.pattern, p.read_text(encoding="utf-8"),
               re.M | re.S)]
    assert own == [], f"modules with a Chromium skip block of their own: {own}"
