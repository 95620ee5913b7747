"""The daily report: headline KPIs and charts from the snapshot, as one self-contained HTML file.

Every number comes from the views and macros of `views.sql` (where the formulas and their
definitions live); this module only picks the window, runs the queries with bound parameters
(`?`: never SQL built from values) and hands typed rows to `report_html` for layout. The same
headline becomes the Prefect markdown artifact (`headline_markdown`).

The window is the `days` before `as_of` (default: the snapshot's own taken_at, so a report of an
old snapshot describes that snapshot, not today). The database is opened read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from fulfil.analytics.report_html import render_html
from fulfil.analytics.report_model import Headline, ReportData, headline_markdown
from fulfil.analytics.values import IST

__all__ = [
    "Headline",
    "ReportData",
    "ReportResult",
    "headline_markdown",
    "load_report_data",
    "render_report",
]


@dataclass(frozen=True)
class ReportResult:
    path: Path
    as_of: datetime
    headline: Headline
    sections: tuple[str, ...]
    charts: int
    size_bytes: int


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def load_report_data(
    conn: duckdb.DuckDBPyConnection, *, since: datetime, until: datetime, stuck_limit: int = 25
) -> ReportData:
    """Run the report's queries for [since, until) (all parameters bound)."""
    window = [since, until]
    head = _dicts(conn.execute("SELECT * FROM kpi_headline(?, ?)", window))[0]
    first_day = since.astimezone(IST).date()
    last_day = (until - timedelta(microseconds=1)).astimezone(IST).date()
    per_day = {
        row[0]: (int(row[1]), Decimal(row[2] or 0))
        for row in conn.execute(
            "SELECT day_ist, orders, order_value FROM v_orders_per_day "
            "WHERE day_ist BETWEEN ? AND ? ORDER BY day_ist",
            [first_day, last_day],
        ).fetchall()
    }
    daily = []
    day = first_day
    while day <= last_day:
        orders, value = per_day.get(day, (0, Decimal(0)))
        daily.append((day, orders, value))
        day += timedelta(days=1)
    ship_hours = [
        (_float(a), _float(b))
        for a, b in conn.execute(
            "SELECT paid_to_awb_h, paid_to_pickup_h FROM shipments_in(?, ?) "
            "WHERE status <> 'legacy' "
            "AND (paid_to_awb_h IS NOT NULL OR paid_to_pickup_h IS NOT NULL)",
            window,
        ).fetchall()
    ]
    meta = _dicts(
        conn.execute(
            "SELECT snapshot_id, taken_at, mode, schema_version, duration_s, row_counts, dev_key "
            "FROM snapshot_meta ORDER BY taken_at DESC LIMIT 1"
        )
    )
    return ReportData(
        headline=Headline(since, until, head),
        daily=daily,
        ship_hours=ship_hours,
        couriers=_dicts(conn.execute("SELECT * FROM courier_performance(?, ?)", window)),
        rto_states=_dicts(
            conn.execute("SELECT * FROM rto_by_state(?, ?) WHERE dispatched > 0", window)
        ),
        sla=_dicts(
            conn.execute(
                "SELECT sla, count(*) AS breaches, count(*) FILTER (WHERE is_open) AS still_open "
                "FROM sla_breaches(?, ?) GROUP BY sla ORDER BY breaches DESC, sla",
                window,
            )
        ),
        stuck=_dicts(
            conn.execute(
                "SELECT order_id, shipment_key, kind, reason_code, reason, courier_name, "
                "hours_stuck FROM v_stuck_orders ORDER BY hours_stuck DESC NULLS LAST LIMIT ?",
                [stuck_limit],
            )
        ),
        escalations=_dicts(conn.execute("SELECT * FROM escalations_by_category(?, ?)", window)),
        snapshot=meta[0] if meta else {},
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def snapshot_time(conn: duckdb.DuckDBPyConnection) -> datetime:
    row = conn.execute("SELECT as_of FROM v_snapshot_clock").fetchone()
    moment = row[0] if row else None
    return moment if isinstance(moment, datetime) else datetime.now(UTC)


def render_report(
    db_path: str | Path,
    out_path: str | Path,
    *,
    as_of: datetime | None = None,
    days: int = 30,
) -> ReportResult:
    """Write the HTML report for the `days` before `as_of` (default: the snapshot's time)."""
    with duckdb.connect(str(db_path), read_only=True) as conn:
        moment = (as_of or snapshot_time(conn)).astimezone(UTC)
        data = load_report_data(conn, since=moment - timedelta(days=days), until=moment)
    page = render_html(data, as_of=moment)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(page.html, encoding="utf-8")
    tmp.replace(out)  # readers never see a half-written report
    return ReportResult(
        path=out,
        as_of=moment,
        headline=data.headline,
        sections=page.sections,
        charts=page.charts,
        size_bytes=len(page.html.encode("utf-8")),
    )
