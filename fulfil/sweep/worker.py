"""A sweep loop in a plain process (no Prefect): the chaos test's and benchmarks' worker.

It runs exactly the code the Prefect tasks run (intake, due work, batches), so several of these
processes against one DynamoDB and one Shiprocket are a faithful model of several workers
sweeping at once. Usage: `python -m fulfil.sweep.worker --rounds 20 --batch-size 10`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import httpx
from botocore.exceptions import BotoCoreError, ClientError

from fulfil.settings import load_settings
from fulfil.sweep.service import SweepParameters, due_work, intake, new_owner, ship_batch
from fulfil.sweep.summary import BatchSummary

INFRASTRUCTURE_ERRORS = (BotoCoreError, ClientError, httpx.TransportError, OSError)


def sweep_once(params: SweepParameters, owner: str) -> dict[str, int]:
    settings = load_settings()
    report = intake(settings, params)
    keys = due_work(settings, params, report.work)
    shipped = calls = claimed = 0
    for start in range(0, len(keys), params.batch_size):
        batch, n = ship_batch(
            settings,
            keys[start : start + params.batch_size],
            owner=owner,
            max_concurrency=params.max_concurrency,
        )
        summary = BatchSummary.from_report(batch, n)
        shipped += sum(1 for r in summary.rows if r.outcome == "shipped")
        calls += n
        claimed += summary.claimed
    return {
        "intake": report.decisions,
        "due": len(keys),
        "claimed": claimed,
        "shipped": shipped,
        "calls": calls,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10, help="sweeps to run at most")
    parser.add_argument(
        "--quiet-rounds",
        type=int,
        default=3,
        help="stop after this many sweeps in a row found nothing to do",
    )
    parser.add_argument("--pause", type=float, default=0.2, help="seconds between sweeps")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--max-concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    params = SweepParameters(batch_size=args.batch_size, max_concurrency=args.max_concurrency)
    owner = new_owner()
    quiet = 0
    for round_no in range(args.rounds):
        try:
            stats = sweep_once(params, owner)
        except INFRASTRUCTURE_ERRORS as exc:  # what a Prefect task would retry
            print(
                json.dumps({"round": round_no, "infrastructure_error": repr(exc)[:500]}),
                file=sys.stderr,
                flush=True,
            )
            quiet = 0
            time.sleep(args.pause)
            continue
        print(json.dumps({"round": round_no, **stats}), flush=True)
        quiet = quiet + 1 if stats["due"] == 0 and stats["intake"] == 0 else 0
        if quiet >= args.quiet_rounds:
            break
        time.sleep(args.pause)
    return 0


if __name__ == "__main__":
    sys.exit(main())
