"""Tracking's view of the fulfilment table: the active shipments, and forward-only updates.

Reads cost what is moving, not what ever shipped: `ActiveIndex` (`activeShard`, `lastScanAt`)
holds a shipment only while it carries `activeShard`, which the sweep sets when a chain
completes and this module removes when a shipment reaches a terminal state or is retired. A sync
queries each shard's partition, page by page; 50 000 delivered shipments cost nothing.

Every status write is conditional on the stored status being one the new status may legally
follow (`fulfil.domain.tracking.LEGAL_MOVES`), and same-rank moves also on the stored scan time
being older, so two syncs, or a sync and a webhook, racing on one shipment can never move it
back: the loser's condition fails, and it re-reads and re-applies.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fulfil.domain.shipment_status import ShipmentStatus
from fulfil.domain.tracking import LEGAL_MOVES, rank
from fulfil.settings import TableNames
from fulfil.store.dynamo import DynamoDBClient, from_item, to_value, unless_condition_fails
from fulfil.store.schema import ACTIVE_INDEX, AWB_INDEX
from fulfil.tracking.scans import utc_iso

__all__ = ["ItemUpdate", "TrackingStore", "active_shard_of", "cancel_order"]


def active_shard_of(order_id: str, shards: int) -> str:
    """`aNN`: the ActiveIndex partition of an order (the sweep's `shard_of` with an `a`)."""
    from fulfil.store.fulfilment import shard_of

    return shard_of(order_id, shards).replace("q", "a")


@dataclass
class ItemUpdate:
    """One write of tracking facts to a fulfilment item.

    `stored_status` / `stored_at` are what was read (None: attribute absent); `new_status` is
    set only when the status changes, `new_at` whenever the position's scan time moves on.
    """

    stored_status: str | None
    stored_at: str | None
    new_status: ShipmentStatus | None = None
    new_at: str | None = None
    sets: dict[str, Any] = field(default_factory=dict)
    add_number: dict[str, int] = field(default_factory=dict)
    add_strings: dict[str, set[str]] = field(default_factory=dict)
    removes: list[str] = field(default_factory=list)


class _Expr:
    """Builds names/values for one UpdateItem."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def name(self, attr: str) -> str:
        for ref, known in self.names.items():
            if known == attr:
                return ref
        ref = f"#n{len(self.names)}"
        self.names[ref] = attr
        return ref

    def value(self, value: Any) -> str:
        ref = f":v{len(self.values)}"
        self.values[ref] = to_value(value)
        return ref


def _status_condition(expr: _Expr, update: ItemUpdate) -> str:
    ts = expr.name("trackingStatus")
    if update.new_status is None:
        same = (
            f"attribute_not_exists({ts})"
            if update.stored_status is None
            else f"{ts} = {expr.value(update.stored_status)}"
        )
        if update.new_at is None:
            return same
        le = expr.name("lastEventAt")
        return f"{same} AND (attribute_not_exists({le}) OR {le} < {expr.value(update.new_at)})"
    target = update.new_status
    lower = [c for c in ShipmentStatus if target in LEGAL_MOVES[c] and rank(c) < rank(target)]
    sideways = [c for c in ShipmentStatus if target in LEGAL_MOVES[c] and rank(c) == rank(target)]
    parts = [f"attribute_not_exists({ts})"]
    if lower:
        parts.append(f"{ts} IN ({', '.join(expr.value(c.value) for c in lower)})")
    if sideways:
        le = expr.name("lastEventAt")
        at = expr.value(update.new_at or "")
        sides = ", ".join(expr.value(c.value) for c in sideways)
        parts.append(f"({ts} IN ({sides}) AND (attribute_not_exists({le}) OR {le} < {at}))")
    return "(" + " OR ".join(parts) + ")"


class TrackingStore:
    """ActiveIndex and AwbIndex reads, and conditional tracking writes, on the fulfilment table."""

    def __init__(self, client: DynamoDBClient, tables: TableNames, *, shards: int = 4) -> None:
        self._client = client
        self._tables = tables
        self._table = tables.fulfilment
        self.shards = shards
        self.calls = 0
        self.items_read = 0

    # -- reads ----------------------------------------------------------------------------
    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        while True:
            self.calls += 1
            page = self._client.query(**kwargs)
            self.items_read += int(page.get("ScannedCount", len(page.get("Items", []))))
            for raw in page.get("Items", []):
                yield from_item(raw)
            if not page.get("LastEvaluatedKey"):
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def iter_active_shard(self, shard: int, *, page_size: int = 500) -> Iterator[dict[str, Any]]:
        """The active shipments of one shard, least recently scanned first."""
        yield from self._query(
            TableName=self._table,
            IndexName=ACTIVE_INDEX,
            KeyConditionExpression="activeShard = :s",
            ExpressionAttributeValues={":s": {"S": f"a{shard:02d}"}},
            Limit=page_size,
        )

    def iter_active(self, *, page_size: int = 500) -> Iterator[dict[str, Any]]:
        """Every active shipment, shard by shard (GSI reads: eventually consistent)."""
        for shard in range(self.shards):
            yield from self.iter_active_shard(shard, page_size=page_size)

    def by_awb(self, awb: str) -> dict[str, Any] | None:
        """The fulfilment item holding this AWB (the active one if an AWB was ever reused)."""
        items = list(
            self._query(
                TableName=self._table,
                IndexName=AWB_INDEX,
                KeyConditionExpression="awb = :a",
                ExpressionAttributeValues={":a": {"S": awb}},
            )
        )
        items.sort(key=lambda i: (bool(i.get("activeShard")), str(i.get("updatedAt", ""))))
        return items[-1] if items else None

    def get(self, order_id: str, shipment_key: str) -> dict[str, Any] | None:
        """One item, strongly consistent (the re-read after a lost race)."""
        self.calls += 1
        response = self._client.get_item(
            TableName=self._table,
            Key={"orderId": {"S": order_id}, "shipmentKey": {"S": shipment_key}},
            ConsistentRead=True,
        )
        raw = response.get("Item")
        self.items_read += 1 if raw else 0
        return from_item(raw) if raw else None

    def for_order(self, order_id: str) -> list[dict[str, Any]]:
        """Every shipment of an order (to decide whether all live ones are delivered)."""
        return list(
            self._query(
                TableName=self._table,
                KeyConditionExpression="orderId = :o",
                ExpressionAttributeValues={":o": {"S": order_id}},
                ConsistentRead=True,
            )
        )

    def orders_created_before(
        self, status: str, before: str, *, limit: int = 1000
    ) -> list[dict[str, Any]]:
        """Orders in one storefront status placed before `before` (StatusIndex, bounded)."""
        out: list[dict[str, Any]] = []
        for order in self._query(
            TableName=self._tables.orders,
            IndexName="StatusIndex",
            KeyConditionExpression="#s = :s AND createdAt <= :before",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": status}, ":before": {"S": before}},
            Limit=min(limit, 500),
        ):
            out.append(order)
            if len(out) >= limit:
                break
        return out

    # -- writes ---------------------------------------------------------------------------
    def write(self, order_id: str, shipment_key: str, update: ItemUpdate, now: datetime) -> bool:
        """Apply one update if the stored position still allows it; False when it does not."""
        expr = _Expr()
        sets: list[str] = []
        fields = dict(update.sets)
        if update.new_status is not None:
            fields["trackingStatus"] = update.new_status.value
        if update.new_at is not None:
            fields["lastEventAt"] = update.new_at
        stamp = utc_iso(now)
        fields.update(updatedAt=stamp, changeDay=stamp[:10], trackingUpdatedAt=stamp)
        for attr, value in sorted(fields.items()):
            if value is not None:
                sets.append(f"{expr.name(attr)} = {expr.value(value)}")
        adds = [f"{expr.name(a)} {expr.value(n)}" for a, n in update.add_number.items() if n]
        for attr, strings in update.add_strings.items():
            if strings:
                adds.append(f"{expr.name(attr)} {_string_set(expr, strings)}")
        expression = "SET " + ", ".join(sets)
        if adds:
            expression += " ADD " + ", ".join(adds)
        if update.removes:
            expression += " REMOVE " + ", ".join(expr.name(a) for a in update.removes)
        condition = "attribute_exists(orderId) AND " + _status_condition(expr, update)
        return self._update(order_id, shipment_key, expression, condition, expr)

    def retire(self, order_id: str, shipment_key: str, now: datetime) -> bool:
        """Stop tracking a shipment with no update for too long (off ActiveIndex for good)."""
        expr = _Expr()
        stamp = utc_iso(now)
        expression = (
            f"SET {expr.name('retiredAt')} = {expr.value(stamp)}, "
            f"{expr.name('updatedAt')} = {expr.value(stamp)}, "
            f"{expr.name('changeDay')} = {expr.value(stamp[:10])} "
            f"REMOVE {expr.name('activeShard')}"
        )
        condition = f"attribute_exists({expr.name('activeShard')})"
        return self._update(order_id, shipment_key, expression, condition, expr)

    def activate_legacy(self, order_id: str, shipment_key: str, now: datetime) -> bool:
        """Put an old-code shipment (status `legacy`, with an AWB) on ActiveIndex; idempotent.

        Its tracking status starts absent (read as `new`), so the first scans seen move it
        wherever the parcel really is.
        """
        expr = _Expr()
        stamp = utc_iso(now)
        expression = (
            f"SET {expr.name('activeShard')} = {expr.value(active_shard_of(order_id, self.shards))}"
            f", {expr.name('lastScanAt')} = {expr.value(stamp)}"
            f", {expr.name('updatedAt')} = {expr.value(stamp)}"
            f", {expr.name('changeDay')} = {expr.value(stamp[:10])}"
        )
        condition = (
            f"{expr.name('status')} = {expr.value('legacy')} AND attribute_exists(awb) AND "
            f"attribute_not_exists({expr.name('activeShard')}) AND "
            f"attribute_not_exists({expr.name('retiredAt')})"
        )
        return self._update(order_id, shipment_key, expression, condition, expr)

    def _update(
        self, order_id: str, shipment_key: str, expression: str, condition: str, expr: _Expr
    ) -> bool:
        self.calls += 1
        done = unless_condition_fails(
            self._client.update_item,
            TableName=self._table,
            Key={"orderId": {"S": order_id}, "shipmentKey": {"S": shipment_key}},
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeNames=expr.names,
            ExpressionAttributeValues=expr.values,
        )
        return done is not None


def _string_set(expr: _Expr, strings: set[str]) -> str:
    ref = f":v{len(expr.values)}"
    expr.values[ref] = {"SS": sorted(strings)}
    return ref


_CANCELLABLE: Sequence[str] = ("confirmed", "processing", "ready_for_shipment")


def cancel_order(
    client: DynamoDBClient,
    tables: TableNames,
    order_id: str,
    created_at: str,
    now: datetime,
    fields: Mapping[str, Any] | None = None,
) -> bool:
    """Mark an order `cancelled` unless it has shipped already (forward-only, like the rest).

    `StorefrontWriter.advance_order` has no `cancelled` step (its flow is linear), hence this.
    """
    expr = _Expr()
    status = expr.name("status")
    sets = [
        f"{status} = {expr.value('cancelled')}",
        f"{expr.name('fulfilmentUpdatedAt')} = {expr.value(utc_iso(now))}",
    ]
    for attr, value in (fields or {}).items():
        if value is not None:
            sets.append(f"{expr.name(attr)} = {expr.value(value)}")
    allowed = ", ".join(expr.value(s) for s in _CANCELLABLE)
    done = unless_condition_fails(
        client.update_item,
        TableName=tables.orders,
        Key={"orderId": {"S": order_id}, "createdAt": {"S": created_at}},
        UpdateExpression="SET " + ", ".join(sets),
        ConditionExpression=f"attribute_exists(orderId) AND {status} IN ({allowed})",
        ExpressionAttributeNames=expr.names,
        ExpressionAttributeValues=expr.values,
    )
    return done is not None
