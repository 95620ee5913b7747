"""One open ticket per fingerprint: the claim in the control table, and the ticket key on the order.

Jira search is eventually consistent (a ticket created seconds ago may not be found) and creating
an issue is not idempotent, so "search, then create if nothing is found" opens duplicates when
two runs see the same failure at once. Instead the fingerprint is claimed here first, with a
conditional write on the control item `pk="ticket", sk=<fingerprint>`:

- the winner creates the ticket and records its key (`set_ticket`);
- a loser reads the item with a consistent read: a key there means "comment on it"; no key yet
  means the winner is still creating, so the loser comes back shortly and never creates;
- a claim is held by the *occurrence* (its outbox id), so a retry of the winning occurrence wins
  again; a claim whose holder vanished (crash, long backoff) can be taken over after
  `claim_seconds`, and a holder that fails permanently releases it.

Closed tickets: when the registry's key is older than the verification period and Jira no longer
finds an open ticket for the fingerprint, the key is retired (`reclaim_closed`, conditional on
the key, so one run wins) and a new ticket is opened for the recurrence; the retired keys are kept
in `closedKeys`. A closed ticket is a person's statement that the problem was handled, so a
recurrence deserves a fresh ticket rather than a comment nobody will read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from fulfil.settings import TableNames
from fulfil.store.dynamo import DynamoDBClient, from_item, unless_condition_fails
from fulfil.store.outbox_model import iso

__all__ = ["Claim", "ClaimStatus", "OrderTicketLinker", "TicketRegistry"]

TICKET_PK = "ticket"


def _parse(text: Any) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


class ClaimStatus(StrEnum):
    WON = "won"  # create the ticket (search first), then set_ticket
    EXISTING = "existing"  # a ticket is registered: comment on it
    PENDING = "pending"  # another occurrence is creating it right now: come back shortly


@dataclass(frozen=True)
class Claim:
    status: ClaimStatus
    fingerprint: str
    ticket_key: str | None = None
    checked_at: datetime | None = None  # when the key was last known to be an open ticket


class TicketRegistry:
    """The fingerprint -> ticket key map, with the claim that makes creation single-winner."""

    def __init__(
        self, client: DynamoDBClient, tables: TableNames, *, claim_seconds: int = 600
    ) -> None:
        self._client = client
        self._table = tables.control
        self._claim = timedelta(seconds=claim_seconds)
        self.calls = 0

    def _key(self, fingerprint: str) -> dict[str, Any]:
        return {"pk": {"S": TICKET_PK}, "sk": {"S": fingerprint}}

    def claim(self, fingerprint: str, owner: str, now: datetime) -> Claim:
        """Claim the right to create the ticket for `fingerprint`.

        One conditional write: it succeeds when no item exists, or when no key is registered
        yet and the claim is ours, released, or expired. Otherwise a consistent read tells the
        caller which ticket to comment on, or that the winner is still creating it.
        """
        self.calls += 1
        won = unless_condition_fails(
            self._client.update_item,
            TableName=self._table,
            Key=self._key(fingerprint),
            UpdateExpression=(
                "SET claimOwner = :me, claimUntil = :until, "
                "claimedAt = if_not_exists(claimedAt, :now), updatedAt = :now"
            ),
            ConditionExpression=(
                "attribute_not_exists(pk) OR (attribute_not_exists(ticketKey) AND "
                "(attribute_not_exists(claimOwner) OR claimOwner = :me OR claimUntil < :now))"
            ),
            ExpressionAttributeValues={
                ":me": {"S": owner},
                ":until": {"S": iso(now + self._claim)},
                ":now": {"S": iso(now)},
            },
        )
        if won is not None:
            return Claim(ClaimStatus.WON, fingerprint)
        item = self.get(fingerprint) or {}
        key = item.get("ticketKey")
        if key:
            checked = _parse(item.get("checkedAt"))
            return Claim(ClaimStatus.EXISTING, fingerprint, str(key), checked)
        return Claim(ClaimStatus.PENDING, fingerprint)

    def get(self, fingerprint: str) -> dict[str, Any] | None:
        self.calls += 1
        response = self._client.get_item(
            TableName=self._table, Key=self._key(fingerprint), ConsistentRead=True
        )
        raw = response.get("Item")
        return from_item(raw) if raw else None

    def set_ticket(self, fingerprint: str, key: str, now: datetime) -> bool:
        """Register the ticket the claim winner created (or adopted).

        False when a key is already registered: another occurrence took over an expired claim
        and filed its own ticket; the registered key stays the one recurrences comment on.
        """
        return self._update(
            fingerprint,
            "SET ticketKey = :k, checkedAt = :now, ticketSetAt = :now, updatedAt = :now "
            "REMOVE claimUntil",
            "attribute_not_exists(ticketKey) OR ticketKey = :k",
            {":k": key, ":now": iso(now)},
        )

    def confirm_open(self, fingerprint: str, old_key: str, key: str, now: datetime) -> bool:
        """Jira says `key` is the open ticket for the fingerprint (it may replace `old_key`)."""
        return self._update(
            fingerprint,
            "SET ticketKey = :k, checkedAt = :now, updatedAt = :now",
            "ticketKey = :old",
            {":k": key, ":old": old_key, ":now": iso(now)},
        )

    def reclaim_closed(self, fingerprint: str, old_key: str, owner: str, now: datetime) -> bool:
        """Retire `old_key` (closed or deleted in Jira) and claim the creation of its successor.

        Conditional on the key still being `old_key`: of several runs noticing the closure, one
        wins; the others then see a pending claim (or the new key) and never create.
        """
        return self._update(
            fingerprint,
            "SET claimOwner = :me, claimUntil = :until, updatedAt = :now, "
            "closedKeys = list_append(if_not_exists(closedKeys, :empty), :oldlist) "
            "REMOVE ticketKey, checkedAt, ticketSetAt",
            "ticketKey = :old",
            {
                ":me": owner,
                ":until": iso(now + self._claim),
                ":now": iso(now),
                ":old": old_key,
                ":oldlist": [old_key],
                ":empty": [],
            },
        )

    def release(self, fingerprint: str, owner: str, now: datetime) -> bool:
        """Give up a claim without a ticket (creation failed permanently), so others may try."""
        return self._update(
            fingerprint,
            "SET updatedAt = :now REMOVE claimOwner, claimUntil",
            "claimOwner = :me AND attribute_not_exists(ticketKey)",
            {":me": owner, ":now": iso(now)},
        )

    def _update(
        self, fingerprint: str, expression: str, condition: str, values: Mapping[str, Any]
    ) -> bool:
        self.calls += 1
        done = unless_condition_fails(
            self._client.update_item,
            TableName=self._table,
            Key=self._key(fingerprint),
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeValues={k: _attr(v) for k, v in values.items()},
        )
        return done is not None


def _attr(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        return {"L": [{"S": str(v)} for v in value]}
    return {"S": str(value)}


class OrderTicketLinker:
    """Writes `jiraTicketKey` on the storefront order, only if the order exists."""

    def __init__(self, client: DynamoDBClient, tables: TableNames) -> None:
        self._client = client
        self._table = tables.orders
        self.calls = 0

    def link_ticket(
        self, order_id: str, order_created_at: str | None, ticket_key: str, now: datetime
    ) -> bool:
        """True when the order was updated; False when no such order exists.

        Without `order_created_at` (the sort key) the order's partition is read first.
        """
        created_at = order_created_at or self._created_at_of(order_id)
        if created_at is None:
            return False
        self.calls += 1
        done = unless_condition_fails(
            self._client.update_item,
            TableName=self._table,
            Key={"orderId": {"S": order_id}, "createdAt": {"S": created_at}},
            UpdateExpression="SET jiraTicketKey = :k, fulfilmentUpdatedAt = :now",
            ConditionExpression="attribute_exists(orderId)",
            ExpressionAttributeValues={":k": {"S": ticket_key}, ":now": {"S": iso(now)}},
        )
        return done is not None

    def _created_at_of(self, order_id: str) -> str | None:
        self.calls += 1
        page = self._client.query(
            TableName=self._table,
            KeyConditionExpression="orderId = :o",
            ExpressionAttributeValues={":o": {"S": order_id}},
            ProjectionExpression="createdAt",
            ConsistentRead=True,
            Limit=1,
        )
        items = page.get("Items", [])
        return str(items[0]["createdAt"]["S"]) if items else None
