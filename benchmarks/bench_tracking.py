"""Benchmark: what one tracking sync costs, with many delivered shipments in the table.

Prints two figures, for a first sync (every shipment moves: pickup scheduled -> in transit) and
a steady-state sync (nothing new):
1. bulk tracking calls per sync / ceil(active / 50): goal 1.0;
2. items read per sync / active shipments, with D delivered shipments present: goal <= 1.05.

Shiprocket is an `httpx.MockTransport` answering every AWB (calls are counted at the transport),
DynamoDB is moto's server on loopback (`fulfil.local.dynamodb.local_dynamodb`) or DynamoDB
Local with `--backend local`.

Usage: `.venv/bin/python -m benchmarks.bench_tracking [--delivered 50000] [--active 1000]`
"""

from __future__ import annotations

import argparse
import json
import math
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
from pydantic import SecretStr

from benchmarks._stack import benchmark_dynamodb
from fulfil.settings import load_settings
from fulfil.shiprocket.config import ShiprocketConfig, ShiprocketCredentials
from fulfil.store.dynamo import init_tables, make_client
from fulfil.store.tracking import active_shard_of
from fulfil.store.writer import put_all
from fulfil.sweep.context import MemoryRecorder
from fulfil.tracking.context import MemoryNotifier
from fulfil.tracking.report import TrackingReport
from fulfil.tracking.scans import utc_iso
from fulfil.tracking.service import build_services, run_tracking_sync

IST = timezone(timedelta(hours=5, minutes=30))
NOW = datetime.now(UTC).replace(microsecond=0)


class CountingShiprocket:
    """Login plus bulk tracking: every AWB picked up, then in transit."""

    def __init__(self) -> None:
        self.track_calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/login"):
            return httpx.Response(200, json={"id": 1, "company_id": 2, "token": "t.k.n"})
        self.track_calls += 1
        awbs = json.loads(request.content)["awbs"]
        if len(awbs) > 50:
            return httpx.Response(422, json={"message": "too many awbs", "status_code": 422})

        def at(hours: int) -> str:
            return (NOW - timedelta(hours=hours)).astimezone(IST).strftime("%Y-%m-%d %H:%M:%S")

        activities = [
            {
                "date": at(2),
                "status": "X-ILL1F",
                "activity": "In Transit",
                "location": "Hub",
                "sr-status": "18",
                "sr-status-label": "IN TRANSIT",
            },
            {
                "date": at(6),
                "status": "X-PPOM",
                "activity": "Picked up",
                "location": "Delhi",
                "sr-status": "42",
                "sr-status-label": "PICKED UP",
            },
        ]
        body = {
            awb: {
                "tracking_data": {
                    "track_status": 1,
                    "shipment_status": 18,
                    "shipment_track_activities": activities,
                    "track_url": f"https://shiprocket.co/tracking/{awb}",
                }
            }
            for awb in awbs
        }
        return httpx.Response(200, json=body)


def _item(i: int, shards: int, *, active: bool) -> dict[str, Any]:
    order_id = f"bench-{i:07d}"
    item: dict[str, Any] = {
        "orderId": order_id,
        "shipmentKey": "01",
        "shipmentId": f"shp-{order_id}-01",
        "status": "shipped",
        "awb": f"BN{i:010d}",
        "courierName": "Bench Surface",
        "trackingStatus": "pickup_scheduled" if active else "delivered",
        "lastScanAt": utc_iso(NOW - timedelta(hours=12 if active else 24 * 30)),
        "updatedAt": utc_iso(NOW),
        "changeDay": utc_iso(NOW)[:10],
    }
    if active:
        item["activeShard"] = active_shard_of(order_id, shards)
    return item


def _line(label: str, report: TrackingReport, calls: int, seconds: float) -> str:
    ideal = math.ceil(report.active / 50) if report.active else 0
    ratio = report.items_read / report.active if report.active else 0.0
    return (
        f"{label:<12} active={report.active:>6}  bulk calls={calls:>4} "
        f"(/ceil(active/50) = {calls / ideal if ideal else 0:.2f})  "
        f"items read={report.items_read:>6} (/active = {ratio:.3f})  "
        f"changes={report.status_changes:>6}  dynamo calls={report.dynamo_calls:>6}  "
        f"{seconds:.1f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delivered", type=int, default=50_000, help="delivered rows present")
    parser.add_argument("--active", type=int, default=1_000, help="active shipments to track")
    parser.add_argument("--backend", choices=("moto", "local"), default="moto")
    args = parser.parse_args()

    with benchmark_dynamodb(prefer=args.backend) as (_, backend):
        settings = load_settings()
        dynamo = make_client(settings)
        init_tables(settings, dynamo)
        shards = settings.queue_shards
        t0 = time.perf_counter()
        put_all(
            dynamo,
            settings.tables.fulfilment,
            (_item(args.active + i, shards, active=False) for i in range(args.delivered)),
        )
        put_all(
            dynamo,
            settings.tables.fulfilment,
            (_item(i, shards, active=True) for i in range(args.active)),
        )
        print(
            f"{backend}: {args.delivered} delivered + {args.active} active shipments written "
            f"in {time.perf_counter() - t0:.1f}s"
        )
        shiprocket = CountingShiprocket()
        services = build_services(
            settings,
            dynamo=dynamo,
            http_factory=lambda: httpx.AsyncClient(transport=httpx.MockTransport(shiprocket)),
            config=ShiprocketConfig(
                base_url="http://bench.mock/v1/external", requests_per_minute=0
            ),
            credentials=ShiprocketCredentials(
                email="bench@example.test", password=SecretStr("bench")
            ),
            recorder=MemoryRecorder(),
            notifier=MemoryNotifier(),
            clock=lambda: NOW,
        )
        for label in ("first sync", "steady sync"):
            before = shiprocket.track_calls
            t1 = time.perf_counter()
            report = run_tracking_sync(settings, services=services)
            seconds = time.perf_counter() - t1
            print(_line(label, report, shiprocket.track_calls - before, seconds))


if __name__ == "__main__":
    main()
