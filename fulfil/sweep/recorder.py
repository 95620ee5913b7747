"""The sweep's outbox writer: escalations, customer and seller notices, and outcome events.

Everything goes to DynamoDB first with a deterministic key (a retried task or an overlapping
sweep records nothing twice); `deliver-outbound` sends it to Jira and WhatsApp later, so a
provider outage never blocks or loses a shipment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fulfil.domain.escalation import Escalation
from fulfil.domain.notifications import Notification
from fulfil.settings import Settings
from fulfil.store.dynamo import DynamoDBClient
from fulfil.store.outbox import OutboxStore
from fulfil.store.outcomes import OutcomeLog
from fulfil.sweep.context import utc_now


class OutboxRecorder:
    def __init__(
        self,
        client: DynamoDBClient,
        settings: Settings,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._outbox = OutboxStore(client, settings.tables)
        self._outcomes = OutcomeLog(client, settings.tables)
        self._clock = clock

    def record(self, escalation: Escalation, occurrence: str, order_created_at: str | None) -> None:
        self._outbox.record_escalation(
            escalation, occurrence, self._clock(), order_created_at=order_created_at
        )

    def notify(self, notification: Notification) -> None:
        self._outbox.record_notification(notification, self._clock())

    def outcome(self, kind: str, order_id: str) -> None:
        self._outcomes.record_outcome(kind, order_id, self._clock())
