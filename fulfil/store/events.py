"""The events table: every tracking scan of an AWB, stored once.

Key `awb` + `eventKey` (`<scanAt>#<status>#<8 hex>`, see `fulfil.tracking.scans.Scan`). A put
is conditional on the key not existing, so a scan reported by two polls, or by a poll and the
webhook, or by two overlapping syncs, is written once; the losing writer learns it was a repeat.
The sort key starts with the UTC scan time, so a partition query returns the timeline in order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fulfil.settings import TableNames
from fulfil.store.dynamo import DynamoDBClient, from_item, to_item, unless_condition_fails
from fulfil.tracking.scans import Scan, utc_iso

__all__ = ["EventStore"]


class EventStore:
    def __init__(self, client: DynamoDBClient, tables: TableNames) -> None:
        self._client = client
        self._table = tables.events
        self.calls = 0
        self.items_read = 0

    def put(
        self,
        awb: str,
        scan: Scan,
        *,
        order_id: str | None,
        shipment_key: str | None,
        now: datetime,
    ) -> bool:
        """Store one scan; False when this exact scan was already stored."""
        stamp = utc_iso(now)
        item: dict[str, Any] = {
            "awb": awb,
            "eventKey": scan.event_key,
            "orderId": order_id,
            "shipmentKey": shipment_key,
            "status": scan.status.value,
            "rawStatus": scan.raw_status,
            "srStatus": scan.sr_status,
            "srStatusLabel": scan.sr_label,
            "activity": scan.activity,
            "location": scan.location,
            "scanAt": utc_iso(scan.at),
            "source": scan.source,
            "recordedAt": stamp,
            "updatedAt": stamp,
            "changeDay": stamp[:10],
        }
        self.calls += 1
        written = unless_condition_fails(
            self._client.put_item,
            TableName=self._table,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(eventKey)",
        )
        return written is not None

    def timeline(self, awb: str, *, limit: int = 1000) -> list[dict[str, Any]]:
        """Every stored scan of an AWB, oldest first."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "awb = :a",
            "ExpressionAttributeValues": {":a": {"S": awb}},
        }
        out: list[dict[str, Any]] = []
        while len(out) < limit:
            self.calls += 1
            page = self._client.query(**kwargs)
            self.items_read += int(page.get("ScannedCount", len(page.get("Items", []))))
            out.extend(from_item(i) for i in page.get("Items", []))
            if not page.get("LastEvaluatedKey"):
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return out[:limit]
