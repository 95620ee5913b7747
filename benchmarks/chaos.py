"""The chaos run at a larger setting than the test: `python -m benchmarks.chaos --orders 200`.

Four sweep processes against one DynamoDB (DynamoDB Local by default) and one simulator on
loopback injecting 20 % faults of every kind, one sweep SIGKILLed once shipping is under way, every
token expired mid-run; then sweeps until quiet, and the invariants (see `fulfil/local/chaos.py`).
"""

from __future__ import annotations

import argparse
import json

from benchmarks._stack import benchmark_dynamodb
from fulfil.local.chaos import run_chaos


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--backend", choices=["local", "moto"], default="local")
    args = parser.parse_args()
    with benchmark_dynamodb(args.backend) as (endpoint, backend):
        result = run_chaos(
            endpoint,
            orders=args.orders,
            workers=args.workers,
            seed=args.seed,
            deadline_seconds=1800,
        )
    print(
        json.dumps(
            {
                "backend": backend,
                "orders": result.orders,
                "shippable": result.shippable,
                "planned_shipments": result.planned_shipments,
                "shipped": result.shipped,
                "parked": result.parked,
                "violations": result.violations,
                "seconds": round(result.seconds, 1),
                "faults_injected": result.calls.get("faults"),
                "calls": result.calls.get("calls"),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
