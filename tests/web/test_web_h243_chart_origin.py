"""Addresses written into cached chart images and the own-figure citation (h243).

1. A run chart's source line is written under `handed_on_origin` and the reality chart's was
   under the request's own base, but both were cached under keys without that origin and
   sent `public, max-age=3600` without `Vary: Host`: without MONEYTRAIL_PUBLIC_URL the first
   requester's Host was in the image everyone got. Now both are under `handed_on_origin`,
   the origin is part of their cache key, and they vary by Host when there is no public
   address. A private plan's chart stays `private, no-store`.
2. The own-figure page's citation (/claims/check) ended with a relative /r/<id> without a
   public address; it is absolute now, as the claim check's `url`.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import run_private_plan  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import PublicAddress, finished  # noqa: E402

APP_OPTIONS = {"run_limit": (1000, 100)}
PLAN = "eu-ai-gigafactories"
HOSTS = ("http://127.0.0.1:8876", "http://localhost:8876")
PUBLIC = "https://mt.example.org"


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def source_line(figure, fmt: str) -> bytes:
    """A stand-in for Chromium: the image's bytes are its format and its annotations' text
    (the source line is the last one, charts.for_image), so the test reads what is drawn."""
    texts = [a["text"] for a in figure["layout"].get("annotations", [])]
    return f"{fmt}\n{texts[-1]}".encode()


@pytest.fixture
def images(app, tmp_path):
    """A fresh image cache drawing with `source_line`; the app's own cache back after."""
    from moneytrail.web.charts import ImageCache

    saved = app.state.charts
    app.state.charts = ImageCache(tmp_path / "charts", source_line)
    yield app.state.charts
    app.state.charts = saved


@pytest.fixture(scope="module")
def run_id(app) -> str:
    return finished(TestClient(app, base_url=HOSTS[0]),
                    {"reference": PLAN, "draws": 50, "seed": 24301})


def address(response) -> str:
    """The address the drawn source line ends with (for_image breaks lines with <br>)."""
    return re.split(r"\s|<br>", response.content.decode())[-1]


def vary(response) -> list[str]:
    return [v.strip().lower() for v in response.headers.get("vary", "").split(",") if v]


def chart_paths(rid: str) -> list[tuple[str, str]]:
    """(image address, the page address its source line ends with, after the origin)."""
    return [(f"/r/{rid}/chart/first.svg", f"/r/{rid}"),
            (f"/api/v1/runs/{rid}/charts/location.png", f"/r/{rid}"),
            ("/charts/reality.svg", "/"),
            ("/api/v1/charts/reality.png", "/"),
            ("/charts/reality.svg?revision=1", "/embed/reality?revision=1")]


# -- 1. chart images -------------------------------------------------------------------------
def test_each_host_gets_its_own_address_in_a_chart_and_it_varies_by_host(app, run_id, images):
    for path, page in chart_paths(run_id):
        got = [TestClient(app, base_url=host).get(path) for host in HOSTS]
        for host, response in zip(HOSTS, got, strict=True):
            assert response.status_code == 200, (path, response.text[:300])
            assert address(response) == f"{host}{page}", (path, response.content)
            assert response.headers["cache-control"] == "public, max-age=3600"
            assert vary(response) == ["host"], (path, response.headers)
        assert got[0].content != got[1].content, path
        again = TestClient(app, base_url=HOSTS[0]).get(path)      # from the cache now
        assert again.content == got[0].content, path


def test_with_a_public_address_it_is_in_every_chart_and_nothing_varies(app, run_id, images):
    with PublicAddress(app, PUBLIC):
        for path, page in chart_paths(run_id):
            got = [TestClient(app, base_url=host).get(path) for host in HOSTS]
            for response in got:
                assert response.status_code == 200, (path, response.text[:300])
                assert address(response) == f"{PUBLIC}{page}", (path, response.content)
                assert "vary" not in response.headers, (path, response.headers)
            assert got[0].content == got[1].content


def test_the_compare_chart_names_no_address_and_does_not_vary(app, run_id, images):
    other = finished(TestClient(app, base_url=HOSTS[0]),
                     {"reference": PLAN, "draws": 50, "seed": 24302})
    got = [TestClient(app, base_url=host).get(f"/compare/chart.svg?runs={run_id},{other}")
           for host in HOSTS]
    assert [r.status_code for r in got] == [200, 200]
    assert got[0].content == got[1].content and b"http" not in got[0].content
    assert "vary" not in got[0].headers


def test_a_private_plans_chart_stays_private_with_its_owners_address(app, images):
    from moneytrail.web import builder

    plan = {**builder.reference_mapping(PLAN), "draws": 50, "seed": 24303}
    eve, rid = run_private_plan(app, plan, "Private chart h243", base=HOSTS[0])
    response = eve.get(f"/r/{rid}/chart/first.svg")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["cache-control"] == "private, no-store"
    assert address(response) == f"{HOSTS[0]}/r/{rid}"
    assert TestClient(app, base_url=HOSTS[0]).get(
        f"/r/{rid}/chart/first.svg").status_code == 404


# -- 2. the own-figure page's citation -------------------------------------------------------
def citation(html: str) -> str:
    found = re.search(r'<p class="citation"><span class="label">Cite as:</span>(.*?)</p>', html,
                      re.S)
    assert found, "a Cite as line"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def test_the_own_figure_citation_is_absolute_without_a_public_address(app, run_id):
    ask = {"run": run_id, "quantity": "first_invoice_share", "firms": ["nvidia"],
           "side": "at_least", "number": "10"}
    client = TestClient(app, base_url=HOSTS[0])
    response = client.get("/claims/check", params=ask, headers={"host": "localhost"})
    assert response.status_code == 200, response.text[:300]
    address = citation(response.text).rpartition(" ")[2]
    assert re.fullmatch(r"http://localhost:8876/r/[0-9a-f]+", address), address
    assert client.get(address.removeprefix("http://localhost:8876")).status_code == 200
    with PublicAddress(app, PUBLIC):
        again = client.get("/claims/check", params=ask)
    assert re.fullmatch(rf"{PUBLIC}/r/[0-9a-f]+", citation(again.text).rpartition(" ")[2])
