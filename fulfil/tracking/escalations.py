"""Tracking exceptions as escalations, and tracking changes as customer notices (pure).

Severity follows what a person must do and how fast: a lost or damaged parcel is money gone
(critical); an RTO means a customer who will not get the order (high); a failed delivery
attempt usually heals with the next attempt (medium); silence is worth a look before it
becomes one of the above. Occurrences are deterministic, so a re-run or an overlapping sync
records the same item once: `<awb>-<status>-<scanAt>` for a scan, `<awb>-stuck-<rule>-<day>`
for a stuck rule (at most one reminder a day).

Free text from the courier goes to the ticket (`vendor_message`) only; customer notices are
filled from whitelisted fields by `build_notification`, never from it.
"""

from __future__ import annotations

from datetime import datetime

from fulfil.domain.escalation import Category, Escalation, Severity
from fulfil.domain.notifications import (
    Notification,
    NotificationContext,
    NotificationKind,
    build_notification,
)
from fulfil.domain.tracking import StuckFinding, StuckRule
from fulfil.tracking.progress import Finding, Progress, ShipmentView, ndr_reason
from fulfil.tracking.scans import utc_iso

STAGE = "tracking"

SEVERITY: dict[str, Severity] = {
    "ndr": Severity.MEDIUM,
    "rto_initiated": Severity.HIGH,
    "rto_delivered": Severity.MEDIUM,
    "lost": Severity.CRITICAL,
    "damaged": Severity.CRITICAL,
    StuckRule.IN_TRANSIT_SILENT.value: Severity.MEDIUM,
    StuckRule.PICKUP_NOT_DONE.value: Severity.MEDIUM,
    StuckRule.PAID_WITHOUT_SHIPMENT.value: Severity.HIGH,
    "retired": Severity.LOW,
}

_SUMMARY = {
    "ndr": "Delivery attempt failed",
    "rto_initiated": "Return to origin (RTO) initiated",
    "rto_delivered": "RTO parcel delivered back to the seller",
    "lost": "Shipment lost by the courier",
    "damaged": "Shipment damaged in transit",
    StuckRule.IN_TRANSIT_SILENT.value: "No courier scan for too long",
    StuckRule.PICKUP_NOT_DONE.value: "Pickup not done long after it was scheduled",
    StuckRule.PAID_WITHOUT_SHIPMENT.value: "Paid order still without a shipment",
    "retired": "Tracking stopped: no update for too long",
}


def _extra(view: ShipmentView | None, url: str | None) -> dict[str, str]:
    extra: dict[str, str] = {}
    if view is not None:
        extra.update(awb=view.awb, shipmentKey=view.shipment_key, shipmentId=view.shipment_id)
        if view.courier_name:
            extra["courier"] = view.courier_name
    if url:
        extra["trackingUrl"] = url
    return extra


def scan_escalation(
    finding: Finding, prog: Progress, now: datetime, flow_run_url: str | None
) -> tuple[Escalation, str] | None:
    """(escalation, occurrence) for an exception seen in a scan; None if it needs no person."""
    severity = SEVERITY.get(finding.kind)
    if severity is None:
        return None
    view = prog.view
    url = prog.fields.get("trackingUrl") or view.tracking_url
    scan = finding.scan
    esc = Escalation(
        category=Category.DELIVERY,
        severity=severity,
        stage=STAGE,
        reason_code=finding.kind,
        order_id=view.order_id,
        summary=f"{_SUMMARY[finding.kind]}: AWB {view.awb}",
        detail=(
            f"Shipment {view.shipment_id} (AWB {view.awb}) reported "
            f"'{scan.status.value}' at {utc_iso(scan.at)}"
            + (f" in {scan.location}" if scan.location else "")
            + (f". Courier code {scan.raw_status}." if scan.raw_status else ".")
        ),
        vendor_message=finding.detail or None,
        flow_run_url=flow_run_url,
        occurred_at=scan.at,
        extra=_extra(view, url),
    )
    return esc, f"{view.awb}-{scan.status.value}-{utc_iso(scan.at)}"


def stuck_escalation(
    finding: StuckFinding,
    now: datetime,
    flow_run_url: str | None,
    view: ShipmentView | None = None,
) -> tuple[Escalation, str]:
    """(escalation, occurrence) for a stuck rule: one occurrence per subject, rule and day."""
    rule = finding.rule.value
    subject = finding.awb or finding.order_id
    esc = Escalation(
        category=Category.DELIVERY,
        severity=SEVERITY[rule],
        stage=STAGE,
        reason_code=rule,
        order_id=finding.order_id,
        summary=f"{_SUMMARY[rule]}: {'AWB ' + finding.awb if finding.awb else 'order'}",
        detail=(
            f"{_SUMMARY[rule]} ({finding.hours:.0f} h since {utc_iso(finding.since)})."
            + (f" Shipment {finding.shipment_key}." if finding.shipment_key else "")
        ),
        flow_run_url=flow_run_url,
        occurred_at=now,
        extra=_extra(view, view.tracking_url if view else None),
    )
    return esc, f"{subject}-stuck-{rule}-{utc_iso(now)[:10]}"


def retired_escalation(
    view: ShipmentView, now: datetime, flow_run_url: str | None, days: int
) -> tuple[Escalation, str]:
    esc = Escalation(
        category=Category.DELIVERY,
        severity=SEVERITY["retired"],
        stage=STAGE,
        reason_code="retired",
        order_id=view.order_id,
        summary=f"{_SUMMARY['retired']}: AWB {view.awb}",
        detail=(
            f"No tracking update for {days} days (last scan "
            f"{utc_iso(view.last_scan_at) if view.last_scan_at else 'never'}); last status "
            f"'{view.status.value}'. The shipment is no longer polled."
        ),
        flow_run_url=flow_run_url,
        occurred_at=now,
        extra=_extra(view, view.tracking_url),
    )
    return esc, f"{view.awb}-retired"


def customer_notice(prog: Progress) -> Notification | None:
    """The notice for this change, or None. Raises `TemplateDataError` for missing data."""
    kind = prog.notification
    if kind is None:
        return None
    view = prog.view
    contact = view.contact()
    ndr_text = next((f.scan.activity for f in reversed(prog.findings) if f.kind == "ndr"), None)
    context = NotificationContext(
        order_id=view.order_id,
        customer_name=contact.name,
        courier_name=view.courier_name,
        awb=view.awb,
        tracking_url=prog.fields.get("trackingUrl") or view.tracking_url,
        failure_reason=ndr_reason(ndr_text),
        payment_method=contact.payment_method,
    )
    repeatable = kind in (NotificationKind.OUT_FOR_DELIVERY, NotificationKind.DELIVERY_FAILED)
    key = f"{view.shipment_id}#a{prog.attempt}" if repeatable else view.shipment_id
    return build_notification(
        kind,
        order_id=view.order_id,
        shipment_key=key,
        recipient_e164=contact.phone_e164,
        context=context,
    )
