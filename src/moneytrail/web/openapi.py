"""The OpenAPI description at /api/v1/openapi.json, with the responses the API really gives.

FastAPI writes every operation's 422 as its own `HTTPValidationError` (application/json, a
list of details) and knows nothing of the other errors. The app answers every error as
problem-details JSON (RFC 9457, application/problem+json: `detail` a sentence, `field` and
`value` naming the input; web.app.problem), so the description is rewritten from one table,
RESPONSES: for each operation its success statuses with their media types and its error
statuses, all described by the one `Problem` schema. An operation missing from the table is
an error when the description is built (a new route must say what it answers).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

API = "/api/v1"


class Problem(BaseModel):
    """An error (RFC 9457 problem details), sent as application/problem+json."""

    type: str = Field(description="always about:blank: the status says what kind of error")
    title: str = Field(description="the status's reason phrase, e.g. 'Bad request'")
    status: int = Field(description="the HTTP status code")
    detail: str = Field(description="what is wrong and what to send instead, in one sentence")
    instance: str = Field(description="the path of the request")
    field: str | None = Field(default=None, description="the input at fault: a query "
                              "parameter, a path segment, a header or a dotted path in the "
                              "body (`record.low`)")
    value: str | int | float | bool | None = Field(
        default=None, description="the offending value as sent (shortened; never a secret)")


# what each error status means in this API
ERRORS: dict[int, str] = {
    400: "Bad input: an unknown or repeated query parameter, a value out of range, an unknown "
         "table or format, a body that is not valid JSON, a plan that breaks a rule; for "
         "the saved plans, also a body of the wrong shape (a key missing, unknown or of the "
         "wrong type)",
    401: "Not signed in: log in or send an API key (Authorization: Bearer mt_...)",
    403: "Signed in, but not allowed: the role, the key's scope or the CSRF token",
    404: "Nothing with this id (or a run or saved plan the caller may not see)",
    409: "Conflict: the record changed since expected_revision, or the change clashes with "
         "another record; for a run's tables or charts: the run is not done yet (queued or "
         "running: ask again after Retry-After seconds) or failed",
    413: "The body is too large",
    415: "The body is not JSON (Content-Type: application/json)",
    422: "The body's shape is wrong: a required key missing, a key unknown or of the wrong "
         "type (`field` names it)",
    429: "Too many runs started from this address: wait Retry-After seconds",
    503: "The store cannot be reached, or the server cannot draw images: try again "
         "(Retry-After)",
}

# success media types by short name
MEDIA: dict[str, tuple[str, dict[str, Any]]] = {
    "json": ("application/json", {"type": "object"}),
    "csv": ("text/csv", {"type": "string"}),
    "yaml": ("application/yaml", {"type": "string"}),
    "svg": ("image/svg+xml", {"type": "string"}),
    "png": ("image/png", {"type": "string", "format": "binary"}),
    "parquet": ("application/vnd.apache.parquet", {"type": "string", "format": "binary"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             {"type": "string", "format": "binary"}),
}
SUCCESS: dict[int, str] = {200: "OK", 201: "Created", 202: "Accepted: queued; poll its URL",
                           204: "Done; no content",
                           307: "A short run id (8 to 31 of its first hex digits) that one "
                                "run starts with: Location is the run's full address"}

Successes = dict[int, tuple[str, ...]]             # status -> media types (MEDIA's names)
Answers = tuple[Successes, tuple[int, ...]]         # and the error statuses
VIEW: Answers = ({200: ("json", "csv")}, (400, 503))    # a page's JSON, or a table as CSV
VIEW_OF_ONE: Answers = ({200: ("json", "csv")}, (400, 404, 503))
IMAGE: Successes = {200: ("svg", "png")}
JSON: Successes = {200: ("json",)}
WRITE = (400, 401, 403, 404, 409, 413, 415, 422, 503)    # a JSON write behind a login
# the saved plans' writes: a body of the wrong shape is a 400 there (web.app.FOUR_HUNDRED_BODIES)
SAVED_WRITE = tuple(status for status in WRITE if status != 422)

# every operation of the API: (success statuses -> media types, error statuses)
RESPONSES: dict[str, Answers] = {
    "GET /home": VIEW,
    "GET /charts/reality": VIEW,
    "GET /ledger": VIEW,
    "GET /ledger/totals": VIEW,
    "GET /ledger/deals/{deal}": VIEW_OF_ONE,
    "GET /sources/{source}": VIEW_OF_ONE,
    "GET /claims": VIEW,
    "GET /plans": VIEW,
    "GET /plans/{plan}": VIEW_OF_ONE,
    "POST /runs": ({200: ("json",), 202: ("json",)}, (400, 404, 413, 415, 429, 503)),
    "GET /runs/{run}": ({200: ("json", "csv", "parquet", "xlsx"), 307: ()}, (400, 404, 409, 503)),
    "GET /runs/{run}/plan.yaml": ({200: ("yaml",)}, (400, 404, 503)),
    "GET /compare": ({200: ("json", "csv", "xlsx")}, (400, 404, 503)),
    "GET /runs/{run}/charts/{name}.{fmt}": (IMAGE, (400, 404, 409, 503)),
    "GET /charts/reality.{fmt}": (IMAGE, (400, 503)),
    "GET /compare/chart.{fmt}": (IMAGE, (400, 404, 503)),
    "GET /claims/{claim}/check": (JSON, (400, 404, 429, 503)),
    "GET /claims/check": (JSON, (400, 404, 429, 503)),
    "POST /accounts/{name}/password-reset": ({201: ("json",)}, WRITE),
    "GET /me": (JSON, (400, 503)),
    "GET /ledger/record/{kind}/{key}": (JSON, (400, 404, 503)),
    "POST /ledger/{kind}": ({201: ("json",)}, WRITE),
    "PATCH /ledger/{kind}/{key}": (JSON, WRITE),
    "POST /ledger/revisions/{number}/revert": (JSON, WRITE),
    "GET /saved-plans": (JSON, (400, 503)),
    "POST /saved-plans": ({201: ("json",)}, SAVED_WRITE),
    "GET /saved-plans/{plan_id}": (JSON, (400, 404, 503)),
    "PATCH /saved-plans/{plan_id}": (JSON, SAVED_WRITE),
    "DELETE /saved-plans/{plan_id}": ({204: ()}, (400, 401, 403, 404, 409, 503)),
    "GET /saved-plans/{plan_id}/revisions": (JSON, (400, 404, 503)),
    "GET /saved-plans/{plan_id}/runs": (JSON, (400, 404, 503)),
    "POST /saved-plans/{plan_id}/runs": ({202: ("json",)},
                                         (400, 401, 403, 404, 413, 415, 429, 503)),
    "POST /saved-plans/{plan_id}/purge": (JSON, (400, 401, 403, 404, 409, 503)),
    "GET /saved-plans/{plan_id}/trail": (JSON, (400, 401, 403, 404, 503)),
}


def responses(key: str, existing: dict[str, Any]) -> dict[str, Any]:
    """The responses of the operation `key` ("GET /ledger") from RESPONSES; a success's JSON
    schema FastAPI found (a declared return type) is kept."""
    if key not in RESPONSES:
        raise KeyError(f"{key}: not in web.openapi.RESPONSES (say what it answers there)")
    successes, errors = RESPONSES[key]
    out: dict[str, Any] = {}
    for status, kinds in successes.items():
        found = existing.get(str(status), {}).get("content", {})
        content = {}
        for kind in kinds:
            media, schema = MEDIA[kind]
            kept = found.get(media) or {}
            content[media] = kept if kept.get("schema") else {"schema": schema}
        out[str(status)] = {"description": SUCCESS[status], **({"content": content}
                                                             if content else {})}
    for status in errors:
        out[str(status)] = {"description": ERRORS[status], "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    return out


def describe(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` (FastAPI's OpenAPI description) with every operation's responses from
    RESPONSES, the shared Problem schema, and FastAPI's validation error schemas removed."""
    for path, item in schema.get("paths", {}).items():
        short = path.removeprefix(API)
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"] = responses(f"{method.upper()} {short}",
                                                   operation["responses"])
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    return schema


def install(app: FastAPI) -> None:
    """Serve `describe`'s description (built once) at /api/v1/openapi.json, as a route of
    the app (the app has no `openapi_url`: FastAPI's own route for it skips the app's
    dependencies), so it takes the API's rule on query parameters as every /api/v1 address
    does (web.query.strict_query: `?utm_source=x` is a 400, as at /api/v1/docs)."""
    from fastapi.responses import JSONResponse

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe(get_openapi(
                title=app.title, version=app.version, description=app.description,
                routes=app.routes))
        return app.openapi_schema

    app.openapi = openapi          # type: ignore[method-assign]

    @app.get(f"{API}/openapi.json", include_in_schema=False)
    def openapi_json() -> JSONResponse:
        return JSONResponse(openapi())
