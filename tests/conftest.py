import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
# Starlette's TestClient sends `Host: testserver`; the app answers only to allowed hosts
# (web.app.allowed_hosts), so the tests allow it next to the loopback names
os.environ.setdefault("MONEYTRAIL_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,[::1]")

from cli_runs import CliStore  # noqa: E402
from packages import miller_blair_tables, write_package  # noqa: E402


@pytest.fixture
def mb_package(tmp_path):
    return write_package(tmp_path / "mb", miller_blair_tables())


@pytest.fixture
def mb_uncertain_package(tmp_path):
    return write_package(tmp_path / "mbu", miller_blair_tables(spread=0.05))


@pytest.fixture(autouse=True, scope="session")
def no_width():
    """CLI output in tests is laid out as piped output without MONEYTRAIL_WIDTH (no width
    limit), whatever the shell running the tests exports (subprocess CLI tests inherit this)."""
    old = os.environ.pop("MONEYTRAIL_WIDTH", None)
    yield
    if old is not None:
        os.environ["MONEYTRAIL_WIDTH"] = old


@pytest.fixture(autouse=True, scope="session")
def cache_dir(tmp_path_factory):
    """Validation markers go to a temporary cache dir (subprocess CLI tests inherit it)."""
    folder = tmp_path_factory.mktemp("cache")
    old = os.environ.get("MONEYTRAIL_CACHE_DIR")
    os.environ["MONEYTRAIL_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("MONEYTRAIL_CACHE_DIR", None)
    else:
        os.environ["MONEYTRAIL_CACHE_DIR"] = old


@pytest.fixture(autouse=True, scope="session")
def default_store(tmp_path_factory):
    """Commands run without --db store their runs in a temporary SQLite file, never in the
    user's own store (subprocess CLI tests inherit it); a test may still set its own."""
    folder = tmp_path_factory.mktemp("store")
    old = os.environ.get("MONEYTRAIL_DATABASE_URL")
    if old is None:
        os.environ["MONEYTRAIL_DATABASE_URL"] = str(folder / "ledger.sqlite")
    yield folder
    if old is None:
        os.environ.pop("MONEYTRAIL_DATABASE_URL", None)


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory) -> CliStore:
    """A fresh SQLite store of the test module's own, with the CLI to run against it (one per
    module, so the runs a module's fixtures trace stay for all its tests)."""
    return CliStore(tmp_path_factory.mktemp("cli-store") / "runs.sqlite")


@pytest.fixture(scope="module")
def module_db(tmp_path_factory) -> str:
    """A fresh SQLite store of the test module's own: its path (the runs a module's fixtures
    trace stay for all its tests)."""
    return str(tmp_path_factory.mktemp("module-db") / "ledger.sqlite")


@pytest.fixture(scope="module")
def module_ws(module_db):
    """A Workspace over `module_db`, one per test module."""
    from moneytrail.service.workspace import Workspace

    with Workspace.open(db=module_db) as workspace:
        yield workspace


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (one per test module; never a downloaded
    browser). Browser test modules skip themselves when Chromium is missing."""
    sync_api = pytest.importorskip("playwright.sync_api")
    sys.path.insert(0, str(Path(__file__).parent / "web"))
    from webserver import launch_chromium

    with sync_api.sync_playwright() as pw:
        chromium = launch_chromium(pw)
        yield chromium
        chromium.close()
