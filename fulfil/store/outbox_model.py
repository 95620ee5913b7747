"""Outbox items as the delivery code sees them: kinds, states, keys and the stored entry.

Kept apart from `OutboxStore` (the DynamoDB I/O) so the item shape — which attribute means what,
how a stored item turns back into a `Notification` or an `Escalation` — reads in one place.
Attribute names follow `docs/data-model.md`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from fulfil import timestamps
from fulfil.domain.escalation import Escalation
from fulfil.domain.notifications import Notification

__all__ = [
    "ESCALATION_PREFIX",
    "NOTIFICATION_PREFIX",
    "OutboxEntry",
    "OutboxKind",
    "OutboxState",
    "TicketAction",
    "escalation_outbox_id",
    "iso",
    "notification_outbox_id",
]

NOTIFICATION_PREFIX = "ntf#"
ESCALATION_PREFIX = "esc#"


class OutboxKind(StrEnum):
    """The `pendingKind` partition of the PendingIndex, and the item's `kind`."""

    NOTIFICATION = "notification"
    ESCALATION = "escalation"


class OutboxState(StrEnum):
    """`state` of an outbox item; every state but `pending` is final."""

    PENDING = "pending"
    SENT = "sent"  # notification accepted by the provider
    SKIPPED = "skipped"  # notification without a usable mobile: noted, never retried
    DELIVERED = "delivered"  # escalation filed as a ticket or a comment
    FAILED = "failed"  # permanent failure, `lastError` says why


class TicketAction(StrEnum):
    """What delivering an escalation did in the ticket system."""

    CREATED = "created"
    COMMENTED = "commented"


def iso(moment: datetime) -> str:
    """UTC ISO-8601 with milliseconds and a `Z`, the project's timestamp format."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return timestamps.iso(moment)


def notification_outbox_id(dedupe_key: str) -> str:
    return NOTIFICATION_PREFIX + dedupe_key


def escalation_outbox_id(fingerprint: str, occurrence: str) -> str:
    return f"{ESCALATION_PREFIX}{fingerprint}#{occurrence}"


@dataclass(frozen=True)
class OutboxEntry:
    """One stored outbox item: the few fields delivery branches on, plus every attribute."""

    outbox_id: str
    kind: OutboxKind
    state: OutboxState
    attempts: int
    attributes: Mapping[str, Any]

    @classmethod
    def from_attributes(cls, item: Mapping[str, Any]) -> OutboxEntry:
        return cls(
            outbox_id=str(item["outboxId"]),
            kind=OutboxKind(item["kind"]),
            state=OutboxState(item.get("state", OutboxState.PENDING)),
            attempts=int(item.get("attempts", 0)),
            attributes=dict(item),
        )

    @property
    def order_id(self) -> str | None:
        value = self.attributes.get("orderId")
        return str(value) if value else None

    @property
    def order_created_at(self) -> str | None:
        value = self.attributes.get("orderCreatedAt")
        return str(value) if value else None

    def notification(self) -> Notification:
        """Rebuild the notification (raises ValueError/KeyError for an unreadable item)."""
        if self.kind is not OutboxKind.NOTIFICATION:
            raise ValueError(f"{self.outbox_id} is not a notification")
        a = self.attributes
        params = json.loads(a.get("params") or "{}")
        return Notification(
            kind=a["notificationKind"],
            order_id=a["orderId"],
            recipient_e164=a.get("recipient"),
            params={str(k): str(v) for k, v in params.items()},
            dedupe_key=self.outbox_id.removeprefix(NOTIFICATION_PREFIX),
        )

    def escalation(self) -> Escalation:
        """Rebuild the escalation (raises ValueError/KeyError for an unreadable item)."""
        if self.kind is not OutboxKind.ESCALATION:
            raise ValueError(f"{self.outbox_id} is not an escalation")
        a = self.attributes
        return Escalation(
            category=a["category"],
            severity=a["severity"],
            stage=a["stage"],
            reason_code=a["reasonCode"],
            order_id=a.get("orderId"),
            scope=a.get("scope"),
            summary=a["summary"],
            detail=a.get("detail", ""),
            vendor_message=a.get("vendorMessage"),
            flow_run_url=a.get("flowRunUrl"),
            occurred_at=datetime.fromisoformat(str(a["occurredAt"]).replace("Z", "+00:00")),
            extra=json.loads(a["extra"]) if a.get("extra") else {},
        )
