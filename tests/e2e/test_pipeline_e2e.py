"""The whole path on the embedded stack, as the demo shows it, checked at every hand-off.

Orders are seeded the way the storefront writes them; one pending order is then paid the way the
Razorpay webhook does it; the sweep flow ships every shippable order and parks the broken one;
DynamoDB holds the storefront's write-back; the simulator's clock moves on and the tracking flow
brings every shipment to delivered; the customers' WhatsApp messages are in the local outbox and
the broken order has exactly one Jira ticket; the snapshot and the report see all of it.
moto DynamoDB in process, the Shiprocket simulator on loopback, local sinks, the session's
Prefect server.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from flows.fulfil_paid_orders import fulfil_paid_orders
from flows.sync_tracking import sync_tracking
from fulfil.seed import generate
from fulfil.simulator.config import SimulatorConfig
from fulfil.simulator.server import SandboxServer
from fulfil.store.dynamo import from_item, to_value
from fulfil.store.writer import write_seed

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.flow]

# 8 orders, seed 35: 6 shippable, 1 waiting for payment, 1 with a five-digit PIN (parked).
ORDERS, SEED = 8, 35


def _table(dynamo: Any, name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in dynamo.get_paginator("scan").paginate(TableName=name):
        items.extend(from_item(i) for i in page["Items"])
    return items


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _pay(dynamo: Any, settings: Any, order: dict[str, Any], payment: dict[str, Any]) -> None:
    """What the Razorpay `payment.captured` webhook writes (no timestamp on the order)."""
    dynamo.update_item(
        TableName=settings.tables.payments,
        Key={"paymentId": to_value(payment["paymentId"]), "orderId": to_value(order["orderId"])},
        UpdateExpression="SET #s = :done, #m = :upi, updatedAt = :now",
        ExpressionAttributeNames={"#s": "status", "#m": "method"},
        ExpressionAttributeValues={
            ":done": to_value("completed"),
            ":upi": to_value("upi"),
            ":now": to_value(datetime.now(UTC).isoformat()),
        },
    )
    dynamo.update_item(
        TableName=settings.tables.orders,
        Key={"orderId": to_value(order["orderId"]), "createdAt": to_value(order["createdAt"])},
        UpdateExpression="SET #s = :confirmed, paymentStatus = :paid",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={
            ":confirmed": to_value("confirmed"),
            ":paid": to_value("paid"),
        },
    )


def test_seed_pay_sweep_track_notify_escalate_snapshot_report(
    dynamo: Any, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    monkeypatch.setenv("FULFIL_OUTBOX_DIR", str(outbox))
    monkeypatch.setenv("FULFIL_DUCKDB_PATH", str(tmp_path / "fulfilment.duckdb"))
    monkeypatch.setenv("FULFIL_PSEUDONYMISATION_KEY", "e2e-pseudonymisation-key-0123")
    monkeypatch.setenv("SHIPROCKET_REQUESTS_PER_MINUTE", "0")
    for var in ("JIRA_BASE_URL", "JIRA_API_TOKEN", "WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("FULFIL_SHIPROCKET_GLOBAL_LIMIT", raising=False)

    # 1. Seed as the storefront writes, then the payment webhook confirms the pending order.
    data = generate(ORDERS, seed=SEED, broken_share=0.12)
    [unpaid] = data.expected["unpaid"]
    [broken] = data.expected["invalid_pincode"]
    write_seed(dynamo, settings.tables, data)
    order = next(o for o in data.orders if o["orderId"] == unpaid)
    payment = next(p for p in data.payments if p["orderId"] == unpaid)
    _pay(dynamo, settings, order, payment)
    shippable = {*data.expected["ship"], unpaid}

    start = datetime.now(UTC) - timedelta(days=14)  # scans land in the past once advanced
    config = SimulatorConfig(seed=SEED, start_time=start, scenario_mix={"happy": 1.0})
    with SandboxServer(config) as sandbox:
        monkeypatch.setenv("SHIPROCKET_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("SHIPROCKET_EMAIL", "api@example.test")
        monkeypatch.setenv("SHIPROCKET_PASSWORD", "sandbox-password")

        # 2. The sweep (which delivers its outbox at the end).
        sweep = fulfil_paid_orders(return_state=True)
        assert sweep.is_completed()
        counts = sweep.result()
        live = [o for o in sandbox.runtime.store.iter_orders() if not o.cancelled]

        # 3. The records in DynamoDB, in the storefront's shape and the pipeline's own.
        orders = {o["orderId"]: o for o in _table(dynamo, settings.tables.orders)}
        fulfilment = _table(dynamo, settings.tables.fulfilment)
        planned = [i for i in fulfilment if i["shipmentKey"] != "00"]
        assert counts["parked_orders"] == 1 and counts["shipped_new"] == len(planned) == len(live)
        assert {i["orderId"] for i in planned} == shippable
        assert sorted(o.channel_order_id for o in live) == sorted(
            i["channelOrderId"] for i in planned
        )
        for oid in shippable:
            assert orders[oid]["status"] == "ready_for_shipment", oid
            assert orders[oid]["awb"] and orders[oid]["shipmentId"] == f"shp-{oid}-01"
        rows = [r for r in _table(dynamo, settings.tables.shipments) if "ok" not in r]
        assert sorted(r["shipmentId"] for r in rows) == sorted(i["shipmentId"] for i in planned)
        [parked] = [i for i in fulfilment if i["shipmentKey"] == "00"]
        assert parked["orderId"] == broken and orders[broken]["status"] == "processing"
        assert "invalid_pincode" in json.dumps(parked, default=str)

        # 4. Days pass at the couriers; the tracking sync brings every shipment to delivered.
        with httpx.Client() as http:
            advance = {"days": 13}
            http.post(f"{sandbox.control_url}/clock/advance", json=advance).raise_for_status()
        tracking = sync_tracking(return_state=True)
        assert tracking.is_completed()

    statuses = {
        i["trackingStatus"]
        for i in _table(dynamo, settings.tables.fulfilment)
        if i["shipmentKey"] != "00"
    }
    assert statuses == {"delivered"}
    orders = {o["orderId"]: o for o in _table(dynamo, settings.tables.orders)}
    assert all(orders[oid]["status"] == "delivered" for oid in shippable)

    # 5. The customers heard about it on WhatsApp (local sink), phones masked.
    messages = _jsonl(outbox / "whatsapp-messages.jsonl")
    kinds: dict[str, set[str]] = defaultdict(set)
    for message in messages:
        kinds[message["order_id"]].add(message["kind"])
        assert "******" in message["to"]
    for oid in shippable:
        assert {"order_confirmed", "shipped", "delivered"} <= kinds[oid], oid
    assert broken not in kinds or "shipped" not in kinds[broken]

    # 6. The broken order has exactly one Jira ticket, and nothing else does.
    created = [t for t in _jsonl(outbox / "jira-issues.jsonl") if t.get("op") == "create"]
    assert len(created) == 1 and broken in created[0]["summary"]

    # 7. The analysts' copy and the daily report.
    try:
        from fulfil.analytics.run import run_report, run_snapshot
    except ImportError:  # pragma: no cover - analytics lands separately
        pytest.skip("fulfil.analytics.run is not available yet: snapshot/report step skipped")
    snap, _ = run_snapshot(settings, client=dynamo)
    assert snap.rows["orders"] == ORDERS and not snap.dev_key
    report = run_report(settings, out_path=tmp_path / "report.html", days=30)
    html = report.path.read_text(encoding="utf-8")
    assert "<svg" in html and "escalations" in report.sections
    headline = report.headline
    assert headline["orders"] == ORDERS and headline["parked_orders"] == 1
    assert headline["shipments_created"] == len(planned) == headline["delivered"]
    assert headline["open_escalations"] == 0  # the ticket was filed
