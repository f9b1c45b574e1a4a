"""Briefings a budget officer can hand on: one plan, or several side by side, as one
self-contained HTML file or an A4 PDF (WeasyPrint), from the same template.

    from moneytrail.report.briefing import render_briefing
    pdf = render_briefing(ws, [result], fmt="pdf")          # bytes

`results` are trace results (`service.tasks.trace_plan(..., analyses=True)` or stored runs);
`resolve_runs` turns the CLI's arguments (scenario files or run ids) into them. Figures are
static SVG drawn in `charts` (no browser, nothing downloaded); every value from data is
escaped (plan titles and notes are user-editable).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from moneytrail.errors import MoneytrailError
from moneytrail.report.briefing.content import Asked, Briefing, gather
from moneytrail.service.result import Result
from moneytrail.service.tasks import LEDGER, StoreChoice
from moneytrail.service.workspace import Workspace

Progress = Callable[[str, int, int], None]
FORMATS = ("pdf", "html")


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment of the briefing templates (autoescape on)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("moneytrail.report", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=False, lstrip_blocks=False)


def stylesheet() -> str:
    return resources.files("moneytrail.report").joinpath("templates/briefing.css").read_text(
        encoding="utf-8")


def render_html(briefing: Briefing) -> str:
    """The briefing as one HTML document (inline CSS and SVG, no external resources). Notes
    that cite docs/methods.md name the methods page: a link to it at `briefing.meta
    ['methods_url']` (the web app's /methods) when known, else the methods by their title."""
    from moneytrail.report.glossary import GLOSSARY

    html = environment().get_template("briefing.html").render(
        b=briefing, css=stylesheet(), glossary=GLOSSARY)
    return cite_methods(html, str(briefing.meta.get("methods_url") or ""))


# a citation of the methods in escaped HTML: docs/methods.md, optionally with 'Section'
CITED_HTML = re.compile(r"docs/methods\.md(?:, (?:&#39;|&#34;|\u201c)([^&\u201d<]+)"
                        r"(?:&#39;|&#34;|\u201d))?")


def cite_methods(html: str, url: str) -> str:
    """Each 'docs/methods.md' of a rendered briefing as the reader can follow it: a link to
    `url` (with the cited section's anchor), else the methods' title in quotes."""
    from markupsafe import escape

    from moneytrail.report.methods import METHODS_TITLE, section_anchor

    def one(found: re.Match[str]) -> str:
        section = found[1]
        if not url:
            return f"the methods \u201c{METHODS_TITLE}\u201d" + (
                f", \u201c{section}\u201d" if section else "")
        anchor = section_anchor(section) if section else ""
        target = url + (f"#{anchor}" if anchor else "")
        where = " on the moneytrail web app" if url.startswith("/") else ""
        return (f'<a href="{escape(target)}">{escape(target)}</a>{where}'
                + (f", \u201c{section}\u201d" if section else ""))

    return CITED_HTML.sub(one, html)


SVG = "{http://www.w3.org/2000/svg}"
XMLNS = "{http://www.w3.org/2000/xmlns/}"


def html_to_pdf(html: str) -> bytes:
    """An HTML briefing printed to A4 by WeasyPrint (fonts embedded, no network) as a tagged
    PDF: headings, lists, tables and figures in its structure tree, for screen readers. Each
    chart is one figure with its title and description as alternate text, its drawn words
    not read as content (`chart_as_image`); a table broken over pages is one table with its
    caption (`one_table_per_table`)."""
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=data_urls_only())
    for chart in list(document.etree_element.iter(f"{SVG}svg")):
        chart_as_image(document.etree_element, chart)
    return document.write_pdf(pdf_tags=True, finisher=one_table_per_table)


def data_urls_only():
    """WeasyPrint's URL fetcher for a briefing: the data: URLs of its charts and nothing else
    (a briefing loads nothing from anywhere)."""
    import weasyprint

    if hasattr(weasyprint, "URLFetcher"):      # the fetcher class of newer WeasyPrint
        return weasyprint.URLFetcher(allowed_protocols={"data"})

    def fetch(url: str, *args, **kwargs):
        if not url.startswith("data:"):
            raise ValueError(f"briefings load no external resources ({url[:80]})")
        return weasyprint.default_url_fetcher(url, *args, **kwargs)

    return fetch


def chart_as_image(root, chart) -> None:
    """A chart drawn for the PDF as one figure whose words are not read as content: an
    <img> whose alternate text is the chart's <title> and <desc> (what aria-labelledby gives
    an HTML reader) and whose picture is the chart as the image's background, which WeasyPrint
    marks as an artifact. (Drawn inline, the chart's labels were tagged as the figure's
    content: letter by letter, with no spaces, 'WhatitbuysTheplanWherevalueisadded...'.)"""
    import base64
    import copy
    from xml.etree import ElementTree

    parent = next((node for node in root.iter() if chart in list(node)), None)
    if parent is None:
        return
    title, desc = chart.find(f"{SVG}title"), chart.find(f"{SVG}desc")
    alt = (title.text or "") if title is not None else ""
    if desc is not None and desc.text:
        alt = f"{alt.rstrip('.')}. {desc.text}"

    def data_url(svg) -> str:
        svg = copy.deepcopy(svg)
        for node in svg.iter():        # the HTML parser keeps xmlns as an attribute
            for key in [key for key in node.attrib if key.startswith(XMLNS)]:
                del node.attrib[key]
        text = base64.b64encode(ElementTree.tostring(svg, encoding="utf-8")).decode("ascii")
        return f"data:image/svg+xml;base64,{text}"

    frame = ElementTree.Element(f"{SVG}svg", {key: chart.get(key) for key in
                                              ("viewBox", "width", "height") if chart.get(key)})
    image = ElementTree.Element("img", {
        "src": data_url(frame), "alt": alt, "class": "chart",
        "style": f"background: url({data_url(chart)}) no-repeat 0 0 / 100% 100%"})
    image.tail = chart.tail
    index = list(parent).index(chart)
    parent.remove(chart)
    parent.insert(index, image)


def one_table_per_table(document, pdf) -> None:
    """WeasyPrint's finisher: a table broken over pages is tagged as one table per page, the
    pages after the first without the caption ('Metric / Value' read as a table of its own).
    Each such part joins the table it continues (the one before it: every table of a briefing
    has a caption), and containers left empty go."""
    def get(reference):
        return pdf.objects[int(reference.split()[0])]

    def is_elem(item, role: str | None = None) -> bool:
        return (isinstance(item, dict) and item.get("Type") == "/StructElem"
                and (role is None or item.get("S") == role))

    def kids(item) -> list:
        return [get(k) for k in item.get("K", []) if isinstance(k, bytes)]

    tables = [item for item in pdf.objects if is_elem(item, "/Table")]
    head = None
    for table in tables:
        captioned = any(is_elem(kid, "/Caption") for kid in kids(table))
        if captioned or head is None or any(not isinstance(k, bytes) for k in table["K"]):
            head = table
            continue
        for reference in table["K"]:
            get(reference)["P"] = head.reference
            head["K"].append(reference)
        table["K"] = type(table["K"])([])
        child, parent = table, get(table["P"])
        while is_elem(parent) and not len(child["K"]):
            parent["K"] = type(parent["K"])([k for k in parent["K"] if k != child.reference])
            if parent.get("S") not in ("/Div", "/NonStruct", "/Sect", "/Part"):
                break
            child, parent = parent, get(parent["P"])


def render_briefing(ws: Workspace, results: list[Result], *, fmt: str = "pdf",
                    progress: Progress | None = None, sensitivity: bool = True,
                    asked: dict[str, Asked] | None = None,
                    store: StoreChoice = LEDGER, base_url: str | None = None) -> bytes:
    """A plan briefing (one trace result) or a comparison briefing (several), as PDF or
    HTML bytes (UTF-8). `progress(step, done, total)` is called as the work goes on;
    `sensitivity=False` leaves out the tornado (faster); `asked` (from `resolve_runs`) names
    the run each result was computed from where the reader asked for another; `store`: where
    the tornado's sensitivity runs are kept (the workspace's run store by default; a private
    store for a private plan's briefing, so they are not opened to everyone). `base_url`: the
    web app's address, when the briefing is made there (its public address, else the one
    the request reached: absolute, since a PDF opened from disk follows no relative link):
    its methods are cited as a link to its /methods page; '' cites them as the relative path
    /methods; None (the command line) by name. The run pages are named under
    How to cite the same way (none from the command line)."""
    if fmt not in FORMATS:
        raise MoneytrailError("unknown report format (use pdf or html)", field="format",
                              value=fmt)
    briefing = gather(ws, results, progress=progress, sensitivity=sensitivity, asked=asked,
                      store=store)
    if base_url is not None:
        briefing.meta["site_url"] = base_url.rstrip("/")
        briefing.meta["methods_url"] = base_url.rstrip("/") + "/methods"
    html = render_html(briefing)
    if fmt == "html":
        return html.encode("utf-8")
    if progress is not None:
        progress("printing the PDF", 1, 1)
    return html_to_pdf(html)


def format_of(path: str | Path) -> str:
    """pdf or html from an output file name."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ("htm", "html"):
        return "html"
    if suffix == "pdf":
        return "pdf"
    raise MoneytrailError("the report's file name must end in .pdf or .html", field="-o",
                          value=str(path))


NO_ANALYSES = ("it was stored without analyses (as the trace command stores a run), so it "
               "was traced again with the same plan, draws, seed and tiers, with the "
               "scorecard, conditions and purchases this briefing shows")
FROM_COMPARE = ("a comparison run: each of its plans was traced with the draws and seed the "
                "comparison used")


def resolve_runs(ws: Workspace, items: list[str], *, draws: int | None = None,
                 seed: int | None = None, progress: Callable[[str, int, int], None] | None
                 = None) -> tuple[list[Result], dict[str, Asked]]:
    """Trace results for scenario files or stored run ids, full or their first 8 or more hex
    digits (service.tasks.show_run, as `moneytrail show`; stored runs as `resolve_stored`
    gives them), and for each result computed from another run than the one named, that run
    and why (run id of the result -> Asked; `render_briefing(..., asked=...)` names both)."""
    from moneytrail.scenarios import load_scenario
    from moneytrail.scenarios.schema import check_draws, check_seed
    from moneytrail.service import tasks

    # `draws` and `seed` are checked before any work, and refused when only stored runs are
    # named: a stored run keeps the draws and seed it was computed with
    if draws is not None:
        check_draws(draws)
    if seed is not None:
        check_seed(seed)
    if (draws is not None or seed is not None) and not any(map(plan_file, items)):
        option, value = ("--draws", draws) if draws is not None else ("--seed", seed)
        raise MoneytrailError(f"{option} applies to scenario files only: a stored run keeps "
                              "the draws and seed it was computed with (leave the option "
                              "out)", field=option, value=value)
    out: list[Result] = []
    asked: dict[str, Asked] = {}
    for i, item in enumerate(items):
        if progress is not None:
            progress(f"tracing {item}" if plan_file(item) else f"reading run {item}", i,
                     len(items))
        path = Path(item)
        if plan_file(item):
            out.append(tasks.trace_plan(ws, load_scenario(path), draws=draws, seed=seed))
            continue
        # a full id or its first 8 or more digits, read as `moneytrail show` reads them
        results, why = resolve_stored(ws, [tasks.show_run(ws, item)])
        out += results
        asked.update(why)
    return out, asked


def plan_file(item: str) -> bool:
    """Whether an argument of `moneytrail report` names a scenario file (else a run id)."""
    path = Path(item)
    return path.suffix.lower() in (".yaml", ".yml") or path.exists()


def resolve_stored(ws: Workspace, stored: list[Result], *, store: StoreChoice = LEDGER
                   ) -> tuple[list[Result], dict[str, Asked]]:
    """The trace results a briefing of stored runs is made from (`service.tasks.analysed_runs`:
    a compare run expands into its plans; a trace run stored without analyses is traced again
    with them, kept in `store`), and for each result computed from another run than the one
    named, that run and why (run id of the result -> Asked). The CLI (`resolve_runs`) and the
    web app's report downloads both use this, so one run id gives one briefing."""
    from moneytrail.service import tasks

    out: list[Result] = []
    asked: dict[str, Asked] = {}
    for result in stored:
        if result.kind not in ("trace", "compare"):
            raise MoneytrailError("a report is made from trace or compare runs",
                                  field="run", value=f"{result.run_id} ({result.kind})")
        why = FROM_COMPARE if result.kind == "compare" else NO_ANALYSES
        for traced in tasks.analysed_runs(ws, result, store=store):
            if traced.run_id != result.run_id:
                asked[traced.run_id] = Asked(result.run_id, why, result)
            out.append(traced)
    return out, asked


__all__ = ["FORMATS", "Asked", "format_of", "render_briefing", "render_html", "resolve_runs",
           "resolve_stored"]
