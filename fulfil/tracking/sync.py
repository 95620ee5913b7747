"""The tracking sync: active shipments -> bulk tracking, 50 AWBs a call -> the state machine.

One run: apply the webhook inbox (pushed events are the freshest), gather the active shipments
from ActiveIndex (or the named AWBs), track them in chunks of 50 with a bounded number of calls
in flight, apply each answer, then check the stuck rules for the same shipments (no extra
reads) and, on a full run, look for paid orders that never got a shipment.

Answers that are not data are normal: `{}` (Shiprocket does not know the AWB) and
`track_status: 0` (no scan yet) are counted, never errors. A chunk whose call fails after its
retries is reported and skipped; the other chunks carry on, and polling picks it up next run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fulfil.domain.shipment_status import is_terminal
from fulfil.domain.tracking import ActiveShipment, find_stuck, find_unshipped_paid, should_retire
from fulfil.shiprocket.client_async import AsyncShiprocketClient
from fulfil.shiprocket.errors import ShiprocketError, ShiprocketTransientError
from fulfil.shiprocket.ratelimit import backoff_delay
from fulfil.shiprocket.schemas_tracking import TrackingResult, TrackingState
from fulfil.tracking.apply import apply_scans
from fulfil.tracking.context import TrackingContext, TrackingServices
from fulfil.tracking.escalations import SEVERITY, retired_escalation, stuck_escalation
from fulfil.tracking.inbox import apply_inbox
from fulfil.tracking.progress import Progress, ShipmentView
from fulfil.tracking.report import Line, TrackingReport
from fulfil.tracking.scans import scans_from_result, utc_iso

__all__ = [
    "PLAIN_STEPS",
    "TrackingSteps",
    "chunk_step",
    "chunked",
    "gather_step",
    "inbox_step",
    "run_sync",
    "track_chunk",
    "unshipped_step",
]

TRACK_RETRIES = 2
Item = dict[str, Any]


def chunked(items: Sequence[Item], size: int) -> list[list[Item]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


async def _track(
    client: AsyncShiprocketClient,
    awbs: list[str],
    report: TrackingReport,
    sleep: Callable[[float], Any],
) -> dict[str, TrackingResult]:
    """One bulk call (retried on transient errors: tracking is a read)."""
    for attempt in range(TRACK_RETRIES + 1):
        report.api_calls += 1
        try:
            return await client.track_awbs(awbs)
        except ShiprocketTransientError as exc:
            if attempt == TRACK_RETRIES:
                raise
            retry_after = getattr(exc, "retry_after", None)
            await sleep(backoff_delay(attempt, retry_after, base=1.0, cap=30.0))
    raise AssertionError("unreachable")


async def track_chunk(
    ctx: TrackingContext,
    client: AsyncShiprocketClient,
    index: int,
    items: Sequence[Mapping[str, Any]],
    *,
    sleep: Callable[[float], Any] = asyncio.sleep,
) -> TrackingReport:
    """Track one chunk (at most 50 AWBs: one call), apply the answers, check the stuck rules."""
    report = ctx.new_report()
    views = [(item, ShipmentView.from_item(item)) for item in items]
    awbs = list(dict.fromkeys(v.awb for _, v in views if v is not None))
    report.tracked += len(awbs)
    results: dict[str, TrackingResult] = {}
    if awbs:
        try:
            results = await _track(client, awbs, report, sleep)
        except ShiprocketError as exc:
            report.failed_chunks += 1
            report.add(
                Line(
                    kind="error", what=f"chunk {index}: {type(exc).__name__}", detail=str(exc)[:300]
                )
            )
    after: list[tuple[ShipmentView, Progress | None]] = []
    for item, view in views:
        if view is None:
            continue
        result = results.get(view.awb)
        prog: Progress | None = None
        if result is None:
            pass
        elif result.state is TrackingState.NO_DATA:
            report.no_data += 1
            report.add(
                Line(
                    kind="reported",
                    awb=view.awb,
                    order_id=view.order_id,
                    what="no_data",
                    detail="Shiprocket has no tracking data for this AWB ({} in bulk)",
                )
            )
        elif result.state is TrackingState.NO_ACTIVITY:
            report.no_activity += 1
        else:
            report.found += 1
            prog = apply_scans(ctx, item, scans_from_result(result), report)
        after.append((view, prog))
    check_shipments(ctx, after, report)
    return ctx.count_io(report)


def check_shipments(
    ctx: TrackingContext,
    after: Sequence[tuple[ShipmentView, Progress | None]],
    report: TrackingReport,
) -> None:
    """Retire long-silent shipments, then apply the stuck rules to the rest."""
    now = ctx.clock()
    days = ctx.tracking.retire_after_days
    states: list[ActiveShipment] = []
    views: dict[tuple[str, str], ShipmentView] = {}
    for view, prog in after:
        status = prog.final_status if prog else view.status
        last = (prog.last_scan_at if prog else None) or view.last_scan_at
        if is_terminal(status):
            continue
        if should_retire(last, now, days):
            if ctx.dry_run or ctx.store.retire(view.order_id, view.shipment_key, now):
                esc, occurrence = retired_escalation(view, now, ctx.flow_run_url, days)
                ctx.recorder.record(esc, occurrence, view.order_created_at)
                report.retired += 1
                report.escalations += 1
                report.add(
                    Line(
                        kind="retired",
                        awb=view.awb,
                        order_id=view.order_id,
                        shipment_key=view.shipment_key,
                        what=status.value,
                        severity=SEVERITY["retired"].value,
                        tracking_url=view.tracking_url,
                        detail=f"no update for {days} days",
                    )
                )
            continue
        states.append(view.active(status, last))
        views[(view.order_id, view.shipment_key)] = view
    for finding in find_stuck(states, now, ctx.tracking.thresholds()):
        view = views[(finding.order_id, finding.shipment_key or "")]
        esc, occurrence = stuck_escalation(finding, now, ctx.flow_run_url, view)
        ctx.recorder.record(esc, occurrence, view.order_created_at)
        report.stuck += 1
        report.escalations += 1
        report.add(
            Line(
                kind="stuck",
                awb=finding.awb,
                order_id=finding.order_id,
                shipment_key=finding.shipment_key,
                what=finding.rule.value,
                severity=esc.severity.value,
                at=utc_iso(finding.since),
                detail=f"{finding.hours:.0f} h",
                tracking_url=view.tracking_url,
            )
        )


# -- steps (plain functions; the flow passes Prefect tasks with the same signatures) -----------


def inbox_step(services: TrackingServices, dry_run: bool) -> TrackingReport:
    ctx = services.context(dry_run)
    return ctx.count_io(apply_inbox(ctx, ctx.new_report()))


def gather_step(
    services: TrackingServices, awbs: list[str] | None, dry_run: bool = False
) -> tuple[list[Item], TrackingReport]:
    """The active shipments (ActiveIndex only), or the named AWBs (legacy rows activated)."""
    ctx = services.context(dry_run)
    report = ctx.new_report()
    if awbs is None:
        items = list(ctx.store.iter_active())
        report.active = len(items)
        return items, ctx.count_io(report, active_reads=True)
    items = []
    for awb in dict.fromkeys(awbs):
        item = ctx.store.by_awb(awb)
        if item is None:
            report.add(
                Line(
                    kind="reported",
                    awb=awb,
                    what="unknown_awb",
                    detail="no shipment of ours has this AWB",
                )
            )
            continue
        if (
            not dry_run
            and _dormant_legacy(item)
            and ctx.store.activate_legacy(item["orderId"], item["shipmentKey"], ctx.clock())
        ):
            item = ctx.store.get(item["orderId"], item["shipmentKey"]) or item
        items.append(item)
    report.active = len(items)
    return items, ctx.count_io(report)


def _dormant_legacy(item: Mapping[str, Any]) -> bool:
    return (
        item.get("status") == "legacy"
        and not item.get("activeShard")
        and not item.get("retiredAt")
        and not is_terminal_item(item)
    )


def is_terminal_item(item: Mapping[str, Any]) -> bool:
    from fulfil.domain.tracking import parse_status

    return is_terminal(parse_status(item.get("trackingStatus")))


async def _all_chunks(
    services: TrackingServices, chunks: list[list[Item]], dry_run: bool
) -> list[TrackingReport]:
    limit = asyncio.Semaphore(services.tracking.max_concurrency)
    async with services.http_factory() as http:
        client = services.client_factory(http)

        async def one(index: int, chunk: list[Item]) -> TrackingReport:
            async with limit:
                return await track_chunk(
                    services.context(dry_run), client, index, chunk, sleep=services.sleep
                )

        return list(await asyncio.gather(*(one(i, c) for i, c in enumerate(chunks))))


def chunks_step(
    services: TrackingServices, chunks: list[list[Item]], dry_run: bool
) -> list[TrackingReport]:
    """Every chunk on one event loop, at most `max_concurrency` bulk calls in flight."""
    return asyncio.run(_all_chunks(services, chunks, dry_run)) if chunks else []


def chunk_step(
    services: TrackingServices, index: int, chunk: list[Item], dry_run: bool
) -> TrackingReport:
    """One chunk on its own event loop and HTTP client (the per-chunk Prefect task)."""

    async def run() -> TrackingReport:
        async with services.http_factory() as http:
            client = services.client_factory(http)
            return await track_chunk(
                services.context(dry_run), client, index, chunk, sleep=services.sleep
            )

    return asyncio.run(run())


def unshipped_step(services: TrackingServices, dry_run: bool) -> TrackingReport:
    """Paid (or COD) orders still confirmed/processing long after they were placed."""
    ctx = services.context(dry_run)
    report = ctx.new_report()
    now = ctx.clock()
    hours = ctx.tracking.paid_no_shipment_hours
    cutoff = utc_iso(now - timedelta(hours=hours))
    orders: list[Item] = []
    for status in ("confirmed", "processing"):
        orders.extend(
            ctx.store.orders_created_before(status, cutoff, limit=ctx.tracking.paid_scan_limit)
        )
    # An order the sweep parked (or one of whose shipments it parked) has its own ticket with
    # the reason: read the fulfilment rows of just the overdue orders to leave those out.
    overdue = find_unshipped_paid(orders, now, hours)
    parked = {
        f.order_id
        for f in overdue
        if any(i.get("status") == "needs_attention" for i in ctx.store.for_order(f.order_id))
    }
    created_at = {str(o["orderId"]): o.get("createdAt") for o in orders}
    # the rule itself (pure, in memory) decides again with the parked orders left out
    for finding in find_unshipped_paid(orders, now, hours, parked):
        created = created_at.get(finding.order_id)
        esc, occurrence = stuck_escalation(finding, now, ctx.flow_run_url)
        ctx.recorder.record(esc, occurrence, created)
        report.stuck += 1
        report.escalations += 1
        report.add(
            Line(
                kind="stuck",
                order_id=finding.order_id,
                what=finding.rule.value,
                severity=esc.severity.value,
                at=utc_iso(finding.since),
                detail=f"{finding.hours:.0f} h since the order was placed",
            )
        )
    return ctx.count_io(report)


ChunksStep = Callable[[TrackingServices, list[list[Item]], bool], list[TrackingReport]]


@dataclass(frozen=True)
class TrackingSteps:
    inbox: Callable[[TrackingServices, bool], TrackingReport]
    gather: Callable[[TrackingServices, list[str] | None, bool], tuple[list[Item], TrackingReport]]
    chunks: ChunksStep
    unshipped: Callable[[TrackingServices, bool], TrackingReport]


PLAIN_STEPS = TrackingSteps(inbox_step, gather_step, chunks_step, unshipped_step)


def run_sync(
    services: TrackingServices,
    *,
    awbs: list[str] | None = None,
    dry_run: bool = False,
    steps: TrackingSteps = PLAIN_STEPS,
) -> TrackingReport:
    """One whole sync; `awbs` limits it to those shipments (no inbox, no unshipped check)."""
    report = TrackingReport(dry_run=dry_run)
    if awbs is None:
        report = report.merged(steps.inbox(services, dry_run))
    items, gathered = steps.gather(services, awbs, dry_run)
    report = report.merged(gathered)
    chunks = chunked(items, services.tracking.bulk_size)
    for chunk_report in steps.chunks(services, chunks, dry_run):
        report = report.merged(chunk_report)
    if awbs is None:
        report = report.merged(steps.unshipped(services, dry_run))
    return report
