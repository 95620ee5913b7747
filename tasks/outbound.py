"""Thin Prefect tasks over the outbound steps: one task run per batch, never one per item.

Retries: a task is retried (twice) only when the failure can heal by itself (DynamoDB throttling
or a network blip); vendor failures never reach here, the outbox reschedules them item by item.
A retried batch reuses the run's lease owner, so it takes back the items it had leased.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from fulfil.outbound.alerts import AlertReport
from fulfil.outbound.report import DeliveryReport
from fulfil.outbound.retry import is_retryable_error
from fulfil.outbound.run import OutboundSteps, alerts_step, escalations_step, notifications_step
from fulfil.outbound.wiring import OutboundServices

__all__ = [
    "TASK_STEPS",
    "VENDOR_TASK_OPTIONS",
    "deliver_escalations",
    "deliver_notifications",
    "evaluate_alert_rules",
    "retry_unless_permanent",
]


def retry_unless_permanent(task: Any, task_run: Any, state: Any) -> bool:
    """`retry_condition_fn`: False for errors that another attempt cannot fix."""
    error = state.data if isinstance(state.data, BaseException) else None
    if error is None:
        try:
            state.result()
        except Exception as exc:
            error = exc
    return is_retryable_error(error)


# Shared by the outbound and tracking tasks: a little retrying, never for permanent errors.
VENDOR_TASK_OPTIONS: dict[str, Any] = {
    "retries": 2,
    "retry_delay_seconds": [2, 10],
    "retry_jitter_factor": 0.5,
    "retry_condition_fn": retry_unless_permanent,
    "cache_policy": NO_CACHE,
}


@task(name="evaluate-alert-rules", task_run_name="evaluate-alert-rules", **VENDOR_TASK_OPTIONS)
def evaluate_alert_rules(services: OutboundServices, now: datetime, dry_run: bool) -> AlertReport:
    """Evaluate the alert rules once and record the alerts that fire."""
    return alerts_step(services, now, dry_run)


@task(
    name="deliver-escalations",
    task_run_name="deliver-escalations-{batch_size}",
    **VENDOR_TASK_OPTIONS,
)
def deliver_escalations(
    services: OutboundServices, owner: str, now: datetime, batch_size: int, dry_run: bool
) -> DeliveryReport:
    """Deliver one batch of due escalations (tickets and comments)."""
    return escalations_step(services, owner, now, batch_size, dry_run)


@task(
    name="deliver-notifications",
    task_run_name="deliver-notifications-{batch_size}",
    **VENDOR_TASK_OPTIONS,
)
def deliver_notifications(
    services: OutboundServices, owner: str, now: datetime, batch_size: int, dry_run: bool
) -> DeliveryReport:
    """Deliver one batch of due notifications."""
    return notifications_step(services, owner, now, batch_size, dry_run)


TASK_STEPS = OutboundSteps(evaluate_alert_rules, deliver_escalations, deliver_notifications)
