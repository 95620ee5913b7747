"""Shiprocket's two status enums, as far as the simulator produces them.

Scheme A (shipment status) appears in tracking `shipment_status` and scan `sr-status`; scheme B
(order status) appears in the orders API `status_code`. They share numbers with different
meanings (A 9 = RTO Initiated, B 9 = Returned), which is exactly the trap a client must not
fall into, so the simulator keeps them in separate tables (fact sheet §8).
"""

from __future__ import annotations

# Scheme A: shipment status id -> label (upper case, as tracking's `sr-status-label` shows it).
SHIPMENT_STATUS: dict[int, str] = {
    1: "AWB ASSIGNED",
    2: "LABEL GENERATED",
    3: "PICKUP SCHEDULED",
    4: "PICKUP QUEUED",
    5: "MANIFEST GENERATED",
    6: "SHIPPED",
    7: "DELIVERED",
    8: "CANCELED",
    9: "RTO INITIATED",
    10: "RTO DELIVERED",
    11: "PENDING",
    12: "LOST",
    17: "OUT FOR DELIVERY",
    18: "IN TRANSIT",
    19: "OUT FOR PICKUP",
    21: "UNDELIVERED",
    38: "REACHED AT DESTINATION HUB",
    42: "PICKED UP",
    46: "RTO IN INTRANSIT",
}

# Scheme B: order status id -> label (as the orders API `status` string shows it).
ORDER_STATUS: dict[int, str] = {
    1: "NEW",
    3: "READY TO SHIP",
    4: "PICKUP SCHEDULED",
    5: "CANCELED",
    6: "SHIPPED",
    7: "DELIVERED",
    15: "RTO INITIATED",
    16: "RTO DELIVERED",
    19: "OUT FOR DELIVERY",
    20: "IN TRANSIT",
    33: "LOST",
    34: "OUT FOR PICKUP",
    36: "UNDELIVERED",
    43: "REACHED DESTINATION HUB",
    51: "PICKED UP",
    55: "RTO IN-TRANSIT",
}

# Which order status (B) a shipment status (A) puts the order in.
A_TO_B: dict[int, int] = {
    1: 3,
    2: 3,
    3: 4,
    4: 4,
    5: 4,
    6: 6,
    7: 7,
    8: 5,
    9: 15,
    10: 16,
    12: 33,
    17: 19,
    18: 20,
    19: 34,
    21: 36,
    38: 43,
    42: 51,
    46: 55,
}

ORDER_NEW = 1
ORDER_CANCELED = 5
SHIPMENT_CANCELED = 8

# Statuses after which a shipment is physically with the courier: no more cancel or reassign.
PICKED_UP_OR_LATER: frozenset[int] = frozenset({6, 7, 9, 10, 12, 17, 18, 21, 38, 42, 46})
# Terminal statuses: the timeline ends here.
TERMINAL: frozenset[int] = frozenset({7, 10, 12})


def shipment_label(code: int) -> str:
    return SHIPMENT_STATUS.get(code, "NA")


def order_label(code: int) -> str:
    return ORDER_STATUS.get(code, "NA")
