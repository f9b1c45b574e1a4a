"""The web app's charts as plotly figures, built once here and used twice: the page sends the
figure to the browser (plotly.js draws it, `static/runs.js`), and `/.../chart/<name>.svg|png`
renders the very same figure server-side with kaleido driving Chromium (`find_browser`:
`MONEYTRAIL_CHROMIUM`, else `chromium` or `chromium-browser` on PATH).

    fig = sankey_figure(view["sankey"]["first"])                 # {"data", "layout", "narrow"}
    svg = render_image(for_image(fig, title, source), "svg")     # bytes

A figure is a plain dict: `data` and `layout` as plotly.js takes them, and `narrow`, the
changes a page applies under 600 px wide (shorter labels, smaller margins; the reality chart
wraps deal names whole instead; a Sankey fits the width: two columns, labels on two lines, see
`narrow_sankey`). Images are `IMAGE_WIDTH` px wide (PNG at scale 1, so the PNG's size is the
layout's size) and are cached on disk by a key that names what they show (a stored run never
changes).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path
from typing import Any

from moneytrail.draws import draws_text
from moneytrail.errors import MoneytrailError, ResourceError
from moneytrail.report.units import money

BROWSER_ENV = "MONEYTRAIL_CHROMIUM"      # a Chromium or Chrome program (name or path)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NO_BROWSER = ("the server cannot draw chart images: it has no Chromium browser installed "
              "(its administrator can install chromium, or set MONEYTRAIL_CHROMIUM to a "
              "Chromium or Chrome program). The chart's data are on its page: use the "
              "page's CSV and JSON downloads")
FONT = {"family": "system-ui, DejaVu Sans, sans-serif", "color": "#1a1a1a"}
# Okabe-Ito vermillion: colour-blind safe and 3.9:1 on white (WCAG 1.4.11 asks 3:1 of a bar or
# node; the Okabe-Ito orange #e69f00 it replaces reached 2.25:1)
VERMILLION = "#d55e00"
PALETTE = ["#0b5394", VERMILLION, "#1d6b2f", "#a3151a", "#6a3d9a", "#b15928", "#1f78b4",
           "#33a02c", "#7a5200", "#4a4a4a"]
STAGES = {"announced": ("Announced", "#0b5394"), "committed": ("Committed", VERMILLION),
          "disbursed": ("Spent", "#1d6b2f")}
# a Sankey band: a light fill (dark labels on it and on two overlapping bands stay above 9:1)
# with an outline that reaches 3.8:1 on white (WCAG 1.4.11: the fill alone, #0b5394 at 18 %,
# was 1.34:1); on the page each label has a white halo (site.css) so no outline crosses
# its letters
LINK_FILL = "rgba(11,83,148,0.18)"
LINK_LINE = {"color": "rgba(11,83,148,0.7)", "width": 1}
IMAGE_WIDTH = 1200           # px; the PNG is this wide (scale 1)
# SVG is XML text: its charset is named (ASVS 4.1.1), as for HTML, CSV and YAML
FORMATS = {"svg": "image/svg+xml; charset=utf-8", "png": "image/png"}
Figure = dict[str, Any]


def short(text: str, limit: int | None) -> str:
    """Text from data (a plan title, a deal or firm name) as a chart label: at most `limit`
    characters (an ellipsis when cut; `None` keeps the whole text), then made plain text for
    Plotly (`plain`)."""
    text = " ".join(str(text).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return plain(text)


def wrapped(text: str, width: int | None) -> str:
    """Text from data as a chart label broken into lines of at most `width` characters at
    spaces (Plotly's "<br>"; a word longer than `width` is cut into pieces, never shortened),
    each line made plain text (`plain`). `None` keeps one line. Nothing is left out, so a
    label reads whole on a phone where `short` would end it with an ellipsis."""
    words = str(text).split()
    if width is None:
        return plain(" ".join(words))
    lines: list[str] = []
    line = ""
    for word in words:
        while len(word) > width:                   # no break point: cut the word itself
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line or not lines:
        lines.append(line)
    return "<br>".join(plain(one) for one in lines)


def plain(text: str) -> str:
    """Plotly reads labels, titles and hover texts as a small HTML subset (<b>, <br>,
    <a href=...> becomes a live link in the SVG and the page): escape &, < and > so text from
    data always shows as written and never as markup (Plotly turns the entities back into
    the characters)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- figures ----------------------------------------------------------------------------------
def sankey_labels(data: dict[str, Any], name_chars: int | None, sep: str = ": ",
                  wrap: bool = False) -> list[str]:
    """'name: amount' per node, the name shortened to `name_chars` (the amount never is);
    `sep="<br>"` puts the amount on a line of its own; `wrap` breaks the name into lines of
    `name_chars` instead of shortening it (phones: nothing cut). The amount is the larger of
    the node's inflow and outflow (means: they add up)."""
    into: dict[str, float] = {}
    out: dict[str, float] = {}
    for link in data["links"]:
        out[link["source"]] = out.get(link["source"], 0.0) + link["value"]
        into[link["target"]] = into.get(link["target"], 0.0) + link["value"]
    return [f"{wrapped(n, name_chars) if wrap else short(n, name_chars)}{sep}"
            f"{money(max(into.get(n, 0.0), out.get(n, 0.0)), data['currency'])}"
            for n in data["nodes"]]


def passed_on_root(data: dict[str, Any]) -> int | None:
    """The index of the Sankey's single root node (the plan) if every node it feeds passes
    all it gets on (so the root's links repeat what the next column shows), else None."""
    links = data["links"]
    sources = {link["source"] for link in links}
    targets = {link["target"] for link in links}
    roots = [n for n in data["nodes"] if n in sources and n not in targets]
    if len(roots) != 1:
        return None
    into: dict[str, float] = {}
    out: dict[str, float] = {}
    for link in links:
        out[link["source"]] = out.get(link["source"], 0.0) + link["value"]
        into[link["target"]] = into.get(link["target"], 0.0) + link["value"]
    fed = {link["target"] for link in links if link["source"] == roots[0]}
    if any(abs(out.get(n, 0.0) - into[n]) > 1e-9 * max(1.0, into[n]) for n in fed):
        return None
    return list(data["nodes"]).index(roots[0])


NARROW_SANKEY_LINE = 22   # characters per line of a Sankey node's name under 600 px (11 px)


def narrow_sankey(data: dict[str, Any], trace: dict[str, Any]) -> Figure:
    """The changes a phone-wide page (< 600 px) applies to a Sankey so it fits the width with
    readable labels: two columns instead of three (the plan's node goes when the next column
    passes on all it gets: the page's heading gives the total), each label's name wrapped
    (never cut) above its amount at 11 px, and enough height and padding for one label per
    node."""
    root = passed_on_root(data)
    link = trace["link"]
    keep = [i for i, source in enumerate(link["source"]) if source != root]
    sources = {x["source"] for x in data["links"]}
    targets = {x["target"] for x in data["links"]}
    column = max(len(targets - sources), len(sources & targets), 1)   # the longest column
    labels = sankey_labels(data, NARROW_SANKEY_LINE, "<br>", wrap=True)
    lines = max((label.count("<br>") + 1 for label in labels), default=2)
    pad = 13 * lines + 2                  # a line at 11 px is about 13 px tall: labels apart
    changes: dict[str, Any] = {
        "node": {"label": labels, "pad": pad, "thickness": 12},
        "textfont": {"size": 11}}
    if root is not None:
        changes["link"] = {key: [link[key][i] for i in keep]
                           for key in ("source", "target", "value", "customdata")}
    return {"layout": {"height": max(520, min(2400, column * (pad + 16) + 120)),
                       "margin": {"l": 2, "r": 2, "t": 16, "b": 20}},
            "traces": [changes]}


def sankey_figure(data: dict[str, Any], *, name_chars: int | None = 44) -> Figure:
    """A Sankey of `runs.sankey(...)` data (nodes, links with values, currency)."""
    index = {n: i for i, n in enumerate(data["nodes"])}
    currency = data["currency"]
    links = data["links"]
    n = len(data["nodes"])
    trace = {
        "type": "sankey", "orientation": "h", "arrangement": "snap",
        "valueformat": ",.3s", "valuesuffix": f" {currency}",
        "node": {"label": sankey_labels(data, name_chars), "pad": 14, "thickness": 18,
                 "color": [PALETTE[i % len(PALETTE)] for i in range(n)],
                 "line": {"color": "#ffffff", "width": 0.5},
                 # the amount as `money` writes it ('EUR 12,290', 'EUR 7.67 bn'), not
                 # Plotly's SI '12.3k EUR' / '7.67G EUR'
                 "customdata": sankey_labels(data, None),        # escaped by it
                 "hovertemplate": "%{customdata}<extra></extra>"},
        "link": {"source": [index[link["source"]] for link in links],
                 "target": [index[link["target"]] for link in links],
                 "value": [link["value"] for link in links],
                 "color": LINK_FILL, "line": LINK_LINE,
                 "customdata": [plain(f"{link['source']} \u2192 {link['target']}: "
                                      f"{money(link['value'], currency)}") for link in links],
                 "hovertemplate": "%{customdata}<extra></extra>"}}
    layout = {"height": max(420, min(900, n * 22)), "margin": {"l": 4, "r": 4, "t": 8, "b": 8},
              "font": FONT, "paper_bgcolor": "#ffffff"}
    return {"data": [trace], "layout": layout, "narrow": narrow_sankey(data, trace)}


NARROW_LINE = 20      # characters per line of a deal name under 600 px (11 px: ~125 px wide)
NARROW_KEY_LINE = 32  # characters per line of a legend entry under 600 px (12 px: ~230 px)


# a stage's amount in a deal's parts (views.reality_chart's `committed_in_parts`, ...), drawn
# where the deal records no figure of its own: the stage's colour pale, outlined in full (the
# outline keeps the bar at 3:1 on white, WCAG 1.4.11)
PARTS_FILL = {"committed": "rgba(213,94,0,0.25)", "disbursed": "rgba(29,107,47,0.25)"}
IN_PARTS = "in its parts"
# a deal whose money is not for AI alone (views.reality_chart's `not_ai_alone`: the deal's
# scope not_ai_only or purpose capex): its bars hatched with white stripes
HATCH = "/"
WHOLE_CAPEX_LEGEND = "Hatched: whole-company capital expenditure, not AI alone"
NOT_AI_ALONE_LEGEND = "Hatched: not AI alone (whole-company capital expenditure or more than AI)"


def reality_figure(rows: list[dict[str, Any]], *, name_chars: int | None = 44) -> Figure:
    """Grouped bars: announced, committed and spent amount of each pledge (in bn).

    Each row is labelled with its `label` (the deal's name, with 'part of ...' for a deal inside
    another, views.reality_chart), else its name. Labels are wrapped, never cut: lines of at
    most `name_chars` characters (13 px), under 600 px wide lines of `NARROW_LINE` (11 px);
    each row is tall enough for its longest label. A stage the deal records no figure for but
    its parts do (`committed_in_parts`, `disbursed_in_parts`) is a pale bar ("in its parts",
    as the table says); the bars of a deal whose money is not for AI alone (`not_ai_alone`)
    are hatched. The legend has an entry for each kind of bar drawn (legend-only traces after
    the three stages: the stages' own legend style would follow their first bar)."""
    currency = rows[0]["currency"] if rows else "EUR"
    ordered = list(reversed(rows))

    def names(width: int | None) -> list[str]:
        return [wrapped(r.get("label") or r["name"], width) for r in ordered]

    def lines(labels: list[str]) -> int:
        return max((label.count("<br>") + 1 for label in labels), default=1)

    hatched = [HATCH if r.get("not_ai_alone") else "" for r in ordered]
    traces: list[dict[str, Any]] = []
    legend: list[dict[str, Any]] = []
    in_parts_drawn = []
    for stage in ("disbursed", "committed", "announced"):
        label, color = STAGES[stage]
        values, fills, texts = [], [], []
        for r in ordered:
            own = r.get(f"{stage}_central")
            parts = r.get(f"{stage}_in_parts") if own is None else None
            value = own if own is not None else parts
            values.append(None if value is None else value / 1e9)
            fills.append(color if parts is None else PARTS_FILL[stage])
            text = "" if value is None else money(value, currency)
            if parts is not None:
                text += f" {IN_PARTS}, as of {r.get(f'{stage}_in_parts_as_of') or 'n/a'}"
                in_parts_drawn.append(stage)
            texts.append(text)
        pattern = {"shape": hatched, "fillmode": "overlay", "size": 8, "solidity": 0.3,
                   "fgcolor": ["#ffffff" if fill == color else color for fill in fills]}
        traces.append({
            "type": "bar", "orientation": "h", "name": label, "legendgroup": stage,
            "showlegend": False, "offsetgroup": stage,
            "marker": {"color": fills, "line": {"color": color, "width": 1.5},
                       "pattern": pattern},
            "y": names(name_chars), "x": values, "text": texts, "textposition": "none",
            "hovertemplate": f"%{{y}}<br>{label}: %{{text}}<extra></extra>"})

    def key(name: str, group: str, fill: str, line: str, shape: str = "") -> dict[str, Any]:
        """A legend entry alone: one empty bar (plotly leaves a trace without points out of
        the legend) in the announced bars' slot."""
        return {"type": "bar", "orientation": "h", "name": name, "legendgroup": group,
                "legendrank": len(legend) + 1, "offsetgroup": "announced", "x": [None],
                "y": names(name_chars)[:1], "hoverinfo": "skip",
                "marker": {"color": fill, "line": {"color": line, "width": 1.5},
                           "pattern": {"shape": shape, "fillmode": "overlay", "size": 8,
                                       "solidity": 0.3, "fgcolor": "#ffffff"}}}

    for stage in ("announced", "committed", "disbursed"):      # a stage and its parts stacked
        label, color = STAGES[stage]
        legend.append(key(label, stage, color, color))
        if stage in in_parts_drawn:
            legend.append(key(f"{label} {IN_PARTS}", stage, PARTS_FILL[stage], color))
    marked = [r for r in rows if r.get("not_ai_alone")]
    if marked:
        words = (WHOLE_CAPEX_LEGEND if all(r.get("whole_capex") for r in marked)
                 else NOT_AI_ALONE_LEGEND)
        legend.append(key(words, "not_ai_alone", "#4a4a4a", "#4a4a4a", HATCH))
    row = max(40, 17 * lines(names(name_chars)) + 8)         # px per deal: bars or its name
    layout = {"barmode": "group", "bargap": 0.25,
              "height": max(360, len(rows) * row + 120),
              # room for the labels (about 7 px a character at 13 px), so that the y axis's
              # automargin rarely moves the plot (for_image starts the source at its left)
              "margin": {"l": max(320, 7 * (name_chars or 0) + 24), "r": 16, "t": 8, "b": 56},
              "xaxis": {"title": {"text": f"{currency} bn"}, "rangemode": "tozero",
                        "gridcolor": "#dddddd"},
              "yaxis": {"automargin": True, "tickfont": {"size": 13}},
              "legend": {"orientation": "h", "traceorder": "grouped", "x": 0, "y": -0.12,
                         "yanchor": "top"},
              "font": FONT, "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff"}
    narrow_row = max(44, 14 * lines(names(NARROW_LINE)) + 12)
    narrow = {"layout": {"height": max(360, len(rows) * narrow_row + 120),
                         "margin": {"l": 130}, "yaxis": {"tickfont": {"size": 11}}},
              "traces": [*({"y": names(NARROW_LINE)} for _ in traces),
                         *({"y": names(NARROW_LINE)[:1],
                            "name": wrapped(entry["name"], NARROW_KEY_LINE)} for entry in legend)]}
    return {"data": [*traces, *legend], "layout": layout, "narrow": narrow}


NARROW_COMPARE_LINE = 22     # characters per line of a compare row label under 600 px (10 px)
NARROW_LEGEND_LINE = 40      # characters per line of a plan's name in the legend under 600 px


def compare_figure(runs: list[dict[str, Any]], rows: list[dict[str, Any]], *,
                   name_chars: int | None = 44) -> Figure:
    """Grouped bars with 90 % whiskers: each run's median share per headline row (in %).

    Each run is named by its `name` (web.runs.run_names: the title, with what tells apart
    runs of one title), else its title. Row labels and names are wrapped, never cut with an
    ellipsis: lines of at most `name_chars` characters, under 600 px wide of
    NARROW_COMPARE_LINE (labels) and NARROW_LEGEND_LINE (names); each row is tall enough for
    its bars and its longest label."""
    ordered = list(reversed(rows))

    def labels(width: int | None) -> list[str]:
        return [wrapped(r["label"], width) for r in ordered]

    def lines(texts: list[str]) -> int:
        return max((text.count("<br>") + 1 for text in texts), default=1)

    def height(width: int | None, line_px: int, legend_lines: int = 0) -> int:
        row = max(len(runs) * 18, lines(labels(width)) * line_px + 10)    # px per row
        return max(380, len(rows) * row + 140 + 20 * legend_lines)

    names = [run.get("name") or run["title"] for run in runs]
    narrow_legend = sum(lines([wrapped(name, NARROW_LEGEND_LINE)]) for name in names)
    traces, narrow_traces = [], []
    for k, name in enumerate(names):
        key = f"run{k + 1}"

        def pct(stat: str, rows: list[dict[str, Any]] = ordered, key: str = key
                ) -> list[float | None]:
            return [None if r.get(f"{key}_{stat}") is None else r[f"{key}_{stat}"] * 100
                    for r in rows]

        p50, p5, p95 = pct("p50"), pct("p5"), pct("p95")
        traces.append({
            "type": "bar", "orientation": "h", "name": wrapped(name, 90),
            "marker": {"color": PALETTE[k % len(PALETTE)]},
            "y": labels(name_chars), "x": p50,
            "error_x": {"type": "data", "symmetric": False, "color": "#1a1a1a",
                        "thickness": 1,
                        "array": [None if a is None or b is None else a - b
                                  for a, b in zip(p95, p50, strict=True)],
                        "arrayminus": [None if a is None or b is None else b - a
                                       for a, b in zip(p5, p50, strict=True)]},
            "hovertemplate": f"%{{y}}: %{{x:.1f}} %<extra>{short(name, 40)}</extra>"})
        narrow_traces.append({"name": wrapped(name, NARROW_LEGEND_LINE),
                              "y": labels(NARROW_COMPARE_LINE)})
    layout = {"barmode": "group", "height": height(name_chars, 16),
              "margin": {"l": 300, "r": 16, "t": 8, "b": 56}, "font": FONT,
              "xaxis": {"title": {"text": "% of the plan's spending"}, "rangemode": "tozero",
                        "gridcolor": "#dddddd"},
              "yaxis": {"automargin": True, "tickfont": {"size": 13}},
              "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
              "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff"}
    narrow = {"layout": {"height": height(NARROW_COMPARE_LINE, 13, narrow_legend),
                         "margin": {"l": 130, "r": 8}, "yaxis": {"tickfont": {"size": 10}},
                         "legend": {"font": {"size": 11}}},
              "traces": narrow_traces}
    return {"data": traces, "layout": layout, "narrow": narrow}


# -- text alternatives: a chart's main figures in words ---------------------------------------
# the columns after the plan of each run-page Sankey (runs.sankey), as the PDF's Sankey names
# its own (report.briefing.charts)
SANKEY_HEADINGS = {
    "first": ("What the plan buys", "First invoices"),
    "location": ("Where the value added is generated", "Kept as wages, profits, taxes"),
    "ownership": ("By country, profits counted in the owners' country",
                  "Kept as wages, profits, taxes"),
}
SUMMARY_LIMIT = 5       # the largest nodes (bars) a text alternative names per column (stage)


def sankey_summary(data: dict[str, Any], chart: str, limit: int = SUMMARY_LIMIT) -> str:
    """A Sankey's main figures in words, its text alternative: for each column after the
    plan, its largest nodes with their amounts and shares, the same statistic as the run's
    tables show: the median (and median share) of a node that `data['medians']` holds
    (runs.sankey_first / sankey_end), else the mean with its share of the plan's total, as
    the flow table (the PDF's figure descriptions, report.briefing.charts.describe_columns);
    each part says which statistic it gives."""
    from moneytrail.report.briefing.charts import Node, describe_columns

    into: dict[str, float] = {}
    out: dict[str, float] = {}
    sources_of: dict[str, list[str]] = {}
    for link in data["links"]:
        out[link["source"]] = out.get(link["source"], 0.0) + link["value"]
        into[link["target"]] = into.get(link["target"], 0.0) + link["value"]
        sources_of.setdefault(link["target"], []).append(link["source"])
    depth: dict[str, int] = {}

    def depth_of(node: str, seen: frozenset[str] = frozenset()) -> int:
        if node not in depth:
            parents = [p for p in sources_of.get(node, []) if p not in seen]
            depth[node] = 1 + max((depth_of(p, seen | {node}) for p in parents), default=-1)
        return depth[node]

    nodes = [n for n in data["nodes"] if n in into or n in out]
    total = sum(out.get(n, 0.0) for n in nodes if depth_of(n) == 0)
    columns: dict[int, list[Node]] = {}
    for n in nodes:
        if depth_of(n) > 0:
            columns.setdefault(depth_of(n), []).append(
                Node(n, max(into.get(n, 0.0), out.get(n, 0.0))))
    headings = SANKEY_HEADINGS.get(chart, ())
    fmt: Callable[[float], str] = lambda v: money(v, data["currency"])   # noqa: E731
    medians: dict[str, list[float | None]] = data.get("medians") or {}
    told_medians, told_means = [], []
    for k in sorted(columns):
        heading = headings[k - 1] if k - 1 < len(headings) else f"Column {k + 1}"
        # a node the tables give a median of is named with it (and its median share where
        # the table has one), as the table shows it; a lump such as "Other countries" is in
        # no table, so it is left to the flow table
        own = [Node(n.label, float(medians[n.label][0] or 0.0), medians[n.label][1])
               for n in columns[k] if n.label in medians]
        if own:
            told_medians.append(describe_columns([(heading, own)], fmt, limit=limit))
        else:
            told_means.append(describe_columns([(heading, columns[k])], fmt,
                                               total=total or None, limit=limit))
    parts = []
    if told_medians:
        draws = draws_text(data["draws"], noun="draw") if data.get("draws") else "the draws"
        parts.append(f"Medians of {draws}, as in the run's tables: " + " ".join(told_medians))
    if told_means:
        parts.append("Means of the draws, as in the flow table: " + " ".join(told_means))
    return " ".join(parts)


WHOLE_CAPEX_NOTE = "whole-company capex, not AI alone"   # the reality table's qualifier


def deal_label(row: dict[str, Any]) -> str:
    """A deal as the reality table names it, with the table's qualifiers: the pledge it is
    part of (`inside`) and whether it is whole-company capex (reality_chart.html)."""
    label = str(row.get("name") or row.get("label") or "")
    if row.get("inside"):
        label += f" ({row['inside']})"
    if row.get("whole_capex"):
        label += f" ({WHOLE_CAPEX_NOTE})"
    return label


def reality_summary(rows: list[dict[str, Any]], limit: int = 3) -> str:
    """The reality chart's main figures in words: the largest pledges announced, committed
    and spent, with amounts (describe_columns, as a Sankey's). The chart holds the pledges
    with the largest announced amounts (views.reality_chart), so the words say so: a pledge
    with a larger committed or spent amount but a smaller (or no) announced one is not in
    it, and 'largest committed' is among the charted pledges only."""
    from moneytrail.report.briefing.charts import Node, describe_columns

    if not rows:
        return "No pledge in the ledger has an announced amount."
    columns = []
    for stage in ("announced", "committed", "disbursed"):
        nodes = [Node(deal_label(r), r[f"{stage}_central"]) for r in rows
                 if r.get(f"{stage}_central") is not None]
        if nodes:
            among = "" if stage == "announced" else " among them"
            columns.append((f"Largest {STAGES[stage][0].lower()}{among}", nodes))
    currency = rows[0]["currency"]
    held = "pledge with the largest announced amount" if len(rows) == 1 else \
        f"{len(rows)} pledges with the largest announced amounts"
    words = (f"The chart holds the {held} in the ledger. "
             + describe_columns(columns, lambda v: money(v, currency), limit=limit))
    shown = in_parts_shown(rows)
    if shown:
        items = "; ".join(f"{r['name']} {PARTS_STAGE_WORDS[stage]} "
                          f"{money(r[f'{stage}_in_parts'], currency)} {IN_PARTS} "
                          f"(as of {r.get(f'{stage}_in_parts_as_of') or 'n/a'})"
                          for r, stage in shown)
        given = "One amount is" if len(shown) == 1 else "Some amounts are"
        words += (f" {given} given in parts: {items}. A deal that records no amount of its "
                  "own at a stage is shown with its parts' amount there (a pale bar); such "
                  "amounts are not among the largest named above.")
    return words


# the stages a deal's parts may stand in for, in the chart's words
PARTS_STAGE_WORDS = {"committed": "committed", "disbursed": "spent"}


def in_parts_shown(rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str]]:
    """The reality chart's amounts given in a deal's parts: (row, stage) for each stage the
    deal records no amount of its own for but its parts do (a pale bar, reality_figure; the
    table's "in its parts")."""
    return [(r, stage) for r in rows for stage in PARTS_STAGE_WORDS
            if r.get(f"{stage}_central") is None and r.get(f"{stage}_in_parts") is not None]


def reality_parts_caption(rows: list[dict[str, Any]]) -> str:
    """The reality chart caption's sentence on amounts given in parts; '' when none is."""
    stages = list(dict.fromkeys(PARTS_STAGE_WORDS[stage] for _, stage in in_parts_shown(rows)))
    if not stages:
        return ""
    return (f"Pale bars are amounts given in parts: the deal records no {' or '.join(stages)} "
            "amount of its own, so the bar shows its parts' amount (the table gives their "
            "date).")


def compare_summary(runs: list[dict[str, Any]], rows: list[dict[str, Any]]) -> str:
    """The comparison chart's figures in words: each plan's median share per row with its
    90 % interval (the PDF's interval figures, describe_intervals)."""
    from moneytrail.report.briefing.charts import Interval, describe_intervals
    from moneytrail.report.units import percent

    parts = []
    for k, run in enumerate(runs):
        key = f"run{k + 1}"
        shown = [Interval(r["label"], r[f"{key}_p50"], r[f"{key}_p5"], r[f"{key}_p95"])
                 for r in rows if None not in (r.get(f"{key}_p50"), r.get(f"{key}_p5"),
                                               r.get(f"{key}_p95"))]
        if shown:
            parts.append(f"{run.get('name') or run['title']}: "
                         f"{describe_intervals(shown, percent)}.")
    return " ".join(parts)


SOURCE_LINE = 150     # characters per line of an image's source line (11 px: under 900 px)
EDGE = 16             # px between an image's edges and its title, legend and source


def legend_rows(figure: Figure) -> int:
    """Rows of the figure's legend when it has room: 1, or with traceorder "grouped" the
    most entries of one legend group (stacked in a column, reality_figure)."""
    if "grouped" not in str(figure["layout"].get("legend", {}).get("traceorder", "")):
        return 1
    groups: dict[str, int] = {}
    for trace in figure["data"]:
        if trace.get("showlegend", True):
            group = str(trace.get("legendgroup", ""))
            groups[group] = groups.get(group, 0) + 1
    return max(groups.values(), default=1)


def for_image(figure: Figure, title: str, source: str) -> Figure:
    """The figure as a stand-alone image: a title above, the source (run id, data version,
    date) below, `IMAGE_WIDTH` px wide; `narrow` is dropped. The source is wrapped into
    lines of `SOURCE_LINE` characters (never cut) starting, as the title and the legend do,
    `EDGE` px from the image's left edge (the layout's left margin: a y axis with automargin
    that needs more moves it right, within the room the wrapping leaves)."""
    layout = deepcopy(figure["layout"])
    legend = layout.get("legend")
    has_legend = isinstance(legend, dict) and "y" in legend
    source_text = wrapped(source, SOURCE_LINE)
    source_height = 14 * (source_text.count("<br>") + 1) + 8
    legend_height = 22 * legend_rows(figure) + 10 if has_legend else 0
    below = source_height + legend_height + 16
    margin = dict(layout.get("margin", {}))
    margin["t"] = int(margin.get("t", 8)) + 56
    margin["b"] = int(margin.get("b", 8)) + below
    margin["l"] = max(int(margin.get("l", 4)), EDGE)
    margin["r"] = max(int(margin.get("r", 4)), EDGE)
    height = int(layout.get("height", 500)) + 56 + below
    plot_height = max(height - margin["t"] - margin["b"], 1)
    plot_width = max(IMAGE_WIDTH - margin["l"] - margin["r"], 1)
    if has_legend:     # under the axis title, over the source, from the image's left
        layout["legend"] = {**legend, "x": -(margin["l"] - EDGE) / plot_width,
                            "xanchor": "left",
                            "y": -(margin["b"] - source_height - legend_height) / plot_height}
    layout.update({
        "width": IMAGE_WIDTH, "height": height,
        "margin": margin,
        "title": {"text": short(title, 110), "x": 0.01, "xanchor": "left", "y": 0.985,
                  "yanchor": "top", "font": {"size": 18}},
        "annotations": [*layout.get("annotations", []),
                        {"text": source_text, "showarrow": False, "xref": "paper",
                         "yref": "paper", "x": -(margin["l"] - EDGE) / plot_width,
                         "xanchor": "left", "align": "left", "y": 0, "yanchor": "top",
                         "yshift": -(margin["b"] - source_height),
                         "font": {"size": 11, "color": "#4a4a4a"}}]})
    return {"data": deepcopy(figure["data"]), "layout": layout}


# -- rendering --------------------------------------------------------------------------------
def quiet_browser_logs() -> None:
    """Silence the browser driver kaleido uses (choreographer): it logs a traceback for a
    message from Chromium it cannot decode as JSON and ignores, which is harmless; a chart
    that fails still raises (render_image's ResourceError), and moneytrail's own loggers
    are untouched."""
    logging.getLogger("choreographer").setLevel(logging.CRITICAL)


def find_browser() -> str | None:
    """The Chromium (or Chrome) program kaleido drives: the one `MONEYTRAIL_CHROMIUM` names
    (a program on PATH or a path), else the first of `BROWSER_NAMES` on PATH (Debian's
    `chromium`, Ubuntu's `chromium-browser`); None when there is none."""
    configured = os.environ.get(BROWSER_ENV, "").strip()
    for name in (configured,) if configured else BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def render_image(figure: Figure, fmt: str, *, browser: str | None = None) -> bytes:
    """SVG or PNG bytes of a figure (its layout gives width and height; PNG at scale 1),
    drawn by kaleido in Chromium (`find_browser`; no network: no MathJax, plotly.js from the
    wheel).

    Raises ResourceError (503) when there is no browser or it cannot draw: the server's
    environment, not the request, so the error names no field of the request."""
    import kaleido

    browser = browser or find_browser()
    if browser is None:
        raise ResourceError(NO_BROWSER)
    quiet_browser_logs()
    layout = figure["layout"]
    opts = {"format": fmt, "width": int(layout["width"]), "height": int(layout["height"]),
            "scale": 1}
    try:
        out = kaleido.calc_fig_sync({"data": figure["data"], "layout": layout}, opts=opts,
                                    kopts={"path": browser, "mathjax": False})
    except Exception as exc:     # noqa: BLE001 - kaleido raises many kinds; say it plainly
        raise ResourceError(f"the server could not draw this chart image ({type(exc).__name__}"
                            f" in its browser {browser}): try again later; the chart's data "
                            "are on its page, in the page's CSV and JSON downloads") from exc
    return out if isinstance(out, bytes) else str(out).encode("utf-8")


class DiskCache:
    """Files made once and kept on disk under `folder`, one per key and suffix (a chart image,
    a briefing): what they show never changes for their key. Making is serialised (one
    Chromium at a time), and a key is made once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()

    def path(self, key: str, suffix: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{digest}.{suffix}"

    def cached(self, key: str, suffix: str) -> bytes | None:
        """The file of `key` when it was made already, else None."""
        path = self.path(key, suffix)
        return path.read_bytes() if path.exists() else None

    def get(self, key: str, suffix: str, make: Callable[[], bytes]) -> bytes:
        """The file of `key`, made by `make()` on first use."""
        path = self.path(key, suffix)
        if path.exists():
            return path.read_bytes()
        with self._lock:
            if path.exists():
                return path.read_bytes()
            body = make()
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{suffix}.part")
            tmp.write_bytes(body)
            tmp.replace(path)
        return body


class ImageCache(DiskCache):
    """Chart images on disk under `folder`, one file per key and format (DiskCache)."""

    def __init__(self, folder: Path, render: Callable[[Figure, str], bytes] = render_image
                 ) -> None:
        super().__init__(folder)
        self.render = render

    def get_image(self, key: str, fmt: str, figure: Callable[[], Figure]) -> bytes:
        """The image of `key` in `fmt` (svg or png), drawn from `figure()` on first use."""
        if fmt not in FORMATS:
            raise MoneytrailError("unknown image format (use svg or png)", field="format",
                                  value=fmt)
        return self.get(key, fmt, lambda: self.render(figure(), fmt))


# The height of an embed code's frame (its iframe's `height`): the chart's own height on a
# wide screen plus what stands above and below it on the embed page at 1280 px (title, source
# line, caption with its caveats, the data table's closed summary: under 300 px, measured in
# Chromium), and at least EMBED_MIN_HEIGHT, so that on a phone, where that text wraps onto
# more lines, the chart keeps a box to scroll in. The embed page fits any frame: its title,
# source line and caption stay in view and a taller chart scrolls inside its box (site.css).
EMBED_CHROME = 300
EMBED_MIN_HEIGHT = 720


def embed_height(figure: Figure) -> int:
    """The embed code's frame height for `figure` (a *_figure of this module)."""
    height = int(figure.get("layout", {}).get("height") or 0)
    return max(EMBED_MIN_HEIGHT, height + EMBED_CHROME)
