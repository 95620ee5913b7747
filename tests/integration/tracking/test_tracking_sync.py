"""The tracking sync against the in-process simulator, on orders a real sweep shipped.

Clocks are moved to just after the scans that matter (read from the simulator's timeline), so
each test needs only a few syncs.
"""

from __future__ import annotations

from typing import Any

from fulfil.domain.shipment_status import ShipmentStatus
from fulfil.domain.tracking import rank

PICKED_UP, DELIVERED, UNDELIVERED, RTO_DELIVERED = "42", "7", "21", "10"


def test_sync_walks_shipments_to_delivered_and_stores_each_scan_once(th: Any) -> None:
    shipped = th.ship(2, seed=1)
    assert len(shipped) == 3  # one of the two orders ships from two sellers
    for item in shipped:
        th.force(item["awb"], "happy")
    first = th.sync()
    assert first.no_activity == len(shipped) and first.status_changes == 0  # no scan yet
    assert first.api_calls == th.bulk_calls() == 1
    assert first.items_read_active == len(shipped)
    th.advance_past(max(th.scan_times(s["awb"], PICKED_UP)[0] for s in shipped))
    second = th.sync()
    assert second.status_changes == len(shipped) and second.events_stored >= 3 * len(shipped)
    for s in shipped:
        assert th.order(s["orderId"])["status"] == "shipped"
    th.advance_past(max(th.scan_times(s["awb"])[-1] for s in shipped))
    third = th.sync()
    assert third.status_changes == len(shipped)
    for s in shipped:
        item = th.item(s["awb"])
        assert item["trackingStatus"] == "delivered" and "activeShard" not in item
        order = th.order(s["orderId"])
        assert order["status"] == "delivered" and order["deliveredAt"] and order["shippedAt"]
        if s["shipmentKey"] == "01":  # the order's shipment fields follow shipment 01
            assert order["trackingUrl"].endswith(s["awb"])
            assert order["shipmentStatus"] == "delivered"
        timeline = th.control("GET", f"/shipments/{s['awb']}/timeline")["scans"]
        assert len(th.events(s["awb"])) == len(timeline)  # every scan stored, once
    rows = [r for r in th.table("shipments") if r.get("trackingNumber")]
    assert {r["status"] for r in rows} == {"delivered"}
    kinds = [n.kind.value for n in th.notifier.notifications]
    assert kinds.count("shipped") == len(shipped) and kinds.count("delivered") == len(shipped)
    calls = th.bulk_calls()
    last = th.sync()  # nothing is active any more: no read of old rows, no call
    assert last.active == 0 and last.items_read_active == 0 and th.bulk_calls() == calls


def test_noisy_feeds_never_move_a_shipment_back(th: Any) -> None:
    shipped = th.ship(2, seed=1)
    for item in shipped:
        th.force(item["awb"], "noisy")
    end = max(th.scan_times(s["awb"])[-1] for s in shipped)
    ranks: dict[str, list[int]] = {s["awb"]: [] for s in shipped}
    unknown = 0
    step = (end - th.now) / 4
    for k in range(1, 5):
        th.advance_past(end - (4 - k) * step)
        report = th.sync()
        unknown += len([line for line in report.lines if line.what == "unknown_code"])
        for awb, seen in ranks.items():
            seen.append(rank(ShipmentStatus(th.item(awb).get("trackingStatus", "new"))))
    for seen in ranks.values():
        assert seen == sorted(seen) and seen[-1] == rank(ShipmentStatus.DELIVERED)
    assert unknown == len(shipped)  # each unmapped ("NA") scan reported once, never again
    for awb in ranks:
        unique = {
            (x["date"], x["status"], x["activity"])
            for x in th.control("GET", f"/shipments/{awb}/timeline")["scans"]
        }
        assert len(th.events(awb)) == len(unique)  # the courier's exact repeat stored once


def test_ndr_rto_and_lost_become_escalations_and_notices(th: Any) -> None:
    shipped = th.ship(2, seed=1)
    ndr, rto, lost = (s["awb"] for s in shipped[:3])
    for awb, scenario in ((ndr, "ndr"), (rto, "rto"), (lost, "lost")):
        th.force(awb, scenario)
    th.advance_past(th.scan_times(ndr, UNDELIVERED)[0])
    th.sync()
    assert th.item(ndr)["trackingStatus"] == "delivery_failed"
    th.advance_past(max(th.scan_times(a)[-1] for a in (ndr, rto, lost)))
    th.sync()
    assert th.item(ndr)["trackingStatus"] == "delivered" and th.item(ndr)["ndrCount"] == 1
    assert th.item(rto)["trackingStatus"] == "rto_delivered" and th.item(rto)["ndrCount"] == 2
    assert th.item(lost)["trackingStatus"] == "lost"
    found = {
        (e.extra.get("awb"), e.reason_code, e.severity.value) for e, _ in th.recorder.escalations
    }
    assert {
        (ndr, "ndr", "medium"),
        (rto, "ndr", "medium"),
        (rto, "rto_initiated", "high"),
        (rto, "rto_delivered", "medium"),
        (lost, "lost", "critical"),
    } <= found
    assert sum(1 for a, r, _ in found if a == rto and r == "ndr") == 1  # one ticket fingerprint
    occurrences = [o for _, o in th.recorder.escalations]
    assert len(occurrences) == len(set(occurrences))
    kinds = {(n.params.get("awb"), n.kind.value) for n in th.notifier.notifications}
    assert any(k == "delivery_failed" for _, k in kinds)
    assert any(k == "rto_initiated" for _, k in kinds)
    assert th.order(th.item(rto)["orderId"])["status"] == "shipped"  # RTO never reads delivered
    row = next(r for r in th.table("shipments") if r.get("trackingNumber") == rto)
    assert row["status"] == "rto"


def test_empty_and_no_activity_answers_are_tolerated(th: Any) -> None:
    shipped = th.ship(2, seed=1)
    ghost = dict(
        shipped[0], orderId="ghost-order", awb="999999999999", shipmentId="shp-ghost-order-01"
    )
    th.put_items([ghost])
    report = th.sync()
    assert report.failed_chunks == 0 and report.api_calls == 1
    assert report.no_data == 1 and report.no_activity == len(shipped)
    assert [line.awb for line in report.lines if line.what == "no_data"] == ["999999999999"]
    assert "activeShard" in th.item("999999999999")  # kept: polling is the safety net


def test_multi_shipment_order_is_delivered_only_when_every_live_shipment_is(th: Any) -> None:
    shipped = th.ship(3, seed=1)
    by_order: dict[str, list[dict[str, Any]]] = {}
    for s in shipped:
        by_order.setdefault(s["orderId"], []).append(s)
    multi = [sorted(v, key=lambda i: i["shipmentKey"]) for v in by_order.values() if len(v) > 1]
    assert len(multi) >= 2, "seed 1 holds two multi-seller orders"
    (a1, a2, *_), (b1, b2, *_) = multi[0], multi[1]
    th.force(a1["awb"], "happy")
    th.force(a2["awb"], "rto")
    th.force(b1["awb"], "happy")
    th.force(b2["awb"], "happy")
    th.advance_past(th.scan_times(a1["awb"], DELIVERED)[0])
    th.sync()
    assert th.item(a1["awb"])["trackingStatus"] == "delivered"
    assert th.item(a2["awb"])["trackingStatus"] != "rto_delivered"
    assert th.order(a1["orderId"])["status"] == "shipped"  # one of two delivered
    th.advance_past(max(th.scan_times(s["awb"])[-1] for s in (a2, b1, b2)))
    th.sync()
    assert th.item(a2["awb"])["trackingStatus"] == "rto_delivered"
    assert th.order(a1["orderId"])["status"] == "shipped"
    assert th.order(b1["orderId"])["status"] == "delivered"
