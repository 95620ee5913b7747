"""Outcome log and alert evaluation on moto: one critical escalation per window, per rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fulfil.domain.escalation import Severity
from fulfil.outbound.alerts import evaluate_alert_rules, recent_escalations
from fulfil.outbound.report import Outcome
from fulfil.outbound.run import run_deliver_outbound
from fulfil.store.outbox import OutboxKind
from fulfil.store.outcomes import OutcomeLog

WINDOW_START = datetime(2026, 3, 1, 10, 5, tzinfo=UTC)  # a 5-minute bucket boundary


def test_outcomes_are_read_back_inside_the_window_across_hour_partitions(
    dynamo: Any, settings: Any
) -> None:
    log = OutcomeLog(dynamo, settings.tables)
    now = datetime(2026, 3, 1, 11, 2, tzinfo=UTC)
    for minutes in (1, 4, 61, 90):
        log.record_outcome("shipment_error", f"ord-{minutes}", now - timedelta(minutes=minutes))
    log.record_outcome("shipment_ok", "ord-ok", now)
    assert log.record_outcome("shipment_error", "ord-x", now, event_id="ord-x-01-a1")
    assert not log.record_outcome("shipment_error", "ord-x", now, event_id="ord-x-01-a1")
    recent = log.recent(now, timedelta(minutes=65))
    assert [e.order_id for e in recent] == ["ord-61", "ord-4", "ord-1", "ord-ok", "ord-x"]
    assert [e.order_id for e in log.recent(now, timedelta(minutes=5))][:2] == ["ord-4", "ord-1"]
    raw = dynamo.query(
        TableName=settings.tables.control,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "outcome#2026-03-01T11"}},
    )["Items"][0]
    assert int(raw["ttl"]["N"]) > int(now.timestamp())  # TTL attribute for garbage collection
    with pytest.raises(ValueError):
        log.record_outcome("shipment_maybe", None, now)


def test_an_error_burst_yields_one_critical_ticket_per_window_however_many_runs_evaluate_it(
    dynamo: Any,
    settings: Any,
    make_services: Callable[..., Any],
    fake_jira: Any,
) -> None:
    services = make_services(dynamo)
    log = services.outcomes
    for i in range(6):  # more than 5 errors within 5 minutes
        log.record_outcome("shipment_error", f"ord-{i}", WINDOW_START + timedelta(seconds=10 * i))
    runs = [WINDOW_START + timedelta(seconds=s) for s in (61, 120, 180, 299)]
    for now in runs:
        run_deliver_outbound(settings, services=services, clock=lambda now=now: now)
    alert_items = list(services.outbox.iter_changed(OutboxKind.ESCALATION, runs[0], runs[-1]))
    assert len(alert_items) == 1
    assert alert_items[0].attributes["severity"] == Severity.CRITICAL.value
    assert alert_items[0].attributes["scope"] == "shipment_error_burst@2026-03-01T10:05:00Z"
    assert sum(fake_jira.creates.values()) == 1 and fake_jira.comments == {}
    fields = next(iter(fake_jira.issues.values()))["fields"]
    assert fields["priority"] == {"name": "Highest"}

    # the burst goes on into the next window: a new window, a new ticket
    later = WINDOW_START + timedelta(minutes=5, seconds=30)
    for i in range(6):
        log.record_outcome("shipment_error", f"ord-b{i}", later - timedelta(seconds=i))
    report = run_deliver_outbound(settings, services=services, clock=lambda: later)
    assert report.alerts.fired == ["shipment_error_burst"] and report.alerts.recorded == 1
    assert report.count(OutboxKind.ESCALATION, Outcome.CREATED) == 1
    assert sum(fake_jira.creates.values()) == 2


def test_five_errors_do_not_alert_and_a_dry_run_records_nothing(
    dynamo: Any, settings: Any, make_services: Callable[..., Any]
) -> None:
    services = make_services(dynamo)
    now = WINDOW_START + timedelta(minutes=2)
    for i in range(5):
        services.outcomes.record_outcome("shipment_error", f"ord-{i}", now - timedelta(seconds=i))
    quiet = evaluate_alert_rules(services.outcomes, services.outbox, now)
    assert (quiet.events, quiet.fired, quiet.recorded) == (5, [], 0)
    services.outcomes.record_outcome("shipment_error", "ord-5", now)
    dry = evaluate_alert_rules(services.outcomes, services.outbox, now, dry_run=True)
    assert (dry.fired, dry.recorded) == (["shipment_error_burst"], 0)
    assert list(services.outbox.iter_pending(OutboxKind.ESCALATION, now)) == []


def test_a_critical_escalation_raises_the_critical_alert_once(
    dynamo: Any, settings: Any, make_services: Callable[..., Any], make_escalation: Any
) -> None:
    services = make_services(dynamo)
    now = WINDOW_START + timedelta(minutes=1)
    critical = make_escalation("ord-9", severity=Severity.CRITICAL, at=now)
    services.outbox.record_escalation(critical, "a1", now)
    services.outbox.record_escalation(critical, "a2", now)
    services.outbox.record_escalation(make_escalation("ord-8"), "a1", now)  # high: not counted
    assert [e.order_id for e in recent_escalations(services.outbox, now, timedelta(hours=1))] == [
        "ord-9"
    ]
    first = evaluate_alert_rules(services.outcomes, services.outbox, now)
    second = evaluate_alert_rules(services.outcomes, services.outbox, now + timedelta(minutes=1))
    assert first.fired == second.fired == ["critical_escalation"]
    assert (first.recorded, second.recorded) == (1, 0)
