"""Applying scans to one shipment: events, storefront, outbox, then the fulfilment item.

Write order is what makes a crash harmless. New events are stored first (idempotent puts), then
the storefront rows and the outbox (forward-only and deduplicated writes), and only then the
fulfilment item, which marks the scans as seen. A sync that dies half-way leaves the scans
unseen, so the next one redoes the same idempotent writes; it never skips a notice or a ticket.
The item write is conditional on the stored position (see `fulfil.store.tracking`); when another
writer got there first, the item is re-read and everything recomputed from what it stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fulfil.domain.notifications import TemplateDataError
from fulfil.domain.shipment_status import ShipmentStatus, storefront_shipment_status
from fulfil.domain.tracking import RTO_BRANCH, order_status_for, parse_status
from fulfil.store.tracking import ItemUpdate, cancel_order
from fulfil.tracking.context import TrackingContext
from fulfil.tracking.escalations import SEVERITY, customer_notice, scan_escalation
from fulfil.tracking.progress import ESCALATED_KINDS, Progress, ShipmentView, compute
from fulfil.tracking.report import Line, TrackingReport
from fulfil.tracking.scans import ReadScans, utc_iso

S = ShipmentStatus
_MAX_RACES = 3


def row_status(status: ShipmentStatus) -> str | None:
    """The storefront shipments row status (its vocabulary has `cancelled` and `rto` too)."""
    shown = storefront_shipment_status(status)
    if shown is not None:
        return shown.value
    if status is S.CANCELLED:
        return "cancelled"
    if status in RTO_BRANCH:
        return "rto"
    return None


def apply_scans(
    ctx: TrackingContext, item: Mapping[str, Any], read: ReadScans, report: TrackingReport
) -> Progress | None:
    """Fold `read` into the shipment `item` and write the consequences; None if it vanished."""
    view = ShipmentView.from_item(item)
    if view is None:
        return None
    for _ in range(_MAX_RACES):
        prog = compute(view, read)
        if not prog.worth_writing:
            return prog
        now = ctx.clock()
        if not ctx.dry_run:
            _store_events(ctx, prog, report)
            _write_storefront(ctx, prog)
        _record_outbox(ctx, prog, report)
        if ctx.dry_run or ctx.store.write(view.order_id, view.shipment_key, _update(prog), now):
            _report(prog, report)
            return prog
        report.conflicts += 1
        fresh = ctx.store.get(view.order_id, view.shipment_key)
        view_or_none = ShipmentView.from_item(fresh) if fresh else None
        if view_or_none is None:
            return None
        view = view_or_none
    report.add(
        Line(
            kind="error",
            awb=view.awb,
            order_id=view.order_id,
            what="write_conflict",
            detail="the item kept changing under this sync; left for the next run",
        )
    )
    return None


def _update(prog: Progress) -> ItemUpdate:
    view = prog.view
    return ItemUpdate(
        stored_status=view.stored_status,
        stored_at=view.stored_at,
        new_status=prog.final_status if prog.changed else None,
        new_at=utc_iso(prog.final_at) if prog.at_moved and prog.final_at else None,
        sets=dict(prog.fields),
        add_number={"ndrCount": prog.ndr_added},
        add_strings={"seenEvents": {s.event_id for s in prog.new_scans}},
        removes=["activeShard"] if prog.terminal else [],
    )


def _store_events(ctx: TrackingContext, prog: Progress, report: TrackingReport) -> None:
    view = prog.view
    now = ctx.clock()
    for scan in prog.new_scans:
        stored = ctx.events.put(
            view.awb, scan, order_id=view.order_id, shipment_key=view.shipment_key, now=now
        )
        if stored:
            report.events_stored += 1
        else:
            report.events_repeated += 1


def _write_storefront(ctx: TrackingContext, prog: Progress) -> None:
    """The shipments row and the order, forward-only; only when something they show changed."""
    view = prog.view
    now = ctx.clock()
    url, eta = prog.fields.get("trackingUrl"), prog.fields.get("eta")
    if not (prog.changed or url or eta):
        return
    new_row = row_status(prog.final_status)
    if prog.changed and new_row and new_row != row_status(view.status):
        ctx.storefront.update_shipment_row(
            view.shipment_id, view.order_id, {"status": new_row, "updatedAt": utc_iso(now)}
        )
    if not view.order_created_at:
        return
    target = _order_target(ctx, prog) if prog.changed else None
    # The order's shipment fields describe shipment 01, as the old inline code wrote them.
    first = view.shipment_key == "01"
    fields: dict[str, Any] = {"trackingUrl": url, "eta": eta} if first else {}
    shown = storefront_shipment_status(prog.final_status)
    if prog.changed and first and shown is not None:
        fields["shipmentStatus"] = shown.value
    moved = False
    if target in ("shipped", "delivered"):
        stamps = {"shippedAt": prog.fields.get("pickedUpAt") or view.picked_up_at or utc_iso(now)}
        if target == "delivered":
            stamps["deliveredAt"] = prog.fields.get("deliveredAt") or utc_iso(now)
        moved = ctx.storefront.advance_order(
            view.order_id,
            view.order_created_at,
            target,
            now,
            {**fields, **stamps},
            keep_existing=("shippedAt",),  # the first pickup of the order, written once
        )
    elif target == "cancelled":
        ctx.storefront.calls += 1
        moved = cancel_order(
            ctx.dynamo, ctx.settings.tables, view.order_id, view.order_created_at, now, fields
        )
    if not moved and any(v is not None for v in fields.values()):
        ctx.storefront.set_order_fields(view.order_id, view.order_created_at, fields, now)


def _order_target(ctx: TrackingContext, prog: Progress) -> str | None:
    """The order status now implied; siblings are read only when all of them matter."""
    final = prog.final_status
    if final not in (S.DELIVERED, S.CANCELLED):
        return order_status_for([final])
    view = prog.view
    statuses: list[ShipmentStatus | None] = []
    for sibling in ctx.store.for_order(view.order_id):
        key = sibling.get("shipmentKey")
        if key == "00" or sibling.get("status") == "resolved":
            continue
        same = key == view.shipment_key
        statuses.append(final if same else parse_status(sibling.get("trackingStatus")))
    return order_status_for(statuses or [final])


def _record_outbox(ctx: TrackingContext, prog: Progress, report: TrackingReport) -> None:
    view = prog.view
    now = ctx.clock()
    for finding in prog.findings:
        if finding.kind not in ESCALATED_KINDS:
            continue
        built = scan_escalation(finding, prog, now, ctx.flow_run_url)
        if built is not None:
            ctx.recorder.record(built[0], built[1], view.order_created_at)
            report.escalations += 1
    try:
        notice = customer_notice(prog)
    except TemplateDataError as exc:
        report.add(
            Line(
                kind="reported",
                awb=view.awb,
                order_id=view.order_id,
                what="notice_not_built",
                detail=str(exc),
            )
        )
        return
    if notice is not None:
        ctx.notifier.record(notice)
        report.notifications += 1
        report.add(Line(kind="notice", awb=view.awb, order_id=view.order_id, what=notice.kind))


def _report(prog: Progress, report: TrackingReport) -> None:
    view = prog.view
    url = prog.fields.get("trackingUrl") or view.tracking_url
    report.scans_new += len(prog.new_scans)
    if prog.changed:
        report.status_changes += 1
        report.add(
            Line(
                kind="change",
                awb=view.awb,
                order_id=view.order_id,
                shipment_key=view.shipment_key,
                what=f"{view.status.value} -> {prog.final_status.value}",
                at=utc_iso(prog.final_at) if prog.final_at else None,
                tracking_url=url,
            )
        )
    for finding in prog.findings:
        escalated = finding.kind in ESCALATED_KINDS or finding.kind == "cancelled"
        report.add(
            Line(
                kind="exception" if escalated else "reported",
                awb=view.awb,
                order_id=view.order_id,
                shipment_key=view.shipment_key,
                what=finding.kind,
                detail=finding.detail,
                severity=SEVERITY[finding.kind].value if finding.kind in SEVERITY else None,
                at=utc_iso(finding.scan.at),
                tracking_url=url,
            )
        )
