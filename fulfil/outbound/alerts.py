"""Evaluate the alert rules over recent outcomes and record what fires through the outbox.

The rules themselves are pure (`fulfil.domain.alerts`); this module gathers their inputs (shipment
outcomes from the `OutcomeLog`, recent critical escalations from the outbox) and records each
alert as an escalation whose occurrence is the alert's scope (`<rule>@<window start>`). Every run
inside one window therefore writes the same outbox key, so a window yields exactly one item, and
the fingerprint claim turns it into exactly one critical ticket.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from fulfil.domain.alerts import ALERT_STAGE, AlertThresholds, evaluate_alerts
from fulfil.domain.escalation import Escalation, Severity
from fulfil.store.outbox import OutboxKind, OutboxStore
from fulfil.store.outcomes import OutcomeLog

__all__ = ["AlertReport", "AlertSettings", "evaluate_alert_rules", "recent_escalations"]


class AlertSettings(BaseSettings):
    """Alert thresholds from `FULFIL_ALERT_<FIELD>` variables (defaults: the ops team's ask)."""

    model_config = SettingsConfigDict(env_prefix="FULFIL_ALERT_", extra="ignore")

    errors_in_window: int = Field(5, ge=0, description="Alert when errors exceed this count...")
    error_window_seconds: int = Field(300, gt=0, description="...within this many seconds.")
    failure_rate: float = Field(0.05, ge=0, le=1, description="Alert above this failure share...")
    rate_window_seconds: int = Field(3600, gt=0, description="...over this many seconds...")
    min_sample: int = Field(20, ge=1, description="...once at least this many attempts ran.")
    critical_window_seconds: int = Field(
        3600, gt=0, description="Window grouping critical escalations into one alert."
    )

    def thresholds(self) -> AlertThresholds:
        return AlertThresholds(
            errors_in_window=self.errors_in_window,
            error_window=timedelta(seconds=self.error_window_seconds),
            failure_rate=self.failure_rate,
            rate_window=timedelta(seconds=self.rate_window_seconds),
            min_sample=self.min_sample,
            critical_window=timedelta(seconds=self.critical_window_seconds),
        )


class AlertReport(BaseModel):
    """Which rules fired in this evaluation and how many outbox items that added."""

    model_config = ConfigDict(frozen=True)

    events: int = 0
    fired: list[str] = Field(default_factory=list)
    recorded: int = 0  # new outbox items (0 when an earlier run already recorded the window)
    dry_run: bool = False


def recent_escalations(outbox: OutboxStore, now: datetime, window: timedelta) -> list[Escalation]:
    """Critical escalations raised by flows in the window, one per fingerprint (alerts excluded)."""
    latest: dict[str, Escalation] = {}
    for entry in outbox.iter_changed(OutboxKind.ESCALATION, now - window, now):
        a = entry.attributes
        if a.get("severity") != Severity.CRITICAL.value or a.get("stage") == ALERT_STAGE:
            continue
        try:
            esc = entry.escalation()
        except (KeyError, ValueError):
            continue
        known = latest.get(esc.fingerprint)
        if known is None or esc.occurred_at > known.occurred_at:
            latest[esc.fingerprint] = esc
    return sorted(latest.values(), key=lambda e: e.occurred_at)


def evaluate_alert_rules(
    outcomes: OutcomeLog,
    outbox: OutboxStore,
    now: datetime,
    thresholds: AlertThresholds | None = None,
    *,
    dry_run: bool = False,
) -> AlertReport:
    """Run every rule once over the recent past; record each alert that fires (unless dry run)."""
    limits = thresholds or AlertThresholds()
    events = outcomes.recent(now, max(limits.error_window, limits.rate_window))
    escalations = recent_escalations(outbox, now, limits.critical_window)
    alerts = evaluate_alerts(events, escalations, now, limits)
    recorded = 0
    if not dry_run:
        for alert in alerts:
            if outbox.record_escalation(
                alert, occurrence=alert.scope or alert.reason_code, now=now
            ):
                recorded += 1
    return AlertReport(
        events=len(events),
        fired=[a.reason_code for a in alerts],
        recorded=recorded,
        dry_run=dry_run,
    )
