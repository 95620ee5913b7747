"""What the report shows, independent of how it is queried or laid out.

`Headline` is the row of `kpi_headline(since, until)`; `ReportData` is every query's result;
`HEADLINE_ROWS` names the headline's KPIs in display order, shared by the HTML page and the
markdown artifact (`headline_markdown`). Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fulfil.domain.notifications import format_inr

__all__ = [
    "HEADLINE_ROWS",
    "Headline",
    "ReportData",
    "fmt_hours",
    "fmt_rate",
    "format_value",
    "headline_markdown",
]


@dataclass(frozen=True)
class Headline:
    """The row of `kpi_headline(since, until)`, plus its window."""

    since: datetime
    until: datetime
    values: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


@dataclass(frozen=True)
class ReportData:
    """Everything the HTML shows, already queried."""

    headline: Headline
    daily: list[tuple[date, int, Decimal]]  # every day of the window, zero-filled
    ship_hours: list[tuple[float | None, float | None]]  # (paid->AWB, paid->pickup) per shipment
    couriers: list[dict[str, Any]]
    rto_states: list[dict[str, Any]]
    sla: list[dict[str, Any]]
    stuck: list[dict[str, Any]]
    escalations: list[dict[str, Any]]
    snapshot: dict[str, Any] = field(default_factory=dict)


def fmt_rate(value: Any) -> str:
    return "–" if value is None else f"{float(value) * 100:.1f}%"


def fmt_hours(value: Any) -> str:
    return "–" if value is None else f"{float(value):.1f} h"


HEADLINE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("orders", "Orders", "count"),
    ("order_value", "Order value", "inr"),
    ("creation_success_rate", "Shipment creation success", "rate"),
    ("paid_to_awb_p50_h", "Paid → AWB, p50", "hours"),
    ("paid_to_awb_p95_h", "Paid → AWB, p95", "hours"),
    ("paid_to_pickup_p50_h", "Paid → pickup, p50", "hours"),
    ("paid_to_pickup_p95_h", "Paid → pickup, p95", "hours"),
    ("pickup_to_delivery_p50_h", "Pickup → delivered, p50", "hours"),
    ("pickup_to_delivery_p95_h", "Pickup → delivered, p95", "hours"),
    ("first_attempt_delivery_rate", "First-attempt delivery", "rate"),
    ("ndr_rate", "NDR rate", "rate"),
    ("rto_rate", "RTO rate", "rate"),
    ("sla_breaches", "SLA breaches", "count"),
    ("stuck_now", "Stuck or parked now", "count"),
    ("open_escalations", "Open escalations", "count"),
)


def format_value(value: Any, kind: str) -> str:
    if kind == "rate":
        return fmt_rate(value)
    if kind == "hours":
        return fmt_hours(value)
    if kind == "inr":
        return format_inr(Decimal(value or 0))
    return "–" if value is None else f"{int(value):,}"


def headline_markdown(headline: Headline) -> str:
    """The headline as a markdown table (the Prefect artifact of the report flow)."""
    lines = [
        "# Fulfilment headline",
        "",
        f"Window: {headline.since:%Y-%m-%d %H:%M} → {headline.until:%Y-%m-%d %H:%M} UTC",
        "",
        "| KPI | value |",
        "|---|---|",
    ]
    for name, label, kind in HEADLINE_ROWS:
        lines.append(f"| {label} | {format_value(headline[name], kind)} |")
    return "\n".join(lines) + "\n"
