"""Findings h69 (accessibility, WCAG 2.1 AA) on the served HTML: each claim's checks table is
named by its claim, unique on the page; source titles in French, German or Italian carry
`lang` (data 2.4.4's `title_lang`, validated); page titles have no invisible isolate
characters; the committed bars reach 3:1 against white; what was only in tooltips is on the
page. The charts themselves are checked in a browser (test_web_h69_browser.py)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "moneytrail" / "data" / "package"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("h69") / "ledger.sqlite")
    app = create_app(db=db, start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


class Regions(HTMLParser):
    """Every scrolling table region's accessible name (aria-label, or the text of the element
    aria-labelledby names) and every caption's text."""

    def __init__(self) -> None:
        super().__init__()
        self.regions: list[dict[str, str]] = []
        self.texts: dict[str, str] = {}
        self.captions: list[str] = []
        self.open: list[str] = []            # ids of elements whose text is being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("role") == "region":
            self.regions.append(a)
        if tag == "caption":
            self.open.append(a.get("id") or f"caption-{len(self.captions)}")
            self.texts[self.open[-1]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self.open:
            self.captions.append(self.texts[self.open.pop()].strip())

    def handle_data(self, data: str) -> None:
        for key in self.open:
            self.texts[key] += data

    def names(self) -> list[str]:
        return [r.get("aria-label") or self.texts.get(r.get("aria-labelledby", ""), "")
                for r in self.regions]


def parsed(html: str) -> Regions:
    parser = Regions()
    parser.feed(html)
    return parser


def contrast(colour: str, background: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours written #rrggbb."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                  for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# -- 2. claim tables named by their claim ------------------------------------------------------
def test_every_claim_table_on_claims_is_named_by_its_claim(client):
    page = client.get("/claims")
    assert page.status_code == 200
    found = parsed(page.text)
    checks = [n for n in found.names() if n.startswith("Checks of")]
    assert len(checks) >= 10
    assert len(set(checks)) == len(checks), "region names repeat (axe landmark-unique)"
    names = found.names()
    assert len(set(names)) == len(names)
    claim_captions = [c for c in found.captions if c.startswith("Checks of the claim: ")]
    assert len(claim_captions) == len(checks) and len(set(claim_captions)) == len(checks)
    assert "Checks of the claim: The Stargate pledge was private money, and far less was " \
           "secured than announced." in checks


# -- 3. titles in other languages ----------------------------------------------------------------
@pytest.mark.parametrize(("source", "lang", "title"), [
    ("c_mistral_staff", "fr", "Mistral AI envisage de lever un milliard de dollars"),
    ("s_channelnews_scaleway_2022", "fr", "Scaleway passe le cap des 100 M€"),
    ("l_draghi_quotidiano", "it", "Draghi, in Ue servono investimenti doppi"),      # ledger store
    ("s_telekom_ar2022_is", "de", "Geschäftsbericht 2022"),
])
def test_a_source_title_in_another_language_is_marked(client, source, lang, title):
    page = client.get(f"/sources/{source}")
    assert page.status_code == 200
    h1 = re.search(r"<h1>(.*?)</h1>", page.text, re.S)
    assert h1 and re.match(rf'<bdi lang="{lang}">{re.escape(title)}', h1[1]), h1


def test_english_titles_have_no_lang_and_links_carry_it(client):
    h1 = re.search(r"<h1>(.*?)</h1>", client.get("/sources/l_stargate_2025_01_center").text)
    assert h1 and "lang=" not in h1[1]
    claims = client.get("/claims").text
    assert re.search(r'<a href="/sources/m_adlc_cloud_2023"[^>]*><bdi lang="fr">Informatique '
                     r'en nuage', claims)
    deal = client.get("/ledger/deals/l_draghi_report_2024_09").text
    assert re.search(r'<a href="/sources/l_draghi_quotidiano"[^>]*><bdi lang="it">', deal)


def test_the_package_tags_its_non_english_titles():
    tagged = {}
    for path in PACKAGE.glob("*/sources*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                assert "title_lang" in row, path
                if row["title_lang"]:
                    tagged[row["id"]] = row["title_lang"]
    assert tagged["c_mistral_staff"] == "fr" and tagged["l_draghi_quotidiano"] == "it"
    assert tagged["l_de_schwarz_cash"] == "de" and len(tagged) == 17
    assert set(tagged.values()) == {"fr", "de", "it"}


def test_a_title_language_must_be_a_bcp47_tag(tmp_path):
    from moneytrail.data.sourcing import title_lang_problem
    from moneytrail.data.validate import package_problems

    assert title_lang_problem("") is None and title_lang_problem("fr") is None
    assert title_lang_problem("pt-BR") is None and title_lang_problem("es-419") is None
    for bad in ("FR", "french", "fr_FR", "f", "fr-", "fr fr"):
        assert title_lang_problem(bad), bad
    copy = tmp_path / "package"
    shutil.copytree(PACKAGE, copy)
    for name in ("valuechain/sources_costs.csv", "ledger/sources.csv"):
        path = copy / name
        text = path.read_text(encoding="utf-8")
        term = "\r\n" if "\r\n" in text else "\n"
        rows = list(csv.reader(io.StringIO(text, newline="")))
        column = rows[0].index("title_lang")
        for row in rows[1:]:
            if row[0] in ("c_mistral_staff", "l_draghi_quotidiano"):
                row[column] = "French"
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator=term).writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8", newline="")
    problems = [p for p in package_problems(copy) if p.field == "title_lang"]
    assert {(Path(p.file).name, p.value) for p in problems} == {
        ("sources_costs.csv", "French"), ("sources.csv", "French")}, problems
    assert all("BCP 47" in p.message for p in problems)


def test_a_ledger_write_refuses_a_bad_title_language(client):
    from moneytrail.ledger.validate import source_problems

    row = {"id": "l_x", "publisher": "P", "title": "Un titre", "url": "https://example.org/x",
           "published": "2025", "accessed": "2025-01-02", "reliability": "analyst",
           "note": "", "primary_ref": "", "title_lang": "FR", "_file": "f", "_line": 2}
    import datetime as dt

    problems = source_problems([row], dt.date(2026, 1, 1))
    assert [p.field for p in problems] == ["title_lang"]
    assert source_problems([{**row, "title_lang": "fr"}], dt.date(2026, 1, 1)) == []


# -- 4. <title> without isolates ------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/ledger", "/claims", "/sources/c_mistral_staff",
                                  "/ledger/deals/l_stargate_us_2025_01",
                                  "/plans/eu-ai-gigafactories", "/ledger?year=abc"])
def test_page_titles_have_no_isolate_characters(client, path):
    page = client.get(path)
    title = re.search(r"<title>(.*?)</title>", page.text, re.S)
    assert title, path
    assert not re.search("[\u2066-\u2069]|&#x206[6-9];", title[1]), title[1]
    assert title[1].endswith(" · moneytrail")


# -- 5. colours and tooltips ---------------------------------------------------------------------
def test_committed_bars_and_every_chart_colour_reach_3_to_1():
    from moneytrail.web.charts import PALETTE, STAGES

    assert contrast("#e69f00") < 3          # the old colour, as the tester measured (2.25:1)
    for label, colour in STAGES.values():
        assert contrast(colour) >= 3, (label, colour, contrast(colour))
    for colour in PALETTE:
        assert contrast(colour) >= 3, (colour, contrast(colour))
    assert "#e69f00" not in {c.lower() for c in PALETTE}


def test_bounds_and_column_explanations_are_visible_text(client):
    claims = client.get("/claims").text
    assert 'title="bound as stored' not in claims
    assert 'title="Share of the figure' not in claims
    assert '<span class="bound-stored">in the claims file: a lower bound of 1</span>' in claims
    assert "<em>On assumption or weak rows</em> is the share of the figure resting on rows " \
           "labelled assumption or weak" in claims


def test_run_page_claim_tables_are_named_by_their_claim(client):
    response = client.post("/api/v1/runs", json={"reference": "eu-ai-gigafactories",
                                                 "draws": 200, "seed": 1})
    assert response.status_code in (200, 202), response.text
    run_id = response.json()["run_id"]
    deadline = time.monotonic() + 300
    page = ""
    while time.monotonic() < deadline:
        if client.get(f"/api/v1/runs/{run_id}").json()["status"] == "done":
            page = client.get(f"/r/{run_id}").text
            if "Checks of the claim" in page:
                break
        time.sleep(0.5)
    found = parsed(page)
    claim_captions = [c for c in found.captions if c.startswith("Checks of the claim")]
    assert claim_captions, "the run page shows no claim table"
    assert all(c.startswith("Checks of the claim: ") for c in claim_captions)
    assert len(set(claim_captions)) == len(claim_captions)
    names = [n for n in found.names() if n]
    assert len(set(names)) == len(names), sorted(names)
    assert 'title="bound as stored' not in page and 'title="Share of the' not in page
