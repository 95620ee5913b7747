"""Stuck, retirement and order-status rules, and which change sends which customer notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fulfil.domain.notifications import NotificationKind as N
from fulfil.domain.shipment_status import ShipmentStatus
from fulfil.domain.tracking import (
    ActiveShipment,
    StuckRule,
    StuckThresholds,
    find_stuck,
    find_unshipped_paid,
    notification_for,
    order_status_for,
    should_retire,
)

S = ShipmentStatus
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
TH = StuckThresholds(in_transit_hours=72, pickup_hours=48, paid_hours=24)


def shipment(
    status: ShipmentStatus, scan_hours: float, pickup_hours: float | None = None
) -> ActiveShipment:
    return ActiveShipment(
        order_id=f"o-{status.value}",
        shipment_key="01",
        awb=f"AWB-{status.value}",
        status=status,
        last_scan_at=NOW - timedelta(hours=scan_hours),
        pickup_due_at=NOW - timedelta(hours=pickup_hours) if pickup_hours is not None else None,
    )


def test_silent_in_transit_shipments_are_stuck_after_the_threshold() -> None:
    found = find_stuck(
        [
            shipment(S.IN_TRANSIT, 73),
            shipment(S.OUT_FOR_DELIVERY, 71),
            shipment(S.RTO_IN_TRANSIT, 100),
            shipment(S.DELIVERED, 500),  # terminal: never stuck
        ],
        NOW,
        TH,
    )
    assert {(f.awb, f.rule) for f in found} == {
        ("AWB-in_transit", StuckRule.IN_TRANSIT_SILENT),
        ("AWB-rto_in_transit", StuckRule.IN_TRANSIT_SILENT),
    }
    assert all(f.hours > 72 for f in found)


def test_pickup_not_done_counts_from_the_scheduled_pickup() -> None:
    late = shipment(S.PICKUP_SCHEDULED, scan_hours=10, pickup_hours=49)
    fresh = shipment(S.AWB_ASSIGNED, scan_hours=100, pickup_hours=5)
    no_pickup_time = shipment(S.NEW, scan_hours=60)
    found = find_stuck([late, fresh, no_pickup_time], NOW, TH)
    assert {(f.order_id, f.rule) for f in found} == {
        ("o-pickup_scheduled", StuckRule.PICKUP_NOT_DONE),
        ("o-new", StuckRule.PICKUP_NOT_DONE),  # falls back to when tracking started
    }


def test_thresholds_are_per_rule() -> None:
    tight = StuckThresholds(in_transit_hours=1, pickup_hours=1000, paid_hours=1)
    found = find_stuck(
        [shipment(S.IN_TRANSIT, 2), shipment(S.PICKUP_SCHEDULED, 2, 500)], NOW, tight
    )
    assert [f.rule for f in found] == [StuckRule.IN_TRANSIT_SILENT]


def test_retirement_after_the_configured_days() -> None:
    assert should_retire(NOW - timedelta(days=91), NOW, 90)
    assert not should_retire(NOW - timedelta(days=89), NOW, 90)
    assert not should_retire(None, NOW, 90)


def test_paid_orders_without_a_shipment() -> None:
    def order(oid: str, hours: float, **extra: str) -> dict[str, str]:
        created = (NOW - timedelta(hours=hours)).isoformat().replace("+00:00", "Z")
        return {"orderId": oid, "createdAt": created, "status": "confirmed", **extra}

    orders = [
        order("paid-old", 30, paymentStatus="paid"),
        order("cod-old", 30, paymentStatus="pending", paymentMethod="cod"),
        order("unpaid-old", 30, paymentStatus="pending", paymentMethod="razorpay"),
        order("paid-new", 2, paymentStatus="paid"),
        order("shipped", 90, paymentStatus="paid", status="shipped"),
        {"orderId": "no-date", "status": "confirmed", "paymentStatus": "paid"},
    ]
    found = find_unshipped_paid(orders, NOW, 24)
    assert {f.order_id for f in found} == {"paid-old", "cod-old"}
    assert all(f.rule is StuckRule.PAID_WITHOUT_SHIPMENT and f.awb is None for f in found)
    # a parked order already has its own ticket: not a second one for the same problem
    left = find_unshipped_paid(orders, NOW, 24, parked={"cod-old"})
    assert {f.order_id for f in left} == {"paid-old"}


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([S.DELIVERED], "delivered"),
        ([S.DELIVERED, S.DELIVERED], "delivered"),
        ([S.DELIVERED, S.IN_TRANSIT], "shipped"),
        ([S.DELIVERED, S.CANCELLED], "delivered"),  # a cancelled shipment is not live
        ([S.CANCELLED, S.CANCELLED], "cancelled"),
        ([S.DELIVERED, None], "shipped"),  # the other shipment is not booked yet
        ([S.PICKUP_SCHEDULED], None),
        ([S.PICKUP_SCHEDULED, S.PICKED_UP], "shipped"),
        ([S.RTO_DELIVERED], "shipped"),  # returned: a person decides, the order stays shipped
        ([], None),
    ],
)
def test_order_status_for_multi_shipment_orders(
    statuses: list[ShipmentStatus | None], expected: str | None
) -> None:
    assert order_status_for(statuses) == expected


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        (S.PICKUP_SCHEDULED, S.PICKED_UP, N.SHIPPED),
        (S.NEW, S.IN_TRANSIT, N.SHIPPED),
        (S.PICKED_UP, S.IN_TRANSIT, None),  # already told it shipped
        (S.IN_TRANSIT, S.OUT_FOR_DELIVERY, N.OUT_FOR_DELIVERY),
        (S.DELIVERY_FAILED, S.OUT_FOR_DELIVERY, N.OUT_FOR_DELIVERY),  # the re-attempt
        (S.OUT_FOR_DELIVERY, S.DELIVERY_FAILED, N.DELIVERY_FAILED),
        (S.OUT_FOR_DELIVERY, S.DELIVERED, N.DELIVERED),
        (S.PICKUP_SCHEDULED, S.DELIVERED, N.DELIVERED),  # one notice for one change
        (S.DELIVERY_FAILED, S.RTO_INITIATED, N.RTO_INITIATED),
        (S.IN_TRANSIT, S.RTO_IN_TRANSIT, N.RTO_INITIATED),  # RTO first seen in transit
        (S.RTO_INITIATED, S.RTO_IN_TRANSIT, None),
        (S.RTO_IN_TRANSIT, S.RTO_DELIVERED, None),
        (S.IN_TRANSIT, S.LOST, None),
        (S.IN_TRANSIT, S.IN_TRANSIT, None),
        (S.NEW, S.PICKUP_SCHEDULED, None),
    ],
)
def test_notification_per_meaningful_change(
    old: ShipmentStatus, new: ShipmentStatus, kind: N | None
) -> None:
    assert notification_for(old, new) == kind
