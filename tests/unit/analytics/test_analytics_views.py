"""Every analyst view and KPI macro against the hand-made fixture (see conftest.py).

Each expected number is worked out by hand in the comment beside it. Percentiles use linear
interpolation (quantile_cont): for sorted x0..x(n-1), position p*(n-1), interpolate between
neighbours.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import pytest

ALL_TIME = None
WINDOW = [datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 11, tzinfo=UTC)]


def rows(conn: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params or [])
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def one(conn: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> dict[str, Any]:
    (row,) = rows(conn, sql, params)
    return row


def test_orders_per_day_buckets_in_india_time(kpi_db: duckdb.DuckDBPyConnection) -> None:
    got = {r["day_ist"]: (r["orders"], r["order_value"], r["cod_orders"]) for r in rows(
        kpi_db, "SELECT * FROM v_orders_per_day")}  # fmt: skip
    assert got == {
        date(2026, 2, 20): (1, Decimal("1499.00"), 0),  # L
        date(2026, 3, 1): (2, Decimal("3000.00"), 1),  # A 1000 + B 2000 (cod)
        date(2026, 3, 2): (2, Decimal("2000.00"), 0),  # C (19:00Z = 00:30 IST next day) + D
        date(2026, 3, 3): (1, Decimal("800.00"), 1),  # E (cod)
        date(2026, 3, 4): (1, Decimal("900.00"), 0),  # H
        date(2026, 3, 5): (1, Decimal("300.00"), 0),  # F
        date(2026, 3, 8): (1, Decimal("1200.00"), 0),  # G
    }


def test_orders_per_hour_buckets_in_india_time(kpi_db: duckdb.DuckDBPyConnection) -> None:
    got = {r["hour_ist"]: r["orders"] for r in rows(kpi_db, "SELECT * FROM v_orders_per_hour")}
    assert got[datetime(2026, 3, 1, 5)] == 1  # A: 00:00Z = 05:30 IST
    assert got[datetime(2026, 3, 1, 6)] == 1  # B: 00:30Z = 06:00 IST
    assert got[datetime(2026, 3, 2, 0)] == 1  # C: 19:00Z = 00:30 IST
    assert sum(got.values()) == 9


def test_paid_time_prefers_the_first_completed_payment(kpi_db: duckdb.DuckDBPyConnection) -> None:
    paid = {r["order_id"]: r for r in rows(kpi_db, "SELECT * FROM v_order_paid")}
    assert paid["A"]["paid_at"] == datetime(2026, 3, 1, 1, tzinfo=UTC)  # min(01:00, 02:00)
    assert paid["A"]["paid_at_source"] == "payment"
    assert paid["B"]["paid_at"] == datetime(2026, 3, 1, 0, 30, tzinfo=UTC)  # pending: created
    assert paid["B"]["paid_at_source"] == "order_created"


def test_shipment_facts_resolve_awb_pickup_and_delivery_times(
    kpi_db: duckdb.DuckDBPyConnection,
) -> None:
    f = {r["order_id"]: r for r in rows(kpi_db, "SELECT * FROM v_shipment_facts")}
    assert set(f) == {"A", "B", "C", "D", "E", "G", "H", "L"}  # no '00' parking row
    assert f["B"]["awb_at"] == datetime(2026, 3, 1, 4, 30, tzinfo=UTC)  # shipped_at fallback
    assert f["B"]["picked_up_at"] == datetime(2026, 3, 2, 0, 30, tzinfo=UTC)  # first scan
    assert f["B"]["delivered_at"] == datetime(2026, 3, 5, 0, 30, tzinfo=UTC)  # scan
    assert f["B"]["ndr_attempts"] == 1 and not f["B"]["first_attempt_delivered"]
    assert f["B"]["on_time"] is False  # delivered 03-05 00:30 > ETA 03-04 12:00
    assert f["C"]["ndr_attempts"] == 2  # greatest(ndr_count 2, 1 scan)
    assert f["C"]["is_rto"] and f["C"]["dispatched"]
    assert f["L"]["awb_at"] is None  # legacy rows have no AWB time
    assert f["A"]["paid_to_awb_h"] == pytest.approx(2.0)  # 01:00 -> 03:00
    assert f["D"]["pickup_to_delivery_h"] == pytest.approx(24.0)


def test_shipment_creation_success_rate(kpi_db: duckdb.DuckDBPyConnection) -> None:
    got = one(kpi_db, "SELECT * FROM v_shipment_creation")
    # planned: A B C D E G H (L is legacy); with AWB: A-E; failed: H; in progress: G
    assert (got["planned"], got["created"], got["failed"], got["in_progress"]) == (7, 5, 1, 1)
    assert got["success_rate"] == pytest.approx(5 / 6)  # created / (created + failed)
    assert got["parked_orders"] == 1  # F


def test_time_to_ship_percentiles(kpi_db: duckdb.DuckDBPyConnection) -> None:
    got = one(kpi_db, "SELECT * FROM v_time_to_ship")
    # paid -> AWB hours: A 2, B 4, C 1, D 26, E 2 -> [1, 2, 2, 4, 26]
    assert got["n_awb"] == 5
    assert got["paid_to_awb_p50_h"] == pytest.approx(2.0)
    assert got["paid_to_awb_p95_h"] == pytest.approx(21.6)  # pos 3.8: 4 + 0.8 * 22
    # paid -> pickup hours: A 10, B 24, C 8, D 32 -> [8, 10, 24, 32]
    assert got["n_pickup"] == 4
    assert got["paid_to_pickup_p50_h"] == pytest.approx(17.0)  # pos 1.5: 10 + 0.5 * 14
    assert got["paid_to_pickup_p95_h"] == pytest.approx(30.8)  # pos 2.85: 24 + 0.85 * 8


def test_time_to_deliver_percentiles(kpi_db: duckdb.DuckDBPyConnection) -> None:
    got = one(kpi_db, "SELECT * FROM v_time_to_deliver")
    # pickup -> delivered: A 48, B 72, D 24, L 48 -> [24, 48, 48, 72]
    assert got["n_transit"] == 4
    assert got["pickup_to_delivery_p50_h"] == pytest.approx(48.0)
    assert got["pickup_to_delivery_p95_h"] == pytest.approx(68.4)  # pos 2.85: 48 + 0.85 * 24
    # paid -> delivered: A 58, B 96, D 56, L 72 -> [56, 58, 72, 96]
    assert got["paid_to_delivery_p50_h"] == pytest.approx(65.0)  # 58 + 0.5 * 14
    assert got["paid_to_delivery_p95_h"] == pytest.approx(92.4)  # 72 + 0.85 * 24


def test_first_attempt_ndr_and_rto_rates(kpi_db: duckdb.DuckDBPyConnection) -> None:
    got = one(kpi_db, "SELECT * FROM v_delivery_quality")
    # dispatched: A B C D L; delivered: A B D L; first attempt: A D L; NDR: B C; RTO: C
    assert (got["dispatched"], got["delivered"], got["first_attempt_delivered"]) == (5, 4, 3)
    assert got["first_attempt_delivery_rate"] == pytest.approx(0.75)  # 3 / 4
    assert got["ndr_rate"] == pytest.approx(0.4)  # 2 / 5
    assert got["rto_rate"] == pytest.approx(0.2)  # 1 / 5


def test_rto_rate_by_courier_state_and_pin_prefix(kpi_db: duckdb.DuckDBPyConnection) -> None:
    by_courier = [(r["courier_name"], r["dispatched"], r["rto_shipments"], r["rto_rate"])
                  for r in rows(kpi_db, "SELECT * FROM v_rto_by_courier")]  # fmt: skip
    # Delhivery: C, D dispatched (E never picked up), C RTO; Blue Dart A, B; Ekart L.
    # G and H (no courier) never left: no row.
    assert by_courier == [
        ("Delhivery", 2, 1, 0.5),
        ("Blue Dart", 2, 0, 0.0),
        ("Ekart", 1, 0, 0.0),
    ]
    by_state = [(r["ship_state"], r["dispatched"], r["rto_rate"])
                for r in rows(kpi_db, "SELECT * FROM v_rto_by_state")]  # fmt: skip
    assert by_state == [("Maharashtra", 2, 0.5), ("Delhi", 1, 0.0), ("Karnataka", 2, 0.0)]
    by_pin = [(r["pin_prefix"], r["dispatched"], r["rto_rate"])
              for r in rows(kpi_db, "SELECT * FROM v_rto_by_pin_prefix")]  # fmt: skip
    assert by_pin == [("411", 1, 1.0), ("110", 1, 0.0), ("400", 1, 0.0), ("560", 2, 0.0)]


def test_courier_performance(kpi_db: duckdb.DuckDBPyConnection) -> None:
    got = {r["courier_name"]: r for r in rows(kpi_db, "SELECT * FROM v_courier_performance")}
    assert list(got) == ["Delhivery", "Blue Dart", "Ekart"]  # by shipments with an AWB: 3, 2, 1
    bd = got["Blue Dart"]
    assert (bd["shipments"], bd["dispatched"], bd["delivered"]) == (2, 2, 2)
    assert bd["pickup_delay_p50_h"] == pytest.approx(14.0)  # AWB -> pickup: A 8, B 20
    assert bd["pickup_delay_p95_h"] == pytest.approx(19.4)  # 8 + 0.95 * 12
    assert bd["transit_p50_h"] == pytest.approx(60.0)  # A 48, B 72
    assert bd["transit_p95_h"] == pytest.approx(70.8)  # 48 + 0.95 * 24
    assert bd["on_time_rate"] == pytest.approx(0.5)  # A on time, B late
    assert bd["ndr_rate"] == pytest.approx(0.5) and bd["rto_rate"] == 0.0
    dl = got["Delhivery"]
    assert (dl["shipments"], dl["dispatched"], dl["delivered"]) == (3, 2, 1)
    assert dl["pickup_delay_p50_h"] == pytest.approx(6.5)  # C 7, D 6
    assert dl["transit_p50_h"] == pytest.approx(24.0)  # D only
    assert dl["on_time_rate"] is None  # D had no ETA
    assert dl["rto_rate"] == pytest.approx(0.5)  # C of C, D
    ek = got["Ekart"]
    assert ek["pickup_delay_p50_h"] is None  # legacy: no AWB time
    assert ek["transit_p50_h"] == pytest.approx(48.0)


def test_sla_breaches(kpi_db: duckdb.DuckDBPyConnection) -> None:
    got = {(r["order_id"], r["sla"]): r for r in rows(kpi_db, "SELECT * FROM v_sla_breaches")}
    assert set(got) == {
        ("D", "paid_to_awb"),  # 26 h > 24
        ("G", "paid_to_awb"),  # open: 03-08 00:00 -> as_of 03-10 12:00 = 60 h
        ("H", "paid_to_awb"),  # open: 03-04 00:00 -> as_of = 156 h
        ("E", "paid_to_pickup"),  # open: 03-03 00:00 -> as_of = 180 h > 48
        ("G", "paid_to_pickup"),  # 60 h
        ("H", "paid_to_pickup"),  # 156 h
        ("B", "delivery_vs_eta"),  # delivered 12.5 h after the ETA
        ("E", "delivery_vs_eta"),  # open: ETA 03-06 00:00, as_of 108 h later
    }
    assert got[("D", "paid_to_awb")]["hours_taken"] == pytest.approx(26.0)
    assert not got[("D", "paid_to_awb")]["is_open"]
    assert got[("G", "paid_to_awb")]["hours_taken"] == pytest.approx(60.0)
    assert got[("G", "paid_to_awb")]["is_open"]
    assert got[("E", "paid_to_pickup")]["hours_taken"] == pytest.approx(180.0)
    assert got[("B", "delivery_vs_eta")]["hours_taken"] == pytest.approx(12.5)
    assert got[("E", "delivery_vs_eta")]["hours_taken"] == pytest.approx(108.0)


def test_sla_targets_are_data(fresh_kpi_db: duckdb.DuckDBPyConnection) -> None:
    conn = fresh_kpi_db
    conn.execute("UPDATE sla_targets SET target_hours = ? WHERE sla = ?", [30.0, "paid_to_awb"])
    awb = {r["order_id"] for r in rows(
        conn, "SELECT * FROM v_sla_breaches WHERE sla = ?", ["paid_to_awb"])}  # fmt: skip
    assert awb == {"G", "H"}  # D's 26 h is now within target


def test_stuck_and_parked_orders_with_reasons(kpi_db: duckdb.DuckDBPyConnection) -> None:
    got = [(r["order_id"], r["kind"], r["reason_code"], r["reason"], round(r["hours_stuck"], 1))
           for r in rows(kpi_db, "SELECT * FROM v_stuck_orders")]  # fmt: skip
    assert got == [
        # E: AWB 03-03 02:00, never scanned; 178 h > 72 h stale target
        (
            "E",
            "no_tracking_movement",
            "tracking_stale",
            "no scan since 2026-03-03 02:00 UTC",
            178.0,
        ),
        # F: parking row since 03-05 01:00 -> 131 h; reason from its rejections
        ("F", "order_parked", "missing_pincode", "address.pincode:missing_pincode", 131.0),
        ("G", "retrying", "timeout", None, 36.0),  # since 03-09 00:00
        ("H", "shipment_parked", "courier_unserviceable", "no courier serves 110001", 150.0),
    ]  # C is RTO but scanned 36 h ago; A, B, D, L are delivered


def test_escalations_by_category_and_severity(kpi_db: duckdb.DuckDBPyConnection) -> None:
    got = [(r["category"], r["severity"], r["escalations"], r["open"], r["tickets"])
           for r in rows(kpi_db, "SELECT * FROM v_escalations_by_category")]  # fmt: skip
    assert got == [
        ("api", "critical", 1, 1, 0),  # esc-3 failed
        ("delivery", "high", 2, 1, 1),  # esc-1 delivered (OPS-1), esc-2 pending
        ("delivery", "medium", 1, 0, 1),  # esc-4 delivered (OPS-2)
    ]
    windowed = rows(kpi_db, "SELECT * FROM escalations_by_category(?, ?)", WINDOW)
    assert [(r["category"], r["severity"]) for r in windowed] == [
        ("api", "critical"),
        ("delivery", "high"),
    ]  # esc-4 was raised on 02-10


def test_notifications_by_kind(kpi_db: duckdb.DuckDBPyConnection) -> None:
    got = [(r["notification_kind"], r["state"], r["notifications"])
           for r in rows(kpi_db, "SELECT * FROM v_notifications_by_kind")]  # fmt: skip
    assert got == [("delivered", "sent", 1), ("shipped", "sent", 1), ("shipped", "skipped", 1)]


def test_headline_over_all_time(kpi_db: duckdb.DuckDBPyConnection) -> None:
    h = one(kpi_db, "SELECT * FROM v_kpi_headline")
    assert h["orders"] == 9
    assert h["order_value"] == Decimal("9699.00")  # 1000+2000+500+1500+800+300+1200+900+1499
    assert (h["planned_shipments"], h["shipments_created"], h["parked_orders"]) == (7, 5, 1)
    assert h["creation_success_rate"] == pytest.approx(5 / 6)
    assert h["paid_to_awb_p50_h"] == pytest.approx(2.0)
    assert h["paid_to_pickup_p95_h"] == pytest.approx(30.8)
    assert h["pickup_to_delivery_p50_h"] == pytest.approx(48.0)
    assert h["first_attempt_delivery_rate"] == pytest.approx(0.75)
    assert h["ndr_rate"] == pytest.approx(0.4)
    assert h["rto_rate"] == pytest.approx(0.2)
    assert h["sla_breaches"] == 8
    assert h["stuck_now"] == 4
    assert h["open_escalations"] == 2  # esc-2 pending, esc-3 failed


def test_headline_for_a_window_with_bound_parameters(kpi_db: duckdb.DuckDBPyConnection) -> None:
    h = one(kpi_db, "SELECT * FROM kpi_headline(?, ?)", WINDOW)  # [03-01, 03-11): L is out
    assert h["orders"] == 8
    assert h["order_value"] == Decimal("8200.00")
    # dispatched A B C D; delivered A B D; first attempt A D; NDR B C; RTO C
    assert (h["dispatched"], h["delivered"]) == (4, 3)
    assert h["first_attempt_delivery_rate"] == pytest.approx(2 / 3)
    assert h["ndr_rate"] == pytest.approx(0.5)
    assert h["rto_rate"] == pytest.approx(0.25)
    # pickup -> delivered [24, 48, 72]: p95 at pos 1.9 = 48 + 0.9 * 24
    assert h["pickup_to_delivery_p95_h"] == pytest.approx(69.6)
    assert h["sla_breaches"] == 8
    one_day = one(
        kpi_db,
        "SELECT * FROM kpi_headline(?, ?)",
        [datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)],
    )
    assert one_day["orders"] == 3  # A, B, C (created 19:00Z)
    assert one_day["planned_shipments"] == 3
