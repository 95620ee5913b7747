"""The sweep against the in-process simulator: each shippable order ships exactly once."""

from __future__ import annotations

from typing import Any

import pytest

from fulfil.domain.couriers import CourierPolicy
from fulfil.store.dynamo import from_item
from fulfil.sweep.chain import Outcome


def _table(dynamo: Any, name: str) -> list[dict[str, Any]]:
    items = []
    for page in dynamo.get_paginator("scan").paginate(TableName=name):
        items.extend(from_item(i) for i in page["Items"])
    return items


def test_sweep_ships_every_shippable_order_once_and_writes_back(harness: Any) -> None:
    data = harness.seed(30, seed=4)
    out = harness.sweep()
    shipped = [r for r in out["results"] if r.outcome is Outcome.SHIPPED]
    expected_orders = set(data.expected["ship"])
    assert {r.state.order_id for r in shipped} == expected_orders
    # exactly one live Shiprocket order per planned shipment
    for r in shipped:
        assert harness.live_orders(r.state.channel_order_id) == (1, 1)
    orders = {o["orderId"]: o for o in _table(harness.dynamo, harness.settings.tables.orders)}
    for oid in expected_orders:
        assert orders[oid]["status"] == "ready_for_shipment"
        assert orders[oid]["awb"] and orders[oid]["shipmentStatus"] == "pickup_scheduled"
        assert orders[oid]["shipmentId"] == f"shp-{oid}-01"
    rows = [r for r in _table(harness.dynamo, harness.settings.tables.shipments) if "ok" not in r]
    assert {r["orderId"] for r in rows} == expected_orders
    assert all(r["trackingNumber"] and r["courierName"] and r["shiprocketOrderId"] for r in rows)
    for oid in data.expected.get("no_items", []) + data.expected.get("missing_pincode", []):
        assert orders[oid]["status"] == "processing"  # parked: left the candidate index
    kinds = [(n.kind.value, n.order_id) for n in harness.recorder.notifications]
    assert {o for k, o in kinds if k == "order_confirmed"} == expected_orders
    assert {o for k, o in kinds if k == "shipped"} == expected_orders
    assert {o for k, o in kinds if k == "seller_new_order"} == expected_orders
    shipped_msgs = [n for n in harness.recorder.notifications if n.kind.value == "shipped"]
    assert all(n.recipient_e164 and n.recipient_e164.startswith("+91") for n in shipped_msgs)
    parked = {e.order_id for e, _ in harness.recorder.escalations}
    broken = {
        o
        for k in ("no_items", "missing_pincode", "invalid_pincode", "landline")
        for o in data.expected.get(k, [])
    }
    assert parked == broken


def test_a_second_sweep_finds_nothing_to_do(harness: Any) -> None:
    harness.seed(12, seed=8)
    first = harness.sweep()
    assert first["results"]
    second = harness.sweep()
    assert second["keys"] == [] and second["calls"] == 0
    assert second["intake"].decisions == 0  # shipped and parked orders left StatusIndex


def test_dry_run_writes_nothing(harness: Any) -> None:
    data = harness.seed(10, seed=2)
    out = harness.sweep(dry_run=True)
    assert {k[0] for k in out["intake"].planned} == set(data.expected["ship"])
    assert out["calls"] == 0
    assert _table(harness.dynamo, harness.settings.tables.fulfilment) == []
    orders = _table(harness.dynamo, harness.settings.tables.orders)
    assert {o["status"] for o in orders} <= {"confirmed", "pending"}


@pytest.mark.dynamodb_local
def test_coalesced_sweep_on_dynamodb_local_ships_once_and_writes_back(local_harness: Any) -> None:
    """The same sweep with group commit on: its writes leave as transactions, same results."""
    harness = local_harness
    data = harness.seed(40, seed=6)
    transactions: list[int] = []
    harness.dynamo.meta.events.register(
        "provide-client-params.dynamodb.TransactWriteItems",
        lambda params, **_: transactions.append(len(params["TransactItems"])),
    )
    out = harness.sweep(batch_size=40, max_concurrency=16)
    assert transactions and max(transactions) > 1  # the writes did leave together
    shipped = {r.state.order_id for r in out["results"] if r.outcome is Outcome.SHIPPED}
    assert shipped == set(data.expected["ship"])
    assert all(harness.live_orders(f"{oid}-1") == (1, 1) for oid in shipped)
    orders = {o["orderId"]: o for o in _table(harness.dynamo, harness.settings.tables.orders)}
    assert all(orders[oid]["status"] == "ready_for_shipment" for oid in shipped)
    assert all(orders[oid]["awb"] for oid in shipped)
    items = _table(harness.dynamo, harness.settings.tables.fulfilment)
    mine = [i for i in items if i["shipmentKey"] != "00"]
    assert all(i["status"] == "shipped" and "leaseOwner" not in i for i in mine)
    assert all(int(i["claims"]) == 1 for i in mine)  # each claimed once: no lookups needed
    second = harness.sweep()
    assert second["keys"] == [] and second["calls"] == 0


def test_account_default_courier_policy_skips_serviceability(harness: Any) -> None:
    """`account_default`: no serviceability call; Shiprocket picks the courier at AWB time."""
    policy = CourierPolicy.ACCOUNT_DEFAULT
    harness.settings = harness.settings.model_copy(update={"courier_policy": policy})
    data = harness.seed(12, seed=5)
    out = harness.sweep(batch_size=50)
    shipped = [r for r in out["results"] if r.outcome is Outcome.SHIPPED]
    assert {r.state.order_id for r in shipped} == set(data.expected["ship"])
    assert all(r.state.awb and r.state.courier_name and r.state.courier_id for r in shipped)
    assert all(r.state.shipping_cost is None for r in shipped)  # no quote was asked for
    calls = harness.runtime.stats.calls
    assert not [op for op in calls if "serviceab" in op], calls
    # create + AWB + pickup per shipment, label and manifest once for the batch
    assert out["calls"] == 3 * len(shipped) + 2
