"""Deliver what the outbox holds: notifications through a `Notifier`, escalations as tickets.

A pass lists due items (PendingIndex), leases each one (so overlapping runs never send an item
twice), acts, and records the outcome while still holding the lease:

- success -> `sent` / `delivered` (with the ticket key and whether it was created or commented);
- no usable mobile -> `skipped`, never retried;
- a permanent failure -> `failed` with the reason;
- a transient failure -> rescheduled with exponential backoff and jitter (honouring the vendor's
  Retry-After), until `max_attempts`, then `failed` ("gave up after N attempts: ...").

A provider that is down for a whole run therefore loses nothing: its items stay pending and go
out on the first run after it recovers. After `breaker_threshold` consecutive transient failures
a pass stops calling that provider; the untouched items keep their place in the queue.

Escalations go through the fingerprint claim (`TicketRegistry`): the claim winner searches Jira
for an open ticket with the fingerprint label (it may exist from a create that timed out after
Jira accepted it), creates one if there is none, and registers the key; any other occurrence
comments on the registered ticket, or comes back shortly while the winner is still creating it.
The ticket key is then written on the order. DynamoDB errors are not caught here: they fail the
pass (the Prefect task retries it), and leased items simply become due again.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from botocore.exceptions import ClientError

from fulfil.domain.escalation import Escalation
from fulfil.jira.errors import JiraError, JiraNotFoundError
from fulfil.jira.sink import EscalationTarget
from fulfil.outbound.report import DeliveryReport, FailureLine, Outcome
from fulfil.outbound.retry import DeliveryLimits, backoff_seconds
from fulfil.store.outbox import OutboxEntry, OutboxKind, OutboxStore, TicketAction
from fulfil.store.tickets import ClaimStatus, TicketRegistry
from fulfil.whatsapp.errors import scrub_phone_numbers
from fulfil.whatsapp.notifier import DeliveryOutcome, DeliveryResult, Notifier

__all__ = [
    "OrderLinker",
    "deliver_escalations",
    "deliver_notifications",
    "deliver_pending",
    "new_owner",
    "preview_pending",
]

logger = logging.getLogger(__name__)

_REASON_LIMIT = 500


class OrderLinker(Protocol):
    """Writes the ticket key on the order (`OrderTicketLinker`)."""

    def link_ticket(
        self, order_id: str, order_created_at: str | None, ticket_key: str, now: datetime
    ) -> bool: ...


def new_owner(prefix: str = "deliver") -> str:
    """A lease owner id for one delivery run (reuse it for that run's retries)."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {scrub_phone_numbers(str(exc))}"
    return text[:_REASON_LIMIT]


def _result_reason(result: DeliveryResult) -> str:
    code = f"[{result.error_code}] " if result.error_code else ""
    return (code + (result.reason or result.outcome.value))[:_REASON_LIMIT]


class _Pass:
    """Plumbing shared by both kinds: listing, leasing, settling, the breaker, the report."""

    def __init__(
        self,
        store: OutboxStore,
        kind: OutboxKind,
        now: datetime,
        limits: DeliveryLimits,
        owner: str,
        rng: random.Random | None,
    ) -> None:
        self.store = store
        self.kind = kind
        self.now = now
        self.limits = limits
        self.owner = owner
        self.rng = rng
        self.report = DeliveryReport(kind=kind.value)
        self._streak = 0

    def run(self, limit: int | None, handle: Callable[[OutboxEntry], None]) -> DeliveryReport:
        until = self.now + timedelta(seconds=self.limits.lease_seconds)
        # `now` is fixed for the pass, so leases taken late in a slow pass would be short:
        # stop after half a lease of wall time and let the next batch start with a fresh `now`.
        deadline = time.monotonic() + self.limits.lease_seconds / 2
        for listed in self.store.iter_pending(self.kind, self.now, limit):
            if self.report.circuit_open:
                break
            if time.monotonic() > deadline:
                self.report.time_up = True
                break
            self.report.seen += 1
            entry = self.store.claim(listed.outbox_id, self.owner, self.now, until)
            if entry is None:
                self.report.add(Outcome.BUSY)
                continue
            handle(entry)
        if self.report.circuit_open:
            logger.warning(
                "%s delivery stopped after %d consecutive transient failures; the rest waits "
                "for the next run",
                self.kind,
                self._streak,
            )
        return self.report

    def record(
        self, ok: bool, outcome: Outcome, entry: OutboxEntry, attempts: int, why: str
    ) -> None:
        if not ok:
            logger.warning("lease on %s expired before its outcome was recorded", entry.outbox_id)
            self.report.add(Outcome.LEASE_LOST)
            return
        failure = None
        if outcome in (Outcome.FAILED, Outcome.RETRY):
            failure = FailureLine(
                kind=self.kind.value,
                outbox_id=entry.outbox_id,
                outcome=outcome,
                attempts=attempts,
                reason=why,
            )
        self.report.add(outcome, failure)
        if outcome is not Outcome.RETRY:
            self._streak = 0

    def fail(self, entry: OutboxEntry, reason: str, attempts: int) -> None:
        ok = self.store.mark_failed(
            entry.outbox_id, self.owner, self.now, attempts=attempts, reason=reason
        )
        logger.warning("%s %s failed permanently: %s", self.kind, entry.outbox_id, reason)
        self.record(ok, Outcome.FAILED, entry, attempts, reason)

    def retry(self, entry: OutboxEntry, reason: str, retry_after: float | None) -> None:
        attempts = entry.attempts + 1
        if attempts >= self.limits.max_attempts:
            self.fail(entry, f"gave up after {attempts} attempts: {reason}", attempts)
            return
        delay = backoff_seconds(attempts, self.limits, self.rng, retry_after)
        ok = self.store.reschedule(
            entry.outbox_id,
            self.owner,
            self.now,
            attempts=attempts,
            next_attempt_at=self.now + timedelta(seconds=delay),
            error=reason,
        )
        self.record(ok, Outcome.RETRY, entry, attempts, reason)
        self._streak += 1
        threshold = self.limits.breaker_threshold
        if threshold and self._streak >= threshold:
            self.report.circuit_open = True

    def defer(self, entry: OutboxEntry) -> None:
        ok = self.store.reschedule(
            entry.outbox_id,
            self.owner,
            self.now,
            attempts=entry.attempts,
            next_attempt_at=self.now + timedelta(seconds=self.limits.claim_wait_seconds),
            error=None,
        )
        self.record(ok, Outcome.DEFERRED, entry, entry.attempts, "")


def deliver_notifications(
    store: OutboxStore,
    notifier: Notifier,
    now: datetime,
    limits: DeliveryLimits,
    *,
    owner: str,
    rng: random.Random | None = None,
    limit: int | None = None,
) -> DeliveryReport:
    """Send up to `limit` due notifications (all due ones when None)."""
    run = _Pass(store, OutboxKind.NOTIFICATION, now, limits, owner, rng)

    def handle(entry: OutboxEntry) -> None:
        try:
            notification = entry.notification()
        except (KeyError, ValueError) as exc:
            run.fail(entry, f"unreadable outbox item: {_describe(exc)}", entry.attempts + 1)
            return
        try:
            result = notifier.send(notification)
        except Exception as exc:  # a notifier bug or local I/O error: keep the item, retry later
            logger.warning("notifier raised %s for %s", type(exc).__name__, entry.outbox_id)
            run.retry(entry, _describe(exc), None)
            return
        attempts = entry.attempts + 1
        if result.outcome is DeliveryOutcome.SENT:
            ok = store.mark_sent(
                entry.outbox_id,
                owner,
                now,
                attempts=attempts,
                message_id=result.message_id,
                provider=result.provider,
            )
            run.record(ok, Outcome.SENT, entry, attempts, "")
        elif result.outcome is DeliveryOutcome.SKIPPED:
            why = result.reason or "no valid mobile number"
            ok = store.mark_skipped(entry.outbox_id, owner, now, reason=why)
            run.record(ok, Outcome.SKIPPED, entry, attempts, why)
        elif result.outcome is DeliveryOutcome.FAILED:
            run.fail(entry, _result_reason(result), attempts)
        else:
            run.retry(entry, _result_reason(result), result.retry_after_seconds)

    return run.run(limit, handle)


class _Escalator:
    """The ticket logic of one escalation item: claim, create or comment, register."""

    def __init__(
        self,
        registry: TicketRegistry,
        target: EscalationTarget,
        now: datetime,
        limits: DeliveryLimits,
    ) -> None:
        self.registry = registry
        self.target = target
        self.now = now
        self.verify_after = timedelta(seconds=limits.verify_open_after_seconds)

    def ticket_for(self, entry: OutboxEntry, esc: Escalation) -> tuple[str, TicketAction] | None:
        """(ticket key, action), or None when another occurrence is creating the ticket."""
        fp, owner = esc.fingerprint, entry.outbox_id
        claim = self.registry.claim(fp, owner, self.now)
        if claim.status is ClaimStatus.PENDING:
            return None
        if claim.status is ClaimStatus.WON:
            return self._create(esc, owner, searched=False)
        key = claim.ticket_key or ""
        stale = claim.checked_at is None or self.now - claim.checked_at >= self.verify_after
        if stale:
            found = self.target.find_open_by_fingerprint(fp)
            if found is None:  # closed in Jira since: a recurrence gets a fresh ticket
                if not self.registry.reclaim_closed(fp, key, owner, self.now):
                    return None
                return self._create(esc, owner, searched=True)
            self.registry.confirm_open(fp, key, found.key, self.now)
            key = found.key
        try:
            self.target.add_comment(key, esc)
        except JiraNotFoundError:  # the ticket was deleted: open a new one
            if not self.registry.reclaim_closed(fp, key, owner, self.now):
                return None
            return self._create(esc, owner, searched=False)
        return key, TicketAction.COMMENTED

    def _create(self, esc: Escalation, owner: str, *, searched: bool) -> tuple[str, TicketAction]:
        fp = esc.fingerprint
        if not searched:
            found = self.target.find_open_by_fingerprint(fp)
            if found is not None:  # filed by a create that timed out, or by a person
                self.registry.set_ticket(fp, found.key, self.now)
                self.target.add_comment(found.key, esc)
                return found.key, TicketAction.COMMENTED
        try:
            ref = self.target.create_issue(esc)
        except JiraError as exc:
            if not exc.retryable and not exc.may_have_succeeded:
                self.registry.release(fp, owner, self.now)
            raise
        if not self.registry.set_ticket(fp, ref.key, self.now):
            logger.warning("fingerprint %s already had a ticket; %s is a duplicate", fp, ref.key)
        return ref.key, TicketAction.CREATED


def deliver_escalations(
    store: OutboxStore,
    registry: TicketRegistry,
    target: EscalationTarget,
    orders: OrderLinker,
    now: datetime,
    limits: DeliveryLimits,
    *,
    owner: str,
    rng: random.Random | None = None,
    limit: int | None = None,
) -> DeliveryReport:
    """File up to `limit` due escalations as tickets or comments (all due ones when None)."""
    run = _Pass(store, OutboxKind.ESCALATION, now, limits, owner, rng)
    escalator = _Escalator(registry, target, now, limits)

    def handle(entry: OutboxEntry) -> None:
        attempts = entry.attempts + 1
        try:
            esc = entry.escalation()
        except (KeyError, ValueError) as exc:
            run.fail(entry, f"unreadable outbox item: {_describe(exc)}", attempts)
            return
        try:
            ticket = escalator.ticket_for(entry, esc)
        except JiraError as exc:
            if exc.retryable:
                run.retry(entry, _describe(exc), exc.retry_after)
            else:
                run.fail(entry, _describe(exc), attempts)
            return
        except ClientError:
            raise
        except ValueError as exc:
            run.fail(entry, _describe(exc), attempts)
            return
        except Exception as exc:  # an adapter bug or local I/O error: keep the item
            logger.warning(
                "escalation target raised %s for %s", type(exc).__name__, entry.outbox_id
            )
            run.retry(entry, _describe(exc), None)
            return
        if ticket is None:
            run.defer(entry)
            return
        key, action = ticket
        if esc.order_id and not orders.link_ticket(esc.order_id, entry.order_created_at, key, now):
            logger.info("order %s not found: ticket %s not linked", esc.order_id, key)
        ok = store.mark_delivered(
            entry.outbox_id, owner, now, attempts=attempts, ticket_key=key, action=action
        )
        run.record(ok, Outcome(action.value), entry, attempts, "")

    return run.run(limit, handle)


def deliver_pending(
    store: OutboxStore,
    registry: TicketRegistry,
    notifier: Notifier,
    target: EscalationTarget,
    orders_writer: OrderLinker,
    now: datetime,
    limits: DeliveryLimits,
    *,
    owner: str | None = None,
    rng: random.Random | None = None,
    limit: int | None = None,
) -> DeliveryReport:
    """One pass over both outboxes: escalations first (people act on them), then notifications."""
    lease_owner = owner or new_owner()
    escalations = deliver_escalations(
        store, registry, target, orders_writer, now, limits, owner=lease_owner, rng=rng, limit=limit
    )
    notifications = deliver_notifications(
        store, notifier, now, limits, owner=lease_owner, rng=rng, limit=limit
    )
    return escalations.merged(notifications)


def preview_pending(
    store: OutboxStore, kind: OutboxKind, now: datetime, limit: int | None = None
) -> DeliveryReport:
    """Dry run: count what is due without leasing or sending anything."""
    report = DeliveryReport(kind=kind.value)
    for _ in store.iter_pending(kind, now, limit):
        report.seen += 1
        report.add(Outcome.DUE)
    return report
