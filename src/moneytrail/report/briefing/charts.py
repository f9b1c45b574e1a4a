"""Figures of a briefing as static, self-contained SVG (no browser, no network).

Every chart is drawn here from plain numbers: real text (so PDF text is searchable and
screen readers can read it), DejaVu Sans, grey tones plus labels and hatching so that it
reads in black and white. Every piece of text is escaped; labels are shortened to fit
(the full names are in the table under each figure).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from moneytrail.report.units import percent

FONT = "DejaVu Sans, Arial, sans-serif"
GREYS = ("#4d4d4d", "#8c8c8c", "#b3b3b3", "#666666", "#a6a6a6", "#d0d0d0", "#7a7a7a",
         "#c2c2c2")


FACTOR_HEADING = "Kept as wages, profits, taxes"   # the Sankey's right-hand column
LABEL_CHARS = 44     # interval chart labels: what the 228 px left margin holds per line
BASE_LABEL = "every parameter at its central value"   # the tornado's middle line
TORNADO_LABEL_CHARS = 54   # tornado labels (8 px font, 262 px margin) per line


def esc(text: object) -> str:
    """Text safe inside SVG elements and attributes."""
    return escape(str(text), quote=True)


def short(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis when longer (a
    single word longer than `limit` is cut inside; callers print the full text nearby)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    head = text[: max(limit - 1, 1) + 1]
    cut = head.rfind(" ")
    head = head[:cut] if cut > 0 else head[: max(limit - 1, 1)]
    return head.rstrip(" ,;:(–-") + "…"


def wrap(text: str, limit: int) -> list[str]:
    """The whole text in lines of at most `limit` characters, broken at spaces (a word
    longer than `limit` gets a line of its own and overflows it); never shortened."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def text_lines(x: float, y_mid: float, lines: list[str], *, anchor: str = "start",
               size: float = 9, leading: float = 10.0) -> str:
    """Lines of text centred vertically on `y_mid` (baseline of a single line: y_mid + 3)."""
    first = y_mid + 3 - leading * (len(lines) - 1) / 2
    return "".join(text(x, first + leading * i, line, anchor=anchor, size=size)
                   for i, line in enumerate(lines))


def svg_open(width: float, height: float, label_id: str, title: str, desc: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" aria-labelledby="{label_id}-t {label_id}-d" '
            f'font-family="{FONT}" font-size="9">'
            f'<title id="{label_id}-t">{esc(title)}</title>'
            f'<desc id="{label_id}-d">{esc(desc)}</desc>')


def text(x: float, y: float, body: str, *, anchor: str = "start", size: float = 9,
         weight: str = "normal", fill: str = "#000") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}">{esc(body)}</text>')


# -- Sankey ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    """A node of a Sankey column: its label and amount (means: they add up); `share`, when
    given, is the share a text alternative states (a median share, as a table gives it)."""

    label: str
    amount: float
    share: float | None = None


@dataclass(frozen=True)
class Sankey:
    """Four columns: what the plan buys -> the plan -> country where value is added ->
    wages / profits / taxes; `flows[(country, factor)]` links the last two columns."""

    categories: list[Node]
    plan: Node
    countries: list[Node]
    factors: list[Node]
    flows: dict[tuple[str, str], float]


def describe_columns(columns: Sequence[tuple[str, Sequence[Node]]],
                     fmt: Callable[[float], str], *, total: float | None = None,
                     limit: int | None = None) -> str:
    """A flow chart's figures in words, for a reader who cannot see it (the SVG's <desc>, the
    web page's text alternative): each column's heading and its nodes with their amounts,
    'What the plan buys: Facility EUR 7.6 bn; ...'. With `total`, each amount's share of it
    follows ('EUR 7.6 bn (38.2 %)', report.units.percent), or a node's own `share` when it
    has one; with `limit`, only the largest `limit` nodes of a column, then how many more."""
    sentences = []
    for heading, nodes in columns:
        shown = sorted(nodes, key=lambda n: -n.amount)[:limit] if limit else list(nodes)
        items = [f"{n.label} {fmt(n.amount)}"
                 + (f" ({percent(n.share)})" if n.share is not None
                    else f" ({percent(n.amount / total)})" if total else "")
                 for n in shown]
        if len(nodes) > len(shown):
            items.append(f"{len(nodes) - len(shown)} more")
        sentences.append(f"{heading}: " + "; ".join(items) + ".")
    return " ".join(sentences)


def describe_intervals(rows: Sequence[Interval], fmt: Callable[[float], str]) -> str:
    """An interval chart's figures in words: 'label: median (90 % interval low to high)'."""
    return "; ".join(f"{r.label}: {fmt(r.p50)} (90 % interval {fmt(r.p5)} to {fmt(r.p95)})"
                     for r in rows)


def stack(nodes: Sequence[Node], total: float, top: float, height: float, gap: float
          ) -> list[tuple[Node, float, float]]:
    """(node, y, h) for a column scaled to `height` with `gap` between nodes."""
    usable = height - gap * max(len(nodes) - 1, 0)
    out, y = [], top
    for node in nodes:
        h = max(usable * node.amount / total, 0.8) if total > 0 else 0.8
        out.append((node, y, h))
        y += h + gap
    return out


def band(x0: float, y0: float, h0: float, x1: float, y1: float, h1: float, fill: str,
         opacity: float = 0.55) -> str:
    """A Sankey link from a slice (y0, h0) at x0 to a slice (y1, h1) at x1."""
    mid = (x0 + x1) / 2
    return (f'<path d="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} '
            f'{x1:.1f},{y1:.1f} L{x1:.1f},{y1 + h1:.1f} C{mid:.1f},{y1 + h1:.1f} '
            f'{mid:.1f},{y0 + h0:.1f} {x0:.1f},{y0 + h0:.1f} Z" fill="{fill}" '
            f'fill-opacity="{opacity}" stroke="#fff" stroke-width="0.4"/>')


def spread_labels(wanted: list[float], minimum: float, top: float, bottom: float,
                  lines: list[int] | None = None) -> list[float]:
    """Label baselines near `wanted`, at least `minimum` apart, within [top, bottom]. `lines`:
    how many lines each label has (1 each by default), written `minimum` apart and centred on
    its baseline; two labels are then kept (their line counts' mean) x `minimum` apart."""
    sizes = lines or [1] * len(wanted)

    def gap(i: int) -> float:              # between label i - 1 and label i
        return minimum * (sizes[i - 1] + sizes[i]) / 2

    out: list[float] = []
    for i, y in enumerate(wanted):
        out.append(max(y, out[-1] + gap(i)) if out else
                   max(y, top + minimum * (sizes[0] - 1) / 2))
    overflow = (out[-1] + minimum * (sizes[-1] - 1) / 2 - bottom) if out else 0
    if overflow > 0:
        out = [y - overflow for y in out]
        for i in range(1, len(out)):
            out[i] = max(out[i], out[i - 1] + gap(i))
    return out


def sankey_svg(data: Sankey, fmt: Callable[[float], str], *, label_id: str,
               title: str) -> str:
    """The Sankey as SVG: node labels with amounts, bands in grey tones."""
    width, height, top, inner = 600.0, 300.0, 24.0, 262.0
    x_cat, x_plan, x_country, x_factor, node_w = 152.0, 245.0, 334.0, 490.0, 11.0
    total = data.plan.amount
    cats = stack(data.categories, total, top, inner, 6)
    countries = stack(data.countries, total, top, inner, 6)
    factors = stack(data.factors, total, top, inner, 10)
    plan_y, plan_h = top, inner
    desc = describe_columns([("What the plan buys", data.categories),
                             ("Where the value added is generated", data.countries),
                             (FACTOR_HEADING, data.factors)], fmt)
    parts = [svg_open(width, height, label_id, title, desc)]
    parts += [text(x_cat + node_w / 2, 12, "What it buys", anchor="middle", weight="bold"),
              text(x_plan + node_w / 2, 12, "The plan", anchor="middle", weight="bold"),
              text(x_country + node_w / 2, 12, "Where value is added", anchor="middle",
                   weight="bold"),
              text(x_factor + node_w / 2, 12, FACTOR_HEADING, anchor="middle",
                   weight="bold")]
    # categories -> plan
    y_in, cat_total = plan_y, sum(n.amount for n in data.categories) or 1.0
    for i, (node, y, h) in enumerate(cats):
        thick = plan_h * node.amount / cat_total
        parts.append(band(x_cat + node_w, y, h, x_plan, y_in, thick, GREYS[i % len(GREYS)]))
        y_in += thick
    # plan -> countries
    y_out, country_total = plan_y, sum(n.amount for n in data.countries) or 1.0
    for i, (node, y, h) in enumerate(countries):
        thick = plan_h * node.amount / country_total
        parts.append(band(x_plan + node_w, y_out, thick, x_country, y, h,
                          GREYS[(i + 3) % len(GREYS)], 0.45))
        y_out += thick
    # countries -> factors
    factor_at = {node.label: [y, h] for node, y, h in factors}
    factor_sum = {node.label: node.amount for node in data.factors}
    factor_y = {node.label: y for node, y, _ in factors}
    for i, (node, y, h) in enumerate(countries):
        y_from = y
        for f_node in data.factors:
            amount = data.flows.get((node.label, f_node.label), 0.0)
            if amount <= 0 or node.amount <= 0 or factor_sum[f_node.label] <= 0:
                continue
            thick_from = h * amount / node.amount
            thick_to = factor_at[f_node.label][1] * amount / factor_sum[f_node.label]
            parts.append(band(x_country + node_w, y_from, thick_from, x_factor,
                              factor_y[f_node.label], thick_to, GREYS[(i + 3) % len(GREYS)],
                              0.35))
            factor_y[f_node.label] += thick_to
            y_from += thick_from
    # nodes
    for column, x in ((cats, x_cat), (countries, x_country), (factors, x_factor)):
        for node, y, h in column:
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{node_w}" height="{h:.1f}" '
                         f'fill="#1a1a1a"><title>{esc(node.label)}: '
                         f'{esc(fmt(node.amount))}</title></rect>')
    parts.append(f'<rect x="{x_plan:.1f}" y="{plan_y:.1f}" width="{node_w}" '
                 f'height="{plan_h:.1f}" fill="#1a1a1a"/>')
    budget = text(0, 0, "Budget " + fmt(total), anchor="middle", size=9, weight="bold")
    parts.append(f'<g transform="translate({x_plan + node_w + 4:.1f},'
                 f'{plan_y + plan_h / 2:.1f}) rotate(90)">{budget}</g>')
    # labels: categories left of their nodes, countries and factors right of theirs
    for column, x, anchor, limit in ((cats, x_cat - 4, "end", 24),
                                     (countries, x_country + node_w + 3, "start", 16),
                                     (factors, x_factor + node_w + 3, "start", 14)):
        # a long factor name ('Profits and depreciation') on lines of its own above its
        # amount; spread_labels keeps its neighbours clear of all its lines
        texts = [[*wrap(node.label, limit + 2)[:2], fmt(node.amount)]
                 if column is factors and len(node.label) > limit
                 else [f"{short(node.label, limit)} {fmt(node.amount)}"]
                 for node, _, _ in column]
        wanted = [y + h / 2 + 3 for _, y, h in column]
        ys = spread_labels(wanted, 10.5, top + 7, top + inner + 8, [len(t) for t in texts])
        for lines, y in zip(texts, ys, strict=True):
            for k, line in enumerate(lines):
                line_y = y + (k - (len(lines) - 1) / 2) * 10.5
                if anchor == "start":
                    w = 5.3 * len(line)
                    parts.append(f'<rect x="{x - 1:.1f}" y="{line_y - 8.5:.1f}" '
                                 f'width="{w:.1f}" height="11" fill="#fff" '
                                 f'fill-opacity="0.85"/>')
                parts.append(text(x, line_y, line, anchor=anchor, size=8.5))
    parts.append("</svg>")
    return "".join(parts)


# -- medians with 90 % intervals --------------------------------------------------------------
@dataclass(frozen=True)
class Interval:
    """One row of an interval chart: label, median, 5th and 95th percentile."""

    label: str
    p50: float
    p5: float
    p95: float


def interval_svg(rows: Sequence[Interval], fmt: Callable[[float], str], *, label_id: str,
                 title: str, axis: str,
                 spread: Callable[[float, float], str] | None = None) -> str:
    """Dot (median) and line (90 % interval) per row; 'median (interval)' printed right."""
    def spanned(low: float, high: float) -> str:
        return spread(low, high) if spread is not None else f"{fmt(low)}–{fmt(high)}"

    # the left margin holds labels of up to LABEL_CHARS characters (about 5 px each at the
    # chart's 9 px label font, 'US hyperscalers (Amazon, Microsoft, Google)' = 43)
    width, row_h, left, right, top = 600.0, 16.0, 228.0, 118.0, 8.0
    labels = [wrap(r.label, LABEL_CHARS) for r in rows]         # whole labels, wrapped
    heights = [max(row_h, 10.0 * len(lines) + 6) for lines in labels]
    tops = [top + sum(heights[:i]) for i in range(len(rows))]
    bottom = top + sum(heights)
    height = bottom + 26
    high = max([r.p95 for r in rows if math.isfinite(r.p95)] + [1e-9])
    high = nice_ceiling(high)
    span = width - left - right

    def x_of(value: float) -> float:
        return left + span * max(value, 0) / high

    desc = describe_intervals(rows, fmt)
    parts = [svg_open(width, height, label_id, title, desc)]
    ticks = 5
    for k in range(ticks + 1):
        value = high * k / ticks
        x = x_of(value)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4:.1f}" x2="{x:.1f}" '
                     f'y2="{bottom:.1f}" stroke="#d9d9d9" stroke-width="0.6"/>')
        parts.append(text(x, bottom + 11, fmt(value), anchor="middle", size=8))
    parts.append(text(left + span / 2, height - 3, axis, anchor="middle", size=8.5))
    for i, row in enumerate(rows):
        y = tops[i] + heights[i] / 2
        if i % 2 == 0:
            parts.append(f'<rect x="0" y="{tops[i]:.1f}" width="{width}" '
                         f'height="{heights[i]:.1f}" fill="#f2f2f2"/>')
        parts.append(text_lines(left - 8, y, labels[i], anchor="end"))
        parts.append(f'<line x1="{x_of(row.p5):.1f}" y1="{y:.1f}" x2="{x_of(row.p95):.1f}" '
                     f'y2="{y:.1f}" stroke="#000" stroke-width="1.4"/>')
        for end in (row.p5, row.p95):
            parts.append(f'<line x1="{x_of(end):.1f}" y1="{y - 3.5:.1f}" '
                         f'x2="{x_of(end):.1f}" y2="{y + 3.5:.1f}" stroke="#000" '
                         f'stroke-width="1"/>')
        parts.append(f'<circle cx="{x_of(row.p50):.1f}" cy="{y:.1f}" r="3.4" fill="#000"/>')
        parts.append(text(width - right + 8, y + 3,
                          f"{fmt(row.p50)} ({spanned(row.p5, row.p95)})", size=8.5))
    parts.append("</svg>")
    return "".join(parts)


def nice_ceiling(value: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at or above value."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value * 1.0001:
            return step * power
    return 10 * power


# -- tornado ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Swing:
    """A tornado row: the parameter, and the output with it at its low and high end."""

    label: str
    output_low: float
    output_high: float


def tornado_svg(rows: Sequence[Swing], base: float, fmt: Callable[[float], str], *,
                label_id: str, title: str, axis: str) -> str:
    """Bars from the central result to the output at each parameter's low end (hatched) and
    high end (solid), largest swing first; values printed at the bar ends."""
    width, row_h, left, right, top = 600.0, 18.0, 262.0, 12.0, 26.0
    labels = [wrap(r.label, TORNADO_LABEL_CHARS) for r in rows]  # whole labels, wrapped
    heights = [max(row_h, 9.0 * len(lines) + 6) for lines in labels]
    tops = [top + sum(heights[:i]) for i in range(len(rows))]
    height = top + sum(heights) + 30
    values = [base] + [v for r in rows for v in (r.output_low, r.output_high)
                       if math.isfinite(v)]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.22 or abs(base) * 0.1 or 1e-6
    lo, hi = lo - pad, hi + pad
    span = width - left - right

    def x_of(value: float) -> float:
        return left + span * (value - lo) / (hi - lo)

    desc = (f"{BASE_LABEL[:1].upper()}{BASE_LABEL[1:]}: {fmt(base)}. " + "; ".join(
        f"{r.label}: {fmt(r.output_low)} at its low end, {fmt(r.output_high)} at its high end"
        for r in rows))
    parts = [svg_open(width, height, label_id, title, desc),
             '<defs><pattern id="hatch-' + esc(label_id) + '" width="4" height="4" '
             'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
             '<rect width="4" height="4" fill="#fff"/>'
             '<line x1="0" y1="0" x2="0" y2="4" stroke="#000" stroke-width="1.4"/>'
             '</pattern></defs>']
    # legend
    parts.append(f'<rect x="{left:.1f}" y="4" width="14" height="9" '
                 f'fill="url(#hatch-{esc(label_id)})" stroke="#000" stroke-width="0.6"/>')
    parts.append(text(left + 18, 12, "parameter at its low end", size=8.5))
    parts.append(f'<rect x="{left + 140:.1f}" y="4" width="14" height="9" fill="#595959"/>')
    parts.append(text(left + 158, 12, "parameter at its high end", size=8.5))
    x_base = x_of(base)
    for i, row in enumerate(rows):
        y, h = tops[i], heights[i]
        parts.append(text_lines(left - 6, y + h / 2, labels[i], anchor="end", size=8,
                                leading=9.0))
        for value, fill in ((row.output_low, f"url(#hatch-{esc(label_id)})"),
                            (row.output_high, "#595959")):
            if not math.isfinite(value):
                continue
            x0, x1 = sorted((x_base, x_of(value)))
            bar_top = y + (h - row_h) / 2 + 3
            parts.append(f'<rect x="{x0:.1f}" y="{bar_top:.1f}" '
                         f'width="{max(x1 - x0, 0.6):.1f}" height="{row_h - 6:.1f}" '
                         f'fill="{fill}" stroke="#000" stroke-width="0.5"/>')
            anchor = "start" if value >= base else "end"
            offset = 3 if value >= base else -3
            parts.append(text(x_of(value) + offset, y + h / 2 + 3, fmt(value),
                              anchor=anchor, size=7.5))
    bottom = top + sum(heights)
    parts.append(f'<line x1="{x_base:.1f}" y1="{top - 3:.1f}" x2="{x_base:.1f}" '
                 f'y2="{bottom + 3:.1f}" stroke="#000" stroke-width="1"/>')
    # not the median over the draws: the one result with every parameter at its central value
    x_label = min(max(x_base, left + 115), width - right - 115)
    parts.append(text(x_label, bottom + 13, f"{BASE_LABEL}: {fmt(base)}", anchor="middle",
                      size=8))
    parts.append(text(left + span / 2, height - 3, axis, anchor="middle", size=8.5))
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["Interval", "Node", "Sankey", "Swing", "describe_columns", "describe_intervals",
           "interval_svg", "sankey_svg", "tornado_svg"]
