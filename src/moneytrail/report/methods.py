"""The methods (docs/methods.md, shipped in the package as moneytrail/docs/methods.md) as a
web page with an anchor on every heading, and links to its sections from notes that cite it.

Rendered with markdown-it-py (CommonMark plus tables); raw HTML in the file is not passed
through (shown as text) and links keep markdown-it's scheme check (no javascript:)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

METHODS_TITLE = "Methods and modelling conventions"
PATH = "/methods"


def methods_text() -> str:
    """The methods as markdown, from the installed package."""
    return resources.files("moneytrail").joinpath("docs/methods.md").read_text(
        encoding="utf-8")


def slug(text: str) -> str:
    """A heading as an anchor: 'Evidence weight' -> 'evidence-weight'."""
    words = re.sub(r"[^\w\s-]", "", text.lower()).split()
    return "-".join(words) or "section"


@lru_cache(maxsize=1)
def methods_page() -> tuple[str, list[dict[str, Any]]]:
    """The methods as HTML (without its first heading, which the page prints) and its
    contents (`render_markdown`); the code's files and names are notes for developers at the
    end (`mark_code_pointers`), so the text reads in words."""
    return render_markdown(methods_text(), code_notes=True)


# a pointer into the code ('analysis/market_power.py', 'tests/test_evidence.py',
# 'web.runs.HHI_UNMOVED', 'engine.sampling.InverseTable'), not a data file, a column or a command
CODE_POINTER = re.compile(r"[\w./-]+\.py|tests/[\w./-]+|[a-z_]+(?:\.[a-z_]+)+\.[A-Za-z_]+")
DEV_HEADING = "For developers: where in the code"
DEV_ANCHOR = "for-developers"


def mark_code_pointers(tokens: list[Any]) -> list[str]:
    """Replace each inline code span that points into the code (CODE_POINTER) by a numbered
    note mark (one number per pointer, however often cited); the pointers, in order."""
    from html import escape

    from markdown_it.token import Token

    pointers: list[str] = []
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        for k, child in enumerate(token.children):
            if child.type != "code_inline" or not CODE_POINTER.fullmatch(child.content):
                continue
            if child.content not in pointers:
                pointers.append(child.content)
            n = pointers.index(child.content) + 1
            mark = Token("html_inline", "", 0)
            mark.content = (f'<sup class="dev-ref"><a href="#dev-{n}" title="'
                            f'{escape(child.content)}" aria-label="note for developers {n}">'
                            f"{n}</a></sup>")
            token.children[k] = mark
            tidy_brackets(token.children, k)
    return pointers


def tidy_brackets(children: list[Any], k: int) -> None:
    """Around the note mark at `children[k]`, no brackets left empty: '(¹)' becomes '¹' and
    'the trace's; ¹)' becomes 'the trace's)¹' (line breaks before the mark dropped)."""
    before = k - 1
    while before >= 0 and children[before].type == "softbreak":
        before -= 1
    after = k + 1
    if before < 0 or after >= len(children) or children[before].type != "text" \
            or children[after].type != "text" or not children[after].content.startswith(")"):
        return
    prev, mark = children[before], children[k]
    text = prev.content.rstrip()
    if text.endswith("("):
        prev.content = text[:-1].rstrip()
    elif text.endswith((";", ",", ":")):
        prev.content = text[:-1]
        mark.content = ")" + mark.content
    else:
        return
    children[after].content = children[after].content[1:]
    for between in range(before + 1, k):
        children[between].type, children[between].content = "text", ""


def render_markdown(text: str, *, code_notes: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """Markdown as HTML with an anchor (`id`) on every heading, raw HTML shown as text, and
    the first top-level heading left out; with the contents: level, anchor and title of
    every heading below it. With `code_notes`, pointers into the code become numbered notes
    listed under DEV_HEADING at the end."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    pointers = mark_code_pointers(tokens) if code_notes else []
    toc: list[dict[str, Any]] = []
    used: set[str] = set()
    for k, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        title = tokens[k + 1].content
        anchor, n = slug(title), 2
        while anchor in used:
            anchor, n = f"{slug(title)}-{n}", n + 1
        used.add(anchor)
        token.attrSet("id", anchor)
        if token.tag != "h1":
            toc.append({"level": int(token.tag[1]), "anchor": anchor, "title": title})
    first = next((k for k, t in enumerate(tokens) if t.type == "heading_close"
                  and t.tag == "h1"), -1)
    body = md.renderer.render(tokens[first + 1:], md.options, {})
    if pointers:
        from html import escape

        items = "".join(f'<li id="dev-{n}"><code>{escape(p)}</code></li>'
                        for n, p in enumerate(pointers, 1))
        body += (f'<h2 id="{DEV_ANCHOR}">{DEV_HEADING}</h2>\n<p>The numbered marks in the '
                 f"text point to the code that does what the text says.</p>\n<ol>{items}</ol>\n")
        toc.append({"level": 2, "anchor": DEV_ANCHOR, "title": DEV_HEADING})
    return body, toc


def section_anchor(name: str) -> str:
    """The anchor of the section a note names ('Market power', 'Evidence weight'): the first
    heading that starts with it (case aside); '' when none does."""
    name = name.strip().lower()
    for entry in methods_page()[1]:
        if entry["title"].lower().startswith(name):
            return str(entry["anchor"])
    return ""


# "docs/methods.md", "docs/methods.md, 'Market power'", "(docs/methods.md, \"Evidence ...\")"
CITED = re.compile(r"docs/methods\.md(?:,? ['\"\u2018\u201c]([^'\"\u2019\u201d]+)"
                   r"['\"\u2019\u201d])?")


def methods_link(section: str | None) -> str:
    """The page address of the methods, at `section` when it is one of its headings."""
    anchor = section_anchor(section) if section else ""
    return PATH + (f"#{anchor}" if anchor else "")
