"""The reality-check chart as a downloadable image (/charts/reality.png) and on the page (a
journalist's report): the source line at the bottom fits the image's width (it ran off the
right edge, "(EUR at 2025 pric"); the bars of deals whose money is not for AI alone (a
firm's whole capital expenditure: the deal's purpose capex or scope not_ai_only) are hatched,
with a legend entry saying so; a stage a deal records no figure for but its parts do (Stargate's
committed EUR 13.27 bn "in its parts") is drawn as a pale bar, as the table says, not left
out as if it were zero."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from io import BytesIO

import pytest

pytest.importorskip("fastapi")
from moneytrail.web.charts import (  # noqa: E402
    IMAGE_WIDTH,
    IN_PARTS,
    NOT_AI_ALONE_LEGEND,
    WHOLE_CAPEX_LEGEND,
    find_browser,
    for_image,
    reality_figure,
)

SVG = "{http://www.w3.org/2000/svg}"


def stage(figure: dict, name: str) -> dict:
    """The trace drawing a stage's bars (not a legend-only entry)."""
    return next(t for t in figure["data"] if t["name"] == name and t.get("showlegend") is False)


def legend_names(figure: dict) -> list[str]:
    return [t["name"] for t in figure["data"] if t.get("showlegend", True)]


ROWS = [
    {"name": "Stargate", "currency": "EUR", "announced_central": 442e9,
     "committed_central": None, "committed_in_parts": 13.27e9,
     "committed_in_parts_as_of": "2025-06", "disbursed_central": None,
     "disbursed_in_parts": None, "whole_capex": False, "not_ai_alone": False},
    {"name": "Amazon capex 2025", "currency": "EUR", "announced_central": 110e9,
     "committed_central": None, "committed_in_parts": None, "disbursed_central": 116e9,
     "disbursed_in_parts": None, "whole_capex": True, "not_ai_alone": True},
]


def test_committed_in_parts_is_a_pale_bar_with_its_date():
    figure = reality_figure(ROWS)
    committed = stage(figure, "Committed")
    ordered = list(reversed(ROWS))                       # plotly draws the first row lowest
    at = ordered.index(ROWS[0])
    assert committed["x"][at] == pytest.approx(13.27)
    assert committed["x"][1 - at] is None                # Amazon: no committed figure at all
    assert committed["marker"]["color"][at] != committed["marker"]["line"]["color"]
    assert committed["text"][at] == f"EUR 13.27 bn {IN_PARTS}, as of 2025-06"
    assert "Committed in its parts" in legend_names(figure)
    assert "Spent in its parts" not in legend_names(figure)     # none drawn, none named


def test_whole_company_capex_bars_are_hatched_and_the_legend_says_why():
    figure = reality_figure(ROWS)
    ordered = list(reversed(ROWS))
    for name in ("Announced", "Committed", "Spent"):
        shapes = stage(figure, name)["marker"]["pattern"]["shape"]
        assert shapes == ["/" if r["not_ai_alone"] else "" for r in ordered]
    assert WHOLE_CAPEX_LEGEND in legend_names(figure)
    assert "whole-company capital expenditure, not AI alone" in WHOLE_CAPEX_LEGEND
    # a deal of scope not_ai_only that is not a firm's capex: the legend says "not AI alone"
    other = [*ROWS, {**ROWS[0], "name": "Chips and AI", "whole_capex": False,
                     "not_ai_alone": True}]
    assert NOT_AI_ALONE_LEGEND in legend_names(reality_figure(other))
    plain = [{**r, "whole_capex": False, "not_ai_alone": False} for r in ROWS]
    assert not any("Hatched" in n for n in legend_names(reality_figure(plain)))


def test_a_long_source_line_is_wrapped_whole():
    source = "Source: moneytrail ledger revision 728 of 2026-12-03, data package 2.5.8. " \
             "Latest sourced claim of each stage (EUR at 2025 prices). https://example.org/"
    image = for_image(reality_figure(ROWS, name_chars=70), "How real are the AI pledges?",
                      source)
    text = image["layout"]["annotations"][-1]["text"]
    assert "<br>" in text and text.replace("<br>", " ") == source


# -- the app: the reality rows from the data, and the image drawn in Chromium ----------------
@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("reality") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False)
    with TestClient(app) as test_client:
        yield test_client


def test_reality_rows_mark_not_ai_alone_from_the_deals_fields(client):
    rows = client.get("/api/v1/charts/reality").json()["reality"]
    listing = client.app.state.web.ledger.list()
    qualifier = dict(zip(listing["id"], listing["qualifier"], strict=True))
    assert any(r["whole_capex"] for r in rows)
    for row in rows:
        assert row["not_ai_alone"] == ("not AI alone" in str(qualifier[row["id"]]))
        if row["whole_capex"]:
            assert row["not_ai_alone"]


needs_browser = pytest.mark.skipif(find_browser() is None, reason="no Chromium")


@needs_browser
def test_reality_png_source_line_fits_the_width(client):
    from PIL import Image

    body = client.get("/charts/reality.png").content
    image = Image.open(BytesIO(body)).convert("L")
    width, height = image.size
    assert width == IMAGE_WIDTH
    # no ink in the image's right 8 px: the source line stopped there, cut ("(EUR at 2025 pric")
    edge = image.crop((width - 8, 0, width, height))
    assert edge.getextrema()[0] > 240, "text reaches the image's right edge"
    svg = client.get("/charts/reality.svg").content
    texts = " ".join(" ".join("".join(n.itertext()).split())
                     for n in ET.fromstring(svg).iter(f"{SVG}text"))
    assert "prices)." in texts and "\u2026" not in texts


@needs_browser
def test_reality_image_names_the_hatch_and_the_parts(client):
    rows = client.get("/api/v1/charts/reality").json()["reality"]
    svg = client.get("/charts/reality.svg").content
    root = ET.fromstring(svg)
    texts = [" ".join("".join(n.itertext()).split()) for n in root.iter(f"{SVG}text")]
    if any(r["whole_capex"] for r in rows):
        assert any("whole-company capital expenditure" in t for t in texts)
        assert list(root.iter(f"{SVG}pattern")), "no hatch drawn"
    if any(r["committed_in_parts"] is not None and r["committed_central"] is None
           for r in rows):
        assert "Committed in its parts" in texts


def test_phone_form_keeps_legend_entries_on_the_deals_rows_and_within_the_width():
    """Under 600 px every trace gets the phone's labels (a legend-only entry on a wide label
    added a 13th row) and a legend entry is wrapped (the hatch's ran off a 375 px screen)."""
    from moneytrail.web.charts import NARROW_KEY_LINE

    figure = reality_figure(ROWS)
    narrow = figure["narrow"]["traces"]
    assert len(narrow) == len(figure["data"])
    rows = set(narrow[0]["y"])
    for changes in narrow:
        assert set(changes["y"]) <= rows
        for line in changes.get("name", "").split("<br>"):
            assert len(line) <= NARROW_KEY_LINE
