"""Optional Parquet export of a snapshot, partitioned by day, for set-ups that outgrow one file.

Layout: `<out_dir>/<snapshot_id>/<table>/day=YYYY-MM-DD/*.parquet` (Hive partitioning; `day` is
the India-time calendar day of the row's main timestamp), plus `<out_dir>/LATEST` holding the id
of the newest complete export. A reader resolves LATEST first, so it never sees a half-written
export: the pointer is replaced atomically after every file is written. The previous export is
kept (a reader may still be on it); older ones are removed.

Query example: `SELECT * FROM read_parquet('<out_dir>/<id>/orders/*/*.parquet',
hive_partitioning = true)`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

__all__ = ["DAY_COLUMNS", "ParquetResult", "export_parquet", "latest_export"]

_IST_DAY = "CAST({col} AT TIME ZONE 'Asia/Kolkata' AS DATE)"
# Table -> the SELECT that adds its partition day (constants only; no values in SQL text).
DAY_COLUMNS: dict[str, str] = {
    "orders": f"SELECT *, {_IST_DAY.format(col='created_at')} AS day FROM orders",
    "order_lines": (
        f"SELECT l.*, {_IST_DAY.format(col='o.created_at')} AS day "
        "FROM order_lines l LEFT JOIN orders o USING (order_id)"
    ),
    "payments": f"SELECT *, {_IST_DAY.format(col='created_at')} AS day FROM payments",
    "shipments": f"SELECT *, {_IST_DAY.format(col='created_at')} AS day FROM shipments",
    "fulfilment": f"SELECT *, {_IST_DAY.format(col='order_created_at')} AS day FROM fulfilment",
    "tracking_events": f"SELECT *, {_IST_DAY.format(col='scan_at')} AS day FROM tracking_events",
    "notifications": f"SELECT *, {_IST_DAY.format(col='created_at')} AS day FROM notifications",
    "escalations": f"SELECT *, {_IST_DAY.format(col='created_at')} AS day FROM escalations",
}
# Small tables without a natural day: one file each.
WHOLE_TABLES = ("customers", "snapshot_meta", "sla_targets")


@dataclass(frozen=True)
class ParquetResult:
    directory: Path
    snapshot_id: str
    files: int


def export_parquet(
    db_path: str | Path, out_dir: str | Path, *, snapshot_id: str, keep: int = 2
) -> ParquetResult:
    """Export every table of the snapshot at `db_path`; returns where and how many files."""
    root = Path(out_dir)
    target = root / snapshot_id
    staging = root / f".{snapshot_id}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with duckdb.connect(str(db_path), read_only=True) as conn:
            for name, query in DAY_COLUMNS.items():
                conn.sql(query).write_parquet(
                    str(staging / name), partition_by=["day"], overwrite=True
                )
            for name in WHOLE_TABLES:
                (staging / name).mkdir()
                conn.table(name).write_parquet(str(staging / name / "data.parquet"))
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    pointer = root / ".LATEST.tmp"
    pointer.write_text(snapshot_id + "\n", encoding="utf-8")
    pointer.replace(root / "LATEST")
    _prune(root, keep=keep, current=snapshot_id)
    return ParquetResult(target, snapshot_id, sum(1 for _ in target.rglob("*.parquet")))


def latest_export(out_dir: str | Path) -> Path | None:
    """The directory of the newest complete export, or None."""
    pointer = Path(out_dir) / "LATEST"
    if not pointer.exists():
        return None
    return Path(out_dir) / pointer.read_text(encoding="utf-8").strip()


def _prune(root: Path, *, keep: int, current: str) -> None:
    exports = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )
    for old in exports[: max(0, len(exports) - max(keep, 1))]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)
