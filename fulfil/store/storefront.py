"""Writes back into the storefront's tables, in the shapes the old code used.

Order status only moves forward (`confirmed` -> `processing` -> `ready_for_shipment` ->
`shipped` -> `delivered`); each update is conditional on the statuses it may come from, so a late
or repeated write can never move an order back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fulfil.settings import TableNames
from fulfil.store.dynamo import DynamoDBClient, to_item, to_value, unless_condition_fails
from fulfil.store.fulfilment import iso

ORDER_FLOW = ["confirmed", "processing", "ready_for_shipment", "shipped", "delivered"]


def set_clauses(
    fields: Mapping[str, Any], keep_existing: tuple[str, ...] = ()
) -> tuple[list[str], dict[str, str], dict[str, Any]]:
    """`#fN = :fN` clauses (None values skipped) with their names and values."""
    sets: list[str] = []
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    for i, (name, value) in enumerate(fields.items()):
        if value is None:
            continue
        names[f"#f{i}"] = name
        values[f":f{i}"] = to_value(value)
        kept = name in keep_existing
        sets.append(f"#f{i} = if_not_exists(#f{i}, :f{i})" if kept else f"#f{i} = :f{i}")
    return sets, names, values


def earlier_statuses(target: str) -> list[str]:
    """Statuses an order may move to `target` from (forward moves only)."""
    return ORDER_FLOW[: ORDER_FLOW.index(target)]


class StorefrontWriter:
    def __init__(self, client: DynamoDBClient, tables: TableNames) -> None:
        self._client = client
        self._tables = tables
        self.calls = 0

    def advance_order(
        self,
        order_id: str,
        created_at: str,
        status: str,
        now: datetime,
        fields: Mapping[str, Any] | None = None,
        keep_existing: tuple[str, ...] = (),
    ) -> bool:
        """Move an order forward to `status` (with extra fields); False if it is past it already.

        `keep_existing` names fields written only when absent (e.g. `shipmentCreatedAt`).
        """
        allowed = earlier_statuses(status)
        sets, names, values = set_clauses(fields or {}, keep_existing)
        sets = ["#s = :st", "fulfilmentUpdatedAt = :now", *sets]
        names["#s"] = "status"
        values.update({":st": {"S": status}, ":now": {"S": iso(now)}})
        allowed_refs = []
        for i, prior in enumerate(allowed):
            values[f":p{i}"] = {"S": prior}
            allowed_refs.append(f":p{i}")
        condition = f"attribute_exists(orderId) AND #s IN ({', '.join(allowed_refs)})"
        return self._update(
            order_id, created_at, "SET " + ", ".join(sets), names, values, condition
        )

    def set_order_fields(
        self, order_id: str, created_at: str, fields: Mapping[str, Any], now: datetime
    ) -> bool:
        """Write fields on an existing order without touching its status."""
        sets, names, values = set_clauses(fields)
        sets.insert(0, "fulfilmentUpdatedAt = :now")
        values[":now"] = {"S": iso(now)}
        return self._update(
            order_id,
            created_at,
            "SET " + ", ".join(sets),
            names or None,
            values,
            "attribute_exists(orderId)",
        )

    def _update(
        self,
        order_id: str,
        created_at: str,
        expression: str,
        names: dict[str, str] | None,
        values: dict[str, Any],
        condition: str,
    ) -> bool:
        self.calls += 1
        kwargs: dict[str, Any] = {
            "TableName": self._tables.orders,
            "Key": {"orderId": {"S": order_id}, "createdAt": {"S": created_at}},
            "UpdateExpression": expression,
            "ExpressionAttributeValues": values,
            "ConditionExpression": condition,
        }
        if names:
            kwargs["ExpressionAttributeNames"] = names
        return unless_condition_fails(self._client.update_item, **kwargs) is not None

    def put_shipment_row(self, row: Mapping[str, Any]) -> None:
        """Upsert the shipments row (its `shipmentId` is deterministic: never a second row)."""
        self.calls += 1
        self._client.put_item(TableName=self._tables.shipments, Item=to_item(row))

    def update_shipment_row(
        self, shipment_id: str, order_id: str, fields: Mapping[str, Any]
    ) -> bool:
        sets, names, values = set_clauses(fields)
        if not sets:
            return True
        self.calls += 1
        done = unless_condition_fails(
            self._client.update_item,
            TableName=self._tables.shipments,
            Key={"shipmentId": {"S": shipment_id}, "orderId": {"S": order_id}},
            UpdateExpression="SET " + ", ".join(sets),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(shipmentId)",
        )
        return done is not None
