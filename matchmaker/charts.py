"""Charts drawn on the server as SVG: no script, readable without colour, titled for screen
readers, each bar carrying its own value as a tooltip. Pages show a table beside each chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

_ids = count(1)
PALETTE = ("#0b5d6b", "#b85a14", "#1f5fa8", "#6b4c9a", "#2f7d32", "#8a5a00", "#a1461a")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^n at or above ``value``: round axis maxima."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _fmt(value: float) -> str:
    return f"{value:g}"


def _open_svg(title: str, description: str, width: int, height: int) -> tuple[list[str], str]:
    chart_id = f"chart-{next(_ids)}"
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    return parts, chart_id


def _legend(parts: list[str], series: Sequence[Series], x: int, y: int) -> None:
    offset = 0
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x + offset}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + offset + 16}" y="{y}">{escape(item.label)}</text>'
        )
        offset += 28 + 7 * len(item.label)


def _label_step(labels: Sequence[str], slot: float) -> int:
    """Every how many categories a label fits under the axis (about 7 px a character):
    crowded axes (twelve months and more) keep every second or third label; each bar still
    carries its own in its tooltip, and the table beside the chart has them all."""
    longest = max((len(str(label)) for label in labels), default=0)
    return max(1, math.ceil((longest * 7 + 8) / max(slot, 1)))


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    width: int = 640,
    height: int = 300,
    value_format: Callable[[float], str] = _fmt,
) -> Markup:
    """Vertical bars per category; several series side by side, or stacked."""
    left, right, top, bottom = 48, 12, 28 if len(series) > 1 else 12, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    if stacked:
        totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    else:
        totals = [max((s.values[i] for s in series), default=0) for i in range(len(categories))]
    maximum = nice_ceiling(max(totals, default=0))
    summary = "; ".join(
        f"{category}: " + ", ".join(f"{s.label} {value_format(s.values[i])}" for s in series)
        for i, category in enumerate(categories)
    )
    parts, _ = _open_svg(title, summary, width, height)
    for tick in range(5):
        value = maximum * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d5dde5"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(value_format(value))}'
            "</text>"
        )
    slot = plot_w / max(len(categories), 1)
    label_every = _label_step(categories, slot)
    bar_group = slot * 0.7
    bar_w = bar_group if stacked else bar_group / max(len(series), 1)
    for i, category in enumerate(categories):
        x0 = left + slot * i + (slot - bar_group) / 2
        base = 0.0
        for index, item in enumerate(series):
            value = item.values[i]
            h = plot_h * value / maximum
            x = x0 if stacked else x0 + bar_w * index
            y = top + plot_h - h - (plot_h * base / maximum if stacked else 0)
            colour = PALETTE[index % len(PALETTE)]
            label = f"{category} — {item.label}: {value_format(value)}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar_w - 2, 1):.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(label)}</title></rect>'
            )
            if stacked:
                base += value
        if i % label_every == 0:
            parts.append(
                f'<text x="{x0 + bar_group / 2:.1f}" y="{top + plot_h + 16}" '
                f'text-anchor="middle">{escape(category)}</text>'
            )
    if len(series) > 1:
        _legend(parts, series, left, 16)
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    width: int = 640,
    value_format: Callable[[float], str] = _fmt,
) -> Markup:
    """One bar per label, longest first as given: for rankings and distributions."""
    row, left, right = 26, 190, 70
    height = row * len(labels) + 16
    maximum = nice_ceiling(max(values, default=0))
    summary = "; ".join(
        f"{label}: {value_format(v)}" for label, v in zip(labels, values, strict=True)
    )
    parts, _ = _open_svg(title, summary, width, height)
    plot_w = width - left - right
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 8 + row * i
        w = plot_w * value / maximum
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {escape(value_format(value))}</title></rect>"
            f'<text x="{left + w + 6:.1f}" y="{y + 15}">{escape(value_format(value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 640,
    height: int = 280,
    value_format: Callable[[float], str] = _fmt,
) -> Markup:
    """Lines over time (growth, monthly counts); points carry their value as a tooltip."""
    left, right, top, bottom = 48, 36, 28 if len(series) > 1 else 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    maximum = nice_ceiling(max((v for s in series for v in s.values), default=0))
    summary = "; ".join(
        f"{s.label}: "
        + ", ".join(f"{x} {value_format(v)}" for x, v in zip(x_labels, s.values, strict=True))
        for s in series
    )
    parts, _ = _open_svg(title, summary, width, height)
    for tick in range(5):
        y = top + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d5dde5"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(value_format(maximum * tick / 4))}</text>"
        )
    step = plot_w / max(len(x_labels) - 1, 1)
    label_every = max(math.ceil(len(x_labels) / 12), _label_step(x_labels, step))
    for i, x_label in enumerate(x_labels):
        if i % label_every == 0:
            parts.append(
                f'<text x="{left + step * i:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                f"{escape(x_label)}</text>"
            )
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = [
            (left + step * i, top + plot_h - plot_h * v / maximum)
            for i, v in enumerate(item.values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (x, y), x_label, value in zip(points, x_labels, item.values, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>'
                f"{escape(item.label)}, {escape(x_label)}: {escape(value_format(value))}"
                "</title></circle>"
            )
    if len(series) > 1:
        _legend(parts, series, left, 16)
    parts.append("</svg>")
    return Markup("".join(parts))
