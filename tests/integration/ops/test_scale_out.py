"""Scale-out: two sweeps at once share one DynamoDB, one Shiprocket account and one rate limit.

Two `fulfil-paid-orders` flow runs start together under the session's real Prefect server, with
the Prefect global rate limit (slot decay) that `fulfil setup` creates and the per-process
pacing off, so the limit is the only thing holding them back. Both read the same moto DynamoDB
and call the same Shiprocket simulator on loopback.

What must hold: every planned shipment has exactly one live Shiprocket order (claims are
conditional writes, so two workers never work one shipment), and the simulator's own call
counter, sampled every 0.1 s, never shows more calls in any window than the limit admits
(`slots + decay x window`): the ceiling is the account's budget, however many workers there are.

moto's in-process backend applies a request in several Python steps without a lock, so two
threads could both pass one conditional write; real DynamoDB applies each write atomically. The
test serialises moto's request handling to model that (it changes no pipeline behaviour).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

from flows.fulfil_paid_orders import fulfil_paid_orders
from fulfil.seed import generate
from fulfil.simulator.config import SimulatorConfig
from fulfil.simulator.server import SandboxServer
from fulfil.store.dynamo import from_item
from fulfil.store.writer import write_seed

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.flow, pytest.mark.slow]

SLOTS = 2  # calls allowed back to back
DECAY = 10.0  # slots freed per second: the account budget, 600 calls/min
SAMPLE_SECONDS = 0.1
SLACK_SECONDS = 0.25  # sampling and loopback latency between a slot and the simulator's count


@pytest.fixture
def atomic_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.core.botocore_stubber import BotocoreStubber

    lock = threading.Lock()
    original = BotocoreStubber.__call__

    def serialised(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return original(self, *args, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", serialised)


@pytest.fixture
def global_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name = f"shiprocket-scale-{uuid.uuid4().hex[:8]}"
    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name=name, limit=SLOTS, slot_decay_per_second=DECAY)
        )
    monkeypatch.setenv("FULFIL_SHIPROCKET_GLOBAL_LIMIT", name)
    yield name
    with get_client(sync_client=True) as client:
        client.delete_global_concurrency_limit_by_name(name)


class CallSampler:
    """Polls the simulator's `/__sim/stats` and keeps (time, total calls) pairs."""

    def __init__(self, control_url: str) -> None:
        self.samples: list[tuple[float, int]] = []
        self._url = f"{control_url}/stats"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client() as http:
            while not self._stop.is_set():
                total = int(http.get(self._url).json()["total_calls"])
                self.samples.append((time.monotonic(), total))
                self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> CallSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def call_span(self) -> float:
        """Seconds from the first Shiprocket call seen to the last."""
        moving = [
            t for (t, c), (_, c0) in zip(self.samples[1:], self.samples, strict=False) if c > c0
        ]
        first = next(t for t, c in self.samples if c > 0)
        return max(moving) - first if moving else 0.0

    def worst_excess(self) -> tuple[float, int, float]:
        """Max of calls - (SLOTS + DECAY x (window + slack)) over all sample pairs <= 2 s apart."""
        worst = (float("-inf"), 0, 0.0)
        for i, (t0, c0) in enumerate(self.samples):
            for t1, c1 in self.samples[i + 1 :]:
                window = t1 - t0
                if window > 2.0:
                    break
                excess = (c1 - c0) - (SLOTS + DECAY * (window + SLACK_SECONDS))
                if excess > worst[0]:
                    worst = (excess, c1 - c0, window)
        return worst


def _table(dynamo: Any, name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in dynamo.get_paginator("scan").paginate(TableName=name):
        items.extend(from_item(i) for i in page["Items"])
    return items


def test_two_sweeps_at_once_ship_each_shipment_once_within_the_shared_budget(
    dynamo: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    atomic_moto: None,
    global_limit: str,
) -> None:
    monkeypatch.setenv("FULFIL_OUTBOX_DIR", str(tmp_path))
    monkeypatch.setenv("SHIPROCKET_REQUESTS_PER_MINUTE", "0")  # only the global limit paces
    for var in ("JIRA_BASE_URL", "JIRA_API_TOKEN", "WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"):
        monkeypatch.delenv(var, raising=False)
    data = generate(6, seed=21, broken_share=0.0)
    write_seed(dynamo, settings.tables, data)

    with SandboxServer(SimulatorConfig(seed=5)) as sandbox:
        monkeypatch.setenv("SHIPROCKET_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("SHIPROCKET_EMAIL", "api@example.test")
        monkeypatch.setenv("SHIPROCKET_PASSWORD", "sandbox-password")
        with CallSampler(sandbox.control_url) as sampler, ThreadPoolExecutor(2) as pool:
            runs = [
                pool.submit(
                    fulfil_paid_orders,
                    batch_size=4,
                    max_concurrency=4,
                    deliver_outbound=False,
                    return_state=True,
                )
                for _ in range(2)
            ]
            states = [run.result(timeout=120) for run in runs]
        live = [o for o in sandbox.runtime.store.iter_orders() if not o.cancelled]
        stats = sandbox.runtime.stats.dump()

    assert all(state.is_completed() for state in states)
    counts = [state.result() for state in states]
    planned = [
        item for item in _table(dynamo, settings.tables.fulfilment) if item["shipmentKey"] != "00"
    ]
    assert len(planned) >= 6  # multi-seller carts split into several shipments
    # Exactly one live Shiprocket order per planned shipment, shipped by exactly one sweep.
    channel_ids = sorted(o.channel_order_id for o in live)
    assert channel_ids == sorted(item["channelOrderId"] for item in planned)
    assert sum(c["shipped_new"] for c in counts) == len(planned)
    assert all(item.get("awb") and not item.get("leaseOwner") for item in planned)

    # The shared budget held: no window shows more calls than the limit admits ...
    excess, calls, window = sampler.worst_excess()
    assert excess <= 0, f"{calls} calls in {window:.2f}s exceed {SLOTS} + {DECAY}/s"
    assert not stats["rate_limited"]
    # ... and it did the holding: unpaced, these calls take a second or two on loopback.
    total = stats["total_calls"]
    assert total > 10 * SLOTS
    assert sampler.call_span() >= 0.8 * (total - SLOTS) / DECAY
