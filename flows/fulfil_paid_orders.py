"""Flow `fulfil-paid-orders`: every paid (or COD-confirmed) order becomes exactly one shipment.

The flow only orchestrates: intake (plan new orders, park bad ones), find due work, ship it in
batch-sized tasks (async with bounded concurrency inside each), summarise, deliver the outbox.
"""

from __future__ import annotations

import time
import uuid
from typing import Annotated, Any, TypeVar, cast

from prefect import flow, get_run_logger
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote
from pydantic import Field

from blocks.loading import apply_blocks
from fulfil.sweep.service import SweepParameters
from fulfil.sweep.summary import SweepSummary
from tasks.sweep import find_due_work, intake_orders, ship_batch_task

FLOW_NAME = "fulfil-paid-orders"
T = TypeVar("T")
PROGRESS_EVERY_SECONDS = 5.0  # at most one progress-artifact update per this many seconds


@flow(name=FLOW_NAME, task_runner=ThreadPoolTaskRunner(max_workers=4), log_prints=False)  # type: ignore[arg-type]
def fulfil_paid_orders(
    order_ids: list[str] | None = None,
    limit: Annotated[int | None, Field(ge=1)] = None,
    dry_run: bool = False,
    batch_size: Annotated[int, Field(ge=1, le=500)] = 50,
    max_concurrency: Annotated[int, Field(ge=1, le=64)] = 8,
    deliver_outbound: bool = True,
) -> dict[str, int]:
    """Ship paid and COD-confirmed orders through Shiprocket, exactly once each.

    Args:
        order_ids: only these orders (also un-parks an order whose record a person fixed).
        limit: at most this many orders and due shipments this run.
        dry_run: plan and validate only; nothing is written and Shiprocket is not called.
        batch_size: shipments per task run.
        max_concurrency: Shiprocket calls in flight within one batch.
        deliver_outbound: send the recorded notifications and escalations at the end.
    """
    apply_blocks()  # block values (if any) into the env the settings read
    params = SweepParameters(
        order_ids=order_ids,
        limit=limit,
        dry_run=dry_run,
        batch_size=batch_size,
        max_concurrency=max_concurrency,
    )
    logger = get_run_logger()
    url = flow_run.ui_url
    intake = intake_orders(params, url)
    summary = SweepSummary(dry_run=dry_run, intake=intake)
    if dry_run:
        summary.due = len(intake.work)
        _publish(summary)
        return summary.counts()
    # as_is(): hand the key lists over as they are; Prefect need not walk thousands of tuples
    # looking for futures to resolve (it costs ~0.05 ms per element).
    keys = find_due_work(params, as_is(intake.work))
    summary.due = len(keys)
    batches = [keys[i : i + batch_size] for i in range(0, len(keys), batch_size)]
    owner = f"{FLOW_NAME}-{flow_run.id or uuid.uuid4().hex[:12]}"
    futures = [
        ship_batch_task.submit(
            as_is(batch), params, owner, url, label=f"{i + 1:03d}-of-{len(batches):03d}"
        )
        for i, batch in enumerate(batches)
    ]
    # Progress for long runs: the artifact appears once a run has gone on for a while and is
    # updated at most every PROGRESS_EVERY_SECONDS (each update is an API round trip).
    progress = None
    reported = 0.0
    last_update = time.monotonic()
    for done, future in enumerate(futures, start=1):
        summary.batches.append(future.result())
        if len(futures) > 1 and time.monotonic() - last_update >= PROGRESS_EVERY_SECONDS:
            last_update = time.monotonic()
            if progress is None:
                progress = create_progress_artifact(
                    0.0, key="sweep-progress", description="Shipments processed this run"
                )
            reported = 100.0 * done / len(futures)
            # sync flow: the artifact id is a UUID, not the coroutine the overload also allows
            update_progress_artifact(progress, reported)  # type: ignore[arg-type]
    if progress is not None and reported < 100.0:
        update_progress_artifact(progress, 100.0)  # type: ignore[arg-type]
    counts = summary.counts()
    logger.info("sweep done: %s", counts)
    _publish(summary)
    if deliver_outbound and not dry_run:
        from flows.deliver_outbound import deliver_outbound as deliver

        deliver()
    return counts


def as_is(value: T) -> T:
    """`quote(value)` typed as the value: Prefect passes it to the task without walking it."""
    return cast(T, quote(value))


def _publish(summary: SweepSummary) -> None:
    counts = summary.counts()
    lines = "\n".join(f"| {k.replace('_', ' ')} | {v} |" for k, v in counts.items())
    create_markdown_artifact(
        f"## Sweep{' (dry run)' if summary.dry_run else ''}\n\n"
        f"| what | count |\n|---|---|\n{lines}\n",
        key="sweep-summary",
        description="What this sweep did",
    )
    rows: list[dict[str, Any]] = summary.table()
    if rows:
        create_table_artifact(
            rows[:1000],
            key="sweep-shipments",
            description="Shipments shipped, resumed, retrying, parked; skipped orders",
        )
