"""The reference plans' texts are read once per process and cannot be changed by a caller
(they were plain dicts in a cache: one caller's change reached every later reader)."""

from __future__ import annotations

import pytest


def test_reference_texts_are_read_only():
    from moneytrail.scenarios.reference import inherited_text, reference_texts

    first = reference_texts()[0]
    with pytest.raises(TypeError):
        first["title"] = "changed"          # type: ignore[index]
    assert reference_texts()[0]["title"] == first["title"] != "changed"
    # a copy with the carried fields is the caller's own
    found = inherited_text(first["title"], "", 1.0, "XXX")
    assert found is not None and found["fields"] == ["title"] and found["id"] == first["id"]
    found["title"] = "mine"
    assert reference_texts()[0]["title"] == first["title"]
