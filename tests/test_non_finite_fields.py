"""NaN and infinity are refused in every float field of the plan schema, found by walking the
schema itself (a float field added later is covered without touching this file): from a YAML
file on the command line (exit 2, one line naming file, field and value) and from a draft in
the web builder (HTTP 400, one line naming field and value)."""

from __future__ import annotations

import base64
import html
import json
import re
import subprocess
import sys
import types
import typing
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from moneytrail.scenarios.schema import Plan, parse_scenario

# a plan that fills every float field the schema has (and parses as it is)
BASE: dict[str, Any] = {
    "id": "plan", "title": "Every float field", "year": 2025, "currency": "EUR",
    "budget": {"amount": 1000.0},
    "spend": {"accelerators": {"central": 0.6, "low": 0.5, "high": 0.7},
              "facility": {"central": 0.4, "low": 0.3, "high": 0.5}},
    "procurement": {"accelerators": {"nvidia": {"central": 1.0, "low": 1.0, "high": 1.0}}},
    "renewable_share": {"central": 0.5, "low": 0.4, "high": 0.6},
    "conditions": [{"metric": "single_supplier_share", "max": 0.5, "threshold": 0.3},
                   {"metric": "labour_share", "min": 0.1}],
    "draws": 50,
}
MESSAGE = "not a finite number (NaN and infinity cannot be traced); give a number"


def has_float(annotation: Any) -> bool:
    return annotation is float or any(has_float(a) for a in typing.get_args(annotation))


def models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for a in typing.get_args(annotation) for m in models_in(a)]


def schema_float_fields(model: type[BaseModel] = Plan, seen: set | None = None
                        ) -> set[tuple[str, str]]:
    """(model name, field name) of every float field reachable from the plan model."""
    seen = set() if seen is None else seen
    if model in seen:
        return set()
    seen.add(model)
    found = set()
    for name, info in model.model_fields.items():
        if has_float(info.annotation):
            found.add((model.__name__, name))
        for inner in models_in(info.annotation):
            found |= schema_float_fields(inner, seen)
    return found


def float_paths(annotation: Any, data: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """(dotted path in BASE, 'Model.field') of every float value BASE holds, walking the
    schema's annotations alongside the data."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        out = []
        for name, info in annotation.model_fields.items():
            if isinstance(data, dict) and name in data:
                if has_float(info.annotation) and isinstance(data[name], float):
                    out.append(((*path, name), f"{annotation.__name__}.{name}"))
                else:
                    out += float_paths(info.annotation, data[name], (*path, name))
        return out
    if origin in (typing.Union, types.UnionType):
        return [p for a in args if a is not type(None) for p in float_paths(a, data, path)]
    if origin is dict and isinstance(data, dict):
        return [p for k, v in data.items() for p in float_paths(args[1], v, (*path, k))]
    if origin is list and isinstance(data, list):
        return [p for i, v in enumerate(data) for p in float_paths(args[0], v, (*path, i))]
    return []


PATHS = float_paths(Plan, BASE)


def test_the_base_plan_is_valid_and_fills_every_float_field_of_the_schema():
    parse_scenario(BASE)
    covered = {tuple(which.split(".")) for _, which in PATHS}
    assert covered == schema_float_fields(), "add the new float field to BASE"
    assert len(PATHS) >= 13


def with_value(path: tuple, value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(BASE))
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


def dotted(path: tuple) -> str:
    return ".".join(map(str, path))


@pytest.mark.parametrize(("path", "typed"), [
    (path, typed) for (path, _), typed in zip(PATHS * 2, [".nan"] * len(PATHS)
                                              + ["-.inf"] * len(PATHS), strict=True)],
    ids=lambda v: dotted(v) if isinstance(v, tuple) else v)
def test_a_yaml_file_with_nan_or_infinity_is_refused_in_one_line(tmp_path, path, typed):
    data = with_value(path, "@VALUE@")
    file = tmp_path / "plan.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False).replace("'@VALUE@'", typed))
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "trace", str(file)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    shown = "nan" if typed == ".nan" else "-inf"
    assert f"field '{dotted(path)}', value {shown}: {MESSAGE}" in lines[0], lines[0]
    assert str(file) in lines[0]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("non-finite") / "ledger.sqlite"
    with TestClient(create_app(db=str(db), start_reference_runs=False)) as test_client:
        yield test_client


def draft_link(plan: dict[str, Any]) -> str:
    token = base64.urlsafe_b64encode(json.dumps(plan).encode()).decode().rstrip("=")
    return f"/build?plan={token}&check=1"


@pytest.mark.parametrize(("path", "typed"), [
    (path, typed) for path, _ in PATHS for typed in ("nan", "Infinity", "-inf")],
    ids=lambda v: dotted(v) if isinstance(v, tuple) else v)
def test_the_builder_refuses_nan_or_infinity_typed_in_any_float_field(client, path, typed):
    """The builder keeps what was typed (text: JSON has no NaN), so the draft link works and
    the check names the field and the value in one line."""
    response = client.get(draft_link(with_value(path, typed)))
    assert response.status_code == 400, response.text[:300]
    summary = re.search(r'<div class="notice error-summary".*?<a href="#[^"]+">(.*?)</a>',
                        response.text, re.S)
    assert summary, "no error summary"
    line = html.unescape(" ".join(summary.group(1).split()))
    # the field by its label on the form, not its dotted path (h39, h59)
    assert line.endswith(f": {MESSAGE} (you gave: {typed})")
    assert not line.startswith(dotted(path) + ":")
    if path == ("budget", "amount"):
        assert line.startswith("Budget: ")
    assert "Traceback" not in response.text


@pytest.mark.parametrize("path", [path for path, _ in PATHS], ids=dotted)
def test_the_api_calls_1e400_too_large_in_any_float_field(client, path):
    """A JSON body with 1e400 (infinite as a float) is refused naming the field, the value as
    sent and the field's cap (h235: as the ledger refuses 1e400 like 2e17; it said 'too large
    to be finite'), never a 5xx."""
    body = json.dumps(with_value(path, "@BIG@")).replace('"@BIG@"', "1e400")
    response = client.post("/api/v1/runs", content=body.encode(),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    problem = response.json()
    assert (problem["field"], problem["value"]) == (dotted(path), "1e400")
    caps = ("a budget can be at most", "must be a share between 0 and 1",
            "outside the range of", "must be a share in (0, 1]")
    assert any(cap in problem["detail"] for cap in caps), problem["detail"]
    assert "finite" not in problem["detail"]


def test_the_builders_number_text_check_knows_every_float_field():
    """web.jobs.NUMBER_KEYS names the plan fields whose text the builder reads as numbers
    (decimal commas, size words): a float field of the schema missing from it would give the
    schema's raw 'unable to parse string' for '20,5' instead of the one-line advice."""
    pytest.importorskip("fastapi")
    from moneytrail.web.jobs import NUMBER_KEYS

    names = {name for _, name in schema_float_fields()}
    assert names <= NUMBER_KEYS, names - NUMBER_KEYS
