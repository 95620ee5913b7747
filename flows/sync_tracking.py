"""Flow `sync-tracking`: statuses flow back from Shiprocket, forward only.

The flow only orchestrates: it validates its parameters, wires the services, runs the sync with
task-backed steps (one task run per chunk of 50 AWBs) and publishes what changed as artifacts:
a table of changes, exceptions and stuck shipments (each with its Shiprocket tracking URL and
the `fulfil track --awb` command for its timeline) and a markdown summary with the two
efficiency figures. Vendor failures never fail the run; they are reported per chunk.
"""

from __future__ import annotations

import re
from typing import Annotated

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel, Field, field_validator

from blocks.loading import apply_blocks
from fulfil.settings import load_settings
from fulfil.tracking.report import TrackingReport
from fulfil.tracking.service import build_services, run_tracking_sync
from tasks.tracking import TASK_STEPS

__all__ = ["ARTIFACT_KEY", "FLOW_NAME", "SyncTrackingParameters", "sync_tracking"]

FLOW_NAME = "sync-tracking"
ARTIFACT_KEY = "sync-tracking"
_AWB = re.compile(r"^[A-Za-z0-9-]{4,40}$")


class SyncTrackingParameters(BaseModel):
    """What an operator may ask of a tracking sync (validated before any work starts)."""

    awbs: list[str] | None = Field(None, max_length=1000)
    dry_run: bool = False

    @field_validator("awbs")
    @classmethod
    def _clean(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        cleaned = [v.strip() for v in value if v and v.strip()]
        bad = [v for v in cleaned if not _AWB.fullmatch(v)]
        if bad:
            raise ValueError(f"not an AWB: {bad[0][:50]!r}")
        return cleaned or None


@flow(name=FLOW_NAME, task_runner=ThreadPoolTaskRunner(max_workers=4), log_prints=False)  # type: ignore[arg-type]
def sync_tracking(
    awbs: Annotated[list[str] | None, Field(max_length=1000)] = None,
    dry_run: bool = False,
    deliver_outbound: bool = True,
) -> TrackingReport:
    """Poll Shiprocket for every active shipment (or only `awbs`) and apply what changed.

    Args:
        awbs: only these AWBs (an old-code shipment is put on tracking on first sight).
        dry_run: compute and report what would change; write and notify nothing.
        deliver_outbound: send the recorded notifications and escalations at the end.
    """
    apply_blocks()  # block values (if any) into the env the settings read
    params = SyncTrackingParameters(awbs=awbs, dry_run=dry_run)
    settings = load_settings()
    services = build_services(settings, flow_run_url=flow_run.ui_url)
    report = run_tracking_sync(
        settings, awbs=params.awbs, dry_run=params.dry_run, services=services, steps=TASK_STEPS
    )
    get_run_logger().info("sync-tracking done: %s", report.counts())
    publish(report)
    if deliver_outbound and not params.dry_run:
        from flows.deliver_outbound import deliver_outbound as deliver

        deliver()
    return report


def publish(report: TrackingReport) -> None:
    """The run's artifacts: the table of lines and the markdown summary."""
    rows = report.table()[:1000] or [
        {"kind": "none", "awb": "", "what": "nothing changed", "tracking_url": "", "timeline": ""}
    ]
    create_table_artifact(
        rows,
        key=ARTIFACT_KEY,
        description=(
            f"sync-tracking{' (dry run)' if report.dry_run else ''}: status changes, exceptions,"
            " stuck and retired shipments, with tracking URL and timeline command per AWB"
        ),
    )
    create_markdown_artifact(
        report.summary_markdown(), key=f"{ARTIFACT_KEY}-summary", description="Counts"
    )
