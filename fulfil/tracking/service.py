"""Plain entry points for the CLI, the flow and the tests: sync, timeline, webhook app.

Each builds what it needs from `Settings` (DynamoDB endpoint and Shiprocket credentials come
from the environment, as everywhere else), and everything can be injected for tests: a DynamoDB
client, an HTTP client factory (the in-process simulator), recorders, a clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

import httpx
from fastapi import FastAPI

from fulfil.domain.escalation import Escalation
from fulfil.domain.notifications import Notification
from fulfil.settings import Settings
from fulfil.shiprocket.client_async import AsyncShiprocketClient
from fulfil.shiprocket.client_core import build_async_http_client
from fulfil.shiprocket.config import ShiprocketConfig, ShiprocketCredentials
from fulfil.store.dynamo import DynamoDBClient, make_client
from fulfil.store.events import EventStore
from fulfil.store.inbox import InboxStore
from fulfil.store.outbox import OutboxStore
from fulfil.store.tracking import TrackingStore
from fulfil.sweep.context import EscalationRecorder
from fulfil.sweep.ratelimit import global_rate_limit_hook
from fulfil.tracking.config import TrackingSettings
from fulfil.tracking.context import NotificationRecorder, TrackingServices, utc_now
from fulfil.tracking.report import TrackingReport
from fulfil.tracking.sync import PLAIN_STEPS, TrackingSteps, run_sync
from fulfil.tracking.view import format_timeline
from fulfil.tracking.webhook import build_webhook_app

__all__ = [
    "OutboxEscalations",
    "OutboxNotifier",
    "build_services",
    "create_webhook_app",
    "render_timeline",
    "run_tracking_sync",
]


class OutboxEscalations:
    """`EscalationRecorder` over the outbox (delivered to Jira by `deliver-outbound`)."""

    def __init__(self, outbox: OutboxStore, clock: Callable[[], datetime] = utc_now) -> None:
        self._outbox = outbox
        self._clock = clock

    def record(self, escalation: Escalation, occurrence: str, order_created_at: str | None) -> None:
        self._outbox.record_escalation(escalation, occurrence, self._clock(), order_created_at)

    def notify(self, notification: Notification) -> None:
        self._outbox.record_notification(notification, self._clock())

    def outcome(self, kind: str, order_id: str) -> None:
        """Tracking records no per-order outcomes (alert rules count sweep outcomes)."""


class OutboxNotifier:
    """`NotificationRecorder` over the outbox (sent by `deliver-outbound`)."""

    def __init__(self, outbox: OutboxStore, clock: Callable[[], datetime] = utc_now) -> None:
        self._outbox = outbox
        self._clock = clock

    def record(self, notification: Notification) -> None:
        self._outbox.record_notification(notification, self._clock())


def build_services(
    settings: Settings,
    *,
    tracking: TrackingSettings | None = None,
    dynamo: DynamoDBClient | None = None,
    http_factory: Callable[[], httpx.AsyncClient] | None = None,
    config: ShiprocketConfig | None = None,
    credentials: ShiprocketCredentials | None = None,
    recorder: EscalationRecorder | None = None,
    notifier: NotificationRecorder | None = None,
    clock: Callable[[], datetime] | None = None,
    flow_run_url: str | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> TrackingServices:
    """Wire a sync: outbox-backed recorders and a Shiprocket client per HTTP client."""
    from fulfil.sweep.service import shiprocket_client

    dynamo = dynamo or make_client(settings)
    tick = clock or utc_now
    config = config or ShiprocketConfig()
    outbox = OutboxStore(dynamo, settings.tables)

    def client_factory(http: httpx.AsyncClient) -> AsyncShiprocketClient:
        return shiprocket_client(
            settings,
            dynamo,
            http,
            config=config,
            credentials=credentials,
            before_request=global_rate_limit_hook(settings),  # the same account budget
        )

    services = TrackingServices(
        settings=settings,
        tracking=tracking or TrackingSettings(),
        dynamo=dynamo,
        recorder=recorder or OutboxEscalations(outbox, tick),
        notifier=notifier or OutboxNotifier(outbox, tick),
        http_factory=http_factory or (lambda: build_async_http_client(config)),
        client_factory=client_factory,
        clock=tick,
        flow_run_url=flow_run_url,
    )
    if sleep is not None:
        services.sleep = sleep
    return services


def run_tracking_sync(
    settings: Settings,
    *,
    awbs: list[str] | None = None,
    dry_run: bool = False,
    tracking: TrackingSettings | None = None,
    dynamo: DynamoDBClient | None = None,
    http_factory: Callable[[], httpx.AsyncClient] | None = None,
    config: ShiprocketConfig | None = None,
    credentials: ShiprocketCredentials | None = None,
    recorder: EscalationRecorder | None = None,
    notifier: NotificationRecorder | None = None,
    clock: Callable[[], datetime] | None = None,
    flow_run_url: str | None = None,
    services: TrackingServices | None = None,
    steps: TrackingSteps = PLAIN_STEPS,
) -> TrackingReport:
    """One tracking sync (all active shipments, or only `awbs`); returns what happened.

    Without `services`, they are built by `build_services` from the other arguments.
    """
    services = services or build_services(
        settings,
        tracking=tracking,
        dynamo=dynamo,
        http_factory=http_factory,
        config=config,
        credentials=credentials,
        recorder=recorder,
        notifier=notifier,
        clock=clock,
        flow_run_url=flow_run_url,
    )
    return run_sync(services, awbs=awbs, dry_run=dry_run, steps=steps)


def render_timeline(settings: Settings, awb: str, *, dynamo: DynamoDBClient | None = None) -> str:
    """The text `fulfil track --awb X` prints: status, ETA, tracking URL, then every scan."""
    dynamo = dynamo or make_client(settings)
    awb = awb.strip()
    item = TrackingStore(dynamo, settings.tables, shards=settings.queue_shards).by_awb(awb)
    events = EventStore(dynamo, settings.tables).timeline(awb)
    return format_timeline(awb, item, events)


def create_webhook_app(
    settings: Settings,
    *,
    tracking: TrackingSettings | None = None,
    dynamo: DynamoDBClient | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The webhook receiver (`fulfil webhook` serves it with uvicorn)."""
    tracking = tracking or TrackingSettings()
    return build_webhook_app(
        inbox=InboxStore(dynamo or make_client(settings), settings.tables),
        api_key=tracking.webhook_api_key,
        clock=clock or utc_now,
        max_body_bytes=tracking.webhook_max_body_bytes,
        path=tracking.webhook_path,
    )
