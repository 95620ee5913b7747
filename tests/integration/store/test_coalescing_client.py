"""Group commit: concurrent single writes leave as transactions, with single-call semantics."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fulfil.store.coalesce import CoalescingClient
from fulfil.store.dynamo import is_conditional_failure


def _put_new(client: Any, table: str, pk: str, sk: str, value: int = 1) -> bool:
    try:
        client.put_item(
            TableName=table,
            Item={"pk": {"S": pk}, "sk": {"S": sk}, "v": {"N": str(value)}},
            ConditionExpression="attribute_not_exists(pk)",
        )
        return True
    except ClientError as exc:
        if is_conditional_failure(exc):
            return False
        raise


def _value(client: Any, table: str, pk: str, sk: str) -> int | None:
    item = client.get_item(
        TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    ).get("Item")
    return int(item["v"]["N"]) if item else None


class _Gate:
    """Holds the first flush until the other writers have queued, so a group must form."""

    def __init__(self, client: Any, expected: int, coalescer: list[CoalescingClient]) -> None:
        self._client = client
        self._expected = expected
        self._coalescer = coalescer
        self._first = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def put_item(self, **kw: Any) -> Any:
        if not self._first.is_set():
            self._first.set()
            for _ in range(500):  # wait (bounded) for the others to queue behind this flush
                if self._coalescer[0].stats.writes >= self._expected:
                    break
                threading.Event().wait(0.01)
        return self._client.put_item(**kw)


def _put_side_by_side(
    client: Any, table: str, pk: str, n: int
) -> tuple[CoalescingClient, list[bool]]:
    """n conditional puts (sk = index, value = index) from n threads through one coalescer."""
    holder: list[CoalescingClient] = []
    coalescer = CoalescingClient(_Gate(client, n, holder), max_flushes=1)
    holder.append(coalescer)
    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(lambda i: _put_new(coalescer, table, pk, f"{i:03d}", i), range(n)))
    return coalescer, results


def test_concurrent_writes_leave_in_few_transactions(dynamo_backend: Any, settings: Any) -> None:
    table = settings.tables.control
    coalescer, results = _put_side_by_side(dynamo_backend, table, "c", 41)
    assert results == [True] * 41
    assert [_value(dynamo_backend, table, "c", f"{i:03d}") for i in range(41)] == list(range(41))
    stats = coalescer.stats
    assert stats.writes == 41
    assert stats.singles == 1  # the first write flushed alone while the other 40 queued
    assert stats.transactions == 1 and stats.transacted_writes == 40 and stats.largest == 40


def test_a_failed_condition_reaches_only_its_own_caller(dynamo_backend: Any, settings: Any) -> None:
    table = settings.tables.control
    for i in (3, 7):  # two of the twenty already exist: their conditional puts must fail
        _put_new(dynamo_backend, table, "f", f"{i:03d}", 100 + i)
    coalescer, results = _put_side_by_side(dynamo_backend, table, "f", 20)
    assert results == [i not in (3, 7) for i in range(20)]
    values = [_value(dynamo_backend, table, "f", f"{i:03d}") for i in range(20)]
    assert values == [100 + i if i in (3, 7) else i for i in range(20)]  # untouched, and applied
    assert coalescer.stats.fallbacks == 1


def test_two_writes_to_one_item_in_a_group_both_apply_in_order_of_arrival(
    dynamo_backend: Any, settings: Any
) -> None:
    """A transaction refuses two actions on one item; the coalescer falls back to singles."""
    table = settings.tables.control
    coalescer = CoalescingClient(dynamo_backend)
    group = [coalescer._write_for_test("Update", _add(table, "same")) for _ in range(3)]
    coalescer._flush(group)
    assert all(w.done and w.error is None for w in group)
    assert _value(dynamo_backend, table, "same", "x") == 3
    assert coalescer.stats.fallbacks == 1


def _add(table: str, pk: str) -> dict[str, Any]:
    return {
        "TableName": table,
        "Key": {"pk": {"S": pk}, "sk": {"S": "x"}},
        "UpdateExpression": "ADD v :one",
        "ExpressionAttributeValues": {":one": {"N": "1"}},
    }


def test_writes_that_want_values_back_and_reads_go_straight_through(
    dynamo: Any, settings: Any
) -> None:
    table = settings.tables.control
    coalescer = CoalescingClient(dynamo)
    answer = coalescer.update_item(**_add(table, "rv"), ReturnValues="ALL_NEW")
    assert answer["Attributes"]["v"] == {"N": "1"}
    assert coalescer.get_item(TableName=table, Key={"pk": {"S": "rv"}, "sk": {"S": "x"}})["Item"]
    assert coalescer.stats.writes == 0  # neither was queued


def test_other_errors_reach_every_caller_of_the_group(settings: Any) -> None:
    class Broken:
        def transact_write_items(self, **_: Any) -> Any:
            raise ConnectionError("endpoint went away")

    coalescer = CoalescingClient(Broken())
    group = [coalescer._write_for_test("Put", {"TableName": "t", "Item": {}}) for _ in range(2)]
    coalescer._flush(group)
    assert [type(w.error) for w in group] == [ConnectionError, ConnectionError]


def test_max_items_is_checked() -> None:
    with pytest.raises(ValueError):
        CoalescingClient(object(), max_items=101)
