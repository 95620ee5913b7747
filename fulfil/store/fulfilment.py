"""The fulfilment table: one item per planned shipment, holding its claim, chain and schedule.

Keys: `orderId` + `shipmentKey` ("01", "02", ...; "00" is the order-level parking row for an
order that could not be planned). Deterministic keys make enqueueing idempotent: a conditional
put that finds the item already there does nothing, so two sweeps planning the same order write it
once.

Sparse indexes keep reads proportional to the work:
- `DueIndex` (`dueShard`, `dueAt`): present only while a shipment has work due (pending or
  retrying). Parked and shipped items drop out, so a sweep never re-reads them.
- `ActiveIndex` (`activeShard`, `lastScanAt`): present only while a shipment with an AWB is still
  moving (the tracking sync reads this and nothing else).
- `AwbIndex` (`awb`): webhook and `fulfil track --awb` lookups.
- `ChangesIndex` (`changeDay`, `updatedAt`): every write stamps these, for incremental snapshots.

Claims: `leaseOwner` + `leaseUntil` on the base table, taken with a conditional update (GSI reads
are eventually consistent; the base-table condition is the truth). Every progress write is
conditional on still holding the lease, so a sweep whose lease expired cannot overwrite the work
of the sweep that took over.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from fulfil.domain.fulfilment import ShipmentProgress, ShipmentState
from fulfil.domain.planning import PlannedShipment
from fulfil.domain.rejections import Rejection
from fulfil.settings import TableNames
from fulfil.store.dynamo import (
    DynamoDBClient,
    from_item,
    to_item,
    to_value,
    unless_condition_fails,
)
from fulfil.store.schema import DUE_INDEX
from fulfil.timestamps import change_stamp, iso, parse_iso

__all__ = ["FulfilmentStore", "LeaseLost", "iso", "parse_iso", "shard_of", "state_from_item"]

PARK_KEY = "00"
_STATE_FIELDS = {
    "status": "status",
    "channel_version": "channelVersion",
    "channel_order_id": "channelOrderId",
    "sr_order_id": "srOrderId",
    "sr_shipment_id": "srShipmentId",
    "courier_id": "courierId",
    "courier_name": "courierName",
    "shipping_cost": "shippingCost",
    "awb": "awb",
    "pickup_scheduled_at": "pickupScheduledAt",
    "pickup_token": "pickupToken",
    "label_url": "labelUrl",
    "manifest_url": "manifestUrl",
    "documents_done": "documentsDone",
    "attempts": "attempts",
    "next_attempt_at": "nextAttemptAt",
    "uncertain": "uncertain",
    "last_error_code": "lastErrorCode",
    "last_error_message": "lastErrorMessage",
    "version_history": "versionHistory",
    "shipped_at": "shippedAt",
}


def shard_of(order_id: str, shards: int) -> str:
    digest = hashlib.sha1(order_id.encode(), usedforsecurity=False).digest()
    return f"q{digest[0] % shards:02d}"


class LeaseLost(RuntimeError):
    """Our claim on a shipment expired and someone else took it: stop writing to it."""


class FulfilmentStore:
    def __init__(self, client: DynamoDBClient, tables: TableNames, *, shards: int = 4) -> None:
        self._client = client
        self._table = tables.fulfilment
        self._shards = shards
        self.calls = 0

    # -- intake ---------------------------------------------------------------------------
    def enqueue(self, plan: PlannedShipment, now: datetime, order_created_at: str) -> bool:
        """Record a planned shipment as due now; False when it was already recorded."""
        item = {
            "orderId": plan.order_id,
            "shipmentKey": plan.shipment_key,
            "shipmentId": plan.shipment_id,
            "orderCreatedAt": order_created_at,
            "status": ShipmentProgress.PENDING.value,
            "plan": plan.model_dump_json(),
            "channelVersion": 1,
            "attempts": 0,
            "createdAt": iso(now),
            "sellerId": plan.seller_id,
            "paymentMethod": plan.payment_method,
            "pickupLocation": plan.pickup_location,
            "destinationCity": plan.destination.city,
            "destinationState": plan.destination.state,
            "destinationPincode": plan.destination.pincode,
            "declaredValue": plan.declared_value,
            "codAmount": plan.cod_amount,
            "weightKg": plan.weight_kg,
            "dueShard": shard_of(plan.order_id, self._shards),
            "dueAt": iso(now),
            **change_stamp(now),
        }
        return self._put_new(item)

    def park_order(
        self, order_id: str, order_created_at: str, rejections: list[Rejection], now: datetime
    ) -> bool:
        """Record why an order cannot be planned (the order-level row "00"); idempotent."""
        item = {
            "orderId": order_id,
            "shipmentKey": PARK_KEY,
            "shipmentId": f"shp-{order_id}-00",
            "orderCreatedAt": order_created_at,
            "status": ShipmentProgress.NEEDS_ATTENTION.value,
            "lastErrorCode": rejections[0].code.value if rejections else "unreadable_record",
            "lastErrorMessage": "; ".join(f"{r.field}: {r.message}" for r in rejections)[:2000],
            "rejections": json.dumps([r.model_dump(mode="json") for r in rejections]),
            "createdAt": iso(now),
            "attempts": 0,
            **change_stamp(now),
        }
        return self._put_new(item)

    def record_legacy(self, order_id: str, order_created_at: str, awb: str, now: datetime) -> bool:
        """An order the old inline code shipped: remember its AWB so tracking can follow it."""
        item = {
            "orderId": order_id,
            "shipmentKey": "01",
            "shipmentId": f"shp-{order_id}-01",
            "orderCreatedAt": order_created_at,
            "status": ShipmentProgress.LEGACY.value,
            "awb": awb,
            "createdAt": iso(now),
            "attempts": 0,
            # on ActiveIndex straight away: the tracking sync follows old-code AWBs too
            "trackingStatus": "awb_assigned",
            "activeShard": shard_of(order_id, self._shards).replace("q", "a"),
            "lastScanAt": iso(now),
            **change_stamp(now),
        }
        return self._put_new(item)

    def _put_new(self, item: Mapping[str, Any]) -> bool:
        self.calls += 1
        done = unless_condition_fails(
            self._client.put_item,
            TableName=self._table,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(orderId)",
        )
        return done is not None

    # -- reads ----------------------------------------------------------------------------
    def iter_due(self, now: datetime, *, limit: int | None = None) -> Iterator[dict[str, Any]]:
        """Items whose work is due, oldest first within each shard (GSI: eventually consistent)."""
        seen = 0
        for shard in range(self._shards):
            kwargs: dict[str, Any] = {
                "TableName": self._table,
                "IndexName": DUE_INDEX,
                "KeyConditionExpression": "dueShard = :s AND dueAt <= :now",
                "ExpressionAttributeValues": {
                    ":s": {"S": f"q{shard:02d}"},
                    ":now": {"S": iso(now)},
                },
            }
            while True:
                self.calls += 1
                page = self._client.query(**kwargs)
                for raw in page.get("Items", []):
                    yield from_item(raw)
                    seen += 1
                    if limit is not None and seen >= limit:
                        return
                if not page.get("LastEvaluatedKey"):
                    break
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def for_order(self, order_id: str) -> list[dict[str, Any]]:
        self.calls += 1
        page = self._client.query(
            TableName=self._table,
            KeyConditionExpression="orderId = :o",
            ExpressionAttributeValues={":o": {"S": order_id}},
            ConsistentRead=True,
        )
        return [from_item(i) for i in page.get("Items", [])]

    # -- claims and progress ----------------------------------------------------------------
    def claim(
        self, order_id: str, shipment_key: str, owner: str, now: datetime, until: datetime
    ) -> dict[str, Any] | None:
        """Take the lease on a due shipment and read it; None when another sweep holds it."""
        if not self.take_lease(order_id, shipment_key, owner, now, until):
            return None
        items = self.load_many([(order_id, shipment_key)])
        return items[0] if items else None

    def take_lease(
        self, order_id: str, shipment_key: str, owner: str, now: datetime, until: datetime
    ) -> bool:
        """Take the lease on a due shipment; False when another sweep holds it or it is not due.

        `claims` counts the leases ever taken: a shipment claimed before whose Shiprocket order
        is not recorded may have had a create sent by the earlier holder, so the chain looks it
        up first (see `state_from_item`). The lease is the create's write-ahead record.
        No values are asked back, so concurrent claims coalesce into one transaction.
        """
        self.calls += 1
        response = unless_condition_fails(
            self._client.update_item,
            TableName=self._table,
            Key={"orderId": {"S": order_id}, "shipmentKey": {"S": shipment_key}},
            UpdateExpression="SET leaseOwner = :me, leaseUntil = :until ADD claims :one",
            ConditionExpression=(
                "attribute_exists(dueAt) AND "
                "(attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :me)"
            ),
            ExpressionAttributeValues={
                ":me": {"S": owner},
                ":until": {"S": iso(until)},
                ":now": {"S": iso(now)},
                ":one": {"N": "1"},
            },
        )
        return response is not None

    def load_many(self, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """Strongly consistent reads of many shipments (BatchGetItem, 100 keys a call)."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 100):
            request: dict[str, Any] = {
                self._table: {
                    "Keys": [
                        {"orderId": {"S": o}, "shipmentKey": {"S": k}}
                        for o, k in unique[start : start + 100]
                    ],
                    "ConsistentRead": True,
                }
            }
            while request:
                self.calls += 1
                page = self._client.batch_get_item(RequestItems=request)
                for raw in page.get("Responses", {}).get(self._table, []):
                    item = from_item(raw)
                    found[(item["orderId"], item["shipmentKey"])] = item
                request = page.get("UnprocessedKeys") or {}
        return [found[k] for k in unique if k in found]

    def save(
        self,
        state: ShipmentState,
        owner: str,
        now: datetime,
        *,
        done: bool = False,
        due_at: datetime | None = None,
        active_shard: bool = False,
        release: bool = False,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """Write the chain's progress while holding the lease (LeaseLost if it was taken).

        `done`/parked (`due_at` None with release) removes the item from DueIndex; `due_at`
        reschedules it; `active_shard` puts it on ActiveIndex for the tracking sync.
        """
        values: dict[str, Any] = {}
        sets: list[str] = []
        removes: list[str] = []
        names: dict[str, str] = {}
        fields = {attr: getattr(state, name) for name, attr in _STATE_FIELDS.items()}
        fields["nextAttemptAt"] = iso(state.next_attempt_at) if state.next_attempt_at else None
        fields["shippedAt"] = iso(state.shipped_at) if state.shipped_at else None
        fields["status"] = state.status.value
        if state.plan is not None:
            fields["plan"] = state.plan.model_dump_json()
        fields.update(change_stamp(now))
        fields.update(extra or {})
        if done or (release and due_at is None):
            removes += ["dueShard", "dueAt"]
        elif due_at is not None:
            fields["dueAt"] = iso(due_at)
            fields["dueShard"] = shard_of(state.order_id, self._shards)
        if active_shard:
            fields["activeShard"] = shard_of(state.order_id, self._shards).replace("q", "a")
            fields["lastScanAt"] = iso(now)
        if release or done:
            removes += ["leaseOwner", "leaseUntil"]
        for i, (attr, value) in enumerate(sorted(fields.items())):
            names[f"#a{i}"] = attr
            if value is None:
                removes.append(f"#a{i}")
            else:
                sets.append(f"#a{i} = :v{i}")
                values[f":v{i}"] = to_value(value)
        values[":me"] = {"S": owner}
        expression = "SET " + ", ".join(sets)
        if removes:
            expression += " REMOVE " + ", ".join(dict.fromkeys(removes))
        self.calls += 1
        written = unless_condition_fails(
            self._client.update_item,
            TableName=self._table,
            Key={"orderId": {"S": state.order_id}, "shipmentKey": {"S": state.shipment_key}},
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="leaseOwner = :me",
        )
        if written is None:
            raise LeaseLost(f"{state.order_id}/{state.shipment_key}")

    def reopen(
        self, order_id: str, shipment_key: str, now: datetime, plan: PlannedShipment | None
    ) -> bool:
        """Un-park a shipment a person has fixed: due now, attempts reset, fresh plan if given."""
        values: dict[str, Any] = {
            ":pending": {"S": ShipmentProgress.PENDING.value},
            ":zero": {"N": "0"},
            ":now": {"S": iso(now)},
            ":shard": {"S": shard_of(order_id, self._shards)},
            ":parked": {"S": ShipmentProgress.NEEDS_ATTENTION.value},
            ":day": {"S": iso(now)[:10]},
        }
        expression = (
            "SET #s = :pending, attempts = :zero, dueAt = :now, dueShard = :shard, "
            "updatedAt = :now, changeDay = :day"
        )
        if plan is not None:
            expression += ", #p = :plan"
            values[":plan"] = {"S": plan.model_dump_json()}
        self.calls += 1
        done = unless_condition_fails(
            self._client.update_item,
            TableName=self._table,
            Key={"orderId": {"S": order_id}, "shipmentKey": {"S": shipment_key}},
            UpdateExpression=expression + " REMOVE nextAttemptAt, lastErrorCode",
            ConditionExpression="#s = :parked",
            ExpressionAttributeNames={"#s": "status", **({"#p": "plan"} if plan else {})},
            ExpressionAttributeValues=values,
        )
        return done is not None

    def resolve_park_row(self, order_id: str, now: datetime) -> bool:
        """The order could be planned after all (a person fixed it): close its parking row."""
        self.calls += 1
        done = unless_condition_fails(
            self._client.update_item,
            TableName=self._table,
            Key={"orderId": {"S": order_id}, "shipmentKey": {"S": PARK_KEY}},
            UpdateExpression="SET #s = :resolved, updatedAt = :now, changeDay = :day",
            ConditionExpression="#s = :parked",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":resolved": {"S": "resolved"},
                ":parked": {"S": "needs_attention"},
                ":now": {"S": iso(now)},
                ":day": {"S": iso(now)[:10]},
            },
        )
        return done is not None


def state_from_item(item: Mapping[str, Any]) -> ShipmentState:
    """Rebuild the chain state from a stored item (the inverse of `save`)."""
    data: dict[str, Any] = {
        "order_id": item["orderId"],
        "shipment_key": item["shipmentKey"],
        "shipment_id": item.get("shipmentId") or f"shp-{item['orderId']}-{item['shipmentKey']}",
    }
    for name, attr in _STATE_FIELDS.items():
        if attr in item:
            data[name] = item[attr]
    for name in ("next_attempt_at", "shipped_at"):
        data[name] = parse_iso(data.get(name))
    for name in ("sr_order_id", "sr_shipment_id", "courier_id", "attempts", "channel_version"):
        if data.get(name) is not None:
            data[name] = int(data[name])
    if item.get("plan"):
        data["plan"] = PlannedShipment.model_validate_json(item["plan"])
    data["created_at"] = parse_iso(item.get("createdAt"))
    data["order_created_at"] = item.get("orderCreatedAt")
    if int(item.get("claims") or 0) > 1 and data.get("sr_order_id") is None:
        # An earlier holder of the lease may have sent the create before it stopped.
        data["uncertain"] = True
    return ShipmentState.model_validate(data)
