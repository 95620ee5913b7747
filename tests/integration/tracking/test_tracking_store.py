"""Read cost, bulk calls, stuck/retire/unshipped rules, races, legacy rows, dry runs, timeline."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from fulfil.shiprocket.schemas_tracking import TrackingActivity
from fulfil.store.tracking import TrackingStore, active_shard_of
from fulfil.tracking.apply import apply_scans
from fulfil.tracking.scans import ReadScans, scan_from_activity, utc_iso
from fulfil.tracking.service import render_timeline


def fake(
    th: Any,
    i: int,
    *,
    active: bool = True,
    scan_age: timedelta = timedelta(hours=1),
    status: str = "pickup_scheduled",
    **extra: Any,
) -> dict[str, Any]:
    order_id = f"ord-{i:05d}"
    item = {
        "orderId": order_id,
        "shipmentKey": "01",
        "shipmentId": f"shp-{order_id}-01",
        "orderCreatedAt": utc_iso(th.now - timedelta(days=2)),
        "status": "shipped",
        "awb": f"FAKE{i:08d}",
        "trackingStatus": status,
        "lastScanAt": utc_iso(th.now - scan_age),
        "pickupScheduledAt": (th.now - scan_age).isoformat(),
        "updatedAt": utc_iso(th.now),
        "changeDay": utc_iso(th.now)[:10],
        **extra,
    }
    if active:
        item["activeShard"] = active_shard_of(order_id, th.settings.queue_shards)
    return item


def test_reads_follow_the_active_set_and_calls_are_one_per_fifty(th: Any) -> None:
    active = [fake(th, i) for i in range(100)]
    stale_pickup = [fake(th, 100 + i, scan_age=timedelta(days=3)) for i in range(10)]
    ancient = [
        fake(th, 200 + i, scan_age=timedelta(days=91), status="in_transit") for i in range(10)
    ]
    delivered = [fake(th, 1000 + i, active=False, status="delivered") for i in range(600)]
    th.put_items(active + stale_pickup + ancient + delivered)
    report = th.sync(awbs=None)
    total = len(active) + len(stale_pickup) + len(ancient)
    assert report.active == total
    assert report.api_calls == th.bulk_calls() == math.ceil(total / 50)
    assert report.items_read_active == total
    assert report.items_read / total <= 1.05
    assert report.no_data == total  # `{}` for every AWB the simulator never issued
    assert report.retired == len(ancient)
    assert {line.what for line in report.of_kind("stuck")} == {"pickup_not_done"}
    assert report.stuck == len(stale_pickup)
    severities = {e.reason_code: e.severity.value for e, _ in th.recorder.escalations}
    assert severities == {"pickup_not_done": "medium", "retired": "low"}
    after = th.sync(awbs=None)
    assert after.active == total - len(ancient)  # retired shipments left ActiveIndex
    assert after.stuck == len(stale_pickup)
    occurrences = [o for _, o in th.recorder.escalations]
    assert len(set(occurrences)) == len(stale_pickup) + len(ancient)  # one a day per rule


def test_paid_orders_without_a_shipment_are_escalated(th: Any) -> None:
    th.seed(6, seed=1)  # placed an hour ago, never swept
    assert th.sync(awbs=None).stuck == 0
    th.now += timedelta(days=2)
    report = th.sync(awbs=None)
    assert report.stuck >= 1
    assert {line.what for line in report.of_kind("stuck")} == {"paid_no_shipment"}
    assert all(e.severity.value == "high" for e, _ in th.recorder.escalations)


def activity(date: str, sr: str, text: str) -> ReadScans:
    wire = TrackingActivity.model_validate(
        {"date": date, "status": "X", "activity": text, "location": "Hub", "sr-status": sr}
    )
    scan = scan_from_activity(wire)
    assert scan is not None
    return ReadScans(scans=[scan])


def test_a_lost_race_rereads_and_never_regresses(th: Any) -> None:
    th.put_items([fake(th, 1)])
    stale = fake(th, 1)  # what a slow sync read before another one moved the shipment
    ctx = th_context(th)
    first = th.sync(awbs=None)  # no-op for a FAKE awb, but proves the item is readable
    assert first.active == 1
    report = ctx.new_report()
    apply_scans(ctx, stale, activity("2026-11-30 10:00:00", "18", "In transit"), report)
    assert th.item("FAKE00000001")["trackingStatus"] == "in_transit"
    report = ctx.new_report()
    apply_scans(ctx, stale, activity("2026-11-29 16:00:00", "42", "Picked up"), report)
    assert report.conflicts == 1  # stale read lost; re-read, recomputed
    item = th.item("FAKE00000001")
    assert item["trackingStatus"] == "in_transit" and item["pickedUpAt"]
    assert len(item["seenEvents"]) == 2


def th_context(th: Any) -> Any:
    from fulfil.tracking.service import build_services

    return build_services(
        th.settings,
        dynamo=th.dynamo,
        recorder=th.recorder,
        notifier=th.notifier,
        clock=lambda: th.now,
    ).context(dry_run=False)


def test_legacy_rows_are_activated_on_first_sight(th: Any) -> None:
    legacy = fake(th, 7, active=False, status="awb_assigned")
    legacy.update(status="legacy")
    legacy.pop("trackingStatus")
    th.put_items([legacy])
    assert th.sync(awbs=None).active == 0  # not on ActiveIndex yet
    report = th.sync(awbs=["FAKE00000007", "NOT-OURS"])
    assert report.active == 1 and report.api_calls == 1
    assert [line.awb for line in report.lines if line.what == "unknown_awb"] == ["NOT-OURS"]
    assert th.item("FAKE00000007")["activeShard"].startswith("a")
    store = TrackingStore(th.dynamo, th.settings.tables)
    assert not store.activate_legacy(legacy["orderId"], "01", th.now)  # idempotent
    assert th.sync(awbs=None).active == 1


def test_dry_run_writes_nothing(th: Any) -> None:
    shipped = th.ship(2, seed=1)
    th.advance_past(max(th.scan_times(s["awb"])[-1] for s in shipped))
    before = th.table("fulfilment")
    report = th.sync(dry_run=True)
    assert report.dry_run and report.status_changes == len(shipped)
    assert th.table("events") == [] and th.table("fulfilment") == before
    assert th.recorder.escalations == [] and th.notifier.notifications == []
    assert all(th.order(s["orderId"])["status"] == "ready_for_shipment" for s in shipped)


def test_timeline_view_after_a_sync(th: Any) -> None:
    shipped = th.ship(2, seed=1)
    awb = shipped[0]["awb"]
    th.force(awb, "happy")
    th.advance_past(th.scan_times(awb)[-1])
    th.sync(awbs=[awb])
    text = render_timeline(th.settings, awb, dynamo=th.dynamo)
    assert f"AWB {awb}" in text and "Status: delivered" in text
    assert f"https://shiprocket.co//tracking/{awb}" in text
    scan_lines = [line for line in text.splitlines() if line.startswith("  20")]
    assert len(scan_lines) == len(th.events(awb)) and "DLVD" in scan_lines[-1]


def test_a_parked_order_is_not_escalated_again_as_unshipped(th: Any) -> None:
    """The sweep's parking already opened a ticket with the reason: one ticket per problem."""
    th.seed(6, seed=1)
    th.now += timedelta(days=2)
    first = {line.order_id for line in th.sync(awbs=None).of_kind("stuck")}
    assert len(first) >= 2
    parked = sorted(first)[0]
    th.put_items(
        [
            {
                "orderId": parked,
                "shipmentKey": "00",
                "shipmentId": f"shp-{parked}-00",
                "status": "needs_attention",
            }
        ]
    )
    again = {line.order_id for line in th.sync(awbs=None).of_kind("stuck")}
    assert again == first - {parked}
