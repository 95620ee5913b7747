"""What one sweep run shares between its shipments: clients, stores, clock, caches, sinks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from fulfil.domain.escalation import Escalation
from fulfil.domain.notifications import Notification
from fulfil.settings import Settings
from fulfil.shiprocket.client_async import AsyncShiprocketClient
from fulfil.store.fulfilment import FulfilmentStore
from fulfil.store.storefront import StorefrontWriter


class EscalationRecorder(Protocol):
    """Records an escalation in the outbox (delivered to Jira by `deliver-outbound`)."""

    def record(
        self, escalation: Escalation, occurrence: str, order_created_at: str | None
    ) -> None: ...

    def notify(self, notification: Notification) -> None: ...

    def outcome(self, kind: str, order_id: str) -> None: ...


class MemoryRecorder:
    """An in-memory recorder for dry runs and unit tests."""

    def __init__(self) -> None:
        self.escalations: list[tuple[Escalation, str]] = []
        self.outcomes: list[tuple[str, str]] = []
        self.notifications: list[Notification] = []

    def record(self, escalation: Escalation, occurrence: str, order_created_at: str | None) -> None:
        self.escalations.append((escalation, occurrence))

    def notify(self, notification: Notification) -> None:
        self.notifications.append(notification)

    def outcome(self, kind: str, order_id: str) -> None:
        self.outcomes.append((kind, order_id))


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SweepContext:
    settings: Settings
    store: FulfilmentStore
    storefront: StorefrontWriter
    recorder: EscalationRecorder
    owner: str
    clock: Callable[[], datetime] = utc_now
    flow_run_url: str | None = None
    client: AsyncShiprocketClient | None = None
    courier_cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    shiprocket_calls: int = 0
