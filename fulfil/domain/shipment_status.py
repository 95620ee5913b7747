"""Our shipment-status vocabulary, and the one place Shiprocket's codes and labels map into it.

Shiprocket has two numbering schemes that reuse numbers with different meanings (shipment status
9 is "RTO Initiated", order status 9 is "Returned"), plus free-text labels in scans and
`current_status`. Nothing downstream should compare vendor strings or numbers: everything goes
through `from_shipment_status_code`, `from_order_status_code` or `from_label`, which never raise
and answer `UNKNOWN` for anything they do not know.

Judgement calls (the vendor documents names, not semantics):
- pickup errors/exceptions/QC failure keep `PICKUP_SCHEDULED`: the parcel has not moved yet;
- "Partial Delivered" stays `IN_TRANSIT` until the rest arrives; "Fulfilled"/"Self Fulfilled"
  (done outside Shiprocket) count as `DELIVERED`;
- "Cancellation Requested" and "ePayment Failed" count as `CANCELLED`;
- "Destroyed", "Disposed Off" and "Untraceable" count as `LOST`;
- customer-return statuses of the order scheme (21-32, 47-50, 68) mean the forward leg was
  `DELIVERED`; "Returned" (9) means the goods are back, i.e. `RTO_DELIVERED`;
- any other label that starts with "RTO" is `RTO_IN_TRANSIT`, so an RTO never reads as delivered.
"""

from __future__ import annotations

import re
from enum import StrEnum


class ShipmentStatus(StrEnum):
    """Where a shipment is, in our words."""

    NEW = "new"
    AWB_ASSIGNED = "awb_assigned"
    PICKUP_SCHEDULED = "pickup_scheduled"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"  # NDR: an attempt failed; the courier will retry
    RTO_INITIATED = "rto_initiated"
    RTO_IN_TRANSIT = "rto_in_transit"
    RTO_DELIVERED = "rto_delivered"
    CANCELLED = "cancelled"
    LOST = "lost"
    DAMAGED = "damaged"
    UNKNOWN = "unknown"


class StorefrontShipmentStatus(StrEnum):
    """The shipment statuses the storefront can display."""

    PENDING = "pending"
    PICKUP_SCHEDULED = "pickup_scheduled"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"


S = ShipmentStatus

# Shipment status scheme (fact sheet §8A): tracking `shipment_status`, scan `sr-status`,
# webhook `shipment_status_id`. Codes 1-5 and 11 come from the Shipments folder.
SHIPMENT_STATUS_CODES: dict[int, tuple[str, ShipmentStatus]] = {
    1: ("AWB Assigned", S.AWB_ASSIGNED),
    2: ("Label Generated", S.AWB_ASSIGNED),
    3: ("Pickup Scheduled", S.PICKUP_SCHEDULED),
    4: ("Pickup Queued", S.PICKUP_SCHEDULED),
    5: ("Manifest Generated", S.PICKUP_SCHEDULED),
    6: ("Shipped", S.IN_TRANSIT),
    7: ("Delivered", S.DELIVERED),
    8: ("Canceled", S.CANCELLED),
    9: ("RTO Initiated", S.RTO_INITIATED),
    10: ("RTO Delivered", S.RTO_DELIVERED),
    11: ("Pending", S.NEW),
    12: ("Lost", S.LOST),
    13: ("Pickup Error", S.PICKUP_SCHEDULED),
    14: ("RTO Acknowledged", S.RTO_DELIVERED),
    15: ("Pickup Rescheduled", S.PICKUP_SCHEDULED),
    16: ("Cancellation Requested", S.CANCELLED),
    17: ("Out For Delivery", S.OUT_FOR_DELIVERY),
    18: ("In Transit", S.IN_TRANSIT),
    19: ("Out For Pickup", S.PICKUP_SCHEDULED),
    20: ("Pickup Exception", S.PICKUP_SCHEDULED),
    21: ("Undelivered", S.DELIVERY_FAILED),
    22: ("Delayed", S.IN_TRANSIT),
    23: ("Partial_Delivered", S.IN_TRANSIT),
    24: ("DESTROYED", S.LOST),
    25: ("DAMAGED", S.DAMAGED),
    26: ("FULFILLED", S.DELIVERED),
    27: ("Pickup Booked", S.PICKUP_SCHEDULED),
    38: ("REACHED AT DESTINATION HUB", S.IN_TRANSIT),
    39: ("MISROUTED", S.IN_TRANSIT),
    40: ("RTO_NDR", S.RTO_IN_TRANSIT),
    41: ("RTO_OFD", S.RTO_IN_TRANSIT),
    42: ("PICKED UP", S.PICKED_UP),
    43: ("SELF FULFILLED", S.DELIVERED),
    44: ("DISPOSED OFF", S.LOST),
    45: ("CANCELLED_BEFORE_DISPATCHED", S.CANCELLED),
    46: ("RTO IN INTRANSIT", S.RTO_IN_TRANSIT),
    47: ("QC FAILED", S.PICKUP_SCHEDULED),
    48: ("Reached Warehouse", S.IN_TRANSIT),
    49: ("Custom Cleared", S.IN_TRANSIT),
    50: ("In Flight", S.IN_TRANSIT),
    51: ("Handover to Courier", S.PICKED_UP),
    52: ("Shipment Booked", S.AWB_ASSIGNED),
    54: ("In Transit Overseas", S.IN_TRANSIT),
    55: ("Connection Aligned", S.IN_TRANSIT),
    56: ("Reached Overseas Warehouse", S.IN_TRANSIT),
    57: ("Custom Cleared Overseas", S.IN_TRANSIT),
    59: ("Box Packing", S.NEW),
    60: ("FC Allocated", S.NEW),
    61: ("Picklist Generated", S.NEW),
    62: ("Ready To Pack", S.NEW),
    63: ("Packed", S.NEW),
    67: ("FC MANIFEST GENERATED", S.PICKUP_SCHEDULED),
    68: ("PROCESSED AT WAREHOUSE", S.PICKUP_SCHEDULED),
    71: ("HANDOVER EXCEPTION", S.PICKUP_SCHEDULED),
    72: ("PACKED EXCEPTION", S.NEW),
    75: ("RTO_LOCK", S.RTO_INITIATED),
    76: ("UNTRACEABLE", S.LOST),
    77: ("ISSUE_RELATED_TO_THE_RECIPIENT", S.DELIVERY_FAILED),
    78: ("REACHED_BACK_AT_SELLER_CITY", S.RTO_IN_TRANSIT),
}

# Order status scheme (fact sheet §8B): orders API `status_code`, create-order responses.
ORDER_STATUS_CODES: dict[int, tuple[str, ShipmentStatus]] = {
    1: ("New", S.NEW),
    2: ("Invoiced", S.NEW),
    3: ("Ready To Ship", S.AWB_ASSIGNED),
    4: ("Pickup Scheduled", S.PICKUP_SCHEDULED),
    5: ("Canceled", S.CANCELLED),
    6: ("Shipped", S.IN_TRANSIT),
    7: ("Delivered", S.DELIVERED),
    8: ("ePayment Failed", S.CANCELLED),
    9: ("Returned", S.RTO_DELIVERED),
    10: ("Unmapped", S.NEW),
    11: ("Unfulfillable", S.NEW),
    12: ("Pickup Queue", S.PICKUP_SCHEDULED),
    13: ("Pickup Rescheduled", S.PICKUP_SCHEDULED),
    14: ("Pickup Error", S.PICKUP_SCHEDULED),
    15: ("RTO Initiated", S.RTO_INITIATED),
    16: ("RTO Delivered", S.RTO_DELIVERED),
    17: ("RTO Acknowledged", S.RTO_DELIVERED),
    18: ("Cancellation Requested", S.CANCELLED),
    19: ("Out for Delivery", S.OUT_FOR_DELIVERY),
    20: ("In Transit", S.IN_TRANSIT),
    21: ("Return Pending", S.DELIVERED),
    22: ("Return Initiated", S.DELIVERED),
    23: ("Return Pickup Queued", S.DELIVERED),
    24: ("Return Pickup Error", S.DELIVERED),
    25: ("Return In Transit", S.DELIVERED),
    26: ("Return Delivered", S.DELIVERED),
    27: ("Return Cancelled", S.DELIVERED),
    28: ("Return Pickup Generated", S.DELIVERED),
    29: ("Return Cancellation Requested", S.DELIVERED),
    30: ("Return Pickup Cancelled", S.DELIVERED),
    31: ("Return Pickup Rescheduled", S.DELIVERED),
    32: ("Return Picked Up", S.DELIVERED),
    33: ("Lost", S.LOST),
    34: ("Out For Pickup", S.PICKUP_SCHEDULED),
    35: ("Pickup Exception", S.PICKUP_SCHEDULED),
    36: ("Undelivered", S.DELIVERY_FAILED),
    37: ("Delivery Delayed", S.IN_TRANSIT),
    38: ("Partial Delivered", S.IN_TRANSIT),
    39: ("Destroyed", S.LOST),
    40: ("Damaged", S.DAMAGED),
    41: ("Fulfilled", S.DELIVERED),
    42: ("Archived", S.UNKNOWN),  # an admin flag, says nothing about the parcel
    43: ("Reached Destination Hub", S.IN_TRANSIT),
    44: ("Misrouted", S.IN_TRANSIT),
    45: ("RTO_OFD", S.RTO_IN_TRANSIT),
    46: ("RTO_NDR", S.RTO_IN_TRANSIT),
    47: ("Return Out For Pickup", S.DELIVERED),
    48: ("Return Out For Delivery", S.DELIVERED),
    49: ("Return Pickup Exception", S.DELIVERED),
    50: ("Return Undelivered", S.DELIVERED),
    51: ("Picked Up", S.PICKED_UP),
    52: ("Self Fulfilled", S.DELIVERED),
    53: ("Disposed Off", S.LOST),
    54: ("Canceled before Dispatched", S.CANCELLED),
    55: ("RTO In-Transit", S.RTO_IN_TRANSIT),
    57: ("QC Failed", S.PICKUP_SCHEDULED),
    58: ("Reached Warehouse", S.IN_TRANSIT),
    59: ("Custom Cleared", S.IN_TRANSIT),
    60: ("In Flight", S.IN_TRANSIT),
    61: ("Handover to Courier", S.PICKED_UP),
    62: ("Booked", S.AWB_ASSIGNED),
    64: ("In Transit Overseas", S.IN_TRANSIT),
    65: ("Connection Aligned", S.IN_TRANSIT),
    66: ("Reached Overseas Warehouse", S.IN_TRANSIT),
    67: ("Custom Cleared Overseas", S.IN_TRANSIT),
    68: ("RETURN ACKNOWLEGED", S.DELIVERED),
    69: ("Box Packing", S.NEW),
    70: ("Pickup Booked", S.PICKUP_SCHEDULED),
    71: ("DARKSTORE SCHEDULED", S.NEW),
    72: ("Allocation in Progress", S.NEW),
    73: ("FC Allocated", S.NEW),
    74: ("Picklist Generated", S.NEW),
    75: ("Ready to Pack", S.NEW),
    76: ("Packed", S.NEW),
    80: ("FC MANIFEST GENERATED", S.PICKUP_SCHEDULED),
    81: ("PROCESSED AT WAREHOUSE", S.PICKUP_SCHEDULED),
    82: ("PACKED EXCEPTION", S.NEW),
    83: ("HANDOVER EXCEPTION", S.PICKUP_SCHEDULED),
    85: ("RTO", S.RTO_IN_TRANSIT),  # not in [PM]'s table; Shiprocket's MCP buckets it as RTO
    87: ("RTO_LOCK", S.RTO_INITIATED),
    88: ("UNTRACEABLE", S.LOST),
    89: ("ISSUE_RELATED_TO_THE_RECIPIENT", S.DELIVERY_FAILED),
    90: ("REACHED_BACK_AT_SELLER_CITY", S.RTO_IN_TRANSIT),
}

# Labels seen in scans, `current_status` and webhooks that are not a table label verbatim.
_EXTRA_LABELS: dict[str, ShipmentStatus] = {
    "NEW": S.NEW,
    "PENDING": S.NEW,
    "PICKUP GENERATED": S.PICKUP_SCHEDULED,
    "PICKUP QUEUE": S.PICKUP_SCHEDULED,
    "OUT FOR PICKUP": S.PICKUP_SCHEDULED,
    "MANIFESTED": S.PICKUP_SCHEDULED,
    "CANCELLED": S.CANCELLED,
    "CANCELED": S.CANCELLED,
    "IN TRANSIT": S.IN_TRANSIT,
    "INTRANSIT": S.IN_TRANSIT,
    "PARTIAL DELIVERED": S.IN_TRANSIT,
    "OFD": S.OUT_FOR_DELIVERY,
    "NDR": S.DELIVERY_FAILED,
    "UNDELIVERED": S.DELIVERY_FAILED,
    "RTO IN TRANSIT": S.RTO_IN_TRANSIT,
    "RTO INTRANSIT": S.RTO_IN_TRANSIT,
    "REACHED BACK AT SELLER CITY": S.RTO_IN_TRANSIT,
}

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise_label(label: str) -> str:
    """Upper-case, with underscores, hyphens and runs of spaces folded to one space."""
    return _SEPARATORS.sub(" ", label).strip().upper()


def _build_label_table() -> dict[str, ShipmentStatus]:
    table: dict[str, ShipmentStatus] = {}
    for codes in (ORDER_STATUS_CODES, SHIPMENT_STATUS_CODES):
        for label, status in codes.values():
            table[normalise_label(label)] = status
    table.update(_EXTRA_LABELS)
    return table


LABELS: dict[str, ShipmentStatus] = _build_label_table()


def _as_code(code: int | str | None) -> int | None:
    if isinstance(code, bool) or code is None:
        return None
    if isinstance(code, int):
        return code
    text = str(code).strip()
    return int(text) if text.isdigit() else None


def from_shipment_status_code(code: int | str | None) -> ShipmentStatus:
    """Map a shipment-scheme code (`shipment_status`, `sr-status`; "NA" allowed)."""
    number = _as_code(code)
    entry = SHIPMENT_STATUS_CODES.get(number) if number is not None else None
    return entry[1] if entry else S.UNKNOWN


def from_order_status_code(code: int | str | None) -> ShipmentStatus:
    """Map an order-scheme code (orders API and create-order `status_code`)."""
    number = _as_code(code)
    entry = ORDER_STATUS_CODES.get(number) if number is not None else None
    return entry[1] if entry else S.UNKNOWN


def from_label(label: str | None) -> ShipmentStatus:
    """Map a scan label or `current_status` string, tolerant of case and separators."""
    if not label:
        return S.UNKNOWN
    key = normalise_label(label)
    if key in LABELS:
        return LABELS[key]
    if key.startswith("RTO "):
        return S.RTO_IN_TRANSIT
    return S.UNKNOWN


_STOREFRONT: dict[ShipmentStatus, StorefrontShipmentStatus] = {
    S.NEW: StorefrontShipmentStatus.PENDING,
    S.AWB_ASSIGNED: StorefrontShipmentStatus.PENDING,
    S.PICKUP_SCHEDULED: StorefrontShipmentStatus.PICKUP_SCHEDULED,
    S.PICKED_UP: StorefrontShipmentStatus.PICKED_UP,
    S.IN_TRANSIT: StorefrontShipmentStatus.IN_TRANSIT,
    S.OUT_FOR_DELIVERY: StorefrontShipmentStatus.OUT_FOR_DELIVERY,
    S.DELIVERED: StorefrontShipmentStatus.DELIVERED,
    # A failed attempt is re-attempted: to the customer the parcel is still on its way.
    S.DELIVERY_FAILED: StorefrontShipmentStatus.IN_TRANSIT,
}


def storefront_shipment_status(status: ShipmentStatus) -> StorefrontShipmentStatus | None:
    """The storefront's shipment status, or None when it has no word for this state.

    RTO, cancelled, lost, damaged and unknown have no storefront shipment status: they are
    reflected through the order status (or a person) instead, so callers must not overwrite
    the displayed value with a guess.
    """
    return _STOREFRONT.get(status)


TERMINAL_STATUSES: frozenset[ShipmentStatus] = frozenset(
    {S.DELIVERED, S.RTO_DELIVERED, S.CANCELLED, S.LOST, S.DAMAGED}
)


def is_terminal(status: ShipmentStatus) -> bool:
    """True when no further tracking event is expected to change the outcome."""
    return status in TERMINAL_STATUSES


__all__ = [
    "LABELS",
    "ORDER_STATUS_CODES",
    "SHIPMENT_STATUS_CODES",
    "TERMINAL_STATUSES",
    "ShipmentStatus",
    "StorefrontShipmentStatus",
    "from_label",
    "from_order_status_code",
    "from_shipment_status_code",
    "is_terminal",
    "normalise_label",
    "storefront_shipment_status",
]
