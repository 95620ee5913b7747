"""Alert rules over hand-built event lists, with a fixed `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fulfil.domain.alerts import ALERT_STAGE, AlertThresholds, OutcomeEvent, evaluate_alerts
from fulfil.domain.escalation import Category, Escalation, Severity

NOW = datetime(2026, 3, 1, 10, 7, 30, tzinfo=UTC)


def errors(n: int, *, ago: timedelta = timedelta(minutes=1)) -> list[OutcomeEvent]:
    return [
        OutcomeEvent(at=NOW - ago - timedelta(seconds=i), kind="shipment_error", order_id=f"o{i}")
        for i in range(n)
    ]


def oks(n: int, *, ago: timedelta = timedelta(minutes=10)) -> list[OutcomeEvent]:
    return [
        OutcomeEvent(at=NOW - ago - timedelta(seconds=i), kind="shipment_ok", order_id=f"k{i}")
        for i in range(n)
    ]


def reasons(alerts: list[Escalation]) -> list[str]:
    return [a.reason_code for a in alerts]


def test_quiet_run_raises_nothing() -> None:
    assert evaluate_alerts(oks(50), [], NOW) == []


def test_five_errors_in_five_minutes_is_not_more_than_five() -> None:
    assert "shipment_error_burst" not in reasons(evaluate_alerts(errors(5) + oks(200), [], NOW))


def test_six_errors_in_five_minutes_raise_one_critical_api_alert() -> None:
    (alert,) = evaluate_alerts(errors(6) + oks(500), [], NOW)
    assert alert.reason_code == "shipment_error_burst"
    assert alert.severity is Severity.CRITICAL
    assert alert.category is Category.API
    assert alert.stage == ALERT_STAGE
    assert alert.order_id is None
    assert alert.scope == "shipment_error_burst@2026-03-01T10:05:00Z"
    assert alert.extra["errors"] == "6"
    assert "o0" in alert.detail


def test_errors_older_than_the_window_do_not_count() -> None:
    old = errors(6, ago=timedelta(minutes=5))  # exactly 5 min ago and older: outside (now-5m, now]
    assert "shipment_error_burst" not in reasons(evaluate_alerts(old + oks(500), [], NOW))


def test_future_events_are_ignored() -> None:
    future = [OutcomeEvent(at=NOW + timedelta(seconds=5), kind="shipment_error")] * 10
    assert evaluate_alerts(future, [], NOW) == []


def test_same_window_same_fingerprint_next_window_new_fingerprint() -> None:
    events = errors(6, ago=timedelta(seconds=10))
    first = evaluate_alerts(events, [], NOW)[0]
    later_same_bucket = evaluate_alerts(events, [], NOW + timedelta(minutes=2))[0]
    next_bucket = evaluate_alerts(
        [e.model_copy(update={"at": e.at + timedelta(minutes=5)}) for e in events],
        [],
        NOW + timedelta(minutes=5),
    )[0]
    assert first.fingerprint == later_same_bucket.fingerprint
    assert next_bucket.fingerprint != first.fingerprint


def test_failure_rate_above_five_percent_over_the_hour() -> None:
    # 3 failures spread over the hour (no burst) among 40 attempts: 7.5%.
    spread = [
        OutcomeEvent(at=NOW - timedelta(minutes=m), kind="shipment_error", order_id=f"f{m}")
        for m in (10, 25, 50)
    ]
    (alert,) = evaluate_alerts(spread + oks(37), [], NOW)
    assert alert.reason_code == "shipment_failure_rate"
    assert alert.category is Category.DELIVERY
    assert alert.scope == "shipment_failure_rate@2026-03-01T10:00:00Z"
    assert alert.extra["attempts"] == "40"
    assert alert.extra["failed"] == "3"


def test_failure_rate_at_exactly_the_threshold_does_not_fire() -> None:
    spread = [OutcomeEvent(at=NOW - timedelta(minutes=m), kind="shipment_error") for m in (10, 40)]
    assert evaluate_alerts(spread + oks(38), [], NOW) == []  # 2/40 = 5.0%


def test_failure_rate_needs_the_minimum_sample() -> None:
    spread = [OutcomeEvent(at=NOW - timedelta(minutes=m), kind="shipment_error") for m in (10, 40)]
    assert evaluate_alerts(spread + oks(3), [], NOW) == []  # 40% but only 5 attempts
    small = AlertThresholds(min_sample=5)
    assert reasons(evaluate_alerts(spread + oks(3), [], NOW, small)) == ["shipment_failure_rate"]


def test_thresholds_are_configurable() -> None:
    strict = AlertThresholds(errors_in_window=1, error_window=timedelta(minutes=1))
    assert "shipment_error_burst" in reasons(
        evaluate_alerts(errors(2, ago=timedelta(seconds=5)) + oks(500), [], NOW, strict)
    )


def escalation(severity: Severity, *, stage: str = "create_shipment", ago: int = 5) -> Escalation:
    return Escalation(
        category=Category.PAYMENT,
        severity=severity,
        stage=stage,
        reason_code="refund_failed",
        order_id="ord-9",
        summary="Refund failed",
        occurred_at=NOW - timedelta(minutes=ago),
    )


def test_any_critical_escalation_raises_one_alert_per_window() -> None:
    crit = [escalation(Severity.CRITICAL), escalation(Severity.CRITICAL, ago=20)]
    (alert,) = evaluate_alerts([], [*crit, escalation(Severity.HIGH)], NOW)
    assert alert.reason_code == "critical_escalation"
    assert alert.severity is Severity.CRITICAL
    assert alert.extra["escalations"] == "2"
    assert crit[0].fingerprint_label in alert.extra["fingerprints"]
    again = evaluate_alerts([], crit, NOW + timedelta(minutes=30))[0]
    assert again.fingerprint == alert.fingerprint


def test_alerts_never_trigger_the_critical_rule_themselves() -> None:
    own = escalation(Severity.CRITICAL, stage=ALERT_STAGE)
    assert evaluate_alerts([], [own], NOW) == []


def test_old_critical_escalations_are_outside_the_window() -> None:
    assert evaluate_alerts([], [escalation(Severity.CRITICAL, ago=61)], NOW) == []


def test_all_rules_can_fire_together_with_distinct_fingerprints() -> None:
    alerts = evaluate_alerts(errors(8) + oks(30), [escalation(Severity.CRITICAL)], NOW)
    assert reasons(alerts) == [
        "shipment_error_burst",
        "shipment_failure_rate",
        "critical_escalation",
    ]
    assert len({a.fingerprint for a in alerts}) == 3


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError):
        evaluate_alerts([], [], datetime(2026, 3, 1, 10, 0))
