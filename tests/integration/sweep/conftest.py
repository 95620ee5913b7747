"""Fixtures for sweep tests: the in-process Shiprocket simulator and a sweep harness."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from fulfil.seed import SeedData, generate
from fulfil.shiprocket.config import ShiprocketConfig, ShiprocketCredentials
from fulfil.simulator.app import create_app, runtime_of
from fulfil.simulator.config import SimulatorConfig
from fulfil.simulator.transport import SimulatorAsyncTransport
from fulfil.store.writer import write_seed
from fulfil.sweep.context import MemoryRecorder
from fulfil.sweep.intake import IntakeReport
from fulfil.sweep.service import SweepParameters, due_work, intake, new_owner, ship_batch

BASE_URL = "http://shiprocket.sim/v1/external"


@dataclass
class SweepHarness:
    settings: Any
    dynamo: Any
    app: Any
    recorder: MemoryRecorder
    now: datetime

    @property
    def runtime(self) -> Any:
        return runtime_of(self.app)

    def live_orders(self, channel_order_id: str) -> tuple[int, int]:
        """(all, not cancelled) Shiprocket orders for a channel order id: the duplicate detector."""
        orders = self.runtime.store.orders_by_channel_id(channel_order_id)
        return len(orders), sum(1 for o in orders if not o.cancelled)

    def seed(self, orders: int, seed: int = 7, **kwargs: Any) -> SeedData:
        data = generate(orders, seed=seed, **kwargs)
        write_seed(self.dynamo, self.settings.tables, data)
        return data

    def sweep(self, *, advance: timedelta = timedelta(0), **params: Any) -> dict[str, Any]:
        """One whole sweep (intake, due, batches) in-process; returns what happened."""
        self.now += advance
        p = SweepParameters(**params)
        factory: Callable[..., MemoryRecorder] = lambda client, settings: self.recorder  # noqa: E731
        report: IntakeReport = intake(
            self.settings, p, now=self.now, client=self.dynamo, recorder=factory
        )
        keys = due_work(self.settings, p, report.work, now=self.now, client=self.dynamo)
        results = []
        calls = 0
        if not p.dry_run:
            for start in range(0, len(keys), p.batch_size):
                http = httpx.AsyncClient(
                    transport=SimulatorAsyncTransport(self.app), base_url=BASE_URL, timeout=5
                )
                batch, n = ship_batch(
                    self.settings,
                    keys[start : start + p.batch_size],
                    owner=new_owner(),
                    client=self.dynamo,
                    http=http,
                    config=ShiprocketConfig(base_url=BASE_URL, requests_per_minute=0),
                    credentials=ShiprocketCredentials(
                        email="api@example.test", password=SecretStr("sandbox-password")
                    ),
                    recorder=factory,
                    clock=lambda: self.now,
                    max_concurrency=p.max_concurrency,
                )
                results.extend(batch.results)
                calls += n
        return {"intake": report, "keys": keys, "results": results, "calls": calls}


@pytest.fixture
def harness(dynamo: Any, settings: Any) -> SweepHarness:
    config = SimulatorConfig(seed=1)
    return SweepHarness(
        settings=settings,
        dynamo=dynamo,
        app=create_app(config),
        recorder=MemoryRecorder(),
        now=datetime(2026, 11, 29, 6, 0, tzinfo=UTC),
    )


@pytest.fixture
def local_harness(settings: Any, dynamodb_local_endpoint: str | None) -> SweepHarness:
    """The harness on DynamoDB Local with write coalescing on (the production default)."""
    from fulfil.store.dynamo import init_tables, make_client

    if dynamodb_local_endpoint is None:
        pytest.skip("DynamoDB Local unavailable (no Java or jar)")
    client = make_client(settings, endpoint_url=dynamodb_local_endpoint)
    init_tables(settings, client)
    return SweepHarness(
        settings=settings.model_copy(update={"write_coalescing": True}),
        dynamo=client,
        app=create_app(SimulatorConfig(seed=1)),
        recorder=MemoryRecorder(),
        now=datetime(2026, 11, 29, 6, 0, tzinfo=UTC),
    )
