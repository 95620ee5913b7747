"""Benchmark: snapshot time vs a raw paginated scan of the same tables, and incremental cost.

Runs against moto's DynamoDB server started in-process (`fulfil.local.dynamodb.local_dynamodb`),
seeds `--items` orders (plus their fulfilment rows, tracking scans and outbox items), then prints:

- raw scan: boto3 `get_paginator("scan")` over the same nine tables, one after the other (what a
  straightforward copy would do before writing anything);
- full snapshot: `take_snapshot(full=True)` end to end (reads, mapping, DuckDB load, swap);
- the ratio snapshot / raw scan (goal <= 1.2), best of `--repeat` runs of each, interleaved;
- incremental: after changing 1 % of the project tables' items, the items the next snapshot
  reads from those tables (and its time), against their total.

    .venv/bin/python benchmarks/bench_snapshot.py --items 2000
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fulfil.analytics.samples import project_items, stamp
from fulfil.analytics.snapshot import PROJECT_TABLES, SOURCE_TABLES, take_snapshot
from fulfil.local.dynamodb import local_dynamodb
from fulfil.seed import generate
from fulfil.settings import load_settings
from fulfil.store.dynamo import init_tables
from fulfil.store.writer import put_all, write_seed


def raw_scan(client: Any, tables: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    items = 0
    for name in tables:
        for page in client.get_paginator("scan").paginate(TableName=name):
            items += len(page.get("Items", []))
    return time.perf_counter() - started, items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000, help="orders to seed (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument(
        "--segments", type=int, default=None, help="scan segments per table (default: by size)"
    )
    parser.add_argument("--workers", type=int, default=8, help="reader threads")
    parser.add_argument("--project", action="store_true", help="ProjectionExpression reads")
    parser.add_argument("--changed", type=float, default=0.01, help="share changed (0.01 = 1%%)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault("FULFIL_PSEUDONYMISATION_KEY", "benchmark-key-0123456789abcdef")
    workdir = Path(tempfile.mkdtemp(prefix="bench-snapshot-"))
    os.environ["FULFIL_TABLE_PREFIX"] = f"bench{uuid.uuid4().hex[:6]}-"
    os.environ["FULFIL_DUCKDB_PATH"] = str(workdir / "bench.duckdb")
    with local_dynamodb() as endpoint:
        settings = load_settings()
        # moto serialises every response in Python on this process's GIL: with 8 readers a 1 MB
        # page can take longer than make_client's 20 s read timeout, so allow more here.
        client = boto3.client(
            "dynamodb",
            region_name=settings.region,
            config=Config(
                retries={"mode": "standard", "max_attempts": 3},
                read_timeout=600,
                max_pool_connections=50,
            ),
        )
        init_tables(settings, client)
        now = datetime.now(UTC)
        data = generate(args.items, seed=3, now=now - timedelta(hours=6))
        write_seed(client, settings.tables, data)
        extra = project_items(data, updated=now - timedelta(hours=2))
        put_all(client, settings.tables.fulfilment, extra.fulfilment)
        put_all(client, settings.tables.events, extra.events)
        put_all(client, settings.tables.outbox, extra.outbox)
        names = settings.tables
        tables = [getattr(names, attr) for attr, _ in SOURCE_TABLES.values()]
        tables += [getattr(names, attr) for attr, _ in PROJECT_TABLES.values()]
        print(f"moto server {endpoint}; tables: {len(tables)}")

        configs = {
            f"snapshot, {args.workers} readers": args.workers,
            "snapshot, 1 reader": 1,
        }
        raws: list[float] = []
        snaps: dict[str, list[float]] = {name: [] for name in configs}
        total = 0
        for _ in range(args.repeat):  # interleaved, so drift in the server hits every variant
            seconds, total = raw_scan(client, tables)
            raws.append(seconds)
            for name, workers in configs.items():
                result = take_snapshot(
                    settings,
                    client,
                    full=True,
                    segments=args.segments,
                    workers=workers,
                    project=args.project,
                )
                snaps[name].append(result.duration_s)
        print(f"items in the {len(tables)} tables: {total}")
        print(f"raw paginated scan      : best {min(raws):7.3f}s  (runs: {_fmt(raws)})")
        for name, runs in snaps.items():
            print(
                f"{name:<24}: best {min(runs):7.3f}s  (runs: {_fmt(runs)})  "
                f"ratio {min(runs) / min(raws):.2f} (goal <= 1.2)"
            )
        print(
            "note: the moto server runs in this process, so reader threads share its GIL; "
            "against DynamoDB the readers overlap network waits instead."
        )

        project_total = len(extra.fulfilment) + len(extra.events) + len(extra.outbox)
        later = datetime.now(UTC) + timedelta(minutes=10)
        step = max(1, round(1 / args.changed))
        changed = {
            "fulfilment": [stamp(dict(i), later) for i in extra.fulfilment[::step]],
            "events": [stamp(dict(i), later) for i in extra.events[::step]],
            "outbox": [stamp(dict(i), later) for i in extra.outbox[::step]],
        }
        for label, batch in changed.items():
            put_all(client, getattr(names, PROJECT_TABLES[label][0]), batch)
        n_changed = sum(len(b) for b in changed.values())
        inc = take_snapshot(
            settings,
            client,
            now=later + timedelta(minutes=1),
            segments=args.segments,
            workers=args.workers,
            project=args.project,
        )
        print(
            f"incremental ({inc.mode}): {n_changed} of {project_total} project items changed "
            f"({n_changed / project_total:.1%}); items read from project tables: "
            f"{inc.project_items_read} in {inc.duration_s:.3f}s "
            f"(source tables, always scanned: "
            f"{sum(inc.items_read.values()) - inc.project_items_read})"
        )
    return 0


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.3f}" for v in values)


if __name__ == "__main__":
    raise SystemExit(main())
