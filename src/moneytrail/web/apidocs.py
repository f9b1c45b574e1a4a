"""The HTTP API reference page at /api/v1/docs: Swagger UI (5.x, which reads OpenAPI 3.1 as
FastAPI writes it) served from the installed `swagger-ui-py` package (PyPI; its two files
swagger-ui.css and swagger-ui-bundle.js, never a CDN), started by our own static script
(static/api-docs.js: no inline script, so the CSP stays `script-src 'self'`).

Without the package (or without JavaScript) the page lists every endpoint of the OpenAPI
description with its parameters and an example curl command, rendered by our template.
/docs and /redoc, where FastAPI usually puts such a page, redirect to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

API = "/api/v1"
ASSETS = "/static/swagger-ui"          # the package's files (swagger-ui.css, -bundle.js)
FILES = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript"}
METHODS = ("get", "post", "put", "patch", "delete")


def swagger_ui_dir() -> Path | None:
    """The folder of Swagger UI's files inside the installed swagger-ui-py package, or
    None when it is not installed (the page then shows the plain reference only)."""
    import importlib.util

    spec = importlib.util.find_spec("swagger_ui")     # found, not imported: no side effects
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "static"
    return folder if all((folder / name).is_file() for name in FILES) else None


def endpoints(spec: dict[str, Any], origin: str) -> list[dict[str, Any]]:
    """Every operation of an OpenAPI description for the plain reference: method, path,
    summary, tag, parameters (name, where, required, description) and an example curl
    command (GET only: writes need an account, see docs/security.md)."""
    out = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            parameters = [{"name": p.get("name", ""), "in": p.get("in", ""),
                           "required": bool(p.get("required")),
                           "description": p.get("description", "")}
                          for p in operation.get("parameters", []) if isinstance(p, dict)]
            curl = f"curl '{origin}{path}'" if method == "get" and "{" not in path else \
                f"curl -X {method.upper()} '{origin}{path}'"
            out.append({"method": method.upper(), "path": path,
                        "summary": operation.get("summary", ""),
                        "tag": (operation.get("tags") or ["other"])[0],
                        "parameters": parameters,
                        "body": "requestBody" in operation, "curl": curl})
    return out


def add_docs_routes(app: FastAPI) -> None:
    """The docs page, its redirects and Swagger UI's two files (added before the /static
    mount, which would hide them)."""
    folder = swagger_ui_dir()
    if folder is not None:
        def asset(name: str, media_type: str) -> None:
            @app.get(f"{ASSETS}/{name}", include_in_schema=False, name=f"swagger-ui {name}")
            def swagger_file() -> FileResponse:
                return FileResponse(folder / name, media_type=media_type,
                                    headers={"Cache-Control": "public, max-age=86400"})

        for name, media_type in FILES.items():
            asset(name, media_type)

    @app.get(f"{API}/docs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        from moneytrail.web.routes_runs import handed_on_origin

        # the curl lines are copied: under the site's public address, as every page's
        # citation (routes_runs.handed_on_origin), never the Host the request sent
        origin = handed_on_origin(request)
        page = request.app.state.templates.get_template("api_docs.html").render(
            request=request, meta=None, nav="", title="HTTP API reference",
            swagger=folder is not None, assets=ASSETS, spec_url=f"{API}/openapi.json",
            endpoints=endpoints(request.app.openapi(), origin), origin=origin)
        return HTMLResponse(page)

    @app.get("/docs", include_in_schema=False)
    @app.get("/redoc", include_in_schema=False)
    def docs_elsewhere() -> RedirectResponse:
        return RedirectResponse(f"{API}/docs", status_code=308)
