"""Reading answers into scans, and what one batch of scans means for a shipment (pure)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr

from fulfil.domain.notifications import NotificationKind
from fulfil.domain.shipment_status import ShipmentStatus
from fulfil.shiprocket.parsers import tracking_result
from fulfil.tracking.config import TrackingSettings, path_is_acceptable
from fulfil.tracking.escalations import customer_notice, scan_escalation, stuck_escalation
from fulfil.tracking.progress import ShipmentView, compute, ndr_reason
from fulfil.tracking.scans import (
    ReadScans,
    Scan,
    WebhookBody,
    scans_from_result,
    scans_from_webhook,
)
from fulfil.tracking.view import format_timeline
from fulfil.tracking.webhook import key_matches

S = ShipmentStatus
T0 = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
PLAN = json.dumps(
    {"destination": {"name": "Asha Rao", "phone_e164": "+919876543210"}, "payment_method": "COD"}
)


def item(**extra: Any) -> dict[str, Any]:
    base = {
        "orderId": "ord-1",
        "shipmentKey": "01",
        "shipmentId": "shp-ord-1-01",
        "awb": "AWB1",
        "orderCreatedAt": "2026-11-29T05:00:00.000Z",
        "trackingStatus": "pickup_scheduled",
        "lastScanAt": "2026-11-29T06:00:00.000Z",
        "courierName": "Delhivery Surface",
        "pickupScheduledAt": "2026-11-29T11:30:00+05:30",
        "plan": PLAN,
    }
    return {**base, **extra}


def scan(status: ShipmentStatus, hours: float, activity: str = "", raw: str = "X") -> Scan:
    return Scan(status=status, at=T0 + timedelta(hours=hours), raw_status=raw, activity=activity)


def test_bulk_answers_without_data_give_no_scans() -> None:
    assert scans_from_result(tracking_result("A", {})).scans == []
    zero = {"tracking_data": {"track_status": 0, "error": "Aahh! There is no activities found"}}
    assert scans_from_result(tracking_result("A", zero)).scans == []


def test_found_answer_becomes_scans_oldest_first_with_eta_and_url() -> None:
    entry = {
        "tracking_data": {
            "track_status": 1,
            "shipment_status": 18,
            "shipment_track": [{"courier_name": "Xpressbees", "current_status": "In Transit"}],
            "shipment_track_activities": [
                {
                    "date": "2026-11-30 12:00:00",
                    "status": "X-ILL1F",
                    "activity": "In Transit",
                    "location": "Hub",
                    "sr-status": "18",
                    "sr-status-label": "IN TRANSIT",
                },
                {
                    "date": "2026-11-30 10:00:00",
                    "status": "X-PPOM",
                    "activity": "Picked up",
                    "location": "Delhi",
                    "sr-status": "42",
                    "sr-status-label": "PICKED UP",
                },
                {
                    "date": "2026-11-30 11:00:00",
                    "status": "X-??",
                    "activity": "Bag scan",
                    "location": "Delhi",
                    "sr-status": "NA",
                    "sr-status-label": "NA",
                },
                {"date": "", "status": "X", "activity": "undated", "sr-status": "18"},
            ],
            "track_url": "https://shiprocket.co//tracking/AWB1",
            "etd": "2026-12-02 18:00:00",
        }
    }
    read = scans_from_result(tracking_result("AWB1", entry))
    assert [s.status for s in read.scans] == [S.PICKED_UP, S.UNKNOWN, S.IN_TRANSIT]
    assert read.undated == 1
    assert read.scans[0].at == datetime(2026, 11, 30, 4, 30, tzinfo=UTC)  # IST -> UTC
    assert read.tracking_url and read.eta is not None


def test_webhook_body_scans_and_fallback_to_current_status() -> None:
    body = WebhookBody.model_validate(
        {
            "awb": 19041424751540,
            "current_status": "IN TRANSIT",
            "current_status_id": 20,
            "shipment_status": "IN TRANSIT",
            "shipment_status_id": 18,
            "current_timestamp": "23 05 2023 11:43:52",
            "scans": [
                {
                    "date": "2023-05-19 11:59:16",
                    "status": "X-UCI",
                    "activity": "Manifested",
                    "location": "Chomu",
                    "sr-status": "5",
                    "sr-status-label": "MANIFEST GENERATED",
                }
            ],
        }
    )
    assert body.awb == "19041424751540"
    assert [s.status for s in scans_from_webhook(body).scans] == [S.PICKUP_SCHEDULED]
    bare = body.model_copy(update={"scans": []})
    only = scans_from_webhook(bare).scans
    assert [s.status for s in only] == [S.IN_TRANSIT] and only[0].source == "webhook"


def test_event_key_dedupes_the_same_scan_and_keeps_different_text_apart() -> None:
    a = scan(S.IN_TRANSIT, 1, "Arrived", "X-ILL1F")
    assert a.event_key == scan(S.IN_TRANSIT, 1, "Arrived", "X-ILL1F").event_key
    assert a.event_key != scan(S.IN_TRANSIT, 1, "Connected", "X-ILL1F").event_key
    assert a.event_key.startswith("2026-11-30T05:00:00.000Z#in_transit#")


def test_compute_moves_forward_and_says_what_to_write() -> None:
    view = ShipmentView.from_item(item())
    assert view is not None and view.status is S.PICKUP_SCHEDULED
    read = ReadScans(
        scans=[scan(S.PICKED_UP, 1), scan(S.IN_TRANSIT, 5), scan(S.PICKED_UP, 1)],
        tracking_url="https://shiprocket.co/tracking/AWB1",
        eta=T0 + timedelta(days=2),
    )
    prog = compute(view, read)
    assert prog.final_status is S.IN_TRANSIT and prog.changed
    assert len(prog.new_scans) == 2  # the exact repeat counts once
    assert prog.fields["pickedUpAt"] == "2026-11-30T05:00:00.000Z"
    assert prog.fields["lastScanAt"] == "2026-11-30T09:00:00.000Z"
    assert prog.fields["trackingUrl"].endswith("AWB1") and "eta" in prog.fields
    assert prog.notification is NotificationKind.SHIPPED
    seen = view.seen | {s.event_id for s in prog.new_scans}
    again = compute(
        ShipmentView.from_item(
            item(
                trackingStatus="in_transit",
                seenEvents=seen,
                trackingUrl=read.tracking_url,
                eta="2026-12-02T04:00:00.000Z",
                lastEventAt="2026-11-30T09:00:00.000Z",
            )
        )
        or view,
        read,
    )
    assert again.new_scans == [] and not again.changed and not again.worth_writing


def test_ndr_then_rto_findings_escalations_and_notices() -> None:
    view = ShipmentView.from_item(item(trackingStatus="in_transit"))
    assert view is not None
    first = compute(
        view,
        ReadScans(
            scans=[
                scan(S.OUT_FOR_DELIVERY, 1),
                scan(S.DELIVERY_FAILED, 4, "Undelivered - Consignee not available"),
            ]
        ),
    )
    assert [f.kind for f in first.findings] == ["ndr"]
    assert first.ndr_added == 1 and first.attempt == 1
    notice = customer_notice(first)
    assert notice is not None and notice.kind is NotificationKind.DELIVERY_FAILED
    assert notice.recipient_e164 == "+919876543210"
    assert "try again" in notice.params["next_step"]
    built = scan_escalation(first.findings[0], first, T0, None)
    assert built is not None
    esc, occurrence = built
    assert (esc.severity.value, esc.reason_code) == ("medium", "ndr")
    assert occurrence == "AWB1-delivery_failed-2026-11-30T08:00:00.000Z"
    assert esc.vendor_message == "Undelivered - Consignee not available"

    rto = compute(
        ShipmentView.from_item(item(trackingStatus="delivery_failed", ndrCount=2)) or view,
        ReadScans(scans=[scan(S.RTO_INITIATED, 30), scan(S.RTO_IN_TRANSIT, 36)]),
    )
    assert [f.kind for f in rto.findings] == ["rto_initiated"]
    assert rto.notification is NotificationKind.RTO_INITIATED
    rto_esc = scan_escalation(rto.findings[0], rto, T0, None)
    assert rto_esc is not None and rto_esc[0].severity.value == "high"
    assert "rtoInitiatedAt" in rto.fields


def test_reattempt_notices_carry_the_attempt_in_their_dedupe_key() -> None:
    view = ShipmentView.from_item(item(trackingStatus="delivery_failed", ndrCount=1))
    assert view is not None
    ofd = compute(view, ReadScans(scans=[scan(S.OUT_FOR_DELIVERY, 30)]))
    first_ofd = compute(
        ShipmentView.from_item(item(trackingStatus="in_transit")) or view,
        ReadScans(scans=[scan(S.OUT_FOR_DELIVERY, 3)]),
    )
    a, b = customer_notice(ofd), customer_notice(first_ofd)
    assert a is not None and b is not None and a.kind is b.kind
    assert a.dedupe_key != b.dedupe_key  # attempt 2 vs attempt 1


def test_lost_is_critical_and_terminal() -> None:
    view = ShipmentView.from_item(item(trackingStatus="in_transit"))
    assert view is not None
    prog = compute(view, ReadScans(scans=[scan(S.LOST, 100, "Shipment Lost")]))
    assert prog.terminal and [f.kind for f in prog.findings] == ["lost"]
    built = scan_escalation(prog.findings[0], prog, T0, None)
    assert built is not None and built[0].severity.value == "critical"


def test_illegal_and_unknown_scans_are_reported_not_applied() -> None:
    view = ShipmentView.from_item(item(trackingStatus="rto_in_transit"))
    assert view is not None
    prog = compute(view, ReadScans(scans=[scan(S.DELIVERED, 2), scan(S.UNKNOWN, 3)]))
    assert not prog.changed
    assert [f.kind for f in prog.findings] == ["illegal", "unknown_code"]


def test_ndr_reason_mapping() -> None:
    assert ndr_reason("Undelivered - Consignee not available") == "customer_unavailable"
    assert ndr_reason("Address incomplete / incorrect") == "address_issue"
    assert ndr_reason("Customer refused to accept / order cancelled") == "refused"
    assert ndr_reason("Consignee premises closed") == "premises_closed"
    assert ndr_reason("Customer requested future delivery") is None


def test_stuck_escalation_occurrence_is_per_day() -> None:
    from fulfil.domain.tracking import StuckFinding, StuckRule

    finding = StuckFinding(StuckRule.IN_TRANSIT_SILENT, "ord-1", "01", "AWB1", T0, 80.0)
    esc, occurrence = stuck_escalation(finding, T0 + timedelta(days=4), None)
    assert occurrence == "AWB1-stuck-in_transit_no_scan-2026-12-04"
    assert esc.reason_code == "in_transit_no_scan"


def test_webhook_key_and_path_rules() -> None:
    key = SecretStr("s3cret-token")
    assert key_matches(key, "s3cret-token")
    assert not key_matches(key, "s3cret-tokem") and not key_matches(key, None)
    assert not key_matches(None, "anything") and not key_matches(SecretStr(""), "")
    assert path_is_acceptable(TrackingSettings().webhook_path)
    for bad in ("/hooks/shiprocket", "/sr/events", "/kr-hook", "/KartRocket"):
        assert not path_is_acceptable(bad)


def test_timeline_text_has_status_eta_url_and_scans() -> None:
    text = format_timeline(
        "AWB1",
        item(
            trackingStatus="in_transit",
            eta="2026-12-02T04:00:00.000Z",
            trackingUrl="https://shiprocket.co/tracking/AWB1",
            activeShard="a01",
        ),
        [
            {
                "scanAt": "2026-11-30T05:00:00.000Z",
                "status": "picked_up",
                "rawStatus": "X-PPOM",
                "activity": "Picked up",
                "location": "Delhi",
            }
        ],
    )
    assert "Status: in_transit (active)" in text and "ETA 2026-12-02 09:30 IST" in text
    assert "https://shiprocket.co/tracking/AWB1" in text
    assert "2026-11-30 10:30 IST  picked_up" in text and "@ Delhi" in text
    assert "no shipment of ours" in format_timeline("NOPE", None, [])
