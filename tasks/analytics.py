"""Thin Prefect tasks over the analytics entry points (`fulfil.analytics.run`).

The pseudonymisation key never travels as a task parameter (Prefect records parameters): a task
gets the *name* of a Secret block and reads the key inside, or falls back to the environment.
Retries only for failures that can heal by themselves (DynamoDB throttling, a dropped
connection); a bug or a schema problem fails at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from prefect import task
from prefect.cache_policies import NO_CACHE

from fulfil.analytics.parquet import ParquetResult
from fulfil.analytics.report import ReportResult
from fulfil.analytics.run import run_report, run_snapshot
from fulfil.analytics.snapshot import SnapshotResult
from fulfil.settings import load_settings

__all__ = ["render_report_task", "retry_transient", "take_snapshot_task"]

_TRANSIENT_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}


def retry_transient(task: Any, task_run: Any, state: Any) -> bool:
    """`retry_condition_fn`: retry throttling and connection errors only."""
    try:
        state.result()
    except ClientError as exc:
        return exc.response.get("Error", {}).get("Code") in _TRANSIENT_CODES
    except BotoCoreError:
        return True
    except Exception:
        return False
    return False


def _key_from_block(block_name: str | None) -> str | None:
    if not block_name:
        return None
    from prefect.blocks.system import Secret

    block: Any = Secret.load(block_name)  # a sync task, so the sync implementation runs
    return str(block.get())


@task(
    name="take-snapshot",
    retries=2,
    retry_delay_seconds=[15, 60],
    retry_condition_fn=retry_transient,
    cache_policy=NO_CACHE,
)
def take_snapshot_task(
    full: bool = False, parquet_dir: str | None = None, key_block: str | None = None
) -> tuple[SnapshotResult, ParquetResult | None]:
    """Copy DynamoDB into the analysts' DuckDB file (and Parquet, if asked)."""
    return run_snapshot(
        load_settings(), full=full, parquet_dir=parquet_dir, key=_key_from_block(key_block)
    )


@task(name="render-report", cache_policy=NO_CACHE)
def render_report_task(
    out_path: str | None = None, days: int = 30, as_of: datetime | None = None
) -> ReportResult:
    """Write the self-contained HTML report from the current snapshot."""
    return run_report(load_settings(), out_path=out_path, days=days, as_of=as_of)
