"""Benchmark: the cost of finding and planning pending orders among a large history.

Seeds H historical orders (delivered, cancelled, shipped) plus P pending ones, then plans the
candidates exactly as a sweep does, and prints:
- items read by the candidate query / pending orders (goal <= 1.05: the history is never read);
- DynamoDB round trips per planned order (bundle loading: BatchGetItem where keys allow).

Usage: `.venv/bin/python benchmarks/bench_candidates.py [--history 100000] [--pending 500]`
"""

from __future__ import annotations

import argparse
import time

from benchmarks._stack import benchmark_dynamodb
from fulfil.commands.plan import planning_defaults
from fulfil.domain.planning import DecisionKind, plan_order
from fulfil.seed import generate
from fulfil.settings import load_settings
from fulfil.store.dynamo import init_tables, make_client
from fulfil.store.source import SourceReader
from fulfil.store.writer import write_seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--pending", type=int, default=500)
    parser.add_argument("--backend", choices=["local", "moto"], default="local")
    args = parser.parse_args()
    with benchmark_dynamodb(args.backend) as (_, backend):
        settings = load_settings()
        client = make_client(settings)
        init_tables(settings, client)
        t0 = time.perf_counter()
        data = generate(args.pending, seed=1, history=args.history)
        write_seed(client, settings.tables, data)
        seeded = time.perf_counter() - t0
        confirmed = sum(1 for o in data.orders if o["status"] == "confirmed")
        reader = SourceReader(client, settings.tables)
        t1 = time.perf_counter()
        candidates = list(reader.iter_orders_by_status("confirmed"))
        query_items, query_calls = reader.stats.items, reader.stats.calls
        bundles = reader.load_bundles(candidates)
        decisions = [plan_order(b, planning_defaults(settings)) for b in bundles]
        planned = sum(1 for d in decisions if d.kind is DecisionKind.SHIP)
        elapsed = time.perf_counter() - t1
        print(
            f"backend: {backend}; seeded {len(data.orders)} orders "
            f"({args.history} historical) in {seeded:.1f}s"
        )
        print(f"pending (confirmed) orders:              {confirmed}")
        print(f"items read by the candidate query:       {query_items} in {query_calls} calls")
        print(f"items read / pending orders: {query_items / confirmed:.3f}  (goal <= 1.05)")
        print(
            f"orders planned to ship:                  {planned} "
            f"(parked/skipped: {len(decisions) - planned})"
        )
        print(f"DynamoDB round trips, all (query+bundles): {reader.stats.calls}")
        print(
            f"round trips per planned order:           {reader.stats.calls / max(planned, 1):.2f}"
        )
        print(f"by operation:                            {reader.stats.by_operation}")
        print(f"plan time for {len(decisions)} orders:            {elapsed:.2f}s")


if __name__ == "__main__":
    main()
