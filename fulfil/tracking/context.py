"""What one tracking pass shares: stores, recorders, clock, and whether it may write.

A context is cheap: each chunk of a sync gets its own (fresh stores, so its read and call
counters are its own), built from one `TrackingServices`. Dry runs get in-memory recorders and
write nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import httpx

from fulfil.domain.notifications import Notification
from fulfil.settings import Settings
from fulfil.shiprocket.client_async import AsyncShiprocketClient
from fulfil.store.dynamo import DynamoDBClient
from fulfil.store.events import EventStore
from fulfil.store.inbox import InboxStore
from fulfil.store.storefront import StorefrontWriter
from fulfil.store.tracking import TrackingStore
from fulfil.sweep.context import EscalationRecorder, MemoryRecorder
from fulfil.tracking.config import TrackingSettings
from fulfil.tracking.report import TrackingReport

__all__ = [
    "MemoryNotifier",
    "NotificationRecorder",
    "TrackingContext",
    "TrackingServices",
    "utc_now",
]


class NotificationRecorder(Protocol):
    """Records a customer notice in the outbox (sent by `deliver-outbound`)."""

    def record(self, notification: Notification) -> None: ...


class MemoryNotifier:
    """In-memory notices, for dry runs and tests."""

    def __init__(self) -> None:
        self.notifications: list[Notification] = []

    def record(self, notification: Notification) -> None:
        self.notifications.append(notification)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class TrackingContext:
    settings: Settings
    tracking: TrackingSettings
    dynamo: DynamoDBClient
    store: TrackingStore
    events: EventStore
    storefront: StorefrontWriter
    inbox: InboxStore
    recorder: EscalationRecorder
    notifier: NotificationRecorder
    clock: Callable[[], datetime] = utc_now
    dry_run: bool = False
    flow_run_url: str | None = None

    def new_report(self) -> TrackingReport:
        return TrackingReport(dry_run=self.dry_run)

    def count_io(self, report: TrackingReport, *, active_reads: bool = False) -> TrackingReport:
        """Move this context's read and call counters into `report` (once, at the end)."""
        reads = self.store.items_read
        other = self.events.items_read + self.inbox.items_read
        if active_reads:
            report.items_read_active += reads
        else:
            other += reads
        report.items_read_other += other
        report.dynamo_calls += (
            self.store.calls + self.events.calls + self.inbox.calls + self.storefront.calls
        )
        return report


HttpFactory = Callable[[], httpx.AsyncClient]
ClientFactory = Callable[[httpx.AsyncClient], AsyncShiprocketClient]


@dataclass
class TrackingServices:
    """Everything a sync needs, built once per run; contexts and clients are made from it."""

    settings: Settings
    tracking: TrackingSettings
    dynamo: DynamoDBClient
    recorder: EscalationRecorder
    notifier: NotificationRecorder
    http_factory: HttpFactory
    client_factory: ClientFactory
    clock: Callable[[], datetime] = utc_now
    flow_run_url: str | None = None
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    dry_recorder: MemoryRecorder = field(default_factory=MemoryRecorder)
    dry_notifier: MemoryNotifier = field(default_factory=MemoryNotifier)

    def context(self, dry_run: bool) -> TrackingContext:
        tables = self.settings.tables
        return TrackingContext(
            settings=self.settings,
            tracking=self.tracking,
            dynamo=self.dynamo,
            store=TrackingStore(self.dynamo, tables, shards=self.settings.queue_shards),
            events=EventStore(self.dynamo, tables),
            storefront=StorefrontWriter(self.dynamo, tables),
            inbox=InboxStore(self.dynamo, tables),
            recorder=self.dry_recorder if dry_run else self.recorder,
            notifier=self.dry_notifier if dry_run else self.notifier,
            clock=self.clock,
            dry_run=dry_run,
            flow_run_url=self.flow_run_url,
        )
