"""Strict query strings for the JSON API: unknown or repeated parameters are refused.

A typo in a filter (`/api/v1/ledger?regoin=EU`) or a filter given twice (`?region=EU&region=US`)
would otherwise be ignored silently and answer with unfiltered (or half-filtered) data. Every
`/api/v1` route takes exactly the query parameters it declares, each at most once (a parameter
declared as a list may repeat); anything else is a 400 problem+json naming the parameter and
its value. HTML pages stay lenient: links from elsewhere often carry tracking parameters.
"""

from __future__ import annotations

import typing
from typing import Any

from fastapi import Request

from moneytrail.errors import MoneytrailError

API = "/api/v1"


def declared(route: Any) -> tuple[set[str], set[str]]:
    """The query parameters a route takes, its dependencies' included: (all names, names
    that may repeat)."""
    names: set[str] = set()
    repeatable: set[str] = set()
    stack = [getattr(route, "dependant", None)]
    while stack:
        dependant = stack.pop()
        if dependant is None:
            continue
        for param in dependant.query_params:
            name = getattr(param, "alias", None) or param.name
            names.add(name)
            if _is_sequence(getattr(param.field_info, "annotation", None)):
                repeatable.add(name)
        stack.extend(dependant.dependencies)
    return names, repeatable


def _is_sequence(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return True
    return any(_is_sequence(arg) for arg in typing.get_args(annotation)
               if typing.get_origin(annotation) is not None and arg is not type(None))


async def strict_query(request: Request) -> None:
    """App-wide dependency: refuse unknown or repeated query parameters on `/api/v1` routes."""
    path = request.url.path
    if not (path == API or path.startswith(API + "/")):
        return
    names, repeatable = declared(request.scope.get("route"))
    items = request.query_params.multi_items()
    counts: dict[str, int] = {}
    for name, value in items:
        counts[name] = counts.get(name, 0) + 1
        if name not in names:
            takes = f"this address takes {', '.join(sorted(names))}" if names else \
                "this address takes no query parameters"
            raise MoneytrailError(f"unknown query parameter ({takes})", field=name,
                                  value=value)
        if counts[name] == 2 and name not in repeatable:
            given = [v for n, v in items if n == name]
            raise MoneytrailError(f"query parameter given {len(given)} times ("
                                  f"{', '.join(map(repr, given[:5]))}); give it once",
                                  field=name, value=given[1])
