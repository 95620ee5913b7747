"""The outbox table: notifications and escalations recorded first, delivered later.

Why an outbox: a flow that decides "tell the customer" or "open a ticket" must not lose that
decision when WhatsApp or Jira is down, and must not act twice when it is retried or when two
sweeps overlap. So the decision is written here first, under a deterministic key, with a
conditional put (the second write of the same key does nothing), and `deliver-outbound` sends it
afterwards, retrying with backoff until it is sent or known to be undeliverable.

Keys (see `docs/data-model.md`): `ntf#<dedupe key>` for a notification,
`esc#<fingerprint>#<occurrence>` for one occurrence of an escalation (an occurrence is what makes
two sightings of one failure two items: `<orderId>-<shipmentKey>-a3`, a run id, an alert window).

The sparse `PendingIndex` (`pendingKind`, `dueAt`) holds only what is still to deliver; every final
write removes both attributes. Delivery takes a short lease (`leaseOwner`, `leaseUntil`) on the
base table with a conditional update, because GSI reads are eventually consistent and two delivery
runs may read the same pending item: only the lease holder sends, and every outcome write is
conditional on still holding it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from fulfil.domain.escalation import Escalation
from fulfil.domain.notifications import Notification
from fulfil.settings import TableNames
from fulfil.store.dynamo import DynamoDBClient, from_item, to_item, to_value, unless_condition_fails
from fulfil.store.outbox_model import (
    ESCALATION_PREFIX,
    NOTIFICATION_PREFIX,
    OutboxEntry,
    OutboxKind,
    OutboxState,
    TicketAction,
    escalation_outbox_id,
    iso,
    notification_outbox_id,
)
from fulfil.store.schema import CHANGES_INDEX, PENDING_INDEX
from fulfil.timestamps import change_stamp

__all__ = [
    "ESCALATION_PREFIX",
    "NOTIFICATION_PREFIX",
    "OutboxEntry",
    "OutboxKind",
    "OutboxState",
    "OutboxStore",
    "TicketAction",
    "escalation_outbox_id",
    "notification_outbox_id",
]

_TEXT_LIMIT = 30_000  # keeps an item far below DynamoDB's 400 KB even with long vendor text
_OCCURRENCE_LIMIT = 200


def _cap(text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"


class OutboxStore:
    """Record, list, lease and settle outbox items (low-level client, explicit serialisation)."""

    def __init__(self, client: DynamoDBClient, tables: TableNames) -> None:
        self._client = client
        self._table = tables.outbox
        self.calls = 0

    # -- recording ------------------------------------------------------------------------
    def record_notification(
        self, notification: Notification, now: datetime, *, shipment_key: str | None = None
    ) -> bool:
        """Record a notice as due now; False when its dedupe key was already recorded."""
        item = {
            "outboxId": notification_outbox_id(notification.dedupe_key),
            "kind": OutboxKind.NOTIFICATION.value,
            "notificationKind": str(notification.kind),
            "orderId": notification.order_id,
            "shipmentKey": shipment_key,
            "recipient": notification.recipient_e164,
            "params": json.dumps(notification.params, ensure_ascii=False, sort_keys=True),
            **self._pending(OutboxKind.NOTIFICATION, now),
        }
        return self._put_new(item)

    def record_escalation(
        self,
        esc: Escalation,
        occurrence: str,
        now: datetime,
        order_created_at: str | None = None,
    ) -> bool:
        """Record one occurrence of an escalation; False when that occurrence was already recorded.

        `order_created_at` (the order's sort key) lets delivery link the ticket to the order
        with one UpdateItem; without it delivery looks the order up by id.
        """
        occurrence = occurrence.strip()
        if not occurrence or len(occurrence) > _OCCURRENCE_LIMIT:
            raise ValueError(f"occurrence must be 1-{_OCCURRENCE_LIMIT} characters")
        item = {
            "outboxId": escalation_outbox_id(esc.fingerprint, occurrence),
            "kind": OutboxKind.ESCALATION.value,
            "fingerprint": esc.fingerprint,
            "occurrence": occurrence,
            "category": str(esc.category),
            "severity": str(esc.severity),
            "stage": esc.stage,
            "reasonCode": esc.reason_code,
            "orderId": esc.order_id,
            "orderCreatedAt": order_created_at,
            "scope": esc.scope,
            "summary": _cap(esc.summary),
            "detail": _cap(esc.detail) or None,
            "vendorMessage": _cap(esc.vendor_message),
            "flowRunUrl": esc.flow_run_url,
            "occurredAt": iso(esc.occurred_at),
            "extra": json.dumps(esc.extra, sort_keys=True) if esc.extra else None,
            **self._pending(OutboxKind.ESCALATION, now),
        }
        return self._put_new(item)

    @staticmethod
    def _pending(kind: OutboxKind, now: datetime) -> dict[str, Any]:
        return {
            "state": OutboxState.PENDING.value,
            "attempts": 0,
            "createdAt": iso(now),
            "pendingKind": kind.value,
            "dueAt": iso(now),
            **change_stamp(now),
        }

    def _put_new(self, item: Mapping[str, Any]) -> bool:
        self.calls += 1
        stored = unless_condition_fails(
            self._client.put_item,
            TableName=self._table,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(outboxId)",
        )
        return stored is not None

    # -- reads ----------------------------------------------------------------------------
    def iter_pending(
        self, kind: OutboxKind | str, now: datetime, limit: int | None = None
    ) -> Iterator[OutboxEntry]:
        """Items of `kind` due at `now`, oldest first (GSI: eventually consistent, so claim).

        Only the listing attributes are read (id, kind, state, attempts, dueAt, orderId): the
        claim returns the whole item, strongly consistent, and parsing responses is where
        boto3 spends its time.
        """
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": PENDING_INDEX,
            "KeyConditionExpression": "pendingKind = :k AND dueAt <= :now",
            "ProjectionExpression": "outboxId, #kind, #state, attempts, dueAt, orderId",
            "ExpressionAttributeNames": {"#kind": "kind", "#state": "state"},
            "ExpressionAttributeValues": {":k": {"S": str(kind)}, ":now": {"S": iso(now)}},
        }
        if limit is not None:
            kwargs["Limit"] = max(limit, 1)
        seen = 0
        while True:
            self.calls += 1
            page = self._client.query(**kwargs)
            for raw in page.get("Items", []):
                yield OutboxEntry.from_attributes(from_item(raw))
                seen += 1
                if limit is not None and seen >= limit:
                    return
            if not page.get("LastEvaluatedKey"):
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def get(self, outbox_id: str) -> OutboxEntry | None:
        self.calls += 1
        response = self._client.get_item(
            TableName=self._table, Key={"outboxId": {"S": outbox_id}}, ConsistentRead=True
        )
        raw = response.get("Item")
        return OutboxEntry.from_attributes(from_item(raw)) if raw else None

    def iter_changed(
        self, kind: OutboxKind, since: datetime, now: datetime
    ) -> Iterator[OutboxEntry]:
        """Items of `kind` written in (`since`, `now`] (ChangesIndex, one query per UTC day)."""
        if since > now:
            return
        day = since.astimezone(UTC).date()
        last = now.astimezone(UTC).date()
        while day <= last:
            kwargs: dict[str, Any] = {
                "TableName": self._table,
                "IndexName": CHANGES_INDEX,
                "KeyConditionExpression": "changeDay = :d AND updatedAt BETWEEN :a AND :b",
                "FilterExpression": "#kind = :kind",
                "ExpressionAttributeNames": {"#kind": "kind"},
                "ExpressionAttributeValues": {
                    ":d": {"S": day.isoformat()},
                    ":a": {"S": iso(since)},
                    ":b": {"S": iso(now)},
                    ":kind": {"S": kind.value},
                },
            }
            while True:
                self.calls += 1
                page = self._client.query(**kwargs)
                for raw in page.get("Items", []):
                    yield OutboxEntry.from_attributes(from_item(raw))
                if not page.get("LastEvaluatedKey"):
                    break
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
            day += timedelta(days=1)

    # -- lease and outcomes ---------------------------------------------------------------
    def claim(
        self, outbox_id: str, owner: str, now: datetime, until: datetime
    ) -> OutboxEntry | None:
        """Lease a due item until `until`; None when it is not due (any more) or leased by
        another run. The returned entry is the item as of the claim (strongly consistent)."""
        self.calls += 1
        response = unless_condition_fails(
            self._client.update_item,
            TableName=self._table,
            Key={"outboxId": {"S": outbox_id}},
            UpdateExpression="SET leaseOwner = :me, leaseUntil = :until",
            ConditionExpression=(
                "attribute_exists(pendingKind) AND dueAt <= :now AND "
                "(attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :me)"
            ),
            ExpressionAttributeValues={
                ":me": {"S": owner},
                ":until": {"S": iso(until)},
                ":now": {"S": iso(now)},
            },
            ReturnValues="ALL_NEW",
        )
        if response is None:
            return None
        return OutboxEntry.from_attributes(from_item(response["Attributes"]))

    def mark_sent(
        self,
        outbox_id: str,
        owner: str,
        now: datetime,
        *,
        attempts: int,
        message_id: str | None,
        provider: str | None = None,
    ) -> bool:
        """A notification was accepted by the provider. False when our lease was lost."""
        return self._settle(
            outbox_id,
            owner,
            now,
            {
                "state": OutboxState.SENT.value,
                "sentAt": iso(now),
                "attempts": attempts,
                "providerMessageId": message_id,
                "provider": provider,
            },
            final=True,
        )

    def mark_delivered(
        self,
        outbox_id: str,
        owner: str,
        now: datetime,
        *,
        attempts: int,
        ticket_key: str,
        action: TicketAction,
    ) -> bool:
        """An escalation became a ticket (`created`) or a comment on one (`commented`)."""
        return self._settle(
            outbox_id,
            owner,
            now,
            {
                "state": OutboxState.DELIVERED.value,
                "deliveredAt": iso(now),
                "attempts": attempts,
                "ticketKey": ticket_key,
                "action": TicketAction(action).value,
            },
            final=True,
        )

    def mark_skipped(self, outbox_id: str, owner: str, now: datetime, *, reason: str) -> bool:
        """Nothing to deliver (no usable mobile): final, never retried."""
        fields = {"state": OutboxState.SKIPPED.value, "lastError": reason[:2000]}
        return self._settle(outbox_id, owner, now, fields, final=True)

    def mark_failed(
        self, outbox_id: str, owner: str, now: datetime, *, attempts: int, reason: str
    ) -> bool:
        """A permanent failure (or retries exhausted): final, with the reason for operators."""
        fields = {
            "state": OutboxState.FAILED.value,
            "attempts": attempts,
            "lastError": reason[:2000],
            "failedAt": iso(now),
        }
        return self._settle(outbox_id, owner, now, fields, final=True)

    def reschedule(
        self,
        outbox_id: str,
        owner: str,
        now: datetime,
        *,
        attempts: int,
        next_attempt_at: datetime,
        error: str | None,
    ) -> bool:
        """Release the lease and make the item due again at `next_attempt_at`.

        `error` None keeps the previous `lastError` (used when an item is only deferred).
        """
        fields: dict[str, Any] = {
            "attempts": attempts,
            "nextAttemptAt": iso(next_attempt_at),
            "dueAt": iso(next_attempt_at),
        }
        if error is not None:
            fields["lastError"] = error[:2000]
        return self._settle(outbox_id, owner, now, fields, final=False)

    def _settle(
        self,
        outbox_id: str,
        owner: str,
        now: datetime,
        fields: Mapping[str, Any],
        *,
        final: bool,
    ) -> bool:
        values: dict[str, Any] = {":me": {"S": owner}}
        names: dict[str, str] = {}
        sets: list[str] = []
        removes = ["leaseOwner", "leaseUntil"]
        if final:
            removes += ["pendingKind", "dueAt", "nextAttemptAt"]
        for i, (attr, value) in enumerate(sorted({**fields, **change_stamp(now)}.items())):
            if value is None:
                continue
            names[f"#a{i}"] = attr
            sets.append(f"#a{i} = :v{i}")
            values[f":v{i}"] = to_value(value)
        expression = "SET " + ", ".join(sets) + " REMOVE " + ", ".join(removes)
        self.calls += 1
        done = unless_condition_fails(
            self._client.update_item,
            TableName=self._table,
            Key={"outboxId": {"S": outbox_id}},
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="leaseOwner = :me",
        )
        return done is not None
