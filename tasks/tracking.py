"""Thin Prefect tasks over the tracking steps: one task run per chunk of 50 AWBs, never per AWB.

A chunk is idempotent (events are keyed, item writes conditional), so a task retried after a
DynamoDB throttle or a network blip redoes nothing twice. Shiprocket failures never reach
Prefect: a chunk whose bulk call fails after its own retries reports it and returns.
"""

from __future__ import annotations

from typing import Any

from prefect import task

from fulfil.tracking.context import TrackingServices
from fulfil.tracking.report import TrackingReport
from fulfil.tracking.sync import (
    TrackingSteps,
    chunk_step,
    gather_step,
    inbox_step,
    unshipped_step,
)
from tasks.outbound import VENDOR_TASK_OPTIONS

__all__ = [
    "TASK_STEPS",
    "apply_webhook_inbox",
    "find_unshipped_orders",
    "gather_active_shipments",
    "track_chunk",
    "track_chunks",
]


@task(name="apply-webhook-inbox", task_run_name="apply-webhook-inbox", **VENDOR_TASK_OPTIONS)
def apply_webhook_inbox(services: TrackingServices, dry_run: bool) -> TrackingReport:
    """Apply the webhook events stored since the last run (same state machine as polling)."""
    return inbox_step(services, dry_run)


@task(
    name="gather-active-shipments", task_run_name="gather-active-shipments", **VENDOR_TASK_OPTIONS
)
def gather_active_shipments(
    services: TrackingServices, awbs: list[str] | None, dry_run: bool
) -> tuple[list[dict[str, Any]], TrackingReport]:
    """Read the active shipments from ActiveIndex (or look the named AWBs up)."""
    return gather_step(services, awbs, dry_run)


@task(name="track-chunk", **VENDOR_TASK_OPTIONS)
def track_chunk(
    services: TrackingServices, index: int, chunk: list[dict[str, Any]], dry_run: bool
) -> TrackingReport:
    """One bulk tracking call for up to 50 AWBs, applied through the state machine."""
    return chunk_step(services, index, chunk, dry_run)


def track_chunks(
    services: TrackingServices, chunks: list[list[dict[str, Any]]], dry_run: bool
) -> list[TrackingReport]:
    """Submit one task per chunk, at most `max_concurrency` in flight."""
    reports: list[TrackingReport] = []
    width = services.tracking.max_concurrency
    for start in range(0, len(chunks), width):
        futures = [
            track_chunk.with_options(
                task_run_name=f"track-chunk-{start + i + 1:03d}-of-{len(chunks):03d}"
            ).submit(services, start + i, chunk, dry_run)
            for i, chunk in enumerate(chunks[start : start + width])
        ]
        reports.extend(future.result() for future in futures)
    return reports


@task(name="find-unshipped-orders", task_run_name="find-unshipped-orders", **VENDOR_TASK_OPTIONS)
def find_unshipped_orders(services: TrackingServices, dry_run: bool) -> TrackingReport:
    """Paid (or COD) orders still without a shipment after the configured hours."""
    return unshipped_step(services, dry_run)


TASK_STEPS = TrackingSteps(
    apply_webhook_inbox, gather_active_shipments, track_chunks, find_unshipped_orders
)
