import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`moneytrail serve` (webserver.running_server) over a fresh SQLite store, one per test
    module: its base URL. A module that needs another store or options defines its own."""
    from webserver import running_server

    folder = tmp_path_factory.mktemp("server")
    with running_server(folder / "ledger.sqlite", folder / "server.log") as base:
        yield base


@pytest.fixture
def app(tmp_path):
    """A web app over a fresh SQLite store with the accounts of accounts_fixtures (root,
    eve, ...); a test module may define its own `app` instead."""
    pytest.importorskip("fastapi")
    from accounts_fixtures import make_app

    application = make_app(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    yield application
    application.state.jobs.shutdown()
    application.state.web.close()


@pytest.fixture(scope="module")
def module_app(request, tmp_path_factory):
    """The app of `app`, but one for a whole test module: the saved plans and runs its
    module-scoped fixtures make stay for all its tests. A module uses it as its `app`
    (`def app(module_app): return module_app`); its APP_OPTIONS, if any, go to create_app
    (e.g. `APP_OPTIONS = {"run_limit": (1000, 100)}`)."""
    pytest.importorskip("fastapi")
    from accounts_fixtures import make_app

    folder = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])
    application = make_app(f"sqlite:///{folder / 'ledger.sqlite'}",
                           **getattr(request.module, "APP_OPTIONS", {}))
    yield application
    application.state.jobs.shutdown()
    application.state.web.close()


@pytest.fixture(scope="module")
def plan(request) -> dict:
    """A saved plan's body: the builder's mapping of the reference plan eu-ai-gigafactories
    with 100 draws, or the module's PLAN_DRAWS; a test module may define its own `plan`."""
    from moneytrail.web import builder

    mapping = builder.reference_mapping("eu-ai-gigafactories")
    mapping["draws"] = getattr(request.module, "PLAN_DRAWS", 100)
    return mapping


@pytest.fixture
def page(browser):
    """A page 1280 px wide in a fresh browser context that accepts downloads; its `problems`
    collect console errors and uncaught exceptions (CSP violations too). A browser test module
    may define its own `page`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()
