"""Plain entry points for the CLI, the demo and the flows: snapshot, report, and what to print.

No Prefect here: `fulfil snapshot` / `fulfil report` call these directly, and the flows wrap
them in tasks.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fulfil.analytics.parquet import ParquetResult, export_parquet
from fulfil.analytics.report import ReportResult, render_report
from fulfil.analytics.snapshot import SnapshotResult, take_snapshot
from fulfil.settings import Settings
from fulfil.store.dynamo import DynamoDBClient

__all__ = [
    "EXAMPLE_QUERY",
    "default_report_path",
    "describe_report",
    "describe_snapshot",
    "run_report",
    "run_snapshot",
]

EXAMPLE_QUERY = "SELECT * FROM v_kpi_headline;"


def run_snapshot(
    settings: Settings,
    *,
    client: DynamoDBClient | None = None,
    full: bool = False,
    parquet_dir: str | Path | None = None,
    key: str | None = None,
    now: datetime | None = None,
) -> tuple[SnapshotResult, ParquetResult | None]:
    """Take a snapshot into `settings.duckdb_path`; optionally export it to Parquet too."""
    result = take_snapshot(settings, client, full=full, key=key, now=now)
    exported = None
    if parquet_dir is not None:
        exported = export_parquet(result.path, parquet_dir, snapshot_id=result.snapshot_id)
    return result, exported


def default_report_path(settings: Settings) -> Path:
    """`fulfilment-report.html` next to the DuckDB file."""
    return Path(settings.duckdb_path).with_name("fulfilment-report.html")


def run_report(
    settings: Settings,
    *,
    out_path: str | Path | None = None,
    as_of: datetime | None = None,
    days: int = 30,
) -> ReportResult:
    """Render the HTML report from the current snapshot (`as_of` default: its taken_at)."""
    out = Path(out_path) if out_path is not None else default_report_path(settings)
    return render_report(settings.duckdb_path, out, as_of=as_of, days=days)


def describe_snapshot(result: SnapshotResult, parquet: ParquetResult | None = None) -> str:
    """Lines for a terminal: where the snapshot is, what it holds, one query to try."""
    total_rows = sum(result.rows.values())
    path = result.path.resolve()
    lines = [
        f"snapshot {result.snapshot_id} ({result.mode}) in {result.duration_s:.2f}s: "
        f"{total_rows} rows, {sum(result.items_read.values())} items read "
        f"in {result.calls} calls",
        f"  DuckDB file: {path}",
    ]
    if parquet is not None:
        lines.append(f"  Parquet:     {parquet.directory.resolve()} ({parquet.files} files)")
    if result.dev_key:
        lines.append("  (pseudonyms use the development key: set FULFIL_PSEUDONYMISATION_KEY)")
    lines += [
        f'  query:      duckdb -readonly {path} "{EXAMPLE_QUERY}"',
        f"        (or)  python -c \"import duckdb; duckdb.connect('{path}', "
        f"read_only=True).sql('{EXAMPLE_QUERY.rstrip(';')}').show()\"",
    ]
    return "\n".join(lines)


def describe_report(result: ReportResult) -> str:
    return (
        f"report for {result.as_of:%Y-%m-%d %H:%M} UTC: {result.path.resolve()} "
        f"({len(result.sections)} sections, {result.charts} charts, {result.size_bytes} bytes)"
    )
