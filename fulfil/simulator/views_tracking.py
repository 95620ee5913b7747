"""`tracking_data` bodies (fact sheet §7), built from the scans visible at `now`.

Before the first scan Shiprocket answers HTTP 200 with `track_status: 0` and an apologetic
`error`; after it, `shipment_status` is numeric scheme A, activities are newest first and
`sr-status` is always a string (possibly "NA").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fulfil.simulator.codes import shipment_label
from fulfil.simulator.scenarios import Scan
from fulfil.simulator.state import Order, Shipment
from fulfil.simulator.views_orders import destination, weight
from fulfil.simulator.wire import fmt

NO_ACTIVITY = (
    "Aahh! There is no activities found in our DB. Please have some patience it will be updated "
    "soon."
)


def no_activity() -> dict[str, Any]:
    return {"tracking_data": {"track_status": 0, "error": NO_ACTIVITY}}


def activity(scan: Scan) -> dict[str, Any]:
    return {
        "date": fmt(scan.date),
        "status": scan.status,
        "activity": scan.activity,
        "location": scan.location,
        "sr-status": scan.sr_status,
        "sr-status-label": scan.sr_label,
    }


def _first_date(scans: list[Scan], code: int) -> str | None:
    for scan in scans:
        if scan.sr_code == code:
            return fmt(scan.date)
    return None


def tracking_data(order: Order, shipment: Shipment, now: datetime, origin: str) -> dict[str, Any]:
    """`{"tracking_data": {...}}` for one shipment."""
    scans = shipment.visible_scans(now)
    if not scans or shipment.awb is None or shipment.courier is None:
        return no_activity()
    code = shipment.status_code(now) or 0
    delivered = _first_date(scans, 7)
    dest = destination(order)
    track = {
        "id": shipment.id,
        "awb_code": shipment.awb,
        "courier_company_id": shipment.courier.id,
        "shipment_id": shipment.id,
        "order_id": order.id,
        "pickup_date": _first_date(scans, 42),
        "delivered_date": delivered,
        "weight": f"{weight(order):.2f}",
        "packages": 1,
        "current_status": shipment_label(code).title(),
        "delivered_to": dest["city"] if delivered else "",
        "destination": dest["city"],
        "consignee_name": "",
        "origin": origin,
        "courier_agent_details": None,
        "courier_name": shipment.courier.name,
        "edd": None,
        "pod": "Available" if delivered else "Not Available",
        "pod_status": f"https://shiprocket.sim/pod/{shipment.awb}.png" if delivered else "",
    }
    return {
        "tracking_data": {
            "track_status": 1,
            "shipment_status": code,
            "shipment_track": [track],
            "shipment_track_activities": [activity(s) for s in reversed(scans)],
            "track_url": f"https://shiprocket.co//tracking/{shipment.awb}",
            "etd": fmt(shipment.etd),
            "qc_response": {"qc_image": "", "qc_failed_reason": ""},
        }
    }
