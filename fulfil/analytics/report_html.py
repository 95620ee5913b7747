"""Layout of the HTML report: one file with inline CSS and inline SVG, nothing fetched.

Pure: takes the already-queried `ReportData` and returns the page. Every value from the data is
escaped. Sections carry stable ids (`headline`, `daily-volume`, `time-to-ship`, `couriers`,
`rto-by-state`, `sla`, `stuck`, `escalations`, `about`) so tests and links can find them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from itertools import pairwise
from typing import Any

from fulfil.analytics.charts import (
    bar_chart,
    bucket_counts,
    grouped_bar_chart,
    hbar_chart,
    percent,
)
from fulfil.analytics.report_model import (
    HEADLINE_ROWS,
    ReportData,
    fmt_hours,
    fmt_rate,
    format_value,
)

__all__ = ["HOUR_EDGES", "Page", "render_html"]

HOUR_EDGES = (0.0, 2.0, 4.0, 8.0, 12.0, 24.0, 48.0, 72.0)
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:960px;
color:#1a202c;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;
border-bottom:1px solid #e2e8f0;padding-bottom:.3rem}
.muted{color:#718096;font-size:.9rem}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.6rem}
.kpi{border:1px solid #e2e8f0;border-radius:6px;padding:.6rem .8rem}
.kpi .v{font-size:1.35rem;font-weight:600}.kpi .l{font-size:.8rem;color:#4a5568}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin-top:.6rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #edf2f7}
th{background:#f7fafc}td.n{text-align:right;font-variant-numeric:tabular-nums}
svg{max-width:100%;height:auto}
"""


@dataclass(frozen=True)
class Page:
    html: str
    sections: tuple[str, ...]
    charts: int


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, str]]) -> str:
    """columns: (key, header, kind) with kind text | count | rate | hours."""
    if not rows:
        return '<p class="muted">Nothing in this window.</p>'
    head = "".join(f"<th>{escape(h)}</th>" for _, h, _ in columns)
    body = []
    for row in rows:
        cells = []
        for key, _, kind in columns:
            value = row.get(key)
            if kind == "text":
                cells.append(f"<td>{escape('' if value is None else str(value))}</td>")
            else:
                cells.append(f'<td class="n">{escape(format_value(value, kind))}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _section(sid: str, title: str, body: str) -> str:
    return f'<section id="{sid}"><h2>{escape(title)}</h2>{body}</section>'


def render_html(data: ReportData, *, as_of: datetime) -> Page:
    h = data.headline
    sections: list[tuple[str, str, str]] = []
    kpis = "".join(
        f'<div class="kpi"><div class="v">{escape(format_value(h[name], kind))}</div>'
        f'<div class="l">{escape(label)}</div></div>'
        for name, label, kind in HEADLINE_ROWS
    )
    sections.append(("headline", "Headline", f'<div class="kpis">{kpis}</div>'))

    step = max(1, len(data.daily) // 10)
    volume = bar_chart(
        [(f"{d:%d %b}", float(n)) for d, n, _ in data.daily],
        title="Orders per day (India time)",
        label_every=step,
    )
    sections.append(("daily-volume", "Daily volume", volume))

    labels = [f"{a:g}–{b:g} h" for a, b in pairwise(HOUR_EDGES)]
    labels.append(f"{HOUR_EDGES[-1]:g}+ h")
    awb = bucket_counts([a for a, _ in data.ship_hours if a is not None], HOUR_EDGES)
    pickup = bucket_counts([p for _, p in data.ship_hours if p is not None], HOUR_EDGES)
    ship_chart = grouped_bar_chart(
        labels if data.ship_hours else [],
        [("paid → AWB", [float(c) for c in awb]), ("paid → pickup", [float(c) for c in pickup])],
        title="Time to ship: shipments per duration bucket",
    )
    ship_note = (
        f'<p class="muted">p50 / p95: paid → AWB {fmt_hours(h["paid_to_awb_p50_h"])} / '
        f"{fmt_hours(h['paid_to_awb_p95_h'])}; paid → pickup "
        f"{fmt_hours(h['paid_to_pickup_p50_h'])} / {fmt_hours(h['paid_to_pickup_p95_h'])}.</p>"
    )
    sections.append(("time-to-ship", "Time to ship", ship_chart + ship_note))

    couriers = [c["courier_name"] for c in data.couriers]
    courier_chart = grouped_bar_chart(
        couriers,
        [
            ("on time", [_f(c["on_time_rate"]) for c in data.couriers]),
            ("NDR", [_f(c["ndr_rate"]) for c in data.couriers]),
            ("RTO", [_f(c["rto_rate"]) for c in data.couriers]),
        ],
        title="Courier comparison: on-time, NDR and RTO rates",
        fmt=percent,
    )
    courier_table = _table(
        data.couriers,
        [
            ("courier_name", "Courier", "text"),
            ("shipments", "Shipments", "count"),
            ("delivered", "Delivered", "count"),
            ("pickup_delay_p50_h", "Pickup delay p50", "hours"),
            ("transit_p50_h", "Transit p50", "hours"),
            ("transit_p95_h", "Transit p95", "hours"),
            ("on_time_rate", "On time", "rate"),
            ("ndr_rate", "NDR", "rate"),
            ("rto_rate", "RTO", "rate"),
        ],
    )
    sections.append(("couriers", "Courier comparison", courier_chart + courier_table))

    rto_chart = hbar_chart(
        [
            (
                str(r["ship_state"]),
                _f(r["rto_rate"]) or 0.0,
                f"({r['rto_shipments']}/{r['dispatched']})",
            )
            for r in data.rto_states
        ],
        title="RTO rate by destination state",
    )
    sections.append(("rto-by-state", "RTO by state", rto_chart))

    sla = _table(
        data.sla,
        [
            ("sla", "SLA", "text"),
            ("breaches", "Breaches", "count"),
            ("still_open", "Open", "count"),
        ],
    )
    sections.append(("sla", "SLA breaches", sla))

    stuck = _table(
        data.stuck,
        [
            ("order_id", "Order", "text"),
            ("shipment_key", "Shipment", "text"),
            ("kind", "State", "text"),
            ("reason_code", "Reason", "text"),
            ("reason", "Detail", "text"),
            ("hours_stuck", "For", "hours"),
        ],
    )
    sections.append(("stuck", "Stuck or parked orders", stuck))

    escalations = _table(
        data.escalations,
        [
            ("category", "Category", "text"),
            ("severity", "Severity", "text"),
            ("escalations", "Escalations", "count"),
            ("open", "Open", "count"),
            ("tickets", "Tickets", "count"),
        ],
    )
    sections.append(("escalations", "Escalations by category and severity", escalations))

    meta = data.snapshot
    about = (
        f'<p class="muted">Snapshot {escape(str(meta.get("snapshot_id", "–")))} taken '
        f"{escape(str(meta.get('taken_at', '–')))} ({escape(str(meta.get('mode', '–')))}, "
        f"schema v{escape(str(meta.get('schema_version', '–')))}). Formulas and definitions: "
        "<code>fulfil/analytics/views.sql</code>. Rates are shares of the relevant shipments "
        f"(first-attempt delivery {fmt_rate(h['first_attempt_delivery_rate'])} of delivered). "
        "Personal data appears only as keyed pseudonyms.</p>"
    )
    sections.append(("about", "About this report", about))

    window = f"{h.since:%Y-%m-%d %H:%M} → {h.until:%Y-%m-%d %H:%M} UTC"
    body = "".join(_section(sid, title, html) for sid, title, html in sections)
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Fulfilment report {as_of:%Y-%m-%d}</title><style>{_CSS}</style></head><body>"
        f'<h1>Fulfilment report</h1><p class="muted">Window {escape(window)}; generated '
        f"for {as_of:%Y-%m-%d %H:%M} UTC.</p>{body}</body></html>"
    )
    return Page(page, tuple(sid for sid, _, _ in sections), page.count("<svg"))


def _f(value: Any) -> float | None:
    return None if value is None else float(value)
