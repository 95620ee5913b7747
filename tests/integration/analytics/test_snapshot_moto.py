"""Snapshots from moto: PII never copied in clear, typed tables, atomic swap, incremental reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from fulfil.analytics import duck
from fulfil.analytics import snapshot as snapshot_module
from fulfil.analytics.duck import all_table_names
from fulfil.analytics.pseudonymise import PiiKind, Pseudonymiser
from fulfil.analytics.run import describe_snapshot, run_snapshot
from fulfil.analytics.samples import ProjectItems, project_items, stamp
from fulfil.analytics.snapshot import take_snapshot
from fulfil.domain.contact import ContactError, normalize_indian_mobile
from fulfil.seed import STREETS, SeedData, generate
from fulfil.store.writer import put_all, write_seed

KEY = "integration-test-key-0123456789"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
WRITTEN = NOW - timedelta(hours=2)  # when the project items were last written


@dataclass
class World:
    client: Any
    settings: Any
    data: SeedData
    extra: ProjectItems


@pytest.fixture
def world(dynamo: Any, settings: Any, tmp_path: Path) -> Iterator[World]:
    settings.duckdb_path = str(tmp_path / "analytics" / "fulfilment.duckdb")
    data = generate(30, seed=5, now=NOW - timedelta(hours=6), broken_share=0.2)
    write_seed(dynamo, settings.tables, data)
    extra = project_items(data, updated=WRITTEN)
    put_all(dynamo, settings.tables.fulfilment, extra.fulfilment)
    put_all(dynamo, settings.tables.events, extra.events)
    put_all(dynamo, settings.tables.outbox, extra.outbox)
    yield World(dynamo, settings, data, extra)


def _dump(path: str) -> dict[str, str]:
    """Every table of the snapshot as one string of all its cells."""
    with duckdb.connect(path, read_only=True) as conn:
        out = {}
        for name in all_table_names():
            cells = conn.execute(f"SELECT * FROM {name}").fetchall()
            out[name] = "\x00".join("" if v is None else str(v) for row in cells for v in row)
        return out


def _needles(data: SeedData) -> set[str]:
    """Every seeded phone (as typed and E.164), email, street line and full name."""
    found: set[str] = set()
    for c in data.customers:
        found.add(c["email"])
        for key in ("phone", "phoneNumber"):
            if c.get(key):
                found.add(str(c[key]))
        name = c.get("name") or f"{c.get('firstName', '')} {c.get('lastName', '')}"
        found.add(name.strip())
    for a in data.addresses:
        if not str(a.get("ownerId", "")).startswith("seller"):
            found.add(str(a.get("Address") or a.get("address")))
        phone = a.get("ReceiversNumber") or a.get("receiverPhone")
        if phone and len(re.sub(r"\D", "", str(phone))) >= 10:
            found.add(str(phone))
    for raw in list(found):
        try:
            e164 = normalize_indian_mobile(raw)
        except ContactError:
            continue
        found.update({e164, e164[3:]})
    found.update(STREETS)
    return {n for n in found if len(n) >= 6}


def test_no_seeded_phone_email_street_or_name_appears_in_the_snapshot(world: World) -> None:
    result = take_snapshot(world.settings, world.client, key=KEY, now=NOW, segments=3)
    assert result.calls >= 3 * 9  # every table read as a three-segment parallel scan
    assert result.rows["orders"] == len(world.data.orders)
    assert result.rows["notifications"] > 0 and result.rows["escalations"] > 0
    tables = _dump(str(result.path))
    needles = _needles(world.data)
    assert len(needles) > 60  # phones, E.164 forms, emails, streets, names
    leaks = sorted(
        (needle, table) for needle in needles for table, text in tables.items() if needle in text
    )
    assert leaks == []
    # The vendor message that echoed a phone and an email survives, scrubbed.
    assert "<phone>" in tables["fulfilment"] and "<email>" in tables["escalations"]


def test_pseudonyms_join_and_geography_is_kept(world: World) -> None:
    result = take_snapshot(world.settings, world.client, key=KEY, now=NOW)
    pseudo = Pseudonymiser.from_env(KEY)
    customer = world.data.customers[0]
    with duckdb.connect(str(result.path), read_only=True) as conn:
        keys = {r[0] for r in conn.execute("SELECT customer_key FROM customers").fetchall()}
        assert pseudo.token(PiiKind.CUSTOMER, customer["customerId"]) in keys
        joined = conn.execute(
            "SELECT count(*) FROM notifications n JOIN customers c ON n.recipient_key = c.phone_key"
        ).fetchone()
        sent = conn.execute(
            "SELECT count(*) FROM notifications WHERE recipient_key IS NOT NULL"
        ).fetchone()
        assert joined is not None and sent is not None and joined[0] == sent[0] > 0
        geo = conn.execute(
            "SELECT count(*) FILTER (WHERE ship_city IS NOT NULL), "
            "count(*) FILTER (WHERE length(ship_pin3) = 3), "
            "count(*) FILTER (WHERE ship_state IS NOT NULL) FROM orders"
        ).fetchone()
        assert geo is not None and min(geo) > 0
        assert conn.execute(
            "SELECT count(*) FROM orders WHERE customer_key IS NULL"
        ).fetchone() == (0,)


def test_columns_are_typed_and_the_snapshot_describes_itself(world: World) -> None:
    result = take_snapshot(world.settings, world.client, key=KEY, now=NOW)
    with duckdb.connect(str(result.path), read_only=True) as conn:
        types = dict(
            conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ?",
                ["orders"],
            ).fetchall()
        )
        assert types["created_at"] == "TIMESTAMP WITH TIME ZONE"
        assert types["total_amount"] == "DECIMAL(12,2)"
        meta = conn.execute(
            "SELECT snapshot_id, taken_at, mode, schema_version, duration_s, "
            "row_counts->>'orders', items_read->>'fulfilment', dev_key FROM snapshot_meta"
        ).fetchall()
        headline = conn.execute("SELECT orders FROM v_kpi_headline").fetchone()
    assert meta == [
        (
            result.snapshot_id,
            NOW,
            "full",
            1,
            pytest.approx(result.duration_s, abs=1.0),
            str(len(world.data.orders)),
            str(len(world.extra.fulfilment)),
            False,
        )
    ]
    assert headline == (len(world.data.orders),)
    assert str(result.path) in describe_snapshot(result)


def test_the_live_file_changes_only_by_an_atomic_swap(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = take_snapshot(world.settings, world.client, key=KEY, now=NOW)
    reader = duckdb.connect(str(first.path), read_only=True)
    put_all(
        world.client,
        world.settings.tables.outbox,
        [stamp({"outboxId": "ntf#new", "kind": "notification", "state": "sent"}, NOW)],
    )
    # A snapshot that fails half-way leaves the live file exactly as it was, and no debris.
    before = first.path.read_bytes()

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(duck, "record_meta", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        take_snapshot(world.settings, world.client, key=KEY, now=NOW + timedelta(hours=1))
    monkeypatch.undo()
    assert first.path.read_bytes() == before
    assert sorted(p.name for p in first.path.parent.iterdir()) == [first.path.name]
    # A successful one replaces it whole: an open reader keeps its consistent old copy.
    second = take_snapshot(world.settings, world.client, key=KEY, now=NOW + timedelta(hours=1))
    assert second.mode == "incremental"
    count = "SELECT count(*) FROM notifications"
    assert reader.execute(count).fetchone() == (first.rows["notifications"],)
    reader.close()
    with duckdb.connect(str(second.path), read_only=True) as fresh:
        assert fresh.execute(count).fetchone() == (first.rows["notifications"] + 1,)
        assert fresh.execute("SELECT count(*) FROM snapshot_meta").fetchone() == (2,)


def test_incremental_reads_only_what_changed(world: World) -> None:
    first = take_snapshot(world.settings, world.client, key=KEY, now=NOW)
    assert first.mode == "full"
    assert first.items_read["fulfilment"] == len(world.extra.fulfilment)
    later = NOW + timedelta(minutes=30)
    changed = dict(world.extra.fulfilment[0], trackingStatus="lost", attempts=3)
    put_all(world.client, world.settings.tables.fulfilment, [stamp(changed, later)])
    put_all(world.client, world.settings.tables.events, [stamp(dict(world.extra.events[0]), later)])
    second = take_snapshot(world.settings, world.client, key=KEY, now=later + timedelta(minutes=1))
    assert second.mode == "incremental"
    assert (
        second.items_read["fulfilment"],
        second.items_read["events"],
        second.items_read["outbox"],
    ) == (1, 1, 0)
    assert second.rows == first.rows  # upserted in place, nothing duplicated
    with duckdb.connect(str(second.path), read_only=True) as conn:
        row = conn.execute(
            "SELECT tracking_status, attempts FROM fulfilment WHERE order_id = ? "
            "AND shipment_key = ?",
            [changed["orderId"], changed["shipmentKey"]],
        ).fetchone()
        marks = conn.execute("SELECT count(*) FROM snapshot_watermarks").fetchone()
    assert row == ("lost", 3)
    assert marks == (3,)
    # A full run re-reads everything and arrives at the same rows.
    third = take_snapshot(world.settings, world.client, key=KEY, now=later, full=True)
    assert third.mode == "full"
    assert third.items_read["fulfilment"] == len(world.extra.fulfilment)
    assert third.rows == first.rows


def test_run_snapshot_exports_parquet_partitioned_by_day(world: World, tmp_path: Path) -> None:
    out = tmp_path / "parquet"
    result, exported = run_snapshot(
        world.settings, client=world.client, parquet_dir=out, key=KEY, now=NOW
    )
    assert exported is not None and exported.files > 0
    assert (out / "LATEST").read_text().strip() == result.snapshot_id
    days = sorted(p.name for p in (exported.directory / "orders").iterdir())
    assert days and all(d.startswith("day=2026-") for d in days)
    pattern = str(exported.directory / "orders" / "*" / "*.parquet")
    with duckdb.connect() as conn:
        count = conn.execute(
            "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)", [pattern]
        ).fetchone()
    assert count == (result.rows["orders"],)


def test_a_previous_file_of_another_schema_is_rebuilt(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    take_snapshot(world.settings, world.client, key=KEY, now=NOW)
    monkeypatch.setattr(snapshot_module, "SCHEMA_VERSION", 2)
    second = take_snapshot(world.settings, world.client, key=KEY, now=NOW + timedelta(hours=1))
    assert second.mode == "full"
    with duckdb.connect(str(second.path), read_only=True) as conn:
        assert conn.execute("SELECT schema_version FROM snapshot_meta").fetchall() == [(2,)]
