"""errors.shown and text.shown_count name a long whole number the same way: its first digits
and its length, or its size alone past what Python writes. Before, an error line wrote out a
300-digit value in full, while the web app's lines shortened it past 40 digits."""

from __future__ import annotations

from moneytrail.errors import MoneytrailError, shown
from moneytrail.text import shown_count


def test_a_long_whole_number_is_shortened_in_error_lines():
    value = 10 ** 299
    assert shown(value) == shown_count(value) == "1" + "0" * 19 + "\u2026 (300 digits)"
    error = MoneytrailError("too large", field="draws", value=value)
    assert "(300 digits)" in str(error) and "0" * 50 not in str(error)


def test_short_numbers_and_other_values_are_shown_whole():
    assert shown(12345) == "12345"
    assert shown(10 ** 38) == str(10 ** 38)
    assert shown("text") == "'text'" and shown("text", quote=False) == "text"


def test_past_what_python_writes_only_the_size_is_given():
    value = 16 ** 4000 - 1
    assert shown(value) == shown_count(value) == "a whole number of about 4,817 digits"


def test_a_long_number_inside_a_list_or_mapping_is_shortened():
    """Reviewer H: a JSON body `{"draws": [10**299]}` repeated all 300 digits."""
    assert shown([10 ** 299]) == "[1" + "0" * 19 + "\u2026 (300 digits)]"
    assert shown({"draws": 10 ** 299}) == "{'draws': 1" + "0" * 19 + "\u2026 (300 digits)}"
    assert shown("9" * 60) == repr("9" * 60)       # text the user typed is shown as typed


def test_the_api_names_a_long_number_inside_an_array_by_its_first_digits(tmp_path):
    import pytest

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    app = create_app(db=str(tmp_path / "s.db"), start_reference_runs=False)
    body = '{"reference": "eu-ai-gigafactories", "draws": [1' + "0" * 299 + "]}"
    with TestClient(app, base_url="http://127.0.0.1") as client:
        answer = client.post("/api/v1/runs", content=body,
                             headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["value"] == "[1" + "0" * 19 + "\u2026 (300 digits)]"
