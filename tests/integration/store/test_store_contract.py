"""Store contract: provisioning and source reads, on moto and on DynamoDB Local."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fulfil.commands.plan import build_plan
from fulfil.domain.planning import DecisionKind
from fulfil.seed import generate
from fulfil.store.dynamo import init_tables
from fulfil.store.source import SourceReader
from fulfil.store.writer import put_all, write_seed


def test_init_tables_creates_the_source_schema_exactly_and_is_idempotent(
    dynamo_backend: Any, settings: Any
) -> None:
    assert init_tables(settings, dynamo_backend) == []  # the fixture already created them all
    orders = dynamo_backend.describe_table(TableName=settings.tables.orders)["Table"]
    assert [(k["AttributeName"], k["KeyType"]) for k in orders["KeySchema"]] == [
        ("orderId", "HASH"),
        ("createdAt", "RANGE"),
    ]
    gsis = {
        g["IndexName"]: [k["AttributeName"] for k in g["KeySchema"]]
        for g in orders["GlobalSecondaryIndexes"]
    }
    assert gsis == {
        "CustomerOrdersIndex": ["customerId", "createdAt"],
        "StatusIndex": ["status", "createdAt"],
    }
    shipments = dynamo_backend.describe_table(TableName=settings.tables.shipments)["Table"]
    assert {g["IndexName"] for g in shipments["GlobalSecondaryIndexes"]} == {
        "ShiprocketIndex",
        "TrackingIndex",
    }
    addresses = dynamo_backend.describe_table(TableName=settings.tables.addresses)["Table"]
    assert [k["AttributeName"] for k in addresses["KeySchema"]] == ["addressId"]
    ttl = dynamo_backend.describe_time_to_live(TableName=settings.tables.control)
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "ttl"
    # paginated: the session's shared DynamoDB Local holds more than one page (100) of tables
    names = {
        name
        for page in dynamo_backend.get_paginator("list_tables").paginate()
        for name in page["TableNames"]
    }
    assert {
        settings.tables.fulfilment,
        settings.tables.events,
        settings.tables.outbox,
        settings.tables.control,
    } <= names


def test_candidates_come_from_status_index_only(dynamo_backend: Any, settings: Any) -> None:
    data = generate(30, seed=3, history=200)
    write_seed(dynamo_backend, settings.tables, data)
    reader = SourceReader(dynamo_backend, settings.tables)
    confirmed = list(reader.iter_orders_by_status("confirmed", page_size=7))
    expected = {o["orderId"] for o in data.orders if o["status"] == "confirmed"}
    assert {o["orderId"] for o in confirmed} == expected
    assert reader.stats.items == len(expected)  # the 200 historical orders were never read
    assert set(reader.stats.by_operation) == {"query"}
    assert [o["createdAt"] for o in confirmed] == sorted(o["createdAt"] for o in confirmed)
    assert all(isinstance(o["totalAmount"], Decimal) for o in confirmed)


def test_bundles_load_with_batch_gets_and_cached_queries(
    dynamo_backend: Any, settings: Any
) -> None:
    data = generate(20, seed=5)
    write_seed(dynamo_backend, settings.tables, data)
    reader = SourceReader(dynamo_backend, settings.tables)
    orders = list(reader.iter_orders_by_status("confirmed"))
    before = reader.stats.calls
    bundles = reader.load_bundles(orders)
    calls = reader.stats.calls - before
    assert len(bundles) == len(orders)
    products = {i["productId"] for o in orders for i in o["orderItems"]}
    customers = {o["customerId"] for o in orders}
    # one query per distinct product and customer, one batch get for every address at once,
    # one for every seller at once
    assert calls == len(products) + len(customers) + 2
    with_address = [b for b in bundles if b.address is not None]
    assert len(with_address) == len(orders)
    assert all(b.customer is not None for b in bundles)
    again = reader.stats.calls
    reader.load_bundles(orders)  # products, customers, sellers cached for the reader's life
    assert reader.stats.calls - again == 1
    assert all(b.sellers for b in bundles)


def test_get_orders_by_id_queries_the_partition(dynamo_backend: Any, settings: Any) -> None:
    data = generate(5, seed=9)
    write_seed(dynamo_backend, settings.tables, data)
    reader = SourceReader(dynamo_backend, settings.tables)
    wanted = [data.orders[0]["orderId"], data.orders[3]["orderId"], "no-such-order"]
    assert [o["orderId"] for o in reader.get_orders(wanted)] == wanted[:2]


def test_batch_write_respects_the_25_item_cap(dynamo_backend: Any, settings: Any) -> None:
    items = [{"sellerId": f"s-{i}", "email": f"s{i}@x.in"} for i in range(60)]
    assert put_all(dynamo_backend, settings.tables.sellers, items) == 60  # Local rejects >25


def test_plan_over_the_store_parks_broken_and_skips_legacy(
    dynamo_backend: Any, settings: Any
) -> None:
    data = generate(60, seed=11, broken_share=0.2)
    write_seed(dynamo_backend, settings.tables, data)
    report = build_plan(SourceReader(dynamo_backend, settings.tables), settings)
    kinds = {d.order_id: d.kind for d in report.decisions}
    for tag in ("no_items", "missing_pincode", "invalid_pincode", "landline"):
        for order_id in data.expected.get(tag, []):
            assert kinds[order_id] is DecisionKind.PARK, (tag, order_id)
    for order_id in data.expected.get("legacy_shipped", []):
        assert kinds[order_id] is DecisionKind.SKIP
    for order_id in data.expected.get("ship", []):
        assert kinds[order_id] is DecisionKind.SHIP
    assert not set(data.expected.get("unpaid", [])) & set(kinds)
    parked = [d for d in report.decisions if d.kind is DecisionKind.PARK]
    assert parked and all(r.code for d in parked for r in d.rejections)
