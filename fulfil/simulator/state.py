"""In-memory state of one simulated Shiprocket account.

Plain dataclasses plus a `Store` that hands out ids and AWBs deterministically from the seed.
The store does no I/O and knows nothing about HTTP; route handlers mutate it while holding
`Store.lock`, so a multi-step change (look up, check, write) is atomic even when many requests
interleave on the event loop.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fulfil.simulator.codes import (
    A_TO_B,
    ORDER_CANCELED,
    ORDER_NEW,
    PICKED_UP_OR_LATER,
    SHIPMENT_CANCELED,
)
from fulfil.simulator.config import ScenarioName
from fulfil.simulator.couriers import Courier
from fulfil.simulator.scenarios import Scan, current_code, visible


@dataclass
class TokenRecord:
    jti: str
    issued_at: datetime
    expires_at: datetime
    revoked: bool = False


@dataclass
class Pickup:
    scheduled_date: datetime
    generated_at: datetime
    token_number: str


@dataclass
class Shipment:
    id: int
    order_id: int
    awb: str | None = None
    courier: Courier | None = None
    assigned_at: datetime | None = None
    reassigned_at: datetime | None = None
    applied_weight: float = 0.5
    pre_scan_status: int | None = None  # scheme A: 1, 2, 3 or 5 before any scan
    label_url: str | None = None
    manifested_at: datetime | None = None
    pickup: Pickup | None = None
    etd: datetime | None = None
    scenario: ScenarioName | None = None
    scans: list[Scan] = field(default_factory=list)
    timeline_start: datetime | None = None
    cancelled_at: datetime | None = None
    released_awbs: list[str] = field(default_factory=list)

    def visible_scans(self, now: datetime) -> list[Scan]:
        return visible(self.scans, now)

    def status_code(self, now: datetime) -> int | None:
        """Scheme A status, or None for a shipment with no AWB yet."""
        if self.cancelled_at is not None:
            return SHIPMENT_CANCELED
        from_scans = current_code(self.visible_scans(now))
        return from_scans if from_scans is not None else self.pre_scan_status

    def picked_up(self, now: datetime) -> bool:
        return any(s.sr_code in PICKED_UP_OR_LATER for s in self.visible_scans(now))


@dataclass
class Order:
    id: int
    channel_order_id: str
    channel_id: int
    payload: dict[str, Any]
    created_at: datetime
    shipment: Shipment
    cancelled_at: datetime | None = None

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    def status_code(self, now: datetime) -> int:
        """Scheme B status derived from the shipment's progress."""
        if self.cancelled:
            return ORDER_CANCELED
        code = self.shipment.status_code(now)
        return ORDER_NEW if code is None else A_TO_B.get(code, ORDER_NEW)


@dataclass
class ScenarioOverride:
    scenario: ScenarioName


class Store:
    """All orders, shipments, AWBs and tokens of the account."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rng = random.Random(f"ids|{seed}")
        self._next_order_id = 400_000_000 + self._rng.randint(0, 9_999_999)
        self._next_shipment_id = self._next_order_id - 3_700_000 - self._rng.randint(0, 99_999)
        self._awb_serial = self._rng.randint(100_000, 899_999)
        self._pickup_serial = self._rng.randint(1_000_000, 8_999_999)
        self.orders: dict[int, Order] = {}
        self.shipments: dict[int, Shipment] = {}
        self.awbs: dict[str, Shipment] = {}
        self.tokens: dict[str, TokenRecord] = {}
        self.overrides_by_awb: dict[str, ScenarioOverride] = {}
        self.overrides_by_channel_id: dict[str, ScenarioOverride] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    @property
    def lock(self) -> asyncio.Lock:
        """One lock per event loop (a store may be served by a test loop, then a thread's)."""
        loop_id = id(asyncio.get_running_loop())
        lock = self._locks.get(loop_id)
        if lock is None:
            lock = self._locks[loop_id] = asyncio.Lock()
        return lock

    def new_order(
        self, channel_order_id: str, channel_id: int, payload: dict[str, Any], now: datetime
    ) -> Order:
        order_id = self._next_order_id
        self._next_order_id += self._rng.randint(1, 40)
        shipment_id = self._next_shipment_id
        self._next_shipment_id += self._rng.randint(1, 40)
        shipment = Shipment(id=shipment_id, order_id=order_id)
        order = Order(order_id, channel_order_id, channel_id, payload, now, shipment)
        self.orders[order_id] = order
        self.shipments[shipment_id] = shipment
        return order

    def new_awb(self, courier: Courier) -> str:
        """A fresh AWB shaped like the courier's, unique across the account."""
        while True:
            self._awb_serial += 1
            body = f"{courier.awb_prefix}{self._awb_serial}"
            filler = courier.awb_length - len(body)
            tail = "".join(str(self._rng.randint(0, 9)) for _ in range(max(0, filler)))
            awb = (body + tail)[: max(courier.awb_length, len(body))]
            if awb not in self.awbs:
                return awb

    def new_pickup_token(self, now: datetime) -> str:
        self._pickup_serial += 1
        return f"Reference No: 194_BIGFOOT {self._pickup_serial}_{now:%d%m%Y}"

    def order_for_shipment(self, shipment: Shipment) -> Order:
        return self.orders[shipment.order_id]

    def orders_by_channel_id(self, channel_order_id: str) -> list[Order]:
        return [o for o in self.orders.values() if o.channel_order_id == channel_order_id]

    def find_order(self, channel_order_id: str, channel_id: int) -> Order | None:
        """The order create dedupes against: same channel order id in the same channel."""
        for order in self.orders.values():
            if order.channel_order_id == channel_order_id and order.channel_id == channel_id:
                return order
        return None

    def iter_orders(self) -> Iterator[Order]:
        return iter(sorted(self.orders.values(), key=lambda o: o.id))
