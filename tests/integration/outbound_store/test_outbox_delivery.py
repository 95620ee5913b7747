"""deliver-outbound's service on moto, with Jira and WhatsApp behind MockTransports."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from fulfil.domain.escalation import Severity
from fulfil.outbound import delivery
from fulfil.outbound.delivery import deliver_escalations, deliver_notifications, deliver_pending
from fulfil.outbound.report import Outcome
from fulfil.outbound.run import run_deliver_outbound
from fulfil.store.outbox import OutboxKind, OutboxState

T0 = datetime(2026, 3, 1, 10, 0, 7, tzinfo=UTC)
CREATED_AT = "2026-02-28T09:00:00.000Z"


def notify(services: Any, now: datetime, owner: str = "run-1") -> Any:
    return deliver_notifications(
        services.outbox, services.notifier, now, services.limits, owner=owner, rng=random.Random(7)
    )


def escalate(services: Any, now: datetime, owner: str = "run-1") -> Any:
    return deliver_escalations(
        services.outbox,
        services.registry,
        services.target,
        services.orders,
        now,
        services.limits,
        owner=owner,
    )


def test_sent_skipped_and_permanently_failed_notifications_are_settled(
    dynamo: Any,
    make_services: Callable[..., Any],
    make_notification: Callable[..., Any],
    fake_whatsapp: Any,
) -> None:
    services = make_services(dynamo)
    good, no_mobile = make_notification("ord-1"), make_notification("ord-2", mobile="+911234567890")
    services.outbox.record_notification(good, T0)
    services.outbox.record_notification(no_mobile, T0)
    report = notify(services, T0)
    assert (report.count(Outcome.SENT), report.count(Outcome.SKIPPED)) == (1, 1)
    assert fake_whatsapp.calls == 1  # the landline-looking number never reached Meta
    sent = services.outbox.get("ntf#" + good.dedupe_key)
    skipped = services.outbox.get("ntf#" + no_mobile.dedupe_key)
    assert sent.state is OutboxState.SENT and sent.attributes["providerMessageId"] == "wamid.1"
    assert skipped.state is OutboxState.SKIPPED
    assert skipped.attributes["lastError"] == "no valid mobile number"

    fake_whatsapp.error = (400, 131026)  # undeliverable: permanent
    bad = make_notification("ord-3")
    services.outbox.record_notification(bad, T0)
    report = notify(services, T0)
    failed = services.outbox.get("ntf#" + bad.dedupe_key)
    assert failed.state is OutboxState.FAILED
    assert failed.attributes["lastError"].startswith("[131026] WhatsAppRecipientError")
    assert report.failures[0].outcome is Outcome.FAILED
    assert report.failures[0].reason == failed.attributes["lastError"]
    assert list(services.outbox.iter_pending(OutboxKind.NOTIFICATION, T0 + timedelta(days=9))) == []


def test_transient_failures_back_off_with_jitter_then_give_up_with_the_reason(
    dynamo: Any,
    make_services: Callable[..., Any],
    make_notification: Callable[..., Any],
    fake_whatsapp: Any,
) -> None:
    services = make_services(
        dynamo, base_seconds=30, cap_seconds=100, jitter=0.2, max_attempts=4, breaker_threshold=0
    )
    fake_whatsapp.down = True
    notification = make_notification()
    oid = "ntf#" + notification.dedupe_key
    services.outbox.record_notification(notification, T0)
    now, delays = T0, []
    for attempt in (1, 2, 3):
        report = notify(services, now)
        assert report.count(Outcome.RETRY) == 1
        entry = services.outbox.get(oid)
        due = datetime.fromisoformat(entry.attributes["dueAt"].replace("Z", "+00:00"))
        delays.append((due - now).total_seconds())
        assert entry.attempts == attempt and entry.state is OutboxState.PENDING
        assert "131000" in entry.attributes["lastError"]
        assert notify(services, due - timedelta(seconds=1)).seen == 0  # not due before then
        now = due
    assert 24 <= delays[0] <= 30 and 48 <= delays[1] <= 60 and 80 <= delays[2] <= 100  # capped
    report = notify(services, now)
    entry = services.outbox.get(oid)
    assert report.count(Outcome.FAILED) == 1 and entry.state is OutboxState.FAILED
    assert entry.attributes["lastError"].startswith("gave up after 4 attempts: [131000]")
    assert fake_whatsapp.calls == 4


def test_escalation_opens_a_ticket_links_the_order_and_recurrences_comment(
    dynamo: Any,
    make_services: Callable[..., Any],
    make_escalation: Callable[..., Any],
    fake_jira: Any,
    put_order: Callable[..., None],
    settings: Any,
) -> None:
    services = make_services(dynamo)
    put_order(dynamo, "ord-1", CREATED_AT)
    esc = make_escalation("ord-1")
    services.outbox.record_escalation(esc, "ord-1-01-a1", T0, CREATED_AT)
    report = escalate(services, T0)
    assert report.count(Outcome.CREATED) == 1
    label = esc.fingerprint_label
    assert fake_jira.creates == {label: 1} and fake_jira.searches == 1  # searched, then created
    first = services.outbox.get(f"esc#{esc.fingerprint}#ord-1-01-a1")
    assert (first.state, first.attributes["ticketKey"], first.attributes["action"]) == (
        OutboxState.DELIVERED,
        "OPS-1",
        "created",
    )
    order = dynamo.get_item(
        TableName=settings.tables.orders,
        Key={"orderId": {"S": "ord-1"}, "createdAt": {"S": CREATED_AT}},
    )["Item"]
    assert order["jiraTicketKey"] == {"S": "OPS-1"}

    services.outbox.record_escalation(esc, "ord-1-01-a2", T0 + timedelta(minutes=5))
    report = escalate(services, T0 + timedelta(minutes=5))
    assert report.count(Outcome.COMMENTED) == 1
    assert fake_jira.comments == {"OPS-1": 1} and fake_jira.searches == 1  # no search needed
    again = services.outbox.get(f"esc#{esc.fingerprint}#ord-1-01-a2")
    assert (again.attributes["ticketKey"], again.attributes["action"]) == ("OPS-1", "commented")


def test_a_ticket_closed_in_jira_gets_a_successor_for_the_next_recurrence(
    dynamo: Any,
    make_services: Callable[..., Any],
    make_escalation: Callable[..., Any],
    fake_jira: Any,
) -> None:
    services = make_services(dynamo, verify_open_after_seconds=900)
    esc = make_escalation(None, scope="seller-42")
    services.outbox.record_escalation(esc, "run-1", T0)
    escalate(services, T0)
    fake_jira.close("OPS-1")
    later = T0 + timedelta(hours=1)
    services.outbox.record_escalation(esc, "run-2", later)
    report = escalate(services, later)
    assert report.count(Outcome.CREATED) == 1
    assert fake_jira.creates == {esc.fingerprint_label: 2} and fake_jira.comments == {}
    item = services.registry.get(esc.fingerprint)
    assert (item["ticketKey"], item["closedKeys"]) == ("OPS-2", ["OPS-1"])


def test_permanent_jira_failure_is_marked_with_the_reason_and_frees_the_claim(
    dynamo: Any,
    make_services: Callable[..., Any],
    make_escalation: Callable[..., Any],
    fake_jira: Any,
) -> None:
    services = make_services(dynamo)
    esc = make_escalation("ord-5", severity=Severity.CRITICAL)
    services.outbox.record_escalation(esc, "a1", T0)
    fake_jira.fail_create_with = 400
    report = escalate(services, T0)
    entry = services.outbox.get(f"esc#{esc.fingerprint}#a1")
    assert report.count(Outcome.FAILED) == 1 and entry.state is OutboxState.FAILED
    assert entry.attributes["lastError"].startswith("JiraBadRequestError: Jira create issue failed")
    assert "priority: not on screen" in entry.attributes["lastError"]
    assert "claimOwner" not in services.registry.get(esc.fingerprint)
    fake_jira.fail_create_with = None
    services.outbox.record_escalation(esc, "a2", T0)  # the next occurrence may create
    assert escalate(services, T0).count(Outcome.CREATED) == 1


def test_deliver_pending_does_both_kinds_and_the_breaker_spares_a_down_provider(
    dynamo: Any,
    make_services: Callable[..., Any],
    make_notification: Callable[..., Any],
    make_escalation: Callable[..., Any],
    fake_whatsapp: Any,
) -> None:
    services = make_services(dynamo, breaker_threshold=3)
    for i in range(8):
        services.outbox.record_notification(make_notification(f"ord-{i}"), T0)
    services.outbox.record_escalation(make_escalation("ord-1"), "a1", T0)
    fake_whatsapp.down = True
    report = deliver_pending(
        services.outbox,
        services.registry,
        services.notifier,
        services.target,
        services.orders,
        T0,
        services.limits,
    )
    assert report.count(Outcome.CREATED) == 1
    assert report.count(Outcome.RETRY) == 3 and report.circuit_open
    assert fake_whatsapp.calls == 3  # the other five were not attempted, and are still due
    assert len(list(services.outbox.iter_pending(OutboxKind.NOTIFICATION, T0))) == 5


def test_a_slow_pass_stops_at_half_a_lease_and_the_run_continues_with_a_fresh_batch(
    dynamo: Any,
    settings: Any,
    make_services: Callable[..., Any],
    make_notification: Callable[..., Any],
    fake_whatsapp: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ticks = iter(range(0, 10_000, 3))  # every look at the wall clock sees 3 more seconds
    monkeypatch.setattr(delivery, "time", SimpleNamespace(monotonic=lambda: next(ticks)))
    services = make_services(dynamo, lease_seconds=10)  # budget: 5 s per pass
    for i in range(3):
        services.outbox.record_notification(make_notification(f"ord-{i}"), T0)
    first = notify(services, T0)
    assert (first.count(Outcome.SENT), first.time_up) == (1, True)
    report = run_deliver_outbound(settings, services=services, clock=lambda: T0)
    assert report.notifications.count(Outcome.SENT) == 2  # two more batches of one
    assert fake_whatsapp.calls == 3
