"""A small hand-made snapshot in an in-memory DuckDB: every KPI in the tests is worked out by hand.

Snapshot time (as_of) = 2026-03-10 12:00Z. SLA targets are the defaults: paid->AWB 24 h,
paid->pickup 48 h, pickup->delivery 120 h, tracking stale 72 h.

Orders (created, total, payment; paid_at = created unless said otherwise):
  A 03-01 00:00Z 1000 razorpay  paid 01:00Z (completed payment rows at 01:00 and 02:00)
  B 03-01 00:30Z 2000 cod
  C 03-01 19:00Z  500 razorpay  (00:30 on 03-02 India time)
  D 03-02 10:00Z 1500 razorpay
  E 03-03 00:00Z  800 cod
  F 03-05 00:00Z  300 razorpay  could not be planned: '00' row, missing_pincode
  G 03-08 00:00Z 1200 razorpay  shipment retrying (no AWB yet)
  H 03-04 00:00Z  900 razorpay  shipment parked (courier_unserviceable, no AWB)
  L 02-20 00:00Z 1499 razorpay  shipped by the old code (status legacy)

Shipments (courier, state, PIN prefix; hours from paid):
  A-01 Blue Dart  Maharashtra 400  AWB +2 (awb_assigned_at), pickup +10, delivered +58 (ETA ok)
  B-01 Blue Dart  Karnataka   560  AWB +4 (shipped_at fallback), pickup +24 (scan), NDR scan at
                                   +72, delivered +96 (scan), ETA missed by 12.5 h
  C-01 Delhivery  Maharashtra 411  AWB +1, pickup +8, 2 NDRs (ndr_count), RTO initiated
  D-01 Delhivery  Karnataka   560  AWB +26, pickup +32, delivered +56 (no ETA)
  E-01 Delhivery  Maharashtra 400  AWB +2, never picked up, ETA 03-06 00:00Z passed
  G-01 (no courier) retrying;  H-01 (no courier) needs_attention;  F-00 parking row
  L-01 Ekart      Delhi       110  legacy: no AWB time, pickup +24, delivered +72
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from fulfil.analytics.duck import apply_schema, apply_views

AS_OF = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def insert(conn: duckdb.DuckDBPyConnection, table: str, row: Mapping[str, Any]) -> None:
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))


def _order(
    conn: duckdb.DuckDBPyConnection, order_id: str, created: datetime, total: str, method: str
) -> None:
    insert(
        conn,
        "orders",
        {
            "order_id": order_id,
            "created_at": created,
            "total_amount": Decimal(total),
            "payment_method": method,
            "status": "processing",
        },
    )


def _ship(conn: duckdb.DuckDBPyConnection, order_id: str, **fields: Any) -> None:
    created = conn.execute(
        "SELECT created_at FROM orders WHERE order_id = ?", [order_id]
    ).fetchone()
    row = {
        "order_id": order_id,
        "shipment_key": "01",
        "shipment_id": f"shp-{order_id}-01",
        "order_created_at": created[0] if created else None,
        "status": "shipped",
        "updated_at": AS_OF - timedelta(days=1),
        **fields,
    }
    insert(conn, "fulfilment", row)


def _event(conn: duckdb.DuckDBPyConnection, order_id: str, status: str, scan: datetime) -> None:
    insert(
        conn,
        "tracking_events",
        {
            "awb": f"AWB-{order_id}",
            "event_key": f"{scan.isoformat()}#{status}",
            "order_id": order_id,
            "shipment_key": "01",
            "status": status,
            "scan_at": scan,
        },
    )


def build_fixture(conn: duckdb.DuckDBPyConnection) -> None:
    apply_schema(conn)
    apply_views(conn)
    insert(
        conn,
        "snapshot_meta",
        {
            "snapshot_id": "fixture",
            "taken_at": AS_OF,
            "mode": "full",
            "schema_version": 1,
            "duration_s": 0.1,
            "row_counts": "{}",
            "items_read": "{}",
            "key_id": "k",
            "dev_key": True,
        },
    )
    for order_id, created, total, method in [
        ("A", at(3, 1), "1000", "razorpay"),
        ("B", at(3, 1, 0, 30), "2000", "cod"),
        ("C", at(3, 1, 19), "500", "razorpay"),
        ("D", at(3, 2, 10), "1500", "razorpay"),
        ("E", at(3, 3), "800", "cod"),
        ("F", at(3, 5), "300", "razorpay"),
        ("G", at(3, 8), "1200", "razorpay"),
        ("H", at(3, 4), "900", "razorpay"),
        ("L", at(2, 20), "1499", "razorpay"),
    ]:
        _order(conn, order_id, created, total, method)
    for pid, order_id, status, updated in [
        ("pay-a1", "A", "completed", at(3, 1, 1)),
        ("pay-a2", "A", "completed", at(3, 1, 2)),
        ("pay-b", "B", "pending", at(3, 1, 0, 31)),
    ]:
        insert(
            conn,
            "payments",
            {"payment_id": pid, "order_id": order_id, "status": status, "updated_at": updated},
        )
    geo = {"destination_city": "x"}
    _ship(conn, "A", courier_name="Blue Dart", destination_state="Maharashtra",
          destination_pin3="400", awb="AWB-A", awb_assigned_at=at(3, 1, 3),
          picked_up_at=at(3, 1, 11), delivered_at=at(3, 3, 11), eta=at(3, 4),
          tracking_status="delivered", tracking_updated_at=at(3, 3, 11), **geo)  # fmt: skip
    _ship(conn, "B", courier_name="Blue Dart", destination_state="Karnataka",
          destination_pin3="560", awb="AWB-B", shipped_at=at(3, 1, 4, 30), eta=at(3, 4, 12),
          tracking_status="delivered", tracking_updated_at=at(3, 5, 1), **geo)  # fmt: skip
    _event(conn, "B", "picked_up", at(3, 2, 0, 30))
    _event(conn, "B", "in_transit", at(3, 2, 8))
    _event(conn, "B", "delivery_failed", at(3, 4, 0, 30))
    _event(conn, "B", "delivered", at(3, 5, 0, 30))
    _ship(conn, "C", courier_name="Delhivery", destination_state="Maharashtra",
          destination_pin3="411", awb="AWB-C", awb_assigned_at=at(3, 1, 20),
          picked_up_at=at(3, 2, 3), ndr_count=2, rto_initiated_at=at(3, 5),
          tracking_status="rto_initiated", last_event_at=at(3, 9), eta=at(3, 4),
          tracking_updated_at=at(3, 9), **geo)  # fmt: skip
    _event(conn, "C", "delivery_failed", at(3, 4, 2))
    _ship(conn, "D", courier_name="Delhivery", destination_state="Karnataka",
          destination_pin3="560", awb="AWB-D", awb_assigned_at=at(3, 3, 12),
          picked_up_at=at(3, 3, 18), delivered_at=at(3, 4, 18), tracking_status="delivered",
          tracking_updated_at=at(3, 4, 18), **geo)  # fmt: skip
    _ship(conn, "E", courier_name="Delhivery", destination_state="Maharashtra",
          destination_pin3="400", awb="AWB-E", awb_assigned_at=at(3, 3, 2), eta=at(3, 6),
          tracking_status="pickup_scheduled", tracking_updated_at=at(3, 3, 2), **geo)  # fmt: skip
    _ship(conn, "G", status="retrying", last_error_code="timeout", attempts=2,
          updated_at=at(3, 9))  # fmt: skip
    _ship(conn, "H", status="needs_attention", last_error_code="courier_unserviceable",
          last_error_message="no courier serves 110001", attempts=8,
          updated_at=at(3, 4, 6))  # fmt: skip
    _ship(conn, "F", shipment_key="00", shipment_id="shp-F-00", status="needs_attention",
          last_error_code="missing_pincode", rejection_codes="address.pincode:missing_pincode",
          updated_at=at(3, 5, 1))  # fmt: skip
    _ship(conn, "L", status="legacy", courier_name="Ekart", destination_state="Delhi",
          destination_pin3="110", awb="AWB-L", picked_up_at=at(2, 21),
          delivered_at=at(2, 23), tracking_status="delivered",
          tracking_updated_at=at(2, 23))  # fmt: skip
    for oid, category, severity, state, ticket, created in [
        ("esc-1", "delivery", "high", "delivered", "OPS-1", at(3, 4)),
        ("esc-2", "delivery", "high", "pending", None, at(3, 5)),
        ("esc-3", "api", "critical", "failed", None, at(3, 6)),
        ("esc-4", "delivery", "medium", "delivered", "OPS-2", at(2, 10)),
    ]:
        insert(
            conn,
            "escalations",
            {
                "outbox_id": oid,
                "category": category,
                "severity": severity,
                "state": state,
                "ticket_key": ticket,
                "created_at": created,
            },
        )
    for oid, kind, state in [("n1", "shipped", "sent"), ("n2", "shipped", "skipped"),
                             ("n3", "delivered", "sent")]:  # fmt: skip
        insert(conn, "notifications", {"outbox_id": oid, "notification_kind": kind, "state": state})


@pytest.fixture(scope="module")
def kpi_db() -> Iterator[duckdb.DuckDBPyConnection]:
    """Shared by a module's tests, which only read it (use `fresh_kpi_db` to change it)."""
    conn = duckdb.connect()
    build_fixture(conn)
    yield conn
    conn.close()


@pytest.fixture
def fresh_kpi_db() -> Iterator[duckdb.DuckDBPyConnection]:
    conn = duckdb.connect()
    build_fixture(conn)
    yield conn
    conn.close()


@pytest.fixture
def kpi_db_file(tmp_path: Path) -> Path:
    """The fixture in a DuckDB file (closed), for code that opens a path."""
    path = tmp_path / "kpi.duckdb"
    with duckdb.connect(str(path)) as conn:
        build_fixture(conn)
    return path
