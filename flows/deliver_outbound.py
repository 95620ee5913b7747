"""`deliver-outbound`: deliver what the outboxes hold (tickets, then WhatsApp notices).

Runs on its own schedule and at the end of each sweep and tracking sync. The flow only
orchestrates: it builds the services, runs `run_deliver_outbound` with task-backed steps and
publishes the outcome as a table artifact. Vendor failures never fail the run (they are
rescheduled or marked failed item by item); only infrastructure errors that survive the tasks'
retries do.
"""

from __future__ import annotations

from typing import Annotated

import httpx
from prefect import flow
from prefect.artifacts import create_table_artifact
from pydantic import Field

from blocks.loading import apply_blocks
from fulfil.outbound.run import OutboundRunReport, run_deliver_outbound
from fulfil.outbound.wiring import build_services
from fulfil.settings import load_settings
from tasks.outbound import TASK_STEPS

__all__ = ["ARTIFACT_KEY", "deliver_outbound", "run_deliver_outbound"]

ARTIFACT_KEY = "deliver-outbound"


@flow(name="deliver-outbound", log_prints=False, validate_parameters=True)
def deliver_outbound(
    dry_run: bool = False,
    limit: Annotated[int, Field(ge=1, le=100_000)] | None = None,
) -> OutboundRunReport:
    """Evaluate alert rules, deliver due escalations, then due notifications.

    Args:
        dry_run: count what is due and which alerts would fire; send and write nothing.
        limit: at most this many items of each kind (None: until the queues are empty).
    """
    apply_blocks()  # block values (if any) into the env the settings read
    settings = load_settings()
    with httpx.Client() as http:
        services = build_services(settings, http=http)
        report = run_deliver_outbound(
            settings, dry_run=dry_run, limit=limit, services=services, steps=TASK_STEPS
        )
    create_table_artifact(
        table=report.table(),
        key=ARTIFACT_KEY,
        description=(
            f"deliver-outbound{' (dry run)' if dry_run else ''}: counts per outcome, alerts fired "
            "and failures with their reasons"
        ),
    )
    return report
