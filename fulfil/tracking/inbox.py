"""Applying stored webhook events through the same state machine as polling.

Each pending inbox event is settled exactly once, whatever happens to it: `applied`, or
`unknown_awb` (no shipment of ours has it: reported, kept for a person, never retried in a
loop), or `invalid` (not a tracking event we can read). Polling stays the safety net: an event
that was lost or unreadable is picked up by the next bulk poll of the same AWB.
"""

from __future__ import annotations

from pydantic import ValidationError

from fulfil.tracking.apply import apply_scans
from fulfil.tracking.context import TrackingContext
from fulfil.tracking.report import Line, TrackingReport
from fulfil.tracking.scans import WebhookBody, scans_from_webhook

__all__ = ["apply_inbox"]


def apply_inbox(ctx: TrackingContext, report: TrackingReport) -> TrackingReport:
    """Apply up to `inbox_batch` pending webhook events, oldest first (dry run: settle none)."""
    for event in ctx.inbox.iter_pending(limit=ctx.tracking.inbox_batch):
        event_id = str(event["sk"])
        outcome, detail = _apply_one(ctx, event, report)
        if not ctx.dry_run:
            ctx.inbox.settle(event_id, ctx.clock(), outcome, detail)
    return report


def _apply_one(
    ctx: TrackingContext, event: dict[str, object], report: TrackingReport
) -> tuple[str, str | None]:
    try:
        body = WebhookBody.model_validate_json(str(event.get("body") or ""))
    except ValidationError as exc:
        report.inbox_invalid += 1
        report.add(Line(kind="reported", what="inbox_invalid", detail=str(exc)[:300]))
        return "invalid", "unreadable body"
    if not body.awb:
        report.inbox_invalid += 1
        report.add(Line(kind="reported", what="inbox_invalid", detail="event without an awb"))
        return "invalid", "no awb"
    item = ctx.store.by_awb(body.awb)
    if item is None:
        report.inbox_unknown_awb += 1
        report.add(
            Line(
                kind="reported",
                awb=body.awb,
                what="unknown_awb",
                detail="webhook event for an AWB that no shipment of ours has",
            )
        )
        return "unknown_awb", None
    if (
        not ctx.dry_run
        and item.get("status") == "legacy"
        and not item.get("activeShard")
        and not item.get("retiredAt")
        and ctx.store.activate_legacy(item["orderId"], item["shipmentKey"], ctx.clock())
    ):
        item = ctx.store.get(item["orderId"], item["shipmentKey"]) or item
    apply_scans(ctx, item, scans_from_webhook(body), report)
    report.inbox_applied += 1
    return "applied", None
