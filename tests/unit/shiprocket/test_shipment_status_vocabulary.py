"""The status vocabulary: every documented code of both schemes, and the string traps."""

from __future__ import annotations

import pytest

from fulfil.domain.shipment_status import (
    LABELS,
    ORDER_STATUS_CODES,
    SHIPMENT_STATUS_CODES,
    ShipmentStatus,
    StorefrontShipmentStatus,
    from_label,
    from_order_status_code,
    from_shipment_status_code,
    is_terminal,
    storefront_shipment_status,
)

S = ShipmentStatus

# Fact sheet §8A (tracking folder table plus the Shipments folder's 1, 2, 3, 4, 5 and 11).
DOCUMENTED_SHIPMENT_CODES = [1, 2, 3, 4, 5, 11, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19,
    20, 21, 22, 23, 24, 25, 26, 27, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52,
    54, 55, 56, 57, 59, 60, 61, 62, 63, 67, 68, 71, 72, 75, 76, 77, 78]  # fmt: skip
# Fact sheet §8B.
DOCUMENTED_ORDER_CODES = [*range(1, 56), *range(57, 63), *range(64, 77), 80, 81, 82, 83, 87, 88,
    89, 90]  # fmt: skip

EXPECTED_SHIPMENT = {
    1: S.AWB_ASSIGNED, 2: S.AWB_ASSIGNED, 3: S.PICKUP_SCHEDULED, 4: S.PICKUP_SCHEDULED,
    5: S.PICKUP_SCHEDULED, 6: S.IN_TRANSIT, 7: S.DELIVERED, 8: S.CANCELLED, 9: S.RTO_INITIATED,
    10: S.RTO_DELIVERED, 11: S.NEW, 12: S.LOST, 13: S.PICKUP_SCHEDULED, 14: S.RTO_DELIVERED,
    15: S.PICKUP_SCHEDULED, 16: S.CANCELLED, 17: S.OUT_FOR_DELIVERY, 18: S.IN_TRANSIT,
    19: S.PICKUP_SCHEDULED, 20: S.PICKUP_SCHEDULED, 21: S.DELIVERY_FAILED, 22: S.IN_TRANSIT,
    23: S.IN_TRANSIT, 24: S.LOST, 25: S.DAMAGED, 26: S.DELIVERED, 27: S.PICKUP_SCHEDULED,
    38: S.IN_TRANSIT, 39: S.IN_TRANSIT, 40: S.RTO_IN_TRANSIT, 41: S.RTO_IN_TRANSIT,
    42: S.PICKED_UP, 43: S.DELIVERED, 44: S.LOST, 45: S.CANCELLED, 46: S.RTO_IN_TRANSIT,
    47: S.PICKUP_SCHEDULED, 48: S.IN_TRANSIT, 49: S.IN_TRANSIT, 50: S.IN_TRANSIT,
    51: S.PICKED_UP, 52: S.AWB_ASSIGNED, 54: S.IN_TRANSIT, 55: S.IN_TRANSIT, 56: S.IN_TRANSIT,
    57: S.IN_TRANSIT, 59: S.NEW, 60: S.NEW, 61: S.NEW, 62: S.NEW, 63: S.NEW,
    67: S.PICKUP_SCHEDULED, 68: S.PICKUP_SCHEDULED, 71: S.PICKUP_SCHEDULED, 72: S.NEW,
    75: S.RTO_INITIATED, 76: S.LOST, 77: S.DELIVERY_FAILED, 78: S.RTO_IN_TRANSIT,
}  # fmt: skip

_RETURN_LEG = {21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 47, 48, 49, 50, 68}
EXPECTED_ORDER = {
    1: S.NEW, 2: S.NEW, 3: S.AWB_ASSIGNED, 4: S.PICKUP_SCHEDULED, 5: S.CANCELLED,
    6: S.IN_TRANSIT, 7: S.DELIVERED, 8: S.CANCELLED, 9: S.RTO_DELIVERED, 10: S.NEW, 11: S.NEW,
    12: S.PICKUP_SCHEDULED, 13: S.PICKUP_SCHEDULED, 14: S.PICKUP_SCHEDULED,
    15: S.RTO_INITIATED, 16: S.RTO_DELIVERED, 17: S.RTO_DELIVERED, 18: S.CANCELLED,
    19: S.OUT_FOR_DELIVERY, 20: S.IN_TRANSIT, 33: S.LOST, 34: S.PICKUP_SCHEDULED,
    35: S.PICKUP_SCHEDULED, 36: S.DELIVERY_FAILED, 37: S.IN_TRANSIT, 38: S.IN_TRANSIT,
    39: S.LOST, 40: S.DAMAGED, 41: S.DELIVERED, 42: S.UNKNOWN, 43: S.IN_TRANSIT,
    44: S.IN_TRANSIT, 45: S.RTO_IN_TRANSIT, 46: S.RTO_IN_TRANSIT, 51: S.PICKED_UP,
    52: S.DELIVERED, 53: S.LOST, 54: S.CANCELLED, 55: S.RTO_IN_TRANSIT, 57: S.PICKUP_SCHEDULED,
    58: S.IN_TRANSIT, 59: S.IN_TRANSIT, 60: S.IN_TRANSIT, 61: S.PICKED_UP, 62: S.AWB_ASSIGNED,
    64: S.IN_TRANSIT, 65: S.IN_TRANSIT, 66: S.IN_TRANSIT, 67: S.IN_TRANSIT, 69: S.NEW,
    70: S.PICKUP_SCHEDULED, 71: S.NEW, 72: S.NEW, 73: S.NEW, 74: S.NEW, 75: S.NEW, 76: S.NEW,
    80: S.PICKUP_SCHEDULED, 81: S.PICKUP_SCHEDULED, 82: S.NEW, 83: S.PICKUP_SCHEDULED,
    87: S.RTO_INITIATED, 88: S.LOST, 89: S.DELIVERY_FAILED, 90: S.RTO_IN_TRANSIT,
    **{code: S.DELIVERED for code in _RETURN_LEG},
}  # fmt: skip


def test_every_documented_code_is_in_its_table() -> None:
    assert set(DOCUMENTED_SHIPMENT_CODES) <= set(SHIPMENT_STATUS_CODES)
    assert set(DOCUMENTED_ORDER_CODES) <= set(ORDER_STATUS_CODES)
    assert set(EXPECTED_SHIPMENT) == set(DOCUMENTED_SHIPMENT_CODES)
    assert set(EXPECTED_ORDER) == set(DOCUMENTED_ORDER_CODES)


@pytest.mark.parametrize(("code", "expected"), sorted(EXPECTED_SHIPMENT.items()))
def test_shipment_scheme_code(code: int, expected: ShipmentStatus) -> None:
    assert from_shipment_status_code(code) is expected
    assert from_shipment_status_code(str(code)) is expected


@pytest.mark.parametrize(("code", "expected"), sorted(EXPECTED_ORDER.items()))
def test_order_scheme_code(code: int, expected: ShipmentStatus) -> None:
    assert from_order_status_code(code) is expected
    assert from_order_status_code(f" {code} ") is expected


def test_the_two_schemes_disagree_where_the_fact_sheet_says() -> None:
    assert from_shipment_status_code(9) is S.RTO_INITIATED
    assert from_order_status_code(9) is S.RTO_DELIVERED  # "Returned"
    assert from_shipment_status_code(18) is S.IN_TRANSIT
    assert from_order_status_code(18) is S.CANCELLED  # "Cancellation Requested"
    assert from_order_status_code(85) is S.RTO_IN_TRANSIT  # only in [MCP]'s RTO bucket


@pytest.mark.parametrize("code", [None, "NA", "", "abc", "7.5", -1, 0, 999, True, "1e3"])
def test_unknown_codes_never_raise(code: object) -> None:
    assert from_shipment_status_code(code) is S.UNKNOWN  # type: ignore[arg-type]
    assert from_order_status_code(code) is S.UNKNOWN  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("RTO DELIVERED", S.RTO_DELIVERED),
        ("rto_delivered", S.RTO_DELIVERED),
        ("  Rto   Delivered ", S.RTO_DELIVERED),
        ("UNDELIVERED", S.DELIVERY_FAILED),
        ("Undelivered", S.DELIVERY_FAILED),
        ("REACHED BACK AT SELLER CITY", S.RTO_IN_TRANSIT),
        ("REACHED_BACK_AT_SELLER_CITY", S.RTO_IN_TRANSIT),
        ("RTO_NDR", S.RTO_IN_TRANSIT),
        ("RTO_OFD", S.RTO_IN_TRANSIT),
        ("rto ofd", S.RTO_IN_TRANSIT),
        ("RTO In-Transit", S.RTO_IN_TRANSIT),
        ("RTO IN INTRANSIT", S.RTO_IN_TRANSIT),
        ("RTO Out For Delivery", S.RTO_IN_TRANSIT),  # not in a table: the RTO prefix rule
        ("RTO_LOCK", S.RTO_INITIATED),
        ("RTO Initiated", S.RTO_INITIATED),
        ("Delivered", S.DELIVERED),
        ("DELIVERED", S.DELIVERED),
        ("OUT FOR DELIVERY", S.OUT_FOR_DELIVERY),
        ("IN TRANSIT", S.IN_TRANSIT),
        ("in_transit", S.IN_TRANSIT),
        ("PICKED UP", S.PICKED_UP),
        ("Canceled", S.CANCELLED),
        ("CANCELLED", S.CANCELLED),
        ("MANIFEST GENERATED", S.PICKUP_SCHEDULED),
        ("Pickup Generated", S.PICKUP_SCHEDULED),
        ("AWB Assigned", S.AWB_ASSIGNED),
        ("NEW", S.NEW),
        ("Partial_Delivered", S.IN_TRANSIT),
        ("ISSUE_RELATED_TO_THE_RECIPIENT", S.DELIVERY_FAILED),
        ("DAMAGED", S.DAMAGED),
        ("Lost", S.LOST),
    ],
)
def test_labels(label: str, expected: ShipmentStatus) -> None:
    assert from_label(label) is expected


@pytest.mark.parametrize("label", [None, "", "   ", "Something brand new", "DELIVERED?", "X-PPOM"])
def test_unknown_labels_never_raise(label: str | None) -> None:
    assert from_label(label) is S.UNKNOWN


def test_every_table_label_maps_to_its_own_status() -> None:
    for table in (SHIPMENT_STATUS_CODES, ORDER_STATUS_CODES):
        for code, (label, status) in table.items():
            assert from_label(label) is status, (code, label)


def test_no_rto_label_reads_as_a_forward_status() -> None:
    rto_labels = {k: v for k, v in LABELS.items() if k.startswith("RTO") or "SELLER CITY" in k}
    assert rto_labels
    assert all(v.value.startswith("rto_") for v in rto_labels.values()), rto_labels


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.NEW, StorefrontShipmentStatus.PENDING),
        (S.AWB_ASSIGNED, StorefrontShipmentStatus.PENDING),
        (S.PICKUP_SCHEDULED, StorefrontShipmentStatus.PICKUP_SCHEDULED),
        (S.PICKED_UP, StorefrontShipmentStatus.PICKED_UP),
        (S.IN_TRANSIT, StorefrontShipmentStatus.IN_TRANSIT),
        (S.DELIVERY_FAILED, StorefrontShipmentStatus.IN_TRANSIT),
        (S.OUT_FOR_DELIVERY, StorefrontShipmentStatus.OUT_FOR_DELIVERY),
        (S.DELIVERED, StorefrontShipmentStatus.DELIVERED),
        (S.RTO_INITIATED, None),
        (S.RTO_IN_TRANSIT, None),
        (S.RTO_DELIVERED, None),
        (S.CANCELLED, None),
        (S.LOST, None),
        (S.DAMAGED, None),
        (S.UNKNOWN, None),
    ],
)
def test_storefront_vocabulary(
    status: ShipmentStatus, expected: StorefrontShipmentStatus | None
) -> None:
    assert storefront_shipment_status(status) == expected


def test_storefront_values_are_the_storefronts_words() -> None:
    assert {s.value for s in StorefrontShipmentStatus} == {
        "pending", "pickup_scheduled", "picked_up", "in_transit", "out_for_delivery", "delivered",
    }  # fmt: skip


def test_terminal_statuses() -> None:
    terminal = {s for s in ShipmentStatus if is_terminal(s)}
    assert terminal == {S.DELIVERED, S.RTO_DELIVERED, S.CANCELLED, S.LOST, S.DAMAGED}
