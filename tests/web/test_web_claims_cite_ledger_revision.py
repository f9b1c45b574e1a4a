"""The claims page cites the ledger revision its verdicts were computed from (a journalist's
finding: after a ledger edit /claims kept the verdicts of the ledger as it was while its
"Cite as" named the new revision). The page checks the claims again for the ledger's newest
revision, and its citation and footer name the revision of the claims run it shows."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import create_app  # noqa: E402


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("claims-cite") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def shown(client: TestClient) -> tuple[int, int, int | str]:
    """(revision cited on /claims, revision in its footer, revision the claims run read, or
    "package" when it read the data package's ledger, which the store holds unchanged: h216,
    one run for one ledger)."""
    html = client.get("/claims").text
    run = re.search(r'The claims run: <a href="/r/([0-9a-f]{32})"', html)
    assert run is not None
    cite = re.search(r"Cite as:.*?ledger revision (\d+)", text_of(html))
    footer = re.search(r"Data package [^,]*, ledger revision (\d+)", text_of(html))
    assert cite is not None and footer is not None
    facts = client.get(f"/api/v1/runs/{run.group(1)}").json()["result"]["facts"]
    read = "package" if facts.get("ledger_package") else int(facts["ledger_revision"])
    return int(cite.group(1)), int(footer.group(1)), read


def test_the_claims_page_cites_the_revision_its_verdicts_read_after_an_edit(client):
    ledger = client.app.state.web.ledger
    before = ledger.state().revision
    assert shown(client) == (before, before, "package")
    ledger.edit("claim", "gigafactory_fund_announced",
                {"low": "35e9", "central": "35e9", "high": "35e9"}, author="tester",
                reason="a later announcement")
    after = ledger.state().revision
    assert after > before
    assert shown(client) == (after, after, after)      # checked again for the new ledger
    # and it says which ledger its run read (h216: no longer the package's, so another id)
    assert f"It reads this store's ledger at revision {after}, which differs from the data " \
        "package's" in text_of(client.get("/claims").text)
    api = client.get("/api/v1/claims").json()
    assert api["meta"]["ledger_revision"] == after


def test_a_page_whose_claims_read_an_older_revision_says_so(client):
    """Were the ledger edited between the check and the page (a race), the page cites the
    revision the check read and says the ledger has changed since."""
    from moneytrail.ledger.store import LedgerState
    from moneytrail.web.views import meta as page_meta

    state = client.app.state.web
    now = state.ledger.state().revision
    meta = page_meta(state, title="Claims", url="http://testserver/claims",
                     read=LedgerState(now - 2))
    assert meta["ledger_revision"] == now - 2
    assert f"ledger revision {now - 2}" in meta["citation"]
    assert f"the ledger has changed since: now revision {now}" in meta["citation"]
    assert meta["ledger_changed"] == (f"Computed at ledger revision {now - 2}; the ledger "
                                      f"has changed since (now revision {now}).")
