"""Drawing a chart image does not print the browser driver's harmless JSON-decode traceback
(choreographer logs one when Chromium sends a message it cannot decode), while moneytrail's
own errors are still logged and a failed drawing still raises."""

from __future__ import annotations

import logging

import pytest

kaleido = pytest.importorskip("kaleido")

from moneytrail.errors import MoneytrailError  # noqa: E402
from moneytrail.web import charts  # noqa: E402

FIGURE = {"data": [{"type": "bar", "x": [1], "y": [2]}], "layout": {"width": 300,
                                                                    "height": 200}}


def test_the_browser_drivers_decode_traceback_is_quiet(monkeypatch, caplog):
    def draw(*args, **kwargs):
        try:
            raise ValueError("Expecting value: line 1 column 1 (char 0)")
        except ValueError:
            logging.getLogger("choreographer.channels.pipe").exception(
                "JSONError decoding message. Ignoring")
        logging.getLogger("moneytrail.web").error("our own error")
        return b"<svg/>"

    monkeypatch.setattr(kaleido, "calc_fig_sync", draw)
    with caplog.at_level(logging.DEBUG):
        assert charts.render_image(FIGURE, "svg") == b"<svg/>"
    names = [r.name for r in caplog.records]
    assert "moneytrail.web" in names
    assert not [n for n in names if n.startswith("choreographer")], caplog.text


def test_a_failed_drawing_still_raises(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("no browser")

    monkeypatch.setattr(kaleido, "calc_fig_sync", fail)
    with pytest.raises(MoneytrailError, match="could not draw this chart image"):
        charts.render_image(FIGURE, "svg")
