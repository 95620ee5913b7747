"""Fixtures for tracking tests: orders shipped by a real sweep against the in-process simulator.

The approach is the sweep tests' (seed orders, run intake and batches in-process), copied
rather than imported. The simulator clock starts at the harness's `now`, so scan times,
our timestamps and the stuck rules all live on one timeline; `advance` moves both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from fulfil.seed import SeedData, generate
from fulfil.shiprocket.config import ShiprocketConfig, ShiprocketCredentials
from fulfil.simulator.app import create_app, runtime_of
from fulfil.simulator.config import SimulatorConfig
from fulfil.simulator.transport import SimulatorAsyncTransport, SimulatorTransport
from fulfil.store.dynamo import from_item
from fulfil.store.writer import put_all, write_seed
from fulfil.sweep.context import MemoryRecorder
from fulfil.sweep.service import SweepParameters, due_work, intake, new_owner, ship_batch
from fulfil.tracking.config import TrackingSettings
from fulfil.tracking.context import MemoryNotifier
from fulfil.tracking.report import TrackingReport
from fulfil.tracking.service import build_services, run_tracking_sync

BASE_URL = "http://shiprocket.sim/v1/external"
START = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
IST = timezone(timedelta(hours=5, minutes=30))
CREDENTIALS = ShiprocketCredentials(
    email="api@example.test", password=SecretStr("sandbox-password")
)
CONFIG = ShiprocketConfig(base_url=BASE_URL, requests_per_minute=0)


@dataclass
class TrackingHarness:
    settings: Any
    dynamo: Any
    app: Any
    now: datetime = START
    sweep_recorder: MemoryRecorder = field(default_factory=MemoryRecorder)
    recorder: MemoryRecorder = field(default_factory=MemoryRecorder)
    notifier: MemoryNotifier = field(default_factory=MemoryNotifier)
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    sim_calls: list[int] = field(default_factory=list)

    # -- shipping ---------------------------------------------------------------------------
    def seed(self, orders: int, seed: int = 7, **kwargs: Any) -> SeedData:
        data = generate(orders, seed=seed, now=self.now - timedelta(hours=1), **kwargs)
        write_seed(self.dynamo, self.settings.tables, data)
        return data

    def ship(self, orders: int, seed: int = 7) -> list[dict[str, Any]]:
        """Seed and sweep; returns the fulfilment items that got an AWB."""
        self.seed(orders, seed=seed)
        params = SweepParameters()
        factory: Callable[..., MemoryRecorder] = lambda client, settings: self.sweep_recorder  # noqa: E731
        report = intake(self.settings, params, now=self.now, client=self.dynamo, recorder=factory)
        keys = due_work(self.settings, params, report.work, now=self.now, client=self.dynamo)
        for start in range(0, len(keys), 50):
            ship_batch(
                self.settings,
                keys[start : start + 50],
                owner=new_owner(),
                client=self.dynamo,
                http=self.http(),
                config=CONFIG,
                credentials=CREDENTIALS,
                recorder=factory,
                clock=lambda: self.now,
            )
        items = self.table("fulfilment")
        return [i for i in items if i.get("status") == "shipped" and i.get("activeShard")]

    # -- simulator ----------------------------------------------------------------------------
    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=SimulatorAsyncTransport(self.app), base_url=BASE_URL, timeout=5
        )

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        transport = SimulatorTransport(self.app)
        with httpx.Client(transport=transport, base_url="http://shiprocket.sim") as client:
            response = client.request(method, f"/__sim{path}", json=body)
            response.raise_for_status()
            return response.json()

    def force(self, awb: str, scenario: str) -> None:
        self.control("POST", "/scenario", {"scenario": scenario, "awb": awb})

    def advance(self, **delta: float) -> None:
        step = timedelta(**delta)
        self.now += step
        runtime_of(self.app).clock.advance(step.total_seconds())

    def scan_times(self, awb: str, sr_status: str | None = None) -> list[datetime]:
        """When each scan (or each scan with this `sr-status`) becomes visible, in order."""
        scans = self.control("GET", f"/shipments/{awb}/timeline")["scans"]
        return [
            datetime.strptime(s["visible_at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=IST)
            for s in scans
            if sr_status is None or s["sr-status"] == sr_status
        ]

    def advance_past(self, moment: datetime) -> None:
        """Move both clocks to one minute after `moment` (never backwards)."""
        if moment + timedelta(minutes=1) > self.now:
            self.advance(seconds=(moment + timedelta(minutes=1) - self.now).total_seconds())

    def bulk_calls(self) -> int:
        return int(runtime_of(self.app).stats.calls.get("courier.track_awbs", 0))

    # -- tracking -----------------------------------------------------------------------------
    def sync(self, **kwargs: Any) -> TrackingReport:
        services = build_services(
            self.settings,
            tracking=self.tracking,
            dynamo=self.dynamo,
            http_factory=self.http,
            config=CONFIG,
            credentials=CREDENTIALS,
            recorder=self.recorder,
            notifier=self.notifier,
            clock=lambda: self.now,
        )

        async def no_sleep(_: float) -> None:
            return None

        services.sleep = no_sleep
        return run_tracking_sync(self.settings, services=services, **kwargs)

    # -- tables -------------------------------------------------------------------------------
    def table(self, name: str) -> list[dict[str, Any]]:
        table = getattr(self.settings.tables, name)
        items: list[dict[str, Any]] = []
        for page in self.dynamo.get_paginator("scan").paginate(TableName=table):
            items.extend(from_item(i) for i in page["Items"])
        return items

    def item(self, awb: str) -> dict[str, Any]:
        return next(i for i in self.table("fulfilment") if i.get("awb") == awb)

    def order(self, order_id: str) -> dict[str, Any]:
        return next(o for o in self.table("orders") if o["orderId"] == order_id)

    def events(self, awb: str) -> list[dict[str, Any]]:
        return [e for e in self.table("events") if e["awb"] == awb]

    def put_items(self, items: list[dict[str, Any]]) -> None:
        put_all(self.dynamo, self.settings.tables.fulfilment, items)


@pytest.fixture
def th(dynamo: Any, settings: Any) -> Iterator[TrackingHarness]:
    app = create_app(SimulatorConfig(seed=1, start_time=START))
    yield TrackingHarness(settings=settings, dynamo=dynamo, app=app)
