"""What a journalist reads where a claim's verdict is (the home page, /claims), and which
run it cites (h216):

- a conditional claim whose cases disagree shows each case's verdict and evidence weight,
  not only the claim's weight, the largest of its cases' ("Conditional — on weak evidence"
  hid a gigafactory case contradicted on 15 % weak rows);
- a verdict resting on a labelled modelling assumption that its weight does not count says
  so ("Supported — rests on an assumption: EU buyers face the global supplier mix");
- a store holding the data package's ledger unchanged gives the package's claims run (the
  id `moneytrail demo` prints), and /claims says which ledger its run read;
- the claims' "Cite as" names the claims run's own page (/r/<id>), which shows the same
  verdicts and never changes.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

CASES = ("Conditional: for the gigafactories, Contradicted (15 % weak); for cloud rental, "
         "Supported \u2014 on weak evidence (100 % weak)")
ASSUMED = "Supported \u2014 rests on an assumption: EU buyers face the global supplier mix"


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A store loaded with the bundled data, its claims checked as the web app checks them,
    and the package's own claims run (no store: as `moneytrail demo` reads the ledger)."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    db = str(tmp_path_factory.mktemp("h216") / "ledger.sqlite")
    with Workspace.open(db=db) as ws:
        in_store = tasks.check_claims(ws)
    with Workspace.open() as ws:
        package = tasks.check_claims(ws, store=None)
    return db, in_store, package


@pytest.fixture(scope="module")
def client(stored):
    app = create_app(db=stored[0], start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()).replace(" ,", ",") \
        .replace(" ;", ";").replace("( ", "(").replace(" )", ")").replace(" :", ":") \
        .replace(" .", ".")


def row_of(html: str, claim: str) -> str:
    """The home page's table row of a claim, as text."""
    found = re.search(rf'<tr><th scope="row"><a href="/claims#{claim}">.*?</tr>', html, re.S)
    assert found, claim
    return text_of(found.group(0))


def article_of(html: str, claim: str) -> str:
    found = re.search(rf'<article class="claim" id="{claim}".*?</article>', html, re.S)
    assert found, claim
    return text_of(found.group(0))


def test_home_and_claims_pages_show_each_case_of_a_conditional_verdict(client):
    home = client.get("/").text
    row = row_of(home, "public-money-to-nvidia-and-hyperscalers")
    assert CASES in row
    assert "Conditional \u2014 on weak evidence" not in row
    claims = article_of(client.get("/claims").text, "public-money-to-nvidia-and-hyperscalers")
    assert f"Verdict: {CASES}" in claims


def test_a_verdict_resting_on_an_assumption_says_so(client):
    row = row_of(client.get("/").text, "nvidia-nearly-all-accelerators")
    assert ASSUMED in row
    article = article_of(client.get("/claims").text, "nvidia-nearly-all-accelerators")
    assert f"Verdict: {ASSUMED}" in article
    assert "No EU-specific supplier shares exist" in article     # why, under the claim
    claims = {c["id"]: c for c in client.get("/api/v1/claims").json()["claims"]}
    assert claims["nvidia-nearly-all-accelerators"]["verdict_summary"] == (
        "supported \u2014 rests on an assumption: EU buyers face the global supplier mix")
    # the verdict as computed is unchanged
    assert claims["nvidia-nearly-all-accelerators"]["verdict"] == "supported"


def test_an_unchanged_store_gives_the_package_claims_run(stored, client):
    _db, in_store, package = stored
    assert in_store.run_id == package.run_id
    assert in_store.provenance.inputs["ledger"] == "package"
    assert "It reads the ledger of data package" in (in_store.tables["claims"].note or "")
    page = text_of(client.get("/claims").text)
    assert f"The claims run: {package.run_id}. It reads the ledger of data package" in page
    assert "holds unchanged" in page


def test_claims_cite_as_names_the_claims_run_page(stored, client):
    run_id = stored[2].run_id
    for path in ("/claims", "/"):
        html = client.get(path).text
        cites = re.findall(r'<p class="citation">.*?</p>', html, re.S)
        claims_cite = [text_of(c) for c in cites if "Claims of the debate" in c]
        assert claims_cite and all(c.endswith(f"from http://127.0.0.1/r/{run_id}")
                                   for c in claims_cite), (path, cites)
    page = client.get(f"/r/{run_id}")
    assert page.status_code == 200
    # in the verdict's badge, the assumption's words linked to its page (the stored
    # verdict_summary column, the same words, is left to the downloads: h234)
    assert "rests on an assumption: EU buyers face the global supplier mix" in \
        text_of(page.text)
    assert 'title="modelling assumption m_assumption_eu_same_global_market">EU buyers face ' \
        "the global supplier mix</a>" in page.text


def test_an_edited_store_reads_its_own_ledger(tmp_path):
    """A store whose ledger was edited is not the package's: its run reads the store at its
    revision, and says so."""
    from moneytrail.ledger import open as open_ledger
    from moneytrail.ledger.packageio import holds_package
    from moneytrail.service.tasks import ledger_read_text

    with open_ledger(tmp_path / "l.sqlite") as ledger:
        assert holds_package(ledger)
        source = ledger.records("source")[0]
        ledger.edit("source", source["id"], {"note": "edited by a test"}, author="t",
                    reason="test")
        assert not holds_package(ledger)
    assert ledger_read_text({"ledger_revision": 731}) == \
        "It reads the ledger store at revision 731."
