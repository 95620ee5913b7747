"""One `deliver-outbound` run as a plain function, shared by the flow, the CLI and other flows.

Order: evaluate the alert rules (so an alert raised now is delivered in this same run), then
escalations (people act on them), then notifications. Each kind is drained in batches until the
queue is empty, `limit` items were handled, or the provider's breaker opened.

The steps are injectable: `PLAIN_STEPS` calls the services directly (CLI, tests, the end of a
sweep that does not want extra task runs); the flow passes Prefect tasks with the same
signatures, so both paths run the same loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from fulfil.outbound.alerts import AlertReport, evaluate_alert_rules
from fulfil.outbound.delivery import (
    deliver_escalations,
    deliver_notifications,
    new_owner,
    preview_pending,
)
from fulfil.outbound.report import DeliveryReport, Outcome
from fulfil.outbound.wiring import OutboundServices, build_services
from fulfil.settings import Settings
from fulfil.store.outbox import OutboxKind

__all__ = [
    "PLAIN_STEPS",
    "OutboundRunReport",
    "OutboundSteps",
    "alerts_step",
    "escalations_step",
    "notifications_step",
    "run_deliver_outbound",
]

_PREVIEW_CAP = 1000
_MAX_BATCHES = 200

AlertsStep = Callable[[OutboundServices, datetime, bool], AlertReport]
DeliverStep = Callable[[OutboundServices, str, datetime, int, bool], DeliveryReport]


def alerts_step(services: OutboundServices, now: datetime, dry_run: bool) -> AlertReport:
    return evaluate_alert_rules(
        services.outcomes,
        services.outbox,
        now,
        services.alert_settings.thresholds(),
        dry_run=dry_run,
    )


def escalations_step(
    services: OutboundServices, owner: str, now: datetime, batch_size: int, dry_run: bool
) -> DeliveryReport:
    if dry_run:
        return preview_pending(services.outbox, OutboxKind.ESCALATION, now, batch_size)
    return deliver_escalations(
        services.outbox,
        services.registry,
        services.target,
        services.orders,
        now,
        services.limits,
        owner=owner,
        limit=batch_size,
    )


def notifications_step(
    services: OutboundServices, owner: str, now: datetime, batch_size: int, dry_run: bool
) -> DeliveryReport:
    if dry_run:
        return preview_pending(services.outbox, OutboxKind.NOTIFICATION, now, batch_size)
    return deliver_notifications(
        services.outbox,
        services.notifier,
        now,
        services.limits,
        owner=owner,
        limit=batch_size,
    )


@dataclass(frozen=True)
class OutboundSteps:
    evaluate_alerts: AlertsStep
    deliver_escalations: DeliverStep
    deliver_notifications: DeliverStep


PLAIN_STEPS = OutboundSteps(alerts_step, escalations_step, notifications_step)


class OutboundRunReport(BaseModel):
    """The run's result: alerts, then per-kind delivery counts and failure lines."""

    model_config = ConfigDict(frozen=True)

    owner: str
    dry_run: bool
    started_at: datetime
    alerts: AlertReport
    escalations: DeliveryReport
    notifications: DeliveryReport

    def count(self, kind: OutboxKind, outcome: Outcome) -> int:
        report = self.escalations if kind is OutboxKind.ESCALATION else self.notifications
        return report.count(outcome)

    def table(self) -> list[dict[str, Any]]:
        """Rows for a table artifact: counts per outcome, alerts fired, then failure lines."""
        rows: list[dict[str, Any]] = []
        for report in (self.escalations, self.notifications):
            rows.append(
                {
                    "kind": report.kind,
                    "outcome": "seen",
                    "count": report.seen,
                    "item": "",
                    "reason": "",
                }
            )
            for outcome, count in sorted(report.counts.items()):
                rows.append(
                    {
                        "kind": report.kind,
                        "outcome": outcome,
                        "count": count,
                        "item": "",
                        "reason": "",
                    }
                )
        for rule in self.alerts.fired:
            rows.append(
                {"kind": "alert", "outcome": "fired", "count": 1, "item": rule, "reason": ""}
            )
        for report in (self.escalations, self.notifications):
            for line in report.failures:
                rows.append(
                    {
                        "kind": line.kind,
                        "outcome": line.outcome.value,
                        "count": line.attempts,
                        "item": line.outbox_id,
                        "reason": line.reason,
                    }
                )
        return rows


def _drain(
    step: DeliverStep,
    services: OutboundServices,
    owner: str,
    clock: Callable[[], datetime],
    kind: OutboxKind,
    limit: int | None,
    dry_run: bool,
) -> DeliveryReport:
    total = DeliveryReport(kind=kind.value)
    if dry_run:
        return total.merged(step(services, owner, clock(), limit or _PREVIEW_CAP, True))
    batch = services.limits.batch_size
    remaining = limit
    for _ in range(_MAX_BATCHES):
        size = batch if remaining is None else min(batch, remaining)
        if size <= 0:
            break
        report = step(services, owner, clock(), size, False)
        total = total.merged(report)
        if remaining is not None:
            remaining -= report.seen
        if report.circuit_open or report.claimed == 0:
            break
        if report.seen < size and not report.time_up:
            break  # the queue is empty
    return total


def run_deliver_outbound(
    settings: Settings,
    *,
    dry_run: bool = False,
    limit: int | None = None,
    services: OutboundServices | None = None,
    steps: OutboundSteps = PLAIN_STEPS,
    clock: Callable[[], datetime] | None = None,
    owner: str | None = None,
) -> OutboundRunReport:
    """Evaluate alerts, deliver escalations, then notifications; return what happened.

    `limit` caps the items handled per kind (None: until the queue is empty). Without
    `services`, they are built from `settings` (DynamoDB endpoint and credentials from the
    environment) with one HTTP client that is closed at the end.
    """
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    tick = clock or (lambda: datetime.now(UTC))
    lease_owner = owner or new_owner()
    http: httpx.Client | None = None
    if services is None:
        http = httpx.Client()
        services = build_services(settings, http=http)
    try:
        started = tick()
        alerts = steps.evaluate_alerts(services, started, dry_run)
        escalations = _drain(
            steps.deliver_escalations,
            services,
            lease_owner,
            tick,
            OutboxKind.ESCALATION,
            limit,
            dry_run,
        )
        notifications = _drain(
            steps.deliver_notifications,
            services,
            lease_owner,
            tick,
            OutboxKind.NOTIFICATION,
            limit,
            dry_run,
        )
    finally:
        if http is not None:
            http.close()
    return OutboundRunReport(
        owner=lease_owner,
        dry_run=dry_run,
        started_at=started,
        alerts=alerts,
        escalations=escalations,
        notifications=notifications,
    )
