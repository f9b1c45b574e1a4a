"""The home chart's words say when an amount is given in its parts: a deal that records no
committed (or spent) amount of its own is drawn with its parts' amount as a pale bar and
listed "in its parts" in the table; its "In figures" text alternative and its caption now say
so too, naming the deal, the stage, the amount and its date, and say nothing of parts when no
amount shown is in parts."""
from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.report.units import money  # noqa: E402
from moneytrail.web.charts import reality_parts_caption, reality_summary  # noqa: E402

# two chart rows as views.reality_chart gives them: one committed only in its parts
ROWS = [
    {"id": "a", "name": "Whole programme", "label": "Whole programme", "inside": "",
     "announced_central": 400e9, "committed_central": None, "committed_in_parts": 13.27e9,
     "committed_in_parts_as_of": "2025-06", "disbursed_central": None,
     "disbursed_in_parts": None, "disbursed_in_parts_as_of": "", "currency": "EUR",
     "price_year": 2025, "whole_capex": False, "not_ai_alone": False},
    {"id": "b", "name": "Own figures", "label": "Own figures", "inside": "",
     "announced_central": 100e9, "committed_central": 20e9, "committed_in_parts": None,
     "committed_in_parts_as_of": "", "disbursed_central": 5e9, "disbursed_in_parts": None,
     "disbursed_in_parts_as_of": "", "currency": "EUR", "price_year": 2025,
     "whole_capex": False, "not_ai_alone": False},
]
# the bundled deal committed only in its parts (its Abilene site's financing), and a claim of
# its own that ends that (the bundled OpenAI announcement, on its date)
STARGATE = "l_stargate_us_2025_01"
OWN_CLAIM = {"deal": STARGATE, "stage": "committed", "low": "1e9", "central": "1e9",
             "high": "1e9", "currency": "USD", "price_year": "2025", "as_of": "2025-01-21",
             "source": "l_stargate_openai_2025_01", "ref": "test_own_committed"}


def text_of(html: str, pattern: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return " ".join(unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


def summary_and_caption(html: str) -> tuple[str, str]:
    return (text_of(html, r'id="reality-summary">(.*?)</p>'),
            text_of(html, r"<figcaption>(.*?)</figcaption>"))


def test_the_words_name_an_amount_in_parts():
    summary = reality_summary(ROWS)
    assert ("One amount is given in parts: Whole programme committed "
            f"{money(13.27e9, 'EUR')} in its parts (as of 2025-06)") in summary
    assert reality_parts_caption(ROWS).startswith(
        "Pale bars are amounts given in parts: the deal records no committed amount of its "
        "own, so the bar shows its parts' amount")


def test_no_amount_in_parts_no_mention():
    own = [ROWS[1]]
    assert "in parts" not in reality_summary(own)
    assert reality_parts_caption(own) == ""


def test_both_stages_in_parts_are_named():
    both = [{**ROWS[0], "disbursed_in_parts": 2e9, "disbursed_in_parts_as_of": "2025-09"}]
    summary = reality_summary(both)
    assert "Some amounts are given in parts: Whole programme committed " in summary
    assert f"; Whole programme spent {money(2e9, 'EUR')} in its parts (as of 2025-09)" \
        in summary
    assert "no committed or spent amount of its own" in reality_parts_caption(both)


def test_the_home_page_says_so_only_while_an_amount_is_in_parts(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            rows = client.get("/api/v1/charts/reality").json()["reality"]
            stargate = next(r for r in rows if r["id"] == STARGATE)
            assert stargate["committed_central"] is None
            parts = stargate["committed_in_parts"]
            assert parts is not None
            summary, caption = summary_and_caption(client.get("/").text)
            assert (f"One amount is given in parts: {stargate['name']} committed "
                    f"{money(parts, stargate['currency'])} in its parts "
                    f"(as of {stargate['committed_in_parts_as_of']})") in summary
            assert "Pale bars are amounts given in parts" in caption
            assert summary_and_caption(client.get("/embed/reality").text) == \
                (summary, caption)

            app.state.web.ledger.add("claim", OWN_CLAIM, author="eve", reason="a test claim")
            rows = client.get("/api/v1/charts/reality").json()["reality"]
            assert all(r["committed_in_parts"] is None and r["disbursed_in_parts"] is None
                       for r in rows)
            summary, caption = summary_and_caption(client.get("/").text)
            assert "in parts" not in summary and "in parts" not in caption
    finally:
        app.state.jobs.shutdown()
        app.state.web.close()
