"""Proof tests: a whole-run outage loses nothing; overlapping runs file one ticket per failure."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fulfil.outbound.delivery import deliver_escalations
from fulfil.outbound.report import Outcome
from fulfil.outbound.run import run_deliver_outbound
from fulfil.store.dynamo import from_item
from fulfil.store.outbox import OutboxEntry, OutboxKind, OutboxState

T0 = datetime(2026, 3, 1, 10, 0, 7, tzinfo=UTC)
EVENTS = 50


def _all(kind: OutboxKind, settings: Any, dynamo: Any) -> list[OutboxEntry]:
    items = dynamo.scan(
        TableName=settings.tables.outbox,
        ProjectionExpression="outboxId, #k, #s, attempts, #a, ticketKey",
        ExpressionAttributeNames={"#k": "kind", "#s": "state", "#a": "action"},
    )["Items"]
    entries = [OutboxEntry.from_attributes(from_item(i)) for i in items]
    return [e for e in entries if e.kind is kind]


def test_outage_loses_nothing_and_the_next_run_delivers_each_exactly_once(
    dynamo: Any,
    settings: Any,
    make_services: Callable[..., Any],
    make_notification: Callable[..., Any],
    make_escalation: Callable[..., Any],
    put_order: Callable[..., None],
    fake_jira: Any,
    fake_whatsapp: Any,
) -> None:
    # breaker off: every item really is attempted (and fails) during the outage run
    services = make_services(dynamo, breaker_threshold=0, batch_size=20)
    for i in range(EVENTS):
        order_id = f"ord-{i:03d}"
        put_order(dynamo, order_id, "2026-02-28T09:00:00.000Z")
        services.outbox.record_notification(
            make_notification(order_id, mobile=f"+9198765{i:05d}"), T0
        )
        services.outbox.record_escalation(
            make_escalation(order_id), f"{order_id}-01-a3", T0, "2026-02-28T09:00:00.000Z"
        )
    fake_jira.down = fake_whatsapp.down = True

    down = run_deliver_outbound(settings, services=services, clock=lambda: T0)

    assert down.count(OutboxKind.NOTIFICATION, Outcome.FAILED) == 0
    assert down.count(OutboxKind.ESCALATION, Outcome.FAILED) == 0
    assert fake_jira.creates == {} and fake_whatsapp.sends == {}
    assert fake_whatsapp.calls == EVENTS  # every call failed; every item was rescheduled
    assert down.count(OutboxKind.NOTIFICATION, Outcome.RETRY) == EVENTS
    assert down.count(OutboxKind.ESCALATION, Outcome.RETRY) == EVENTS
    for kind in OutboxKind:
        entries = _all(kind, settings, dynamo)
        assert len(entries) == EVENTS
        assert {(e.state, e.attempts) for e in entries} == {(OutboxState.PENDING, 1)}

    fake_jira.down = fake_whatsapp.down = False
    recovered = T0 + timedelta(minutes=20)
    healthy = run_deliver_outbound(settings, services=services, clock=lambda: recovered)

    assert healthy.count(OutboxKind.NOTIFICATION, Outcome.SENT) == EVENTS
    assert healthy.count(OutboxKind.ESCALATION, Outcome.CREATED) == EVENTS
    assert len(fake_whatsapp.sends) == EVENTS and set(fake_whatsapp.sends.values()) == {1}
    assert len(fake_jira.creates) == EVENTS and set(fake_jira.creates.values()) == {1}
    assert fake_jira.comments == {}
    assert {e.state for e in _all(OutboxKind.NOTIFICATION, settings, dynamo)} == {OutboxState.SENT}
    orders = dynamo.scan(TableName=settings.tables.orders)["Items"]
    assert len({o["jiraTicketKey"]["S"] for o in orders}) == EVENTS  # each order linked

    calls = (fake_jira.calls, fake_whatsapp.calls)
    again = run_deliver_outbound(settings, services=services, clock=lambda: recovered)
    assert (fake_jira.calls, fake_whatsapp.calls) == calls  # nothing was due any more
    assert again.escalations.seen == again.notifications.seen == 0


def test_the_same_failure_raised_by_three_overlapping_runs_yields_one_ticket_two_comments(
    dynamo: Any,
    atomic: Callable[[Any], Any],
    settings: Any,
    make_services: Callable[..., Any],
    make_escalation: Callable[..., Any],
    put_order: Callable[..., None],
    fake_jira: Any,
) -> None:
    services = make_services(atomic(dynamo), claim_wait_seconds=5)
    put_order(dynamo, "ord-1", "2026-02-28T09:00:00.000Z")
    fake_jira.search_sees_new = False  # Jira search lags: only the DynamoDB claim can dedupe
    esc = make_escalation("ord-1")
    start = threading.Barrier(3)
    reports: list[Any] = []
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            now = T0 + timedelta(milliseconds=n)
            services.outbox.record_escalation(esc, f"run-{n}", now, "2026-02-28T09:00:00.000Z")
            start.wait()
            reports.append(
                deliver_escalations(
                    services.outbox,
                    services.registry,
                    services.target,
                    services.orders,
                    now + timedelta(seconds=1),
                    services.limits,
                    owner=f"run-{n}",
                )
            )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    # runs that found the ticket still being created come back shortly (claim_wait_seconds)
    follow_up = run_deliver_outbound(
        settings, services=services, clock=lambda: T0 + timedelta(seconds=10)
    )
    reports.append(follow_up.escalations)

    assert fake_jira.creates == {esc.fingerprint_label: 1}
    assert fake_jira.comments == {"OPS-1": 2}
    assert sum(r.count(Outcome.CREATED) for r in reports) == 1
    assert sum(r.count(Outcome.COMMENTED) for r in reports) == 2
    entries = _all(OutboxKind.ESCALATION, settings, dynamo)
    assert sorted(e.attributes["action"] for e in entries) == ["commented", "commented", "created"]
    assert {e.attributes["ticketKey"] for e in entries} == {"OPS-1"}
    order = dynamo.scan(TableName=settings.tables.orders)["Items"][0]
    assert order["jiraTicketKey"] == {"S": "OPS-1"}
