"""Chart images drawn on the server (kaleido in Debian's Chromium): every chart of the web app
as SVG and PNG. The SVG must carry the chart's labels and the amounts of the run's JSON; the
PNG must be a real PNG of the SVG's size; a stored run's image is drawn once and cached."""

from __future__ import annotations

import re
import struct
import time
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("kaleido")
from moneytrail.web.charts import find_browser  # noqa: E402

if find_browser() is None:
    pytest.skip("Chromium is not installed (make system-deps)", allow_module_level=True)

from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.charts import IMAGE_WIDTH  # noqa: E402
from moneytrail.web.format import money  # noqa: E402

PLAN = "eu-ai-gigafactories"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("charts") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def run_id(client) -> str:
    return finished(client, {"reference": PLAN, "draws": 300, "seed": 5})


def svg_texts(body: bytes) -> list[str]:
    root = ET.fromstring(body)
    return [" ".join("".join(node.itertext()).split()) for node in root.iter(f"{SVG}text")]


def svg_size(body: bytes) -> tuple[int, int]:
    root = ET.fromstring(body)
    return int(float(root.get("width"))), int(float(root.get("height")))


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert body[12:16] == b"IHDR"
    width, height = struct.unpack(">II", body[16:24])
    return width, height


def node_amounts(rows: list[dict]) -> dict[str, float]:
    """Each node of a Sankey's flow rows with its amount (the larger of inflow and outflow),
    computed here from the API's rows, not by the code under test."""
    into: dict[str, float] = {}
    out: dict[str, float] = {}
    for row in rows:
        out[row["source"]] = out.get(row["source"], 0.0) + row["value"]
        into[row["target"]] = into.get(row["target"], 0.0) + row["value"]
    return {n: max(into.get(n, 0.0), out.get(n, 0.0)) for n in {*into, *out}}


@pytest.mark.parametrize("chart", ["first", "location", "ownership"])
def test_run_chart_svg_has_the_runs_labels_and_amounts(client, run_id, chart):
    rows = client.get(f"/api/v1/runs/{run_id}?table=flows_{chart}").json()["rows"]
    response = client.get(f"/r/{run_id}/chart/{chart}.svg")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/svg+xml; charset=utf-8"
    texts = svg_texts(response.content)
    amounts = node_amounts(rows)
    assert len(amounts) > 5
    for node, amount in amounts.items():
        label = f"{node}: {money(amount, 'EUR')}"
        assert label in texts, f"{label!r} not in the SVG"
    assert "The plan: EUR 20.00 bn" in texts                  # the budget of the reference plan
    assert any(run_id in t for t in texts)                 # the source line names the run
    assert any(t.startswith("Where") and "EU AI gigafactories" in t for t in texts)
    assert svg_size(response.content)[0] == IMAGE_WIDTH


def test_run_chart_png_is_a_png_of_the_svgs_size(client, run_id):
    from io import BytesIO

    from PIL import Image

    svg = client.get(f"/r/{run_id}/chart/location.svg").content
    response = client.get(f"/r/{run_id}/chart/location.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert png_size(response.content) == svg_size(svg)
    assert png_size(response.content)[0] == IMAGE_WIDTH
    image = Image.open(BytesIO(response.content))
    image.load()
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50      # a drawn chart, not a blank page
    same = client.get(f"/api/v1/runs/{run_id}/charts/location.png")
    assert same.status_code == 200 and same.content == response.content


def test_a_stored_runs_image_is_drawn_once(client, run_id):
    cache = client.app.state.charts
    calls = []
    render = cache.render
    cache.render = lambda figure, fmt: calls.append(fmt) or render(figure, fmt)
    try:
        first = client.get(f"/r/{run_id}/chart/ownership.svg").content
        again = client.get(f"/r/{run_id}/chart/ownership.svg").content
    finally:
        cache.render = render
    assert first == again and len(calls) <= 1
    assert any(p.suffix == ".svg" for p in cache.folder.iterdir())


def test_reality_chart_images(client):
    rows = client.get("/api/v1/charts/reality").json()["reality"]
    response = client.get("/charts/reality.svg")
    assert response.status_code == 200
    texts = svg_texts(response.content)
    for row in rows:
        assert row["name"][:60] in " ".join(texts)
    assert {"Announced", "Committed", "Spent"} <= set(texts)
    png = client.get("/api/v1/charts/reality.png")
    assert png.status_code == 200 and png_size(png.content) == svg_size(response.content)


def test_compare_chart_images(client, run_id):
    other = finished(client, {"reference": "stargate-style-us", "draws": 300, "seed": 5})
    body = client.get(f"/api/v1/compare?runs={run_id},{other}").json()
    response = client.get(f"/compare/chart.svg?runs={run_id},{other}")
    assert response.status_code == 200
    texts = " ".join(svg_texts(response.content))
    for run in body["runs"]:
        assert run["title"][:50] in texts
    for row in body["headline"]:
        assert row["label"] in texts
    png = client.get(f"/compare/chart.png?runs={run_id},{other}")
    assert png.status_code == 200 and png_size(png.content)[0] == IMAGE_WIDTH
    page = client.get(f"/compare?runs={run_id},{other}").text
    assert f'href="/compare/chart.svg?runs={run_id},{other}"' in page


def test_run_page_links_every_chart_image(client, run_id):
    html = client.get(f"/r/{run_id}").text
    for chart in ("first", "location", "ownership"):
        for fmt in ("svg", "png"):
            assert f'href="/r/{run_id}/chart/{chart}.{fmt}"' in html
        assert f"/embed/r/{run_id}/{chart}" in html
    assert html.count('class="downloads chart-links"') == 3
    home = client.get("/").text
    assert 'href="/charts/reality.svg"' in home and 'href="/charts/reality.png"' in home


@pytest.mark.parametrize("path,status,field", [
    ("/r/{rid}/chart/pie.svg", 400, "chart"),
    ("/r/{rid}/chart/first.gif", 400, "format"),
    ("/api/v1/runs/{rid}/charts/first.jpeg", 400, "format"),
    ("/api/v1/runs/" + "0" * 32 + "/charts/first.svg", 404, "run id"),
    ("/api/v1/runs/not-a-run/charts/first.svg", 400, None),
    ("/api/v1/compare/chart.svg?runs={rid}", 400, "runs"),
])
def test_bad_image_requests_say_which_field(client, run_id, path, status, field):
    response = client.get(path.format(rid=run_id))
    assert response.status_code == status, response.text
    if path.startswith("/api/"):
        body = response.json()
        assert response.headers["content-type"].startswith("application/problem+json")
        if field:
            assert body["field"] == field
    assert not re.search(rb"<svg", response.content)


def test_compare_and_reality_have_embed_and_reproduce(client, run_id):
    other = finished(client, {"reference": "stargate-style-us", "draws": 300, "seed": 5})
    ids = f"{run_id},{other}"
    page = client.get(f"/compare?runs={ids}").text
    assert f"/embed/compare?runs={ids}" in page
    assert f"moneytrail show {run_id}" in page and "Reproduce these numbers" in page
    assert f"/api/v1/compare?runs={ids}&amp;format=csv&amp;table=headline" in page
    embed = client.get(f"/embed/compare?runs={ids}")
    assert embed.status_code == 200 and 'id="compare-data"' in embed.text
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert client.get(f"/embed/compare?runs={run_id}").status_code == 400
    home = client.get("/").text
    start = home.index('id="reality-h"')
    section = home[start:home.index('id="claims-h"')]
    assert "moneytrail ledger list --format csv" in section
    assert "/api/v1/charts/reality?format=csv&amp;table=reality" in section
    rows = client.get("/api/v1/charts/reality?format=csv&table=reality")
    assert rows.status_code == 200 and rows.text.startswith("id,name,region")


def test_a_hostile_plan_title_stays_text_in_the_image(client, run_id):
    from moneytrail.errors import ScenarioError
    from moneytrail.scenarios.reference import reference_scenarios
    from moneytrail.scenarios.yamlio import read_yaml

    path = next(p for p in reference_scenarios() if p.stem == PLAN)
    plan = dict(read_yaml(path, ScenarioError, what="scenario file"))
    plan.update(title='<script>alert(1)</script><a href="javascript:alert(2)">x</a>'
                      '<a href="https://evil.example/">Click me</a><b>B</b>',
                draws=200, seed=3)
    rid = client.post("/api/v1/runs", json=plan).json()["run_id"]
    deadline = time.monotonic() + 120
    while client.get(f"/api/v1/runs/{rid}").json()["status"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    for _ in range(3):     # 503 "try again later": kaleido's Chromium starved on a busy box
        response = client.get(f"/r/{rid}/chart/first.svg")
        if response.status_code != 503:
            break
        time.sleep(2)
    assert response.status_code == 200
    body = response.content.lower()
    assert b"<script" not in body
    root = ET.fromstring(response.content)                # still well-formed XML
    # Plotly makes <a href> a live link and <b> bold: neither may come from a plan's title
    assert not list(root.iter(f"{SVG}a")) and not list(root.iter(f"{SVG}script"))
    assert not [value for node in root.iter() for value in node.attrib.values()
                if "javascript:" in value or "evil.example" in value]
    assert not any(node.get("style", "").count("font-weight:bold")
                   for node in root.iter(f"{SVG}tspan"))
    assert any("<script>alert(1)</script><a href=" in text
               for text in svg_texts(response.content)), "the title shows as written"
    compare = client.get(f"/compare/chart.svg?runs={rid},{run_id}")
    assert compare.status_code == 200
    tree = ET.fromstring(compare.content)
    assert not list(tree.iter(f"{SVG}a")) and "alert(1)" in compare.text   # text, no markup
    page = client.get(f"/compare?runs={rid},{run_id}").text
    assert "<a href=\"https://evil" not in page and "&lt;a href" in page
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_every_label_from_data_is_plain_text_for_plotly():
    """Plotly turns <a href>, <b>, <br> in labels into links and styles, in the page and the
    image: names of deals, firms and plans reach every figure escaped."""
    from moneytrail.web.charts import compare_figure, reality_figure, sankey_figure

    bad = '<a href="https://evil.example/">x</a><b>B</b>'
    reality = reality_figure([{"name": bad, "currency": "USD", "announced_central": 1e9}])
    sankey = sankey_figure({"nodes": [bad, "nvidia"], "currency": "EUR",
                            "links": [{"source": bad, "target": "nvidia", "value": 5.0}]})
    compare = compare_figure([{"title": bad}], [{"label": bad, "run1_p50": 0.5}])
    labels = [*reality["data"][0]["y"], *sankey["data"][0]["node"]["label"],
              *sankey["data"][0]["node"]["customdata"], *sankey["data"][0]["link"]["customdata"],
              *compare["data"][0]["y"], compare["data"][0]["name"],
              *reality["narrow"]["traces"][0]["y"],
              *sankey["narrow"]["traces"][0]["node"]["label"]]
    labels = [label.replace("<br>", " ") for label in labels]    # wrapped names: lines joined
    assert all("<a" not in label and "<b>" not in label for label in labels)
    assert sum("&lt;a href=" in label for label in labels) == 8    # shown as written


@pytest.mark.parametrize("text", ["AI gigafactories: expressions of interest (76 proposals)",
                                  "InvestAI", "x" * 45 + " tail", "a <b> & c", "  two  spaces "])
@pytest.mark.parametrize("width", [20, 44])
def test_wrapped_names_keep_every_word_and_fit_the_width(text, width):
    """A wrapped chart label is the whole name: its lines joined give the words back, none
    is longer than the width, and no ellipsis is added."""
    from moneytrail.web.charts import plain, wrapped

    lines = wrapped(text, width).split("<br>")
    assert "".join("".join(lines).split()) == plain("".join(text.split()))
    if max(len(word) for word in text.split()) <= width:             # else a word is cut
        assert " ".join(lines) == plain(" ".join(text.split()))
    assert all(len(line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
               <= width for line in lines)
    assert "\u2026" not in "".join(lines)


def test_reality_rows_grow_with_the_lines_of_the_longest_name():
    from moneytrail.web.charts import reality_figure

    rows = [{"name": "Short", "currency": "EUR", "announced_central": 1e9},
            {"name": "A rather long deal name that needs several lines on a phone",
             "currency": "EUR", "announced_central": 2e9}]
    figure = reality_figure(rows)
    narrow = figure["narrow"]["traces"][0]["y"]
    assert max(label.count("<br>") for label in narrow) >= 2
    assert figure["narrow"]["layout"]["height"] >= figure["layout"]["height"]
    assert all("\u2026" not in label for label in [*narrow, *figure["data"][0]["y"]])


def test_phone_sankey_labels_keep_every_name_whole():
    """Under 600 px the Sankey cut names at 22 characters ('Profits and depreciat…', tester
    9): they are wrapped instead, each line within the width, and the nodes are padded for
    the tallest label."""
    from moneytrail.web.charts import NARROW_SANKEY_LINE, sankey_figure

    names = ["EU AI gigafactories", "Profits and depreciation (capital)",
             "Wages, all countries", "Taxes"]
    data = {"nodes": names, "currency": "EUR",
            "links": [{"source": names[0], "target": n, "value": v}
                      for n, v in zip(names[1:], (5e9, 4e9, 1e9), strict=True)]}
    narrow = sankey_figure(data)["narrow"]
    labels = narrow["traces"][0]["node"]["label"]
    for name, label in zip(names, labels, strict=True):
        *lines, amount = label.split("<br>")
        assert " ".join(lines) == name and "\u2026" not in label
        assert all(len(line) <= NARROW_SANKEY_LINE for line in lines)
        assert amount.startswith("EUR ")
    tallest = max(label.count("<br>") + 1 for label in labels)
    assert tallest == 3 and narrow["traces"][0]["node"]["pad"] >= 13 * tallest


def test_sankey_hover_amounts_are_written_as_money_not_si():
    """A node's hover read Plotly's SI ('12.3k EUR', '20.0G EUR'): it is the amount as the
    tables write it ('EUR 12,290', 'EUR 20.00 bn'), with the full name."""
    from moneytrail.web.charts import sankey_figure

    long_name = "Finland, a country whose name is made long enough to be shortened"
    figure = sankey_figure({"nodes": ["The plan", long_name], "currency": "EUR",
                            "links": [{"source": "The plan", "target": long_name,
                                       "value": 12_290.4}]})
    node = figure["data"][0]["node"]
    assert node["customdata"] == ["The plan: EUR 12,290", f"{long_name}: EUR 12,290"]
    assert node["hovertemplate"] == "%{customdata}<extra></extra>"
