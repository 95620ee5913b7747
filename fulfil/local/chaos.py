"""The chaos run: several sweep processes, a faulty Shiprocket, a kill, a token expiry.

Used by the chaos test (small numbers) and `benchmarks/chaos.py` (larger ones). It checks the
invariants that make the sweep trustworthy:
- for every planned shipment, exactly one live Shiprocket order across its channel-id versions;
- every candidate order is shipped or parked with a reason (nothing left pending or retrying);
- no lease is left held.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

from fulfil.seed import generate
from fulfil.settings import load_settings
from fulfil.simulator.config import FaultConfig, SimulatorConfig
from fulfil.simulator.server import SandboxServer
from fulfil.store.dynamo import from_item, init_tables, make_client
from fulfil.store.writer import write_seed

CHAOS_FAULTS = FaultConfig(
    seed=11, http_500=0.04, http_503=0.03, http_429=0.03, timeout=0.04, drop_after_apply=0.06
)  # 20 % of calls fail, every kind


@dataclass
class ChaosResult:
    orders: int
    shippable: int
    planned_shipments: int
    shipped: int
    parked: int
    violations: list[str] = field(default_factory=list)
    killed_worker_output: str = ""
    seconds: float = 0.0
    calls: dict[str, Any] = field(default_factory=dict)


def _env(endpoint: str, sandbox: SandboxServer, prefix: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
            "AWS_ACCESS_KEY_ID": "chaos",
            "AWS_SECRET_ACCESS_KEY": "chaos",
            "AWS_REGION": "ap-south-1",
            "AWS_DEFAULT_REGION": "ap-south-1",
            "FULFIL_TABLE_PREFIX": prefix,
            "SHIPROCKET_BASE_URL": sandbox.base_url,
            "SHIPROCKET_EMAIL": "api@example.test",
            "SHIPROCKET_PASSWORD": "sandbox-password",
            "SHIPROCKET_REQUESTS_PER_MINUTE": "0",
            "SHIPROCKET_READ_TIMEOUT": "0.5",
            "FULFIL_RETRY_BASE_SECONDS": "1",
            "FULFIL_RETRY_MAX_SECONDS": "2",
            "FULFIL_LEASE_SECONDS": "5",
            "FULFIL_MAX_ATTEMPTS": "60",
        }
    )
    env.pop("AWS_SESSION_TOKEN", None)
    env.pop("AWS_ENDPOINT_URL", None)
    return env


def run_chaos(
    endpoint: str,
    *,
    orders: int = 30,
    workers: int = 4,
    seed: int = 5,
    prefix: str | None = None,
    deadline_seconds: float = 240,
) -> ChaosResult:
    started = time.monotonic()
    prefix = prefix or f"chaos{random.randrange(10**6)}-"
    rng = random.Random(seed)
    config = SimulatorConfig(
        seed=seed, faults=CHAOS_FAULTS, timeout_fault_seconds=1.0, retry_after_seconds=1
    )
    with SandboxServer(config) as sandbox:
        env = _env(endpoint, sandbox, prefix)
        os.environ.update(
            {
                k: env[k]
                for k in (
                    "AWS_ENDPOINT_URL_DYNAMODB",
                    "FULFIL_TABLE_PREFIX",
                    "AWS_ACCESS_KEY_ID",
                    "AWS_SECRET_ACCESS_KEY",
                )
            }
        )
        settings = load_settings()
        client = make_client(settings, endpoint_url=endpoint)
        init_tables(settings, client)
        data = generate(orders, seed=seed, broken_share=0.1)
        write_seed(client, settings.tables, data)
        cmd = [
            sys.executable,
            "-m",
            "fulfil.sweep.worker",
            "--rounds",
            "60",
            "--pause",
            "0.3",
            "--batch-size",
            "5",
        ]
        procs = [
            subprocess.Popen(
                cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            for _ in range(workers)
        ]
        with httpx.Client() as http:
            # a sweep dies mid-flight (leases and all) once shipping has started ...
            _wait_for_creates(
                http, sandbox.control_url, max(2, orders // 6), started, deadline_seconds
            )
            time.sleep(rng.uniform(0.0, 1.0))
            procs[0].send_signal(signal.SIGKILL)
            killed_output = procs[0].communicate()[0]
            # ... and every cached token dies while there is still work to do
            _wait_for_creates(
                http, sandbox.control_url, max(4, orders // 3), started, deadline_seconds
            )
            http.post(f"{sandbox.control_url}/tokens/expire").raise_for_status()
        for p in procs[1:]:
            p.wait(timeout=max(deadline_seconds - (time.monotonic() - started), 10))
        # Faults off; sweep until quiet (after the killed sweep's leases expire).
        with httpx.Client() as http:
            http.patch(
                f"{sandbox.control_url}/config",
                json={
                    "faults": {
                        "http_500": 0,
                        "http_503": 0,
                        "http_429": 0,
                        "timeout": 0,
                        "drop_after_apply": 0,
                    }
                },
            ).raise_for_status()
        time.sleep(5.5)
        for _ in range(10):  # sweep until quiet: nothing pending or retrying is left
            final = subprocess.run(
                [*cmd, "--quiet-rounds", "2", "--pause", "1"],
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
            )
            if final.returncode != 0:
                raise RuntimeError(
                    f"final sweep failed ({final.returncode}):\n"
                    f"{final.stdout[-3000:]}\n{final.stderr[-3000:]}"
                )
            still_open = [
                i
                for i in _scan(client, settings.tables.fulfilment)
                if i.get("status") in ("pending", "retrying")
            ]
            if not still_open:
                break
            time.sleep(2)
        result = _check(client, settings, sandbox, data)
        with httpx.Client() as http:
            result.calls = http.get(f"{sandbox.control_url}/stats").json()
    result.killed_worker_output = killed_output[-2000:]
    result.seconds = time.monotonic() - started
    return result


def _wait_for_creates(
    http: httpx.Client, control: str, count: int, started: float, deadline: float
) -> None:
    """Block until the simulator has seen `count` create-order calls (or the deadline)."""
    while time.monotonic() - started < deadline / 2:
        calls = http.get(f"{control}/stats").json()["calls"]
        if calls.get("orders.create", 0) >= count:
            return
        time.sleep(0.05)


def _scan(client: Any, table: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=table):
        out.extend(from_item(i) for i in page["Items"])
    return out


def _check(client: Any, settings: Any, sandbox: SandboxServer, data: Any) -> ChaosResult:
    items = _scan(client, settings.tables.fulfilment)
    by_order: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_order[item["orderId"]].append(item)
    candidates = {o["orderId"] for o in data.orders if o["status"] == "confirmed"}
    shippable = set(data.expected.get("ship", []))
    violations: list[str] = []
    live_by_family: dict[str, int] = defaultdict(int)
    for order in sandbox.runtime.store.iter_orders():
        if not order.cancelled:
            family = order.channel_order_id.split("-v")[0]
            live_by_family[family] += 1
    shipped = parked = planned = 0
    for item in items:
        if item.get("leaseOwner"):
            violations.append(f"lease left held on {item['orderId']}/{item['shipmentKey']}")
        status = item.get("status")
        if status in ("pending", "retrying"):
            violations.append(f"{item['orderId']}/{item['shipmentKey']} left {status}")
        if item["shipmentKey"] == "00" or status == "legacy":
            parked += status == "needs_attention"
            continue
        planned += 1
        family = f"{item['orderId']}-{int(item['shipmentKey'])}"
        if status == "shipped":
            shipped += 1
            if live_by_family.get(family, 0) != 1:
                violations.append(f"{family}: {live_by_family.get(family, 0)} live orders")
        elif status == "needs_attention":
            parked += 1
            if not item.get("lastErrorCode"):
                violations.append(f"{family} parked without a reason")
            if live_by_family.get(family, 0) > 1:
                violations.append(f"{family}: parked with several live orders")
    for oid in candidates:
        if oid not in by_order:
            violations.append(f"order {oid} was never taken in")
    for oid in shippable:
        if not any(i.get("status") in ("shipped", "needs_attention") for i in by_order[oid]):
            violations.append(f"order {oid} neither shipped nor parked")
    return ChaosResult(
        orders=len(data.orders),
        shippable=len(shippable),
        planned_shipments=planned,
        shipped=shipped,
        parked=parked,
        violations=violations,
    )
