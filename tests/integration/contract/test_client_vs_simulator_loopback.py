"""The async client against the simulator on a real loopback socket (uvicorn).

In process, lost responses are translated into httpx exceptions by the simulator transport; over
TCP they are the real thing: a drop is a connection closed mid-body, a timeout is a server that
does not answer in time. The client must read both as "uncertain" on a write, and the
reconciliation read must tell them apart (the drop was applied, the timeout was not).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fulfil.shiprocket import (
    AdhocOrderRequest,
    AsyncShiprocketClient,
    InMemoryTokenStore,
    TrackingState,
)
from fulfil.shiprocket import errors as e

AsyncControl = Any
NewOrder = Callable[..., AdhocOrderRequest]
MakeLoopback = Callable[..., tuple[AsyncShiprocketClient, httpx.AsyncClient, AsyncControl]]


def test_async_client_over_loopback(
    make_loopback_client: MakeLoopback, new_order: NewOrder
) -> None:
    store = InMemoryTokenStore()

    async def run() -> None:
        client, http, control = make_loopback_client(token_store=store)
        impatient, impatient_http, _ = make_loopback_client(read_timeout=0.2, token_store=store)
        async with http, impatient_http:
            created = await client.create_adhoc_order(new_order("LB-OK"))
            assert created.shipment_id is not None
            assignment = await client.assign_awb(created.shipment_id)
            tracked = await client.track_awbs([assignment.awb_code])
            assert tracked[assignment.awb_code].state is TrackingState.NO_ACTIVITY

            await control.force_fault("drop_after_apply", "orders.create")
            with pytest.raises(e.ShiprocketUncertainError) as dropped:
                await client.create_adhoc_order(new_order("LB-DROP"))
            assert "may have been applied" in dropped.value.message
            found = await client.find_orders_by_channel_order_id("LB-DROP")
            assert len(found) == 1  # applied before the connection broke

            await control.force_fault("timeout", "orders.create")
            with pytest.raises(e.ShiprocketUncertainError) as timed_out:
                await impatient.create_adhoc_order(new_order("LB-TIMEOUT"))
            assert "ReadTimeout" in timed_out.value.message
            assert await client.find_orders_by_channel_order_id("LB-TIMEOUT") == []

            counts = [(await control.count(cid))["total"] for cid in ("LB-DROP", "LB-TIMEOUT")]
            assert counts == [1, 0]
        assert store.saves == 1  # both clients used one login

    asyncio.run(run())


def test_async_client_in_process_round_trip(
    make_async_client: Callable[..., tuple[AsyncShiprocketClient, httpx.AsyncClient, Any]],
    new_order: NewOrder,
) -> None:
    """The async twin parses the same answers as the sync client (no socket needed)."""

    async def run() -> None:
        client, http, control = make_async_client()
        async with http:
            created = await client.create_adhoc_order(new_order("AS-1"))
            assert created.shipment_id is not None
            assignment = await client.assign_awb(created.shipment_id)
            pickup = await client.generate_pickup(created.shipment_id)
            manifest = await client.generate_manifest([created.shipment_id])
            assert pickup.pickup_token_number and manifest.manifest_url
            await control.force_fault("drop_after_apply", "orders.cancel_shipments")
            with pytest.raises(e.ShiprocketUncertainError):
                await client.cancel_shipments_by_awbs([assignment.awb_code])
            after = await client.track_awbs([assignment.awb_code])
            assert after[assignment.awb_code].state is TrackingState.NO_DATA  # it was applied

    asyncio.run(run())
