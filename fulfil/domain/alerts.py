"""Alert rules: turn a run's view of recent outcomes into critical escalations.

Each rule looks at a sliding window ending `now` (events with `now - window < at <= now`) and,
when it fires, returns one critical `Escalation` whose scope is `<rule>@<bucket start>`, where
the bucket is `now` floored to the rule's window length (epoch-aligned, UTC). So every run inside
one bucket produces the same fingerprint: the first run opens the ticket, later runs in the same
bucket add comments, and a problem that persists into the next bucket gets a fresh ticket for
that window. Deduplication itself is the escalation machinery's job, not this module's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from fulfil.domain.escalation import Category, Escalation, Severity

__all__ = [
    "ALERT_STAGE",
    "AlertThresholds",
    "OutcomeEvent",
    "evaluate_alerts",
]

ALERT_STAGE = "alerts"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SAMPLE_IDS = 10


class OutcomeEvent(BaseModel):
    """One shipment attempt's outcome, as recorded by the shipment flow."""

    model_config = ConfigDict(frozen=True)

    at: AwareDatetime
    kind: Literal["shipment_ok", "shipment_error"]
    order_id: str | None = None


class AlertThresholds(BaseModel):
    """Configurable limits; defaults are the ones the operations team asked for."""

    model_config = ConfigDict(frozen=True)

    errors_in_window: int = Field(5, ge=0, description="Alert when errors exceed this count...")
    error_window: timedelta = Field(timedelta(minutes=5), description="...within this window.")
    failure_rate: float = Field(0.05, ge=0, le=1, description="Alert above this failure share...")
    rate_window: timedelta = Field(timedelta(hours=1), description="...over this window...")
    min_sample: int = Field(20, ge=1, description="...once at least this many attempts ran.")
    critical_window: timedelta = Field(
        timedelta(hours=1), description="Window that groups critical escalations into one alert."
    )


def evaluate_alerts(
    events: Sequence[OutcomeEvent],
    escalations: Sequence[Escalation],
    now: datetime,
    thresholds: AlertThresholds | None = None,
) -> list[Escalation]:
    """Evaluate every rule once; return the alerts that fire (at most one per rule).

    `escalations` are the recent escalations raised by flows; alerts raised by this module
    (stage `alerts`) are ignored so an alert never triggers another.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    limits = thresholds or AlertThresholds()
    alerts = [
        _error_burst(events, now, limits),
        _failure_rate(events, now, limits),
        _critical_escalations(escalations, now, limits),
    ]
    return [a for a in alerts if a is not None]


def _in_window(at: datetime, now: datetime, window: timedelta) -> bool:
    return now - window < at <= now


def _bucket_start(now: datetime, window: timedelta) -> datetime:
    step = window.total_seconds()
    if step <= 0:
        raise ValueError("alert windows must be positive")
    elapsed = (now.astimezone(UTC) - _EPOCH).total_seconds()
    return _EPOCH + timedelta(seconds=(elapsed // step) * step)


def _minutes(window: timedelta) -> str:
    minutes = window.total_seconds() / 60
    return f"{minutes:g} minutes"


def _sample(ids: Sequence[str | None]) -> str:
    named = sorted({i for i in ids if i})
    shown = ", ".join(named[:_SAMPLE_IDS])
    more = f" (+{len(named) - _SAMPLE_IDS} more)" if len(named) > _SAMPLE_IDS else ""
    return (shown + more) if shown else "none recorded"


def _alert(
    rule: str,
    category: Category,
    now: datetime,
    window: timedelta,
    summary: str,
    detail: str,
    extra: dict[str, str],
) -> Escalation:
    start = _bucket_start(now, window).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Escalation(
        category=category,
        severity=Severity.CRITICAL,
        stage=ALERT_STAGE,
        reason_code=rule,
        scope=f"{rule}@{start}",
        summary=summary,
        detail=detail,
        occurred_at=now,
        extra={"rule": rule, "window_start": start, **extra},
    )


def _error_burst(
    events: Sequence[OutcomeEvent], now: datetime, limits: AlertThresholds
) -> Escalation | None:
    errors = [
        e
        for e in events
        if e.kind == "shipment_error" and _in_window(e.at, now, limits.error_window)
    ]
    if len(errors) <= limits.errors_in_window:
        return None
    window = _minutes(limits.error_window)
    return _alert(
        "shipment_error_burst",
        Category.API,
        now,
        limits.error_window,
        summary=f"{len(errors)} shipment errors in the last {window}",
        detail=(
            f"{len(errors)} shipment attempts failed in the last {window} "
            f"(threshold: more than {limits.errors_in_window}). "
            f"Orders: {_sample([e.order_id for e in errors])}."
        ),
        extra={"errors": str(len(errors)), "threshold": str(limits.errors_in_window)},
    )


def _failure_rate(
    events: Sequence[OutcomeEvent], now: datetime, limits: AlertThresholds
) -> Escalation | None:
    recent = [e for e in events if _in_window(e.at, now, limits.rate_window)]
    failed = [e for e in recent if e.kind == "shipment_error"]
    if len(recent) < limits.min_sample:
        return None
    rate = len(failed) / len(recent)
    if rate <= limits.failure_rate:
        return None
    window = _minutes(limits.rate_window)
    return _alert(
        "shipment_failure_rate",
        Category.DELIVERY,
        now,
        limits.rate_window,
        summary=f"Shipment failure rate {rate:.1%} over the last {window}",
        detail=(
            f"{len(failed)} of {len(recent)} shipment attempts failed in the last {window} "
            f"({rate:.1%}; threshold {limits.failure_rate:.1%}, minimum sample "
            f"{limits.min_sample}). Failed orders: {_sample([e.order_id for e in failed])}."
        ),
        extra={
            "failed": str(len(failed)),
            "attempts": str(len(recent)),
            "rate": f"{rate:.4f}",
            "threshold": f"{limits.failure_rate:.4f}",
        },
    )


def _critical_escalations(
    escalations: Sequence[Escalation], now: datetime, limits: AlertThresholds
) -> Escalation | None:
    critical = [
        e
        for e in escalations
        if e.severity == Severity.CRITICAL
        and e.stage != ALERT_STAGE
        and _in_window(e.occurred_at, now, limits.critical_window)
    ]
    if not critical:
        return None
    window = _minutes(limits.critical_window)
    lines = "; ".join(
        f"{e.category}/{e.stage}/{e.reason_code} ({e.subject or 'no order'})"
        for e in critical[:_SAMPLE_IDS]
    )
    return _alert(
        "critical_escalation",
        Category.DELIVERY,
        now,
        limits.critical_window,
        summary=f"{len(critical)} critical escalation(s) in the last {window}",
        detail=f"Critical escalations raised in the last {window}: {lines}.",
        extra={
            "escalations": str(len(critical)),
            "fingerprints": ",".join(e.fingerprint_label for e in critical[:_SAMPLE_IDS]),
        },
    )
