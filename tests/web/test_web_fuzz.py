"""The OpenAPI spec fuzzed with schemathesis against the ASGI app (no network): about 1,000
generated calls over every operation, and not one answer >= 500."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in the dev extra "
                                   "(pip install -e '.[dev]')")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

EXAMPLES = 80                 # per operation: 13 operations, about 1,000 calls


@pytest.mark.slow
def test_openapi_fuzz_never_5xx(tmp_path):
    app = create_app(db=str(tmp_path / "ledger.sqlite"), start_reference_runs=False,
                     run_limit=(100_000, 1_000))
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    calls: dict[str, list[int]] = {}
    for item in schema.get_all_operations():
        fuzz(item.ok(), calls)
    assert len(calls) >= 13, sorted(calls)
    assert sum(len(codes) for codes in calls.values()) >= 900


def fuzz(operation, calls: dict[str, list[int]]) -> None:
    """EXAMPLES generated calls of one operation; every answer must be below 500."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case) -> None:
        response = case.call()
        calls.setdefault(operation.label, []).append(response.status_code)
        assert response.status_code < 500, (operation.label, case.path_parameters,
                                            case.query, response.text[:500])

    check()
