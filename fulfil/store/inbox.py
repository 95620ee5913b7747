"""The webhook inbox on the control table: raw tracking events, stored first, applied later.

Why an inbox: the receiver must answer Shiprocket at once (it wants a 200 and nothing else), and
must not lose an event because DynamoDB or the state machine is slow. So it only stores the raw
body, under `pk = "inbox"` and `sk = sha256(body)` (a redelivered identical body is one item),
with the sparse PendingIndex attributes (`pendingKind = "inbox"`, `dueAt`) while unapplied. The
tracking sync applies pending events through the same state machine as polling and then removes
those two attributes, whatever the outcome (applied, unknown AWB, unreadable): an event is
settled once and never retried in a loop.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from fulfil.settings import TableNames
from fulfil.store.dynamo import DynamoDBClient, from_item, to_item, unless_condition_fails
from fulfil.store.schema import PENDING_INDEX
from fulfil.tracking.scans import utc_iso

__all__ = ["INBOX_PK", "InboxStore", "inbox_event_id"]

INBOX_PK = "inbox"
PENDING_KIND = "inbox"


def inbox_event_id(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class InboxStore:
    def __init__(self, client: DynamoDBClient, tables: TableNames) -> None:
        self._client = client
        self._table = tables.control
        self.calls = 0
        self.items_read = 0

    def put(self, body: bytes, awb: str | None, now: datetime) -> tuple[str, bool]:
        """Store a raw event; (event id, False) when this exact body was stored before."""
        event_id = inbox_event_id(body)
        stamp = utc_iso(now)
        item: dict[str, Any] = {
            "pk": INBOX_PK,
            "sk": event_id,
            "body": body.decode("utf-8"),
            "awb": awb,
            "state": "pending",
            "receivedAt": stamp,
            "pendingKind": PENDING_KIND,
            "dueAt": stamp,
        }
        self.calls += 1
        stored = unless_condition_fails(
            self._client.put_item,
            TableName=self._table,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(sk)",
        )
        return event_id, stored is not None

    def iter_pending(self, *, limit: int = 500) -> Iterator[dict[str, Any]]:
        """Unapplied events, oldest first (PendingIndex holds nothing else of the inbox)."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": PENDING_INDEX,
            "KeyConditionExpression": "pendingKind = :k",
            "ExpressionAttributeValues": {":k": {"S": PENDING_KIND}},
            "Limit": min(limit, 500),
        }
        seen = 0
        while seen < limit:
            self.calls += 1
            page = self._client.query(**kwargs)
            self.items_read += int(page.get("ScannedCount", len(page.get("Items", []))))
            for raw in page.get("Items", []):
                yield from_item(raw)
                seen += 1
                if seen >= limit:
                    return
            if not page.get("LastEvaluatedKey"):
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def settle(self, event_id: str, now: datetime, state: str, detail: str | None = None) -> bool:
        """Close an event (off PendingIndex) with its outcome; False if it was settled already."""
        values: dict[str, Any] = {":st": {"S": state}, ":now": {"S": utc_iso(now)}}
        expression = "SET #s = :st, appliedAt = :now"
        if detail:
            expression += ", #d = :d"
            values[":d"] = {"S": detail[:1000]}
        self.calls += 1
        done = unless_condition_fails(
            self._client.update_item,
            TableName=self._table,
            Key={"pk": {"S": INBOX_PK}, "sk": {"S": event_id}},
            UpdateExpression=expression + " REMOVE pendingKind, dueAt",
            ConditionExpression="attribute_exists(pendingKind)",
            ExpressionAttributeNames={"#s": "state", **({"#d": "detail"} if detail else {})},
            ExpressionAttributeValues=values,
        )
        return done is not None
