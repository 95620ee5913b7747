"""Recent shipment outcomes, kept just long enough for the alert rules to look back over them.

The alert rules need "how many shipment attempts failed in the last 5 minutes / hour", across
every sweep run. Each outcome is one tiny control-table item in an hourly partition
(`pk="outcome#<YYYY-MM-DDTHH>"`), so a look-back reads one or two partitions and nothing older;
a numeric `ttl` attribute (epoch seconds) lets DynamoDB's TTL delete them after `retention`
(TTL must be enabled on the control table for attribute `ttl`; until then the items are merely
never read again). Hourly partitions are also small enough that a busy hour of sweeps stays far
below a partition's write limit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from fulfil.domain.alerts import OutcomeEvent
from fulfil.settings import TableNames
from fulfil.store.dynamo import DynamoDBClient, from_item, to_item, unless_condition_fails
from fulfil.store.outbox_model import iso

__all__ = ["OUTCOME_PREFIX", "OutcomeLog"]

OUTCOME_PREFIX = "outcome#"


def _partition(moment: datetime) -> str:
    return OUTCOME_PREFIX + moment.astimezone(UTC).strftime("%Y-%m-%dT%H")


class OutcomeLog:
    """Append shipment outcomes; read the ones inside a look-back window."""

    def __init__(
        self,
        client: DynamoDBClient,
        tables: TableNames,
        *,
        retention: timedelta = timedelta(days=2),
    ) -> None:
        self._client = client
        self._table = tables.control
        self._retention = retention
        self.calls = 0

    def record_outcome(
        self,
        kind: str,
        order_id: str | None,
        now: datetime,
        *,
        event_id: str | None = None,
    ) -> bool:
        """Record one shipment attempt's outcome (`shipment_ok` or `shipment_error`).

        With `event_id` (e.g. `<orderId>-<shipmentKey>-a3`) the write is idempotent: recording
        the same attempt again (a retried task) returns False and counts once. Without it every
        call is a new event.
        """
        event = OutcomeEvent(at=now, kind=kind, order_id=order_id)
        sk = f"id#{event_id}" if event_id else f"{iso(now)}#{uuid.uuid4().hex[:12]}"
        item = {
            "pk": _partition(now),
            "sk": sk,
            "kind": event.kind,
            "orderId": event.order_id,
            "at": iso(now),
            "ttl": int((now + self._retention).timestamp()),
        }
        self.calls += 1
        kwargs: dict[str, Any] = {"TableName": self._table, "Item": to_item(item)}
        if event_id:
            kwargs["ConditionExpression"] = "attribute_not_exists(pk)"
        return unless_condition_fails(self._client.put_item, **kwargs) is not None

    def recent(self, now: datetime, window: timedelta) -> list[OutcomeEvent]:
        """Outcomes with `now - window < at <= now`, oldest first."""
        start = now - window
        hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        events: list[OutcomeEvent] = []
        while hour <= now:
            events.extend(self._partition_events(_partition(hour), start, now))
            hour += timedelta(hours=1)
        return sorted(events, key=lambda e: e.at)

    def _partition_events(self, pk: str, start: datetime, now: datetime) -> list[OutcomeEvent]:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
        }
        found: list[OutcomeEvent] = []
        while True:
            self.calls += 1
            page = self._client.query(**kwargs)
            for raw in page.get("Items", []):
                item = from_item(raw)
                try:
                    event = OutcomeEvent(
                        at=datetime.fromisoformat(str(item["at"]).replace("Z", "+00:00")),
                        kind=item["kind"],
                        order_id=item.get("orderId"),
                    )
                except (KeyError, ValueError, ValidationError):
                    continue  # a malformed item must not stop alerting
                if start < event.at <= now:
                    found.append(event)
            if not page.get("LastEvaluatedKey"):
                return found
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
