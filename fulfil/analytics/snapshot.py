"""Copy DynamoDB into the analysts' DuckDB file: typed, pseudonymised, swapped in atomically.

How a snapshot runs:

1. The new copy is built in a staging file next to the live one (a copy of the previous
   snapshot for an incremental run, an empty file for a full one). Nothing touches the live
   file until step 5, so analysts never see half a copy, and a failed run leaves it as it was.
2. Reads: the storefront's tables carry no update timestamp, so they are read whole, by a
   parallel scan (Segment/TotalSegments) through `FastReader`, which skips botocore's shape
   parser. The project's tables (fulfilment, events, outbox) stamp `updatedAt`/`changeDay` on every
   write: after the first run they are read through `ChangesIndex`, one Query per `changeDay`
   from the watermark's day to today, `updatedAt >= watermark`, so the cost follows the changes.
   `project=True` asks only for the attributes `rows.py` maps (a ProjectionExpression). It is
   off by default: DynamoDB charges a scan by the full item size either way, the fast parser
   makes the extra bytes cheap, and moto (tests, demo) projects far slower than it returns whole
   items. Personal data in unread attributes (`plan`, `params`) is dropped by the mapping.
3. Rows are mapped (`rows.py`: pseudonyms, geography, scrubbed text), then loaded: source tables
   replaced, project tables upserted on their keys.
4. The new watermark (taken_at minus a safety lag, because GSIs are eventually consistent and
   writers' clocks drift; re-reading an item is harmless, upserts are idempotent), the metadata
   row and the views are written in the staging file, which is then checkpointed and closed.
5. `os.replace(staging, live)`: atomic on POSIX. Readers that opened the old file keep reading
   it; new connections see the new snapshot.

The watermark lives in the DuckDB file itself (`snapshot_watermarks`), so it can never run ahead
of the data it describes. Deletions in the project's tables (there are none today) would only be
seen by a `full` run. The control table (tokens, webhook inbox) is never copied.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from fulfil.analytics import duck, rows
from fulfil.analytics.fastscan import FastReader, ReadJob, projection
from fulfil.analytics.pseudonymise import Pseudonymiser
from fulfil.analytics.schema import SCHEMA_VERSION, table
from fulfil.settings import Settings, TableNames
from fulfil.store.dynamo import DynamoDBClient, make_client
from fulfil.store.schema import CHANGES_INDEX
from fulfil.timestamps import iso

__all__ = ["PROJECT_TABLES", "SOURCE_TABLES", "SnapshotResult", "take_snapshot"]

log = logging.getLogger(__name__)

# label -> (TableNames attribute, projected attributes)
SOURCE_TABLES: dict[str, tuple[str, Sequence[str]]] = {
    "orders": ("orders", rows.ORDER_ATTRS),
    "addresses": ("addresses", rows.ADDRESS_ATTRS),
    "products": ("products", rows.PRODUCT_ATTRS),
    "customers": ("customers", rows.CUSTOMER_ATTRS),
    "payments": ("payments", rows.PAYMENT_ATTRS),
    "shipments": ("shipments", rows.SHIPMENT_ATTRS),
}
PROJECT_TABLES: dict[str, tuple[str, Sequence[str]]] = {
    "fulfilment": ("fulfilment", rows.FULFILMENT_ATTRS),
    "events": ("events", rows.EVENT_ATTRS),
    "outbox": ("outbox", rows.OUTBOX_ATTRS),
}
WATERMARK_LAG = timedelta(minutes=5)


@dataclass(frozen=True)
class SnapshotResult:
    """What a snapshot did: where it is, how it was read, and how big it is."""

    path: Path
    snapshot_id: str
    taken_at: datetime
    mode: str  # "full" or "incremental"
    duration_s: float
    rows: Mapping[str, int]  # rows per DuckDB table after the snapshot
    items_read: Mapping[str, int]  # DynamoDB items read per source/project table
    calls: int  # DynamoDB Scan/Query calls
    dev_key: bool

    @property
    def project_items_read(self) -> int:
        return sum(self.items_read.get(label, 0) for label in PROJECT_TABLES)


def take_snapshot(
    settings: Settings,
    client: DynamoDBClient | None = None,
    *,
    full: bool = False,
    now: datetime | None = None,
    key: str | None = None,
    segments: int | None = None,
    workers: int = 8,
    project: bool = False,
    lag: timedelta = WATERMARK_LAG,
) -> SnapshotResult:
    """Take a snapshot into `settings.duckdb_path` (incremental unless `full` or first run)."""
    started = time.perf_counter()
    taken_at = (now or datetime.now(UTC)).astimezone(UTC)
    snapshot_id = f"{taken_at:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    pseudo = Pseudonymiser.from_env(key)
    target = Path(settings.duckdb_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{snapshot_id}.staging")
    workdir = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=target.parent))
    try:
        conn, marks = _open_staging(target, staging, full=full)
        mode = "incremental" if marks else "full"
        with conn:
            reader = FastReader(client or make_client(settings), workers=workers)
            jobs = _read_jobs(
                settings.tables,
                marks,
                taken_at,
                segments=(lambda _: segments) if segments else reader.segments_for,
                lag=lag,
                project=project,
            )
            items = reader.run(jobs)
            _load(conn, items, pseudo, workdir, incremental=bool(marks))
            duck.write_watermarks(conn, {label: taken_at - lag for label in PROJECT_TABLES})
            counts = duck.row_counts(conn)
            items_read = {label: reader.stats.items.get(label, 0) for label in items}
            duck.apply_views(conn)
            duration = time.perf_counter() - started
            duck.record_meta(
                conn,
                snapshot_id=snapshot_id,
                taken_at=taken_at,
                mode=mode,
                schema_version=SCHEMA_VERSION,
                duration_s=duration,
                rows=counts,
                items_read=items_read,
                key_id=pseudo.key_id,
                dev_key=pseudo.dev_key,
            )
            conn.execute("CHECKPOINT")
        os.replace(staging, target)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        for leftover in (staging, staging.with_name(staging.name + ".wal")):
            leftover.unlink(missing_ok=True)
    result = SnapshotResult(
        path=target,
        snapshot_id=snapshot_id,
        taken_at=taken_at,
        mode=mode,
        duration_s=time.perf_counter() - started,
        rows=counts,
        items_read=items_read,
        calls=reader.stats.calls,
        dev_key=pseudo.dev_key,
    )
    log.info(
        "snapshot %s (%s) in %.2fs: %d items read in %d calls -> %s",
        snapshot_id,
        mode,
        result.duration_s,
        sum(items_read.values()),
        result.calls,
        target,
    )
    return result


def _open_staging(
    target: Path, staging: Path, *, full: bool
) -> tuple[duckdb.DuckDBPyConnection, dict[str, datetime]]:
    """A connection to the staging file and the watermarks to continue from ({} = read all).

    The staging file starts as a copy of the live one whenever its schema version matches (a
    full run then replaces every table, but keeps analyst-tuned SLA targets and skips
    re-creating unchanged views); otherwise, or if the live file cannot be read, it starts empty.
    """
    if target.exists():
        shutil.copyfile(target, staging)
        conn = None
        try:
            conn = duckdb.connect(str(staging))
            duck.apply_schema(conn)
            if duck.latest_schema_version(conn) == SCHEMA_VERSION:
                marks = duck.read_watermarks(conn)
                if full or not set(marks) >= set(PROJECT_TABLES):
                    marks = {}
                return conn, marks
            log.info("previous snapshot has schema %s: starting a new file", SCHEMA_VERSION)
        except duckdb.Error:
            log.warning("previous snapshot %s is unreadable: starting a new file", target)
        if conn is not None:
            conn.close()
        staging.unlink()
    conn = duckdb.connect(str(staging))
    duck.apply_schema(conn)
    return conn, {}


def _read_jobs(
    names: TableNames,
    marks: Mapping[str, datetime],
    taken_at: datetime,
    *,
    segments: Callable[[str], int],
    lag: timedelta,
    project: bool,
) -> list[ReadJob]:
    jobs: list[ReadJob] = []
    for label, (attr, wanted) in SOURCE_TABLES.items():
        table_name = getattr(names, attr)
        jobs += FastReader.scan_jobs(
            label,
            table_name,
            segments=segments(table_name),
            attributes=wanted if project else None,
        )
    for label, (attr, wanted) in PROJECT_TABLES.items():
        attributes = wanted if project else None
        table_name = getattr(names, attr)
        mark = marks.get(label)
        if mark is None:
            jobs += FastReader.scan_jobs(
                label, table_name, segments=segments(table_name), attributes=attributes
            )
        else:
            jobs += _change_queries(label, table_name, attributes, mark, taken_at + lag)
    return jobs


def _change_queries(
    label: str,
    table_name: str,
    attributes: Sequence[str] | None,
    mark: datetime,
    until: datetime,
) -> list[ReadJob]:
    """One ChangesIndex Query per changeDay partition from the watermark's day to `until`'s."""
    proj = projection(attributes) if attributes else {"ExpressionAttributeNames": {}}
    since = iso(mark)
    jobs = []
    for day in _days(mark.astimezone(UTC).date(), until.astimezone(UTC).date()):
        request: dict[str, Any] = {
            **proj,
            "TableName": table_name,
            "IndexName": CHANGES_INDEX,
            "KeyConditionExpression": "#cd = :day AND #ua >= :since",
            "ExpressionAttributeNames": {
                **proj["ExpressionAttributeNames"],
                "#cd": "changeDay",
                "#ua": "updatedAt",
            },
            "ExpressionAttributeValues": {":day": {"S": day.isoformat()}, ":since": {"S": since}},
        }
        jobs.append(ReadJob(label, "query", request))
    return jobs


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _load(
    conn: duckdb.DuckDBPyConnection,
    items: Mapping[str, list[dict[str, Any]]],
    pseudo: Pseudonymiser,
    workdir: Path,
    *,
    incremental: bool,
) -> None:
    addresses = rows.index_by(items.get("addresses", []), "addressId")
    products = rows.index_by(items.get("products", []), "productId")
    order_rows: list[rows.Row] = []
    line_rows: list[rows.Row] = []
    for order in items.get("orders", []):
        order_row, lines = rows.order_rows(order, addresses, products, pseudo)
        order_rows.append(order_row)
        line_rows.extend(lines)
    replace = {
        "orders": order_rows,
        "order_lines": line_rows,
        "payments": [rows.payment_row(i, pseudo) for i in items.get("payments", [])],
        "customers": [rows.customer_row(i, pseudo) for i in items.get("customers", [])],
        "shipments": [rows.shipment_row(i) for i in items.get("shipments", [])],
    }
    outbox: dict[str, list[rows.Row]] = {"notifications": [], "escalations": []}
    for item in items.get("outbox", []):
        mapped = rows.outbox_row(item, pseudo)
        if mapped is not None:
            outbox[mapped[0]].append(mapped[1])
    project = {
        "fulfilment": [rows.fulfilment_row(i) for i in items.get("fulfilment", [])],
        "tracking_events": [rows.event_row(i) for i in items.get("events", [])],
        **outbox,
    }
    for name, batch in replace.items():
        duck.load_rows(conn, table(name), batch, workdir, replace=True)
    for name, batch in project.items():
        duck.load_rows(conn, table(name), batch, workdir, replace=not incremental)
