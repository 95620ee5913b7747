"""DuckDB side of the snapshot: schema, bulk loads, watermarks, metadata, views.

Rows are loaded through a staged NDJSON file read by DuckDB's own JSON reader (row-by-row
`executemany` is ~100x slower, and the project takes no pandas/pyarrow dependency). The file path
is a bound parameter; the SQL text comes from `schema.py` constants only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from fulfil.analytics.schema import (
    CONTROL_TABLES,
    DATA_TABLES,
    SLA_DEFAULTS,
    TableDef,
    control_ddl,
)

__all__ = [
    "apply_schema",
    "apply_views",
    "latest_schema_version",
    "load_rows",
    "read_watermarks",
    "record_meta",
    "row_counts",
    "views_sql",
    "write_watermarks",
]


def apply_schema(conn: duckdb.DuckDBPyConnection) -> None:
    """Create every table that is missing, and the default SLA targets that are missing."""
    for statement in (*(t.ddl() for t in DATA_TABLES), *control_ddl()):
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO sla_targets (sla, target_hours, description) VALUES (?, ?, ?) "
        "ON CONFLICT (sla) DO NOTHING",
        [list(row) for row in SLA_DEFAULTS],
    )


def views_sql() -> str:
    return resources.files("fulfil.analytics").joinpath("views.sql").read_text(encoding="utf-8")


def apply_views(conn: duckdb.DuckDBPyConnection) -> bool:
    """(Re)create every view and table macro from `views.sql` unless this exact text is already
    applied (binding them costs ~0.5 s). Returns whether they were (re)created."""
    text = views_sql()
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    row = conn.execute("SELECT sha FROM snapshot_views").fetchone()
    if row is not None and row[0] == sha:
        return False
    conn.execute(text)
    conn.execute("DELETE FROM snapshot_views")
    conn.execute("INSERT INTO snapshot_views (sha) VALUES (?)", [sha])
    return True


def latest_schema_version(conn: duckdb.DuckDBPyConnection) -> int | None:
    row = conn.execute(
        "SELECT schema_version FROM snapshot_meta ORDER BY taken_at DESC LIMIT 1"
    ).fetchone()
    return int(row[0]) if row else None


def _write_ndjson(rows: Iterable[Mapping[str, Any]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, separators=(",", ":")))
            out.write("\n")
            count += 1
    return count


def load_rows(
    conn: duckdb.DuckDBPyConnection,
    table: TableDef,
    rows: Sequence[Mapping[str, Any]],
    workdir: Path,
    *,
    replace: bool,
) -> int:
    """Load rows into `table`: all of it replaced (`replace`) or upserted on its key.

    Upserts keep one row per key from the batch (the latest `updated_at` when the table has
    one), delete the rows they supersede and insert the new ones, in one transaction.
    """
    path = workdir / f"{table.name}.ndjson"
    _write_ndjson(rows, path)
    try:
        conn.execute("BEGIN TRANSACTION")
        if replace:
            conn.execute(f"DELETE FROM {table.name}")
            if rows:
                conn.execute(f"INSERT INTO {table.name} {table.select_from_json()}", [str(path)])
        elif rows:
            _upsert(conn, table, path)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        path.unlink(missing_ok=True)
    return len(rows)


def _upsert(conn: duckdb.DuckDBPyConnection, table: TableDef, path: Path) -> None:
    keys = ", ".join(table.key)
    order = "updated_at DESC NULLS LAST" if "updated_at" in table.column_names else keys
    conn.execute(
        f"CREATE OR REPLACE TEMP TABLE _stage AS SELECT * FROM ({table.select_from_json()}) "
        f"QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {order}) = 1",
        [str(path)],
    )
    match = " AND ".join(f"{table.name}.{k} = _stage.{k}" for k in table.key)
    conn.execute(f"DELETE FROM {table.name} USING _stage WHERE {match}")
    conn.execute(f"INSERT INTO {table.name} SELECT * FROM _stage")
    conn.execute("DROP TABLE _stage")


def read_watermarks(conn: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    rows = conn.execute("SELECT table_name, watermark FROM snapshot_watermarks").fetchall()
    return {str(name): mark for name, mark in rows}


def write_watermarks(conn: duckdb.DuckDBPyConnection, marks: Mapping[str, datetime]) -> None:
    conn.executemany(
        "INSERT INTO snapshot_watermarks (table_name, watermark) VALUES (?, ?) "
        "ON CONFLICT (table_name) DO UPDATE SET watermark = excluded.watermark",
        [[name, mark] for name, mark in sorted(marks.items())],
    )


def row_counts(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    counts = {}
    for table in DATA_TABLES:
        row = conn.execute(f"SELECT count(*) FROM {table.name}").fetchone()
        counts[table.name] = int(row[0]) if row else 0
    return counts


def record_meta(
    conn: duckdb.DuckDBPyConnection,
    *,
    snapshot_id: str,
    taken_at: datetime,
    mode: str,
    schema_version: int,
    duration_s: float,
    rows: Mapping[str, int],
    items_read: Mapping[str, int],
    key_id: str,
    dev_key: bool,
) -> None:
    conn.execute(
        "INSERT INTO snapshot_meta (snapshot_id, taken_at, mode, schema_version, duration_s, "
        "row_counts, items_read, key_id, dev_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            snapshot_id,
            taken_at,
            mode,
            schema_version,
            duration_s,
            json.dumps(dict(rows), sort_keys=True),
            json.dumps(dict(items_read), sort_keys=True),
            key_id,
            dev_key,
        ],
    )


def all_table_names() -> tuple[str, ...]:
    return (*(t.name for t in DATA_TABLES), *CONTROL_TABLES)
