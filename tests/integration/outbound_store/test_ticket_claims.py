"""The fingerprint claim contract, on moto and on DynamoDB Local, plus the order link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fulfil.store.tickets import ClaimStatus, OrderTicketLinker, TicketRegistry

T0 = datetime(2026, 3, 1, 10, 0, 7, tzinfo=UTC)
FP = "3f9a1c0d7e2b4a65"


def test_first_claim_wins_and_later_claims_wait_then_see_the_key(
    dynamo_backend: Any, settings: Any
) -> None:
    registry = TicketRegistry(dynamo_backend, settings.tables, claim_seconds=600)
    assert registry.claim(FP, "esc#a", T0).status is ClaimStatus.WON
    waiting = registry.claim(FP, "esc#b", T0 + timedelta(seconds=1))
    assert (waiting.status, waiting.ticket_key) == (ClaimStatus.PENDING, None)
    assert registry.claim(FP, "esc#a", T0 + timedelta(seconds=2)).status is ClaimStatus.WON
    assert registry.set_ticket(FP, "OPS-7", T0 + timedelta(seconds=3))
    for owner in ("esc#a", "esc#b", "esc#c"):
        claim = registry.claim(FP, owner, T0 + timedelta(seconds=4))
        assert (claim.status, claim.ticket_key) == (ClaimStatus.EXISTING, "OPS-7")
        assert claim.checked_at == T0 + timedelta(seconds=3)
    item = registry.get(FP)
    assert item is not None
    assert (item["pk"], item["sk"], item["claimOwner"]) == ("ticket", FP, "esc#a")
    assert "claimUntil" not in item


def test_an_abandoned_claim_can_be_taken_over_after_it_expires(
    dynamo_backend: Any, settings: Any
) -> None:
    registry = TicketRegistry(dynamo_backend, settings.tables, claim_seconds=60)
    assert registry.claim(FP, "esc#a", T0).status is ClaimStatus.WON
    assert registry.claim(FP, "esc#b", T0 + timedelta(seconds=59)).status is ClaimStatus.PENDING
    assert registry.claim(FP, "esc#b", T0 + timedelta(seconds=61)).status is ClaimStatus.WON
    assert registry.claim(FP, "esc#a", T0 + timedelta(seconds=62)).status is ClaimStatus.PENDING


def test_a_released_claim_is_free_and_a_registered_key_is_never_replaced(
    dynamo_backend: Any, settings: Any
) -> None:
    registry = TicketRegistry(dynamo_backend, settings.tables)
    registry.claim(FP, "esc#a", T0)
    assert not registry.release(FP, "esc#b", T0)  # only the holder can release
    assert registry.release(FP, "esc#a", T0)
    assert registry.claim(FP, "esc#b", T0 + timedelta(seconds=1)).status is ClaimStatus.WON
    assert registry.set_ticket(FP, "OPS-1", T0)
    assert registry.set_ticket(FP, "OPS-1", T0)  # idempotent
    assert not registry.set_ticket(FP, "OPS-2", T0)  # a duplicate never replaces the key
    assert not registry.release(FP, "esc#b", T0)  # nor does a release remove it
    assert registry.claim(FP, "esc#z", T0).ticket_key == "OPS-1"


def test_a_closed_ticket_is_retired_by_exactly_one_run(dynamo_backend: Any, settings: Any) -> None:
    registry = TicketRegistry(dynamo_backend, settings.tables)
    registry.claim(FP, "esc#a", T0)
    registry.set_ticket(FP, "OPS-1", T0)
    later = T0 + timedelta(hours=2)
    assert registry.reclaim_closed(FP, "OPS-1", "esc#b", later)
    assert not registry.reclaim_closed(FP, "OPS-1", "esc#c", later)
    assert registry.claim(FP, "esc#c", later).status is ClaimStatus.PENDING
    assert registry.claim(FP, "esc#b", later).status is ClaimStatus.WON
    assert registry.set_ticket(FP, "OPS-9", later)
    item = registry.get(FP)
    assert item is not None
    assert (item["ticketKey"], item["closedKeys"]) == ("OPS-9", ["OPS-1"])
    assert registry.confirm_open(FP, "OPS-9", "OPS-9", later + timedelta(hours=1))
    assert not registry.confirm_open(FP, "OPS-1", "OPS-1", later)  # stale key: refused
    claim = registry.claim(FP, "esc#d", later + timedelta(hours=1))
    assert claim.checked_at == later + timedelta(hours=1)


def test_ticket_key_is_written_on_an_existing_order_only(
    dynamo_backend: Any, settings: Any
) -> None:
    dynamo_backend.put_item(
        TableName=settings.tables.orders,
        Item={"orderId": {"S": "ord-1"}, "createdAt": {"S": "2026-02-28T09:00:00.000Z"}},
    )
    linker = OrderTicketLinker(dynamo_backend, settings.tables)
    assert linker.link_ticket("ord-1", "2026-02-28T09:00:00.000Z", "OPS-3", T0)
    assert linker.link_ticket("ord-1", None, "OPS-4", T0)  # sort key looked up by order id
    assert not linker.link_ticket("ord-404", None, "OPS-5", T0)
    assert not linker.link_ticket("ord-1", "2026-01-01T00:00:00.000Z", "OPS-6", T0)
    items = dynamo_backend.scan(TableName=settings.tables.orders)["Items"]
    assert len(items) == 1  # no phantom order was created by the conditional update
    assert items[0]["jiraTicketKey"] == {"S": "OPS-4"}
    assert items[0]["fulfilmentUpdatedAt"] == {"S": "2026-03-01T10:00:07.000Z"}
