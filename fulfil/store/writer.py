"""Bulk writes (seeding, benchmarks): BatchWriteItem in chunks of 25, unprocessed items resent."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from fulfil.seed import SeedData
from fulfil.settings import TableNames
from fulfil.store.dynamo import DynamoDBClient, to_item

BATCH_WRITE_MAX = 25


def put_all(client: DynamoDBClient, table: str, items: Iterable[Mapping[str, Any]]) -> int:
    """Write every item (25 a call, the service's cap); returns how many were written."""
    batch: list[dict[str, Any]] = []
    count = 0
    for item in items:
        batch.append({"PutRequest": {"Item": to_item(item)}})
        if len(batch) == BATCH_WRITE_MAX:
            _flush(client, table, batch)
            count += len(batch)
            batch = []
    if batch:
        _flush(client, table, batch)
        count += len(batch)
    return count


def _flush(client: DynamoDBClient, table: str, batch: list[dict[str, Any]]) -> None:
    request: dict[str, Any] = {table: batch}
    delay = 0.05
    while request:
        response = client.batch_write_item(RequestItems=request)
        request = response.get("UnprocessedItems") or {}
        if request:
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def write_seed(client: DynamoDBClient, tables: TableNames, data: SeedData) -> dict[str, int]:
    """Write generated sample data into the storefront's tables."""
    return {
        "sellers": put_all(client, tables.sellers, data.sellers),
        "addresses": put_all(client, tables.addresses, data.addresses),
        "products": put_all(client, tables.products, data.products),
        "customers": put_all(client, tables.customers, data.customers),
        "orders": put_all(client, tables.orders, data.orders),
        "payments": put_all(client, tables.payments, data.payments),
        "shipments": put_all(client, tables.shipments, data.shipments),
    }
