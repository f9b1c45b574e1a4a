"""Checks of a form page's errors the way a screen reader meets them (h68): each input in
error has aria-invalid and an aria-describedby naming an element whose text is its message,
and the summary (role alert) lists every error with a link to its input."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

VOID = {"input", "br", "img", "meta", "link", "hr", "option"}


class Elements(HTMLParser):
    """Every element with an id: its tag, attributes and text (of it and its children)."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self.labels: dict[str, str] = {}       # input id -> its label's text
        self.open: list[dict] = []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        if element["attrs"].get("id"):
            self.by_id.setdefault(element["attrs"]["id"], element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i]["tag"] == tag:
                closed = self.open[i]
                del self.open[i:]
                if tag == "label" and closed["attrs"].get("for"):
                    self.labels[closed["attrs"]["for"]] = " ".join(closed["text"].split())
                break

    def handle_data(self, data):
        for element in self.open:
            element["text"] += data


def parse(html: str) -> Elements:
    parsed = Elements()
    parsed.feed(html)
    return parsed


def text(element: dict) -> str:
    return " ".join(element["text"].split())


def message_of(page: Elements, input_id: str) -> str:
    """The error message an input in error points at (asserting it is marked invalid)."""
    field = page.by_id[input_id]
    assert field["attrs"].get("aria-invalid") == "true", (input_id, field["attrs"])
    ids = field["attrs"].get("aria-describedby", "").split()
    messages = [text(page.by_id[i]) for i in ids if i.endswith("-error")]
    assert len(messages) == 1 and messages[0], (input_id, ids)
    return messages[0].removeprefix("Error: ")


def invalid_inputs(page: Elements) -> list[str]:
    return [i for i, e in page.by_id.items() if e["attrs"].get("aria-invalid") == "true"]


def summary(html: str) -> tuple[str, list[tuple[str, str]]]:
    """The summary's heading and its (link target, line) pairs; it is the page's alert."""
    page = parse(html)
    box = page.by_id["error-summary"]
    assert box["attrs"].get("role") == "alert"
    block = re.search(r'<div[^>]*id="error-summary".*?</div>', html, re.S).group(0)
    links = [(target, " ".join(unescape(re.sub(r"<[^>]+>", "", line)).split()))
             for target, line in re.findall(r'<a href="#([^"]+)">(.*?)</a>', block, re.S)]
    return text(page.by_id["error-summary-h"]), links


def autofocused(html: str) -> list[str]:
    return re.findall(r'<[^>]*\bid="([^"]+)"[^>]*\bautofocus\b', html)
