"""Small inline SVG charts for the HTML report: no JavaScript, no CDN, renders offline.

Three shapes cover the report: vertical bars (daily volume), grouped vertical bars (time-to-ship
histogram, courier comparison) and horizontal bars (RTO by state). Each function returns one
`<svg>` element string with a `<title>` (read by screen readers and shown on hover); every text
from data is escaped. An empty series still draws a frame saying "no data", so a quiet day gives
a readable report rather than a broken one. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

__all__ = ["PALETTE", "bar_chart", "bucket_counts", "grouped_bar_chart", "hbar_chart"]

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c")
_AXIS = "#4a5568"
_GRID = "#e2e8f0"
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'

Formatter = Callable[[float], str]


def _plain(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def _open(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]


def _empty(width: int, height: int, title: str) -> str:
    parts = _open(width, height, title)
    parts.append(
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" '
        f'stroke="{_GRID}"/><text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
        f'{_FONT} fill="{_AXIS}">no data</text></svg>'
    )
    return "".join(parts)


def bar_chart(
    points: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 720,
    height: int = 240,
    fmt: Formatter = _plain,
    label_every: int = 1,
) -> str:
    """Vertical bars, one per (label, value); every `label_every`-th label is printed."""
    return grouped_bar_chart(
        [label for label, _ in points],
        [("", [value for _, value in points])],
        title=title,
        width=width,
        height=height,
        fmt=fmt,
        label_every=label_every,
    )


def grouped_bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    width: int = 720,
    height: int = 260,
    fmt: Formatter = _plain,
    label_every: int = 1,
) -> str:
    """Vertical bars grouped by category, one colour per series (legend when > 1 series)."""
    values = [v for _, vals in series for v in vals if v is not None]
    if not categories or not values:
        return _empty(width, height, title)
    top = max(max(values), 0) or 1.0
    left, right, bottom, head = 48, 12, 40, 28 if len(series) > 1 else 12
    plot_w, plot_h = width - left - right, height - head - bottom
    slot = plot_w / len(categories)
    bar_w = max(1.0, slot * 0.8 / len(series))
    parts = _open(width, height, title)
    for i in range(5):  # gridlines and y labels at 0, 25, 50, 75, 100 % of the top value
        y = head + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{_GRID}"/><text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" '
            f'{_FONT} fill="{_AXIS}">{escape(fmt(top * i / 4))}</text>'
        )
    for c, category in enumerate(categories):
        x0 = left + c * slot + slot * 0.1
        for s, (name, vals) in enumerate(series):
            value = vals[c] if c < len(vals) else None
            if value is None:
                continue
            bar_h = plot_h * max(value, 0) / top
            x = x0 + s * bar_w
            tip = f"{category}{' · ' + name if name else ''}: {fmt(value)}"
            parts.append(
                f'<rect x="{x:.1f}" y="{head + plot_h - bar_h:.1f}" width="{bar_w:.1f}" '
                f'height="{bar_h:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(tip)}</title></rect>"
            )
        if c % max(1, label_every) == 0:
            parts.append(
                f'<text x="{x0 + slot * 0.4:.1f}" y="{height - bottom + 14}" '
                f'text-anchor="middle" {_FONT} fill="{_AXIS}">{escape(category)}</text>'
            )
    parts.append(
        f'<line x1="{left}" y1="{head + plot_h}" x2="{width - right}" y2="{head + plot_h}" '
        f'stroke="{_AXIS}"/>'
    )
    if len(series) > 1:
        x = left
        for s, (name, _) in enumerate(series):
            parts.append(
                f'<rect x="{x}" y="6" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
                f'<text x="{x + 14}" y="15" {_FONT} fill="{_AXIS}">{escape(name)}</text>'
            )
            x += 24 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(
    rows: Sequence[tuple[str, float, str]],
    *,
    title: str,
    width: int = 720,
    row_height: int = 22,
    fmt: Formatter = percent,
    max_value: float | None = None,
) -> str:
    """Horizontal bars: (label, value, note) per row, the note printed after the value."""
    if not rows:
        return _empty(width, 80, title)
    label_w, right = 150, 150
    height = row_height * len(rows) + 16
    top = max_value or max(max(v for _, v, _ in rows), 0) or 1.0
    plot_w = width - label_w - right
    parts = _open(width, height, title)
    for i, (label, value, note) in enumerate(rows):
        y = 8 + i * row_height
        bar_w = plot_w * max(value, 0) / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + row_height * 0.65:.1f}" text-anchor="end" '
            f'{_FONT} fill="{_AXIS}">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w:.1f}" height="{row_height - 6}" '
            f'fill="{PALETTE[0]}"><title>{escape(f"{label}: {fmt(value)} {note}")}</title></rect>'
            f'<text x="{label_w + bar_w + 6:.1f}" y="{y + row_height * 0.65:.1f}" {_FONT} '
            f'fill="{_AXIS}">{escape(f"{fmt(value)} {note}".strip())}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bucket_counts(values: Sequence[float], edges: Sequence[float]) -> list[int]:
    """Counts per bucket [e0, e1), [e1, e2), ..., [e_last, inf); values below e0 go first."""
    counts = [0] * len(edges)
    for value in values:
        index = 0
        for i, edge in enumerate(edges):
            if value >= edge:
                index = i
        counts[index] += 1
    return counts
