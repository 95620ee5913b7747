"""Flow `snapshot`: copy DynamoDB into the analysts' DuckDB file (hourly by default).

Orchestration only: one task takes the snapshot (incremental from the stored watermark, or
full), then the flow publishes what it copied as a table artifact. See
`fulfil/analytics/snapshot.py` for how the copy stays atomic and PII-safe.
"""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_table_artifact

from blocks.loading import apply_blocks
from fulfil.analytics.run import describe_snapshot
from tasks.analytics import take_snapshot_task

__all__ = ["ARTIFACT_KEY", "FLOW_NAME", "SCHEDULE_CRON", "SCHEDULE_TIMEZONE", "snapshot"]

FLOW_NAME = "snapshot"
ARTIFACT_KEY = "analytics-snapshot"
SCHEDULE_CRON = "5 * * * *"  # hourly, a few minutes past the hour
SCHEDULE_TIMEZONE = "Asia/Kolkata"


@flow(name=FLOW_NAME, log_prints=False, validate_parameters=True)
def snapshot(
    full: bool = False, parquet_dir: str | None = None, key_block: str | None = None
) -> dict[str, int]:
    """Snapshot orders, shipments, tracking, fulfilment state and the outbox into DuckDB.

    Args:
        full: rebuild from full scans instead of continuing from the watermark.
        parquet_dir: also export the snapshot as Parquet files partitioned by day here.
        key_block: name of a Prefect Secret block holding the pseudonymisation key
            (default: the FULFIL_PSEUDONYMISATION_KEY environment variable).

    Returns:
        Rows per table in the new snapshot.
    """
    apply_blocks()  # block values (if any) into the env the settings read
    result, parquet = take_snapshot_task(full=full, parquet_dir=parquet_dir, key_block=key_block)
    create_table_artifact(
        key=ARTIFACT_KEY,
        table=[
            {"table": name, "rows": rows, "items_read": result.items_read.get(name)}
            for name, rows in sorted(result.rows.items())
        ],
        description=describe_snapshot(result, parquet),
    )
    return dict(result.rows)
