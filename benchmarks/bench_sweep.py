"""Benchmark: the sweep at volume, side by side in one run.

Prints, in one run (DynamoDB Local when Java is present, the simulator in its own process with
50 ms latency per call):
1. items read per sweep / pending orders, with H historical orders in the table;
2. Shiprocket calls per shipped order on the happy path;
3. wall time of N orders with a client-side rate limit, divided by the bound (calls / rate);
4. the speed-up over a naive sequential loop on the same number of orders, limit lifted;
5. Prefect overhead per order (the flow vs the same code without Prefect, same volume);
6. the idle tick: DynamoDB calls and wall time when nothing is pending.

Usage: `.venv/bin/python -m benchmarks.bench_sweep [--orders 2000] [--history 100000]`
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

import httpx

from benchmarks._stack import SERVER_PIDS, benchmark_dynamodb, cpu_seconds
from fulfil.local.dynamodb_local import free_port
from fulfil.seed import generate
from fulfil.settings import load_settings
from fulfil.store.dynamo import init_tables, make_client
from fulfil.store.writer import write_seed
from fulfil.sweep.chain import Outcome
from fulfil.sweep.service import SweepParameters, open_stores, run_sweep


def _stats(control: str) -> int:
    data = httpx.get(f"{control}/stats").json()
    return sum(v for k, v in data["calls"].items() if k != "auth.login")


def _seed(n: int, seed: int, history: int = 0) -> int:
    settings = load_settings()
    data = generate(n, seed=seed, history=history, broken_share=0.0)
    for o in data.orders:  # every order shippable: this measures the shipping path
        if o["status"] == "pending":
            o.update(status="confirmed", paymentStatus="paid")
        o.pop("awb", None)
        o.pop("shipmentId", None)
    write_seed(make_client(settings), settings.tables, data)
    return sum(1 for o in data.orders if o["status"] == "confirmed")


class DynamoCounter:
    """Counts DynamoDB API calls made by every boto3 client of this process."""

    def __init__(self) -> None:
        import boto3

        self.calls = 0
        self.by_operation: dict[str, int] = {}
        boto3.setup_default_session()
        session = boto3._get_default_session()
        session.events.register("before-call.dynamodb", self._count)

    def _count(self, event_name: str = "", **_: Any) -> None:
        self.calls += 1
        op = event_name.rsplit(".", 1)[-1]
        self.by_operation[op] = self.by_operation.get(op, 0) + 1


def _dynamodb_throughput(seconds: float = 5.0, threads: int = 16) -> float:
    """Update calls per second the local DynamoDB sustains from this process (same run)."""
    from concurrent.futures import ThreadPoolExecutor

    settings = load_settings()
    client = make_client(settings)
    table = settings.tables.control
    deadline = time.perf_counter() + seconds

    def hammer(i: int) -> int:
        n = 0
        while time.perf_counter() < deadline:
            client.update_item(
                TableName=table,
                Key={"pk": {"S": "probe"}, "sk": {"S": str(i)}},
                UpdateExpression="SET v = :v",
                ExpressionAttributeValues={":v": {"N": str(n)}},
            )
            n += 1
        return n

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        total = sum(pool.map(hammer, range(threads)))
    return total / (time.perf_counter() - t0)


def _sweep(params: SweepParameters, workers: int) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    report, results = run_sweep(load_settings(), params, workers=workers)
    elapsed = time.perf_counter() - t0
    shipped = sum(1 for b, _ in results for r in b.results if r.outcome.value == "shipped")
    return elapsed, shipped, report.decisions


def _naive_sweep() -> tuple[float, int]:
    """The obvious loop: one order at a time, every step awaited before the next.

    It reuses the sweep's own steps (planning, claim, the chain, write-back) so that only the
    scheduling differs: intake plans and records one order at a time, then each shipment is
    claimed, created, given an AWB, picked up, documented (label and manifest per shipment) and
    written back before the next one starts. No write coalescing, no concurrency.
    """
    import asyncio

    from fulfil.shiprocket.client_core import build_async_http_client
    from fulfil.shiprocket.config import ShiprocketConfig
    from fulfil.store.fulfilment import FulfilmentStore
    from fulfil.store.source import SourceReader
    from fulfil.store.storefront import StorefrontWriter
    from fulfil.sweep.batch import run_batch
    from fulfil.sweep.context import SweepContext, utc_now
    from fulfil.sweep.intake import run_intake
    from fulfil.sweep.recorder import OutboxRecorder
    from fulfil.sweep.service import new_owner, shiprocket_client

    settings = load_settings().model_copy(update={"write_coalescing": False})
    client = make_client(settings)
    store = FulfilmentStore(client, settings.tables, shards=settings.queue_shards)
    storefront = StorefrontWriter(client, settings.tables)
    recorder = OutboxRecorder(client, settings)
    t0 = time.perf_counter()
    report = run_intake(
        reader=SourceReader(client, settings.tables, query_threads=1),
        store=store,
        storefront=storefront,
        recorder=recorder,
        settings=settings,
        now=utc_now(),
        parallel=1,
    )

    async def ship_one_by_one() -> int:
        config = ShiprocketConfig()
        async with build_async_http_client(config) as http:
            ctx = SweepContext(
                settings=settings,
                store=store,
                storefront=storefront,
                recorder=recorder,
                owner=new_owner(),
                client=shiprocket_client(settings, client, http, config=config),
            )
            shipped = 0
            for key in report.work:
                batch = await run_batch(ctx, [key], max_concurrency=1)
                shipped += batch.count(Outcome.SHIPPED)
            return shipped

    shipped = asyncio.run(ship_one_by_one())
    return time.perf_counter() - t0, shipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=6000, help="client calls per minute")
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--naive-orders", type=int, default=60)
    parser.add_argument("--prefect-orders", type=int, default=500)
    args = parser.parse_args()
    port = free_port()
    sim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fulfil.simulator",
            "--port",
            str(port),
            "--seed",
            "1",
            "--latency-ms",
            str(args.latency_ms),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    control = f"http://127.0.0.1:{port}/__sim"
    os.environ.update(
        {
            "SHIPROCKET_BASE_URL": f"http://127.0.0.1:{port}/v1/external",
            "SHIPROCKET_EMAIL": "api@example.test",
            "SHIPROCKET_PASSWORD": "sandbox-password",
            "SHIPROCKET_REQUESTS_PER_MINUTE": str(args.rate),
            "SHIPROCKET_BURST": "5",
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
    )
    try:
        for _ in range(100):
            try:
                httpx.get(f"{control}/clock")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        with benchmark_dynamodb() as (_, backend):
            out = run_benchmark(args, control, backend, sim.pid)
    finally:
        sim.terminate()
    print(json.dumps(out, indent=2))


def run_benchmark(args: Any, control: str, backend: str, sim_pid: int) -> dict[str, Any]:
    counter = DynamoCounter()  # before any client exists: clients copy the session's hooks
    settings = load_settings()
    init_tables(settings, make_client(settings))
    pending = _seed(args.orders, seed=3, history=args.history)
    stores = open_stores(settings)
    dynamo_rate = _dynamodb_throughput()
    before_calls = _stats(control)
    params = SweepParameters(batch_size=100, max_concurrency=16)
    # 1-3: the big sweep, paced by the client limiter
    from fulfil.store.source import SourceReader

    reader = SourceReader(stores.client, settings.tables)
    candidates = sum(1 for _ in reader.iter_orders_by_status("confirmed"))
    items_read = reader.stats.items
    dynamo_before, ops_before = counter.calls, dict(counter.by_operation)
    elapsed, shipped, _ = _sweep(params, workers=4)
    dynamo_calls = counter.calls - dynamo_before
    ops = {k: v - ops_before.get(k, 0) for k, v in counter.by_operation.items()}
    calls = _stats(control) - before_calls
    rate = args.rate / 60.0
    bound = calls / rate
    dynamo_bound = dynamo_calls / dynamo_rate
    result: dict[str, Any] = {
        "backend": backend,
        "latency_ms": args.latency_ms,
        "orders": args.orders,
        "history": args.history,
        "items_read_per_pending": round(items_read / max(candidates, 1), 3),
        "pending": pending,
        "shipped_shipments": shipped,
        "shiprocket_calls": calls,
        "calls_per_shipped_shipment": round(calls / max(shipped, 1), 2),
        "wall_seconds": round(elapsed, 1),
        "bound_seconds": round(bound, 1),
        "wall_over_bound": round(elapsed / bound, 3),
        "dynamodb_calls": dynamo_calls,
        "dynamodb_calls_per_shipment": round(dynamo_calls / max(shipped, 1), 2),
        "dynamodb_calls_by_operation": {k: v for k, v in sorted(ops.items()) if v},
        "local_dynamodb_calls_per_second": round(dynamo_rate, 1),
        "dynamodb_bound_seconds": round(dynamo_bound, 1),
        "wall_over_binding_bound": round(elapsed / max(bound, dynamo_bound), 3),
    }
    # 4: a naive sequential loop vs the concurrent sweep, limit lifted, same number of orders
    os.environ["SHIPROCKET_REQUESTS_PER_MINUTE"] = "0"
    _seed(args.naive_orders, seed=11)
    naive_before, naive_dynamo_before = _stats(control), counter.calls
    naive, naive_shipped = _naive_sweep()
    naive_calls = _stats(control) - naive_before
    naive_dynamo = counter.calls - naive_dynamo_before
    pids = {"this process": None, "dynamodb": SERVER_PIDS.get("dynamodb"), "simulator": sim_pid}
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    _seed(args.naive_orders, seed=12)
    fast_before, fast_dynamo_before = _stats(control), counter.calls
    fast, fast_shipped, _ = _sweep(SweepParameters(batch_size=100, max_concurrency=32), workers=4)
    fast_calls = _stats(control) - fast_before
    fast_dynamo = counter.calls - fast_dynamo_before
    cpu_ms = {
        name: round((after - before) / max(fast_shipped, 1) * 1000, 1)
        for name, pid in pids.items()
        if (before := cpu_before[name]) is not None and (after := cpu_seconds(pid)) is not None
    }
    cores = os.cpu_count() or 1
    cpu_floor = sum(cpu_ms.values()) / 1000 / cores
    result.update(
        {
            "naive_seconds_per_shipment": round(naive / max(naive_shipped, 1), 4),
            "naive_shiprocket_calls_per_shipment": round(naive_calls / max(naive_shipped, 1), 2),
            "naive_dynamodb_calls_per_shipment": round(naive_dynamo / max(naive_shipped, 1), 1),
            "concurrent_seconds_per_shipment": round(fast / max(fast_shipped, 1), 4),
            "concurrent_shiprocket_calls_per_shipment": round(fast_calls / max(fast_shipped, 1), 2),
            "concurrent_dynamodb_calls_per_shipment": round(fast_dynamo / max(fast_shipped, 1), 1),
            "speedup_vs_naive": round(
                (naive / max(naive_shipped, 1)) / (fast / max(fast_shipped, 1)), 1
            ),
            "concurrent_cpu_ms_per_shipment": cpu_ms,
            "cores": cores,
            "cpu_floor_seconds_per_shipment": round(cpu_floor, 4),
            "speedup_ceiling_on_this_machine": round(
                (naive / max(naive_shipped, 1)) / max(cpu_floor, 1e-9), 1
            ),
        }
    )
    # 2b: the same happy path with the courier left to Shiprocket (no serviceability call)
    os.environ["FULFIL_COURIER_POLICY"] = "account_default"
    _seed(args.naive_orders, seed=13)
    default_before = _stats(control)
    _, default_shipped, _ = _sweep(SweepParameters(batch_size=100, max_concurrency=32), workers=4)
    result["calls_per_shipped_shipment_account_default_policy"] = round(
        (_stats(control) - default_before) / max(default_shipped, 1), 2
    )
    del os.environ["FULFIL_COURIER_POLICY"]
    # 5: Prefect overhead per order: the flow vs the same code without Prefect
    result.update(_prefect_overhead(args.prefect_orders, orchestration_orders=args.orders))
    # 6: idle tick
    stores = open_stores(settings)
    t0 = time.perf_counter()
    from fulfil.sweep.context import MemoryRecorder, utc_now
    from fulfil.sweep.intake import run_intake

    report = run_intake(
        reader=stores.reader,
        store=stores.fulfilment,
        storefront=stores.storefront,
        recorder=MemoryRecorder(),
        settings=settings,
        now=utc_now(),
    )
    due = list(stores.fulfilment.iter_due(utc_now()))
    idle = time.perf_counter() - t0
    result.update(
        {
            "idle_tick_dynamodb_calls": stores.reader.stats.calls + stores.fulfilment.calls,
            "idle_tick_seconds": round(idle, 4),
            "idle_tick_found": report.decisions + len(due),
        }
    )
    return result


def _prefect_overhead(n: int, *, orchestration_orders: int, rounds: int = 2) -> dict[str, Any]:
    """Prefect's cost per order, measured two ways in the same Prefect test server.

    1. Orchestration only: the flow run for an n-order sweep with its plain steps answered
       instantly (same batches, same keys in, same-sized summaries and artifacts out). This is
       what Prefect adds (flow run, task runs, state changes, artifacts) with no noise from the
       work itself.
    2. A/B: the flow vs the same steps without Prefect on fresh orders, rounds interleaved.
       On a shared 2-core machine the run-to-run spread of the work is larger than the effect,
       so this is printed for context, not as the figure.
    """
    from prefect.testing.utilities import prefect_test_harness

    from flows.fulfil_paid_orders import fulfil_paid_orders

    flow_runs: list[float] = []
    plain_runs: list[float] = []
    with prefect_test_harness(server_startup_timeout=120):
        fulfil_paid_orders(limit=1, deliver_outbound=False)  # warm up client and server
        small = [_orchestration_only(fulfil_paid_orders, 200) for _ in range(3)]
        orchestration = [
            _orchestration_only(fulfil_paid_orders, orchestration_orders) for _ in range(3)
        ]
        for r in range(rounds):
            _seed(n, seed=21 + r)
            t0 = time.perf_counter()
            counts = fulfil_paid_orders(batch_size=100, max_concurrency=32, deliver_outbound=False)
            flow_shipped = counts["shipped_new"] + counts["shipped_resumed"]
            flow_runs.append((time.perf_counter() - t0) / max(flow_shipped, 1))
            _seed(n, seed=41 + r)
            plain_time, plain_shipped, _ = _sweep(
                SweepParameters(batch_size=100, max_concurrency=32), workers=4
            )
            plain_runs.append(plain_time / max(plain_shipped, 1))
    return {
        "prefect_orchestration_orders": orchestration_orders,
        "prefect_orchestration_seconds_per_sweep_runs": [round(x, 3) for x in orchestration],
        "prefect_orchestration_seconds_200_orders_runs": [round(x, 3) for x in small],
        "prefect_overhead_ms_per_order": round(min(orchestration) / orchestration_orders * 1000, 3),
        "prefect_marginal_ms_per_extra_order": round(
            (min(orchestration) - min(small)) / max(orchestration_orders - 200, 1) * 1000, 4
        ),
        "ab_flow_ms_per_shipment_runs": [round(x * 1000, 2) for x in flow_runs],
        "ab_plain_ms_per_shipment_runs": [round(x * 1000, 2) for x in plain_runs],
        "ab_difference_ms_per_shipment": round((min(flow_runs) - min(plain_runs)) * 1000, 3),
    }


def _orchestration_only(flow: Any, n: int) -> float:
    """Wall time of the flow for n orders whose plain steps answer at once."""
    from unittest import mock

    import tasks.sweep as sweep_tasks
    from fulfil.domain.fulfilment import ShipmentProgress, ShipmentState
    from fulfil.sweep.batch import BatchReport
    from fulfil.sweep.chain import ChainResult
    from fulfil.sweep.intake import IntakeReport

    keys = [(f"bench-{i:06d}", "01") for i in range(n)]

    def intake(*_: Any, **__: Any) -> IntakeReport:
        return IntakeReport(planned=list(keys), decisions=n)

    def due_work(_settings: Any, _params: Any, fresh: Any, **__: Any) -> list[tuple[str, str]]:
        return list(fresh)

    def ship_batch(_settings: Any, batch: list[tuple[str, str]], **__: Any) -> Any:
        report = BatchReport(claimed=len(batch))
        report.results = [
            ChainResult(
                state=ShipmentState(
                    order_id=o,
                    shipment_key=k,
                    shipment_id=f"shp-{o}-{k}",
                    status=ShipmentProgress.SHIPPED,
                    awb=f"1900{i:08d}",
                    courier_name="Bench Courier",
                ),
                outcome=Outcome.SHIPPED,
                resumed=False,
            )
            for i, (o, k) in enumerate(batch)
        ]
        return report, 3 * len(batch)

    with (
        mock.patch.object(sweep_tasks, "intake", intake),
        mock.patch.object(sweep_tasks, "due_work", due_work),
        mock.patch.object(sweep_tasks, "ship_batch", ship_batch),
    ):
        t0 = time.perf_counter()
        counts = flow(batch_size=100, max_concurrency=32, deliver_outbound=False)
        elapsed = time.perf_counter() - t0
    assert counts["shipped_new"] == n, counts
    return elapsed


if __name__ == "__main__":
    main()
