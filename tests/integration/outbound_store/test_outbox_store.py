"""OutboxStore on moto: deterministic keys, the sparse PendingIndex, leases and final states."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fulfil.store.outbox import OutboxKind, OutboxState, OutboxStore, TicketAction

T0 = datetime(2026, 3, 1, 10, 0, 7, tzinfo=UTC)


def test_recording_a_notification_twice_writes_one_pending_item(
    dynamo: Any, settings: Any, make_notification: Callable[..., Any]
) -> None:
    store = OutboxStore(dynamo, settings.tables)
    notification = make_notification("ord-7")
    assert store.record_notification(notification, T0, shipment_key="01") is True
    assert store.record_notification(notification, T0 + timedelta(minutes=5)) is False
    entry = store.get("ntf#" + notification.dedupe_key)
    assert entry is not None
    assert (entry.state, entry.attempts, entry.kind) == (
        OutboxState.PENDING,
        0,
        OutboxKind.NOTIFICATION,
    )
    assert entry.attributes["pendingKind"] == "notification"
    assert entry.attributes["dueAt"] == entry.attributes["createdAt"] == "2026-03-01T10:00:07.000Z"
    assert entry.attributes["shipmentKey"] == "01"
    assert entry.notification() == notification  # round trip: kind, recipient, params, key


def test_one_occurrence_is_one_item_and_another_occurrence_is_another(
    dynamo: Any, settings: Any, make_escalation: Callable[..., Any]
) -> None:
    store = OutboxStore(dynamo, settings.tables)
    esc = make_escalation("ord-9")
    assert store.record_escalation(esc, "ord-9-01-a1", T0, "2026-02-28T09:00:00.000Z")
    assert not store.record_escalation(esc, "ord-9-01-a1", T0 + timedelta(seconds=30))
    assert store.record_escalation(esc, "ord-9-01-a2", T0 + timedelta(minutes=1))
    entry = store.get(f"esc#{esc.fingerprint}#ord-9-01-a1")
    assert entry is not None
    assert entry.order_created_at == "2026-02-28T09:00:00.000Z"
    assert entry.attributes["fingerprint"] == esc.fingerprint
    assert entry.escalation() == esc  # every field survives, extra and occurred_at included
    due = list(store.iter_pending(OutboxKind.ESCALATION, T0 + timedelta(minutes=1)))
    assert len(due) == 2


def test_iter_pending_returns_only_due_items_of_the_kind_oldest_first(
    dynamo: Any,
    settings: Any,
    make_notification: Callable[..., Any],
    make_escalation: Callable[..., Any],
) -> None:
    store = OutboxStore(dynamo, settings.tables)
    for i in range(3):
        store.record_notification(make_notification(f"ord-{i}"), T0 + timedelta(minutes=i))
    store.record_escalation(make_escalation(), "occ-1", T0)
    due = list(store.iter_pending(OutboxKind.NOTIFICATION, T0 + timedelta(minutes=1)))
    assert [e.order_id for e in due] == ["ord-0", "ord-1"]
    assert len(list(store.iter_pending("notification", T0 + timedelta(hours=1), limit=2))) == 2


def test_claim_is_exclusive_until_the_lease_expires(
    dynamo: Any, settings: Any, make_notification: Callable[..., Any]
) -> None:
    store = OutboxStore(dynamo, settings.tables)
    notification = make_notification()
    store.record_notification(notification, T0)
    oid = "ntf#" + notification.dedupe_key
    lease = T0 + timedelta(minutes=2)
    assert store.claim(oid, "run-a", T0, lease) is not None
    assert store.claim(oid, "run-b", T0 + timedelta(seconds=30), lease) is None
    assert store.claim(oid, "run-a", T0 + timedelta(seconds=30), lease) is not None  # its retry
    taken = store.claim(oid, "run-b", T0 + timedelta(minutes=3), T0 + timedelta(minutes=5))
    assert taken is not None and taken.attributes["leaseOwner"] == "run-b"
    # run-a's lease is gone: its late outcome write is refused instead of overwriting run-b's
    assert not store.mark_sent(oid, "run-a", T0 + timedelta(minutes=3), attempts=1, message_id="x")


def test_a_final_mark_removes_the_item_from_the_pending_index(
    dynamo: Any, settings: Any, make_notification: Callable[..., Any]
) -> None:
    store = OutboxStore(dynamo, settings.tables)
    first, second, third = (make_notification(f"ord-{i}") for i in range(3))
    for n in (first, second, third):
        store.record_notification(n, T0)
    ids = ["ntf#" + n.dedupe_key for n in (first, second, third)]
    for oid in ids:
        assert store.claim(oid, "run", T0, T0 + timedelta(minutes=2)) is not None
    later = T0 + timedelta(seconds=5)
    assert store.mark_sent(ids[0], "run", later, attempts=1, message_id="wamid.1", provider="p")
    assert store.mark_skipped(ids[1], "run", later, reason="no valid mobile number")
    assert store.mark_failed(ids[2], "run", later, attempts=1, reason="[131026] undeliverable")
    assert list(store.iter_pending(OutboxKind.NOTIFICATION, T0 + timedelta(days=1))) == []
    sent, skipped, failed = (store.get(oid) for oid in ids)
    assert sent is not None and skipped is not None and failed is not None
    assert (sent.state, sent.attributes["providerMessageId"]) == (OutboxState.SENT, "wamid.1")
    assert skipped.state is OutboxState.SKIPPED
    assert failed.state is OutboxState.FAILED
    assert failed.attributes["lastError"] == "[131026] undeliverable"
    for entry in (sent, skipped, failed):
        assert not {"pendingKind", "dueAt", "leaseOwner", "leaseUntil"} & set(entry.attributes)
        assert entry.attributes["changeDay"] == "2026-03-01"


def test_reschedule_releases_the_lease_and_hides_the_item_until_due(
    dynamo: Any, settings: Any, make_escalation: Callable[..., Any]
) -> None:
    store = OutboxStore(dynamo, settings.tables)
    esc = make_escalation()
    store.record_escalation(esc, "occ", T0)
    oid = f"esc#{esc.fingerprint}#occ"
    assert store.claim(oid, "run", T0, T0 + timedelta(minutes=2)) is not None
    retry_at = T0 + timedelta(seconds=40)
    assert store.reschedule(oid, "run", T0, attempts=1, next_attempt_at=retry_at, error="503")
    assert list(store.iter_pending(OutboxKind.ESCALATION, T0 + timedelta(seconds=39))) == []
    assert store.claim(oid, "other", T0 + timedelta(seconds=39), retry_at) is None  # not due
    entry = store.claim(oid, "other", retry_at, retry_at + timedelta(minutes=2))
    assert entry is not None
    assert (entry.attempts, entry.attributes["lastError"]) == (1, "503")
    assert store.mark_delivered(
        oid, "other", retry_at, attempts=2, ticket_key="OPS-1", action=TicketAction.CREATED
    )
    done = store.get(oid)
    assert done is not None
    assert (done.state, done.attributes["ticketKey"], done.attributes["action"]) == (
        OutboxState.DELIVERED,
        "OPS-1",
        "created",
    )


def test_changed_escalations_are_read_back_by_day(
    dynamo: Any, settings: Any, make_escalation: Callable[..., Any]
) -> None:
    store = OutboxStore(dynamo, settings.tables)
    before_midnight = T0.replace(hour=23, minute=50) - timedelta(days=1)
    store.record_escalation(make_escalation("ord-a"), "a", before_midnight)
    store.record_escalation(make_escalation("ord-b"), "b", T0)
    store.record_escalation(make_escalation("ord-c"), "c", T0 - timedelta(days=3))
    found = list(store.iter_changed(OutboxKind.ESCALATION, T0 - timedelta(hours=11), T0))
    assert sorted(e.order_id or "" for e in found) == ["ord-a", "ord-b"]
