"""The async client shares builders and parsers; these cover what only async can get wrong."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from fulfil.domain.shipment_status import ShipmentStatus
from fulfil.shiprocket import (
    AdhocOrderItem,
    AdhocOrderRequest,
    AsyncShiprocketClient,
    TrackingState,
)
from fulfil.shiprocket import errors as e
from fulfil.shiprocket.ratelimit import AsyncRateLimiter

MakeAsync = Callable[..., tuple[AsyncShiprocketClient, httpx.AsyncClient]]
FakeShiprocket = Any  # the conftest fixture's class


def test_concurrent_first_calls_share_one_login(
    fake: FakeShiprocket, make_async_client: MakeAsync
) -> None:
    fake.add("POST", "courier/track/awbs", fake.reply(200, "track_awbs_200.json"))
    awbs = fake.load("track_awbs_request")["awbs"]

    async def run() -> list[dict[str, Any]]:
        client, http = make_async_client()
        async with http:
            return await asyncio.gather(*(client.track_awbs(awbs) for _ in range(8)))

    results = asyncio.run(run())
    assert len(fake.calls("auth/login")) == 1
    assert len(fake.calls("courier/track/awbs")) == 8
    assert all(r[awbs[2]].state is TrackingState.NO_DATA for r in results)


def test_operations_round_trip(fake: FakeShiprocket, make_async_client: MakeAsync) -> None:
    fake.add("GET", "courier/serviceability/", fake.reply(200, "serviceability_200.json"))
    fake.add("POST", "courier/assign/awb", fake.reply(200, "assign_awb_200.json"))
    fake.add(
        "GET", "courier/track/awb/141123221084922", fake.reply(200, "track_awb_200_delivered.json")
    )
    fake.add("POST", "manifests/generate", fake.reply(400, "manifest_400_already.json"))
    fake.add("POST", "orders/cancel", fake.reply(204))

    async def run() -> None:
        client, http = make_async_client()
        async with http:
            options = await client.check_serviceability(
                pickup_postcode=400001, delivery_postcode=560038, weight_kg=Decimal("1"), cod=True
            )
            assert options.recommended is not None
            awb = await client.assign_awb(16090281, options.recommended.courier_company_id)
            assert awb.awb_code == "321055706540"
            tracked = await client.track_awb("141123221084922")
            assert tracked.status is ShipmentStatus.DELIVERED
            assert (await client.generate_manifest([16090281])).already_generated
            assert (await client.cancel_orders([1])).status_code == 204

    asyncio.run(run())
    assert fake.body(path="courier/assign/awb") == {"shipment_id": 16090281, "courier_id": 142}


def test_401_relogin_then_success(fake: FakeShiprocket, make_async_client: MakeAsync) -> None:
    fake.add(
        "POST",
        "orders/create/adhoc",
        fake.reply(401, "unauthenticated_401.json"),
        fake.reply(200, "create_order_200.json"),
    )
    fake.add("POST", "courier/assign/awb", fake.reply(401, "unauthenticated_401.json"))

    async def run() -> None:
        client, http = make_async_client()
        async with http:
            request = _order()
            assert (await client.create_adhoc_order(request)).sr_order_id == 16161616
            with pytest.raises(e.ShiprocketAuthError):
                await client.assign_awb(1)

    asyncio.run(run())
    assert len(fake.calls("orders/create/adhoc")) == 2
    assert len(fake.calls("courier/assign/awb")) == 2
    assert len(fake.calls("auth/login")) == 3


def test_read_timeout_on_write_is_uncertain(
    fake: FakeShiprocket, make_async_client: MakeAsync
) -> None:
    fake.add("POST", "courier/generate/pickup", httpx.ReadTimeout("read"))
    fake.add("POST", "courier/track/awbs", httpx.ConnectError("refused"))

    async def run() -> None:
        client, http = make_async_client()
        async with http:
            with pytest.raises(e.ShiprocketUncertainError) as info:
                await client.generate_pickup(16090281)
            assert info.value.correlation_id == fake.requests[-1].headers["x-request-id"]
            with pytest.raises(e.ShiprocketConnectionError):
                await client.track_awbs(["A1"])

    asyncio.run(run())


def test_async_hook_and_limiter_are_awaited(
    fake: FakeShiprocket, make_async_client: MakeAsync
) -> None:
    fake.add("POST", "courier/track/awbs", fake.reply(200, {}))
    now = [0.0]
    hook_calls: list[str] = []

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    async def hook() -> None:
        hook_calls.append("async")

    async def run() -> None:
        limiter = AsyncRateLimiter(120, burst=1, clock=lambda: now[0], sleep=sleep)
        client, http = make_async_client(rate_limiter=limiter, before_request=hook)
        async with http:
            await client.track_awbs(["A1"])
            await client.track_awbs(["A1"])

    asyncio.run(run())
    assert hook_calls == ["async"] * 3  # login + two calls
    assert now[0] == pytest.approx(1.0)  # two paced waits of 0.5 s


def _order() -> AdhocOrderRequest:
    return AdhocOrderRequest(
        order_id="TT-9",
        order_date="2024-06-28",
        pickup_location="Default Pickup",
        billing_customer_name="Asha",
        billing_address="12 MG Road",
        billing_city="Bengaluru",
        billing_pincode=560038,
        billing_state="Karnataka",
        billing_country="India",
        billing_email="asha@example.in",
        billing_phone=9876543210,
        shipping_is_billing=True,
        order_items=[AdhocOrderItem(name="Ball", sku="B3", units=1, selling_price=Decimal("50"))],
        payment_method="COD",
        sub_total=Decimal("50"),
        length=Decimal("10"),
        breadth=Decimal("5"),
        height=Decimal("5"),
        weight=Decimal("0.2"),
    )
