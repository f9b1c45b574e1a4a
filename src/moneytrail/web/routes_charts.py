"""Chart images drawn on the server: every chart of the web app as SVG or PNG.

    /r/<run id>/chart/<first|location|ownership>.<svg|png>    a run's Sankeys
    /charts/reality.<svg|png>                                 home's reality check
    /compare/chart.<svg|png>?runs=<id>,<id>                   the compare chart
(and the same under `/api/v1/...`). The figure is the one the page draws (`charts.py`), with a
title and its source (run id, data version, date) added; images are cached on disk by what
they show: a run id (a stored run never changes), the ledger revision, the runs compared. A
run's and the reality chart's source line ends with an address a reader copies, written under
`routes_runs.handed_on_origin` (the public address, else the request's Host): that origin is
part of their cache key, and without a public address they are sent with `Vary: Host`, as a
briefing is, so no cache hands one Host's address to another.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import Response

from moneytrail.draws import draws_text
from moneytrail.errors import ResourceError
from moneytrail.web import charts
from moneytrail.web.jobs import RateLimited
from moneytrail.web.views import choice_param

API = "/api/v1"
STYLE = "6"                  # bump when the figures change, so cached images are redrawn
DRAW_WAIT = 10               # s a client drawing a chart waits before asking for another
Fmt = Annotated[str, Path(description="svg or png")]


def image_response(request: Request, body: bytes, fmt: str, filename: str, *,
                   by_host: bool = False) -> Response:
    """The image `body` (svg or png) as `filename.fmt`, which a cache may keep for an hour. An
    image whose source line holds an address under `handed_on_origin` (`by_host`) varies by
    Host when the site has no public address (`routes_runs.briefing_headers`). A private
    plan's chart is made `private, no-store` by web.auth's `private_pages`."""
    from moneytrail.web.routes_runs import public_origin

    headers = {"Content-Disposition": f'inline; filename="{filename}.{fmt}"',
               "Cache-Control": "public, max-age=3600"}
    if by_host and not public_origin(request):
        headers["Vary"] = "Host"
    return Response(body, media_type=charts.FORMATS[fmt], headers=headers)


class DrawingNow:
    """The client addresses drawing a chart image at this moment: one drawing per address at
    a time (a drawing holds the server's one Chromium for seconds; DiskCache draws one image
    at a time, so a client asking for many at once would queue everyone else behind it)."""

    def __init__(self) -> None:
        self._clients: set[str] = set()
        self._lock = threading.Lock()

    def enter(self, client: str) -> bool:
        """Mark `client` drawing: False when it is drawing already."""
        with self._lock:
            if client in self._clients:
                return False
            self._clients.add(client)
            return True

    def leave(self, client: str) -> None:
        with self._lock:
            self._clients.discard(client)


def drawn(request: Request, key: str, fmt: str, figure: Callable[[], charts.Figure],
          page: str) -> bytes:
    """The cached or newly drawn image; when the server cannot draw (no browser), the 503
    names the page whose downloads hold the chart's data. A cached image is free; drawing a
    new one costs one of the client's run tokens (take_token), and a client draws one image
    at a time: RateLimited (429 with Retry-After) otherwise."""
    from moneytrail.web.routes_runs import client_of, take_token

    cache = request.app.state.charts
    body = cache.cached(key, fmt)
    if body is not None:
        return body
    client = client_of(request)
    if not request.app.state.drawing.enter(client):
        raise RateLimited(DRAW_WAIT, "chart images drawn at once")
    try:
        take_token(request, "runs started and chart images drawn")
        return cache.get_image(key, fmt, figure)
    except ResourceError as exc:
        raise ResourceError(f"{exc.detail} ({page})") from exc
    finally:
        request.app.state.drawing.leave(client)


def image_format(fmt: str) -> str:
    return choice_param("format", fmt, tuple(charts.FORMATS)) or "svg"


def run_chart(request: Request, run: str, name: str, fmt: str) -> Response:
    from moneytrail.web.routes_runs import CHARTS, chart_view, handed_on_origin, not_done, run_state

    fmt = image_format(fmt)
    name = choice_param("chart", name, tuple(CHARTS)) or "first"
    state = run_state(request, run)
    if state.result is None:
        raise not_done(state, "its charts come once it is done")
    result = state.result
    chart_view(request, result, name)     # 404 saying why when the run has no such chart

    def figure() -> charts.Figure:
        view = chart_view(request, result, name)
        meta = view["meta"]
        source = (f"Source: moneytrail run {result.run_id}, data package "
                  f"{meta['data_version']}, code {meta['code_version']}, computed "
                  f"{meta['retrieved']}. Means over {draws_text(result.provenance.draws, 'draw')}. "
                  f"{meta['url']}")
        return charts.for_image(charts.sankey_figure(view["sankey"][name], name_chars=None),
                                f"{CHARTS[name]}: {result.title}", source)

    # the source line ends with the run page's address under handed_on_origin (done_view)
    key = f"run/{result.run_id}/{name}/{STYLE}/{handed_on_origin(request)}"
    body = drawn(request, key, fmt, figure, f"/r/{result.run_id}")
    return image_response(request, body, fmt, f"moneytrail-{result.run_id[:8]}-{name}",
                          by_host=True)


def reality_chart(request: Request, fmt: str, revision: str | None = None) -> Response:
    """The reality-check chart as an image; with `revision`, of the ledger as it was at that
    revision (views.at_revision), its source line naming the embed page that shows it. The
    source line's address is under `handed_on_origin`, as a run chart's."""
    from moneytrail.web import views
    from moneytrail.web.routes_runs import handed_on_origin

    fmt = image_format(fmt)
    state = views.at_revision(request.app.state.web, revision)
    base = handed_on_origin(request)
    url = base + "/" if state is request.app.state.web else \
        f"{base}/embed/reality?revision={state.ledger.state().revision}"
    view = views.reality_view(state, url, origin=base)
    meta = view["meta"]

    def figure() -> charts.Figure:
        rows = view["reality"]
        unit = f" ({rows[0]['currency']} at {rows[0]['price_year']} prices)" if rows else ""
        source = (f"Source: moneytrail ledger revision {meta['ledger_revision']}"
                  f"{' of ' + meta['ledger_updated'] if meta['ledger_updated'] else ''}, "
                  f"data package {meta['data_version']}. Latest sourced claim of each stage"
                  f"{unit}. {meta['url']}")
        return charts.for_image(charts.reality_figure(rows, name_chars=70),
                                meta["title"], source)

    key = f"reality/{meta['ledger_revision']}/{meta['data_version']}/{STYLE}/{base}"
    body = drawn(request, key, fmt, figure, "/")
    return image_response(request, body, fmt, "moneytrail-reality-check", by_host=True)


def compare_chart(request: Request, fmt: str, runs: str | None) -> Response:
    from moneytrail.web.routes_runs import comparison

    fmt = image_format(fmt)
    view = comparison(request, runs)

    def figure() -> charts.Figure:
        ids = ", ".join(r["run_id"] for r in view["runs"])
        source = (f"Source: moneytrail runs {ids}; data package "
                  f"{view['meta']['data_version']}. Medians, whiskers: 90 % intervals.")
        return charts.for_image(charts.compare_figure(view["runs"], view["headline"],
                                                      name_chars=None),
                                "Where the money ends up: " + " vs ".join(
                                    r["name"] for r in view["runs"]), source)

    ids = ",".join(r["run_id"] for r in view["runs"])
    body = drawn(request, f"compare/{ids}/{STYLE}", fmt, figure, f"/compare?runs={ids}")
    return image_response(request, body, fmt, "moneytrail-comparison")   # no address in it


def add_chart_routes(app: FastAPI) -> None:
    """Register the image routes and the app's image cache (`app.state.charts`)."""
    from starlette.concurrency import run_in_threadpool

    from moneytrail.data.package import cache_dir

    app.state.charts = charts.ImageCache(cache_dir() / "web-charts")
    app.state.drawing = DrawingNow()
    app.state.templates.globals.update(plotly_sankey=charts.sankey_figure,
                                       plotly_reality=charts.reality_figure,
                                       plotly_compare=charts.compare_figure,
                                       embed_height=charts.embed_height,
                                       sankey_summary=charts.sankey_summary,
                                       reality_summary=charts.reality_summary,
                                       reality_parts_caption=charts.reality_parts_caption,
                                       compare_summary=charts.compare_summary,
                                       whole_capex_note=charts.WHOLE_CAPEX_NOTE)
    image: dict[int | str, dict[str, Any]] = {"200": {
        "content": {"image/svg+xml": {}, "image/png": {}},
        "description": "The chart as SVG or PNG"}}

    @app.get(f"{API}/runs/{{run}}/charts/{{name}}.{{fmt}}", tags=["runs"], responses=image,
             response_class=Response,
             summary="A chart of a done run as SVG or PNG (name: first, location, ownership)")
    @app.get("/r/{run}/chart/{name}.{fmt}", include_in_schema=False)
    async def run_image(request: Request, run: str, name: str, fmt: Fmt) -> Response:
        return await run_in_threadpool(run_chart, request, run, name, fmt)

    @app.get(f"{API}/charts/reality.{{fmt}}", tags=["ledger"], responses=image,
             response_class=Response,
             summary="The reality-check chart (largest pledges by stage) as SVG or PNG")
    @app.get("/charts/reality.{fmt}", include_in_schema=False)
    async def reality_image(request: Request, fmt: Fmt,
                            revision: Annotated[str | None, Query(
                                description="the ledger as it was at this revision (a "
                                "whole number, as a citation names it); default: the "
                                "newest")] = None) -> Response:
        return await run_in_threadpool(reality_chart, request, fmt, revision)

    @app.get("/embed/compare", include_in_schema=False)
    def embed_compare(request: Request,
                      runs: Annotated[str | None, Query()] = None) -> Response:
        """The compare chart alone, for other sites to frame (see the CSP middleware)."""
        from moneytrail.web.routes_runs import comparison, page

        view = comparison(request, runs)
        return page(request, "embed_compare.html", view=view, meta=view["meta"])

    @app.get(f"{API}/compare/chart.{{fmt}}", tags=["runs"], responses=image,
             response_class=Response,
             summary="The compare chart of done runs as SVG or PNG (?runs=<id>,<id>[,...])")
    @app.get("/compare/chart.{fmt}", include_in_schema=False)
    async def compare_image(request: Request, fmt: Fmt,
                            runs: Annotated[str | None, Query()] = None) -> Response:
        return await run_in_threadpool(compare_chart, request, fmt, runs)
