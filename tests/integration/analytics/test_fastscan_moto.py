"""FastReader against moto (in-process and the moto server): same items as boto3, fast path used."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer

from fulfil.analytics.fastscan import FastReader, ReadJob
from fulfil.store.dynamo import make_client

_DES = TypeDeserializer()


def _items(n: int) -> list[dict[str, Any]]:
    return [
        {
            "orderId": {"S": f"o-{i:03d}"},
            "createdAt": {"S": f"2026-03-01T00:{i % 60:02d}:00.000Z"},
            "totalAmount": {"N": f"{1000 + i}.50"},
            "orderItems": {"L": [{"M": {"productId": {"S": "prod-001"}, "quantity": {"N": "2"}}}]},
            "awb": {"NULL": True},
            "paid": {"BOOL": i % 2 == 0},
            "tags": {"SS": ["gift", f"t{i}"]},
            "weights": {"NS": ["0.35", "1"]},
            "blob": {"B": bytes([i % 256, 1, 2])},
            "blobs": {"BS": [b"\x00", b"\x01"]},
        }
        for i in range(n)
    ]


def _key(item: dict[str, Any]) -> str:
    return str(item["orderId"])


def _boto_scan(client: Any, table: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=table):
        out += [{k: _DES.deserialize(v) for k, v in i.items()} for i in page["Items"]]
    return out


def _seed(client: Any, table: str, n: int) -> None:
    for item in _items(n):
        client.put_item(TableName=table, Item=item)


def _check_same(client: Any, table: str, n: int) -> None:
    reader = FastReader(client, workers=3)
    jobs = FastReader.scan_jobs("orders", table, segments=3)
    paged = [ReadJob("paged", "scan", {"TableName": table, "Limit": 7})]  # forces many pages
    got = reader.run([*jobs, *paged])
    expected = sorted(_boto_scan(client, table), key=_key)
    assert len(expected) == n
    assert sorted(got["orders"], key=_key) == expected
    assert sorted(got["paged"], key=_key) == expected
    assert reader.stats.parsed_pages == 0  # every page took the fast path
    assert reader.stats.calls >= 3 + n // 7
    first = next(i for i in got["orders"] if i["orderId"] == "o-001")
    assert first["totalAmount"] == Decimal("1001.50")
    assert first["blob"] == Binary(bytes([1, 1, 2]))


def test_fast_scan_matches_boto3_on_moto(dynamo: Any, settings: Any) -> None:
    _seed(dynamo, settings.tables.orders, 40)
    _check_same(dynamo, settings.tables.orders, 40)


def test_other_calls_on_the_same_client_still_get_parsed_items(dynamo: Any, settings: Any) -> None:
    _seed(dynamo, settings.tables.orders, 3)
    FastReader(dynamo).run(FastReader.scan_jobs("o", settings.tables.orders, segments=2))
    page = dynamo.scan(TableName=settings.tables.orders)
    assert len(page["Items"]) == 3 and page["Items"][0]["orderId"]["S"].startswith("o-")


def test_fast_query_on_the_changes_index(dynamo: Any, settings: Any) -> None:
    for i, day in enumerate(["2026-03-01", "2026-03-01", "2026-03-02"]):
        dynamo.put_item(
            TableName=settings.tables.outbox,
            Item={
                "outboxId": {"S": f"ntf#{i}"},
                "changeDay": {"S": day},
                "updatedAt": {"S": f"{day}T10:0{i}:00.000Z"},
                "attempts": {"N": str(i)},
            },
        )
    job = ReadJob(
        "outbox",
        "query",
        {
            "TableName": settings.tables.outbox,
            "IndexName": "ChangesIndex",
            "KeyConditionExpression": "changeDay = :d AND updatedAt >= :u",
            "ExpressionAttributeValues": {
                ":d": {"S": "2026-03-01"},
                ":u": {"S": "2026-03-01T10:01:00.000Z"},
            },
        },
    )
    reader = FastReader(dynamo)
    got = reader.run([job])["outbox"]
    assert [(i["outboxId"], i["attempts"]) for i in got] == [("ntf#1", Decimal(1))]
    assert reader.stats.parsed_pages == 0


@pytest.fixture
def moto_server_client(settings: Any) -> Iterator[Any]:
    from fulfil.local.dynamodb import local_dynamodb
    from fulfil.store.dynamo import init_tables

    with local_dynamodb():
        client = make_client(settings)
        init_tables(settings, client)
        yield client


def test_fast_scan_matches_boto3_on_the_moto_server(moto_server_client: Any, settings: Any) -> None:
    assert "127.0.0.1" in moto_server_client.meta.endpoint_url
    _seed(moto_server_client, settings.tables.orders, 25)
    _check_same(moto_server_client, settings.tables.orders, 25)
