"""The sweep under the failures Shiprocket really produces: never a second shipment, never stuck."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from pydantic import SecretStr

from fulfil.shiprocket.client_async import AsyncShiprocketClient
from fulfil.shiprocket.config import ShiprocketConfig, ShiprocketCredentials
from fulfil.simulator.transport import SimulatorAsyncTransport
from fulfil.store.dynamo import from_item
from fulfil.store.fulfilment import FulfilmentStore, state_from_item
from fulfil.sweep.chain import Outcome
from fulfil.sweep.service import SweepParameters, intake

LATER = timedelta(hours=7)  # past any retry delay (base 60 s doubling, capped at 6 h)


def _items(harness: Any) -> dict[tuple[str, str], dict[str, Any]]:
    pages = harness.dynamo.get_paginator("scan").paginate(
        TableName=harness.settings.tables.fulfilment
    )
    return {
        (i["orderId"], i["shipmentKey"]): i
        for p in pages
        for i in (from_item(x) for x in p["Items"])
    }


def _one_order(harness: Any, seed: int = 21) -> str:
    """Write one shippable, single-shipment order (and only that) into the store."""
    from fulfil.seed import generate
    from fulfil.store.writer import write_seed

    for s in range(seed, seed + 200):
        data = generate(1, seed=s, broken_share=0.0)
        if data.expected.get("ship") and len(data.orders[0]["orderItems"]) == 1:
            write_seed(harness.dynamo, harness.settings.tables, data)
            return str(data.expected["ship"][0])
    raise AssertionError("no shippable single-item order generated")


def test_dropped_create_response_is_reconciled_not_repeated(harness: Any) -> None:
    oid = _one_order(harness)
    harness.runtime.faults.force("drop_after_apply", "orders.create", 1)
    first = harness.sweep()
    [r] = first["results"]
    assert r.outcome is Outcome.RETRYING
    item = _items(harness)[(oid, "01")]
    assert item["uncertain"] is True and item["status"] == "retrying"
    assert harness.live_orders(f"{oid}-1") == (1, 1)  # the write was applied
    second = harness.sweep(advance=LATER)
    [r2] = second["results"]
    assert r2.outcome is Outcome.SHIPPED and r2.steps[0] == "lookup_order"
    assert harness.live_orders(f"{oid}-1") == (1, 1)  # looked up, not created again


def test_timeout_before_apply_looks_up_then_creates(harness: Any) -> None:
    oid = _one_order(harness, seed=40)
    harness.runtime.faults.force("timeout", "orders.create", 1)
    harness.sweep()
    assert harness.live_orders(f"{oid}-1") == (0, 0)
    out = harness.sweep(advance=LATER)
    [r] = out["results"]
    assert r.steps[:2] == ["lookup_order", "create_order"] and r.outcome is Outcome.SHIPPED
    assert harness.live_orders(f"{oid}-1") == (1, 1)


def test_cancelled_duplicate_ships_under_a_versioned_channel_id(harness: Any) -> None:
    oid = _one_order(harness, seed=60)
    harness.sweep(dry_run=True)
    # Someone created and cancelled <oid>-1 at Shiprocket before (e.g. an earlier manual attempt).
    _create_and_cancel(harness, f"{oid}-1")
    out = harness.sweep()
    [r] = out["results"]
    assert r.outcome is Outcome.SHIPPED
    assert r.state.channel_order_id == f"{oid}-1-v2" and r.state.channel_version == 2
    assert "cancelled at Shiprocket" in r.state.version_history[0]
    assert harness.live_orders(f"{oid}-1") == (1, 0)
    assert harness.live_orders(f"{oid}-1-v2") == (1, 1)


def test_transient_failure_resumes_the_chain_where_it_stopped(harness: Any) -> None:
    oid = _one_order(harness, seed=80)
    harness.runtime.faults.force("http_500", "courier.assign_awb", 1)
    [r] = harness.sweep()["results"]
    assert r.outcome is Outcome.RETRYING
    item = _items(harness)[(oid, "01")]
    assert item["attempts"] == 1 and item["srOrderId"] and "awb" not in item
    assert harness.sweep(advance=timedelta(seconds=1))["keys"] == []  # not due yet
    [r2] = harness.sweep(advance=LATER)["results"]
    assert r2.outcome is Outcome.SHIPPED and "create_order" not in r2.steps
    assert harness.live_orders(f"{oid}-1") == (1, 1)


def test_not_serviceable_parks_that_shipment_and_the_rest_ships(harness: Any) -> None:
    harness.seed(8, seed=5, broken_share=0.0)
    victim = _one_order(harness, seed=90)
    address_id = _order(harness, victim)["shippingAddressId"]
    harness.dynamo.update_item(
        TableName=harness.settings.tables.addresses,
        Key={"addressId": {"S": address_id}},
        UpdateExpression="SET Pincode = :p, City = :c",
        ExpressionAttributeValues={":p": {"S": "744101"}, ":c": {"S": "Port Blair"}},
    )
    out = harness.sweep()
    by_order = {r.state.order_id: r for r in out["results"]}
    assert by_order[victim].outcome is Outcome.PARKED
    assert by_order[victim].error_code == "not_serviceable"
    assert all(r.outcome is Outcome.SHIPPED for o, r in by_order.items() if o != victim)
    item = _items(harness)[(victim, "01")]
    assert item["status"] == "needs_attention" and "dueAt" not in item
    [(esc, _)] = [e for e in harness.recorder.escalations if e[0].order_id == victim]
    assert esc.reason_code == "not_serviceable" and esc.category.value == "delivery"
    assert harness.sweep(advance=LATER)["keys"] == []  # parked work is not re-read


def test_retries_exhausted_parks_with_the_last_error(harness: Any) -> None:
    oid = _one_order(harness, seed=100)
    harness.settings.max_attempts = 2
    harness.runtime.faults.force("http_503", "courier.serviceability", 5)
    harness.sweep()
    [r] = harness.sweep(advance=LATER)["results"]
    assert r.outcome is Outcome.PARKED and r.error_code == "retries_exhausted"
    assert _items(harness)[(oid, "01")]["lastErrorCode"] == "retries_exhausted"


def test_a_held_lease_is_respected_and_an_expired_one_is_taken_over(harness: Any) -> None:
    oid = _one_order(harness, seed=120)
    store = FulfilmentStore(harness.dynamo, harness.settings.tables)
    # enqueue via a real intake, then let another worker hold the claim
    intake(
        harness.settings,
        SweepParameters(),
        now=harness.now,
        client=harness.dynamo,
        recorder=lambda c, s: harness.recorder,
    )
    claimed = store.claim(
        oid, "01", "other-worker", harness.now, harness.now + timedelta(minutes=5)
    )
    assert claimed is not None
    assert harness.sweep()["results"] == []  # held by someone else: not worked
    [r] = harness.sweep(advance=timedelta(minutes=6))["results"]  # the lease expired
    assert r.outcome is Outcome.SHIPPED
    assert harness.live_orders(f"{oid}-1") == (1, 1)


def test_crash_after_create_resumes_without_a_second_order(harness: Any) -> None:
    oid = _one_order(harness, seed=140)
    harness.runtime.faults.force("http_500", "courier.serviceability", 1)
    harness.sweep()  # created at Shiprocket, then failed: like a crash after the create
    state = state_from_item(_items(harness)[(oid, "01")])
    assert state.sr_order_id is not None and state.awb is None
    [r] = harness.sweep(advance=LATER)["results"]
    assert r.outcome is Outcome.SHIPPED
    assert harness.live_orders(f"{oid}-1") == (1, 1)


def test_unparking_a_fixed_order_by_id(harness: Any) -> None:
    oid = _one_order(harness, seed=160)
    address_id = _order(harness, oid)["shippingAddressId"]
    _set_pin(harness, address_id, "")
    out = harness.sweep()
    assert [o for o, _ in out["intake"].parked] == [oid]
    assert _items(harness)[(oid, "00")]["status"] == "needs_attention"
    _set_pin(harness, address_id, "560001")  # a person fixes the record
    assert harness.sweep()["intake"].decisions == 0  # not re-read by normal sweeps
    fixed = harness.sweep(order_ids=[oid])
    [r] = fixed["results"]
    assert r.outcome is Outcome.SHIPPED
    assert _items(harness)[(oid, "00")]["status"] == "resolved"
    assert _order(harness, oid)["status"] == "ready_for_shipment"


def _order(harness: Any, oid: str) -> dict[str, Any]:
    page = harness.dynamo.query(
        TableName=harness.settings.tables.orders,
        KeyConditionExpression="orderId = :o",
        ExpressionAttributeValues={":o": {"S": oid}},
    )
    return from_item(page["Items"][0])


def _set_pin(harness: Any, address_id: str, pin: str) -> None:
    harness.dynamo.update_item(
        TableName=harness.settings.tables.addresses,
        Key={"addressId": {"S": address_id}},
        UpdateExpression="SET Pincode = :p, pincode = :p",
        ExpressionAttributeValues={":p": {"S": pin}},
    )


def _create_and_cancel(harness: Any, channel_order_id: str) -> None:
    import asyncio

    from fulfil.shiprocket.schemas import AdhocOrderItem, AdhocOrderRequest

    async def go() -> None:
        http = httpx.AsyncClient(
            transport=SimulatorAsyncTransport(harness.app),
            base_url="http://shiprocket.sim/v1/external",
        )
        client = AsyncShiprocketClient(
            http,
            config=ShiprocketConfig(
                base_url="http://shiprocket.sim/v1/external", requests_per_minute=0
            ),
            credentials=ShiprocketCredentials(
                email="api@example.test", password=SecretStr("sandbox-password")
            ),
        )
        created = await client.create_adhoc_order(
            AdhocOrderRequest(
                order_id=channel_order_id,
                order_date="2026-11-28",
                pickup_location="Primary",
                billing_customer_name="Old",
                billing_address="1 Old Road",
                billing_city="Pune",
                billing_pincode=411001,
                billing_state="Maharashtra",
                billing_country="India",
                billing_email="old@example.in",
                billing_phone=9876543210,
                shipping_is_billing=True,
                order_items=[AdhocOrderItem(name="x", sku="x", units=1, selling_price=100)],
                payment_method="Prepaid",
                sub_total=100,
                length=10,
                breadth=10,
                height=10,
                weight=0.5,
            )
        )
        await client.cancel_orders([created.sr_order_id])
        await http.aclose()

    asyncio.run(go())


def test_a_shipment_claimed_before_is_looked_up_before_it_is_created(harness: Any) -> None:
    """The lease is the create's write-ahead record: a second claimant looks the order up first."""
    oid = _one_order(harness, seed=180)
    store = FulfilmentStore(harness.dynamo, harness.settings.tables)
    intake(
        harness.settings,
        SweepParameters(),
        now=harness.now,
        client=harness.dynamo,
        recorder=lambda c, s: harness.recorder,
    )
    # a worker claims it and dies before recording anything (it may have sent the create)
    assert store.take_lease(
        oid, "01", "dead-worker", harness.now, harness.now + timedelta(minutes=5)
    )
    [r] = harness.sweep(advance=timedelta(minutes=6))["results"]
    # nothing found at Shiprocket: then created
    assert r.steps[:2] == ["lookup_order", "create_order"]
    assert r.outcome is Outcome.SHIPPED
    assert harness.live_orders(f"{oid}-1") == (1, 1)
    fresh = _one_order(harness, seed=181)
    [first] = [x for x in harness.sweep()["results"] if x.state.order_id == fresh]
    assert first.steps[0] == "create_order"  # claimed for the first time: no lookup needed
