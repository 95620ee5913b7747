"""`fulfil track --awb X`: one shipment's timeline as text (pure formatting, no I/O).

Times are shown in IST, the business's and the customer's clock; the stored ones are UTC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from fulfil.tracking.progress import parse_time

IST = timezone(timedelta(hours=5, minutes=30), "IST")


def _ist(value: Any) -> str:
    moment = parse_time(value) if not isinstance(value, datetime) else value
    return moment.astimezone(IST).strftime("%Y-%m-%d %H:%M IST") if moment else "-"


def format_timeline(
    awb: str, item: Mapping[str, Any] | None, events: Sequence[Mapping[str, Any]]
) -> str:
    """Header (status, ETA, tracking URL), then one line per stored scan, oldest first."""
    if item is None and not events:
        return f"AWB {awb}: no shipment of ours has this AWB."
    item = item or {}
    url = item.get("trackingUrl") or f"https://shiprocket.co/tracking/{awb}"
    status = item.get("trackingStatus") or "new"
    state = "retired" if item.get("retiredAt") else ("active" if item.get("activeShard") else "")
    lines = [
        f"AWB {awb}  order {item.get('orderId', '?')} / {item.get('shipmentKey', '?')}"
        + (f"  courier {item['courierName']}" if item.get("courierName") else ""),
        f"Status: {status}"
        + (f" ({state})" if state else "")
        + f"  since {_ist(item.get('lastEventAt'))}"
        + f"  ETA {_ist(item.get('eta'))}",
        f"Last scan: {_ist(item.get('lastScanAt'))}"
        + (f"  failed attempts: {int(item['ndrCount'])}" if item.get("ndrCount") else ""),
        f"Tracking: {url}",
        "",
    ]
    if not events:
        lines.append("  (no scans stored yet)")
    for event in events:
        code = event.get("rawStatus") or "-"
        lines.append(
            f"  {_ist(event.get('scanAt'))}  {event.get('status', '?')!s:<17} {code:<9} "
            f"{event.get('activity') or ''}"
            + (f"  @ {event['location']}" if event.get("location") else "")
        )
    return "\n".join(lines)
